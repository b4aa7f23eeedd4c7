"""A small demo data set for `make run`: a user for every role, a few projects (and, as apps land, clues)."""

import datetime as dt
from decimal import Decimal

from django.contrib.auth.models import Group
from django.db import transaction

from accounts.models import User
from accounts.roles import Role
from demo.clues import seed_demo_clues
from projects.models import Project
from supervision import ladder
from units.models import Unit

# username, role, unit code, name
DEMO_USERS = [
    ("intake", Role.INTAKE, "150900", "郝向松"),
    ("officer_jining", Role.OFFICER, "150902", "王建国"),
    ("officer_zhuozi", Role.OFFICER, "150921", "姜洁"),
    ("officer_housing", Role.OFFICER, "housing", "李明"),
    ("supervisor", Role.SUPERVISOR, "150900", "张督办"),
    ("admin", Role.ADMIN, "150900", "系统管理员"),
]

DEMO_PROJECTS = [
    dict(code="WLCB-2026-0001", name="集宁区老旧小区改造工程(一期)", district="150902", sector="housing",
         address="集宁区新华街与解放路交叉口", developer_name="乌兰察布市城市建设投资有限公司",
         developer_credit_code="91150900MA0N7B2X1B", contractor_name="内蒙古北疆建设集团有限公司",
         contractor_credit_code="91150902MA13XY8Q21", contract_sum=Decimal("38600000.00"),
         is_government_invested=True, wage_manager="赵志刚", wage_manager_phone="13947400001"),
    dict(code="WLCB-2026-0002", name="卓资县三北防护林工程(2026年度)", district="150921", sector="forestry",
         address="卓资县巴音锡勒镇", developer_name="卓资县林业和草原局",
         contractor_name="乌兰察布绿源生态建设有限公司", contract_sum=Decimal("12500000.00"),
         is_government_invested=True, wage_manager="石建军", wage_manager_phone="13947400002"),
    dict(code="WLCB-2026-0003", name="丰镇市110千伏输变电工程", district="150981", sector="energy",
         address="丰镇市隆盛庄镇", developer_name="内蒙古电力(集团)有限责任公司乌兰察布供电分公司",
         contractor_name="内蒙古送变电有限责任公司", contract_sum=Decimal("56200000.00"),
         is_government_invested=True, wage_manager="刘海", wage_manager_phone="13947400003"),
    dict(code="WLCB-2026-0004", name="化德县长青佳苑商住楼", district="150922", sector="housing",
         address="化德县长顺镇长青路", developer_name="化德县鑫源房地产开发有限公司",
         contractor_name="乌兰察布市宏达建筑工程有限公司", contract_sum=Decimal("2800000.00"),
         is_government_invested=False, wage_manager="孙强", wage_manager_phone="13947400004"),
]


@transaction.atomic
def seed_demo(password):
    """Create the demo data (idempotent); returns [(username, role label, unit name)]."""
    units = {u.code: u for u in Unit.objects.all()}
    accounts = []
    for username, role, unit_code, name in DEMO_USERS:
        user, _created = User.objects.get_or_create(username=username)
        user.unit = units[unit_code]
        user.last_name, user.first_name = name[:1], name[1:]
        user.is_staff = role == Role.ADMIN
        user.is_superuser = role == Role.ADMIN
        user.set_password(password)
        user.save()
        user.groups.add(Group.objects.get(name=role))
        accounts.append((username, role.label, user.unit.name))

    for index, spec in enumerate(DEMO_PROJECTS):
        spec = dict(spec)
        spec["district"] = units[spec["district"]]
        spec["sector"] = units[spec["sector"]]
        spec.setdefault("start_date", dt.date(2026, 3, 1) + dt.timedelta(days=30 * index))
        Project.objects.update_or_create(code=spec.pop("code"), defaults=spec)


    seed_demo_clues()
    # The overdue demo clue has run past its clocks: the sweep takes its ladder as far as it has come, so the
    # supervisor's board shows real letters (and beat keeps it going from here).
    ladder.sweep()
    return accounts

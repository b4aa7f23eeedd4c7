"""The demo data set for `make run`: an account for every role and an officer in every unit, a few projects,
and the city's last few months of clues (demo/history.py)."""

import datetime as dt
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.db import transaction

from accounts.models import User
from accounts.roles import Role
from demo.campaigns import seed_campaign
from demo.credit import seed_credit
from demo.history import demo_staff, seed_history
from demo.monitoring import seed_monitoring
from projects.models import Project
from units.models import Unit
from wage_warnings.evaluation import evaluate

# username, role, unit code, (family name, given name): a title such as 系统管理员 is all given name, so the
# admin greets "欢迎, 系统管理员", not a slice of it.
DEMO_USERS = [
    ("intake", Role.INTAKE, "150900", ("郝", "向松")),
    ("officer_jining", Role.OFFICER, "150902", ("王", "建国")),
    ("officer_zhuozi", Role.OFFICER, "150921", ("姜", "洁")),
    ("officer_housing", Role.OFFICER, "housing", ("李", "明")),
    ("supervisor", Role.SUPERVISOR, "150900", ("张", "督办")),
    ("admin", Role.ADMIN, "150900", ("", "系统管理员")),
    # The 劳资专管员 of two projects (demo/monitoring.py makes the account: it belongs to no unit).
    ("wage_manager", Role.WAGE_MANAGER, None, ("赵", "志刚")),
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


# One officer for each unit the demo's people do not cover, so every district and department can claim its
# clues: officer_<name> (the district's pinyin, or the department's code).
DISTRICT_LOGINS = {"150922": "huade", "150923": "shangdu", "150924": "xinghe", "150925": "liangcheng",
                   "150926": "chayouqian", "150927": "chayouzhong", "150928": "chayouhou", "150929": "siziwang",
                   "150981": "fengzhen"}
OFFICER_NAMES = [(name[0], name[1:]) for name in (
    "赵建军 钱丽 孙海涛 周敏 吴志刚 郑红 冯磊 陈晓燕 褚国庆 卫芳 蒋文斌 沈静 韩亮 杨雪梅 朱永平 秦娟 尤强 许丽娜 何刚 "
    "吕霞 施东 张玉兰 孔鹏 曹颖 严峰 华婷").split()]


def unit_officers(units):
    """(username, unit code, name) of the extra officers: one per unit without a demo officer."""
    covered = {code for _u, role, code, _n in DEMO_USERS if role == Role.OFFICER}
    extra = [u for u in sorted(units.values(), key=lambda u: (u.sort_order, u.code))
             if u.kind != Unit.Kind.CITY and u.code not in covered]
    return [(f"officer_{DISTRICT_LOGINS.get(u.code, u.code)}", u.code, OFFICER_NAMES[i % len(OFFICER_NAMES)])
            for i, u in enumerate(extra)]


def _account(username, role, unit, name, password_hash):
    user, _created = User.objects.get_or_create(username=username)
    user.unit = unit
    user.last_name, user.first_name = name
    user.is_staff = user.is_superuser = role == Role.ADMIN
    user.password = password_hash
    user.save()
    user.groups.add(Group.objects.get(name=role))
    return user


@transaction.atomic
def seed_people_and_projects(password):
    """The demo accounts (every role; an officer in every unit) and projects, idempotent; returns
    [(username, role label, unit name)] of the named demo accounts."""
    units = {u.code: u for u in Unit.objects.all()}
    password_hash = make_password(password)  # hashed once: the same password for every demo account
    accounts = []
    for username, role, unit_code, name in DEMO_USERS:
        if unit_code is None:
            continue
        user = _account(username, role, units[unit_code], name, password_hash)
        accounts.append((username, role.label, user.unit.name))
    for username, unit_code, name in unit_officers(units):
        _account(username, Role.OFFICER, units[unit_code], name, password_hash)

    for index, spec in enumerate(DEMO_PROJECTS):
        spec = dict(spec)
        spec["district"] = units[spec["district"]]
        spec["sector"] = units[spec["sector"]]
        spec.setdefault("start_date", dt.date(2026, 3, 1) + dt.timedelta(days=30 * index))
        Project.objects.get_or_create(code=spec.pop("code"), defaults=spec)  # a re-run keeps what it has
    return accounts


def seed_demo(password):
    """Create the demo data (idempotent: the history is made once); returns [(username, role label, unit name)]."""
    accounts = seed_people_and_projects(password)
    seed_monitoring(password)
    seed_history(demo_staff())
    seed_credit()
    # The early warnings of the demo projects, as the daily run would find them today (beat keeps them current).
    evaluate()
    seed_campaign()  # 冬季攻坚 with a problem in every state, and an inspection round
    return accounts

"""The monitoring side of the demo: a dozen projects with their enterprises, duties, a year of labour-cost
allocations and monthly payrolls, and the demo 劳资专管员 — most projects in order, some with a duty missing, a
month paid late, a short payroll, pay below the minimum wage or an allocation not made, so the board has red
and yellow warnings that are true of the data.

Everything is entered through the services a 劳资专管员 and an officer use (the checks, the month figures, the
timeline); the timeline and upload times are then set to when each thing happened. Made once: a re-run finds
the demo 劳资专管员's first payroll and leaves everything as it is.
"""

import datetime as dt
import io
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone
from PIL import Image

from accounts.models import User
from accounts.roles import Role
from accounts.services import staff_set_role
from core.identity import credit_code_check_char, resident_id_check_char
from core.months import add_months, month_start
from projects import payroll, services
from projects.models import Duty, Enterprise, PayrollMonth, Project, ProjectEvent, ProjectParty
from units.models import Unit

WAGE_MANAGER = ("wage_manager", ("赵", "志刚"), "13947400001")

# credit code body (17 characters; the check character is computed), name, legal representative
ENTERPRISES = {
    "dev_city": ("91150900MA0N7B2X1", "乌兰察布市城市建设投资有限公司", "高建平"),
    "dev_huade": ("91150922MA0Q3K5T7", "化德县鑫源房地产开发有限公司", "白玉山"),
    "dev_power": ("91150900MA0P8D4W2", "内蒙古电力(集团)有限责任公司乌兰察布供电分公司", "乔永胜"),
    "gc_beijiang": ("91150902MA13XY8Q2", "内蒙古北疆建设集团有限公司", "李振华"),
    "gc_lvyuan": ("91150921MA0R2M6H3", "乌兰察布绿源生态建设有限公司", "石磊"),
    "gc_songbian": ("91150000MA0B4J9N5", "内蒙古送变电有限责任公司", "郭成"),
    "gc_hongda": ("91150902MA0K7L1C8", "乌兰察布市宏达建筑工程有限公司", "杜鹏飞"),
    "gc_jiaotong": ("91150900MA0M5E3R6", "乌兰察布市交通建设工程有限公司", "郝文军"),
    "sub_laowu": ("91150902MA0T6G8P4", "集宁区恒信建筑劳务有限公司", "王二虎"),
}

# code, name, district, sector, developer, general contractor, contract sum (万元), government/SOE, what is
# wrong with it (None: in order), workers
PROJECTS = [
    ("WLCB-2026-0001", None, "150902", "housing", "dev_city", "gc_beijiang", 3860, True, None, 24),
    ("WLCB-2026-0002", None, "150921", "forestry", "dev_city", "gc_lvyuan", 1250, True, "no_notice_board", 16),
    ("WLCB-2026-0003", None, "150981", "energy", "dev_power", "gc_songbian", 5620, True, "short_payroll", 30),
    ("WLCB-2026-0004", None, "150922", "housing", "dev_huade", "gc_hongda", 280, False, "no_deposit", 12),
    ("WLCB-2026-0005", "集宁区泉山路雨污分流改造工程", "150902", "housing", "dev_city", "gc_jiaotong", 2140, True,
     "unpaid_month", 20),
    ("WLCB-2026-0006", "察右前旗工业园区标准化厂房", "150926", "industry", "dev_city", "gc_beijiang", 4300, True,
     None, 26),
    ("WLCB-2026-0007", "凉城县岱海旅游公路提升工程", "150925", "transport", "dev_city", "gc_jiaotong", 6800, True,
     "no_allocation", 28),
    ("WLCB-2026-0008", "商都县第二中学教学楼", "150923", "education", "dev_city", "gc_hongda", 1980, True,
     "no_wage_account", 18),
    ("WLCB-2026-0009", "兴和县馨和家园住宅小区", "150924", "housing", "dev_huade", "gc_hongda", 3350, False,
     "below_minimum", 22),
    ("WLCB-2026-0010", "四子王旗人民医院门诊楼", "150929", "health", "dev_city", "gc_beijiang", 2600, True,
     "missing_month", 20),
    ("WLCB-2026-0011", "丰镇市滨河公园景观工程", "150981", "housing", "dev_city", "gc_lvyuan", 890, True, None, 14),
    ("WLCB-2026-0012", "卓资县旗下营镇供水管网工程", "150921", "water", "dev_city", "gc_jiaotong", 1560, True,
     "no_roster", 15),
]

SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎"
GIVEN = ["建国", "海军", "志强", "春生", "永刚", "文斌", "国庆", "二虎", "三宝", "金山", "玉林", "东升", "俊峰", "占军",
         "利民", "宝柱", "海龙", "晓东", "红梅", "桂兰", "秀英", "凤琴", "志平", "来福", "满仓", "拴柱", "润生", "福全"]
TEAMS = ["钢筋班", "木工班", "瓦工班", "架子工班", "水电班", "杂工班"]


def _aware(day, hour=10):
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))


def _worker(project_index, n):
    body = f"1509{21 + project_index % 9:02d}19{75 + n % 20}{(n % 12) + 1:02d}{(n * 7) % 28 + 1:02d}{300 + n:03d}"
    return {"worker_name": SURNAMES[(n * 5 + project_index) % len(SURNAMES)] + GIVEN[(n + project_index) % len(GIVEN)],
            "id_number": body + resident_id_check_char(body), "phone": f"1394740{project_index:02d}{n:02d}",
            "bank_card": f"62284800{project_index:02d}{n:09d}", "team": TEAMS[n % len(TEAMS)]}


def _backdate(project, kind, when):
    """Set the latest timeline event of `kind` to when it happened."""
    latest = ProjectEvent.objects.filter(project=project, kind=kind).order_by("-pk").first()
    if latest is not None:
        ProjectEvent.objects.filter(pk=latest.pk).update(at=_aware(when))


def _manager(username, name, phone, password_hash):
    user, _created = User.objects.get_or_create(username=username)
    user.unit = None
    user.last_name, user.first_name = name
    user.phone = phone
    user.is_staff = user.is_superuser = False
    user.password = password_hash
    user.save()
    staff_set_role(user, Role.WAGE_MANAGER)
    return user


# The demo 劳资专管员 (printed by `manage.py welcome`) manages these two projects of 北疆建设 and 交通建设; every
# other project has its own 劳资专管员 account, wm_<number> (the same demo password).
DEMO_MANAGER_PROJECTS = ("WLCB-2026-0001", "WLCB-2026-0005")


def _enterprises():
    found = {}
    for key, (body, name, legal) in ENTERPRISES.items():
        found[key], _created = Enterprise.objects.update_or_create(
            credit_code=body + credit_code_check_char(body),
            defaults={"name": name, "legal_representative": legal, "credit_code_valid": True})
    return found


def _board_photo(project):
    """A stand-in photo of the site's notice board (a plain picture: the demo has no camera)."""
    out = io.BytesIO()
    Image.new("RGB", (480, 320), (30, 90, 160)).save(out, "JPEG", quality=70)
    return SimpleUploadedFile(f"告示牌-{project.code}.jpg", out.getvalue(), content_type="image/jpeg")


def _duties(project, index, problem, manager, officer, start):
    workers = PROJECTS[index][9]
    entered = start + dt.timedelta(days=12)
    duties = {
        "wage_account": {"bank": "中国农业银行乌兰察布分行", "account_number": f"150501010400{index:02d}{start:%y%m}",
                         "opened_on": entered, "bank_reference": f"ZH{start:%Y%m}{index:02d}"},
        "deposit": {"kind": Duty.DepositKind.BANK_GUARANTEE, "amount": None, "paid_on": entered,
                    "bank_reference": f"BH{start:%Y%m}{index:02d}"},
        "roster": {"headcount": workers, "updated_on": entered, "bank_reference": f"HMC{index:02d}"},
        "notice_board": {"posted_on": entered, "bank_reference": f"GSP{index:02d}"},
    }
    skipped = {"no_wage_account": "wage_account", "no_deposit": "deposit", "no_roster": "roster",
               "no_notice_board": "notice_board"}.get(problem)
    for kind, values in duties.items():
        if kind == skipped:
            continue
        if kind == "deposit":
            values["amount"] = (project.contract_sum * Decimal("0.02")).quantize(Decimal("0.01"))
        photo = _board_photo(project) if kind == "notice_board" else None
        duty, _warnings = services.duty_submit(project=project, kind=kind, by=manager, values=values,
                                               evidence=photo, today=entered)
        _backdate(project, "duty_submitted", entered)
        services.duty_verify(duty=duty, by=officer, approve=True)
        _backdate(project, "duty_verified", entered + dt.timedelta(days=2))


def _lines(index, month, problem, months_ago, workers):
    """The payroll of `month`: every worker paid on the 10th of the next month, except what `problem` says."""
    paid_on = add_months(month, 1) + dt.timedelta(days=9)
    rows = []
    for n in range(workers):
        line = {**_worker(index, n), "days_worked": str(20 + n % 7)}
        if problem == "short_payroll" and months_ago == 2 and n >= workers - 2:
            continue  # two of the thirty on the roster not on the month's payroll
        due = Decimal(5200 + (n * 373) % 3400)
        if problem == "below_minimum" and months_ago == 2:
            due = Decimal(1400 + (n * 37) % 300)  # a labour subcontractor's month at less than the minimum wage
        paid = due
        if problem == "unpaid_month" and months_ago == 2 and n % 2 == 0:
            paid = Decimal("0")  # half the workers not paid for the month
        line.update(wage_due=str(due), wage_paid=str(paid), paid_on=paid_on.isoformat() if paid else None)
        rows.append((n + 2, line))
    return rows, paid_on


def _year(project, index, problem, manager, today):
    """Allocations and payrolls from the project's start up to the last month whose wages are due by now."""
    workers = PROJECTS[index][9]
    month = project.start_date.replace(day=1)
    last_month = add_months(month_start(today), -1)
    while month <= last_month:
        months_ago = (today.year - month.year) * 12 + today.month - month.month
        if project.is_government_invested and not (problem == "no_allocation" and months_ago <= 2):
            services.allocation_put(project=project, month=month, by=manager, pre_allocation=True,
                                    amount=Decimal(workers * 3000), paid_on=month + dt.timedelta(days=2),
                                    today=today)
            _backdate(project, "allocation_entered", month + dt.timedelta(days=2))
        if not (problem == "no_allocation" and months_ago <= 2):
            allocated_on = month + dt.timedelta(days=24)
            if allocated_on <= today:
                services.allocation_put(project=project, month=month, by=manager, amount=Decimal(workers * 6500),
                                        paid_on=allocated_on, today=today)
                _backdate(project, "allocation_entered", allocated_on)
        if not (problem == "missing_month" and months_ago == 2):
            rows, paid_on = _lines(index, month, problem, months_ago, workers)
            if paid_on <= today:
                stored = payroll.put_payroll(project=project, month=month, rows=rows, by=manager, today=today,
                                             source_name=f"{month:%Y%m}工资表.xlsx")
                PayrollMonth.objects.filter(pk=stored.pk).update(uploaded_at=_aware(paid_on, 16))
                _backdate(project, "payroll_uploaded", paid_on)
        month = add_months(month, 1)


@transaction.atomic
def seed_monitoring(password, today=None):
    """The demo projects' enterprises, duties, allocations and payrolls, and the demo 劳资专管员 (idempotent)."""
    today = today or timezone.localdate()
    password_hash = make_password(password)
    username, name, phone = WAGE_MANAGER
    demo_manager = _manager(username, name, phone, password_hash)
    units = {u.code: u for u in Unit.objects.all()}
    enterprises = _enterprises()
    for index, (code, name, district, sector, developer, contractor, sum_wan, government, problem, _workers) \
            in enumerate(PROJECTS):
        start = add_months(month_start(today), -(13 - index % 4))
        defaults = {"district": units[district], "sector": units[sector],
                    "developer": enterprises[developer], "general_contractor": enterprises[contractor],
                    "developer_name": enterprises[developer].name, "contractor_name": enterprises[contractor].name,
                    "contractor_credit_code": enterprises[contractor].credit_code,
                    "contract_sum": Decimal(sum_wan) * 10000, "labour_cost_share": Decimal("22.00"),
                    "is_government_invested": government, "status": Project.Status.UNDER_WAY}
        if name:
            defaults["name"] = name
        project, created = Project.objects.get_or_create(code=code, defaults={**defaults, "name": name or code})
        if project.payrolls.exists():
            continue  # made on an earlier run: stays as it is
        Project.objects.filter(pk=project.pk).update(contract_date=start - dt.timedelta(days=20), start_date=start,
                                                     **defaults)
        project.refresh_from_db()
        if code in DEMO_MANAGER_PROJECTS:
            manager = demo_manager
        else:
            given = GIVEN[index % len(GIVEN)]
            manager = _manager(f"wm_{code[-4:]}", (SURNAMES[index], given), f"139474011{index:02d}", password_hash)
        project.managers.add(manager)
        Project.objects.filter(pk=project.pk).update(wage_manager=manager.display_name,
                                                     wage_manager_phone=manager.phone)
        if contractor == "gc_beijiang":
            project.parties.get_or_create(enterprise=enterprises["sub_laowu"],
                                          defaults={"role": ProjectParty.Role.LABOUR_SUBCONTRACTOR})
        officer = User.objects.filter(unit=project.district, groups__name=Role.OFFICER).order_by("pk").first()
        _duties(project, index, problem, manager, officer or manager, start)
        _year(project, index, problem, manager, today)
    return demo_manager

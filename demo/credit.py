"""The demo's enforcement and credit records: rectification orders in every state (in time, overdue, rectified,
closed), a penalty, a police referral, a watchlist entry, and two enterprises on the blacklist — one still listed
(a labour subcontractor of 卓资县's forestry project, so the project and its clues show red), one removed early on
the rules' conditions. Entered through the services, dated relative to today; stable on re-run (keyed on the
document numbers)."""

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from core.identity import credit_code_check_char, resident_id_check_char
from credit import services
from credit.models import EnforcementRecord
from projects.models import Enterprise, Project, ProjectParty

YEAR = "2026"


def _code(body):
    return body + credit_code_check_char(body)


def _id(body):
    return body + resident_id_check_char(body)


# credit code body, name, legal representative
LISTED = ("91150921MA0XW0011", "卓资县兴旺劳务有限公司", "韩兴旺")
REMOVED = ("91150922MA0HT0022", "化德县恒通建筑安装有限公司", "周恒通")
ORDERED = ("91150902MA13XY8Q2", "内蒙古北疆建设集团有限公司", "")


def _enterprise(body, name, legal_representative):
    enterprise, _created = Enterprise.objects.get_or_create(
        credit_code=_code(body), defaults={"name": name, "legal_representative": legal_representative})
    return enterprise


def _once(number, make):
    existing = EnforcementRecord.objects.filter(number=number).first()
    return existing if existing is not None else make()


@transaction.atomic
def seed_credit(today=None):
    """Create the demo's records (idempotent); returns {number: record}."""
    today = today or timezone.localdate()
    officer_zhuozi = User.objects.get(username="officer_zhuozi")
    officer_jining = User.objects.get(username="officer_jining")
    officer_huade = User.objects.get(username="officer_huade")
    forestry = Project.objects.get(code="WLCB-2026-0002")
    old_town = Project.objects.get(code="WLCB-2026-0001")
    huade = Project.objects.get(code="WLCB-2026-0004")

    listed = _enterprise(*LISTED)
    ProjectParty.objects.get_or_create(project=forestry, enterprise=listed,
                                       role=ProjectParty.Role.LABOUR_SUBCONTRACTOR)
    removed = _enterprise(*REMOVED)
    ProjectParty.objects.get_or_create(project=huade, enterprise=removed, role=ProjectParty.Role.SUBCONTRACTOR)
    contractor = _enterprise(*ORDERED)
    if old_town.general_contractor_id is None:
        old_town.general_contractor = contractor
        old_town.save(update_fields=["general_contractor", "updated_at"])

    def day(days_ago):
        return today - dt.timedelta(days=days_ago)

    made = {}

    def record(number, **values):
        made[number] = _once(number, lambda: services.record_create(number=number, today=today, **values))
        return made[number]

    zhuozi = {"by": officer_zhuozi, "enterprise": listed, "project": forestry}
    jining = {"by": officer_jining, "enterprise": contractor, "project": old_town}
    record(f"卓人社责改〔{YEAR}〕3号", kind="rectification_order", date=day(60), deadline=day(45),
           problem="未按月足额支付37名农民工工资,拖欠58.6万元", **zhuozi)  # overdue
    record(f"集人社责改〔{YEAR}〕11号", kind="rectification_order", date=day(5), deadline=day(-10),
           problem="未在施工现场设立维权信息告示牌", **jining)  # in time
    rectified = record(f"集人社责改〔{YEAR}〕9号", kind="rectification_order", date=day(40), deadline=day(25),
                       problem="未按规定存储工资保证金", **jining)
    if rectified.rectified_on is None:
        services.record_rectify(record=rectified, by=officer_jining, rectified_on=day(28),
                                evidence="已存储工资保证金193万元,附银行回单", today=today)
    closed = record(f"集人社责改〔{YEAR}〕7号", kind="rectification_order", date=day(80), deadline=day(65),
                    problem="未按规定开设农民工工资专用账户", **jining)
    if closed.closed_on is None:
        services.record_close(record=closed, by=officer_jining, closed_on=day(60),
                              note="已另行立案处罚,本决定结案", today=today)
    record(f"卓人社罚〔{YEAR}〕2号", kind="penalty", date=day(30), amount=Decimal("50000.00"),
           legal_basis="《保障农民工工资支付条例》第五十五条", **zhuozi)
    record(f"卓人社移送〔{YEAR}〕1号", kind="police_referral", date=day(20), case_number="卓公刑立〔2026〕58号",
           **zhuozi)
    record(f"卓人社失信〔{YEAR}〕1号", kind="blacklist", date=day(50),
           reason="拖欠37名农民工工资58.6万元,经责令限期支付逾期未支付", persons=[
               {"name": LISTED[2], "role": "legal_representative", "id_number": _id("15092119780312201")}],
           **zhuozi)
    record(f"卓人社关注〔{YEAR}〕1号", kind="watchlist", date=day(90), reason="一年内两次被投诉拖欠工资",
           **jining)

    early = record(f"化人社失信〔{YEAR}〕1号", kind="blacklist", by=officer_huade, enterprise=removed, project=huade,
                   date=day(300), reason="拖欠12名农民工工资21万元,引发群体性讨薪",
                   persons=[{"name": REMOVED[2], "role": "legal_representative",
                             "id_number": _id("15092219800506351")}])
    if early.removed_on is None:
        services.record_remove(record=early, by=officer_huade, removed_on=day(10), applied_on=day(20),
                               wages_paid_on=day(250), pledge=True,
                               evidence="工资已全额支付,6个月内无新的欠薪案件,企业已提交信用修复承诺书", today=today)
    return made

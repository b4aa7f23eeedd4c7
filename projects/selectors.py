"""Reads of the project registry, starting with who may see and do what on which project (checked on the server,
per object): city staff see every project; an officer the projects of the unit (as district or as sector
department); a 劳资专管员 the projects they are named on; nobody else any.
"""

import datetime as dt
import unicodedata
import uuid
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Max, Prefetch, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.roles import CITY_WIDE_ROLES, Role, has_any_role
from core.identity import mask_mobile, mask_resident_id, normalize_mobile, parse_resident_id
from core.months import add_months, month_start
from units.models import Unit

from .models import (
    Duty,
    Enterprise,
    LabourAllocation,
    PayrollLine,
    PayrollMonth,
    Project,
    ProjectParty,
    Verification,
)

# 保障农民工工资支付条例 Art.26: the general contractor opens the wage account within 30 days of the contract.
WAGE_ACCOUNT_DUE_DAYS = 30
STANDARD_MONTH_DAYS = Decimal("21.75")  # 劳社部发〔2008〕3号: working days in a month, for a part month's minimum


# --- who may do what --------------------------------------------------------------------------------------

def is_city_staff(user):
    return has_any_role(user, CITY_WIDE_ROLES)


def officer_unit_id(user):
    """The unit an officer answers for (a district or sector department), or None."""
    if user.is_authenticated and user.has_role(Role.OFFICER) and user.unit_id:
        return user.unit_id
    return None


def is_wage_manager(user):
    return user.is_authenticated and user.has_role(Role.WAGE_MANAGER)


def project_visible_queryset(user, queryset=None):
    """The projects `user` may see."""
    queryset = Project.objects.all() if queryset is None else queryset
    if not user.is_authenticated:
        return queryset.none()
    if is_city_staff(user):
        return queryset
    unit_id = officer_unit_id(user)
    if unit_id is not None:
        return queryset.filter(Q(district_id=unit_id) | Q(sector_id=unit_id))
    if is_wage_manager(user):
        return queryset.filter(managers=user)
    return queryset.none()


def is_project_officer(user, project):
    unit_id = officer_unit_id(user)
    return unit_id is not None and unit_id in (project.district_id, project.sector_id)


def is_project_manager(user, project):
    return is_wage_manager(user) and project.managers.filter(pk=user.pk).exists()


def can_view_project(user, project):
    return is_city_staff(user) or is_project_officer(user, project) or is_project_manager(user, project)


def can_manage_registry(user, project):
    """Edit the project's record and its 劳资专管员 accounts: city staff, officers of its district or sector."""
    return is_city_staff(user) or is_project_officer(user, project)


def can_create_projects(user):
    return is_city_staff(user) or officer_unit_id(user) is not None


def can_register_in(user, district, sector):
    """Whether `user` may register (or move) a project to this district and sector department."""
    if is_city_staff(user):
        return True
    unit_id = officer_unit_id(user)
    return unit_id is not None and unit_id in (getattr(district, "pk", None), getattr(sector, "pk", None))


def can_enter_duties(user, project):
    """Enter duties, allocations and payroll: the project's 劳资专管员, and the staff who manage its record."""
    return can_manage_registry(user, project) or is_project_manager(user, project)


def can_verify(user, project):
    """Verify or reject evidence: officers of the project's district and sector department, city staff."""
    return is_city_staff(user) or is_project_officer(user, project)


def can_see_account_number(user, project):
    """The wage account's number in full: the project's 劳资专管员 and the officers who verify it."""
    return can_verify(user, project) or is_project_manager(user, project)


def can_edit_enterprises(user):
    return is_city_staff(user) or officer_unit_id(user) is not None


def can_read_enterprises(user):
    return can_edit_enterprises(user)


# --- enterprises and projects -----------------------------------------------------------------------------

def enterprise_list(*, query=""):
    enterprises = Enterprise.objects.order_by("name", "credit_code")
    query = (query or "").strip()
    if query:
        enterprises = enterprises.filter(Q(name__icontains=query) | Q(credit_code__icontains=query.upper()))
    return enterprises


def project_queryset():
    return Project.objects.select_related("district", "sector", "developer", "general_contractor")


def project_list(user, *, query="", status="", district="", sector="", is_key=None, government=None):
    """The projects `user` may see, filtered as the list page and the API filter."""
    projects = project_visible_queryset(user, project_queryset()).order_by("code")
    query = (query or "").strip()[:50].replace("\x00", "")
    if query:
        projects = projects.filter(Q(name__icontains=query) | Q(code__icontains=query)
                                   | Q(contractor_name__icontains=query)
                                   | Q(general_contractor__name__icontains=query))
    if status in Project.Status.values:
        projects = projects.filter(status=status)
    if district:
        projects = projects.filter(district__code=district)
    if sector:
        projects = projects.filter(sector__code=sector)
    if is_key is not None:
        projects = projects.filter(is_key=is_key)
    if government is not None:
        projects = projects.filter(is_government_invested=government)
    return projects


def visible_project(user, code, queryset=None):
    """The project with this code if `user` may see it, else None (the caller answers 404 either way)."""
    if not isinstance(code, str) or "\x00" in code or len(code) > 40:
        return None
    queryset = project_queryset() if queryset is None else queryset
    return project_visible_queryset(user, queryset).filter(code=code).first()


def units_for_filters():
    units = Unit.objects.filter(is_active=True).order_by("sort_order", "code")
    return ([u for u in units if u.kind == Unit.Kind.DISTRICT], [u for u in units if u.kind == Unit.Kind.DEPARTMENT])


# --- duties ---------------------------------------------------------------------------------------------------

def deposit_rate():
    return Decimal(str(settings.WAGE_DEPOSIT_RATE_PERCENT))


def deposit_exempt_below():
    return Decimal(str(settings.WAGE_DEPOSIT_EXEMPT_BELOW))


@dataclass(frozen=True)
class DepositDue:
    rate: Decimal  # percent of the contract sum
    amount: Decimal | None  # None while the contract sum is unknown
    may_be_exempt: bool  # a contract under the threshold may be exempt (Art.32)
    exempt_below: Decimal


def deposit_due(project):
    """工资保证金 (Art.32; 工程建设领域农民工工资保证金规定): the configured rate (1–3%) of the contract sum; a
    contract under WAGE_DEPOSIT_EXEMPT_BELOW yuan may be exempt."""
    rate, below = deposit_rate(), deposit_exempt_below()
    amount = None
    if project.contract_sum is not None:
        amount = (project.contract_sum * rate / 100).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    may_be_exempt = project.contract_sum is not None and project.contract_sum < below
    return DepositDue(rate=rate, amount=amount, may_be_exempt=may_be_exempt, exempt_below=below)


def mask_account(number):
    """A bank account or card number with only its last four digits shown: **** 1234."""
    number = "".join(str(number or "").split())
    if not number:
        return ""
    if len(number) <= 4:
        return "*" * len(number)
    return f"**** {number[-4:]}"


@dataclass
class DutyState:
    kind: str
    label: str
    duty: Duty | None
    state: str  # "missing" or a Verification value
    state_label: str
    met: bool  # entered and not rejected
    missing: list = field(default_factory=list)  # what is still to do, in Chinese
    facts: list = field(default_factory=list)  # [(label, value)] to show, masked for this viewer


DUTY_ORDER = [Duty.Kind.WAGE_ACCOUNT, Duty.Kind.DEPOSIT, Duty.Kind.ROSTER, Duty.Kind.NOTICE_BOARD]


def _duty_facts(duty, project, *, full_account):
    facts = []
    if duty.kind == Duty.Kind.WAGE_ACCOUNT:
        number = duty.account_number if full_account else mask_account(duty.account_number)
        facts += [(_("开户银行"), duty.bank), (_("账号"), number), (_("开户日期"), duty.done_on)]
    elif duty.kind == Duty.Kind.DEPOSIT:
        facts.append((_("缴纳方式"), duty.get_deposit_kind_display()))
        if duty.deposit_kind == Duty.DepositKind.EXEMPT:
            facts.append((_("免缴理由"), duty.exemption_reason))
        else:
            facts += [(_("金额(元)"), duty.amount), (_("缴纳日期"), duty.done_on)]
    elif duty.kind == Duty.Kind.ROSTER:
        facts += [(_("在册人数"), duty.headcount), (_("更新日期"), duty.done_on)]
    elif duty.kind == Duty.Kind.NOTICE_BOARD:
        facts.append((_("设立日期"), duty.done_on))
    if duty.bank_reference:
        facts.append((_("银行凭证号"), duty.bank_reference))
    return facts


def duty_states(project, user=None, *, today=None):
    """Each duty of the project with its state, what is missing and its facts (the account number masked
    unless `user` may see it)."""
    today = today or timezone.localdate()
    duties = {d.kind: d for d in project.duties.all()}
    full_account = user is not None and can_see_account_number(user, project)
    states = []
    for kind in DUTY_ORDER:
        duty = duties.get(kind)
        missing = []
        if duty is None:
            state, state_label, met = "missing", _("未录入"), False
            missing.append(_missing_text(kind, project, today))
        else:
            state, state_label = duty.state, duty.get_state_display()
            met = duty.state != Verification.REJECTED
            if duty.state == Verification.REJECTED:
                missing.append(_("已被退回:%(reason)s,请补正后重新提交。") % {"reason": duty.rejection_reason})
            if not duty.evidence and not duty.bank_reference:
                missing.append(_("缺少证明材料(文件或银行凭证号)。"))
        states.append(DutyState(
            kind=kind, label=Duty.Kind(kind).label, duty=duty, state=state, state_label=state_label, met=met,
            missing=missing, facts=_duty_facts(duty, project, full_account=full_account) if duty else []))
    return states


def _missing_text(kind, project, today):
    if kind == Duty.Kind.WAGE_ACCOUNT:
        if project.contract_date:
            due = project.contract_date + dt.timedelta(days=WAGE_ACCOUNT_DUE_DAYS)
            if due < today:
                return _("未开立(应于合同签订后%(days)d日内、%(due)s前开立,已逾期)。") % {
                    "days": WAGE_ACCOUNT_DUE_DAYS, "due": due.isoformat()}
            return _("未开立(应于%(due)s前开立)。") % {"due": due.isoformat()}
        return _("未开立(应于合同签订后%(days)d日内开立)。") % {"days": WAGE_ACCOUNT_DUE_DAYS}
    if kind == Duty.Kind.DEPOSIT:
        due = deposit_due(project)
        if due.amount is not None:
            text = _("未缴纳(应缴 %(amount)s 元,合同金额的 %(rate)s%%)。") % {
                "amount": f"{due.amount:,.2f}", "rate": f"{due.rate.normalize():f}"}
            if due.may_be_exempt:
                text += _("合同金额低于 %(limit)s 元,可依规申请免缴。") % {"limit": f"{due.exempt_below:,.0f}"}
            return text
        return _("未缴纳(按合同金额的 %(rate)s%% 缴纳,请先登记合同金额)。") % {
            "rate": f"{deposit_rate().normalize():f}"}
    if kind == Duty.Kind.ROSTER:
        return _("未登记。")
    return _("未上传告示牌照片。")


# --- allocations and payroll -------------------------------------------------------------------------------

def previous_month(day):
    return add_months(month_start(day), -1)


def month_label(month):
    return f"{month:%Y-%m}"


def parse_month(text):
    """'YYYY-MM' → the month's first day, or None (years 2000–2099)."""
    if not isinstance(text, str) or len(text) != 7 or text[4] != "-":
        return None
    year, month = text[:4], text[5:]
    if not (year.isascii() and year.isdigit() and month.isascii() and month.isdigit()):
        return None
    if not 2000 <= int(year) <= 2099 or not 1 <= int(month) <= 12:
        return None
    return dt.date(int(year), int(month), 1)


def allocations(project, *, limit=24):
    return list(project.allocations.order_by("-month", "is_pre_allocation")[:limit])


def payroll_months(project, *, limit=None):
    """The current version of each month's payroll, newest month first."""
    months = project.payrolls.filter(is_current=True).order_by("-month")
    return list(months[:limit] if limit else months)


def payroll_version(project, month, version=None):
    """The current payroll of `month`, or the given version of it; None when there is none."""
    payrolls = project.payrolls.filter(month=month)
    payrolls = payrolls.filter(version=version) if version is not None else payrolls.filter(is_current=True)
    return payrolls.select_related("uploaded_by").first()


def payroll_versions(project, month):
    return list(project.payrolls.filter(month=month).select_related("uploaded_by").order_by("-version"))


def masked_lines(payroll):
    """The lines of a payroll as staff and the 劳资专管员 read them: ID and mobile masked, the card's last four."""
    return [
        {"row": line.row, "worker_name": line.worker_name, "id_number": mask_resident_id(line.id_number),
         "phone": mask_mobile(line.phone) if line.phone else "", "bank_card": mask_account(line.bank_card),
         "team": line.team, "days_worked": line.days_worked, "wage_due": line.wage_due,
         "wage_paid": line.wage_paid, "paid_on": line.paid_on}
        for line in payroll.payroll_lines.order_by("row")
    ]


@dataclass
class MonthlyState:
    month: dt.date
    payroll: PayrollMonth | None
    allocation: LabourAllocation | None
    pre_allocation: LabourAllocation | None


def recent_months(project, *, count=6, today=None):
    """The last `count` months before this one (newest first), each with its payroll and allocations."""
    today = today or timezone.localdate()
    months, month = [], previous_month(today)
    for _index in range(count):
        months.append(month)
        month = previous_month(month)
    payrolls = {p.month: p for p in project.payrolls.filter(is_current=True, month__in=months)}
    found = {(a.month, a.is_pre_allocation): a for a in project.allocations.filter(month__in=months)}
    return [MonthlyState(month=m, payroll=payrolls.get(m), allocation=found.get((m, False)),
                         pre_allocation=found.get((m, True))) for m in months]


def monthly_missing(project, *, today=None):
    """What the 劳资专管员 still owes for last month (and, for a government project, this month's pre-allocation)."""
    today = today or timezone.localdate()
    if project.status not in (Project.Status.UNDER_WAY, Project.Status.SUSPENDED):
        return []
    last = previous_month(today)
    started = project.start_date is None or project.start_date < month_start(today)
    if not started:
        return []
    missing = []
    if not project.payrolls.filter(is_current=True, month=last).exists():
        missing.append(_("%(month)s 的工资表尚未上传(应于本月底前发放并上传)。") % {"month": month_label(last)})
    if not project.allocations.filter(month=last, is_pre_allocation=False).exists():
        missing.append(_("%(month)s 的人工费用拨付尚未登记。") % {"month": month_label(last)})
    if project.is_government_invested and not project.allocations.filter(
            month=month_start(today), is_pre_allocation=True).exists():
        missing.append(_("本月(%(month)s)的人工费用预拨尚未登记(政府或国企投资项目应于月初预拨)。")
                       % {"month": month_label(month_start(today))})
    return missing


def project_timeline(project, *, limit=100):
    return list(project.events.select_related("actor").order_by("-at", "-pk")[:limit])


def project_detail(project):
    """The project with what its page and API read, in a few queries."""
    return (project_queryset()
            .prefetch_related("duties", Prefetch("parties", queryset=ProjectParty.objects.select_related(
                "enterprise").order_by("role", "enterprise__name")), "managers")
            .get(pk=project.pk))


def managers_of(project):
    return list(project.managers.order_by("username"))


# --- the worker's own wage check ------------------------------------------------------------------------------

@dataclass(frozen=True)
class WageMonth:
    month: dt.date
    wage_due: Decimal | None  # None: no line for this worker in this month
    wage_paid: Decimal | None
    paid_on: dt.date | None
    status: str  # paid | short | unpaid | missing

    @property
    def shortfall(self):
        if self.wage_due is None:
            return None
        return max(self.wage_due - (self.wage_paid or 0), Decimal("0"))


def worker_wage_months(project, *, id_number, mobile, today=None):
    """What the current payrolls of `project` say was due and paid to the worker with this ID number and mobile
    number, month by month (oldest first), or None when no line has that pair.

    The months run from the worker's first line to the last; when the worker was on the project's latest
    payroll, on to last month, so the months the project has not uploaded since show as missing.
    """
    today = today or timezone.localdate()
    rows = (PayrollLine.objects
            .filter(payroll__project=project, payroll__is_current=True, id_number=id_number, phone=mobile)
            .values("payroll__month")
            .annotate(due=Sum("wage_due"), paid=Sum("wage_paid"), paid_on=Max("paid_on"))
            .order_by("payroll__month"))
    found = {row["payroll__month"]: row for row in rows}
    if not found:
        return None
    first, last = min(found), max(found)
    latest_upload = project.payrolls.filter(is_current=True).aggregate(latest=Max("month"))["latest"]
    if latest_upload == last:
        last = max(last, previous_month(today))
    months, month = [], first
    while month <= last:
        row = found.get(month)
        if row is None:
            months.append(WageMonth(month=month, wage_due=None, wage_paid=None, paid_on=None, status="missing"))
        else:
            due, paid = row["due"], row["paid"] or Decimal("0")
            status = "paid" if paid >= due else ("unpaid" if paid == 0 else "short")
            months.append(WageMonth(month=month, wage_due=due, wage_paid=paid, paid_on=row["paid_on"],
                                    status=status))
        month = (month + dt.timedelta(days=32)).replace(day=1)
    return months


def project_by_public_id(public_id):
    """The project a QR code stands for, or None when unknown or mangled."""
    try:
        public_id = uuid.UUID(str(public_id))
    except ValueError:
        return None
    return Project.objects.select_related("district", "sector", "general_contractor").filter(
        public_id=public_id).first()


def find_worker_wages(project, *, id_number, phone, today=None):
    """The worker's months on `project` for the pair typed on the wage-check page, or None — the caller says only
    that the pair is wrong, never which half."""
    if not isinstance(id_number, str) or not isinstance(phone, str) or len(id_number) > 40 or len(phone) > 40:
        return None
    try:
        number = parse_resident_id(unicodedata.normalize("NFKC", id_number).strip()).number
        mobile = normalize_mobile(unicodedata.normalize("NFKC", phone))
    except ValidationError:
        return None
    return worker_wage_months(project, id_number=number, mobile=mobile, today=today)

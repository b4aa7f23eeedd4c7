"""The warning rules as code: for each rule code, its parameters (with the checks an administrator's edit must
pass) and the set-based query that finds every project where its condition holds now.

A finder is given the evaluation's context (the moment, the Beijing day, which projects) and the months to look
at (monthly rules), and answers {(project id, period): Finding} for all projects at once, in a few queries —
never a query per project. What a finder reads is as of the context's day (a payment dated after it does not
count yet), so an evaluation replayed at an earlier moment sees what the platform saw then.

Periods: "" for a standing condition (no wage account), "YYYY-MM" for a monthly one. A monthly rule opens new
warnings for the last LOOKBACK_MONTHS due months only; a warning of an older month stays open until its own
month's condition clears (the evaluation passes its month back in).
"""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import lru_cache

from django.db.models import Count, FilteredRelation, Q
from django.db.models.functions import Coalesce, TruncDate
from django.utils.translation import gettext, gettext_lazy

from clues.models import Clue, RiskColor
from clues.models import Status as ClueStatus
from core.months import add_months, month_end
from projects.models import Duty, LabourAllocation, PayrollMonth, Project, ProjectParty, Verification
from units.reference import DISTRICTS
from units.workdays import SHANGHAI

from .reference import RULES

LOOKBACK_MONTHS = 3


@lru_cache(maxsize=1024)
def _(message):
    """gettext, remembered: an evaluation words thousands of findings with a few dozen texts, in one language
    (the evaluation forgets them when it starts: `forget_translations`)."""
    return gettext(message)


def forget_translations():
    _.cache_clear()

UNDER_WAY = (Project.Status.UNDER_WAY,)
# Clues and the blacklist matter before the start and during a suspension as well.
NOT_FINISHED = (Project.Status.PLANNED, Project.Status.UNDER_WAY, Project.Status.SUSPENDED)
PAID_DEPOSIT_KINDS = (Duty.DepositKind.CASH, Duty.DepositKind.BANK_GUARANTEE, Duty.DepositKind.INSURANCE_GUARANTEE)
CENT = Decimal("0.01")


# --- months ------------------------------------------------------------------------------------------------



def period_of(month):
    return f"{month:%Y-%m}"


def month_of(period):
    return dt.date(int(period[:4]), int(period[5:7]), 1)


def month_text(month):
    return _("%(year)d年%(month)d月") % {"year": month.year, "month": month.month}


def period_text(period):
    """"2026-05" → "2026年5月" (the evaluation's own, remembered wording of models.period_label)."""
    return month_text(month_of(period)) if period else ""


def started_by(start_date, day):
    """Whether a project that started on `start_date` (unknown: yes, it is under way) had started by `day`."""
    return start_date is None or start_date <= day


def _money(value):
    return f"{Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP):,}"


# --- the evaluation's context ----------------------------------------------------------------------------------

@dataclass
class Context:
    now: dt.datetime
    project_ids: frozenset | None = None  # None: every project
    # {code: parameters} of the rules switched on, for a rule that defers to another one.
    active: dict = field(default_factory=dict)

    @property
    def today(self):
        return self.now.astimezone(SHANGHAI).date()

    @property
    def this_month(self):
        return self.today.replace(day=1)

    def projects(self, statuses):
        queryset = Project.objects.filter(status__in=statuses)
        return queryset if self.project_ids is None else queryset.filter(pk__in=self.project_ids)

    def scoped(self, queryset, field_name="project_id"):
        return queryset if self.project_ids is None else queryset.filter(**{f"{field_name}__in": self.project_ids})


@dataclass(frozen=True)
class Finding:
    detail: str
    data: dict = field(default_factory=dict)


# --- parameters ----------------------------------------------------------------------------------------------

class ParameterError(ValueError):
    pass


@dataclass(frozen=True)
class Param:
    label: str
    kind: str  # int | decimal | bool | money_by_district
    minimum: object = None
    maximum: object = None

    def clean(self, value):
        return getattr(self, f"_clean_{self.kind}")(value)

    def _range(self, value):
        if (self.minimum is not None and value < self.minimum) or (self.maximum is not None and value > self.maximum):
            raise ParameterError(_("应在%(min)s至%(max)s之间。") % {"min": self.minimum, "max": self.maximum})
        return value

    def _clean_int(self, value):
        if isinstance(value, bool) or not isinstance(value, int | str):
            raise ParameterError(_("请填写整数。"))
        try:
            number = int(str(value).strip())
        except ValueError:
            raise ParameterError(_("请填写整数。")) from None
        return self._range(number)

    def _decimal(self, value):
        if isinstance(value, bool) or not isinstance(value, int | float | str):
            raise ParameterError(_("请填写数字。"))
        try:
            number = Decimal(str(value).strip())
        except InvalidOperation:
            raise ParameterError(_("请填写数字。")) from None
        if not number.is_finite():
            raise ParameterError(_("请填写数字。"))
        return number

    def _clean_decimal(self, value):
        number = self._range(self._decimal(value))
        text = format(number.quantize(CENT, rounding=ROUND_HALF_UP), "f")  # "2310", "12.5": never "2.31E+3"
        return text.rstrip("0").rstrip(".") if "." in text else text

    def _clean_bool(self, value):
        if not isinstance(value, bool):
            raise ParameterError(_("请填写 true 或 false。"))
        return value

    def _clean_money_by_district(self, value):
        if not isinstance(value, dict):
            raise ParameterError(_("请按旗县市区代码填写金额,如 {\"default\": \"2250\", \"150902\": \"2310\"}。"))
        districts = {code for code, _name in DISTRICTS}
        cleaned = {}
        for key, amount in value.items():
            if key != "default" and key not in districts:
                raise ParameterError(_("未知的旗县市区代码:%(code)s。") % {"code": str(key)[:20]})
            cleaned[key] = self._clean_decimal(amount)
        if "default" not in cleaned:
            raise ParameterError(_("须包含 default(未单列的旗县市区适用的标准)。"))
        return cleaned


def validate_parameters(spec, given, current):
    """`current` with the parameters in `given` replaced by their checked values; {name: message} errors are
    raised as ParameterError(dict)."""
    if not isinstance(given, dict):
        raise ParameterError({"": _("参数应为一个对象。")})
    errors, merged = {}, {**spec.defaults(), **(current or {})}
    for name, value in given.items():
        param = spec.params.get(name)
        if param is None:
            errors[str(name)[:40]] = _("本规则没有这个参数。")
            continue
        try:
            merged[name] = param.clean(value)
        except ParameterError as exc:
            errors[name] = str(exc)
    if errors:
        raise ParameterError(errors)
    return {name: merged[name] for name in spec.params}


# --- the finders -----------------------------------------------------------------------------------------------

def _since(queryset):
    """The day a project's duties are counted from: the contract date, else the start date, else the day it
    was registered (Beijing day)."""
    return queryset.annotate(since=Coalesce("contract_date", "start_date",
                                            TruncDate("created_at", tzinfo=SHANGHAI)))


def _since_text(contract_date, start_date, since):
    if contract_date:
        return _("合同签订于%(day)s") % {"day": since.isoformat()}
    if start_date:
        return _("开工于%(day)s(未录入合同日期)") % {"day": since.isoformat()}
    return _("登记于%(day)s(未录入合同和开工日期)") % {"day": since.isoformat()}


def _rejected(state, reason):
    if state == Verification.REJECTED:
        return _("材料已被核验退回:%(reason)s") % {"reason": reason or _("未说明理由")}
    return ""


def find_wage_account_missing(ctx, params, months):
    days = params["days"]
    rows = (_since(ctx.projects(UNDER_WAY))
            .filter(since__lt=ctx.today - dt.timedelta(days=days))
            .annotate(account=FilteredRelation("duties", condition=Q(duties__kind=Duty.Kind.WAGE_ACCOUNT)))
            .filter(Q(account__id__isnull=True) | Q(account__state=Verification.REJECTED)
                    | Q(account__account_number=""))
            .values_list("pk", "since", "contract_date", "start_date", "account__state",
                         "account__rejection_reason"))
    found = {}
    for pk, since, contract_date, start_date, state, reason in rows:
        due = since + dt.timedelta(days=days)
        detail = _("%(since)s,应于%(due)s前开设农民工工资专用账户,至今未开设。") % {
            "since": _since_text(contract_date, start_date, since), "due": due.isoformat()}
        if rejected := _rejected(state, reason):
            detail = _("%(since)s,应于%(due)s前开设农民工工资专用账户;%(rejected)s") % {
                "since": _since_text(contract_date, start_date, since), "due": due.isoformat(),
                "rejected": rejected}
        found[(pk, "")] = Finding(detail, {"since": since.isoformat(), "due": due.isoformat(),
                                           "rejected": bool(rejected)})
    return found


def _deposit_problem(params, contract_sum, duty_id, state, kind, amount, exemption_reason, rejection_reason):
    """What is wrong with a project's deposit, in words, or "" when nothing is."""
    if duty_id is None or not kind:
        return _("未存储工资保证金,也未申报免缴。")
    if rejected := _rejected(state, rejection_reason):
        return _("工资保证金%(rejected)s") % {"rejected": rejected}
    if kind == Duty.DepositKind.EXEMPT:
        threshold = Decimal(params["exemption_below"])
        if contract_sum is None:
            return _("申报免缴工资保证金,但未录入合同金额,无法确认是否符合免缴条件。")
        if contract_sum >= threshold:
            return _("申报免缴工资保证金,但合同金额%(sum)s元不低于%(threshold)s元,不符合免缴条件。") % {
                "sum": _money(contract_sum), "threshold": _money(threshold)}
        if not (exemption_reason or "").strip():
            return _("申报免缴工资保证金,但未录入免缴理由。")
        return ""
    share = Decimal(params["minimum_percent"])
    if contract_sum is not None and share > 0:
        required = contract_sum * share / 100
        if amount is None or amount < required:
            return _("工资保证金%(amount)s元,低于合同金额的%(share)s%%(%(required)s元)。") % {
                "amount": _money(amount or 0), "share": params["minimum_percent"], "required": _money(required)}
    return ""


def find_deposit_missing(ctx, params, months):
    rows = (_since(ctx.projects(UNDER_WAY))
            .filter(since__lt=ctx.today - dt.timedelta(days=params["days"]))
            .annotate(deposit=FilteredRelation("duties", condition=Q(duties__kind=Duty.Kind.DEPOSIT)))
            .values_list("pk", "since", "contract_sum", "deposit__id", "deposit__state", "deposit__deposit_kind",
                         "deposit__amount", "deposit__exemption_reason", "deposit__rejection_reason"))
    found = {}
    for pk, since, contract_sum, *deposit in rows:
        problem = _deposit_problem(params, contract_sum, *deposit)
        if problem:
            found[(pk, "")] = Finding(problem, {"since": since.isoformat(),
                                                "contract_sum": None if contract_sum is None else str(contract_sum)})
    return found


def _duty_missing(ctx, params, kind, missing_text, extra=None):
    days = params["days_after_start"]
    duty = FilteredRelation("duties", condition=Q(duties__kind=kind))
    missing = Q(duty__id__isnull=True) | Q(duty__state=Verification.REJECTED)
    if extra is not None:
        missing |= extra
    rows = (ctx.projects(UNDER_WAY)
            .filter(Q(start_date__isnull=True) | Q(start_date__lt=ctx.today - dt.timedelta(days=days)))
            .annotate(duty=duty).filter(missing)
            .values_list("pk", "start_date", "duty__state", "duty__rejection_reason"))
    found = {}
    for pk, start_date, state, reason in rows:
        detail = missing_text
        if rejected := _rejected(state, reason):
            detail = f"{missing_text.rstrip('。')};{rejected}"
        found[(pk, "")] = Finding(detail, {"start_date": start_date.isoformat() if start_date else None,
                                           "rejected": bool(rejected)})
    return found


def find_roster_missing(ctx, params, months):
    return _duty_missing(ctx, params, Duty.Kind.ROSTER, _("在建项目未录入实名制花名册(在册人数)。"),
                         extra=Q(duty__headcount__isnull=True) | Q(duty__headcount=0))


def find_notice_board_missing(ctx, params, months):
    return _duty_missing(ctx, params, Duty.Kind.NOTICE_BOARD, _("在建项目未录入施工现场维权信息告示牌。"))


def _allocations_paid(ctx, months, *, pre_only=False):
    queryset = LabourAllocation.objects.filter(month__in=months, paid_on__lte=ctx.today)
    if pre_only:
        queryset = queryset.filter(is_pre_allocation=True)
    return set(ctx.scoped(queryset).values_list("project_id", "month"))


def window_allocation(ctx, params):
    return [add_months(ctx.this_month, -n) for n in range(1, LOOKBACK_MONTHS + 1)]


def find_allocation_missing(ctx, params, months):
    paid = _allocations_paid(ctx, months)
    text = _("%(month)s没有建设单位拨付人工费用的记录(拨付周期不得超过1个月)。")
    # Per month, once: its last day, and the finding (the same words for every project).
    due = [(month, month_end(month), period_of(month),
            Finding(text % {"month": month_text(month)}, {"month": period_of(month)})) for month in months]
    found = {}
    for pk, start_date in ctx.projects(UNDER_WAY).values_list("pk", "start_date"):
        for month, last_day, period, finding in due:
            if started_by(start_date, last_day) and (pk, month) not in paid:
                found[(pk, period)] = finding
    return found


def _pre_allocation_due(month, params):
    return dt.date(month.year, month.month, params["day_of_month"])


def window_pre_allocation(ctx, params):
    first = ctx.this_month if ctx.today > _pre_allocation_due(ctx.this_month, params) else add_months(
        ctx.this_month, -1)
    return [add_months(first, -n) for n in range(LOOKBACK_MONTHS)]


def find_pre_allocation_missing(ctx, params, months):
    paid = _allocations_paid(ctx, months, pre_only=True)
    text = _("政府或国企投资项目,%(month)s人工费用应于%(due)s前预拨,至今未预拨。")
    due = []
    for month in months:
        day = _pre_allocation_due(month, params)
        if day < ctx.today:
            due.append((month, day, period_of(month), Finding(
                text % {"month": month_text(month), "due": day.isoformat()},
                {"month": period_of(month), "due": day.isoformat()})))
    found = {}
    projects = ctx.projects(UNDER_WAY).filter(is_government_invested=True).values_list("pk", "start_date")
    for pk, start_date in projects:
        for month, day, period, finding in due:
            if started_by(start_date, day) and (pk, month) not in paid:
                found[(pk, period)] = finding
    return found


def _pay_deadline(month, params):
    return month_end(add_months(month, params["months_to_pay"]))


def window_payroll_late(ctx, params):
    latest = add_months(ctx.this_month, -1 - params["months_to_pay"])
    return [add_months(latest, -n) for n in range(LOOKBACK_MONTHS)]


def find_payroll_late(ctx, params, months):
    payrolls = ctx.scoped(PayrollMonth.objects.filter(is_current=True, month__in=months))
    uploaded = {(pk, month): lines for pk, month, lines in payrolls.values_list("project_id", "month", "lines")}
    paid = set(payrolls.filter(headcount_paid__gt=0)
               .filter(Q(last_paid_on__isnull=True) | Q(last_paid_on__lte=ctx.today))
               .values_list("project_id", "month"))
    unpaid_text = _("%(month)s工资应于%(deadline)s前发放;已上传工资表(%(lines)s人),但没有实发记录。")
    missing_text = _("%(month)s工资应于%(deadline)s前发放,至今没有发放记录(未上传工资表)。")
    due = []
    for month in months:
        deadline = _pay_deadline(month, params)
        if deadline < ctx.today:
            words = {"month": month_text(month), "deadline": deadline.isoformat()}
            data = {"month": period_of(month), "deadline": deadline.isoformat()}
            due.append((month, month_end(month), period_of(month), words, Finding(missing_text % words, data)))
    found = {}
    for pk, start_date in ctx.projects(UNDER_WAY).values_list("pk", "start_date"):
        for month, last_day, period, words, missing in due:
            if not started_by(start_date, last_day) or (pk, month) in paid:
                continue
            lines = uploaded.get((pk, month))
            found[(pk, period)] = missing if lines is None else Finding(
                unpaid_text % {**words, "lines": lines}, missing.data)
    return found


def window_payroll(ctx, params):
    return [add_months(ctx.this_month, -n) for n in range(1, LOOKBACK_MONTHS + 1)]


def _payroll_rows(ctx, months, *fields):
    return (ctx.scoped(PayrollMonth.objects.filter(is_current=True, month__in=months,
                                                   project__status__in=UNDER_WAY))
            .values_list("project_id", "month", "roster_headcount", "headcount_paid", "lines", *fields))


def _shortfall(roster_headcount, headcount_paid, lines):
    """(roster, unpaid, unpaid share in percent) of a payroll month; the roster is the payroll's 在册人数, or
    the workers listed when it gives none."""
    roster = roster_headcount or lines
    unpaid = max(roster - headcount_paid, 0)
    share = (Decimal(unpaid) * 100 / roster).quantize(CENT, rounding=ROUND_HALF_UP) if roster else Decimal(0)
    return roster, unpaid, share


def _shortfall_finding(month, roster, paid, unpaid, share):
    return Finding(_("%(month)s工资表在册%(roster)s人,实发%(paid)s人,%(unpaid)s人未发放(占%(share)s%%)。") % {
        "month": month_text(month), "roster": roster, "paid": paid, "unpaid": unpaid, "share": share},
        {"month": period_of(month), "roster": roster, "paid": paid, "unpaid": unpaid, "share": str(share)})


def find_payroll_unpaid_share(ctx, params, months):
    limit = Decimal(params["share_percent"])
    found = {}
    for pk, month, roster_headcount, paid, lines in _payroll_rows(ctx, months):
        roster, unpaid, share = _shortfall(roster_headcount, paid, lines)
        if unpaid and share > limit:
            found[(pk, period_of(month))] = _shortfall_finding(month, roster, paid, unpaid, share)
    return found


def find_payroll_headcount_short(ctx, params, months):
    """Paid headcount below the roster; where the red 未发放人数超过比例 rule is on and holds, it speaks alone."""
    red = ctx.active.get("payroll_unpaid_share")
    unpaid_share_limit = Decimal(red["share_percent"]) if red else None
    found = {}
    for pk, month, roster_headcount, paid, lines in _payroll_rows(ctx, months):
        roster, unpaid, share = _shortfall(roster_headcount, paid, lines)
        if unpaid and (unpaid_share_limit is None or share <= unpaid_share_limit):
            found[(pk, period_of(month))] = _shortfall_finding(month, roster, paid, unpaid, share)
    return found


def minimum_wage_for(params, district_code):
    table = params["minimum_wage"]
    return Decimal(table.get(district_code, table["default"]))


def find_below_minimum_wage(ctx, params, months):
    found = {}
    rows = _payroll_rows(ctx, months, "total_due", "below_minimum", "project__district__code",
                         "project__district__name").filter(lines__gt=0)
    for pk, month, _roster, _paid, lines, total_due, below, district_code, district_name in rows:
        average = (total_due / lines).quantize(CENT, rounding=ROUND_HALF_UP)
        minimum = minimum_wage_for(params, district_code)
        if average < minimum:
            detail = _("%(month)s工资表人均应发%(average)s元,低于%(district)s月最低工资标准%(minimum)s元。") % {
                "month": month_text(month), "average": _money(average), "district": district_name,
                "minimum": _money(minimum)}
            if below:
                detail += _("其中%(count)s人低于标准。") % {"count": below}
            found[(pk, period_of(month))] = Finding(detail, {"month": period_of(month), "average": str(average),
                                                             "minimum": str(minimum), "workers_below": below})
    return found


def find_clue_concentration(ctx, params, months):
    since = ctx.now - dt.timedelta(days=params["days"])
    clues = ctx.scoped(Clue.objects.filter(project__isnull=False, merged_into__isnull=True,
                                           project__status__in=NOT_FINISHED, received_at__lte=ctx.now))
    recent = {row["project_id"]: row["n"] for row in clues.filter(received_at__gte=since)
              .values("project_id").annotate(n=Count("pk")).order_by()}
    red = {}
    if params["any_red"]:
        red = {row["project_id"]: row["n"] for row in clues.filter(risk_color=RiskColor.RED)
               .filter(Q(received_at__gte=since) | ~Q(status=ClueStatus.CLOSED))
               .values("project_id").annotate(n=Count("pk")).order_by()}
    found = {}
    for pk in set(recent) | set(red):
        count, reds = recent.get(pk, 0), red.get(pk, 0)
        if count < params["clues"] and not reds:
            continue
        detail = _("近%(days)s日收到涉及本项目的欠薪线索%(count)s条。") % {"days": params["days"], "count": count}
        if reds:
            detail += _("有重大(红色)线索%(reds)s条(近期收到或尚未办结)。") % {"reds": reds}
        found[(pk, "")] = Finding(detail, {"clues": count, "red_clues": reds})
    return found


PARTY_ROLES = {
    "developer": gettext_lazy("建设单位"),
    "general_contractor": gettext_lazy("施工总承包单位"),
    **dict(ProjectParty.Role.choices),
}


def find_blacklisted_party(ctx, params, months):
    projects = ctx.projects(NOT_FINISHED)
    listed = defaultdict(set)
    direct = projects.filter(Q(developer__is_blacklisted=True) | Q(general_contractor__is_blacklisted=True))
    for pk, developer, developer_listed, contractor, contractor_listed in direct.values_list(
            "pk", "developer__name", "developer__is_blacklisted", "general_contractor__name",
            "general_contractor__is_blacklisted"):
        if developer_listed:
            listed[pk].add((developer, "developer"))
        if contractor_listed:
            listed[pk].add((contractor, "general_contractor"))
    parties = ProjectParty.objects.filter(project__in=projects, enterprise__is_blacklisted=True)
    for pk, name, role in parties.values_list("project_id", "enterprise__name", "role"):
        listed[pk].add((name, role))
    found = {}
    for pk, names in listed.items():
        named = "、".join(f"{name}({PARTY_ROLES.get(role, role)})" for name, role in sorted(names))
        found[(pk, "")] = Finding(_("参建企业在失信名单上:%(names)s。") % {"names": named},
                                  {"enterprises": sorted(name for name, _role in names)})
    return found


# --- the catalogue --------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class RuleSpec:
    code: str
    find: object
    params: dict = field(default_factory=dict)
    window: object = None  # monthly rules: (context, parameters) → the months new warnings may open for
    statuses: tuple = UNDER_WAY  # the projects the rule watches; a warning of a project that left them closes

    @property
    def monthly(self):
        return self.window is not None

    def defaults(self):
        return next(dict(parameters) for code, _name, _level, parameters, _text in RULES if code == self.code)

    def parameters(self, stored):
        """The stored parameters over the defaults, each checked; a value that no longer passes (edited in the
        database by hand) gives way to the default rather than stopping the evaluation."""
        merged = self.defaults()
        for name, param in self.params.items():
            if name in (stored or {}):
                try:
                    merged[name] = param.clean(stored[name])
                except ParameterError:
                    pass
            elif name in merged:
                merged[name] = param.clean(merged[name])
        return merged


DAYS = Param(gettext_lazy("天数"), "int", 0, 366)
CATALOGUE = {spec.code: spec for spec in [
    RuleSpec("wage_account_missing", find_wage_account_missing, {"days": DAYS}),
    RuleSpec("deposit_missing", find_deposit_missing, {
        "days": DAYS,
        "exemption_below": Param(gettext_lazy("免缴合同金额上限(元)"), "decimal", Decimal(0), Decimal(10) ** 11),
        "minimum_percent": Param(gettext_lazy("最低存储比例(%)"), "decimal", Decimal(0), Decimal(100))}),
    RuleSpec("roster_missing", find_roster_missing, {"days_after_start": DAYS}),
    RuleSpec("notice_board_missing", find_notice_board_missing, {"days_after_start": DAYS}),
    RuleSpec("allocation_missing", find_allocation_missing, window=window_allocation),
    RuleSpec("pre_allocation_missing", find_pre_allocation_missing,
             {"day_of_month": Param(gettext_lazy("每月预拨截止日"), "int", 1, 28)}, window=window_pre_allocation),
    RuleSpec("payroll_late", find_payroll_late,
             {"months_to_pay": Param(gettext_lazy("发放宽限月数"), "int", 0, 3)}, window=window_payroll_late),
    RuleSpec("payroll_headcount_short", find_payroll_headcount_short, window=window_payroll),
    RuleSpec("payroll_unpaid_share", find_payroll_unpaid_share,
             {"share_percent": Param(gettext_lazy("未发放人数比例(%)"), "decimal", Decimal(0), Decimal(100))},
             window=window_payroll),
    RuleSpec("below_minimum_wage", find_below_minimum_wage,
             {"minimum_wage": Param(gettext_lazy("月最低工资标准(元)"), "money_by_district", Decimal(1),
                                    Decimal(100000))}, window=window_payroll),
    RuleSpec("clue_concentration", find_clue_concentration, {
        "clues": Param(gettext_lazy("线索条数"), "int", 1, 1000), "days": Param(gettext_lazy("天数"), "int", 1, 366),
        "any_red": Param(gettext_lazy("重大线索即预警"), "bool")}, statuses=NOT_FINISHED),
    RuleSpec("blacklisted_party", find_blacklisted_party, statuses=NOT_FINISHED),
]}

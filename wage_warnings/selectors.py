"""Reads of the early warnings: who may see which warning and act on it, the warning lists, and the monitoring
board's figures (a handful of aggregate queries, whatever the number of projects).

Who sees what (checked on the server, per object): city staff (intake, supervisor, administrator) every warning;
an officer of a district or a sector department the warnings of the projects in the district or of the sector,
and any assigned to the unit; a 劳资专管员 those of the projects they are named on; anyone else none.
"""

import datetime as dt
from decimal import ROUND_HALF_EVEN, Decimal

import django_filters
from django.db import transaction
from django.db.models import Count, F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.roles import CITY_WIDE_ROLES, Role, has_any_role
from core.months import add_months, month_end
from projects.models import Duty, PayrollMonth, Project, Verification
from units.models import Unit
from units.workdays import SHANGHAI

from .evaluation import no_jit
from .models import EvaluationRun, Level, Rule, WageWarning
from .reference import RULES
from .rules import CATALOGUE, PAID_DEPOSIT_KINDS, period_of

State = WageWarning.State
BOARD_UNIT_KINDS = (Unit.Kind.DISTRICT, Unit.Kind.DEPARTMENT)
HUNDRED, CENT = Decimal(100), Decimal("0.01")


# --- who may see and do what -----------------------------------------------------------------------------------

def can_see_all_warnings(user):
    return has_any_role(user, CITY_WIDE_ROLES)


def warning_visible_queryset(user, queryset=None):
    queryset = WageWarning.objects.all() if queryset is None else queryset
    if not user.is_authenticated:
        return queryset.none()
    if can_see_all_warnings(user):
        return queryset
    visible = Q(pk__in=[])
    if user.has_role(Role.OFFICER) and user.unit_id:
        visible |= (Q(project__district_id=user.unit_id) | Q(project__sector_id=user.unit_id)
                    | Q(assigned_unit_id=user.unit_id))
    if user.has_role(Role.WAGE_MANAGER):
        visible |= Q(project__in=Project.objects.filter(managers=user).values("pk"))
    return queryset.filter(visible)


def allowed_actions(warning, user):
    """The actions `user` may take on `warning` now: assign (交办), respond (核处), dismiss (撤销), reply (整改说明)."""
    actions = set()
    if not user.is_authenticated:
        return actions
    if warning.state == State.OPEN and warning.responded_at is None and has_any_role(user, CITY_WIDE_ROLES):
        actions.add("assign")
    if warning.state == State.OPEN and has_any_role(user, CITY_WIDE_ROLES):
        actions.add("dismiss")
    if (warning.state != State.DISMISSED and warning.assigned_unit_id and warning.responded_at is None
            and user.has_role(Role.OFFICER) and user.unit_id == warning.assigned_unit_id):
        actions.add("respond")
    if (warning.state == State.OPEN and user.has_role(Role.WAGE_MANAGER)
            and warning.project.managers.filter(pk=user.pk).exists()):
        actions.add("reply")
    return actions


def assignable_units(warning):
    """The units a warning may be assigned to: the project's district and its sector department."""
    return [unit for unit in (warning.project.district, warning.project.sector) if unit is not None]


# --- lists --------------------------------------------------------------------------------------------------------

def overdue_q(now):
    return Q(state=State.OPEN, responded_at__isnull=True, handling_deadline__lt=now)


class WarningFilter(django_filters.FilterSet):
    project = django_filters.CharFilter(label=_("项目编号"), field_name="project__code")
    level = django_filters.MultipleChoiceFilter(label=_("预警等级"), choices=Level.choices)
    rule = django_filters.MultipleChoiceFilter(label=_("规则代码"), field_name="rule__code",
                                               choices=[(code, name) for code, name, *_rest in RULES])
    state = django_filters.MultipleChoiceFilter(label=_("状态"), choices=State.choices)
    district = django_filters.CharFilter(label=_("旗县市区代码"), field_name="project__district__code")
    sector = django_filters.CharFilter(label=_("行业部门代码"), field_name="project__sector__code")
    unit = django_filters.CharFilter(label=_("核处单位代码"), field_name="assigned_unit__code")
    period = django_filters.CharFilter(label=_("期间(YYYY-MM)"), field_name="period")
    overdue = django_filters.BooleanFilter(label=_("核处超期"), method="filter_overdue")

    class Meta:
        model = WageWarning
        fields = []

    def filter_overdue(self, queryset, name, value):
        condition = overdue_q(timezone.now())
        return queryset.filter(condition) if value else queryset.exclude(condition)


def warning_list_queryset(user):
    return (warning_visible_queryset(user)
            .select_related("project", "project__district", "project__sector", "rule", "assigned_unit")
            .order_by("-opened_at", "-pk"))


def warning_events(warning):
    return warning.project.events.filter(data__warning=warning.pk).select_related("actor").order_by("at", "pk")


def rules_for_display():
    return list(Rule.objects.filter(code__in=CATALOGUE).order_by("pk"))


# --- the monitoring board -----------------------------------------------------------------------------------------

def board_scope(user):
    """"city" for city staff, the unit for an officer of a district or sector department, None otherwise."""
    if not user.is_authenticated:
        return None
    if can_see_all_warnings(user):
        return "city"
    if user.has_role(Role.OFFICER) and user.unit_id and user.unit.kind in BOARD_UNIT_KINDS:
        return user.unit
    return None


def percent(numerator, denominator):
    """Percent with two decimals, GB/T 8170 rounding (as the completion report); None without a base."""
    if not denominator:
        return None
    return (Decimal(numerator) * HUNDRED / Decimal(denominator)).quantize(CENT, rounding=ROUND_HALF_EVEN)


DUTY_RATES = [
    ("registered", _("录入率"),
     _("在建项目中基本信息录入完整(合同日期、合同金额、建设单位、施工总承包单位、开工日期、劳资专管员)的比例")),
    ("wage_account", _("专户开设率"), _("在建项目中已开设农民工工资专用账户(已录入且未被退回)的比例")),
    ("deposit", _("保证金缴纳率"), _("在建项目中已存储工资保证金(或保函、保险,不低于规定比例)或依规免缴的比例")),
    ("roster", _("实名制落实率"), _("在建项目中已录入实名制花名册的比例")),
    ("notice_board", _("告示牌设立率"), _("在建项目中已设立维权信息告示牌的比例")),
    ("paid_on_time", _("上月到期工资按时发放率"), _("工资发放期限在上月底的在建项目中,按时上传实发记录的比例")),
]


def _duty(kind, extra=None):
    """The projects with the duty `kind` entered and not rejected (and `extra` true of it)."""
    duties = Duty.objects.filter(kind=kind).exclude(state=Verification.REJECTED)
    return Q(pk__in=(duties.filter(extra) if extra is not None else duties).values("project_id"))


def _board_conditions(today, deposit_params, pay_params):
    """The Q of each duty met, for the under-way projects; and the payroll month the on-time rate is about."""
    threshold = Decimal(deposit_params["exemption_below"])
    share = Decimal(deposit_params["minimum_percent"])
    paid_month = add_months(today.replace(day=1), -1 - pay_params["months_to_pay"])
    deadline = month_end(add_months(paid_month, pay_params["months_to_pay"]))
    enough = Q(project__contract_sum__isnull=True) | Q(amount__gte=F("project__contract_sum") * share / HUNDRED)
    exempt = (Q(deposit_kind=Duty.DepositKind.EXEMPT, project__contract_sum__lt=threshold)
              & ~Q(exemption_reason=""))
    paid = PayrollMonth.objects.filter(is_current=True, month=paid_month, headcount_paid__gt=0,
                                       last_paid_on__lte=deadline).values("project_id")
    due = Q(start_date__isnull=True) | Q(start_date__lte=month_end(paid_month))
    conditions = {
        "registered": (Q(contract_date__isnull=False, contract_sum__isnull=False, developer__isnull=False,
                         general_contractor__isnull=False, start_date__isnull=False) & ~Q(wage_manager="")),
        "wage_account": _duty(Duty.Kind.WAGE_ACCOUNT, ~Q(account_number="")),
        "deposit": _duty(Duty.Kind.DEPOSIT, (Q(deposit_kind__in=PAID_DEPOSIT_KINDS) & enough) | exempt),
        "roster": _duty(Duty.Kind.ROSTER, Q(headcount__gt=0)),
        "notice_board": _duty(Duty.Kind.NOTICE_BOARD),
        "paid_on_time": due & Q(pk__in=paid),
    }
    return conditions, due, paid_month, deadline


def _rule_params(code):
    rule = Rule.objects.filter(code=code).first()
    return CATALOGUE[code].parameters(rule.parameters if rule else {})


def _empty_row():
    return {"projects": 0, "under_way": 0, "red": 0, "yellow": 0, "projects_red": 0, "projects_yellow": 0,
            "met": dict.fromkeys((key for key, *_rest in DUTY_RATES), 0), "due_paid": 0}


def _add(row, other):
    for key in ("projects", "under_way", "red", "yellow", "projects_red", "projects_yellow", "due_paid"):
        row[key] += other[key]
    for key in row["met"]:
        row["met"][key] += other["met"][key]


def _finish(row):
    row["rates"] = {key: percent(row["met"][key], row["due_paid"] if key == "paid_on_time" else row["under_way"])
                    for key, *_rest in DUTY_RATES}
    return row


def monitoring_board(scope="city", *, now=None):
    """The board's figures for `scope` ("city" or a unit): per district and per sector department the projects,
    the open red/yellow warnings and the share of under-way projects with each duty met; per unit the warnings
    assigned to it, open, overdue for handling, handled and handled late. A fixed handful of queries, in one
    transaction without JIT compilation (see evaluation.no_jit)."""
    with transaction.atomic():
        no_jit()
        return _board(scope, now or timezone.now())


def _board(scope, now):
    today = now.astimezone(SHANGHAI).date()
    projects = Project.objects.all()
    if scope != "city":
        projects = projects.filter(Q(district=scope) | Q(sector=scope))
    conditions, due, paid_month, deadline = _board_conditions(today, _rule_params("deposit_missing"),
                                                              _rule_params("payroll_late"))
    under_way = Q(status=Project.Status.UNDER_WAY)
    aggregates = {"projects": Count("pk"), "under_way": Count("pk", filter=under_way),
                  "due_paid": Count("pk", filter=under_way & due)}
    aggregates.update({f"met_{key}": Count("pk", filter=under_way & condition)
                       for key, condition in conditions.items()})
    cells = {}
    for row in projects.values("district_id", "sector_id").annotate(**aggregates).order_by():
        cell = _empty_row()
        for key in ("projects", "under_way", "due_paid"):
            cell[key] = row[key]
        cell["met"] = {key: row[f"met_{key}"] for key in conditions}
        cells[(row["district_id"], row["sector_id"])] = cell
    warnings = (WageWarning.objects.filter(state=State.OPEN, project__in=projects.values("pk"))
                .values("project__district_id", "project__sector_id", "level")
                .annotate(n=Count("pk"), projects=Count("project", distinct=True)).order_by())
    for row in warnings:
        cell = cells.setdefault((row["project__district_id"], row["project__sector_id"]), _empty_row())
        cell[row["level"]] += row["n"]
        cell[f"projects_{row['level']}"] += row["projects"]

    units = {unit.pk: unit for unit in Unit.objects.filter(kind__in=BOARD_UNIT_KINDS).order_by("sort_order", "code")}
    by_district = {pk: _empty_row() for pk, unit in units.items() if unit.kind == Unit.Kind.DISTRICT}
    by_sector = {pk: _empty_row() for pk, unit in units.items() if unit.kind == Unit.Kind.DEPARTMENT}
    no_sector, totals = _empty_row(), _empty_row()
    for (district_id, sector_id), cell in cells.items():
        _add(totals, cell)
        if district_id in by_district:
            _add(by_district[district_id], cell)
        _add(by_sector[sector_id] if sector_id in by_sector else no_sector, cell)

    def rows(table, kind):
        shown = []
        for pk, row in table.items():
            if scope != "city" and not row["projects"]:
                continue  # an officer's board lists the districts or sectors of the unit's own projects
            unit = units[pk]
            shown.append({"unit": unit.code, "name": unit.name, "kind": kind, **_finish(row)})
        return shown

    handling = (WageWarning.objects.filter(assigned_unit__isnull=False)
                .values("assigned_unit_id")
                .annotate(assigned=Count("pk"),
                          open=Count("pk", filter=Q(state=State.OPEN)),
                          overdue=Count("pk", filter=overdue_q(now)),
                          responded=Count("pk", filter=Q(responded_at__isnull=False)),
                          responded_late=Count("pk", filter=Q(responded_at__gt=F("handling_deadline"))))
                .order_by())
    if scope != "city":
        handling = handling.filter(assigned_unit=scope)
    handling_rows = []
    for row in handling:
        unit = units.get(row["assigned_unit_id"])
        if unit is None:
            continue
        handling_rows.append({"unit": unit.code, "name": unit.name, "kind": unit.kind,
                              **{key: row[key] for key in ("assigned", "open", "overdue", "responded",
                                                           "responded_late")}})
    handling_rows.sort(key=lambda row: (-row["overdue"], -row["open"], row["unit"]))
    last = EvaluationRun.objects.filter(scope=EvaluationRun.Scope.ALL).order_by("-started_at").first()
    return {
        "generated_at": now,
        "scope": "city" if scope == "city" else {"unit": scope.code, "name": scope.name, "kind": scope.kind},
        "paid_month": period_of(paid_month),
        "pay_deadline": deadline,
        "totals": _finish(totals),
        "by_district": rows(by_district, Unit.Kind.DISTRICT),
        "by_sector": rows(by_sector, Unit.Kind.DEPARTMENT),
        "without_sector": _finish(no_sector) if no_sector["projects"] else None,
        "handling": handling_rows,
        "last_evaluation": last.started_at if last else None,
    }


def board_as_json(board):
    """The board with plain JSON values (rates as numbers, instants as ISO strings), for the API and charts."""

    def plain(value):
        if isinstance(value, Decimal):
            return float(value)
        if isinstance(value, dt.datetime):
            return value.isoformat()
        if isinstance(value, dt.date):
            return value.isoformat()
        if isinstance(value, dict):
            return {key: plain(item) for key, item in value.items()}
        if isinstance(value, list):
            return [plain(item) for item in value]
        return value

    return plain(board)

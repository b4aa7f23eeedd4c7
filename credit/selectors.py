"""Reads of enforcement and credit: who sees which record and may act on it, the list and its filters, an
enterprise's credit page, the public blacklist, and the enforcement figures of a period (a few GROUP BY queries).

Who sees what (checked on the server, per object): city staff (intake, supervisor, administrator) every record;
an officer of a district or a sector department the records the unit made, those on the unit's projects, and
those on enterprises that are parties to the unit's projects; anyone else none. Acting on a record (整改, 缴纳,
移出, 结案) is for the unit that made it and for city staff.
"""

import datetime as dt
from decimal import Decimal

import django_filters
from django.db.models import Count, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.identity import mask_resident_id
from projects.models import Enterprise, Project
from projects.selectors import is_city_staff, officer_unit_id  # the registry's definition of both
from units.models import Unit

from .models import LIST_KINDS, EnforcementRecord, Kind

REPORT_UNIT_KINDS = (Unit.Kind.DISTRICT, Unit.Kind.DEPARTMENT)


# --- who may see and do what -----------------------------------------------------------------------------------

def unit_projects(unit_id):
    return Project.objects.filter(Q(district_id=unit_id) | Q(sector_id=unit_id))


def unit_enterprise_q(unit_id):
    """Enterprises that are a party (developer, general contractor, subcontractor) to a project of the unit."""
    projects = unit_projects(unit_id).values("pk")
    return (Q(developed_projects__in=projects) | Q(contracted_projects__in=projects)
            | Q(parties__project__in=projects))


def unit_enterprise_ids(unit_id):
    return Enterprise.objects.filter(unit_enterprise_q(unit_id)).values("pk")


def enterprise_in_unit(enterprise, unit_id, project=None):
    """Whether an officer of `unit_id` may record on `enterprise` (and `project`, when given)."""
    if unit_id is None:
        return False
    if project is not None and unit_id not in (project.district_id, project.sector_id):
        return False
    return Enterprise.objects.filter(unit_enterprise_q(unit_id), pk=enterprise.pk).exists()


def record_visible_queryset(user, queryset=None):
    queryset = EnforcementRecord.objects.all() if queryset is None else queryset
    if is_city_staff(user):
        return queryset
    unit_id = officer_unit_id(user)
    if unit_id is None:
        return queryset.none()
    return queryset.filter(Q(unit_id=unit_id) | Q(project__in=unit_projects(unit_id).values("pk"))
                           | Q(enterprise__in=unit_enterprise_ids(unit_id)))


def enterprise_visible_queryset(user, queryset=None):
    queryset = Enterprise.objects.all() if queryset is None else queryset
    if is_city_staff(user):
        return queryset
    unit_id = officer_unit_id(user)
    if unit_id is None:
        return queryset.none()
    return queryset.filter(Q(pk__in=unit_enterprise_ids(unit_id))
                           | Q(pk__in=EnforcementRecord.objects.filter(unit_id=unit_id).values("enterprise_id")))


def may_act(record, user):
    return is_city_staff(user) or (officer_unit_id(user) is not None and user.unit_id == record.unit_id)


def allowed_actions(record, user, today):
    """The actions `user` may take on `record` now: rectify, pay, remove, close."""
    if not may_act(record, user):
        return set()
    actions = set()
    open_ = record.closed_on is None
    if record.kind == Kind.RECTIFICATION_ORDER and open_ and record.rectified_on is None:
        actions.update({"rectify", "close"})
    elif record.kind == Kind.PENALTY and open_:
        actions.add("close")
        if record.paid_on is None:
            actions.add("pay")
    elif record.kind in LIST_KINDS and record.removed_on is None:
        actions.add("remove")
    elif record.kind == Kind.POLICE_REFERRAL and open_:
        actions.add("close")
    return actions


# --- lists -------------------------------------------------------------------------------------------------------

STATES = [("open", _("办理中")), ("overdue", _("逾期未整改")), ("rectified", _("已整改")), ("unpaid", _("未缴纳")),
          ("paid", _("已缴纳")), ("listed", _("名单内")), ("removed", _("已移出")), ("closed", _("已结案"))]


def state_q(state, today):
    order = Q(kind=Kind.RECTIFICATION_ORDER)
    return {
        "open": Q(closed_on__isnull=True, rectified_on__isnull=True) & ~Q(kind__in=LIST_KINDS)
        & ~(order & Q(deadline__lt=today)),
        "overdue": order & Q(rectified_on__isnull=True, closed_on__isnull=True, deadline__lt=today),
        "rectified": order & Q(rectified_on__isnull=False),
        "unpaid": Q(kind=Kind.PENALTY, paid_on__isnull=True),
        "paid": Q(kind=Kind.PENALTY, paid_on__isnull=False),
        "listed": Q(kind__in=LIST_KINDS, removed_on__isnull=True),
        "removed": Q(kind__in=LIST_KINDS, removed_on__isnull=False),
        "closed": Q(closed_on__isnull=False),
    }[state]


class RecordFilter(django_filters.FilterSet):
    kind = django_filters.MultipleChoiceFilter(label=_("类别"), choices=Kind.choices)
    enterprise = django_filters.CharFilter(label=_("统一社会信用代码"), field_name="enterprise__credit_code")
    project = django_filters.CharFilter(label=_("项目编号"), field_name="project__code")
    unit = django_filters.CharFilter(label=_("执法单位代码"), field_name="unit__code")
    state = django_filters.ChoiceFilter(label=_("状态"), choices=STATES, method="filter_state")
    start = django_filters.DateFilter(label=_("日期自"), field_name="date", lookup_expr="gte")
    end = django_filters.DateFilter(label=_("日期至"), field_name="date", lookup_expr="lte")

    class Meta:
        model = EnforcementRecord
        fields = []

    def filter_state(self, queryset, name, value):
        return queryset.filter(state_q(value, timezone.localdate()))


def record_list_queryset(user):
    return (record_visible_queryset(user)
            .select_related("enterprise", "project", "unit", "officer")
            .prefetch_related("persons", "clues", "warnings")
            .order_by("-date", "-pk"))


def masked_persons(record):
    return [{"name": p.name, "role": p.role, "role_label": str(p.get_role_display()),
             "id_number": mask_resident_id(p.id_number)} for p in record.persons.all()]


# --- an enterprise's credit page ---------------------------------------------------------------------------------

def enterprise_credit(enterprise, user, today=None):
    """What the enterprise page shows: its records (those the user may see), its projects, and its signals —
    red when it is on the blacklist or has an overdue rectification order."""
    today = today or timezone.localdate()
    records = list(record_list_queryset(user).filter(enterprise=enterprise))
    projects = (Project.objects.filter(Q(developer=enterprise) | Q(general_contractor=enterprise)
                                       | Q(parties__enterprise=enterprise))
                .distinct().select_related("district", "sector").order_by("code"))
    blacklist = next((r for r in records if r.kind == Kind.BLACKLIST and r.removed_on is None), None)
    watchlist = next((r for r in records if r.kind == Kind.WATCHLIST and r.is_listed(today)), None)
    overdue = [r for r in records if r.is_overdue(today)]
    signals = []
    if enterprise.is_blacklisted:
        signals.append(_("已列入拖欠农民工工资失信联合惩戒名单"))
    if overdue:
        signals.append(_("有%(n)s份责令改正决定逾期未整改") % {"n": len(overdue)})
    return {"records": records, "projects": list(projects), "blacklist": blacklist, "watchlist": watchlist,
            "overdue": overdue, "signals": signals, "red": bool(signals)}


# --- the public blacklist ------------------------------------------------------------------------------------------

def public_blacklist(today=None):
    """The enterprises on the blacklist now, for publication: name, credit code, reason, listed on, removal date.
    No person and no ID number ever leaves here."""
    today = today or timezone.localdate()
    return list(EnforcementRecord.objects.filter(kind=Kind.BLACKLIST, removed_on__isnull=True, date__lte=today)
                .order_by("-date", "-pk")
                .values("enterprise__name", "enterprise__credit_code", "reason", "date", "removal_date"))


# --- the enforcement figures of a period ---------------------------------------------------------------------------

def report_scope(user):
    """"city" for city staff, the unit for an officer of a district or sector department, None otherwise."""
    if is_city_staff(user):
        return "city"
    if officer_unit_id(user) is not None and user.unit.kind in REPORT_UNIT_KINDS:
        return user.unit
    return None


def _figures(start, end, today):
    in_period = Q(date__gte=start, date__lte=end)
    order = Q(kind=Kind.RECTIFICATION_ORDER)
    return {
        "rectification_orders": Count("pk", filter=order & in_period),
        "orders_rectified": Count("pk", filter=order & Q(rectified_on__gte=start, rectified_on__lte=end)),
        "orders_overdue_now": Count("pk", filter=order & Q(rectified_on__isnull=True, closed_on__isnull=True,
                                                           deadline__lt=today)),
        "penalties": Count("pk", filter=Q(kind=Kind.PENALTY) & in_period),
        "penalty_amount": Sum("amount", filter=Q(kind=Kind.PENALTY) & in_period, default=Decimal("0")),
        "blacklisted": Count("pk", filter=Q(kind=Kind.BLACKLIST) & in_period),
        "blacklisted_now": Count("enterprise", distinct=True,
                                 filter=Q(kind=Kind.BLACKLIST, removed_on__isnull=True, date__lte=today)),
        "watchlisted": Count("pk", filter=Q(kind=Kind.WATCHLIST) & in_period),
        "police_referrals": Count("pk", filter=Q(kind=Kind.POLICE_REFERRAL) & in_period),
    }


def _plain(row):
    row = dict(row)
    row["penalty_amount"] = f"{row['penalty_amount']:.2f}"
    return row


def enforcement_report(scope, start, end, *, today=None):
    """The figures of [start, end] (Beijing calendar days, both included): orders made and rectified (and
    overdue now), penalties and their amount, blacklist entries made (and enterprises on it now), watchlist
    entries, police referrals; in all and per enforcing unit. Two aggregate queries and one for the units."""
    today = today or timezone.localdate()
    records = EnforcementRecord.objects.all()
    if scope != "city":
        records = records.filter(unit=scope)
    figures = _figures(start, end, today)
    totals = _plain(records.aggregate(**figures))
    rows = {row["unit_id"]: row for row in records.order_by().values("unit_id").annotate(**figures)}
    units = Unit.objects.in_bulk(list(rows))
    by_unit = []
    for unit in sorted(units.values(), key=lambda u: (u.sort_order, u.code)):
        row = _plain({key: value for key, value in rows[unit.pk].items() if key != "unit_id"})
        if any(value not in (0, "0.00") for value in row.values()):
            by_unit.append({"unit": unit.code, "unit_name": unit.name, **row})
    return {"start": start.isoformat(), "end": end.isoformat(), "scope": "city" if scope == "city" else scope.code,
            **totals, "by_unit": by_unit}


def default_period(today=None):
    """This year so far: what the board's panel shows without a period."""
    today = today or timezone.localdate()
    return dt.date(today.year, 1, 1), today

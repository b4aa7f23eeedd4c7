"""Reads behind the staff workspaces: triage queue, all-clues list, unit workspace, review and follow-up
queues, the clue detail page, and the time left on a deadline in working terms.

Every list is one page query plus a fixed number of prefetches, whatever the page size; filters run on the
indexes Clue has (status+received_at, unit+status, next_deadline_at).
"""

import datetime as dt
import math
import re
from dataclasses import dataclass
from urllib.parse import urlencode

from django.core.exceptions import ValidationError
from django.db.models import Case, Count, F, IntegerField, OuterRef, Prefetch, Q, Subquery, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from clues import lifecycle
from clues.models import (
    PUBLIC_CHANNELS,
    Assignment,
    Clue,
    ClueEvent,
    DuplicateCandidate,
    HandlingRecord,
    RiskColor,
    Status,
)
from clues.personal_data import masked_values
from clues.selectors import clue_visible_queryset, visible_duplicate_candidates
from clues.services import normalise_tracking_code
from core.identity import check_credit_code
from dispatch.models import SavedFilter
from units.models import Unit
from units.workdays import WorkCalendar, local_date

PAGE_SIZE = 50
SECTION_LIMIT = 100
RETURNED_WINDOW = dt.timedelta(days=30)
FILTER_KEYS = ("q", "status", "risk_color", "channel", "district", "suggested_department", "unit",
               "unit_kind", "overdue", "received_from", "received_to", "ordering")
# ?ordering= of the all-clues list: the deadline columns a triage desk sorts by, and the receipt time.
ORDERINGS = ("received_at", "next_deadline_at", "-next_deadline_at", "close_deadline", "-close_deadline")
SAVED_FILTER_PAGES = ("triage", "all")
DEADLINE_LABELS = {"claim": gettext_lazy("认领期限"), "response": gettext_lazy("响应期限"),
                   "close": gettext_lazy("办结期限"), "retransfer": gettext_lazy("重新转办期限")}


# --- time left on a deadline ------------------------------------------------------------------------------

@dataclass(frozen=True)
class Clock:
    name: str
    label: str
    at: dt.datetime
    text: str
    overdue: bool


class DeadlineClock:
    """Says how long is left on a deadline, or how long it is overdue, in working days or hours (Chinese).

    Under a day either way the answer is in hours (minutes under an hour); beyond that in working days
    on the official calendar, so a weekend or the Spring Festival does not count.
    """

    def __init__(self, now=None):
        self.now = now or timezone.now()
        self.today = local_date(self.now)
        # One query for the administrator's calendar overrides around today; the package covers the rest.
        self.calendar = WorkCalendar.for_span(self.today - dt.timedelta(days=400),
                                              self.today + dt.timedelta(days=400))

    def text(self, deadline):
        if deadline is None:
            return ""
        delta = deadline - self.now
        if delta.total_seconds() >= 0:
            if delta < dt.timedelta(hours=1):
                return _("剩余 %(n)s 分钟") % {"n": max(1, math.floor(delta.total_seconds() / 60))}
            if delta < dt.timedelta(days=1):
                return _("剩余 %(n)s 小时") % {"n": math.floor(delta.total_seconds() / 3600)}
            days = self.calendar.working_days_between(self.today, local_date(deadline))
            if days >= 1:
                return _("剩余 %(n)s 个工作日") % {"n": days}
            return _("剩余 %(n)s 小时") % {"n": math.floor(delta.total_seconds() / 3600)}
        late = -delta
        if late < dt.timedelta(hours=1):
            return _("已超期 %(n)s 分钟") % {"n": max(1, math.floor(late.total_seconds() / 60))}
        if late < dt.timedelta(days=1):
            return _("已超期 %(n)s 小时") % {"n": math.floor(late.total_seconds() / 3600)}
        days = self.calendar.working_days_between(local_date(deadline), self.today)
        if days >= 1:
            return _("已超期 %(n)s 个工作日") % {"n": days}
        return _("已超期 %(n)s 天") % {"n": late.days}

    def clock(self, name, deadline):
        return Clock(name=name, label=str(DEADLINE_LABELS.get(name, name)), at=deadline,
                     text=self.text(deadline), overdue=deadline < self.now)

    def running(self, clue):
        """The clocks still running on `clue`, earliest first."""
        clocks = [self.clock(name, at) for name, at in lifecycle.running_deadlines(clue).items()]
        return sorted(clocks, key=lambda c: c.at)

    def next(self, clue):
        running = self.running(clue)
        return running[0] if running else None


# --- the base of every list -------------------------------------------------------------------------------

def _candidates(user):
    return visible_duplicate_candidates(user, DuplicateCandidate.objects.select_related("match")) \
        .order_by("kind", "pk")


def clue_rows(user):
    """The clues `user` may see, with everything a list row shows, in a fixed number of queries."""
    return (clue_visible_queryset(user)
            .select_related("unit", "district", "project", "suggested_district", "suggested_department")
            .prefetch_related(Prefetch("duplicate_candidates", queryset=_candidates(user))))


def transfer_units():
    """Active districts and sector departments, districts first (one query)."""
    return list(Unit.objects.filter(is_active=True, kind__in=[Unit.Kind.DISTRICT, Unit.Kind.DEPARTMENT])
                .order_by("kind", "sort_order", "code"))


def _overdue(now):
    # next_deadline_at is the earliest clock still running: past it means overdue now (partial index).
    return Q(next_deadline_at__lt=now)


def _one_or_many(queryset, field, value):
    if isinstance(value, list | tuple | set):
        return queryset.filter(**{f"{field}__in": value}) if value else queryset
    return queryset.filter(**{field: value}) if value else queryset


def filter_clues(queryset, filters, *, now=None):
    """Apply the cleaned values of dispatch.forms.ClueFilterForm (units already resolved to Unit rows).

    status, risk_color and channel take one value or a list of them (any of); overdue is "1"/True for
    overdue now, "0"/False for not overdue, blank for both.
    """
    now = now or timezone.now()
    for field in ("status", "risk_color", "channel"):
        queryset = _one_or_many(queryset, field, filters.get(field))
    if value := filters.get("district"):
        queryset = queryset.filter(district=value)
    if value := filters.get("suggested_department"):
        queryset = queryset.filter(suggested_department=value)
    if value := filters.get("unit"):
        queryset = queryset.filter(unit=value)
    if value := filters.get("unit_kind"):
        queryset = queryset.filter(unit__kind=value)
    overdue = filters.get("overdue")
    if overdue in (True, "1"):
        queryset = queryset.filter(_overdue(now))
    elif overdue in (False, "0"):
        queryset = queryset.exclude(_overdue(now))
    if value := filters.get("received_from"):
        queryset = queryset.filter(received_at__gte=_day_start(value))
    if value := filters.get("received_to"):
        queryset = queryset.filter(received_at__lt=_day_start(value + dt.timedelta(days=1)))
    if text := (filters.get("q") or "").strip():
        match = (Q(employer_name__icontains=text) | Q(project_name__icontains=text)
                 | Q(project__name__icontains=text) | Q(complainant_name__icontains=text)
                 | Q(tracking_code__iexact=text.replace(" ", "")) | Q(external_id=text)
                 | _masked_phone_match(text))
        queryset = queryset.filter(match)
    return queryset


_PHONE_SEARCH_RE = re.compile(r"^(1\d{2})(?:\d{4}|\*{4})(\d{4})$")


def _masked_phone_match(text):
    """A mobile number typed in full, or as the lists show it (138****8000), matches on the digits a list
    shows only: a search must not confirm the hidden middle digits without a recorded view."""
    match = _PHONE_SEARCH_RE.match(text.replace(" ", "").replace("-", ""))
    if not match:
        return Q(pk__in=[])
    return Q(complainant_phone__startswith=match[1], complainant_phone__endswith=match[2])


def _day_start(day):
    # Calendar days are Beijing days: a clue received at 00:30 Beijing time belongs to that day.
    return dt.datetime.combine(day, dt.time.min, tzinfo=timezone.get_default_timezone())


def triage_queue(user, filters):
    """Received clues awaiting triage: red first, then newest."""
    red_first = Case(When(risk_color=RiskColor.RED, then=Value(0)), default=Value(1),
                     output_field=IntegerField())
    rows = filter_clues(clue_rows(user).filter(status=Status.RECEIVED), {**filters, "status": None})
    return rows.annotate(red_first=red_first).order_by("red_first", "-received_at", "-pk")


def all_clues(user, filters):
    """Every clue `user` may see, filtered; newest first unless filters["ordering"] names one of ORDERINGS
    (clues without that deadline last either way)."""
    rows = filter_clues(clue_rows(user), filters)
    ordering = filters.get("ordering") or ""
    if ordering not in ORDERINGS:
        return rows.order_by("-received_at", "-pk")
    column = F(ordering.lstrip("-"))
    first = column.desc(nulls_last=True) if ordering.startswith("-") else column.asc(nulls_last=True)
    return rows.order_by(first, "-received_at", "-pk")


def state_counts(user, *, now=None):
    """Clues per state and overdue, over every clue `user` may see: one aggregate query."""
    now = now or timezone.now()
    counts = clue_visible_queryset(user).aggregate(
        **{status.value: Count("pk", filter=Q(status=status)) for status in Status},
        overdue=Count("pk", filter=_overdue(now)))
    items = [{"key": status.value, "label": str(status.label), "count": counts[status.value],
              "query": urlencode({"status": status.value})} for status in Status]
    items.append({"key": "overdue", "label": _("已超期"), "count": counts["overdue"],
                  "query": urlencode({"overdue": "1"})})
    return items


def decorate_rows(clues, clock):
    """Give each row of a page (no queries) its clocks, `next_clock` and `retransfer_clock`, its duplicates
    and `masked`, the complainant's phone and ID number masked as every list shows them."""
    for clue in clues:
        clue.masked = masked_values(clue)
        clue.next_clock = clock.next(clue)
        clue.retransfer_clock = (clock.clock("retransfer", clue.retransfer_deadline)
                                 if clue.status == Status.RECEIVED and clue.retransfer_deadline else None)
        clue.duplicates = [c for c in clue.duplicate_candidates.all()
                           if c.kind == DuplicateCandidate.Kind.DUPLICATE]
    return clues


# --- unit workspace ---------------------------------------------------------------------------------------

def unit_workspace(unit, *, now=None):
    """The three sections of a unit officer's workspace and their counts."""
    now = now or timezone.now()
    base = (Clue.objects.filter(unit=unit)
            .select_related("unit", "district", "project", "suggested_district", "suggested_department"))
    to_claim = list(base.filter(status=Status.ASSIGNED).order_by("claim_deadline", "pk")[:SECTION_LIMIT])
    last_rejection = ClueEvent.objects.filter(clue=OuterRef("pk"), kind=ClueEvent.Kind.REVIEW_REJECTED)
    last_rejection = last_rejection.order_by("-at", "-pk")
    in_progress = list(
        base.filter(status=Status.IN_PROGRESS)
        .annotate(rejected_at=Subquery(last_rejection.values("at")[:1]),
                  rejected_reason=Subquery(last_rejection.values("note")[:1]))
        .order_by(Case(When(next_deadline_at__isnull=True, then=Value(1)), default=Value(0),
                       output_field=IntegerField()), "next_deadline_at", "pk")[:SECTION_LIMIT])
    since = now - RETURNED_WINDOW
    rejected = [c for c in in_progress if c.rejected_at and c.rejected_at >= since]
    returned = list(
        Assignment.objects.filter(unit=unit, end_reason=Assignment.EndReason.RETURNED, ended_at__gte=since)
        .select_related("clue", "clue__unit").order_by("-ended_at", "-pk")[:SECTION_LIMIT])
    return_reasons = dict(
        ClueEvent.objects.filter(clue__in=[a.clue_id for a in returned], kind=ClueEvent.Kind.RETURNED,
                                 actor_unit=unit)
        .order_by("clue", "at").values_list("clue", "note"))
    for assignment in returned:
        assignment.reason = return_reasons.get(assignment.clue_id, "")
    counts = Clue.objects.filter(unit=unit).aggregate(
        to_claim=Count("pk", filter=Q(status=Status.ASSIGNED)),
        in_progress=Count("pk", filter=Q(status=Status.IN_PROGRESS)),
        resolved=Count("pk", filter=Q(status=Status.RESOLVED)),
        overdue=Count("pk", filter=_overdue(now)))
    counts["returned"] = len(returned)
    counts["rejected"] = len(rejected)
    return {"to_claim": to_claim, "in_progress": in_progress, "rejected": rejected, "returned": returned,
            "counts": counts}


# --- review and follow-up queues --------------------------------------------------------------------------

def review_queue(user):
    """Clues a unit resolved, awaiting city review: oldest first, with on-time or late."""
    on_time = Case(When(close_deadline__isnull=True, then=Value(1)),
                   When(resolved_at__lte=F("close_deadline"), then=Value(1)), default=Value(0),
                   output_field=IntegerField())
    return (clue_visible_queryset(user).filter(status=Status.RESOLVED)
            .select_related("unit", "project").annotate(on_time=on_time).order_by("resolved_at", "pk"))


def followup_due(user):
    """Closed clues not yet followed up since they were (last) closed; merged duplicates have none."""
    not_followed = Q(followup_at__isnull=True) | Q(followup_at__lt=F("closed_at"))
    return (clue_visible_queryset(user).filter(status=Status.CLOSED, merged_into__isnull=True)
            .filter(not_followed).select_related("unit").order_by("closed_at", "pk"))


def unsatisfied_reopenable(user, *, now=None):
    """Closed clues whose follow-up since closing was unsatisfied, still within the 30-day reopen window."""
    now = now or timezone.now()
    return (clue_visible_queryset(user)
            .filter(status=Status.CLOSED, merged_into__isnull=True, followup_satisfied=False,
                    followup_at__gte=now - lifecycle.REOPEN_WINDOW)
            .filter(followup_at__gte=F("closed_at"))
            .select_related("unit").order_by("followup_at", "pk"))


# --- the clue detail page ---------------------------------------------------------------------------------

def clue_for_detail(user, pk):
    """The clue with its one-to-one relations, or None when `user` may not see it."""
    return (clue_visible_queryset(user)
            .select_related("unit", "district", "project", "suggested_district", "suggested_department",
                            "merged_into", "created_by")
            .filter(pk=pk).first())


def deadlines_not_running(clue):
    """The deadlines `clue` has that no longer run (met, stopped or ended by a move): [(label, at)]."""
    running = lifecycle.running_deadlines(clue)
    values = {"claim": clue.claim_deadline, "response": clue.response_deadline, "close": clue.close_deadline,
              "retransfer": clue.retransfer_deadline}
    return [(DEADLINE_LABELS[name], at) for name, at in values.items() if at and name not in running]


def credit_code_warning(code):
    """The warning intake showed for a credit code whose check character does not match ("" if none)."""
    if not code:
        return ""
    try:
        return check_credit_code(code).warning
    except ValidationError as exc:
        return exc.messages[0]


def assignment_history(clue):
    return list(clue.assignments.select_related("unit", "assigned_by", "claimed_by")
                .order_by("assigned_at", "pk"))


def handling_records(clue):
    return list(HandlingRecord.objects.filter(clue=clue).select_related("unit", "created_by")
                .order_by("occurred_at", "pk"))


def clue_timeline(clue):
    """Every event of the clue, oldest first, with who made it (`by`) and the change of state in words
    (`change`: "" when the state stayed as it was, e.g. a handling record)."""
    labels = dict(Status.choices)
    events = list(clue.events.select_related("actor", "actor_unit").order_by("at", "pk"))
    for event in events:
        event.from_label = labels.get(event.from_status, "")
        event.to_label = labels.get(event.to_status, "")
        if event.from_status and event.to_status and event.from_status != event.to_status:
            event.change = f"{event.from_label} → {event.to_label}"
        elif event.to_status and not event.from_status:
            event.change = _("状态:%(state)s") % {"state": event.to_label}
        else:
            event.change = ""
        event.by = _event_author(clue, event)
    return events


def _event_author(clue, event):
    if event.actor_id:
        unit = f" · {event.actor_unit.name}" if event.actor_unit_id else ""
        return f"{event.actor.display_name}{unit}"
    if event.kind == ClueEvent.Kind.FOLLOWUP:
        return _("反映人")
    if event.kind == ClueEvent.Kind.RECEIVED and clue.channel in PUBLIC_CHANNELS:
        return _("反映人(%(channel)s)") % {"channel": clue.get_channel_display()}
    if event.kind == ClueEvent.Kind.ESCALATED:
        return _("系统(统一督办)")
    return _("系统")


def merged_duplicates(clue):
    return list(clue.merged_duplicates.order_by("pk").only("pk", "tracking_code"))


def find_clue_for_merge(user, value):
    """A clue `user` may see, by tracking code or by id (what the merge form accepts)."""

    text = (value or "").strip()
    if not text:
        return None
    visible = clue_visible_queryset(user)
    if text.isdigit() and len(text) <= 18:
        found = visible.filter(pk=int(text)).first()
        if found:
            return found
    code = normalise_tracking_code(text)
    return visible.filter(tracking_code=code).first() if code else None


# --- saved filters ----------------------------------------------------------------------------------------

def saved_filters(user, page):
    return list(SavedFilter.objects.filter(user=user, page=page).order_by("name"))


def clean_query(params):
    """The part of a query string that is a filter (no page number, no unknown keys), as a string."""
    pairs = [(key, value) for key in FILTER_KEYS for value in params.getlist(key) if value.strip()]
    return urlencode(pairs)[:500]

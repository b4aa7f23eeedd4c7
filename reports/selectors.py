"""The completion-rate report (DOMAIN.md "Reports"): a handful of aggregate queries, whatever the data size.

How each kind of clue counts (kept here, once, so the API, the board, the exports and the drill-down agree):

* The period is a range of calendar days in Asia/Shanghai, both ends included; a clue belongs to it by
  `received_at`. Every figure is about the clues received in the period, as they stand *now*.
* A merged duplicate is not a separate clue: clues with `merged_into` set are left out of every figure and
  counted on their own as `merged_duplicates`.
* `closed` means closed now. A reopened clue counts as closed only once it is closed again.
* `transferred_to_departments`: clues whose assignment history includes a sector department, at any time
  (a clue moved from a district to a department, or back, counts once).
* Per unit: `assigned` = distinct clues ever transferred to the unit; `assignments` = the transfers
  themselves (a clue sent to the same unit twice started two claim clocks); `claimed_on_time` = transfers
  claimed by their claim deadline, `claimed_late` = claimed after it, or never claimed while the deadline
  passed (认领不及时); `held` = clues whose current unit — or, once closed, the unit that closed them (the last
  assignment) — is this one; `closed` = held and closed now; `closed_on_time` = closed, with the unit's
  last 办结 (`resolved_at`, kept through the city's approval) no later than the close deadline in force
  (a reopen starts a new close deadline); `overdue_now` = held, open and overdue; `median_working_days_to_close`
  = median over the closed clues of working days from the day received to the day closed (Asia/Shanghai
  days; the working-day calendar is loaded once for the whole span); `satisfaction_rate` = satisfied /
  followed up (the latest follow-up of each held clue, also of a clue reopened since).
* Money (`amount_recovered`, `workers_paid`, `cases_with_recovery`) is summed over closed clues.
* Rates are percentages with two decimals, rounded by GB/T 8170 (四舍六入五成双): the same as half-up except
  for an exact tie at the third decimal, which goes to the even digit — the rule that gives the seed's own
  figures (3063/2988 → 97.55 and 800/765 → 95.62; strict half-up would give 95.63). A rate with nothing to
  divide by is None, never a division error.
"""

import datetime as dt
import json
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import ROUND_HALF_EVEN, Decimal

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count, Exists, F, Func, IntegerField, Max, Min, OuterRef, Q, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.roles import CITY_WIDE_ROLES, Role, has_any_role
from clues.models import Assignment, Channel, Clue, RiskColor, Status
from clues.selectors import clue_visible_queryset
from units.models import Unit
from units.workdays import SHANGHAI, WorkCalendar

HUNDRED = Decimal(100)
CENT = Decimal("0.01")
# Below this completion rate a unit's row is shown red (the city's target; settings may override).
DEFAULT_COMPLETION_TARGET = Decimal("95")
REPORT_UNIT_KINDS = (Unit.Kind.DISTRICT, Unit.Kind.DEPARTMENT)
MAX_PERIOD_DAYS = 366 * 10
REPORT_WORK_MEM = "64MB"
EARLIEST_DAY = dt.date(2000, 1, 1)
EPOCH_DAY = dt.date(1970, 1, 1)


def completion_target():
    return Decimal(str(getattr(settings, "REPORT_COMPLETION_TARGET", DEFAULT_COMPLETION_TARGET)))


def percent(numerator, denominator):
    """numerator / denominator in percent, two decimals, GB/T 8170 rounding; None when there is no base."""
    if not denominator:
        return None
    # Decimal division is exact to 28 digits: a tie at the third decimal is only possible for a
    # terminating quotient, which is then exact, so the rounding never sees a binary-float artefact.
    return (Decimal(numerator) * HUNDRED / Decimal(denominator)).quantize(CENT, rounding=ROUND_HALF_EVEN)


def median_of_histogram(histogram):
    """The median of values given as {value: count}; the mean of the two middle values for an even count."""
    total = sum(histogram.values())
    if not total:
        return None
    lower_index, upper_index = (total - 1) // 2, total // 2
    lower = upper = None
    seen = 0
    for value in sorted(histogram):
        seen += histogram[value]
        if lower is None and seen > lower_index:
            lower = value
        if seen > upper_index:
            upper = value
            break
    return (Decimal(lower) + Decimal(upper)) / 2


# --- the period -------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Period:
    """Calendar days in Asia/Shanghai, both ends included."""

    start: dt.date
    end: dt.date

    @property
    def lo(self):
        return dt.datetime.combine(self.start, dt.time.min, tzinfo=SHANGHAI)

    @property
    def hi(self):
        """The first moment after the period (exclusive bound)."""
        return dt.datetime.combine(self.end + dt.timedelta(days=1), dt.time.min, tzinfo=SHANGHAI)

    @property
    def days(self):
        return (self.end - self.start).days + 1

    @property
    def label(self):
        return _("%(start)s 至 %(end)s") % {"start": f"{self.start:%Y-%m-%d}", "end": f"{self.end:%Y-%m-%d}"}

    def default_trend(self):
        return "month" if self.days > 92 else "week"


def this_month(today=None):
    today = today or timezone.localdate()
    return Period(today.replace(day=1), today)


def recent_months(today=None, months=3):
    """This month and the `months - 1` before it, to today (近三个月): on the 2nd of a month, still a quarter's
    figures to read."""
    today = today or timezone.localdate()
    index = today.year * 12 + today.month - 1 - (months - 1)
    return Period(dt.date(index // 12, index % 12 + 1, 1), today)


def this_year(today=None):
    today = today or timezone.localdate()
    return Period(today.replace(month=1, day=1), today)


def period_errors(start, end):
    """{field: [message]} for a period a person asked for; {} when it is fine."""
    errors = {}
    if start is None:
        errors["start"] = [_("请填写开始日期(格式:YYYY-MM-DD)。")]
    if end is None:
        errors["end"] = [_("请填写结束日期(格式:YYYY-MM-DD)。")]
    if errors:
        return errors
    if start < EARLIEST_DAY:
        errors["start"] = [_("开始日期不能早于2000年1月1日。")]
    if end < start:
        errors["end"] = [_("结束日期不能早于开始日期。")]
    elif (end - start).days + 1 > MAX_PERIOD_DAYS:
        errors["end"] = [_("统计期间不能超过10年。")]
    return errors


# --- who sees what ----------------------------------------------------------------------------------------

def report_scope(user):
    """"city" for city staff (intake, supervisor, admin), the unit for a unit officer, None for anyone else."""
    if not user.is_authenticated:
        return None
    if has_any_role(user, CITY_WIDE_ROLES):
        return "city"
    if user.has_role(Role.OFFICER) and user.unit_id and user.unit.kind in REPORT_UNIT_KINDS:
        return user.unit
    return None


# --- expressions ------------------------------------------------------------------------------------------

class BeijingDay(Func):
    """The Beijing calendar day of a timestamp as a day number (days since 1970-01-01)."""

    output_field = IntegerField()

    def as_postgresql(self, compiler, connection, **extra):
        sql, params = compiler.compile(self.source_expressions[0])
        # Asia/Shanghai has kept UTC+8 without daylight saving since 1991 (and periods start in 2000), so the
        # day is plain arithmetic on the epoch — much cheaper per row than AT TIME ZONE.
        return f"floor((date_part('epoch', {sql}) + 28800) / 86400)::int", params

    def as_sqlite(self, compiler, connection, **extra):
        sql, params = compiler.compile(TruncDate(self.source_expressions[0], tzinfo=SHANGHAI))
        return f"CAST(julianday({sql}) - 2440587.5 AS INTEGER)", params


class WorkdayOrdinal(Func):
    """How many working days lie in (base, Beijing calendar day of the timestamp]: looked up in a list made in
    Python from the working-day calendar, so the database counts working days without a calendar table."""

    output_field = IntegerField()

    def __init__(self, expression, *, base, cumulative):
        super().__init__(expression)
        self.base, self.cumulative = base, list(cumulative)

    def as_postgresql(self, compiler, connection, **extra):
        sql, params = compiler.compile(BeijingDay(self.source_expressions[0]))
        # PostgreSQL arrays count from 1; a day outside the list gives NULL and drops out of the median.
        return f"(%s::int[])[{sql} - %s + 1]", (self.cumulative, *params, (self.base - EPOCH_DAY).days)

    def as_sqlite(self, compiler, connection, **extra):
        sql, params = compiler.compile(TruncDate(self.source_expressions[0], tzinfo=SHANGHAI))
        return (f"json_extract(%s, '$[' || CAST(julianday({sql}) - julianday(%s) AS INTEGER) || ']')",
                (json.dumps(self.cumulative), *params, self.base.isoformat()))


def cumulative_working_days(calendar, start, end):
    """[W(start), W(start+1), …, W(end)] where W(d) counts the working days in (start, d]."""
    counts, total, day = [0], 0, start
    while day < end:
        day += dt.timedelta(days=1)
        if calendar.is_working_day(day):
            total += 1
        counts.append(total)
    return counts


# Session settings for the report's own transaction on PostgreSQL: no JIT (compiling costs more than these
# short scans gain), room to aggregate in memory (the default 4MB spills a year's rows to disk), and cheap
# enough parallel workers that an aggregate grouped on an expression reads the clues with both cores.
ANALYTIC_SETTINGS = {"jit": "off", "work_mem": REPORT_WORK_MEM, "parallel_setup_cost": "100",
                     "parallel_tuple_cost": "0.001"}


@contextmanager
def analytic_session():
    """ANALYTIC_SETTINGS for one transaction, in one statement; other databases need nothing."""
    if connection.vendor != "postgresql":
        yield
        return
    with transaction.atomic(), connection.cursor() as cursor:
        sql = ", ".join("set_config(%s, %s, true)" for _name in ANALYTIC_SETTINGS)
        cursor.execute(f"SELECT {sql}", [item for pair in ANALYTIC_SETTINGS.items() for item in pair])
        yield


def _period_clues(period, scope):
    queryset = Clue.objects.filter(received_at__gte=period.lo, received_at__lt=period.hi)
    if isinstance(scope, Unit):
        queryset = queryset.filter(Exists(Assignment.objects.filter(clue=OuterRef("pk"), unit=scope)))
    return queryset


def _period_assignments(period, scope):
    queryset = Assignment.objects.filter(clue__received_at__gte=period.lo, clue__received_at__lt=period.hi,
                                         clue__merged_into__isnull=True)
    if isinstance(scope, Unit):
        queryset = queryset.filter(Exists(Assignment.objects.filter(clue=OuterRef("clue"), unit=scope)))
    return queryset


NOT_MERGED = Q(merged_into__isnull=True)
CLOSED = NOT_MERGED & Q(status=Status.CLOSED)
CLOSED_ON_TIME = CLOSED & Q(resolved_at__isnull=False, close_deadline__isnull=False,
                            resolved_at__lte=F("close_deadline"))
OVERDUE = NOT_MERGED & Q(is_overdue=True) & ~Q(status=Status.CLOSED)
FOLLOWED_UP = NOT_MERGED & Q(followup_satisfied__isnull=False)
SATISFIED = NOT_MERGED & Q(followup_satisfied=True)
RECOVERED = CLOSED & (Q(amount_recovered__gt=0) | Q(workers_paid__gt=0))
# COUNT(*) FILTER (…): Django wants a field to count, so a clue's never-null received_at stands for the row
# (counting the primary key would keep PostgreSQL from answering from an index on received_at alone).
ROW = "received_at"
CLAIMED_ON_TIME = Q(claimed_at__isnull=False, claimed_at__lte=F("claim_deadline"))


def _current_claim_late(now):
    """A clue whose open or closing transfer was claimed late, or is unclaimed past its deadline."""
    return Q(claimed_at__gt=F("claim_deadline")) | Q(claimed_at__isnull=True, claim_deadline__lt=now)


def _claimed_late(now):
    return (Q(claimed_at__gt=F("claim_deadline"))
            | Q(claimed_at__isnull=True, ended_at__isnull=True, claim_deadline__lt=now)
            | Q(claimed_at__isnull=True, ended_at__gt=F("claim_deadline")))


# --- the report -------------------------------------------------------------------------------------------

COUNTERS = ("collected", "merged_duplicates", "closed", "closed_on_time", "overdue_now", "followed_up",
            "satisfied", "cases_with_recovery", "workers_paid", "current_on_time", "current_late")


@dataclass
class Report:
    period: Period
    scope: object  # "city" or a Unit
    trend_granularity: str
    headline: dict
    by_unit: list
    by_channel: list
    by_risk_color: list
    trend: list
    target: Decimal
    city_average: dict | None = None
    generated_at: dt.datetime = field(default_factory=timezone.now)

    @property
    def is_city(self):
        return self.scope == "city"

    def as_dict(self):
        """The API's shape: rates and money as JSON numbers."""
        def plain(row):
            return {key: _plain(value) for key, value in row.items() if not key.startswith("_")}

        body = {
            "period": {"start": self.period.start.isoformat(), "end": self.period.end.isoformat()},
            "scope": "city" if self.is_city else {"unit": self.scope.code, "name": self.scope.name},
            "generated_at": timezone.localtime(self.generated_at).isoformat(),
            "completion_target": float(self.target),
            **plain(self.headline),
            "by_unit": [plain(row) for row in self.by_unit],
            "by_channel": [plain(row) for row in self.by_channel],
            "by_risk_color": [plain(row) for row in self.by_risk_color],
            "trend_granularity": self.trend_granularity,
            "trend": [plain(row) for row in self.trend],
        }
        if self.city_average is not None:
            body["city_average"] = plain(self.city_average)
        return body


def _plain(value):
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def completion_report(period, *, scope="city", trend=None, now=None):
    """The report for clues received in `period`, city-wide or (scope=Unit) for the clues a unit handled.

    The same queries whatever the data size: the working-day overrides and the units, then in one
    transaction (on PostgreSQL with ANALYTIC_SETTINGS) five aggregates — the clue figures grouped by (unit,
    channel, colour), the clues per Beijing day for the trend, the days-to-close histogram per unit, the
    transfers that ended in a return or re-transfer per unit, and the clues that left a sector department.
    """
    now = now or timezone.now()
    trend = trend if trend in ("week", "month") else period.default_trend()
    today = timezone.localtime(now).date()
    span_end = max(period.end, today)
    calendar = WorkCalendar.for_span(period.start, span_end)
    cumulative = cumulative_working_days(calendar, period.start, span_end)

    all_units = [u for u in Unit.objects.all() if u.kind in REPORT_UNIT_KINDS]
    department_ids = [u.pk for u in all_units if u.kind == Unit.Kind.DEPARTMENT]
    units = sorted((u for u in all_units if not isinstance(scope, Unit) or u.pk == scope.pk),
                   key=lambda u: (u.kind != Unit.Kind.DISTRICT, u.sort_order, u.code))  # districts first

    with analytic_session():
        clues = _period_clues(period, scope)
        # Grouped on plain columns only, so that PostgreSQL can estimate the groups and hash them in parallel;
        # the trend's expression gets a query of its own rather than multiplying the groups.
        grouped = list(
            clues.values("unit_id", "channel", "risk_color")
            .annotate(
                collected=Count(ROW, filter=NOT_MERGED),
                merged_duplicates=Count(ROW, filter=Q(merged_into__isnull=False)),
                closed=Count(ROW, filter=CLOSED),
                closed_on_time=Count(ROW, filter=CLOSED_ON_TIME),
                overdue_now=Count(ROW, filter=OVERDUE),
                followed_up=Count(ROW, filter=FOLLOWED_UP),
                satisfied=Count(ROW, filter=SATISFIED),
                cases_with_recovery=Count(ROW, filter=RECOVERED),
                amount_recovered=Sum("amount_recovered", filter=CLOSED),
                workers_paid=Sum("workers_paid", filter=CLOSED),
                current_on_time=Count(ROW, filter=NOT_MERGED & CLAIMED_ON_TIME),
                current_late=Count(ROW, filter=NOT_MERGED & _current_claim_late(now)),
                first_id=Min("id"),
                last_id=Max("id"),
            )
            .order_by()
        )
        # The period's clues lie between these ids. Clue ids grow with intake and receipt follows intake
        # closely (an import of old clues only widens the range), so the transfer queries below read the
        # transfers of about the period's clues instead of every transfer ever made.
        first_id = min((row["first_id"] for row in grouped), default=0)
        last_id = max((row["last_id"] for row in grouped), default=-1)
        # Per Beijing day (a cheap expression with few groups); the days are put in weeks or months below.
        per_day = list(
            clues.annotate(day=BeijingDay("received_at")).values("day")
            .annotate(collected=Count(ROW, filter=NOT_MERGED), closed=Count(ROW, filter=CLOSED)).order_by()
        )

        days_to_close = (
            clues.filter(CLOSED, closed_at__isnull=False)
            .annotate(days=WorkdayOrdinal("closed_at", base=period.start, cumulative=cumulative)
                      - WorkdayOrdinal("received_at", base=period.start, cumulative=cumulative))
            .values("unit_id", "days").annotate(n=Count("*")).order_by()
        )
        histograms = {}
        for row in days_to_close:
            if row["days"] is not None:
                hist = histograms.setdefault(row["unit_id"], {})
                hist[row["days"]] = hist.get(row["days"], 0) + row["n"]

        # Transfers per unit. A clue's unit, claim deadline and claim time are those of its open or closing
        # transfer (clues.lifecycle keeps them so), so `grouped` already counted one transfer per clue a
        # unit holds; here only the transfers that ended in a return or a re-transfer are read.
        left = _period_assignments(period, scope).filter(
            clue_id__gte=first_id, clue_id__lte=last_id,
            end_reason__in=[Assignment.EndReason.RETURNED, Assignment.EndReason.RETRANSFERRED])
        if isinstance(scope, Unit):
            left = left.filter(unit=scope)
        left_transfers = {
            row["unit_id"]: row for row in
            left.values("unit_id").annotate(
                # clues the unit let go of and does not hold now (else `grouped` counted them already)
                elsewhere=Count("clue_id", distinct=True,
                                filter=Q(clue__unit_id__isnull=True) | ~Q(clue__unit_id=F("unit_id"))),
                transfers=Count("*"),
                claimed_on_time=Count("assigned_at", filter=CLAIMED_ON_TIME),
                claimed_late=Count("assigned_at", filter=_claimed_late(now)),
            ).order_by()
        }
        # Clues ever sent to a sector department. A clue's unit is the unit of its open or closing transfer
        # (clues.lifecycle keeps it so), so those held by a department now come from `grouped`; only a clue
        # that a department returned or passed on can have been there and be elsewhere now — a semi-join on
        # those few transfers finds them.
        left_departments = clues.filter(
            NOT_MERGED, ~Q(unit_id__in=department_ids),
            Exists(Assignment.objects.filter(
                clue=OuterRef("pk"), unit_id__in=department_ids, clue_id__gte=first_id, clue_id__lte=last_id,
                end_reason__in=[Assignment.EndReason.RETURNED, Assignment.EndReason.RETRANSFERRED])),
        ).aggregate(transferred=Count(ROW), closed=Count(ROW, filter=Q(status=Status.CLOSED)))

    totals = _sum_rows(grouped)
    held_by_departments = _sum_rows(row for row in grouped if row["unit_id"] in set(department_ids))
    departments = {
        "transferred": held_by_departments["collected"] + left_departments["transferred"],
        "closed": held_by_departments["closed"] + left_departments["closed"],
    }
    all_days = {}
    for hist in histograms.values():
        for value, n in hist.items():
            all_days[value] = all_days.get(value, 0) + n
    headline = {
        "collected": totals["collected"],
        "closed": totals["closed"],
        "completion_rate": percent(totals["closed"], totals["collected"]),
        "transferred_to_departments": departments["transferred"],
        "departments_closed": departments["closed"],
        "departments_completion_rate": percent(departments["closed"], departments["transferred"]),
        "amount_recovered": totals["amount_recovered"],
        "workers_paid": totals["workers_paid"],
        "cases_with_recovery": totals["cases_with_recovery"],
        "overdue_now": totals["overdue_now"],
        "overdue_in_triage": sum(r["overdue_now"] for r in grouped if r["unit_id"] is None),
        "merged_duplicates": totals["merged_duplicates"],
        "closed_on_time": totals["closed_on_time"],
        "closed_on_time_rate": percent(totals["closed_on_time"], totals["closed"]),
        "median_working_days_to_close": median_of_histogram(all_days),
        "followed_up": totals["followed_up"],
        "satisfied": totals["satisfied"],
        "satisfaction_rate": percent(totals["satisfied"], totals["followed_up"]),
    }

    target = completion_target()
    by_unit_totals = _group(grouped, "unit_id")
    by_unit = [_unit_row(unit, by_unit_totals.get(unit.pk), _transfers(by_unit_totals.get(unit.pk),
                                                                      left_transfers.get(unit.pk)),
                         histograms.get(unit.pk, {}), target) for unit in units]
    if not isinstance(scope, Unit):
        # Units switched off since keep their rows only while they have figures in the period.
        by_unit = [row for row, unit in zip(by_unit, units, strict=True)
                   if unit.is_active or row["assignments"] or row["held"]]

    by_channel_totals = _group(grouped, "channel")
    by_channel = [_breakdown_row("channel", value, label, by_channel_totals.get(value))
                  for value, label in Channel.choices]
    by_risk_totals = _group(grouped, "risk_color")
    by_risk_color = [_breakdown_row("risk_color", value, label, by_risk_totals.get(value))
                     for value, label in RiskColor.choices]
    trend_rows = _trend_rows(period, trend, per_day)

    return Report(period=period, scope=scope, trend_granularity=trend, headline=headline, by_unit=by_unit,
                  by_channel=by_channel, by_risk_color=by_risk_color, trend=trend_rows, target=target,
                  generated_at=now)


def _transfers(held, left):
    """A unit's transfer figures: one current transfer per clue it holds, plus those that ended elsewhere."""
    held = held or _empty_totals()
    left = left or {"elsewhere": 0, "transfers": 0, "claimed_on_time": 0, "claimed_late": 0}
    return {"assigned": held["collected"] + left["elsewhere"],
            "assignments": held["collected"] + left["transfers"],
            "claimed_on_time": held["current_on_time"] + left["claimed_on_time"],
            "claimed_late": held["current_late"] + left["claimed_late"]}


def _empty_totals():
    totals = dict.fromkeys(COUNTERS, 0)
    totals["amount_recovered"] = Decimal("0.00")
    return totals


def _add(totals, row):
    for key in COUNTERS:
        totals[key] += row[key] or 0
    totals["amount_recovered"] += row["amount_recovered"] or Decimal("0")


def _sum_rows(rows):
    totals = _empty_totals()
    for row in rows:
        _add(totals, row)
    return totals


def _group(rows, key):
    groups = {}
    for row in rows:
        _add(groups.setdefault(row[key], _empty_totals()), row)
    return groups


def _unit_row(unit, clue_totals, assignment_totals, histogram, target):
    clue_totals = clue_totals or _empty_totals()
    assignment_totals = assignment_totals or {"assigned": 0, "assignments": 0, "claimed_on_time": 0,
                                              "claimed_late": 0}
    completion_rate = percent(clue_totals["closed"], clue_totals["collected"])
    row = {
        "unit": unit.code,
        "name": unit.name,
        "kind": unit.kind,
        "assigned": assignment_totals["assigned"],
        "assignments": assignment_totals["assignments"],
        "claimed_on_time": assignment_totals["claimed_on_time"],
        "claimed_late": assignment_totals["claimed_late"],
        "claim_on_time_rate": percent(assignment_totals["claimed_on_time"],
                                      assignment_totals["claimed_on_time"] + assignment_totals["claimed_late"]),
        "held": clue_totals["collected"],
        "closed": clue_totals["closed"],
        "completion_rate": completion_rate,
        "closed_on_time": clue_totals["closed_on_time"],
        "closed_on_time_rate": percent(clue_totals["closed_on_time"], clue_totals["closed"]),
        "overdue_now": clue_totals["overdue_now"],
        "median_working_days_to_close": median_of_histogram(histogram),
        "followed_up": clue_totals["followed_up"],
        "satisfied": clue_totals["satisfied"],
        "satisfaction_rate": percent(clue_totals["satisfied"], clue_totals["followed_up"]),
        "amount_recovered": clue_totals["amount_recovered"],
        "workers_paid": clue_totals["workers_paid"],
        "_histogram": histogram,
    }
    row["below_target"] = completion_rate is not None and completion_rate < target
    row["flagged"] = row["below_target"] or row["overdue_now"] > 0
    return row


def _breakdown_row(key, value, label, totals):
    totals = totals or _empty_totals()
    return {key: value, "label": str(label), "collected": totals["collected"], "closed": totals["closed"],
            "completion_rate": percent(totals["closed"], totals["collected"]),
            "overdue_now": totals["overdue_now"]}


def trend_buckets(period, granularity):
    """[(bucket key, first day, last day)] covering the period, clipped to it."""
    buckets = []
    if granularity == "month":
        first = period.start.replace(day=1)
        while first <= period.end:
            following = (first.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
            buckets.append((first, max(first, period.start), min(following - dt.timedelta(days=1), period.end)))
            first = following
    else:
        first = period.start - dt.timedelta(days=period.start.weekday())
        while first <= period.end:
            last = first + dt.timedelta(days=6)
            buckets.append((first, max(first, period.start), min(last, period.end)))
            first = last + dt.timedelta(days=1)
    return buckets


def _trend_rows(period, granularity, per_day):
    buckets = trend_buckets(period, granularity)
    totals = {key: {"collected": 0, "closed": 0} for key, _first, _last in buckets}
    starts = [(first, key) for key, first, _last in buckets]
    for row in per_day:
        day = EPOCH_DAY + dt.timedelta(days=row["day"])
        key = next((key for first, key in reversed(starts) if first <= day), None)
        if key is not None:
            totals[key]["collected"] += row["collected"]
            totals[key]["closed"] += row["closed"]
    rows = []
    for key, first, last in buckets:
        if granularity == "month":
            label = _("%(year)d年%(month)d月") % {"year": key.year, "month": key.month}
        else:
            label = _("%(month)d月%(day)d日起") % {"month": first.month, "day": first.day}
        counts = totals[key]
        rows.append({"bucket": key, "label": label, "start": first, "end": last,
                     "collected": counts["collected"], "closed": counts["closed"],
                     "completion_rate": percent(counts["closed"], counts["collected"])})
    return rows


def has_figures(row):
    """Whether a unit had anything in the period: a transfer, a clue it held, or one overdue now."""
    return bool(row["assignments"] or row["held"] or row["overdue_now"])


def league(by_unit):
    """The unit table as a supervisor reads it: (units with figures, units with nothing in the period).

    Units with clues overdue now come first (most first), then the lowest completion rate, then the most
    clues held; a unit without a rate (nothing held yet) after those with one. The quiet units are listed
    apart, so the table is not a wall of zeros."""
    active = [row for row in by_unit if has_figures(row)]
    quiet = [row for row in by_unit if not has_figures(row)]
    no_rate = Decimal(101)
    active.sort(key=lambda row: (-row["overdue_now"],
                                 no_rate if row["completion_rate"] is None else row["completion_rate"],
                                 -row["held"]))
    return active, quiet


def city_average(report):
    """The city's figures to set beside one unit's: counts are the mean per unit of the table, rates are
    city-wide (all units' numerators over all denominators), the median is over every closed clue."""
    rows = [row for row in report.by_unit if row["assignments"] or row["held"]] or report.by_unit
    n = len(rows) or 1

    def total(key):
        return sum(row[key] for row in rows)

    def mean(key):
        return (Decimal(total(key)) / n).quantize(Decimal("0.1"), rounding=ROUND_HALF_EVEN)

    histogram = {}
    for row in rows:
        for value, count in row["_histogram"].items():
            histogram[value] = histogram.get(value, 0) + count
    return {
        "unit": "",
        "name": str(gettext_lazy("全市平均")),
        "kind": "",
        "units_counted": len(rows),
        "assigned": mean("assigned"),
        "assignments": mean("assignments"),
        "claimed_on_time": mean("claimed_on_time"),
        "claimed_late": mean("claimed_late"),
        "claim_on_time_rate": percent(total("claimed_on_time"), total("claimed_on_time") + total("claimed_late")),
        "held": mean("held"),
        "closed": mean("closed"),
        "completion_rate": percent(total("closed"), total("held")),
        "closed_on_time": mean("closed_on_time"),
        "closed_on_time_rate": percent(total("closed_on_time"), total("closed")),
        "overdue_now": mean("overdue_now"),
        "median_working_days_to_close": median_of_histogram(histogram),
        "followed_up": mean("followed_up"),
        "satisfied": mean("satisfied"),
        "satisfaction_rate": percent(total("satisfied"), total("followed_up")),
        "amount_recovered": (sum((row["amount_recovered"] for row in rows), Decimal("0")) / n).quantize(CENT),
        "workers_paid": mean("workers_paid"),
    }


def report_for_user(user, period, *, trend=None, now=None):
    """The report `user` may see: the city's, or their own unit's beside the city average; None if neither."""
    scope = report_scope(user)
    if scope is None:
        return None
    if scope == "city":
        return completion_report(period, trend=trend, now=now)
    report = completion_report(period, scope=scope, trend=trend, now=now)
    report.city_average = city_average(completion_report(period, trend=trend, now=now))
    return report


# --- drill-down: the clues behind a number ----------------------------------------------------------------

CLUE_METRICS = {
    "collected": NOT_MERGED,
    "closed": CLOSED,
    "open": NOT_MERGED & ~Q(status=Status.CLOSED),
    "closed_on_time": CLOSED_ON_TIME,
    "overdue_now": OVERDUE,
    "followed_up": FOLLOWED_UP,
    "satisfied": SATISFIED,
    "recovered": RECOVERED,
    "merged_duplicates": Q(merged_into__isnull=False),
}
DEPARTMENT_METRICS = ("transferred_to_departments", "departments_closed")
ASSIGNMENT_METRICS = ("assigned", "claimed_on_time", "claimed_late")
METRICS = (*CLUE_METRICS, *DEPARTMENT_METRICS, *ASSIGNMENT_METRICS, "held")

METRIC_LABELS = {
    "collected": gettext_lazy("归集线索"),
    "closed": gettext_lazy("已办结"),
    "open": gettext_lazy("未办结"),
    "closed_on_time": gettext_lazy("按时办结"),
    "overdue_now": gettext_lazy("当前超期"),
    "followed_up": gettext_lazy("已回访"),
    "satisfied": gettext_lazy("回访满意"),
    "recovered": gettext_lazy("追回工资"),
    "merged_duplicates": gettext_lazy("合并的重复线索"),
    "transferred_to_departments": gettext_lazy("转交行业部门"),
    "departments_closed": gettext_lazy("行业部门已办结"),
    "assigned": gettext_lazy("转办至本单位"),
    "claimed_on_time": gettext_lazy("按时认领"),
    "claimed_late": gettext_lazy("认领不及时"),
    "held": gettext_lazy("承办线索"),
}


def drilldown_queryset(user, period, metric, *, unit=None, channel=None, risk_color=None, now=None):
    """The clues behind one figure of the report, as `user` may see them (clue_visible_queryset).

    `unit` (a Unit) narrows a per-unit figure: the clue-side ones by the unit holding the clue, the transfer
    ones (assigned, claimed on time, claimed late) by the unit the clue was transferred to. A list holds
    clues, so a clue transferred twice to the same unit is listed once where the figure counts transfers.
    """
    now = now or timezone.now()
    queryset = Clue.objects.filter(received_at__gte=period.lo, received_at__lt=period.hi)
    if metric in CLUE_METRICS:
        queryset = queryset.filter(CLUE_METRICS[metric])
        if unit is not None:
            queryset = queryset.filter(unit=unit)
    elif metric == "held":
        queryset = queryset.filter(NOT_MERGED, unit=unit) if unit is not None else queryset.filter(
            NOT_MERGED, unit__isnull=False)
    elif metric in DEPARTMENT_METRICS:
        queryset = queryset.filter(NOT_MERGED, Exists(Assignment.objects.filter(
            clue=OuterRef("pk"), unit__kind=Unit.Kind.DEPARTMENT)))
        if metric == "departments_closed":
            queryset = queryset.filter(status=Status.CLOSED)
    elif metric in ASSIGNMENT_METRICS:
        transfers = Assignment.objects.filter(clue=OuterRef("pk"))
        if unit is not None:
            transfers = transfers.filter(unit=unit)
        if metric == "claimed_on_time":
            transfers = transfers.filter(CLAIMED_ON_TIME)
        elif metric == "claimed_late":
            transfers = transfers.filter(_claimed_late(now))
        queryset = queryset.filter(NOT_MERGED, Exists(transfers))
    else:
        raise ValueError(metric)
    if channel:
        queryset = queryset.filter(channel=channel)
    if risk_color:
        queryset = queryset.filter(risk_color=risk_color)
    return clue_visible_queryset(user, queryset)

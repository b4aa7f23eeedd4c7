"""The figures of 统一督办: the morning digests (per unit, what is due today and what is overdue; for
supervisors, the city's totals and the units furthest behind — in-app notices, once per unit and day) and the
reads behind the supervisor's board (/supervision/)."""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.db.models import Case, Count, F, IntegerField, Min, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.roles import Role
from clues.clocks import CLOCK_LABELS, OPEN_STATUSES
from clues.models import Clue, Status
from notifications.models import OutboxMessage
from notifications.services import notify_role, notify_unit_officers
from units.models import Unit
from units.workdays import SHANGHAI, WorkCalendar, local_date

from .models import EscalationStep, LadderStep, Letter, ReferralPackage

LISTED_CODES = 20
WORST_UNITS = 5
DEADLINE_FIELDS = [("claim", "claim_deadline"), ("response", "response_deadline"),
                   ("close", "close_deadline")]


def _labels():
    return CLOCK_LABELS


def _day_span(day):
    start = dt.datetime.combine(day, dt.time.min, tzinfo=SHANGHAI)
    return start, start + dt.timedelta(days=1)


def _running(prefix=""):
    """Q for each clock that is still running (the same rules as clues.lifecycle.running_deadlines)."""
    open_clue = Q(**{f"{prefix}status__in": OPEN_STATUSES, f"{prefix}merged_into__isnull": True})
    return {
        "claim": Q(**{f"{prefix}status": Status.ASSIGNED}),
        "response": open_clue & Q(**{f"{prefix}first_contact_at__isnull": True}),
        "close": open_clue,
    }


@dataclass
class UnitDigest:
    unit: Unit
    due_today: list = field(default_factory=list)  # [(clue, [deadline labels])]
    overdue: list = field(default_factory=list)  # [clue], longest overdue first

    @property
    def has_news(self):
        return bool(self.due_today or self.overdue)


def _due_today_query(day):
    start, end = _day_span(day)
    running = _running()
    query = Q()
    for kind, name in DEADLINE_FIELDS:
        query |= running[kind] & Q(**{f"{name}__gte": start, f"{name}__lt": end})
    return query


def _collect(day, units=None):
    """Digests for `units` (all active units when None) in three queries, whatever the number of units."""
    start, end = _day_span(day)
    base = Clue.objects.filter(unit__isnull=False, status__in=OPEN_STATUSES).only(
        "pk", "tracking_code", "unit_id", "status", "merged_into_id", "first_contact_at", "claim_deadline",
        "response_deadline", "close_deadline", "next_deadline_at", "employer_name")
    if units is not None:
        base = base.filter(unit__in=units)
    if units is None:
        units = Unit.objects.filter(is_active=True).exclude(kind=Unit.Kind.CITY)
    digests = {unit.pk: UnitDigest(unit=unit) for unit in units}
    labels = _labels()
    for clue in base.filter(_due_today_query(day)).order_by("tracking_code"):
        digest = digests.get(clue.unit_id)
        if digest is None:
            continue
        due = []
        for kind, name in DEADLINE_FIELDS:
            value = getattr(clue, name)
            if value and start <= value < end and _is_running(clue, kind):
                due.append(str(labels[kind]))
        digest.due_today.append((clue, due))
    for clue in base.filter(next_deadline_at__lt=start).order_by("next_deadline_at", "tracking_code"):
        digest = digests.get(clue.unit_id)
        if digest is not None:
            digest.overdue.append(clue)
    return digests


def _is_running(clue, kind):
    if clue.status not in OPEN_STATUSES or clue.merged_into_id:
        return False
    if kind == "claim":
        return clue.status == Status.ASSIGNED
    if kind == "response":
        return clue.first_contact_at is None
    return True


def unit_digest(unit, today):
    """What `unit` has due today (clocks still running that end today) and what is overdue since before
    today; a UnitDigest."""
    return _collect(today, units=[unit])[unit.pk]


def _codes(clues):
    codes = [clue.tracking_code for clue in clues[:LISTED_CODES]]
    text = "、".join(codes)
    if len(clues) > LISTED_CODES:
        text += _("等%(n)d条") % {"n": len(clues)}
    return text


def unit_digest_text(digest, day, calendar):
    """(subject, body) of a unit's digest."""
    subject = _("今日督办提示:今日到期%(due)d条,已超期%(overdue)d条") % {
        "due": len(digest.due_today), "overdue": len(digest.overdue)}
    lines = []
    if digest.due_today:
        items = [_("%(code)s(%(what)s)") % {"code": clue.tracking_code, "what": "、".join(what)}
                 for clue, what in digest.due_today[:LISTED_CODES]]
        more = _("等%(n)d条") % {"n": len(digest.due_today)} if len(digest.due_today) > LISTED_CODES else ""
        lines.append(_("今日(%(day)s)到期,请于今日24时前办理:%(items)s%(more)s") % {
            "day": day.strftime("%m月%d日"), "items": "、".join(items), "more": more})
    if digest.overdue:
        worst = digest.overdue[0]
        days = calendar.working_days_between(local_date(worst.next_deadline_at), day)
        lines.append(_("已超期%(n)d条,最长已超期%(days)d个工作日:%(codes)s") % {
            "n": len(digest.overdue), "days": days, "codes": _codes(digest.overdue)})
    return subject, "\n".join(lines)


def city_summary(day, digests=None):
    """The supervisors' figures for `day`: totals and the units with the most overdue clues."""
    start, _end = _day_span(day)
    digests = _collect(day) if digests is None else digests
    unclaimed = dict(Clue.objects.filter(status=Status.ASSIGNED, claim_deadline__lt=start, unit__isnull=False)
                     .values_list("unit_id").annotate(n=Count("pk")).values_list("unit_id", "n"))
    letters = (Letter.objects.filter(issued_at__gte=start - dt.timedelta(days=1), issued_at__lt=start)
               .values_list("kind").annotate(n=Count("pk")))
    ranked = sorted((d for d in digests.values() if d.overdue),
                    key=lambda d: (-len(d.overdue), d.unit.sort_order))
    return {
        "due_today": sum(len(d.due_today) for d in digests.values()),
        "overdue": sum(len(d.overdue) for d in digests.values()),
        "unclaimed_late": sum(unclaimed.values()),
        "letters_yesterday": dict(letters),
        "worst": [(d.unit, len(d.overdue), unclaimed.get(d.unit.pk, 0)) for d in ranked[:WORST_UNITS]],
    }


def city_digest_text(summary):
    subject = _("督办日报:全市已超期%(overdue)d条,今日到期%(due)d条,认领不及时%(late)d条") % {
        "overdue": summary["overdue"], "due": summary["due_today"], "late": summary["unclaimed_late"]}
    lines = []
    if summary["worst"]:
        lines.append(_("超期最多的单位:") + "、".join(
            _("%(unit)s %(n)d条") % {"unit": unit.name, "n": n} for unit, n, _late in summary["worst"]))
    else:
        lines.append(_("全市暂无超期线索。"))
    if summary["letters_yesterday"]:
        kinds = dict(Letter.Kind.choices)
        issued = sorted(summary["letters_yesterday"].items())
        lines.append(_("昨日签发函件:") + "、".join(
            _("%(kind)s %(n)d件") % {"kind": kinds[k], "n": n} for k, n in issued))
    return subject, "\n".join(lines)


def send_daily_digests(today=None, *, force=False):
    """One in-app notice per officer of each unit with something due or overdue, and one for the supervisors;
    sent once per unit and day however often it runs. Non-working days are skipped (nothing falls due on
    them; the next working morning says it all) unless `force`. Returns {"units": n, "supervisors": bool}."""
    today = today or timezone.localdate()
    calendar = WorkCalendar.for_span(today - dt.timedelta(days=400), today)
    if not force and not calendar.is_working_day(today):
        return {"units": 0, "supervisors": False, "skipped": True}
    digests = _collect(today)
    sent = 0
    for digest in digests.values():
        if not digest.has_news:
            continue
        subject, body = unit_digest_text(digest, today, calendar)
        notify_unit_officers(digest.unit, subject=subject, body=body, url=reverse("dispatch:unit"),
                                                       dedupe_prefix=f"digest:{digest.unit.pk}:{today.isoformat()}")
        sent += 1
    subject, body = city_digest_text(city_summary(today, digests))
    rows = notify_role(Role.SUPERVISOR, subject=subject, body=body, url=reverse("supervision:board"),
                       dedupe_prefix=f"digest:city:{today.isoformat()}")
    return {"units": sent, "supervisors": bool(rows), "skipped": False}


# --- the supervisor's board ------------------------------------------------------------------------------

MATRIX_STEPS = [LadderStep.REMINDER, LadderStep.SUPERVISION, LadderStep.SUMMONS, LadderStep.REFERRAL]
MATRIX_LABELS = {LadderStep.REMINDER: gettext_lazy("提醒函"), LadderStep.SUPERVISION: gettext_lazy("督办函"),
                 LadderStep.SUMMONS: gettext_lazy("约谈函"), LadderStep.REFERRAL: gettext_lazy("移交")}
CLAIM_HISTORY = dt.timedelta(days=30)


def clue_list_url(**params):
    """The all-clues list (another page's) filtered by `params`."""
    return f"{reverse('dispatch:all')}?{urlencode(params)}"


def _live_step():
    """Q on EscalationStep: the step belongs to a clock of its clue that is still running (a taken step of a
    clock that stopped — claimed late, contacted late — no longer counts)."""
    return (Q(deadline_kind="claim", clue__status=Status.ASSIGNED, deadline_at=F("clue__claim_deadline"))
            | Q(deadline_kind="response", clue__first_contact_at__isnull=True,
                deadline_at=F("clue__response_deadline"))
            | Q(deadline_kind="close", deadline_at=F("clue__close_deadline")))


def overdue_matrix(now=None):
    """Overdue clues by unit and the highest rung of the ladder taken on a clock still running: one aggregate
    query. Rows {"code", "name", "cells": [(step, label, n)], "pending": n, "total": n, "url"};
    `pending` counts overdue clues no rung has reached yet (the next sweep takes them)."""
    now = now or timezone.now()
    rank = Case(*[When(step=step, then=Value(index)) for index, step in enumerate(MATRIX_STEPS, start=1)],
                default=Value(0), output_field=IntegerField())
    top = (EscalationStep.objects.filter(clue=OuterRef("pk"), state=EscalationStep.State.TAKEN,
                                         step__in=MATRIX_STEPS)
           .filter(_live_step()).annotate(rank=rank).order_by("-rank").values("rank")[:1])
    rows = (Clue.objects.filter(status__in=OPEN_STATUSES, merged_into__isnull=True, next_deadline_at__lt=now)
            .annotate(top=Coalesce(Subquery(top, output_field=IntegerField()), Value(0)))
            .values("unit_id", "unit__code", "unit__name", "unit__sort_order", "top")
            .annotate(n=Count("pk"))
            .order_by())
    table = {}
    for row in rows:
        entry = table.setdefault(row["unit_id"], {
            "unit_id": row["unit_id"], "code": row["unit__code"] or "",
            "name": row["unit__name"] or _("市级统筹(待转办)"), "sort": row["unit__sort_order"],
            "counts": defaultdict(int)})
        entry["counts"][row["top"]] += row["n"]
    labels = MATRIX_LABELS
    result = []
    for entry in table.values():
        counts = entry["counts"]
        params = {"overdue": "1", "unit": entry["code"]} if entry["code"] else {"overdue": "1",
                                                                                "status": Status.RECEIVED}
        result.append({
            "code": entry["code"], "name": entry["name"],
            "cells": [(step, labels[step], counts[index])
                      for index, step in enumerate(MATRIX_STEPS, start=1)],
            "pending": counts[0], "total": sum(counts.values()), "url": clue_list_url(**params),
            "sort": (entry["sort"] is None, entry["sort"] or 0, entry["code"]),
        })
    return sorted(result, key=lambda r: (-r["total"], r["sort"]))


def matrix_totals(rows):
    return {"cells": [sum(r["cells"][i][2] for r in rows) for i in range(len(MATRIX_STEPS))],
            "pending": sum(r["pending"] for r in rows), "total": sum(r["total"] for r in rows)}


def unclaimed_by_unit(now=None):
    """认领不及时 per unit: clues still unclaimed past the claim deadline now, and the claim deadlines
    missed in the last 30 days (counted against the unit even when claimed since). Two aggregate queries."""
    now = now or timezone.now()
    late_now = (Clue.objects.filter(status=Status.ASSIGNED, claim_deadline__lt=now, unit__isnull=False)
                .values("unit_id", "unit__code", "unit__name", "unit__sort_order")
                .annotate(n=Count("pk"), oldest=Min("claim_deadline")).order_by())
    missed = dict(EscalationStep.objects.filter(
        deadline_kind="claim", step=LadderStep.REMINDER,
        state__in=(EscalationStep.State.TAKEN, EscalationStep.State.SUPERSEDED),
        taken_at__gte=now - CLAIM_HISTORY, unit__isnull=False)
        .values_list("unit_id").annotate(n=Count("clue", distinct=True)).values_list("unit_id", "n"))
    rows = {}
    for row in late_now:
        rows[row["unit_id"]] = {"code": row["unit__code"], "name": row["unit__name"],
                                "sort": row["unit__sort_order"], "now": row["n"], "oldest": row["oldest"]}
    missing = set(missed) - set(rows)
    if missing:
        for unit in Unit.objects.filter(pk__in=missing):
            rows[unit.pk] = {"code": unit.code, "name": unit.name, "sort": unit.sort_order, "now": 0,
                             "oldest": None}
    result = []
    for unit_id, row in rows.items():
        row["missed_30d"] = missed.get(unit_id, 0)
        row["url"] = clue_list_url(overdue="1", unit=row["code"], status=Status.ASSIGNED)
        result.append(row)
    return sorted(result, key=lambda r: (-r["now"], -r["missed_30d"], r["sort"], r["code"]))


def latest_letters(*, kind="", unit=None, limit=50):
    """The latest letters, optionally of one kind and/or to one unit, with their clue counts (one query)."""
    queryset = Letter.objects.all()
    if kind:
        queryset = queryset.filter(kind=kind)
    if unit is not None:
        queryset = queryset.filter(unit=unit)
    return list(queryset.select_related("unit").annotate(clue_count=Count("clues", distinct=True))
                .order_by("-issued_at", "-pk")[:limit])


def referrals_needing_attention(limit=100):
    """Referral packages not delivered (failed first, then pending), with unit and letter."""
    order = Case(When(state=ReferralPackage.State.FAILED, then=Value(0)), default=Value(1),
                 output_field=IntegerField())
    return list(ReferralPackage.objects.exclude(state=ReferralPackage.State.DELIVERED)
                .select_related("unit", "letter").annotate(order=order)
                .order_by("order", "created_at")[:limit])


def referral_counts():
    """How many referral packages there are, by state (one aggregate query)."""
    counts = dict(ReferralPackage.objects.values_list("state").annotate(n=Count("pk")).values_list("state", "n"))
    states = ReferralPackage.State
    return {"total": sum(counts.values()), **{state: counts.get(state, 0) for state in states.values}}


def outbox_failed_count():
    return OutboxMessage.objects.filter(state=OutboxMessage.State.FAILED).count()

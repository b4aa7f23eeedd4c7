"""统一督办: the escalation ladder. Each running clock of a clue has its next rung pending as one step row; the
sweep first brings the steps of the clues whose clocks changed since the last sweep in line with their clocks
(`Clue.ladder_dirty`, set by intake and every move), then takes the steps that are due, in batches, each batch
in one transaction. Taking a rung creates the next one.

Who answers: the unit that holds the clue when the rung is taken; a clock breaching while the clue is still in
triage (or returned) is the city intake's own. Catching up: when several rungs of one clock are due at once
(the sweep was down, a clue was entered late) the highest is taken and the lower ones are recorded as
superseded, in one event; the next rung keeps its distance from the rung taken.

Safety: steps are claimed with SELECT … FOR UPDATE SKIP LOCKED, so sweeps running at once split the work and
never take a step twice; a sweep killed mid-batch rolls back and the next run finds the same steps due again.
The sweep re-checks that a step's clock still runs, with the same deadline, before it acts.
"""

import datetime as dt
import logging
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.roles import Role
from clues.clocks import CLOCK_LABELS, flag_overdue, running_deadlines
from clues.models import Clue, ClueEvent, Status
from notifications.services import notify_role, notify_unit_officers
from units.workdays import SHANGHAI, WorkCalendar, local_date

from . import letters, referrals
from .models import LADDER_ORDER, EscalationRule, EscalationStep, LadderStep
from .problems import problem_text

logger = logging.getLogger(__name__)

NINE_AM = dt.time(9, 0)
DEADLINE_LABELS = CLOCK_LABELS
STEP_LABELS = dict(LadderStep.choices)
# The rungs that put a clue "overdue": from the breach on.
BREACH_STEPS = {LadderStep.REMINDER, LadderStep.SUPERVISION, LadderStep.SUMMONS, LadderStep.REFERRAL}
LETTER_STEPS = {LadderStep.REMINDER: "reminder", LadderStep.SUPERVISION: "supervision",
                LadderStep.SUMMONS: "summons", LadderStep.REFERRAL: "referral"}
State = EscalationStep.State
DONE = (State.TAKEN, State.SUPERSEDED)
# A unit answers for a clock while it holds the clue; otherwise (triage, returned) the city does.
HELD = {Status.ASSIGNED, Status.IN_PROGRESS, Status.RESOLVED}
# What the city failed to do when its own clock breached, said plainly (never 退回 unless it was returned).
CITY_FAILURE = {
    "response": _("未及时转办,超过响应期限(未及时响应)"),
    "close": _("未及时转办,超过办结期限"),
    "claim": _("未及时转办"),
    "retransfer": _("退回后未及时重新转办"),
}


def active_rules():
    return sorted(EscalationRule.objects.filter(is_active=True), key=lambda r: (r.offset_working_days,
                                                                                LADDER_ORDER.index(r.step)))


def rungs_for(kind, rules):
    """The rules that apply to clock `kind`, lowest rung first."""
    return [rule for rule in rules if kind in _kinds(rule)]


def _kinds(rule):
    if not hasattr(rule, "_kinds"):
        rule._kinds = rule.kinds  # parsed once per rule object (a sweep asks for every step)
    return rule._kinds


def step_due_at(offset, deadline_at, calendar):
    """When a rung falls due: at the breach for offset 0; otherwise 9:00 on the working day `offset` working
    days from the deadline's day (-1 = the morning of the deadline's own day)."""
    if offset == 0:
        return deadline_at + dt.timedelta(seconds=1)
    day = calendar.add_working_days(local_date(deadline_at), offset if offset > 0 else offset + 1)
    return dt.datetime.combine(day, NINE_AM, tzinfo=SHANGHAI)


def rung_due_at(rule, deadline_at, calendar, previous=None):
    """When `rule`'s rung falls due: its own schedule from the deadline, moved on by as many working days as the
    rung taken before it (`previous`: (offset, taken_at)) was taken late, so the rungs keep their distance
    after a catch-up. A late warning moves nothing: the breach is the breach."""
    due = step_due_at(rule.offset_working_days, deadline_at, calendar)
    if previous is None or previous[0] < 0 or rule.offset_working_days <= previous[0]:
        return due
    scheduled = step_due_at(previous[0], deadline_at, calendar)
    late = calendar.working_days_between(local_date(scheduled), local_date(previous[1]))
    if late <= 0:
        return due
    return dt.datetime.combine(calendar.add_working_days(local_date(due), late), due.timetz())


def holder(clue, kind):
    """The unit that answers for clock `kind` of `clue` now; None: the city intake."""
    if kind == "retransfer" or clue.status not in HELD:
        return None
    return clue.unit


def _calendar_around(deadlines, rules):
    days = [local_date(d) for d in deadlines]
    reach = max((abs(r.offset_working_days) for r in rules), default=0) * 3 + 60
    return WorkCalendar.for_span(min(days) - dt.timedelta(days=reach), max(days) + dt.timedelta(days=reach))


def _next_rung(kind, deadline, done, rules, calendar, now):
    """The first rung of clock (kind, deadline) not yet taken or superseded, with its due time; or None."""
    ladder = rungs_for(kind, rules)
    reached = [rule for rule in ladder if rule.step in done]
    previous = None
    if reached:
        last = reached[-1]
        previous = (last.offset_working_days, done[last.step])
    for rule in ladder:
        if rule.step in done or (reached and ladder.index(rule) < ladder.index(reached[-1])):
            continue
        due = rung_due_at(rule, deadline, calendar, previous)
        if rule.step == LadderStep.WARN and due <= now:
            continue  # a warning after the fact helps no one; the breach rung follows
        return rule, due
    return None


def sync_steps(clue, running, now, rules=None):
    """Make the pending steps of `clue` match its running clocks: one pending step per running clock, the next
    rung not yet reached, addressed to the clock's holder; steps of clocks that stopped or moved are cancelled."""
    steps = list(EscalationStep.objects.filter(clue=clue))
    stale = [s.pk for s in steps if s.state == State.PENDING and running.get(s.deadline_kind) != s.deadline_at]
    if stale:
        EscalationStep.objects.filter(pk__in=stale).update(state=State.CANCELLED)
    if not running:
        return
    rules = active_rules() if rules is None else rules
    if not rules:
        return
    calendar = _calendar_around([*running.values(), now], rules)
    for kind, deadline in running.items():
        mine = [s for s in steps if s.deadline_kind == kind and s.deadline_at == deadline]
        done = {s.step: s.taken_at for s in mine if s.state in DONE}
        unit = holder(clue, kind)
        pending = [s for s in mine if s.state == State.PENDING]
        found = _next_rung(kind, deadline, done, rules, calendar, now)
        if found is None:
            EscalationStep.objects.filter(pk__in=[s.pk for s in pending]).update(state=State.CANCELLED)
            continue
        rule, due = found
        keep = [s for s in pending if s.step == rule.step]
        extra = [s.pk for s in pending if s.step != rule.step]
        if extra:
            EscalationStep.objects.filter(pk__in=extra).update(state=State.CANCELLED)
        if keep:
            step = keep[0]
            if step.due_at != due or step.unit_id != (unit.pk if unit else None):
                EscalationStep.objects.filter(pk=step.pk).update(due_at=due, unit=unit)
            continue
        # A cancelled row of the same rung (the clock stopped, then ran again) comes back; else a new one.
        revived = EscalationStep.objects.filter(clue=clue, deadline_kind=kind, deadline_at=deadline,
                                                step=rule.step, state=State.CANCELLED).update(
            state=State.PENDING, due_at=due, unit=unit, taken_at=None)
        if not revived:
            EscalationStep.objects.create(clue=clue, deadline_kind=kind, deadline_at=deadline, step=rule.step,
                                          due_at=due, unit=unit)


@dataclass
class SweepReport:
    taken: int = 0
    superseded: int = 0
    cancelled: int = 0
    synced: int = 0
    batches: int = 0
    letters: list = field(default_factory=list)
    by_step: dict = field(default_factory=lambda: defaultdict(int))


def sync_dirty(*, now=None, batch_size=500):
    """Bring the ladder steps of every clue whose clocks changed in line with its clocks; returns how many.
    Clues are claimed with SKIP LOCKED, so a clue in the middle of a move is left for the next sweep."""
    now = now or timezone.now()
    synced = 0
    rules = active_rules()
    while True:
        with transaction.atomic():
            batch = list(Clue.objects.select_for_update(skip_locked=True, of=("self",)).select_related("unit")
                         .filter(ladder_dirty=True).order_by("pk")[:batch_size])
            if not batch:
                return synced
            for clue in batch:
                sync_steps(clue, running_deadlines(clue), now, rules)
            Clue.objects.filter(pk__in=[c.pk for c in batch]).update(ladder_dirty=False)
        synced += len(batch)


def _due_batch(now, batch_size):
    """Due pending steps, locked, grouped by unit so one unit's rung is taken in one batch (one letter, one
    notice per sweep): the batch is topped up with the rest of its last unit's due steps."""
    due = (EscalationStep.objects.select_for_update(skip_locked=True, of=("self",))
           .filter(state=State.PENDING, due_at__lte=now))
    steps = list(due.order_by("unit_id", "due_at", "pk")[:batch_size])
    if len(steps) == batch_size:
        last = steps[-1].unit_id
        rest = due.filter(Q(unit_id=last) if last else Q(unit__isnull=True)).exclude(pk__in=[s.pk for s in steps])
        steps += list(rest.order_by("due_at", "pk"))
    return steps


def sweep(*, now=None, batch_size=None):
    """Sync the changed clues' ladders, then take every step that is due now, about `batch_size` steps
    (settings.SUPERVISION_SWEEP_BATCH) per transaction. Returns a SweepReport."""
    now = now or timezone.now()
    batch_size = batch_size or settings.SUPERVISION_SWEEP_BATCH
    report = SweepReport()
    report.synced = sync_dirty(now=now)
    rules = active_rules()
    while True:
        with transaction.atomic():
            steps = _due_batch(now, batch_size)
            if not steps:
                break
            _take_batch(steps, now, report, rules)
        report.batches += 1
    return report


@dataclass
class _Taken:
    """One clock's rung taken in this sweep, and the lower rungs it covers."""

    step: EscalationStep
    covers: list


def _take_batch(steps, now, report, rules):
    clues = Clue.objects.select_related("unit").in_bulk({s.clue_id for s in steps})
    history = defaultdict(dict)
    for row in EscalationStep.objects.filter(clue_id__in=clues.keys(), state__in=DONE):
        history[(row.clue_id, row.deadline_kind, row.deadline_at)][row.step] = row.taken_at
    calendar = _calendar_around([*(s.deadline_at for s in steps), now], rules) if rules else None
    plans, dead, new_rows = [], [], []
    for step in steps:
        clue = clues[step.clue_id]
        if running_deadlines(clue).get(step.deadline_kind) != step.deadline_at:
            dead.append(step)  # the clock stopped after the step was read: nothing may be sent for it
            continue
        done = history[(step.clue_id, step.deadline_kind, step.deadline_at)]
        (top, top_due), covered = _highest_due(step, done, rules, calendar, now)
        unit = holder(clue, step.deadline_kind)
        step.unit, step.taken_at = unit, now

        def row(rung, due, state, step=step, unit=unit):
            return EscalationStep(clue_id=step.clue_id, deadline_kind=step.deadline_kind,
                                  deadline_at=step.deadline_at, step=rung, due_at=due, unit=unit,
                                  state=state, taken_at=now)

        if top == step.step:
            step.state, taken_row = State.TAKEN, step
        else:
            step.state = State.SUPERSEDED
            new_rows += [row(rung, due, State.SUPERSEDED) for rung, due in covered if rung != step.step]
            taken_row = row(top, top_due, State.TAKEN)
            new_rows.append(taken_row)
        for rung in [top, *(rung for rung, _due in covered)]:
            done[rung] = now
        plans.append(_Taken(taken_row, [rung for rung, _due in covered]))
        following = _next_rung(step.deadline_kind, step.deadline_at, done, rules, calendar, now) if rules else None
        if following is not None:
            rule, due = following
            new_rows.append(EscalationStep(clue_id=step.clue_id, deadline_kind=step.deadline_kind,
                                           deadline_at=step.deadline_at, step=rule.step, due_at=due, unit=unit))
    for step in dead:
        step.state = State.CANCELLED
    # A few set-based updates (one per state and unit) rather than one CASE per row and field.
    groups = defaultdict(list)
    for step in steps:
        groups[(step.state, step.unit_id if step.state != State.CANCELLED else None)].append(step.pk)
    for (state, unit_id), pks in groups.items():
        if state == State.CANCELLED:
            EscalationStep.objects.filter(pk__in=pks).update(state=state)
        else:
            EscalationStep.objects.filter(pk__in=pks).update(state=state, unit_id=unit_id, taken_at=now)
    _make_room(new_rows)  # a rung cancelled earlier (its clock stopped, then ran again) is replaced
    EscalationStep.objects.bulk_create(new_rows)
    report.taken += len(plans)
    report.cancelled += len(dead)
    report.superseded += sum(len(t.covers) for t in plans)
    for t in plans:
        report.by_step[t.step.step] += 1
    if not plans:
        return

    ClueEvent.objects.bulk_create([_event(t, clues[t.step.clue_id], now) for t in plans])
    overdue_ids = {t.step.clue_id for t in plans if t.step.step in BREACH_STEPS}
    if overdue_ids:
        flag_overdue(overdue_ids)

    groups = defaultdict(list)  # (rung, unit_id or None) → taken steps
    for t in plans:
        groups[(t.step.step, t.step.unit_id)].append(t.step)
    for (rung, _unit_id), group in sorted(groups.items(), key=lambda g: (LADDER_ORDER.index(g[0][0]),
                                                                        g[0][1] or 0)):
        _act(rung, group, clues, now, report)


def _make_room(rows):
    """Delete the cancelled rows that hold the place (clue, clock, deadline, rung) of a row about to be made."""
    keys = {(row.clue_id, row.deadline_kind, row.deadline_at, row.step) for row in rows}
    cancelled = (EscalationStep.objects.filter(clue_id__in={row.clue_id for row in rows}, state=State.CANCELLED)
                 .values_list("pk", "clue_id", "deadline_kind", "deadline_at", "step"))
    stale = [pk for pk, *key in cancelled if tuple(key) in keys]
    if stale:
        EscalationStep.objects.filter(pk__in=stale).delete()


def _highest_due(step, done, rules, calendar, now):
    """The highest rung of the step's clock due now, from the step's own rung up, and the rungs below it that
    it covers (superseded): ((rung, due), [(rung, due)])."""
    ladder = rungs_for(step.deadline_kind, rules) if rules else []
    names = [rule.step for rule in ladder]
    if step.step not in names:  # its rule was switched off since: take the step as it is
        return (step.step, step.due_at), []
    reached = [rule for rule in ladder if rule.step in done]
    previous = (reached[-1].offset_working_days, done[reached[-1].step]) if reached else None
    start = names.index(step.step)
    top, covered = (step.step, step.due_at), []
    for rule in ladder[start + 1:]:
        due = rung_due_at(rule, step.deadline_at, calendar, previous)
        if due > now:
            break
        covered.append(top)
        top = (rule.step, due)
    return top, covered


def _event(t, clue, now):
    step = t.step
    note = _("%(step)s:%(deadline)s %(when)s") % {
        "step": STEP_LABELS[step.step], "deadline": DEADLINE_LABELS[step.deadline_kind],
        "when": timezone.localtime(step.deadline_at).strftime("%Y-%m-%d %H:%M")}
    if t.covers:
        note += _("(补发,含未及时执行的:%(rungs)s)") % {"rungs": "、".join(str(STEP_LABELS[r]) for r in t.covers)}
    if step.unit_id is None:
        note += _(";市级受理环节%(what)s") % {"what": CITY_FAILURE[step.deadline_kind]}
    return ClueEvent(clue_id=step.clue_id, kind=ClueEvent.Kind.ESCALATED, at=now, actor_unit_id=step.unit_id,
                     from_status=clue.status, to_status=clue.status, note=note,
                     data={"step": step.step, "deadline": step.deadline_kind,
                           "deadline_at": step.deadline_at.isoformat(), "covers": t.covers,
                           "unit": step.unit.code if step.unit_id else None})


def _codes(steps, clues):
    return "、".join(sorted({clues[s.clue_id].tracking_code for s in steps})[:10])


def _act(rung, steps, clues, now, report):
    """What one rung does for one unit's steps taken in this sweep: a notice, a letter, a referral package."""
    unit = steps[0].unit
    codes = _codes(steps, clues)
    count = len({s.clue_id for s in steps})
    key = f"ladder:{rung}:{steps[0].unit_id}:{min(s.pk for s in steps)}"
    if unit is None:  # the city's own clocks: the clue was still in triage, or returned and not re-transferred
        by_clock = defaultdict(list)
        for step in steps:
            by_clock[step.deadline_kind].append(step)
        verb = _("即将") if rung == LadderStep.WARN else _("已")
        for kind, group in sorted(by_clock.items()):
            notify_role(Role.INTAKE, subject=_("%(n)d条线索%(verb)s%(what)s") % {
                "n": len({s.clue_id for s in group}), "verb": verb, "what": CITY_FAILURE[kind]},
                body=_codes(group, clues), url=reverse("dispatch:triage"), dedupe_prefix=f"{key}:{kind}")
        if rung in (LadderStep.SUPERVISION, LadderStep.SUMMONS, LadderStep.REFERRAL):
            notify_role(Role.SUPERVISOR, subject=_("市级受理环节:%(n)d条线索%(step)s") % {
                "n": count, "step": STEP_LABELS[rung]}, body=codes, url=reverse("dispatch:triage"),
                dedupe_prefix=key + ":sup")
        return
    if rung == LadderStep.WARN:
        notify_unit_officers(unit, subject=_("%(n)d条线索即将超期") % {"n": count},
                             body=_("请尽快办理:%(codes)s") % {"codes": codes}, url=reverse("dispatch:unit"),
                             dedupe_prefix=key)
        return

    items = [(clues[s.clue_id], problem_text(s.deadline_kind, s.deadline_at)) for s in steps]
    letter = letters.letter_issue(kind=LETTER_STEPS[rung], unit=unit, items=items, now=now)
    EscalationStep.objects.filter(pk__in=[s.pk for s in steps]).update(letter=letter)
    report.letters.append(letter.number)
    notify_unit_officers(unit, subject=_("%(letter)s:%(n)d条线索") % {"letter": letter.get_kind_display(),
                                                                    "n": count},
                         body=_("文号 %(number)s。涉及线索:%(codes)s") % {"number": letter.number, "codes": codes},
                         url=reverse("supervision:letter_detail", args=[letter.pk]), dedupe_prefix=key)
    claim_late = [s for s in steps if s.deadline_kind == "claim"]
    if rung == LadderStep.REMINDER and claim_late:
        notify_role(Role.INTAKE, subject=_("认领不及时:%(unit)s %(n)d条") % {"unit": unit.name,
                                                                        "n": len({s.clue_id for s in claim_late})},
                    body=_("以下线索超过认领期限仍未认领,可考虑改派:%(codes)s") % {"codes": _codes(claim_late, clues)},
                    url=reverse("dispatch:triage"), dedupe_prefix=key + ":claim")
    if rung in (LadderStep.SUPERVISION, LadderStep.SUMMONS, LadderStep.REFERRAL):
        notify_role(Role.SUPERVISOR, subject=_("%(unit)s:%(letter)s %(number)s") % {
            "unit": unit.name, "letter": letter.get_kind_display(), "number": letter.number},
            body=codes, url=reverse("supervision:letter_detail", args=[letter.pk]), dedupe_prefix=key + ":sup")
    if rung == LadderStep.REFERRAL:
        referrals.referral_create(unit=unit, letter=letter, clues=[clue for clue, _text in items])


def forecast(until, *, now=None):
    """What would fall due from now until the end of `until` (a date), per unit and rung, if nothing moved:
    the pending rung of each clock and the rungs that would follow it. Reads only; clues changed since the
    last sweep (not yet synced) are counted apart."""
    now = now or timezone.now()
    end = dt.datetime.combine(until, dt.time(23, 59, 59), tzinfo=SHANGHAI)
    rules = active_rules()
    pending = list(EscalationStep.objects.filter(state=State.PENDING, due_at__lte=end)
                   .select_related("unit", "clue").order_by("due_at", "pk"))
    history = defaultdict(dict)
    for row in EscalationStep.objects.filter(clue_id__in={s.clue_id for s in pending}, state__in=DONE):
        history[(row.clue_id, row.deadline_kind, row.deadline_at)][row.step] = row.taken_at
    calendar = _calendar_around([*(s.deadline_at for s in pending), end], rules) if pending and rules else None
    per_unit = defaultdict(list)
    for step in pending:
        done = dict(history[(step.clue_id, step.deadline_kind, step.deadline_at)])
        rung, due = step.step, step.due_at
        while due <= end:
            name = step.unit.name if step.unit_id else _("市级受理环节")
            per_unit[(step.unit.sort_order if step.unit_id else -1, name)].append(
                {"step": rung, "due_at": due, "tracking_code": step.clue.tracking_code,
                 "deadline": step.deadline_kind, "overdue": due <= now})
            done[rung] = max(due, now)
            following = _next_rung(step.deadline_kind, step.deadline_at, done, rules, calendar, now) \
                if calendar else None
            if following is None:
                break
            rung, due = following[0].step, following[1]
    return {name: sorted(rows, key=lambda r: r["due_at"]) for (_order, name), rows in sorted(per_unit.items())}


def unsynced_count():
    """Clues whose clocks changed since the last sweep (their ladder is brought in line at the next one)."""
    return Clue.objects.filter(ladder_dirty=True).count()

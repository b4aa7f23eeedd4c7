"""统一督办: the escalation ladder. Each running deadline of a clue has one step row per rung of the ladder; the
sweep first brings the steps of the clues whose clocks changed since the last sweep in line with their clocks
(`Clue.ladder_dirty`, set by intake and every move), then takes the steps that are due, in batches, each batch
in one transaction.

Safety: steps are claimed with SELECT … FOR UPDATE SKIP LOCKED, so sweeps running at once split the work and
never take a step twice; a sweep killed mid-batch rolls back and the next run finds the same steps due again.
A clock that stops (claim, contact, resolve …) cancels its pending steps in the same transaction as the move,
and the sweep re-checks that the clock still runs before it acts.
"""

import datetime as dt
import logging
from collections import defaultdict
from dataclasses import dataclass, field

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.roles import Role
from clues.clocks import CLOCK_LABELS, flag_overdue, running_deadlines
from clues.models import Clue, ClueEvent
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


def active_rules():
    return list(EscalationRule.objects.filter(is_active=True))


def step_due_at(offset, deadline_at, calendar):
    """When a rung falls due: at the breach for offset 0; otherwise 9:00 on the working day `offset` working
    days from the deadline's day (-1 = the morning of the deadline's own day)."""
    if offset == 0:
        return deadline_at + dt.timedelta(seconds=1)
    day = calendar.add_working_days(local_date(deadline_at), offset if offset > 0 else offset + 1)
    return dt.datetime.combine(day, NINE_AM, tzinfo=SHANGHAI)


def sync_steps(clue, running, now):
    """Make the pending steps of `clue` match its running clocks: cancel those whose clock stopped or moved,
    bring back those whose clock runs again, create the missing ones."""
    pending = EscalationStep.objects.filter(clue=clue, state=EscalationStep.State.PENDING)
    stale = [s.pk for s in pending.only("pk", "deadline_kind", "deadline_at")
             if running.get(s.deadline_kind) != s.deadline_at]
    if stale:
        EscalationStep.objects.filter(pk__in=stale).update(state=EscalationStep.State.CANCELLED)
    if not running:
        return
    rules = active_rules()
    if not rules:
        return
    for kind, deadline in running.items():
        EscalationStep.objects.filter(clue=clue, deadline_kind=kind, deadline_at=deadline,
                                      state=EscalationStep.State.CANCELLED).update(
            state=EscalationStep.State.PENDING)
    days = [local_date(d) for d in running.values()]
    reach = max(abs(r.offset_working_days) for r in rules)
    calendar = WorkCalendar.for_span(min(days) - dt.timedelta(days=reach * 3 + 30),
                                     max(days) + dt.timedelta(days=reach * 3 + 30))
    new = []
    for kind, deadline in running.items():
        for rule in rules:
            if kind not in rule.kinds:
                continue
            due = step_due_at(rule.offset_working_days, deadline, calendar)
            if rule.step == LadderStep.WARN and due <= now:
                continue  # a warning after the fact helps no one; the breach rung follows
            new.append(EscalationStep(clue=clue, deadline_kind=kind, deadline_at=deadline, step=rule.step,
                                      due_at=due, unit=clue.unit if kind != "retransfer" else None))
    EscalationStep.objects.bulk_create(new, ignore_conflicts=True)


@dataclass
class SweepReport:
    taken: int = 0
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
    while True:
        with transaction.atomic():
            batch = list(Clue.objects.select_for_update(skip_locked=True, of=("self",)).select_related("unit")
                         .filter(ladder_dirty=True).order_by("pk")[:batch_size])
            if not batch:
                return synced
            for clue in batch:
                sync_steps(clue, running_deadlines(clue), now)
            Clue.objects.filter(pk__in=[c.pk for c in batch]).update(ladder_dirty=False)
        synced += len(batch)


def sweep(*, now=None, batch_size=2000):
    """Sync the changed clues' ladders, then take every step that is due now. Returns a SweepReport."""
    now = now or timezone.now()
    report = SweepReport()
    report.synced = sync_dirty(now=now)
    while True:
        with transaction.atomic():
            steps = list(EscalationStep.objects.select_for_update(skip_locked=True, of=("self",))
                         .select_related("unit").filter(state=EscalationStep.State.PENDING, due_at__lte=now)
                         .order_by("due_at", "pk")[:batch_size])
            if not steps:
                break
            _take_batch(steps, now, report)
        report.batches += 1
    return report


def _take_batch(steps, now, report):
    clues = Clue.objects.select_related("unit").in_bulk({s.clue_id for s in steps})
    live, dead = [], []
    for step in steps:
        clue = clues[step.clue_id]
        if running_deadlines(clue).get(step.deadline_kind) == step.deadline_at:
            live.append(step)
        else:
            dead.append(step)  # the clock stopped after the step was read: nothing may be sent for it
    for step in dead:
        step.state = EscalationStep.State.CANCELLED
    for step in live:
        step.state, step.taken_at = EscalationStep.State.TAKEN, now
        report.by_step[step.step] += 1
    EscalationStep.objects.bulk_update(steps, ["state", "taken_at"])
    report.taken += len(live)
    report.cancelled += len(dead)
    if not live:
        return

    ClueEvent.objects.bulk_create([
        ClueEvent(clue_id=s.clue_id, kind=ClueEvent.Kind.ESCALATED, at=now, actor_unit_id=s.unit_id,
                  from_status=clues[s.clue_id].status, to_status=clues[s.clue_id].status,
                  note=_("%(step)s:%(deadline)s %(when)s") % {
                      "step": STEP_LABELS[s.step], "deadline": DEADLINE_LABELS[s.deadline_kind],
                      "when": timezone.localtime(s.deadline_at).strftime("%Y-%m-%d %H:%M")},
                  data={"step": s.step, "deadline": s.deadline_kind, "deadline_at": s.deadline_at.isoformat()})
        for s in live])
    overdue_ids = {s.clue_id for s in live if s.step in BREACH_STEPS}
    if overdue_ids:
        flag_overdue(overdue_ids)

    groups = defaultdict(list)  # (step, unit_id or None) → steps
    for step in live:
        groups[(step.step, step.unit_id)].append(step)
    for (rung, _unit_id), group in sorted(groups.items(), key=lambda g: (LADDER_ORDER.index(g[0][0]),
                                                                        g[0][1] or 0)):
        _act(rung, group, clues, now, report)


def _act(rung, steps, clues, now, report):
    """What one rung does for one unit's due steps: notices, a letter, a referral package."""
    unit = steps[0].unit
    codes = "、".join(sorted({clues[s.clue_id].tracking_code for s in steps})[:10])
    count = len({s.clue_id for s in steps})
    key = f"ladder:{rung}:{steps[0].unit_id}:{steps[0].pk}"
    if unit is None:  # the city's own clock (re-transfer after a return)
        verb = _("即将超过") if rung == LadderStep.WARN else _("已超过")
        notify_role(Role.INTAKE, subject=_("%(n)d条退回线索%(verb)s重新转办期限") % {"n": count, "verb": verb},
                    body=codes, url=reverse("dispatch:triage"), dedupe_prefix=key)
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
                                                                        "n": len(claim_late)},
                    body=_("以下线索超过认领期限仍未认领,可考虑改派:%(codes)s") % {"codes": codes},
                    url=reverse("dispatch:triage"), dedupe_prefix=key + ":claim")
    if rung in (LadderStep.SUPERVISION, LadderStep.SUMMONS, LadderStep.REFERRAL):
        notify_role(Role.SUPERVISOR, subject=_("%(unit)s:%(letter)s %(number)s") % {
            "unit": unit.name, "letter": letter.get_kind_display(), "number": letter.number},
            body=codes, url=reverse("supervision:letter_detail", args=[letter.pk]), dedupe_prefix=key + ":sup")
    if rung == LadderStep.REFERRAL:
        referrals.referral_create(unit=unit, letter=letter, clues=[clue for clue, _text in items])


def forecast(until, *, now=None):
    """What would fall due from now until the end of `until` (a date), per unit and rung; changes nothing."""
    now = now or timezone.now()
    end = dt.datetime.combine(until, dt.time(23, 59, 59), tzinfo=SHANGHAI)
    rows = (EscalationStep.objects.filter(state=EscalationStep.State.PENDING, due_at__lte=end)
            .values_list("unit__name", "step", "due_at", "clue__tracking_code", "deadline_kind")
            .order_by("unit__sort_order", "due_at"))
    per_unit = defaultdict(list)
    for unit_name, step, due_at, code, kind in rows:
        per_unit[unit_name or _("市级统筹(重新转办)")].append(
            {"step": step, "due_at": due_at, "tracking_code": code, "deadline": kind, "overdue": due_at <= now})
    return dict(per_unit)

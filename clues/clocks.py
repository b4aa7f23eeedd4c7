"""The clocks of a clue (认领、响应、办结、重新转办): when each starts, how its deadline is counted, while what it runs.

Which move starts which clock is declared in `clues.lifecycle.TRANSITIONS` (`starts`); this module is the
one place that turns a start into a deadline, and the one place that says whether a clock still runs. The
supervision sweep reads it to check a ladder step against the clue without importing the lifecycle.
"""

import datetime as dt
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from units import reference_cache
from units.workdays import calendar

from .models import DEADLINE_KINDS, Clue, DeadlinePolicy, Status

# A clue is open while someone still has to act on it; a merged duplicate is closed.
OPEN_STATUSES = frozenset({Status.RECEIVED, Status.ASSIGNED, Status.IN_PROGRESS})
CLOCK_LABELS = dict(DEADLINE_KINDS)


@dataclass(frozen=True)
class Clock:
    kind: str
    field: str  # the Clue field that holds the deadline in force
    runs_while: str  # said in words; `running_deadlines` is the code of it


CLOCKS = {c.kind: c for c in [
    Clock("claim", "claim_deadline", _("已转办、尚未认领")),
    Clock("response", "response_deadline", _("线索未办结、尚无“联系反映人”办理记录")),
    Clock("close", "close_deadline", _("线索未办结(承办单位办结即停止;审核退回后恢复原期限)")),
    Clock("retransfer", "retransfer_deadline", _("被退回、尚未重新转办")),
]}


def policies(snapshot=None):
    """{risk colour: DeadlinePolicy}, read once per process and again after any change (units.reference_cache)."""
    snapshot = snapshot or reference_cache.snapshot()
    return snapshot.get("deadline_policies", lambda: {p.risk_color: p for p in DeadlinePolicy.objects.all()})


def policy_for(clue, snapshot=None):
    """The deadline policy of the clue's risk colour (DOMAIN.md's defaults if an administrator deleted it)."""
    policy = policies(snapshot).get(clue.risk_color)
    if policy is None:
        policy = DeadlinePolicy(risk_color=clue.risk_color, close_days=5 if clue.risk_color == "red" else 15)
    return policy


def deadline_for(kind, origin, policy, snapshot=None):
    """The deadline of clock `kind` started at `origin` under `policy`."""
    if kind == "retransfer":
        return origin + dt.timedelta(hours=policy.retransfer_hours)
    days = {"claim": policy.claim_days, "response": policy.response_days, "close": policy.close_days}
    if kind not in days:
        raise ValueError(f"unknown clock {kind!r}")
    return calendar(snapshot).deadline_after(origin, days[kind])


def start(clue, kinds, origin, policy=None, snapshot=None):
    """Start the clocks `kinds` on `clue` (unsaved) counting from `origin`."""
    if not kinds:
        return
    snapshot = snapshot or reference_cache.snapshot()
    policy = policy or policy_for(clue, snapshot)
    for kind in kinds:
        setattr(clue, CLOCKS[kind].field, deadline_for(kind, origin, policy, snapshot))


def running_deadlines(clue):
    """The clocks still running on `clue`: {"claim"|"response"|"close"|"retransfer": deadline}."""
    running = {}
    if clue.status == Status.ASSIGNED and clue.claim_deadline and clue.claimed_at is None:
        running["claim"] = clue.claim_deadline
    if clue.status in OPEN_STATUSES and not clue.merged_into_id:
        if clue.response_deadline and clue.first_contact_at is None:
            running["response"] = clue.response_deadline
        if clue.close_deadline:
            running["close"] = clue.close_deadline
    if clue.status == Status.RECEIVED and clue.retransfer_deadline:
        running["retransfer"] = clue.retransfer_deadline
    return running


def refresh(clue, now):
    """Recompute the derived fields (next deadline, overdue), mark the clue's escalation ladder for the next
    supervision sweep to bring in line with the clocks, and return the running clocks."""
    running = running_deadlines(clue)
    clue.next_deadline_at = min(running.values()) if running else None
    clue.is_overdue = any(deadline < now for deadline in running.values())
    clue.ladder_dirty = True
    return running


def flag_overdue(clue_ids):
    """Mark clues overdue whose clock the sweep found breached (the overdue flag has no other writer)."""
    return Clue.objects.filter(pk__in=clue_ids, is_overdue=False).update(is_overdue=True)

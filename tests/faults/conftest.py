"""What the fault tests of the supervision sweep share: a ladder with steps due now in several units, a row lock
that holds a sweep in the middle of a batch, and the checks that every due step was taken exactly once."""

import datetime as dt
from collections import Counter
from dataclasses import dataclass

import pytest
import time_machine
from django.db import connection
from django.utils import timezone

from clues.models import Clue, ClueEvent
from supervision import ladder
from supervision.models import EscalationStep, Letter
from tests.clues.lifecycle_helpers import new_clue, to_assigned
from tests.conftest import make_staff
from units.workdays import SHANGHAI, WorkCalendar

State = EscalationStep.State


def working_days_ago(n, hour=10):
    """10:00 Beijing time `n` working days before today (holidays and 调休 counted as the clocks count them)."""
    today = timezone.localdate()
    day = WorkCalendar.around(today, n).add_working_days(today, -n)
    return dt.datetime.combine(day, dt.time(hour), tzinfo=SHANGHAI)


@dataclass
class OverdueLadder:
    clues: list
    units: list  # the units with due steps, in the order the sweep takes them (by id)
    blocker: Clue  # a clue of the second unit the sweep takes: locking it holds the sweep in that batch
    referred: Clue  # long overdue: its claim clock reaches 移交 (a referral package)
    supervisor: object
    due: int  # pending steps due now: one per clock with a rung due

    def due_steps(self, at):
        return EscalationStep.objects.filter(state=State.PENDING, due_at__lte=at)


@pytest.fixture
def overdue_ladder(db):
    """Four units each hold three clues transferred 4 working days ago (the claim clock's 督办函 and the response
    clock's 提醒函 due); one clue transferred 16 working days ago is due for 移交; one has waited in triage for
    6 working days (the city's own clock). Every officer has an e-mail address, for NOTIFY_EMAIL."""
    intake = make_staff("intake", username="fault_intake", email="intake@example.cn")
    supervisor = make_staff("supervisor", username="fault_supervisor", email="supervisor@example.cn")
    codes = ("150902", "150921", "150922", "housing")
    officers = {code: make_staff("officer", code, username=f"fault_{code}", email=f"{code}@example.cn")
                for code in codes}
    clues = []
    with time_machine.travel(working_days_ago(4), tick=False):
        for index in range(12):
            clue = new_clue(complainant_phone=f"1370000{index:04d}")
            to_assigned(clue, intake, officers[codes[index % 4]].unit)
            clues.append(clue)
    with time_machine.travel(working_days_ago(16), tick=False):
        referred = new_clue(complainant_phone="13700009999")
        to_assigned(referred, intake, officers["150921"].unit)
    with time_machine.travel(working_days_ago(6), tick=False):
        in_triage = new_clue(complainant_phone="13700008888")
    clues += [referred, in_triage]
    ladder.sync_dirty()
    due = EscalationStep.objects.filter(state=State.PENDING, due_at__lte=timezone.now())
    unit_ids = sorted({unit_id for unit_id in due.values_list("unit_id", flat=True) if unit_id})
    units = [officer.unit for officer in sorted(officers.values(), key=lambda o: o.unit_id)]
    assert [unit.pk for unit in units] == unit_ids
    blocker = Clue.objects.filter(unit=units[1]).order_by("pk").first()
    return OverdueLadder(clues=clues, units=units, blocker=blocker, referred=referred,
                         supervisor=supervisor, due=due.count())


def lock_waiters():
    """The backends of other connections to this database that wait for a lock (a row this test holds)."""
    with connection.cursor() as cursor:
        # Inside a transaction PostgreSQL shows one snapshot of the activity unless told to take a new one.
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute("SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
                       "AND pid <> pg_backend_pid() AND wait_event_type = 'Lock'")
        return [pid for (pid,) in cursor.fetchall()]


def backend_alive(pid):
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute("SELECT 1 FROM pg_stat_activity WHERE pid = %s", [pid])
        return cursor.fetchone() is not None


def assert_every_due_step_taken_once(ladder_data, started):
    """Nothing due when the sweep started is still pending; each clock's due rung was taken once, with one
    timeline event; no rung of a clock twice; letter numbers unique."""
    assert not ladder_data.due_steps(started).exists()
    done = EscalationStep.objects.filter(state__in=[State.TAKEN, State.SUPERSEDED])
    keys = Counter(done.values_list("clue_id", "deadline_kind", "deadline_at", "step"))
    assert max(keys.values()) == 1
    taken = EscalationStep.objects.filter(state=State.TAKEN)
    assert taken.count() == ladder_data.due
    per_clock = Counter(taken.values_list("clue_id", "deadline_kind", "deadline_at"))
    assert set(per_clock.values()) == {1}
    events = ClueEvent.objects.filter(kind=ClueEvent.Kind.ESCALATED)
    assert events.count() == ladder_data.due
    assert Counter((e.clue_id, e.data["deadline"]) for e in events) == Counter(
        (clue_id, kind) for clue_id, kind, _at in per_clock)
    numbers = list(Letter.objects.values_list("number", flat=True))
    assert numbers and len(numbers) == len(set(numbers))
    # One letter per unit and rung: a batch rolled back took its letter (and its number) with it.
    assert max(Counter(Letter.objects.values_list("unit_id", "kind")).values()) == 1

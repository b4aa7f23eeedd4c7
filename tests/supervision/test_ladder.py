"""统一督办: the escalation ladder on real dates, stop-on-claim, once-only steps, concurrent and interrupted sweeps,
the operators' command and its forecast."""

import datetime as dt
import io
import threading

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection

from clues import lifecycle
from clues.models import Clue, ClueEvent
from notifications.models import OutboxMessage
from supervision import ladder
from supervision.models import EscalationStep, Letter
from tests.clues.lifecycle_helpers import new_clue, to_assigned
from tests.conftest import make_staff
from units.workdays import SHANGHAI

pytestmark = pytest.mark.django_db


def at(y, m, d, hh=0, mm=0, ss=0):
    return dt.datetime(y, m, d, hh, mm, ss, tzinfo=SHANGHAI)


@pytest.fixture
def intake(db):
    return make_staff("intake", username="sv_intake")


@pytest.fixture
def officer(db):
    return make_staff("officer", "150921", username="sv_officer")


@pytest.fixture
def assigned_before_national_day(intake, officer):
    """Received and transferred Tue 30 Sep 2025 16:00: the claim deadline is Thu 9 Oct 23:59:59 (1–8 Oct are the
    National Day holiday); the response deadline is Sat 11 Oct, a 调休 working day."""
    with time_machine.travel(at(2025, 9, 30, 16), tick=False):
        clue = new_clue()
        to_assigned(clue, intake, officer.unit)
        ladder.sync_dirty()  # what the next sweep does first
    assert clue.claim_deadline == at(2025, 10, 9, 23, 59, 59)
    assert clue.response_deadline == at(2025, 10, 11, 23, 59, 59)
    return clue


def sweep_at(moment):
    with time_machine.travel(moment, tick=False):
        return ladder.sweep()


def taken(clue, kind):
    return list(EscalationStep.objects.filter(clue=clue, deadline_kind=kind, state="taken")
                .order_by("due_at").values_list("step", flat=True))


def pending(clue, kind):
    return list(EscalationStep.objects.filter(clue=clue, deadline_kind=kind, state="pending")
                .values_list("step", "due_at"))


def test_claim_ladder_on_real_dates_around_a_holiday_and_a_makeup_saturday(assigned_before_national_day):
    clue = assigned_before_national_day
    # Only the next rung of each running clock waits as a row; each rung taken brings the next one.
    assert pending(clue, "claim") == [("warn", at(2025, 10, 9, 9))]  # the morning of the deadline's day
    sweep_at(at(2025, 10, 9, 8, 59))
    assert taken(clue, "claim") == []
    sweep_at(at(2025, 10, 9, 9, 0))
    assert taken(clue, "claim") == ["warn"]
    assert pending(clue, "claim") == [("reminder", at(2025, 10, 10, 0, 0, 0))]  # the breach
    clue.refresh_from_db()
    assert not clue.is_overdue
    sweep_at(at(2025, 10, 10, 0, 0, 1))
    assert taken(clue, "claim") == ["warn", "reminder"]
    # 2nd working day after the deadline's day: Saturday 11 Oct is a 调休 working day
    assert pending(clue, "claim") == [("supervision", at(2025, 10, 11, 9))]
    clue.refresh_from_db()
    assert clue.is_overdue
    sweep_at(at(2025, 10, 11, 9, 0))
    assert pending(clue, "claim") == [("summons", at(2025, 10, 15, 9))]  # 5th: 10, 11, 13, 14, 15
    sweep_at(at(2025, 10, 15, 9, 0))
    assert pending(clue, "claim") == [("referral", at(2025, 10, 22, 9))]  # 10th: … 16, 17, 20, 21, 22
    sweep_at(at(2025, 10, 22, 9, 0))
    assert taken(clue, "claim") == ["warn", "reminder", "supervision", "summons", "referral"]
    assert pending(clue, "claim") == []

    kinds = list(Letter.objects.filter(clues=clue).order_by("issued_at", "pk").values_list("kind", flat=True))
    assert kinds[:1] == ["reminder"] and "referral" in kinds
    escalations = clue.events.filter(kind=ClueEvent.Kind.ESCALATED)
    assert escalations.filter(data__deadline="claim").count() == 5
    assert all(not e.is_public for e in escalations)


def test_each_step_happens_once(assigned_before_national_day):
    first = sweep_at(at(2025, 10, 12, 12))
    second = sweep_at(at(2025, 10, 12, 12))
    assert first.taken > 0 and second.taken == 0
    assert EscalationStep.objects.filter(state="taken").count() == first.taken
    assert ClueEvent.objects.filter(kind="escalated").count() == first.taken


def test_claiming_stops_the_claim_ladder_at_once(assigned_before_national_day, officer):
    clue = assigned_before_national_day
    sweep_at(at(2025, 10, 9, 9, 30))
    with time_machine.travel(at(2025, 10, 9, 10), tick=False):
        lifecycle.claim(clue=clue, by=officer)
        ladder.sync_dirty()
    assert not EscalationStep.objects.filter(clue=clue, deadline_kind="claim", state="pending").exists()
    notices_before = OutboxMessage.objects.count()
    sweep_at(at(2025, 10, 25, 9))
    assert taken(clue, "claim") == ["warn"]
    assert not Letter.objects.filter(clues=clue, steps__deadline_kind="claim").exists()
    assert not OutboxMessage.objects.filter(pk__gt=0, subject__contains="认领不及时").exists()
    assert OutboxMessage.objects.count() >= notices_before


def test_a_step_whose_clock_stopped_after_it_was_read_is_not_taken(assigned_before_national_day, officer):
    clue = assigned_before_national_day
    with time_machine.travel(at(2025, 10, 9, 10), tick=False):
        lifecycle.claim(clue=clue, by=officer)
        ladder.sync_dirty()
    # a step left pending by a race (the claim's cancel lost): the sweep itself re-checks the clock
    EscalationStep.objects.filter(clue=clue, deadline_kind="claim").update(state="pending")
    report = sweep_at(at(2025, 10, 10, 1))
    assert report.cancelled >= 1
    assert taken(clue, "claim") == []


def test_claim_late_is_flagged_against_the_unit_and_triage_is_told(assigned_before_national_day, intake):
    sweep_at(at(2025, 10, 10, 0, 5))
    notice = OutboxMessage.objects.get(user=intake, subject__startswith="认领不及时")
    assert "卓资县" in notice.subject
    letter = Letter.objects.get(kind="reminder")
    assert letter.unit.code == "150921"
    assert letter.number.startswith("乌薪督〔2025〕")


def test_the_city_is_reminded_when_a_returned_clue_waits_over_24_hours(intake, officer):
    with time_machine.travel(at(2026, 3, 2, 10), tick=False):
        clue = new_clue()
        to_assigned(clue, intake, officer.unit)
        lifecycle.return_to_triage(clue=clue, by=officer, reason="不属于本县")
        ladder.sync_dirty()
    sweep_at(at(2026, 3, 3, 9, 1))
    assert taken(clue, "retransfer") == ["warn"]
    assert OutboxMessage.objects.filter(user=intake, subject__contains="即将退回后未及时重新转办").exists()
    sweep_at(at(2026, 3, 3, 10, 1))
    assert taken(clue, "retransfer") == ["warn", "reminder"]
    assert OutboxMessage.objects.filter(user=intake, subject__contains="已退回后未及时重新转办").exists()


def test_an_interrupted_sweep_is_rolled_back_and_rerun(assigned_before_national_day, monkeypatch):
    from supervision import letters

    real = letters.letter_issue
    calls = {"n": 0}

    def dies_once(**kwargs):
        calls["n"] += 1
        if calls["n"] == 1:
            raise RuntimeError("worker killed")
        return real(**kwargs)

    monkeypatch.setattr(letters, "letter_issue", dies_once)
    with pytest.raises(RuntimeError):
        sweep_at(at(2025, 10, 10, 0, 5))
    assert EscalationStep.objects.filter(state="taken").count() == 0
    assert not ClueEvent.objects.filter(kind="escalated").exists()
    report = sweep_at(at(2025, 10, 10, 0, 5))
    assert report.taken > 0
    assert Letter.objects.count() >= 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_sweeps_running_at_once_never_take_a_step_twice():
    intake = make_staff("intake", username="cc_intake")
    officers = [make_staff("officer", code, username=f"cc_{code}") for code in ("150921", "150902", "housing")]
    with time_machine.travel(at(2025, 9, 30, 16), tick=False):
        for index in range(30):
            clue = new_clue(received_at=at(2025, 9, 26, 10))
            to_assigned(clue, intake, officers[index % 3].unit)
        ladder.sync_dirty()
    due = EscalationStep.objects.filter(due_at__lte=at(2025, 10, 12, 12)).count()
    assert due == 60  # the next rung of the claim and the response clock of each of 30 clues
    barrier = threading.Barrier(2)
    reports = []

    def run():
        try:
            barrier.wait(timeout=10)
            with time_machine.travel(at(2025, 10, 12, 12), tick=False):
                reports.append(ladder.sweep(batch_size=7))
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert len(reports) == 2
    total = sum(r.taken + r.cancelled for r in reports)
    assert total == due
    assert EscalationStep.objects.filter(state="taken").count() == sum(r.taken for r in reports)
    assert ClueEvent.objects.filter(kind="escalated").count() == sum(r.taken for r in reports)
    linked = Letter.clues.through.objects.count()
    assert linked == len(set(Letter.clues.through.objects.values_list("letter_id", "clue_id")))


def test_supervise_runs_one_sweep(assigned_before_national_day):
    out = io.StringIO()
    with time_machine.travel(at(2025, 10, 10, 0, 5), tick=False):
        call_command("supervise", stdout=out)
    assert "督办扫描完成" in out.getvalue() and "提醒函" in out.getvalue()
    assert EscalationStep.objects.filter(state="taken").exists()


def test_supervise_forecast_prints_per_unit_and_changes_nothing(assigned_before_national_day):
    pending = EscalationStep.objects.filter(state="pending").count()
    out = io.StringIO()
    with time_machine.travel(at(2025, 10, 1, 12), tick=False):
        call_command("supervise", forecast="2025-10-11", stdout=out)
    text = out.getvalue()
    assert "卓资县" in text and assigned_before_national_day.tracking_code in text
    assert "提醒函" in text and "督办函" in text and "约谈函" not in text  # the rungs that would follow, too
    assert EscalationStep.objects.filter(state="pending").count() == pending
    assert not ClueEvent.objects.filter(kind="escalated").exists()


@pytest.mark.parametrize("value, message", [("2025-13-01", "无效"), ("yesterday", "无效"), ("2020-01-01", "不能早于")])
def test_supervise_forecast_refuses_bad_dates(value, message):
    from django.core.management import CommandError

    with pytest.raises(CommandError, match=message):
        call_command("supervise", forecast=value)


def test_a_warning_that_would_come_after_the_fact_is_not_created():
    # A letter received on 1 Sep and entered on 20 Oct: its response and close clocks ran out long ago.
    with time_machine.travel(at(2025, 10, 20, 10), tick=False):
        clue = new_clue(received_at=at(2025, 9, 1, 10))
        ladder.sync_dirty()
    steps = set(EscalationStep.objects.filter(clue=clue, deadline_kind="response").values_list("step", flat=True))
    assert steps == {"reminder"}  # the next rung, not a warning after the fact
    with time_machine.travel(at(2025, 10, 20, 10, 1), tick=False):
        ladder.sweep()
    assert Clue.objects.get(pk=clue.pk).is_overdue

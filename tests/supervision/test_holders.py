"""统一督办 reaches the right unit: every breached clock escalates against the unit holding the clue when the rung
is taken, the city answers for its own triage, a late sweep takes one rung per clock, and what is sent is said
once — end to end across weeks, with the clock moved by time-machine."""

import datetime as dt

import pytest
import time_machine

from clues import lifecycle
from clues.models import ClueEvent
from notifications.models import OutboxMessage
from supervision import ladder, letters
from supervision.models import EscalationStep, Letter
from tests.clues.lifecycle_helpers import new_clue
from tests.conftest import make_staff
from units.models import Unit
from units.workdays import SHANGHAI, WorkCalendar, local_date

pytestmark = pytest.mark.django_db

MONDAY = dt.datetime(2026, 3, 2, 10, tzinfo=SHANGHAI)  # no holiday for weeks around


def at(moment, **delta):
    return moment + dt.timedelta(**delta)


@pytest.fixture
def intake(db):
    return make_staff("intake", username="h_intake")


@pytest.fixture
def officers(db):
    return {code: make_staff("officer", code, username=f"h_{code}") for code in ("150921", "housing", "150902")}


def sweep(moment):
    with time_machine.travel(moment, tick=False):
        return ladder.sweep()


def escalations(clue):
    return list(ClueEvent.objects.filter(clue=clue, kind=ClueEvent.Kind.ESCALATED).order_by("at", "pk"))


def steps(clue, kind, state):
    return sorted(EscalationStep.objects.filter(clue=clue, deadline_kind=kind, state=state)
                  .values_list("step", flat=True))


def held_by(code, intake, officers, *, claim=False, contact=False):
    """A clue received and transferred on MONDAY to unit `code`; claimed and contacted if asked."""
    with time_machine.travel(MONDAY, tick=False):
        clue = new_clue()
        lifecycle.transfer(clue=clue, unit=code, by=intake)
        if claim:
            lifecycle.claim(clue=clue, by=officers[code])
        if contact:
            lifecycle.add_record(clue=clue, by=officers[code], kind="contact", note="已电话联系反映人")
        ladder.sweep()
    clue.refresh_from_db()
    return clue


@pytest.mark.parametrize("code", ["150921", "housing"])  # a district and a sector department
@pytest.mark.parametrize("clock", ["claim", "response", "close"])
def test_each_breached_clock_sends_the_letter_to_the_unit_holding_the_clue(clock, code, intake, officers):
    clue = held_by(code, intake, officers, claim=clock != "claim", contact=clock == "close")
    deadline = getattr(clue, f"{clock}_deadline")
    sweep(at(deadline, minutes=1))
    letter = Letter.objects.get(kind="reminder")
    assert letter.unit.code == code and list(letter.clues.all()) == [clue]
    assert letter.problems[0]["tracking_code"] == clue.tracking_code
    clocks = {"认领期限": "claim", "响应期限": "response", "办结期限": "close"}
    assert clocks[letter.problems[0]["problem"][:4]] == clock
    event = escalations(clue)[-1]
    assert event.actor_unit.code == code and event.data["deadline"] == clock and event.data["step"] == "reminder"
    assert OutboxMessage.objects.filter(user=officers[code], subject__startswith="提醒函").count() == 1


def test_a_clue_re_transferred_between_breach_and_next_rung_has_the_next_rung_addressed_to_the_new_unit(
        intake, officers):
    clue = held_by("150921", intake, officers, claim=True)  # no contact: the response clock runs
    breach = at(clue.response_deadline, minutes=1)  # Fri 6 Mar 00:00:59
    sweep(breach)
    assert Letter.objects.get(kind="reminder").unit.code == "150921"
    with time_machine.travel(at(breach, hours=9), tick=False):
        lifecycle.return_to_triage(clue=clue, by=officers["150921"], reason="工地在集宁区")
    with time_machine.travel(at(breach, hours=10), tick=False):
        lifecycle.transfer(clue=clue, unit="housing", by=intake)
    sweep(at(breach, days=4, hours=10))  # Tue 10 Mar 10:00: the 2nd working day after the deadline's day
    assert Letter.objects.get(kind="supervision").unit.code == "housing"
    event = [e for e in escalations(clue) if e.data["deadline"] == "response"][-1]
    assert (event.data["step"], event.data["unit"], event.actor_unit.code) == ("supervision", "housing", "housing")


def test_a_clue_breaching_in_triage_is_the_citys_own_with_the_right_words(intake, officers):
    with time_machine.travel(MONDAY, tick=False):
        clue = new_clue()
        ladder.sweep()
    sweep(at(clue.response_deadline, minutes=1))
    assert not Letter.objects.exists()
    notice = OutboxMessage.objects.get(user=intake, subject__contains="未及时转办")
    assert "未及时响应" in notice.subject and "退回" not in notice.subject and clue.tracking_code in notice.body
    event = escalations(clue)[-1]
    assert event.actor_unit is None and "市级受理环节" in event.note and "退回" not in event.note
    assert EscalationStep.objects.get(clue=clue, state="taken", step="reminder").unit is None


def test_a_sweep_run_thirty_working_days_late_takes_one_rung_per_clock_and_supersedes_the_rest(intake, officers):
    clue = held_by("150921", intake, officers)  # transferred, never claimed: claim, response and close run
    calendar = WorkCalendar.around(local_date(clue.claim_deadline), 60)
    late = dt.datetime.combine(calendar.add_working_days(local_date(clue.claim_deadline), 30), dt.time(12),
                               tzinfo=SHANGHAI)
    report = sweep(late)
    assert steps(clue, "claim", "taken") == ["referral"]
    assert steps(clue, "claim", "superseded") == ["reminder", "summons", "supervision", "warn"]
    assert steps(clue, "response", "taken") == ["summons"]  # the response clock's ladder ends at 约谈函
    assert steps(clue, "close", "taken") == ["referral"]
    events = escalations(clue)
    assert len(events) == 3  # one per clock, each saying which rungs it covers
    claim_event = next(e for e in events if e.data["deadline"] == "claim")
    assert claim_event.data["covers"] == ["warn", "reminder", "supervision", "summons"]
    assert "补发" in claim_event.note
    kinds = sorted(Letter.objects.values_list("kind", flat=True))
    assert kinds == ["referral", "summons"]  # never a 提醒函 and a 督办函 for the same clue in one sweep
    assert len(Letter.objects.get(kind="referral").problems) == 1  # the clue once, both clocks in its problem
    assert report.taken == 3 and report.superseded == 4 + 3 + 4
    assert sweep(at(late, minutes=1)).taken == 0


def test_after_a_late_rung_the_next_keeps_its_distance(intake, officers):
    clue = held_by("150921", intake, officers)  # claim deadline Tue 3 Mar 23:59:59
    calendar = WorkCalendar.around(local_date(clue.claim_deadline), 30)
    # The sweep was down until the 3rd working day after the deadline's day: 督办函 (2nd) is taken then.
    third = calendar.add_working_days(local_date(clue.claim_deadline), 3)
    sweep(dt.datetime.combine(third, dt.time(10), tzinfo=SHANGHAI))
    assert steps(clue, "claim", "taken") == ["supervision"]
    summons = EscalationStep.objects.get(clue=clue, deadline_kind="claim", state="pending")
    # 约谈函 is 3 working days after 督办函 on the schedule: 3 working days after the day it was taken.
    assert summons.step == "summons"
    assert local_date(summons.due_at) == calendar.add_working_days(third, 3)


def test_one_notice_per_unit_and_rung_per_sweep_naming_the_clues(intake, officers):
    with time_machine.travel(MONDAY, tick=False):
        clues = [new_clue() for _ in range(3)]
        for clue in clues:
            lifecycle.transfer(clue=clue, unit="150921", by=intake)
        ladder.sweep()
    clues[0].refresh_from_db()
    # Claim clocks breach together; nobody claims; the response clocks breach two days later.
    sweep(at(clues[0].claim_deadline, minutes=1))
    notices = OutboxMessage.objects.filter(user=officers["150921"], subject__startswith="提醒函")
    assert notices.count() == 1
    assert all(c.tracking_code in notices.get().body for c in clues)
    letter = Letter.objects.get(kind="reminder")
    assert sorted(p["tracking_code"] for p in letter.problems) == sorted(c.tracking_code for c in clues)


def test_a_letter_issued_by_hand_keeps_its_problem_list_as_issued(intake, officers):
    clue = held_by("150921", intake, officers)
    with time_machine.travel(at(MONDAY, days=3), tick=False):
        letter = letters.letter_issue(kind="supervision", unit=Unit.objects.get(code="150921"),
                                      items=[(clue, "群众反映处置进展慢")], now=at(MONDAY, days=3), by=intake)
    clue.employer_name = "改名后的公司"
    clue.save(update_fields=["employer_name"])
    rows = letters.letter_rows(Letter.objects.get(pk=letter.pk))
    assert [(r["tracking_code"], r["employer_name"], r["problem"]) for r in rows] == [
        (clue.tracking_code, "乌兰察布市宏达建筑工程有限公司", "群众反映处置进展慢")]

"""The clue lifecycle: every move allowed and refused for every role, deadlines, events, merge, reopen."""

import datetime as dt
import threading
from decimal import Decimal

import pytest
import time_machine
from django.db import connection

from clues import lifecycle
from clues.models import Assignment, Clue, ClueEvent, DeadlinePolicy, HandlingRecord, Status
from core.api import ApplicationError, Conflict
from notifications.models import OutboxMessage
from tests.clues.lifecycle_helpers import (
    new_clue,
    to_assigned,
    to_closed,
    to_in_progress,
    to_resolved,
    to_unsatisfied,
)
from tests.conftest import make_staff
from units.workdays import SHANGHAI

pytestmark = pytest.mark.django_db


def setup_for(move, people):
    """A clue in a state where `move` is possible, and the move as a callable taking the actor."""
    intake, officer = people["intake"], people["officer"]
    clue = new_clue()
    if move == "transfer":
        return clue, lambda by: lifecycle.transfer(clue=clue, unit="150921", by=by)
    if move == "claim":
        to_assigned(clue, intake, officer.unit)
        return clue, lambda by: lifecycle.claim(clue=clue, by=by)
    if move == "record":
        to_in_progress(clue, intake, officer)
        return clue, lambda by: lifecycle.add_record(clue=clue, by=by, kind="contact", note="电话联系")
    if move == "return":
        to_assigned(clue, intake, officer.unit)
        return clue, lambda by: lifecycle.return_to_triage(clue=clue, by=by, reason="不属于本县")
    if move == "resolve":
        to_in_progress(clue, intake, officer)
        return clue, lambda by: lifecycle.resolve(clue=clue, by=by, result="no_arrears", note="已核实")
    if move == "approve":
        to_resolved(clue, intake, officer)
        return clue, lambda by: lifecycle.review(clue=clue, by=by, approve=True)
    if move == "reject":
        to_resolved(clue, intake, officer)
        return clue, lambda by: lifecycle.review(clue=clue, by=by, approve=False, reason="证据不足")
    if move == "followup":
        to_closed(clue, intake, officer)
        return clue, lambda by: lifecycle.followup(clue=clue, by=by, satisfied=True)
    if move == "reopen":
        to_unsatisfied(clue, intake, officer)
        return clue, lambda by: lifecycle.reopen(clue=clue, by=by, note="重新核查")
    if move == "merge":
        original = new_clue()
        return clue, lambda by: lifecycle.merge(clue=clue, into=original, by=by)
    raise AssertionError(move)


# move → roles that may make it (officer = of the unit the clue is assigned to)
ALLOWED = {
    "transfer": {"intake", "admin"},
    "claim": {"officer"},
    "record": {"officer"},
    "return": {"officer"},
    "resolve": {"officer"},
    "approve": {"intake", "supervisor", "admin"},
    "reject": {"intake", "supervisor", "admin"},
    "followup": {"intake", "supervisor", "admin"},
    "reopen": {"intake", "supervisor", "admin"},
    "merge": {"intake", "admin"},
}
ROLES = ["intake", "supervisor", "admin", "officer", "officer_other"]


@pytest.mark.parametrize("move", sorted(ALLOWED))
@pytest.mark.parametrize("role", ROLES)
def test_every_move_for_every_role(move, role, people):
    clue, perform = setup_for(move, people)
    before = Clue.objects.get(pk=clue.pk)
    events_before = ClueEvent.objects.count()
    if role in ALLOWED[move]:
        perform(people[role])
        assert ClueEvent.objects.count() > events_before
        assert Clue.objects.get(pk=clue.pk).version == before.version + 1
    else:
        with pytest.raises(ApplicationError) as refused:
            perform(people[role])
        assert refused.value.status_code == 403
        assert "权限" in refused.value.message or "本单位" in refused.value.message
        after = Clue.objects.get(pk=clue.pk)
        assert (after.status, after.version, after.unit_id) == (before.status, before.version, before.unit_id)
        assert ClueEvent.objects.count() == events_before


STATE_SETUP = {
    Status.RECEIVED: lambda c, p: c,
    Status.ASSIGNED: lambda c, p: to_assigned(c, p["intake"], p["officer"].unit),
    Status.IN_PROGRESS: lambda c, p: to_in_progress(c, p["intake"], p["officer"]),
    Status.RESOLVED: lambda c, p: to_resolved(c, p["intake"], p["officer"]),
    Status.CLOSED: lambda c, p: to_closed(c, p["intake"], p["officer"]),
}


WRONG_STATES = [(move, state) for move in sorted(ALLOWED) for state in Status
                if state not in lifecycle.TRANSITIONS[move].sources]


@pytest.mark.parametrize("move, state", WRONG_STATES)
def test_moves_from_a_wrong_state_are_refused_and_change_nothing(move, state, people):
    clue = STATE_SETUP[state](new_clue(), people)
    actor = people["officer"] if "officer" in ALLOWED[move] else people["intake"]
    before = Clue.objects.get(pk=clue.pk)
    with pytest.raises(Conflict) as refused:
        setup_perform = {
            "transfer": lambda: lifecycle.transfer(clue=clue, unit="housing", by=actor),
            "claim": lambda: lifecycle.claim(clue=clue, by=actor),
            "record": lambda: lifecycle.add_record(clue=clue, by=actor, kind="contact", note="联系"),
            "return": lambda: lifecycle.return_to_triage(clue=clue, by=actor, reason="错派"),
            "resolve": lambda: lifecycle.resolve(clue=clue, by=actor, result="no_arrears"),
            "approve": lambda: lifecycle.review(clue=clue, by=actor, approve=True),
            "reject": lambda: lifecycle.review(clue=clue, by=actor, approve=False, reason="不行"),
            "followup": lambda: lifecycle.followup(clue=clue, by=actor, satisfied=True),
            "reopen": lambda: lifecycle.reopen(clue=clue, by=actor),
            "merge": lambda: lifecycle.merge(clue=clue, into=new_clue(), by=actor),
        }[move]
        setup_perform()
    assert refused.value.status_code == 409
    after = Clue.objects.get(pk=clue.pk)
    assert (after.status, after.version) == (before.status, before.version)


class TestDeadlines:
    """Friday 26 Sep 2025: Sunday 28 is a 调休 working day, 1–8 Oct are off, Saturday 11 Oct works."""

    RECEIVED = dt.datetime(2025, 9, 26, 10, 0, tzinfo=SHANGHAI)

    def end_of(self, y, m, d):
        return dt.datetime(y, m, d, 23, 59, 59, tzinfo=SHANGHAI)

    def test_receipt_starts_the_response_and_close_clocks(self):
        clue = new_clue(received_at=self.RECEIVED)
        assert clue.response_deadline == self.end_of(2025, 9, 30)   # 28, 29, 30
        assert clue.close_deadline == self.end_of(2025, 10, 23)     # 15 working days incl. 28 Sep, 11 Oct
        assert clue.next_deadline_at == clue.response_deadline

    def test_red_clues_close_within_five_working_days(self):
        clue = new_clue(received_at=self.RECEIVED, risk_color="red")
        assert clue.close_deadline == self.end_of(2025, 10, 10)

    def test_a_policy_change_applies_to_clocks_started_after_it(self):
        first = new_clue(received_at=self.RECEIVED)
        DeadlinePolicy.objects.filter(risk_color="blue").update(close_days=10)
        second = new_clue(received_at=self.RECEIVED)
        first.refresh_from_db()
        assert first.close_deadline == self.end_of(2025, 10, 23)
        assert second.close_deadline == self.end_of(2025, 10, 16)

    def test_transfer_starts_the_claim_clock_on_the_working_day_calendar(self, people):
        clue = new_clue(received_at=self.RECEIVED)
        with time_machine.travel(dt.datetime(2025, 9, 30, 16, 0, tzinfo=SHANGHAI), tick=False):
            to_assigned(clue, people["intake"], people["officer"].unit)
        assert clue.claim_deadline == self.end_of(2025, 10, 9)
        assignment = Assignment.objects.get(clue=clue)
        assert assignment.claim_deadline == clue.claim_deadline
        assert clue.next_deadline_at == self.end_of(2025, 9, 30)  # the response clock is earlier

    def test_claim_stops_the_claim_clock(self, people):
        clue = new_clue(received_at=self.RECEIVED)
        with time_machine.travel(dt.datetime(2025, 9, 26, 11, 0, tzinfo=SHANGHAI), tick=False):
            to_in_progress(clue, people["intake"], people["officer"])
        assert "claim" not in lifecycle.running_deadlines(clue)
        assert Assignment.objects.get(clue=clue).claimed_by == people["officer"]

    def test_first_contact_stops_the_response_clock(self, people):
        clue = new_clue(received_at=self.RECEIVED)
        with time_machine.travel(dt.datetime(2025, 9, 29, 9, 0, tzinfo=SHANGHAI), tick=False):
            to_in_progress(clue, people["intake"], people["officer"])
            lifecycle.add_record(clue=clue, by=people["officer"], kind="site_check", note="现场核查")
            assert "response" in lifecycle.running_deadlines(clue)
            lifecycle.add_record(clue=clue, by=people["officer"], kind="contact", note="电话联系王勇")
        assert "response" not in lifecycle.running_deadlines(clue)
        assert clue.first_contact_at == dt.datetime(2025, 9, 29, 9, 0, tzinfo=SHANGHAI)
        assert clue.next_deadline_at == clue.close_deadline

    def test_a_late_clock_marks_the_clue_overdue_and_claiming_late_is_recorded(self, people):
        clue = new_clue(received_at=self.RECEIVED)
        with time_machine.travel(dt.datetime(2025, 9, 26, 11, 0, tzinfo=SHANGHAI), tick=False):
            to_assigned(clue, people["intake"], people["officer"].unit)
        with time_machine.travel(dt.datetime(2025, 10, 9, 9, 0, tzinfo=SHANGHAI), tick=False):
            lifecycle.claim(clue=clue, by=people["officer"])
        event = clue.events.get(kind="claimed")
        assert event.data["late"] is True
        assert clue.is_overdue  # the response clock (30 Sep) ran out and no contact yet

    def test_return_starts_the_24_hour_retransfer_clock_and_transfer_stops_it(self, people):
        clue = new_clue(received_at=self.RECEIVED)
        to_assigned(clue, people["intake"], people["officer"].unit)
        moment = dt.datetime(2025, 9, 29, 15, 0, tzinfo=SHANGHAI)
        with time_machine.travel(moment, tick=False):
            lifecycle.return_to_triage(clue=clue, by=people["officer"], reason="项目在丰镇市")
        assert clue.status == Status.RECEIVED and clue.unit is None
        assert clue.retransfer_deadline == moment + dt.timedelta(hours=24)
        assert lifecycle.running_deadlines(clue)["retransfer"] == clue.retransfer_deadline
        lifecycle.transfer(clue=clue, unit="150981", by=people["intake"])
        assert clue.retransfer_deadline is None
        units = list(Assignment.objects.filter(clue=clue).values_list("unit__code", "end_reason"))
        assert units == [("150921", "returned"), ("150981", "")]

    def test_resolve_stops_every_clock_and_records_on_time(self, people):
        clue = new_clue(received_at=self.RECEIVED)
        with time_machine.travel(dt.datetime(2025, 10, 20, 9, 0, tzinfo=SHANGHAI), tick=False):
            to_resolved(clue, people["intake"], people["officer"])
        assert lifecycle.running_deadlines(clue) == {}
        assert clue.next_deadline_at is None and not clue.is_overdue
        assert clue.events.get(kind="resolved").data["on_time"] is True

    def test_reject_puts_the_close_clock_back(self, people):
        clue = new_clue(received_at=self.RECEIVED)
        to_resolved(clue, people["intake"], people["officer"])
        lifecycle.review(clue=clue, by=people["supervisor"], approve=False, reason="未附支付凭证")
        assert clue.status == Status.IN_PROGRESS
        assert lifecycle.running_deadlines(clue)["close"] == self.end_of(2025, 10, 23)


class TestInputs:
    def test_transfer_needs_a_district_or_department(self, people):
        clue = new_clue()
        for unit in ("150900", "nowhere", None):
            with pytest.raises(ApplicationError) as refused:
                lifecycle.transfer(clue=clue, unit=unit, by=people["intake"])
            assert "unit" in refused.value.fields
        assert Clue.objects.get(pk=clue.pk).status == Status.RECEIVED

    def test_transfer_to_the_same_unit_again_is_refused(self, people):
        clue = new_clue()
        to_assigned(clue, people["intake"], people["officer"].unit)
        with pytest.raises(ApplicationError, match="无需重复转办"):
            lifecycle.transfer(clue=clue, unit="150921", by=people["intake"])

    def test_retransfer_of_an_unclaimed_clue_to_another_unit(self, people):
        clue = new_clue()
        to_assigned(clue, people["intake"], people["officer"].unit)
        lifecycle.transfer(clue=clue, unit="housing", by=people["intake"], note="改派住建局")
        assert clue.unit.code == "housing"
        assert list(clue.assignments.values_list("end_reason", flat=True)) == ["retransferred", ""]

    def test_return_needs_a_reason(self, people):
        clue = new_clue()
        to_assigned(clue, people["intake"], people["officer"].unit)
        with pytest.raises(ApplicationError) as refused:
            lifecycle.return_to_triage(clue=clue, by=people["officer"], reason="  ")
        assert refused.value.fields == {"reason": ["请填写退回理由。"]}

    def test_resolve_with_money_needs_amount_and_workers(self, people):
        clue = new_clue()
        to_in_progress(clue, people["intake"], people["officer"])
        with pytest.raises(ApplicationError) as refused:
            lifecycle.resolve(clue=clue, by=people["officer"], result="paid_partially")
        assert set(refused.value.fields) == {"amount_recovered", "workers_paid"}
        with pytest.raises(ApplicationError) as refused:
            lifecycle.resolve(clue=clue, by=people["officer"], result="unknown")
        assert "result" in refused.value.fields
        assert Clue.objects.get(pk=clue.pk).status == Status.IN_PROGRESS

    def test_payment_record_needs_amount_and_workers(self, people):
        clue = new_clue()
        to_in_progress(clue, people["intake"], people["officer"])
        with pytest.raises(ApplicationError) as refused:
            lifecycle.add_record(clue=clue, by=people["officer"], kind="payment", note="支付")
        assert set(refused.value.fields) == {"amount", "workers"}
        lifecycle.add_record(clue=clue, by=people["officer"], kind="payment", note="支付第一批",
                             amount="12000.50", workers=2)
        assert HandlingRecord.objects.get(clue=clue).amount == Decimal("12000.50")

    def test_reject_needs_a_reason(self, people):
        clue = new_clue()
        to_resolved(clue, people["intake"], people["officer"])
        with pytest.raises(ApplicationError) as refused:
            lifecycle.review(clue=clue, by=people["intake"], approve=False)
        assert "reason" in refused.value.fields

    def test_unsatisfied_followup_needs_a_note(self, people):
        clue = new_clue()
        to_closed(clue, people["intake"], people["officer"])
        with pytest.raises(ApplicationError) as refused:
            lifecycle.followup(clue=clue, satisfied=False)
        assert "note" in refused.value.fields


class TestFollowupAndReopen:
    def test_one_followup_per_closure(self, people):
        clue = new_clue()
        to_closed(clue, people["intake"], people["officer"])
        lifecycle.followup(clue=clue, satisfied=True)
        with pytest.raises(Conflict, match="不能重复回访"):
            lifecycle.followup(clue=clue, satisfied=False, note="改主意了")

    def test_reopen_after_an_unsatisfied_followup_returns_to_the_same_unit(self, people):
        clue = new_clue()
        to_unsatisfied(clue, people["intake"], people["officer"])
        lifecycle.reopen(clue=clue, by=people["supervisor"], note="核实剩余工资")
        assert clue.status == Status.IN_PROGRESS
        assert clue.unit == people["officer"].unit
        assert clue.result == "" and clue.closed_at is None
        assert "close" in lifecycle.running_deadlines(clue)
        assert clue.assignments.get().ended_at is None
        # and the unit can finish it again
        lifecycle.resolve(clue=clue, by=people["officer"], result="paid_in_full", amount_recovered=18000,
                          workers_paid=3)

    def test_reopen_is_refused_when_the_worker_was_satisfied(self, people):
        clue = new_clue()
        to_closed(clue, people["intake"], people["officer"])
        lifecycle.followup(clue=clue, satisfied=True)
        with pytest.raises(Conflict, match="回访不满意"):
            lifecycle.reopen(clue=clue, by=people["intake"])

    def test_reopen_is_refused_after_thirty_days(self, people):
        clue = new_clue()
        to_unsatisfied(clue, people["intake"], people["officer"])
        with time_machine.travel(clue.followup_at + dt.timedelta(days=31)):
            with pytest.raises(Conflict, match="超过30日"):
                lifecycle.reopen(clue=clue, by=people["intake"])


class TestMerge:
    def test_merge_closes_the_duplicate_and_links_both_ways(self, people):
        original = new_clue()
        duplicate = new_clue()
        to_assigned(duplicate, people["intake"], people["officer"].unit)
        lifecycle.merge(clue=duplicate, into=original, by=people["intake"])
        assert duplicate.status == Status.CLOSED
        assert duplicate.result == "duplicate" and duplicate.merged_into == original
        assert list(original.merged_duplicates.all()) == [duplicate]
        assert original.events.filter(kind="merged").exists()
        assert duplicate.events.get(kind="merged").is_public
        assert duplicate.assignments.get().end_reason == "closed"
        assert lifecycle.running_deadlines(duplicate) == {}

    def test_the_workers_code_shows_the_originals_progress(self, people):
        original = new_clue()
        duplicate = new_clue()
        lifecycle.merge(clue=duplicate, into=original, by=people["intake"])
        to_assigned(original, people["intake"], people["officer"].unit)
        assert lifecycle.public_subject(duplicate) == original
        shown = lifecycle.public_subject(duplicate)
        assert lifecycle.public_status_text(shown) == "已转交卓资县,等待承办单位认领"

    def test_merging_into_a_merged_clue_goes_to_its_original(self, people):
        root, middle, last = new_clue(), new_clue(), new_clue()
        lifecycle.merge(clue=middle, into=root, by=people["intake"])
        lifecycle.merge(clue=last, into=middle, by=people["intake"])
        assert last.merged_into == root

    def test_a_clue_cannot_be_merged_into_itself(self, people):
        clue = new_clue()
        with pytest.raises(ApplicationError, match="它自己"):
            lifecycle.merge(clue=clue, into=clue, by=people["intake"])


class TestEventsAndTimeline:
    def test_every_move_is_an_event_with_actor_unit_and_states(self, people):
        clue = new_clue()
        to_closed(clue, people["intake"], people["officer"])
        events = list(clue.events.order_by("at", "pk").values_list("kind", "from_status", "to_status"))
        assert events == [
            ("received", "", "received"),
            ("transferred", "received", "assigned"),
            ("claimed", "assigned", "in_progress"),
            ("resolved", "in_progress", "resolved"),
            ("review_approved", "resolved", "closed"),
        ]
        claimed = clue.events.get(kind="claimed")
        assert claimed.actor == people["officer"] and claimed.actor_unit.code == "150921"

    def test_events_are_append_only(self):
        clue = new_clue()
        event = clue.events.get()
        event.note = "changed"
        with pytest.raises(ValueError):
            event.save()

    def test_the_public_timeline_hides_internal_events(self, people):
        clue = new_clue()
        to_assigned(clue, people["intake"], people["officer"].unit)
        lifecycle.return_to_triage(clue=clue, by=people["officer"], reason="内部原因:不属于本县")
        lifecycle.transfer(clue=clue, unit="housing", by=people["intake"])
        texts = [item["text"] for item in lifecycle.public_timeline(clue)]
        assert texts == ["您反映的线索已归集受理", "已转交卓资县办理", "已转交住房和城乡建设局办理"]
        assert all("内部原因" not in text for text in texts)

    def test_moves_queue_notifications_in_the_same_transaction(self, people):
        clue = new_clue()
        to_assigned(clue, people["intake"], people["officer"].unit)
        inbox = OutboxMessage.objects.filter(user=people["officer"], channel="inapp")
        assert inbox.count() == 1 and clue.tracking_code in inbox.get().subject
        assert OutboxMessage.objects.filter(channel="sms", recipient=clue.complainant_phone).exists()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_officers_claiming_at_once_exactly_one_wins():
    intake = make_staff("intake", username="intake_c")
    first = make_staff("officer", "150921", username="off_1")
    second = make_staff("officer", "150921", username="off_2")
    clue = new_clue()
    to_assigned(clue, intake, first.unit)
    barrier = threading.Barrier(2)
    outcomes = {}

    def attempt(officer):
        try:
            barrier.wait(timeout=10)
            lifecycle.claim(clue=Clue.objects.get(pk=clue.pk), by=officer)
            outcomes[officer.username] = "won"
        except Conflict as exc:
            outcomes[officer.username] = exc.message
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt, args=(o,)) for o in (first, second)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert sorted(outcomes.values()) == ["won", "该线索已被认领,无需重复认领。"]
    clue.refresh_from_db()
    assert clue.status == Status.IN_PROGRESS
    assert clue.events.filter(kind="claimed").count() == 1
    assert Assignment.objects.get(clue=clue).claimed_by.username == next(
        name for name, outcome in outcomes.items() if outcome == "won")

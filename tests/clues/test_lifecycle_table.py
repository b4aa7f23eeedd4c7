"""The lifecycle's table is what the lifecycle does: the clocks a move declares start at the move, the inputs it
declares are asked for field by field, and no move is left out of the table."""

import datetime as dt

import pytest
import time_machine

from clues import clocks, lifecycle
from clues.models import Clue
from core.api import ApplicationError
from tests.clues.lifecycle_helpers import new_clue
from units.workdays import SHANGHAI

from .test_lifecycle import ALLOWED, setup_for

pytestmark = pytest.mark.django_db

ACTOR = {"transfer": "intake", "claim": "officer", "record": "officer", "return": "officer",
         "resolve": "officer", "approve": "intake", "reject": "intake", "followup": "intake", "reopen": "intake",
         "merge": "intake"}


def test_every_move_of_the_table_is_made_by_someone():
    assert set(lifecycle.TRANSITIONS) - {"receive"} == set(ALLOWED) == set(ACTOR)


@pytest.mark.parametrize("move", sorted(ACTOR))
def test_the_clocks_a_move_declares_start_at_the_move(move, people):
    moment = dt.datetime(2026, 3, 4, 10, tzinfo=SHANGHAI)  # a Wednesday, no holiday near
    with time_machine.travel(moment - dt.timedelta(days=2), tick=False):
        clue, perform = setup_for(move, people)
    with time_machine.travel(moment, tick=False):
        perform(people[ACTOR[move]])
    clue = Clue.objects.get(pk=clue.pk)
    policy = clocks.policy_for(clue)
    for kind in lifecycle.TRANSITIONS[move].starts:
        assert getattr(clue, clocks.CLOCKS[kind].field) == clocks.deadline_for(kind, moment, policy)
        assert kind in clocks.running_deadlines(clue)
    assert clue.ladder_dirty  # the next sweep brings the ladder in line with the clocks


def test_receiving_starts_the_clocks_the_table_declares_from_the_time_received():
    received = dt.datetime(2026, 3, 2, 9, tzinfo=SHANGHAI)
    clue = new_clue(received_at=received)
    assert set(lifecycle.TRANSITIONS["receive"].starts) == set(clocks.running_deadlines(clue)) == {"response",
                                                                                                  "close"}
    assert clue.close_deadline == clocks.deadline_for("close", received, clocks.policy_for(clue))


@pytest.mark.parametrize("move, call", [
    ("transfer", lambda c, p: lifecycle.transfer(clue=c, unit="", by=p["intake"])),
    ("record", lambda c, p: lifecycle.add_record(clue=c, by=p["officer"], kind="", note=" ")),
    ("return", lambda c, p: lifecycle.return_to_triage(clue=c, by=p["officer"], reason="")),
    ("resolve", lambda c, p: lifecycle.resolve(clue=c, by=p["officer"], result="nonsense")),
    ("reject", lambda c, p: lifecycle.review(clue=c, by=p["intake"], approve=False, reason="")),
    ("followup", lambda c, p: lifecycle.followup(clue=c, by=p["intake"], satisfied="maybe")),
    ("merge", lambda c, p: lifecycle.merge(clue=c, into=None, by=p["intake"])),
])
def test_each_declared_input_is_asked_for_by_name_and_nothing_changes(move, call, people):
    clue, _perform = setup_for(move, people)
    before = Clue.objects.get(pk=clue.pk)
    with pytest.raises(ApplicationError) as raised:
        call(clue, people)
    declared = {field for field, _message in lifecycle.TRANSITIONS[move].requires}
    assert set(raised.value.fields) == declared
    assert all(isinstance(m, str) and m for ms in raised.value.fields.values() for m in ms)
    after = Clue.objects.get(pk=clue.pk)
    assert (after.status, after.version) == (before.status, before.version)

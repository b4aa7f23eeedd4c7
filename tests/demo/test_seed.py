"""`make run`'s demo: users for every role, clues in every state, and a clue that has gone up the ladder with
the letters really issued to the unit holding it — and running it again changes nothing."""

import pytest

from accounts.models import User
from clues.models import Clue, ClueEvent
from demo.seed import seed_demo
from supervision.models import Letter

pytestmark = pytest.mark.django_db


def test_the_demo_has_every_role_every_state_and_a_clue_up_the_ladder():
    accounts = seed_demo("demo-password-2026")
    assert {role for _username, role, _unit in accounts} >= {"受理员", "承办员", "督办员", "管理员"}
    assert set(Clue.objects.values_list("status", flat=True)) == {"received", "assigned", "in_progress",
                                                                  "resolved", "closed"}
    overdue = Clue.objects.get(external_id="DEMO-08")
    letters = Letter.objects.filter(clues=overdue)
    assert letters.exists() and {letter.unit.code for letter in letters} == {overdue.unit.code}
    escalated = ClueEvent.objects.filter(clue=overdue, kind=ClueEvent.Kind.ESCALATED)
    assert escalated.exists() and all(e.actor_unit_id == overdue.unit_id for e in escalated)
    assert all(letter.problems for letter in letters)

    counts = (User.objects.count(), Clue.objects.count(), Letter.objects.count(), ClueEvent.objects.count())
    seed_demo("demo-password-2026")
    assert (User.objects.count(), Clue.objects.count(), Letter.objects.count(),
            ClueEvent.objects.count()) == counts

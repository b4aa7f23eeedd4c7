"""Walk a clue to a given state through the lifecycle (the only way states change)."""

from decimal import Decimal

from clues import lifecycle
from tests.factories import ClueFactory


def new_clue(**kwargs):
    clue = ClueFactory(**kwargs)
    lifecycle.record_received(clue)
    return clue


def to_assigned(clue, intake, unit):
    return lifecycle.transfer(clue=clue, unit=unit, by=intake, note="请核查")


def to_in_progress(clue, intake, officer):
    to_assigned(clue, intake, officer.unit)
    return lifecycle.claim(clue=clue, by=officer)


def to_resolved(clue, intake, officer):
    to_in_progress(clue, intake, officer)
    return lifecycle.resolve(clue=clue, by=officer, result="paid_in_full", amount_recovered=Decimal("36000"),
                             workers_paid=3, note="已足额支付")


def to_closed(clue, intake, officer):
    to_resolved(clue, intake, officer)
    return lifecycle.review(clue=clue, by=intake, approve=True)


def to_unsatisfied(clue, intake, officer):
    to_closed(clue, intake, officer)
    return lifecycle.followup(clue=clue, satisfied=False, note="只发了一半", by=None)

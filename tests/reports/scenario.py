"""Constructed March 2026 data, walked through the lifecycle at chosen moments, with every figure known.

March 2026 has no public holiday: a clue received on Monday 2 March has its close deadline on Monday 23 March
(15 working days) and a transfer on a day has its claim deadline at 23:59:59 of the next working day.

  A  qr           zhuozi claims on time, resolves 03-05 (36000 yuan, 3 workers), closed 03-06; satisfied
  B  12345        zhuozi returns it, re-transferred to housing, closed 03-11 (no arrears)
  C  web, orange  housing claims late, resolves 03-24 after the deadline (100000 yuan, 5 workers), closed 03-25
  D  qr           zhuozi closes 03-05, worker unsatisfied 03-06, reopened 03-09: in progress now, and overdue
                  (no contact with the worker was ever recorded: the response deadline of 03-05 has passed)
  E  qr           merged into A: a duplicate, not a clue of its own
  F  walk-in      transferred to zhuozi only on 03-25, after its close deadline: overdue now
  G  web          received 03-31 23:30 Beijing time (still March), waiting for triage
  H  web          received 04-01 00:10 Beijing time: outside the period
  I  12333        transferred to housing, never claimed: claimed late
The report is read at 2026-03-26 12:00.
"""

import datetime as dt
from decimal import Decimal

import time_machine

from clues import lifecycle
from tests.clues.lifecycle_helpers import new_clue
from tests.conftest import make_staff
from units.workdays import SHANGHAI

NOW = dt.datetime(2026, 3, 26, 12, 0, tzinfo=SHANGHAI)


def at(month, day, hour=9, minute=0):
    return dt.datetime(2026, month, day, hour, minute, tzinfo=SHANGHAI)


def build_march(units):
    intake = make_staff("intake", username="sc_intake")
    zhuozi = make_staff("officer", "150921", username="sc_off_zz")
    housing = make_staff("officer", "housing", username="sc_off_housing")
    zz, hs = units["150921"], units["housing"]
    clues = {}

    def step(moment, action):
        with time_machine.travel(moment, tick=False):
            return action()

    def receive(name, moment, channel, **extra):
        clues[name] = step(moment, lambda: new_clue(received_at=moment, channel=channel, **extra))

    received = at(3, 2)
    receive("A", received, "qr")
    receive("B", received, "hotline_12345")
    receive("C", received, "web", risk_color="orange")
    receive("D", received, "qr")
    receive("E", received, "qr")
    receive("F", received, "walk_in")
    receive("I", received, "hotline_12333")
    receive("G", at(3, 31, 23, 30), "web")
    receive("H", at(4, 1, 0, 10), "web")
    A, B, C, D, E, F, I = (clues[k] for k in "ABCDEFI")  # noqa: E741 - the letters of the table above

    step(at(3, 2, 10), lambda: lifecycle.transfer(clue=A, unit=zz, by=intake))
    step(at(3, 3, 9), lambda: lifecycle.claim(clue=A, by=zhuozi))
    step(at(3, 5, 10), lambda: lifecycle.resolve(clue=A, by=zhuozi, result="paid_in_full",
                                                 amount_recovered=Decimal("36000"), workers_paid=3))
    step(at(3, 6, 10), lambda: lifecycle.review(clue=A, by=intake, approve=True))
    step(at(3, 9, 10), lambda: lifecycle.followup(clue=A, satisfied=True))

    step(at(3, 2, 10), lambda: lifecycle.transfer(clue=B, unit=zz, by=intake))
    step(at(3, 2, 15), lambda: lifecycle.return_to_triage(clue=B, by=zhuozi, reason="属行业部门管辖"))
    step(at(3, 3, 9), lambda: lifecycle.transfer(clue=B, unit=hs, by=intake))
    step(at(3, 3, 10), lambda: lifecycle.claim(clue=B, by=housing))
    step(at(3, 10, 10), lambda: lifecycle.resolve(clue=B, by=housing, result="no_arrears"))
    step(at(3, 11, 10), lambda: lifecycle.review(clue=B, by=intake, approve=True))

    step(at(3, 2, 10), lambda: lifecycle.transfer(clue=C, unit=hs, by=intake))
    step(at(3, 5, 9), lambda: lifecycle.claim(clue=C, by=housing))
    step(at(3, 24, 10), lambda: lifecycle.resolve(clue=C, by=housing, result="paid_partially",
                                                  amount_recovered=Decimal("100000"), workers_paid=5))
    step(at(3, 25, 10), lambda: lifecycle.review(clue=C, by=intake, approve=True))

    step(at(3, 2, 10), lambda: lifecycle.transfer(clue=D, unit=zz, by=intake))
    step(at(3, 2, 11), lambda: lifecycle.claim(clue=D, by=zhuozi))
    step(at(3, 4, 10), lambda: lifecycle.resolve(clue=D, by=zhuozi, result="no_arrears"))
    step(at(3, 5, 10), lambda: lifecycle.review(clue=D, by=intake, approve=True))
    step(at(3, 6, 10), lambda: lifecycle.followup(clue=D, satisfied=False, note="工资仍未发"))
    step(at(3, 9, 10), lambda: lifecycle.reopen(clue=D, by=intake, note="重新核查"))

    step(at(3, 2, 12), lambda: lifecycle.merge(clue=E, into=A, by=intake))
    step(at(3, 25, 9), lambda: lifecycle.transfer(clue=F, unit=zz, by=intake))
    step(at(3, 2, 10), lambda: lifecycle.transfer(clue=I, unit=hs, by=intake))

    for clue in clues.values():
        clue.refresh_from_db()
    return {"clues": clues, "intake": intake, "zhuozi": zhuozi, "housing": housing}

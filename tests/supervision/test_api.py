"""The API of 统一督办: letters (a unit officer: the unit's own), the ladder of one clue, the board's figures."""

import datetime as dt

import pytest
import time_machine

from supervision import ladder
from supervision.models import Letter
from tests.clues.lifecycle_helpers import new_clue, to_assigned
from tests.conftest import make_staff
from units.workdays import SHANGHAI

pytestmark = pytest.mark.django_db

MONDAY = dt.datetime(2026, 3, 2, 10, tzinfo=SHANGHAI)
THURSDAY = dt.datetime(2026, 3, 5, 10, tzinfo=SHANGHAI)


@pytest.fixture
def city(db):
    people = {"intake": make_staff("intake", username="api_intake"),
              "supervisor": make_staff("supervisor", username="api_sup"),
              "zz": make_staff("officer", "150921", username="api_zz"),
              "housing": make_staff("officer", "housing", username="api_housing")}
    with time_machine.travel(MONDAY, tick=False):
        a, b = new_clue(), new_clue()
        to_assigned(a, people["intake"], people["zz"].unit)
        to_assigned(b, people["intake"], people["housing"].unit)
    with time_machine.travel(THURSDAY, tick=False):
        ladder.sweep()
    return {"a": a, "b": b, **people}


def get(api_client, user, url):
    api_client.force_authenticate(user)
    with time_machine.travel(THURSDAY + dt.timedelta(minutes=5), tick=False):
        return api_client.get(url)


def test_city_staff_list_every_letter_with_its_problem_list(api_client, city):
    body = get(api_client, city["supervisor"], "/api/v1/letters/").json()
    assert body["count"] == Letter.objects.count() == 2
    letter = body["results"][0]
    assert letter["kind"] == "supervision" and letter["number"].startswith("乌薪督〔2026〕")
    assert letter["clues"] == [entry["tracking_code"] for entry in letter["problems"]]
    assert letter["problems"][0]["problem"].startswith("认领期限")
    assert letter["downloads"]["pdf"].endswith("/pdf")


def test_an_officer_sees_only_the_units_own_letters(api_client, city):
    body = get(api_client, city["zz"], "/api/v1/letters/").json()
    assert [letter["unit"] for letter in body["results"]] == ["150921"]
    other = Letter.objects.get(unit__code="housing")
    assert get(api_client, city["zz"], f"/api/v1/letters/{other.pk}/").status_code == 404


def test_letters_filter_by_unit_kind_and_day(api_client, city):
    assert get(api_client, city["intake"], "/api/v1/letters/?unit=housing").json()["count"] == 1
    assert get(api_client, city["intake"], "/api/v1/letters/?kind=reminder").json()["count"] == 0
    assert get(api_client, city["intake"], "/api/v1/letters/?issued_from=2026-03-05&issued_to=2026-03-05"
               ).json()["count"] == 2
    assert get(api_client, city["intake"], "/api/v1/letters/?issued_from=2026-03-06").json()["count"] == 0
    bad = get(api_client, city["intake"], "/api/v1/letters/?kind=poem&issued_from=yesterday")
    assert bad.status_code == 400
    fields = bad.json()["error"]["fields"]
    assert set(fields) == {"kind", "issued_from"}


def test_the_ladder_of_a_clue_in_the_api(api_client, city):
    rows = get(api_client, city["zz"], f"/api/v1/clues/{city['a'].pk}/escalations/").json()
    claim = [(r["rung"], r["state"]) for r in rows if r["clock"] == "claim"]
    # No sweep ran between the transfer and Thursday: the 提醒函 is superseded by the 督办函 taken then.
    assert claim == [("reminder", "superseded"), ("supervision", "taken"), ("summons", "pending")]
    taken = next(r for r in rows if r["state"] == "taken")
    assert taken["unit"] == "150921" and taken["letter"].startswith("乌薪督")
    assert get(api_client, city["housing"], f"/api/v1/clues/{city['a'].pk}/escalations/").status_code == 404


def test_the_board_figures_match_the_board(api_client, client, city):
    body = get(api_client, city["supervisor"], "/api/v1/supervision/board/").json()
    assert body["overdue_totals"]["supervision"] == 2 and body["overdue_totals"]["total"] == 2
    assert {row["unit"]: row["total"] for row in body["overdue"]} == {"150921": 1, "housing": 1}
    assert {row["unit"]: row["unclaimed_now"] for row in body["unclaimed"]} == {"150921": 1, "housing": 1}
    assert len(body["letters"]) == 2
    assert body["referrals"] == {"total": 0, "pending": 0, "delivered": 0, "failed": 0}
    assert get(api_client, city["zz"], "/api/v1/supervision/board/").status_code == 403


def test_the_supervision_api_is_in_the_schema(api_client, city):
    api_client.force_authenticate(city["supervisor"])
    schema = api_client.get("/api/schema/", {"format": "json"}).json()
    for path in ("/api/v1/letters/", "/api/v1/letters/{id}/", "/api/v1/clues/{id}/escalations/",
                 "/api/v1/supervision/board/"):
        assert path in schema["paths"], path

"""The worker's own wage check in the public API: that worker's months and nothing else; a wrong pair is one
neutral 404; rate limited like tracking."""

import datetime as dt

import pytest
import time_machine
from django.core.cache import cache
from django.test import override_settings

from projects import payroll
from tests.factories import resident_id

pytestmark = pytest.mark.django_db

TODAY = dt.datetime(2026, 7, 15, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))
WORKER_ID = resident_id("15092119850612301")
WORKER_PHONE = "13947401234"
OTHER_ID = resident_id("15260119880909402")


@pytest.fixture(autouse=True)
def _fresh():
    cache.clear()
    with time_machine.travel(TODAY, tick=False):
        yield
    cache.clear()


def _line(id_number, phone, due, paid, paid_on, name="王勇"):
    return {"worker_name": name, "id_number": id_number, "phone": phone, "wage_due": due, "wage_paid": paid,
            "paid_on": paid_on}


@pytest.fixture
def payrolls(people, project):
    """March paid, April short, May: the worker is not on it; June: paid late (a re-upload, version 2)."""
    by = people["manager"]
    def other(month):
        return _line(OTHER_ID, "13947409999", "8800", "8800", dt.date(2026, month + 1, 5), name="李春梅")

    months = {
        3: [_line(WORKER_ID, WORKER_PHONE, "6000", "6000", dt.date(2026, 4, 10)), other(3)],
        4: [_line(WORKER_ID, WORKER_PHONE, "6000", "4000", dt.date(2026, 5, 10)), other(4)],
        5: [other(5)],
        6: [_line(WORKER_ID, WORKER_PHONE, "6200", "0", None), other(6)],
    }
    for month, lines in months.items():
        payroll.put_payroll(project=project, month=dt.date(2026, month, 1), rows=list(enumerate(lines)), by=by)
    payroll.put_payroll(project=project, month=dt.date(2026, 6, 1), by=by, rows=list(enumerate([
        _line(WORKER_ID, WORKER_PHONE, "6200", "6200", dt.date(2026, 7, 12)), other(6)])))
    return project


def _check(client, project, id_number=WORKER_ID, phone=WORKER_PHONE):
    return client.post(f"/api/v1/public/projects/{project.public_id}/wages/",
                       {"id_number": id_number, "phone": phone}, format="json")


def test_the_worker_sees_their_own_months_and_nothing_else(api_client, payrolls):
    response = _check(api_client, payrolls, id_number=WORKER_ID.lower(), phone="139 4740 1234")
    assert response.status_code == 200, response.content
    assert response.json() == {"months": [
        {"month": "2026-03", "wage_due": "6000.00", "wage_paid": "6000.00", "paid_on": "2026-04-10"},
        {"month": "2026-04", "wage_due": "6000.00", "wage_paid": "4000.00", "paid_on": "2026-05-10"},
        {"month": "2026-05", "wage_due": None, "wage_paid": None, "paid_on": None},
        {"month": "2026-06", "wage_due": "6200.00", "wage_paid": "6200.00", "paid_on": "2026-07-12"},
    ]}
    text = response.content.decode()
    assert "8800" not in text and "李春梅" not in text and OTHER_ID not in text


@pytest.mark.parametrize("id_number, phone", [
    (WORKER_ID, "13947409999"),  # another worker's phone
    (OTHER_ID, WORKER_PHONE),  # another worker's ID
    (WORKER_ID[:-1] + "0", WORKER_PHONE),  # a wrong check digit
    ("", WORKER_PHONE),
    ("x" * 41, WORKER_PHONE),
])
def test_a_wrong_pair_is_one_neutral_404(api_client, payrolls, id_number, phone):
    response = _check(api_client, payrolls, id_number=id_number, phone=phone)
    if id_number == "":
        assert response.status_code == 400
        assert response.json()["error"]["fields"]["id_number"]
        return
    assert response.status_code == 404
    assert response.json()["error"] == {"code": "not_found", "message": (
        "身份证号或手机号不正确,或该项目的工资表中没有您的记录。"), "fields": {}}


def test_another_projects_code_finds_nothing(api_client, payrolls, other_project):
    assert _check(api_client, other_project).status_code == 404
    response = api_client.post("/api/v1/public/projects/not-a-uuid/wages/", {"id_number": WORKER_ID,
                                                                              "phone": WORKER_PHONE}, format="json")
    assert response.status_code == 404


@override_settings(PUBLIC_RATE_LIMIT="3/m")
def test_wage_checks_are_rate_limited(api_client, payrolls):
    for _attempt in range(3):
        assert _check(api_client, payrolls, phone="13900000000").status_code == 404
    response = _check(api_client, payrolls)
    assert response.status_code == 429
    assert response.json()["error"]["code"] == "throttled" and int(response["Retry-After"]) > 0

"""The lifecycle API: each move over HTTP, per-object permissions, the error format, the units list."""

import pytest

from clues.models import Status
from tests.clues.lifecycle_helpers import new_clue, to_assigned, to_closed, to_in_progress, to_resolved
from tests.conftest import make_staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def intake(db):
    return make_staff("intake", username="api_intake")


@pytest.fixture
def officer(db):
    return make_staff("officer", "150921", username="api_officer")


@pytest.fixture
def other_officer(db):
    return make_staff("officer", "150981", username="api_other")


def test_units_lists_districts_and_departments(api_as, intake):
    response = api_as(intake).get("/api/v1/units/")
    assert response.status_code == 200
    kinds = {}
    for unit in response.json():
        kinds.setdefault(unit["kind"], []).append(unit["code"])
    assert len(kinds["district"]) == 11 and len(kinds["department"]) == 18
    assert {"code": "150921", "name": "卓资县", "full_name": "乌兰察布市卓资县", "kind": "district"} in response.json()
    only_departments = api_as(intake).get("/api/v1/units/?kind=department").json()
    assert {u["kind"] for u in only_departments} == {"department"}


def test_units_need_authentication(api_client):
    assert api_client.get("/api/v1/units/").status_code in (401, 403)


def test_the_whole_path_over_the_api(api_as, intake, officer):
    clue = new_clue()
    staff, unit = api_as(intake), api_as(officer)
    response = staff.post(f"/api/v1/clues/{clue.pk}/transfer/", {"unit": "150921", "note": "请核查"},
                          format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "assigned" and response.json()["unit"] == "150921"
    assert response.json()["deadlines"]["claim"] is not None

    assert unit.post(f"/api/v1/clues/{clue.pk}/claim/").json()["status"] == "in_progress"
    response = unit.post(f"/api/v1/clues/{clue.pk}/records/",
                         {"kind": "contact", "note": "电话联系反映人王勇"}, format="json")
    assert response.status_code == 200
    assert len(unit.get(f"/api/v1/clues/{clue.pk}/records/").json()) == 1
    response = unit.post(f"/api/v1/clues/{clue.pk}/resolve/",
                         {"result": "paid_in_full", "amount_recovered": "36000.00", "workers_paid": 3,
                          "note": "企业已足额支付"}, format="json")
    assert response.json()["status"] == "resolved"
    response = staff.post(f"/api/v1/clues/{clue.pk}/review/", {"approve": True}, format="json")
    assert response.json()["status"] == "closed"
    response = staff.post(f"/api/v1/clues/{clue.pk}/followup/", {"satisfied": False, "note": "还差一个月"},
                          format="json")
    assert "reopen" in response.json()["allowed_actions"]
    response = staff.post(f"/api/v1/clues/{clue.pk}/reopen/", {"note": "核实最后一个月"}, format="json")
    assert response.json()["status"] == "in_progress"
    kinds = [e["kind"] for e in staff.get(f"/api/v1/clues/{clue.pk}/events/").json()]
    assert kinds == ["received", "transferred", "claimed", "record", "resolved", "review_approved", "followup",
                     "reopened"]


def test_return_and_review_reject_over_the_api(api_as, intake, officer):
    clue = new_clue()
    to_assigned(clue, intake, officer.unit)
    response = api_as(officer).post(f"/api/v1/clues/{clue.pk}/return/", {"reason": "不属于本县"},
                                    format="json")
    assert response.json()["status"] == "received"
    other = new_clue()
    to_resolved(other, intake, officer)
    response = api_as(intake).post(f"/api/v1/clues/{other.pk}/review/", {"approve": False, "reason": "缺凭证"},
                                   format="json")
    assert response.json()["status"] == "in_progress"


def test_merge_over_the_api(api_as, intake):
    original, duplicate = new_clue(), new_clue()
    response = api_as(intake).post(f"/api/v1/clues/{duplicate.pk}/merge/", {"into": original.pk},
                                   format="json")
    assert response.status_code == 200
    assert response.json()["merged_into"] == original.pk and response.json()["result"] == "duplicate"


def test_an_officer_of_another_unit_gets_404_not_the_data(api_as, intake, officer, other_officer):
    clue = new_clue()
    to_assigned(clue, intake, officer.unit)
    client = api_as(other_officer)
    for path in ("claim/", "events/", "records/"):
        method = client.get if path in ("events/", "records/") else client.post
        response = method(f"/api/v1/clues/{clue.pk}/{path}")
        assert response.status_code == 404, path
        assert response.json()["error"]["code"] == "not_found"
    assert clue.tracking_code not in client.get(f"/api/v1/clues/{clue.pk}/events/").content.decode()


def test_an_officer_still_sees_a_clue_the_unit_returned_but_cannot_act(api_as, intake, officer):
    clue = new_clue()
    to_assigned(clue, intake, officer.unit)
    api_as(officer).post(f"/api/v1/clues/{clue.pk}/return/", {"reason": "错派"}, format="json")
    client = api_as(officer)
    assert client.get(f"/api/v1/clues/{clue.pk}/events/").status_code == 200
    response = client.post(f"/api/v1/clues/{clue.pk}/transfer/", {"unit": "150921"}, format="json")
    assert response.status_code == 403
    assert response.json()["error"] == {"code": "permission_denied", "message": "您没有“转办”的权限。",
                                        "fields": {}}


def test_a_supervisor_cannot_transfer(api_as, intake):
    supervisor = make_staff("supervisor", username="api_sup")
    clue = new_clue()
    response = api_as(supervisor).post(f"/api/v1/clues/{clue.pk}/transfer/", {"unit": "150921"}, format="json")
    assert response.status_code == 403


def test_a_conflict_is_409_in_chinese(api_as, intake, officer):
    clue = new_clue()
    to_in_progress(clue, intake, officer)
    response = api_as(officer).post(f"/api/v1/clues/{clue.pk}/claim/")
    assert response.status_code == 409
    assert response.json()["error"]["message"] == "该线索已被认领,无需重复认领。"


def test_bad_input_is_reported_field_by_field(api_as, intake, officer):
    clue = new_clue()
    response = api_as(intake).post(f"/api/v1/clues/{clue.pk}/transfer/", {"unit": "150900"}, format="json")
    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {"unit": ["请选择一个旗县市区或行业部门作为承办单位。"]}
    to_in_progress(clue, intake, officer)
    response = api_as(officer).post(f"/api/v1/clues/{clue.pk}/resolve/",
                                    {"result": "paid_in_full", "amount_recovered": "-5"}, format="json")
    assert response.status_code == 400
    assert "amount_recovered" in response.json()["error"]["fields"]
    response = api_as(officer).post(f"/api/v1/clues/{clue.pk}/resolve/", {"result": "bogus"}, format="json")
    assert response.json()["error"]["fields"]["result"] == ["“bogus” 不是合法选项。"]
    assert api_as(officer).post(f"/api/v1/clues/{clue.pk}/records/", {"kind": "contact"},
                                format="json").json()["error"]["fields"] == {"note": ["该字段是必填项。"]}
    clue.refresh_from_db()
    assert clue.status == Status.IN_PROGRESS


@pytest.mark.parametrize("path", ["abc/claim/", "999999/claim/", "0/transfer/"])
def test_unknown_clues_are_404_not_500(api_as, intake, path):
    response = api_as(intake).post(f"/api/v1/clues/{path}", {"unit": "150921"}, format="json")
    assert response.status_code == 404


def test_followup_needs_a_closed_clue(api_as, intake, officer):
    clue = new_clue()
    response = api_as(intake).post(f"/api/v1/clues/{clue.pk}/followup/", {"satisfied": True}, format="json")
    assert response.status_code == 409
    to_closed(clue, intake, officer)
    response = api_as(intake).post(f"/api/v1/clues/{clue.pk}/followup/", {"satisfied": "maybe"}, format="json")
    assert response.status_code == 400 and "satisfied" in response.json()["error"]["fields"]


def test_lifecycle_endpoints_are_in_the_schema(client):
    schema = client.get("/api/schema/").content.decode()
    for path in ("transfer", "claim", "return", "records", "resolve", "review", "followup", "reopen", "merge"):
        assert f"/api/v1/clues/{{id}}/{path}/" in schema, path
    assert "/api/v1/units/" in schema


@pytest.mark.parametrize("occurred_at", ["0001-01-01", "0001-01-01T00:00:00+14:00"])
def test_a_record_time_beyond_the_calendar_is_a_field_error(api_as, intake, officer, occurred_at):
    clue = to_in_progress(new_clue(), intake, officer)
    response = api_as(officer).post(f"/api/v1/clues/{clue.pk}/records/",
                                    {"kind": "contact", "note": "电话联系", "occurred_at": occurred_at}, format="json")
    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {"occurred_at": ["日期时间超出可处理的范围。"]}
    assert not clue.records.exists()


@pytest.mark.parametrize("path, body", [("resolve/", '{"result": "\\ud800"}'),
                                        ("records/", '{"kind": "\\ud800", "note": "电话联系"}')])
def test_a_lone_surrogate_escape_in_a_choice_is_a_field_error_not_a_crash(api_as, intake, officer, path, body):
    clue = to_in_progress(new_clue(), intake, officer)
    response = api_as(officer).post(f"/api/v1/clues/{clue.pk}/{path}", data=body, content_type="application/json")
    assert response.status_code == 400
    field = "result" if path == "resolve/" else "kind"
    assert response.json()["error"]["fields"] == {field: ["含有无效字符,请重新选择。"]}
    clue.refresh_from_db()
    assert clue.status == Status.IN_PROGRESS and not clue.records.exists()

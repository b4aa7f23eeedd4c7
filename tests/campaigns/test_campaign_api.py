"""The campaign API: the seed's winter campaign entered through it and read back exactly from the summary, the
problem's actions and their refusals in the API's one format, deadlines in working days, and who sees which
project and problem (per role and unit)."""

import datetime as dt

import pytest
import time_machine
from django.utils import timezone
from rest_framework.test import APIClient

from campaigns.models import Campaign
from projects.models import Project
from tests.conftest import make_staff
from tests.factories import ProjectFactory
from units.models import Unit

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 12, 1)
WINTER = {"name": "冬季攻坚", "start": "2026-11-01", "end": "2027-01-31", "scope": "government",
          "description": "政府和国企投资项目全覆盖检查"}


@pytest.fixture
def people(db):
    return {
        "supervisor": make_staff("supervisor", username="c_supervisor"),
        "intake": make_staff("intake", username="c_intake"),
        "zhuozi": make_staff("officer", "150921", username="c_zhuozi"),
        "fengzhen": make_staff("officer", "150981", username="c_fengzhen"),
        "housing": make_staff("officer", "housing", username="c_housing"),
        "manager": make_staff("wage_manager", username="c_manager"),
    }


def ok(response, status=200):
    assert response.status_code == status, response.content.decode()
    return response.json()


def error(response, status, code=None):
    assert response.status_code == status, response.content.decode()
    body = response.json()["error"]
    assert {"code", "message", "fields"} <= set(body)
    if code:
        assert body["code"] == code
    return body


@time_machine.travel(dt.datetime(2026, 12, 1, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=8))), tick=False)
def test_the_seed_winter_campaign_entered_through_the_api_reads_back_exactly(people, api_as):
    """354 government/SOE projects inspected, 229 problems rectified, 64 supervised problems on 31 projects
    cleared (and 71 problems still being rectified)."""
    districts = list(Unit.objects.filter(kind="district").order_by("code"))
    Project.objects.bulk_create([
        Project(code=f"WINTER-{n:03d}", name=f"冬季攻坚检查项目{n}号", district=districts[n % len(districts)],
                is_government_invested=True) for n in range(354)])
    client = api_as(people["supervisor"])
    campaign = ok(client.post("/api/v1/campaigns/", WINTER, format="json"), 201)
    base = f"/api/v1/campaigns/{campaign['id']}"
    for n in range(354):
        ok(client.post(f"{base}/projects/", {"project": f"WINTER-{n:03d}"}, format="json"), 201)

    units = {p.code: p.district.code for p in Project.objects.filter(code__startswith="WINTER-")}

    def report(n, deadline="2026-12-20"):
        code = f"WINTER-{n:03d}"
        return ok(client.post(f"{base}/problems/", {
            "project": code, "category": "wage_account", "description": "未开设农民工工资专用账户",
            "deadline": deadline, "unit": units[code], "found_on": "2026-11-10"}, format="json"), 201)["id"]

    # 64 problems on 31 projects (two each, a third on the first two), supervised, rectified and cleared.
    supervised = [report(n) for n in range(31) for _twice in range(2)] + [report(0), report(1)]
    for pk in supervised:
        ok(client.post(f"{base}/problems/{pk}/supervise/"))
        ok(client.post(f"{base}/problems/{pk}/rectify/", {"rectified_on": "2026-11-28",
                                                          "evidence": "已开户,银行凭证号 NX-1"}, format="json"))
        assert ok(client.post(f"{base}/problems/{pk}/clear/"))["state"] == "cleared"
    # 165 more rectified in time, 71 outstanding (deadline in working days, not passed yet).
    for n in range(165):
        pk = report(40 + n)
        ok(client.post(f"{base}/problems/{pk}/rectify/", {"rectified_on": "2026-11-20", "evidence": "已整改"},
                       format="json"))
    for n in range(71):
        report(210 + n % 100, deadline=15)

    assert ok(client.get(f"{base}/summary/")) == {
        "projects": 354, "problems_found": 300, "problems_rectified": 229, "problems_outstanding": 71,
        "supervised_problems": 64, "supervised_cleared": 64, "supervised_projects": 31}


@pytest.fixture
def campaign(people, units):
    zz = ProjectFactory(code="ZZ-GOV", district=units["150921"], sector=units["housing"],
                        is_government_invested=True)
    fz = ProjectFactory(code="FZ-GOV", district=units["150981"], sector=units["energy"],
                        is_government_invested=True)
    ProjectFactory(code="ZZ-PRIVATE", district=units["150921"], is_government_invested=False)
    campaign = Campaign.objects.create(name="冬季攻坚", start=dt.date(2026, 11, 1), end=dt.date(2027, 1, 31))
    client = api_as_user(people["supervisor"])
    for code in ("ZZ-GOV", "FZ-GOV"):
        ok(client.post(f"/api/v1/campaigns/{campaign.pk}/projects/", {"project": code}, format="json"), 201)
    return {"campaign": campaign, "zz": zz, "fz": fz, "base": f"/api/v1/campaigns/{campaign.pk}"}


def api_as_user(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def problem(client, base, code, unit, deadline="2026-12-31", **extra):
    return client.post(f"{base}/problems/", {"project": code, "category": "deposit", "description": "保证金未存储",
                                             "deadline": deadline, "unit": unit, **extra}, format="json")


def test_a_deadline_in_days_counts_working_days_on_the_calendar(people, campaign):
    client = api_as_user(people["supervisor"])
    with time_machine.travel(dt.datetime(2026, 10, 12, 9, 0, tzinfo=dt.UTC), tick=False):
        # Found on the eve of the National Day holiday: Oct 1–7 are off, Saturday Oct 10 is a 调休 working day.
        body = ok(problem(client, campaign["base"], "ZZ-GOV", "150921", deadline=3, found_on="2026-09-30"), 201)
    assert (body["deadline"], body["deadline_working_days"]) == ("2026-10-10", 3)
    bad = error(problem(client, campaign["base"], "ZZ-GOV", "150921", deadline="soon"), 400, "invalid")
    assert "deadline" in bad["fields"]


def test_the_project_must_be_in_the_campaign_and_in_its_scope(people, campaign):
    client = api_as_user(people["supervisor"])
    body = error(client.post(f"{campaign['base']}/projects/", {"project": "ZZ-PRIVATE"}, format="json"), 400)
    assert "范围" in body["fields"]["project"][0]
    error(client.post(f"{campaign['base']}/projects/", {"project": "ZZ-GOV"}, format="json"), 409, "conflict")
    body = error(problem(client, campaign["base"], "ZZ-PRIVATE", "150921"), 400)
    assert "纳入" in body["fields"]["project"][0]
    body = error(problem(client, campaign["base"], "ZZ-GOV", "150981"), 400)
    assert "unit" in body["fields"]


def test_the_actions_refuse_the_wrong_state_with_409_and_the_wrong_person_with_403(people, campaign):
    supervisor, zhuozi = api_as_user(people["supervisor"]), api_as_user(people["zhuozi"])
    pk = ok(problem(zhuozi, campaign["base"], "ZZ-GOV", "150921"), 201)["id"]
    url = f"{campaign['base']}/problems/{pk}"
    error(zhuozi.post(f"{url}/supervise/"), 403, "permission_denied")
    error(supervisor.post(f"{url}/clear/"), 409, "conflict")  # not supervised, not rectified
    rectify = {"rectified_on": timezone.localdate().isoformat(), "evidence": "已缴纳保证金"}
    assert ok(zhuozi.post(f"{url}/rectify/", rectify, format="json"))["state"] == "rectified"
    error(zhuozi.post(f"{url}/rectify/", rectify, format="json"), 409, "conflict")
    error(supervisor.post(f"{url}/supervise/"), 409, "conflict")  # rectified in time: nothing to supervise
    body = error(zhuozi.post(f"{url}/rectify/", {"evidence": ""}, format="json"), 400, "invalid")
    assert set(body["fields"]) == {"rectified_on", "evidence"}


def test_each_role_and_unit_sees_its_own_projects_and_problems(people, campaign):
    base = campaign["base"]
    supervisor = api_as_user(people["supervisor"])
    ok(problem(supervisor, base, "ZZ-GOV", "150921"), 201)
    ok(problem(supervisor, base, "ZZ-GOV", "housing"), 201)
    fz_problem = ok(problem(supervisor, base, "FZ-GOV", "150981"), 201)["id"]

    def seen(user):
        client = api_as_user(user)
        problems = ok(client.get(f"{base}/problems/"))["results"]
        projects = ok(client.get(f"{base}/projects/"))["results"]
        return sorted(p["project"] + ":" + p["unit"] for p in problems), sorted(p["project"] for p in projects)

    assert seen(people["intake"]) == (["FZ-GOV:150981", "ZZ-GOV:150921", "ZZ-GOV:housing"], ["FZ-GOV", "ZZ-GOV"])
    assert seen(people["zhuozi"]) == (["ZZ-GOV:150921", "ZZ-GOV:housing"], ["ZZ-GOV"])
    assert seen(people["housing"]) == (["ZZ-GOV:150921", "ZZ-GOV:housing"], ["ZZ-GOV"])
    assert seen(people["fengzhen"]) == (["FZ-GOV:150981"], ["FZ-GOV"])
    assert ok(api_as_user(people["fengzhen"]).get(f"{base}/summary/"))["problems_found"] == 1
    assert ok(supervisor.get(f"{base}/summary/"))["problems_found"] == 3

    zhuozi = api_as_user(people["zhuozi"])
    error(zhuozi.get(f"{base}/problems/{fz_problem}/"), 404, "not_found")
    error(zhuozi.post(f"{base}/problems/{fz_problem}/rectify/", {}, format="json"), 404, "not_found")
    body = error(problem(zhuozi, base, "FZ-GOV", "150981"), 400)
    assert body["fields"]["project"] == ["项目不存在或无权查看。"]
    error(zhuozi.post("/api/v1/campaigns/", WINTER, format="json"), 403, "permission_denied")
    manager = api_as_user(people["manager"])
    error(manager.get("/api/v1/campaigns/"), 403, "permission_denied")
    error(manager.get(f"{base}/summary/"), 404)
    error(manager.get("/api/v1/risk/projects/"), 403)


def test_the_campaigns_are_in_the_openapi_schema(people, api_as):
    schema = api_as(people["supervisor"]).get("/api/schema/?format=json").json()
    paths = schema["paths"]
    for path in ("/api/v1/campaigns/", "/api/v1/campaigns/{id}/projects/", "/api/v1/campaigns/{id}/problems/",
                 "/api/v1/campaigns/{id}/problems/{problem}/rectify/", "/api/v1/campaigns/{id}/summary/",
                 "/api/v1/inspections/", "/api/v1/inspections/pick/", "/api/v1/risk/projects/{code}/"):
        assert any(p.replace("{pk}", "{id}") == path for p in paths), path

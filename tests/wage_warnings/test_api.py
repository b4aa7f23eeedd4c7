"""The warnings API: filters, who sees which warning (per object), the handling actions with errors in the API's
one format, the rules an administrator edits, the board's figures, all in the OpenAPI schema."""

import datetime as dt

import pytest
from django.utils import timezone

from tests.conftest import make_staff
from tests.factories import ProjectFactory, WarningFactory
from units.models import Unit
from wage_warnings.models import Rule, WageWarning

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(db):
    units = {u.code: u for u in Unit.objects.all()}
    zhuozi = ProjectFactory(code="ZZ-HOUSING", district=units["150921"], sector=units["housing"])
    fengzhen = ProjectFactory(code="FZ-ENERGY", district=units["150981"], sector=units["energy"])
    jining = ProjectFactory(code="JN-HOUSING", district=units["150902"], sector=units["housing"])
    manager = make_staff("wage_manager", username="api_manager")
    fengzhen.managers.add(manager)
    now = timezone.now()
    warnings = {
        "zz_red": WarningFactory(project=zhuozi, code="wage_account_missing"),
        "zz_yellow": WarningFactory(project=zhuozi, code="roster_missing"),
        "fz_red": WarningFactory(project=fengzhen, code="payroll_late", period="2026-09"),
        "jn_closed": WarningFactory(project=jining, code="notice_board_missing", state="closed", closed_at=now,
                                    close_reason="cleared"),
        "zz_overdue": WarningFactory(project=zhuozi, code="deposit_missing", assigned_unit=units["150921"],
                                     assigned_at=now - dt.timedelta(days=10),
                                     handling_deadline=now - dt.timedelta(days=2)),
    }
    return {
        "warnings": warnings,
        "intake": make_staff("intake", username="api_intake"),
        "admin": make_staff("admin", username="api_admin", is_staff=True),
        "zhuozi": make_staff("officer", "150921", username="api_zhuozi"),
        "housing": make_staff("officer", "housing", username="api_housing"),
        "fengzhen": make_staff("officer", "150981", username="api_fengzhen"),
        "manager": manager,
    }


def ids(response):
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


def keys(world, *names):
    return {world["warnings"][name].pk for name in names}


def test_filters(world, api_as):
    client = api_as(world["intake"])
    assert ids(client.get("/api/v1/warnings/")) == keys(world, *world["warnings"])
    assert ids(client.get("/api/v1/warnings/?level=yellow")) == keys(world, "zz_yellow", "jn_closed")
    assert ids(client.get("/api/v1/warnings/?rule=payroll_late")) == keys(world, "fz_red")
    assert ids(client.get("/api/v1/warnings/?state=closed")) == keys(world, "jn_closed")
    assert ids(client.get("/api/v1/warnings/?district=150921")) == keys(world, "zz_red", "zz_yellow", "zz_overdue")
    assert ids(client.get("/api/v1/warnings/?sector=housing&state=open")) == keys(world, "zz_red", "zz_yellow",
                                                                                   "zz_overdue")
    assert ids(client.get("/api/v1/warnings/?project=FZ-ENERGY")) == keys(world, "fz_red")
    assert ids(client.get("/api/v1/warnings/?overdue=true")) == keys(world, "zz_overdue")
    assert ids(client.get("/api/v1/warnings/?unit=150921")) == keys(world, "zz_overdue")
    row = next(r for r in client.get("/api/v1/warnings/?overdue=true").json()["results"])
    assert (row["project"], row["district"], row["sector"], row["rule"], row["is_overdue"]) == (
        "ZZ-HOUSING", "150921", "housing", "deposit_missing", True)
    assert row["allowed_actions"] == ["assign", "dismiss"]  # not yet handled: city staff may reassign or dismiss


def test_a_filter_value_that_is_not_a_choice_is_a_chinese_error_in_the_one_format(world, api_as):
    response = api_as(world["intake"]).get("/api/v1/warnings/?level=purple&state=gone")
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid" and {"level", "state"} <= set(error["fields"])
    assert "purple" in error["fields"]["level"][0] and "选择" in error["fields"]["level"][0]


@pytest.mark.parametrize(("who", "visible"), [
    ("intake", ("zz_red", "zz_yellow", "fz_red", "jn_closed", "zz_overdue")),
    ("zhuozi", ("zz_red", "zz_yellow", "zz_overdue")),
    ("housing", ("zz_red", "zz_yellow", "jn_closed", "zz_overdue")),
    ("fengzhen", ("fz_red",)),
    ("manager", ("fz_red",)),
])
def test_who_sees_which_warning(world, api_as, who, visible):
    client = api_as(world[who])
    assert ids(client.get("/api/v1/warnings/")) == keys(world, *visible)
    for name, warning in world["warnings"].items():
        expected = 200 if name in visible else 404
        response = client.get(f"/api/v1/warnings/{warning.pk}/")
        assert response.status_code == expected, (who, name)
        if expected == 404:
            assert response.json()["error"]["code"] == "not_found"


def test_assign_respond_and_dismiss_through_the_api(world, api_as):
    red = world["warnings"]["zz_red"]
    response = api_as(world["intake"]).post(f"/api/v1/warnings/{red.pk}/assign/", {"unit": "housing"},
                                            format="json")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["assigned_unit"] == "housing" and body["handling_deadline"]
    refused = api_as(world["zhuozi"]).post(f"/api/v1/warnings/{red.pk}/respond/", {"response": "已核查"},
                                           format="json")
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "permission_denied"
    empty = api_as(world["housing"]).post(f"/api/v1/warnings/{red.pk}/respond/", {"response": ""}, format="json")
    assert empty.status_code == 400 and "response" in empty.json()["error"]["fields"]
    done = api_as(world["housing"]).post(f"/api/v1/warnings/{red.pk}/respond/",
                                         {"response": "已责令总包单位3日内开设专户"}, format="json")
    assert done.status_code == 200 and done.json()["response"] == "已责令总包单位3日内开设专户"
    again = api_as(world["housing"]).post(f"/api/v1/warnings/{red.pk}/respond/", {"response": "再报"},
                                          format="json")
    assert again.status_code == 409 and again.json()["error"]["code"] == "conflict"

    wrong_unit = api_as(world["intake"]).post(f"/api/v1/warnings/{world['warnings']['zz_yellow'].pk}/assign/",
                                              {"unit": "150981"}, format="json")
    assert wrong_unit.status_code == 400
    assert wrong_unit.json()["error"]["fields"]["unit"] == ["只能交办给项目所在旗县市区或其行业主管部门。"]
    yellow = world["warnings"]["zz_yellow"]
    officer = api_as(world["zhuozi"]).post(f"/api/v1/warnings/{yellow.pk}/dismiss/", {"reason": "误报"},
                                           format="json")
    assert officer.status_code == 403
    city = api_as(world["intake"]).post(f"/api/v1/warnings/{yellow.pk}/dismiss/", {"reason": "项目已停工待复工"},
                                        format="json")
    assert city.status_code == 200 and city.json()["state"] == "dismissed"
    hidden = api_as(world["fengzhen"]).post(f"/api/v1/warnings/{yellow.pk}/dismiss/", {"reason": "x"},
                                            format="json")
    assert hidden.status_code == 404


def test_the_wage_manager_replies_through_the_api(world, api_as):
    warning = world["warnings"]["fz_red"]
    response = api_as(world["manager"]).post(f"/api/v1/warnings/{warning.pk}/reply/",
                                             {"text": "9月工资已于10月8日通过专户代发"}, format="json")
    assert response.status_code == 200 and response.json()["reply"].startswith("9月工资")
    assert api_as(world["manager"]).post(f"/api/v1/warnings/{world['warnings']['zz_red'].pk}/reply/",
                                         {"text": "x"}, format="json").status_code == 404


def test_rules_are_read_by_staff_and_edited_by_administrators_with_each_parameter_checked(world, api_as,
                                                                                         django_capture_on_commit_callbacks):
    listed = api_as(world["zhuozi"]).get("/api/v1/rules/")
    assert listed.status_code == 200
    rules = {rule["code"]: rule for rule in listed.json()}
    assert len(rules) == 12 and rules["wage_account_missing"]["parameters"] == {"days": 30}
    assert rules["below_minimum_wage"]["parameters"]["minimum_wage"]["150902"] == "2310"
    assert "第二十六条" in rules["wage_account_missing"]["description"]
    assert api_as(world["manager"]).get("/api/v1/rules/").json() == []

    admin = api_as(world["admin"])
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        changed = admin.patch("/api/v1/rules/wage_account_missing/", {"parameters": {"days": 45}}, format="json")
    assert changed.status_code == 200 and changed.json()["parameters"] == {"days": 45}
    assert len(callbacks) == 1  # every project is evaluated again after the commit
    rule = Rule.objects.get(code="wage_account_missing")
    assert (rule.parameters, rule.updated_by) == ({"days": 45}, world["admin"])

    for body, field in [
        ({"parameters": {"days": "三十"}}, "parameters.days"),
        ({"parameters": {"days": 400}}, "parameters.days"),
        ({"parameters": {"weeks": 4}}, "parameters.weeks"),
        ({"parameters": "days=30"}, "parameters"),
        ({"level": "orange"}, "level"),
    ]:
        refused = admin.patch("/api/v1/rules/wage_account_missing/", body, format="json")
        assert refused.status_code == 400, body
        assert field in refused.json()["error"]["fields"], refused.json()
    wage = admin.patch("/api/v1/rules/below_minimum_wage/",
                       {"parameters": {"minimum_wage": {"default": "2400", "999999": "2500"}}}, format="json")
    assert wage.json()["error"]["fields"]["parameters.minimum_wage"] == ["未知的旗县市区代码:999999。"]
    accepted = admin.patch("/api/v1/rules/below_minimum_wage/",
                           {"parameters": {"minimum_wage": {"default": 2400, "150902": "2480.50"}}}, format="json")
    assert accepted.json()["parameters"]["minimum_wage"] == {"default": "2400", "150902": "2480.5"}
    no_default = admin.patch("/api/v1/rules/below_minimum_wage/",
                             {"parameters": {"minimum_wage": {"150902": "2500"}}}, format="json")
    assert "default" in no_default.json()["error"]["fields"]["parameters.minimum_wage"][0]
    assert Rule.objects.get(code="wage_account_missing").parameters == {"days": 45}

    off = admin.patch("/api/v1/rules/roster_missing/", {"is_active": False, "level": "red"}, format="json")
    assert off.status_code == 200 and (off.json()["is_active"], off.json()["level"]) == (False, "red")
    assert api_as(world["intake"]).patch("/api/v1/rules/roster_missing/", {"is_active": True},
                                         format="json").status_code == 403
    assert admin.patch("/api/v1/rules/no_such_rule/", {"is_active": True}, format="json").status_code == 404


def test_the_board_figures_per_scope(world, api_as):
    city = api_as(world["intake"]).get("/api/v1/reports/monitoring/").json()
    assert city["scope"] == "city"
    assert (city["totals"]["red"], city["totals"]["yellow"]) == (3, 1)
    districts = {row["unit"]: row for row in city["by_district"]}
    assert len(districts) == 11 and (districts["150921"]["red"], districts["150921"]["yellow"]) == (2, 1)
    assert [row["unit"] for row in city["handling"] if row["overdue"]] == ["150921"]

    own = api_as(world["fengzhen"]).get("/api/v1/reports/monitoring/").json()
    assert own["scope"]["unit"] == "150981"
    assert [row["unit"] for row in own["by_district"]] == ["150981"]
    assert (own["totals"]["projects"], own["totals"]["red"]) == (1, 1)
    refused = api_as(world["manager"]).get("/api/v1/reports/monitoring/")
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "permission_denied"


def test_every_endpoint_is_in_the_openapi_schema(api_as, db):
    schema = api_as(make_staff("intake", username="api_schema")).get("/api/schema/?format=json").json()
    for path in ("/api/v1/warnings/", "/api/v1/warnings/{id}/", "/api/v1/warnings/{id}/assign/",
                 "/api/v1/warnings/{id}/respond/", "/api/v1/warnings/{id}/dismiss/", "/api/v1/rules/",
                 "/api/v1/rules/{code}/", "/api/v1/reports/monitoring/"):
        assert path in schema["paths"], path
    parameters = {p["name"] for p in schema["paths"]["/api/v1/warnings/"]["get"]["parameters"]}
    assert {"project", "level", "rule", "state", "district", "sector", "overdue"} <= parameters
    assert "patch" in schema["paths"]["/api/v1/rules/{code}/"]
    assert not WageWarning.objects.exists()

"""GET /api/v1/reports/completion/ and the drill-down list: figures, permissions, Chinese errors."""

import pytest
import time_machine
from django.contrib.auth.models import Group

from tests.conftest import make_staff
from tests.factories import UserFactory

from .scenario import NOW, build_march

URL = "/api/v1/reports/completion/"
CLUES_URL = "/api/v1/reports/clues/"
MARCH = {"start": "2026-03-01", "end": "2026-03-31"}

pytestmark = pytest.mark.django_db


@pytest.fixture
def march(units):
    return build_march(units)


def get(client, url, params):
    with time_machine.travel(NOW, tick=False):
        return client.get(url, params)


def test_the_report_has_the_documented_shape_with_rates_as_numbers(march, api_as, supervisor_user):
    response = get(api_as(supervisor_user), URL, MARCH)
    assert response.status_code == 200
    body = response.json()
    assert {"collected", "closed", "completion_rate", "transferred_to_departments", "departments_closed",
            "departments_completion_rate", "amount_recovered", "workers_paid", "overdue_now", "by_unit",
            "by_channel", "by_risk_color"} <= set(body)
    assert (body["collected"], body["closed"], body["completion_rate"]) == (7, 3, 42.86)
    assert (body["transferred_to_departments"], body["departments_closed"]) == (3, 2)
    assert body["departments_completion_rate"] == 66.67
    assert (body["amount_recovered"], body["workers_paid"], body["overdue_now"]) == (136000.0, 8, 2)
    assert body["period"] == {"start": "2026-03-01", "end": "2026-03-31"}
    housing = next(row for row in body["by_unit"] if row["unit"] == "housing")
    assert {"unit", "kind", "assigned", "claimed_on_time", "closed", "closed_on_time", "overdue_now",
            "median_working_days_to_close", "satisfaction_rate"} <= set(housing)
    assert (housing["kind"], housing["assigned"], housing["median_working_days_to_close"]) == ("department", 3, 12.0)
    assert housing["satisfaction_rate"] is None
    assert [row["channel"] for row in body["by_channel"]][:2] == ["qr", "web"]
    assert body["by_risk_color"][1] == {"risk_color": "orange", "label": "橙色(一般)", "collected": 1, "closed": 1,
                                        "completion_rate": 100.0, "overdue_now": 0}


@pytest.mark.parametrize("role", ["intake", "supervisor", "admin"])
def test_city_staff_see_every_unit(units, api_as, role):
    response = api_as(make_staff(role, username=f"r_{role}")).get(URL, MARCH)
    assert response.status_code == 200
    assert response.json()["scope"] == "city"
    assert len(response.json()["by_unit"]) == 29


def test_an_officer_sees_only_their_unit_beside_the_city_average(march, api_as):
    body = get(api_as(march["zhuozi"]), URL, MARCH).json()
    assert body["scope"] == {"unit": "150921", "name": "卓资县"}
    assert [row["unit"] for row in body["by_unit"]] == ["150921"]
    assert body["city_average"]["completion_rate"] == 50.0
    assert body["city_average"]["assigned"] == 3.5
    assert "housing" not in str(body["by_unit"])


def test_a_user_without_a_role_is_refused_in_chinese(units, api_as):
    response = api_as(UserFactory(username="norole")).get(URL, MARCH)
    assert response.status_code == 403
    assert response.json()["error"]["message"] == "您没有查看统计报表的权限。"


def test_an_officer_without_a_unit_is_refused(units, api_as):
    user = UserFactory(username="loose_officer")
    user.groups.add(Group.objects.get(name="officer"))
    assert api_as(user).get(URL, MARCH).status_code == 403


def test_anonymous_is_refused(client):
    assert client.get(URL, MARCH).status_code in (401, 403)


@pytest.mark.parametrize("params, field, message", [
    ({"end": "2026-03-31"}, "start", "请填写开始日期(格式:YYYY-MM-DD)。"),
    ({"start": "2026-03-01"}, "end", "请填写结束日期(格式:YYYY-MM-DD)。"),
    ({"start": "2026/03/01", "end": "2026-03-31"}, "start", "开始日期格式有误,请按 YYYY-MM-DD 填写,例如 2026-01-31。"),
    ({"start": "2026-02-30", "end": "2026-03-31"}, "start", "开始日期格式有误,请按 YYYY-MM-DD 填写,例如 2026-01-31。"),
    ({"start": "2026-03-31", "end": "2026-03-01"}, "end", "结束日期不能早于开始日期。"),
    ({"start": "1999-12-31", "end": "2000-01-31"}, "start", "开始日期不能早于2000年1月1日。"),
    ({"start": "2000-01-01", "end": "2026-01-01"}, "end", "统计期间不能超过10年。"),
    ({**MARCH, "trend": "day"}, "trend", "趋势只能按周(week)或按月(month)。"),
])
def test_a_bad_period_gets_a_field_error_in_chinese(units, api_as, supervisor_user, params, field, message):
    response = api_as(supervisor_user).get(URL, params)
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid"
    assert error["fields"][field] == [message]


def test_the_trend_can_be_asked_by_month(units, api_as, supervisor_user):
    body = api_as(supervisor_user).get(URL, {"start": "2026-01-01", "end": "2026-03-31", "trend": "week"}).json()
    assert body["trend_granularity"] == "week" and len(body["trend"]) == 14
    body = api_as(supervisor_user).get(URL, {"start": "2026-01-01", "end": "2026-03-31", "trend": "month"}).json()
    assert [row["label"] for row in body["trend"]] == ["2026年1月", "2026年2月", "2026年3月"]


def test_drill_down_lists_the_clues_behind_a_figure(march, api_as, supervisor_user):
    response = get(api_as(supervisor_user), CLUES_URL, {**MARCH, "metric": "claimed_late", "unit": "housing"})
    assert response.status_code == 200
    codes = {row["tracking_code"] for row in response.json()["results"]}
    assert codes == {march["clues"]["C"].tracking_code, march["clues"]["I"].tracking_code}


def test_an_officer_cannot_drill_into_another_units_figures(march, api_as):
    response = get(api_as(march["zhuozi"]), CLUES_URL, {**MARCH, "metric": "closed", "unit": "housing"})
    assert response.status_code == 403
    assert response.json()["error"]["message"] == "您只能查看本单位的统计数据。"


def test_drill_down_refuses_unknown_metric_unit_channel_and_colour(units, api_as, supervisor_user):
    response = api_as(supervisor_user).get(CLUES_URL, {**MARCH, "metric": "everything", "unit": "nowhere",
                                                       "channel": "fax", "risk_color": "green"})
    assert response.status_code == 400
    fields = response.json()["error"]["fields"]
    assert fields == {"metric": ["请选择要查看的统计项。"], "unit": ["没有代码为“nowhere”的承办单位。"],
                      "channel": ["来源渠道有误。"], "risk_color": ["风险等级有误。"]}


@pytest.mark.parametrize("code", ["\x00", "150\x00921"])
def test_drill_down_with_a_nul_byte_in_the_unit_code_is_a_field_error(units, api_as, supervisor_user, code):
    response = api_as(supervisor_user).get(CLUES_URL, {**MARCH, "metric": "closed", "unit": code})
    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {"unit": [f"没有代码为“{code.replace(chr(0), '')}”的承办单位。"]}

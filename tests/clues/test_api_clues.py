"""The staff clue API: POST/GET /api/v1/clues/ and GET /api/v1/clues/{id}/."""

import datetime as dt
import io
import json

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from accounts.roles import Role
from clues.models import Assignment, Clue
from tests.conftest import make_staff
from tests.factories import ClueFactory, ProjectFactory
from units.models import Unit
from units.workdays import SHANGHAI

pytestmark = pytest.mark.django_db

URL = "/api/v1/clues/"
ID_NUMBER = "15092119900307123X"


def payload(**overrides):
    data = {
        "channel": "hotline_12345",
        "employer_name": "乌兰察布市宏达建筑工程有限公司",
        "employer_credit_code": "91350100M000100Y43",
        "work_address": "集宁区新华街",
        "district_code": "150902",
        "complainant_name": "李娜",
        "complainant_phone": "13800138000",
        "complainant_id_number": ID_NUMBER,
        "worker_count": 12,
        "amount_owed": "150000.50",
        "owed_from": "2026-05",
        "owed_to": "2026-09",
        "description": "主体完工后总包一直拖欠。",
    }
    data.update(overrides)
    return data


def local(*args):
    return dt.datetime(*args, tzinfo=SHANGHAI)


def assign(clue, unit_code, **fields):
    unit = Unit.objects.get(code=unit_code)
    now = timezone.now()
    Assignment.objects.create(clue=clue, unit=unit, assigned_at=now, claim_deadline=now)
    for name, value in {"unit": unit, "status": "assigned", **fields}.items():
        setattr(clue, name, value)
    clue.save()
    return clue


# --- create -----------------------------------------------------------------------------------------------

def test_intake_staff_file_a_clue_and_get_it_back_masked(api_as, intake_user):
    response = api_as(intake_user).post(URL, payload(), format="json")
    assert response.status_code == 201
    body = response.json()
    clue = Clue.objects.get()
    assert body["id"] == clue.pk and body["tracking_code"] == clue.tracking_code
    assert (clue.channel, clue.created_by) == ("hotline_12345", intake_user)
    assert body["channel"] == "hotline_12345" and body["status"] == "received"
    assert body["complainant_phone"] == "138****8000"
    assert body["complainant_id_number"] == "1509**********123X"
    assert body["amount_owed"] == "150000.50" and body["worker_count"] == 12
    assert (body["owed_from"], body["owed_to"]) == ("2026-05", "2026-09")
    assert body["district_code"] == "150902" and body["unit"] is None
    assert body["risk_color"] == "orange" and body["risk_reasons"]
    assert set(body["deadlines"]) == {"claim", "response", "close", "retransfer"}
    assert body["deadlines"]["close"] is not None and body["deadlines"]["claim"] is None
    assert body["suggested_units"][0]["code"] == "150902"
    assert body["warnings"] == {}
    assert body["created_by"] == intake_user.username


@pytest.mark.parametrize("channel", ["qr", "web", "walk_in", "letter_visit", "transfer_in", "national_platform"])
def test_any_channel_may_be_filed_through_the_staff_api(api_as, intake_user, channel):
    extra = {"consent": True} if channel in ("qr", "web") else {}
    response = api_as(intake_user).post(URL, payload(channel=channel, **extra), format="json")
    assert response.status_code == 201
    assert Clue.objects.get().channel == channel


def test_qr_and_web_clues_need_the_workers_consent(api_as, intake_user):
    response = api_as(intake_user).post(URL, payload(channel="web"), format="json")
    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {"consent": ["请阅读并同意个人信息处理说明后再提交。"]}


def test_received_at_is_kept_and_deadlines_count_from_it(api_as, intake_user):
    response = api_as(intake_user).post(URL, payload(received_at="2025-09-26T09:30:00"), format="json")
    assert response.status_code == 201
    clue = Clue.objects.get()
    assert clue.received_at == local(2025, 9, 26, 9, 30)
    assert clue.response_deadline == local(2025, 9, 30, 23, 59, 59)
    assert response.json()["deadlines"]["response"] == "2025-09-30T23:59:59+08:00"


def test_bad_fields_are_reported_field_by_field_in_chinese_and_nothing_is_created(api_as, intake_user):
    future = (timezone.now() + dt.timedelta(days=1)).isoformat()
    response = api_as(intake_user).post(URL, payload(
        employer_name="", complainant_phone="12345", complainant_id_number="150921199013071234",
        employer_credit_code="ABC", worker_count="三", amount_owed=-5, owed_from="2026-09", owed_to="2026-05",
        project_code="NOPE", district_code="110101", description="欠" * 2001), format="json")
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid"
    assert error["message"] == "提交的数据有误,请按提示修改。"
    assert error["fields"] == {
        "employer_name": ["请填写用人单位。"],
        "complainant_phone": ["请输入11位手机号码,例如 13800138000"],
        "complainant_id_number": ["身份证号码中的出生日期无效"],
        "employer_credit_code": ["统一社会信用代码应为18位数字或大写字母(不含I、O、Z、S、V)"],
        "worker_count": ["欠薪人数应为整数。"],
        "amount_owed": ["欠薪金额不能为负数。"],
        "owed_to": ["欠薪截止月份不能早于起始月份。"],
        "project_code": ["未找到项目编号为“NOPE”的工程项目。"],
        "district_code": ["请选择乌兰察布市的一个旗县市区。"],
        "description": ["情况描述不能超过2000个字(现有2001个字)。"],
    }
    future_response = api_as(intake_user).post(URL, payload(received_at=future), format="json")
    assert future_response.json()["error"]["fields"] == {"received_at": ["收到时间不能晚于现在。"]}
    assert not Clue.objects.exists()


def test_channel_is_required_and_must_be_known(api_as, intake_user):
    api = api_as(intake_user)
    missing = payload()
    del missing["channel"]
    assert api.post(URL, missing, format="json").json()["error"]["fields"] == {"channel": ["请选择来源渠道。"]}
    unknown = api.post(URL, payload(channel="fax"), format="json").json()["error"]["fields"]
    assert unknown == {"channel": ["未知的来源渠道“fax”。"]}


def test_required_fields_are_named_when_missing(api_as, intake_user):
    response = api_as(intake_user).post(URL, {"channel": "walk_in"}, format="json")
    fields = response.json()["error"]["fields"]
    assert fields == {"employer_name": ["请填写用人单位。"], "complainant_name": ["请填写反映人姓名。"],
                      "complainant_phone": ["请填写反映人的手机号码。"], "worker_count": ["请填写欠薪人数。"],
                      "amount_owed": ["请填写欠薪金额(元),不清楚可填0。"]}


def test_odd_json_values_are_field_errors_not_server_errors(api_as, intake_user):
    response = api_as(intake_user).post(URL, payload(employer_name=["x"], worker_count=True, amount_owed="1e400",
                                                     owed_from={"y": 2026}), format="json")
    assert response.status_code == 400
    assert set(response.json()["error"]["fields"]) >= {"employer_name", "worker_count", "amount_owed",
                                                       "owed_from"}


def test_a_lone_surrogate_escape_in_the_channel_is_a_field_error_not_a_crash(api_as, intake_user):
    # "\ud800" is valid JSON but no valid text: quoting it back ("未知的来源渠道“…”") could not be encoded.
    body = json.dumps(payload(channel="\ud800"))
    response = api_as(intake_user).post(URL, data=body, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {"channel": ["含有无效字符,请重新选择。"]}
    assert not Clue.objects.exists()


@pytest.mark.parametrize("received_at", ["0001-01-01T00:00:00", "0001-01-01T00:00:00+14:00",
                                         "9999-12-31T23:59:59-14:00"])
def test_a_receipt_time_beyond_the_calendar_is_a_field_error(api_as, intake_user, received_at):
    response = api_as(intake_user).post(URL, payload(received_at=received_at), format="json")
    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {"received_at": ["日期时间超出可处理的范围。"]}
    assert not Clue.objects.exists()


def test_a_credit_code_with_a_bad_check_character_comes_back_as_a_warning(api_as, intake_user):
    response = api_as(intake_user).post(URL, payload(employer_credit_code="91150902MA13XY8Q2D"), format="json")
    assert response.status_code == 201
    assert response.json()["warnings"] == {
        "employer_credit_code": ["统一社会信用代码校验位不符,请核对(部分早期试点代码可能如此)"]}


def test_project_code_links_the_project(api_as, intake_user):
    project = ProjectFactory(code="WLCB-2026-0003")
    body = api_as(intake_user).post(URL, payload(project_code="WLCB-2026-0003", district_code=""),
                                    format="json").json()
    assert body["project_code"] == "WLCB-2026-0003" and body["project_registered_name"] == project.name
    assert body["district_code"] == project.district.code


def test_multipart_with_attachments(api_as, intake_user):
    image = io.BytesIO()
    Image.new("RGB", (20, 20), "blue").save(image, "JPEG")
    image.seek(0)
    image.name = "欠条.jpg"
    data = payload(channel="walk_in")
    response = api_as(intake_user).post(URL, {**data, "attachments": [image]}, format="multipart")
    assert response.status_code == 201
    attachment = response.json()["attachments"][0]
    assert attachment["name"] == "欠条.jpg" and attachment["content_type"] == "image/jpeg"
    assert attachment["url"] == f"/clues/{response.json()['id']}/attachments/{attachment['id']}/"


def test_the_same_idempotency_key_twice_files_one_clue(api_as, intake_user):
    api = api_as(intake_user)
    first = api.post(URL, payload(), format="json", HTTP_IDEMPOTENCY_KEY="retry-42")
    second = api.post(URL, payload(), format="json", HTTP_IDEMPOTENCY_KEY="retry-42")
    assert (first.status_code, second.status_code) == (201, 200)
    assert first.json()["tracking_code"] == second.json()["tracking_code"]
    assert Clue.objects.count() == 1


def test_the_same_external_id_twice_files_one_clue(api_as, intake_user):
    api = api_as(intake_user)
    first = api.post(URL, payload(external_id="GJ-1"), format="json")
    second = api.post(URL, payload(external_id="GJ-1"), format="json")
    assert (first.status_code, second.status_code) == (201, 200)
    assert Clue.objects.count() == 1


@pytest.mark.parametrize("role", [Role.OFFICER, Role.SUPERVISOR])
def test_officers_and_supervisors_may_not_file_clues(api_as, role):
    user = make_staff(role, "150921", username=f"api_{role}")
    response = api_as(user).post(URL, payload(), format="json")
    assert response.status_code == 403
    assert response.json()["error"] == {"code": "permission_denied", "message": "只有受理员和管理员可以录入线索。",
                                        "fields": {}}
    assert not Clue.objects.exists()


def test_anonymous_requests_are_refused(api_client):
    assert api_client.get(URL).json()["error"]["code"] == "not_authenticated"
    assert api_client.post(URL, payload(), format="json").status_code in (401, 403)


# --- visibility ---------------------------------------------------------------------------------------------

def test_an_officer_sees_only_the_clues_of_the_unit(api_as, officer_zhuozi, officer_housing):
    mine = assign(ClueFactory(), "150921")
    other = ClueFactory()
    zhuozi = api_as(officer_zhuozi)
    assert [row["id"] for row in zhuozi.get(URL).json()["results"]] == [mine.pk]
    assert zhuozi.get(f"{URL}{mine.pk}/").status_code == 200
    hidden = zhuozi.get(f"{URL}{other.pk}/")
    assert hidden.status_code == 404
    assert hidden.json()["error"]["code"] == "not_found"
    housing = api_as(officer_housing)
    assert housing.get(URL).json()["results"] == []
    assert housing.get(f"{URL}{mine.pk}/").status_code == 404


def test_a_clue_reassigned_away_stays_visible_to_the_unit_that_had_it(api_as, officer_zhuozi):
    clue = assign(ClueFactory(), "150921")
    assign(clue, "housing")
    assert api_as(officer_zhuozi).get(f"{URL}{clue.pk}/").status_code == 200


def test_city_staff_see_every_clue(api_as, intake_user, supervisor_user):
    ClueFactory.create_batch(3)
    assert api_as(intake_user).get(URL).json()["count"] == 3
    assert api_as(supervisor_user).get(URL).json()["count"] == 3


def test_a_missing_or_malformed_id_is_404(api_as, intake_user):
    api = api_as(intake_user)
    assert api.get(f"{URL}999999/").status_code == 404
    assert api.get(f"{URL}abc/").status_code == 404


# --- filters and ordering -----------------------------------------------------------------------------------

def ids(response):
    assert response.status_code == 200, response.json()
    return {row["id"] for row in response.json()["results"]}


def test_filter_by_status(api_as, intake_user):
    received = ClueFactory()
    assigned = assign(ClueFactory(), "150921")
    api = api_as(intake_user)
    assert ids(api.get(URL, {"status": "received"})) == {received.pk}
    assert ids(api.get(URL, {"status": "assigned"})) == {assigned.pk}
    assert api.get(URL, {"status": "lost"}).json()["error"]["fields"]["status"]


def test_filter_by_unit_and_unit_kind(api_as, intake_user):
    district = assign(ClueFactory(), "150921")
    department = assign(ClueFactory(), "housing")
    ClueFactory()
    api = api_as(intake_user)
    assert ids(api.get(URL, {"unit": "150921"})) == {district.pk}
    assert ids(api.get(URL, {"unit_kind": "district"})) == {district.pk}
    assert ids(api.get(URL, {"unit_kind": "department"})) == {department.pk}


def test_filter_by_district(api_as, intake_user):
    jining = ClueFactory(district=Unit.objects.get(code="150902"))
    ClueFactory(district=Unit.objects.get(code="150921"))
    assert ids(api_as(intake_user).get(URL, {"district": "150902"})) == {jining.pk}


def test_filter_by_risk_colour_overdue_and_channel(api_as, intake_user):
    red = ClueFactory(risk_color="red", is_overdue=True, channel="hotline_12333")
    blue = ClueFactory(risk_color="blue", channel="web")
    api = api_as(intake_user)
    assert ids(api.get(URL, {"risk_color": "red"})) == {red.pk}
    assert ids(api.get(URL, {"overdue": "true"})) == {red.pk}
    assert ids(api.get(URL, {"overdue": "false"})) == {blue.pk}
    assert ids(api.get(URL, {"channel": "web"})) == {blue.pk}


def test_received_dates_are_shanghai_calendar_days_inclusive(api_as, intake_user):
    before = ClueFactory(received_at=local(2026, 10, 31, 23, 59))
    first = ClueFactory(received_at=local(2026, 11, 1, 0, 5))  # 16:05 UTC on 31 October
    last = ClueFactory(received_at=local(2026, 11, 3, 23, 50))
    after = ClueFactory(received_at=local(2026, 11, 4, 0, 0))
    api = api_as(intake_user)
    assert ids(api.get(URL, {"received_after": "2026-11-01", "received_before": "2026-11-03"})) \
        == {first.pk, last.pk}
    assert ids(api.get(URL, {"received_before": "2026-10-31"})) == {before.pk}
    assert ids(api.get(URL, {"received_after": "2026-11-04"})) == {after.pk}
    assert api.get(URL, {"received_after": "yesterday"}).json()["error"]["fields"]["received_after"]


def test_free_text_search_over_employer_project_and_complainant(api_as, intake_user):
    project = ProjectFactory(name="丰镇市110千伏输变电工程")
    by_employer = ClueFactory(employer_name="内蒙古送变电有限责任公司")
    by_project = ClueFactory(project=project)
    by_name = ClueFactory(complainant_name="赵铁柱")
    by_project_name = ClueFactory(project_name="四子王旗光伏电站")
    api = api_as(intake_user)
    assert ids(api.get(URL, {"q": "送变电"})) == {by_employer.pk}
    assert ids(api.get(URL, {"q": "千伏"})) == {by_project.pk}
    assert ids(api.get(URL, {"q": "铁柱"})) == {by_name.pk}
    assert ids(api.get(URL, {"q": "光伏"})) == {by_project_name.pk}


def test_ordering_by_deadlines_and_receipt(api_as, intake_user):
    a = ClueFactory(received_at=local(2026, 11, 1, 9), next_deadline_at=local(2026, 11, 20),
                    close_deadline=local(2026, 11, 30))
    b = ClueFactory(received_at=local(2026, 11, 2, 9), next_deadline_at=local(2026, 11, 10),
                    close_deadline=local(2026, 12, 5))
    c = ClueFactory(received_at=local(2026, 11, 3, 9), next_deadline_at=local(2026, 11, 15),
                    close_deadline=local(2026, 11, 25))
    api = api_as(intake_user)

    def order(value=None):
        params = {"ordering": value} if value else {}
        return [row["id"] for row in api.get(URL, params).json()["results"]]

    assert order() == [c.pk, b.pk, a.pk]
    assert order("received_at") == [a.pk, b.pk, c.pk]
    assert order("next_deadline_at") == [b.pk, c.pk, a.pk]
    assert order("-next_deadline_at") == [a.pk, c.pk, b.pk]
    assert order("close_deadline") == [c.pk, a.pk, b.pk]


# --- query count ------------------------------------------------------------------------------------------------

def _make_rich_clues(n, unit_code):
    project = ProjectFactory()
    district = Unit.objects.get(code="150921")
    department = Unit.objects.get(code="housing")
    clues = []
    for _ in range(n):
        clue = assign(ClueFactory(project=project, district=district, suggested_district=district,
                                  suggested_department=department), unit_code)
        clues.append(clue)
    from clues.models import DuplicateCandidate

    for clue in clues[1:]:
        DuplicateCandidate.objects.create(clue=clue, match=clues[0], kind="duplicate",
                                          reason="同一反映人、同一用人单位")
    return clues


def test_the_list_query_count_does_not_grow_with_the_page(api_as, intake_user, django_assert_max_num_queries):
    api = api_as(intake_user)
    _make_rich_clues(3, "150921")
    with django_assert_max_num_queries(12) as small:
        assert len(api.get(URL).json()["results"]) == 3
    _make_rich_clues(30, "150921")
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert len(api.get(URL).json()["results"]) == 33


def test_an_officers_list_query_count_does_not_grow_either(api_as, officer_zhuozi,
                                                          django_assert_max_num_queries):
    api = api_as(officer_zhuozi)
    _make_rich_clues(2, "150921")
    with django_assert_max_num_queries(12) as small:
        assert len(api.get(URL).json()["results"]) == 2
    _make_rich_clues(20, "150921")
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert len(api.get(URL).json()["results"]) == 22


def test_the_schema_describes_the_clue_endpoints(client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json").json()
    assert {"get", "post"} <= set(schema["paths"]["/api/v1/clues/"])
    assert "get" in schema["paths"]["/api/v1/clues/{id}/"]
    parameters = {p["name"] for p in schema["paths"]["/api/v1/clues/"]["get"]["parameters"]}
    assert {"status", "unit", "district", "unit_kind", "risk_color", "overdue", "channel", "received_after",
            "received_before", "q", "ordering"} <= parameters


_ANYTHING = st.one_of(st.none(), st.booleans(), st.integers(),
                  st.floats(allow_nan=False, allow_infinity=False), st.text(max_size=60),
                      st.lists(st.text(max_size=5), max_size=2), st.dictionaries(st.text(max_size=3), st.integers(),
                                                                                 max_size=1))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(values=st.fixed_dictionaries({}, optional={name: _ANYTHING for name in (
    "channel", "received_at", "employer_name", "employer_credit_code", "project_code", "district_code",
    "complainant_phone", "complainant_id_number", "worker_count", "amount_owed", "owed_from", "owed_to",
    "consent", "external_id")}))
def test_no_input_makes_the_create_endpoint_fail_with_a_server_error(api_as, intake_user, values):
    response = api_as(intake_user).post(URL, {**payload(), **values}, format="json")
    assert response.status_code in (200, 201, 400), response.content
    if response.status_code == 400:
        assert response.json()["error"]["fields"]

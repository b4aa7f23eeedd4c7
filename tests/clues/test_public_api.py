"""The public API: file a clue (JSON or multipart), follow its progress, rate it; errors in the one format."""

import io
import json
import threading

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image
from rest_framework.test import APIClient

from clues.models import Attachment, Clue
from tests.clues.lifecycle_helpers import new_clue, to_closed
from tests.factories import ProjectFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/public/clues/"
PHONE = "13800138000"


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def api():
    return APIClient()


def payload(**overrides):
    data = {
        "employer_name": "乌兰察布市宏达建筑工程有限公司",
        "employer_credit_code": "91350100M000100Y43",
        "project_code": "",
        "work_address": "卓资县巴音锡勒镇",
        "district_code": "150921",
        "complainant_name": "王勇",
        "complainant_phone": PHONE,
        "complainant_id_number": "15092119900307123X",
        "worker_count": 6,
        "amount_owed": "48000.50",
        "owed_from": "2026-08",
        "owed_to": "2026-10",
        "description": "8月至10月的工资一直没发。",
        "consent": True,
    }
    data.update(overrides)
    return data


def png(name="receipt.png"):
    buffer = io.BytesIO()
    Image.new("RGB", (20, 20), (10, 120, 200)).save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


# --- filing ------------------------------------------------------------------------------------------------

def test_a_json_submission_files_a_web_clue(api):
    response = api.post(URL, payload(), format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    clue = Clue.objects.get()
    assert body == {"tracking_code": clue.tracking_code, "status": "received",
                    "track_url": f"http://127.0.0.1:8000/track/?code={clue.tracking_code}", "warnings": {}}
    assert clue.channel == "web" and clue.worker_count == 6 and str(clue.amount_owed) == "48000.50"
    assert clue.consent_at is not None


def test_a_multipart_submission_with_attachments(api):
    data = {**payload(worker_count="3", consent="true"), "attachments": [png("a.png"), png("b.png")]}
    response = api.post(URL, data, format="multipart")
    assert response.status_code == 201, response.json()
    assert Attachment.objects.filter(clue__tracking_code=response.json()["tracking_code"]).count() == 2


def test_a_project_code_links_the_project(api):
    project = ProjectFactory(code="WLCB-2026-0009")
    response = api.post(URL, payload(project_code="WLCB-2026-0009", district_code=""), format="json")
    assert response.status_code == 201
    clue = Clue.objects.get()
    assert clue.project == project and clue.district == project.district


def test_a_bad_credit_code_check_character_is_a_warning(api):
    response = api.post(URL, payload(employer_credit_code="91350100M000100Y44"), format="json")
    assert response.status_code == 201
    assert "校验位不符" in response.json()["warnings"]["employer_credit_code"][0]


def test_field_errors_are_listed_field_by_field_in_chinese(api):
    response = api.post(URL, payload(complainant_phone="123", worker_count=0, amount_owed="-5",
                                     owed_from="2026-10", owed_to="2026-08", consent=False,
                                     complainant_id_number="150921199003071235"), format="json")
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid"
    assert error["message"] == "提交的数据有误,请按提示修改。"
    fields = error["fields"]
    assert fields["complainant_phone"] == ["请输入11位手机号码,例如 13800138000"]
    assert fields["worker_count"] == ["欠薪人数至少为1人。"]
    assert fields["amount_owed"] == ["欠薪金额不能为负数。"]
    assert "不能早于起始月份" in fields["owed_to"][0]
    assert "校验位不正确" in fields["complainant_id_number"][0]
    assert fields["consent"] == ["请阅读并同意个人信息处理说明后再提交。"]
    assert not Clue.objects.exists()


@pytest.mark.parametrize(("name", "value"), [
    ("worker_count", True), ("worker_count", "三"), ("worker_count", 2.5), ("worker_count", [1]),
    ("amount_owed", {"yuan": 1}), ("amount_owed", "1.005"), ("amount_owed", 1e300), ("amount_owed", "Infinity"),
    ("employer_name", ["宏达"]), ("employer_name", 12345), ("employer_name", "宏达\x00"),
    ("employer_name", "\ud800"), ("description", "欠" * 2001), ("owed_from", 202608), ("owed_from", "2026-00"),
    ("district_code", "150900"), ("project_code", "NOPE"), ("complainant_id_number", "abc"),
])
def test_values_no_person_would_type_are_field_errors(api, name, value):
    # Raw JSON, so a lone surrogate travels as the "\\ud800" escape a client could send.
    response = api.post(URL, data=json.dumps(payload(**{name: value})), content_type="application/json")
    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == [name]


def test_consent_must_be_given(api):
    data = payload()
    del data["consent"]
    response = api.post(URL, data, format="json")
    assert response.json()["error"]["fields"]["consent"] == ["请阅读并同意个人信息处理说明后再提交。"]


def test_a_body_that_is_not_an_object_is_a_clear_error(api):
    response = api.post(URL, [payload()], format="json")
    assert response.status_code == 400
    assert response.json()["error"]["message"] == "请求内容应为一个JSON对象。"


def test_malformed_json_is_a_clear_error(api):
    response = api.post(URL, data="{not json", content_type="application/json")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "parse_error"


def test_attachments_in_json_are_refused(api):
    response = api.post(URL, payload(attachments=["aGVsbG8="]), format="json")
    assert response.json()["error"]["fields"] == {"attachments": ["附件请用 multipart/form-data 上传。"]}


def test_a_disguised_file_is_refused(api):
    fake = SimpleUploadedFile("scan.pdf", b"<html><script>alert(1)</script></html>", content_type="application/pdf")
    response = api.post(URL, {**payload(consent="true", worker_count="1"), "attachments": [fake]},
                        format="multipart")
    assert response.status_code == 400
    assert "不是JPEG、PNG或PDF" in response.json()["error"]["fields"]["attachments"][0]
    assert not Clue.objects.exists()


def test_six_files_are_refused(api):
    files = [png(f"{i}.png") for i in range(6)]
    response = api.post(URL, {**payload(consent="true", worker_count="1"), "attachments": files},
                        format="multipart")
    assert "最多上传5个附件" in response.json()["error"]["fields"]["attachments"][0]


def test_no_login_and_no_csrf_token_are_needed(api):
    strict = APIClient(enforce_csrf_checks=True)
    assert strict.post(URL, payload(), format="json").status_code == 201


# --- idempotency -------------------------------------------------------------------------------------------

def test_the_same_idempotency_key_twice_files_one_clue(api):
    first = api.post(URL, payload(), format="json", HTTP_IDEMPOTENCY_KEY="retry-7f3a")
    second = api.post(URL, payload(), format="json", HTTP_IDEMPOTENCY_KEY="retry-7f3a")
    assert (first.status_code, second.status_code) == (201, 200)
    assert first.json()["tracking_code"] == second.json()["tracking_code"]
    assert Clue.objects.count() == 1


def test_different_keys_file_different_clues(api):
    api.post(URL, payload(), format="json", HTTP_IDEMPOTENCY_KEY="key-one")
    api.post(URL, payload(), format="json", HTTP_IDEMPOTENCY_KEY="key-two")
    assert Clue.objects.count() == 2


def test_a_stranger_using_the_same_key_gets_a_clue_of_their_own(api):
    mine = api.post(URL, payload(), format="json", HTTP_IDEMPOTENCY_KEY="1")
    theirs = api.post(URL, payload(complainant_phone="13900139000"), format="json", HTTP_IDEMPOTENCY_KEY="1")
    assert theirs.status_code == 201
    assert theirs.json()["tracking_code"] != mine.json()["tracking_code"]


def test_the_form_and_the_api_keys_never_collide(api, client):
    api.post(URL, payload(), format="json", HTTP_IDEMPOTENCY_KEY="same-key-on-both-sides")
    form = {key: ("on" if key == "consent" else value) for key, value in payload().items()}
    client.post("/report/", {**form, "idempotency_key": "same-key-on-both-sides"})
    assert Clue.objects.count() == 2


def test_a_malformed_idempotency_key_is_refused(api):
    response = api.post(URL, payload(), format="json", HTTP_IDEMPOTENCY_KEY="键")
    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["Idempotency-Key"]
    assert not Clue.objects.exists()


# --- progress ----------------------------------------------------------------------------------------------

@pytest.fixture
def filed(db):
    return new_clue(complainant_phone=PHONE, tracking_code="K7M2Q9XH4P")


def test_progress_for_the_right_code_and_number(api, filed):
    response = api.get("/api/v1/public/clues/k7m2q9xh4p/", {"phone": "138 0013 8000"})
    assert response.status_code == 200
    body = response.json()
    assert body["tracking_code"] == "K7M2Q9XH4P"
    assert body["status"] == "received" and body["status_label"] == "已归集"
    assert body["status_text"] == "已受理,正在分派承办单位"
    assert body["unit"] == "" and body["merged_into"] == ""
    assert body["timeline"][0]["title"] == "线索归集"
    assert body["deadlines"]["claim"] is None
    assert body["deadlines"]["close"].endswith("23:59:59+08:00")
    assert body["followup"] == {"open": False, "satisfied": None, "note": "", "at": None}
    assert PHONE not in response.content.decode()


@pytest.mark.parametrize(("code", "phone"), [("K7M2Q9XH4Z", PHONE), ("K7M2Q9XH4P", "13900139000"),
                                             ("K7M2Q9XH4P", ""), ("K7M2Q9XH4P", "x" * 500)])
def test_a_wrong_code_or_number_is_one_neutral_404(api, filed, code, phone):
    response = api.get(f"/api/v1/public/clues/{code}/", {"phone": phone})
    assert response.status_code == 404
    assert response.json() == {"error": {"code": "not_found", "message": "查询码或手机号不正确", "fields": {}}}


def test_rating_a_closed_clue_through_the_api(api, filed, intake_user, officer_zhuozi):
    to_closed(filed, intake_user, officer_zhuozi)
    url = "/api/v1/public/clues/K7M2Q9XH4P/followup/"
    refused = api.post(url, {"phone": PHONE, "satisfied": False, "note": ""}, format="json")
    assert refused.status_code == 400
    assert refused.json()["error"]["fields"] == {"note": ["请填写回访意见。"]}
    response = api.post(url, {"phone": PHONE, "satisfied": False, "note": "只发了一半"}, format="json")
    assert response.status_code == 200
    assert response.json()["followup"]["satisfied"] is False
    assert response.json()["followup"]["open"] is False
    again = api.post(url, {"phone": PHONE, "satisfied": True}, format="json")
    assert again.status_code == 409
    assert api.post(url, {"phone": "13900139000", "satisfied": True}, format="json").status_code == 404


def test_a_rating_needs_a_yes_or_no(api, filed, intake_user, officer_zhuozi):
    to_closed(filed, intake_user, officer_zhuozi)
    response = api.post("/api/v1/public/clues/K7M2Q9XH4P/followup/", {"phone": PHONE, "satisfied": "maybe"},
                        format="json")
    assert list(response.json()["error"]["fields"]) == ["satisfied"]


# --- limits, schema, fuzz ----------------------------------------------------------------------------------

@override_settings(PUBLIC_RATE_LIMIT="2/m")
def test_the_api_answers_429_in_the_error_format_when_a_client_asks_too_often(api, filed):
    for _ in range(2):
        assert api.get("/api/v1/public/clues/K7M2Q9XH4P/", {"phone": PHONE}).status_code == 200
    response = api.get("/api/v1/public/clues/K7M2Q9XH4P/", {"phone": PHONE})
    assert response.status_code == 429
    assert response.json()["error"]["code"] == "throttled"
    assert response.json()["error"]["message"] == "请求过于频繁,请稍后再试。"
    assert int(response["Retry-After"]) >= 1


@override_settings(PUBLIC_RATE_LIMIT="0")
def test_rate_limit_zero_turns_the_api_limit_off(api, filed):
    for _ in range(30):
        assert api.get("/api/v1/public/clues/K7M2Q9XH4P/", {"phone": PHONE}).status_code == 200


def test_the_public_endpoints_are_in_the_openapi_schema(client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json").json()
    assert "/api/v1/public/clues/" in schema["paths"]
    assert "/api/v1/public/clues/{tracking_code}/" in schema["paths"]
    create = schema["paths"]["/api/v1/public/clues/"]["post"]
    assert {"application/json", "multipart/form-data"} <= set(create["requestBody"]["content"])
    assert {"201", "200", "400", "429"} <= set(create["responses"])
    assert "/api/v1/public/clues/{tracking_code}/followup/" in schema["paths"]


printable = st.text(st.characters(blacklist_categories=("Cs",)), max_size=60)
anything = st.one_of(st.none(), st.booleans(), st.integers(),
                  st.floats(allow_nan=False, allow_infinity=False), printable,
                     st.lists(st.integers(), max_size=2), st.dictionaries(printable, st.integers(), max_size=2))


@override_settings(PUBLIC_RATE_LIMIT="0")
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(employer=anything, phone=anything, workers=anything, amount=anything, month=anything, text=printable)
def test_no_input_makes_the_api_fail(api, employer, phone, workers, amount, month, text):
    data = payload(employer_name=employer, complainant_phone=phone, worker_count=workers, amount_owed=amount,
                   owed_from=month, description=text)
    # Raw JSON: NaN and Infinity travel as a careless client would write them.
    response = api.post(URL, data=json.dumps(data), content_type="application/json")
    assert response.status_code in (200, 201, 400), response.content
    if response.status_code == 400:
        error = response.json()["error"]
        assert error["code"] in ("invalid", "parse_error")
        assert error["message"]
        assert all(isinstance(m, str) for ms in error["fields"].values() for m in ms)


@override_settings(PUBLIC_RATE_LIMIT="0")
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(code=st.text(max_size=30), phone=st.text(max_size=30))
def test_no_lookup_makes_the_api_fail(api, code, phone):
    response = api.get("/api/v1/public/clues/x/", {"code": code, "phone": phone})
    assert response.status_code == 404
    safe = "".join(ch for ch in code if ch.isalnum()) or "x"
    assert api.get(f"/api/v1/public/clues/{safe}/", {"phone": phone}).status_code == 404


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_double_tap_racing_on_two_connections_files_one_clue():
    from django.db import connection

    barrier = threading.Barrier(2)
    answers = []

    def tap():
        client = APIClient()
        barrier.wait()
        try:
            answers.append(client.post(URL, payload(), format="json", HTTP_IDEMPOTENCY_KEY="double-tap"))
        finally:
            connection.close()

    threads = [threading.Thread(target=tap) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sorted(answer.status_code for answer in answers) == [200, 201]
    assert len({answer.json()["tracking_code"] for answer in answers}) == 1
    assert Clue.objects.count() == 1


def test_an_implausible_amount_needs_confirm_amount(api):
    response = api.post("/api/v1/public/clues/", payload(worker_count=1, amount_owed="999999999999"),
                        format="json")
    assert response.status_code == 400
    problem = response.json()["error"]["fields"]["amount_owed"][0]
    assert problem.startswith("按您填写的金额、人数和欠薪月份,平均每人每月被拖欠约333,333,333,333元")
    assert problem.endswith('确认无误的,请在请求中加上 "confirm_amount": true 后再提交。')
    assert not Clue.objects.exists()
    response = api.post("/api/v1/public/clues/",
                        payload(worker_count=1, amount_owed="999999999999", confirm_amount=True), format="json")
    assert response.status_code == 201
    assert Clue.objects.get().amount_implausible

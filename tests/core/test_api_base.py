"""The API base: token authentication, the one error format, the schema, /healthz and the pages."""

import pytest
from django.urls import reverse

from tests.factories import DEFAULT_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def test_token_endpoint_returns_a_token_for_good_credentials(api_client):
    UserFactory(username="hao")
    response = api_client.post("/api/v1/auth/token/", {"username": "hao", "password": DEFAULT_PASSWORD},
                               format="json")
    assert response.status_code == 200
    token = response.json()["token"]
    assert len(token) == 40
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert api_client.get("/api/v1/").status_code == 200


def test_token_endpoint_refuses_bad_credentials_in_chinese(api_client):
    UserFactory(username="hao")
    response = api_client.post("/api/v1/auth/token/", {"username": "hao", "password": "wrong"}, format="json")
    assert response.status_code == 400
    assert response.json() == {"error": {"code": "invalid_credentials", "message": "用户名或密码不正确。",
                                         "fields": {}}}


def test_validation_errors_are_listed_field_by_field(api_client):
    response = api_client.post("/api/v1/auth/token/", {}, format="json")
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid"
    assert error["message"] == "提交的数据有误,请按提示修改。"
    assert error["fields"] == {"username": ["该字段是必填项。"], "password": ["该字段是必填项。"]}


def test_unauthenticated_requests_get_the_error_format(api_client):
    response = api_client.get("/api/v1/")
    assert response.status_code in (401, 403)
    assert response.json()["error"]["code"] == "not_authenticated"
    assert response.json()["error"]["message"] == "身份认证信息未提供。"


def test_unknown_api_paths_get_the_error_format(client):
    response = client.get("/api/v1/nothing-here/")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_malformed_json_is_a_clear_error(api_client):
    response = api_client.post("/api/v1/auth/token/", data="{not json", content_type="application/json")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "parse_error"


@pytest.mark.parametrize("body", ["{not json", '{"username": ', "[1,]"])
def test_malformed_json_is_explained_in_chinese_not_with_the_decoders_english(api_client, body):
    response = api_client.post("/api/v1/auth/token/", data=body, content_type="application/json")
    assert response.status_code == 400
    assert response.json() == {"error": {"code": "parse_error",
                                         "message": "请求内容无法解析,请提交有效的 JSON 或表单数据。",
                                         "fields": {}}}


def test_malformed_utf8_in_json_is_explained_in_chinese(api_client):
    response = api_client.post("/api/v1/auth/token/", data=b'{"username": "\xff"}', content_type="application/json")
    assert response.status_code == 400
    assert response.json()["error"]["message"] == "请求内容无法解析,请提交有效的 JSON 或表单数据。"


def test_openapi_schema_and_swagger_ui(client):
    schema = client.get("/api/schema/")
    assert schema.status_code == 200
    assert b"/api/v1/auth/token/" in schema.content
    assert client.get("/api/docs/").status_code == 200


def test_login_page_is_in_chinese(client):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    assert "工作人员登录" in response.content.decode()


def test_staff_login_and_home_page(client):
    UserFactory(username="hao")
    response = client.post(reverse("login"), {"username": "hao", "password": DEFAULT_PASSWORD}, follow=True)
    page = response.content.decode()
    assert "工作日历" in page and "退出" in page


def test_wrong_password_on_the_login_page_says_so_in_chinese(client):
    UserFactory(username="hao")
    response = client.post(reverse("login"), {"username": "hao", "password": "nope"})
    assert "请输入一个正确的" in response.content.decode()


def test_visitors_get_the_public_landing_page(client):
    page = client.get("/").content.decode()
    assert "我要反映欠薪" in page and 'href="/report/"' in page and 'href="/track/"' in page


def test_staff_pages_require_login(client):
    response = client.get("/triage/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


@pytest.mark.parametrize("role, target", [("intake", "/triage/"), ("officer", "/unit/"),
                                          ("supervisor", "/reports/")])
def test_each_role_lands_on_its_workspace(client, role, target):
    from tests.conftest import make_staff

    user = make_staff(role, "150921" if role == "officer" else "150900", username=f"land_{role}")
    client.force_login(user)
    response = client.get("/")
    assert response.status_code == 302 and response["Location"] == target


def test_a_form_without_its_token_gets_a_chinese_page(client):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    response = strict.post("/login/", {"username": "x", "password": "y"})
    assert response.status_code == 403
    assert "页面已过期" in response.content.decode()


def test_admin_login_is_in_chinese(client):
    response = client.get("/admin/login/")
    assert "乌兰·薪 管理后台" in response.content.decode()


def test_html_404_is_in_chinese(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404


@pytest.mark.parametrize("value, ok", [("0002-01-01T00:00:00", False), ("2150-01-01T00:00:00", False),
                                       ("2026-11-01T09:00:00", True)])
def test_api_datetimes_keep_to_the_forms_range(value, ok):
    from core.api import DateTimeField

    field = DateTimeField()
    if ok:
        assert field.run_validation(value).year == 2026
    else:
        from rest_framework.exceptions import ValidationError

        with pytest.raises(ValidationError) as refused:
            field.run_validation(value)
        assert str(refused.value.detail[0]) in ("日期应在2000至2099之间。", "日期时间超出可处理的范围。")

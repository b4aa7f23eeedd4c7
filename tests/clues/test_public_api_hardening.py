"""The public API after the security review: an Idempotency-Key is bound to what was sent, the tracking
number travels in a header or a body rather than the query string, and the token endpoint works without
Redis."""

import logging

import pytest
from django.test import override_settings

from clues.models import Clue
from tests.factories import DEFAULT_PASSWORD, UserFactory

from .test_public_api import payload

pytestmark = pytest.mark.django_db
LOCAL_CACHE = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}


@pytest.fixture
def api(api_client, settings):
    settings.CACHES = LOCAL_CACHE  # this process's own limits: another xdist worker may clear Redis
    return api_client


def _file(api, key, **overrides):
    return api.post("/api/v1/public/clues/", payload(**overrides), format="json", HTTP_IDEMPOTENCY_KEY=key)


def test_the_same_key_with_the_same_content_gives_back_the_same_clue(api):
    first = _file(api, "retry-key-0001")
    again = _file(api, "retry-key-0001")
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["tracking_code"] == again.json()["tracking_code"]


def test_the_same_key_with_other_content_is_422_and_reveals_nothing(api):
    first = _file(api, "shared-key-0001")
    other = _file(api, "shared-key-0001", description="另一件事:完全不同的内容。")
    assert other.status_code == 422
    assert other.json()["error"]["code"] == "idempotency_key_reused"
    assert first.json()["tracking_code"] not in other.content.decode()
    assert Clue.objects.count() == 1


def _tracked(api):
    return _file(api, "tracked-key-0001").json()["tracking_code"]


def test_progress_with_the_phone_in_a_header(api):
    code = _tracked(api)
    response = api.get(f"/api/v1/public/clues/{code}/", HTTP_X_COMPLAINANT_PHONE="13800138000")
    assert response.status_code == 200 and response.json()["tracking_code"] == code
    assert "Deprecation" not in response


def test_progress_with_the_phone_in_a_post_body(api):
    code = _tracked(api)
    response = api.post(f"/api/v1/public/clues/{code}/", {"phone": "13800138000"}, format="json")
    assert response.status_code == 200 and response.json()["tracking_code"] == code
    wrong = api.post(f"/api/v1/public/clues/{code}/", {"phone": "13900139000"}, format="json")
    assert wrong.status_code == 404


def test_the_query_string_still_works_for_a_release_and_is_logged_as_deprecated(api, caplog):
    code = _tracked(api)
    with caplog.at_level(logging.WARNING, logger="clues.api_public"):
        response = api.get(f"/api/v1/public/clues/{code}/?phone=13800138000")
    assert response.status_code == 200
    assert response["Deprecation"] == "true"
    assert any("deprecated" in record.getMessage() for record in caplog.records)


@override_settings(CACHES={"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                                       "LOCATION": "redis://127.0.0.1:1/0"}})
def test_the_token_endpoint_works_while_redis_is_down(api_client):
    UserFactory(username="hao")
    response = api_client.post("/api/v1/auth/token/", {"username": "hao", "password": DEFAULT_PASSWORD},
                               format="json")
    assert response.status_code == 200, response.content
    assert len(response.json()["token"]) == 40

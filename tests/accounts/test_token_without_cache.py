"""Redis down (the cache behind the throttles): the token endpoint still answers, never a 500."""

import pytest
from django.core.cache import cache
from redis.exceptions import ConnectionError as RedisConnectionError

from tests.factories import DEFAULT_PASSWORD

pytestmark = pytest.mark.django_db

NOWHERE = {"default": {"BACKEND": "core.cache.RedisCache", "LOCATION": "redis://127.0.0.1:1/0", "KEY_PREFIX": "down"}}


def test_the_token_endpoint_works_with_the_cache_unreachable(api_client, intake_user, settings):
    settings.CACHES = NOWHERE
    with pytest.raises(RedisConnectionError):
        cache.get("anything")  # the cache really is gone for this test
    response = api_client.post("/api/v1/auth/token/", {"username": intake_user.username,
                                                        "password": DEFAULT_PASSWORD}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["token"]
    wrong = api_client.post("/api/v1/auth/token/", {"username": intake_user.username, "password": "wrong"},
                            format="json")
    assert wrong.status_code == 400 and wrong.json()["error"]["code"]

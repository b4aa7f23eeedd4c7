"""One client address for every limit: each DRF throttle on every API view identifies the client the way the
public rate limiter does, so a forged X-Forwarded-For buys no fresh allowance."""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from rest_framework.test import APIRequestFactory
from rest_framework.views import APIView

from core.ratelimit import client_ip


def _api_views(resolver=None):
    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern, URLResolver):
            yield from _api_views(pattern)
        elif isinstance(pattern, URLPattern):
            view = getattr(pattern.callback, "cls", None) or getattr(pattern.callback, "view_class", None)
            if isinstance(view, type) and issubclass(view, APIView):
                yield view


def test_every_throttle_of_every_api_view_identifies_the_client_by_client_ip(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.2"]
    factory = APIRequestFactory()
    spoofed = factory.get("/", REMOTE_ADDR="198.51.100.7", HTTP_X_FORWARDED_FOR="1.2.3.4")
    proxied = factory.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.8")
    throttles = {throttle for view in _api_views() for throttle in view().get_throttles()}
    throttles |= {cls for view in _api_views() for cls in view.throttle_classes}
    assert throttles, "the API has throttles"
    for throttle in throttles:
        instance = throttle() if isinstance(throttle, type) else throttle
        assert instance.get_ident(spoofed) == "198.51.100.7" == client_ip(spoofed), throttle
        assert instance.get_ident(proxied) == "203.0.113.8", throttle


@pytest.mark.django_db
def test_the_token_limit_is_not_bypassed_by_changing_x_forwarded_for(api_client, settings):
    for n in range(30):
        api_client.post("/api/v1/auth/token/", {"username": f"nobody{n}", "password": "x"}, format="json",
                        HTTP_X_FORWARDED_FOR=f"1.2.3.{n}", REMOTE_ADDR="198.51.100.77")
    response = api_client.post("/api/v1/auth/token/", {"username": "nobody", "password": "x"}, format="json",
                               HTTP_X_FORWARDED_FOR="9.9.9.9", REMOTE_ADDR="198.51.100.77")
    assert response.status_code == 429
    assert response.json()["error"]["code"] == "throttled"


def test_compose_sets_the_trusted_proxies():
    from pathlib import Path

    import yaml

    compose = yaml.safe_load((Path(__file__).resolve().parents[2] / "docker-compose.yml").read_text())
    for name in ("web", "worker", "beat"):
        assert compose["services"][name]["environment"]["TRUSTED_PROXIES"]

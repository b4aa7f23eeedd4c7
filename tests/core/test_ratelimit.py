"""The public rate limiter: the rate setting, fixed windows on the cache, and which address is the client's."""

import pytest
from django.core.cache import cache
from django.test import RequestFactory, override_settings

from core.ratelimit import Rate, client_ip, current_rate, hit, parse_rate


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()
    yield
    cache.clear()


def request_from(remote, forwarded=None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/track/", **extra)


@pytest.mark.parametrize(("text", "rate"), [
    ("20/m", Rate(20, 60)),
    ("100/h", Rate(100, 3600)),
    ("30/min", Rate(30, 60)),
    ("5/10s", Rate(5, 10)),
    ("1000/d", Rate(1000, 86400)),
    (" 7 / hour ", Rate(7, 3600)),
    ("0", None),
    ("", None),
    ("off", None),
    ("0/m", None),
])
def test_rate_setting_forms(text, rate):
    assert parse_rate(text) == rate


@pytest.mark.parametrize("text", ["fast", "20/fortnight", "-3/m", "20/m/s"])
def test_a_malformed_rate_setting_is_a_clear_error(text):
    with pytest.raises(ValueError, match="PUBLIC_RATE_LIMIT|unit"):
        parse_rate(text)


@override_settings(PUBLIC_RATE_LIMIT="0")
def test_zero_turns_the_limit_off():
    assert current_rate() is None
    assert all(hit("track", "203.0.113.7").allowed for _ in range(500))


def test_requests_beyond_the_limit_wait_for_the_next_window():
    rate = Rate(3, 60)
    start = 1_800_000_000.0  # the start of a 60-second window
    verdicts = [hit("track", "203.0.113.7", rate, now=start + i) for i in range(5)]
    assert [v.allowed for v in verdicts] == [True, True, True, False, False]
    assert [v.remaining for v in verdicts[:3]] == [2, 1, 0]
    assert verdicts[3].retry_after == 57
    assert hit("track", "203.0.113.7", rate, now=start + 60).allowed


def test_addresses_and_scopes_are_counted_apart():
    rate = Rate(1, 60)
    now = 1_800_000_000.0
    assert hit("track", "203.0.113.7", rate, now=now).allowed
    assert not hit("track", "203.0.113.7", rate, now=now).allowed
    assert hit("track", "203.0.113.8", rate, now=now).allowed
    assert hit("submit", "203.0.113.7", rate, now=now).allowed


def test_without_trusted_proxies_the_client_is_remote_addr_whatever_it_forwards():
    assert client_ip(request_from("203.0.113.7", "1.2.3.4")) == "203.0.113.7"


@override_settings(TRUSTED_PROXIES=["10.0.0.5"])
def test_behind_a_trusted_proxy_the_client_is_the_right_most_untrusted_forwarded_address():
    # The client typed "1.2.3.4" itself; the proxy appended the address it really came from.
    assert client_ip(request_from("10.0.0.5", "1.2.3.4, 203.0.113.7")) == "203.0.113.7"


@override_settings(TRUSTED_PROXIES="10.0.0.5, 10.0.1.0/24")
def test_a_chain_of_trusted_proxies_is_walked_from_the_right():
    assert client_ip(request_from("10.0.0.5", "1.2.3.4, 203.0.113.7, 10.0.1.9")) == "203.0.113.7"


@override_settings(TRUSTED_PROXIES=["10.0.0.5"])
def test_a_request_from_an_untrusted_address_cannot_choose_its_address():
    assert client_ip(request_from("198.51.100.23", "10.0.0.5, 203.0.113.7")) == "198.51.100.23"


@override_settings(TRUSTED_PROXIES=["10.0.0.5"])
def test_a_trusted_proxy_without_a_forwarded_header_is_the_client():
    assert client_ip(request_from("10.0.0.5")) == "10.0.0.5"
    assert client_ip(request_from("10.0.0.5", "")) == "10.0.0.5"


@override_settings(TRUSTED_PROXIES=["10.0.0.5"])
def test_garbage_in_the_forwarded_header_stops_the_walk():
    assert client_ip(request_from("10.0.0.5", "203.0.113.7, not-an-ip")) == "10.0.0.5"


@override_settings(TRUSTED_PROXIES=["10.0.0.5", "::1"])
def test_ipv6_and_ports_in_forwarded_entries():
    assert client_ip(request_from("::1", "[2001:db8::7]:443")) == "2001:db8::7"
    assert client_ip(request_from("10.0.0.5", "203.0.113.7:51234")) == "203.0.113.7"


@override_settings(TRUSTED_PROXIES=["not an address", "10.0.0.5"])
def test_a_typo_in_the_trusted_proxies_setting_does_not_break_the_site():
    assert client_ip(request_from("10.0.0.5", "203.0.113.7")) == "203.0.113.7"


@pytest.mark.django_db
@override_settings(PUBLIC_RATE_LIMIT="2/m", TRUSTED_PROXIES=["10.0.0.5"])
def test_workers_behind_the_same_proxy_are_limited_one_by_one(client):
    def lookup(forwarded):
        return client.post("/track/", {"code": "NOSUCHCODE", "phone": "13800138000"},
                           REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR=forwarded)

    assert [lookup("203.0.113.7").status_code for _ in range(3)] == [200, 200, 429]
    assert lookup("203.0.113.8").status_code == 200
    # Making up a first hop does not help: the proxy appends the address it saw.
    assert lookup("192.0.2.1, 203.0.113.7").status_code == 429


def test_when_the_cache_server_is_down_requests_are_let_through(settings, caplog):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                                   "LOCATION": "redis://127.0.0.1:1/0"}}  # nothing listens on port 1
    verdict = hit("track", "203.0.113.7", Rate(1, 60))
    assert verdict.allowed
    assert "cache is unavailable" in caplog.text

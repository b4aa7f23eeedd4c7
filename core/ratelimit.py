"""A small fixed-window rate limiter on Django's cache, keyed by the client's address (public pages and API).

The limit comes from settings.PUBLIC_RATE_LIMIT ("20/m", "100/h", "0" = off). The client address is
REMOTE_ADDR unless REMOTE_ADDR is one of settings.TRUSTED_PROXIES; then it is the right-most entry of
X-Forwarded-For that is not a trusted proxy (entries left of it could be typed by the client).
"""

import ipaddress
import logging
import re
import time
from dataclasses import dataclass
from functools import lru_cache

from django.conf import settings
from django.core.cache import cache
from rest_framework.throttling import BaseThrottle

logger = logging.getLogger(__name__)

DEFAULT_RATE = "20/m"
_UNITS = {"s": 1, "sec": 1, "second": 1, "m": 60, "min": 60, "minute": 60, "h": 3600, "hour": 3600,
          "d": 86400, "day": 86400}
_RATE_RE = re.compile(r"^\s*(\d+)\s*(?:/\s*(\d*)\s*([a-z]+))?\s*$")


@dataclass(frozen=True)
class Rate:
    limit: int
    window: int  # seconds


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    limit: int
    remaining: int
    retry_after: int  # seconds until the window ends (0 when allowed)


@lru_cache(maxsize=32)
def parse_rate(text):
    """"20/m" → Rate(20, 60); "100/h", "5/10s", "30/min" likewise; "0", "" or "off" → None (no limit)."""
    text = (text or "").strip().lower()
    if text in {"", "0", "off", "none"}:
        return None
    match = _RATE_RE.match(text)
    if not match:
        raise ValueError(f"PUBLIC_RATE_LIMIT must look like '20/m', '100/h' or '0', not {text!r}")
    limit, multiple, unit = int(match[1]), match[2], match[3] or "m"
    if unit not in _UNITS:
        raise ValueError(f"unknown rate unit {unit!r} in {text!r} (use s, m, h or d)")
    if limit == 0:
        return None
    return Rate(limit=limit, window=_UNITS[unit] * int(multiple or 1))


def current_rate():
    return parse_rate(str(getattr(settings, "PUBLIC_RATE_LIMIT", DEFAULT_RATE)))


def _trusted_networks():
    raw = getattr(settings, "TRUSTED_PROXIES", ())
    if isinstance(raw, str):
        raw = raw.split(",")
    return _networks(tuple(item.strip() for item in raw if item and item.strip()))


@lru_cache(maxsize=8)
def _networks(items):
    networks = []
    for item in items:
        try:
            networks.append(ipaddress.ip_network(item, strict=False))
        except ValueError:
            continue  # a typo in the setting must not take the public pages down
    return tuple(networks)


def _parse_ip(text):
    text = (text or "").strip()
    if text.startswith("[") and "]" in text:  # [2001:db8::1]:443
        text = text[1:text.index("]")]
    elif text.count(":") == 1:  # 203.0.113.7:51234
        text = text.split(":", 1)[0]
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        return None


def _is_trusted(address, networks):
    return address is not None and any(address in network for network in networks)


def client_address(request):
    """The address the request came from, believing X-Forwarded-For only as far as trusted proxies go; None
    when the request carries no usable address (a test's bare request). The one answer for the public rate
    limiter, every DRF throttle and django-axes (AXES_CLIENT_IP_CALLABLE)."""
    remote = _parse_ip(request.META.get("REMOTE_ADDR", ""))
    networks = _trusted_networks()
    if not _is_trusted(remote, networks):
        return str(remote) if remote is not None else None
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    hops = [hop for hop in (part.strip() for part in forwarded.split(",")) if hop]
    for hop in reversed(hops):
        address = _parse_ip(hop)
        if address is None:
            # Garbage where an address should be: a trusted proxy would not write it, so the client did;
            # stop at the last address we could trust.
            break
        if not _is_trusted(address, networks):
            return str(address)
    # Every hop is a trusted proxy (or there were none): the request started inside our network.
    return str(remote)


def client_ip(request):
    """client_address() as a rate-limit key: never empty."""
    return client_address(request) or request.META.get("REMOTE_ADDR", "") or "unknown"


def hit(scope, key, rate=None, *, now=None):
    """Count one request of `key` in `scope`; say whether it is within the rate."""
    rate = current_rate() if rate is None else rate
    if rate is None:
        return Verdict(allowed=True, limit=0, remaining=0, retry_after=0)
    now = time.time() if now is None else now
    window_start = int(now // rate.window) * rate.window
    cache_key = f"ratelimit:{scope}:{key}:{rate.window}:{window_start}"
    try:
        count = _count(cache_key, rate.window + 5)
    except Exception as exc:  # the cache server is down: a limiter must not take the public pages with it
        logger.warning("rate limit not applied, the cache is unavailable: %s", exc)
        return Verdict(allowed=True, limit=rate.limit, remaining=rate.limit, retry_after=0)
    retry_after = max(1, int(window_start + rate.window - now + 0.999))
    if count > rate.limit:
        return Verdict(allowed=False, limit=rate.limit, remaining=0, retry_after=retry_after)
    return Verdict(allowed=True, limit=rate.limit, remaining=rate.limit - count, retry_after=0)


def _count(cache_key, timeout):
    # add() then incr() is atomic on Redis; the small extra timeout covers clock skew between web servers.
    cache.add(cache_key, 0, timeout=timeout)
    try:
        return cache.incr(cache_key)
    except ValueError:  # the key expired between add() and incr()
        cache.set(cache_key, 1, timeout=timeout)
        return 1


def check_request(request, scope):
    """Count `request` against the public limit for `scope` by its client address."""
    return hit(scope, client_ip(request))


class ClientAddressIdent:
    """For every DRF throttle: the client is identified by client_ip(), never by an X-Forwarded-For that did
    not come through one of TRUSTED_PROXIES."""

    def get_ident(self, request):
        return client_ip(request)


class PublicRateThrottle(ClientAddressIdent, BaseThrottle):
    """DRF throttle on the same limiter: over the limit → 429 in the API's error format, with Retry-After.
    `rate` None follows PUBLIC_RATE_LIMIT; a subclass may fix its own ("30/m"). Without the cache it lets
    requests through, as the public pages do."""

    scope = "api"
    rate = None

    def allow_request(self, request, view):
        rate = parse_rate(self.rate) if self.rate else None
        verdict = hit(getattr(view, "rate_limit_scope", self.scope), self.get_ident(request), rate)
        self._retry_after = verdict.retry_after
        return verdict.allowed

    def wait(self):
        return getattr(self, "_retry_after", None) or None

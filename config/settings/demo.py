"""What `make run` serves: the product as its users see it, on the embedded defaults of base.

DEBUG is off, so a mistyped URL or another unit's clue shows our Chinese 404/403/500 pages, never Django's
debug page listing every URL pattern; WhiteNoise serves the static files straight from the apps' folders
(no collectstatic step). Unless DJANGO_ALLOWED_HOSTS says otherwise, the address people are given
(SITE_BASE_URL, derived from WEB_BIND when not set) is an allowed host, so `make run HOST=0.0.0.0` opens from
a phone on the local network.
"""

import os
from urllib.parse import urlsplit

from core.serving import WILDCARD_HOSTS, parse_bind

from .base import *  # noqa: F403
from .base import ALLOWED_HOSTS, SITE_BASE_URL, WEB_BIND, env_bool

DEBUG = env_bool("DJANGO_DEBUG", False)
WHITENOISE_USE_FINDERS = True
# `make run` is a developer's machine: a CSS or JS file edited while it runs is served as it is now (without
# this, WhiteNoise keeps the size it read at start-up and the browser waits forever for the missing bytes).
WHITENOISE_AUTOREFRESH = True


def _as_allowed_host(host):
    return f"[{host}]" if ":" in host else host


if not os.environ.get("DJANGO_ALLOWED_HOSTS"):
    bind_host = parse_bind(WEB_BIND)[0]
    served = {urlsplit(SITE_BASE_URL).hostname or ""}
    if bind_host not in WILDCARD_HOSTS:
        served.add(bind_host)
    ALLOWED_HOSTS = [*ALLOWED_HOSTS, *sorted(_as_allowed_host(h) for h in served if h and
                                             _as_allowed_host(h) not in ALLOWED_HOSTS)]

"""Where `make run` serves: the bind, the address people are given, and a busy port said plainly."""

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from core.serving import base_url_for_bind, free_port_after, lan_address, parse_bind, port_in_use

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(("bind", "parsed"), [
    ("8001", ("127.0.0.1", 8001)), ("127.0.0.1:8000", ("127.0.0.1", 8000)), ("0.0.0.0:8001", ("0.0.0.0", 8001)),
    ("localhost:9000", ("localhost", 9000)), ("[::1]:8001", ("::1", 8001)),
])
def test_a_bind_is_host_and_port(bind, parsed):
    assert parse_bind(bind) == parsed


@pytest.mark.parametrize("bind", ["", "127.0.0.1", "127.0.0.1:http", "127.0.0.1:0", "127.0.0.1:70000"])
def test_anything_else_is_not_a_bind(bind):
    with pytest.raises(ValueError):
        parse_bind(bind)


def test_the_base_url_is_the_served_address():
    assert base_url_for_bind("127.0.0.1:8001") == "http://127.0.0.1:8001"
    assert base_url_for_bind("[::1]:8001") == "http://[::1]:8001"
    # A wildcard bind is opened through this machine's address on the local network (what a phone can reach).
    assert base_url_for_bind("0.0.0.0:8001") == f"http://{lan_address()}:8001"


@pytest.fixture
def listening():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        yield sock.getsockname()[1]


def test_a_port_someone_listens_on_is_in_use(listening):
    assert port_in_use("127.0.0.1", listening)
    free = free_port_after("127.0.0.1", listening)
    assert free > listening and not port_in_use("127.0.0.1", free)


def run_manage(*args, **env):
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, capture_output=True, text=True,
                          env={**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.demo", **env}, timeout=120)


def test_check_bind_says_plainly_that_the_port_is_busy_and_how_to_choose_another(listening):
    done = run_manage("check_bind", WEB_BIND=f"127.0.0.1:{listening}")
    assert done.returncode == 1
    assert f"端口 {listening} 已被占用" in done.stderr
    assert "make run PORT=" in done.stderr
    free = run_manage("check_bind", WEB_BIND=f"127.0.0.1:{free_port_after('127.0.0.1', listening)}")
    assert free.returncode == 0 and free.stderr == ""


def test_the_demo_settings_serve_real_error_pages_at_the_served_address():
    code = ("from django.conf import settings as s; "
            "print(s.DEBUG, s.SITE_BASE_URL, '192.0.2.50' in s.ALLOWED_HOSTS, s.WHITENOISE_USE_FINDERS)")
    env = {"WEB_BIND": "0.0.0.0:8123", "SITE_BASE_URL": "http://192.0.2.50:8123"}
    done = subprocess.run([sys.executable, "-c", f"import django; django.setup(); {code}"], cwd=ROOT, timeout=60,
                          capture_output=True, text=True,
                          env={**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.demo", **env})
    assert done.stdout.split() == ["False", "http://192.0.2.50:8123", "True", "True"], done.stderr


def test_celery_is_configured_not_to_warn():
    from django.conf import settings

    if settings.CELERY_BROKER_URL.startswith("filesystem"):
        assert settings.CELERY_BROKER_URL == "filesystem://localhost//"  # a host: no "No hostname was supplied"
    assert settings.CELERY_RESULT_EXPIRES is None  # no result-cleanup job for results that are never stored
    worker = next(line for line in (ROOT / "Procfile").read_text().splitlines() if line.startswith("worker:"))
    assert "-W \"ignore:You're running the worker with superuser privileges\"" in worker

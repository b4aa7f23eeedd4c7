"""What `make run` serves, in Chromium: the web process started as the Procfile starts it, under the settings
`make run` uses (config.settings.demo, DEBUG off), at a chosen port. The start-up banner's worker link opens
the form at that address; a mistyped URL shows our Chinese 404 page, styled (static files served)."""

import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import current_database_url
from tests.factories import ProjectFactory

ROOT = Path(__file__).resolve().parents[2]


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def make_run_env(tmp_path):
    port = free_port()
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.demo", "WEB_BIND": f"127.0.0.1:{port}",
           "DATABASE_URL": current_database_url(), "VAR_DIR": str(tmp_path)}
    for name in ("DJANGO_ALLOW_ASYNC_UNSAFE", "SITE_BASE_URL", "DJANGO_ALLOWED_HOSTS", "DJANGO_DEBUG"):
        env.pop(name, None)
    return env, port


@pytest.fixture
def web(make_run_env, tmp_path):
    """The Procfile's web process: runserver at WEB_BIND; stops at the end of the test."""
    env, port = make_run_env
    log = open(tmp_path / "web.log", "w")  # noqa: SIM115 - closed below
    proc = subprocess.Popen([sys.executable, "manage.py", "runserver", env["WEB_BIND"], "--noreload"], cwd=ROOT,
                            env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"{base}/report/", timeout=2)
                break
            except (urllib.error.URLError, ConnectionError):
                assert proc.poll() is None, (tmp_path / "web.log").read_text()[-3000:]
                assert time.monotonic() < deadline, "runserver did not answer within 60 s"
                time.sleep(0.3)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


@pytest.fixture
def browser_context_args(browser_context_args, playwright):
    return {**browser_context_args, **playwright.devices["iPhone 13"], "locale": "zh-CN"}


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_banners_worker_link_opens_the_form_at_the_served_address(make_run_env, web, page):
    env, port = make_run_env
    ProjectFactory(code="WLCB-2026-0001", name="集宁区老旧小区改造工程(一期)")
    banner = subprocess.run([sys.executable, "manage.py", "welcome", "--no-qr"], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=120)
    assert banner.returncode == 0, banner.stderr
    links = dict(re.findall(r"^\s+(\S+)\s+(http://\S+)", banner.stdout, re.M))
    assert links["反映欠薪"] == f"http://127.0.0.1:{port}/report/"  # the port chosen, not 8000

    page.goto(links["反映欠薪"])
    assert page.locator("h1").inner_text() == "反映欠薪问题"
    assert page.locator("#submit-clue").is_visible()

    page.goto(links["项目二维码链接"])
    assert page.locator("#project-name").inner_text() == "集宁区老旧小区改造工程(一期)"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_mistyped_url_shows_our_chinese_404_page_not_the_debug_page(web, page):
    response = page.goto(f"{web}/reprot/")
    assert response.status == 404
    assert page.locator("h1").inner_text() == "页面不存在"
    assert "URLconf" not in page.content() and "DEBUG = True" not in page.content()
    # The page is styled: WhiteNoise serves the static files with DEBUG off.
    assert page.evaluate("getComputedStyle(document.querySelector('.topbar')).borderBottomStyle") == "solid"
    api = page.goto(f"{web}/api/v1/no-such-thing/")
    assert api.status == 404 and api.json()["error"]["message"] == "未找到。"

"""The database cannot be reached (a real refused connection: a server process pointed at a closed port):
the API answers 503 with Retry-After in its error format, and the public form a Chinese page that keeps what
the worker typed — quickly, not after the old 10 s pool wait."""

import json
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request

import pytest

from tests.processes import ROOT, child_env, spare_port, wait_for

CSRF = "a" * 32  # an unmasked CSRF secret: Django accepts the same value in the cookie and the field


@pytest.fixture
def server_without_database(tmp_path):
    closed = spare_port()  # nothing listens here: every connection is refused
    port = spare_port()
    env = child_env(DATABASE_URL=f"postgres://postgres@127.0.0.1:{closed}/nowhere", DB_POOL_TIMEOUT="2")
    log = open(tmp_path / "gunicorn.log", "w")  # noqa: SIM115
    proc = subprocess.Popen([sys.executable, "-m", "gunicorn", "config.wsgi", "--bind", f"127.0.0.1:{port}",
                             "--workers", "1", "--threads", "2", "--timeout", "60"],
                            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)

    def up():
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/static/none", timeout=2)
        except urllib.error.HTTPError:
            return True
        except OSError:
            assert proc.poll() is None, (tmp_path / "gunicorn.log").read_text()
            return False
        return True

    try:
        assert wait_for(up, 30, interval=0.2), (tmp_path / "gunicorn.log").read_text()
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.terminate()
        proc.wait(timeout=20)
        log.close()


def _send(url, data, headers):
    request = urllib.request.Request(url, data=data, headers=headers, method="POST")
    try:
        response = urllib.request.urlopen(request, timeout=30)
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read().decode()
    return response.status, dict(response.headers), response.read().decode()


def test_the_api_says_503_with_retry_after(server_without_database):
    body = json.dumps({"employer_name": "宏达建筑", "complainant_name": "王勇", "complainant_phone": "13800138000",
                       "worker_count": 3, "amount_owed": "36000", "consent": True}).encode()
    status, headers, text = _send(f"{server_without_database}/api/v1/public/clues/", body,
                                  {"Content-Type": "application/json"})
    assert status == 503, text
    assert int(headers["Retry-After"]) > 0
    assert json.loads(text)["error"] == {"code": "unavailable", "message": "系统暂时无法处理请求,请稍后再试。",
                                         "fields": {}}


def test_the_public_form_keeps_what_the_worker_typed(server_without_database):
    typed = {"csrfmiddlewaretoken": CSRF, "entry": "web", "idempotency_key": "key-of-this-rendering-01",
             "employer_name": "乌兰察布市宏达建筑工程有限公司", "complainant_name": "王勇",
             "complainant_phone": "13800138000", "worker_count": "6", "amount_owed": "48000",
             "description": "8月至10月的工资一直没发。", "consent": "on"}
    status, headers, html = _send(f"{server_without_database}/report/", urllib.parse.urlencode(typed).encode(),
                                  {"Content-Type": "application/x-www-form-urlencoded",
                                   "Cookie": f"csrftoken={CSRF}"})
    assert status == 503, html
    assert int(headers["Retry-After"]) > 0
    assert "暂时无法提交" in html and "重新提交" in html
    for value in ("乌兰察布市宏达建筑工程有限公司", "王勇", "13800138000", "8月至10月的工资一直没发。"):
        assert value in html
    assert 'name="idempotency_key" value="key-of-this-rendering-01"' in html


def test_opening_the_form_gets_the_chinese_busy_page(server_without_database):
    try:
        urllib.request.urlopen(f"{server_without_database}/report/", timeout=30)
    except urllib.error.HTTPError as error:
        assert error.code == 503
        assert "系统暂时繁忙" in error.read().decode()
    else:
        pytest.fail("the form page answered without a database")

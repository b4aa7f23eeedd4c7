"""Processes the fault and install tests start for themselves: a private redis-server on a spare port (the
shared one is never stopped), gunicorn and Celery processes on the test database, and plain HTTP to them."""

import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parents[1]


def spare_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def database_url():
    """The URL of the database this test runs on (xdist gives each worker its own)."""
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    user = db["USER"] or "postgres"
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return f"postgres://{user}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def child_env(**extra):
    """os.environ for a child Django process on the test database and the test's media directory; the
    browser tests' async flag dropped."""
    env = {key: value for key, value in os.environ.items() if key != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env.update({"DJANGO_SETTINGS_MODULE": "config.settings.test", "DATABASE_URL": database_url(),
                "TEST_MEDIA_ROOT": str(settings.MEDIA_ROOT), "PYTHONUNBUFFERED": "1"})
    env.update({key: str(value) for key, value in extra.items()})
    return env


def wait_for(predicate, timeout, interval=0.1):
    """Poll `predicate` until it returns something true or `timeout` seconds pass; return its last value."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(interval)


class RedisServer:
    """A redis-server of the test's own on 127.0.0.1:<spare port>, no persistence; stop() and start() again
    on the same port to simulate an outage."""

    def __init__(self, workdir):
        self.workdir = Path(workdir)
        self.port = spare_port()
        self.process = None

    @property
    def url(self):
        return f"redis://127.0.0.1:{self.port}/0"

    @staticmethod
    def available():
        return shutil.which("redis-server") is not None

    def start(self):
        self.process = subprocess.Popen(
            ["redis-server", "--bind", "127.0.0.1", "--port", str(self.port), "--save", "", "--appendonly", "no",
             "--dir", str(self.workdir), "--logfile", str(self.workdir / f"redis-{self.port}.log")],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        if not wait_for(self._answers, 10):
            raise RuntimeError(f"redis-server on port {self.port} did not start")
        return self

    def _answers(self):
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as sock:
                sock.sendall(b"PING\r\n")
                return sock.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def stop(self):
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)
        self.process = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()


class Service:
    """A child process of the test — a gunicorn server, a Celery worker or beat — with its output in a log file
    under `workdir`. Use it as a context manager (or call stop() in a finally): it never outlives the test.

    With `restart=True` it is started again whenever it exits on its own, as the compose file's
    `restart: unless-stopped` does in production (`restarts` counts how often)."""

    def __init__(self, name, args, workdir, env, *, restart=False):
        self.name, self.args, self.env, self.restart = name, args, env, restart
        self.logfile = Path(workdir) / f"{name}.log"
        self.process = None
        self.restarts = 0
        self._log = None
        self._stopping = threading.Event()
        self._watch = None

    def start(self):
        self._stopping.clear()
        self._spawn()
        if self.restart and self._watch is None:
            self._watch = threading.Thread(target=self._supervise, name=f"restart {self.name}", daemon=True)
            self._watch.start()
        return self

    def _spawn(self):
        if self._log is None:
            self._log = open(self.logfile, "a")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(self.args, cwd=ROOT, env=self.env, stdout=self._log,
                                        stderr=subprocess.STDOUT)

    def _supervise(self):
        while not self._stopping.wait(0.2):
            code = self.process.poll()
            if code is not None:
                self.restarts += 1
                self._log.write(f"\n--- {self.name} exited with {code}; started again (restart policy) ---\n")
                self._log.flush()
                self._spawn()

    @property
    def pid(self):
        return self.process.pid

    def alive(self):
        return self.process is not None and self.process.poll() is None

    def log(self, tail=4000):
        text = self.logfile.read_text(errors="replace") if self.logfile.exists() else ""
        return text[-tail:] if tail else text

    def assert_alive(self):
        assert self.alive(), f"{self.name} died:\n{self.log()}"

    def kill(self):
        """SIGKILL: no shutdown, no cleanup, as when the machine or the OOM killer ends it."""
        if self.alive():
            self.process.kill()
            self.process.wait(timeout=10)

    def stop(self, timeout=20):
        self._stopping.set()
        if self._watch is not None:
            self._watch.join(timeout=10)
            self._watch = None
        if self.alive():
            self.process.terminate()
            try:
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        if self._log is not None:
            self._log.close()
            self._log = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()


class WebServer(Service):
    """gunicorn serving config.wsgi on 127.0.0.1:<spare port>, on the test database; start() returns once it
    answers."""

    def __init__(self, workdir, *, workers=1, threads=4, name="gunicorn", **env):
        self.port = spare_port()
        super().__init__(name, [sys.executable, "-m", "gunicorn", "config.wsgi", "--bind",
                                f"127.0.0.1:{self.port}", "--workers", str(workers), "--threads", str(threads),
                                "--timeout", "60", "--graceful-timeout", "5"], workdir, child_env(**env))

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}"

    def start(self):
        super().start()
        try:
            if not wait_for(self._answers, 30, interval=0.2):
                raise RuntimeError(f"gunicorn did not answer within 30 s:\n{self.log()}")
        except BaseException:
            self.stop()
            raise
        return self

    def _answers(self):
        self.assert_alive()
        try:
            urllib.request.urlopen(f"{self.url}/static/none", timeout=2)
        except urllib.error.HTTPError:
            return True
        except OSError:
            return False
        return True


def celery(name, command, workdir, *, restart=False, **env):
    """`celery -A config <command…>` as a Service (not started), on the test database."""
    return Service(name, [sys.executable, "-m", "celery", "-A", "config", *command], workdir, child_env(**env),
                   restart=restart)


def celery_worker(workdir, *, name="worker", concurrency=2, restart=False, **env):
    """A Celery worker with the thread pool (as `make run`), so a task runs in the process a kill ends."""
    node = f"{name}-{secrets.token_hex(4)}@localhost"
    return celery(name, ["worker", "-l", "info", "--pool=threads", "--concurrency", str(concurrency), "-n",
                         node, "--without-gossip", "--without-mingle"], workdir, restart=restart, **env)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # the 3xx itself is the answer


_opener = urllib.request.build_opener(_NoRedirect)


def http(method, url, *, body=None, headers=None, timeout=60):
    """One request: (status, headers, text); an HTTP error status or a redirect is an answer, not an exception
    (redirects are not followed)."""
    request = urllib.request.Request(url, data=body, headers=headers or {}, method=method)
    try:
        with _opener.open(request, timeout=timeout) as response:
            return response.status, dict(response.headers), response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read().decode()


def post_json(url, data, headers=None, timeout=60):
    """POST `data` as JSON; (status, headers, parsed body or the text when it is not JSON)."""
    status, answer_headers, text = http("POST", url, body=json.dumps(data).encode(),
                                        headers={"Content-Type": "application/json", **(headers or {})},
                                        timeout=timeout)
    try:
        return status, answer_headers, json.loads(text)
    except ValueError:
        return status, answer_headers, text

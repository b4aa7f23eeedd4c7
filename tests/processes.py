"""Processes the fault and install tests start for themselves: a private redis-server on a spare port (the
shared one is never stopped), and the environment a child process (server, worker, beat) needs to reach the
test database."""

import os
import shutil
import socket
import subprocess
import time
from pathlib import Path

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
    """os.environ for a child Django process on the test database; the browser tests' async flag dropped."""
    env = {key: value for key, value in os.environ.items() if key != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env.update({"DJANGO_SETTINGS_MODULE": "config.settings.test", "DATABASE_URL": database_url(),
                "PYTHONUNBUFFERED": "1"})
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

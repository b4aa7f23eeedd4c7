"""What the Dockerfile installs — requirements.txt alone, no development packages — runs a Celery worker and
beat against Redis: the worker answers a ping, beat starts and writes its schedule.

The venv is built once per content of requirements.txt under var/runtime-venv/ (pip's cache keeps it quick)
and reused while the file does not change.
"""

import fcntl
import hashlib
import secrets
import shutil
import subprocess
import sys

import pytest
from django_celery_beat.models import PeriodicTask

from .processes import ROOT, RedisServer, child_env, wait_for

REQUIREMENTS = ROOT / "requirements.txt"


def runtime_venv():
    digest = hashlib.sha256(REQUIREMENTS.read_bytes()).hexdigest()[:16]
    base = ROOT / "var" / "runtime-venv"
    base.mkdir(parents=True, exist_ok=True)
    venv = base / digest
    with open(base / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # two xdist workers must not build the same venv at once
        if not (venv / ".complete").exists():
            shutil.rmtree(venv, ignore_errors=True)
            # No --system-site-packages: only what requirements.txt names (and what it pulls in) is there.
            python = getattr(sys, "_base_executable", sys.executable)
            subprocess.run([python, "-m", "venv", str(venv)], check=True, timeout=120)
            result = subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "install", "-q",
                                     "--disable-pip-version-check", "-r", str(REQUIREMENTS)],
                                    capture_output=True, text=True, timeout=600)
            assert result.returncode == 0, result.stderr[-3000:]
            (venv / ".complete").touch()
    return venv / "bin" / "python"


@pytest.mark.redis
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_requirements_alone_run_a_worker_that_answers_and_a_beat_that_schedules(tmp_path):
    python = runtime_venv()
    dev_only = subprocess.run([str(python), "-c", "import pytest"], capture_output=True)
    assert dev_only.returncode != 0, "the runtime venv must not have the development packages"
    PeriodicTask.objects.all().delete()

    with RedisServer(tmp_path) as redis:
        env = child_env(DJANGO_SETTINGS_MODULE="config.settings.production",
                        DJANGO_SECRET_KEY=secrets.token_urlsafe(50), REDIS_URL=redis.url,
                        DJANGO_ALLOWED_HOSTS="localhost")
        node = f"runtime-{secrets.token_hex(4)}@localhost"
        celery = [str(python), "-m", "celery", "-A", "config"]
        logs = {name: open(tmp_path / f"{name}.log", "w") for name in ("worker", "beat")}  # noqa: SIM115
        procs = {
            "worker": subprocess.Popen(celery + ["worker", "-l", "info", "--pool=threads", "--concurrency", "2",
                                                 "-n", node], cwd=ROOT, env=env, stdout=logs["worker"],
                                       stderr=subprocess.STDOUT),
            "beat": subprocess.Popen(celery + ["beat", "-l", "info", "-s", str(tmp_path / "beat-schedule")],
                                     cwd=ROOT, env=env, stdout=logs["beat"], stderr=subprocess.STDOUT),
        }

        def log(name):
            return (tmp_path / f"{name}.log").read_text()

        def worker_answers():
            assert procs["worker"].poll() is None, "worker died:\n" + log("worker")[-3000:]
            ping = subprocess.run(celery + ["inspect", "ping", "-d", node, "--timeout", "2"], cwd=ROOT, env=env,
                                  capture_output=True, text=True, timeout=60)
            return ping.returncode == 0 and "pong" in ping.stdout

        def beat_scheduled():
            assert procs["beat"].poll() is None, "beat died:\n" + log("beat")[-3000:]
            return "beat: Starting" in log("beat") and PeriodicTask.objects.filter(
                name="supervision-sweep").exists()

        try:
            assert wait_for(worker_answers, 60, interval=1), "no pong within 60 s:\n" + log("worker")[-3000:]
            assert wait_for(beat_scheduled, 60, interval=0.5), "beat did not start:\n" + log("beat")[-3000:]
        finally:
            for proc in procs.values():
                proc.terminate()
            for proc in procs.values():
                try:
                    proc.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait()
            for handle in logs.values():
                handle.close()
    assert "ModuleNotFoundError" not in log("worker") + log("beat")

"""A real Celery worker and beat against Redis escalate a due clue with no direct call; a dead Redis during
intake loses nothing."""

import datetime as dt
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
import time_machine

from notifications.models import OutboxMessage
from supervision.models import EscalationStep
from tests.clues.lifecycle_helpers import new_clue, to_assigned
from tests.conftest import current_database_url, make_staff
from units.workdays import SHANGHAI

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.redis
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_worker_and_beat_escalate_a_due_clue_without_any_direct_call(tmp_path):
    intake = make_staff("intake", username="live_intake")
    officer = make_staff("officer", "150921", username="live_officer")
    week_ago = dt.datetime.now(SHANGHAI) - dt.timedelta(days=7)
    with time_machine.travel(week_ago, tick=False):
        clue = new_clue()
        to_assigned(clue, intake, officer.unit)
    clue.refresh_from_db()
    assert clue.ladder_dirty and not EscalationStep.objects.filter(clue=clue).exists()  # the sweep does the rest

    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test", "DATABASE_URL": current_database_url(),
           "REDIS_URL": os.environ["REDIS_URL"], "SUPERVISION_SWEEP_SECONDS": "2"}
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    celery = [sys.executable, "-m", "celery", "-A", "config"]
    logs = {name: open(tmp_path / f"{name}.log", "w") for name in ("worker", "beat")}  # noqa: SIM115
    procs = [
        subprocess.Popen(celery + ["worker", "-l", "info", "--pool=threads", "--concurrency", "2",
                                   "-n", f"test-{os.getpid()}@%h"],
                         cwd=ROOT, env=env, stdout=logs["worker"], stderr=subprocess.STDOUT),
        subprocess.Popen(celery + ["beat", "-l", "info", "-s", str(tmp_path / "beat-schedule")],
                         cwd=ROOT, env=env, stdout=logs["beat"], stderr=subprocess.STDOUT),
    ]
    try:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            if EscalationStep.objects.filter(clue=clue, state="taken").exists():
                break
            assert all(p.poll() is None for p in procs), (tmp_path / "worker.log").read_text()[-3000:]
            time.sleep(1)
        else:
            pytest.fail("no escalation within 90 s:\n" + (tmp_path / "beat.log").read_text()[-2000:]
                        + (tmp_path / "worker.log").read_text()[-3000:])
    finally:
        for p in procs:
            p.terminate()
        for p in procs:
            try:
                p.wait(timeout=20)
            except subprocess.TimeoutExpired:
                p.kill()
        for log in logs.values():
            log.close()
    clue.refresh_from_db()
    assert clue.is_overdue
    # A week late, the sweep takes the highest rung due and records the 提醒函 it covers.
    event = clue.events.filter(kind="escalated", data__deadline="claim").get()
    assert event.data["step"] in {"supervision", "summons"} and "reminder" in event.data["covers"]
    assert "supervision.tasks.supervision_sweep" in (tmp_path / "worker.log").read_text()


@pytest.mark.django_db
def test_a_dead_redis_during_intake_keeps_the_clue_and_delivers_the_sms_later(api_client, settings):
    from config.celery import app
    from notifications.services import deliver_due

    dead = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    live_caches, live_broker = settings.CACHES, app.conf.broker_url
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": dead}}
    app.conf.broker_url = dead
    try:
        response = api_client.post("/api/v1/public/clues/", {
            "employer_name": "乌兰察布市宏达建筑工程有限公司", "complainant_name": "王勇",
            "complainant_phone": "13800138000", "worker_count": 3, "amount_owed": "36000.00",
            "description": "8月至10月工资未发。", "consent": True}, format="json")
    finally:
        settings.CACHES, app.conf.broker_url = live_caches, live_broker
    assert response.status_code == 201, response.content
    code = response.json()["tracking_code"]
    sms = OutboxMessage.objects.get(channel="sms", recipient="13800138000")
    assert sms.state == "pending" and code in sms.body

    deliver_due()  # what the periodic outbox task does once Redis is back
    sms.refresh_from_db()
    assert sms.state == "sent"
    assert settings.SMS_BACKEND.endswith("ConsoleSmsBackend")

"""Redis stops in the middle of a supervision sweep (`manage.py supervise` in its own process, on a private
redis-server): the sweep completes and takes every due step exactly once; what it could not queue is done
later — the letters render when they are downloaded, the periodic runs deliver the e-mails and the referral
package."""

import json
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core import mail
from django.db import transaction
from django.test import Client
from django.utils import timezone

from clues.models import Clue
from notifications import tasks as notification_tasks
from notifications.models import OutboxMessage
from supervision import ladder
from supervision import tasks as supervision_tasks
from supervision.models import Letter, ReferralPackage
from tests.processes import RedisServer, Service, child_env, wait_for

from .conftest import assert_every_due_step_taken_once, lock_waiters


class Platform(BaseHTTPRequestHandler):
    """The Party committee supervision platform: records what it is sent, answers 200."""

    received = []

    def do_POST(self):
        self.received.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def platform():
    Platform.received = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), Platform)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/referrals"
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.redis
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_sweep_completes_without_redis_and_what_it_could_not_queue_is_done_later(
        overdue_ladder, tmp_path, settings, platform):
    redis = RedisServer(tmp_path)
    env = child_env(REDIS_URL=redis.url, SUPERVISION_SWEEP_BATCH=1, NOTIFY_EMAIL="true")
    sweep = Service("supervise", [sys.executable, "manage.py", "supervise"], tmp_path, env)
    first_unit, second_unit = overdue_ladder.units[:2]
    try:
        redis.start()
        started = timezone.now()
        with transaction.atomic():
            # Hold a clue of the second unit: the sweep commits the first unit's batch (queueing its work on
            # a live Redis) and waits in the second one.
            Clue.objects.select_for_update().get(pk=overdue_ladder.blocker.pk)
            sweep.start()
            assert wait_for(lambda: lock_waiters() and Letter.objects.filter(unit=first_unit).exists(), 30), \
                sweep.log()
            assert not Letter.objects.filter(unit=second_unit).exists()
            redis.stop()
        assert sweep.process.wait(timeout=60) == 0, sweep.log()
    finally:
        sweep.stop()
        redis.stop()

    output = sweep.log(tail=0)
    assert "督办扫描完成" in output
    assert "could not queue" in output  # the outage did meet the sweep's queueing
    assert_every_due_step_taken_once(overdue_ladder, started)
    assert ladder.sweep().taken == 0  # nothing is left to take twice

    # Letters: nothing rendered them (no worker ran); a download renders each one, in Chinese.
    letters = list(Letter.objects.order_by("pk"))
    assert {letter.unit_id for letter in letters} == {unit.pk for unit in overdue_ladder.units}
    assert all(not letter.pdf and not letter.docx for letter in letters)
    client = Client()
    client.force_login(overdue_ladder.supervisor)
    for letter in letters:
        response = client.get(f"/letters/{letter.pk}/pdf")
        assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
        assert b"".join(response.streaming_content).startswith(b"%PDF")
        letter.refresh_from_db()
        assert letter.pdf

    # E-mails to the officers: pending until the periodic outbox run sends them, each once.
    emails = OutboxMessage.objects.filter(channel="email")
    assert emails.exists() and set(emails.values_list("state", flat=True)) == {"pending"}
    notification_tasks.deliver_outbox.apply()
    assert set(emails.values_list("state", flat=True)) == {"sent"}
    assert len(mail.outbox) == emails.count()
    assert {address for message in mail.outbox for address in message.to} >= {
        f"{unit.code}@example.cn" for unit in overdue_ladder.units}

    # The referral package waits for the periodic referral run, which delivers it once.
    package = ReferralPackage.objects.get()
    assert package.state == "pending"
    settings.REFERRAL_ENDPOINT = platform
    supervision_tasks.deliver_referrals.apply()
    package.refresh_from_db()
    assert package.state == "delivered"
    assert len(Platform.received) == 1
    assert overdue_ladder.referred.tracking_code in json.dumps(Platform.received[0], ensure_ascii=False)


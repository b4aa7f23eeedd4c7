"""The outbox: rows are written once, delivered by the backend, retried with backoff, and survive a dead broker."""

import datetime
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.conf import settings as django_settings
from django.core import mail
from django.db import connection
from django.utils import timezone

from accounts.roles import Role
from clues.notify import sms_to_complainant
from notifications.backends import DeliveryError, HttpGatewaySmsBackend
from notifications.models import OutboxMessage
from notifications.services import (
    backoff,
    deliver_due,
    notify_role,
    notify_unit_officers,
    notify_users,
    retry_failed,
    schedule_delivery,
)
from notifications.tasks import deliver_outbox
from tests.conftest import make_staff
from tests.factories import ClueFactory

# --- Test backends, selected by dotted path through settings.SMS_BACKEND ------------------------------------

SENT = []
SENT_LOCK = threading.Lock()


class RecordingSmsBackend:
    """Keeps what it was asked to send; slow enough that two workers overlap."""

    def send(self, phone, text):
        time.sleep(0.02)
        with SENT_LOCK:
            SENT.append((phone, text))


class FailingSmsBackend:
    def send(self, phone, text):
        raise ConnectionError("gateway down")


@pytest.fixture
def recording_backend(settings):
    settings.SMS_BACKEND = "tests.notifications.test_outbox.RecordingSmsBackend"
    SENT.clear()
    yield SENT
    SENT.clear()


@pytest.fixture
def failing_backend(settings):
    settings.SMS_BACKEND = "tests.notifications.test_outbox.FailingSmsBackend"


# --- Writing rows -------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_an_sms_for_the_same_clue_and_reason_is_queued_once():
    clue = ClueFactory(complainant_phone="138 0013 8000")

    first = sms_to_complainant(clue, "【乌兰·薪】已受理", reason="received")
    again = sms_to_complainant(clue, "【乌兰·薪】已受理", reason="received")
    other = sms_to_complainant(clue, "【乌兰·薪】已办结", reason="closed")

    assert first.pk == again.pk
    assert first.pk != other.pk
    assert OutboxMessage.objects.about(clue).count() == 2
    assert (first.channel, first.recipient, first.state) == ("sms", "13800138000", "pending")
    assert first.dedupe_key == f"sms:{clue.pk}:received"


@pytest.mark.django_db
def test_no_sms_is_queued_for_a_landline():
    clue = ClueFactory(complainant_phone="0474-8123456")

    assert sms_to_complainant(clue, "text", reason="received") is None
    assert not OutboxMessage.objects.exists()


@pytest.mark.django_db
def test_in_app_notices_are_delivered_at_once_and_email_only_when_enabled(settings):
    settings.NOTIFY_EMAIL = False
    with_email = make_staff(Role.INTAKE, username="a", email="a@example.org")
    without = make_staff(Role.INTAKE, username="b")

    notify_users([with_email, without], subject="新线索", body="有一条新线索待研判", url="/clues/1/")

    rows = OutboxMessage.objects.order_by("user__username")
    assert [(r.user.username, r.channel, r.state) for r in rows] == [("a", "inapp", "sent"), ("b", "inapp", "sent")]
    assert all(r.sent_at for r in rows)

    settings.NOTIFY_EMAIL = True
    notify_users([with_email, without], subject="新线索", body="第二条")

    email = OutboxMessage.objects.get(channel="email")
    assert (email.user, email.recipient, email.state) == (with_email, "a@example.org", "pending")


@pytest.mark.django_db
def test_notices_with_a_dedupe_prefix_are_written_once(settings):
    settings.NOTIFY_EMAIL = True
    user = make_staff(Role.INTAKE, username="a", email="a@example.org")

    first = notify_users([user], subject="超期", body="…", dedupe_prefix="overdue:7:claim")
    second = notify_users([user], subject="超期", body="…", dedupe_prefix="overdue:7:claim")

    assert len(first) == 2
    assert second == []
    assert OutboxMessage.objects.count() == 2


@pytest.mark.django_db
def test_inactive_users_get_nothing():
    user = make_staff(Role.INTAKE, username="gone", is_active=False)

    assert notify_users([user], subject="x", body="y") == []
    assert not OutboxMessage.objects.exists()


@pytest.mark.django_db
def test_unit_officers_are_the_active_officers_of_that_unit(officer_zhuozi, officer_housing, intake_user):
    make_staff(Role.INTAKE, "150921", username="zz_intake")
    make_staff(Role.OFFICER, "150921", username="zz_retired", is_active=False)

    notify_unit_officers(officer_zhuozi.unit, subject="新转办", body="请认领")

    assert list(OutboxMessage.objects.values_list("user__username", flat=True)) == ["officer_zz"]


@pytest.mark.django_db
def test_a_role_reaches_every_holder(supervisor_user, intake_user):
    second = make_staff(Role.SUPERVISOR, "150902", username="supervisor2")

    notify_role(Role.SUPERVISOR, subject="督办", body="有超期线索")

    assert set(OutboxMessage.objects.values_list("user_id", flat=True)) == {supervisor_user.pk, second.pk}


# --- Delivery -----------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_due_sms_is_sent_through_the_configured_backend(recording_backend):
    clue = ClueFactory(complainant_phone="13800138000")
    message = sms_to_complainant(clue, "【乌兰·薪】已受理", reason="received")

    assert deliver_due() == {"sent": 1, "retry": 0, "failed": 0}

    message.refresh_from_db()
    assert (message.state, message.attempts) == ("sent", 1)
    assert message.sent_at is not None
    assert recording_backend == [("13800138000", "【乌兰·薪】已受理")]
    assert deliver_due() == {"sent": 0, "retry": 0, "failed": 0}
    assert len(recording_backend) == 1


def test_backoff_doubles_from_one_minute_up_to_an_hour():
    assert [backoff(n) // datetime.timedelta(minutes=1) for n in range(1, 10)] == [1, 2, 4, 8, 16, 32, 60, 60, 60]


@pytest.mark.django_db
def test_a_failing_backend_is_retried_with_backoff_then_marked_failed(failing_backend, settings):
    settings.OUTBOX_MAX_ATTEMPTS = 4
    message = sms_to_complainant(ClueFactory(), "text", reason="received")
    t0 = timezone.now()

    assert deliver_due(now=t0) == {"sent": 0, "retry": 1, "failed": 0}
    message.refresh_from_db()
    assert (message.state, message.attempts) == ("pending", 1)
    assert message.next_attempt_at == t0 + datetime.timedelta(minutes=1)
    assert message.last_error == "ConnectionError: gateway down"

    # Not due yet: nothing is tried.
    assert deliver_due(now=t0 + datetime.timedelta(seconds=59)) == {"sent": 0, "retry": 0, "failed": 0}

    t1 = t0 + datetime.timedelta(minutes=1)
    deliver_due(now=t1)
    message.refresh_from_db()
    assert message.attempts == 2
    assert message.next_attempt_at == t1 + datetime.timedelta(minutes=2)

    t2 = t1 + datetime.timedelta(minutes=2)
    deliver_due(now=t2)
    message.refresh_from_db()
    assert message.next_attempt_at == t2 + datetime.timedelta(minutes=4)

    assert deliver_due(now=t2 + datetime.timedelta(minutes=4)) == {"sent": 0, "retry": 0, "failed": 1}
    message.refresh_from_db()
    assert (message.state, message.attempts, message.next_attempt_at) == ("failed", 4, None)
    assert deliver_due(now=t2 + datetime.timedelta(days=1)) == {"sent": 0, "retry": 0, "failed": 0}


@pytest.mark.django_db
def test_failed_messages_can_be_queued_again(recording_backend):
    message = sms_to_complainant(ClueFactory(), "text", reason="received")
    OutboxMessage.objects.filter(pk=message.pk).update(state="failed", attempts=8, last_error="x")

    assert retry_failed(OutboxMessage.objects.all()) == 1

    message.refresh_from_db()
    assert (message.state, message.attempts, message.next_attempt_at) == ("pending", 0, None)
    assert deliver_due()["sent"] == 1


@pytest.mark.django_db
def test_email_goes_through_django_mail_with_an_absolute_link(settings):
    settings.NOTIFY_EMAIL = True
    settings.SITE_BASE_URL = "https://ulanxin.example.cn"
    user = make_staff(Role.SUPERVISOR, username="boss", email="boss@example.org")
    notify_users([user], subject="督办提醒", body="卓资县有3条线索超期", url="/clues/5/")

    assert deliver_due() == {"sent": 1, "retry": 0, "failed": 0}

    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["boss@example.org"]
    assert mail.outbox[0].subject == "督办提醒"
    assert mail.outbox[0].body == "卓资县有3条线索超期\n\nhttps://ulanxin.example.cn/clues/5/"


@pytest.mark.django_db
def test_the_task_delivers_what_is_due(recording_backend):
    sms_to_complainant(ClueFactory(), "text", reason="received")

    deliver_outbox.apply()

    assert OutboxMessage.objects.get().state == "sent"
    assert len(recording_backend) == 1


def test_beat_runs_the_delivery_every_minute():
    entry = django_settings.CELERY_BEAT_SCHEDULE["outbox-delivery"]

    assert entry == {"task": deliver_outbox.name, "schedule": 60}


# --- Two workers at once (PostgreSQL row locks) --------------------------------------------------------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_workers_never_send_the_same_message_twice(recording_backend):
    clues = [ClueFactory(complainant_phone=f"1380000{n:04d}") for n in range(30)]
    for clue in clues:
        sms_to_complainant(clue, f"受理 {clue.tracking_code}", reason="received")
    results, errors = [], []
    start_together = threading.Barrier(2)

    def worker():
        try:
            start_together.wait(timeout=10)
            results.append(deliver_due())
        except Exception as exc:  # surfaced by the assertion below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    phones = [phone for phone, _text in recording_backend]
    assert len(phones) == 30
    assert len(set(phones)) == 30
    assert sum(r["sent"] for r in results) == 30
    # Both workers did part of the work: the second skipped the rows the first held, and vice versa.
    assert all(r["sent"] > 0 for r in results)
    assert set(OutboxMessage.objects.values_list("state", flat=True)) == {"sent"}


# --- The broker is down ----------------------------------------------------------------------------------------


@pytest.fixture
def dead_broker():
    """Point the Celery app at a port where nothing listens."""
    from config.celery import app

    saved = (app.conf.broker_url, app.conf.broker_transport_options)

    def reset_pools():
        app._pool = None
        if "amqp" in app.__dict__:
            app.amqp._producer_pool = None

    app.conf.broker_url = "redis://127.0.0.1:1/0"
    app.conf.broker_transport_options = {"socket_connect_timeout": 1}
    reset_pools()
    yield app
    app.conf.broker_url, app.conf.broker_transport_options = saved
    reset_pools()


@pytest.mark.django_db
def test_with_the_broker_down_rows_stay_pending_and_nothing_raises(dead_broker, caplog,
                                                                    django_capture_on_commit_callbacks):
    clue = ClueFactory()
    started = time.monotonic()

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        message = sms_to_complainant(clue, "【乌兰·薪】已受理", reason="received")

    assert len(callbacks) == 1
    assert time.monotonic() - started < 10
    message.refresh_from_db()
    assert message.state == "pending"
    assert "could not queue delivery" in caplog.text


@pytest.mark.django_db
def test_schedule_delivery_waits_for_the_commit(django_capture_on_commit_callbacks, dead_broker):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        schedule_delivery()

    assert len(callbacks) == 1


# --- The HTTP gateway, against a real socket ----------------------------------------------------------------


class GatewayHandler(BaseHTTPRequestHandler):
    def do_POST(self):  # noqa: N802 - the name http.server calls
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.server.received.append({"path": self.path, "auth": self.headers["Authorization"],
                                     "type": self.headers["Content-Type"], "json": json.loads(body)})
        status = self.server.answers.pop(0) if self.server.answers else 200
        self.send_response(status)
        if status in (301, 302):
            self.send_header("Location", "/elsewhere")
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(b'{"ok": true}' if status == 200 else b'{"error": "quota exceeded"}')

    def log_message(self, *args):
        pass


@pytest.fixture
def gateway():
    server = ThreadingHTTPServer(("127.0.0.1", 0), GatewayHandler)
    server.received, server.answers = [], []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    server.url = f"http://127.0.0.1:{server.server_address[1]}/sms/send"
    yield server
    server.shutdown()
    server.server_close()


def test_the_gateway_backend_posts_json_with_a_bearer_token(gateway):
    backend = HttpGatewaySmsBackend(url=gateway.url, token="s3cret", sign="乌兰·薪", timeout=5)

    backend.send("13800138000", "【乌兰·薪】您反映的欠薪线索已受理")

    assert gateway.received == [{
        "path": "/sms/send", "auth": "Bearer s3cret", "type": "application/json; charset=utf-8",
        "json": {"phone": "13800138000", "text": "【乌兰·薪】您反映的欠薪线索已受理", "sign": "乌兰·薪"},
    }]


@pytest.mark.parametrize("status", [500, 403, 302])
def test_the_gateway_backend_fails_on_anything_but_2xx(gateway, status):
    gateway.answers.append(status)
    backend = HttpGatewaySmsBackend(url=gateway.url, token="t", timeout=5)

    with pytest.raises(DeliveryError, match=f"HTTP {status}"):
        backend.send("13800138000", "x")


def test_the_gateway_backend_fails_when_nothing_listens():
    backend = HttpGatewaySmsBackend(url="http://127.0.0.1:1/sms", token="t", timeout=2)

    with pytest.raises(DeliveryError, match="unreachable"):
        backend.send("13800138000", "x")


@pytest.mark.django_db
def test_the_outbox_delivers_through_the_gateway_and_retries_its_errors(gateway, settings):
    settings.SMS_BACKEND = "notifications.backends.HttpGatewaySmsBackend"
    settings.SMS_GATEWAY_URL = gateway.url
    settings.SMS_GATEWAY_TOKEN = "s3cret"
    first = sms_to_complainant(ClueFactory(), "第一条", reason="received")
    second = sms_to_complainant(ClueFactory(), "第二条", reason="received")
    gateway.answers.append(500)

    assert deliver_due() == {"sent": 1, "retry": 1, "failed": 0}

    first.refresh_from_db()
    second.refresh_from_db()
    assert first.state == "pending"
    assert "HTTP 500" in first.last_error
    assert second.state == "sent"
    assert [r["json"]["text"] for r in gateway.received] == ["第一条", "第二条"]

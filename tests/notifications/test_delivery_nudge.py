"""One delivery run per process per window: many messages written at once publish one task to the broker, which
starts after the last commit of its window; outside the window (or with tasks run eagerly) each commit queues."""

import pytest
from celery import current_app

from core import tasks
from notifications import services
from notifications.models import OutboxMessage

pytestmark = pytest.mark.django_db


@pytest.fixture
def published(monkeypatch, settings):
    """The delivery runs handed to the broker (what send_now was asked to queue), with a broker in between."""
    settings.TASK_COALESCE_SECONDS = 1.0
    monkeypatch.setitem(current_app.conf, "task_always_eager", False)
    monkeypatch.setattr(services, "_nudge", tasks.Nudge(services.DELIVERY_TASK, what="delivery", fallback="",
                                                        window=lambda: settings.TASK_COALESCE_SECONDS))
    clock = {"now": 1000.0}
    monkeypatch.setattr(tasks.time, "monotonic", lambda: clock["now"])
    calls = []

    def record(task_name, *, what, fallback, countdown=None):
        calls.append((task_name, countdown))
        return record.ok

    record.ok = True
    monkeypatch.setattr(tasks, "send_now", record)
    return calls, clock, record


def test_twenty_messages_in_one_window_queue_one_run_that_starts_after_them(published,
                                                                           django_capture_on_commit_callbacks):
    calls, clock, _record = published
    with django_capture_on_commit_callbacks(execute=True):
        for n in range(20):
            services.queue_sms("13900000000", f"第{n}条", dedupe_key=f"nudge-{n}")
            clock["now"] += 0.04  # 20 messages within 0.8 s
    assert calls == [(services.DELIVERY_TASK, 1.0)]

    clock["now"] += 1.5  # the window (from the commit, at 1000.8) has passed: the next message queues a new run
    with django_capture_on_commit_callbacks(execute=True):
        services.queue_sms("13900000000", "下一条", dedupe_key="nudge-next")
    assert calls == [(services.DELIVERY_TASK, 1.0)] * 2


def test_a_run_that_could_not_be_queued_is_tried_again_by_the_next_commit(published,
                                                                         django_capture_on_commit_callbacks):
    calls, clock, record = published
    record.ok = False  # the broker is down
    with django_capture_on_commit_callbacks(execute=True):
        services.queue_sms("13900000000", "第一条", dedupe_key="nudge-down-1")
    record.ok = True
    clock["now"] += 0.1
    with django_capture_on_commit_callbacks(execute=True):
        services.queue_sms("13900000000", "第二条", dedupe_key="nudge-down-2")
    assert len(calls) == 2


def test_without_a_broker_every_commit_delivers_at_once(settings, monkeypatch, django_capture_on_commit_callbacks):
    settings.TASK_COALESCE_SECONDS = 1.0
    monkeypatch.setitem(current_app.conf, "task_always_eager", True)
    calls = []
    monkeypatch.setattr(tasks, "send_now", lambda task, **kw: calls.append(kw.get("countdown")) or True)
    with django_capture_on_commit_callbacks(execute=True):
        services.queue_sms("13900000000", "第一条", dedupe_key="nudge-eager-1")
        services.queue_sms("13900000000", "第二条", dedupe_key="nudge-eager-2")
    assert calls == [None, None]


def test_a_run_goes_on_until_the_backlog_is_sent_and_asks_for_help_on_each_full_batch(monkeypatch, settings):

    settings.SMS_BACKEND = "notifications.backends.ConsoleSmsBackend"
    for n in range(25):
        services.queue_sms("13900000000", f"第{n}条", dedupe_key=f"backlog-{n}")
    helpers = []
    monkeypatch.setitem(current_app.conf, "task_always_eager", False)
    monkeypatch.setattr(services, "send_now", lambda task, **kw: helpers.append(task) or True)
    totals = services.deliver_backlog(batch=10)
    assert totals["sent"] == 25
    assert not OutboxMessage.objects.filter(state="pending").exists()
    assert helpers == [services.DELIVERY_TASK] * 2  # two full batches of ten, then five


def test_a_run_whose_batch_was_partly_taken_by_another_goes_on_while_anything_is_due(settings, monkeypatch):
    """Two runs side by side select the same oldest rows; each sends what it could claim (SKIP LOCKED), so a
    batch can come back part-full while much is still due: the run goes on until nothing is."""
    settings.SMS_BACKEND = "notifications.backends.ConsoleSmsBackend"
    for n in range(30):
        services.queue_sms("13900000000", f"第{n}条", dedupe_key=f"side-{n}")
    real = services.deliver_due
    calls = {"n": 0}

    def partly_taken(limit, now=None):
        calls["n"] += 1
        if calls["n"] == 1:
            return real(limit=3)  # seven of the batch of ten were held by another run
        return real(limit=limit, now=now)

    monkeypatch.setattr(services, "deliver_due", partly_taken)
    totals = services.deliver_backlog(batch=10)
    assert totals["sent"] == 30
    assert not OutboxMessage.objects.filter(state="pending").exists()

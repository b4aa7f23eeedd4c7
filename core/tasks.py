"""Queueing Celery work from a service: after the commit, by task name, never failing the caller.

Every job queued this way is also done by a periodic run or on demand (the outbox delivery, the referral
delivery, a letter's files), so a broker outage only delays it; the caller's transaction must not fail for it.
Tasks are named, not imported, so a service never imports the tasks module that imports it.
"""

import logging
import threading
import time
from functools import partial

from celery import current_app
from django.db import transaction

logger = logging.getLogger(__name__)

RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.5, "interval_max": 0.5}


def is_eager():
    return bool(current_app.conf.task_always_eager)


def send(task_name, args=(), *, countdown=None):
    """Queue `task_name` by name now, to start `countdown` seconds from now (run it here at once when Celery is
    set to run tasks eagerly); raises what the broker raised."""
    if is_eager():
        return current_app.tasks[task_name].apply(args=list(args))
    return current_app.send_task(task_name, args=list(args), countdown=countdown, retry=True,
                                 retry_policy=RETRY_POLICY)


def send_now(task_name, args=(), *, what, fallback, countdown=None):
    """Queue `task_name` now; on any broker failure log why and what will do the work instead. True when
    queued."""
    try:
        send(task_name, args, countdown=countdown)
    except Exception as exc:  # any broker failure: the fallback does the work
        logger.warning("could not queue %s (%s); %s", what, exc, fallback)
        return False
    return True


def queue_after_commit(task_name, args=(), *, what, fallback):
    """Queue `task_name` once the current transaction commits (at once outside a transaction)."""
    transaction.on_commit(partial(send_now, task_name, tuple(args), what=what, fallback=fallback))


class Nudge:
    """Ask for a run of a task that does all the pending work of its kind (deliver every due message, evaluate
    every marked project), at most once per process per `window` seconds however many writes ask for it.

    The first commit in a window queues a run to start at the window's end; a commit inside the window is
    already covered, since that run starts after it. A publish to the broker costs a web worker more than the
    write it follows; this keeps it to one per window per process. When Celery runs tasks eagerly (no broker)
    or the window is 0, every call runs or queues the task at once. What a lost run would have done, the task's
    periodic run does."""

    def __init__(self, task_name, *, what, fallback, window):
        self.task_name, self.what, self.fallback = task_name, what, fallback
        self.window = window  # seconds, or a callable returning them (read from settings at each call)
        self.covered_until = 0.0
        self.lock = threading.Lock()

    def __call__(self):
        window = self.window() if callable(self.window) else self.window
        if is_eager() or window <= 0:
            send_now(self.task_name, what=self.what, fallback=self.fallback)
            return
        now = time.monotonic()
        with self.lock:
            if now < self.covered_until:
                return
            self.covered_until = now + window
        if not send_now(self.task_name, what=self.what, fallback=self.fallback, countdown=window):
            with self.lock:
                self.covered_until = 0.0  # not queued: the next commit tries again

    def after_commit(self):
        transaction.on_commit(self)

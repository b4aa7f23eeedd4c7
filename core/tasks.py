"""Queueing Celery work from a service: after the commit, by task name, never failing the caller.

Every job queued this way is also done by a periodic run or on demand (the outbox delivery, the referral
delivery, a letter's files), so a broker outage only delays it; the caller's transaction must not fail for it.
Tasks are named, not imported, so a service never imports the tasks module that imports it.
"""

import logging
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

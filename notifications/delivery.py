"""One way to deliver a queued row — an SMS, an e-mail, a referral package: claim it, try once, record.

A row is claimed with SELECT … FOR UPDATE SKIP LOCKED, so several workers can deliver at once without sending
anything twice; a failure counts an attempt and schedules the next one (backoff), until the last attempt
marks the row failed. The model needs `state` (pending / failed / a done state), `attempts`,
`next_attempt_at` and `last_error`.
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import Q

logger = logging.getLogger(__name__)

PENDING, FAILED = "pending", "failed"


class DeliveryFailed(Exception):
    """The attempt was made and failed; `fields` are recorded on the row all the same."""

    def __init__(self, message, **fields):
        super().__init__(message)
        self.fields = fields


class NotAttempted(Exception):
    """Nothing was sent (the destination is not configured): the reason is recorded, no attempt counted."""


@dataclass(frozen=True)
class Policy:
    done_state: str  # the state of a delivered row ("sent", "delivered")
    done_at: str  # the field that records when ("sent_at", "delivered_at")
    max_attempts: Callable[[], int]
    backoff: Callable[[int], object]  # attempts so far → timedelta to wait


def due(now):
    """Q of the rows due for an attempt at `now`."""
    return Q(state=PENDING) & (Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))


def attempt(queryset, pk, send, *, policy, now, force=False):
    """Claim row `pk` of `queryset` if it is due (or `force`, unless delivered), call `send(row)` and record
    the outcome. `send` returns a dict of fields to set on success, or raises DeliveryFailed or NotAttempted.
    Returns "done", "retry", "failed", "waiting" (not attempted) or None (not due, or another worker holds
    it)."""
    with transaction.atomic():
        rows = queryset.filter(pk=pk)
        if connection.features.has_select_for_update_skip_locked:
            rows = rows.select_for_update(skip_locked=True)
        # SQLite has no row locks; its IMMEDIATE transactions let one writer in at a time instead.
        row = rows.first()
        if row is None or row.state == policy.done_state:
            return None
        is_due = row.next_attempt_at is None or row.next_attempt_at <= now
        if not force and (row.state != PENDING or not is_due):
            return None
        try:
            extra = send(row) or {}
        except NotAttempted as exc:
            row.last_error = str(exc)[:2000]
            row.save(update_fields=["last_error"])
            return "waiting"
        except Exception as exc:  # whatever the channel raised, the row must record it and wait
            for name, value in getattr(exc, "fields", {}).items():
                setattr(row, name, value)
            row.attempts += 1
            row.last_error = (str(exc) if isinstance(exc, DeliveryFailed) else f"{type(exc).__name__}: {exc}")[:2000]
            if row.attempts >= policy.max_attempts():
                row.state, row.next_attempt_at = FAILED, None
                outcome = "failed"
                logger.error("delivery: %s %s failed after %s attempts: %s", row._meta.model_name, row.pk,
                             row.attempts, exc)
            else:
                row.state, row.next_attempt_at = PENDING, now + policy.backoff(row.attempts)
                outcome = "retry"
            row.save(update_fields=["attempts", "last_error", "state", "next_attempt_at",
                                    *getattr(exc, "fields", {})])
            return outcome
        for name, value in extra.items():
            setattr(row, name, value)
        row.attempts += 1
        row.state, row.next_attempt_at, row.last_error = policy.done_state, None, ""
        setattr(row, policy.done_at, now)
        row.save(update_fields=["attempts", "state", "next_attempt_at", "last_error", policy.done_at, *extra])
        return "done"


def deliver_due(queryset, send, *, policy, now, limit):
    """Each due row of `queryset` once, oldest first; {"done", "retry", "failed", "waiting"} counts."""
    counts = {"done": 0, "retry": 0, "failed": 0, "waiting": 0}
    pks = list(queryset.filter(due(now)).order_by("created_at", "pk").values_list("pk", flat=True)[:limit])
    for pk in pks:
        outcome = attempt(queryset, pk, send, policy=policy, now=now)
        if outcome:
            counts[outcome] += 1
    return counts

"""Writes of the outbox: queue SMS, in-app notices and e-mails in the caller's transaction, deliver them later.

The database, not the broker, says what is still to send: a row stays pending until delivered, so a lost
Celery message or a broker outage only delays it until the periodic `deliver_outbox` run.
"""

import datetime
import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from accounts.roles import Role
from core.bulk import bulk_insert
from core.identity import normalize_mobile
from core.tasks import Nudge, is_eager, send_now

from . import delivery
from .backends import get_sms_backend, send_email
from .models import OutboxMessage

logger = logging.getLogger(__name__)

DEFAULT_MAX_ATTEMPTS = 8
DELIVERY_TASK = "notifications.tasks.deliver_outbox"
MAX_BACKOFF_MINUTES = 60

Channel, State = OutboxMessage.Channel, OutboxMessage.State


_nudge = Nudge(DELIVERY_TASK, what="delivery", fallback="the periodic outbox run will send",
               window=lambda: settings.TASK_COALESCE_SECONDS)


def schedule_delivery():
    """Ask a worker to deliver soon (within TASK_COALESCE_SECONDS), once the current transaction commits.
    Never raises: with the broker down the rows stay pending and the periodic task sends them."""
    transaction.on_commit(_nudge)


def _about(obj):
    """The generic reference to what a message is about (a clue, a project, a warning …), or nothing. A
    (model, pk, label) triple names the object without loading it (queue_sms_many for thousands at once)."""
    if obj is None:
        return {}
    if isinstance(obj, tuple):
        model, pk, label = obj
        return {"about_type": ContentType.objects.get_for_model(model), "about_id": pk,
                "about_label": str(label)[:60]}
    return {"about_type": ContentType.objects.get_for_model(obj), "about_id": obj.pk,
            "about_label": str(getattr(obj, "reference_label", obj))[:60]}


def queue_sms(phone, text, *, dedupe_key, about=None, new_key=False):
    """Queue one SMS; the same dedupe key twice queues it once. Returns the row, or None when the number is
    not a mobile (a landline cannot receive SMS).

    `new_key`: the caller knows no row can hold the key yet (it names a row created in this transaction), so
    the row is inserted without first looking for it."""
    row = sms_row(phone, text, dedupe_key=dedupe_key, about=about)
    if row is None:
        return None
    if new_key:
        row.save(force_insert=True)
        message, created = row, True
    else:
        values = {name: getattr(row, name) for name in ("channel", "recipient", "body", "about_type_id", "about_id",
                                                         "about_label")}
        message, created = OutboxMessage.objects.get_or_create(dedupe_key=dedupe_key, defaults=values)
    if created:
        schedule_delivery()
    return message


def sms_row(phone, text, *, dedupe_key, about=None):
    """The unsaved outbox row of one SMS, or None when the number is not a mobile (a landline cannot receive SMS).
    Whoever inserts it calls schedule_delivery() after."""
    try:
        phone = normalize_mobile(phone)
    except ValidationError:
        logger.info("outbox: %s is not a mobile number, SMS %s not queued", dedupe_key, dedupe_key)
        return None
    return OutboxMessage(channel=Channel.SMS, recipient=phone, body=str(text), dedupe_key=dedupe_key,
                         **_about(about))


def queue_sms_many(messages):
    """Queue many SMS in one statement: `messages` is [(phone, text, dedupe_key, about)], `about` an object or a
    (model, pk, label) triple. Numbers that are not mobiles are skipped, a dedupe key already queued is not
    queued again. Returns the rows written."""
    rows = []
    for phone, text, dedupe_key, about in messages:
        try:
            phone = normalize_mobile(phone)
        except ValidationError:
            logger.info("outbox: %s is not a mobile number, SMS %s not queued", dedupe_key, dedupe_key)
            continue
        rows.append(OutboxMessage(channel=Channel.SMS, recipient=phone, body=str(text), dedupe_key=dedupe_key,
                                  **_about(about)))
    taken = set(OutboxMessage.objects.filter(dedupe_key__in=[row.dedupe_key for row in rows])
                .values_list("dedupe_key", flat=True)) if rows else set()
    rows = [row for row in rows if row.dedupe_key not in taken]
    if rows:
        # COPY on PostgreSQL: thousands of rows at once. A caller racing itself with the same keys would get an
        # IntegrityError here; the early warnings, the only caller, run one evaluation at a time.
        bulk_insert(rows)
        schedule_delivery()
    return rows


def notify_users(users, *, subject, body, url="", about=None, dedupe_prefix=None):
    """An in-app notice for each active user (delivered at once), plus an e-mail when the user has an
    address and settings.NOTIFY_EMAIL is on. With a dedupe_prefix, repeating the call adds nothing.
    Returns the rows written."""
    users = [user for user in users if user.is_active]
    now = timezone.now()
    subject, body = str(subject)[:200], str(body)
    common = {"subject": subject, "body": body, "url": url, **_about(about)}
    rows = []
    for user in users:
        rows.append(OutboxMessage(
            channel=Channel.INAPP, user=user, state=State.SENT, sent_at=now,
            dedupe_key=f"{dedupe_prefix}:inapp:{user.pk}" if dedupe_prefix else None, **common))
        if getattr(settings, "NOTIFY_EMAIL", False) and user.email:
            rows.append(OutboxMessage(
                channel=Channel.EMAIL, user=user, recipient=user.email,
                dedupe_key=f"{dedupe_prefix}:email:{user.pk}" if dedupe_prefix else None, **common))
    if dedupe_prefix and rows:
        taken = set(OutboxMessage.objects.filter(dedupe_key__in=[r.dedupe_key for r in rows])
                    .values_list("dedupe_key", flat=True))
        rows = [row for row in rows if row.dedupe_key not in taken]
    if not rows:
        return []
    # ignore_conflicts: a concurrent run that wrote the same keys first wins, without an error here.
    OutboxMessage.objects.bulk_create(rows, ignore_conflicts=bool(dedupe_prefix))
    if any(row.channel != Channel.INAPP for row in rows):
        schedule_delivery()
    return rows


def _active_staff():
    return get_user_model().objects.filter(is_active=True)


def notify_unit_officers(unit, **kwargs):
    """notify_users for the active officers of a unit."""
    users = _active_staff().filter(unit=unit, groups__name=Role.OFFICER).distinct()
    return notify_users(users, **kwargs)


def notify_role(role, **kwargs):
    """notify_users for every active holder of a role (superusers count as administrators)."""
    query = Q(groups__name=str(role))
    if str(role) == Role.ADMIN:
        query |= Q(is_superuser=True)
    return notify_users(_active_staff().filter(query).distinct(), **kwargs)


def mark_all_read(user):
    """Mark every unread in-app notice of `user` read; returns how many."""
    return OutboxMessage.objects.filter(user=user, channel=Channel.INAPP, read_at__isnull=True).update(
        read_at=timezone.now())


def mark_read(user, message_id):
    """Mark one of the user's own notices read; returns it, or None if it is not theirs."""
    message = OutboxMessage.objects.filter(pk=message_id, user=user, channel=Channel.INAPP).first()
    if message is not None and message.read_at is None:
        message.read_at = timezone.now()
        message.save(update_fields=["read_at"])
    return message


def retry_failed(queryset):
    """Put failed rows back in the queue with a fresh set of attempts (the admin's 重新发送)."""
    count = queryset.filter(state=State.FAILED).update(state=State.PENDING, attempts=0, next_attempt_at=None)
    if count:
        schedule_delivery()
    return count


# --- Delivery ------------------------------------------------------------------------------------------------


def max_attempts():
    return getattr(settings, "OUTBOX_MAX_ATTEMPTS", DEFAULT_MAX_ATTEMPTS)


def backoff(attempts):
    """Wait after the n-th failed attempt: 1, 2, 4 … minutes, at most an hour."""
    return datetime.timedelta(minutes=min(2 ** (attempts - 1), MAX_BACKOFF_MINUTES))


def _send(message):
    if message.channel == Channel.SMS:
        get_sms_backend().send(message.recipient, message.body)
    elif message.channel == Channel.EMAIL:
        body = message.body
        if message.url:
            link = message.url if "://" in message.url else settings.SITE_BASE_URL + message.url
            body = f"{body}\n\n{link}"
        send_email(message.recipient, message.subject, body)
    # In-app notices are delivered by being in the database.


POLICY = delivery.Policy(done_state=State.SENT, done_at="sent_at", max_attempts=max_attempts, backoff=backoff)
_OUTCOMES = {"done": "sent", "retry": "retry", "failed": "failed"}


def deliver_one(pk, now=None):
    """Claim one due row, send it and record the outcome; returns "sent", "retry", "failed" or None when
    the row is not due or another worker holds it. Safe to run from several workers at once."""
    outcome = delivery.attempt(OutboxMessage.objects.all(), pk, _send, policy=POLICY, now=now or timezone.now())
    return _OUTCOMES.get(outcome)


DELIVERY_BATCH = 200


def deliver_backlog(batch=DELIVERY_BATCH):
    """What one delivery run does: batches of due rows until none is due. Each full batch also asks another
    worker to help (one more run queued), so a backlog — pay day at a site, a national import — is spread over
    the workers while delivery runs are coalesced (one per web process per second). Rows are claimed with SKIP
    LOCKED, so runs side by side never send a row twice; a run that finds every due row held by another stops
    (the other sends them). Returns the summed counts."""
    totals = {"sent": 0, "retry": 0, "failed": 0}
    while True:
        counts = deliver_due(limit=batch)
        for key, value in counts.items():
            totals[key] += value
        handled = sum(counts.values())
        if handled == 0:
            return totals
        if handled == batch and not is_eager():
            send_now(DELIVERY_TASK, what="delivery (backlog)", fallback="this run goes on alone")
        if not OutboxMessage.objects.filter(delivery.due(timezone.now())).exists():
            return totals


def deliver_due(limit=DELIVERY_BATCH, now=None):
    """Send up to `limit` due rows, oldest first; returns {"sent", "retry", "failed"} counts."""
    counts = delivery.deliver_due(OutboxMessage.objects.all(), _send, policy=POLICY, now=now or timezone.now(),
                                  limit=limit)
    return {"sent": counts["done"], "retry": counts["retry"], "failed": counts["failed"]}

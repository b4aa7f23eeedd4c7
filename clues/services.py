"""Writes of the intake side: one `clue_create` for every channel (统一归集)."""

import hashlib
import secrets

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.api import ApplicationError
from core.bulk import ParentId, insert_together
from notifications.services import schedule_delivery
from projects.monitoring import after_marking, mark_for_warnings, mark_statement
from units import reference_cache

from . import lifecycle
from .attachments import discard_stored, prepare_uploads, store_attachment
from .models import Channel, Clue, ClueEvent
from .notify import new_clue_sms_row, sms_to_complainant
from .triage import assess, employer_key, record_matches, retriage

# No 0/O/1/I/L: a code read out over the phone must not be misheard.
TRACKING_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
TRACKING_LENGTH = 10


def new_tracking_code():
    return "".join(secrets.choice(TRACKING_ALPHABET) for _ in range(TRACKING_LENGTH))


def normalise_tracking_code(value):
    """What a worker types → the stored form (upper case, no spaces or dashes)."""
    return "".join(ch for ch in (value or "").upper() if ch.isalnum())


CLUE_FIELDS = (
    "employer_name", "employer_credit_code", "project", "project_name", "work_address", "district",
    "complainant_name", "complainant_phone", "complainant_id_number", "worker_count", "amount_owed",
    "owed_from", "owed_to", "description", "external_id",
)


def clue_create(*, channel, data, created_by=None, received_at=None, idempotency_key=None,
                attachments=(), consent=False, snapshot=None):
    """File one clue from any channel; returns (clue, created).

    `data` holds cleaned values (a form's or serializer's validated data) named as CLUE_FIELDS. The same
    idempotency key or external id twice gives back the first clue and creates nothing. `snapshot` is the
    reference data the caller checked the input against (units.reference_cache), if it holds one.

    One transaction of a fixed handful of statements: the look-ups for duplicates (one query), the clue written
    once with its triage aids and deadlines, its possible duplicates, its attachments, its first event and its
    SMS. What the clue needs later — its escalation steps — the supervision sweep makes (`Clue.ladder_dirty`).
    """
    if channel not in Channel.values:
        raise ApplicationError(_("未知的来源渠道。"), fields={"channel": [_("未知的来源渠道。")]})
    attachments = list(attachments)
    digest = request_digest(channel, data, attachments) if idempotency_key else ""

    now = timezone.now()
    received_at = received_at or now
    if received_at > now:
        message = _("收到时间不能晚于现在。")
        raise ApplicationError(message, fields={"received_at": [message]})

    if attachments:
        # Read and decode before the transaction opens: no row lock or connection waits on Pillow.
        try:
            attachments = prepare_uploads(attachments)
        except ValidationError as exc:
            raise ApplicationError(exc.messages[0], fields={"attachments": exc.messages}) from None
    values = {name: data[name] for name in CLUE_FIELDS if name in data and data[name] is not None}
    project = values.get("project")
    if project is not None and not values.get("district"):
        values["district"] = project.district
    clue = Clue(channel=channel, received_at=received_at, created_by=created_by,
                idempotency_key=idempotency_key or None, request_digest=digest,
                consent_at=now if consent else None, **values)
    clue.employer_key = employer_key(clue.employer_name)
    snapshot = snapshot or reference_cache.snapshot()
    clue.tracking_code = new_tracking_code()
    matches = assess(clue, snapshot)  # a read, before anything is written
    lifecycle.start_received(clue, snapshot)
    # Nothing but the clue, its first event, its SMS and its project's mark to write, and no transaction
    # around us: all of it as one statement (one round trip, atomic by itself).
    at_once = not attachments and not matches and not transaction.get_connection().in_atomic_block
    for attempt in range(TRACKING_ATTEMPTS):
        if attempt:
            clue.tracking_code = new_tracking_code()
        stored = []  # files written inside the transaction: removed again unless it commits
        try:
            if at_once:
                _write_at_once(clue, created_by)
            else:
                with transaction.atomic():
                    _write(clue, matches, attachments, created_by, stored)
        except IntegrityError as exc:
            discard_stored(stored)
            clue.pk, clue._state.adding = None, True
            if "tracking_code" in str(exc):
                continue  # 31^10 codes: all but impossible, and the unique index says so for free
            # The same idempotency key or external id again (a retry, or a race the other request won): hand
            # back the first clue — or refuse a key reused for other content.
            existing = _existing(idempotency_key, data.get("external_id"), digest)
            if existing is None:
                raise
            return existing, False
        except BaseException:
            # The database dropped the connection, the request was cut short …: the rows are rolled back, and
            # so are the files.
            discard_stored(stored)
            raise
        return clue, True
    raise IntegrityError("no free tracking code")


TRACKING_ATTEMPTS = 5


def _write(clue, matches, attachments, created_by, stored):
    clue.save(force_insert=True)
    record_matches(clue, matches)
    for upload in attachments:
        stored.append(store_attachment(clue, upload))
    lifecycle.record_received(clue, actor=created_by, started=True)
    if clue.project_id:
        mark_for_warnings([clue.project_id])  # clues about a project feed its early warnings
    sms_to_complainant(clue, _received_text(clue), reason="received", new_clue=True)


def _received_text(clue):
    return _("【乌兰·薪】您反映的欠薪线索已受理,查询码 %(code)s。请凭查询码和手机号查看办理进度。") % {
        "code": clue.tracking_code}


def _write_at_once(clue, created_by):
    """The clue, its first event, the SMS to the worker and its project's mark in one statement."""
    event = lifecycle.received_event(clue, actor=created_by)
    event.clue_id = ParentId()
    sms = new_clue_sms_row(clue, _received_text(clue), reason="received")
    updates = [mark_statement(clue.project_id)] if clue.project_id else []
    insert_together(clue, [event, *([sms] if sms is not None else [])], updates)
    if sms is not None:
        schedule_delivery()
    if clue.project_id:
        after_marking()  # clues about a project feed its early warnings


def request_digest(channel, data, attachments):
    """A fingerprint of one submission: the channel, every field (rows by primary key) and each file's name
    and size."""
    parts = [str(channel)]
    for name in sorted(CLUE_FIELDS):
        value = data.get(name)
        parts.append(f"{name}={getattr(value, 'pk', value)!s}")
    for upload in attachments:
        size = getattr(upload, "size", None)
        if size is None:
            size = len(getattr(upload, "data", b""))
        parts.append(f"file={getattr(upload, 'name', '')}:{size}")
    return hashlib.sha256("\x1f".join(parts).encode("utf-8", "surrogatepass")).hexdigest()


def _existing(idempotency_key, external_id, digest=""):
    if idempotency_key:
        found = Clue.objects.filter(idempotency_key=idempotency_key).first()
        if found:
            if found.request_digest and digest and found.request_digest != digest:
                message = _("这个 Idempotency-Key 已用于内容不同的一次提交;提交新的内容请使用新的键。")
                raise ApplicationError(message, code="idempotency_key_reused", status_code=422)
            return found
    if external_id:
        return Clue.objects.filter(external_id=external_id).first()
    return None


# What was reported, which staff may correct afterwards (never the lifecycle's fields).
REPORTED_FIELDS = (
    "employer_name", "employer_credit_code", "project", "project_name", "work_address", "district",
    "complainant_name", "worker_count", "amount_owed", "owed_from", "owed_to", "description",
)


def _shown(value):
    return "" if value is None else str(getattr(value, "code", value))


def clue_correct(*, clue, by, changes):
    """Correct what was reported (staff, from the admin): write only the changed fields on the locked row,
    triage again, and put one event on the timeline naming each field with its old and new value."""
    unknown = set(changes) - set(REPORTED_FIELDS)
    if unknown:
        raise ApplicationError(_("只能更正反映内容。"), fields={name: [_("不能在此修改。")] for name in unknown})
    with transaction.atomic():
        locked = Clue.objects.select_for_update(of=("self",)).get(pk=clue.pk)
        watched_before = (locked.project_id, locked.risk_color)
        before = {name: _shown(getattr(locked, name)) for name in changes}
        for name, value in changes.items():
            setattr(locked, name, value)
        after = {name: _shown(getattr(locked, name)) for name in changes}
        changed = [name for name in changes if before[name] != after[name]]
        if not changed:
            return locked
        locked.save(update_fields=changed)
        retriage(locked)
        if (locked.project_id, locked.risk_color) != watched_before:
            mark_for_warnings([watched_before[0], locked.project_id])
        labels = [str(Clue._meta.get_field(name).verbose_name) for name in changed]
        ClueEvent.objects.create(
            clue=locked, kind=ClueEvent.Kind.CORRECTED, at=timezone.now(), actor=by,
            actor_unit_id=getattr(by, "unit_id", None), from_status=locked.status, to_status=locked.status,
            note=_("更正:%(fields)s") % {"fields": "、".join(labels)},
            data={"changed": {name: [before[name], after[name]] for name in changed}})
    clue.refresh_from_db()
    return clue

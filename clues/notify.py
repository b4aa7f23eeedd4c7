"""Messages to the worker who filed a clue, through the outbox."""

from core.bulk import ParentId
from notifications.services import queue_sms, sms_row


def _dedupe_key(reason):
    """The key of the SMS about a clue for `reason`, with {} for the clue's primary key."""
    return f"sms:{{}}:{reason}"


def sms_to_complainant(clue, text, *, reason, new_clue=False):
    """Queue one SMS to the clue's complainant; the same clue and reason twice queue it once. Returns the row,
    or None when the complainant gave no mobile number (a landline cannot receive SMS). `new_clue`: the clue was
    created in this transaction, so no SMS about it can exist yet."""
    return queue_sms(clue.complainant_phone, text, dedupe_key=_dedupe_key(reason).format(clue.pk), about=clue,
                     new_key=new_clue)


def new_clue_sms_row(clue, text, *, reason):
    """The unsaved SMS to the complainant of a clue not inserted yet, or None (no mobile number): its key and its
    reference take the clue's primary key when both rows are inserted together (core.bulk.insert_together)."""
    row = sms_row(clue.complainant_phone, text, dedupe_key=ParentId(_dedupe_key(reason)), about=clue)
    if row is not None:
        row.about_id = ParentId()
    return row

"""Messages to the worker who filed a clue, through the outbox."""

from notifications.services import queue_sms


def sms_to_complainant(clue, text, *, reason, new_clue=False):
    """Queue one SMS to the clue's complainant; the same clue and reason twice queue it once. Returns the row,
    or None when the complainant gave no mobile number (a landline cannot receive SMS). `new_clue`: the clue was
    created in this transaction, so no SMS about it can exist yet."""
    return queue_sms(clue.complainant_phone, text, dedupe_key=f"sms:{clue.pk}:{reason}", about=clue,
                     new_key=new_clue)

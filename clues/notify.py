"""Messages to the worker who filed a clue, through the outbox."""

from notifications.services import queue_sms


def sms_to_complainant(clue, text, *, reason):
    """Queue one SMS to the clue's complainant; the same clue and reason twice queue it once. Returns the row,
    or None when the complainant gave no mobile number (a landline cannot receive SMS)."""
    return queue_sms(clue.complainant_phone, text, dedupe_key=f"sms:{clue.pk}:{reason}", about=clue)

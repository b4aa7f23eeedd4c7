"""The clue lifecycle (三统一): states, transitions, who may make each, the deadlines each starts or stops.

Every change of a clue's status goes through this module; views, API, admin and tasks call it.
"""

from django.utils import timezone

from clues.models import Status

from .models import ClueEvent


def _event(clue, kind, *, actor=None, from_status="", to_status="", note="", public=False, public_note="",
           data=None, at=None):
    return ClueEvent.objects.create(
        clue=clue, kind=kind, at=at or timezone.now(), actor=actor,
        actor_unit=getattr(actor, "unit", None), from_status=from_status, to_status=to_status, note=note,
        is_public=public, public_note=public_note, data=data or {})


def record_received(clue, actor=None):
    """The first event of every clue: it entered the pool (统一归集)."""
    return _event(clue, ClueEvent.Kind.RECEIVED, actor=actor, to_status=Status.RECEIVED, public=True,
                  at=clue.received_at, note=clue.get_channel_display())

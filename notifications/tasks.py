"""Celery tasks of the outbox: thin wrappers over services."""

from celery import shared_task

from .services import deliver_backlog


@shared_task(ignore_result=True)
def deliver_outbox():
    """Send what is due, the whole backlog; queued after writes (one per web process per second) and run every
    minute by beat (outbox-delivery)."""
    return deliver_backlog()

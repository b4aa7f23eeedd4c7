"""Celery tasks of the outbox: thin wrappers over services."""

from celery import shared_task

from .services import deliver_due


@shared_task(ignore_result=True)
def deliver_outbox():
    """Send what is due; queued after each write and run every minute by beat (outbox-delivery)."""
    return deliver_due()

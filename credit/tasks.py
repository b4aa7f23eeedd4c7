"""Celery tasks of enforcement and credit: thin wrappers over the services (schedule in CELERY_BEAT_SCHEDULE)."""

from celery import shared_task

from .services import expire_lists, note_overdue_orders


@shared_task(ignore_result=True)
def daily_credit_sweep():
    """The list entries whose period ended come off (the blacklist flag follows, the enterprises' projects are
    marked for the warnings sweep), and the rectification orders just past their deadline are noted (daily at
    00:05 Beijing time, credit-daily)."""
    return {"removed": expire_lists(), "overdue": note_overdue_orders()}

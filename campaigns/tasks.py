"""Celery tasks of the campaigns app: thin wrappers over the services (schedules in CELERY_BEAT_SCHEDULE)."""

from celery import shared_task

from .services import supervise_overdue


@shared_task(ignore_result=True)
def supervise_overdue_problems():
    """Problems not rectified by their deadline become supervised (hourly, campaign-problems-sweep)."""
    return supervise_overdue()

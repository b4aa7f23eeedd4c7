"""Celery task of the calendar: warn when next year's official holiday notice has not been entered."""

import logging

from celery import shared_task
from django.utils import timezone

from .workdays import calendar_coverage_warning

logger = logging.getLogger(__name__)


@shared_task
def check_calendar_coverage():
    warning = calendar_coverage_warning(timezone.localdate())
    if warning:
        logger.warning(warning)
    return warning

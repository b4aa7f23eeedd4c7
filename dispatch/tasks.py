"""Celery tasks of the dispatch app: thin wrappers over services (schedules in CELERY_BEAT_SCHEDULE)."""

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


@shared_task(ignore_result=True)
def supervision_sweep():
    """统一督办: take every ladder step that is due now (every minute, supervision-sweep)."""
    from .supervision import sweep

    report = sweep()
    return {"taken": report.taken, "cancelled": report.cancelled, "letters": report.letters}


@shared_task(ignore_result=True)
def daily_digests():
    """The morning digests to units and supervisors (08:30 Asia/Shanghai, daily-digests)."""
    from .digests import send_daily_digests

    return send_daily_digests()


@shared_task(ignore_result=True)
def deliver_referrals():
    """Send the referral packages that are due (every 5 minutes, referral-delivery; queued at creation)."""
    from .referrals import deliver_due_referrals

    return deliver_due_referrals()


@shared_task(ignore_result=True)
def render_letter_files(letter_id):
    """Render and store a letter's PDF and DOCX (queued at issue; a download renders what is missing)."""
    from .letters import ensure_letter_files
    from .models import Letter

    letter = Letter.objects.select_related("unit").filter(pk=letter_id).first()
    if letter is None:
        return None
    ensure_letter_files(letter)
    return letter.number

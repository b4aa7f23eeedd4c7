"""Celery tasks of 统一督办: thin wrappers over services (schedules in CELERY_BEAT_SCHEDULE)."""

from celery import shared_task

from .digests import send_daily_digests
from .ladder import sweep
from .letters import ensure_letter_files
from .models import Letter
from .referrals import deliver_due_referrals


@shared_task(ignore_result=True)
def supervision_sweep():
    """统一督办: take every ladder step that is due now (every minute, supervision-sweep)."""
    report = sweep()
    return {"taken": report.taken, "cancelled": report.cancelled, "letters": report.letters}


@shared_task(ignore_result=True)
def daily_digests():
    """The morning digests to units and supervisors (08:30 Asia/Shanghai, daily-digests)."""
    return send_daily_digests()


@shared_task(ignore_result=True)
def deliver_referrals():
    """Send the referral packages that are due (every 5 minutes, referral-delivery; queued at creation)."""
    return deliver_due_referrals()


@shared_task(ignore_result=True)
def render_letter_files(letter_id):
    """Render and store a letter's PDF and DOCX (queued at issue; a download renders what is missing)."""
    letter = Letter.objects.select_related("unit").filter(pk=letter_id).first()
    if letter is None:
        return None
    ensure_letter_files(letter)
    return letter.number

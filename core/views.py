"""Pages and probes that belong to no single domain app: home, health check, error pages."""

import logging

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from dispatch.workdays import WorkCalendar

from .api import error_body

logger = logging.getLogger(__name__)


@login_required
def home(request):
    today = timezone.localdate()
    calendar = WorkCalendar.around(today, 10)
    return render(request, "home.html", {
        "today": today,
        "today_is_working_day": calendar.is_working_day(today),
        "next_working_day": calendar.add_working_days(today, 1),
        "in_three_working_days": calendar.add_working_days(today, 3),
        "in_fifteen_working_days": calendar.add_working_days(today, 15),
    })


def _check_database():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def _check_broker():
    from config.celery import app

    with app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, timeout=settings.HEALTHZ_BROKER_TIMEOUT)
        # The filesystem transport "connects" without touching disk; a channel proves the folders work.
        conn.default_channel  # noqa: B018


@never_cache
def healthz(request):
    checks = {}
    for name, check in (("database", _check_database), ("broker", _check_broker)):
        try:
            check()
            checks[name] = "ok"
        except Exception as exc:  # a probe reports every failure, whatever its kind
            logger.warning("healthz: %s check failed: %s", name, exc)
            checks[name] = "error"
    healthy = all(value == "ok" for value in checks.values())
    body = {"status": "ok" if healthy else "error", **checks}
    return JsonResponse(body, status=200 if healthy else 503)


def page_not_found(request, exception):
    if request.path.startswith("/api/"):
        return JsonResponse(error_body("not_found", _("未找到。")), status=404)
    return render(request, "404.html", status=404)


def server_error(request):
    if request.path.startswith("/api/"):
        return JsonResponse(error_body("server_error", _("服务器内部错误,请稍后再试。")), status=500)
    return render(request, "500.html", status=500)

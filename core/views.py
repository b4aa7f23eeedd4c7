"""Probes and pages that belong to no domain app: the health check and the error pages."""

import logging

from celery import current_app
from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from .api import error_body

logger = logging.getLogger(__name__)


def _check_database():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def _check_broker():
    app = current_app
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


def bad_request(request, exception):
    if request.path.startswith("/api/"):
        return JsonResponse(error_body("bad_request", _("请求无法处理,请检查提交的内容(文件是否过大)。")), status=400)
    return render(request, "400.html", status=400)


def permission_denied(request, exception):
    if request.path.startswith("/api/"):
        return JsonResponse(error_body("permission_denied", _("您没有执行该操作的权限。")), status=403)
    return render(request, "403.html", status=403)


def csrf_failure(request, reason=""):
    """Shown when a form comes back without its security token (often: cookies blocked, or the page was open
    too long). The worker loses nothing by going back and sending again."""
    return render(request, "csrf_failure.html", status=403)


def page_not_found(request, exception):
    if request.path.startswith("/api/"):
        return JsonResponse(error_body("not_found", _("未找到。")), status=404)
    return render(request, "404.html", status=404)


def server_error(request):
    if request.path.startswith("/api/"):
        return JsonResponse(error_body("server_error", _("服务器内部错误,请稍后再试。")), status=500)
    return render(request, "500.html", status=500)

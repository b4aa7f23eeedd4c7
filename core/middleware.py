"""Request guards around every view: the body-size limit of our own (the proxy in front may have none), and
503 instead of 500 when the database cannot be reached."""

import logging

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.contrib.messages.storage.cookie import CookieStorage
from django.db import InterfaceError, OperationalError
from django.http import Http404, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from .api import error_body

logger = logging.getLogger(__name__)


def body_limit(request):
    """Files come only as multipart/form-data; any other body (JSON, a plain form) is text, and held in
    memory, so it gets DATA_UPLOAD_MAX_MEMORY_SIZE."""
    if request.META.get("CONTENT_TYPE", "").lower().startswith("multipart/"):
        return settings.REQUEST_MAX_BYTES
    return settings.DATA_UPLOAD_MAX_MEMORY_SIZE


def _too_large_message(limit):
    megabytes = max(1, round(limit / (1024 * 1024)))
    return _("提交的内容过大(超过%(n)sMB),请减少或压缩附件后重新提交。") % {"n": megabytes}


class RequestSizeLimitMiddleware:
    """413 with a Chinese page (or the API's error format) when the declared body is over body_limit();
    nothing of the body is read."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0  # Django reads no body it cannot size
        limit = body_limit(request)
        if length > limit:
            message = _too_large_message(limit)
            if request.path.startswith("/api/"):
                response = JsonResponse(error_body("too_large", message), status=413)
            else:
                response = render(request, "413.html", {"message": message}, status=413)
            response["Connection"] = "close"  # the unread body must not be taken for the next request
            return response
        return self.get_response(request)


def retry_after_seconds():
    return int(getattr(settings, "DATABASE_UNAVAILABLE_RETRY_AFTER", 30))


def unavailable_response(request, template="503.html", context=None):
    """503 with Retry-After: the API's error format under /api/, else a Chinese page rendered without
    anything that needs the database (no session user, no stored messages)."""
    if request.path.startswith("/api/"):
        response = JsonResponse(error_body("unavailable", _("系统暂时无法处理请求,请稍后再试。")), status=503)
    else:
        request.user = AnonymousUser()
        request._messages = CookieStorage(request)
        response = render(request, template, context or {}, status=503)
    response["Retry-After"] = str(retry_after_seconds())
    return response


class DatabaseUnavailableMiddleware:
    """The database could not be reached (the pool gave up after DB_POOL_TIMEOUT seconds) or dropped the
    connection: 503 and Retry-After instead of a 500, logged as a warning rather than an error."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, OperationalError | InterfaceError):
            return None
        logger.warning("database unavailable for %s %s: %s", request.method, request.path, exception)
        return unavailable_response(request)


class NulPathMiddleware:
    """A NUL byte in the path (…/%00/…) names nothing we have — PostgreSQL text cannot even hold it — so 404,
    before any view passes it to a query."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path:
            raise Http404
        return self.get_response(request)

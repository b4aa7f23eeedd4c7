"""Request guards that run before any view: the body-size limit of our own (the proxy in front may have
none)."""

from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from .api import error_body


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

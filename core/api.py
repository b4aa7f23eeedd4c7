"""API plumbing shared by every app: one application error, one error format, pagination."""

import logging

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import exceptions, serializers, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

logger = logging.getLogger(__name__)


class ApplicationError(Exception):
    """A business rule refused the request; `message` is shown to the user as it is (Chinese)."""

    status_code = status.HTTP_400_BAD_REQUEST

    def __init__(self, message, *, code="application_error", fields=None, status_code=None):
        super().__init__(message)
        self.message = str(message)
        self.code = code
        self.fields = fields or {}
        if status_code is not None:
            self.status_code = status_code


class Conflict(ApplicationError):
    """The object changed under the request (e.g. another officer claimed the clue first)."""

    status_code = status.HTTP_409_CONFLICT

    def __init__(self, message, *, code="conflict", fields=None):
        super().__init__(message, code=code, fields=fields)


class ChoiceField(serializers.ChoiceField):
    """DRF's ChoiceField, whose "invalid choice" message quotes what was sent. Text that is not valid Unicode
    (a lone surrogate from a JSON "\\ud800" escape) could not be encoded in that answer, so it is refused first."""

    default_error_messages = {"invalid_text": gettext_lazy("含有无效字符,请重新选择。")}

    def to_internal_value(self, data):
        if isinstance(data, str):
            try:
                data.encode("utf-8")
            except UnicodeEncodeError:
                self.fail("invalid_text")
        return super().to_internal_value(data)


class DateTimeField(serializers.DateTimeField):
    """DRF's DateTimeField, with a Chinese field error instead of a crash for instants outside years 1–9999
    (e.g. 0001-01-01T00:00:00+14:00, which DRF's own time-zone check cannot convert to UTC)."""

    default_error_messages = {"overflow": gettext_lazy("日期时间超出可处理的范围。"),
                              "range": gettext_lazy("日期应在2000至2099之间。")}

    def to_internal_value(self, value):
        # The same plausible range as the staff forms (dispatch.forms): a year-2 receipt is a typing error.
        result = super().to_internal_value(value)
        if not 2000 <= result.year <= 2099:
            self.fail("range")
        return result

    def enforce_timezone(self, value):
        try:
            return super().enforce_timezone(value)
        except OverflowError:
            self.fail("overflow")


def _flatten(detail):
    """DRF error detail → {field: [messages]} with nested serializers joined by dots."""
    fields = {}

    def walk(prefix, value):
        if isinstance(value, dict):
            for key, item in value.items():
                walk(f"{prefix}.{key}" if prefix else str(key), item)
        elif isinstance(value, list) and value and not all(isinstance(v, (str, exceptions.ErrorDetail))
                                                           for v in value):
            for index, item in enumerate(value):
                walk(f"{prefix}.{index}" if prefix else str(index), item)
        else:
            items = value if isinstance(value, list) else [value]
            fields.setdefault(prefix or "non_field_errors", []).extend(str(v) for v in items)

    walk("", detail)
    return fields


def error_body(code, message, fields=None):
    return {"error": {"code": code, "message": str(message), "fields": fields or {}}}


def exception_handler(exc, context):
    """Turn every error into {"error": {"code", "message", "fields"}} with Chinese messages."""
    if isinstance(exc, ApplicationError):
        return Response(error_body(exc.code, exc.message, exc.fields), status=exc.status_code)
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(
            exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages})
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()

    response = drf_exception_handler(exc, context)
    if response is None:
        return None

    if isinstance(exc, exceptions.ValidationError):
        fields = _flatten(exc.detail)
        message = _("提交的数据有误,请按提示修改。")
        if list(fields) == ["non_field_errors"]:
            message = fields["non_field_errors"][0]
        body = error_body("invalid", message, fields)
    elif isinstance(exc, exceptions.NotAuthenticated | exceptions.AuthenticationFailed):
        body = error_body("not_authenticated", exc.detail)
    elif isinstance(exc, exceptions.PermissionDenied):
        body = error_body("permission_denied", exc.detail)
    elif isinstance(exc, exceptions.NotFound):
        body = error_body("not_found", _("未找到。"))
    elif isinstance(exc, exceptions.ParseError):
        # DRF's parsers quote the decoder's English ("JSON parse error - Expecting value: …").
        body = error_body("parse_error", _("请求内容无法解析,请提交有效的 JSON 或表单数据。"))
    elif isinstance(exc, exceptions.Throttled):
        body = error_body("throttled", _("请求过于频繁,请稍后再试。"))
    elif isinstance(exc, exceptions.APIException):
        body = error_body(exc.default_code, exc.detail)
    else:  # pragma: no cover - drf_exception_handler only answers APIException and the two above
        body = error_body("error", _("请求无法处理。"))
    response.data = body
    return response


class Pagination(PageNumberPagination):
    page_size_query_param = "page_size"
    max_page_size = 200

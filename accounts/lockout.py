"""What a locked-out login sees (django-axes calls this): a Chinese page, or the API's error format."""

from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from core.api import error_body


def cooloff_minutes():
    cooloff = getattr(settings, "AXES_COOLOFF_TIME", None)
    return max(1, int(cooloff.total_seconds() // 60)) if cooloff else 0


def locked_message():
    minutes = cooloff_minutes()
    if minutes:
        return _("登录失败次数过多,账号或所在网络已被暂时锁定,请%(n)s分钟后再试,或联系管理员解锁。") % {"n": minutes}
    return _("登录失败次数过多,账号或所在网络已被锁定,请联系管理员解锁。")


def lockout_response(request, original_response=None, credentials=None):
    status = getattr(settings, "AXES_HTTP_RESPONSE_CODE", 429)
    if request.path.startswith("/api/"):
        response = JsonResponse(error_body("locked_out", locked_message()), status=status)
    else:
        response = render(request, "registration/lockout.html", {"message": locked_message()}, status=status)
    if cooloff_minutes():
        response["Retry-After"] = str(cooloff_minutes() * 60)
    return response

"""Staff authentication shared by the login page and the token endpoint."""

from django.contrib.auth import authenticate
from django.utils.translation import gettext as _

from .api import ApplicationError


def authenticate_staff(request, *, username, password, locked_message=""):
    """The user these credentials name, or an ApplicationError: 400 for wrong credentials, 429 when the
    brute-force guard (django-axes, which marks the request) has locked the user or the address out."""
    user = authenticate(request, username=username, password=password)
    if user is None:
        if getattr(request, "axes_locked_out", False):
            raise ApplicationError(locked_message or _("登录失败次数过多,请稍后再试。"), code="locked_out",
                                   status_code=429)
        raise ApplicationError(_("用户名或密码不正确。"), code="invalid_credentials", status_code=400)
    return user

"""Staff authentication shared by the login page and the token endpoint."""

from django.contrib.auth import authenticate
from django.utils.translation import gettext as _

from .api import ApplicationError


def authenticate_staff(request, *, username, password):
    user = authenticate(request, username=username, password=password)
    if user is None:
        raise ApplicationError(_("用户名或密码不正确。"), code="invalid_credentials", status_code=400)
    return user

"""API tokens: issued on a password, stored hashed, expiring, revoked on logout and on any change of the
user's password, roles, unit or active flag."""

import datetime as dt
import hashlib
import secrets

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication

from .models import ApiToken

KEY_BYTES = 20  # 40 hex characters, as DRF's own tokens


def key_hash(key):
    return hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()


def user_stamp(user):
    """What a token was issued against: a change of any of these ends every token of the user."""
    roles = ",".join(sorted(user.role_codes))
    text = f"{user.password}\x1f{roles}\x1f{user.unit_id}\x1f{user.is_active}\x1f{user.is_superuser}"
    return hashlib.sha256(text.encode()).hexdigest()


def token_lifetime():
    return dt.timedelta(hours=float(getattr(settings, "API_TOKEN_TTL_HOURS", 8)))


def issue_token(user):
    """A new token for `user`; returns (key, ApiToken). The key is not stored, only its hash."""
    key = secrets.token_hex(KEY_BYTES)
    now = timezone.now()
    with transaction.atomic():
        ApiToken.objects.filter(user=user, expires_at__lte=now).delete()
        token = ApiToken.objects.create(user=user, key_hash=key_hash(key), prefix=key[:8],
                                        stamp=user_stamp(user), expires_at=now + token_lifetime())
    return key, token


def revoke_token(key):
    """End the token with this key (the API's logout); True when there was one."""
    deleted, _rows = ApiToken.objects.filter(key_hash=key_hash(key)).delete()
    return bool(deleted)


def revoke_user_tokens(user):
    """End every token of `user` (web logout, a role change)."""
    deleted, _rows = ApiToken.objects.filter(user=user).delete()
    return deleted


def user_for_key(key):
    """The user a live token stands for, or None (unknown, expired, or issued before a change of the user)."""
    token = ApiToken.objects.select_related("user").filter(key_hash=key_hash(key)).first()
    if token is None:
        return None
    user = token.user
    if token.expires_at <= timezone.now() or not user.is_active or token.stamp != user_stamp(user):
        token.delete()
        return None
    return user


class HashedTokenAuthentication(TokenAuthentication):
    """`Authorization: Token <key>` against ApiToken; every refusal is the same Chinese message."""

    def authenticate_credentials(self, key):
        user = user_for_key(key)
        if user is None:
            raise exceptions.AuthenticationFailed(_("令牌无效或已过期,请重新获取。"))
        return user, key

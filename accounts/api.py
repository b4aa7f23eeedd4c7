"""The API's sign-in and sign-out: a username and password for a token, and the token's end."""

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from core.auth import authenticate_staff
from core.ratelimit import PublicRateThrottle

from .lockout import locked_message
from .tokens import HashedTokenAuthentication, issue_token, revoke_token, revoke_user_tokens


class TokenThrottle(PublicRateThrottle):
    """API_TOKEN_RATE_LIMIT (30 a minute) per client address, whatever PUBLIC_RATE_LIMIT says; failed
    passwords are counted separately by django-axes."""

    scope = "token"

    @property
    def rate(self):
        return settings.API_TOKEN_RATE_LIMIT


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField(label=_("用户名"), max_length=150)
    password = serializers.CharField(label=_("密码"), max_length=128, style={"input_type": "password"},
                                     trim_whitespace=False)


class ObtainTokenView(APIView):
    """Exchange a username and password for an API token (sent as `Authorization: Token <token>`). The token
    expires after API_TOKEN_TTL_HOURS (8 by default), on logout, and when the password or role changes."""

    authentication_classes = []
    permission_classes = [AllowAny]
    throttle_classes = [TokenThrottle]

    @extend_schema(request=TokenRequestSerializer,
                   responses={200: inline_serializer("TokenResponse", {
                       "token": serializers.CharField(), "expires_at": serializers.DateTimeField()}),
                       400: OpenApiResponse(description=_("用户名或密码不正确")),
                       429: OpenApiResponse(description=_("请求过于频繁,或登录失败次数过多已被锁定"))},
                   tags=["auth"])
    def post(self, request):
        serializer = TokenRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        # django-axes reads and marks the Django request, not DRF's wrapper.
        user = authenticate_staff(request._request, locked_message=locked_message(),
                                  **serializer.validated_data)
        key, token = issue_token(user)
        return Response({"token": key, "expires_at": token.expires_at})


class RevokeTokenView(APIView):
    """The API's logout: end the token this request is sent with (from a signed-in page: every token of the
    user)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses={204: None}, tags=["auth"])
    def post(self, request):
        if isinstance(request.successful_authenticator, HashedTokenAuthentication):
            revoke_token(request.auth)
        else:
            revoke_user_tokens(request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)

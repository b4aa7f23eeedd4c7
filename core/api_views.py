"""API endpoints that belong to no single domain app."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.authtoken.models import Token
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle
from rest_framework.views import APIView

from .auth import authenticate_staff


class TokenThrottle(AnonRateThrottle):
    rate = "30/min"


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField(label=_("用户名"), max_length=150)
    password = serializers.CharField(label=_("密码"), max_length=128, style={"input_type": "password"},
                                     trim_whitespace=False)


class ObtainTokenView(APIView):
    """Exchange a username and password for an API token (sent as `Authorization: Token <token>`)."""

    authentication_classes = []
    permission_classes = [AllowAny]
    throttle_classes = [TokenThrottle]

    @extend_schema(request=TokenRequestSerializer,
                   responses=inline_serializer("TokenResponse", {"token": serializers.CharField()}),
                   tags=["auth"])
    def post(self, request):
        serializer = TokenRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = authenticate_staff(request, **serializer.validated_data)
        token, _created = Token.objects.get_or_create(user=user)
        return Response({"token": token.key})

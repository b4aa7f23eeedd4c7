"""The API router: every app registers its endpoints here, under /api/v1/."""

from django.urls import include, path
from rest_framework.routers import DefaultRouter

from accounts.api import ObtainTokenView, RevokeTokenView

router = DefaultRouter()

urlpatterns = [
    path("auth/token/", ObtainTokenView.as_view(), name="api-token"),
    path("auth/token/revoke/", RevokeTokenView.as_view(), name="api-token-revoke"),
    path("", include("clues.api_urls")),
    path("", include("dispatch.api_urls")),
    path("", include("supervision.api_urls")),
    path("reports/", include("reports.api_urls")),
    path("", include("projects.api_urls")),
    path("", include("wage_warnings.api_urls")),
    path("", include("credit.api_urls")),
    path("", include("campaigns.api_urls")),
] + router.urls

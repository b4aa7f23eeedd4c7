"""API routes of enforcement and credit, included by config/api.py: /enforcement/, the public blacklist under
/public/blacklist/ and the figures under /reports/enforcement/."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from .api import EnforcementReportView, PublicBlacklistView, RecordViewSet

router = SimpleRouter()
router.register("enforcement", RecordViewSet, basename="enforcement")

urlpatterns = [
    path("public/blacklist/", PublicBlacklistView.as_view(), name="api-public-blacklist"),
    path("reports/enforcement/", EnforcementReportView.as_view(), name="api-report-enforcement"),
    *router.urls,
]

"""API routes of the early warnings, included by config/api.py: /warnings/, /rules/ and the board's figures
under /reports/monitoring/."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from .api import MonitoringReportView, RuleViewSet, WarningViewSet

router = SimpleRouter()
router.register("warnings", WarningViewSet, basename="wage-warning")
router.register("rules", RuleViewSet, basename="wage-rule")

urlpatterns = [
    path("reports/monitoring/", MonitoringReportView.as_view(), name="api-report-monitoring"),
    *router.urls,
]

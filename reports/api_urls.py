"""API routes of the reports, included by config/api.py under reports/."""

from django.urls import path

from .api import CompletionReportView, ReportClueListView

urlpatterns = [
    path("completion/", CompletionReportView.as_view(), name="api-report-completion"),
    path("clues/", ReportClueListView.as_view(), name="api-report-clues"),
]

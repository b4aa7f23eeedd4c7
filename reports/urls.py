"""Staff pages of the reports, included by config/urls.py under reports/."""

from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("", views.board, name="board"),
    path("screen/", views.screen, name="screen"),
    path("clues/", views.clue_list, name="clues"),
    path("clues/export.<str:fmt>", views.clue_export, name="clue-export"),
    path("export.xlsx", views.report_xlsx, name="export-xlsx"),
    path("export.pdf", views.report_pdf, name="export-pdf"),
    path("print/", views.report_print, name="print"),
]

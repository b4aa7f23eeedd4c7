"""Staff pages of the early warnings, included by config/urls.py: the board under monitoring/, the warnings
under warnings/."""

from django.urls import path

from . import views

app_name = "wage_warnings"

urlpatterns = [
    path("monitoring/", views.board, name="board"),
    path("monitoring/export.xlsx", views.board_export, name="board-export"),
    path("warnings/", views.warning_list, name="list"),
    path("warnings/export.xlsx", views.warning_export, name="export"),
    path("warnings/<int:pk>/", views.warning_detail, name="detail"),
    path("warnings/<int:pk>/<str:action>/", views.warning_action, name="action"),
]

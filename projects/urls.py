"""Staff pages of the projects app: the project list with each project's QR code and poster."""

from django.urls import path

from . import views

app_name = "projects"

urlpatterns = [
    path("", views.project_list, name="list"),
]

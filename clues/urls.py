"""Staff pages of the intake side under /clues/: channel intake, attachments, the national-platform import.
A clue's own page and the list live with the lifecycle's workspaces (dispatch:clue, dispatch:all)."""

from django.urls import path

from . import views

app_name = "clues"

urlpatterns = [
    path("new/", views.clue_new, name="new"),
    path("projects/search/", views.project_search, name="project_search"),
    path("<int:pk>/attachments/<int:attachment_id>/", views.attachment_download, name="attachment"),
    path("import/", views.import_upload, name="import"),
    path("import/template.csv", views.import_template, name="import_template"),
    path("import/<str:job_id>/", views.import_status, name="import_status"),
]

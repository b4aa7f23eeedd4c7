"""Public pages for workers (no account): the form, the QR entry, the progress page and the wage check."""

from django.urls import path

from . import public_views

app_name = "public"

urlpatterns = [
    path("q/", public_views.qr_city, name="qr_city"),
    path("q/<str:public_id>/", public_views.qr_project, name="qr_project"),
    path("q/<str:public_id>/wages/", public_views.wage_check, name="wage_check"),
    path("report/", public_views.report, name="report"),
    path("report/done/<str:token>/", public_views.receipt, name="receipt"),
    path("track/", public_views.track, name="track"),
    path("track/<str:code>/", public_views.progress, name="progress"),
    path("track/<str:code>/followup/", public_views.followup, name="followup"),
]

"""API routes of the projects app (the QR endpoints), included by config/api.py."""

from django.urls import path

from . import api

urlpatterns = [
    path("projects/<str:code>/qr.svg", api.ProjectQrSvgView.as_view(), name="project-qr-svg"),
    path("projects/<str:code>/qr.png", api.ProjectQrPngView.as_view(), name="project-qr-png"),
    path("projects/<str:code>/poster", api.ProjectPosterView.as_view(), name="project-qr-poster"),
    path("public/qr.svg", api.CityQrSvgView.as_view(), name="city-qr-svg"),
    path("public/qr.png", api.CityQrPngView.as_view(), name="city-qr-png"),
    path("public/poster", api.CityPosterView.as_view(), name="city-qr-poster"),
]

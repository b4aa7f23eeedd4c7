"""API routes of the projects app (the registry, the QR endpoints, the worker's wage check), included by
config/api.py."""

from django.urls import path

from . import api, api_public, api_registry

urlpatterns = [
    path("enterprises/", api_registry.EnterpriseListView.as_view(), name="enterprise-list"),
    path("enterprises/<str:credit_code>/", api_registry.EnterpriseDetailView.as_view(), name="enterprise-detail"),
    path("projects/", api_registry.ProjectListView.as_view(), name="project-list"),
    path("projects/<str:code>/", api_registry.ProjectDetailView.as_view(), name="project-detail"),
    path("projects/<str:code>/events/", api_registry.ProjectEventsView.as_view(), name="project-events"),
    path("projects/<str:code>/duties/<str:duty>/", api_registry.DutyView.as_view(), name="project-duty"),
    path("projects/<str:code>/duties/<str:duty>/verify/", api_registry.DutyVerifyView.as_view(),
         name="project-duty-verify"),
    path("projects/<str:code>/allocations/<str:month>/", api_registry.AllocationView.as_view(),
         name="project-allocation"),
    path("projects/<str:code>/payroll/", api_registry.PayrollListView.as_view(), name="project-payroll-list"),
    path("projects/<str:code>/payroll/<str:month>/", api_registry.PayrollView.as_view(), name="project-payroll"),
    path("projects/<str:code>/qr.svg", api.ProjectQrSvgView.as_view(), name="project-qr-svg"),
    path("projects/<str:code>/qr.png", api.ProjectQrPngView.as_view(), name="project-qr-png"),
    path("projects/<str:code>/poster", api.ProjectPosterView.as_view(), name="project-qr-poster"),
    path("public/qr.svg", api.CityQrSvgView.as_view(), name="city-qr-svg"),
    path("public/qr.png", api.CityQrPngView.as_view(), name="city-qr-png"),
    path("public/poster", api.CityPosterView.as_view(), name="city-qr-poster"),
    path("public/projects/<str:public_id>/wages/", api_public.WageCheckView.as_view(), name="public-wage-check"),
]

"""Staff pages of the campaigns app, included by config/urls.py: campaigns/ and risk/."""

from django.urls import path

from . import views

app_name = "campaigns"

urlpatterns = [
    path("campaigns/", views.campaign_list, name="list"),
    path("campaigns/new/", views.campaign_new, name="new"),
    path("campaigns/<int:pk>/", views.campaign_detail, name="detail"),
    path("campaigns/<int:pk>/projects/", views.campaign_add_project, name="add-project"),
    path("campaigns/<int:pk>/export.xlsx", views.campaign_xlsx, name="export"),
    path("campaigns/<int:pk>/export.pdf", views.campaign_pdf, name="pdf"),
    path("campaigns/<int:pk>/problems/<int:problem>/<str:action>/", views.problem_action, name="problem-action"),
    path("risk/", views.risk_ranking, name="risk"),
    path("risk/pick/", views.risk_pick, name="pick"),
    path("risk/rounds/<int:pk>/", views.round_detail, name="round"),
    path("risk/rounds/<int:pk>/inspections/", views.round_inspect, name="round-inspect"),
    path("risk/projects/<str:code>/", views.risk_project, name="risk-project"),
    path("risk/enterprises/<str:credit_code>/", views.risk_enterprise, name="risk-enterprise"),
]

"""API routes of the campaigns app, included by config/api.py."""

from django.urls import path

from . import api

urlpatterns = [
    path("campaigns/", api.CampaignList.as_view(), name="api-campaigns"),
    path("campaigns/<int:pk>/", api.CampaignDetail.as_view(), name="api-campaign"),
    path("campaigns/<int:pk>/projects/", api.CampaignProjects.as_view(), name="api-campaign-projects"),
    path("campaigns/<int:pk>/summary/", api.CampaignSummary.as_view(), name="api-campaign-summary"),
    path("campaigns/<int:pk>/problems/", api.CampaignProblems.as_view(), name="api-campaign-problems"),
    path("campaigns/<int:pk>/problems/<int:problem>/", api.ProblemDetail.as_view(), name="api-campaign-problem"),
    path("campaigns/<int:pk>/problems/<int:problem>/rectify/", api.ProblemRectify.as_view(),
         name="api-campaign-problem-rectify"),
    path("campaigns/<int:pk>/problems/<int:problem>/supervise/", api.ProblemSupervise.as_view(),
         name="api-campaign-problem-supervise"),
    path("campaigns/<int:pk>/problems/<int:problem>/clear/", api.ProblemClear.as_view(),
         name="api-campaign-problem-clear"),
    path("inspections/", api.Inspections.as_view(), name="api-inspections"),
    path("inspections/pick/", api.InspectionPick.as_view(), name="api-inspection-pick"),
    path("inspections/rounds/<int:pk>/", api.RoundDetail.as_view(), name="api-inspection-round"),
    path("risk/projects/", api.RiskProjects.as_view(), name="api-risk-projects"),
    path("risk/projects/<str:code>/", api.RiskProject.as_view(), name="api-risk-project"),
    path("risk/enterprises/<str:credit_code>/", api.RiskEnterprise.as_view(), name="api-risk-enterprise"),
]

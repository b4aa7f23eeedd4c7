"""Pages of enforcement and credit, included by config/urls.py: the records under enforcement/, an enterprise's
credit page under enterprises/, and the public blacklist (no account) under blacklist/."""

from django.urls import path

from . import views

app_name = "credit"

urlpatterns = [
    path("enforcement/", views.record_list, name="list"),
    path("enforcement/new/<str:kind>/", views.record_new, name="new"),
    path("enforcement/<int:pk>/", views.record_detail, name="detail"),
    path("enforcement/<int:pk>/file/<str:which>", views.record_file, name="file"),
    path("enforcement/<int:pk>/<str:action>/", views.record_action, name="action"),
    path("enterprises/<str:credit_code>/", views.enterprise_detail, name="enterprise"),
    path("blacklist/", views.public_blacklist, name="public-blacklist"),
]

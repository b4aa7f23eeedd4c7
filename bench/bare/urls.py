from django.urls import path

from .views import ReportCreate

urlpatterns = [path("reports/", ReportCreate.as_view())]

"""Staff in-app notices."""

from django.urls import path

from . import views

app_name = "notifications"

urlpatterns = [
    path("", views.notice_list, name="list"),
    path("read-all/", views.notice_mark_all_read, name="mark_all_read"),
    path("<int:pk>/open/", views.notice_open, name="open"),
]

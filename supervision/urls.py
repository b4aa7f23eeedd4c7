"""URLs of 统一督办's pages: the supervisor's board, letters and their downloads, referral packages."""

from django.urls import path

from . import views

app_name = "supervision"

urlpatterns = [
    path("supervision/", views.board, name="board"),
    path("supervision/referrals/<int:pk>/resend/", views.referral_resend, name="referral_resend"),
    path("supervision/referrals/<int:pk>/xlsx", views.referral_xlsx, name="referral_xlsx"),
    path("units/<str:code>/letters/", views.unit_letters, name="unit_letters"),
    path("letters/<int:pk>/", views.letter_detail, name="letter_detail"),
    path("letters/<int:pk>/<str:fmt>", views.letter_download, name="letter_download"),
]

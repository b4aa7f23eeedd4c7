"""API routes of 统一督办, included by config/api.py."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from .api import ClueEscalationsView, LetterViewSet, SupervisionBoardView

router = SimpleRouter()
router.register("letters", LetterViewSet, basename="letter")

urlpatterns = [
    path("clues/<int:pk>/escalations/", ClueEscalationsView.as_view(), name="clue-escalations"),
    path("supervision/board/", SupervisionBoardView.as_view(), name="supervision-board"),
    *router.urls,
]

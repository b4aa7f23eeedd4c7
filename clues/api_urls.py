"""API routes of the clues app, included by config/api.py."""

from rest_framework.routers import SimpleRouter

urlpatterns = []

# --- staff API: create, list and read clues (clues.api) -----------------------------------------------------
# The lifecycle's moves (clues/{id}/transfer/ …) are dispatch.api's, on the same prefix.
from .api import ClueViewSet  # noqa: E402

staff_router = SimpleRouter()
staff_router.register("clues", ClueViewSet, basename="clue")
urlpatterns += staff_router.urls
# --- end of the staff API -------------------------------------------------------------------------------------

# --- public API for workers (clues.api_public): no account, rate limited -----------------------------------
from django.urls import path  # noqa: E402

from .api_public import PublicClueCreateView, PublicClueProgressView, PublicFollowupView  # noqa: E402

urlpatterns += [
    path("public/clues/", PublicClueCreateView.as_view(), name="public-clue-create"),
    path("public/clues/<str:tracking_code>/", PublicClueProgressView.as_view(), name="public-clue-progress"),
    path("public/clues/<str:tracking_code>/followup/", PublicFollowupView.as_view(),
         name="public-clue-followup"),
]
# --- end of the public API ------------------------------------------------------------------------------------

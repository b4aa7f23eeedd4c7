"""API routes of the lifecycle (clue actions, units), included by config/api.py."""

from rest_framework.routers import SimpleRouter

from .api import ClueActionViewSet, UnitViewSet

router = SimpleRouter()
router.register("units", UnitViewSet, basename="unit")
# Only detail actions: list/create/retrieve of clues are clues.api's viewset on the same prefix.
router.register("clues", ClueActionViewSet, basename="clue-action")

urlpatterns = router.urls

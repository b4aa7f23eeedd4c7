"""API routes of the lifecycle (clue actions, units), included by config/api.py."""

urlpatterns = []

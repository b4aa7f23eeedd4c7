"""API routes of the clues app, included by config/api.py."""

urlpatterns = []

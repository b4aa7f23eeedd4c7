"""Staff workspaces of the lifecycle: triage dashboard, unit workspace, review and follow-up queues."""

urlpatterns = []

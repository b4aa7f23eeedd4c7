"""Public pages for workers (no account): the form, the QR entry and the progress page."""

urlpatterns = []

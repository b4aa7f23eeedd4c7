"""Staff pages of the intake side: channel intake form and the national-platform import."""

urlpatterns = []

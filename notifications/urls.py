"""Staff in-app notices."""

urlpatterns = []

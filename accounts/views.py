"""Staff sign-out: the session ends and so does every API token of the user."""

from django.contrib.auth import views as auth_views

from .tokens import revoke_user_tokens


class LogoutView(auth_views.LogoutView):
    def post(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            revoke_user_tokens(request.user)
        return super().post(request, *args, **kwargs)

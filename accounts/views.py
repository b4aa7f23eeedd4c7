"""The landing page after login: each role goes to its own workspace."""

from django.contrib.auth import views as auth_views
from django.shortcuts import redirect, render
from django.utils import timezone

from units.workdays import WorkCalendar

from .roles import Role
from .tokens import revoke_user_tokens


def home(request):
    """A visitor gets the public landing page; each staff role lands on its own workspace; a user without a
    role sees the account and calendar page."""
    user = request.user
    if not user.is_authenticated:
        return render(request, "public/landing.html")
    if user.has_role(Role.INTAKE):
        return redirect("dispatch:triage")
    if user.has_role(Role.OFFICER) and user.unit_id and not user.unit.is_city:
        return redirect("dispatch:unit")
    if user.has_role(Role.SUPERVISOR):
        return redirect("reports:board")
    if user.has_role(Role.WAGE_MANAGER):
        return redirect("projects:list")
    today = timezone.localdate()
    calendar = WorkCalendar.around(today, 10)
    return render(request, "home.html", {
        "today": today,
        "today_is_working_day": calendar.is_working_day(today),
        "next_working_day": calendar.add_working_days(today, 1),
        "in_three_working_days": calendar.add_working_days(today, 3),
        "in_fifteen_working_days": calendar.add_working_days(today, 15),
    })


class LogoutView(auth_views.LogoutView):
    """Staff sign-out: the session ends and so does every API token of the user."""

    def post(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            revoke_user_tokens(request.user)
        return super().post(request, *args, **kwargs)

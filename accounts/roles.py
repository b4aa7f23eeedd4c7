"""The roles, as Django groups, and the permissions each carries: four of the government's staff, and the
劳资专管员 of a project's general contractor."""

from django.contrib.auth.models import Group, Permission
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    INTAKE = "intake", _("受理员")
    OFFICER = "officer", _("承办员")
    SUPERVISOR = "supervisor", _("督办员")
    ADMIN = "admin", _("管理员")
    WAGE_MANAGER = "wage_manager", _("劳资专管员")


# Every set of roles the code checks, named once. Business rules say which set a move or page needs.
TRIAGE_ROLES = frozenset({Role.INTAKE, Role.ADMIN})  # route clues: transfer, merge, intake from other channels
REVIEW_ROLES = frozenset({Role.INTAKE, Role.SUPERVISOR, Role.ADMIN})  # review closures, follow-ups, reopen
OFFICER_ROLES = frozenset({Role.OFFICER})  # handle the clues of their own unit
CITY_WIDE_ROLES = frozenset({Role.INTAKE, Role.SUPERVISOR, Role.ADMIN})  # see every clue, the board, letters
STAFF_ROLES = frozenset(set(Role) - {Role.WAGE_MANAGER})  # the government's staff (not a project's)
WAGE_MANAGER_ROLES = frozenset({Role.WAGE_MANAGER})  # a general contractor's 劳资专管员: their projects only


def has_any_role(user, roles):
    """Whether `user` holds one of `roles` (a superuser holds them all)."""
    return user is not None and user.is_authenticated and (
        user.is_superuser or any(user.has_role(r) for r in roles))


# app_label.codename of the model permissions each role holds in the admin. Business rules (who may make
# which move on a clue) live in the lifecycle module; these only open the admin screens.
ROLE_PERMISSIONS = {
    Role.INTAKE: [
        "units.view_unit",
        "projects.view_project",
    ],
    Role.OFFICER: [
        "units.view_unit",
        "projects.view_project",
    ],
    Role.SUPERVISOR: [
        "units.view_unit",
        "units.view_workingdayoverride",
        "projects.view_project",
    ],
    Role.WAGE_MANAGER: [],
    Role.ADMIN: [
        "units.*",
        "dispatch.*",
        "supervision.*",
        "accounts.*",
        "projects.*",
        "clues.*",
        "notifications.*",
        "wage_warnings.*",
        "credit.*",
        "campaigns.*",
        "auth.view_group",
        "django_celery_beat.*",
    ],
}


def permissions_for(role):

    query = models.Q(pk__in=[])
    for spec in ROLE_PERMISSIONS[role]:
        app_label, codename = spec.split(".", 1)
        if codename == "*":
            query |= models.Q(content_type__app_label=app_label)
        else:
            query |= models.Q(content_type__app_label=app_label, codename=codename)
    return Permission.objects.filter(query)


def sync_role_permissions(sender=None, **kwargs):
    """Give each role group exactly its declared permissions (idempotent)."""
    for role in Role:
        group, _created = Group.objects.get_or_create(name=role.value)
        group.permissions.set(permissions_for(role))

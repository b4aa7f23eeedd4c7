"""The four staff roles, as Django groups, and the permissions each carries."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    INTAKE = "intake", _("受理员")
    OFFICER = "officer", _("承办员")
    SUPERVISOR = "supervisor", _("督办员")
    ADMIN = "admin", _("管理员")


# app_label.codename of the model permissions each role holds in the admin. Business rules (who may make
# which move on a clue) live in the lifecycle module; these only open the admin screens.
ROLE_PERMISSIONS = {
    Role.INTAKE: [
        "dispatch.view_unit",
        "projects.view_project",
    ],
    Role.OFFICER: [
        "dispatch.view_unit",
        "projects.view_project",
    ],
    Role.SUPERVISOR: [
        "dispatch.view_unit",
        "dispatch.view_workingdayoverride",
        "projects.view_project",
    ],
    Role.ADMIN: [
        "dispatch.*",
        "accounts.*",
        "projects.*",
        "clues.*",
        "notifications.*",
        "auth.view_group",
        "django_celery_beat.*",
    ],
}


def permissions_for(role):
    from django.contrib.auth.models import Permission

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
    from django.contrib.auth.models import Group

    for role in Role:
        group, _created = Group.objects.get_or_create(name=role.value)
        group.permissions.set(permissions_for(role))

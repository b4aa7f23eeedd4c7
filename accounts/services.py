"""Writes on staff accounts: a person holds one role at a time; a change of role ends their API tokens."""

from django.contrib.auth.models import Group
from django.db import transaction

from .roles import Role
from .tokens import revoke_user_tokens


def staff_set_role(user, role):
    """Give `user` exactly `role`: the role groups held before are taken away (moving from intake to officer
    must not leave city-wide access behind); groups that are not roles are kept."""
    role = Role(role)
    with transaction.atomic():
        held = set(user.groups.filter(name__in=Role.values).values_list("name", flat=True))
        if held != {role.value}:
            user.groups.remove(*Group.objects.filter(name__in=held - {role.value}))
            user.groups.add(Group.objects.get(name=role.value))
            revoke_user_tokens(user)
    user.__dict__.pop("role_codes", None)  # the cached set is stale now
    return user

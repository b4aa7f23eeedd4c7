"""Reads of clues, starting with who may see which (checked on the server, per object)."""

from django.db.models import Exists, OuterRef

from accounts.roles import CITY_WIDE_ROLES, Role, has_any_role
from clues.models import Assignment

from .models import Clue, DuplicateCandidate


def can_see_all_clues(user):
    return user.is_authenticated and (has_any_role(user, CITY_WIDE_ROLES)
                                      or user.is_superuser)


def clue_visible_queryset(user, queryset=None):
    """The clues `user` may see: city staff see all; a unit officer sees those assigned to the unit, now or
    before; anyone else sees none."""

    queryset = Clue.objects.all() if queryset is None else queryset
    if not user.is_authenticated:
        return queryset.none()
    if can_see_all_clues(user):
        return queryset
    if user.has_role(Role.OFFICER) and user.unit_id:
        return queryset.filter(Exists(Assignment.objects.filter(clue=OuterRef("pk"), unit_id=user.unit_id)))
    return queryset.none()


def visible_duplicate_candidates(user, queryset=None):
    """The possible duplicates whose matched clue `user` may see: a unit officer is not told, through the
    triage aids of one of the unit's clues, of another unit's clue (its tracking code, status, the reason)."""
    queryset = DuplicateCandidate.objects.all() if queryset is None else queryset
    if can_see_all_clues(user):
        return queryset
    return queryset.filter(match__in=clue_visible_queryset(user).values("pk"))


def can_see_personal_data(user, clue):
    """Full ID and mobile numbers (the detail page records each view): city staff, and a unit officer only
    while the clue is with the unit — a unit it was transferred or returned away from keeps reading the
    history, masked."""
    if not user.is_authenticated:
        return False
    if can_see_all_clues(user):
        return True
    return (user.has_role(Role.OFFICER) and user.unit_id is not None and clue.unit_id == user.unit_id
            and clue.status != Clue.Status.RECEIVED)

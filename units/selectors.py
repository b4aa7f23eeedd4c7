"""Reads of the units, from the process's reference snapshot (units.reference_cache): no query while no unit
changed."""

from . import reference_cache
from .models import Unit


def all_units(snapshot=None):
    """Every unit, active or not, in display order (sort order, code); shared objects: read-only."""
    snapshot = snapshot or reference_cache.snapshot()
    return snapshot.get("units", lambda: tuple(Unit.objects.order_by("sort_order", "code")))


def active_unit(code, kind=None, snapshot=None):
    """The active unit with `code` (and of `kind`, if given), or None."""
    for unit in all_units(snapshot):
        if unit.code == code and unit.is_active and (kind is None or unit.kind == kind):
            return unit
    return None


def active_units(*kinds, snapshot=None):
    """The active units of `kinds` (every kind if none), in display order."""
    return [u for u in all_units(snapshot) if u.is_active and (not kinds or u.kind in kinds)]

"""Writes of the staff workspaces that are not one lifecycle move: bulk transfer and saved list filters."""

from django.utils.translation import gettext as _

from clues import lifecycle
from clues.selectors import clue_visible_queryset
from core.api import ApplicationError
from dispatch.models import SavedFilter


def clues_transfer_many(*, clue_ids, unit, by, note=""):
    """Transfer each clue of `clue_ids` that `by` may see to `unit`, one lifecycle move per clue.

    Each move stands on its own: one refused (already assigned, merged …) does not stop the others.
    Returns (moved clues, [(label, reason)] refused); a clue `by` may not see is refused as not found, so
    the answer never tells whether it exists.
    """
    found = {clue.pk: clue for clue in clue_visible_queryset(by).filter(pk__in=clue_ids)}
    moved, failures = [], []
    for pk in dict.fromkeys(clue_ids):
        clue = found.get(pk)
        if clue is None:
            failures.append((f"#{pk}", _("未找到该线索。")))
            continue
        try:
            moved.append(lifecycle.transfer(clue=clue, unit=unit, by=by, note=note))
        except ApplicationError as err:
            failures.append((clue.tracking_code, err.message))
    return moved, failures


def saved_filter_save(*, user, page, name, query):
    """Keep a list filter under its name for `user`; the same name again replaces the query. (saved, created)"""
    return SavedFilter.objects.update_or_create(user=user, page=page, name=name, defaults={"query": query})


def saved_filter_delete(*, user, pk):
    """Delete one of `user`'s saved filters; the deleted row, or None when `user` has none with that pk."""
    saved = SavedFilter.objects.filter(pk=pk, user=user).first()
    if saved is not None:
        saved.delete()
    return saved

"""Marking projects for the early-warning rules (wage_warnings, a floor above): whoever changes what a rule reads —
a project, its duties, allocations or payroll, its parties, a clue about it — marks the project in the same
transaction; the warnings sweep (every minute) evaluates the marked projects and clears the mark. The database
says what is still to evaluate, so a lost Celery message or a broker outage only delays it by a minute.

The sweep is also asked for after the commit (within a second), by task name (this floor never imports
wage_warnings).
"""

from django.conf import settings
from django.db.models import Q

from core.tasks import Nudge

from .models import Project

SWEEP_TASK = "wage_warnings.tasks.evaluate_marked_projects"
# One sweep run per process per second at most, however many clues about projects come in (a site's pay day).
_sweep_nudge = Nudge(SWEEP_TASK, what="wage warning evaluation",
                     fallback="the warnings sweep evaluates marked projects every minute",
                     window=lambda: settings.TASK_COALESCE_SECONDS)


def mark_for_warnings(project_ids):
    """Mark the projects `project_ids` for evaluation; returns how many rows were marked."""
    ids = {pk for pk in project_ids if pk is not None}
    if not ids:
        return 0
    marked = Project.objects.filter(pk__in=ids, warnings_dirty=False).update(warnings_dirty=True)
    _sweep_nudge.after_commit()
    return marked


def mark_statement(project_id):
    """(sql, params) marking one project, for a caller that writes it in the statement of its own insert
    (core.bulk.insert_together); the caller then calls `after_marking()`."""
    return (f"UPDATE {Project._meta.db_table} SET warnings_dirty = true WHERE id = %s AND NOT warnings_dirty",
            [project_id])


def after_marking():
    _sweep_nudge.after_commit()


def mark_enterprise_projects(enterprise_ids):
    """Mark every project an enterprise is a party to (e.g. it was put on or taken off the blacklist)."""
    ids = [pk for pk in enterprise_ids if pk is not None]
    if not ids:
        return 0
    projects = Project.objects.filter(Q(developer_id__in=ids) | Q(general_contractor_id__in=ids)
                                      | Q(parties__enterprise_id__in=ids)).values_list("pk", flat=True)
    return mark_for_warnings(set(projects))

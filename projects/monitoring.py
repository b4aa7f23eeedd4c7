"""Marking projects for the early-warning rules (wage_warnings, a floor above): whoever changes what a rule reads —
a project, its duties, allocations or payroll, its parties, a clue about it — marks the project in the same
transaction; the warnings sweep (every minute) evaluates the marked projects and clears the mark. The database
says what is still to evaluate, so a lost Celery message or a broker outage only delays it by a minute.

The sweep is also asked for at once, after the commit, by task name (this floor never imports wage_warnings).
"""

from django.db.models import Q

from core.tasks import queue_after_commit

from .models import Project

SWEEP_TASK = "wage_warnings.tasks.evaluate_marked_projects"


def mark_for_warnings(project_ids):
    """Mark the projects `project_ids` for evaluation; returns how many rows were marked."""
    ids = {pk for pk in project_ids if pk is not None}
    if not ids:
        return 0
    marked = Project.objects.filter(pk__in=ids, warnings_dirty=False).update(warnings_dirty=True)
    queue_after_commit(SWEEP_TASK, what="wage warning evaluation",
                       fallback="the warnings sweep evaluates marked projects every minute")
    return marked


def mark_enterprise_projects(enterprise_ids):
    """Mark every project an enterprise is a party to (e.g. it was put on or taken off the blacklist)."""
    ids = [pk for pk in enterprise_ids if pk is not None]
    if not ids:
        return 0
    projects = Project.objects.filter(Q(developer_id__in=ids) | Q(general_contractor_id__in=ids)
                                      | Q(parties__enterprise_id__in=ids)).values_list("pk", flat=True)
    return mark_for_warnings(set(projects))

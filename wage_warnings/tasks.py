"""Celery tasks of the early warnings: thin wrappers over the evaluation and the services (schedules in
CELERY_BEAT_SCHEDULE)."""

from celery import shared_task

from projects.models import Project

from .evaluation import evaluate, evaluate_marked
from .evaluation import evaluate_project as evaluate_one
from .services import note_overdue


def _counts(report):
    return {"opened": report.opened, "reopened": report.reopened, "updated": report.updated,
            "closed": report.closed, "projects": report.projects}


@shared_task(ignore_result=True)
def evaluate_all():
    """Every rule for every project (daily at 00:10 Beijing time, wage-warnings-daily; queued after a rule edit)."""
    return _counts(evaluate())


@shared_task(ignore_result=True)
def evaluate_marked_projects():
    """The projects marked since the last sweep, and the handling deadlines just missed (every minute,
    wage-warnings-sweep; queued by projects.monitoring.mark_for_warnings after a change commits)."""
    report = _counts(evaluate_marked())
    report["overdue"] = note_overdue()
    return report


@shared_task(ignore_result=True)
def evaluate_project(project_id):
    """Every rule for one project at once."""
    project = Project.objects.filter(pk=project_id).first()
    return None if project is None else _counts(evaluate_one(project))

"""Clues about projects on a site's pay day: every clue marks its project for the early warnings, and the
sweep that evaluates the marked projects is asked for once per process per second, not once per clue."""

import pytest
from celery import current_app

from core import tasks
from projects import monitoring
from projects.models import Project
from tests.factories import ProjectFactory

pytestmark = pytest.mark.django_db


def test_marks_in_one_window_ask_for_one_sweep_run(monkeypatch, settings, django_capture_on_commit_callbacks):
    settings.TASK_COALESCE_SECONDS = 1.0
    monkeypatch.setitem(current_app.conf, "task_always_eager", False)
    monkeypatch.setattr(monitoring, "_sweep_nudge", tasks.Nudge(
        monitoring.SWEEP_TASK, what="sweep", fallback="", window=lambda: settings.TASK_COALESCE_SECONDS))
    clock = {"now": 50.0}
    monkeypatch.setattr(tasks.time, "monotonic", lambda: clock["now"])
    queued = []
    monkeypatch.setattr(tasks, "send_now", lambda task, **kw: queued.append((task, kw.get("countdown"))) or True)
    projects = [ProjectFactory() for _n in range(5)]
    Project.objects.update(warnings_dirty=False)
    with django_capture_on_commit_callbacks(execute=True):
        for project in projects:
            monitoring.mark_for_warnings([project.pk])
    assert queued == [(monitoring.SWEEP_TASK, 1.0)]
    assert Project.objects.filter(warnings_dirty=True).count() == 5
    clock["now"] += 2
    with django_capture_on_commit_callbacks(execute=True):
        monitoring.mark_for_warnings([projects[0].pk])
    assert queued == [(monitoring.SWEEP_TASK, 1.0)] * 2

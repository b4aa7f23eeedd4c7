"""Extension points of the project registry for the floors above it (wage_warnings), which projects may not
import: what they add to a project's page and API, and what they hear when a project changes.

- `project_changed` is sent after the commit of every change to a project, its duties, allocations or payroll
  (`project_id`, `what`: "project" | "duty" | "allocation" | "payroll"), so the monitoring can evaluate that
  one project at once. A receiver queues work; it does not do it inside the sender's request.
- `register_panel("project_warnings", provider)`: `provider(request, project)` returns None or
  `{"template": name, **context}`; the project page and the wage manager's workspace include every panel of
  that name at their `project_warnings` point.
- `register_open_warnings(provider)`: `provider(project)` returns a list of JSON-ready dicts, shown as
  `open_warnings` in `GET /api/v1/projects/{code}/`.
"""

from django.db import transaction
from django.dispatch import Signal

from .models import Project

project_changed = Signal()  # sender: projects.models.Project; kwargs: project_id, what

PANEL_POINTS = ("project_warnings",)
_panels = {point: [] for point in PANEL_POINTS}
_open_warnings = []


def announce_change(project_id, what):
    """Send `project_changed` once the current transaction commits (at once outside one)."""
    transaction.on_commit(lambda: project_changed.send(sender=Project, project_id=project_id, what=what))


def register_panel(point, provider):
    if point not in _panels:
        raise ValueError(f"unknown panel point {point!r}; known: {', '.join(PANEL_POINTS)}")
    if provider not in _panels[point]:
        _panels[point].append(provider)


def panels(point, request, project):
    """The panels registered at `point` for this page, in registration order (the template includes each)."""
    found = []
    for provider in _panels[point]:
        panel = provider(request, project)
        if panel:
            found.append(panel)
    return found


def register_open_warnings(provider):
    if provider not in _open_warnings:
        _open_warnings.append(provider)


def open_warnings(project):
    """The open warnings of `project` as the monitoring side describes them ([] until it registers)."""
    found = []
    for provider in _open_warnings:
        found.extend(provider(project))
    return found

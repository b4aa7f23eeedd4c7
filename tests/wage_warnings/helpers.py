"""Helpers of the early-warning tests: Beijing moments, evaluating at a moment, reading a project's warnings."""

import datetime as dt

import time_machine

from units.workdays import SHANGHAI
from wage_warnings.evaluation import evaluate
from wage_warnings.models import WageWarning


def at(y, m, d, hh=0, mm=0, ss=0):
    return dt.datetime(y, m, d, hh, mm, ss, tzinfo=SHANGHAI)


def evaluate_at(moment, projects=None):
    """Evaluate every rule as the platform would at `moment` (all projects, or these)."""
    with time_machine.travel(moment, tick=False):
        return evaluate(project_ids=None if projects is None else [p.pk for p in projects])


def warnings_of(project, code=None):
    queryset = WageWarning.objects.filter(project=project).select_related("rule").order_by("pk")
    if code:
        queryset = queryset.filter(rule__code=code)
    return list(queryset)


def states(project, code):
    """{period: state} of the project's warnings by the rule `code`."""
    return {w.period: w.state for w in warnings_of(project, code)}

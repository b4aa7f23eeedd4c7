"""Evaluating the rules: open a warning once per project, rule and period; keep it up to date while the condition
lasts; close it by itself (销号) when the condition clears. Set-based: each rule is a few queries for all the
projects in scope (rules.py), the comparison with the warnings already there is done in memory, and the writes
are bulk statements — the number of queries does not grow with the number of projects.

What triggers an evaluation:
- every project, daily under Celery beat (`evaluate_all`, also queued when a rule is edited);
- the projects marked since the last sweep (`Project.warnings_dirty`, set by whoever changes what a rule
  reads: projects.monitoring.mark_for_warnings), every minute (`evaluate_marked`) and at once after the
  change commits (the mark queues the sweep by task name); a new project is born marked;
- one project on demand (`evaluate_project`).

Evaluations are serialised by locking the rule rows (an edit of a rule waits for the running evaluation, and
two evaluations never insert the same warning twice). A dismissed warning is never touched again: for its
period the rule stays silent on that project.
"""

import time
from collections import defaultdict
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from core.bulk import bulk_insert
from notifications.services import notify_unit_officers, queue_sms_many
from projects.models import Project, ProjectEvent
from units.models import Unit

from .models import EvaluationRun, Level, Rule, WageWarning
from .rules import CATALOGUE, Context, _, forget_translations, month_of, period_of, period_text

State, CloseReason = WageWarning.State, WageWarning.CloseReason

DETAIL_LIMIT = 500
SMS_NAMES_LIMIT = 60
NOTICE_LINES = 20


@dataclass
class Report:
    opened: int = 0
    reopened: int = 0
    updated: int = 0
    closed: int = 0
    projects: int | None = None

    def add(self, other):
        for name in ("opened", "reopened", "updated", "closed"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.projects = (self.projects or 0) + (other.projects or 0)


@dataclass
class _Row:
    pk: int
    state: str
    level: str
    detail: str
    data: dict


@dataclass
class _Changes:
    """What this evaluation did, for the timeline and the notifications (written once, in bulk, at the end)."""

    now: object
    opened: list = field(default_factory=list)  # (warning, rule)
    reopened: list = field(default_factory=list)  # (pk, project id, rule, period, detail)
    closed: list = field(default_factory=list)  # (pk, project id, rule, period, reason)
    updated: int = 0


def _label(rule, period):
    return f"{rule.name}({period_text(period)})" if period else rule.name


def _evaluate_rule(rule, spec, ctx, changes):
    params = ctx.active[rule.code]
    window = [period_of(month) for month in spec.window(ctx, params)] if spec.monthly else [""]
    in_window = set(window)
    existing = {
        (project_id, period): _Row(pk, state, level, detail, data)
        for pk, project_id, period, state, level, detail, data in ctx.scoped(WageWarning.objects.filter(rule=rule))
        .filter(Q(state=State.OPEN) | Q(period__in=window))
        .values_list("pk", "project_id", "period", "state", "level", "detail", "data")}
    months = []
    if spec.monthly:
        # Open warnings of months before the window are checked again for their own month.
        periods = in_window | {period for (_pid, period), row in existing.items() if row.state == State.OPEN}
        months = sorted(month_of(period) for period in periods)
    found = spec.find(ctx, params, months)

    new, updates, reopen = [], [], []
    for key, finding in found.items():
        detail = finding.detail[:DETAIL_LIMIT]
        row = existing.get(key)
        if row is None:
            if key[1] in in_window:
                new.append(WageWarning(project_id=key[0], rule=rule, level=rule.level, period=key[1],
                                       state=State.OPEN, detail=detail, data=finding.data, opened_at=ctx.now))
        elif row.state == State.OPEN:
            if (row.detail, row.data, row.level) != (detail, finding.data, rule.level):
                updates.append(WageWarning(pk=row.pk, detail=detail, data=finding.data, level=rule.level,
                                           updated_at=ctx.now))
        elif row.state == State.CLOSED and key[1] in in_window:
            reopen.append(row.pk)
            updates.append(WageWarning(pk=row.pk, detail=detail, data=finding.data, level=rule.level,
                                       updated_at=ctx.now))
            changes.reopened.append((row.pk, key[0], rule, key[1], detail))
        # A dismissed warning stays dismissed for its period.

    gone = {key: row for key, row in existing.items() if row.state == State.OPEN and key not in found}
    if new:
        bulk_insert(new)
        changes.opened.extend((warning, rule) for warning in new)
    if reopen:
        WageWarning.objects.filter(pk__in=reopen).update(
            state=State.OPEN, closed_at=None, close_reason="", reopened_at=ctx.now,
            times_opened=F("times_opened") + 1, assigned_unit=None, assigned_at=None, handling_deadline=None,
            overdue_at=None, responded_at=None, response="", responded_by=None)
    if updates:
        WageWarning.objects.bulk_update(updates, ["detail", "data", "level", "updated_at"], batch_size=1000)
        changes.updated += len(updates) - len(reopen)
    if gone:
        watched = set(Project.objects.filter(pk__in={pid for pid, _period in gone}, status__in=spec.statuses)
                      .values_list("pk", flat=True))
        _close(gone, rule, watched, ctx.now, changes)


def _close(gone, rule, watched, now, changes):
    by_reason = defaultdict(list)
    for (project_id, period), row in gone.items():
        reason = CloseReason.CLEARED if project_id in watched else CloseReason.NOT_MONITORED
        by_reason[reason].append(row.pk)
        changes.closed.append((row.pk, project_id, rule, period, reason))
    for reason, pks in by_reason.items():
        WageWarning.objects.filter(pk__in=pks).update(state=State.CLOSED, closed_at=now, close_reason=reason,
                                                      updated_at=now)


def _close_rule(rule, ctx, changes):
    """A rule switched off: its open warnings close (the condition is no longer watched)."""
    rows = ctx.scoped(WageWarning.objects.filter(rule=rule, state=State.OPEN)).values_list("pk", "project_id",
                                                                                            "period")
    gone = {(project_id, period): _Row(pk, State.OPEN, "", "", {}) for pk, project_id, period in rows}
    if not gone:
        return
    for (project_id, period), row in gone.items():
        changes.closed.append((row.pk, project_id, rule, period, CloseReason.RULE_DISABLED))
    WageWarning.objects.filter(pk__in=[row.pk for row in gone.values()]).update(
        state=State.CLOSED, closed_at=ctx.now, close_reason=CloseReason.RULE_DISABLED, updated_at=ctx.now)


def _timeline(changes):
    levels = dict(Level.choices)
    events = []
    for warning, rule in changes.opened:
        events.append(ProjectEvent(
            project_id=warning.project_id, at=changes.now, kind="warning_opened",
            text=_("%(level)s:%(rule)s。%(detail)s") % {
                "level": levels[warning.level], "rule": _label(rule, warning.period), "detail": warning.detail},
            data={"warning": warning.pk, "rule": rule.code, "period": warning.period, "level": warning.level}))
    for pk, project_id, rule, period, detail in changes.reopened:
        events.append(ProjectEvent(
            project_id=project_id, at=changes.now, kind="warning_reopened",
            text=_("再次预警:%(rule)s。%(detail)s") % {"rule": _label(rule, period), "detail": detail},
            data={"warning": pk, "rule": rule.code, "period": period, "level": rule.level}))
    for pk, project_id, rule, period, reason in changes.closed:
        events.append(ProjectEvent(
            project_id=project_id, at=changes.now, kind="warning_closed",
            text=_("预警销号:%(rule)s(%(reason)s)。") % {"rule": _label(rule, period),
                                                       "reason": CloseReason(reason).label},
            data={"warning": pk, "rule": rule.code, "period": period, "reason": reason}))
    for event in events:
        event.text = event.text[:500]
    bulk_insert(events)


def _notify(changes):
    """New warnings: one SMS per project to its 劳资专管员, one notice per unit (the project's district and sector
    department) to its officers — each warning in exactly one of each, since it is new exactly once."""
    if not changes.opened:
        return
    by_project = defaultdict(list)
    for warning, rule in changes.opened:
        by_project[warning.project_id].append((warning, rule))
    projects = {row["pk"]: row for row in Project.objects.filter(pk__in=list(by_project)).values(
        "pk", "code", "name", "wage_manager_phone", "district_id", "sector_id")}
    messages, by_unit = [], defaultdict(list)
    for project_id, items in by_project.items():
        project = projects[project_id]
        first = min(warning.pk for warning, _rule in items)
        if project["wage_manager_phone"]:
            names = "、".join(dict.fromkeys(rule.name for _warning, rule in items))
            if len(names) > SMS_NAMES_LIMIT:
                names = names[:SMS_NAMES_LIMIT] + "…"
            text = _("【乌兰·薪】%(project)s新增工资预警%(count)s条:%(names)s。请登录乌兰·薪平台查看,及时整改。") % {
                "project": project["name"], "count": len(items), "names": names}
            messages.append((project["wage_manager_phone"], text, f"wage-warnings:sms:{project_id}:{first}",
                             (Project, project_id, project["code"])))
        for unit_id in {project["district_id"], project["sector_id"]} - {None}:
            by_unit[unit_id].extend((project, warning, rule) for warning, rule in items)
    queue_sms_many(messages)
    units = Unit.objects.in_bulk(list(by_unit))
    list_url = reverse("wage_warnings:list")
    for unit_id, items in by_unit.items():
        unit = units[unit_id]
        reds = sum(1 for _project, warning, _rule in items if warning.level == Level.RED)
        lines = [f"{project['name']}:{_label(rule, warning.period)}" for project, warning, rule in items]
        body = "\n".join(lines[:NOTICE_LINES])
        if len(lines) > NOTICE_LINES:
            body += "\n" + _("……共%(count)s条") % {"count": len(lines)}
        query = {"district" if unit.kind == Unit.Kind.DISTRICT else "sector": unit.code, "state": State.OPEN}
        first = min(warning.pk for _project, warning, _rule in items)
        notify_unit_officers(
            unit, subject=_("新增工资预警%(count)s条(红色%(reds)s条)") % {"count": len(items), "reds": reds},
            body=body, url=f"{list_url}?{urlencode(query)}",
            dedupe_prefix=f"wage-warnings:new:{unit_id}:{first}")


def no_jit():
    """PostgreSQL compiles a costly plan to machine code first (JIT), which takes longer than these queries run
    (seconds at 10,000 projects): off for the current transaction."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config('jit', 'off', true)")


def evaluate(*, now=None, project_ids=None, record=True):
    """Evaluate every active rule for the projects `project_ids` (None: all projects); returns a Report."""
    now = now or timezone.now()
    scope = None if project_ids is None else frozenset(project_ids)
    report = Report(projects=None if scope is None else len(scope))
    if scope is not None and not scope:
        return report
    started = time.monotonic()
    forget_translations()
    with transaction.atomic():
        no_jit()
        rules = list(Rule.objects.select_for_update().order_by("pk"))
        active = {rule.code: CATALOGUE[rule.code].parameters(rule.parameters)
                  for rule in rules if rule.is_active and rule.code in CATALOGUE}
        ctx = Context(now=now, project_ids=scope, active=active)
        if scope is None:
            # Everything is evaluated now: the marks set before this moment are answered too.
            Project.objects.filter(warnings_dirty=True).update(warnings_dirty=False)
        changes = _Changes(now)
        for rule in rules:
            spec = CATALOGUE.get(rule.code)
            if spec is None:
                continue  # a rule the code does not know (added by hand): nothing to evaluate
            if rule.is_active:
                _evaluate_rule(rule, spec, ctx, changes)
            else:
                _close_rule(rule, ctx, changes)
        _timeline(changes)
        _notify(changes)
        report.opened, report.reopened = len(changes.opened), len(changes.reopened)
        report.updated, report.closed = changes.updated, len(changes.closed)
        if scope is None:
            report.projects = Project.objects.count()
        if record and (scope is None or report.opened or report.reopened or report.closed):
            EvaluationRun.objects.create(
                scope=EvaluationRun.Scope.ALL if scope is None else EvaluationRun.Scope.MARKED, started_at=now,
                seconds=round(time.monotonic() - started, 3), projects=report.projects, opened=report.opened,
                reopened=report.reopened, updated=report.updated, closed=report.closed)
    return report


def evaluate_project(project, *, now=None):
    """Evaluate one project at once (e.g. after its payroll was uploaded)."""
    return evaluate(now=now, project_ids=[getattr(project, "pk", project)])


def evaluate_marked(*, now=None, batch_size=1000):
    """Evaluate the projects marked since the last sweep, a batch at a time, clearing their marks in the same
    transaction; a project locked by a change in progress is left for the next sweep. Returns a Report."""
    total = Report(projects=0)
    while True:
        with transaction.atomic():
            ids = list(Project.objects.select_for_update(skip_locked=True).filter(warnings_dirty=True)
                       .order_by("pk").values_list("pk", flat=True)[:batch_size])
            if not ids:
                return total
            Project.objects.filter(pk__in=ids).update(warnings_dirty=False)
            total.add(evaluate(now=now, project_ids=ids))


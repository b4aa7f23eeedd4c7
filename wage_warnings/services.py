"""Writes of the early warnings: the handling of a warning — assigned (交办) by city staff to the project's
district or sector department, handled (核处) by that unit within a deadline in working days, dismissed (撤销)
by city staff with a reason, answered (整改说明) by the project's 劳资专管员 — and the administrator's edits of a
rule. Every step goes on the project's timeline; the assignment and a missed deadline notify the unit's officers.
"""

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.roles import CITY_WIDE_ROLES, Role, has_any_role
from core.api import ApplicationError, Conflict
from core.tasks import queue_after_commit
from notifications.services import notify_unit_officers
from projects.models import ProjectEvent
from units.models import Unit
from units.workdays import deadline_after

from .models import HandlingPolicy, Level, Rule, WageWarning
from .reference import HANDLING_DAYS
from .rules import CATALOGUE, ParameterError, validate_parameters
from .selectors import allowed_actions, assignable_units

State = WageWarning.State
TEXT_LIMITS = {"response": 2000, "reply": 2000, "reason": 300}
EVALUATE_ALL_TASK = "wage_warnings.tasks.evaluate_all"


def _forbidden(message):
    return ApplicationError(message, code="permission_denied", status_code=403)


def _locked(warning):
    return (WageWarning.objects.select_for_update(of=("self",))
            .select_related("project", "project__district", "project__sector", "rule", "assigned_unit")
            .get(pk=warning.pk))


def _text(value, field, limit, missing):
    text = (value or "").strip()
    if not text:
        raise ApplicationError(missing, fields={field: [missing]})
    if len(text) > limit:
        message = _("不能超过%(limit)s字。") % {"limit": limit}
        raise ApplicationError(message, fields={field: [message]})
    return text


def _event(warning, kind, text, by, now, **data):
    ProjectEvent.objects.create(project=warning.project, at=now, kind=kind, text=text[:500], actor=by,
                                data={"warning": warning.pk, "rule": warning.rule.code, "period": warning.period,
                                      **data})


def _title(warning):
    label = warning.rule.name
    if warning.period:
        label += f"({warning.period_label})"
    return label


def _url(warning):
    return reverse("wage_warnings:detail", args=[warning.pk])


def handling_days(level):
    policy = HandlingPolicy.objects.filter(level=level).first()
    return policy.working_days if policy else dict(HANDLING_DAYS)[level]


def warning_assign(*, warning, unit, by, now=None):
    """交办: city staff send the warning to the project's district or sector department, which has to handle it
    within the working days of its level (red 3, yellow 5). A reassignment starts a new deadline."""
    now = now or timezone.now()
    if not has_any_role(by, CITY_WIDE_ROLES):
        raise _forbidden(_("只有市级工作人员可以交办预警。"))
    with transaction.atomic():
        warning = _locked(warning)
        if "assign" not in allowed_actions(warning, by):
            raise Conflict(_("只能交办预警中且尚未核处的预警。"))
        code = getattr(unit, "code", unit)
        target = next((u for u in assignable_units(warning) if u.code == code), None)
        if target is None:
            message = _("只能交办给项目所在旗县市区或其行业主管部门。")
            raise ApplicationError(message, fields={"unit": [message]})
        deadline = deadline_after(now, handling_days(warning.level))
        warning.assigned_unit, warning.assigned_at, warning.handling_deadline = target, now, deadline
        warning.overdue_at = None
        warning.save(update_fields=["assigned_unit", "assigned_at", "handling_deadline", "overdue_at",
                                    "updated_at"])
        local = timezone.localtime(deadline)
        _event(warning, "warning_assigned",
               _("交办%(unit)s核处:%(rule)s,核处期限%(deadline)s。") % {
                   "unit": target.name, "rule": _title(warning), "deadline": f"{local:%Y-%m-%d %H:%M}"},
               by, now, unit=target.code, deadline=deadline.isoformat())
        notify_unit_officers(
            target, subject=_("工资预警交办:%(project)s") % {"project": warning.project.name},
            body=_("%(level)s:%(rule)s。%(detail)s\n请于%(deadline)s前核处并在平台填报核处情况。") % {
                "level": warning.get_level_display(), "rule": _title(warning), "detail": warning.detail,
                "deadline": f"{local:%Y-%m-%d %H:%M}"},
            url=_url(warning), about=warning,
            dedupe_prefix=f"wage-warning:{warning.pk}:assigned:{target.pk}:{int(now.timestamp())}")
    return warning


def warning_respond(*, warning, by, response, now=None):
    """核处: an officer of the assigned unit records what was done; this meets the handling deadline."""
    now = now or timezone.now()
    with transaction.atomic():
        warning = _locked(warning)
        if not (by.has_role(Role.OFFICER) and warning.assigned_unit_id and by.unit_id == warning.assigned_unit_id):
            raise _forbidden(_("只有交办单位的承办员可以填报核处情况。"))
        if "respond" not in allowed_actions(warning, by):
            raise Conflict(_("该预警已核处或已撤销。"))
        text = _text(response, "response", TEXT_LIMITS["response"], _("请填写核处情况。"))
        late = warning.handling_deadline is not None and now > warning.handling_deadline
        warning.responded_at, warning.responded_by, warning.response = now, by, text
        warning.save(update_fields=["responded_at", "responded_by", "response", "updated_at"])
        note = _("(超期核处)") if late else ""
        _event(warning, "warning_responded",
               _("%(unit)s核处%(note)s:%(text)s") % {"unit": warning.assigned_unit.name, "note": note, "text": text},
               by, now, late=late)
    return warning


def warning_dismiss(*, warning, by, reason, now=None):
    """撤销: city staff dismiss a warning with a reason; the rule stays silent on the project for that period."""
    now = now or timezone.now()
    if not has_any_role(by, CITY_WIDE_ROLES):
        raise _forbidden(_("只有市级工作人员可以撤销预警。"))
    with transaction.atomic():
        warning = _locked(warning)
        if "dismiss" not in allowed_actions(warning, by):
            raise Conflict(_("只能撤销预警中的预警。"))
        text = _text(reason, "reason", TEXT_LIMITS["reason"], _("请填写撤销理由。"))
        warning.state, warning.dismissed_at, warning.dismissed_by = State.DISMISSED, now, by
        warning.dismissal_reason = text
        warning.save(update_fields=["state", "dismissed_at", "dismissed_by", "dismissal_reason", "updated_at"])
        _event(warning, "warning_dismissed", _("撤销预警:%(rule)s。理由:%(reason)s") % {
            "rule": _title(warning), "reason": text}, by, now)
    return warning


def warning_reply(*, warning, by, text, now=None):
    """整改说明: the project's 劳资专管员 says what the project did; a later answer replaces the earlier one (both stay
    on the timeline). The warning closes by itself once the data show the condition cleared."""
    now = now or timezone.now()
    with transaction.atomic():
        warning = _locked(warning)
        if not (by.has_role(Role.WAGE_MANAGER) and warning.project.managers.filter(pk=by.pk).exists()):
            raise _forbidden(_("只有本项目的劳资专管员可以填写整改说明。"))
        if "reply" not in allowed_actions(warning, by):
            raise Conflict(_("只能对预警中的预警填写整改说明。"))
        answer = _text(text, "text", TEXT_LIMITS["reply"], _("请填写整改说明。"))
        warning.reply, warning.replied_at, warning.replied_by = answer, now, by
        warning.save(update_fields=["reply", "replied_at", "replied_by", "updated_at"])
        _event(warning, "warning_replied", _("劳资专管员整改说明:%(text)s") % {"text": answer}, by, now)
    return warning


def note_overdue(*, now=None):
    """Mark the warnings whose handling deadline passed without a response (once each), put it on the timeline
    and tell the unit's officers, one notice per unit. Returns how many."""
    now = now or timezone.now()
    with transaction.atomic():
        rows = list(WageWarning.objects.select_for_update(skip_locked=True, of=("self",))
                    .filter(state=State.OPEN, responded_at__isnull=True, handling_deadline__lt=now,
                            overdue_at__isnull=True)
                    .values_list("pk", "project_id", "assigned_unit_id", "rule__code", "rule__name", "period",
                                 "project__name", "handling_deadline"))
        if not rows:
            return 0
        WageWarning.objects.filter(pk__in=[row[0] for row in rows]).update(overdue_at=now)
        events, by_unit = [], {}
        for pk, project_id, unit_id, code, name, period, project_name, deadline in rows:
            label = f"{name}({WageWarning(period=period).period_label})" if period else name
            local = timezone.localtime(deadline)
            events.append(ProjectEvent(
                project_id=project_id, at=now, kind="warning_overdue",
                text=_("预警核处超期:%(rule)s,期限%(deadline)s已过,尚未核处。") % {
                    "rule": label, "deadline": f"{local:%Y-%m-%d %H:%M}"},
                data={"warning": pk, "rule": code, "period": period, "unit_id": unit_id}))
            by_unit.setdefault(unit_id, []).append((pk, project_name, label, local))
        ProjectEvent.objects.bulk_create(events)
        units = Unit.objects.in_bulk(list(by_unit))
        for unit_id, items in by_unit.items():
            lines = [f"{project}:{label}(期限{local:%Y-%m-%d %H:%M})" for _pk, project, label, local in items]
            notify_unit_officers(
                units[unit_id], subject=_("工资预警核处超期%(count)s条") % {"count": len(items)},
                body="\n".join(lines[:20]),
                url=f"{reverse('wage_warnings:list')}?unit={units[unit_id].code}&overdue=true",
                dedupe_prefix=f"wage-warnings:overdue:{unit_id}:{min(pk for pk, *_rest in items)}")
    return len(rows)


def rule_update(*, rule, by, parameters=None, is_active=None, level=None):
    """An administrator edits a rule: its parameters (each checked for the rule), level or on/off switch. Every
    project is evaluated again soon after (queued; the daily run otherwise)."""
    if not has_any_role(by, {Role.ADMIN}):
        raise _forbidden(_("只有管理员可以修改预警规则。"))
    spec = CATALOGUE.get(rule.code)
    if spec is None:
        raise ApplicationError(_("平台不认识这条规则,无法修改。"))
    errors = {}
    with transaction.atomic():
        rule = Rule.objects.select_for_update().get(pk=rule.pk)
        if parameters is not None:
            try:
                rule.parameters = validate_parameters(spec, parameters, rule.parameters)
            except ParameterError as exc:
                problems = exc.args[0]
                errors.update({f"parameters.{name}" if name else "parameters": [message]
                               for name, message in problems.items()})
        if level is not None:
            if level not in Level.values:
                errors["level"] = [_("预警等级只能是 red 或 yellow。")]
            else:
                rule.level = level
        if is_active is not None:
            rule.is_active = bool(is_active)
        if errors:
            raise ApplicationError(_("提交的数据有误,请按提示修改。"), code="invalid", fields=errors)
        rule.updated_by = by
        rule.save()
        queue_after_commit(EVALUATE_ALL_TASK, what="wage warning evaluation after a rule edit",
                           fallback="the daily evaluation applies the change")
    return rule

"""Early warnings of wage arrears on construction projects (工资预警): the rules with their editable parameters, and
the warnings they open — once per project, rule and period — which are assigned, handled (核处) within a deadline
in working days, and cleared (销号) by themselves when the condition is gone, or dismissed with a reason."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Level(models.TextChoices):
    RED = "red", _("红色预警")
    YELLOW = "yellow", _("黄色预警")


class Rule(models.Model):
    """One warning signal of DOMAIN.md. The code is fixed (the evaluation knows it); level, parameters and the
    on/off switch are the administrator's."""

    code = models.CharField(_("规则代码"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    description = models.TextField(_("说明"))
    level = models.CharField(_("预警等级"), max_length=8, choices=Level.choices)
    # e.g. {"days": 30}, {"share_percent": 10}, {"minimum_wage": "1980"}, {"clues": 3, "days": 30}
    parameters = models.JSONField(_("参数"), default=dict, blank=True)
    is_active = models.BooleanField(_("启用"), default=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("修改人"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("预警规则")
        verbose_name_plural = _("预警规则")
        ordering = ["code"]

    def __str__(self):
        return f"{self.name}({self.code})"


class WageWarning(models.Model):
    """A warning on one project, by one rule, for one period."""

    class State(models.TextChoices):
        OPEN = "open", _("预警中")
        CLOSED = "closed", _("已销号")
        DISMISSED = "dismissed", _("已撤销")

    class CloseReason(models.TextChoices):
        CLEARED = "cleared", _("预警情形已消除")
        NOT_MONITORED = "not_monitored", _("项目已不在该规则监测范围")
        RULE_DISABLED = "rule_disabled", _("预警规则已停用")

    project = models.ForeignKey("projects.Project", on_delete=models.CASCADE, related_name="warnings")
    rule = models.ForeignKey(Rule, on_delete=models.PROTECT, related_name="warnings")
    level = models.CharField(_("预警等级"), max_length=8, choices=Level.choices)
    # "" for a standing condition (no wage account), "YYYY-MM" for a monthly one (last month's payroll late).
    period = models.CharField(_("期间"), max_length=7, blank=True)
    state = models.CharField(_("状态"), max_length=10, choices=State.choices, default=State.OPEN)
    detail = models.CharField(_("情况"), max_length=500)
    data = models.JSONField(default=dict, blank=True)
    opened_at = models.DateTimeField(_("预警时间"))
    updated_at = models.DateTimeField(_("最近更新"), auto_now=True)
    closed_at = models.DateTimeField(_("销号时间"), null=True, blank=True)
    close_reason = models.CharField(_("销号原因"), max_length=16, choices=CloseReason.choices, blank=True)
    # The condition came back in the same period after a 销号: the same warning opens again.
    reopened_at = models.DateTimeField(_("再次预警时间"), null=True, blank=True)
    times_opened = models.PositiveSmallIntegerField(_("预警次数"), default=1)
    assigned_unit = models.ForeignKey("units.Unit", verbose_name=_("核处单位"), null=True, blank=True,
                                      on_delete=models.PROTECT, related_name="wage_warnings")
    assigned_at = models.DateTimeField(_("交办时间"), null=True, blank=True)
    handling_deadline = models.DateTimeField(_("核处期限"), null=True, blank=True)
    # When the sweep found the handling deadline passed without a response (noted, and notified, once).
    overdue_at = models.DateTimeField(_("超期时间"), null=True, blank=True)
    responded_at = models.DateTimeField(_("核处时间"), null=True, blank=True)
    response = models.TextField(_("核处情况"), blank=True)
    responded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+")
    # The project's own answer (整改说明) by its 劳资专管员; the unit's 核处 above is what stops the clock.
    reply = models.TextField(_("项目整改说明"), blank=True)
    replied_at = models.DateTimeField(_("说明时间"), null=True, blank=True)
    replied_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    dismissed_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)
    dismissed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+")
    dismissal_reason = models.CharField(_("撤销理由"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("工资预警")
        verbose_name_plural = _("工资预警")
        ordering = ["-opened_at", "-pk"]
        constraints = [models.UniqueConstraint(fields=["project", "rule", "period"], name="warning_once")]
        indexes = [
            models.Index(fields=["state", "level"], name="warning_state_level"),
            models.Index(fields=["assigned_unit", "state"], name="warning_unit_state"),
            models.Index(fields=["handling_deadline"], name="warning_handling_due",
                         condition=models.Q(state="open", responded_at__isnull=True)),
            models.Index(fields=["rule", "state", "period"], name="warning_rule_state"),
        ]

    def __str__(self):
        return f"{self.project_id} {self.rule_id} {self.period}"

    @property
    def reference_label(self):
        return f"{self.rule.name}·{self.period}" if self.period else self.rule.name

    @property
    def period_label(self):
        return period_label(self.period)

    def is_overdue(self, now):
        return (self.state == self.State.OPEN and self.responded_at is None and self.handling_deadline is not None
                and self.handling_deadline < now)


def period_label(period):
    """"2026-05" → "2026年5月"; a standing condition has no period."""
    if not period:
        return ""
    year, month = period.split("-")
    return _("%(year)s年%(month)d月") % {"year": year, "month": int(month)}


class HandlingPolicy(models.Model):
    """How many working days the assigned unit has to handle (核处) a warning of each level (DOMAIN.md's
    calendar; red 3, yellow 5 by default). A change applies to warnings assigned after it."""

    level = models.CharField(_("预警等级"), max_length=8, choices=Level.choices, unique=True)
    working_days = models.PositiveSmallIntegerField(_("核处时限(工作日)"))
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("预警核处时限")
        verbose_name_plural = _("预警核处时限")
        ordering = ["level"]

    def __str__(self):
        return f"{self.get_level_display()}:{self.working_days}个工作日"


class EvaluationRun(models.Model):
    """One evaluation of the rules: every project (daily, or after a rule changed) or the projects marked since
    the last sweep. Kept for the operators (the board shows the last full run); a sweep with nothing marked
    leaves no row."""

    class Scope(models.TextChoices):
        ALL = "all", _("全部项目")
        MARKED = "marked", _("有变化的项目")

    scope = models.CharField(_("范围"), max_length=8, choices=Scope.choices)
    started_at = models.DateTimeField(_("开始时间"))
    seconds = models.FloatField(_("用时(秒)"))
    projects = models.PositiveIntegerField(_("项目数"), null=True, blank=True)
    opened = models.PositiveIntegerField(_("新预警"), default=0)
    reopened = models.PositiveIntegerField(_("再次预警"), default=0)
    updated = models.PositiveIntegerField(_("情况更新"), default=0)
    closed = models.PositiveIntegerField(_("销号"), default=0)

    class Meta:
        verbose_name = _("预警评估记录")
        verbose_name_plural = _("预警评估记录")
        ordering = ["-started_at"]
        indexes = [models.Index(fields=["scope", "-started_at"], name="evaluation_run_latest")]

    def __str__(self):
        return f"{self.get_scope_display()} {self.started_at:%Y-%m-%d %H:%M}"

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

    project = models.ForeignKey("projects.Project", on_delete=models.CASCADE, related_name="warnings")
    rule = models.ForeignKey(Rule, on_delete=models.PROTECT, related_name="warnings")
    level = models.CharField(_("预警等级"), max_length=8, choices=Level.choices)
    # "" for a standing condition (no wage account), "YYYY-MM" for a monthly one (last month's payroll late).
    period = models.CharField(_("期间"), max_length=7, blank=True)
    state = models.CharField(_("状态"), max_length=10, choices=State.choices, default=State.OPEN)
    detail = models.CharField(_("情况"), max_length=500)
    data = models.JSONField(default=dict, blank=True)
    opened_at = models.DateTimeField(_("预警时间"))
    updated_at = models.DateTimeField(_("最近评估"), auto_now=True)
    closed_at = models.DateTimeField(_("销号时间"), null=True, blank=True)
    assigned_unit = models.ForeignKey("units.Unit", verbose_name=_("核处单位"), null=True, blank=True,
                                      on_delete=models.PROTECT, related_name="wage_warnings")
    assigned_at = models.DateTimeField(_("交办时间"), null=True, blank=True)
    handling_deadline = models.DateTimeField(_("核处期限"), null=True, blank=True)
    responded_at = models.DateTimeField(_("核处时间"), null=True, blank=True)
    response = models.TextField(_("核处情况"), blank=True)
    responded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+")
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
        ]

    def __str__(self):
        return f"{self.project_id} {self.rule_id} {self.period}"

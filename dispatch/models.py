"""Units that handle clues (承办单位) and the working-day calendar overrides."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Unit(models.Model):
    """A district (旗县市区), a sector department (行业部门) or the city coordinating office."""

    class Kind(models.TextChoices):
        CITY = "city", _("市级统筹")
        DISTRICT = "district", _("旗县市区")
        DEPARTMENT = "department", _("行业部门")

    code = models.CharField(_("单位代码"), max_length=32, unique=True,
                            help_text=_("旗县市区用 GB/T 2260 代码,行业部门用英文词"))
    name = models.CharField(_("单位名称"), max_length=64)
    full_name = models.CharField(_("全称"), max_length=128, blank=True)
    kind = models.CharField(_("类别"), max_length=16, choices=Kind.choices)
    sort_order = models.PositiveSmallIntegerField(_("排序"), default=0)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("承办单位")
        verbose_name_plural = _("承办单位")
        ordering = ["sort_order", "code"]

    def __str__(self):
        return self.name

    @property
    def is_city(self):
        return self.kind == self.Kind.CITY


class WorkingDayOverride(models.Model):
    """An administrator's word on one date; it wins over the `holidays` package (e.g. a new year's notice)."""

    date = models.DateField(_("日期"), unique=True)
    is_working_day = models.BooleanField(_("是否工作日"))
    note = models.CharField(_("说明"), max_length=200, blank=True,
                            help_text=_("例如:国务院办公厅关于2027年部分节假日安排的通知"))
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("工作日调整")
        verbose_name_plural = _("工作日调整")
        ordering = ["-date"]

    def __str__(self):
        kind = _("工作日") if self.is_working_day else _("休息日")
        return f"{self.date:%Y-%m-%d} {kind}"


class DeadlinePolicy(models.Model):
    """Working-day deadlines per risk colour (1日受理、3日响应、15日办结).

    A change applies to clocks started after it: deadlines are stored on the clue when they start.
    """

    risk_color = models.CharField(_("风险等级"), max_length=8, unique=True,
                                  choices=[("red", _("红色(重大)")), ("orange", _("橙色(一般)")),
                                           ("blue", _("蓝色(简单)"))])
    claim_days = models.PositiveSmallIntegerField(_("认领期限(工作日,自转办起)"), default=1)
    response_days = models.PositiveSmallIntegerField(_("响应期限(工作日,自收到起)"), default=3)
    close_days = models.PositiveSmallIntegerField(_("办结期限(工作日,自收到起)"), default=15)
    retransfer_hours = models.PositiveSmallIntegerField(_("退回后重新转办期限(小时)"), default=24)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("办理时限")
        verbose_name_plural = _("办理时限")
        ordering = ["risk_color"]

    def __str__(self):
        return self.get_risk_color_display()


class Assignment(models.Model):
    """One transfer of a clue to a unit, from transfer until the unit lets go of it (history of 转办)."""

    class EndReason(models.TextChoices):
        RETURNED = "returned", _("退回")
        RETRANSFERRED = "retransferred", _("改派")
        CLOSED = "closed", _("办结")

    clue = models.ForeignKey("clues.Clue", on_delete=models.CASCADE, related_name="assignments")
    unit = models.ForeignKey(Unit, verbose_name=_("承办单位"), on_delete=models.PROTECT,
                             related_name="assignments")
    assigned_at = models.DateTimeField(_("转办时间"))
    assigned_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                    null=True)
    note = models.TextField(_("转办意见"), blank=True)
    claim_deadline = models.DateTimeField(_("认领期限"))
    claimed_at = models.DateTimeField(_("认领时间"), null=True, blank=True)
    claimed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    end_reason = models.CharField(max_length=16, choices=EndReason.choices, blank=True)

    class Meta:
        verbose_name = _("转办记录")
        verbose_name_plural = _("转办记录")
        ordering = ["assigned_at", "pk"]
        indexes = [models.Index(fields=["unit", "clue"], name="assignment_unit_clue"),
                   models.Index(fields=["assigned_at"], name="assignment_assigned_at")]

    def __str__(self):
        return f"{self.clue_id} → {self.unit}"


class ClueEvent(models.Model):
    """One change of a clue; the timeline is the append-only list of these."""

    class Kind(models.TextChoices):
        RECEIVED = "received", _("线索归集")
        TRANSFERRED = "transferred", _("转办")
        CLAIMED = "claimed", _("认领")
        RECORD = "record", _("办理记录")
        RETURNED = "returned", _("退回")
        RESOLVED = "resolved", _("承办单位办结")
        REVIEW_APPROVED = "review_approved", _("审核通过")
        REVIEW_REJECTED = "review_rejected", _("审核退回")
        FOLLOWUP = "followup", _("回访")
        REOPENED = "reopened", _("重新办理")
        MERGED = "merged", _("合并重复线索")
        ESCALATED = "escalated", _("督办")
        NOTE = "note", _("备注")

    clue = models.ForeignKey("clues.Clue", on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("事件"), max_length=20, choices=Kind.choices)
    at = models.DateTimeField(_("时间"))
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("操作人"), null=True, blank=True,
                              on_delete=models.PROTECT, related_name="+")
    actor_unit = models.ForeignKey(Unit, verbose_name=_("操作单位"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    from_status = models.CharField(_("原状态"), max_length=16, blank=True)
    to_status = models.CharField(_("新状态"), max_length=16, blank=True)
    note = models.TextField(_("说明"), blank=True)
    public_note = models.CharField(_("对反映人显示的说明"), max_length=300, blank=True)
    is_public = models.BooleanField(_("反映人可见"), default=False)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("线索事件")
        verbose_name_plural = _("线索事件")
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["clue", "at"], name="event_clue_at"),
                   models.Index(fields=["kind", "at"], name="event_kind_at")]

    def __str__(self):
        return f"{self.get_kind_display()} {self.at:%Y-%m-%d %H:%M}"

    def save(self, *args, **kwargs):
        if self.pk and not kwargs.pop("_allow_update", False):
            raise ValueError("ClueEvent is append-only")
        super().save(*args, **kwargs)


class HandlingRecord(models.Model):
    """What the unit did while handling (contact, site check, mediation, orders, money paid)."""

    class Kind(models.TextChoices):
        CONTACT = "contact", _("联系反映人")
        SITE_CHECK = "site_check", _("现场核查")
        MEDIATION = "mediation", _("调解")
        RECTIFICATION_ORDER = "rectification_order", _("下达责令改正决定书")
        PAYMENT = "payment", _("支付工资")
        OTHER = "other", _("其他")

    clue = models.ForeignKey("clues.Clue", on_delete=models.CASCADE, related_name="records")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("类别"), max_length=24, choices=Kind.choices)
    occurred_at = models.DateTimeField(_("发生时间"))
    note = models.TextField(_("情况"))
    amount = models.DecimalField(_("支付金额(元)"), max_digits=14, decimal_places=2, null=True, blank=True)
    workers = models.PositiveIntegerField(_("支付人数"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("办理记录")
        verbose_name_plural = _("办理记录")
        ordering = ["occurred_at", "pk"]

    def __str__(self):
        return f"{self.get_kind_display()} {self.occurred_at:%Y-%m-%d}"

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


class SavedFilter(models.Model):
    """A staff member's named list filter (e.g. “红色·未转办·集宁区”), kept as the query string."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_filters")
    page = models.CharField(_("页面"), max_length=40)
    name = models.CharField(_("名称"), max_length=60)
    query = models.CharField(_("筛选条件"), max_length=500)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("常用筛选")
        verbose_name_plural = _("常用筛选")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["user", "page", "name"], name="saved_filter_unique_name")]

    def __str__(self):
        return self.name


class LadderStep(models.TextChoices):
    """The escalation ladder of 统一督办 (四函一单), in order."""

    WARN = "warn", _("即将超期提醒")
    REMINDER = "reminder", _("提醒函")
    SUPERVISION = "supervision", _("督办函")
    SUMMONS = "summons", _("约谈函")
    REFERRAL = "referral", _("移交党委监督贯通协调平台")


LADDER_ORDER = [LadderStep.WARN, LadderStep.REMINDER, LadderStep.SUPERVISION, LadderStep.SUMMONS,
                LadderStep.REFERRAL]

DEADLINE_KINDS = [("claim", _("认领期限")), ("response", _("响应期限")), ("close", _("办结期限")),
                  ("retransfer", _("重新转办期限"))]


class EscalationRule(models.Model):
    """When each ladder step falls due, in working days from the deadline's day (editable)."""

    step = models.CharField(_("督办步骤"), max_length=16, choices=LadderStep.choices, unique=True)
    offset_working_days = models.SmallIntegerField(
        _("相对期限的工作日数"),
        help_text=_("负数为期限前(-1 即期限当日上午9时提醒),0 为期限届满时,正数为超期后第N个工作日上午9时"))
    deadline_kinds = models.CharField(_("适用期限"), max_length=60, default="claim,response,close",
                                      help_text=_("逗号分隔:claim, response, close, retransfer"))
    is_active = models.BooleanField(_("启用"), default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("督办规则")
        verbose_name_plural = _("督办规则")

    def __str__(self):
        return f"{self.get_step_display()} ({self.offset_working_days:+d})"

    @property
    def kinds(self):
        return {k.strip() for k in self.deadline_kinds.split(",") if k.strip()}


class EscalationStep(models.Model):
    """One step of the ladder for one clue and one deadline; taken once, or cancelled when the clock stops."""

    class State(models.TextChoices):
        PENDING = "pending", _("待执行")
        TAKEN = "taken", _("已执行")
        CANCELLED = "cancelled", _("已取消")

    clue = models.ForeignKey("clues.Clue", on_delete=models.CASCADE, related_name="escalation_steps")
    deadline_kind = models.CharField(_("期限"), max_length=12, choices=DEADLINE_KINDS)
    deadline_at = models.DateTimeField(_("期限时间"))
    step = models.CharField(_("督办步骤"), max_length=16, choices=LadderStep.choices)
    due_at = models.DateTimeField(_("执行时间"))
    unit = models.ForeignKey(Unit, verbose_name=_("责任单位"), null=True, blank=True, on_delete=models.PROTECT,
                             related_name="escalation_steps")
    state = models.CharField(_("状态"), max_length=10, choices=State.choices, default=State.PENDING)
    taken_at = models.DateTimeField(_("执行时间(实际)"), null=True, blank=True)
    letter = models.ForeignKey("dispatch.Letter", null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="steps")

    class Meta:
        verbose_name = _("督办步骤")
        verbose_name_plural = _("督办步骤")
        ordering = ["due_at", "pk"]
        constraints = [models.UniqueConstraint(fields=["clue", "deadline_kind", "deadline_at", "step"],
                                               name="escalation_step_once")]
        indexes = [models.Index(fields=["due_at"], name="escalation_due",
                                condition=models.Q(state="pending")),
                   models.Index(fields=["unit", "step", "state"], name="escalation_unit_step")]

    def __str__(self):
        return f"{self.clue_id} {self.deadline_kind} {self.step}"


class Letter(models.Model):
    """A supervision letter (提醒函/督办函/约谈函/移交函) to one unit, numbered per kind and year."""

    class Kind(models.TextChoices):
        REMINDER = "reminder", _("提醒函")
        SUPERVISION = "supervision", _("督办函")
        SUMMONS = "summons", _("约谈函")
        REFERRAL = "referral", _("移交函")

    kind = models.CharField(_("函件类别"), max_length=12, choices=Kind.choices)
    year = models.PositiveSmallIntegerField(_("年度"))
    sequence = models.PositiveIntegerField(_("序号"))
    number = models.CharField(_("文号"), max_length=40, unique=True)
    unit = models.ForeignKey(Unit, verbose_name=_("主送单位"), on_delete=models.PROTECT, related_name="letters")
    clues = models.ManyToManyField("clues.Clue", verbose_name=_("涉及线索"), related_name="letters")
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("正文"))
    pdf = models.FileField(_("PDF"), upload_to="letters/%Y/", blank=True)
    docx = models.FileField(_("DOCX"), upload_to="letters/%Y/", blank=True)
    issued_at = models.DateTimeField(_("签发时间"))
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="+")

    class Meta:
        verbose_name = _("督办函件")
        verbose_name_plural = _("督办函件")
        ordering = ["-issued_at", "-pk"]
        constraints = [models.UniqueConstraint(fields=["kind", "year", "sequence"], name="letter_number_once")]

    def __str__(self):
        return self.number


class LetterTemplate(models.Model):
    """The editable wording of each kind of letter (Django template syntax)."""

    kind = models.CharField(_("函件类别"), max_length=12, choices=Letter.Kind.choices, unique=True)
    number_prefix = models.CharField(_("文号前缀"), max_length=10, default="乌薪督",
                                     help_text=_("文号形如:乌薪督〔2026〕17号"))
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("正文模板"), help_text=_(
        "可用变量:{{ unit }}(单位名称)、{{ clues }}(线索列表)、{{ count }}、{{ date }}、{{ step }}"))
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("函件模板")
        verbose_name_plural = _("函件模板")

    def __str__(self):
        return self.get_kind_display()


class ReferralPackage(models.Model):
    """An outbound package to the Party committee supervision platform (党委监督贯通协调平台)."""

    class State(models.TextChoices):
        PENDING = "pending", _("待发送")
        DELIVERED = "delivered", _("已送达")
        FAILED = "failed", _("发送失败")

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="referrals")
    letter = models.OneToOneField(Letter, on_delete=models.PROTECT, related_name="referral")
    payload = models.JSONField()
    xlsx = models.FileField(upload_to="referrals/%Y/", blank=True)
    state = models.CharField(_("状态"), max_length=10, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveSmallIntegerField(_("尝试次数"), default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(_("最近错误"), blank=True)
    response_status = models.PositiveSmallIntegerField(null=True, blank=True)
    delivered_at = models.DateTimeField(_("送达时间"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("移交包")
        verbose_name_plural = _("移交包")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.unit} {self.letter.number}"

"""Clues (欠薪线索) from every channel, their attachments, triage aids, and who saw personal data.

A clue's `status` and deadlines are changed only through `clues.lifecycle`; which clocks run is `clues.clocks`.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    QR = "qr", _("乌兰·薪码")
    WEB = "web", _("网上反映")
    HOTLINE_12333 = "hotline_12333", _("12333热线")
    HOTLINE_12345 = "hotline_12345", _("12345热线")
    WALK_IN = "walk_in", _("窗口来访")
    LETTER_VISIT = "letter_visit", _("信访")
    NATIONAL_PLATFORM = "national_platform", _("全国根治欠薪线索反映平台")
    TRANSFER_IN = "transfer_in", _("其他机关移送")


# The channels a worker files through personally (the public form and API); staff enter the others.
PUBLIC_CHANNELS = [Channel.QR, Channel.WEB]
STAFF_CHANNELS = [Channel.HOTLINE_12333, Channel.HOTLINE_12345, Channel.WALK_IN, Channel.LETTER_VISIT,
                  Channel.TRANSFER_IN]


class Status(models.TextChoices):
    RECEIVED = "received", _("已归集")
    ASSIGNED = "assigned", _("已转办")
    IN_PROGRESS = "in_progress", _("办理中")
    RESOLVED = "resolved", _("待审核")
    CLOSED = "closed", _("已办结")


class RiskColor(models.TextChoices):
    RED = "red", _("红色(重大)")
    ORANGE = "orange", _("橙色(一般)")
    BLUE = "blue", _("蓝色(简单)")


class Result(models.TextChoices):
    PAID_IN_FULL = "paid_in_full", _("已足额支付")
    PAID_PARTIALLY = "paid_partially", _("部分支付并达成分期协议")
    NO_ARREARS = "no_arrears", _("经核实不存在欠薪")
    ARBITRATION = "arbitration", _("引导劳动仲裁/诉讼")
    POLICE = "police", _("移送公安机关")
    UNREACHABLE = "unreachable", _("无法联系反映人")
    DUPLICATE = "duplicate", _("重复线索")
    OUT_OF_SCOPE = "out_of_scope", _("不属于受理范围")
    OTHER = "other", _("其他")


# The clues a new one may duplicate (open, not merged) and those that make a repeat visit (closed, not merged):
# the conditions of the triage look-ups and of the partial indexes that serve them.
OPEN = models.Q(merged_into__isnull=True) & ~models.Q(status=Status.CLOSED)
CLOSED = models.Q(status=Status.CLOSED, merged_into__isnull=True)

# Results where money moved: amount recovered and workers paid are required.
MONEY_RESULTS = {Result.PAID_IN_FULL, Result.PAID_PARTIALLY}


class Clue(models.Model):
    Channel = Channel
    Status = Status
    RiskColor = RiskColor
    Result = Result

    tracking_code = models.CharField(_("查询码"), max_length=12, unique=True)
    channel = models.CharField(_("来源渠道"), max_length=24, choices=Channel.choices)
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.RECEIVED)
    received_at = models.DateTimeField(_("首次收到时间"), help_text=_("期限从此时起算"))
    created_at = models.DateTimeField(_("录入时间"), auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("录入人"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    external_id = models.CharField(_("外部编号"), max_length=64, null=True, blank=True, unique=True,
                                   help_text=_("全国根治欠薪线索反映平台的线索编号"))
    idempotency_key = models.CharField(max_length=64, null=True, blank=True, unique=True, editable=False)
    # SHA-256 of what was sent with the idempotency key: the same key with other content is refused (422).
    request_digest = models.CharField(max_length=64, blank=True, default="", editable=False)

    # What the worker reported.
    employer_name = models.CharField(_("用人单位"), max_length=200)
    employer_key = models.CharField(max_length=200, editable=False,
                                    help_text="normalised employer name for duplicate matching")
    employer_credit_code = models.CharField(_("用人单位统一社会信用代码"), max_length=18, blank=True)
    project = models.ForeignKey("projects.Project", verbose_name=_("工程项目"), null=True, blank=True,
                                on_delete=models.PROTECT, related_name="clues")
    project_name = models.CharField(_("项目名称(反映人填写)"), max_length=200, blank=True)
    work_address = models.CharField(_("务工地址"), max_length=200, blank=True)
    district = models.ForeignKey("units.Unit", verbose_name=_("务工所在旗县市区"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+")
    complainant_name = models.CharField(_("反映人姓名"), max_length=50)
    complainant_phone = models.CharField(_("反映人手机号"), max_length=20)
    complainant_id_number = models.CharField(_("反映人身份证号"), max_length=18, blank=True)
    worker_count = models.PositiveIntegerField(_("欠薪人数"), default=1)
    amount_owed = models.DecimalField(_("欠薪金额(元)"), max_digits=14, decimal_places=2, default=0)
    owed_from = models.DateField(_("欠薪起始月份"), null=True, blank=True)
    owed_to = models.DateField(_("欠薪截止月份"), null=True, blank=True)
    description = models.TextField(_("情况描述"), max_length=2000, blank=True)
    consent_at = models.DateTimeField(_("同意个人信息处理时间"), null=True, blank=True)

    # Triage aids (三步分离), computed at intake.
    risk_color = models.CharField(_("风险等级"), max_length=8, choices=RiskColor.choices,
                                  default=RiskColor.BLUE)
    risk_reasons = models.JSONField(_("定级理由"), default=list, blank=True)
    suggested_district = models.ForeignKey("units.Unit", verbose_name=_("建议属地"), null=True,
                                           blank=True, on_delete=models.SET_NULL, related_name="+")
    suggested_department = models.ForeignKey("units.Unit", verbose_name=_("建议行业部门"), null=True,
                                             blank=True, on_delete=models.SET_NULL, related_name="+")
    is_repeat_visitor = models.BooleanField(_("重复访"), default=False)
    amount_implausible = models.BooleanField(
        _("金额存疑"), default=False,
        help_text=_("平均每人每月欠薪高于研判规则中的上限(金额可能填错,须核实)"))

    # Routing and handling (set by clues.lifecycle only).
    unit = models.ForeignKey("units.Unit", verbose_name=_("承办单位"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="clues")
    assigned_at = models.DateTimeField(_("转办时间"), null=True, blank=True)
    claimed_at = models.DateTimeField(_("认领时间"), null=True, blank=True)
    first_contact_at = models.DateTimeField(_("首次联系反映人时间"), null=True, blank=True)
    returned_at = models.DateTimeField(_("退回时间"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("承办单位办结时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    claim_deadline = models.DateTimeField(_("认领期限"), null=True, blank=True)
    response_deadline = models.DateTimeField(_("响应期限"), null=True, blank=True)
    close_deadline = models.DateTimeField(_("办结期限"), null=True, blank=True)
    retransfer_deadline = models.DateTimeField(_("重新转办期限"), null=True, blank=True)
    # The earliest deadline still running; the supervision sweep reads only rows where this is due.
    next_deadline_at = models.DateTimeField(_("最近期限"), null=True, blank=True)
    is_overdue = models.BooleanField(_("已超期"), default=False)
    result = models.CharField(_("核处结论"), max_length=20, choices=Result.choices, blank=True)
    amount_recovered = models.DecimalField(_("追回金额(元)"), max_digits=14, decimal_places=2, null=True,
                                           blank=True)
    workers_paid = models.PositiveIntegerField(_("兑付人数"), null=True, blank=True)
    resolution_note = models.TextField(_("办理情况"), blank=True)
    # Set whenever the clocks may have changed; the supervision sweep brings the ladder steps in line and clears it.
    ladder_dirty = models.BooleanField(default=True, editable=False)
    merged_into = models.ForeignKey("self", verbose_name=_("合并至"), null=True, blank=True, db_index=False,
                                    on_delete=models.PROTECT, related_name="merged_duplicates")
    followup_satisfied = models.BooleanField(_("回访满意"), null=True, blank=True)
    followup_note = models.CharField(_("回访意见"), max_length=500, blank=True)
    followup_at = models.DateTimeField(_("回访时间"), null=True, blank=True)
    # Bumped by every transition, so a compare-and-swap can tell that a clue moved on under a request.
    version = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        verbose_name = _("欠薪线索")
        verbose_name_plural = _("欠薪线索")
        ordering = ["-received_at"]
        indexes = [
            models.Index(fields=["status", "-received_at"], name="clue_status_received"),
            models.Index(fields=["unit", "status"], name="clue_unit_status"),
            models.Index(fields=["received_at"], name="clue_received"),
            models.Index(fields=["next_deadline_at"], name="clue_next_deadline",
                         condition=models.Q(next_deadline_at__isnull=False)),
            models.Index(fields=["project", "received_at"], name="clue_project_received"),
            models.Index(fields=["id"], name="clue_ladder_dirty", condition=models.Q(ladder_dirty=True)),
            # The triage look-ups (clues.triage._arms): each arm an equality on the first column, ordered by the
            # second, inside a partial index of just the clues it may match — so its best plan reads only that
            # complainant's or project's rows, with or without planner statistics. No index serves a condition
            # like "not merged" on its own (merged_into is indexed only where set), so none can be read whole.
            models.Index(fields=["complainant_phone", "received_at"], name="clue_open_phone", condition=OPEN),
            models.Index(fields=["complainant_id_number", "received_at"], name="clue_open_id_number",
                         condition=OPEN & ~models.Q(complainant_id_number="")),
            models.Index(fields=["project_name", "received_at"], name="clue_open_project_name",
                         condition=OPEN & ~models.Q(project_name="")),
            models.Index(fields=["complainant_phone", "closed_at"], name="clue_closed_phone", condition=CLOSED),
            models.Index(fields=["complainant_id_number", "closed_at"], name="clue_closed_id_number",
                         condition=CLOSED & ~models.Q(complainant_id_number="")),
            models.Index(fields=["merged_into"], name="clue_merged_into",
                         condition=models.Q(merged_into__isnull=False)),
        ]

    def __str__(self):
        return f"{self.tracking_code} {self.employer_name}"

    @property
    def reference_label(self):
        """How a message or a list names the clue: its tracking code."""
        return self.tracking_code


class Attachment(models.Model):
    class Kind(models.TextChoices):
        JPEG = "image/jpeg", "JPEG"
        PNG = "image/png", "PNG"
        PDF = "application/pdf", "PDF"

    clue = models.ForeignKey(Clue, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("文件"), upload_to="attachments/%Y/%m/")
    original_name = models.CharField(_("原文件名"), max_length=200)
    content_type = models.CharField(_("类型"), max_length=40, choices=Kind.choices)
    size = models.PositiveIntegerField(_("大小(字节)"))
    sha256 = models.CharField(max_length=64)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("附件")
        verbose_name_plural = _("附件")
        ordering = ["pk"]

    def __str__(self):
        return self.original_name


class DuplicateCandidate(models.Model):
    """A probable duplicate (open clue) or repeat visit (clue closed in the last 180 days) found at intake."""

    class Kind(models.TextChoices):
        DUPLICATE = "duplicate", _("疑似重复线索")
        REPEAT = "repeat", _("重复访")

    clue = models.ForeignKey(Clue, on_delete=models.CASCADE, related_name="duplicate_candidates")
    match = models.ForeignKey(Clue, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    reason = models.CharField(_("理由"), max_length=200)

    class Meta:
        verbose_name = _("疑似重复")
        verbose_name_plural = _("疑似重复")
        constraints = [models.UniqueConstraint(fields=["clue", "match"], name="duplicate_once")]

    def __str__(self):
        return f"{self.clue_id} ~ {self.match_id}: {self.reason}"


class PersonalDataView(models.Model):
    """Each time a staff member saw a complainant's full ID or mobile number (个人信息保护法)."""

    clue = models.ForeignKey(Clue, on_delete=models.CASCADE, related_name="personal_data_views")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    viewed_at = models.DateTimeField(auto_now_add=True)
    fields = models.CharField(max_length=100)
    via = models.CharField(max_length=20, default="page")

    class Meta:
        verbose_name = _("个人信息查看记录")
        verbose_name_plural = _("个人信息查看记录")
        ordering = ["-viewed_at"]

    def __str__(self):
        return f"{self.user_id} → {self.clue_id} ({self.fields})"


class TriageSettings(models.Model):
    """Thresholds and keywords of the three colours (登记分离); one row, editable in the admin."""

    red_amount = models.DecimalField(_("红色:金额不低于(元)"), max_digits=14, decimal_places=2,
                                     default=500000)
    red_workers = models.PositiveIntegerField(_("红色:人数不少于"), default=30)
    red_keywords = models.TextField(
        _("红色:极端或群体事件关键词"),
        default="跳楼\n堵路\n聚集\n讨薪群体\n群体\n自杀\n爬塔吊\n拉横幅\n上访",
        help_text=_("每行一个"))
    orange_amount = models.DecimalField(_("橙色:金额不低于(元)"), max_digits=14, decimal_places=2,
                                        default=100000)
    orange_workers = models.PositiveIntegerField(_("橙色:人数不少于"), default=10)
    implausible_monthly_wage = models.DecimalField(
        _("金额存疑:平均每人每月欠薪高于(元)"), max_digits=14, decimal_places=2, default=30000,
        help_text=_("欠薪金额 ÷ 人数 ÷ 欠薪月数(起止月份都算;未填起始月份按12个月计)高于此数时,"
                    "反映人须确认金额无误,研判时标为“金额存疑”"))
    duplicate_window_days = models.PositiveIntegerField(_("同项目同单位视为重复的天数"), default=90)
    repeat_window_days = models.PositiveIntegerField(_("重复访回溯天数"), default=180)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("研判规则")
        verbose_name_plural = _("研判规则")

    def __str__(self):
        return str(_("研判规则"))

    @classmethod
    def current(cls):
        obj, _created = cls.objects.get_or_create(pk=1)
        return obj

    @property
    def keyword_list(self):
        return [k.strip() for k in self.red_keywords.splitlines() if k.strip()]


DEADLINE_KINDS = [("claim", _("认领期限")), ("response", _("响应期限")), ("close", _("办结期限")),
                  ("retransfer", _("重新转办期限"))]


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
        db_table = "dispatch_deadlinepolicy"
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

    clue = models.ForeignKey(Clue, on_delete=models.CASCADE, related_name="assignments")
    unit = models.ForeignKey("units.Unit", verbose_name=_("承办单位"), on_delete=models.PROTECT,
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
        db_table = "dispatch_assignment"
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
        CORRECTED = "corrected", _("更正反映内容")
        NOTE = "note", _("备注")

    clue = models.ForeignKey(Clue, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("事件"), max_length=20, choices=Kind.choices)
    at = models.DateTimeField(_("时间"))
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("操作人"), null=True, blank=True,
                              on_delete=models.PROTECT, related_name="+")
    actor_unit = models.ForeignKey("units.Unit", verbose_name=_("操作单位"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    from_status = models.CharField(_("原状态"), max_length=16, blank=True)
    to_status = models.CharField(_("新状态"), max_length=16, blank=True)
    note = models.TextField(_("说明"), blank=True)
    public_note = models.CharField(_("对反映人显示的说明"), max_length=300, blank=True)
    is_public = models.BooleanField(_("反映人可见"), default=False)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        db_table = "dispatch_clueevent"
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

    clue = models.ForeignKey(Clue, on_delete=models.CASCADE, related_name="records")
    unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("类别"), max_length=24, choices=Kind.choices)
    occurred_at = models.DateTimeField(_("发生时间"))
    note = models.TextField(_("情况"))
    amount = models.DecimalField(_("支付金额(元)"), max_digits=14, decimal_places=2, null=True, blank=True)
    workers = models.PositiveIntegerField(_("支付人数"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "dispatch_handlingrecord"
        verbose_name = _("办理记录")
        verbose_name_plural = _("办理记录")
        ordering = ["occurred_at", "pk"]

    def __str__(self):
        return f"{self.get_kind_display()} {self.occurred_at:%Y-%m-%d}"

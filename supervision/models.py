"""统一督办's records: the ladder's rules, one step per rung and running clock of a clue, the letters issued to
units, their editable wording, and the referral packages to the Party committee supervision platform."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from clues.models import DEADLINE_KINDS


class LadderStep(models.TextChoices):
    """The escalation ladder of 统一督办 (四函一单), in order."""

    WARN = "warn", _("即将超期提醒")
    REMINDER = "reminder", _("提醒函")
    SUPERVISION = "supervision", _("督办函")
    SUMMONS = "summons", _("约谈函")
    REFERRAL = "referral", _("移交党委监督贯通协调平台")


LADDER_ORDER = [LadderStep.WARN, LadderStep.REMINDER, LadderStep.SUPERVISION, LadderStep.SUMMONS,
                LadderStep.REFERRAL]

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
        db_table = "dispatch_escalationrule"
        verbose_name = _("督办规则")
        verbose_name_plural = _("督办规则")

    def __str__(self):
        return f"{self.get_step_display()} ({self.offset_working_days:+d})"

    @property
    def kinds(self):
        return {k.strip() for k in self.deadline_kinds.split(",") if k.strip()}


class EscalationStep(models.Model):
    """One rung of the ladder for one clock of a clue: pending (the next rung only), taken once, superseded by a
    higher rung taken at the same time, or cancelled when the clock stops."""

    class State(models.TextChoices):
        PENDING = "pending", _("待执行")
        TAKEN = "taken", _("已执行")
        SUPERSEDED = "superseded", _("已被更高一级督办涵盖")
        CANCELLED = "cancelled", _("已取消")

    clue = models.ForeignKey("clues.Clue", on_delete=models.CASCADE, related_name="escalation_steps")
    deadline_kind = models.CharField(_("期限"), max_length=12, choices=DEADLINE_KINDS)
    deadline_at = models.DateTimeField(_("期限时间"))
    step = models.CharField(_("督办步骤"), max_length=16, choices=LadderStep.choices)
    due_at = models.DateTimeField(_("执行时间"))
    unit = models.ForeignKey("units.Unit", verbose_name=_("责任单位"), null=True, blank=True, on_delete=models.PROTECT,
                             related_name="escalation_steps")
    state = models.CharField(_("状态"), max_length=10, choices=State.choices, default=State.PENDING)
    taken_at = models.DateTimeField(_("执行时间(实际)"), null=True, blank=True)
    letter = models.ForeignKey("Letter", null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="steps")

    class Meta:
        db_table = "dispatch_escalationstep"
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
    unit = models.ForeignKey("units.Unit", verbose_name=_("主送单位"), on_delete=models.PROTECT, related_name="letters")
    clues = models.ManyToManyField("clues.Clue", verbose_name=_("涉及线索"), related_name="letters")
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("正文"))
    pdf = models.FileField(_("PDF"), upload_to="letters/%Y/", blank=True)
    docx = models.FileField(_("DOCX"), upload_to="letters/%Y/", blank=True)
    # The 问题清单 as it stood at issue: one entry per clue (tracking code, employer, workers, amount, problems),
    # so the letter reads the same forever, however it was issued.
    problems = models.JSONField(_("问题清单"), default=list, blank=True)
    issued_at = models.DateTimeField(_("签发时间"))
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="+")

    class Meta:
        db_table = "dispatch_letter"
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
        db_table = "dispatch_lettertemplate"
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

    unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="referrals")
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
        db_table = "dispatch_referralpackage"
        verbose_name = _("移交包")
        verbose_name_plural = _("移交包")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.unit} {self.letter.number}"

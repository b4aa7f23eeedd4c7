"""Enforcement and credit (风险+信用): the records an enforcing unit keeps on an enterprise (and its project, where
there is one) — rectification orders (责令改正), administrative penalties (行政处罚), the blacklist of serious
wage-payment dishonesty (失信联合惩戒名单) and the watchlist (重点关注名单) with their periods, and referrals to the
police (移送公安). One table, one list: the fields of a kind stay empty for the others. Nothing is ever deleted: a
rectification, a payment, a removal from a list, a closing are recorded acts on the row."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    RECTIFICATION_ORDER = "rectification_order", _("责令改正")
    PENALTY = "penalty", _("行政处罚")
    BLACKLIST = "blacklist", _("失信联合惩戒名单")
    WATCHLIST = "watchlist", _("重点关注名单")
    POLICE_REFERRAL = "police_referral", _("移送公安")


LIST_KINDS = (Kind.BLACKLIST, Kind.WATCHLIST)


class RemovalKind(models.TextChoices):
    EXPIRED = "expired", _("期满移出")
    EARLY = "early", _("提前移出")


class EnforcementRecord(models.Model):
    Kind = Kind
    RemovalKind = RemovalKind

    kind = models.CharField(_("类别"), max_length=24, choices=Kind.choices)
    number = models.CharField(_("文书编号"), max_length=60, unique=True)
    # The decision's date: the order's, the penalty's, the listing's (列入日期), the referral's.
    date = models.DateField(_("日期"))
    enterprise = models.ForeignKey("projects.Enterprise", verbose_name=_("企业"), on_delete=models.PROTECT,
                                   related_name="enforcement_records")
    project = models.ForeignKey("projects.Project", verbose_name=_("工程项目"), null=True, blank=True,
                                on_delete=models.PROTECT, related_name="enforcement_records")
    unit = models.ForeignKey("units.Unit", verbose_name=_("执法单位"), on_delete=models.PROTECT,
                             related_name="enforcement_records")
    officer = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("承办人"), on_delete=models.PROTECT,
                                related_name="+")
    document = models.FileField(_("文书"), upload_to="enforcement/%Y/%m/", blank=True)
    # What led to it: the clues and the early warnings (both floors below this one).
    clues = models.ManyToManyField("clues.Clue", verbose_name=_("相关线索"), blank=True,
                                   related_name="enforcement_records")
    warnings = models.ManyToManyField("wage_warnings.WageWarning", verbose_name=_("相关预警"), blank=True,
                                      related_name="enforcement_records")
    created_at = models.DateTimeField(_("录入时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    # 责令改正: the problem, the deadline, then rectified (date, evidence) or not.
    problem = models.TextField(_("违法问题"), blank=True)
    deadline = models.DateField(_("整改期限"), null=True, blank=True)
    rectified_on = models.DateField(_("整改完成日期"), null=True, blank=True)
    evidence = models.TextField(_("整改或移出依据"), blank=True)
    evidence_file = models.FileField(_("证明材料"), upload_to="enforcement/evidence/%Y/%m/", blank=True)
    # When the daily sweep found the deadline passed without a rectification (noted, and notified, once).
    overdue_at = models.DateTimeField(_("逾期时间"), null=True, blank=True)

    # 行政处罚
    amount = models.DecimalField(_("罚款金额(元)"), max_digits=14, decimal_places=2, null=True, blank=True)
    legal_basis = models.CharField(_("法律依据"), max_length=300, blank=True)
    paid_on = models.DateField(_("缴纳日期"), null=True, blank=True)

    # 失信联合惩戒名单 and 重点关注名单: listed on `date`, off on `removal_date` unless removed early.
    reason = models.TextField(_("列入事由"), blank=True)
    removal_date = models.DateField(_("移出日期"), null=True, blank=True)
    removed_on = models.DateField(_("实际移出日期"), null=True, blank=True)
    removal_kind = models.CharField(_("移出方式"), max_length=8, choices=RemovalKind.choices, blank=True)
    removal_applied_on = models.DateField(_("申请提前移出日期"), null=True, blank=True)
    wages_paid_on = models.DateField(_("工资全额支付日期"), null=True, blank=True)
    pledge = models.BooleanField(_("已作出信用修复承诺"), default=False)
    removed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("移出操作人"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")

    # 移送公安
    case_number = models.CharField(_("立案编号"), max_length=60, blank=True)
    outcome = models.TextField(_("处理结果"), blank=True)

    closed_on = models.DateField(_("结案日期"), null=True, blank=True)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("结案人"), null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+")
    close_note = models.TextField(_("结案说明"), blank=True)

    class Meta:
        verbose_name = _("执法与信用记录")
        verbose_name_plural = _("执法与信用记录")
        ordering = ["-date", "-pk"]
        indexes = [
            models.Index(fields=["kind", "date"], name="enforcement_kind_date"),
            models.Index(fields=["unit", "kind"], name="enforcement_unit_kind"),
            models.Index(fields=["enterprise", "kind"], name="enforcement_enterprise_kind"),
            # The daily sweep reads only the rows that can come due.
            models.Index(fields=["removal_date"], name="enforcement_listed_due",
                         condition=models.Q(kind__in=["blacklist", "watchlist"], removed_on__isnull=True)),
            models.Index(fields=["deadline"], name="enforcement_order_due",
                         condition=models.Q(kind="rectification_order", rectified_on__isnull=True,
                                            closed_on__isnull=True)),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.number}"

    @property
    def reference_label(self):
        return self.number

    def is_overdue(self, today):
        return (self.kind == Kind.RECTIFICATION_ORDER and self.rectified_on is None and self.closed_on is None
                and self.deadline is not None and self.deadline < today)

    def is_listed(self, today):
        """On the blacklist or watchlist on `today`."""
        return (self.kind in LIST_KINDS and self.date <= today and self.removed_on is None
                and (self.removal_date is None or self.removal_date > today))

    def state(self, today):
        """(code, label) of where the record stands on `today`."""
        if self.kind in LIST_KINDS:
            if self.removed_on is not None:
                return "removed", self.get_removal_kind_display() or _("已移出")
            return ("listed", _("名单内")) if self.is_listed(today) else ("due", _("期满待移出"))
        if self.kind == Kind.RECTIFICATION_ORDER and self.rectified_on is not None:
            return "rectified", _("已整改")
        if self.closed_on is not None:
            return "closed", _("已结案")
        if self.is_overdue(today):
            return "overdue", _("逾期未整改")
        if self.kind == Kind.RECTIFICATION_ORDER:
            return "open", _("整改中")
        if self.kind == Kind.PENALTY:
            return ("paid", _("已缴纳")) if self.paid_on else ("unpaid", _("未缴纳"))
        return "open", _("办理中")


class ListedPerson(models.Model):
    """A person listed with the enterprise (法定代表人、主要负责人、直接责任人员): the ID number checked at entry, shown
    masked everywhere, never on the public list."""

    class Role(models.TextChoices):
        LEGAL_REPRESENTATIVE = "legal_representative", _("法定代表人")
        PRINCIPAL = "principal", _("主要负责人")
        RESPONSIBLE = "responsible", _("直接负有责任的人员")

    record = models.ForeignKey(EnforcementRecord, on_delete=models.CASCADE, related_name="persons")
    name = models.CharField(_("姓名"), max_length=50)
    role = models.CharField(_("身份"), max_length=24, choices=Role.choices)
    id_number = models.CharField(_("身份证号"), max_length=18)

    class Meta:
        verbose_name = _("列入人员")
        verbose_name_plural = _("列入人员")
        ordering = ["pk"]
        constraints = [models.UniqueConstraint(fields=["record", "id_number"], name="listed_person_once")]

    def __str__(self):
        return f"{self.name}({self.get_role_display()})"

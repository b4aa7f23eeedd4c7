"""Construction projects under wage-payment supervision (工资预警监控平台的项目库): the enterprises that are parties to
them, the wage-payment duties of each project (保障农民工工资支付条例), the monthly labour-cost allocations and the
monthly payroll as the bank's 代发 file has it, with per-month figures kept so the warning rules never scan lines.
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Enterprise(models.Model):
    """A developer (建设单位), general contractor (总包), subcontractor or labour subcontractor (劳务分包)."""

    credit_code = models.CharField(_("统一社会信用代码"), max_length=18, unique=True)
    # GB 32100: some early pilot codes fail the check digit; they are accepted with this warning kept.
    credit_code_valid = models.BooleanField(_("校验位正确"), default=True)
    name = models.CharField(_("企业名称"), max_length=200)
    legal_representative = models.CharField(_("法定代表人"), max_length=50, blank=True)
    contact_name = models.CharField(_("联系人"), max_length=50, blank=True)
    contact_phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    # Kept in step with the blacklist's entries by the credit app (credit.services.sync_blacklist_flags, a floor
    # above); the monitoring rule blacklisted_party and the clue triage read it.
    is_blacklisted = models.BooleanField(_("列入失信名单"), default=False)
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("企业")
        verbose_name_plural = _("企业")
        ordering = ["name"]
        indexes = [models.Index(fields=["name"], name="enterprise_name")]

    def __str__(self):
        return self.name


class Project(models.Model):
    class Status(models.TextChoices):
        PLANNED = "planned", _("未开工")
        UNDER_WAY = "under_way", _("在建")
        SUSPENDED = "suspended", _("停工")
        COMPLETED = "completed", _("已完工")
        WAGES_SETTLED = "wages_settled", _("工资已结清")

    code = models.CharField(_("项目编号"), max_length=40, unique=True)
    # The QR code holds this, not the code or the name, so a printed poster survives a rename or re-coding.
    public_id = models.UUIDField(_("二维码标识"), default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(_("项目名称"), max_length=200)
    district = models.ForeignKey("units.Unit", verbose_name=_("所在旗县市区"), on_delete=models.PROTECT,
                                 related_name="district_projects",
                                 limit_choices_to={"kind": "district"})
    sector = models.ForeignKey("units.Unit", verbose_name=_("行业主管部门"), on_delete=models.PROTECT,
                               related_name="sector_projects", null=True, blank=True,
                               limit_choices_to={"kind": "department"})
    address = models.CharField(_("项目地址"), max_length=200, blank=True)
    developer = models.ForeignKey(Enterprise, verbose_name=_("建设单位"), null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="developed_projects")
    general_contractor = models.ForeignKey(Enterprise, verbose_name=_("施工总承包单位"), null=True, blank=True,
                                           on_delete=models.PROTECT, related_name="contracted_projects")
    # The names as first registered (the QR-era registry); the enterprises above are the parties of record.
    developer_name = models.CharField(_("建设单位(登记名称)"), max_length=200, blank=True)
    developer_credit_code = models.CharField(_("建设单位统一社会信用代码"), max_length=18, blank=True)
    contractor_name = models.CharField(_("施工总承包单位(登记名称)"), max_length=200, blank=True)
    contractor_credit_code = models.CharField(_("总包统一社会信用代码"), max_length=18, blank=True)
    contract_date = models.DateField(_("合同签订日期"), null=True, blank=True)
    contract_sum = models.DecimalField(_("合同金额(元)"), max_digits=14, decimal_places=2, null=True,
                                       blank=True)
    labour_cost_share = models.DecimalField(_("人工费用占比(%)"), max_digits=5, decimal_places=2, null=True,
                                            blank=True)
    is_government_invested = models.BooleanField(_("政府或国企投资"), default=False)
    is_key = models.BooleanField(_("重点监管"), default=False)
    wage_manager = models.CharField(_("劳资专管员"), max_length=50, blank=True)
    wage_manager_phone = models.CharField(_("劳资专管员电话"), max_length=20, blank=True)
    # The accounts of the 劳资专管员 (role wage_manager) who may enter this project's duties and payroll.
    managers = models.ManyToManyField(settings.AUTH_USER_MODEL, verbose_name=_("劳资专管员账号"), blank=True,
                                      related_name="managed_projects")
    start_date = models.DateField(_("开工日期"), null=True, blank=True)
    end_date = models.DateField(_("计划竣工日期"), null=True, blank=True)
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.UNDER_WAY)
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    # Something the warning rules read changed (the project itself, a duty, an allocation, a payroll month, a
    # clue about it): the warnings sweep evaluates the marked projects within the minute and clears the mark.
    # Set through projects.monitoring.mark_for_warnings, never cleared here (wage_warnings sits above us).
    warnings_dirty = models.BooleanField(default=True, editable=False)

    class Meta:
        verbose_name = _("工程项目")
        verbose_name_plural = _("工程项目")
        ordering = ["code"]
        indexes = [models.Index(fields=["district", "status"], name="project_district_status"),
                   models.Index(fields=["sector", "status"], name="project_sector_status"),
                   models.Index(fields=["id"], name="project_warnings_dirty",
                                condition=models.Q(warnings_dirty=True))]

    def __str__(self):
        return f"{self.name}({self.code})"

    @property
    def is_open(self):
        return self.status not in (self.Status.COMPLETED, self.Status.WAGES_SETTLED)

    @property
    def reference_label(self):
        return self.code


class ProjectParty(models.Model):
    """A subcontractor or labour subcontractor of a project (the developer and the general contractor are on the
    project itself: exactly one each)."""

    class Role(models.TextChoices):
        SUBCONTRACTOR = "subcontractor", _("专业分包")
        LABOUR_SUBCONTRACTOR = "labour_subcontractor", _("劳务分包")

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="parties")
    enterprise = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="parties")
    role = models.CharField(_("角色"), max_length=24, choices=Role.choices)

    class Meta:
        verbose_name = _("分包单位")
        verbose_name_plural = _("分包单位")
        constraints = [models.UniqueConstraint(fields=["project", "enterprise", "role"], name="party_once")]

    def __str__(self):
        return f"{self.project.code} {self.get_role_display()} {self.enterprise}"


class Verification(models.TextChoices):
    SUBMITTED = "submitted", _("待核验")
    VERIFIED = "verified", _("已核验")
    REJECTED = "rejected", _("已退回")


class Duty(models.Model):
    """One wage-payment duty of a project as entered by its 劳资专管员 and verified by an officer: the wage
    account (Art.26), the wage deposit (Art.32), the real-name roster (Art.28), the notice board (Art.34)."""

    class Kind(models.TextChoices):
        WAGE_ACCOUNT = "wage_account", _("农民工工资专用账户")
        DEPOSIT = "deposit", _("工资保证金")
        ROSTER = "roster", _("实名制花名册")
        NOTICE_BOARD = "notice_board", _("维权信息告示牌")

    class DepositKind(models.TextChoices):
        CASH = "cash", _("现金存储")
        BANK_GUARANTEE = "bank_guarantee", _("银行保函")
        INSURANCE_GUARANTEE = "insurance_guarantee", _("工程保证保险")
        EXEMPT = "exempt", _("依规免缴")

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="duties")
    kind = models.CharField(_("义务"), max_length=16, choices=Kind.choices)
    # wage account
    bank = models.CharField(_("开户银行"), max_length=100, blank=True)
    account_number = models.CharField(_("账号"), max_length=40, blank=True)
    # deposit
    deposit_kind = models.CharField(_("缴纳方式"), max_length=20, choices=DepositKind.choices, blank=True)
    amount = models.DecimalField(_("金额(元)"), max_digits=14, decimal_places=2, null=True, blank=True)
    exemption_reason = models.CharField(_("免缴理由"), max_length=300, blank=True)
    # roster
    headcount = models.PositiveIntegerField(_("在册人数"), null=True, blank=True)
    # the date of the duty: account opened, deposit paid, roster updated, board posted
    done_on = models.DateField(_("办理日期"), null=True, blank=True)
    evidence = models.FileField(_("证明材料"), upload_to="duties/%Y/%m/", blank=True)
    bank_reference = models.CharField(_("银行凭证号"), max_length=60, blank=True)
    state = models.CharField(_("核验状态"), max_length=10, choices=Verification.choices,
                             default=Verification.SUBMITTED)
    verified_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    verified_at = models.DateTimeField(_("核验时间"), null=True, blank=True)
    rejection_reason = models.CharField(_("退回理由"), max_length=300, blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+")
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("工资支付义务")
        verbose_name_plural = _("工资支付义务")
        constraints = [models.UniqueConstraint(fields=["project", "kind"], name="duty_once_per_project")]
        indexes = [models.Index(fields=["kind", "state"], name="duty_kind_state")]

    def __str__(self):
        return f"{self.project.code} {self.get_kind_display()}"


class LabourAllocation(models.Model):
    """人工费用拨付: the developer's monthly transfer of labour costs into the wage account; for government and SOE
    projects, 人工费用预拨 at the start of the month in proportion to progress."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="allocations")
    month = models.DateField(_("月份"), help_text=_("该月1日"))
    is_pre_allocation = models.BooleanField(_("预拨"), default=False)
    amount = models.DecimalField(_("金额(元)"), max_digits=14, decimal_places=2)
    paid_on = models.DateField(_("拨付日期"))
    evidence = models.FileField(_("证明材料"), upload_to="allocations/%Y/%m/", blank=True)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("人工费用拨付")
        verbose_name_plural = _("人工费用拨付")
        ordering = ["-month"]
        constraints = [models.UniqueConstraint(fields=["project", "month", "is_pre_allocation"],
                                               name="allocation_once_per_month")]

    def __str__(self):
        return f"{self.project.code} {self.month:%Y-%m}"


class PayrollMonth(models.Model):
    """One upload of a project's payroll for a month (a re-upload replaces it and keeps the earlier version),
    with the figures the warning rules need, so they never scan the lines."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="payrolls")
    month = models.DateField(_("月份"), help_text=_("该月1日"))
    version = models.PositiveSmallIntegerField(_("版本"), default=1)
    is_current = models.BooleanField(_("现行版本"), default=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)
    source_name = models.CharField(_("文件名"), max_length=200, blank=True)
    roster_headcount = models.PositiveIntegerField(_("在册人数"), null=True, blank=True)
    headcount_paid = models.PositiveIntegerField(_("已发放人数"), default=0)
    lines = models.PositiveIntegerField(_("行数"), default=0)
    total_due = models.DecimalField(_("应发合计(元)"), max_digits=14, decimal_places=2, default=0)
    total_paid = models.DecimalField(_("实发合计(元)"), max_digits=14, decimal_places=2, default=0)
    below_minimum = models.PositiveIntegerField(_("低于最低工资人数"), default=0)
    last_paid_on = models.DateField(_("最晚发放日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("月度工资表")
        verbose_name_plural = _("月度工资表")
        ordering = ["-month", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["project", "month", "version"], name="payroll_version_once"),
            models.UniqueConstraint(fields=["project", "month"], condition=models.Q(is_current=True),
                                    name="payroll_one_current"),
        ]
        indexes = [models.Index(fields=["month", "project"], name="payroll_current_month",
                                condition=models.Q(is_current=True))]

    def __str__(self):
        return f"{self.project.code} {self.month:%Y-%m} v{self.version}"


class PayrollLine(models.Model):
    """One worker's line of a payroll month, as the bank's 代发 file has it."""

    payroll = models.ForeignKey(PayrollMonth, on_delete=models.CASCADE, related_name="payroll_lines")
    row = models.PositiveIntegerField(_("行号"))
    worker_name = models.CharField(_("姓名"), max_length=50)
    id_number = models.CharField(_("身份证号"), max_length=18)
    phone = models.CharField(_("手机号"), max_length=20, blank=True)
    bank_card = models.CharField(_("银行卡号"), max_length=30, blank=True)
    team = models.CharField(_("班组"), max_length=50, blank=True)
    days_worked = models.DecimalField(_("出勤天数"), max_digits=5, decimal_places=1, null=True, blank=True)
    wage_due = models.DecimalField(_("应发工资(元)"), max_digits=12, decimal_places=2)
    wage_paid = models.DecimalField(_("实发工资(元)"), max_digits=12, decimal_places=2, default=0)
    paid_on = models.DateField(_("发放日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("工资表明细")
        verbose_name_plural = _("工资表明细")
        ordering = ["payroll", "row"]
        # The worker's own wage check looks a person up by ID number within a project's payrolls.
        indexes = [models.Index(fields=["id_number", "payroll"], name="payroll_line_person")]

    def __str__(self):
        return f"{self.payroll} #{self.row}"


class ProjectEvent(models.Model):
    """The project's timeline: duties entered and verified, allocations, payroll uploads, warnings opened,
    handled and closed, clues about it (append-only)."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(_("时间"))
    kind = models.CharField(_("事件"), max_length=40)
    text = models.CharField(_("说明"), max_length=500)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                              related_name="+")
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("项目动态")
        verbose_name_plural = _("项目动态")
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["project", "-at"], name="project_event_timeline")]

    def __str__(self):
        return f"{self.project.code} {self.kind} {self.at:%Y-%m-%d}"

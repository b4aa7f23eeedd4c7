"""Construction projects under wage-payment supervision (工资预警监控平台的项目库)."""

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _


class Project(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", _("在建")
        SUSPENDED = "suspended", _("停工")
        CLOSED = "closed", _("已完工")

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
    developer_name = models.CharField(_("建设单位"), max_length=200, blank=True)
    developer_credit_code = models.CharField(_("建设单位统一社会信用代码"), max_length=18, blank=True)
    contractor_name = models.CharField(_("施工总承包单位"), max_length=200, blank=True)
    contractor_credit_code = models.CharField(_("总包统一社会信用代码"), max_length=18, blank=True)
    contract_sum = models.DecimalField(_("合同金额(元)"), max_digits=14, decimal_places=2, null=True,
                                       blank=True)
    is_government_invested = models.BooleanField(_("政府或国企投资"), default=False)
    wage_manager = models.CharField(_("劳资专管员"), max_length=50, blank=True)
    wage_manager_phone = models.CharField(_("劳资专管员电话"), max_length=20, blank=True)
    start_date = models.DateField(_("开工日期"), null=True, blank=True)
    end_date = models.DateField(_("计划竣工日期"), null=True, blank=True)
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.ACTIVE)
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("工程项目")
        verbose_name_plural = _("工程项目")
        ordering = ["code"]

    def __str__(self):
        return f"{self.name}({self.code})"

    @property
    def is_open(self):
        return self.status != self.Status.CLOSED

"""Units that handle clues (承办单位) and the administrator's overrides of the working-day calendar.

The bottom floor of the domain: every other app may import it; it imports none of them.
"""

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
        db_table = "dispatch_unit"  # the table keeps the name it had when units lived in dispatch

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
        db_table = "dispatch_workingdayoverride"

    def __str__(self):
        kind = _("工作日") if self.is_working_day else _("休息日")
        return f"{self.date:%Y-%m-%d} {kind}"


class ReferenceStamp(models.Model):
    """One row whose token a database trigger renews on every change of any reference table (units, calendar
    overrides, triage settings, deadline policies): `units.reference_cache` keeps what it read until it changes."""

    token = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("参考数据版本")
        verbose_name_plural = _("参考数据版本")

    def __str__(self):
        return self.token

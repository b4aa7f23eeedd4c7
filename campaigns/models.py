"""Risk scores and what follows from them: the weight of each reason of a score (editable), inspection rounds
picked partly by rank and partly at random with a recorded seed (双随机、一公开, 双驻双查), the inspections with
their findings, and special campaigns (专项整治) with a problem list per project, rectified or supervised (督办)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class RiskWeight(models.Model):
    """The points one occurrence of a reason adds to a risk score (e.g. an open red warning: 10). One row per
    reason code of campaigns.risk; a reason registered later gets its row with its default points."""

    code = models.CharField(_("理由代码"), max_length=40, unique=True)
    label = models.CharField(_("理由"), max_length=100)
    points = models.DecimalField(_("每项分值"), max_digits=6, decimal_places=1)
    is_active = models.BooleanField(_("计入评分"), default=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("风险评分权重")
        verbose_name_plural = _("风险评分权重")
        ordering = ["pk"]

    def __str__(self):
        return f"{self.label}({self.points}分)"


class InspectionKind(models.TextChoices):
    DOUBLE_RANDOM = "double_random", _("双随机、一公开")
    DOUBLE_RESIDENT = "double_resident", _("双驻双查")
    CAMPAIGN = "campaign", _("专项整治检查")


class InspectionRound(models.Model):
    """One pick of projects to inspect: the top of the ranking and a random draw from the rest, with the seed
    and the candidate list kept so the draw can be repeated and checked."""

    kind = models.CharField(_("检查方式"), max_length=20, choices=InspectionKind.choices)
    created_at = models.DateTimeField(_("抽取时间"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("抽取人"), on_delete=models.PROTECT,
                                   related_name="+")
    count = models.PositiveIntegerField(_("抽取数量"))
    random_share = models.DecimalField(_("随机抽取比例"), max_digits=4, decimal_places=3)
    seed = models.BigIntegerField(_("随机种子"))
    filters = models.JSONField(_("筛选条件"), default=dict, blank=True)
    # The candidates in rank order ([code, score]) as they stood at the pick, and the pick ([code, how, rank]).
    candidates = models.JSONField(default=list, blank=True)
    picks = models.JSONField(default=list, blank=True)

    class Meta:
        verbose_name = _("检查抽取")
        verbose_name_plural = _("检查抽取")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.get_kind_display()} {self.created_at:%Y-%m-%d %H:%M}"


class Campaign(models.Model):
    """A special campaign (专项整治), e.g. 冬季攻坚: its period, its scope and the key projects in it."""

    class Scope(models.TextChoices):
        GOVERNMENT = "government", _("政府或国企投资项目")
        KEY = "key", _("重点监管项目")
        ALL = "all", _("全部在建项目")
        SELECTED = "selected", _("指定项目")

    name = models.CharField(_("名称"), max_length=100)
    start = models.DateField(_("开始日期"))
    end = models.DateField(_("结束日期"))
    scope = models.CharField(_("范围"), max_length=12, choices=Scope.choices, default=Scope.GOVERNMENT)
    description = models.TextField(_("工作要求"), blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("创建人"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("专项整治")
        verbose_name_plural = _("专项整治")
        ordering = ["-start", "-pk"]

    def __str__(self):
        return self.name


class CampaignProject(models.Model):
    """A key project of a campaign (inspected in it)."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="entries")
    project = models.ForeignKey("projects.Project", verbose_name=_("项目"), on_delete=models.PROTECT,
                                related_name="campaign_entries")
    added_at = models.DateTimeField(_("纳入时间"))
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="+")

    class Meta:
        verbose_name = _("专项整治项目")
        verbose_name_plural = _("专项整治项目")
        ordering = ["campaign", "project__code"]
        constraints = [models.UniqueConstraint(fields=["campaign", "project"], name="campaign_project_once")]

    def __str__(self):
        return f"{self.campaign} {self.project_id}"


class Problem(models.Model):
    """A problem found on a campaign's project: rectified by the responsible unit by its deadline, or supervised
    (督办) once the deadline passed (or earlier, by city staff); a supervised problem is cleared (督办销号) by city
    staff once rectified."""

    class Category(models.TextChoices):
        WAGE_ACCOUNT = "wage_account", _("农民工工资专用账户")
        DEPOSIT = "deposit", _("工资保证金")
        REAL_NAME = "real_name", _("实名制管理")
        NOTICE_BOARD = "notice_board", _("维权信息告示牌")
        LABOUR_COST = "labour_cost", _("人工费用拨付")
        WAGE_PAYMENT = "wage_payment", _("工资按月足额支付")
        LEDGER = "ledger", _("工资支付台账")
        ARREARS = "arrears", _("拖欠工资")
        OTHER = "other", _("其他")

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="problems")
    project = models.ForeignKey("projects.Project", verbose_name=_("项目"), on_delete=models.PROTECT,
                                related_name="campaign_problems")
    inspection = models.ForeignKey("Inspection", verbose_name=_("检查"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="problems")
    found_on = models.DateField(_("发现日期"))
    category = models.CharField(_("问题类别"), max_length=16, choices=Category.choices)
    description = models.TextField(_("问题描述"), max_length=2000)
    deadline = models.DateField(_("整改期限"))
    deadline_working_days = models.PositiveSmallIntegerField(_("整改时限(工作日)"), null=True, blank=True)
    unit = models.ForeignKey("units.Unit", verbose_name=_("责任单位"), on_delete=models.PROTECT,
                             related_name="campaign_problems")
    rectified_on = models.DateField(_("整改日期"), null=True, blank=True)
    evidence = models.TextField(_("整改佐证"), blank=True)
    rectified_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+")
    supervised_at = models.DateTimeField(_("督办时间"), null=True, blank=True)
    # None with supervised_at set: the sweep supervised it when the deadline passed.
    supervised_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                      related_name="+")
    cleared_at = models.DateTimeField(_("督办销号时间"), null=True, blank=True)
    cleared_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")

    class Meta:
        verbose_name = _("问题清单")
        verbose_name_plural = _("问题清单")
        ordering = ["campaign", "deadline", "pk"]
        indexes = [
            models.Index(fields=["campaign", "project"], name="problem_campaign_project"),
            models.Index(fields=["unit"], name="problem_unit"),
            # The sweep reads only the problems still due: not rectified, not yet supervised.
            models.Index(fields=["deadline"], name="problem_due",
                         condition=models.Q(rectified_on__isnull=True, supervised_at__isnull=True)),
        ]

    def __str__(self):
        return f"{self.project_id} {self.get_category_display()}"

    @property
    def state(self):
        if self.supervised_at and self.cleared_at:
            return "cleared"
        if self.supervised_at:
            return "supervised_rectified" if self.rectified_on else "supervised"
        return "rectified" if self.rectified_on else "open"

    @property
    def state_label(self):
        return dict(PROBLEM_STATES)[self.state]


PROBLEM_STATES = [
    ("open", _("整改中")),
    ("rectified", _("已整改")),
    ("supervised", _("督办中")),
    ("supervised_rectified", _("督办已整改待销号")),
    ("cleared", _("督办已销号")),
]


class Inspection(models.Model):
    """One inspection of a project (picked in a round, or in a campaign) with what was found."""

    project = models.ForeignKey("projects.Project", verbose_name=_("项目"), on_delete=models.PROTECT,
                                related_name="inspections")
    kind = models.CharField(_("检查方式"), max_length=20, choices=InspectionKind.choices)
    round = models.ForeignKey(InspectionRound, verbose_name=_("抽取批次"), null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="inspections")
    campaign = models.ForeignKey(Campaign, verbose_name=_("专项整治"), null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="inspections")
    inspected_on = models.DateField(_("检查日期"))
    unit = models.ForeignKey("units.Unit", verbose_name=_("检查单位"), on_delete=models.PROTECT,
                             related_name="+")
    inspectors = models.CharField(_("检查人员"), max_length=200, blank=True)
    findings = models.TextField(_("检查情况"), max_length=4000)
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("检查记录")
        verbose_name_plural = _("检查记录")
        ordering = ["-inspected_on", "-pk"]

    def __str__(self):
        return f"{self.project_id} {self.inspected_on}"

"""Forms of the campaign and risk pages, each checked again by its service."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Campaign, InspectionKind, Problem
from .services import MAX_PICK, TEXT_LIMITS


class RectifyForm(forms.Form):
    rectified_on = forms.DateField(label=_("整改日期"), widget=forms.DateInput(attrs={"type": "date"}),
                                   error_messages={"required": _("请填写整改日期。"),
                                                   "invalid": _("请填写有效的日期。")})
    evidence = forms.CharField(label=_("整改佐证"), max_length=TEXT_LIMITS["evidence"],
                               widget=forms.Textarea(attrs={"rows": 2}),
                               error_messages={"required": _("请填写整改佐证(如银行凭证号、照片说明)。")})


class CampaignForm(forms.Form):
    name = forms.CharField(label=_("名称"), max_length=TEXT_LIMITS["name"],
                           error_messages={"required": _("请填写专项整治的名称。")})
    start = forms.DateField(label=_("开始日期"), widget=forms.DateInput(attrs={"type": "date"}),
                            error_messages={"required": _("请填写开始日期。"), "invalid": _("请填写有效的日期。")})
    end = forms.DateField(label=_("结束日期"), widget=forms.DateInput(attrs={"type": "date"}),
                          error_messages={"required": _("请填写结束日期。"), "invalid": _("请填写有效的日期。")})
    scope = forms.ChoiceField(label=_("范围"), choices=Campaign.Scope.choices, initial=Campaign.Scope.GOVERNMENT,
                              error_messages={"invalid_choice": _("请选择范围。")})
    description = forms.CharField(label=_("工作要求"), required=False, max_length=TEXT_LIMITS["description"],
                                  widget=forms.Textarea(attrs={"rows": 4}))


class AddProjectForm(forms.Form):
    project = forms.CharField(label=_("项目编号"), max_length=40,
                              error_messages={"required": _("请填写项目编号。")})


class EmptyForm(forms.Form):
    pass


ACTION_FORMS = {"rectify": RectifyForm, "supervise": EmptyForm, "clear": EmptyForm}


class PickForm(forms.Form):
    kind = forms.ChoiceField(label=_("检查方式"), choices=[
        (k, label) for k, label in InspectionKind.choices if k != InspectionKind.CAMPAIGN])
    count = forms.IntegerField(label=_("抽取数量"), min_value=1, max_value=MAX_PICK, initial=10,
                               error_messages={"required": _("请填写抽取数量。"),
                                               "min_value": _("抽取数量至少为1。"),
                                               "max_value": _("抽取数量不能超过%(limit_value)s。")})
    random_share = forms.DecimalField(label=_("随机抽取比例(0至1)"), min_value=0, max_value=1, max_digits=4,
                                      decimal_places=3, initial="0.5",
                                      error_messages={"required": _("请填写随机抽取比例。"),
                                                      "min_value": _("比例应在0至1之间。"),
                                                      "max_value": _("比例应在0至1之间。")})
    seed = forms.IntegerField(label=_("随机种子(不填则新生成)"), required=False, min_value=0,
                              max_value=2**53 - 1, error_messages={"invalid": _("随机种子应为整数。")})
    district = forms.CharField(required=False, max_length=32, widget=forms.HiddenInput)
    sector = forms.CharField(required=False, max_length=32, widget=forms.HiddenInput)
    government = forms.CharField(required=False, max_length=5, widget=forms.HiddenInput)


class InspectionForm(forms.Form):
    """An inspection of a picked project, with at most one problem found (more through the API)."""

    project = forms.ChoiceField(label=_("项目"), error_messages={"required": _("请选择项目。"),
                                                                "invalid_choice": _("请选择本次抽取的项目。")})
    inspected_on = forms.DateField(label=_("检查日期"), widget=forms.DateInput(attrs={"type": "date"}),
                                   error_messages={"required": _("请填写检查日期。"),
                                                   "invalid": _("请填写有效的日期。")})
    inspectors = forms.CharField(label=_("检查人员"), required=False, max_length=TEXT_LIMITS["inspectors"])
    findings = forms.CharField(label=_("检查情况"), max_length=TEXT_LIMITS["findings"],
                               widget=forms.Textarea(attrs={"rows": 3}),
                               error_messages={"required": _("请填写检查情况。")})
    campaign = forms.ModelChoiceField(label=_("列入专项整治"), required=False, queryset=Campaign.objects.none(),
                                      empty_label=_("不列入"),
                                      error_messages={"invalid_choice": _("请选择专项整治。")})
    category = forms.ChoiceField(label=_("发现的问题"), required=False,
                                 choices=[("", _("无")), *Problem.Category.choices],
                                 error_messages={"invalid_choice": _("问题类别无效。")})
    description = forms.CharField(label=_("问题描述"), required=False, max_length=TEXT_LIMITS["description"])
    deadline_days = forms.IntegerField(label=_("整改时限(工作日)"), required=False, min_value=1, max_value=365,
                                       initial=10, error_messages={"min_value": _("整改时限至少为1个工作日。"),
                                                                   "max_value": _("整改时限不能超过365个工作日。")})
    unit = forms.ChoiceField(label=_("责任单位"), required=False,
                             choices=[("district", _("项目所在旗县市区")), ("sector", _("行业主管部门"))])

    def __init__(self, *args, codes=(), campaigns=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["project"].choices = [("", _("请选择")), *[(code, code) for code in codes]]
        if campaigns is not None:
            self.fields["campaign"].queryset = campaigns

    def clean(self):
        data = super().clean()
        if data.get("category"):
            if not data.get("campaign"):
                self.add_error("campaign", _("检查发现的问题须列入一项专项整治,请选择专项整治。"))
            if not data.get("description"):
                self.add_error("description", _("请填写问题描述。"))
            if not data.get("deadline_days"):
                self.add_error("deadline_days", _("请填写整改时限。"))
        return data

"""Forms of the campaign and risk pages, each checked again by its service."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import InspectionKind
from .services import MAX_PICK, TEXT_LIMITS


class RectifyForm(forms.Form):
    rectified_on = forms.DateField(label=_("整改日期"), widget=forms.DateInput(attrs={"type": "date"}),
                                   error_messages={"required": _("请填写整改日期。"),
                                                   "invalid": _("请填写有效的日期。")})
    evidence = forms.CharField(label=_("整改佐证"), max_length=TEXT_LIMITS["evidence"],
                               widget=forms.Textarea(attrs={"rows": 2}),
                               error_messages={"required": _("请填写整改佐证(如银行凭证号、照片说明)。")})


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

"""Forms of the warning page: the handling actions, each checked again by its service."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .services import TEXT_LIMITS


class AssignForm(forms.Form):
    unit = forms.ChoiceField(label=_("交办单位"), error_messages={
        "required": _("请选择交办单位。"), "invalid_choice": _("请选择项目所在旗县市区或其行业主管部门。")})

    def __init__(self, *args, units=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = [("", _("请选择")), *[(unit.code, unit.name) for unit in units]]


class RespondForm(forms.Form):
    response = forms.CharField(label=_("核处情况"), max_length=TEXT_LIMITS["response"],
                               widget=forms.Textarea(attrs={"rows": 4}),
                               help_text=_("核查了什么、责令整改了什么、项目何时整改到位。"),
                               error_messages={"required": _("请填写核处情况。")})


class DismissForm(forms.Form):
    reason = forms.CharField(label=_("撤销理由"), max_length=TEXT_LIMITS["reason"],
                             widget=forms.Textarea(attrs={"rows": 3}),
                             error_messages={"required": _("请填写撤销理由。")})


class ReplyForm(forms.Form):
    text = forms.CharField(label=_("整改说明"), max_length=TEXT_LIMITS["reply"],
                           widget=forms.Textarea(attrs={"rows": 4}),
                           help_text=_("说明项目已做的整改;相关材料请在项目工作台补录,数据补齐后预警自动销号。"),
                           error_messages={"required": _("请填写整改说明。")})


ACTION_FORMS = {"assign": AssignForm, "respond": RespondForm, "dismiss": DismissForm, "reply": ReplyForm}

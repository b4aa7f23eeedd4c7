"""Forms of the project pages: they parse what was typed (dates, sums, files) and show it back with the errors;
every rule that needs the database or says who may do what is in projects.services / projects.payroll."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Duty

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
MONTH_RE = r"^\d{4}-\d{2}$"
EVIDENCE = forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,application/pdf"})
MONTH_INVALID = {"invalid": _("月份应写成 2026-05 的形式。")}


def _date(label, **kwargs):
    return forms.DateField(label=label, widget=DATE, input_formats=["%Y-%m-%d", "%Y/%m/%d"], **kwargs)


def _money(label, **kwargs):
    return forms.DecimalField(label=label, max_digits=14, decimal_places=2, min_value=0,
                              widget=forms.TextInput(attrs={"inputmode": "decimal"}), **kwargs)


class _EvidenceMixin(forms.Form):
    evidence = forms.FileField(label=_("证明材料"), required=False,
                               help_text=_("JPEG、PNG照片或PDF,不超过10MB;已上传过的可不再上传"),
                               widget=EVIDENCE)
    bank_reference = forms.CharField(label=_("银行凭证号"), required=False, max_length=60,
                                     help_text=_("没有文件时可填写银行回单或保函编号"))


class WageAccountForm(_EvidenceMixin):
    bank = forms.CharField(label=_("开户银行"), max_length=100, required=False)
    account_number = forms.CharField(label=_("账号"), max_length=40, required=False,
                                     widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}))
    opened_on = _date(_("开户日期"), required=False)
    field_order = ["bank", "account_number", "opened_on", "evidence", "bank_reference"]


class DepositForm(_EvidenceMixin):
    kind = forms.ChoiceField(label=_("缴纳方式"), choices=[("", _("请选择"))] + list(Duty.DepositKind.choices),
                             required=False)
    amount = _money(_("金额(元)"), required=False)
    paid_on = _date(_("缴纳日期"), required=False)
    exemption_reason = forms.CharField(label=_("免缴理由"), max_length=300, required=False,
                                       widget=forms.Textarea(attrs={"rows": 2}))
    field_order = ["kind", "amount", "paid_on", "exemption_reason", "evidence", "bank_reference"]


class RosterForm(_EvidenceMixin):
    headcount = forms.IntegerField(label=_("在册人数"), min_value=0, max_value=100000, required=False,
                                   widget=forms.TextInput(attrs={"inputmode": "numeric"}))
    updated_on = _date(_("更新日期"), required=False)
    field_order = ["headcount", "updated_on", "evidence", "bank_reference"]


class NoticeBoardForm(forms.Form):
    photo = forms.FileField(label=_("告示牌照片"), required=False, help_text=_("JPEG或PNG;已上传过的可不再上传"),
                            widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png",
                                                                   "capture": "environment"}))
    posted_on = _date(_("设立日期"), required=False)


DUTY_FORMS = {
    Duty.Kind.WAGE_ACCOUNT: WageAccountForm,
    Duty.Kind.DEPOSIT: DepositForm,
    Duty.Kind.ROSTER: RosterForm,
    Duty.Kind.NOTICE_BOARD: NoticeBoardForm,
}


def duty_initial(duty):
    """A duty's current values as its form's initial data (never the file)."""
    if duty is None:
        return {}
    initial = {"bank_reference": duty.bank_reference}
    if duty.kind == Duty.Kind.WAGE_ACCOUNT:
        initial.update(bank=duty.bank, account_number=duty.account_number, opened_on=duty.done_on)
    elif duty.kind == Duty.Kind.DEPOSIT:
        initial.update(kind=duty.deposit_kind, amount=duty.amount, paid_on=duty.done_on,
                       exemption_reason=duty.exemption_reason)
    elif duty.kind == Duty.Kind.ROSTER:
        initial.update(headcount=duty.headcount, updated_on=duty.done_on)
    else:
        initial.update(posted_on=duty.done_on)
    return initial


class VerifyForm(forms.Form):
    decision = forms.ChoiceField(label=_("核验结果"), choices=[("verify", _("核验通过")), ("reject", _("退回"))])
    reason = forms.CharField(label=_("退回理由"), max_length=300, required=False)


class AllocationForm(forms.Form):
    month = forms.RegexField(label=_("月份"), regex=MONTH_RE, error_messages=MONTH_INVALID,
                             widget=forms.TextInput(attrs={"type": "month", "placeholder": "2026-05"}))
    pre_allocation = forms.TypedChoiceField(label=_("类别"), coerce=lambda v: v == "1", choices=[
        ("0", _("人工费用拨付(当月)")), ("1", _("人工费用预拨(月初)"))], initial="0")
    amount = _money(_("金额(元)"))
    paid_on = _date(_("拨付日期"))
    evidence = forms.FileField(label=_("证明材料"), required=False, help_text=_("银行回单照片或PDF(选填)"),
                               widget=EVIDENCE)


class PayrollUploadForm(forms.Form):
    month = forms.RegexField(label=_("工资所属月份"), regex=MONTH_RE,
                             error_messages=MONTH_INVALID,
                             widget=forms.TextInput(attrs={"type": "month", "placeholder": "2026-05"}))
    file = forms.FileField(label=_("工资表文件"),
                           help_text=_("按模板填写的 XLSX 或 CSV;同一月份重新上传会生成新版本,旧版本保留"),
                           widget=forms.ClearableFileInput(attrs={
                               "accept": ".xlsx,.csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet,"
                                         "text/csv"}))


class ManagerCreateForm(forms.Form):
    username = forms.CharField(label=_("登录名"), max_length=150, help_text=_("字母、数字和 @ . + - _"))
    name = forms.CharField(label=_("姓名"), max_length=30)
    phone = forms.CharField(label=_("手机号码"), max_length=20,
                            widget=forms.TextInput(attrs={"type": "tel", "inputmode": "tel"}))


class ManagerAssignForm(forms.Form):
    username = forms.CharField(label=_("已有的劳资专管员登录名"), max_length=150)


class RegistryImportForm(forms.Form):
    file = forms.FileField(label=_("项目与企业导入文件(XLSX)"),
                           widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}))

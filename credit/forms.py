"""Forms of the enforcement pages: a record of each kind (the fields of its kind only) and the actions on a
record; every value is checked again by its service."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Kind, ListedPerson
from .services import TEXT_LIMITS

PERSON_ROWS = 3
DATE = forms.DateInput(attrs={"type": "date"})
REQUIRED = _("请填写此项。")

KIND_FIELDS = {
    Kind.RECTIFICATION_ORDER: ["problem", "deadline"],
    Kind.PENALTY: ["amount", "legal_basis", "paid_on"],
    Kind.BLACKLIST: ["reason", "removal_date"],
    Kind.WATCHLIST: ["reason", "removal_date"],
    Kind.POLICE_REFERRAL: ["case_number", "outcome"],
}
PERSON_KINDS = (Kind.BLACKLIST, Kind.WATCHLIST)


def _ids(text):
    return [int(part) for part in str(text or "").replace(",", ",").replace(" ", ",").split(",") if part.isdigit()]


class RecordForm(forms.Form):
    enterprise = forms.CharField(label=_("企业统一社会信用代码"), max_length=18,
                                 error_messages={"required": _("请填写企业的统一社会信用代码。")})
    project = forms.CharField(label=_("项目编号"), max_length=40, required=False,
                              help_text=_("有具体项目的填写,企业须是该项目的参建单位。"))
    unit = forms.ChoiceField(label=_("执法单位"), required=False)
    number = forms.CharField(label=_("文书编号"), max_length=60, error_messages={"required": _("请填写文书编号。")})
    date = forms.DateField(label=_("日期"), widget=DATE, error_messages={
        "required": _("请填写日期。"), "invalid": _("日期格式有误。")})
    document = forms.FileField(label=_("文书(JPEG、PNG或PDF)"), required=False)
    clues = forms.CharField(label=_("相关线索ID"), required=False, help_text=_("多个用逗号分隔。"))
    warnings = forms.CharField(label=_("相关预警ID"), required=False, help_text=_("多个用逗号分隔。"))
    problem = forms.CharField(label=_("违法问题"), max_length=TEXT_LIMITS["problem"], required=False,
                              widget=forms.Textarea(attrs={"rows": 3}))
    deadline = forms.DateField(label=_("整改期限"), required=False, widget=DATE,
                               error_messages={"invalid": _("日期格式有误。")})
    amount = forms.DecimalField(label=_("罚款金额(元)"), required=False, min_value=0, max_digits=14,
                                decimal_places=2, error_messages={"invalid": _("请填写金额。"),
                                                                  "min_value": _("金额不能为负数。")})
    legal_basis = forms.CharField(label=_("法律依据"), max_length=TEXT_LIMITS["legal_basis"], required=False)
    paid_on = forms.DateField(label=_("缴纳日期(已缴纳的填写)"), required=False, widget=DATE,
                              error_messages={"invalid": _("日期格式有误。")})
    reason = forms.CharField(label=_("列入事由"), max_length=TEXT_LIMITS["reason"], required=False,
                             widget=forms.Textarea(attrs={"rows": 3}))
    removal_date = forms.DateField(label=_("移出日期"), required=False, widget=DATE,
                                   help_text=_("不填:失信名单自列入之日起3年,重点关注名单1年。"),
                                   error_messages={"invalid": _("日期格式有误。")})
    case_number = forms.CharField(label=_("立案编号"), max_length=60, required=False)
    outcome = forms.CharField(label=_("处理结果"), max_length=TEXT_LIMITS["outcome"], required=False,
                              widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, kind, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind = kind
        for name in {n for names in KIND_FIELDS.values() for n in names} - set(KIND_FIELDS[kind]):
            del self.fields[name]
        if units is None:
            del self.fields["unit"]
        else:
            self.fields["unit"].choices = [("", _("项目所在旗县市区")), *[(u.code, u.name) for u in units]]
        if kind in PERSON_KINDS:
            for index in range(1, PERSON_ROWS + 1):
                self.fields[f"person_{index}_name"] = forms.CharField(label=_("姓名"), max_length=50,
                                                                      required=False)
                self.fields[f"person_{index}_role"] = forms.ChoiceField(
                    label=_("身份"), choices=ListedPerson.Role.choices, required=False)
                self.fields[f"person_{index}_id_number"] = forms.CharField(label=_("身份证号"), max_length=18,
                                                                           required=False)

    def kind_fields(self):
        return [self[name] for name in KIND_FIELDS[self.kind]]

    def person_rows(self):
        if self.kind not in PERSON_KINDS:
            return []
        return [(self[f"person_{i}_name"], self[f"person_{i}_role"], self[f"person_{i}_id_number"])
                for i in range(1, PERSON_ROWS + 1)]

    def service_values(self):
        data = dict(self.cleaned_data)
        values = {name: data.get(name) for name in ("enterprise", "project", "number", "date")}
        values["unit"] = data.get("unit") or None
        values["clues"], values["warnings"] = _ids(data.get("clues")), _ids(data.get("warnings"))
        for name in KIND_FIELDS[self.kind]:
            value = data.get(name)
            values[name] = "" if value is None and name in ("case_number", "outcome", "reason", "problem",
                                                             "legal_basis") else value
        values["persons"] = [
            {"name": data.get(f"person_{i}_name", ""), "role": data.get(f"person_{i}_role") or None,
             "id_number": data.get(f"person_{i}_id_number", "")}
            for i in range(1, PERSON_ROWS + 1)
            if self.kind in PERSON_KINDS and (data.get(f"person_{i}_name") or data.get(f"person_{i}_id_number"))]
        return values


class RectifyForm(forms.Form):
    rectified_on = forms.DateField(label=_("整改完成日期"), widget=DATE, error_messages={
        "required": _("请填写整改完成日期。"), "invalid": _("日期格式有误。")})
    evidence = forms.CharField(label=_("整改情况和依据"), max_length=TEXT_LIMITS["evidence"],
                               widget=forms.Textarea(attrs={"rows": 3}),
                               error_messages={"required": _("请填写整改情况和依据。")})
    evidence_file = forms.FileField(label=_("证明材料"), required=False)


class PayForm(forms.Form):
    paid_on = forms.DateField(label=_("缴纳日期"), widget=DATE, error_messages={
        "required": _("请填写缴纳日期。"), "invalid": _("日期格式有误。")})


class RemoveForm(forms.Form):
    applied_on = forms.DateField(label=_("企业申请日期"), widget=DATE, required=False,
                                 error_messages={"invalid": _("日期格式有误。")})
    removed_on = forms.DateField(label=_("移出日期"), widget=DATE, error_messages={
        "required": _("请填写移出日期。"), "invalid": _("日期格式有误。")})
    wages_paid_on = forms.DateField(label=_("拖欠工资全额支付日期"), widget=DATE, required=False,
                                    error_messages={"invalid": _("日期格式有误。")})
    pledge = forms.BooleanField(label=_("企业已作出不再拖欠农民工工资的信用修复书面承诺"), required=False)
    evidence = forms.CharField(label=_("移出依据"), max_length=TEXT_LIMITS["evidence"],
                               widget=forms.Textarea(attrs={"rows": 3}),
                               error_messages={"required": _("请填写移出依据。")})
    evidence_file = forms.FileField(label=_("证明材料"), required=False)


class CloseForm(forms.Form):
    closed_on = forms.DateField(label=_("结案日期"), widget=DATE, required=False,
                                error_messages={"invalid": _("日期格式有误。")})
    case_number = forms.CharField(label=_("立案编号"), max_length=60, required=False)
    outcome = forms.CharField(label=_("处理结果(移送公安)"), max_length=TEXT_LIMITS["outcome"], required=False,
                              widget=forms.Textarea(attrs={"rows": 2}))
    note = forms.CharField(label=_("结案说明"), max_length=TEXT_LIMITS["note"], required=False,
                           widget=forms.Textarea(attrs={"rows": 2}))


ACTION_FORMS = {"rectify": RectifyForm, "pay": PayForm, "remove": RemoveForm, "close": CloseForm}

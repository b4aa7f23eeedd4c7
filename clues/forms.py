"""Staff forms of the intake side: a clue from a hotline, the window, a letter or another authority; an import.

The field rules are those of clues.intake_fields, applied through clues.public_forms.clean_public_clue, the
same path as the public form and both APIs.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from units.models import Unit
from units.selectors import active_units

from .importer import EXTENSIONS
from .intake_fields import format_month
from .models import STAFF_CHANNELS
from .public_forms import clean_public_clue

DATETIME_LOCAL_FORMAT = "%Y-%m-%dT%H:%M"


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files under one name; each is checked by clues.attachments in the form's clean()."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "image/jpeg,image/png,application/pdf"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if not data:
            return []
        files = data if isinstance(data, list | tuple) else [data]
        return [super(MultipleFileField, self).clean(item, initial) for item in files]


def _text(label, *, max_length=None, attrs=None, widget=None, help_text=""):
    attrs = dict(attrs or {})
    if max_length:
        attrs.setdefault("maxlength", max_length)
    widget = widget or forms.TextInput
    # required=False here: required-ness and every message come from intake_fields, like the public form.
    return forms.CharField(label=label, required=False, strip=True, widget=widget(attrs=attrs),
                           help_text=help_text)


def district_choices():
    rows = active_units(Unit.Kind.DISTRICT)
    return [("", _("— 请选择 —"))] + [(u.code, f"{u.name}({u.code})") for u in rows]


class StaffClueForm(forms.Form):
    """A clue entered by intake staff, ordered as a phone call goes: channel, who, where, what, how much."""

    channel = forms.ChoiceField(label=gettext_lazy("来源渠道"), choices=[(c.value, c.label) for c in STAFF_CHANNELS],
                                widget=forms.Select(attrs={"autofocus": True}),
                                error_messages={"required": gettext_lazy("请选择来源渠道。"),
                                                "invalid_choice": gettext_lazy("请选择来源渠道。")})
    received_at = forms.DateTimeField(
        label=gettext_lazy("收到时间"), required=True,
        input_formats=[DATETIME_LOCAL_FORMAT, "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_LOCAL_FORMAT),
        help_text=gettext_lazy("事后补录时填写实际收到的时间(北京时间),期限从此时起算"),
        error_messages={"required": gettext_lazy("请填写收到时间。"),
                        "invalid": gettext_lazy("收到时间格式不正确,例如 2026-08-01 09:30。")})
    complainant_name = _text(gettext_lazy("反映人姓名"), max_length=50, attrs={"autocomplete": "off"})
    complainant_phone = _text(gettext_lazy("反映人手机号"), max_length=20,
                              attrs={"inputmode": "tel", "autocomplete": "off"})
    complainant_id_number = _text(gettext_lazy("反映人身份证号"), max_length=18,
                                  attrs={"autocomplete": "off", "spellcheck": "false"},
                                  help_text=gettext_lazy("选填"))
    employer_name = _text(gettext_lazy("用人单位"), max_length=200)
    employer_credit_code = _text(gettext_lazy("统一社会信用代码"), max_length=18,
                                 attrs={"spellcheck": "false", "style": "text-transform:uppercase"},
                                 help_text=gettext_lazy("选填;校验位不符时提示但仍可提交"))
    project_code = _text(gettext_lazy("工程项目"), max_length=40,
                         attrs={"list": "project-options", "autocomplete": "off", "spellcheck": "false"},
                         help_text=gettext_lazy("输入项目编号,或输入名称中的字词从列表中选择;未登记的项目填在下一栏"))
    project_name = _text(gettext_lazy("项目名称(未登记项目)"), max_length=200)
    work_address = _text(gettext_lazy("务工地址"), max_length=200)
    district_code = forms.CharField(label=gettext_lazy("务工所在旗县市区"), required=False, widget=forms.Select)
    worker_count = _text(gettext_lazy("欠薪人数"), attrs={"inputmode": "numeric", "type": "number", "min": 1,
                                                      "step": 1})
    amount_owed = _text(gettext_lazy("欠薪金额(元)"), attrs={"inputmode": "decimal"},
                        help_text=gettext_lazy("不清楚可填0"))
    owed_from = _text(gettext_lazy("欠薪起始月份"), attrs={"type": "month", "placeholder": "2026-08"})
    owed_to = _text(gettext_lazy("欠薪截止月份"), attrs={"type": "month", "placeholder": "2026-10"})
    description = _text(gettext_lazy("情况描述"), max_length=2000, widget=forms.Textarea,
                        attrs={"rows": 5})
    attachments = MultipleFileField(label=gettext_lazy("附件"), required=False,
                                    help_text=gettext_lazy("最多5个,JPEG、PNG或PDF,每个不超过10MB"))
    confirm_amount = forms.BooleanField(label=gettext_lazy("金额无误:已与反映人核对金额、人数和月份"),
                                        required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["district_code"].widget.choices = district_choices()
        now = timezone.localtime()
        self.fields["received_at"].widget.attrs["max"] = now.strftime(DATETIME_LOCAL_FORMAT)
        self.fields["owed_from"].widget.attrs["max"] = now.strftime("%Y-%m")
        self.fields["owed_to"].widget.attrs["max"] = now.strftime("%Y-%m")
        if not self.is_bound and "received_at" not in self.initial:
            self.initial["received_at"] = now.replace(second=0, microsecond=0)
        self.warnings = {}
        self.clue_data = {}
        self.checked = None
        self.snapshot = None

    @property
    def asks_amount_confirmation(self):
        """The amount is far above what the workers could be owed: the form shows the 金额无误 box."""
        return self.checked is not None and self.checked.implausible_amount is not None

    def clean_received_at(self):
        value = self.cleaned_data["received_at"]
        if value and value > timezone.now():
            raise ValidationError(_("收到时间不能晚于现在。"))
        return value

    def clean(self):

        cleaned = super().clean()
        uploads = self.files.getlist("attachments") if hasattr(self.files, "getlist") else []
        # The public side's checks (full-width digits, odd input, attachments) around the shared field rules;
        # consent is the public form's question: staff record a clue under their statutory duty.
        checked = self.checked = clean_public_clue(self.data, uploads, confirm_hint=STAFF_CONFIRM_HINT)
        for name, messages in checked.errors.items():
            if name == "consent":
                continue
            for message in messages:
                self.add_error(name if name in self.fields else None, message)
        self.warnings = checked.warnings
        self.clue_data = checked.data
        self.snapshot = checked.snapshot
        cleaned["attachments"] = checked.attachments
        return cleaned


STAFF_CONFIRM_HINT = gettext_lazy("与反映人核对无误的,请勾选“金额无误”后再保存。")


def staff_form_initial_from(clue):
    """Initial values to enter a similar clue again (a second worker of the same site calling)."""
    return {"channel": clue.channel, "employer_name": clue.employer_name,
            "employer_credit_code": clue.employer_credit_code,
            "project_code": clue.project.code if clue.project_id else "", "project_name": clue.project_name,
            "work_address": clue.work_address, "district_code": clue.district.code if clue.district_id else "",
            "owed_from": format_month(clue.owed_from), "owed_to": format_month(clue.owed_to)}


class ImportForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("导出文件(CSV 或 XLSX)"),
                           widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
                           error_messages={"required": gettext_lazy("请选择要导入的文件。"),
                                           "empty": gettext_lazy("上传的文件是空的。")})

    def clean_file(self):
        upload = self.cleaned_data["file"]
        suffix = upload.name.rsplit(".", 1)[-1].lower() if "." in upload.name else ""
        if suffix not in EXTENSIONS:
            raise ValidationError(_("只能导入 .csv 或 .xlsx 文件。"))
        return upload

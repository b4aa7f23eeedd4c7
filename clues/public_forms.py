"""The worker's side of intake: the one set of rules for a public clue (form and API), and the public reads.

`clean_public_clue(raw, files)` turns what a worker or a client sent into the values `clue_create` takes,
plus field-by-field Chinese errors and warnings; `PublicClueForm` (the page) and the public API serializer
both call it, so the rules cannot drift apart.
"""

import hashlib
import re
import secrets
import unicodedata
import uuid
from dataclasses import dataclass, field
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from clues import lifecycle
from core.api import Conflict
from core.identity import normalize_mobile
from projects.models import Project
from units.models import Unit
from units.selectors import active_units

from .attachments import prepare_uploads
from .intake_fields import INPUT_FIELDS, MAX_LENGTHS, clean_clue_fields, parse_amount
from .models import Channel, Clue
from .services import clue_create, normalise_tracking_code
from .triage import format_money

MAX_DESCRIPTION = MAX_LENGTHS["description"]
NUMBER_FIELDS = ("worker_count", "amount_owed")
# Digits typed with a Chinese input method come full-width (１３８…); NFKC turns them into ASCII.
NFKC_FIELDS = ("employer_credit_code", "complainant_phone", "complainant_id_number", "worker_count",
               "amount_owed", "owed_from", "owed_to", "district_code", "project_code")
TRUE_WORDS = {"true", "on", "1", "yes", "y", "是", "同意"}
_KEY_RE = re.compile(r"^[\x21-\x7e]{1,200}$")


@dataclass
class PublicClueInput:
    """The outcome of checking one public submission."""

    data: dict = field(default_factory=dict)  # named as clues.services.CLUE_FIELDS, ready for clue_create
    attachments: list = field(default_factory=list)
    consent: bool = False
    amount_confirmed: bool = False
    # Yuan per worker and month when above the city's ceiling: the worker must confirm the amount.
    implausible_amount: Decimal | None = None
    errors: dict = field(default_factory=dict)  # {field: [Chinese messages]}
    warnings: dict = field(default_factory=dict)  # {field: [Chinese messages]}; never block a submission
    snapshot: object = None  # the reference data it was checked against (units.reference_cache)

    @property
    def is_valid(self):
        return not self.errors

    def add_error(self, name, message):
        self.errors.setdefault(name, []).append(str(message))


def _screen(name, value):
    """What a person could have typed, or a Chinese reason why not (JSON clients can send anything)."""
    if value is None:
        return None, ""
    if isinstance(value, bool) or not isinstance(value, str | int | float | Decimal):
        return None, _("格式不正确。")
    if not isinstance(value, str):
        if name not in NUMBER_FIELDS:
            return None, _("格式不正确,请填写文字。")
        return value, ""
    if "\x00" in value:
        return None, _("含有无效字符,请删除后重新填写。")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate from a JSON "\\ud800"
        return None, _("含有无效字符,请删除后重新填写。")
    if name in NFKC_FIELDS:
        value = unicodedata.normalize("NFKC", value)
    # A textarea sends CRLF line breaks but counts (and shows) each as one character.
    return value.replace("\r\n", "\n"), ""


def _consent(value):
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        return value.strip().lower() in TRUE_WORDS
    return value == 1


FORM_CONFIRM_HINT = gettext_lazy("确认无误的,请勾选“金额无误”后再提交。")
API_CONFIRM_HINT = gettext_lazy("确认无误的,请在请求中加上 \"confirm_amount\": true 后再提交。")


def clean_public_clue(raw, files=(), *, confirm_hint=FORM_CONFIRM_HINT):
    """Check one public submission; `raw` is a dict or QueryDict of INPUT_FIELDS, consent and
    confirm_amount, `files` the uploads.

    The rules of the reported fields are the intake rules every channel shares
    (clues.intake_fields.clean_clue_fields); this adds what only the public side needs: input a browser or
    a JSON client may send that no person typed, the consent, the attachments, and the worker's own
    confirmation of an amount far above what the workers could be owed (`confirm_hint` says how to give it).
    """
    getter = getattr(raw, "get", None)
    result = PublicClueInput()
    values, refused = {}, {}
    for name in INPUT_FIELDS:
        value, problem = _screen(name, getter(name) if getter else None)
        values[name] = value
        if problem:
            refused[name] = problem
    if "amount_owed" not in refused and values["amount_owed"] not in (None, ""):
        try:
            parse_amount(values["amount_owed"])
        except ArithmeticError:  # a number too large for Decimal arithmetic, e.g. 1e30
            refused["amount_owed"] = _("欠薪金额超出合理范围。")
            values["amount_owed"] = None
        except ValueError:
            pass  # clean_clue_fields says what is wrong with it

    cleaned = clean_clue_fields(values)
    result.snapshot = cleaned.snapshot
    result.data = cleaned.data
    result.warnings = cleaned.warnings
    result.errors = {name: list(messages) for name, messages in cleaned.errors.items()}
    for name, problem in refused.items():
        result.errors[name] = [str(problem)]

    result.implausible_amount = cleaned.implausible_amount
    result.amount_confirmed = _consent(getter("confirm_amount") if getter else None)
    if cleaned.implausible_amount is not None:
        # Asked and answered: the amount stays a warning for staff, never an error once confirmed.
        result.warnings.pop("amount_owed", None)
        if not result.amount_confirmed:
            result.add_error("amount_owed", _(
                "按您填写的金额、人数和欠薪月份,平均每人每月被拖欠约%(per)s元,明显高于一般工资。"
                "请核对金额(单位是元,不是分)、人数和月份。") % {"per": format_money(cleaned.implausible_amount)}
                + str(confirm_hint))

    result.consent = _consent(getter("consent") if getter else None)
    if not result.consent:
        result.add_error("consent", _("请阅读并同意个人信息处理说明后再提交。"))

    result.attachments = [upload for upload in files if upload]
    if result.attachments:
        try:
            result.attachments = prepare_uploads(result.attachments)
        except ValidationError as exc:
            for message in exc.messages:
                result.add_error("attachments", message)
    return result


# --- submitting -------------------------------------------------------------------------------------------

def new_form_key():
    """A random key for one rendering of the form: the same key submitted twice files one clue."""
    return secrets.token_urlsafe(24)


def valid_client_key(value):
    return isinstance(value, str) and bool(_KEY_RE.match(value))


def idempotency_key_for(source, key, phone):
    """The stored idempotency key: a client's key only matches the same client's retry, never a stranger's
    clue, because the complainant's mobile number is part of it."""
    digest = hashlib.sha256(f"{source}\x1f{key}\x1f{phone}".encode()).hexdigest()
    return f"{source}:{digest[:56]}"


def file_public_clue(checked, *, channel, client_key=None, source):
    """File a checked public submission through the one intake service; returns (clue, created)."""
    if channel not in (Channel.QR, Channel.WEB):
        channel = Channel.WEB
    key = None
    if client_key:
        key = idempotency_key_for(source, client_key, checked.data["complainant_phone"])
    return clue_create(channel=channel, data=checked.data, idempotency_key=key,
                       attachments=checked.attachments, consent=checked.consent, snapshot=checked.snapshot)


# --- the page's form --------------------------------------------------------------------------------------

class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


def district_choices():
    districts = active_units(Unit.Kind.DISTRICT)
    return [("", gettext_lazy("请选择(不清楚可不选)"))] + [(u.code, u.name) for u in districts]


class PublicClueForm(forms.Form):
    """Renders the fields and keeps what was typed; every rule is in clean_public_clue()."""

    entry = forms.CharField(required=False, widget=forms.HiddenInput)
    idempotency_key = forms.CharField(required=False, widget=forms.HiddenInput)
    project_code = forms.CharField(required=False, widget=forms.HiddenInput)
    employer_name = forms.CharField(
        label=gettext_lazy("用人单位"), required=False,
        help_text=gettext_lazy("拖欠工资的公司、班组或包工头"),
        widget=forms.TextInput(attrs={"maxlength": 200, "autocomplete": "organization"}))
    employer_credit_code = forms.CharField(
        label=gettext_lazy("统一社会信用代码"), required=False,
        help_text=gettext_lazy("选填,18位,见营业执照"),
        widget=forms.TextInput(attrs={"maxlength": 24, "autocapitalize": "characters", "spellcheck": "false"}))
    project_name = forms.CharField(
        label=gettext_lazy("项目名称"), required=False,
        help_text=gettext_lazy("选填;找不到登记项目时,填写工地或项目名称"),
        widget=forms.TextInput(attrs={"maxlength": 200}))
    work_address = forms.CharField(
        label=gettext_lazy("务工地址"), required=False,
        widget=forms.TextInput(attrs={"maxlength": 200, "autocomplete": "street-address"}))
    district_code = forms.CharField(label=gettext_lazy("务工所在旗县市区"), required=False,
                                    widget=forms.Select)
    complainant_name = forms.CharField(
        label=gettext_lazy("您的姓名"), required=False,
        widget=forms.TextInput(attrs={"maxlength": 50, "autocomplete": "name"}))
    complainant_phone = forms.CharField(
        label=gettext_lazy("手机号码"), required=False,
        help_text=gettext_lazy("用于接收受理短信和查询办理进度"),
        widget=forms.TextInput(attrs={"type": "tel", "inputmode": "tel", "maxlength": 20,
                                      "autocomplete": "tel"}))
    complainant_id_number = forms.CharField(
        label=gettext_lazy("身份证号"), required=False, help_text=gettext_lazy("选填,18位"),
        widget=forms.TextInput(attrs={"maxlength": 18, "autocapitalize": "characters", "spellcheck": "false"}))
    worker_count = forms.CharField(
        label=gettext_lazy("被欠薪人数"), required=False, help_text=gettext_lazy("包括您本人"),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "maxlength": 6}))
    amount_owed = forms.CharField(
        label=gettext_lazy("欠薪金额(元)"), required=False,
        help_text=gettext_lazy("所有被欠薪人员合计;不清楚可填大概数"),
        widget=forms.TextInput(attrs={"inputmode": "decimal", "maxlength": 20}))
    owed_from = forms.CharField(
        label=gettext_lazy("欠薪起始月份"), required=False,
        widget=forms.TextInput(attrs={"type": "month", "placeholder": "2026-08"}))
    owed_to = forms.CharField(
        label=gettext_lazy("欠薪截止月份"), required=False,
        widget=forms.TextInput(attrs={"type": "month", "placeholder": "2026-10"}))
    description = forms.CharField(
        label=gettext_lazy("情况描述"), required=False,
        help_text=gettext_lazy("干了什么活、从何时起没发工资、找过谁,不超过2000字"),
        widget=forms.Textarea(attrs={"maxlength": MAX_DESCRIPTION, "rows": 5}))
    attachments = forms.Field(
        label=gettext_lazy("证明材料"), required=False,
        help_text=gettext_lazy("选填,最多5个,JPEG、PNG照片或PDF,每个不超过10MB(如考勤表、欠条、聊天记录截图)"),
        widget=MultipleFileInput(attrs={"accept": "image/jpeg,image/png,application/pdf"}))
    consent = forms.BooleanField(label=gettext_lazy("我已阅读并同意上述个人信息处理说明"), required=False)
    confirm_amount = forms.BooleanField(label=gettext_lazy("金额无误:我已核对金额、人数和月份"), required=False)

    REQUIRED = ("employer_name", "complainant_name", "complainant_phone", "worker_count", "amount_owed",
                "consent")
    # The order the page shows the fields in (templates/public/clue_form.html): the error summary lists the
    # problems in this order, and the first of them gets the focus.
    PAGE_ORDER = ("project_code", "project_name", "employer_name", "employer_credit_code", "district_code",
                  "work_address", "worker_count", "amount_owed", "confirm_amount", "owed_from", "owed_to",
                  "description", "attachments", "complainant_name", "complainant_phone", "complainant_id_number",
                  "consent")
    # Where a problem of a field that has no input of its own on the page is shown, and its short name.
    ANCHORS = {"project_code": "project-section"}
    SUMMARY_LABELS = {"project_code": gettext_lazy("工程项目"), "consent": gettext_lazy("个人信息处理说明")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for form_field in self.fields.values():
            form_field.validators = []  # every rule lives in clean_public_clue(), none here
        self.fields["district_code"].widget.choices = district_choices()
        this_month = timezone.localdate().strftime("%Y-%m")
        for name in ("owed_from", "owed_to"):
            self.fields[name].widget.attrs["max"] = this_month
        for name in self.REQUIRED:
            self.fields[name].is_required_mark = True
        self.checked = None
        self.project = None

    @property
    def asks_amount_confirmation(self):
        """The amount is far above what the workers could be owed: the page shows the 金额无误 box."""
        return self.checked is not None and self.checked.implausible_amount is not None

    def error_summary(self):
        """[{name, anchor, label, message}] of every problem, in page order (what the summary at the top of
        the page links to)."""
        items = []
        for name in self.PAGE_ORDER:
            for message in self.errors.get(name, []):
                label = self.SUMMARY_LABELS.get(name) or self.fields[name].label
                items.append({"name": name, "anchor": self.ANCHORS.get(name, f"id_{name}"), "label": label,
                              "message": message})
        return items

    def focus_first_error(self):
        """Put `autofocus` on the first field in error, so even a browser without JavaScript opens the page
        there; returns its name (None when nothing is wrong)."""
        summary = self.error_summary()
        if not summary:
            return None
        name = summary[0]["name"]
        if name not in self.ANCHORS:
            self.fields[name].widget.attrs.update({"autofocus": True, "data-first-error": True})
        return name

    def clean(self):
        uploads = self.files.getlist("attachments") if hasattr(self.files, "getlist") else []
        self.checked = clean_public_clue(self.data, uploads)
        self.project = self.checked.data.get("project")
        for name, messages in self.checked.errors.items():
            target = name if name in self.fields else None
            for message in messages:
                self.add_error(target, message)
        return self.cleaned_data


# --- public reads -----------------------------------------------------------------------------------------

def project_for_qr(public_id):
    """The project a QR code stands for (None when unknown or mangled); the caller decides what a closed one
    opens."""
    try:
        public_id = uuid.UUID(str(public_id))
    except ValueError:
        return None
    return Project.objects.select_related("district", "sector").filter(public_id=public_id).first()


def search_projects(query, limit=20):
    """Registered projects whose name or code contains `query` (open ones first)."""
    query = (query or "").strip()[:50]
    if not query or "\x00" in query:
        return []
    matches = (Project.objects.select_related("district", "sector")
               .filter(Q(name__icontains=query) | Q(code__icontains=query))
               .order_by("status", "name")[:limit])
    return list(matches)


def project_prefill(project):
    """What a project's QR code fills into the form: the general contractor pays the wages (总包代发)."""
    contractor = project.general_contractor if project.general_contractor_id else None
    return {
        "project_code": project.code,
        "employer_name": contractor.name if contractor else project.contractor_name,
        "employer_credit_code": contractor.credit_code if contractor else project.contractor_credit_code,
        "district_code": project.district.code if project.district_id else "",
        "work_address": project.address,
    }


# Query parameters a link may fill into the form (the wage check's "反映欠薪" button): parameter → field.
PREFILL_PARAMETERS = {"employer": "employer_name", "employer_credit_code": "employer_credit_code",
                      "owed_from": "owed_from", "owed_to": "owed_to", "amount_owed": "amount_owed",
                      "description": "description"}
_MONTH_RE = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
_AMOUNT_RE = re.compile(r"^\d{1,12}(\.\d{1,2})?$")


def prefill_from_query(query):
    """The form's initial values a link carries, each kept only when it is something a person could have typed
    there (a link is not trusted: nothing is checked or filed until the worker submits the form)."""
    initial = {}
    for parameter, name in PREFILL_PARAMETERS.items():
        value = query.get(parameter, "")
        if not isinstance(value, str) or not value.strip() or not usable_text(value):
            continue
        value = value.strip()
        if name in ("owed_from", "owed_to") and not _MONTH_RE.match(value):
            continue
        if name == "amount_owed" and not _AMOUNT_RE.match(value):
            continue
        if len(value) > MAX_LENGTHS.get(name, 200):
            continue
        initial[name] = value
    return initial


def wage_report_query(project, months):
    """The query of the clue form a worker opens from the wage check: the project, its general contractor, and
    the months the payroll shows missing or short, with the shortfall that is known; empty when none is."""
    flagged = [m for m in months if m.status != "paid"]
    if not flagged:
        return ""
    prefill = project_prefill(project)
    shortfall = sum((m.shortfall for m in flagged if m.shortfall is not None), Decimal("0"))
    parts = []
    for m in flagged:
        if m.status == "missing":
            parts.append(_("%(month)s 工资表中没有我的记录") % {"month": f"{m.month:%Y-%m}"})
        else:
            parts.append(_("%(month)s 应发 %(due)s 元、实发 %(paid)s 元") % {
                "month": f"{m.month:%Y-%m}", "due": m.wage_due, "paid": m.wage_paid})
    params = {"project": project.code, "employer": prefill["employer_name"],
              "employer_credit_code": prefill["employer_credit_code"],
              "owed_from": f"{flagged[0].month:%Y-%m}", "owed_to": f"{flagged[-1].month:%Y-%m}",
              "description": _("工资查询显示:%(items)s。") % {"items": ";".join(parts)}}
    if shortfall > 0:
        params["amount_owed"] = f"{shortfall:.2f}"
    return urlencode({key: value for key, value in params.items() if value})


def find_tracked_clue(tracking_code, phone):
    """The clue filed under this tracking code by this mobile number, or None — the caller says only that
    the pair is wrong, never which half."""
    code = normalise_tracking_code(tracking_code if isinstance(tracking_code, str) else "")
    if not code or len(code) > 20 or not isinstance(phone, str):
        return None
    try:
        mobile = normalize_mobile(phone)
    except ValidationError:
        return None
    return (Clue.objects.select_related("unit", "merged_into__unit")
            .filter(tracking_code=code, complainant_phone=mobile).first())


def followup_open(clue):
    """Whether the worker may still rate this closing (一事一回访: once per closing; not a merged clue)."""
    return (clue.status == Clue.Status.CLOSED and not clue.merged_into_id
            and not (clue.followup_at and clue.closed_at and clue.followup_at >= clue.closed_at))


def public_progress(clue):
    """What the worker may see of a clue; a merged duplicate shows its original (merged=True)."""

    subject = lifecycle.public_subject(clue)
    if subject.pk != clue.pk:
        subject = Clue.objects.select_related("unit").get(pk=subject.pk)
    running = {item["name"]: item for item in lifecycle.public_deadlines(subject)}
    deadlines = [{"name": name, "label": label, "at": running[name]["at"] if name in running else None}
                 for name, label in (("claim", _("认领期限")), ("response", _("响应期限")),
                                     ("close", _("办结期限")))]
    return {
        "tracking_code": clue.tracking_code,
        "subject": subject,
        "merged": subject.pk != clue.pk,
        "merged_into_code": subject.tracking_code if subject.pk != clue.pk else "",
        "status": subject.status,
        "status_label": subject.get_status_display(),
        "status_text": lifecycle.public_status_text(subject),
        "unit": subject.unit.name if subject.unit_id else "",
        "received_at": clue.received_at,
        "closed_at": subject.closed_at if subject.status == Clue.Status.CLOSED else None,
        "result": subject.get_result_display() if subject.status == Clue.Status.CLOSED else "",
        "result_text": lifecycle.public_result_text(subject),
        "amount_recovered": subject.amount_recovered if subject.status == Clue.Status.CLOSED else None,
        "amount_recovered_text": _yuan(subject.amount_recovered) if subject.status == Clue.Status.CLOSED else "",
        "workers_paid": subject.workers_paid if subject.status == Clue.Status.CLOSED else None,
        "timeline": lifecycle.public_timeline(subject),
        "deadlines": deadlines,
        "has_deadlines": bool(running),
        "followup": {
            "open": followup_open(clue),
            "satisfied": clue.followup_satisfied,
            "note": clue.followup_note,
            "at": clue.followup_at,
        },
    }


def _yuan(amount):
    """96000.00 → '96,000'; 1234.5 → '1,234.50' ("" for none)."""
    if not amount:
        return ""
    return f"{amount:,.0f}" if amount == amount.to_integral_value() else f"{amount:,.2f}"


def submit_followup(clue, *, satisfied, note):
    """The worker's rating from the progress page or the public API (the lifecycle checks the rest)."""

    if not followup_open(clue):
        raise Conflict(_("本次办结已评价,或该线索暂不能评价。"), code="followup_closed")
    return lifecycle.followup(clue=clue, satisfied=satisfied, note=note, by=None)


def usable_text(value):
    """True for text a database can store as it is (no NUL, no lone surrogate from a JSON escape)."""
    if not isinstance(value, str) or "\x00" in value:
        return False
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def satisfied_value(value):
    """The rating as sent by the page ("satisfied"/"unsatisfied") or a client (true/false)."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        text = value.strip().lower()
        if text in {"satisfied", "true", "1", "yes", "满意"}:
            return True
        if text in {"unsatisfied", "false", "0", "no", "不满意"}:
            return False
    return None

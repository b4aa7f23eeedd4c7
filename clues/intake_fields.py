"""The rules of a clue's reported fields, written once for every intake path (forms, API, import).

`clean_clue_fields(raw)` turns raw values (text from a form, JSON values, spreadsheet cells) into the cleaned
values `clues.services.clue_create` takes, plus Chinese messages per field: errors refuse the clue, warnings
(a credit code whose check character does not match) are shown but accepted.
"""

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.roles import TRIAGE_ROLES, has_any_role
from core.identity import check_credit_code, normalize_mobile, parse_resident_id
from projects.models import Project
from units import reference_cache
from units.models import Unit
from units.selectors import active_unit

from .triage import format_money, implausible_amount, triage_rules

# Input names (the API's and the forms'), with the label used in messages that name the field.
FIELD_LABELS = {
    "employer_name": gettext_lazy("用人单位"),
    "employer_credit_code": gettext_lazy("统一社会信用代码"),
    "project_code": gettext_lazy("项目编号"),
    "project_name": gettext_lazy("项目名称"),
    "work_address": gettext_lazy("务工地址"),
    "district_code": gettext_lazy("务工所在旗县市区"),
    "complainant_name": gettext_lazy("反映人姓名"),
    "complainant_phone": gettext_lazy("手机号"),
    "complainant_id_number": gettext_lazy("身份证号"),
    "worker_count": gettext_lazy("欠薪人数"),
    "amount_owed": gettext_lazy("欠薪金额"),
    "owed_from": gettext_lazy("欠薪起始月份"),
    "owed_to": gettext_lazy("欠薪截止月份"),
    "description": gettext_lazy("情况描述"),
}
INPUT_FIELDS = tuple(FIELD_LABELS)

MAX_LENGTHS = {"employer_name": 200, "project_name": 200, "work_address": 200, "complainant_name": 50,
               "description": 2000}
MAX_WORKERS = 100000
# Clue.amount_owed has 14 digits with 2 decimals.
MAX_AMOUNT = Decimal("1000000000000")

_MONTH_RE = re.compile(r"^(\d{4})\s*(?:[-/.年]\s*(\d{1,2})\s*月?|(\d{2}))$")


@dataclass
class CleanResult:
    data: dict = field(default_factory=dict)  # named as clues.services.CLUE_FIELDS
    errors: dict = field(default_factory=dict)  # {input name: [messages]}
    warnings: dict = field(default_factory=dict)
    # Yuan per worker and month when that is above the city's ceiling (clues.triage.implausible_amount).
    implausible_amount: Decimal | None = None
    snapshot: object = None  # the reference data the values were checked against; clue_create takes it on

    @property
    def ok(self):
        return not self.errors

    def add_error(self, name, message):
        self.errors.setdefault(name, []).append(str(message))

    def add_warning(self, name, message):
        self.warnings.setdefault(name, []).append(str(message))


def _text(value):
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # a spreadsheet cell holding 13800138000 arrives as 13800138000.0
    return str(value).strip()


def clean_clue_fields(raw, *, today=None, snapshot=None):
    """Check and normalise the reported fields of one clue; never raises for bad input."""
    result = CleanResult(snapshot=snapshot or reference_cache.snapshot())
    today = today or timezone.localdate()
    values = {name: _text(raw.get(name)) for name in INPUT_FIELDS}

    for name in ("employer_name", "complainant_name"):
        if not values[name]:
            result.add_error(name, _("请填写%(label)s。") % {"label": FIELD_LABELS[name]})
    for name, limit in MAX_LENGTHS.items():
        if len(values[name]) > limit:
            result.add_error(name, _("%(label)s不能超过%(n)d个字(现有%(m)d个字)。")
                             % {"label": FIELD_LABELS[name], "n": limit, "m": len(values[name])})
    for name in ("employer_name", "project_name", "work_address", "complainant_name", "description"):
        if name not in result.errors:
            result.data[name] = values[name]

    _clean_credit_code(values["employer_credit_code"], result)
    _clean_project(values["project_code"], result)
    _clean_district(values["district_code"], result)
    _clean_phone(values["complainant_phone"], result)
    _clean_id_number(values["complainant_id_number"], result)
    _clean_worker_count(raw.get("worker_count"), result)
    _clean_amount(raw.get("amount_owed"), result)
    _clean_months(raw.get("owed_from"), raw.get("owed_to"), today, result)
    _check_amount_plausible(today, result)
    return result


def _check_amount_plausible(today, result):
    """金额存疑: an amount far above what the workers could be owed for the months given is accepted with a
    warning here; the worker's own form and API ask for a confirmation (clues.public_forms)."""
    if {"amount_owed", "worker_count", "owed_from", "owed_to"} & set(result.errors):
        return
    if "amount_owed" not in result.data or "worker_count" not in result.data:
        return
    rules = triage_rules(result.snapshot)  # the process's copy: no query per submission
    per = implausible_amount(result.data["amount_owed"], result.data["worker_count"], result.data.get("owed_from"),
                             result.data.get("owed_to"), today=today, rules=rules)
    if per is None:
        return
    result.implausible_amount = per
    result.add_warning("amount_owed", _("平均每人每月约%(per)s元,高于%(limit)s元,请核实金额(单位:元)。") % {
        "per": format_money(per), "limit": format_money(rules.implausible_monthly_wage)})


def _clean_credit_code(value, result):
    if not value:
        result.data["employer_credit_code"] = ""
        return
    try:
        checked = check_credit_code(value)
    except ValidationError as exc:
        result.add_error("employer_credit_code", exc.messages[0])
        return
    if checked.warning:
        result.add_warning("employer_credit_code", checked.warning)
    result.data["employer_credit_code"] = checked.code


def _clean_project(code, result):

    if not code:
        return
    project = Project.objects.select_related("district").filter(code__iexact=code).first()
    if project is None:
        result.add_error("project_code", _("未找到项目编号为“%(code)s”的工程项目。") % {"code": code[:40]})
        return
    result.data["project"] = project


def _clean_district(code, result):

    if not code:
        return
    district = active_unit(code, Unit.Kind.DISTRICT, snapshot=result.snapshot)
    if district is None:
        result.add_error("district_code", _("请选择乌兰察布市的一个旗县市区。"))
        return
    result.data["district"] = district


def _clean_phone(value, result):
    if not value:
        result.add_error("complainant_phone", _("请填写反映人的手机号码。"))
        return
    try:
        result.data["complainant_phone"] = normalize_mobile(value)
    except ValidationError as exc:
        result.add_error("complainant_phone", exc.messages[0])


def _clean_id_number(value, result):
    if not value:
        result.data["complainant_id_number"] = ""
        return
    try:
        result.data["complainant_id_number"] = parse_resident_id(value).number
    except ValidationError as exc:
        result.add_error("complainant_id_number", exc.messages[0])


def _clean_worker_count(value, result):
    text = _text(value)
    if isinstance(value, bool):
        text = "x"  # JSON true is not a head count
    if not text:
        result.add_error("worker_count", _("请填写欠薪人数。"))
        return
    if not re.fullmatch(r"\d+", text):
        result.add_error("worker_count", _("欠薪人数应为整数。"))
        return
    count = int(text)
    if count < 1:
        result.add_error("worker_count", _("欠薪人数至少为1人。"))
    elif count > MAX_WORKERS:
        result.add_error("worker_count", _("欠薪人数不能超过%(n)d人。") % {"n": MAX_WORKERS})
    else:
        result.data["worker_count"] = count


def parse_amount(value):
    """'36,000.50' / '36000元' / 36000 → Decimal; raise ValueError with a Chinese message."""
    if isinstance(value, bool):
        raise ValueError(_("欠薪金额应为数字,单位为元。"))
    if isinstance(value, Decimal | int):
        text = str(value)
    elif isinstance(value, float):
        text = repr(value)
    else:
        text = _text(value).replace(",", "").replace("\uff0c", "").replace(" ", "").removesuffix("元")
    try:
        amount = Decimal(text)
    except (InvalidOperation, ValueError):
        raise ValueError(_("欠薪金额应为数字,单位为元。")) from None
    if not amount.is_finite():
        raise ValueError(_("欠薪金额应为数字,单位为元。"))
    if amount < 0:
        raise ValueError(_("欠薪金额不能为负数。"))
    # The size first: quantize() of a huge number (1e30) raises InvalidOperation.
    if amount >= MAX_AMOUNT:
        raise ValueError(_("欠薪金额超出合理范围。"))
    if amount != amount.quantize(Decimal("0.01")):
        raise ValueError(_("欠薪金额最多保留两位小数。"))
    return amount.quantize(Decimal("0.01"))


def _clean_amount(value, result):
    if _text(value) == "" and not isinstance(value, Decimal | int | float):
        result.add_error("amount_owed", _("请填写欠薪金额(元),不清楚可填0。"))
        return
    try:
        result.data["amount_owed"] = parse_amount(value)
    except ValueError as exc:
        result.add_error("amount_owed", str(exc))


def parse_month(value):
    """'2026-08', '2026/8', '2026年8月', '202608' or a date → the first day of that month; ValueError if not."""
    if isinstance(value, dt.datetime):
        return value.date().replace(day=1)
    if isinstance(value, dt.date):
        return value.replace(day=1)
    match = _MONTH_RE.match(_text(value))
    if not match:
        raise ValueError(_("请按“年-月”填写,例如 2026-08。"))
    year, month = int(match[1]), int(match[2] or match[3])
    if not (1 <= month <= 12 and 1900 <= year <= 9999):
        raise ValueError(_("请按“年-月”填写,例如 2026-08。"))
    return dt.date(year, month, 1)


def _clean_months(raw_from, raw_to, today, result):
    months = {}
    this_month = today.replace(day=1)
    for name, value in (("owed_from", raw_from), ("owed_to", raw_to)):
        if _text(value) == "" and not isinstance(value, dt.date):
            result.data[name] = None
            continue
        try:
            month = parse_month(value)
        except ValueError as exc:
            result.add_error(name, str(exc))
            continue
        if month > this_month:
            result.add_error(name, _("%(label)s不能晚于本月。") % {"label": FIELD_LABELS[name]})
            continue
        months[name] = result.data[name] = month
    if "owed_from" in months and "owed_to" in months and months["owed_from"] > months["owed_to"]:
        result.add_error("owed_to", _("欠薪截止月份不能早于起始月份。"))
        result.data.pop("owed_to", None)


def format_month(value):
    """A stored first-of-month date → 'YYYY-MM' (what the forms and the API show)."""
    return value.strftime("%Y-%m") if value else ""


def can_enter_clues(user):
    """Intake staff and administrators enter clues by hand, import them and file them through the staff API."""

    return bool(user and user.is_authenticated) and has_any_role(user, TRIAGE_ROLES)

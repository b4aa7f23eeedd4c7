"""Writes on the project registry: enterprises, projects and their parties, duties and their verification,
labour-cost allocations, and the 劳资专管员 accounts of a project. Every change writes a ProjectEvent and, after the
commit, announces itself (hooks.project_changed) so the monitoring can evaluate the project at once.

Values arrive parsed (dates as dates, sums as Decimal) from the API's serializers, the pages' forms or the
importer; the rules that need the database (codes that exist, who may register where) are checked here, and a
refusal is an ApplicationError with field-by-field Chinese messages.
"""

import datetime as dt
import secrets
import string
from decimal import Decimal

from django.contrib.auth.password_validation import validate_password
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.roles import Role
from accounts.services import staff_set_role
from core.api import ApplicationError
from core.identity import check_credit_code, normalize_mobile, normalize_phone
from units.models import Unit

from . import selectors
from .evidence import check_evidence
from .hooks import announce_change
from .models import Duty, Enterprise, LabourAllocation, Project, ProjectEvent, ProjectParty, Verification


def _refuse(fields, message=None, *, code="invalid", status_code=None):
    fields = {name: [str(m) for m in (msgs if isinstance(msgs, list | tuple) else [msgs])]
              for name, msgs in fields.items()}
    return ApplicationError(message or _("提交的数据有误,请按提示修改。"), code=code, fields=fields,
                            status_code=status_code)


def _forbidden(message):
    return ApplicationError(message, code="permission_denied", status_code=403)


def record_event(project, kind, text, *, actor=None, data=None, at=None):
    """Append one entry to the project's timeline."""
    return ProjectEvent.objects.create(project=project, kind=kind, text=str(text)[:500], actor=actor,
                                       data=data or {}, at=at or timezone.now())


def _plain(value):
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Unit | Enterprise):
        return getattr(value, "code", None) or getattr(value, "credit_code", None)
    return value


# --- enterprises ------------------------------------------------------------------------------------------

ENTERPRISE_FIELDS = ("name", "legal_representative", "contact_name", "contact_phone", "address")


def check_enterprise_code(value, field="credit_code"):
    """A credit code normalised, and its warning ("" when the check digit is right); a malformed one is refused."""
    try:
        checked = check_credit_code(value)
    except ValidationError as exc:
        raise _refuse({field: exc.messages}) from None
    return checked


def _enterprise_values(values):
    errors, clean = {}, {}
    for name in ENTERPRISE_FIELDS:
        if name not in values:
            continue
        value = (values[name] or "").strip()
        if name == "name" and not value:
            errors[name] = [_("请填写企业名称。")]
        elif name == "contact_phone" and value:
            try:
                value = normalize_phone(value)
            except ValidationError as exc:
                errors[name] = exc.messages
        clean[name] = value
    if errors:
        raise _refuse(errors)
    return clean


def enterprise_create(*, by, credit_code, values):
    """Register an enterprise; returns (enterprise, warnings). An invalid check digit is a warning kept on the
    record (credit_code_valid), a malformed code a field error; a code already registered is a 409."""
    if not selectors.can_edit_enterprises(by):
        raise _forbidden(_("您的角色不能登记企业。"))
    checked = check_enterprise_code(credit_code)
    clean = _enterprise_values({"name": values.get("name", ""), **values})
    with transaction.atomic():
        if Enterprise.objects.filter(credit_code=checked.code).exists():
            raise ApplicationError(_("该统一社会信用代码已登记。"), code="conflict", status_code=409,
                                   fields={"credit_code": [_("该统一社会信用代码已登记,请直接修改该企业。")]})
        enterprise = Enterprise.objects.create(credit_code=checked.code, credit_code_valid=checked.checksum_ok,
                                               **clean)
    return enterprise, _credit_warnings(checked)


def enterprise_update(*, enterprise, by, values):
    """Change an enterprise's name, representative or contact (the credit code is its identity)."""
    if not selectors.can_edit_enterprises(by):
        raise _forbidden(_("您的角色不能修改企业信息。"))
    clean = _enterprise_values(values)
    for name, value in clean.items():
        setattr(enterprise, name, value)
    with transaction.atomic():
        enterprise.save()
        if "name" in clean:
            # The QR-era name fields follow the enterprise (clue prefill and search read them).
            Project.objects.filter(general_contractor=enterprise).update(contractor_name=enterprise.name)
            Project.objects.filter(developer=enterprise).update(developer_name=enterprise.name)
    checked = check_credit_code(enterprise.credit_code)
    return enterprise, _credit_warnings(checked)


def _credit_warnings(checked):
    return {"credit_code": [str(checked.warning)]} if checked.warning else {}


# --- projects ---------------------------------------------------------------------------------------------

PROJECT_FIELDS = ("code", "name", "district", "sector", "address", "developer", "general_contractor",
                  "subcontractors", "contract_date", "contract_sum", "labour_cost_share", "start_date",
                  "end_date", "status", "is_government_invested", "is_key", "wage_manager", "wage_manager_phone")
REQUIRED_ON_CREATE = ("code", "name", "district", "general_contractor")
RELATED_FIELDS = ("district", "sector", "developer", "general_contractor")
# Addresses under /projects/ that are not a project's (projects.urls).
RESERVED_CODES = {"import", "export.xlsx", "payroll-template.xlsx", "payroll-template.csv"}
PROJECT_LABELS = {
    "code": _("项目编号"), "name": _("项目名称"), "district": _("所在旗县市区"), "sector": _("行业主管部门"),
    "address": _("项目地址"), "developer": _("建设单位"), "general_contractor": _("施工总承包单位"),
    "subcontractors": _("分包单位"), "contract_date": _("合同签订日期"), "contract_sum": _("合同金额"),
    "labour_cost_share": _("人工费用占比"), "start_date": _("开工日期"), "end_date": _("计划竣工日期"),
    "status": _("状态"), "is_government_invested": _("政府或国企投资"), "is_key": _("重点监管"),
    "wage_manager": _("劳资专管员"), "wage_manager_phone": _("劳资专管员电话"),
}


def _unit(code, kind, field, errors):
    if code in (None, ""):
        return None
    unit = Unit.objects.filter(code=str(code).strip(), kind=kind, is_active=True).first()
    if unit is None:
        if kind == Unit.Kind.DISTRICT:
            errors[field] = [_("未知的旗县市区代码“%(code)s”,应为 GB/T 2260 代码,如 150921。")
                             % {"code": str(code)[:20]}]
        else:
            errors[field] = [_("未知的行业部门代码“%(code)s”,如 housing(住房和城乡建设局)。")
                             % {"code": str(code)[:32]}]
    return unit


def _enterprise(credit_code, field, errors):
    if credit_code in (None, ""):
        return None
    code = str(credit_code).strip().upper()
    enterprise = Enterprise.objects.filter(credit_code=code).first()
    if enterprise is None:
        errors[field] = [_("统一社会信用代码为“%(code)s”的企业尚未登记,请先登记企业。") % {"code": code[:18]}]
    return enterprise


def _subcontractors(items, errors):
    parties, seen = [], set()
    for index, item in enumerate(items or []):
        role = item.get("role") or ProjectParty.Role.SUBCONTRACTOR
        field = f"subcontractors.{index}.credit_code"
        if role not in ProjectParty.Role.values:
            errors[f"subcontractors.{index}.role"] = [
                _("角色应为 subcontractor(专业分包)或 labour_subcontractor(劳务分包)。")]
            continue
        enterprise = _enterprise(item.get("credit_code"), field, errors)
        if enterprise is None:
            if field not in errors:
                errors[field] = [_("请填写分包单位的统一社会信用代码。")]
            continue
        if (enterprise.pk, role) in seen:
            continue
        seen.add((enterprise.pk, role))
        parties.append((enterprise, role))
    return parties


def _project_values(data, *, instance=None):
    """Resolve codes to units and enterprises and check what needs the database; {field: value} or refusal."""
    errors, values = {}, {}
    dates = ("start_date", "end_date", "contract_date")
    for name in PROJECT_FIELDS:
        if name not in data:
            continue
        value = data[name]
        if isinstance(value, str):
            value = value.strip()
        if name == "district":
            value = _unit(value, Unit.Kind.DISTRICT, name, errors)
            if value is None and name not in errors:
                errors[name] = [_("请填写所在旗县市区。")]
        elif name == "sector":
            value = _unit(value, Unit.Kind.DEPARTMENT, name, errors)
        elif name in ("developer", "general_contractor"):
            value = _enterprise(value, name, errors)
            if value is None and name == "general_contractor" and name not in errors:
                errors[name] = [_("请填写施工总承包单位的统一社会信用代码:每个项目有且只有一个总包单位。")]
        elif name == "subcontractors":
            value = _subcontractors(value, errors)
        elif name == "code":
            if not value:
                errors[name] = [_("请填写项目编号。")]
            elif "/" in value or any(ch.isspace() for ch in value):
                errors[name] = [_("项目编号不能含有空格或“/”。")]
            elif value.lower() in RESERVED_CODES:
                errors[name] = [_("“%(code)s”不能用作项目编号。") % {"code": value}]
            elif Project.objects.filter(code=value).exclude(pk=getattr(instance, "pk", None)).exists():
                errors[name] = [_("项目编号“%(code)s”已被使用。") % {"code": value}]
        elif name == "name" and not value:
            errors[name] = [_("请填写项目名称。")]
        elif name == "wage_manager_phone" and value:
            try:
                value = normalize_phone(value)
            except ValidationError as exc:
                errors[name] = exc.messages
        elif name == "status" and value not in Project.Status.values:
            errors[name] = [_("状态应为 %(values)s 之一。") % {"values": "、".join(Project.Status.values)}]
        elif name == "contract_sum" and value is not None and not Decimal(0) <= value < Decimal("1e12"):
            errors[name] = [_("合同金额应在0到1万亿元之间。")]
        elif name == "labour_cost_share" and value is not None and not Decimal(0) <= value <= 100:
            errors[name] = [_("人工费用占比应在0到100之间(百分数)。")]
        elif name in dates and value is not None and not 2000 <= value.year <= 2099:
            errors[name] = [_("日期应在2000至2099年之间。")]
        elif name in ("address", "wage_manager") and value is None:
            value = ""
        elif name in ("is_government_invested", "is_key") and value is None:
            value = False
        values[name] = value
    dates = ("start_date", "end_date", "contract_date")
    merged = {name: getattr(instance, name) for name in dates} if instance else {}
    merged.update({name: value for name, value in values.items() if name in dates})
    if merged.get("start_date") and merged.get("end_date") and merged["end_date"] < merged["start_date"]:
        errors.setdefault("end_date", [_("计划竣工日期不能早于开工日期。")])
    if instance is None:
        for name in REQUIRED_ON_CREATE:
            if name not in data and name not in errors:
                errors[name] = [_("%(label)s为必填项。") % {"label": PROJECT_LABELS[name]}]
    if errors:
        raise _refuse(errors)
    return values


def _apply(project, values):
    changed = []
    for name, value in values.items():
        if name == "subcontractors":
            continue
        if name in RELATED_FIELDS:
            differs = getattr(project, f"{name}_id") != getattr(value, "pk", None)
        else:
            differs = getattr(project, name) != value
        if differs:
            changed.append(name)
            setattr(project, name, value)
    # The QR-era name fields follow the parties of record (clue prefill, duplicate search and lists read them).
    if project.general_contractor_id:
        project.contractor_name = project.general_contractor.name
        project.contractor_credit_code = project.general_contractor.credit_code
    if project.developer_id:
        project.developer_name = project.developer.name
        project.developer_credit_code = project.developer.credit_code
    return changed


def _set_parties(project, parties):
    wanted = {(enterprise.pk, role) for enterprise, role in parties}
    current = {(p.enterprise_id, p.role): p for p in project.parties.all()}
    for key, party in current.items():
        if key not in wanted:
            party.delete()
    ProjectParty.objects.bulk_create([ProjectParty(project=project, enterprise=enterprise, role=role)
                                      for enterprise, role in parties if (enterprise.pk, role) not in current])
    return wanted != set(current)


def project_create(*, by, data, record=True):
    """Register a project (city staff anywhere; an officer for the unit's district or sector department)."""
    if not selectors.can_create_projects(by):
        raise _forbidden(_("您的角色不能登记工程项目。"))
    values = _project_values(data)
    if not selectors.can_register_in(by, values["district"], values.get("sector")):
        raise _refuse({"district": [_("您只能登记本单位所辖旗县市区或本行业的项目。")]}, code="permission_denied",
                      status_code=403)
    with transaction.atomic():
        project = Project()
        _apply(project, values)
        project.save()
        if "subcontractors" in values:
            _set_parties(project, values["subcontractors"])
        if record:
            record_event(project, "project_created", _("登记项目“%(name)s”") % {"name": project.name}, actor=by)
        announce_change(project.pk, "project")
    return project


def project_update(*, project, by, data, record=True):
    """Change a project's record; the code may change (its QR code keeps working: it holds public_id)."""
    if not selectors.can_manage_registry(by, project):
        raise _forbidden(_("只有项目所在旗县市区、行业主管部门和市级工作人员可以修改项目信息。"))
    values = _project_values(data, instance=project)
    district = values.get("district", project.district)
    sector = values.get("sector", project.sector) if "sector" in values else project.sector
    if ("district" in values or "sector" in values) and not selectors.can_register_in(by, district, sector):
        raise _refuse({"district": [_("您只能把项目登记在本单位所辖旗县市区或本行业。")]}, code="permission_denied",
                      status_code=403)
    with transaction.atomic():
        project = Project.objects.select_for_update().get(pk=project.pk)
        changed = _apply(project, values)
        if changed:
            project.save()
        if "subcontractors" in values and _set_parties(project, values["subcontractors"]):
            changed.append("subcontractors")
        if changed and record:
            labels = "、".join(str(PROJECT_LABELS[name]) for name in changed)
            record_event(project, "project_updated", _("修改项目信息:%(fields)s") % {"fields": labels}, actor=by,
                         data={"changed": {name: _plain(values[name]) for name in changed
                                           if name != "subcontractors"}})
        if changed:
            announce_change(project.pk, "project")
    return project


# --- duties -----------------------------------------------------------------------------------------------

DUTY_INPUTS = {
    Duty.Kind.WAGE_ACCOUNT: ("bank", "account_number", "opened_on"),
    Duty.Kind.DEPOSIT: ("kind", "amount", "paid_on", "exemption_reason"),
    Duty.Kind.ROSTER: ("headcount", "updated_on"),
    Duty.Kind.NOTICE_BOARD: ("posted_on",),
}
DUTY_DATE_INPUT = {Duty.Kind.WAGE_ACCOUNT: "opened_on", Duty.Kind.DEPOSIT: "paid_on",
                   Duty.Kind.ROSTER: "updated_on", Duty.Kind.NOTICE_BOARD: "posted_on"}


def _check_past(value, field, errors, today):
    if value is not None and value > today:
        errors[field] = [_("日期不能晚于今天。")]


def _duty_values(kind, values, project, today):
    errors, clean, warnings = {}, {}, {}
    date_field = DUTY_DATE_INPUT[kind]
    done_on = values.get(date_field)
    if kind != Duty.Kind.DEPOSIT or values.get("kind") != Duty.DepositKind.EXEMPT:
        if done_on is None:
            errors[date_field] = [_("请填写日期。")]
    _check_past(done_on, date_field, errors, today)
    clean["done_on"] = done_on
    if kind == Duty.Kind.WAGE_ACCOUNT:
        bank = (values.get("bank") or "").strip()
        number = "".join((values.get("account_number") or "").split()).replace("-", "")
        if not bank:
            errors["bank"] = [_("请填写开户银行。")]
        if not number:
            errors["account_number"] = [_("请填写账号。")]
        elif not number.isascii() or not number.isdigit() or not 8 <= len(number) <= 32:
            errors["account_number"] = [_("账号应为8到32位数字。")]
        clean.update(bank=bank, account_number=number)
    elif kind == Duty.Kind.DEPOSIT:
        deposit_kind = values.get("kind") or ""
        due = selectors.deposit_due(project)
        clean.update(deposit_kind=deposit_kind, amount=None, exemption_reason="")
        if deposit_kind not in Duty.DepositKind.values:
            errors["kind"] = [_("请选择缴纳方式:现金存储、银行保函、工程保证保险或依规免缴。")]
        elif deposit_kind == Duty.DepositKind.EXEMPT:
            reason = (values.get("exemption_reason") or "").strip()
            if not reason:
                errors["exemption_reason"] = [_("免缴须写明理由(如合同金额低于300万元,或主管部门的减免文件)。")]
            clean["exemption_reason"] = reason
            if not due.may_be_exempt:
                warnings["kind"] = [
                    _("合同金额不低于 %(limit)s 元(或尚未登记),免缴须有主管部门的减免依据,请在证明材料中上传。")
                    % {"limit": f"{due.exempt_below:,.0f}"}]
        else:
            amount = values.get("amount")
            if amount is None:
                errors["amount"] = [_("请填写金额。")]
            elif amount <= 0:
                errors["amount"] = [_("金额应大于0。")]
            elif due.amount is not None and amount < due.amount:
                warnings["amount"] = [_("低于应缴金额 %(due)s 元(合同金额的 %(rate)s%%)。") % {
                    "due": f"{due.amount:,.2f}", "rate": f"{due.rate.normalize():f}"}]
            clean["amount"] = amount
    elif kind == Duty.Kind.ROSTER:
        headcount = values.get("headcount")
        if headcount is None:
            errors["headcount"] = [_("请填写在册人数。")]
        elif headcount < 0 or headcount > 100000:
            errors["headcount"] = [_("在册人数应在0到100000之间。")]
        clean["headcount"] = headcount
    if errors:
        raise _refuse(errors)
    return clean, warnings


def duty_submit(*, project, kind, by, values, evidence=None, today=None):
    """Enter or re-enter one duty with its evidence (a file, or a bank reference in values["bank_reference"]);
    it waits for an officer's verification again. Returns (duty, warnings)."""
    if not selectors.can_enter_duties(by, project):
        raise _forbidden(_("您不能为该项目录入工资支付义务。"))
    if kind not in Duty.Kind.values:
        raise ApplicationError(_("未知的义务类别。"), code="not_found", status_code=404)
    today = today or timezone.localdate()
    clean, warnings = _duty_values(kind, values, project, today)
    reference = (values.get("bank_reference") or "").strip()
    if len(reference) > 60:
        raise _refuse({"bank_reference": [_("银行凭证号不能超过60个字符。")]})
    checked = None
    if evidence is not None:
        try:
            checked = check_evidence(evidence, images_only=kind == Duty.Kind.NOTICE_BOARD)
        except ValidationError as exc:
            raise _refuse({"photo" if kind == Duty.Kind.NOTICE_BOARD else "evidence": exc.messages}) from None
    with transaction.atomic():
        Project.objects.select_for_update().filter(pk=project.pk).first()
        duty = Duty.objects.filter(project=project, kind=kind).first() or Duty(project=project, kind=kind)
        has_file = bool(duty.evidence) or checked is not None
        if kind == Duty.Kind.NOTICE_BOARD and not has_file:
            raise _refuse({"photo": [_("请上传告示牌照片。")]})
        if not has_file and not reference:
            raise _refuse({"evidence": [_("请上传证明材料,或填写银行凭证号。")]})
        for name, value in clean.items():
            setattr(duty, name, value)
        duty.bank_reference = reference
        if checked is not None:
            checked.store(duty.evidence, f"{project.pk}-{kind}")
        duty.state = Verification.SUBMITTED
        duty.verified_by, duty.verified_at, duty.rejection_reason = None, None, ""
        duty.submitted_by = by
        duty.save()
        record_event(project, "duty_submitted", _("提交%(duty)s") % {"duty": duty.get_kind_display()}, actor=by,
                     data={"duty": kind})
        announce_change(project.pk, "duty")
    return duty, warnings


def duty_verify(*, duty, by, approve, reason=""):
    """An officer's word on a duty: verified (from submitted) or rejected with a reason (from submitted or
    verified — an account closed after verification is rejected then)."""
    project = duty.project
    if not selectors.can_verify(by, project):
        raise _forbidden(_("只有项目所在旗县市区、行业主管部门和市级工作人员可以核验。"))
    reason = (reason or "").strip()
    with transaction.atomic():
        duty = Duty.objects.select_for_update().get(pk=duty.pk)
        if approve:
            if duty.state != Verification.SUBMITTED:
                raise ApplicationError(_("只有待核验的材料可以核验通过。"), code="conflict", status_code=409)
            duty.state, duty.rejection_reason = Verification.VERIFIED, ""
            text = _("核验通过%(duty)s") % {"duty": duty.get_kind_display()}
        else:
            if not reason:
                raise _refuse({"reason": [_("退回须写明理由。")]})
            if len(reason) > 300:
                raise _refuse({"reason": [_("退回理由不能超过300个字符。")]})
            if duty.state == Verification.REJECTED:
                raise ApplicationError(_("该材料已退回,等待重新提交。"), code="conflict", status_code=409)
            duty.state, duty.rejection_reason = Verification.REJECTED, reason
            text = _("退回%(duty)s:%(reason)s") % {"duty": duty.get_kind_display(), "reason": reason}
        duty.verified_by, duty.verified_at = by, timezone.now()
        duty.save()
        record_event(project, "duty_verified" if approve else "duty_rejected", text, actor=by,
                     data={"duty": duty.kind})
        announce_change(project.pk, "duty")
    return duty


# --- labour-cost allocations -----------------------------------------------------------------------------

def allocation_put(*, project, month, by, amount, paid_on, pre_allocation=False, evidence=None, today=None):
    """Enter (or correct) the developer's labour-cost allocation of a month, or its pre-allocation."""
    if not selectors.can_enter_duties(by, project):
        raise _forbidden(_("您不能为该项目登记人工费用拨付。"))
    today = today or timezone.localdate()
    errors = {}
    if month > selectors.month_start(today):
        errors["month"] = [_("不能登记以后月份的拨付。")]
    if amount is None:
        errors["amount"] = [_("请填写金额。")]
    elif amount <= 0:
        errors["amount"] = [_("金额应大于0。")]
    if paid_on is None:
        errors["paid_on"] = [_("请填写拨付日期。")]
    else:
        _check_past(paid_on, "paid_on", errors, today)
    checked = None
    if evidence is not None:
        try:
            checked = check_evidence(evidence)
        except ValidationError as exc:
            errors["evidence"] = exc.messages
    if errors:
        raise _refuse(errors)
    with transaction.atomic():
        allocation, created = LabourAllocation.objects.select_for_update().get_or_create(
            project=project, month=month, is_pre_allocation=bool(pre_allocation),
            defaults={"amount": amount, "paid_on": paid_on, "entered_by": by})
        allocation.amount, allocation.paid_on, allocation.entered_by = amount, paid_on, by
        if checked is not None:
            checked.store(allocation.evidence, f"{project.pk}-{month:%Y%m}")
        allocation.save()
        what = _("人工费用预拨") if pre_allocation else _("人工费用拨付")
        verb = _("登记") if created else _("更正")
        record_event(project, "allocation_entered", _("%(verb)s%(month)s%(what)s %(amount)s 元") % {
            "verb": verb, "month": selectors.month_label(month), "what": what, "amount": f"{amount:,.2f}"},
            actor=by, data={"month": selectors.month_label(month), "pre_allocation": bool(pre_allocation),
                            "amount": str(amount)})
        announce_change(project.pk, "allocation")
    return allocation


# --- 劳资专管员 accounts --------------------------------------------------------------------------------------

PASSWORD_ALPHABET = string.ascii_letters + string.digits


def initial_password():
    """A password to hand to a new 劳资专管员 once (12 letters and digits, never all digits)."""
    while True:
        password = "".join(secrets.choice(PASSWORD_ALPHABET) for _i in range(12))
        if not password.isdigit() and not password.isalpha():
            return password


def wage_manager_create(*, project, by, username, name, phone, password=None):
    """Create a 劳资专管员 account named on `project`; returns (user, the password to hand over)."""
    if not selectors.can_manage_registry(by, project):
        raise _forbidden(_("只有项目所在旗县市区、行业主管部门和市级工作人员可以开设劳资专管员账号。"))
    errors = {}
    username = (username or "").strip()
    name = (name or "").strip()
    if not username:
        errors["username"] = [_("请填写登录名。")]
    else:
        try:
            UnicodeUsernameValidator()(username)
        except ValidationError:
            errors["username"] = [_("登录名只能包含字母、数字和 @ . + - _。")]
        if len(username) > 150:
            errors["username"] = [_("登录名不能超过150个字符。")]
        elif User.objects.filter(username__iexact=username).exists():
            errors["username"] = [_("登录名“%(name)s”已被使用。") % {"name": username}]
    if not name:
        errors["name"] = [_("请填写姓名。")]
    elif len(name) > 30:
        errors["name"] = [_("姓名不能超过30个字符。")]
    try:
        phone = normalize_mobile(phone)
    except ValidationError as exc:
        errors["phone"] = exc.messages
    password = password or initial_password()
    if errors:
        raise _refuse(errors)
    user = User(username=username, phone=phone, unit=None)
    user.last_name, user.first_name = name[:1], name[1:]
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise _refuse({"password": exc.messages}) from None
    with transaction.atomic():
        user.set_password(password)
        user.save()
        staff_set_role(user, Role.WAGE_MANAGER)
        _name_manager(project, user, by)
    return user, password


def _name_manager(project, user, by):
    project.managers.add(user)
    if not project.wage_manager:
        Project.objects.filter(pk=project.pk).update(wage_manager=user.display_name,
                                                     wage_manager_phone=user.phone)
    record_event(project, "manager_added", _("劳资专管员账号 %(username)s(%(name)s)可以管理本项目") % {
        "username": user.username, "name": user.display_name}, actor=by)


def wage_manager_assign(*, project, by, user):
    """Name an existing 劳资专管员 account on another project."""
    if not selectors.can_manage_registry(by, project):
        raise _forbidden(_("只有项目所在旗县市区、行业主管部门和市级工作人员可以指定劳资专管员。"))
    if not user.has_role(Role.WAGE_MANAGER):
        raise _refuse({"username": [_("该账号不是劳资专管员账号。")]})
    if project.managers.filter(pk=user.pk).exists():
        return user
    with transaction.atomic():
        _name_manager(project, user, by)
    return user


def wage_manager_remove(*, project, by, user):
    if not selectors.can_manage_registry(by, project):
        raise _forbidden(_("只有项目所在旗县市区、行业主管部门和市级工作人员可以调整劳资专管员。"))
    with transaction.atomic():
        project.managers.remove(user)
        record_event(project, "manager_removed", _("劳资专管员账号 %(username)s 不再管理本项目") % {
            "username": user.username}, actor=by)
    return user


def wage_manager_assign_codes(user, codes):
    """For `manage.py add_staff --role wage_manager --project CODE`: name `user` on these projects (by code)."""
    projects = list(Project.objects.filter(code__in=codes))
    unknown = sorted(set(codes) - {p.code for p in projects})
    if unknown:
        raise ValueError(_("未知的项目编号:%(codes)s。") % {"codes": "、".join(unknown)})
    with transaction.atomic():
        for project in projects:
            if not project.managers.filter(pk=user.pk).exists():
                _name_manager(project, user, None)
    return projects

"""Writes of enforcement and credit: recording a decision of any kind, and the acts that follow it — a
rectification (整改), a penalty paid, a removal from the blacklist or watchlist (期满 or 提前), a closing — each a
recorded act, never a deletion. Listing and removal keep Enterprise.is_blacklisted in step, which the warning rule
`blacklisted_party` and the clue triage read: the enterprise's projects are marked for the warnings sweep and its
open clues get their colour again.

The periods (拖欠农民工工资失信联合惩戒对象名单管理暂行办法, DOMAIN.md): the blacklist runs 3 years from the listing;
early removal needs the wages paid in full, no new case for 6 months since, and a written credit repair pledge,
and the unit decides on an application within 15 working days. The watchlist runs 1 year.
"""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.roles import CITY_WIDE_ROLES, Role, has_any_role
from clues.models import Clue
from clues.selectors import clue_visible_queryset
from clues.triage import employer_key, refresh_employer_colour
from core.api import ApplicationError, Conflict
from core.identity import parse_resident_id
from core.months import add_months
from notifications.services import notify_unit_officers
from projects.models import Enterprise, Project, ProjectEvent
from projects.monitoring import mark_enterprise_projects
from units.models import Unit
from units.workdays import add_working_days
from wage_warnings.selectors import warning_visible_queryset

from .models import LIST_KINDS, EnforcementRecord, Kind, ListedPerson, RemovalKind
from .selectors import allowed_actions, enterprise_in_unit

BLACKLIST_YEARS = 3
WATCHLIST_YEARS = 1
QUIET_MONTHS = 6  # no new case for this long after the wages were paid in full
DECISION_WORKING_DAYS = 15  # the unit decides on an application for early removal within these
TEXT_LIMITS = {"problem": 2000, "reason": 2000, "evidence": 2000, "outcome": 2000, "note": 2000,
               "legal_basis": 300}
UNIT_KINDS = (Unit.Kind.DISTRICT, Unit.Kind.DEPARTMENT, Unit.Kind.CITY)


def _forbidden(message):
    return ApplicationError(message, code="permission_denied", status_code=403)


def _invalid(errors):
    first = next(iter(errors.values()))[0]
    return ApplicationError(first if len(errors) == 1 else _("提交的数据有误,请按提示修改。"), code="invalid",
                            fields=errors)


def add_years(day, years):
    """The same calendar day `years` later; 29 February becomes 1 March (the period runs through 28 February)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return dt.date(day.year + years, 3, 1)


def default_removal_date(kind, listed_on):
    return add_years(listed_on, BLACKLIST_YEARS if kind == Kind.BLACKLIST else WATCHLIST_YEARS)


def decision_deadline(applied_on):
    """The last day for the unit's decision on an application for early removal (15 working days)."""
    return add_working_days(applied_on, DECISION_WORKING_DAYS)


def _text(value, field, errors, *, required_message=None):
    text = (value or "").strip()
    if required_message and not text:
        errors[field] = [required_message]
    elif len(text) > TEXT_LIMITS[field if field in TEXT_LIMITS else "note"]:
        errors[field] = [_("不能超过%(limit)s字。") % {"limit": TEXT_LIMITS.get(field, TEXT_LIMITS["note"])}]
    return text


def _event(record, kind, text, by, now):
    if record.project_id:
        ProjectEvent.objects.create(project_id=record.project_id, at=now, kind=kind, text=text[:500], actor=by,
                                    data={"enforcement": record.pk, "kind": record.kind, "number": record.number})


# --- the blacklist flag ------------------------------------------------------------------------------------------

def sync_blacklist_flags(enterprise_ids):
    """Enterprise.is_blacklisted = an entry on the blacklist not removed; where it changed, the enterprise's
    projects are marked for the warnings sweep and its open clues get their colour again. Returns the ids changed."""
    ids = {pk for pk in enterprise_ids if pk is not None}
    if not ids:
        return set()
    listed = set(EnforcementRecord.objects.filter(enterprise_id__in=ids, kind=Kind.BLACKLIST,
                                                  removed_on__isnull=True)
                 .values_list("enterprise_id", flat=True))
    changed = set()
    for enterprise in Enterprise.objects.select_for_update().filter(pk__in=ids):
        flag = enterprise.pk in listed
        if enterprise.is_blacklisted != flag:
            Enterprise.objects.filter(pk=enterprise.pk).update(is_blacklisted=flag, updated_at=timezone.now())
            changed.add(enterprise.pk)
            refresh_employer_colour(credit_code=enterprise.credit_code, name=enterprise.name)
    if changed:
        mark_enterprise_projects(changed)
    return changed


# --- recording ---------------------------------------------------------------------------------------------------

def _enterprise(value, errors):
    if isinstance(value, Enterprise):
        return value
    code = (value or "").strip().upper()
    enterprise = Enterprise.objects.filter(credit_code=code).first() if code else None
    if enterprise is None:
        errors["enterprise"] = [_("没有统一社会信用代码为“%(code)s”的企业,请先登记企业。") % {"code": code[:18]}]
    return enterprise


def _project(value, enterprise, errors):
    if value in (None, ""):
        return None
    project = value if isinstance(value, Project) else Project.objects.filter(code=str(value).strip()).first()
    if project is None:
        errors["project"] = [_("没有编号为“%(code)s”的项目。") % {"code": str(value)[:40]}]
        return None
    if enterprise is not None and not (
            enterprise.pk in (project.developer_id, project.general_contractor_id)
            or project.parties.filter(enterprise=enterprise).exists()):
        errors["project"] = [_("该企业不是这个项目的参建单位。")]
    return project


def _unit_for(by, value, project, errors):
    """An officer records for the own unit; city staff name the unit (the project's district by default)."""
    if not has_any_role(by, CITY_WIDE_ROLES):
        return by.unit
    if value in (None, ""):
        if project is not None:
            return project.district
        errors["unit"] = [_("请填写执法单位代码。")]
        return None
    code = getattr(value, "code", value)
    unit = Unit.objects.filter(code=code, kind__in=UNIT_KINDS).first()
    if unit is None:
        errors["unit"] = [_("没有代码为“%(code)s”的单位。") % {"code": str(code)[:32]}]
    return unit


def _persons(kind, persons, errors):
    """[(name, role, id number)] checked: every ID number valid (core.identity), none twice."""
    checked, seen = [], set()
    for index, person in enumerate(persons or []):
        name = (person.get("name") or "").strip()
        role = person.get("role") or ListedPerson.Role.RESPONSIBLE
        if not name:
            errors[f"persons.{index}.name"] = [_("请填写姓名。")]
        if role not in ListedPerson.Role.values:
            errors[f"persons.{index}.role"] = [_("身份只能是法定代表人、主要负责人或直接负有责任的人员。")]
        try:
            number = parse_resident_id(person.get("id_number") or "").number
        except ValidationError as exc:
            errors[f"persons.{index}.id_number"] = list(exc.messages)
            continue
        if number in seen:
            errors[f"persons.{index}.id_number"] = [_("同一人员不能重复列入。")]
        seen.add(number)
        checked.append((name[:50], role, number))
    if kind == Kind.BLACKLIST and not persons:
        errors["persons"] = [_("请填写与企业一并列入的法定代表人或负责人。")]
    return checked


def _links(ids, visible, field, errors):
    ids = [int(pk) for pk in ids or [] if str(pk).isdigit()]
    found = list(visible.filter(pk__in=ids)) if ids else []
    if len(found) != len(set(ids)):
        errors[field] = [_("部分关联记录不存在或无权查看。")]
    return found


def record_create(*, by, kind, enterprise, number, date, project=None, unit=None, document=None, clues=(),
                  warnings=(), persons=(), problem="", deadline=None, amount=None, legal_basis="", paid_on=None,
                  reason="", removal_date=None, case_number="", outcome="", today=None):
    """Record a decision. City staff for any enterprise; an officer of a district or sector department for an
    enterprise that is a party to one of the unit's projects (the record is the unit's). `document` is a checked
    projects.evidence.Evidence or None. A blacklist entry sets the enterprise's flag at once."""
    today = today or timezone.localdate()
    now = timezone.now()
    if not can_record(by):
        raise _forbidden(_("只有市级工作人员和旗县市区、行业部门的承办员可以录入执法与信用记录。"))
    errors = {}
    if kind not in Kind.values:
        errors["kind"] = [_("类别有误。")]
        raise _invalid(errors)
    enterprise = _enterprise(enterprise, errors)
    project = _project(project, enterprise, errors)
    if enterprise is not None and not has_any_role(by, CITY_WIDE_ROLES) and not enterprise_in_unit(
            enterprise, by.unit_id, project):
        raise _forbidden(_("只能为本辖区、本行业项目的参建企业录入记录。"))
    unit = _unit_for(by, unit, project, errors)
    number = (number or "").strip()
    if not number:
        errors["number"] = [_("请填写文书编号。")]
    elif len(number) > 60:
        errors["number"] = [_("文书编号不能超过60个字符。")]
    elif EnforcementRecord.objects.filter(number=number).exists():
        errors["number"] = [_("文书编号“%(number)s”已录入。") % {"number": number}]
    if date is None:
        errors["date"] = [_("请填写日期。")]
    elif date > today:
        errors["date"] = [_("日期不能晚于今天。")]
    fields = {}
    if kind == Kind.RECTIFICATION_ORDER:
        fields["problem"] = _text(problem, "problem", errors, required_message=_("请填写违法问题。"))
        if deadline is None:
            errors["deadline"] = [_("请填写整改期限。")]
        elif date is not None and deadline < date:
            errors["deadline"] = [_("整改期限不能早于决定日期。")]
        fields["deadline"] = deadline
    elif kind == Kind.PENALTY:
        if amount is None or amount <= 0:
            errors["amount"] = [_("请填写罚款金额(大于0)。")]
        fields["amount"] = amount
        fields["legal_basis"] = _text(legal_basis, "legal_basis", errors, required_message=_("请填写法律依据。"))
        if paid_on is not None and date is not None and not date <= paid_on <= today:
            errors["paid_on"] = [_("缴纳日期应在处罚决定日期和今天之间。")]
        fields["paid_on"] = paid_on
    elif kind in LIST_KINDS:
        fields["reason"] = _text(reason, "reason", errors, required_message=_("请填写列入事由。"))
        if date is not None:
            longest = default_removal_date(kind, date)
            if removal_date is None:
                removal_date = longest
            elif not date < removal_date <= longest:
                errors["removal_date"] = [_("移出日期应在列入日期之后,最长至%(day)s。") % {"day": longest.isoformat()}]
        fields["removal_date"] = removal_date
        if kind == Kind.BLACKLIST and enterprise is not None and EnforcementRecord.objects.filter(
                enterprise=enterprise, kind=kind, removed_on__isnull=True).exists():
            errors["enterprise"] = [_("该企业已在失信联合惩戒名单内。")]
    elif kind == Kind.POLICE_REFERRAL:
        fields["case_number"] = (case_number or "").strip()[:60]
        fields["outcome"] = _text(outcome, "outcome", errors)
    checked_persons = _persons(kind, persons, errors) if kind in LIST_KINDS else []
    linked_clues = _links(clues, clue_visible_queryset(by), "clues", errors)
    linked_warnings = _links(warnings, warning_visible_queryset(by), "warnings", errors)
    if errors:
        raise _invalid(errors)
    with transaction.atomic():
        record = EnforcementRecord(kind=kind, number=number, date=date, enterprise=enterprise, project=project,
                                   unit=unit, officer=by, **fields)
        if document is not None:
            document.store(record.document, f"{kind}-{date:%Y%m%d}")
        record.save()
        record.clues.set(linked_clues)
        record.warnings.set(linked_warnings)
        ListedPerson.objects.bulk_create([ListedPerson(record=record, name=name, role=role, id_number=number_)
                                          for name, role, number_ in checked_persons])
        _event(record, "enforcement_recorded", _("%(unit)s录入%(kind)s %(number)s(%(enterprise)s)。") % {
            "unit": unit.name, "kind": record.get_kind_display(), "number": number, "enterprise": enterprise.name},
            by, now)
        if kind == Kind.BLACKLIST:
            sync_blacklist_flags([enterprise.pk])
    return record


def can_record(user):
    return user.is_authenticated and (has_any_role(user, CITY_WIDE_ROLES)
                                      or (user.has_role(Role.OFFICER) and user.unit_id is not None))


def _locked(record, by, action):
    """The record, locked, when `by` may take `action` on it now; 403 or 409 otherwise."""
    locked = EnforcementRecord.objects.select_for_update(of=("self",)).select_related("enterprise", "unit").get(
        pk=record.pk)
    if not (has_any_role(by, CITY_WIDE_ROLES) or (by.has_role(Role.OFFICER) and by.unit_id == locked.unit_id)):
        raise _forbidden(_("只有作出决定的单位或市级工作人员可以办理这条记录。"))
    if action not in allowed_actions(locked, by, timezone.localdate()):
        raise Conflict(_("这条记录现在不能进行此操作。"))
    return locked


def _day(value, field, errors, *, earliest, today, label):
    if value is None:
        errors[field] = [_("请填写%(label)s。") % {"label": label}]
    elif value > today:
        errors[field] = [_("%(label)s不能晚于今天。") % {"label": label}]
    elif value < earliest:
        errors[field] = [_("%(label)s不能早于%(day)s。") % {"label": label, "day": earliest.isoformat()}]
    return value


def record_rectify(*, record, by, rectified_on, evidence, evidence_file=None, today=None):
    """整改: the order's problem was put right on `rectified_on`, with the evidence."""
    today = today or timezone.localdate()
    with transaction.atomic():
        record = _locked(record, by, "rectify")
        errors = {}
        _day(rectified_on, "rectified_on", errors, earliest=record.date, today=today, label=_("整改完成日期"))
        text = _text(evidence, "evidence", errors, required_message=_("请填写整改情况和依据。"))
        if errors:
            raise _invalid(errors)
        record.rectified_on, record.evidence = rectified_on, text
        if evidence_file is not None:
            evidence_file.store(record.evidence_file, f"rectified-{record.pk}")
        record.save()
        late = record.deadline is not None and rectified_on > record.deadline
        _event(record, "enforcement_rectified", _("责令改正%(number)s已整改%(late)s:%(text)s") % {
            "number": record.number, "late": _("(逾期)") if late else "", "text": text}, by, timezone.now())
    return record


def record_pay(*, record, by, paid_on, today=None):
    """The penalty was paid on `paid_on`."""
    today = today or timezone.localdate()
    with transaction.atomic():
        record = _locked(record, by, "pay")
        errors = {}
        _day(paid_on, "paid_on", errors, earliest=record.date, today=today, label=_("缴纳日期"))
        if errors:
            raise _invalid(errors)
        record.paid_on = paid_on
        record.save(update_fields=["paid_on", "updated_at"])
        _event(record, "enforcement_paid", _("行政处罚%(number)s罚款已缴纳。") % {"number": record.number}, by,
               timezone.now())
    return record


def new_cases_since(enterprise, since, until, *, exclude=None):
    """The clues naming the enterprise received and the enforcement decisions on it dated in [since, until]:
    what "no new case" of an early removal is checked against."""
    key = employer_key(enterprise.name)
    names = Q(employer_credit_code=enterprise.credit_code)
    if key:
        names |= Q(employer_key=key, employer_credit_code="")
    lo = dt.datetime.combine(since, dt.time.min, tzinfo=timezone.get_current_timezone())
    hi = dt.datetime.combine(until + dt.timedelta(days=1), dt.time.min, tzinfo=timezone.get_current_timezone())
    clues = Clue.objects.filter(names, merged_into__isnull=True, received_at__gte=lo, received_at__lt=hi).count()
    records = (EnforcementRecord.objects.filter(enterprise=enterprise, date__gte=since, date__lte=until)
               .exclude(kind__in=LIST_KINDS).exclude(pk=getattr(exclude, "pk", None)).count())
    return clues, records


def record_remove(*, record, by, removed_on, evidence, wages_paid_on=None, pledge=False, applied_on=None,
                  evidence_file=None, today=None):
    """提前移出 from the blacklist or the watchlist, with the evidence. For the blacklist the rules' conditions are
    checked: wages paid in full (on `wages_paid_on`), no new clue or decision on the enterprise since and at least
    6 months passed, a written credit repair pledge. The entry stays, with the removal recorded on it."""
    today = today or timezone.localdate()
    with transaction.atomic():
        record = _locked(record, by, "remove")
        errors = {}
        _day(removed_on, "removed_on", errors, earliest=record.date, today=today, label=_("移出日期"))
        text = _text(evidence, "evidence", errors, required_message=_("请填写移出依据。"))
        applied_on = applied_on or removed_on
        if applied_on is not None and removed_on is not None and not record.date <= applied_on <= removed_on:
            errors["applied_on"] = [_("申请日期应在列入日期和移出日期之间。")]
        if record.kind == Kind.BLACKLIST:
            _day(wages_paid_on, "wages_paid_on", errors, earliest=dt.date(2000, 1, 1), today=today,
                 label=_("工资全额支付日期"))
            if not pledge:
                errors["pledge"] = [_("提前移出须有企业作出的信用修复书面承诺。")]
            if "wages_paid_on" not in errors and "removed_on" not in errors:
                quiet_from = max(wages_paid_on, record.date)
                earliest = add_months(quiet_from, QUIET_MONTHS)
                if removed_on < earliest:
                    errors["removed_on"] = [_("工资全额支付后须满%(n)s个月未发生新的欠薪案件,最早可于%(day)s移出。") % {
                        "n": QUIET_MONTHS, "day": earliest.isoformat()}]
                else:
                    clues, records = new_cases_since(record.enterprise, quiet_from, removed_on, exclude=record)
                    if clues or records:
                        errors["wages_paid_on"] = [_("工资支付后该企业又有%(clues)s条欠薪线索、%(records)s项执法决定,"
                                                     "不符合提前移出条件。") % {"clues": clues, "records": records}]
        if errors:
            raise _invalid(errors)
        record.removed_on, record.removal_kind, record.removed_by = removed_on, RemovalKind.EARLY, by
        record.removal_applied_on, record.evidence = applied_on, text
        record.wages_paid_on = wages_paid_on if record.kind == Kind.BLACKLIST else None
        record.pledge = bool(pledge)
        if evidence_file is not None:
            evidence_file.store(record.evidence_file, f"removal-{record.pk}")
        record.save()
        _event(record, "enforcement_removed", _("%(enterprise)s提前移出%(kind)s:%(text)s") % {
            "enterprise": record.enterprise.name, "kind": record.get_kind_display(), "text": text}, by,
            timezone.now())
        if record.kind == Kind.BLACKLIST:
            sync_blacklist_flags([record.enterprise_id])
    return record


def record_close(*, record, by, closed_on=None, note="", outcome="", case_number="", today=None):
    """结案: a referral with the police's outcome (and case number), or any other open record with a note."""
    today = today or timezone.localdate()
    closed_on = closed_on or today
    with transaction.atomic():
        record = _locked(record, by, "close")
        errors = {}
        _day(closed_on, "closed_on", errors, earliest=record.date, today=today, label=_("结案日期"))
        if record.kind == Kind.POLICE_REFERRAL:
            outcome = _text(outcome, "outcome", errors, required_message=_("请填写公安机关的处理结果。"))
            case_number = (case_number or "").strip()[:60]
            note = _text(note, "note", errors)
        else:
            note = _text(note, "note", errors, required_message=_("请填写结案说明。"))
        if errors:
            raise _invalid(errors)
        record.closed_on, record.closed_by, record.close_note = closed_on, by, note
        if record.kind == Kind.POLICE_REFERRAL:
            record.outcome = outcome
            record.case_number = case_number or record.case_number
        record.save()
        _event(record, "enforcement_closed", _("%(kind)s%(number)s结案:%(text)s") % {
            "kind": record.get_kind_display(), "number": record.number, "text": outcome or note}, by,
            timezone.now())
    return record


# --- the daily sweep -------------------------------------------------------------------------------------------

def expire_lists(*, today=None):
    """期满移出: every blacklist and watchlist entry whose removal date has come is removed (compare-and-swap on
    `removed_on`, so two runs never remove twice), the flags follow. Returns how many."""
    today = today or timezone.localdate()
    due = list(EnforcementRecord.objects.filter(kind__in=LIST_KINDS, removed_on__isnull=True,
                                                removal_date__lte=today)
               .values_list("pk", "enterprise_id", "removal_date", "project_id", "number"))
    removed, enterprises, events = 0, set(), []
    now = timezone.now()
    with transaction.atomic():
        for pk, enterprise_id, removal_date, project_id, number in due:
            if EnforcementRecord.objects.filter(pk=pk, removed_on__isnull=True).update(
                    removed_on=removal_date, removal_kind=RemovalKind.EXPIRED, updated_at=now):
                removed += 1
                enterprises.add(enterprise_id)
                if project_id:
                    events.append(ProjectEvent(project_id=project_id, at=now, kind="enforcement_removed",
                                               text=_("%(number)s期满移出名单。") % {"number": number},
                                               data={"enforcement": pk}))
        ProjectEvent.objects.bulk_create(events)
        sync_blacklist_flags(enterprises)
    return removed


def note_overdue_orders(*, today=None):
    """Rectification orders past their deadline and not rectified: noted once each, on the project's timeline,
    and the unit's officers told (one notice per unit). Returns how many."""
    today = today or timezone.localdate()
    now = timezone.now()
    with transaction.atomic():
        rows = list(EnforcementRecord.objects.select_for_update(skip_locked=True, of=("self",))
                    .filter(kind=Kind.RECTIFICATION_ORDER, rectified_on__isnull=True, closed_on__isnull=True,
                            deadline__lt=today, overdue_at__isnull=True)
                    .values_list("pk", "unit_id", "project_id", "number", "enterprise__name", "deadline"))
        if not rows:
            return 0
        EnforcementRecord.objects.filter(pk__in=[row[0] for row in rows]).update(overdue_at=now)
        by_unit, events = {}, []
        for pk, unit_id, project_id, number, enterprise, deadline in rows:
            line = _("责令改正%(number)s(%(enterprise)s)整改期限%(day)s已过,尚未整改。") % {
                "number": number, "enterprise": enterprise, "day": deadline.isoformat()}
            by_unit.setdefault(unit_id, []).append((pk, line))
            if project_id:
                events.append(ProjectEvent(project_id=project_id, at=now, kind="enforcement_overdue", text=line,
                                           data={"enforcement": pk}))
        ProjectEvent.objects.bulk_create(events)
        for unit in Unit.objects.filter(pk__in=list(by_unit)):
            items = by_unit[unit.pk]
            notify_unit_officers(unit, subject=_("责令改正逾期未整改%(n)s件") % {"n": len(items)},
                                 body="\n".join(line for _pk, line in items[:20]),
                                 url=f"{reverse('credit:list')}?unit={unit.code}&state=overdue",
                                 dedupe_prefix=f"credit:overdue:{unit.pk}:{min(pk for pk, _l in items)}")
    return len(rows)

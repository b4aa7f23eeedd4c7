"""The clue lifecycle (三统一): states, transitions, who may make each, the inputs each needs, the clocks each starts.

Every change of a clue's status goes through this module; intake, views, API, admin and tasks call it. A move
runs in one transaction on the clue's row lock, re-checks the state under the lock, writes the clue, the
assignment history, one event and the outbox messages together, or nothing at all. The escalation ladder is
not called from here: a move marks the clue's ladder for the next supervision sweep (`clues.clocks.refresh`),
which brings its steps in line with the clocks before it takes any.
"""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.roles import OFFICER_ROLES, REVIEW_ROLES, TRIAGE_ROLES, Role, has_any_role
from core.api import ApplicationError, Conflict
from notifications.services import notify_role, notify_unit_officers
from units.models import Unit

from . import clocks
from .clocks import OPEN_STATUSES, running_deadlines
from .models import MONEY_RESULTS, Assignment, Clue, ClueEvent, HandlingRecord, Result, Status
from .notify import sms_to_complainant

REOPEN_WINDOW = dt.timedelta(days=30)


@dataclass(frozen=True)
class Transition:
    name: str
    label: str
    sources: frozenset
    target: str | None  # None: the status stays (a handling record, a follow-up)
    roles: frozenset
    own_unit: bool  # the actor must belong to the unit the clue is assigned to now
    event: str
    public: bool
    # (input, the message when it is missing): checked by `_require` before anything is read or written.
    requires: tuple = ()
    # The clocks the move starts, counted from the move (`clues.clocks.start`). Whether a clock still runs
    # afterwards is `clues.clocks.running_deadlines`: a claim stops the claim clock, the first contact record
    # the response clock, the unit's 办结 every clock, and so on.
    starts: tuple = ()


_UNIT_MISSING = gettext_lazy("请选择一个旗县市区或行业部门作为承办单位。")
_KIND_MISSING = gettext_lazy("请选择办理记录的类别。")
_NOTE_MISSING = gettext_lazy("请填写办理情况。")
_RETURN_REASON_MISSING = gettext_lazy("请填写退回理由。")
_REJECT_REASON_MISSING = gettext_lazy("请填写退回理由。")
_RESULT_MISSING = gettext_lazy("请选择核处结论。")
_SATISFIED_MISSING = gettext_lazy("请选择满意或不满意。")
_INTO_MISSING = gettext_lazy("请指定要合并到的原线索。")

# The longest free text each input of a move takes; forms and API serializers read these too.
TEXT_LIMITS = {"note": 1000, "reason": 1000, "record_note": 2000, "resolution_note": 2000,
               "followup_note": 500}

T = Transition
TRANSITIONS = {t.name: t for t in [
    T("receive", gettext_lazy("线索归集"), frozenset(), Status.RECEIVED, frozenset(), False,
      ClueEvent.Kind.RECEIVED, True, starts=("response", "close")),
    T("transfer", gettext_lazy("转办"), frozenset({Status.RECEIVED, Status.ASSIGNED}), Status.ASSIGNED,
      TRIAGE_ROLES, False, ClueEvent.Kind.TRANSFERRED, True, requires=(("unit", _UNIT_MISSING),),
      starts=("claim",)),
    T("claim", gettext_lazy("认领"), frozenset({Status.ASSIGNED}), Status.IN_PROGRESS, OFFICER_ROLES, True,
      ClueEvent.Kind.CLAIMED, True),
    T("record", gettext_lazy("添加办理记录"), frozenset({Status.IN_PROGRESS}), None, OFFICER_ROLES, True,
      ClueEvent.Kind.RECORD, False, requires=(("kind", _KIND_MISSING), ("note", _NOTE_MISSING))),
    T("return", gettext_lazy("退回"), frozenset({Status.ASSIGNED, Status.IN_PROGRESS}), Status.RECEIVED,
      OFFICER_ROLES, True, ClueEvent.Kind.RETURNED, False, requires=(("reason", _RETURN_REASON_MISSING),),
      starts=("retransfer",)),
    T("resolve", gettext_lazy("办结"), frozenset({Status.IN_PROGRESS}), Status.RESOLVED, OFFICER_ROLES, True,
      ClueEvent.Kind.RESOLVED, True, requires=(("result", _RESULT_MISSING),)),
    T("approve", gettext_lazy("审核通过"), frozenset({Status.RESOLVED}), Status.CLOSED, REVIEW_ROLES, False,
      ClueEvent.Kind.REVIEW_APPROVED, True),
    # A rejected closure goes back to the unit with the close clock it had: nothing starts anew.
    T("reject", gettext_lazy("审核退回"), frozenset({Status.RESOLVED}), Status.IN_PROGRESS, REVIEW_ROLES,
      False, ClueEvent.Kind.REVIEW_REJECTED, False, requires=(("reason", _REJECT_REASON_MISSING),)),
    T("followup", gettext_lazy("回访"), frozenset({Status.CLOSED}), None, REVIEW_ROLES, False,
      ClueEvent.Kind.FOLLOWUP, True, requires=(("satisfied", _SATISFIED_MISSING),)),
    T("reopen", gettext_lazy("重新办理"), frozenset({Status.CLOSED}), Status.IN_PROGRESS, REVIEW_ROLES, False,
      ClueEvent.Kind.REOPENED, True, starts=("close",)),
    T("merge", gettext_lazy("合并重复线索"), frozenset(OPEN_STATUSES), Status.CLOSED, TRIAGE_ROLES, False,
      ClueEvent.Kind.MERGED, True, requires=(("into", _INTO_MISSING),)),
]}
del T

STATUS_PUBLIC_TEXT = {
    Status.RECEIVED: gettext_lazy("已受理,正在分派承办单位"),
    Status.ASSIGNED: gettext_lazy("已转交%(unit)s,等待承办单位认领"),
    Status.IN_PROGRESS: gettext_lazy("%(unit)s正在办理"),
    Status.RESOLVED: gettext_lazy("%(unit)s已办结,市级正在审核"),
    Status.CLOSED: gettext_lazy("已办结"),
}
# What the worker reads when the clue is closed: the result in plain words, not the category's name.
RESULT_PUBLIC_TEXT = {
    Result.PAID_IN_FULL: gettext_lazy("经%(unit)s核查处理,拖欠的工资已经足额支付。"),
    Result.PAID_PARTIALLY: gettext_lazy("经%(unit)s核查处理,用人单位已支付部分工资,剩下的部分已签订分期支付协议,"
                                        "请按协议约定的时间留意到账。"),
    Result.NO_ARREARS: gettext_lazy("经%(unit)s核实,没有发现拖欠工资的情况。如您有新的证据,可以重新反映或拨打12333。"),
    Result.ARBITRATION: gettext_lazy("经%(unit)s核查,这一争议需要通过劳动仲裁或诉讼解决,承办单位已告诉您怎样申请。"),
    Result.POLICE: gettext_lazy("用人单位涉嫌拒不支付劳动报酬罪,%(unit)s已将案件移送公安机关。"),
    Result.UNREACHABLE: gettext_lazy("%(unit)s多次联系您都没有联系上,线索已办结。"
                                     "如仍被拖欠工资,请重新反映或拨打12333。"),
    Result.DUPLICATE: gettext_lazy("这件事已经在同一事项的另一条线索中办理。"),
    Result.OUT_OF_SCOPE: gettext_lazy("经%(unit)s核查,这件事不属于欠薪线索的受理范围,承办单位已告诉您可以向哪里反映。"),
    Result.OTHER: gettext_lazy("%(unit)s已办结,办理情况见下面的办理过程。"),
}


# --- who may do what --------------------------------------------------------------------------------------

def check_allowed(name, clue, user):
    """Raise ApplicationError/Conflict if `user` may not make move `name` on `clue` as it is now."""
    t = TRANSITIONS[name]
    if clue.status not in t.sources:
        if name == "claim" and clue.status == Status.IN_PROGRESS:
            raise Conflict(_("该线索已被认领,无需重复认领。"), code="already_claimed")
        raise Conflict(_("线索当前状态为“%(status)s”,不能%(action)s。")
                       % {"status": clue.get_status_display(), "action": t.label}, code="invalid_transition")
    # The worker rates a result without an account, identified by tracking code and mobile number.
    by_worker = name == "followup" and user is None
    if not by_worker and not has_any_role(user, t.roles):
        raise ApplicationError(_("您没有“%(action)s”的权限。") % {"action": t.label},
                               code="permission_denied", status_code=403)
    if t.own_unit and (user.unit_id is None or user.unit_id != clue.unit_id):
        raise ApplicationError(_("该线索不在本单位办理,不能%(action)s。") % {"action": t.label},
                               code="permission_denied", status_code=403)
    if clue.merged_into_id and name in {"followup", "reopen"}:
        raise Conflict(_("该线索已合并至 %(code)s,请在原线索上操作。")
                       % {"code": clue.merged_into.tracking_code}, code="merged")
    if name == "followup" and clue.followup_at and clue.closed_at and clue.followup_at >= clue.closed_at:
        raise Conflict(_("本次办结已回访,不能重复回访。"), code="already_followed_up")
    if name == "reopen":
        if clue.followup_satisfied is not False or not clue.followup_at or clue.followup_at < clue.closed_at:
            raise Conflict(_("只有回访不满意的线索才能重新办理。"), code="not_unsatisfied")
        if timezone.now() - clue.followup_at > REOPEN_WINDOW:
            raise Conflict(_("回访不满意已超过30日,不能重新办理。"), code="reopen_window_passed")


def allowed_actions(clue, user):
    """The names of the moves `user` may make on `clue` now (inputs not yet checked)."""
    allowed = set()
    for name in TRANSITIONS:
        try:
            check_allowed(name, clue, user)
        except ApplicationError:
            continue
        allowed.add(name)
    return allowed


# --- inputs and clocks, read from the declaration ---------------------------------------------------------

def _require(name, **inputs):
    """Every input the move declares in `requires` is present, or one field-by-field error naming each."""
    errors = {}
    for field, message in TRANSITIONS[name].requires:
        value = inputs.get(field)
        if value is None or (isinstance(value, str) and not value.strip()):
            errors[field] = [str(message)]
    if errors:
        first = next(iter(errors.values()))[0]
        raise ApplicationError(first if len(errors) == 1 else _("提交的数据有误,请按提示修改。"), fields=errors)


def clue_url(clue_or_pk):
    """The staff page of a clue (a clue or its pk)."""
    return reverse("dispatch:clue", args=[getattr(clue_or_pk, "pk", clue_or_pk)])


def _event_row(clue, kind, *, actor=None, from_status="", to_status="", note="", public=False, public_note="",
               data=None, at=None):
    return ClueEvent(
        clue=clue, kind=kind, at=at or timezone.now(), actor=actor,
        actor_unit_id=getattr(actor, "unit_id", None), from_status=from_status, to_status=to_status, note=note,
        is_public=public, public_note=public_note, data=data or {})


def _event(clue, kind, **fields):
    event = _event_row(clue, kind, **fields)
    event.save()
    return event


# --- moves ------------------------------------------------------------------------------------------------

def start_received(clue, snapshot=None):
    """Start the clocks `receive` declares on a clue, counted from when it was first received; intake calls
    it before the clue's first save, so the clue is written once, with its deadlines."""
    t = TRANSITIONS["receive"]
    clocks.start(clue, t.starts, clue.received_at, snapshot=snapshot)
    clocks.refresh(clue, timezone.now())


def record_received(clue, actor=None, *, started=False):
    """The first event of every clue: it entered the pool (统一归集). Unless `started` (by `start_received`
    before the clue was saved), the clocks `receive` declares start now and are saved on the clue."""
    t = TRANSITIONS["receive"]
    if not started:
        start_received(clue)
        clue.save(update_fields=[*(clocks.CLOCKS[k].field for k in t.starts), "next_deadline_at", "is_overdue",
                                 "ladder_dirty"])
    event = received_event(clue, actor)
    event.save()
    return event


def received_event(clue, actor=None):
    """The first event of every clue (统一归集), unsaved: intake may insert it together with the clue."""
    return _event_row(clue, TRANSITIONS["receive"].event, actor=actor, to_status=Status.RECEIVED, public=True,
                      at=clue.received_at, note=clue.get_channel_display(), public_note=_("您反映的线索已归集受理"))


def _perform(name, clue, by, apply):
    """Lock the clue, check the move, let `apply(locked, now)` change it and describe the event, save."""
    t = TRANSITIONS[name]
    with transaction.atomic():
        locked = Clue.objects.select_for_update(of=("self",)).select_related("unit").get(pk=clue.pk)
        check_allowed(name, locked, by)
        now = timezone.now()
        from_status = locked.status
        event = apply(locked, now) or {}
        if t.target:
            locked.status = t.target
        clocks.start(locked, t.starts, now)
        locked.version += 1
        clocks.refresh(locked, now)
        locked.save()
        _event(locked, t.event, actor=by, from_status=from_status, to_status=locked.status, at=now,
               public=t.public, **event)
    clue.refresh_from_db()
    return clue


def _open_assignment(clue):
    return clue.assignments.filter(ended_at__isnull=True).order_by("-assigned_at", "-pk").first()


def _clean_text(value, field, label, *, max_length):
    text = (value or "").strip()
    if len(text) > max_length:
        message = _("%(label)s不能超过%(n)d个字。") % {"label": label, "n": max_length}
        raise ApplicationError(message, fields={field: [message]})
    return text


def transfer(*, clue, unit, by, note="", version=None):
    """转办: route the clue to a district or a sector department; the claim clock starts.

    `version` is the clue's version the caller saw (default: that of `clue` as loaded); if the clue moved
    since — another transfer got there first — this one is a 409 and sends nothing."""

    if isinstance(unit, str):
        unit = Unit.objects.filter(code=unit).first()
    if unit is not None and (unit.kind == Unit.Kind.CITY or not unit.is_active):
        unit = None
    _require("transfer", unit=unit)
    note = _clean_text(note, "note", _("转办意见"), max_length=TEXT_LIMITS["note"])

    seen = clue.version if version is None else version

    def apply(c, now):
        if c.version != seen:
            raise Conflict(_("线索已被他人处理(当前状态:%(status)s),请刷新后再决定是否转办。")
                           % {"status": c.get_status_display()}, code="stale_version")
        if c.status == Status.ASSIGNED and c.unit_id == unit.pk:
            message = _("线索已在%(unit)s,无需重复转办。") % {"unit": unit.name}
            raise ApplicationError(message, fields={"unit": [message]})
        previous = _open_assignment(c)
        if previous:
            previous.ended_at, previous.end_reason = now, Assignment.EndReason.RETRANSFERRED
            previous.save(update_fields=["ended_at", "end_reason"])
        c.unit, c.assigned_at, c.claimed_at = unit, now, None
        c.retransfer_deadline = None
        clocks.start(c, TRANSITIONS["transfer"].starts, now)
        Assignment.objects.create(clue=c, unit=unit, assigned_at=now, assigned_by=by, note=note,
                                  claim_deadline=c.claim_deadline)
        notify_unit_officers(
            unit, subject=_("新转办线索 %(code)s") % {"code": c.tracking_code},
            body=_("%(employer)s,%(workers)d人,%(amount)s元。请于%(deadline)s前认领。") % {
                "employer": c.employer_name, "workers": c.worker_count, "amount": c.amount_owed,
                "deadline": timezone.localtime(c.claim_deadline).strftime("%m月%d日 %H:%M")},
            url=clue_url(c), about=c, dedupe_prefix=f"transfer:{c.pk}:{c.version}")
        sms_to_complainant(c, _("【乌兰·薪】您反映的欠薪线索(%(code)s)已转交%(unit)s办理。")
                           % {"code": c.tracking_code, "unit": unit.name}, reason=f"transfer:{c.version}")
        return {"note": note, "public_note": _("已转交%(unit)s办理") % {"unit": unit.name},
                "data": {"unit": unit.code, "claim_deadline": c.claim_deadline.isoformat()}}

    return _perform("transfer", clue, by, apply)


def claim(*, clue, by):
    """认领: an officer of the unit takes the clue on; the claim clock stops."""

    def apply(c, now):
        c.claimed_at = now
        current = _open_assignment(c)
        if current:
            current.claimed_at, current.claimed_by = now, by
            current.save(update_fields=["claimed_at", "claimed_by"])
        late = c.claim_deadline is not None and now > c.claim_deadline
        return {"public_note": _("%(unit)s已认领,正在核查处理") % {"unit": c.unit.name},
                "data": {"late": late}}

    return _perform("claim", clue, by, apply)


def _decimal(value, field, label, *, minimum=Decimal("0")):
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        message = _("%(label)s应为数字。") % {"label": label}
        raise ApplicationError(message, fields={field: [message]}) from None
    if number < minimum or number >= Decimal("1e12"):
        message = _("%(label)s超出合理范围。") % {"label": label}
        raise ApplicationError(message, fields={field: [message]})
    return number


def _count(value, field, label):
    if value in (None, ""):
        return None
    try:
        number = int(value)
    except (TypeError, ValueError):
        message = _("%(label)s应为整数。") % {"label": label}
        raise ApplicationError(message, fields={field: [message]}) from None
    if number < 0 or number > 100000:
        message = _("%(label)s超出合理范围。") % {"label": label}
        raise ApplicationError(message, fields={field: [message]})
    return number


def add_record(*, clue, by, kind, note, occurred_at=None, amount=None, workers=None):
    """A handling record; the first contact with the worker stops the response clock."""
    _require("record", kind=kind if kind in HandlingRecord.Kind.values else None, note=note)
    note = _clean_text(note, "note", _("办理情况"), max_length=TEXT_LIMITS["record_note"])
    amount = _decimal(amount, "amount", _("支付金额"))
    workers = _count(workers, "workers", _("支付人数"))
    if kind == HandlingRecord.Kind.PAYMENT:
        errors = {}
        if not amount:
            errors["amount"] = [_("支付工资记录须填写支付金额。")]
        if not workers:
            errors["workers"] = [_("支付工资记录须填写支付人数。")]
        if errors:
            raise ApplicationError(_("提交的数据有误,请按提示修改。"), fields=errors)
    now = timezone.now()
    occurred_at = occurred_at or now
    if occurred_at > now:
        message = _("发生时间不能晚于现在。")
        raise ApplicationError(message, fields={"occurred_at": [message]})

    def apply(c, now):
        record = HandlingRecord.objects.create(clue=c, unit=c.unit, kind=kind, occurred_at=occurred_at,
                                               note=note, amount=amount, workers=workers, created_by=by)
        if kind == HandlingRecord.Kind.CONTACT and c.first_contact_at is None:
            c.first_contact_at = occurred_at
        return {"note": note, "data": {"record": record.pk, "kind": kind,
                                       "amount": str(amount) if amount is not None else None,
                                       "workers": workers}}

    return _perform("record", clue, by, apply)


def return_to_triage(*, clue, by, reason):
    """退回: the unit says the clue is not theirs; back to triage, to be re-transferred within 24 hours."""
    _require("return", reason=reason)
    reason = _clean_text(reason, "reason", _("退回理由"), max_length=TEXT_LIMITS["reason"])

    def apply(c, now):
        current = _open_assignment(c)
        if current:
            current.ended_at, current.end_reason = now, Assignment.EndReason.RETURNED
            current.save(update_fields=["ended_at", "end_reason"])
        unit = c.unit
        c.unit, c.returned_at, c.claim_deadline, c.claimed_at = None, now, None, None
        notify_role(Role.INTAKE, subject=_("线索 %(code)s 被%(unit)s退回") % {"code": c.tracking_code,
                                                                            "unit": unit.name},
                    body=reason, url=clue_url(c), about=c, dedupe_prefix=f"return:{c.pk}:{c.version}")
        return {"note": reason, "data": {"unit": unit.code}}

    return _perform("return", clue, by, apply)


def resolve(*, clue, by, result, amount_recovered=None, workers_paid=None, note=""):
    """办结 by the unit: a result, and the money recovered where money moved; awaits city review."""
    _require("resolve", result=result if result in Result.values else None)
    amount = _decimal(amount_recovered, "amount_recovered", _("追回金额"))
    workers = _count(workers_paid, "workers_paid", _("兑付人数"))
    note = _clean_text(note, "note", _("办理情况"), max_length=TEXT_LIMITS["resolution_note"])
    if result in MONEY_RESULTS:
        errors = {}
        if not amount:
            errors["amount_recovered"] = [_("结论为支付工资时,须填写追回金额。")]
        if not workers:
            errors["workers_paid"] = [_("结论为支付工资时,须填写兑付人数。")]
        if errors:
            raise ApplicationError(_("提交的数据有误,请按提示修改。"), fields=errors)

    def apply(c, now):
        c.result, c.amount_recovered, c.workers_paid, c.resolution_note = result, amount, workers, note
        c.resolved_at = now
        notify_role(Role.INTAKE, subject=_("线索 %(code)s 待审核") % {"code": c.tracking_code},
                    body=_("%(unit)s已办结:%(result)s") % {"unit": c.unit.name,
                                                        "result": Result(result).label},
                    url=clue_url(c), about=c, dedupe_prefix=f"resolve:{c.pk}:{c.version}")
        return {"note": note, "public_note": _("%(unit)s已办结,结论:%(result)s;市级正在审核") % {
            "unit": c.unit.name, "result": Result(result).label},
            "data": {"result": result, "amount_recovered": str(amount) if amount is not None else None,
                     "workers_paid": workers, "on_time": bool(c.close_deadline and now <= c.close_deadline)}}

    return _perform("resolve", clue, by, apply)


def review(*, clue, by, approve, reason=""):
    """City review of a unit's closure: approve → closed; reject with a reason → back to the unit."""
    if approve:
        reason = _clean_text(reason, "reason", _("审核意见"), max_length=TEXT_LIMITS["reason"])

        def apply(c, now):
            c.closed_at = now
            current = _open_assignment(c)
            if current:
                current.ended_at, current.end_reason = now, Assignment.EndReason.CLOSED
                current.save(update_fields=["ended_at", "end_reason"])
            sms_to_complainant(c, _("【乌兰·薪】您反映的欠薪线索(%(code)s)已办结:%(result)s。"
                                    "请凭查询码和手机号对办理结果进行评价。")
                               % {"code": c.tracking_code, "result": c.get_result_display()},
                               reason=f"closed:{c.version}")
            result = c.get_result_display()
            return {"note": reason, "public_note": _("已办结:%(result)s") % {"result": result}}

        return _perform("approve", clue, by, apply)

    _require("reject", reason=reason)
    reason = _clean_text(reason, "reason", _("退回理由"), max_length=TEXT_LIMITS["reason"])

    def apply_reject(c, now):
        c.resolved_at = None
        notify_unit_officers(c.unit, subject=_("线索 %(code)s 审核未通过") % {"code": c.tracking_code},
                             body=reason, url=clue_url(c), about=c,
                             dedupe_prefix=f"reject:{c.pk}:{c.version}")
        return {"note": reason, "data": {"result": c.result}}

    return _perform("reject", clue, by, apply_reject)


def followup(*, clue, satisfied, note="", by=None):
    """一事一回访: the worker (by=None, on the progress page) or city staff record satisfaction."""
    _require("followup", satisfied=satisfied if isinstance(satisfied, bool) else None)
    if not satisfied and not (note or "").strip():
        message = _("请填写回访意见。")
        raise ApplicationError(message, fields={"note": [message]})
    note = _clean_text(note, "note", _("回访意见"), max_length=TEXT_LIMITS["followup_note"])

    def apply(c, now):
        c.followup_satisfied, c.followup_note, c.followup_at = satisfied, note, now
        verdict = _("满意") if satisfied else _("不满意")
        return {"note": note, "public_note": _("回访评价:%(verdict)s") % {"verdict": verdict},
                "data": {"satisfied": satisfied, "by_worker": by is None}}

    return _perform("followup", clue, by, apply)


def reopen(*, clue, by, note=""):
    """Reopen after an unsatisfied follow-up (within 30 days): the same unit handles it again."""
    note = _clean_text(note, "note", _("重新办理说明"), max_length=TEXT_LIMITS["note"])

    def apply(c, now):
        last = c.assignments.order_by("-assigned_at", "-pk").first()
        if last is None:
            raise Conflict(_("该线索从未转办,不能重新办理。"), code="never_assigned")
        last.ended_at, last.end_reason = None, ""
        last.save(update_fields=["ended_at", "end_reason"])
        c.unit = last.unit
        c.closed_at = c.resolved_at = None
        c.result, c.amount_recovered, c.workers_paid = "", None, None
        notify_unit_officers(c.unit, subject=_("线索 %(code)s 重新办理") % {"code": c.tracking_code},
                             body=note or c.followup_note, url=clue_url(c), about=c,
                             dedupe_prefix=f"reopen:{c.pk}:{c.version}")
        return {"note": note, "public_note": _("根据回访意见重新办理")}

    return _perform("reopen", clue, by, apply)


def merge(*, clue, into, by):
    """Close a confirmed duplicate into its original (result duplicate); both timelines say so."""
    if isinstance(into, int | str):
        into = Clue.objects.filter(pk=into).first()
    _require("merge", into=into)
    while into.merged_into_id:  # merging into a merged clue means merging into its original
        into = into.merged_into
    if into.pk == clue.pk:
        message = _("不能将线索合并到它自己。")
        raise ApplicationError(message, fields={"into": [message]})

    def apply(c, now):
        current = _open_assignment(c)
        if current:
            current.ended_at, current.end_reason = now, Assignment.EndReason.CLOSED
            current.save(update_fields=["ended_at", "end_reason"])
        c.merged_into, c.result, c.closed_at = into, Result.DUPLICATE, now
        _event(into, ClueEvent.Kind.MERGED, actor=by, from_status=into.status, to_status=into.status,
               at=now, note=_("线索 %(code)s 作为重复线索合并至本线索") % {"code": c.tracking_code},
               data={"duplicate": c.pk})
        return {"note": _("作为重复线索合并至 %(code)s") % {"code": into.tracking_code},
                "public_note": _("与同一事项的线索 %(code)s 合并办理") % {"code": into.tracking_code},
                "data": {"into": into.pk}}

    return _perform("merge", clue, by, apply)


# --- what the worker sees ----------------------------------------------------------------------------------

def public_subject(clue):
    """The clue whose progress a worker's code shows: a merged duplicate shows its original."""
    while clue.merged_into_id:
        clue = clue.merged_into
    return clue


def public_status_text(clue):
    unit = clue.unit.name if clue.unit_id else _("承办单位")
    return str(STATUS_PUBLIC_TEXT[clue.status]) % {"unit": unit}


def public_result_text(clue):
    """The closed clue's result in plain words for the worker ("" while it is not closed)."""
    if clue.status != Status.CLOSED or not clue.result:
        return ""
    unit = clue.unit.name if clue.unit_id else _("承办单位")
    return str(RESULT_PUBLIC_TEXT[clue.result]) % {"unit": unit}


def public_timeline(clue):
    events = clue.events.filter(is_public=True).order_by("at", "pk")
    return [{"at": e.at, "title": e.get_kind_display(), "text": e.public_note} for e in events]


def public_deadlines(clue):
    running = running_deadlines(clue)
    labels = {"claim": _("认领期限"), "response": _("响应期限"), "close": _("办结期限")}
    return [{"name": name, "label": labels[name], "at": at} for name, at in running.items() if name in labels]

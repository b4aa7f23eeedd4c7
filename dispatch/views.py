"""Staff workspaces of the lifecycle: triage dashboard, all-clues list, unit workspace, review and follow-up
queues, and the clue detail page whose action forms each call one lifecycle move.

Views parse the request, call a selector or `clues.lifecycle`, and render or redirect (POST → redirect →
GET). A clue the user may not see is a 404 on every URL, never a hint that it exists.
"""

from dataclasses import dataclass
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.roles import CITY_WIDE_ROLES, STAFF_ROLES, TRIAGE_ROLES, Role, has_any_role
from clues import lifecycle
from clues.intake_fields import can_enter_clues
from clues.personal_data import masked_phone, personal_data_for
from clues.triage import triage_explain
from core.api import ApplicationError
from supervision import letters
from units.models import Unit

from . import selectors, services
from .forms import (
    BulkTransferForm,
    ClueFilterForm,
    EmptyForm,
    FollowupForm,
    MergeForm,
    RecordForm,
    ReopenForm,
    ResolveForm,
    ReturnForm,
    ReviewForm,
    SavedFilterForm,
    TransferForm,
)

PAGE_URLS = {"triage": "dispatch:triage", "all": "dispatch:all"}
TRIAGE_FILTERS = ("q", "risk_color", "channel", "district", "suggested_department", "received_from",
                  "received_to")


def _has_role(user, roles):
    return has_any_role(user, roles)


def forbidden(request, message=None):
    return render(request, "dispatch/forbidden.html",
                  {"message": message or _("您的角色不能使用此页面。")}, status=403)


def role_required(*roles):
    """Log in first; then a user without any of `roles` gets the 403 page."""

    def decorator(view):
        @login_required
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not _has_role(request.user, roles):
                return forbidden(request)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def _next_url(request):
    target = request.POST.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                                  require_https=request.is_secure()):
        return target
    return ""


def _page(request, queryset):
    return Paginator(queryset, selectors.PAGE_SIZE).get_page(request.GET.get("page"))


def _query_without_page(request):
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


# --- lists ------------------------------------------------------------------------------------------------

def _list_context(request, page_key, rows):
    clock = selectors.DeadlineClock()
    page = _page(request, rows)
    selectors.decorate_rows(page.object_list, clock)
    return {
        "page": page,
        "page_key": page_key,
        "query": _query_without_page(request),
        "saved_query": selectors.clean_query(request.GET),
        "saved_filters": selectors.saved_filters(request.user, page_key),
        "counts": selectors.state_counts(request.user, now=clock.now),
        "now": clock.now,
    }


@role_required(*TRIAGE_ROLES)
def triage(request):
    """研判转办: the queue of received clues, red first, with one-click and bulk transfer."""
    units = selectors.transfer_units()
    form = ClueFilterForm(request.GET or None, units=units)
    context = _list_context(request, "triage", selectors.triage_queue(request.user, form.filters()))
    context.update(form=form, bulk_form=BulkTransferForm(units=units, auto_id="bulk_%s"),
                   filter_fields=TRIAGE_FILTERS)
    return render(request, "dispatch/triage.html", context)


@role_required(*STAFF_ROLES)
def clue_list(request):
    """全部线索: every clue the user may see (an officer: their unit's), filtered."""
    if any(name in _OLD_FILTER_NAMES or value in _OLD_FILTER_VALUES.get(name, {})
           for name, value in request.GET.items()):
        return redirect(_with_query(reverse("dispatch:all"), list_query_from_old(request.GET)), permanent=True)
    units = selectors.transfer_units()
    form = ClueFilterForm(request.GET or None, units=units)
    context = _list_context(request, "all", selectors.all_clues(request.user, form.filters()))
    active = "overdue" if request.GET.get("overdue") == "1" else request.GET.get("status", "")
    context.update(form=form, filter_fields=[field.name for field in form], active_count=active)
    return render(request, "dispatch/clue_list.html", context)


@login_required
def unit_workspace(request):
    """本单位线索: to claim, in progress, and what came back (returned by us or rejected at review)."""
    user = request.user
    if not user.has_role(Role.OFFICER):
        return forbidden(request)
    if user.unit is None or user.unit.kind == Unit.Kind.CITY:
        return forbidden(request, _("您的账号未关联旗县市区或行业部门,请联系管理员。"))
    clock = selectors.DeadlineClock()
    workspace = selectors.unit_workspace(user.unit, now=clock.now)
    for clue in workspace["to_claim"]:
        clue.claim_clock = clock.clock("claim", clue.claim_deadline) if clue.claim_deadline else None
    for clue in workspace["in_progress"]:
        clue.next_clock = clock.next(clue)
    return render(request, "dispatch/unit_workspace.html", {
        "unit": user.unit, "unit_letters": letters.letters_for_unit(user.unit, limit=10), **workspace})


@role_required(*CITY_WIDE_ROLES)
def review_queue(request):
    """审核: clues the units resolved, oldest first, approve or reject inline."""
    page = _page(request, selectors.review_queue(request.user))
    return render(request, "dispatch/review_queue.html",
                  {"page": page, "query": _query_without_page(request)})


@role_required(*CITY_WIDE_ROLES)
def followup_queue(request):
    """回访: closed clues to phone, and unsatisfied ones that may still be reopened."""
    page = _page(request, selectors.followup_due(request.user))
    for clue in page.object_list:
        clue.masked_phone = masked_phone(clue.complainant_phone)
    unsatisfied = list(selectors.unsatisfied_reopenable(request.user)[:selectors.SECTION_LIMIT])
    for clue in unsatisfied:
        clue.masked_phone = masked_phone(clue.complainant_phone)
    return render(request, "dispatch/followup_queue.html",
                  {"page": page, "unsatisfied": unsatisfied, "query": _query_without_page(request),
                   "reopen_days": lifecycle.REOPEN_WINDOW.days})


# --- the clue detail page -------------------------------------------------------------------------------

def _visible_clue(user, pk):
    clue = selectors.clue_for_detail(user, pk)
    if clue is None:
        raise Http404
    return clue


def _initial_unit(clue):
    for unit in (clue.suggested_district, clue.suggested_department):
        if unit is not None and unit.pk != clue.unit_id and unit.is_active:
            return unit.code
    return ""


@dataclass(frozen=True)
class Move:
    """One action form of the detail page: the lifecycle move it makes and how to call it."""

    name: str
    form_class: Any
    perform: Any  # (request, clue, cleaned_data) -> clue
    success: Any  # (clue, cleaned_data) -> message


def _seen_version(request):
    value = request.POST.get("version", "")
    return int(value) if value.isdigit() and len(value) < 10 else None


def _transfer(request, clue, data):
    return lifecycle.transfer(clue=clue, unit=data.get("unit") or None, by=request.user,
                              note=data.get("note", ""), version=_seen_version(request))


def _record(request, clue, data):
    return lifecycle.add_record(clue=clue, by=request.user, kind=data.get("kind", ""),
                                note=data.get("note", ""), occurred_at=data.get("occurred_at"),
                                amount=data.get("amount"), workers=data.get("workers"))


def _resolve(request, clue, data):
    return lifecycle.resolve(clue=clue, by=request.user, result=data.get("result", ""),
                             amount_recovered=data.get("amount_recovered"),
                             workers_paid=data.get("workers_paid"), note=data.get("note", ""))


def _review(request, clue, data):
    return lifecycle.review(clue=clue, by=request.user, approve=data["decision"] == "approve",
                            reason=data.get("reason", ""))


def _merge(request, clue, data):
    text = (data.get("into") or "").strip()
    into = selectors.find_clue_for_merge(request.user, text)
    if text and into is None:
        message = _("未找到查询码或编号为“%(value)s”的线索。") % {"value": text}
        raise ApplicationError(message, fields={"into": [message]})
    return lifecycle.merge(clue=clue, into=into, by=request.user)


def _unit_name(clue):
    return clue.unit.name if clue.unit_id else ""


MOVES = {move.name: move for move in [
    Move("transfer", TransferForm, _transfer,
         lambda c, d: _("已转办至%(unit)s。") % {"unit": _unit_name(c)}),
    Move("claim", EmptyForm, lambda r, c, d: lifecycle.claim(clue=c, by=r.user),
         lambda c, d: _("已认领线索 %(code)s,请在期限内联系反映人。") % {"code": c.tracking_code}),
    Move("record", RecordForm, _record, lambda c, d: _("已添加办理记录。")),
    Move("return", ReturnForm, lambda r, c, d: lifecycle.return_to_triage(clue=c, by=r.user,
                                                                          reason=d.get("reason", "")),
         lambda c, d: _("已将线索 %(code)s 退回市级研判。") % {"code": c.tracking_code}),
    Move("resolve", ResolveForm, _resolve, lambda c, d: _("已办结,等待市级审核。")),
    Move("review", ReviewForm, _review,
         lambda c, d: _("审核通过,线索已办结。") if d["decision"] == "approve"
         else _("已退回%(unit)s重新办理。") % {"unit": _unit_name(c)}),
    Move("followup", FollowupForm,
         lambda r, c, d: lifecycle.followup(clue=c, by=r.user, satisfied=d.get("satisfied"),
                                            note=d.get("note", "")),
         lambda c, d: _("已记录回访结果。")),
    Move("reopen", ReopenForm, lambda r, c, d: lifecycle.reopen(clue=c, by=r.user, note=d.get("note", "")),
         lambda c, d: _("线索已重新交%(unit)s办理。") % {"unit": _unit_name(c)}),
    Move("merge", MergeForm, _merge,
         lambda c, d: _("已作为重复线索合并至 %(code)s。") % {"code": c.merged_into.tracking_code}),
]}


def _form_kwargs(name, units):
    return {"units": units} if name == "transfer" else {}


def _detail_forms(clue, allowed, units, bound):
    forms = {}
    for name in MOVES:
        if name in bound:
            forms[name] = bound[name]
        elif name in allowed or (name == "review" and {"approve", "reject"} & allowed):
            initial = {"unit": _initial_unit(clue)} if name == "transfer" else None
            forms[name] = MOVES[name].form_class(initial=initial, auto_id=f"{name}_%s",
                                                 **_form_kwargs(name, units))
    return forms


def _render_detail(request, clue, *, personal=None, bound=None, error="", status=200):
    user = request.user
    allowed = lifecycle.allowed_actions(clue, user)
    units = selectors.transfer_units() if "transfer" in allowed or "transfer" in (bound or {}) else []
    clocks = selectors.DeadlineClock().running(clue)
    context = {
        "clue": clue,
        "personal": personal or personal_data_for(clue, user),
        "triage": triage_explain(clue, user),
        "clocks": clocks,
        "overdue": any(c.overdue for c in clocks),
        "assignments": selectors.assignment_history(clue),
        "records": selectors.handling_records(clue),
        "events": selectors.clue_timeline(clue),
        "attachments": list(clue.attachments.order_by("pk")),
        "duplicates_merged": selectors.merged_duplicates(clue),
        "allowed": allowed,
        "forms": _detail_forms(clue, allowed, units, bound or {}),
        "action_error": error,
        "can_merge": "merge" in allowed,
        "public_status": lifecycle.public_status_text(lifecycle.public_subject(clue)),
        "past_deadlines": selectors.deadlines_not_running(clue),
        "credit_code_warning": selectors.credit_code_warning(clue.employer_credit_code),
        "can_enter": can_enter_clues(user),
        "clue_letters": letters.letters_for_clue(clue, user=user),
    }
    return render(request, "dispatch/clue_detail.html", context, status=status)


# A refused move's form, kept in the session between the POST and the page it redirects to (Post/Redirect/Get:
# reloading the page after an error never sends the form again).
FAILED_FORM_KEY = "dispatch_failed_form"


def _keep_failed_form(request, clue, action, form, message):
    data = {key: request.POST.getlist(key) for key in request.POST if key != "csrfmiddlewaretoken"}
    errors = {field: [str(problem) for problem in problems] for field, problems in form.errors.items()}
    request.session[FAILED_FORM_KEY] = {"clue": clue.pk, "action": action, "data": data, "errors": errors,
                                        "message": message}


def _failed_form(request, clue):
    """{action: bound form}, message of the move refused just before this page was asked for, once; else
    ({}, "")."""
    kept = request.session.pop(FAILED_FORM_KEY, None)
    if not kept or kept.get("clue") != clue.pk or kept.get("action") not in MOVES:
        return {}, ""
    action = kept["action"]
    data = QueryDict(mutable=True)
    for key, values in kept["data"].items():
        data.setlist(key, values)
    units = selectors.transfer_units() if action == "transfer" else []
    form = MOVES[action].form_class(data, auto_id=f"{action}_%s", **_form_kwargs(action, units))
    form.is_valid()
    for field, problems in kept["errors"].items():
        target = None if field == "__all__" else field
        for problem in problems:
            if problem not in form.errors.get(field, []):
                form.add_error(target, problem)
    return {action: form}, kept["message"]


@login_required
def clue_detail(request, pk):
    """Every fact, aid, deadline, assignment, record and event of one clue, and the moves allowed now; after a
    refused move, that move's form again with what was typed and the reasons."""
    clue = _visible_clue(request.user, pk)
    bound, message = _failed_form(request, clue)
    return _render_detail(request, clue, bound=bound, error=message)


@login_required
@require_POST
def reveal_personal_data(request, pk):
    """查看完整信息: the full ID and mobile number, recorded as a personal-data view."""
    clue = _visible_clue(request.user, pk)
    return _render_detail(request, clue, personal=personal_data_for(clue, request.user, reveal=True))


def _put_error(form, err):
    for field, problems in (err.fields or {}).items():
        target = field if field in form.fields else None
        for problem in problems:
            form.add_error(target, str(problem))


def _error_summary(form, message):
    parts = [message] if message else []
    for field, problems in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        for problem in problems:
            if problem != message:
                parts.append(f"{label}:{problem}" if label else problem)
    return ";".join(parts)


@login_required
@require_POST
def clue_action(request, pk, action):
    """Make one lifecycle move from a form: success → redirect with a message; refusal → redirect to the
    clue's page showing the form again, with the lifecycle's words next to the fields and at the top, and
    nothing changed."""
    move = MOVES[action]
    clue = _visible_clue(request.user, pk)
    units = selectors.transfer_units() if action == "transfer" else []
    form = move.form_class(request.POST, auto_id=f"{action}_%s", **_form_kwargs(action, units))
    back = _next_url(request)
    status = 400
    message = _("提交的数据有误,请按提示修改。")
    if form.is_valid():
        try:
            clue = move.perform(request, clue, form.cleaned_data)
        except ApplicationError as err:
            _put_error(form, err)
            message, status = err.message, err.status_code
        else:
            messages.success(request, move.success(clue, form.cleaned_data))
            return redirect(back or reverse("dispatch:clue", args=[clue.pk]))
    if back:
        messages.error(request, f"{clue.tracking_code}:{_error_summary(form, message)}")
        return redirect(back)
    if status == 403:  # a move this user may not make: nothing to correct, the refusal is the answer
        return _render_detail(request, _visible_clue(request.user, pk), bound={action: form}, error=message,
                              status=status)
    # Something to correct (400) or the clue moved on (409): back to the clue's page, the form with what was
    # typed and the reasons, so that reloading it never sends the form again.
    _keep_failed_form(request, clue, action, form, message)
    return redirect(f"{reverse('dispatch:clue', args=[clue.pk])}#{action}")


# --- bulk transfer and saved filters ---------------------------------------------------------------------

@role_required(*TRIAGE_ROLES)
@require_POST
def bulk_transfer(request):
    """批量转办: every ticked clue to one unit; says how many moved and which did not, and why."""
    units = selectors.transfer_units()
    form = BulkTransferForm(request.POST, units=units)
    back = _next_url(request) or reverse("dispatch:triage")
    if not form.is_valid():
        for problems in form.errors.values():
            for problem in problems:
                messages.error(request, problem)
        return redirect(back)
    unit = next(u for u in units if u.code == form.cleaned_data["unit"])
    moved, failed = services.clues_transfer_many(clue_ids=form.cleaned_data["clues"], unit=unit,
                                                 by=request.user)
    if moved:
        messages.success(request, _("已将 %(n)s 条线索转办至%(unit)s。")
                         % {"n": len(moved), "unit": unit.name})
    if failed:
        messages.error(request, _("%(n)s 条线索未转办:") % {"n": len(failed)} + ";".join(
            f"{label}:{reason}" for label, reason in failed))
    return redirect(back)


@role_required(*STAFF_ROLES)
@require_POST
def saved_filter_save(request):
    """保存当前筛选: a name for the current query string of the triage queue or the all-clues list."""
    form = SavedFilterForm(request.POST)
    page = request.POST.get("page") if request.POST.get("page") in PAGE_URLS else "all"
    if page == "triage" and not _has_role(request.user, TRIAGE_ROLES):
        return forbidden(request)
    query = selectors.clean_query(QueryDict(request.POST.get("query", "")[:500]))
    if form.is_valid():
        saved, created = services.saved_filter_save(user=request.user, page=page, name=form.cleaned_data["name"],
                                                    query=form.cleaned_data["query"])
        messages.success(request, (_("已保存筛选“%(name)s”。") if created else _("已更新筛选“%(name)s”。"))
                         % {"name": saved.name})
        query = saved.query
    else:
        for problems in form.errors.values():
            for problem in problems:
                messages.error(request, problem)
    url = reverse(PAGE_URLS[page])
    return redirect(f"{url}?{query}" if query else url)


@role_required(*STAFF_ROLES)
@require_POST
def saved_filter_delete(request, pk):
    saved = services.saved_filter_delete(user=request.user, pk=pk)
    if saved is None:
        raise Http404
    messages.success(request, _("已删除筛选“%(name)s”。") % {"name": saved.name})
    return redirect(PAGE_URLS.get(saved.page, "dispatch:all"))


# --- the old addresses ---------------------------------------------------------------------------------------

# The old list's filter names and values that the all-clues list spells differently; the rest are the same.
_OLD_FILTER_NAMES = {"received_after": "received_from", "received_before": "received_to"}
_OLD_FILTER_VALUES = {
    # django-filter's yes/no drop-down wrote true/false (2/3 in older versions).
    "overdue": {"true": "1", "True": "1", "2": "1", "false": "0", "False": "0", "3": "0", "unknown": ""},
    # Newest first is the list's default.
    "ordering": {"-received_at": ""},
}


def list_query_from_old(params):
    """The all-clues list's query string for a query string of an old clue list (a bookmark)."""
    query = QueryDict(mutable=True)
    for name, values in params.lists():
        new_name = _OLD_FILTER_NAMES.get(name, name)
        for value in values:
            value = _OLD_FILTER_VALUES.get(name, {}).get(value, value)
            if value:
                query.appendlist(new_name, value)
    return query.urlencode()


def _with_query(url, query):
    return f"{url}?{query}" if query else url


@require_GET
def old_clue_list(request):
    """/clues-list/ is now /clues/, with the same filters."""
    return redirect(_with_query(reverse("dispatch:all"), list_query_from_old(request.GET)), permanent=True)


def old_clue_page(request, pk, rest=""):
    """/clue/<id>/… (in SMS, letters and notices already sent) is now /clues/<id>/…; 308 keeps a POST a POST."""
    return redirect(f"{reverse('dispatch:clue', args=[pk])}{rest}", permanent=True, preserve_request=True)

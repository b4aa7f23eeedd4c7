"""Pages of enforcement and credit: the records (list, a form per kind, a record with its actions, its files), an
enterprise's credit page, the public blacklist for workers, and the panel on a project's page. Thin: the reads are
selectors', the writes services'."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from clues.selectors import clue_visible_queryset
from core.api import ApplicationError
from projects.evidence import check_evidence
from projects.models import Enterprise
from units.models import Unit

from . import selectors, services
from .forms import ACTION_FORMS, RecordForm
from .models import Kind

PAGE_SIZE = 50
ACTION_DONE = {"rectify": gettext_lazy("已记录整改完成。"), "pay": gettext_lazy("已记录罚款缴纳。"),
               "remove": gettext_lazy("已移出名单。"), "close": gettext_lazy("已结案。")}


def forbidden(request, message):
    return render(request, "credit/forbidden.html", {"message": message}, status=403)


def _upload(form, name):
    """A checked file from the form (projects.evidence), None when none was sent; a bad one is a form error."""
    upload = form.cleaned_data.get(name)
    if not upload:
        return None
    try:
        return check_evidence(upload)
    except ValidationError as exc:
        form.add_error(name, exc.messages[0])
        return False


def _put_errors(form, exc):
    for field, problems in exc.fields.items():
        target = field if field in form.fields else None
        if field.startswith("persons."):
            _persons, index, part = (field.split(".") + ["", ""])[:3]
            name = f"person_{int(index) + 1}_{part}" if index.isdigit() else ""
            target = name if name in form.fields else None
        for problem in problems:
            form.add_error(target, problem)


@login_required
def record_list(request):
    if not (selectors.is_city_staff(request.user) or selectors.officer_unit_id(request.user)):
        return forbidden(request, _("您没有查看执法与信用记录的权限。"))
    filterset = selectors.RecordFilter(request.GET, queryset=selectors.record_list_queryset(request.user))
    if not filterset.is_valid():
        return render(request, "credit/bad_request.html", {"errors": filterset.errors}, status=400)
    page = Paginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    today = timezone.localdate()
    rows = [{"record": r, "state": r.state(today)} for r in page]
    return render(request, "credit/list.html", {
        "page": page, "rows": rows, "query": query.urlencode(), "kinds": Kind.choices,
        "states": selectors.STATES, "selected": {name: request.GET.get(name, "") for name in
                                                 ("kind", "state", "enterprise", "project", "unit")},
        "can_record": services.can_record(request.user),
    })


def _prefill_from_clue(request):
    """Initial values of a police referral opened from a clue resolved with the result "police"."""
    pk = request.GET.get("clue", "")
    if not pk.isdigit():
        return {}
    clue = clue_visible_queryset(request.user).select_related("project").filter(pk=int(pk)).first()
    if clue is None:
        return {}
    enterprise = None
    if clue.employer_credit_code:
        enterprise = Enterprise.objects.filter(credit_code=clue.employer_credit_code).first()
    if enterprise is None:
        enterprise = Enterprise.objects.filter(name=clue.employer_name.strip()).first()
    initial = {"clues": str(clue.pk), "date": timezone.localdate().isoformat(),
               "enterprise": enterprise.credit_code if enterprise else clue.employer_credit_code}
    if clue.project_id:
        initial["project"] = clue.project.code
    return {"initial": initial, "clue": clue, "enterprise_found": enterprise is not None}


def _units_for(user):
    if not selectors.is_city_staff(user):
        return None
    return list(Unit.objects.filter(kind__in=services.UNIT_KINDS, is_active=True).order_by("sort_order", "code"))


@login_required
def record_new(request, kind):
    if kind not in Kind.values:
        raise Http404
    if not services.can_record(request.user):
        return forbidden(request, _("只有市级工作人员和旗县市区、行业部门的承办员可以录入执法与信用记录。"))
    units = _units_for(request.user)
    prefill = _prefill_from_clue(request) if request.method == "GET" else {}
    if request.method == "POST":
        form = RecordForm(request.POST, request.FILES, kind=kind, units=units)
        if form.is_valid():
            document = _upload(form, "document")
            if document is not False:
                try:
                    record = services.record_create(by=request.user, kind=kind, document=document,
                                                    **form.service_values())
                except ApplicationError as exc:
                    if exc.status_code == 403:
                        return forbidden(request, exc.message)
                    _put_errors(form, exc)
                else:
                    messages.success(request, _("已录入%(kind)s %(number)s。") % {
                        "kind": record.get_kind_display(), "number": record.number})
                    return redirect("credit:detail", pk=record.pk)
        status = 400
    else:
        initial = dict(prefill.get("initial") or {})
        if request.GET.get("enterprise") and "enterprise" not in initial:
            initial["enterprise"] = request.GET["enterprise"][:18]
        form = RecordForm(kind=kind, units=units, initial=initial)
        status = 200
    return render(request, "credit/new.html", {"form": form, "kind": kind, "kind_label": Kind(kind).label,
                                               "kinds": Kind.choices, "prefill": prefill}, status=status)


def _visible(request, pk):
    return get_object_or_404(selectors.record_list_queryset(request.user), pk=pk)


def _detail(request, record, bound=None, action_error="", status=200):
    today = timezone.localdate()
    allowed = selectors.allowed_actions(record, request.user, today)
    forms = {name: (bound[1] if bound and bound[0] == name else ACTION_FORMS[name]()) for name in sorted(allowed)}
    decision_deadline = (services.decision_deadline(record.removal_applied_on)
                         if record.removal_applied_on else None)
    return render(request, "credit/detail.html", {
        "record": record, "state": record.state(today), "overdue": record.is_overdue(today), "forms": forms,
        "persons": selectors.masked_persons(record), "action_error": action_error,
        "decision_deadline": decision_deadline, "clues": list(clue_visible_queryset(request.user).filter(
            pk__in=record.clues.values("pk"))),
    }, status=status)


@login_required
def record_detail(request, pk):
    return _detail(request, _visible(request, pk))


@login_required
@require_GET
def record_file(request, pk, which):
    """The decision's scan or the evidence, to those who may see the record (uploads are never served as /media/)."""
    record = _visible(request, pk)
    field = {"document": record.document, "evidence": record.evidence_file}.get(which)
    if not field:
        raise Http404
    try:
        handle = field.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    return FileResponse(handle, as_attachment=False, filename=field.name.rsplit("/", 1)[-1])


@login_required
@require_POST
def record_action(request, pk, action):
    if action not in ACTION_FORMS:
        raise Http404
    record = _visible(request, pk)
    form = ACTION_FORMS[action](request.POST, request.FILES)
    if not selectors.may_act(record, request.user):
        return forbidden(request, _("只有作出决定的单位或市级工作人员可以办理这条记录。"))
    if not form.is_valid():
        return _detail(request, record, bound=(action, form), status=400)
    data = dict(form.cleaned_data)
    if "evidence_file" in data:
        data["evidence_file"] = _upload(form, "evidence_file")
        if data["evidence_file"] is False:
            return _detail(request, record, bound=(action, form), status=400)
    calls = {"rectify": services.record_rectify, "pay": services.record_pay, "remove": services.record_remove,
             "close": services.record_close}
    try:
        calls[action](record=record, by=request.user, **data)
    except ApplicationError as exc:
        _put_errors(form, exc)
        return _detail(request, _visible(request, pk), bound=(action, form), action_error=exc.message,
                       status=exc.status_code)
    messages.success(request, ACTION_DONE[action])
    return redirect("credit:detail", pk=record.pk)


@login_required
def enterprise_detail(request, credit_code):
    enterprise = get_object_or_404(selectors.enterprise_visible_queryset(request.user), credit_code=credit_code)
    credit = selectors.enterprise_credit(enterprise, request.user)
    today = timezone.localdate()
    rows = [{"record": r, "state": r.state(today)} for r in credit["records"]]
    return render(request, "credit/enterprise.html", {
        "enterprise": enterprise, "credit": credit, "rows": rows, "kinds": Kind.choices,
        "can_record": services.can_record(request.user),
    })


@require_GET
def public_blacklist(request):
    """The blacklist as the rules require it published: no account, no person, no ID number."""
    return render(request, "credit/public_blacklist.html", {"entries": selectors.public_blacklist()})


def project_credit_panel(request, project):
    """The project page's panel (projects.hooks): the parties on the blacklist, in red, and the project's
    enforcement records the user may see."""
    parties = [e for e in (project.developer, project.general_contractor) if e is not None]
    parties += [p.enterprise for p in project.parties.select_related("enterprise")]
    listed = sorted({e.pk: e for e in parties if e.is_blacklisted}.values(), key=lambda e: e.name)
    records = list(selectors.record_list_queryset(request.user).filter(project=project)[:50])
    if not listed and not records:
        return None
    today = timezone.localdate()
    return {"template": "credit/_project_panel.html", "listed": listed,
            "rows": [{"record": r, "state": r.state(today)} for r in records]}


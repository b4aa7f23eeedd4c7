"""The worker's pages (no account): the QR entry, the clue form, the receipt, the progress page.

Views parse the request, call clues.public_forms / clues.services / clues.lifecycle, and render. They work
without JavaScript (WeChat's browser) and every POST ends in a redirect (Post/Redirect/Get).
"""

import logging

from django.contrib import messages
from django.core import signing
from django.db import InterfaceError, OperationalError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.api import ApplicationError
from core.identity import mask_mobile
from core.middleware import unavailable_response
from core.ratelimit import check_request
from projects.models import Project
from projects.selectors import find_worker_wages, project_by_public_id

from .models import Channel, Clue
from .public_forms import (
    PublicClueForm,
    file_public_clue,
    find_tracked_clue,
    new_form_key,
    prefill_from_query,
    project_for_qr,
    project_prefill,
    public_progress,
    satisfied_value,
    search_projects,
    submit_followup,
    usable_text,
    valid_client_key,
    wage_report_query,
)
from .services import normalise_tracking_code

logger = logging.getLogger(__name__)

RECEIPT_SALT = "clues.public.receipt"
RECEIPT_MAX_AGE = 30 * 24 * 3600
TRACKED_SESSION_KEY = "public_tracked_clues"
MAX_TRACKED = 20


def _too_many(request, verdict, template, context):
    context = {**context, "rate_limited": True, "retry_after": verdict.retry_after}
    response = render(request, template, context, status=429)
    response["Retry-After"] = str(verdict.retry_after)
    return response


# --- the form -----------------------------------------------------------------------------------------------

def _unavailable(request):
    """The database cannot be reached: nothing was filed. The page shows what the worker typed and posts it
    again, with the same key, when they press the button (attachments must be chosen again)."""
    typed = []
    for name, form_field in PublicClueForm.base_fields.items():
        value = request.POST.get(name, "")
        if name in ("attachments",) or not isinstance(value, str):
            continue
        typed.append({"name": name, "label": form_field.label or "", "value": value,
                      "shown": bool(form_field.label) and bool(value.strip()) and name != "consent"})
    return unavailable_response(request, "public/unavailable.html", {
        "typed": typed, "form_url": request.path,
        "had_attachments": bool(request.FILES.getlist("attachments")),
    })


def _form_url(entry):
    return reverse("public:qr_city") if entry == Channel.QR else reverse("public:report")


def _form_page(request, *, entry, project=None, notice="", form=None, status=200, extra=None):
    query = request.GET.get("project_q", "") if request.method == "GET" else ""
    results = []
    if query.strip():
        verdict = check_request(request, "search")
        if not verdict.allowed:
            blank = form or _blank_form(entry, project, request.GET)
            return _too_many(request, verdict, "public/clue_form.html", _form_context(
                request, entry=entry, project=project, notice=notice, form=blank, query=query, results=[]))
        results = search_projects(query)
    if form is None:
        form = _blank_form(entry, project, request.GET)
    context = _form_context(request, entry=entry, project=project, notice=notice, form=form, query=query,
                            results=results)
    context.update(extra or {})
    return render(request, "public/clue_form.html", context, status=status)


def _blank_form(entry, project, query=None):
    initial = {"entry": entry, "idempotency_key": new_form_key(), "worker_count": "1"}
    if project is not None:
        initial.update(project_prefill(project))
    if query is not None:
        initial.update(prefill_from_query(query))
    return PublicClueForm(initial=initial)


def _form_context(request, *, entry, project, notice, form, query, results):
    checked = getattr(form, "checked", None)
    first_error = form.focus_first_error() if form.is_bound and form.errors else None
    return {
        "error_summary": form.error_summary() if first_error else [],
        "first_error": first_error,
        "form": form,
        "entry": entry,
        "project": project,
        "notice": notice,
        "project_query": query,
        "project_results": results,
        "searched": bool(query.strip()),
        "form_url": _form_url(entry),
        "warnings": checked.warnings if checked else {},
        "had_attachments": bool(request.FILES.getlist("attachments")) if request.method == "POST" else False,
    }


def _chosen_project(request):
    """A project picked from the search results (?project=CODE), or None with a notice when unknown."""
    code = request.GET.get("project", "").strip()
    if not code:
        return None, ""
    project = None
    if "\x00" not in code:  # PostgreSQL text cannot hold NUL: no project code has one
        project = Project.objects.select_related("district", "sector").filter(code=code[:40]).first()
    if project is None:
        return None, _("没有找到该项目,请重新查找,或直接填写项目名称。")
    return project, ""


@never_cache
@require_http_methods(["GET", "POST"])
def report(request):
    """/report/: the form opened from the website (channel web); every form posts here."""
    if request.method == "POST":
        try:
            return _submit(request)
        except (OperationalError, InterfaceError) as exc:
            logger.warning("public form: database unavailable, the submission is shown back: %s", exc)
            return _unavailable(request)
    project, notice = _chosen_project(request)
    return _form_page(request, entry=Channel.WEB, project=project, notice=notice)


@never_cache
@require_GET
def qr_city(request):
    """/q/: the city-wide 乌兰·薪 code (no project)."""
    project, notice = _chosen_project(request)
    return _form_page(request, entry=Channel.QR, project=project, notice=notice)


@never_cache
@require_GET
def qr_project(request, public_id):
    """/q/<public_id>/: a project's code; a closed or unknown project still opens the city-wide form."""
    project = project_for_qr(public_id)
    if project is None:
        return _form_page(request, entry=Channel.QR, notice=_(
            "没有找到这个二维码对应的工程项目,您仍可在下面反映欠薪问题,并填写项目名称。"))
    if not project.is_open:
        return _form_page(request, entry=Channel.QR, notice=_(
            "“%(name)s”已完工,这个二维码已停用。如仍被拖欠工资,请在下面反映,并查找或填写项目名称。")
            % {"name": project.name})
    return _form_page(request, entry=Channel.QR, project=project)


def _submit(request):
    # The limit first: a refused request costs no file reading and no image decoding. What was typed is
    # shown again, unchecked; the files are not looked at.
    verdict = check_request(request, "submit")
    entry = Channel.QR if request.POST.get("entry") == Channel.QR else Channel.WEB
    if not verdict.allowed:
        form = PublicClueForm(request.POST)
        return _too_many(request, verdict, "public/clue_form.html", _form_context(
            request, entry=entry, project=None, notice="", form=form, query="", results=[]))
    form = PublicClueForm(request.POST, request.FILES)
    if form.is_valid():
        key = request.POST.get("idempotency_key", "")
        try:
            clue, _created = file_public_clue(form.checked, channel=entry,
                                              client_key=key if valid_client_key(key) else None, source="form")
        except ApplicationError as exc:
            for name, problems in exc.fields.items():
                for problem in problems:
                    form.add_error(name if name in form.fields else None, problem)
            if not exc.fields:
                form.add_error(None, exc.message)
        else:
            receipt = signing.dumps({"code": clue.tracking_code,
                                     "warn": sorted(form.checked.warnings)}, salt=RECEIPT_SALT)
            return redirect("public:receipt", token=receipt)
    if not valid_client_key(form.data.get("idempotency_key", "")):
        form.data = form.data.copy()
        form.data["idempotency_key"] = new_form_key()
    return _form_page(request, entry=entry, project=form.project, form=form)


@never_cache
@require_GET
def receipt(request, token):
    """After a successful submission: the tracking code, big, and the way to the progress page."""
    try:
        payload = signing.loads(token, salt=RECEIPT_SALT, max_age=RECEIPT_MAX_AGE)
        code = payload["code"]
    except (signing.BadSignature, KeyError, TypeError):
        return render(request, "public/clue_receipt.html", {"invalid": True}, status=404)
    clue = Clue.objects.filter(tracking_code=code).only("tracking_code", "complainant_phone").first()
    if clue is None:
        return render(request, "public/clue_receipt.html", {"invalid": True}, status=404)
    spaced = " ".join(code[i:i + 5] for i in range(0, len(code), 5))
    return render(request, "public/clue_receipt.html", {
        "code": code,
        "spaced_code": spaced,
        "masked_phone": mask_mobile(clue.complainant_phone),
        "credit_code_warning": "employer_credit_code" in payload.get("warn", []),
        "track_url": f"{reverse('public:track')}?{urlencode({'code': code})}",
    })


# --- the progress page ------------------------------------------------------------------------------------

def _tracked(request):
    return list(request.session.get(TRACKED_SESSION_KEY, []))


def _remember(request, code):
    tracked = [c for c in _tracked(request) if c != code] + [code]
    request.session[TRACKED_SESSION_KEY] = tracked[-MAX_TRACKED:]


@never_cache
@require_http_methods(["GET", "POST"])
def track(request):
    """/track/: tracking code + the mobile number filed → the progress page; one neutral message otherwise."""
    if request.method == "GET":
        code = normalise_tracking_code(request.GET.get("code", ""))[:20]
        return render(request, "public/track.html", {"code": code, "phone": ""})
    code = request.POST.get("code", "")[:40]
    phone = request.POST.get("phone", "")[:40]
    context = {"code": code, "phone": phone}
    verdict = check_request(request, "track")
    if not verdict.allowed:
        return _too_many(request, verdict, "public/track.html", context)
    clue = find_tracked_clue(code, phone)
    if clue is None:
        return render(request, "public/track.html", {**context, "miss": _("查询码或手机号不正确")})
    _remember(request, clue.tracking_code)
    return redirect("public:progress", code=clue.tracking_code)


def _progress_clue(request, code):
    code = normalise_tracking_code(code)
    if code not in _tracked(request):
        return None
    return Clue.objects.select_related("unit", "merged_into__unit").filter(tracking_code=code).first()


def _progress_page(request, clue, *, status=200, **extra):
    return render(request, "public/progress.html", {"clue": clue, "progress": public_progress(clue), **extra},
                  status=status)


@never_cache
@require_GET
def progress(request, code):
    """/track/<code>/: shown only to a browser that proved the code and the mobile number on /track/."""
    clue = _progress_clue(request, code)
    if clue is None:
        return redirect(f"{reverse('public:track')}?{urlencode({'code': normalise_tracking_code(code)[:20]})}")
    return _progress_page(request, clue)


@never_cache
@require_POST
def followup(request, code):
    """一事一回访: the worker rates the result of a closed clue, once per closing."""
    clue = _progress_clue(request, code)
    if clue is None:
        return redirect(f"{reverse('public:track')}?{urlencode({'code': normalise_tracking_code(code)[:20]})}")
    note = request.POST.get("note", "")
    if not usable_text(note):
        note = ""
    satisfied = satisfied_value(request.POST.get("satisfied"))
    verdict = check_request(request, "track")
    if not verdict.allowed:
        return _too_many(request, verdict, "public/progress.html",
                         {"clue": clue, "progress": public_progress(clue), "followup_note": note})
    errors = {}
    if satisfied is None:
        errors["satisfied"] = [_("请选择满意或不满意。")]
    else:
        try:
            submit_followup(clue, satisfied=satisfied, note=note)
        except ApplicationError as exc:
            errors = exc.fields or {"non_field_errors": [exc.message]}
    if errors:
        return _progress_page(request, clue, followup_errors=errors, followup_note=note,
                              followup_choice=request.POST.get("satisfied", ""))
    messages.success(request, _("感谢您的评价。"))
    return redirect("public:progress", code=clue.tracking_code)


# --- the worker's own wage check ------------------------------------------------------------------------------

@never_cache
@require_http_methods(["GET", "POST"])
def wage_check(request, public_id):
    """/q/<public_id>/wages/: the ID number and mobile number on the payroll → what the project's payroll says was
    due and paid to this worker, month by month. The answer is shown on the POST itself, never kept in the
    session; a wrong pair is one neutral message."""
    project = project_by_public_id(public_id)
    if project is None:
        return render(request, "public/wage_check.html", {"unknown": True}, status=404)
    context = {"project": project, "id_number": "", "phone": ""}
    if request.method == "GET":
        return render(request, "public/wage_check.html", context)
    id_number = request.POST.get("id_number", "")[:40]
    phone = request.POST.get("phone", "")[:40]
    context.update(id_number=id_number, phone=phone)
    verdict = check_request(request, "wages")
    if not verdict.allowed:
        return _too_many(request, verdict, "public/wage_check.html", context)
    months = find_worker_wages(project, id_number=id_number, phone=phone)
    if months is None:
        return render(request, "public/wage_check.html", {**context, "miss": _(
            "身份证号或手机号不正确,或该项目的工资表中没有您的记录。如被拖欠工资,可直接反映。")})
    query = wage_report_query(project, months)
    return render(request, "public/wage_check.html", {
        **context, "id_number": "", "phone": "", "months": list(reversed(months)),
        "report_url": f"{reverse('public:report')}?{query}" if query else "",
        "any_flagged": bool(query)})

"""Staff pages of the intake side: channel intake, attachment downloads and the national-platform import.

A clue's staff page and the list of all clues are the workspaces' (dispatch:clue, dispatch:all).
"""

import re
import secrets

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from core.api import ApplicationError

from . import importer, lifecycle
from .forms import ImportForm, StaffClueForm, staff_form_initial_from
from .intake_fields import can_enter_clues
from .public_forms import search_projects
from .selectors import clue_visible_queryset
from .services import clue_create

_KEY_RE = re.compile(r"^[A-Za-z0-9_-]{16,64}$")


def forbidden(request, message=None):
    return render(request, "clues/forbidden.html",
                  {"message": message or _("只有受理员和管理员可以录入或导入线索。")}, status=403)


def staff_list_url():
    """The list of all clues."""
    return reverse("dispatch:all")


# --- intake -----------------------------------------------------------------------------------------------

@login_required
@require_http_methods(["GET", "POST"])
def clue_new(request):
    """Enter a clue from a hotline, the window, a letter or another authority (统一归集)."""

    if not can_enter_clues(request.user):
        return forbidden(request)
    if request.method == "POST":
        form = StaffClueForm(request.POST, request.FILES)
        key = request.POST.get("idempotency_key", "")
        if form.is_valid():
            try:
                clue, created = clue_create(
                    channel=form.cleaned_data["channel"], data=form.clue_data, created_by=request.user,
                    received_at=form.cleaned_data["received_at"],
                    idempotency_key=f"staff:{key}" if _KEY_RE.match(key) else None,
                    attachments=form.cleaned_data["attachments"], snapshot=form.snapshot)
            except ApplicationError as exc:
                for name, errors in (exc.fields or {"__all__": [exc.message]}).items():
                    for error in errors:
                        form.add_error(name if name in form.fields else None, error)
            else:
                request.session["intake_last_channel"] = form.cleaned_data["channel"]
                if created:
                    messages.success(request, _("线索已录入,查询码 %(code)s。") % {"code": clue.tracking_code})
                else:
                    messages.info(request, _("该线索此前已提交,未重复录入。"))
                for warning_list in form.warnings.values():
                    for warning in warning_list:
                        messages.warning(request, warning)
                return redirect(lifecycle.clue_url(clue))
    else:
        initial = {}
        like = request.GET.get("like", "")
        if like.isdigit() and len(like) <= 18:
            source = clue_visible_queryset(request.user).select_related("project", "district") \
                .filter(pk=int(like)).first()
            if source is not None:
                initial.update(staff_form_initial_from(source))
        if "channel" not in initial and request.session.get("intake_last_channel"):
            initial["channel"] = request.session["intake_last_channel"]
        form = StaffClueForm(initial=initial)
        key = secrets.token_urlsafe(24)
    if not _KEY_RE.match(key):
        key = secrets.token_urlsafe(24)
    return render(request, "clues/intake_form.html", {"form": form, "idempotency_key": key})


@login_required
@require_GET
def project_search(request):
    """Registered projects matching a code or words of the name, for the intake form's project list."""

    if not can_enter_clues(request.user):
        return JsonResponse({"error": {"code": "permission_denied", "message": _("无权访问。"), "fields": {}}},
                            status=403)
    return JsonResponse({"results": [
        {"code": p.code, "name": p.name, "district": p.district.name, "district_code": p.district.code,
         "status": p.get_status_display()} for p in search_projects(request.GET.get("q", ""))]})


@login_required
@require_GET
def attachment_download(request, pk, attachment_id):
    """An attachment of a clue the user may see (files are never served straight from MEDIA_ROOT)."""
    clue = get_object_or_404(clue_visible_queryset(request.user), pk=pk)
    attachment = get_object_or_404(clue.attachments, pk=attachment_id)
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    inline = request.GET.get("download") != "1"
    response = FileResponse(handle, content_type=attachment.content_type, as_attachment=not inline,
                            filename=attachment.original_name)
    response["Cache-Control"] = "private, no-store"
    return response


# --- national platform import -------------------------------------------------------------------------------

@login_required
@require_http_methods(["GET", "POST"])
def import_upload(request):
    if not can_enter_clues(request.user):
        return forbidden(request)
    form = ImportForm(request.POST, request.FILES) if request.method == "POST" else ImportForm()
    if request.method == "POST" and form.is_valid():
        try:
            job = importer.start_import(form.cleaned_data["file"], user=request.user)
        except importer.ImportFileError as exc:
            form.add_error("file", exc.message)
        else:
            return redirect("clues:import_status", job_id=job["id"])
    return render(request, "clues/import_upload.html", {
        "form": form, "columns": list(importer.COLUMNS), "required": importer.REQUIRED_COLUMNS,
        "inline_max": importer.INLINE_MAX_ROWS, "max_rows": importer.MAX_ROWS}, status=400 if form.errors else 200)


@login_required
@require_GET
def import_status(request, job_id):
    if not can_enter_clues(request.user):
        return forbidden(request)
    job = importer.read_job(job_id)
    if job is None:
        raise Http404
    running = job["state"] in ("queued", "running")
    report = job.get("report")
    if report:
        for row in report["created"]:
            row["url"] = lifecycle.clue_url(row["clue_id"])
    return render(request, "clues/import_status.html", {"job": job, "report": report, "running": running,
                                                        "list_url": staff_list_url()})


@login_required
@require_GET
def import_template(request):
    """An empty CSV with the documented header (UTF-8 with BOM, so Excel opens it in Chinese)."""
    if not can_enter_clues(request.user):
        return forbidden(request)
    body = "\ufeff" + ",".join(importer.COLUMNS) + "\r\n"
    response = HttpResponse(body.encode("utf-8"), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="national_import_template.csv"'
    return response

"""Pages of the project registry (login required): the project list, a project's page for officers and city
staff, the 劳资专管员's workspace (phone-sized: duties with what is missing, allocations, the payroll upload),
the payroll upload's progress, 劳资专管员 accounts, and the bulk import and export.

Views parse the request, call one service or selector and render or redirect (POST → redirect → GET). A
project the user may not see is a 404 on every URL; an action the user may not take on it is a 403.
"""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.models import User
from core.api import ApplicationError

from . import hooks, jobs, payroll, registry_import, selectors, services
from .forms import (
    DUTY_FORMS,
    AllocationForm,
    ManagerAssignForm,
    ManagerCreateForm,
    PayrollUploadForm,
    RegistryImportForm,
    VerifyForm,
    duty_initial,
)
from .models import Duty, Project
from .qr import qr_url

PAGE_SIZE = 50
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def forbidden(request, message=None):
    return render(request, "projects/forbidden.html",
                  {"message": message or _("您不能在该项目上进行此操作。")}, status=403)


def with_project(view):
    """Look the project up among those the user may see (404 otherwise) and pass it instead of its code."""

    @login_required
    @wraps(view)
    def wrapped(request, code, *args, **kwargs):
        project = selectors.visible_project(request.user, code)
        if project is None:
            raise Http404
        return view(request, project, *args, **kwargs)

    return wrapped


def _put_errors(form, exc):
    for name, problems in exc.fields.items():
        target = name if name in form.fields else None
        for problem in problems:
            form.add_error(target, problem)
    if not exc.fields:
        form.add_error(None, exc.message)


def _warn(request, warnings):
    for messages_of_field in warnings.values():
        for message in messages_of_field:
            messages.warning(request, message)


# --- the list, import and export --------------------------------------------------------------------------

def _list_filters(request):
    get = request.GET
    return {"query": get.get("q", ""), "status": get.get("status", ""), "district": get.get("district", "")[:32],
            "sector": get.get("sector", "")[:32]}


@login_required
@require_GET
def project_list(request):
    """The projects the user may see, with their QR codes and posters (and the city-wide code)."""
    filters = _list_filters(request)
    projects = selectors.project_list(request.user, **filters)
    page = Paginator(projects, PAGE_SIZE).get_page(request.GET.get("page"))
    districts, sectors = selectors.units_for_filters()
    return render(request, "projects/list.html", {
        "page": page, **filters, "statuses": Project.Status.choices, "districts": districts, "sectors": sectors,
        "city_qr_url": qr_url(None), "can_import": selectors.can_create_projects(request.user),
        "is_wage_manager": selectors.is_wage_manager(request.user),
        "export_query": request.GET.urlencode(),
    })


@login_required
@require_GET
def project_export(request):
    """The list as it is filtered, in the import layout (so it can be corrected and imported again)."""
    projects = selectors.project_list(request.user, **_list_filters(request))
    body = registry_import.export_workbook(projects, request.user)
    response = HttpResponse(body, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{registry_import.export_filename()}"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def registry_import_upload(request):
    if not selectors.can_create_projects(request.user):
        return forbidden(request, _("您的角色不能导入项目。"))
    form = RegistryImportForm(request.POST, request.FILES) if request.method == "POST" else RegistryImportForm()
    if request.method == "POST" and form.is_valid():
        try:
            job = registry_import.start_import(form.cleaned_data["file"], by=request.user)
        except ApplicationError as exc:
            _put_errors(form, exc)
        else:
            return redirect("projects:import_status", job_id=job["id"])
    return render(request, "projects/import_upload.html", {
        "form": form, "enterprise_columns": list(registry_import.ENTERPRISE_COLUMNS),
        "enterprise_required": registry_import.ENTERPRISE_REQUIRED,
        "project_columns": list(registry_import.PROJECT_COLUMNS),
        "project_required": registry_import.PROJECT_REQUIRED}, status=400 if form.errors else 200)


def _own_job(request, job_id, kind):
    job = jobs.read_job(job_id)
    if job is None or job.get("kind") != kind or job.get("user_id") != request.user.pk:
        raise Http404
    return job


@login_required
@require_GET
def registry_import_status(request, job_id):
    job = _own_job(request, job_id, registry_import.JOB_KIND)
    return render(request, "projects/import_status.html", {
        "job": job, "running": job["state"] in ("queued", "running"), "result": job.get("result")})


@login_required
@require_GET
def registry_import_template(request):
    body = registry_import.workbook_bytes(registry_import.template_workbook())
    response = HttpResponse(body, content_type=XLSX)
    response["Content-Disposition"] = 'attachment; filename="project_import_template.xlsx"'
    return response


@login_required
@require_GET
def payroll_template(request, fmt):
    if fmt == "xlsx":
        body, content_type = payroll.template_xlsx(), XLSX
    elif fmt == "csv":
        body, content_type = payroll.template_csv(), "text/csv; charset=utf-8"
    else:
        raise Http404
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="payroll_template.{fmt}"'
    return response


# --- one project ------------------------------------------------------------------------------------------

def _duty_forms(project, states, bound=None):
    forms_by_kind = {}
    for state in states:
        form_class = DUTY_FORMS[state.kind]
        if bound is not None and bound[0] == state.kind:
            forms_by_kind[state.kind] = bound[1]
        else:
            forms_by_kind[state.kind] = form_class(initial=duty_initial(state.duty), prefix=state.kind)
    return forms_by_kind


def _project_context(request, project, *, bound=None, allocation_form=None, payroll_form=None):
    project = selectors.project_detail(project)
    user = request.user
    states = selectors.duty_states(project, user)
    forms_by_kind = _duty_forms(project, states, bound)
    for state in states:
        state.form = forms_by_kind[state.kind]
    monthly_missing = selectors.monthly_missing(project)
    return {
        "project": project,
        "duties": states,
        "deposit_due": selectors.deposit_due(project),
        "monthly_missing": monthly_missing,
        "todo": [*monthly_missing, *(f"{s.label}:{text}" for s in states for text in s.missing)],
        "is_wage_manager": selectors.is_wage_manager(user),
        "months": selectors.recent_months(project, count=12),
        "payrolls": selectors.payroll_months(project, limit=24),
        "allocations": selectors.allocations(project, limit=24),
        "timeline": selectors.project_timeline(project, limit=100),
        "managers": selectors.managers_of(project),
        "can_enter": selectors.can_enter_duties(user, project),
        "can_verify": selectors.can_verify(user, project),
        "can_manage": selectors.can_manage_registry(user, project),
        "verify_form": VerifyForm(),
        "allocation_form": allocation_form or AllocationForm(),
        "payroll_form": payroll_form or PayrollUploadForm(),
        "project_warnings": hooks.panels("project_warnings", request, project),
        "qr_url": qr_url(project),
    }


@with_project
@require_GET
def project_detail(request, project):
    """A project's page for officers and city staff: duties, payroll months, allocations, timeline."""
    if selectors.is_wage_manager(request.user):
        return redirect("projects:workspace", code=project.code)
    return render(request, "projects/detail.html", _project_context(request, project))


@with_project
@require_GET
def workspace(request, project):
    """The 劳资专管员's workspace (phone-sized): what is missing, the duty forms, allocations, the payroll upload."""
    return render(request, "projects/workspace.html", _project_context(request, project))


def _back(request, project):
    """Back to the page the form was on (the workspace or the project page)."""
    target = "projects:workspace" if request.POST.get("from") == "workspace" else "projects:detail"
    return redirect(target, code=project.code)


def _rerender(request, project, status=400, **bound):
    template = "projects/workspace.html" if request.POST.get("from") == "workspace" else "projects/detail.html"
    return render(request, template, _project_context(request, project, **bound), status=status)


@with_project
@require_POST
def duty_submit(request, project, kind):
    if kind not in Duty.Kind.values:
        raise Http404
    if not selectors.can_enter_duties(request.user, project):
        return forbidden(request)
    form = DUTY_FORMS[kind](request.POST, request.FILES, prefix=kind)
    if form.is_valid():
        values = dict(form.cleaned_data)
        evidence = values.pop("photo", None) or values.pop("evidence", None)
        try:
            duty, warnings = services.duty_submit(project=project, kind=kind, by=request.user, values=values,
                                                  evidence=evidence)
        except ApplicationError as exc:
            if exc.status_code == 403:
                return forbidden(request, exc.message)
            _put_errors(form, exc)
        else:
            messages.success(request, _("已提交%(duty)s,等待核验。") % {"duty": duty.get_kind_display()})
            _warn(request, warnings)
            return _back(request, project)
    return _rerender(request, project, bound=(kind, form))


@with_project
@require_POST
def duty_verify(request, project, kind):
    if kind not in Duty.Kind.values:
        raise Http404
    if not selectors.can_verify(request.user, project):
        return forbidden(request, _("只有项目所在旗县市区、行业主管部门和市级工作人员可以核验。"))
    duty = project.duties.filter(kind=kind).first()
    if duty is None:
        raise Http404
    form = VerifyForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请选择核验结果。"))
        return _back(request, project)
    try:
        services.duty_verify(duty=duty, by=request.user, approve=form.cleaned_data["decision"] == "verify",
                             reason=form.cleaned_data["reason"])
    except ApplicationError as exc:
        messages.error(request, "".join(m for ms in exc.fields.values() for m in ms) or exc.message)
    else:
        messages.success(request, _("已记录核验结果。"))
    return _back(request, project)


@with_project
@require_GET
def duty_evidence(request, project, kind):
    """An evidence file, to those who may see the project (uploads are never served as /media/)."""
    duty = project.duties.filter(kind=kind).first() if kind in Duty.Kind.values else None
    if duty is None or not duty.evidence:
        raise Http404
    try:
        handle = duty.evidence.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    return FileResponse(handle, as_attachment=False, filename=duty.evidence.name.rsplit("/", 1)[-1])


@with_project
@require_POST
def allocation_submit(request, project):
    if not selectors.can_enter_duties(request.user, project):
        return forbidden(request)
    form = AllocationForm(request.POST, request.FILES)
    if form.is_valid():
        month = selectors.parse_month(form.cleaned_data["month"])
        if month is None:
            form.add_error("month", _("月份应写成 2026-05 的形式。"))
        else:
            try:
                services.allocation_put(project=project, month=month, by=request.user,
                                        amount=form.cleaned_data["amount"], paid_on=form.cleaned_data["paid_on"],
                                        pre_allocation=form.cleaned_data["pre_allocation"],
                                        evidence=form.cleaned_data.get("evidence"))
            except ApplicationError as exc:
                _put_errors(form, exc)
            else:
                messages.success(request, _("已登记%(month)s的人工费用。") % {"month": form.cleaned_data["month"]})
                return _back(request, project)
    return _rerender(request, project, allocation_form=form)


@with_project
@require_POST
def payroll_upload(request, project):
    if not selectors.can_enter_duties(request.user, project):
        return forbidden(request)
    form = PayrollUploadForm(request.POST, request.FILES)
    if form.is_valid():
        month = selectors.parse_month(form.cleaned_data["month"])
        if month is None:
            form.add_error("month", _("月份应写成 2026-05 的形式。"))
        else:
            try:
                job = payroll.start_upload(form.cleaned_data["file"], project=project, month=month,
                                           by=request.user)
            except ApplicationError as exc:
                _put_errors(form, exc)
            else:
                return redirect("projects:payroll_job", code=project.code, job_id=job["id"])
    return _rerender(request, project, payroll_form=form)


@with_project
@require_GET
def payroll_job(request, project, job_id):
    job = _own_job(request, job_id, payroll.JOB_KIND)
    if job.get("project_id") != project.pk:
        raise Http404
    return render(request, "projects/payroll_job.html", {
        "project": project, "job": job, "running": job["state"] in ("queued", "running"),
        "result": job.get("result")})


@with_project
@require_GET
def payroll_month(request, project, month):
    first_day = selectors.parse_month(month)
    if first_day is None:
        raise Http404
    version = request.GET.get("version", "")
    version = int(version) if version.isascii() and version.isdigit() and 0 < int(version) < 32768 else None
    found = selectors.payroll_version(project, first_day, version)
    if found is None:
        raise Http404
    return render(request, "projects/payroll_month.html", {
        "project": project, "payroll": found, "lines": selectors.masked_lines(found),
        "versions": selectors.payroll_versions(project, first_day),
        "back_url": reverse("projects:workspace" if selectors.is_wage_manager(request.user) else "projects:detail",
                            kwargs={"code": project.code})})


# --- 劳资专管员 accounts ----------------------------------------------------------------------------------------

@with_project
@require_http_methods(["GET", "POST"])
def managers(request, project):
    """The project's 劳资专管员 accounts: create one (its first password is shown once), name an existing one on
    this project, or take one off it."""
    if not selectors.can_manage_registry(request.user, project):
        return forbidden(request, _("只有项目所在旗县市区、行业主管部门和市级工作人员可以管理劳资专管员账号。"))
    create_form, assign_form, created = ManagerCreateForm(prefix="new"), ManagerAssignForm(prefix="add"), None
    status = 200
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "create":
                create_form = ManagerCreateForm(request.POST, prefix="new")
                if create_form.is_valid():
                    user, password = services.wage_manager_create(project=project, by=request.user,
                                                                  **create_form.cleaned_data)
                    created = {"user": user, "password": password}
            elif action == "assign":
                assign_form = ManagerAssignForm(request.POST, prefix="add")
                if assign_form.is_valid():
                    user = User.objects.filter(username=assign_form.cleaned_data["username"]).first()
                    if user is None:
                        assign_form.add_error("username", _("没有这个登录名。"))
                    else:
                        services.wage_manager_assign(project=project, by=request.user, user=user)
                        messages.success(request, _("%(name)s 已可管理本项目。") % {"name": user.display_name})
                        return redirect("projects:managers", code=project.code)
            elif action == "remove":
                raw = request.POST.get("user", "")[:12]
                user = project.managers.filter(pk=int(raw)).first() if raw.isascii() and raw.isdigit() else None
                if user is not None:
                    services.wage_manager_remove(project=project, by=request.user, user=user)
                    messages.success(request, _("%(name)s 不再管理本项目。") % {"name": user.display_name})
                return redirect("projects:managers", code=project.code)
            else:
                messages.error(request, _("未知的操作。"))
        except ApplicationError as exc:
            _put_errors(create_form if action == "create" else assign_form, exc)
        if create_form.errors or assign_form.errors:
            status = 400
    return render(request, "projects/managers.html", {
        "project": project, "managers": selectors.managers_of(project), "create_form": create_form,
        "assign_form": assign_form, "created": created, "login_url": request.build_absolute_uri(reverse("login")),
    }, status=status)


"""Pages of the campaigns app: the campaigns and a campaign's page (figures by district, sector department and
responsible unit, the problem list with its actions, XLSX and PDF), the risk ranking with the pick form, a
round's pick, and the score pages of a project and an enterprise. Thin: figures are selectors', writes
services'."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from core.api import ApplicationError
from core.spreadsheets import xlsx_response
from projects.selectors import units_for_filters

from . import exports, risk, selectors, services
from .forms import ACTION_FORMS, AddProjectForm, CampaignForm, InspectionForm, PickForm, RectifyForm
from .models import PROBLEM_STATES, Campaign

PAGE_SIZE = 50
ACTION_DONE = {"rectify": gettext_lazy("整改情况已登记。"), "supervise": gettext_lazy("已转入督办。"),
               "clear": gettext_lazy("督办问题已销号。")}


def forbidden(request, message):
    return render(request, "campaigns/forbidden.html", {"message": message}, status=403)


def project_url(project):
    try:
        return reverse("projects:detail", args=[project.code])
    except NoReverseMatch:
        return reverse("campaigns:risk-project", args=[project.code])


def _staff(view):
    def wrapped(request, *args, **kwargs):
        if not selectors.is_staff_member(request.user):
            return forbidden(request, _("只有政府工作人员可以使用此功能。"))
        return view(request, *args, **kwargs)
    wrapped.__name__, wrapped.__doc__ = view.__name__, view.__doc__
    return login_required(wrapped)


# --- campaigns -----------------------------------------------------------------------------------------------

@_staff
def campaign_list(request):
    campaigns = list(selectors.campaign_queryset(request.user))
    return render(request, "campaigns/list.html", {
        "rows": [(c, selectors.summary(c, request.user)) for c in campaigns],
        "can_create": selectors.can_create_campaign(request.user)})


def _put_errors(form, exc):
    for name, problems in exc.fields.items():
        for problem in problems:
            form.add_error(name if name in form.fields else None, problem)
    if not exc.fields:
        form.add_error(None, exc.message)


@_staff
def campaign_new(request):
    """部署专项整治: city staff name it, its period, scope and requirements; then add its key projects."""
    if not selectors.can_create_campaign(request.user):
        return forbidden(request, _("只有市级工作人员可以部署专项整治。"))
    form = CampaignForm(request.POST) if request.method == "POST" else CampaignForm()
    if request.method == "POST" and form.is_valid():
        try:
            campaign = services.campaign_create(by=request.user, **form.cleaned_data)
        except ApplicationError as exc:
            _put_errors(form, exc)
        else:
            messages.success(request, _("已部署专项整治“%(name)s”,请纳入重点项目。") % {"name": campaign.name})
            return redirect("campaigns:detail", pk=campaign.pk)
    return render(request, "campaigns/new.html", {"form": form}, status=400 if form.errors else 200)


@_staff
@require_POST
def campaign_add_project(request, pk):
    """纳入项目: a project of the user's district or sector (city staff: any) joins the campaign."""
    campaign = _campaign(request, pk)
    form = AddProjectForm(request.POST)
    if not form.is_valid():
        messages.error(request, form.errors["project"][0])
        return redirect("campaigns:detail", pk=campaign.pk)
    code = form.cleaned_data["project"].strip()
    project = selectors.visible_project(request.user, code)
    if project is None:
        messages.error(request, _("没有编号为“%(code)s”的项目,或您无权查看该项目。") % {"code": code[:40]})
        return redirect("campaigns:detail", pk=campaign.pk)
    try:
        services.campaign_add_project(campaign=campaign, project=project, by=request.user)
    except ApplicationError as exc:
        if exc.status_code == 403:
            return forbidden(request, exc.message)
        messages.error(request, "".join(m for ms in exc.fields.values() for m in ms) or exc.message)
    else:
        messages.success(request, _("已将“%(name)s”纳入本次专项整治。") % {"name": project.name})
    return redirect("campaigns:detail", pk=campaign.pk)


def _campaign(request, pk):
    return get_object_or_404(selectors.campaign_queryset(request.user), pk=pk)


def _filters(request):
    return {name: request.GET.get(name, "")[:40] for name in ("state", "unit", "district", "sector", "project")}


def _detail(request, campaign, *, bound=None, action_error="", status=200):
    filters = _filters(request)
    problems = selectors.problem_list(request.user, campaign, **filters)
    page = Paginator(problems, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = []
    for problem in page:
        allowed = selectors.problem_actions(problem, request.user)
        form = bound[1] if bound and bound[0] == problem.pk else RectifyForm(auto_id=f"id_p{problem.pk}_%s")
        rows.append({"problem": problem, "actions": allowed, "rectify_form": form,
                     "overdue": problem.rectified_on is None and problem.deadline < timezone.localdate()})
    query = request.GET.copy()
    query.pop("page", None)
    districts, departments = units_for_filters()
    return render(request, "campaigns/detail.html", {
        "campaign": campaign, "figures": selectors.campaign_figures(campaign, request.user),
        "labels": exports.figure_labels(), "page": page, "rows": rows, "filters": filters,
        "query": query.urlencode(), "states": PROBLEM_STATES, "districts": districts, "departments": departments,
        "action_error": action_error, "is_city": selectors.is_city_staff(request.user),
    }, status=status)


@_staff
def campaign_detail(request, pk):
    return _detail(request, _campaign(request, pk))


@_staff
def campaign_xlsx(request, pk):
    campaign = _campaign(request, pk)
    figures = selectors.campaign_figures(campaign, request.user)
    return xlsx_response(exports.campaign_workbook(campaign, figures), exports.filename(campaign, "xlsx"))


@_staff
def campaign_pdf(request, pk):
    campaign = _campaign(request, pk)
    figures = selectors.campaign_figures(campaign, request.user)
    response = HttpResponse(exports.campaign_pdf(campaign, figures), content_type=exports.PDF_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, exports.filename(campaign, "pdf"))
    return response


@_staff
@require_POST
def problem_action(request, pk, problem, action):
    if action not in ACTION_FORMS:
        raise Http404
    campaign = _campaign(request, pk)
    found = get_object_or_404(selectors.problem_queryset(request.user, campaign), pk=problem)
    if not selectors.may_act(found, request.user, action):
        return forbidden(request, _("您不能对这个问题进行此操作。"))
    form = ACTION_FORMS[action](request.POST, auto_id=f"id_p{found.pk}_%s")
    if not form.is_valid():
        return _detail(request, campaign, bound=(found.pk, form), status=400)
    try:
        if action == "rectify":
            services.problem_rectify(problem=found, by=request.user, **form.cleaned_data)
        elif action == "supervise":
            services.problem_supervise(problem=found, by=request.user)
        else:
            services.problem_clear(problem=found, by=request.user)
    except ApplicationError as exc:
        for field, problems in exc.fields.items():
            if field in form.fields:
                for message in problems:
                    form.add_error(field, message)
        return _detail(request, campaign, bound=(found.pk, form), action_error=exc.message,
                       status=exc.status_code)
    messages.success(request, ACTION_DONE[action])
    back = request.POST.get("next", "")
    return redirect(f"{reverse('campaigns:detail', args=[campaign.pk])}{back if back.startswith('?') else ''}")


# --- risk and inspection rounds ----------------------------------------------------------------------------------

def _government(value):
    return {"1": True, "true": True, "0": False, "false": False}.get(value or "")


@_staff
def risk_ranking(request, form=None, status=200):
    district, sector = request.GET.get("district", "")[:32], request.GET.get("sector", "")[:32]
    government = request.GET.get("government", "")[:5]
    ranking = selectors.project_ranking(request.user, district=district, sector=sector,
                                        government=_government(government))
    page = Paginator([(rank, p, s) for rank, (p, s) in enumerate(ranking, start=1)], PAGE_SIZE).get_page(
        request.GET.get("page"))
    districts, departments = units_for_filters()
    form = form or PickForm(initial={"district": district, "sector": sector, "government": government})
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "campaigns/risk.html", {
        "page": page, "form": form, "districts": districts, "departments": departments,
        "selected": {"district": district, "sector": sector, "government": government}, "query": query.urlencode(),
        "total": len(ranking), "rounds": selectors.round_queryset(request.user)[:10],
    }, status=status)


@_staff
@require_POST
def risk_pick(request):
    form = PickForm(request.POST)
    if not form.is_valid():
        return risk_ranking(request, form=form, status=400)
    data = form.cleaned_data
    try:
        round = services.round_create(by=request.user, kind=data["kind"], count=data["count"],
                                      random_share=data["random_share"], seed=data["seed"],
                                      district=data["district"], sector=data["sector"],
                                      government=_government(data["government"]))
    except ApplicationError as exc:
        for field, problems in exc.fields.items():
            for message in problems:
                form.add_error(field if field in form.fields else None, message)
        return risk_ranking(request, form=form, status=exc.status_code)
    messages.success(request, _("已抽取 %(n)d 个项目。") % {"n": len(round.picks)})
    return redirect("campaigns:round", pk=round.pk)


def _round_page(request, round, form=None, status=200):
    scores = dict(round.candidates)
    rows = [{"project": p, "code": code, "how": how, "rank": rank, "score": scores.get(code)}
            for (p, how, rank), (code, _h, _r) in zip(services.round_projects(round), round.picks, strict=True)]
    form = form or _inspection_form(request, round)
    return render(request, "campaigns/round.html", {
        "round": round, "rows": rows, "reproduced": services.round_replay(round) == round.picks, "form": form,
        "inspections": round.inspections.select_related("project", "unit").prefetch_related("problems")},
        status=status)


def _inspection_form(request, round, data=None):
    return InspectionForm(data, codes=[code for code, _how, _rank in round.picks],
                          campaigns=selectors.campaign_queryset(request.user),
                          initial={"inspected_on": timezone.localdate()})


@_staff
def round_detail(request, pk):
    return _round_page(request, get_object_or_404(selectors.round_queryset(request.user), pk=pk))


@_staff
@require_POST
def round_inspect(request, pk):
    """An inspection of a project of the round, with the problem it found (if any) on a campaign's list."""
    round = get_object_or_404(selectors.round_queryset(request.user), pk=pk)
    form = _inspection_form(request, round, request.POST)
    if not form.is_valid():
        return _round_page(request, round, form=form, status=400)
    data = form.cleaned_data
    project = selectors.visible_project(request.user, data["project"])
    if project is None:
        return forbidden(request, _("您只能登记本单位辖区或本行业项目的检查。"))
    problems = []
    if data["category"]:
        unit = project.sector if data["unit"] == "sector" and project.sector else project.district
        problems.append({"category": data["category"], "description": data["description"],
                         "deadline": data["deadline_days"], "unit": unit.code})
    try:
        services.inspection_create(project=project, by=request.user, kind=round.kind, round=round,
                                   inspected_on=data["inspected_on"], inspectors=data["inspectors"],
                                   findings=data["findings"], campaign=data["campaign"], problems=problems)
    except ApplicationError as exc:
        if exc.status_code == 403:
            return forbidden(request, exc.message)
        for field, messages_ in exc.fields.items():
            name = field.rsplit(".", 1)[-1]
            form.add_error(name if name in form.fields else None, messages_)
        return _round_page(request, round, form=form, status=exc.status_code)
    messages.success(request, _("检查情况已登记。"))
    return redirect("campaigns:round", pk=round.pk)


@_staff
def risk_project(request, code):
    project = selectors.visible_project(request.user, code)
    if project is None:
        raise Http404
    score = risk.score_of(risk.PROJECT, project.pk)
    campaigns = Campaign.objects.filter(entries__project=project).distinct()
    return render(request, "campaigns/score.html", {
        "subject": "project", "name": project.name, "code": project.code, "score": score,
        "project_url": project_url(project), "project": project, "campaigns": campaigns,
        "inspections": selectors.inspection_queryset(request.user).filter(project=project)[:20]})


@_staff
def risk_enterprise(request, credit_code):
    enterprise = selectors.visible_enterprise(request.user, credit_code)
    if enterprise is None:
        raise Http404
    score = risk.score_of(risk.ENTERPRISE, enterprise.pk)
    return render(request, "campaigns/score.html", {
        "subject": "enterprise", "name": enterprise.name, "code": enterprise.credit_code, "score": score,
        "enterprise": enterprise, "projects": selectors.enterprise_projects(enterprise, request.user)[:50]})


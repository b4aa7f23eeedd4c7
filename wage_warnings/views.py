"""Pages of the early warnings: the monitoring board (and its XLSX), the warning lists behind its figures (and
their XLSX), and a warning's page with the handling forms. Thin: the figures are selectors', the writes
services'."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from core.api import ApplicationError
from core.spreadsheets import xlsx_response
from units.models import Unit

from . import exports, selectors, services
from .forms import ACTION_FORMS
from .models import Level, WageWarning

PAGE_SIZE = 50
ACTION_DONE = {"assign": gettext_lazy("已交办。"), "respond": gettext_lazy("核处情况已保存。"),
               "dismiss": gettext_lazy("预警已撤销。"), "reply": gettext_lazy("整改说明已保存。")}


def project_url(project):
    """The project's page (the projects app's, when it has one), else the project list narrowed to it."""
    try:
        return reverse("projects:detail", args=[project.code])
    except NoReverseMatch:
        return f"{reverse('projects:list')}?{urlencode({'q': project.code})}"


def forbidden(request, message):
    return render(request, "wage_warnings/forbidden.html", {"message": message}, status=403)


def _list_url(**params):
    return f"{reverse('wage_warnings:list')}?{urlencode({k: v for k, v in params.items() if v not in (None, '')})}"


def _board_links(board):
    """Drill-down URLs for each row of the board."""
    links = {}
    for row in board["by_district"] + board["by_sector"]:
        key = "district" if row["kind"] == "district" else "sector"
        links[row["unit"]] = {
            "open": _list_url(**{key: row["unit"], "state": "open"}),
            "red": _list_url(**{key: row["unit"], "state": "open", "level": Level.RED}),
            "yellow": _list_url(**{key: row["unit"], "state": "open", "level": Level.YELLOW}),
        }
    for row in board["handling"]:
        links.setdefault(row["unit"], {}).update({
            "assigned": _list_url(unit=row["unit"]),
            "unit_open": _list_url(unit=row["unit"], state="open"),
            "overdue": _list_url(unit=row["unit"], overdue="true"),
        })
    return links


@login_required
def board(request):
    scope = selectors.board_scope(request.user)
    if scope is None:
        return forbidden(request, _("您没有查看预警监控看板的权限。"))
    figures = selectors.monitoring_board(scope)
    return render(request, "wage_warnings/board.html", {
        "board": figures, "links": _board_links(figures), "rates": selectors.DUTY_RATES,
        "chart": {"board": selectors.board_as_json(figures), "list_url": reverse("wage_warnings:list"),
                  "labels": {"red": str(Level.RED.label), "yellow": str(Level.YELLOW.label)}},
        "all_open": _list_url(state="open"), "all_overdue": _list_url(overdue="true"),
    })


@login_required
def board_export(request):
    scope = selectors.board_scope(request.user)
    if scope is None:
        return forbidden(request, _("您没有查看预警监控看板的权限。"))
    figures = selectors.monitoring_board(scope)
    stamp = timezone.localtime(figures["generated_at"]).strftime("%Y%m%d-%H%M")
    return xlsx_response(exports.board_workbook(figures),
                                 _("预警监控看板-%(stamp)s.xlsx") % {"stamp": stamp})


def _filtered(request):
    """(filter, None) or (None, error response) for the list and its export."""
    filterset = selectors.WarningFilter(request.GET, queryset=selectors.warning_list_queryset(request.user))
    if not filterset.is_valid():
        return None, render(request, "wage_warnings/bad_request.html", {"errors": filterset.errors}, status=400)
    return filterset, None


@login_required
def warning_list(request):
    filterset, error = _filtered(request)
    if error:
        return error
    page = Paginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    now = timezone.now()
    rows = [{"warning": w, "overdue": w.is_overdue(now), "project_url": project_url(w.project)} for w in page]
    units = list(Unit.objects.filter(kind__in=selectors.BOARD_UNIT_KINDS).order_by("sort_order", "code"))
    selected = {name: request.GET.getlist(name) for name in ("state", "level", "rule")}
    selected.update({name: request.GET.get(name, "") for name in ("district", "sector", "unit", "project",
                                                                   "overdue")})
    return render(request, "wage_warnings/list.html", {
        "page": page, "rows": rows, "query": query.urlencode(), "selected": selected,
        "rules": selectors.rules_for_display(), "states": WageWarning.State.choices, "levels": Level.choices,
        "districts": [u for u in units if u.kind == Unit.Kind.DISTRICT],
        "departments": [u for u in units if u.kind == Unit.Kind.DEPARTMENT], "all_units": units,
    })


@login_required
def warning_export(request):
    filterset, error = _filtered(request)
    if error:
        return error
    try:
        workbook = exports.warning_workbook(filterset.qs)
    except exports.TooManyRows as exc:
        return render(request, "wage_warnings/bad_request.html", {"errors": {"": [str(exc)]}}, status=400)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return xlsx_response(workbook, _("工资预警清单-%(stamp)s.xlsx") % {"stamp": stamp})


def _visible(request, pk):
    return get_object_or_404(selectors.warning_list_queryset(request.user), pk=pk)


def _detail(request, warning, bound=None, action_error="", status=200):
    allowed = selectors.allowed_actions(warning, request.user)
    forms = {}
    for name in sorted(allowed):
        form_class = ACTION_FORMS[name]
        kwargs = {"units": selectors.assignable_units(warning)} if name == "assign" else {}
        forms[name] = bound[1] if bound and bound[0] == name else form_class(**kwargs)
    return render(request, "wage_warnings/detail.html", {
        "warning": warning, "forms": forms, "overdue": warning.is_overdue(timezone.now()),
        "events": selectors.warning_events(warning), "project_url": project_url(warning.project),
        "action_error": action_error,
    }, status=status)


@login_required
def warning_detail(request, pk):
    return _detail(request, _visible(request, pk))


@login_required
@require_POST
def warning_action(request, pk, action):
    if action not in ACTION_FORMS:
        raise Http404
    warning = _visible(request, pk)
    kwargs = {"units": selectors.assignable_units(warning)} if action == "assign" else {}
    form = ACTION_FORMS[action](request.POST, **kwargs)
    if not form.is_valid():
        if action not in selectors.allowed_actions(warning, request.user):
            return forbidden(request, _("您不能对这条预警进行此操作。"))
        return _detail(request, warning, bound=(action, form), status=400)
    data = form.cleaned_data
    try:
        if action == "assign":
            services.warning_assign(warning=warning, unit=data["unit"], by=request.user)
        elif action == "respond":
            services.warning_respond(warning=warning, by=request.user, response=data["response"])
        elif action == "dismiss":
            services.warning_dismiss(warning=warning, by=request.user, reason=data["reason"])
        else:
            services.warning_reply(warning=warning, by=request.user, text=data["text"])
    except ApplicationError as exc:
        warning = _visible(request, pk)
        for field, problems in exc.fields.items():
            if field in form.fields:
                for problem in problems:
                    form.add_error(field, problem)
        return _detail(request, warning, bound=(action, form), action_error=exc.message, status=exc.status_code)
    messages.success(request, ACTION_DONE[action])
    return redirect("wage_warnings:detail", pk=warning.pk)

"""Report pages: the supervisor's board, the big screen, the clues behind a figure, and the exports."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from clues.models import Channel, RiskColor
from core.spreadsheets import attachment, xlsx_response
from credit import selectors as credit_selectors
from dispatch.forms import ClueFilterForm
from dispatch.selectors import all_clues, transfer_units

from . import exports, selectors
from .params import board_period, drilldown_from, period_from, trend_from
from .templatetags.report_format import days, rate, wan

PAGE_SIZE = 50
# The board is a grid of panels, each a template given the board's context. Another figure set (e.g. the
# project-monitoring figures) joins the board by adding its template here.
BOARD_PANELS = [
    "reports/panels/headline.html",
    "reports/panels/units.html",
    "reports/panels/trend.html",
    "reports/panels/breakdown.html",
    "credit/panels/enforcement.html",
]
CHART_LABELS = {
    "collected": gettext_lazy("归集线索"),
    "closed": gettext_lazy("已办结"),
    "collected_short": gettext_lazy("归集"),
    "closed_short": gettext_lazy("办结"),
    "completion_rate": gettext_lazy("办结率"),
    "target": gettext_lazy("目标"),
    "trend_title": gettext_lazy("归集与办结趋势"),
    "by_unit": gettext_lazy("各承办单位办结率"),
    "by_unit_top": gettext_lazy("承办线索最多的10个单位办结率"),
    "by_channel": gettext_lazy("各来源渠道线索"),
    "by_risk": gettext_lazy("各风险等级线索(归集与办结)"),
    "units": gettext_lazy("件"),
}
RISK_CHART_COLORS = {RiskColor.RED: "#c62828", RiskColor.ORANGE: "#ef6c00", RiskColor.BLUE: "#1565c0"}


def forbidden(request, message=None):
    return render(request, "reports/forbidden.html",
                  {"message": message or _("您没有查看统计报表的权限。")}, status=403)


def bad_request(request, errors):
    return render(request, "reports/bad_request.html", {"errors": errors}, status=400)


def drill_url(period, metric, **extra):
    params = {"start": period.start.isoformat(), "end": period.end.isoformat(), "metric": metric}
    params.update({key: value for key, value in extra.items() if value})
    return f"{reverse('reports:clues')}?{urlencode(params)}"


def _links(report):
    """Drill-down URLs for every figure on the board, keyed the way the templates read them."""
    period = report.period
    headline = {metric: drill_url(period, metric) for metric in (
        "collected", "closed", "transferred_to_departments", "departments_closed", "overdue_now",
        "merged_duplicates", "closed_on_time", "followed_up", "satisfied", "recovered")}
    units = {}
    for row in report.by_unit:
        units[row["unit"]] = {metric: drill_url(period, metric, unit=row["unit"]) for metric in (
            "assigned", "claimed_on_time", "claimed_late", "held", "closed", "closed_on_time", "overdue_now",
            "followed_up", "satisfied")}
    channels = {row["channel"]: {m: drill_url(period, m, channel=row["channel"]) for m in ("collected", "closed")}
                for row in report.by_channel}
    colors = {row["risk_color"]: {m: drill_url(period, m, risk_color=row["risk_color"])
                                  for m in ("collected", "closed", "overdue_now")}
              for row in report.by_risk_color}
    trend = [drill_url(selectors.Period(row["start"], row["end"]), "collected") for row in report.trend]
    return {"headline": headline, "units": units, "channels": channels, "colors": colors, "trend": trend}


def _cards(report, links):
    """The headline figures as cards: label, value as shown, unit of measure, and the clues behind it."""
    h, go = report.headline, links["headline"]
    cards = [
        ("collected", _("归集线索"), h["collected"], _("条"), go["collected"]),
        ("closed", _("已办结"), h["closed"], _("条"), go["closed"]),
        ("completion_rate", _("办结率"), rate(h["completion_rate"]), "", go["closed"]),
        ("transferred_to_departments", _("转交行业部门"), h["transferred_to_departments"], _("条"),
         go["transferred_to_departments"]),
        ("departments_closed", _("行业部门已办结"), h["departments_closed"], _("条"), go["departments_closed"]),
        ("departments_completion_rate", _("行业部门办结率"), rate(h["departments_completion_rate"]), "",
         go["departments_closed"]),
        ("closed_on_time_rate", _("时限办结率"), rate(h["closed_on_time_rate"]), "", go["closed_on_time"]),
        ("overdue_now", _("当前超期"), h["overdue_now"], _("条"), go["overdue_now"]),
        ("median_working_days_to_close", _("办结用时中位数"), days(h["median_working_days_to_close"]),
         _("个工作日"), go["closed"]),
        ("satisfaction_rate", _("回访满意率"), rate(h["satisfaction_rate"]), "", go["satisfied"]),
        ("cases_with_recovery", _("追回工资案件"), h["cases_with_recovery"], _("起"), go["recovered"]),
        ("workers_paid", _("兑付劳动者"), h["workers_paid"], _("人"), go["recovered"]),
        ("amount_recovered", _("追回工资"), wan(h["amount_recovered"]), _("万元"), go["recovered"]),
        ("merged_duplicates", _("合并的重复线索"), h["merged_duplicates"], _("条"), go["merged_duplicates"]),
    ]
    alerts = {"overdue_now": h["overdue_now"] > 0,
              "completion_rate": h["completion_rate"] is not None and h["completion_rate"] < report.target}
    return [{"key": key, "label": label, "value": value, "measure": measure, "link": link,
             "alert": alerts.get(key, False)} for key, label, value, measure, link in cards]


def _chart_payload(report, links):
    return {
        "report": report.as_dict(),
        "drill_url": reverse("reports:clues"),
        "api_url": reverse("api-report-completion"),
        "labels": {key: str(value) for key, value in CHART_LABELS.items()},
        "risk_colors": {str(key): value for key, value in RISK_CHART_COLORS.items()},
        "trend_links": links["trend"],
    }


def _enforcement(user, period):
    """The enforcement figures of the board's period for its panel (credit), with the records behind them."""
    scope = credit_selectors.report_scope(user)
    if scope is None:
        return None, []
    figures = credit_selectors.enforcement_report(scope, period.start, period.end)
    base = reverse("credit:list")
    dates = urlencode({"start": period.start.isoformat(), "end": period.end.isoformat()})
    unit = "" if scope == "city" else f"&unit={scope.code}"
    cards = [
        ("rectification_orders", _("责令改正"), figures["rectification_orders"], _("份"),
         f"{base}?kind=rectification_order&{dates}{unit}", False),
        ("orders_rectified", _("整改完成"), figures["orders_rectified"], _("份"),
         f"{base}?kind=rectification_order&state=rectified{unit}", False),
        ("orders_overdue_now", _("逾期未整改"), figures["orders_overdue_now"], _("份"),
         f"{base}?state=overdue{unit}", figures["orders_overdue_now"] > 0),
        ("penalties", _("行政处罚"), figures["penalties"], _("件"), f"{base}?kind=penalty&{dates}{unit}", False),
        ("penalty_amount", _("罚款金额"), wan(figures["penalty_amount"]), _("万元"),
         f"{base}?kind=penalty&{dates}{unit}", False),
        ("blacklisted", _("列入失信名单"), figures["blacklisted"], _("家"), f"{base}?kind=blacklist&{dates}{unit}",
         False),
        ("blacklisted_now", _("名单内企业"), figures["blacklisted_now"], _("家"),
         f"{base}?kind=blacklist&state=listed{unit}", False),
        ("police_referrals", _("移送公安"), figures["police_referrals"], _("件"),
         f"{base}?kind=police_referral&{dates}{unit}", False),
    ]
    return figures, [{"key": key, "label": label, "value": value, "measure": measure, "link": link, "alert": alert}
                     for key, label, value, measure, link, alert in cards]


def _period_query(period, trend=None):
    params = {"start": period.start.isoformat(), "end": period.end.isoformat()}
    if trend:
        params["trend"] = trend
    return urlencode(params)


@login_required
def board(request):
    period, preset, errors = board_period(request.GET)
    trend, trend_errors = trend_from(request.GET)
    errors.update(trend_errors)
    report = selectors.report_for_user(request.user, period, trend=trend)
    if report is None:
        return forbidden(request)
    links = _links(report)
    league_rows, quiet_units = selectors.league(report.by_unit) if report.is_city else (report.by_unit, [])
    enforcement, enforcement_cards = _enforcement(request.user, report.period)
    return render(request, "reports/board.html", {
        "enforcement": enforcement, "enforcement_cards": enforcement_cards,
        "league_rows": league_rows, "quiet_units": quiet_units,
        "report": report, "headline": report.headline, "preset": preset, "errors": errors,
        "links": links, "cards": _cards(report, links), "chart": _chart_payload(report, links), "panels": BOARD_PANELS,
        "period_query": _period_query(report.period, trend), "trend": report.trend_granularity,
        "city_average": report.city_average, "trend_rows": list(zip(report.trend, links["trend"], strict=True)),
    })


@login_required
def screen(request):
    """The command centre's big screen: the same figures, large; the page refreshes them itself."""
    period, preset, errors = board_period(request.GET)
    report = selectors.report_for_user(request.user, period)
    if report is None:
        return forbidden(request)
    links = _links(report)
    return render(request, "reports/screen.html", {
        "report": report, "headline": report.headline, "preset": preset, "links": links,
        "cards": _cards(report, links), "chart": _chart_payload(report, links), "refresh_seconds": 60,
    })


@login_required
def clue_list(request):
    """The clues behind one figure of the report (what every number on the board links to)."""
    drill, errors, denied = drilldown_from(request.user, request.GET)
    if denied:
        return forbidden(request, _("您只能查看本单位的统计数据。"))
    if errors:
        return bad_request(request, errors)
    queryset = (selectors.drilldown_queryset(request.user, drill.period, drill.metric, unit=drill.unit,
                                             channel=drill.channel, risk_color=drill.risk_color)
                .select_related("unit").order_by("-received_at", "-pk"))
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "reports/clue_list.html", {
        "drill": drill, "page": page, "metric_label": selectors.METRIC_LABELS[drill.metric],
        "query": drill.query(), "board_query": _period_query(drill.period),
        "channel_label": Channel(drill.channel).label if drill.channel else "",
        "risk_label": RiskColor(drill.risk_color).label if drill.risk_color else "",
    })


def _report_from_query(request):
    """(report, None) or (None, error response) for the export and print views (?start&end[&trend])."""
    period, errors = period_from(request.GET, required=False)
    trend, trend_errors = trend_from(request.GET)
    errors.update(trend_errors)
    if errors:
        return None, bad_request(request, errors)
    if period is None:
        period, _preset, _errors = board_period(request.GET)
    report = selectors.report_for_user(request.user, period, trend=trend)
    if report is None:
        return None, forbidden(request)
    return report, None


@login_required
def report_xlsx(request):
    report, error = _report_from_query(request)
    if error:
        return error
    return xlsx_response(exports.report_workbook(report), exports.report_filename(report, "xlsx"))


@login_required
def report_pdf(request):
    report, error = _report_from_query(request)
    if error:
        return error
    response = HttpResponse(exports.report_pdf(report), content_type="application/pdf")
    response["Content-Disposition"] = attachment(exports.report_filename(report, "pdf"))
    return response


@login_required
def report_print(request):
    """The report as a printable page in Chinese, with its period and the time it was produced."""
    report, error = _report_from_query(request)
    if error:
        return error
    return render(request, "reports/print.html", {
        "report": report, "headline": report.headline, "city_average": report.city_average,
        "generated_at": timezone.localtime(report.generated_at),
        "period_query": _period_query(report.period, report.trend_granularity)})


@login_required
def clue_export(request, fmt):
    """Any clue list as XLSX or CSV: the staff clue list with its filters (dispatch's 全部线索: the same
    ClueFilterForm and selector, so the file holds the rows the page lists), narrowed to a report figure by
    ?metric=… when the board links here; masked personal data unless ?reveal=1 by a user who may see it."""

    if fmt not in ("xlsx", "csv"):
        raise Http404
    drill, errors, denied = drilldown_from(request.user, request.GET, required=False)
    if denied:
        return forbidden(request, _("您只能查看本单位的统计数据。"))
    if errors:
        return bad_request(request, errors)
    if selectors.report_scope(request.user) is None:
        return forbidden(request, _("您没有导出线索清单的权限。"))
    form = ClueFilterForm(request.GET, units=transfer_units())
    if not form.is_valid():
        return bad_request(request, {name: [str(m) for m in messages] for name, messages in form.errors.items()})
    queryset = all_clues(request.user, form.filters())
    if drill is not None:
        behind = selectors.drilldown_queryset(request.user, drill.period, drill.metric, unit=drill.unit,
                                              channel=drill.channel, risk_color=drill.risk_color)
        queryset = queryset.filter(pk__in=behind.values("pk"))
    reveal = request.GET.get("reveal") == "1"
    try:
        rows = exports.clue_rows(request.user, queryset, reveal=reveal)
    except exports.TooManyRows as exc:
        return bad_request(request, {"": [str(exc)]})
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    if fmt == "csv":
        response = HttpResponse(exports.clue_csv(rows), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = attachment(_("线索清单-%(stamp)s.csv") % {"stamp": stamp})
        return response
    return xlsx_response(exports.clue_workbook(rows), _("线索清单-%(stamp)s.xlsx") % {"stamp": stamp})

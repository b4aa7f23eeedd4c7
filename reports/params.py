"""Reading a report's period and drill-down from a query string, with a Chinese message for every mistake."""

import datetime as dt
import re
from dataclasses import dataclass

from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from clues.models import Channel, RiskColor
from core.api import ApplicationError
from units.models import Unit

from . import selectors

DAY_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
TREND_CHOICES = ("week", "month")
PRESETS = ("month", "recent", "year", "custom")


def parse_day(value):
    """A YYYY-MM-DD string → date; None when blank; ValueError when it is not a real date."""
    text = (value or "").strip()
    if not text:
        return None
    if not DAY_RE.match(text):
        raise ValueError("not YYYY-MM-DD")
    return dt.date.fromisoformat(text)


def period_from(query, *, required=True):
    """(Period or None, {field: [messages]}) from ?start=&end=."""
    days, errors = {}, {}
    for name, label in (("start", _("开始日期")), ("end", _("结束日期"))):
        try:
            days[name] = parse_day(query.get(name))
        except ValueError:
            days[name] = None
            errors[name] = [_("%(label)s格式有误,请按 YYYY-MM-DD 填写,例如 2026-01-31。") % {"label": label}]
    if errors:
        return None, errors
    if not required and days["start"] is None and days["end"] is None:
        return None, {}
    errors = selectors.period_errors(days["start"], days["end"])
    if errors:
        return None, errors
    return selectors.Period(days["start"], days["end"]), {}


def trend_from(query):
    trend = (query.get("trend") or "").strip()
    if trend and trend not in TREND_CHOICES:
        return None, {"trend": [_("趋势只能按周(week)或按月(month)。")]}
    return trend or None, {}


def _invalid(errors):
    first = next(iter(errors.values()))[0]
    return ApplicationError(first if len(errors) == 1 else _("提交的数据有误,请按提示修改。"),
                            code="invalid", fields=errors)


def report_params(query):
    """(Period, trend) for the API; raises ApplicationError with field errors."""
    period, errors = period_from(query)
    trend, trend_errors = trend_from(query)
    errors.update(trend_errors)
    if errors:
        raise _invalid(errors)
    return period, trend


def board_period(query, today=None):
    """The board's period: ?period=month|recent|year|custom (&start=&end= for custom); this month by default.

    Returns (Period, preset, errors): with errors the board shows them and this month's figures.
    """
    today = today or timezone.localdate()
    preset = (query.get("period") or "").strip()
    if not preset:
        preset = "custom" if (query.get("start") or query.get("end")) else "month"
    if preset not in PRESETS:
        return selectors.this_month(today), "month", {"period": [_("统计期间只能是本月、近三个月、本年或自定义。")]}
    if preset == "year":
        return selectors.this_year(today), preset, {}
    if preset == "recent":
        return selectors.recent_months(today), preset, {}
    if preset == "month":
        return selectors.this_month(today), preset, {}
    period, errors = period_from(query)
    if errors:
        return selectors.this_month(today), "custom", errors
    return period, preset, {}


@dataclass(frozen=True)
class DrillDown:
    period: object
    metric: str
    unit: Unit | None
    channel: str | None
    risk_color: str | None

    def query(self):
        """The query string that leads back here."""
        params = {"start": self.period.start.isoformat(), "end": self.period.end.isoformat(),
                  "metric": self.metric}
        if self.unit is not None:
            params["unit"] = self.unit.code
        if self.channel:
            params["channel"] = self.channel
        if self.risk_color:
            params["risk_color"] = self.risk_color
        return urlencode(params)


def drilldown_from(user, query, *, required=True):
    """(DrillDown or None, errors, forbidden) from ?start&end&metric[&unit&channel&risk_color]."""
    period, errors = period_from(query, required=required)
    metric = (query.get("metric") or "").strip()
    if not metric and not required and period is None:
        return None, errors, False
    if metric not in selectors.METRICS:
        errors["metric"] = [_("请选择要查看的统计项。")]
    elif period is None and "start" not in errors and "end" not in errors:
        errors.update(selectors.period_errors(None, None))
    unit = None
    code = (query.get("unit") or "").strip()
    if code:
        if "\x00" not in code:  # PostgreSQL text cannot hold NUL: no unit code has one
            unit = Unit.objects.filter(code=code, kind__in=selectors.REPORT_UNIT_KINDS).first()
        if unit is None:
            errors["unit"] = [_("没有代码为“%(code)s”的承办单位。") % {"code": code[:32].replace("\x00", "")}]
    channel = (query.get("channel") or "").strip() or None
    if channel and channel not in Channel.values:
        errors["channel"] = [_("来源渠道有误。")]
    risk_color = (query.get("risk_color") or "").strip() or None
    if risk_color and risk_color not in RiskColor.values:
        errors["risk_color"] = [_("风险等级有误。")]
    if errors:
        return None, errors, False
    scope = selectors.report_scope(user)
    if scope is None:
        return None, {}, True
    if scope != "city" and unit is not None and unit.pk != scope.pk:
        # A unit officer sees the clues behind their own unit's figures, never another unit's row; without
        # a unit, clue_visible_queryset already limits every list to the clues the unit handled.
        return None, {}, True
    return DrillDown(period, metric, unit, channel, risk_color), {}, False


def drilldown_params(user, query):
    """DrillDown for the API; raises ApplicationError (400 field errors, 403 for another unit's figures)."""
    drill, errors, forbidden = drilldown_from(user, query)
    if forbidden:
        raise ApplicationError(_("您只能查看本单位的统计数据。"), code="permission_denied", status_code=403)
    if errors:
        raise _invalid(errors)
    return drill

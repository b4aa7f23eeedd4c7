"""China's working-day calendar (holidays and 调休 make-up days) and the deadline rule of DOMAIN.md.

The `holidays` package knows the State Council's notices for the years it was released with; for a later
year it silently guesses without make-up days, so an administrator enters the year's notice in
WorkingDayOverride, which wins over the package.
"""

import datetime as dt
from dataclasses import dataclass, field
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays
from django.utils.translation import gettext as _

from . import reference_cache
from .models import WorkingDayOverride

SHANGHAI = ZoneInfo("Asia/Shanghai")
# The furthest a working-day count can wander: Spring Festival plus weekends is under 12 days off in a row.
_SPAN_PER_DAY = 3
_SPAN_SLACK = 30


@lru_cache(maxsize=64)
def _package_calendar(year):
    return holidays.country_holidays("CN", years=year)


def package_is_working_day(day):
    """What the `holidays` package alone says about `day`."""
    return _package_calendar(day.year).is_working_day(day)


def package_makeup_days(year):
    """调休 make-up working days (Saturdays or Sundays that are worked) the package knows for `year`."""
    return sorted(d for d in _package_calendar(year).weekend_workdays if d.year == year)


@dataclass
class WorkCalendar:
    """The calendar with the administrator's overrides for a span of dates loaded once."""

    overrides: dict = field(default_factory=dict)
    _memo: dict = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def for_span(cls, start, end):
        lo, hi = min(start, end), max(start, end)
        rows = WorkingDayOverride.objects.filter(date__range=(lo, hi)).values_list("date", "is_working_day")
        return cls(dict(rows))

    @classmethod
    def around(cls, start, n):
        span = abs(n) * _SPAN_PER_DAY + _SPAN_SLACK
        return cls.for_span(start - dt.timedelta(days=span), start + dt.timedelta(days=span))

    def is_working_day(self, day):
        if day in self.overrides:
            return self.overrides[day]
        return package_is_working_day(day)

    def add_working_days(self, start, n):
        """The Nth working day after `start` (start itself not counted); n < 0 counts back; n == 0 → start."""
        key = (start, n)
        if key not in self._memo:  # a sweep asks the same questions thousands of times
            self._memo[key] = self._add_working_days(start, n)
        return self._memo[key]

    def _add_working_days(self, start, n):
        step = dt.timedelta(days=1 if n >= 0 else -1)
        day, remaining = start, abs(n)
        while remaining:
            day += step
            if self.is_working_day(day):
                remaining -= 1
        return day

    def working_days_between(self, a, b):
        """Working days d with a < d <= b; negative when b comes before a."""
        if b < a:
            return -self.working_days_between(b, a)
        count, day = 0, a
        while day < b:
            day += dt.timedelta(days=1)
            if self.is_working_day(day):
                count += 1
        return count

    def deadline_after(self, moment, n):
        """'Within N working days of T' ends at 23:59:59 Shanghai time, N working days after T's day."""
        local_day = local_date(moment)
        end_day = self.add_working_days(local_day, n)
        return dt.datetime.combine(end_day, dt.time(23, 59, 59), tzinfo=SHANGHAI)


def local_date(moment):
    """The calendar day of `moment` in Asia/Shanghai (a date passes through unchanged)."""
    if isinstance(moment, dt.datetime):
        if moment.tzinfo is None:
            raise ValueError("naive datetime: pass an aware datetime")
        return moment.astimezone(SHANGHAI).date()
    return moment


def calendar(snapshot=None):
    """The calendar with every override, read once per process and again after any change of the overrides
    (units.reference_cache); `snapshot` is the caller's, if it holds one."""
    snapshot = snapshot or reference_cache.snapshot()
    return snapshot.get("calendar", lambda: WorkCalendar(dict(
        WorkingDayOverride.objects.values_list("date", "is_working_day"))))


def is_working_day(day):
    return calendar().is_working_day(day)


def add_working_days(start, n):
    return calendar().add_working_days(start, n)


def working_days_between(a, b):
    return calendar().working_days_between(a, b)


def deadline_after(moment, n, snapshot=None):
    return calendar(snapshot).deadline_after(moment, n)


def makeup_days_known(year):
    """Make-up working days for `year` from the package and the overrides together."""
    known = set(package_makeup_days(year))
    for row in WorkingDayOverride.objects.filter(date__year=year):
        if row.is_working_day and row.date.weekday() >= 5:
            known.add(row.date)
        else:
            known.discard(row.date)
    return sorted(known)


def calendar_coverage_warning(today):
    """A Chinese warning when the coming year's official calendar is not in yet, else ''.

    Every recent year has had 调休 make-up days; a year without any means its notice has not been entered.
    From 1 November on we look at next year; before that, at this year.
    """
    year = today.year + 1 if today.month >= 11 else today.year
    if makeup_days_known(year):
        return ""
    return _("%(year)d年的节假日安排(含调休上班日)尚未录入,期限计算可能有误。"
             "请在“工作日调整”中按国务院办公厅通知录入。") % {"year": year}

"""Calendar months: the arithmetic the payroll, the warnings, the blacklist periods and the demo share."""

import datetime as dt


def month_start(day):
    return day.replace(day=1)


def add_months(day, months):
    """The same day `months` later (earlier when negative), or the month's last day when it has no such day
    (31 August + 6 → 28/29 February). The first of a month stays the first."""
    year, index = divmod(day.year * 12 + day.month - 1 + months, 12)
    month = index + 1
    for candidate in range(day.day, 27, -1):
        try:
            return dt.date(year, month, candidate)
        except ValueError:
            continue
    return dt.date(year, month, min(day.day, 28))


def month_end(month):
    return add_months(month_start(month), 1) - dt.timedelta(days=1)

"""The report's arithmetic and every figure on constructed data (DOMAIN.md "Reports")."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from reports import selectors
from reports.selectors import Period, completion_report, percent
from units.models import Unit

from .scenario import NOW, build_march

MARCH = Period(dt.date(2026, 3, 1), dt.date(2026, 3, 31))


class TestRates:
    def test_seed_city_figure(self):
        assert percent(2988, 3063) == Decimal("97.55")

    def test_seed_department_figure(self):
        # 765/800 is exactly 95.625: GB/T 8170 (四舍六入五成双) gives the seed's 95.62, strict half-up 95.63.
        assert percent(765, 800) == Decimal("95.62")

    def test_values_that_are_not_ties_round_half_up(self):
        assert percent(2, 3) == Decimal("66.67")
        assert percent(1, 3) == Decimal("33.33")
        assert percent(1, 7) == Decimal("14.29")

    def test_an_exact_tie_goes_to_the_even_digit(self):
        assert percent(3, 160) == Decimal("1.88")  # 1.875
        assert percent(1, 160) == Decimal("0.62")  # 0.625

    def test_nothing_to_divide_by_gives_no_rate(self):
        assert percent(0, 0) is None
        assert percent(5, 0) is None

    def test_whole_rates(self):
        assert percent(0, 4) == Decimal("0.00")
        assert percent(4, 4) == Decimal("100.00")


class TestMedian:
    def test_odd_count(self):
        assert selectors.median_of_histogram({4: 1, 7: 1, 17: 1}) == 7

    def test_even_count_is_the_mean_of_the_middle_two(self):
        assert selectors.median_of_histogram({7: 1, 17: 1}) == 12
        assert selectors.median_of_histogram({1: 2, 2: 1, 9: 1}) == Decimal("1.5")

    def test_empty(self):
        assert selectors.median_of_histogram({}) is None


@pytest.mark.django_db
def test_an_empty_period_gives_zero_clues_and_no_rates(units):
    report = completion_report(Period(dt.date(2031, 1, 1), dt.date(2031, 1, 31)))
    h = report.headline
    assert (h["collected"], h["closed"], h["completion_rate"]) == (0, 0, None)
    assert h["departments_completion_rate"] is None
    assert h["median_working_days_to_close"] is None
    assert h["amount_recovered"] == 0
    assert len(report.by_unit) == 29
    assert all(row["completion_rate"] is None and not row["flagged"] for row in report.by_unit)


@pytest.fixture
def march(units):
    data = build_march(units)
    with time_machine.travel(NOW, tick=False):
        data["report"] = completion_report(MARCH)
    return data


def unit_row(report, code):
    return next(row for row in report.by_unit if row["unit"] == code)


@pytest.mark.django_db
class TestMarchFigures:
    def test_collected_leaves_out_the_merged_duplicate_and_the_clue_of_april(self, march):
        h = march["report"].headline
        assert h["collected"] == 7
        assert h["merged_duplicates"] == 1

    def test_closed_counts_clues_closed_now_and_not_the_reopened_one(self, march):
        h = march["report"].headline
        assert h["closed"] == 3
        assert h["completion_rate"] == Decimal("42.86")

    def test_departments_count_a_clue_moved_from_a_district_once(self, march):
        h = march["report"].headline
        assert h["transferred_to_departments"] == 3
        assert h["departments_closed"] == 2
        assert h["departments_completion_rate"] == Decimal("66.67")

    def test_money_of_closed_clues(self, march):
        h = march["report"].headline
        assert h["amount_recovered"] == Decimal("136000.00")
        assert h["workers_paid"] == 8
        assert h["cases_with_recovery"] == 2

    def test_timeliness_and_overdue(self, march):
        h = march["report"].headline
        assert h["closed_on_time"] == 2
        assert h["closed_on_time_rate"] == Decimal("66.67")
        # D (reopened, its response deadline of 03-05 passed with no contact recorded) and F.
        assert h["overdue_now"] == 2
        assert h["overdue_in_triage"] == 0

    def test_median_working_days_to_close(self, march):
        # A: 03-02 → 03-06 is 4 working days, B: → 03-11 is 7, C: → 03-25 is 17.
        assert march["report"].headline["median_working_days_to_close"] == 7

    def test_satisfaction_counts_the_follow_up_of_the_reopened_clue(self, march):
        h = march["report"].headline
        assert (h["followed_up"], h["satisfied"], h["satisfaction_rate"]) == (2, 1, Decimal("50.00"))

    def test_district_row(self, march):
        row = unit_row(march["report"], "150921")
        assert row["kind"] == "district"
        assert (row["assigned"], row["assignments"]) == (4, 4)
        assert (row["claimed_on_time"], row["claimed_late"], row["claim_on_time_rate"]) == (2, 0, Decimal("100.00"))
        assert (row["held"], row["closed"], row["completion_rate"]) == (3, 1, Decimal("33.33"))
        assert (row["closed_on_time"], row["overdue_now"]) == (1, 2)
        assert row["median_working_days_to_close"] == 4
        assert row["satisfaction_rate"] == Decimal("50.00")
        assert row["amount_recovered"] == Decimal("36000.00")
        assert row["below_target"] and row["flagged"]

    def test_department_row(self, march):
        row = unit_row(march["report"], "housing")
        assert row["kind"] == "department"
        assert (row["assigned"], row["claimed_on_time"], row["claimed_late"]) == (3, 1, 2)
        assert row["claim_on_time_rate"] == Decimal("33.33")
        assert (row["held"], row["closed"], row["completion_rate"]) == (3, 2, Decimal("66.67"))
        assert (row["closed_on_time"], row["closed_on_time_rate"]) == (1, Decimal("50.00"))
        assert row["median_working_days_to_close"] == 12
        assert row["satisfaction_rate"] is None
        assert row["overdue_now"] == 0

    def test_idle_units_have_zeros_and_no_rates(self, march):
        row = unit_row(march["report"], "150902")
        assert (row["assigned"], row["held"], row["closed"]) == (0, 0, 0)
        assert row["completion_rate"] is None and not row["flagged"]

    def test_by_channel(self, march):
        by_channel = {row["channel"]: (row["collected"], row["closed"]) for row in march["report"].by_channel}
        assert by_channel["qr"] == (2, 1)
        assert by_channel["hotline_12345"] == (1, 1)
        assert by_channel["web"] == (2, 1)
        assert by_channel["walk_in"] == (1, 0)
        assert by_channel["hotline_12333"] == (1, 0)
        assert by_channel["national_platform"] == (0, 0)

    def test_by_risk_color(self, march):
        by_color = {row["risk_color"]: (row["collected"], row["closed"]) for row in march["report"].by_risk_color}
        assert by_color == {"red": (0, 0), "orange": (1, 1), "blue": (6, 2)}

    def test_trend_by_week(self, march):
        trend = march["report"].trend
        assert march["report"].trend_granularity == "week"
        assert [row["start"] for row in trend][:2] == [dt.date(2026, 3, 1), dt.date(2026, 3, 2)]
        assert trend[-1]["end"] == dt.date(2026, 3, 31)
        assert sum(row["collected"] for row in trend) == 7
        week_of_2nd = next(row for row in trend if row["start"] == dt.date(2026, 3, 2))
        assert (week_of_2nd["collected"], week_of_2nd["closed"]) == (6, 3)

    def test_trend_by_month(self, march):
        with time_machine.travel(NOW, tick=False):
            report = completion_report(MARCH, trend="month")
        assert [(row["label"], row["collected"], row["closed"]) for row in report.trend] == [("2026年3月", 7, 3)]

    def test_a_period_boundary_is_a_beijing_calendar_day(self, march):
        with time_machine.travel(NOW, tick=False):
            last_day = completion_report(Period(dt.date(2026, 3, 31), dt.date(2026, 3, 31)))
            first_of_april = completion_report(Period(dt.date(2026, 4, 1), dt.date(2026, 4, 1)))
        assert last_day.headline["collected"] == 1
        assert first_of_april.headline["collected"] == 1

    def test_a_unit_report_has_its_own_row_and_the_clues_it_handled(self, march):
        with time_machine.travel(NOW, tick=False):
            report = selectors.report_for_user(march["zhuozi"], MARCH)
        assert [row["unit"] for row in report.by_unit] == ["150921"]
        assert report.by_unit[0]["held"] == 3
        # A, B (returned, later closed by housing), D and F passed through the unit.
        assert (report.headline["collected"], report.headline["closed"]) == (4, 2)
        average = report.city_average
        assert average["units_counted"] == 2
        assert average["assigned"] == Decimal("3.5")
        assert average["completion_rate"] == Decimal("50.00")
        assert average["median_working_days_to_close"] == 7


METRIC_FIGURES = [
    ("collected", "collected"), ("closed", "closed"), ("overdue_now", "overdue_now"),
    ("transferred_to_departments", "transferred_to_departments"), ("departments_closed", "departments_closed"),
    ("merged_duplicates", "merged_duplicates"), ("closed_on_time", "closed_on_time"),
    ("followed_up", "followed_up"), ("satisfied", "satisfied"), ("recovered", "cases_with_recovery"),
]
UNIT_METRICS = ["assigned", "claimed_on_time", "claimed_late", "held", "closed", "closed_on_time", "overdue_now",
                "followed_up", "satisfied"]


@pytest.mark.django_db
def test_every_number_drills_down_to_as_many_clues(march, supervisor_user):
    report = march["report"]
    with time_machine.travel(NOW, tick=False):
        for metric, figure in METRIC_FIGURES:
            count = selectors.drilldown_queryset(supervisor_user, MARCH, metric).count()
            assert count == report.headline[figure], metric
        for row in report.by_unit:
            if not row["assigned"]:
                continue
            unit = Unit.objects.get(code=row["unit"])
            for metric in UNIT_METRICS:
                count = selectors.drilldown_queryset(supervisor_user, MARCH, metric, unit=unit).count()
                assert count == row[metric], (row["unit"], metric)
        for row in report.by_channel:
            assert selectors.drilldown_queryset(supervisor_user, MARCH, "collected",
                                                channel=row["channel"]).count() == row["collected"]
        for row in report.by_risk_color:
            assert selectors.drilldown_queryset(supervisor_user, MARCH, "closed",
                                                risk_color=row["risk_color"]).count() == row["closed"]


@pytest.mark.django_db
def test_drill_down_names_the_clues(march, supervisor_user):
    clues = march["clues"]
    with time_machine.travel(NOW, tick=False):
        late = set(selectors.drilldown_queryset(supervisor_user, MARCH, "claimed_late",
                                                unit=clues["C"].unit).values_list("pk", flat=True))
        departments = set(selectors.drilldown_queryset(supervisor_user, MARCH, "transferred_to_departments")
                          .values_list("pk", flat=True))
    assert late == {clues["C"].pk, clues["I"].pk}
    assert departments == {clues["B"].pk, clues["C"].pk, clues["I"].pk}


@pytest.mark.django_db
def test_an_officers_drill_down_holds_only_clues_of_their_unit(march):
    clues = march["clues"]
    with time_machine.travel(NOW, tick=False):
        collected = set(selectors.drilldown_queryset(march["zhuozi"], MARCH, "collected").values_list("pk", flat=True))
    assert collected == {clues[k].pk for k in "ABDF"}


def make_clues(n, units, intake):
    from clues import lifecycle
    from tests.clues.lifecycle_helpers import new_clue

    for index in range(n):
        clue = new_clue(channel=["qr", "web", "walk_in"][index % 3], risk_color=["blue", "orange", "red"][index % 3])
        if index % 2:
            lifecycle.transfer(clue=clue, unit=units["150921"] if index % 4 == 1 else units["housing"], by=intake)


@pytest.mark.django_db
def test_the_report_takes_the_same_few_queries_for_5_and_for_50_clues(units, intake_user,
                                                                       django_assert_max_num_queries):
    period = selectors.this_year()
    make_clues(5, units, intake_user)
    with CaptureQueriesContext(connection) as small:
        completion_report(period)
    make_clues(45, units, intake_user)
    # Working-day overrides, units, then in one transaction (a savepoint in a test) the session settings and
    # five aggregates: grouped figures, trend, days-to-close histogram, transfers per unit, clues that left
    # a sector department.
    with CaptureQueriesContext(connection) as large, django_assert_max_num_queries(10):
        report = completion_report(period)
    assert report.headline["collected"] == 50
    assert len(small.captured_queries) == len(large.captured_queries)


@pytest.mark.django_db
def test_a_clue_passed_from_a_district_to_a_department_and_back(units):
    """X goes 卓资县 → returned → 住建局 → returned → 卓资县 again, and is closed there: it counts once as
    collected and closed, once as sent to a department (closed too), in the district's row with two transfers,
    and in the department's row as assigned but not held."""
    from clues import lifecycle
    from tests.clues.lifecycle_helpers import new_clue
    from tests.conftest import make_staff

    from .scenario import at

    intake = make_staff("intake", username="x_intake")
    zhuozi = make_staff("officer", "150921", username="x_zz")
    housing = make_staff("officer", "housing", username="x_hs")

    def step(moment, action):
        with time_machine.travel(moment, tick=False):
            return action()

    x = step(at(3, 2), lambda: new_clue(received_at=at(3, 2)))
    step(at(3, 2, 10), lambda: lifecycle.transfer(clue=x, unit=units["150921"], by=intake))
    step(at(3, 2, 11), lambda: lifecycle.return_to_triage(clue=x, by=zhuozi, reason="属行业部门"))
    step(at(3, 2, 12), lambda: lifecycle.transfer(clue=x, unit=units["housing"], by=intake))
    step(at(3, 2, 13), lambda: lifecycle.claim(clue=x, by=housing))
    step(at(3, 3, 9), lambda: lifecycle.return_to_triage(clue=x, by=housing, reason="属地处理"))
    step(at(3, 3, 10), lambda: lifecycle.transfer(clue=x, unit=units["150921"], by=intake))
    step(at(3, 3, 11), lambda: lifecycle.claim(clue=x, by=zhuozi))
    step(at(3, 4, 10), lambda: lifecycle.resolve(clue=x, by=zhuozi, result="no_arrears"))
    step(at(3, 5, 10), lambda: lifecycle.review(clue=x, by=intake, approve=True))

    with time_machine.travel(NOW, tick=False):
        report = completion_report(MARCH)
    h = report.headline
    assert (h["collected"], h["closed"]) == (1, 1)
    assert (h["transferred_to_departments"], h["departments_closed"]) == (1, 1)
    district, department = unit_row(report, "150921"), unit_row(report, "housing")
    assert (district["assigned"], district["assignments"], district["held"], district["closed"]) == (1, 2, 1, 1)
    # First transfer returned unclaimed within its deadline: neither on time nor late; the second claimed.
    assert (district["claimed_on_time"], district["claimed_late"]) == (1, 0)
    assert (department["assigned"], department["assignments"], department["held"]) == (1, 1, 0)
    assert (department["claimed_on_time"], department["closed"]) == (1, 0)
    assert department["completion_rate"] is None


def test_the_league_puts_overdue_units_first_then_the_lowest_rate_then_the_most_clues():
    def row(unit, held=0, rate=None, overdue=0, assignments=None):
        return {"unit": unit, "held": held, "completion_rate": None if rate is None else Decimal(rate),
                "overdue_now": overdue, "assignments": held if assignments is None else assignments}

    rows = [row("quiet"), row("good", held=9, rate="100"), row("late", held=2, rate="100", overdue=1),
            row("later", held=1, rate="0", overdue=3), row("weak", held=4, rate="50"),
            row("weak_big", held=8, rate="50"), row("no_rate_yet", assignments=2)]
    active, quiet = selectors.league(rows)
    assert [r["unit"] for r in active] == ["later", "late", "weak_big", "weak", "good", "no_rate_yet"]
    assert [r["unit"] for r in quiet] == ["quiet"]

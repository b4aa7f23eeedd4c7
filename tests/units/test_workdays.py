"""The working-day calendar on real dates, and the deadline rule of DOMAIN.md."""

import datetime as dt

import pytest

from units.models import WorkingDayOverride
from units.workdays import (
    SHANGHAI,
    add_working_days,
    calendar_coverage_warning,
    deadline_after,
    is_working_day,
    working_days_between,
)

D = dt.date


@pytest.mark.django_db
class TestOfficialCalendar:
    def test_a_makeup_sunday_is_a_working_day(self):
        assert D(2025, 9, 28).weekday() == 6
        assert is_working_day(D(2025, 9, 28))

    def test_national_day_week_2025_is_off(self):
        for day in range(1, 9):
            assert not is_working_day(D(2025, 10, day)), day

    def test_the_makeup_saturday_after_national_day_works(self):
        assert is_working_day(D(2025, 10, 11))

    def test_spring_festival_2026_is_off_and_its_makeup_days_work(self):
        for day in range(15, 24):
            assert not is_working_day(D(2026, 2, day)), day
        assert is_working_day(D(2026, 2, 14))  # Saturday before the festival
        assert is_working_day(D(2026, 2, 28))  # Saturday after it
        assert is_working_day(D(2026, 1, 4))   # Sunday after New Year

    def test_an_ordinary_weekend_is_off(self):
        assert not is_working_day(D(2026, 11, 28))  # Saturday
        assert not is_working_day(D(2026, 11, 29))


@pytest.mark.django_db
class TestCounting:
    def test_five_working_days_across_national_day(self):
        # Fri 26 Sep → Sun 28 (调休) 1, Mon 29 2, Tue 30 3, holiday until 8 Oct, Thu 9 4, Fri 10 5.
        assert add_working_days(D(2025, 9, 26), 5) == D(2025, 10, 10)

    def test_one_working_day_before_a_holiday_week(self):
        assert add_working_days(D(2025, 9, 30), 1) == D(2025, 10, 9)

    def test_counting_backwards(self):
        assert add_working_days(D(2025, 10, 9), -1) == D(2025, 9, 30)

    def test_zero_days_is_the_start(self):
        assert add_working_days(D(2025, 10, 3), 0) == D(2025, 10, 3)

    def test_fifteen_working_days_over_spring_festival_2026(self):
        # Received Fri 6 Feb 2026: 9,10,11,12,13,14(Sat 调休),24,25,26,27,28(Sat 调休),Mar 2,3,4,5.
        assert add_working_days(D(2026, 2, 6), 15) == D(2026, 3, 5)

    def test_between_is_the_inverse_of_add(self):
        start = D(2025, 9, 20)
        for n in (1, 3, 5, 15, 30):
            end = add_working_days(start, n)
            assert working_days_between(start, end) == n

    def test_between_backwards_is_negative(self):
        assert working_days_between(D(2025, 10, 10), D(2025, 9, 26)) == -5


@pytest.mark.django_db
class TestDeadlines:
    def test_deadline_ends_at_the_last_second_in_shanghai(self):
        # 23:30 UTC on 25 Sep is already 26 Sep in Shanghai: count from 26 Sep.
        moment = dt.datetime(2025, 9, 25, 23, 30, tzinfo=dt.UTC)
        deadline = deadline_after(moment, 5)
        assert deadline == dt.datetime(2025, 10, 10, 23, 59, 59, tzinfo=SHANGHAI)

    def test_a_clue_received_on_a_holiday_counts_from_the_next_working_day(self):
        moment = dt.datetime(2025, 10, 3, 10, 0, tzinfo=SHANGHAI)
        assert deadline_after(moment, 1) == dt.datetime(2025, 10, 9, 23, 59, 59, tzinfo=SHANGHAI)

    def test_naive_datetimes_are_refused(self):
        with pytest.raises(ValueError):
            deadline_after(dt.datetime(2025, 10, 3, 10, 0), 1)


@pytest.mark.django_db
class TestOverrides:
    def test_an_override_wins_over_the_package(self):
        WorkingDayOverride.objects.create(date=D(2025, 10, 8), is_working_day=True, note="test")
        WorkingDayOverride.objects.create(date=D(2025, 9, 29), is_working_day=False, note="test")
        assert is_working_day(D(2025, 10, 8))
        assert not is_working_day(D(2025, 9, 29))
        # Fri 26 → 28 (调休), 30, 8 (override), 9, 10
        assert add_working_days(D(2025, 9, 26), 5) == D(2025, 10, 10)
        assert add_working_days(D(2025, 9, 26), 3) == D(2025, 10, 8)

    def test_a_new_years_makeup_saturday_entered_by_an_administrator(self):
        saturday = D(2027, 2, 20)
        assert saturday.weekday() == 5
        assert not is_working_day(saturday)
        WorkingDayOverride.objects.create(date=saturday, is_working_day=True, note="2027年春节调休")
        assert is_working_day(saturday)


@pytest.mark.django_db
class TestCoverageWarning:
    def test_warns_in_november_when_next_year_has_no_makeup_days(self):
        warning = calendar_coverage_warning(D(2026, 11, 28))
        assert "2027" in warning

    def test_no_warning_once_a_makeup_day_is_entered(self):
        WorkingDayOverride.objects.create(date=D(2027, 2, 20), is_working_day=True, note="调休")
        assert calendar_coverage_warning(D(2026, 11, 28)) == ""

    def test_no_warning_for_a_year_the_package_knows(self):
        assert calendar_coverage_warning(D(2025, 11, 2)) == ""

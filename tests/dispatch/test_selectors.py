"""The reads behind the workspaces: time left in working terms, queues, counts, sections and filters."""

import datetime as dt

import pytest
import time_machine
from django.http import QueryDict

from clues import lifecycle
from clues.models import Status
from dispatch import selectors
from tests.clues.lifecycle_helpers import new_clue, to_assigned, to_closed, to_in_progress, to_resolved, to_unsatisfied
from tests.conftest import make_staff
from tests.factories import ClueFactory
from units.workdays import SHANGHAI

pytestmark = pytest.mark.django_db


def at(*args):
    return dt.datetime(*args, tzinfo=SHANGHAI)


@pytest.fixture
def people(db):
    return {
        "intake": make_staff("intake", username="sel_intake"),
        "officer": make_staff("officer", "150921", username="sel_off_zz"),
        "officer_housing": make_staff("officer", "housing", username="sel_off_housing"),
    }


class TestTimeLeft:
    @pytest.mark.parametrize(("now", "deadline", "text"), [
        # Wednesday 10:00 → Friday's end: two working days to go.
        (at(2026, 3, 4, 10), at(2026, 3, 6, 23, 59, 59), "剩余 2 个工作日"),
        # Friday → Monday: the weekend does not count.
        (at(2026, 3, 6, 10), at(2026, 3, 9, 23, 59, 59), "剩余 1 个工作日"),
        # Before the 2026 Spring Festival: Saturday 02-14 is a make-up working day, 02-15..23 are off.
        (at(2026, 2, 13, 10), at(2026, 2, 24, 23, 59, 59), "剩余 2 个工作日"),
        (at(2026, 3, 4, 10), at(2026, 3, 4, 23, 59, 59), "剩余 13 小时"),
        (at(2026, 3, 4, 10), at(2026, 3, 4, 10, 30), "剩余 30 分钟"),
        (at(2026, 3, 4, 10), at(2026, 3, 4, 7), "已超期 3 小时"),
        (at(2026, 3, 4, 10), at(2026, 3, 4, 9, 40), "已超期 20 分钟"),
        (at(2026, 3, 4, 10), at(2026, 3, 2, 23, 59, 59), "已超期 2 个工作日"),
        # Overdue since Friday night, read on Sunday: no working day has passed yet.
        (at(2026, 3, 8, 10), at(2026, 3, 6, 23, 59, 59), "已超期 1 天"),
    ])
    def test_time_left_is_said_in_working_days_or_hours(self, now, deadline, text):
        assert selectors.DeadlineClock(now).text(deadline) == text

    def test_a_clock_says_whether_it_is_overdue(self):
        clock = selectors.DeadlineClock(at(2026, 3, 4, 10))
        assert clock.clock("claim", at(2026, 3, 4, 7)).overdue
        assert not clock.clock("claim", at(2026, 3, 5, 7)).overdue
        assert clock.clock("claim", at(2026, 3, 5, 7)).label == "认领期限"

    def test_running_clocks_of_an_assigned_clue_earliest_first(self, people):
        with time_machine.travel(at(2026, 3, 4, 10), tick=False):
            clue = new_clue()
            to_assigned(clue, people["intake"], people["officer"].unit)
            clocks = selectors.DeadlineClock().running(clue)
        assert [c.name for c in clocks] == ["claim", "response", "close"]
        assert clocks[0].text == "剩余 1 个工作日"


class TestTriageQueue:
    def test_red_clues_first_then_newest_and_only_received(self, people):
        now = at(2026, 3, 4, 10)
        with time_machine.travel(now, tick=False):
            old_blue = new_clue(received_at=now - dt.timedelta(hours=5))
            new_blue = new_clue(received_at=now - dt.timedelta(hours=1))
            old_red = new_clue(received_at=now - dt.timedelta(hours=9), risk_color="red")
            new_red = new_clue(received_at=now - dt.timedelta(hours=2), risk_color="red")
            assigned = new_clue(received_at=now - dt.timedelta(hours=3), risk_color="red")
            to_assigned(assigned, people["intake"], people["officer"].unit)
        queue = list(selectors.triage_queue(people["intake"], {}))
        assert queue == [new_red, old_red, new_blue, old_blue]

    def test_the_queue_ignores_a_status_filter(self, people):
        clue = new_clue()
        assert list(selectors.triage_queue(people["intake"], {"status": Status.CLOSED})) == [clue]


class TestStateCounts:
    def test_counts_per_state_and_overdue_in_one_query(self, people, django_assert_num_queries):
        intake, officer = people["intake"], people["officer"]
        with time_machine.travel(at(2026, 3, 2, 10), tick=False):
            new_clue()
            to_assigned(new_clue(), intake, officer.unit)
            to_in_progress(new_clue(), intake, officer)
            to_resolved(new_clue(), intake, officer)
            to_closed(new_clue(), intake, officer)
        with time_machine.travel(at(2026, 3, 4, 10), tick=False):
            with django_assert_num_queries(1):
                counts = {item["key"]: item["count"] for item in selectors.state_counts(intake)}
        # The assigned clue missed its claim deadline (Tuesday night).
        assert counts == {"received": 1, "assigned": 1, "in_progress": 1, "resolved": 1, "closed": 1,
                          "overdue": 1}

    def test_an_officer_counts_only_what_the_unit_may_see(self, people):
        to_assigned(new_clue(), people["intake"], people["officer"].unit)
        new_clue()
        counts = {item["key"]: item["count"] for item in selectors.state_counts(people["officer"])}
        assert counts["assigned"] == 1 and counts["received"] == 0
        counts = {item["key"]: item["count"] for item in selectors.state_counts(people["officer_housing"])}
        assert sum(counts.values()) == 0


class TestUnitWorkspace:
    def test_sections_of_the_unit(self, people):
        intake, officer = people["intake"], people["officer"]
        unit = officer.unit
        with time_machine.travel(at(2026, 3, 2, 10), tick=False):
            later = new_clue()
            to_assigned(later, intake, unit)
        with time_machine.travel(at(2026, 2, 27, 10), tick=False):
            sooner = new_clue()
            to_assigned(sooner, intake, unit)
            handling = new_clue()
            to_in_progress(handling, intake, officer)
            rejected = new_clue()
            to_resolved(rejected, intake, officer)
            lifecycle.review(clue=rejected, by=intake, approve=False, reason="未附支付凭证")
            returned = new_clue()
            to_assigned(returned, intake, unit)
            lifecycle.return_to_triage(clue=returned, by=officer, reason="项目在集宁区")
        with time_machine.travel(at(2026, 1, 5, 10), tick=False):
            long_ago = new_clue()
            to_assigned(long_ago, intake, unit)
            lifecycle.return_to_triage(clue=long_ago, by=officer, reason="不属于本县")
        elsewhere = new_clue()
        to_assigned(elsewhere, intake, people["officer_housing"].unit)

        with time_machine.travel(at(2026, 3, 3, 10), tick=False):
            workspace = selectors.unit_workspace(unit)
        assert workspace["to_claim"] == [sooner, later]
        assert set(workspace["in_progress"]) == {handling, rejected}
        assert workspace["rejected"] == [rejected]
        assert workspace["rejected"][0].rejected_reason == "未附支付凭证"
        assert [a.clue for a in workspace["returned"]] == [returned]
        assert workspace["returned"][0].reason == "项目在集宁区"
        counts = workspace["counts"]
        assert (counts["to_claim"], counts["in_progress"]) == (2, 2)
        assert (counts["returned"], counts["rejected"]) == (1, 1)
        # `sooner` was transferred on Friday: its claim deadline (Monday night) has passed.
        assert counts["overdue"] >= 1


class TestReviewAndFollowup:
    def test_review_queue_oldest_first_with_on_time(self, people):
        intake, officer = people["intake"], people["officer"]
        with time_machine.travel(at(2026, 3, 2, 10), tick=False):
            first = new_clue()
            to_resolved(first, intake, officer)
        with time_machine.travel(at(2026, 1, 5, 10), tick=False):
            late = new_clue()
            to_in_progress(late, intake, officer)
        with time_machine.travel(at(2026, 3, 3, 10), tick=False):
            lifecycle.resolve(clue=late, by=officer, result="no_arrears", note="核实无欠薪")
        queue = list(selectors.review_queue(intake))
        assert queue == [first, late]
        assert [c.on_time for c in queue] == [1, 0]

    def test_followup_due_and_unsatisfied_within_thirty_days(self, people):
        intake, officer = people["intake"], people["officer"]
        due = new_clue()
        to_closed(due, intake, officer)
        satisfied = new_clue()
        to_closed(satisfied, intake, officer)
        lifecycle.followup(clue=satisfied, satisfied=True, by=intake)
        unhappy = new_clue()
        to_unsatisfied(unhappy, intake, officer)
        merged = new_clue()
        lifecycle.merge(clue=merged, into=due, by=intake)
        assert list(selectors.followup_due(intake)) == [due]
        assert list(selectors.unsatisfied_reopenable(intake)) == [unhappy]
        later = unhappy.followup_at + dt.timedelta(days=31)
        assert list(selectors.unsatisfied_reopenable(intake, now=later)) == []


class TestFilters:
    def test_filters_by_district_department_date_text_and_overdue(self, people, units):
        intake = people["intake"]
        with time_machine.travel(at(2026, 3, 2, 0, 30), tick=False):
            early_monday = new_clue(district=units["150921"], suggested_department=units["water"],
                                    employer_name="察右前旗水利工程公司")
        with time_machine.travel(at(2026, 3, 1, 23, 30), tick=False):
            sunday_night = new_clue(district=units["150902"], suggested_department=units["housing"])
        base = selectors.clue_rows(intake)

        def found(**filters):
            return set(selectors.filter_clues(base, filters, now=at(2026, 3, 9, 10)))

        assert found(district=units["150921"]) == {early_monday}
        assert found(suggested_department=units["housing"]) == {sunday_night}
        assert found(received_from=dt.date(2026, 3, 2)) == {early_monday}
        assert found(received_to=dt.date(2026, 3, 1)) == {sunday_night}
        assert found(q="水利工程") == {early_monday}
        assert found(q=sunday_night.tracking_code.lower()) == {sunday_night}
        assert found(q=sunday_night.complainant_phone) == {sunday_night}
        # Both response deadlines (3 working days) are behind us a week later.
        assert found(overdue=True) == {early_monday, sunday_night}
        assert set(selectors.filter_clues(base, {"overdue": True}, now=at(2026, 3, 2, 10))) == set()

    def test_merge_target_by_tracking_code_or_id_only_among_visible_clues(self, people):
        clue = new_clue()
        assert selectors.find_clue_for_merge(people["intake"], clue.tracking_code.lower()) == clue
        assert selectors.find_clue_for_merge(people["intake"], str(clue.pk)) == clue
        assert selectors.find_clue_for_merge(people["intake"], "NOPE") is None
        assert selectors.find_clue_for_merge(people["officer"], clue.tracking_code) is None

    def test_saved_query_keeps_only_filters(self):
        query = QueryDict("risk_color=red&page=3&evil=1&q=&district=150921")
        assert selectors.clean_query(query) == "risk_color=red&district=150921"


def test_list_rows_cost_a_fixed_number_of_queries(people, django_assert_max_num_queries):
    for _i in range(12):
        ClueFactory()
    # The user's roles, the rows, their duplicate candidates: the same for 12 rows as for 1.
    with django_assert_max_num_queries(3):
        rows = list(selectors.triage_queue(people["intake"], {}))
        for clue in rows:
            _ = clue.suggested_district, clue.project, list(clue.duplicate_candidates.all())


@pytest.mark.django_db
def test_a_search_by_full_phone_matches_only_the_digits_a_list_shows(intake_user):
    from clues.models import PersonalDataView

    asked = new_clue(complainant_phone="13800138000")
    lookalike = new_clue(complainant_phone="13899998000")
    other = new_clue(complainant_phone="13912345678")
    base = selectors.clue_rows(intake_user)
    by_full = set(selectors.filter_clues(base, {"q": "13800138000"}))
    by_masked = set(selectors.filter_clues(base, {"q": "138****8000"}))
    assert by_full == by_masked == {asked, lookalike}
    assert other not in by_full
    assert not PersonalDataView.objects.exists()

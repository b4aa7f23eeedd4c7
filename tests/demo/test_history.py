"""The demo `make run` loads: a city's last few months, replayed through intake and the lifecycle, so that
the supervisor's board, the ladder and the worker's pages have something true to show on day one."""

import datetime as dt
import re

import pytest
import time_machine
from django.core.management import call_command
from django.db.models import Count, F

from accounts.models import User
from clues.models import Assignment, Channel, Clue, ClueEvent, RiskColor
from demo.history import HISTORY_DAYS
from demo.seed import seed_demo
from projects.models import PayrollLine, PayrollMonth, Project
from supervision.models import Letter
from tests.conftest import ensure_reference_data
from units.models import Unit
from units.workdays import SHANGHAI
from wage_warnings.models import WageWarning

NOW = dt.datetime(2026, 12, 2, 10, 30, tzinfo=SHANGHAI)  # the 2nd of a month: 本月 is nearly empty

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def demo_database(django_db_setup, django_db_blocker):
    """The demo, seeded once for this module (it takes a while) and committed; wiped after it."""
    with django_db_blocker.unblock():
        ensure_reference_data()
        with time_machine.travel(NOW, tick=False):
            seed_demo("ulanxin-demo-2026")
    yield
    with django_db_blocker.unblock():
        call_command("flush", interactive=False, verbosity=0)


@pytest.fixture
def seeded(demo_database):
    return Clue.objects.all()


def test_the_history_spans_months_every_channel_colour_and_unit(seeded):
    first = seeded.order_by("received_at").first().received_at
    assert (NOW - first).days >= HISTORY_DAYS - 7 >= 90
    assert set(seeded.values_list("channel", flat=True)) == set(Channel.values)
    assert set(seeded.values_list("risk_color", flat=True)) == set(RiskColor.values)
    units = Unit.objects.exclude(kind=Unit.Kind.CITY)
    assigned = set(Assignment.objects.values_list("unit_id", flat=True).distinct())
    assert assigned == set(units.values_list("pk", flat=True))
    # Every state, the overdue ones, merged duplicates, ratings both ways.
    assert set(seeded.values_list("status", flat=True)) == set(Clue.Status.values)
    assert seeded.filter(is_overdue=True).count() >= 3
    assert seeded.filter(merged_into__isnull=False).exists()
    assert seeded.filter(followup_satisfied=True).exists() and seeded.filter(followup_satisfied=False).exists()
    assert seeded.filter(amount_implausible=True).count() == 1


def test_moves_are_stamped_when_they_happened_not_when_the_seed_ran(seeded):
    transferred = seeded.exclude(assigned_at=None)
    assert not transferred.filter(assigned_at__lt=F("received_at")).exists()
    late = {round((c.assigned_at - c.received_at).total_seconds() / 3600) for c in transferred}
    assert len(late) > 10  # hours after receipt, varying, not all at seed time
    events = ClueEvent.objects.filter(kind__in=["claimed", "resolved", "review_approved"])
    assert events.filter(at__lt=NOW - dt.timedelta(days=60)).count() > 50
    # Staff act in office hours on working days (the worker may file at any hour).
    claims = events.filter(kind="claimed")
    assert all(8 <= c.at.astimezone(SHANGHAI).hour < 18 for c in claims)


def test_the_ladder_really_issued_letters_for_the_overdue_clues(seeded):
    letters = Letter.objects.annotate(n=Count("clues")).filter(n__gt=0)
    assert set(letters.values_list("kind", flat=True)) >= {"reminder", "supervision", "summons", "referral"}
    assert letters.filter(issued_at__lt=NOW - dt.timedelta(days=30)).exists()
    escalated = ClueEvent.objects.filter(kind="escalated").values_list("clue_id", flat=True).distinct()
    assert seeded.filter(pk__in=escalated, is_overdue=True).exists()


def test_letters_go_to_the_unit_holding_the_clue_with_its_problems(seeded):
    held_by_one = seeded.annotate(units=Count("assignments__unit", distinct=True)).filter(units=1, is_overdue=True)
    clue = held_by_one.annotate(n=Count("letters")).filter(n__gt=0).order_by("-n").first()
    letters = Letter.objects.filter(clues=clue)
    assert {letter.unit_id for letter in letters} == {clue.unit_id}
    assert all(letter.problems for letter in letters)
    escalated = ClueEvent.objects.filter(clue=clue, kind=ClueEvent.Kind.ESCALATED)
    assert escalated.exists() and all(e.actor_unit_id == clue.unit_id for e in escalated)


def test_the_supervisors_board_has_three_months_every_channel_and_the_letters(seeded, client):
    client.force_login(User.objects.get(username="supervisor"))
    with time_machine.travel(NOW, tick=False):
        board = client.get("/reports/", {"period": "recent", "trend": "month"})
        ladder = client.get("/supervision/")
    report = board.context["report"]
    assert [row["label"] for row in report.trend] == ["2026年10月", "2026年11月", "2026年12月"]
    assert all(row["collected"] > 0 for row in report.trend[:2])
    assert all(row["collected"] > 0 for row in report.by_channel)
    assert report.headline["overdue_now"] > 0 and report.headline["satisfaction_rate"] is not None
    page = ladder.content.decode()
    assert "乌薪督〔2026〕" in page or re.search(r"移交|约谈函|督办函|提醒函", page)


def test_make_run_again_leaves_the_history_as_it_is(seeded):
    counts = (User.objects.count(), Clue.objects.count(), ClueEvent.objects.count(), Letter.objects.count())
    admin = User.objects.get(username="admin")
    assert admin.get_short_name() == "系统管理员" and (admin.last_name, admin.first_name) == ("", "系统管理员")
    payrolls = PayrollLine.objects.count()
    with time_machine.travel(NOW + dt.timedelta(days=3), tick=False):
        seed_demo("ulanxin-demo-2026")
    assert (User.objects.count(), Clue.objects.count(), ClueEvent.objects.count(),
            Letter.objects.count()) == counts
    assert PayrollLine.objects.count() == payrolls
    officers = User.objects.filter(groups__name="officer").values_list("unit__code", flat=True)
    assert set(officers) == set(Unit.objects.exclude(kind=Unit.Kind.CITY).values_list("code", flat=True))


# --- the monitoring side -------------------------------------------------------------------------------------

def test_a_dozen_projects_with_a_year_of_payroll_and_true_red_and_yellow_warnings(seeded):
    projects = Project.objects.filter(code__startswith="WLCB-2026-")
    assert projects.count() == 12
    assert all(p.general_contractor_id and p.managers.exists() for p in projects)
    months = PayrollMonth.objects.filter(is_current=True)
    assert months.values("project").distinct().count() == 12
    assert min(months.values_list("month", flat=True)) <= dt.date(2025, 11, 1)  # a year back from 2026-12
    # No upload stamped at seed time: each when its wages were paid.
    assert not months.filter(uploaded_at__gte=NOW - dt.timedelta(days=1)).exists()
    open_warnings = WageWarning.objects.filter(state="open")
    assert {"red", "yellow"} <= set(open_warnings.values_list("level", flat=True))
    rules = set(open_warnings.values_list("rule__code", flat=True))
    assert {"wage_account_missing", "deposit_missing", "roster_missing", "notice_board_missing", "allocation_missing",
            "payroll_late", "payroll_unpaid_share", "payroll_headcount_short", "below_minimum_wage"} <= rules
    # The projects in order have none.
    assert not open_warnings.filter(project__code__in=["WLCB-2026-0001", "WLCB-2026-0006"]).exists()


def test_the_demo_wage_manager_sees_their_two_projects_only(seeded, client):
    manager = User.objects.get(username="wage_manager")
    client.force_login(manager)
    listed = client.get("/projects/").content.decode()
    assert "WLCB-2026-0001" in listed and "WLCB-2026-0005" in listed and "WLCB-2026-0002" not in listed
    assert client.get("/projects/WLCB-2026-0005/workspace/").status_code == 200
    assert client.get("/projects/WLCB-2026-0002/").status_code == 404

"""The evaluation as a whole: once per project, rule and period; kept up to date; closed by itself; a dismissal
holds; notifications once; the marks the project side and intake set; the daily and minute schedules; the
number of queries does not grow with the number of projects."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext

from clues.services import clue_create
from config.celery import app as celery_app
from notifications.models import OutboxMessage
from projects.models import Project, ProjectEvent
from projects.monitoring import mark_enterprise_projects, mark_for_warnings
from tests.conftest import make_staff
from tests.factories import DutyFactory, EnterpriseFactory, PayrollMonthFactory, ProjectFactory
from units.models import Unit
from wage_warnings import services
from wage_warnings.evaluation import evaluate, evaluate_marked
from wage_warnings.models import EvaluationRun, Rule, WageWarning

from .helpers import at, evaluate_at, warnings_of

pytestmark = pytest.mark.django_db
OPEN, CLOSED, DISMISSED = WageWarning.State.OPEN, WageWarning.State.CLOSED, WageWarning.State.DISMISSED


def only_rule(*codes):
    Rule.objects.exclude(code__in=codes).update(is_active=False)


@pytest.fixture
def short_payroll():
    """A project whose April payroll left 1 of 20 workers unpaid (yellow)."""
    only_rule("payroll_headcount_short", "payroll_unpaid_share")
    project = ProjectFactory(start_date=dt.date(2026, 1, 1), wage_manager_phone="13947400001")
    payroll = PayrollMonthFactory(project=project, month=dt.date(2026, 4, 1), roster_headcount=20, headcount_paid=19)
    return project, payroll


def test_a_warning_opens_once_per_period_and_its_detail_follows_the_data(short_payroll):
    project, payroll = short_payroll
    evaluate_at(at(2026, 5, 12, 9))
    evaluate_at(at(2026, 5, 13, 9))
    [warning] = warnings_of(project)
    events = ProjectEvent.objects.filter(project=project, kind="warning_opened")
    assert events.count() == 1 and "1人未发放" in events.get().text

    payroll.headcount_paid = 18
    payroll.save()
    evaluate_at(at(2026, 5, 14, 9))
    [same] = warnings_of(project)
    assert same.pk == warning.pk and "2人未发放" in same.detail and same.updated_at == at(2026, 5, 14, 9)
    assert ProjectEvent.objects.filter(project=project).count() == 1  # an update is not a timeline event

    # Next month, the same project falls short again: a warning of its own period.
    PayrollMonthFactory(project=project, month=dt.date(2026, 5, 1), roster_headcount=20, headcount_paid=19)
    evaluate_at(at(2026, 6, 10, 9))
    assert [w.period for w in warnings_of(project)] == ["2026-04", "2026-05"]


def test_a_dismissed_warning_stays_dismissed_for_its_period(short_payroll):
    project, _payroll = short_payroll
    evaluate_at(at(2026, 5, 12, 9))
    [warning] = warnings_of(project)
    city = make_staff("intake", username="ww_intake")
    with time_machine.travel(at(2026, 5, 12, 10), tick=False):
        services.warning_dismiss(warning=warning, by=city, reason="在册人数含已离场工人,实际已全部发放")
    for day in (13, 20, 28):
        evaluate_at(at(2026, 5, day, 9))
    [warning] = warnings_of(project)
    assert warning.state == DISMISSED and warning.dismissal_reason.startswith("在册人数含已离场工人")
    assert ProjectEvent.objects.filter(project=project, kind="warning_dismissed").count() == 1


def test_the_condition_clearing_closes_the_warning_with_the_date_and_the_timeline_says_so(short_payroll):
    project, payroll = short_payroll
    evaluate_at(at(2026, 5, 12, 9))
    payroll.headcount_paid = 20
    payroll.save()
    evaluate_at(at(2026, 5, 15, 16, 30))
    [warning] = warnings_of(project)
    assert (warning.state, warning.closed_at, warning.close_reason) == (CLOSED, at(2026, 5, 15, 16, 30), "cleared")
    closed = ProjectEvent.objects.get(project=project, kind="warning_closed")
    assert "预警销号" in closed.text and "预警情形已消除" in closed.text
    assert closed.data["warning"] == warning.pk


def test_a_project_leaving_the_watch_and_a_rule_switched_off_close_their_warnings(short_payroll):
    project, _payroll = short_payroll
    other = ProjectFactory(start_date=dt.date(2026, 1, 1))
    PayrollMonthFactory(project=other, month=dt.date(2026, 4, 1), roster_headcount=20, headcount_paid=19)
    evaluate_at(at(2026, 5, 12, 9))
    Project.objects.filter(pk=project.pk).update(status=Project.Status.WAGES_SETTLED)
    evaluate_at(at(2026, 5, 13, 9))
    [settled] = warnings_of(project)
    assert (settled.state, settled.close_reason) == (CLOSED, "not_monitored")

    Rule.objects.filter(code="payroll_headcount_short").update(is_active=False)
    evaluate_at(at(2026, 5, 14, 9))
    [switched_off] = warnings_of(other)
    assert (switched_off.state, switched_off.close_reason) == (CLOSED, "rule_disabled")
    Rule.objects.filter(code="payroll_headcount_short").update(is_active=True)
    evaluate_at(at(2026, 5, 15, 9))
    switched_off.refresh_from_db()
    assert (switched_off.state, switched_off.times_opened) == (OPEN, 2)
    assert ProjectEvent.objects.filter(project=other, kind="warning_reopened").count() == 1


def test_new_warnings_send_one_sms_per_project_and_one_notice_per_unit_once():
    only_rule("roster_missing", "notice_board_missing")
    units = {u.code: u for u in Unit.objects.all()}
    officer = make_staff("officer", "150921", username="ww_zz")
    housing = make_staff("officer", "housing", username="ww_housing")
    elsewhere = make_staff("officer", "150981", username="ww_fz")
    first = ProjectFactory(name="卓资县第一中学教学楼", district=units["150921"], wage_manager_phone="13947400001")
    second = ProjectFactory(name="卓资县人民医院门诊楼", district=units["150921"], wage_manager_phone="")
    evaluate_at(at(2026, 6, 1, 9))
    evaluate_at(at(2026, 6, 2, 9))
    sms = OutboxMessage.objects.filter(channel="sms")
    assert sms.count() == 1
    message = sms.get()
    assert message.recipient == "13947400001" and "卓资县第一中学教学楼新增工资预警2条" in message.body
    assert "未落实实名制管理" in message.body and "未设立维权信息告示牌" in message.body
    assert message.about == first
    for user, expected in ((officer, 1), (housing, 1), (elsewhere, 0)):
        notices = OutboxMessage.objects.filter(user=user, channel="inapp")
        assert notices.count() == expected
    notice = OutboxMessage.objects.get(user=officer, channel="inapp")
    assert notice.subject == "新增工资预警4条(红色0条)"
    assert "卓资县人民医院门诊楼" in notice.body and notice.url == "/warnings/?district=150921&state=open"
    assert second.warnings.count() == 2


def test_the_sweep_evaluates_marked_projects_only_and_clears_their_marks():
    only_rule("wage_account_missing")
    old = dt.date(2026, 1, 5)
    with time_machine.travel(at(2026, 6, 1, 9), tick=False):
        project, untouched = ProjectFactory(contract_date=old), ProjectFactory(contract_date=old)
        assert Project.objects.filter(warnings_dirty=True).count() == 2  # new projects are born marked
        report = evaluate_marked()
    assert report.opened == 2 and not Project.objects.filter(warnings_dirty=True).exists()

    # The project side enters the account and marks the project: the next sweep closes its warning only.
    DutyFactory(project=project, kind="wage_account", account_number="0566010401")
    Project.objects.filter(pk=untouched.pk).update(contract_date=None, start_date=None)  # unmarked change
    mark_for_warnings([project.pk])
    with time_machine.travel(at(2026, 6, 1, 9, 1), tick=False):
        report = evaluate_marked()
    assert (report.closed, report.projects) == (1, 1)
    assert warnings_of(project)[0].state == CLOSED and warnings_of(untouched)[0].state == OPEN
    run = EvaluationRun.objects.latest("started_at")
    assert (run.scope, run.closed) == ("marked", 1)
    with time_machine.travel(at(2026, 6, 1, 9, 2), tick=False):
        assert evaluate_marked().projects == 0  # nothing marked: nothing evaluated, nothing recorded
    assert EvaluationRun.objects.count() == 2


def test_intake_of_a_clue_about_a_project_marks_it_and_a_blacklisting_marks_every_project_of_the_enterprise():
    contractor = EnterpriseFactory()
    project = ProjectFactory(general_contractor=contractor)
    other = ProjectFactory()
    Project.objects.update(warnings_dirty=False)
    clue_create(channel="web", data={"employer_name": "乌兰察布市宏达建筑工程有限公司", "project": project,
                                     "complainant_name": "王勇", "complainant_phone": "13900000000",
                                     "worker_count": 3, "amount_owed": Decimal("30000"), "description": "欠薪"})
    assert list(Project.objects.filter(warnings_dirty=True)) == [project]
    Project.objects.update(warnings_dirty=False)
    assert mark_enterprise_projects([contractor.pk]) == 1
    assert list(Project.objects.filter(warnings_dirty=True)) == [project]
    assert not Project.objects.get(pk=other.pk).warnings_dirty


def test_evaluating_one_project_leaves_the_others_alone():
    only_rule("roster_missing")
    project, other = ProjectFactory(), ProjectFactory()
    with time_machine.travel(at(2026, 6, 1, 9), tick=False):
        evaluate(project_ids=[project.pk])
    assert len(warnings_of(project)) == 1 and warnings_of(other) == []
    assert Project.objects.get(pk=other.pk).warnings_dirty  # still waiting for its own evaluation


def _queries_for(count):
    units = {u.code: u for u in Unit.objects.all()}
    WageWarning.objects.all().delete()
    Project.objects.all().delete()
    for index in range(count):
        project = ProjectFactory(contract_date=dt.date(2026, 1, 5), start_date=dt.date(2026, 2, 1),
                                 is_government_invested=True, district=units["150921"],
                                 wage_manager_phone=f"139474{index:05d}")
        PayrollMonthFactory(project=project, month=dt.date(2026, 4, 1), roster_headcount=20, headcount_paid=10,
                            lines=20, total_due=Decimal("20000"))
        DutyFactory(project=project, kind="deposit", deposit_kind="cash", amount=Decimal("1"))
    # Both measurements start from the same process caches (content types, reference data): what an earlier
    # test in this process left behind must not count in one and not the other.
    ContentType.objects.clear_cache()
    with time_machine.travel(at(2026, 5, 12, 9), tick=False), CaptureQueriesContext(connection) as first:
        evaluate()
    with time_machine.travel(at(2026, 5, 13, 9), tick=False), CaptureQueriesContext(connection) as second:
        evaluate()
    return len(first.captured_queries), len(second.captured_queries), WageWarning.objects.count()


def test_the_number_of_queries_does_not_grow_with_the_number_of_projects():
    make_staff("officer", "150921", username="ww_counting")
    few = _queries_for(3)
    many = _queries_for(30)
    assert many[2] == 10 * few[2]  # ten times the warnings …
    assert many[:2] == few[:2]  # … the same number of queries, first run (all new) and the next (nothing new)


def test_the_daily_run_and_the_minute_sweep_are_scheduled_tasks():
    schedule = settings.CELERY_BEAT_SCHEDULE
    assert schedule["wage-warnings-daily"]["task"] == "wage_warnings.tasks.evaluate_all"
    assert schedule["wage-warnings-sweep"]["task"] == "wage_warnings.tasks.evaluate_marked_projects"
    assert schedule["wage-warnings-sweep"]["schedule"] == 60
    celery_app.loader.import_default_modules()
    for entry in ("wage-warnings-daily", "wage-warnings-sweep"):
        assert schedule[entry]["task"] in celery_app.tasks
    assert "wage_warnings.tasks.evaluate_project" in celery_app.tasks

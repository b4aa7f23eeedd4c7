"""Handling a warning end to end across weeks on China's calendar: assigned (交办) with a deadline in working days,
noticed; the minute sweep notes a missed deadline once; the unit's 核处 (late or on time) and the board's count
against the unit; who may do what."""

import datetime as dt

import pytest
import time_machine

from core.api import ApplicationError
from notifications.models import OutboxMessage
from projects.models import ProjectEvent
from tests.conftest import make_staff
from tests.factories import ProjectFactory
from units.models import Unit
from wage_warnings import selectors, services
from wage_warnings.evaluation import evaluate_marked
from wage_warnings.models import HandlingPolicy, Rule, WageWarning

from .helpers import at, evaluate_at

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(db):
    return {
        "intake": make_staff("intake", username="h_intake"),
        "zhuozi": make_staff("officer", "150921", username="h_zhuozi"),
        "housing": make_staff("officer", "housing", username="h_housing"),
        "fengzhen": make_staff("officer", "150981", username="h_fengzhen"),
    }


@pytest.fixture
def warnings(people):
    """A 卓资县 housing project with a red (no wage account) and a yellow (no roster) warning, 23 Sep 2026."""
    Rule.objects.exclude(code__in=["wage_account_missing", "roster_missing"]).update(is_active=False)
    units = {u.code: u for u in Unit.objects.all()}
    project = ProjectFactory(name="卓资县旗下营镇保障房", district=units["150921"], sector=units["housing"],
                             contract_date=dt.date(2026, 7, 1), start_date=dt.date(2026, 7, 15))
    evaluate_at(at(2026, 9, 23, 8))
    red = WageWarning.objects.get(project=project, rule__code="wage_account_missing")
    yellow = WageWarning.objects.get(project=project, rule__code="roster_missing")
    return red, yellow


def sweep_at(moment):
    with time_machine.travel(moment, tick=False):
        evaluate_marked()
        return services.note_overdue()


def handling(unit_code):
    board = selectors.monitoring_board("city")
    return next((row for row in board["handling"] if row["unit"] == unit_code), None)


def test_assigned_handled_late_across_the_mid_autumn_holiday_counts_against_the_unit(people, warnings):
    red, yellow = warnings
    with time_machine.travel(at(2026, 9, 24, 10), tick=False):  # Thursday; Friday 25 Sep is 中秋节
        services.warning_assign(warning=red, unit="150921", by=people["intake"])
    red.refresh_from_db()
    assert red.handling_deadline == at(2026, 9, 30, 23, 59, 59)  # 3 working days: Mon 28, Tue 29, Wed 30
    notice = OutboxMessage.objects.get(user=people["zhuozi"], subject__startswith="工资预警交办")
    assert "2026-09-30 23:59" in notice.body and notice.url == f"/warnings/{red.pk}/"
    assert not OutboxMessage.objects.filter(user=people["housing"], subject__startswith="工资预警交办").exists()
    assert "交办卓资县核处" in ProjectEvent.objects.get(kind="warning_assigned").text

    assert sweep_at(at(2026, 9, 30, 23, 59)) == 0
    assert sweep_at(at(2026, 10, 1, 0, 0, 1)) == 1
    assert sweep_at(at(2026, 10, 2, 9)) == 0  # noted once
    red.refresh_from_db()
    assert red.overdue_at == at(2026, 10, 1, 0, 0, 1) and red.is_overdue(at(2026, 10, 2))
    overdue_notices = OutboxMessage.objects.filter(user=people["zhuozi"], subject="工资预警核处超期1条")
    assert overdue_notices.count() == 1
    assert ProjectEvent.objects.filter(kind="warning_overdue").count() == 1
    row = handling("150921")
    assert (row["assigned"], row["open"], row["overdue"], row["responded"]) == (1, 1, 1, 0)

    with time_machine.travel(at(2026, 10, 9, 15), tick=False):  # after the National Day week
        services.warning_respond(warning=red, by=people["zhuozi"], response="已约谈总包单位,责令10月15日前开设专户。")
    row = handling("150921")
    assert (row["overdue"], row["responded"], row["responded_late"]) == (0, 1, 1)
    assert "(超期核处)" in ProjectEvent.objects.get(kind="warning_responded").text

    # The yellow one goes to the sector department on the last day before the holiday: 5 working days, the
    # 调休 Saturday 10 October included.
    with time_machine.travel(at(2026, 9, 30, 16), tick=False):
        services.warning_assign(warning=yellow, unit="housing", by=people["intake"])
    yellow.refresh_from_db()
    assert yellow.handling_deadline == at(2026, 10, 13, 23, 59, 59)
    with time_machine.travel(at(2026, 10, 12, 11), tick=False):
        services.warning_respond(warning=yellow, by=people["housing"], response="已督促项目部完成实名制登记。")
    assert sweep_at(at(2026, 10, 20, 9)) == 0
    row = handling("housing")
    assert (row["responded"], row["responded_late"], row["overdue"]) == (1, 0, 0)


def test_a_reassignment_starts_a_new_deadline_and_the_policy_is_editable(people, warnings):
    _red, yellow = warnings
    HandlingPolicy.objects.filter(level="yellow").update(working_days=2)
    with time_machine.travel(at(2026, 10, 12, 9), tick=False):
        services.warning_assign(warning=yellow, unit="150921", by=people["intake"])
    with time_machine.travel(at(2026, 10, 13, 9), tick=False):
        services.warning_assign(warning=yellow, unit="housing", by=people["intake"])
    yellow.refresh_from_db()
    assert (yellow.assigned_unit.code, yellow.handling_deadline) == ("housing", at(2026, 10, 15, 23, 59, 59))
    with pytest.raises(ApplicationError) as refused:
        services.warning_respond(warning=yellow, by=people["zhuozi"], response="已核查")
    assert refused.value.status_code == 403  # 卓资县 no longer holds it


@pytest.mark.parametrize(("who", "call", "status", "field"), [
    ("zhuozi", lambda w, by: services.warning_assign(warning=w, unit="150921", by=by), 403, None),
    ("intake", lambda w, by: services.warning_assign(warning=w, unit="150981", by=by), 400, "unit"),
    ("housing", lambda w, by: services.warning_dismiss(warning=w, by=by, reason="误报"), 403, None),
    ("intake", lambda w, by: services.warning_dismiss(warning=w, by=by, reason="  "), 400, "reason"),
    ("zhuozi", lambda w, by: services.warning_respond(warning=w, by=by, response="已核查"), 403, None),
    ("zhuozi", lambda w, by: services.warning_reply(warning=w, by=by, text="已整改"), 403, None),
])
def test_who_may_not_do_what_changes_nothing(people, warnings, who, call, status, field):
    red, _yellow = warnings
    before = (WageWarning.objects.values_list("state", "assigned_unit", "dismissal_reason").get(pk=red.pk),
              ProjectEvent.objects.count())
    with pytest.raises(ApplicationError) as refused:
        call(red, people[who])
    assert refused.value.status_code == status
    if field:
        assert field in refused.value.fields
    assert (WageWarning.objects.values_list("state", "assigned_unit", "dismissal_reason").get(pk=red.pk),
            ProjectEvent.objects.count()) == before


def test_closed_or_dismissed_warnings_cannot_be_assigned_or_dismissed_again(people, warnings):
    red, yellow = warnings
    services.warning_dismiss(warning=red, by=people["intake"], reason="合同于7月1日签订但当月即开设,系录入遗漏")
    WageWarning.objects.filter(pk=yellow.pk).update(state=WageWarning.State.CLOSED)
    for warning in (red, yellow):
        with pytest.raises(ApplicationError) as refused:
            services.warning_dismiss(warning=warning, by=people["intake"], reason="再次撤销")
        assert refused.value.status_code == 409
        with pytest.raises(ApplicationError) as refused:
            services.warning_assign(warning=warning, unit="150921", by=people["intake"])
        assert refused.value.status_code == 409


def test_the_wage_manager_answers_for_the_project(warnings):
    red, _yellow = warnings
    manager = make_staff("wage_manager", username="h_manager")
    red.project.managers.add(manager)
    stranger = make_staff("wage_manager", username="h_stranger")
    services.warning_reply(warning=red, by=manager, text="已于9月25日在农业银行开设专户,材料补录中。")
    red.refresh_from_db()
    assert red.reply.startswith("已于9月25日") and red.replied_by == manager
    assert red.responded_at is None  # the unit's 核处 is still to come
    with pytest.raises(ApplicationError) as refused:
        services.warning_reply(warning=red, by=stranger, text="不是我的项目")
    assert refused.value.status_code == 403

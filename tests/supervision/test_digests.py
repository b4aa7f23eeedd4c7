"""The morning digests: each unit's officers hear what is due today and what is overdue, supervisors get the
city's totals and the worst units; once per day, on working days, in a fixed number of queries."""

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from clues import lifecycle
from notifications.models import OutboxMessage
from supervision import digests
from supervision.tasks import daily_digests
from tests.clues.lifecycle_helpers import new_clue, to_assigned
from tests.conftest import make_staff
from units.models import Unit
from units.workdays import SHANGHAI

pytestmark = pytest.mark.django_db

WEDNESDAY = dt.date(2026, 3, 4)


def at(y, m, d, hh=0, mm=0, ss=0):
    return dt.datetime(y, m, d, hh, mm, ss, tzinfo=SHANGHAI)


@pytest.fixture
def city(db):
    """卓资县: A missed its claim deadline (Tue 3 Mar), B's ends today (Wed 4 Mar). Housing: C claimed and the
    worker contacted, nothing due before 23 March."""
    people = {"intake": make_staff("intake", username="dg_intake"),
              "supervisor": make_staff("supervisor", username="dg_sup"),
              "zz1": make_staff("officer", "150921", username="dg_zz1"),
              "zz2": make_staff("officer", "150921", username="dg_zz2"),
              "housing": make_staff("officer", "housing", username="dg_housing")}
    with time_machine.travel(at(2026, 3, 2, 10), tick=False):
        a = new_clue(tracking_code="DGA0000001")
        to_assigned(a, people["intake"], people["zz1"].unit)
        c = new_clue(tracking_code="DGC0000001")
        to_assigned(c, people["intake"], people["housing"].unit)
        lifecycle.claim(clue=c, by=people["housing"])
        lifecycle.add_record(clue=c, by=people["housing"], kind="contact", note="已电话联系反映人")
    with time_machine.travel(at(2026, 3, 3, 10), tick=False):
        b = new_clue(tracking_code="DGB0000001")
        to_assigned(b, people["intake"], people["zz1"].unit)
    return {"a": a, "b": b, "c": c, **people}


def notices(user):
    return list(OutboxMessage.objects.filter(user=user, subject__contains="督办").order_by("pk"))


def test_a_units_digest_says_what_is_due_today_and_what_is_overdue(city):
    digest = digests.unit_digest(Unit.objects.get(code="150921"), WEDNESDAY)
    assert [(clue.tracking_code, what) for clue, what in digest.due_today] == [("DGB0000001", ["认领期限"])]
    assert [clue.tracking_code for clue in digest.overdue] == ["DGA0000001"]
    assert not digests.unit_digest(Unit.objects.get(code="housing"), WEDNESDAY).has_news


def test_every_officer_of_a_unit_with_news_gets_one_notice(city):
    with time_machine.travel(at(2026, 3, 4, 8, 30), tick=False):
        result = digests.send_daily_digests()
    assert result["units"] == 1
    for officer in (city["zz1"], city["zz2"]):
        [notice] = notices(officer)
        assert notice.subject == "今日督办提示:今日到期1条,已超期1条"
        assert "DGB0000001(认领期限)" in notice.body and "DGA0000001" in notice.body
        assert "最长已超期1个工作日" in notice.body
        assert notice.url == "/unit/"
    assert notices(city["housing"]) == []


def test_supervisors_get_the_city_totals_and_the_worst_units(city):
    digests.send_daily_digests(WEDNESDAY)
    [notice] = notices(city["supervisor"])
    assert notice.subject == "督办日报:全市已超期1条,今日到期1条,认领不及时1条"
    assert "卓资县 1条" in notice.body
    assert notice.url == "/supervision/"


def test_a_second_run_the_same_day_sends_nothing_new(city):
    digests.send_daily_digests(WEDNESDAY)
    count = OutboxMessage.objects.count()
    digests.send_daily_digests(WEDNESDAY)
    assert OutboxMessage.objects.count() == count
    digests.send_daily_digests(WEDNESDAY + dt.timedelta(days=1))
    assert len(notices(city["zz1"])) == 2


def test_non_working_days_are_skipped_unless_forced(city):
    saturday = dt.date(2026, 3, 7)
    assert digests.send_daily_digests(saturday)["skipped"] is True
    assert notices(city["zz1"]) == []
    assert digests.send_daily_digests(saturday, force=True)["units"] == 1


def test_a_quiet_city_still_tells_supervisors_there_is_nothing_overdue(db):
    supervisor = make_staff("supervisor", username="dg_sup_quiet")
    digests.send_daily_digests(WEDNESDAY)
    [notice] = notices(supervisor)
    assert "全市已超期0条" in notice.subject and "暂无超期线索" in notice.body


def test_the_task_runs_the_service_for_today(city):
    with time_machine.travel(at(2026, 3, 4, 8, 30), tick=False):
        assert daily_digests()["units"] == 1
    assert len(notices(city["zz1"])) == 1


def test_the_digest_query_count_does_not_grow_with_the_number_of_clues(city):
    def queries():
        OutboxMessage.objects.all().delete()
        with CaptureQueriesContext(connection) as captured:
            digests.send_daily_digests(WEDNESDAY)
        return len(captured)

    few = queries()
    with time_machine.travel(at(2026, 3, 2, 11), tick=False):
        for _ in range(12):
            to_assigned(new_clue(), city["intake"], city["zz1"].unit)
    with time_machine.travel(at(2026, 3, 3, 11), tick=False):
        for _ in range(12):
            to_assigned(new_clue(), city["intake"], city["zz1"].unit)
    assert queries() == few
    assert few <= 20

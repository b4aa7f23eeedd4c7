"""A problem not rectified by its deadline becomes supervised (督办) once the deadline day has ended, counts
against its unit, and the unit's officers hear of it once; what was rectified in time stays as it is."""

import datetime as dt

import pytest
import time_machine

from campaigns import services
from campaigns.models import Campaign
from campaigns.selectors import campaign_figures
from campaigns.tasks import supervise_overdue_problems
from notifications.models import OutboxMessage
from tests.conftest import make_staff
from tests.factories import ProjectFactory

pytestmark = pytest.mark.django_db
SHANGHAI = dt.timezone(dt.timedelta(hours=8))


def at(day, hour=10):
    return time_machine.travel(dt.datetime(day.year, day.month, day.day, hour, tzinfo=SHANGHAI), tick=False)


@pytest.fixture
def setup(units):
    supervisor = make_staff("supervisor", username="s_supervisor")
    officer = make_staff("officer", "150921", username="s_zhuozi")
    project = ProjectFactory(code="SW-1", district=units["150921"], sector=units["housing"],
                             is_government_invested=True)
    campaign = Campaign.objects.create(name="冬季攻坚", start=dt.date(2026, 11, 1), end=dt.date(2027, 1, 31))
    with at(dt.date(2026, 11, 2)):
        services.campaign_add_project(campaign=campaign, project=project, by=supervisor)
        late = services.problem_create(campaign=campaign, project=project, by=supervisor, category="real_name",
                                       description="实名制花名册未更新", deadline=5, unit="150921")
        in_time = services.problem_create(campaign=campaign, project=project, by=supervisor,
                                          category="notice_board", description="未设告示牌", deadline=5,
                                          unit="housing")
    return {"supervisor": supervisor, "officer": officer, "campaign": campaign, "late": late,
            "in_time": in_time}


def test_a_problem_past_its_deadline_becomes_supervised_and_counts_against_its_unit(setup):
    late, in_time = setup["late"], setup["in_time"]
    assert late.deadline == dt.date(2026, 11, 9)  # five working days after Monday 2 November
    with at(dt.date(2026, 11, 6)):
        services.problem_rectify(problem=in_time, by=setup["officer"], rectified_on=dt.date(2026, 11, 6),
                                 evidence="告示牌已设立,照片存档")
    with at(dt.date(2026, 11, 9), hour=23):
        assert supervise_overdue_problems() == 0  # the deadline day has not ended
    with at(dt.date(2026, 11, 10), hour=0):
        assert supervise_overdue_problems() == 1
        assert services.supervise_overdue() == 0  # once only
        figures = campaign_figures(setup["campaign"], setup["supervisor"])
    late.refresh_from_db()
    in_time.refresh_from_db()
    assert late.state == "supervised" and late.supervised_by is None
    assert in_time.state == "rectified" and in_time.supervised_at is None
    zhuozi = next(row for row in figures["by_unit"] if row["unit"] == "150921")
    assert (zhuozi["supervised_problems"], zhuozi["supervised_outstanding"], zhuozi["overdue_now"]) == (1, 1, 1)
    housing = next(row for row in figures["by_unit"] if row["unit"] == "housing")
    assert (housing["supervised_problems"], housing["problems_rectified"]) == (0, 1)
    notices = OutboxMessage.objects.filter(user=setup["officer"], subject="专项整治问题转入督办")
    assert notices.count() == 1 and "1 个问题" in notices.get().body

    # Rectified late, then cleared by city staff: it counts as a supervised problem cleared.
    with at(dt.date(2026, 11, 12)):
        services.problem_rectify(problem=late, by=setup["officer"], rectified_on=dt.date(2026, 11, 12),
                                 evidence="花名册已更新")
        late.refresh_from_db()
        assert late.state == "supervised_rectified"
        services.problem_clear(problem=late, by=setup["supervisor"])
        summary = campaign_figures(setup["campaign"], setup["supervisor"])["summary"]
    assert summary == {"projects": 1, "problems_found": 2, "problems_rectified": 2, "problems_outstanding": 0,
                       "supervised_problems": 1, "supervised_cleared": 1, "supervised_projects": 1}

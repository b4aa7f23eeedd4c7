"""The pick of an inspection round: the top of the risk ranking, then a draw from the rest with a seed that is
recorded, so the same seed over the same ranking gives the same pick; inspections recorded against it open
problems in a campaign."""

import datetime as dt

import pytest
from django.utils import timezone

from campaigns import services
from campaigns.models import Campaign, InspectionRound, Problem
from credit.models import EnforcementRecord
from tests.conftest import make_staff
from tests.factories import ClueFactory, EnterpriseFactory, ProjectFactory, WarningFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def projects(units):
    made = []
    for n in range(40):
        district = units["150921"] if n < 30 else units["150981"]
        project = ProjectFactory(code=f"PK-{n:03d}", district=district, sector=units["housing"],
                                 is_government_invested=n % 2 == 0)
        made.append(project)
    # Risk on a few: PK-005 highest, then PK-010, then PK-020.
    for _n in range(3):
        ClueFactory(project=made[5], risk_color="red")
    WarningFactory(project=made[10], code="wage_account_missing")
    WarningFactory(project=made[10], code="payroll_late", period="2026-10")
    WarningFactory(project=made[20], code="roster_missing")
    return made


def test_the_draw_is_reproducible_and_splits_rank_from_chance():
    candidates = [f"P{n:03d}" for n in range(100)]
    first = services.draw(candidates, 10, "0.3", seed=20261202)
    assert first == services.draw(candidates, 10, "0.3", seed=20261202)
    assert first != services.draw(candidates, 10, "0.3", seed=20261203)
    assert [code for code, how, _rank in first if how == "rank"] == ["P000", "P001", "P002", "P003", "P004",
                                                                      "P005", "P006"]
    drawn = [code for code, how, _rank in first if how == "random"]
    assert len(drawn) == len(set(drawn)) == 3 and not set(drawn) & {f"P{n:03d}" for n in range(7)}
    assert services.split_count(10, "0.25") == (7, 3)  # 2.5 rounds half up
    assert services.split_count(5, 1) == (0, 5)


def test_the_same_seed_picks_the_same_projects_through_the_api(projects, api_as):
    client = api_as(make_staff("supervisor", username="pick_supervisor"))
    ask = {"kind": "double_random", "count": 8, "random_share": "0.5", "seed": 424242, "district": "150921"}
    first = client.post("/api/v1/inspections/pick/", ask, format="json")
    second = client.post("/api/v1/inspections/pick/", ask, format="json")
    assert first.status_code == second.status_code == 201, first.content
    picks = first.json()["picks"]
    assert picks == second.json()["picks"]
    assert first.json()["seed"] == 424242 and first.json()["candidates"] == 30
    assert [(p["project"], p["how"]) for p in picks[:4]] == [
        ("PK-005", "rank"), ("PK-010", "rank"), ("PK-020", "rank"), ("PK-000", "rank")]
    assert all(p["how"] == "random" for p in picks[4:]) and len(picks) == 8
    assert all(p["project"] < "PK-030" for p in picks)  # only 卓资县's, as filtered
    round = InspectionRound.objects.get(pk=first.json()["id"])
    assert services.round_replay(round) == round.picks

    # Without a seed, one is made and recorded; the round replays with it.
    fresh = client.post("/api/v1/inspections/pick/", {k: v for k, v in ask.items() if k != "seed"},
                        format="json").json()
    again = client.post("/api/v1/inspections/pick/", {**ask, "seed": fresh["seed"]}, format="json").json()
    assert again["picks"] == fresh["picks"]


def test_an_officer_picks_among_the_units_projects_only(projects, api_as):
    client = api_as(make_staff("officer", "150981", username="pick_fengzhen"))
    body = client.post("/api/v1/inspections/pick/", {"count": 50, "random_share": "1", "seed": 1,
                                                     "kind": "double_resident"}, format="json").json()
    assert {p["project"] for p in body["picks"]} == {f"PK-{n:03d}" for n in range(30, 40)}
    bad = client.post("/api/v1/inspections/pick/", {"count": 0, "random_share": "2"}, format="json")
    assert bad.status_code == 400 and set(bad.json()["error"]["fields"]) == {"count", "random_share"}


def test_an_inspection_of_a_picked_project_records_findings_and_opens_problems(projects, api_as, units):
    supervisor = make_staff("supervisor", username="pick_inspector")
    client = api_as(supervisor)
    round = services.round_create(by=supervisor, kind="double_random", count=3, random_share="0", seed=9)
    campaign = Campaign.objects.create(name="冬季攻坚", start=dt.date(2026, 11, 1), end=dt.date(2027, 1, 31),
                                       scope="all")
    today = timezone.localdate().isoformat()
    response = client.post("/api/v1/inspections/", {
        "project": "PK-005", "kind": "double_random", "inspected_on": today, "round": round.pk,
        "campaign": campaign.pk, "inspectors": "王检查、李检查", "findings": "工资专用账户未开设,告示牌缺失",
        "problems": [{"category": "wage_account", "description": "未开设工资专用账户", "deadline": 10,
                      "unit": "150921"},
                     {"category": "notice_board", "description": "未设维权告示牌", "deadline": 5,
                      "unit": "housing"}]}, format="json")
    assert response.status_code == 201, response.content
    problems = Problem.objects.filter(campaign=campaign).order_by("pk")
    assert [(p.project.code, p.unit.code, p.deadline_working_days) for p in problems] == [
        ("PK-005", "150921", 10), ("PK-005", "housing", 5)]
    assert sorted(response.json()["problems"]) == [p.pk for p in problems]
    assert campaign.entries.filter(project__code="PK-005").exists()
    # A project not in the round is refused; a bad problem names its place in the list.
    other = client.post("/api/v1/inspections/", {"project": "PK-039", "kind": "double_random",
                                                 "inspected_on": today, "round": round.pk,
                                                 "findings": "无问题"}, format="json")
    assert other.status_code == 400 and "round" in other.json()["error"]["fields"]
    bad = client.post("/api/v1/inspections/", {
        "project": "PK-005", "kind": "double_random", "inspected_on": today, "campaign": campaign.pk,
        "findings": "发现问题", "problems": [{"category": "deposit", "description": "保证金", "deadline": 5,
                                              "unit": "150981"}]}, format="json")
    assert bad.status_code == 400 and "problems.0.unit" in bad.json()["error"]["fields"]
    assert Problem.objects.filter(campaign=campaign).count() == 2


def test_an_inspection_can_order_the_general_contractor_to_rectify(units, api_as):
    contractor = EnterpriseFactory(name="卓资县检查发现建筑有限公司")
    ProjectFactory(code="PK-ORDER", district=units["150921"], sector=units["housing"], general_contractor=contractor)
    ProjectFactory(code="PK-NOGC", district=units["150921"], sector=units["housing"])
    officer = make_staff("officer", "150921", username="order_inspector")
    client = api_as(officer)
    today = timezone.localdate()
    deadline = (today + dt.timedelta(days=15)).isoformat()
    response = client.post("/api/v1/inspections/", {
        "project": "PK-ORDER", "kind": "double_random", "inspected_on": today.isoformat(),
        "findings": "3月以来未按月发放工资", "orders": [{"number": "卓人社责改〔2026〕31号",
                                                      "problem": "未按月足额支付农民工工资", "deadline": deadline}]},
        format="json")
    assert response.status_code == 201, response.content
    order = EnforcementRecord.objects.get(number="卓人社责改〔2026〕31号")
    assert (order.kind, order.enterprise, order.project.code, order.unit.code, str(order.deadline)) == (
        "rectification_order", contractor, "PK-ORDER", "150921", deadline)
    # No general contractor registered: nothing is recorded, the field says why.
    refused = client.post("/api/v1/inspections/", {
        "project": "PK-NOGC", "kind": "double_random", "inspected_on": today.isoformat(), "findings": "问题",
        "orders": [{"number": "卓人社责改〔2026〕32号", "problem": "未支付", "deadline": deadline}]}, format="json")
    assert refused.status_code == 400 and "orders" in refused.json()["error"]["fields"]
    assert not EnforcementRecord.objects.filter(number="卓人社责改〔2026〕32号").exists()

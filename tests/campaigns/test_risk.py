"""The risk score: each reason a count times its editable weight, the reasons adding up to the score, for a
project and for an enterprise; a reason registered later joins every score; the whole ranking in a fixed number
of queries."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from campaigns import risk
from campaigns.models import RiskWeight
from campaigns.selectors import project_ranking
from credit import services as credit_services
from projects.models import ProjectParty
from tests.conftest import make_staff
from tests.factories import ClueFactory, DutyFactory, EnterpriseFactory, ProjectFactory, WarningFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def risky(units):
    contractor = EnterpriseFactory(name="乌兰察布市失信建筑工程有限公司", is_blacklisted=True)
    subcontractor = EnterpriseFactory(name="卓资县劳务分包有限公司")
    project = ProjectFactory(code="RISK-1", district=units["150921"], sector=units["housing"],
                             general_contractor=contractor)
    ProjectParty.objects.create(project=project, enterprise=subcontractor, role="labour_subcontractor")
    WarningFactory(project=project, code="wage_account_missing")
    WarningFactory(project=project, code="payroll_late", period="2026-10")
    WarningFactory(project=project, code="roster_missing")
    WarningFactory(project=project, code="deposit_missing", state="closed", closed_at=timezone.now())
    now = timezone.now()
    ClueFactory(project=project, risk_color="red", received_at=now - dt.timedelta(days=10))
    ClueFactory(project=project, risk_color="orange", received_at=now - dt.timedelta(days=100))
    ClueFactory(project=project, risk_color="orange", received_at=now - dt.timedelta(days=200))
    ClueFactory(project=project, risk_color="red", received_at=now - dt.timedelta(days=400))  # older than 12 months
    # The wage account entered, the deposit rejected: deposit, roster and notice board are not met.
    DutyFactory(project=project, kind="wage_account")
    DutyFactory(project=project, kind="deposit", state="rejected")
    return {"project": project, "contractor": contractor, "subcontractor": subcontractor}


def lines(score):
    return {r.code: (r.count, r.points) for r in score.reasons}


def test_the_reasons_of_a_project_add_up_to_its_score(risky):
    score = risk.score_of(risk.PROJECT, risky["project"].pk)
    assert lines(score) == {
        "red_warnings": (2, Decimal("20.0")), "yellow_warnings": (1, Decimal("4.0")),
        "red_clues": (1, Decimal("8.0")), "orange_clues": (2, Decimal("8.0")),
        "blacklisted": (1, Decimal("30.0")), "duties_not_met": (3, Decimal("15.0")),
    }
    assert score.total == sum(r.points for r in score.reasons) == Decimal("85.0")
    assert score.as_json()["score"] == "85.0"


def test_an_enterprise_scores_by_its_projects_its_clues_and_the_list(risky, units):
    contractor = risky["contractor"]
    now = timezone.now()
    # Named by credit code, or (without one) by the name however it is written; another code is another firm.
    ClueFactory(employer_name="某某公司", employer_credit_code=contractor.credit_code, risk_color="blue",
                received_at=now)
    ClueFactory(employer_name="乌兰察布市失信建筑工程 有限公司", employer_key="乌兰察布市失信建筑工程",
                risk_color="blue", received_at=now)
    ClueFactory(employer_name=contractor.name, employer_key="乌兰察布市失信建筑工程",
                employer_credit_code=EnterpriseFactory().credit_code, risk_color="red", received_at=now)
    score = risk.score_of(risk.ENTERPRISE, contractor.pk)
    assert lines(score) == {
        "red_warnings": (2, Decimal("20.0")), "yellow_warnings": (1, Decimal("4.0")),
        "blue_clues": (2, Decimal("4.0")), "blacklisted": (1, Decimal("30.0")),
        "duties_not_met": (3, Decimal("15.0")),
    }
    assert score.total == sum(r.points for r in score.reasons) == Decimal("73.0")
    # The labour subcontractor shares the project's warnings, not the contractor's duties or listing.
    assert lines(risk.score_of(risk.ENTERPRISE, risky["subcontractor"].pk)) == {
        "red_warnings": (2, Decimal("20.0")), "yellow_warnings": (1, Decimal("4.0"))}


def test_an_administrator_changes_a_weight_and_every_score_follows(risky):
    risk.weights()
    RiskWeight.objects.filter(code="blacklisted").update(points=Decimal("50"))
    RiskWeight.objects.filter(code="duties_not_met").update(is_active=False)
    score = risk.score_of(risk.PROJECT, risky["project"].pk)
    assert lines(score)["blacklisted"] == (1, Decimal("50.0"))
    assert "duties_not_met" not in lines(score)
    assert score.total == Decimal("90.0")


def test_a_reason_registered_later_joins_the_score_with_its_own_weight(risky):
    """How another app plugs in (as credit did): a set-based count per subject, registered with its default."""
    def site_complaints(context):
        return {pk: 2 for pk in [risky["project"].pk] if context.subject == risk.PROJECT}

    risk.register_reason("site_complaints", "现场投诉", site_complaints, points=15, unit="次")
    try:
        score = risk.score_of(risk.PROJECT, risky["project"].pk)
        assert lines(score)["site_complaints"] == (2, Decimal("30.0"))
        assert score.total == Decimal("115.0")
        assert RiskWeight.objects.get(code="site_complaints").points == Decimal("15")
    finally:
        del risk.REASONS["site_complaints"]


def test_the_ranking_takes_the_same_queries_for_3_projects_as_for_30(units):
    supervisor = make_staff("supervisor", username="risk_supervisor")

    def count_queries():
        with CaptureQueriesContext(connection) as queries:
            ranking = project_ranking(supervisor)
        return len(queries), ranking

    risk.weights()  # the weight rows exist (the first score makes them)
    for index in range(3):
        project = ProjectFactory(code=f"Q-{index:03d}", district=units["150921"])
        WarningFactory(project=project, code="roster_missing")
    count_queries()  # the user's roles are read once and kept
    few, ranking = count_queries()
    assert len(ranking) == 3
    for index in range(3, 30):
        project = ProjectFactory(code=f"Q-{index:03d}", district=units["150981"])
        WarningFactory(project=project, code="wage_account_missing")
        ClueFactory(project=project, risk_color="orange")
    many, ranking = count_queries()
    assert len(ranking) == 30
    assert many == few
    # Highest first: the red warning and the clue outrank a yellow warning.
    assert ranking[0][1].total > ranking[-1][1].total
    assert [p.code for p, _s in ranking][:2] == ["Q-003", "Q-004"]


def test_enforcement_records_add_their_reasons_to_the_project_and_the_enterprise(risky, units):
    officer = make_staff("officer", "150921", username="risk_enforcer")
    contractor, project = risky["contractor"], risky["project"]
    today = timezone.localdate()
    common = {"by": officer, "enterprise": contractor, "project": project}
    credit_services.record_create(kind="rectification_order", number="RISK-ORDER-1", problem="未按月足额支付工资",
                                  date=today - dt.timedelta(days=40), deadline=today - dt.timedelta(days=10),
                                  **common)  # past its deadline, not rectified
    credit_services.record_create(kind="rectification_order", number="RISK-ORDER-2", problem="未设立维权告示牌",
                                  date=today - dt.timedelta(days=5), deadline=today + dt.timedelta(days=10),
                                  **common)  # still within its deadline: no points
    credit_services.record_create(kind="penalty", number="RISK-PENALTY-1", amount=Decimal("20000"),
                                  legal_basis="《保障农民工工资支付条例》第五十五条",
                                  date=today - dt.timedelta(days=30), **common)
    credit_services.record_create(kind="police_referral", number="RISK-POLICE-1", case_number="乌公刑〔2026〕12号",
                                  date=today - dt.timedelta(days=20), **common)
    project_lines = lines(risk.score_of(risk.PROJECT, project.pk))
    assert project_lines["overdue_orders"] == (1, Decimal("15.0"))
    assert project_lines["penalties"] == (1, Decimal("10.0"))
    assert project_lines["police_referrals"] == (1, Decimal("20.0"))
    enterprise = risk.score_of(risk.ENTERPRISE, contractor.pk)
    assert lines(enterprise)["overdue_orders"] == (1, Decimal("15.0"))
    assert enterprise.total == sum(r.points for r in enterprise.reasons)
    assert "overdue_orders" not in lines(risk.score_of(risk.ENTERPRISE, risky["subcontractor"].pk))

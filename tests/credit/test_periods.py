"""The blacklist's periods: 3 years from the listing (1 for the watchlist), early removal only on the rules'
conditions and as a recorded act, the decision on an application within 15 working days of the calendar, and the
daily sweep taking entries off when their period ends, with the enterprise's flag and its projects' warnings."""

import datetime as dt

import pytest
import time_machine

from clues.models import Clue
from credit import services
from credit.models import EnforcementRecord
from credit.tasks import daily_credit_sweep
from projects.models import Enterprise, Project
from tests.clues.lifecycle_helpers import new_clue
from tests.credit.conftest import blacklist_body
from tests.wage_warnings.helpers import at, states
from wage_warnings.evaluation import evaluate, evaluate_marked

pytestmark = pytest.mark.django_db

URL = "/api/v1/enforcement/"


def test_the_periods_run_in_calendar_years_and_a_29_february_listing_ends_on_1_march():
    assert services.default_removal_date("blacklist", dt.date(2026, 3, 2)) == dt.date(2029, 3, 2)
    assert services.default_removal_date("watchlist", dt.date(2026, 3, 2)) == dt.date(2027, 3, 2)
    assert services.default_removal_date("blacklist", dt.date(2024, 2, 29)) == dt.date(2027, 3, 1)
    assert services.add_months(dt.date(2026, 8, 31), 6) == dt.date(2027, 2, 28)


def test_a_listing_is_three_years_unless_a_shorter_removal_date_is_given(credit_world, api_as):
    client = api_as(credit_world["intake"])
    with time_machine.travel(at(2026, 6, 1, 10), tick=False):
        listed = client.post(URL, blacklist_body(credit_world["contractor"], unit="150921"), format="json")
        assert listed.json()["removal_date"] == "2029-03-02"
        too_long = client.post(URL, blacklist_body(credit_world["other"], unit="150981", number="失信2",
                                                   removal_date="2029-03-03"), format="json")
        assert too_long.status_code == 400
        assert too_long.json()["error"]["fields"]["removal_date"] == ["移出日期应在列入日期之后,最长至2029-03-02。"]
        watch = client.post(URL, {"kind": "watchlist", "enterprise": credit_world["labour"].credit_code,
                                  "number": "关注1", "date": "2026-03-02", "reason": "两次欠薪", "unit": "150921"},
                            format="json")
        assert watch.json()["removal_date"] == "2027-03-02"
        again = client.post(URL, blacklist_body(credit_world["contractor"], unit="150921", number="失信3"),
                            format="json")
        assert again.json()["error"]["fields"]["enterprise"] == ["该企业已在失信联合惩戒名单内。"]


def _listed(credit_world, api_as):
    with time_machine.travel(at(2026, 3, 2, 10), tick=False):
        response = api_as(credit_world["intake"]).post(URL, blacklist_body(credit_world["contractor"],
                                                                           unit="150921"), format="json")
    assert response.status_code == 201, response.content
    return response.json()


def test_early_removal_needs_the_wages_paid_six_quiet_months_and_a_pledge(credit_world, api_as):
    record = _listed(credit_world, api_as)
    contractor = credit_world["contractor"]
    client = api_as(credit_world["zhuozi"])
    remove = f"{URL}{record['id']}/remove/"
    with time_machine.travel(at(2026, 12, 1, 10), tick=False):
        no_pledge = client.post(remove, {"removed_on": "2026-12-01", "wages_paid_on": "2026-05-31",
                                         "evidence": "已全额支付"}, format="json")
        assert no_pledge.json()["error"]["fields"]["pledge"] == ["提前移出须有企业作出的信用修复书面承诺。"]
        too_soon = client.post(remove, {"removed_on": "2026-12-01", "wages_paid_on": "2026-06-10", "pledge": True,
                                        "evidence": "已全额支付"}, format="json")
        assert too_soon.json()["error"]["fields"]["removed_on"] == [
            "工资全额支付后须满6个月未发生新的欠薪案件,最早可于2026-12-10移出。"]
        # A worker reported the enterprise again after the payment: no early removal.
        later = new_clue(employer_name=contractor.name, employer_credit_code=contractor.credit_code,
                         received_at=at(2026, 7, 1, 9))
        new_case = client.post(remove, {"removed_on": "2026-12-01", "wages_paid_on": "2026-05-31", "pledge": True,
                                        "evidence": "已全额支付"}, format="json")
        assert new_case.status_code == 400
        assert new_case.json()["error"]["fields"]["wages_paid_on"] == [
            "工资支付后该企业又有1条欠薪线索、0项执法决定,不符合提前移出条件。"]
        Clue.objects.filter(pk=later.pk).update(received_at=at(2026, 5, 20, 9))

        removed = client.post(remove, {"removed_on": "2026-12-01", "applied_on": "2026-11-20",
                                       "wages_paid_on": "2026-05-31", "pledge": True,
                                       "evidence": "工资已于5月31日全额支付,企业提交信用修复承诺书"}, format="json")
    assert removed.status_code == 200, removed.content
    body = removed.json()
    assert (body["state"], body["removal_kind"], body["removed_on"], body["allowed_actions"]) == (
        "removed", "early", "2026-12-01", [])
    assert body["decision_deadline"] == "2026-12-11"  # 15 working days after 20 November
    # A recorded act: the entry is still there, the flag is down.
    assert EnforcementRecord.objects.filter(pk=record["id"], removal_date=dt.date(2029, 3, 2)).exists()
    assert Enterprise.objects.get(pk=contractor.pk).is_blacklisted is False
    assert client.post(remove, {"removed_on": "2026-12-01", "evidence": "再次"}, format="json").status_code == 409


def test_the_decision_on_an_application_is_due_in_15_working_days_of_the_calendar():
    # 28 September 2026: National Day runs 1–7 October, Saturday 10 October is a working day.
    assert services.decision_deadline(dt.date(2026, 9, 28)) == dt.date(2026, 10, 23)
    # The Spring Festival: 15–23 February off, Saturday 28 February worked.
    assert services.decision_deadline(dt.date(2026, 2, 13)) == dt.date(2026, 3, 12)


def test_the_daily_sweep_takes_an_entry_off_when_its_period_ends(credit_world, api_as):
    record = _listed(credit_world, api_as)
    contractor = Enterprise.objects.get(pk=credit_world["contractor"].pk)
    assert contractor.is_blacklisted
    with time_machine.travel(at(2026, 3, 2, 12), tick=False):
        evaluate()
    assert states(credit_world["zz"], "blacklisted_party") == {"": "open"}

    with time_machine.travel(at(2029, 3, 1, 0, 5), tick=False):
        assert daily_credit_sweep() == {"removed": 0, "overdue": 0}
    assert Enterprise.objects.get(pk=contractor.pk).is_blacklisted

    Project.objects.update(warnings_dirty=False)
    with time_machine.travel(at(2029, 3, 2, 0, 5), tick=False):
        assert daily_credit_sweep() == {"removed": 1, "overdue": 0}
        assert daily_credit_sweep() == {"removed": 0, "overdue": 0}
        assert set(Project.objects.filter(warnings_dirty=True).values_list("code", flat=True)) == {
            "ZZ-CREDIT-1", "ZZ-CREDIT-2"}
        evaluate_marked()
    entry = EnforcementRecord.objects.get(pk=record["id"])
    assert (entry.removed_on, entry.removal_kind) == (dt.date(2029, 3, 2), "expired")
    assert Enterprise.objects.get(pk=contractor.pk).is_blacklisted is False
    assert states(credit_world["zz"], "blacklisted_party") == {"": "closed"}
    assert states(credit_world["zz2"], "blacklisted_party") == {"": "closed"}

"""Odd input anywhere in the campaigns API (wrong types, lone surrogates, NUL in a query string, huge numbers)
answers in the API's error format, never with a server error."""

import datetime as dt
import json

import pytest

from campaigns import services
from tests.conftest import make_staff
from tests.factories import ProjectFactory

pytestmark = pytest.mark.django_db

ODD = [None, 1.5, -1, 0, "x", "", [], {}, True, 10**30, "2026-13-01", "\ud800", "0001-01-01", "99999", "a\x00b"]


def test_odd_values_are_refused_in_the_error_format(api_as, units):
    supervisor = make_staff("supervisor", username="odd_supervisor")
    project = ProjectFactory(code="ODD-1", district=units["150921"], is_government_invested=True)
    campaign = services.campaign_create(by=supervisor, name="冬季攻坚", start=dt.date(2026, 1, 1),
                                        end=dt.date(2026, 2, 1), scope="all")
    services.campaign_add_project(campaign=campaign, project=project, by=supervisor)
    problem = services.problem_create(campaign=campaign, project=project, by=supervisor, category="deposit",
                                      description="保证金未存储", deadline=3, unit="150921")
    client = api_as(supervisor)
    base = f"/api/v1/campaigns/{campaign.pk}"
    failures = []
    for value in ODD:
        for url, body in [
                (f"{base}/problems/", {"project": "ODD-1", "category": "deposit", "description": "d",
                                       "deadline": value, "unit": "150921", "found_on": value}),
                (f"{base}/problems/", {"project": value, "category": value, "description": value, "deadline": 3,
                                       "unit": value}),
                (f"{base}/problems/{problem.pk}/rectify/", {"rectified_on": value, "evidence": value}),
                (f"{base}/projects/", {"project": value}),
                ("/api/v1/campaigns/", {"name": value, "start": value, "end": value, "scope": value}),
                ("/api/v1/inspections/", {"project": "ODD-1", "kind": value, "inspected_on": value,
                                          "findings": value, "round": value, "campaign": value, "problems": value}),
                ("/api/v1/inspections/pick/", {"count": value, "random_share": value, "seed": value,
                                               "district": value, "government": value, "kind": value})]:
            response = client.generic("POST", url, json.dumps(body), content_type="application/json")
            if response.status_code != 400 or "error" not in response.json():
                failures.append((url, value, response.status_code))
    for url in (f"{base}/problems/?state=%00&project=%00&district=%00", "/api/v1/risk/projects/?district=%00",
                "/api/v1/risk/enterprises/%00/", f"/campaigns/{campaign.pk}/?unit=%00", "/risk/?sector=%00"):
        response = client.get(url)
        if response.status_code >= 500:
            failures.append((url, response.status_code))
    assert not failures, failures

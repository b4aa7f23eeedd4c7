"""The administrator edits a rule in the admin: parameters checked per rule (a Chinese error names the
parameter), saved through the same service as the API (who and when recorded); handling limits editable."""

import pytest
from django.test import Client

from tests.conftest import make_staff
from wage_warnings.models import HandlingPolicy, Rule

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client():
    client = Client()
    user = make_staff("admin", username="rule_admin", is_staff=True)
    client.force_login(user)
    return client, user


def test_a_rule_edited_in_the_admin_is_checked_and_recorded(admin_client, django_capture_on_commit_callbacks):
    client, user = admin_client
    rule = Rule.objects.get(code="payroll_unpaid_share")
    url = f"/admin/wage_warnings/rule/{rule.pk}/change/"
    assert client.get(url).status_code == 200
    refused = client.post(url, {"level": "red", "parameters": '{"share_percent": "一成"}', "is_active": "on"})
    assert refused.status_code == 200 and "share_percent:请填写数字。" in refused.content.decode()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        saved = client.post(url, {"level": "yellow", "parameters": '{"share_percent": 15}', "is_active": "on"})
    assert saved.status_code == 302 and len(callbacks) == 1
    rule.refresh_from_db()
    assert (rule.level, rule.parameters, rule.updated_by) == ("yellow", {"share_percent": "15"}, user)
    assert client.get("/admin/wage_warnings/rule/add/").status_code == 403


def test_the_handling_limits_are_the_administrators(admin_client):
    client, _user = admin_client
    assert client.get("/admin/wage_warnings/handlingpolicy/").status_code == 200
    red = HandlingPolicy.objects.get(level="red")
    response = client.post(f"/admin/wage_warnings/handlingpolicy/{red.pk}/change/",
                           {"level": "red", "working_days": 2})
    assert response.status_code == 302
    red.refresh_from_db()
    assert red.working_days == 2

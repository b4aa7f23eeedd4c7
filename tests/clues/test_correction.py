"""Staff correct what was reported through one service: the changed fields only, triage again, an event on the
timeline that names each field with its old and new value — from the admin too."""

import re
from decimal import Decimal
from html import unescape

import pytest

from clues.models import Clue, ClueEvent
from clues.services import clue_correct
from core.api import ApplicationError
from tests.clues.lifecycle_helpers import new_clue
from tests.conftest import make_staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def intake(db):
    return make_staff("intake", username="corr_intake")


def test_a_correction_changes_the_fields_triages_again_and_leaves_an_event(intake):
    clue = new_clue(employer_name="旧名公司", amount_owed=Decimal("30000"), worker_count=3)
    assert clue.risk_color == "blue"
    clue_correct(clue=clue, by=intake, changes={"amount_owed": Decimal("600000"), "employer_name": "新名公司"})
    clue = Clue.objects.get(pk=clue.pk)
    assert clue.employer_name == "新名公司" and clue.risk_color == "red"  # ≥ 500,000 yuan
    event = clue.events.get(kind=ClueEvent.Kind.CORRECTED)
    assert event.actor == intake and event.from_status == event.to_status == "received"
    assert event.data["changed"] == {"amount_owed": ["30000.00", "600000"], "employer_name": ["旧名公司", "新名公司"]}
    assert "欠薪金额" in event.note or "金额" in event.note


def test_a_correction_that_changes_nothing_leaves_no_event(intake):
    clue = new_clue(employer_name="同名公司")
    clue_correct(clue=clue, by=intake, changes={"employer_name": "同名公司"})
    assert not clue.events.filter(kind=ClueEvent.Kind.CORRECTED).exists()


def test_the_lifecycle_fields_cannot_be_corrected(intake):
    clue = new_clue()
    with pytest.raises(ApplicationError) as raised:
        clue_correct(clue=clue, by=intake, changes={"status": "closed"})
    assert "status" in raised.value.fields
    assert Clue.objects.get(pk=clue.pk).status == "received"


def _form_data(html):
    """The values a browser would post back from an admin change form."""
    data = {}
    for tag in re.findall(r"<input[^>]*>", html):
        name = re.search(r'name="([^"]+)"', tag)
        kind = re.search(r'type="([^"]+)"', tag)
        if not name or (kind and kind.group(1) in {"submit", "button", "file"}):
            continue
        if kind and kind.group(1) == "checkbox" and "checked" not in tag:
            continue
        value = re.search(r'value="([^"]*)"', tag)
        data[name.group(1)] = unescape(value.group(1)) if value else ""
    for name, body in re.findall(r'<textarea[^>]*name="([^"]+)"[^>]*>(.*?)</textarea>', html, re.S):
        data[name] = unescape(body.strip("\n"))
    for name, body in re.findall(r'<select[^>]*name="([^"]+)"[^>]*>(.*?)</select>', html, re.S):
        chosen = re.search(r'<option value="([^"]*)"[^>]*selected', body)
        data[name] = chosen.group(1) if chosen else ""
    return data


def test_the_admin_saves_a_correction_through_the_service(admin_client):
    clue = new_clue(employer_name="旧名公司")
    url = f"/admin/clues/clue/{clue.pk}/change/"
    data = _form_data(admin_client.get(url).content.decode())
    data["employer_name"] = "更正后公司"
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    event = Clue.objects.get(pk=clue.pk).events.get(kind=ClueEvent.Kind.CORRECTED)
    assert event.data["changed"] == {"employer_name": ["旧名公司", "更正后公司"]}

"""Two transfers of the same clue at once: one wins, the other is a 409 and sends nothing — unless it names
the version it saw after the first; a unit the clue left reads it masked."""

import threading

import pytest
from django.db import connection

from clues import lifecycle
from clues.personal_data import personal_data_for
from clues.selectors import can_see_personal_data
from core.api import Conflict
from notifications.models import OutboxMessage
from tests.clues.lifecycle_helpers import new_clue, to_assigned
from tests.conftest import make_staff
from units.models import Unit


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_of_two_concurrent_transfers_the_second_is_a_409_and_the_worker_gets_one_sms():
    intake = make_staff("intake", username="race_intake")
    clue = new_clue(complainant_phone="13800138000")
    seen_by = [type(clue).objects.get(pk=clue.pk) for _n in range(2)]  # both pages show version v
    targets = [Unit.objects.get(code="150921"), Unit.objects.get(code="housing")]
    barrier, outcomes = threading.Barrier(2), []

    def transfer(index):
        try:
            barrier.wait(timeout=10)
            lifecycle.transfer(clue=seen_by[index], unit=targets[index], by=intake)
            outcomes.append("ok")
        except Conflict as exc:
            outcomes.append(exc.status_code)
        except Exception as exc:  # noqa: BLE001 - shown in the assertion
            outcomes.append(repr(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=transfer, args=(n,)) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes, key=str) == [409, "ok"]
    sms = OutboxMessage.objects.filter(channel="sms", recipient="13800138000", body__contains="已转交")
    assert sms.count() == 1
    assert clue.assignments.count() == 1


@pytest.mark.django_db
def test_the_api_refuses_a_stale_version_and_takes_the_current_one(api_as, intake_user):
    clue = new_clue()
    api = api_as(intake_user)
    first = api.post(f"/api/v1/clues/{clue.pk}/transfer/", {"unit": "150921", "version": clue.version},
                     format="json")
    assert first.status_code == 200, first.content
    stale = api.post(f"/api/v1/clues/{clue.pk}/transfer/", {"unit": "housing", "version": clue.version},
                     format="json")
    assert stale.status_code == 409
    assert stale.json()["error"]["code"] == "stale_version"
    assert "请刷新后再决定是否转办" in stale.json()["error"]["message"]
    current = api.post(f"/api/v1/clues/{clue.pk}/transfer/", {"unit": "housing", "version": first.json()["version"]},
                       format="json")
    assert current.status_code == 200
    clue.refresh_from_db()
    assert clue.unit.code == "housing"


@pytest.mark.django_db
def test_the_previous_unit_reads_a_transferred_clue_masked(intake_user, units):
    officer = make_staff("officer", "150921", username="prev_officer")
    clue = new_clue(complainant_phone="13800138000")
    to_assigned(clue, intake_user, units["150921"])
    assert can_see_personal_data(officer, clue)
    lifecycle.transfer(clue=clue, unit=units["housing"], by=intake_user)
    clue.refresh_from_db()
    personal = personal_data_for(clue, officer, reveal=True)
    assert not personal.revealed and not personal.can_reveal
    assert personal.complainant_phone == "138****8000"


@pytest.mark.django_db
def test_the_previous_unit_still_reads_the_history_but_not_the_number(client, intake_user, units):
    officer = make_staff("officer", "150921", username="prev_officer2")
    clue = new_clue(complainant_phone="13800138000")
    to_assigned(clue, intake_user, units["150921"])
    lifecycle.transfer(clue=clue, unit=units["housing"], by=intake_user)
    client.force_login(officer)
    page = client.get(f"/clues/{clue.pk}/")
    assert page.status_code == 200 and clue.tracking_code in page.content.decode()
    revealed = client.post(f"/clues/{clue.pk}/reveal/")
    assert "13800138000" not in revealed.content.decode()

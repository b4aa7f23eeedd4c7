"""A rectification order passing its deadline: overdue the day after, noted once by the daily sweep (timeline,
the unit's officers told), red on the enterprise page and counted against its unit, until it is rectified."""

import pytest
import time_machine

from credit.models import EnforcementRecord
from credit.selectors import enforcement_report
from credit.services import note_overdue_orders
from notifications.models import OutboxMessage
from projects.models import ProjectEvent
from tests.credit.conftest import order_body
from tests.wage_warnings.helpers import at

pytestmark = pytest.mark.django_db

URL = "/api/v1/enforcement/"


def test_an_order_past_its_deadline_is_overdue_and_counts_against_its_unit(credit_world, api_as, client):
    w = credit_world
    officer = api_as(w["zhuozi"])
    with time_machine.travel(at(2026, 3, 10, 10), tick=False):
        order = officer.post(URL, order_body(w["contractor"], project="ZZ-CREDIT-1", deadline="2026-03-16"),
                             format="json").json()
        assert (order["state"], order["is_overdue"]) == ("open", False)
    with time_machine.travel(at(2026, 3, 16, 23, 59), tick=False):
        assert note_overdue_orders() == 0  # the deadline day itself is still in time
        assert officer.get(f"{URL}{order['id']}/").json()["state"] == "open"

    with time_machine.travel(at(2026, 3, 17, 0, 5), tick=False):
        assert note_overdue_orders() == 1
        assert note_overdue_orders() == 0  # noted once
        body = officer.get(f"{URL}{order['id']}/").json()
        assert (body["state"], body["state_label"], body["is_overdue"]) == ("overdue", "逾期未整改", True)
        assert [r["number"] for r in officer.get(f"{URL}?state=overdue").json()["results"]] == [order["number"]]
        report = enforcement_report(w["units"]["150921"], at(2026, 1, 1).date(), at(2026, 3, 31).date())
        assert report["orders_overdue_now"] == 1
        assert report["by_unit"][0]["unit"] == "150921" and report["by_unit"][0]["orders_overdue_now"] == 1
        client.force_login(w["zhuozi"])
        page = client.get(f"/enterprises/{w['contractor'].credit_code}/").content.decode()
        assert 'class="tag red" id="credit-signal"' in page and "有1份责令改正决定逾期未整改" in page
    event = ProjectEvent.objects.get(project=w["zz"], kind="enforcement_overdue")
    assert "整改期限2026-03-16已过" in event.text
    notice = OutboxMessage.objects.filter(user=w["zhuozi"], subject__startswith="责令改正逾期未整改").get()
    assert "卓人社责改〔2026〕1号" in notice.body

    with time_machine.travel(at(2026, 3, 20, 10), tick=False):
        done = officer.post(f"{URL}{order['id']}/rectify/", {"rectified_on": "2026-03-19", "evidence": "已补发"},
                            format="json").json()
        assert (done["state"], done["is_overdue"]) == ("rectified", False)
        report = enforcement_report("city", at(2026, 1, 1).date(), at(2026, 3, 31).date())
        assert (report["orders_overdue_now"], report["orders_rectified"]) == (0, 1)
    assert "(逾期)" in ProjectEvent.objects.get(project=w["zz"], kind="enforcement_rectified").text
    assert EnforcementRecord.objects.get(pk=order["id"]).overdue_at is not None

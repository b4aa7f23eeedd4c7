"""An enterprise's credit page in Chromium under the Content-Security-Policy: reached from the enforcement list,
red for a blacklisted enterprise with its records and projects (the ID numbers masked), the project page red too,
and an overdue order rectified from its page."""

import datetime as dt

import pytest
from django.utils import timezone

from credit import services
from projects.models import ProjectParty
from tests.browser.test_report_board import log_in
from tests.conftest import make_staff
from tests.factories import EnterpriseFactory, ProjectFactory, resident_id
from units.models import Unit

LEGAL_REP_ID = resident_id("15092119800101123")


@pytest.mark.django_db(transaction=True)
def test_an_officer_reads_a_blacklisted_enterprises_page_and_rectifies_an_order(live_server, page):
    units = {u.code: u for u in Unit.objects.all()}
    intake = make_staff("intake", username="browser_credit_intake")
    officer = make_staff("officer", "150921", username="browser_credit_zz")
    contractor = EnterpriseFactory(name="内蒙古失信建筑工程有限公司")
    first = ProjectFactory(code="BR-CREDIT-1", name="卓资县浏览器保障房", district=units["150921"],
                           sector=units["housing"], general_contractor=contractor)
    second = ProjectFactory(code="BR-CREDIT-2", name="卓资县浏览器学校", district=units["150921"],
                            sector=units["education"])
    ProjectParty.objects.create(project=second, enterprise=contractor, role=ProjectParty.Role.SUBCONTRACTOR)
    today = timezone.localdate()
    services.record_create(by=intake, kind="blacklist", enterprise=contractor, unit="150921",
                           number="乌人社失信〔浏览器〕1号", date=today - dt.timedelta(days=40),
                           reason="拖欠农民工工资经责令逾期未支付",
                           persons=[{"name": "钱某", "role": "legal_representative", "id_number": LEGAL_REP_ID}])
    order = services.record_create(by=officer, kind="rectification_order", enterprise=contractor, project=first,
                                   number="卓人社责改〔浏览器〕1号", date=today - dt.timedelta(days=30),
                                   deadline=today - dt.timedelta(days=2), problem="未按月足额支付工资")
    problems = []
    page.on("console", lambda message: message.type == "error" and problems.append((page.url, message.text)))

    log_in(page, live_server, officer.username)
    page.goto(f"{live_server.url}/enforcement/")
    assert page.locator("h1").first.inner_text() == "执法与信用记录"
    assert page.locator(f'#records tr[data-record="{order.pk}"]').get_attribute("data-state") == "overdue"
    page.locator(f'#records tr[data-record="{order.pk}"] td:nth-child(4) a').click()
    page.wait_for_selector("#enterprise-name")

    assert page.locator("#enterprise-name").inner_text().startswith("内蒙古失信建筑工程有限公司")
    assert page.locator("#credit-signal").inner_text() == "失信联合惩戒对象"
    signal_colour = page.locator("#credit-signal").evaluate("e => getComputedStyle(e).backgroundColor")
    assert signal_colour not in ("rgba(0, 0, 0, 0)", "transparent")
    signals = page.locator("#signals").inner_text()
    assert "已列入拖欠农民工工资失信联合惩戒名单" in signals and "有1份责令改正决定逾期未整改" in signals
    assert page.locator("#projects li[data-project]").count() == 2
    assert page.locator("#enterprise-records tbody tr[data-record]").count() == 2
    assert LEGAL_REP_ID not in page.content()

    # Its project shows red on its own page.
    page.locator('#projects li[data-project="BR-CREDIT-1"] a').click()
    page.wait_for_selector("#project-credit")
    assert "已列入拖欠农民工工资失信联合惩戒名单" in page.locator("#project-credit").inner_text()

    # The overdue order, rectified from its page.
    page.goto(f"{live_server.url}/enforcement/{order.pk}/")
    assert page.locator("#record-state").inner_text() == "逾期未整改"
    page.fill("#rectify input[name=rectified_on]", today.isoformat())
    page.fill("#rectify textarea[name=evidence]", "已补发全部工资,附银行代发回单")
    page.click("#rectify button[type=submit]")
    page.wait_for_selector(".messages")
    assert "已记录整改完成" in page.locator(".messages").inner_text()
    assert page.locator("#record-state").inner_text() == "已整改"
    assert not [text for _url, text in problems if "Content Security Policy" in text or "Refused" in text], problems

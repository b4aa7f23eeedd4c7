"""The campaign page in Chromium under the Content-Security-Policy: the figures as the selector says, by district
and sector, a supervised problem rectified by the district's officer and cleared by the supervisor from the page,
the figures moving with it, and the PDF summary downloaded."""

import datetime as dt

import pytest
from django.utils import timezone

from campaigns import services
from campaigns.selectors import summary
from tests.browser.test_report_board import figure, log_in
from tests.conftest import make_staff
from tests.factories import ProjectFactory
from units.models import Unit


@pytest.mark.django_db(transaction=True)
def test_a_supervised_problem_is_rectified_and_cleared_on_the_campaign_page(live_server, page, supervisor_user):
    units = {u.code: u for u in Unit.objects.all()}
    officer = make_staff("officer", "150921", username="browser_zhuozi")
    campaign = services.campaign_create(by=supervisor_user, name="冬季攻坚", start=dt.date(2026, 11, 1),
                                        end=dt.date(2027, 1, 31))
    projects = [ProjectFactory(code=f"BR-C-{n}", name=f"浏览器测试政府项目{n}", district=units[d],
                               sector=units[s], is_government_invested=True)
                for n, (d, s) in enumerate([("150921", "housing"), ("150921", "water"), ("150981", "energy")])]
    for project in projects:
        services.campaign_add_project(campaign=campaign, project=project, by=supervisor_user)
    found = timezone.localdate() - dt.timedelta(days=30)
    late = services.problem_create(campaign=campaign, project=projects[0], by=supervisor_user, category="deposit",
                                   description="工资保证金未存储", deadline=found + dt.timedelta(days=5),
                                   unit="150921", found_on=found)
    services.problem_create(campaign=campaign, project=projects[2], by=supervisor_user, category="real_name",
                            description="实名制未落实", deadline=timezone.localdate() + dt.timedelta(days=5),
                            unit="150981", found_on=found)
    assert services.supervise_overdue() == 1
    problems = []
    page.on("console", lambda message: message.type == "error" and problems.append(message.text))

    # 卓资县's officer rectifies the supervised problem from the page.
    log_in(page, live_server, officer.username)
    page.goto(f"{live_server.url}/campaigns/{campaign.pk}/")
    assert figure(page, "problems_found") == "1"  # 卓资县's own: 丰镇市's problem is not shown
    row = page.locator(f'tr[data-problem="{late.pk}"]')
    assert row.locator('[data-role="state"]').inner_text() == "督办中"
    row.locator("input[name=rectified_on]").fill(timezone.localdate().isoformat())
    row.locator("textarea[name=evidence]").fill("已存储保证金,银行回单 BZJ-2026-01")
    row.locator('button[data-action="rectify"]').click()
    page.wait_for_selector(".messages")
    assert "整改情况已登记" in page.locator(".messages").inner_text()
    assert page.locator(f'tr[data-problem="{late.pk}"] [data-role="state"]').inner_text() == "督办已整改待销号"
    page.click("form[action='/logout/'] button")

    # The supervisor reads the city's figures and clears it.
    log_in(page, live_server, supervisor_user.username)
    page.goto(f"{live_server.url}/campaigns/{campaign.pk}/")
    expected = summary(campaign, supervisor_user)
    for key in ("projects", "problems_found", "problems_rectified", "supervised_problems", "supervised_cleared"):
        assert figure(page, key) == str(expected[key])
    assert (figure(page, "projects"), figure(page, "supervised_cleared")) == ("3", "0")
    zhuozi = page.locator('#by-district tr[data-unit="150921"]')
    assert zhuozi.locator('[data-figure="projects"]').inner_text() == "2"
    assert zhuozi.locator('[data-figure="supervised_problems"]').inner_text() == "1"
    assert page.locator('#by-sector tr[data-unit="energy"] [data-figure="problems_outstanding"]').inner_text() == "1"
    page.locator(f'tr[data-problem="{late.pk}"] button[data-action="clear"]').click()
    page.wait_for_selector(".messages")
    assert "督办问题已销号" in page.locator(".messages").inner_text()
    assert figure(page, "supervised_cleared") == "1"
    assert page.locator(f'tr[data-problem="{late.pk}"] [data-role="state"]').inner_text() == "督办已销号"

    # A district's row opens its problems; the PDF summary downloads.
    page.click('#by-district tr[data-unit="150981"] a')
    page.wait_for_url("**district=150981**")
    assert page.locator("#problem-list tbody tr[data-problem]").count() == 1
    with page.expect_download() as download:
        page.click("#export-pdf")
    assert download.value.suggested_filename.endswith(".pdf")
    assert not [text for text in problems if "Content Security Policy" in text or "Refused" in text], problems

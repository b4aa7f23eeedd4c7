"""The monitoring board in Chromium under the Content-Security-Policy: the charts drawn by our own ECharts, the
figures as the selector says, a red count clicked through to its warnings, a warning assigned from its page,
and a bar of the chart opening the warnings behind it."""

import datetime as dt

import pytest

from tests.browser.test_report_board import assert_charts_drawn, figure, log_in
from tests.factories import ProjectFactory
from wage_warnings.evaluation import evaluate
from wage_warnings.models import Rule
from wage_warnings.selectors import monitoring_board


@pytest.mark.django_db(transaction=True)
def test_supervisor_reads_the_board_and_assigns_a_warning_from_it(live_server, page, supervisor_user):
    from units.models import Unit

    units = {u.code: u for u in Unit.objects.all()}
    Rule.objects.exclude(code__in=["wage_account_missing", "roster_missing"]).update(is_active=False)
    for index in range(3):
        ProjectFactory(code=f"BR-ZZ-{index}", name=f"卓资县浏览器测试项目{index}", district=units["150921"],
                       sector=units["housing"], contract_date=dt.date(2026, 1, 5))
    ProjectFactory(code="BR-FZ-0", name="丰镇市浏览器测试项目", district=units["150981"], sector=units["energy"],
                   contract_date=dt.date(2026, 1, 5))
    evaluate()
    expected = monitoring_board("city")["totals"]
    problems = []
    page.on("console", lambda message: message.type == "error" and problems.append((page.url, message.text)))

    log_in(page, live_server, supervisor_user.username)
    page.goto(f"{live_server.url}/monitoring/")
    assert page.locator("h1").first.inner_text().startswith("工资预警监控")
    assert figure(page, "red") == str(expected["red"]) == "4"
    assert figure(page, "yellow") == str(expected["yellow"]) == "4"
    assert_charts_drawn(page, ["by_district", "by_sector"])

    # The red count of 卓资县: its three warnings; one of them opened and assigned to the district.
    page.click('#by-district tr[data-unit="150921"] td[data-level="red"] a')
    page.wait_for_selector("#warnings")
    assert page.locator("#warnings tbody tr[data-warning]").count() == 3
    page.locator("#warnings tbody tr[data-warning] td:nth-child(3) a").first.click()
    page.wait_for_selector("#assign")
    page.select_option("#assign select[name=unit]", "150921")
    page.click("#assign button[type=submit]")
    page.wait_for_selector(".messages")
    assert "已交办" in page.locator(".messages").inner_text()
    assert page.locator("#assigned-unit").inner_text() == "卓资县"
    assert page.locator("#handling-deadline").inner_text().endswith("23:59")

    # A bar of the district chart opens the warnings behind it (丰镇市's red bar: one warning).
    page.goto(f"{live_server.url}/monitoring/")
    assert_charts_drawn(page, ["by_district"])
    page.wait_for_timeout(1500)  # the bars grow for a second (ECharts' animation)
    chart = page.locator('[data-chart="by_district"]')
    chart.scroll_into_view_if_needed()
    box = chart.bounding_box()
    option = page.evaluate("""() => {
        const chart = echarts.getInstanceByDom(document.querySelector('[data-chart="by_district"]'));
        const names = chart.getOption().xAxis[0].data;
        const index = names.indexOf('丰镇市');
        return chart.convertToPixel({seriesIndex: 0}, [index, 0.5]);
    }""")
    page.mouse.click(box["x"] + option[0], box["y"] + option[1])
    page.wait_for_url("**/warnings/?*")
    assert "district=150981" in page.url and "level=red" in page.url
    assert page.locator("#warnings tbody tr[data-warning]").count() == 1
    assert not [text for _url, text in problems if "Content Security Policy" in text or "Refused" in text], problems

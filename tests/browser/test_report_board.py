"""The supervisor's board in Chromium: charts drawn by our own ECharts, figures as the selector says,
the period switched, a number clicked through to its clues."""

import datetime as dt

import pytest

from reports import selectors
from tests.factories import DEFAULT_PASSWORD
from tests.reports.scenario import build_march

MARCH = selectors.Period(dt.date(2026, 3, 1), dt.date(2026, 3, 31))


def log_in(page, live_server, username):
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", DEFAULT_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_selector("h1")


def figure(page, key):
    return page.locator(f'[data-figure="{key}"] [data-value]').inner_text()


def assert_charts_drawn(page, kinds):
    for kind in kinds:
        canvas = page.locator(f'[data-chart="{kind}"] canvas').first
        canvas.wait_for(state="attached", timeout=10000)
        box = canvas.bounding_box()
        assert box and box["width"] > 100 and box["height"] > 100, kind
        # ECharts drew something: the canvas is not blank.
        painted = page.evaluate(
            """(kind) => { const c = document.querySelector(`[data-chart="${kind}"] canvas`);
                          const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
                          for (let i = 3; i < d.length; i += 4) { if (d[i] !== 0) return true; } return false; }""",
            kind)
        assert painted, kind


@pytest.mark.django_db(transaction=True)
def test_supervisor_reads_the_board_switches_period_and_drills_down(live_server, page, supervisor_user):
    from units.models import Unit

    build_march({u.code: u for u in Unit.objects.all()})
    expected = selectors.completion_report(MARCH).headline

    log_in(page, live_server, supervisor_user.username)
    page.goto(f"{live_server.url}/reports/?period=custom&start=2026-03-01&end=2026-03-31")
    assert "统计期间:2026-03-01 至 2026-03-31" in page.locator(".period-line").inner_text()
    assert page.evaluate("typeof window.echarts") == "object"
    assert_charts_drawn(page, ["units", "trend", "channel", "risk"])
    assert figure(page, "collected") == str(expected["collected"]) == "7"
    assert figure(page, "closed") == str(expected["closed"])
    assert figure(page, "completion_rate") == "42.86%"
    assert figure(page, "transferred_to_departments") == str(expected["transferred_to_departments"])
    assert figure(page, "departments_completion_rate") == "66.67%"
    assert page.locator('#league tr.flagged[data-unit="150921"]').count() == 1

    # Sort the league table by completion rate: highest first, then, clicked again, lowest first.
    header = page.locator("#league thead th", has_text="办结率").first
    header.click()
    assert page.locator("#league tbody tr").first.get_attribute("data-unit") == "housing"
    header.click()
    assert page.locator("#league tbody tr").last.get_attribute("data-unit") == "housing"

    # Switch to this year.
    page.click("a[data-preset=year]")
    page.wait_for_url("**/reports/?period=year")
    this_year = selectors.completion_report(selectors.this_year()).headline
    assert figure(page, "collected") == str(this_year["collected"])
    assert_charts_drawn(page, ["trend"])

    # Back to March; click the number of closed clues: the list of those clues.
    page.goto(f"{live_server.url}/reports/?period=custom&start=2026-03-01&end=2026-03-31")
    page.click('[data-figure="closed"]')
    page.wait_for_selector("#drill-list")
    assert page.locator("#drill-title").inner_text() == "已办结"
    assert page.locator("#drill-list tbody tr[data-clue]").count() == expected["closed"]


@pytest.mark.django_db(transaction=True)
def test_the_big_screen_draws_its_charts_and_refreshes_from_the_api(live_server, page, supervisor_user):
    log_in(page, live_server, supervisor_user.username)
    page.clock.install()
    page.goto(f"{live_server.url}/reports/screen/?period=month")
    assert_charts_drawn(page, ["trend", "units", "channel", "risk"])
    assert page.locator(".topbar").is_hidden()
    assert figure(page, "collected") == "0"
    with page.expect_response(lambda r: "/api/v1/reports/completion/" in r.url and r.status == 200):
        page.clock.run_for(61_000)


CHART_TITLES = """() => Object.fromEntries([...document.querySelectorAll('[data-chart]')].map(el => {
    const chart = window.echarts.getInstanceByDom(el);
    const option = chart && chart.getOption();
    return [el.dataset.chart, option && option.title.length ? option.title[0].text : ''];
}))"""


@pytest.mark.django_db(transaction=True)
def test_the_big_screen_fits_a_1920_by_1080_wall_exactly(live_server, page, supervisor_user):
    from units.models import Unit

    build_march({u.code: u for u in Unit.objects.all()})
    page.set_viewport_size({"width": 1920, "height": 1080})
    log_in(page, live_server, supervisor_user.username)
    page.goto(f"{live_server.url}/reports/screen/?period=year")
    assert_charts_drawn(page, ["trend", "units", "channel", "risk"])
    assert page.evaluate("[document.documentElement.scrollWidth, document.documentElement.scrollHeight]") == [
        1920, 1080]
    for kind in ("trend", "units", "channel", "risk"):  # every chart whole on the screen, none cut off
        box = page.locator(f'[data-chart="{kind}"]').bounding_box()
        assert box["y"] >= 0 and box["y"] + box["height"] <= 1080 and box["height"] >= 250, (kind, box)
    assert page.evaluate(CHART_TITLES) == {"trend": "归集与办结趋势", "units": "各承办单位办结率",
                                           "channel": "各来源渠道线索", "risk": "各风险等级线索(归集与办结)"}
    target = page.evaluate("""() => echarts.getInstanceByDom(document.querySelector('[data-chart=units]'))
                                 .getOption().series[0].markLine.label.formatter""")
    assert target == "目标 95%"
    # Read from across a room: the figures and the chart text are large.
    assert page.evaluate("parseFloat(getComputedStyle(document.querySelector('.bs-figure b')).fontSize)") >= 48
    assert page.evaluate("""() => echarts.getInstanceByDom(document.querySelector('[data-chart=trend]'))
                                 .getOption().xAxis[0].axisLabel.fontSize""") >= 18


@pytest.mark.django_db(transaction=True)
def test_the_risk_chart_bars_are_their_levels_colours_and_say_what_they_are(live_server, page, supervisor_user):
    log_in(page, live_server, supervisor_user.username)
    page.goto(f"{live_server.url}/reports/?period=year")
    assert_charts_drawn(page, ["risk"])
    option = page.evaluate("() => echarts.getInstanceByDom(document.querySelector('[data-chart=risk]')).getOption()")
    assert not option.get("legend")  # no legend whose swatches could disagree with the bars
    collected, closed = option["series"]
    assert [bar["itemStyle"]["color"] for bar in collected["data"]] == ["#c62828", "#ef6c00", "#1565c0"]
    assert [bar["itemStyle"]["color"] for bar in closed["data"]] == [
        "rgb(227,148,148)", "rgb(247,182,128)", "rgb(138,178,224)"]


@pytest.mark.django_db(transaction=True)
def test_the_report_unit_table_fits_1440_px(live_server, page, supervisor_user):
    from units.models import Unit

    build_march({u.code: u for u in Unit.objects.all()})
    page.set_viewport_size({"width": 1440, "height": 900})
    log_in(page, live_server, supervisor_user.username)
    page.goto(f"{live_server.url}/reports/?period=custom&start=2026-03-01&end=2026-03-31")
    assert page.evaluate("document.documentElement.scrollWidth") == 1440
    scroller = page.locator("#panel-units .table-scroll")
    assert scroller.evaluate("el => el.scrollWidth <= el.clientWidth")  # nothing hidden to the right
    last, box = page.locator("#league thead th").last, scroller.bounding_box()
    assert last.inner_text().startswith("满意率")
    assert last.bounding_box()["x"] + last.bounding_box()["width"] <= box["x"] + box["width"]
    assert page.locator("#league tbody tr").count() == 2  # the units with clues in March; the rest folded
    assert page.locator("#quiet-units summary").inner_text().startswith("另有 27 个单位")

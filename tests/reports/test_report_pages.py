"""The board, the big screen, the drill-down page and the printable report, as staff see them."""

import datetime as dt
import re

import pytest
import time_machine
from django.contrib.auth.models import Group

from reports import selectors
from tests.conftest import make_staff
from tests.factories import UserFactory

from .scenario import NOW, build_march

MARCH = {"start": "2026-03-01", "end": "2026-03-31"}

pytestmark = pytest.mark.django_db


@pytest.fixture
def march(units):
    return build_march(units)


def get_as(client, user, url, params=None):
    client.force_login(user)
    with time_machine.travel(NOW, tick=False):
        return client.get(url, params or {})


def test_the_board_shows_the_headline_figures_with_links_to_their_clues(march, client, supervisor_user):
    response = get_as(client, supervisor_user, "/reports/", {"period": "custom", **MARCH})
    assert response.status_code == 200
    page = response.content.decode()
    assert "统计期间:2026-03-01 至 2026-03-31" in page
    cards = {card["key"]: card for card in response.context["cards"]}
    assert cards["collected"]["value"] == 7
    assert cards["completion_rate"]["value"] == "42.86%"
    assert cards["amount_recovered"]["value"] == "13.6"
    assert cards["collected"]["link"] == "/reports/clues/?start=2026-03-01&end=2026-03-31&metric=collected"
    assert 'data-figure="overdue_now"' in page
    assert "vendor/echarts/echarts.min.js" in page and "https://" not in page.split("<body")[0]


def test_the_league_table_marks_units_below_target_or_with_overdue_clues(march, client, supervisor_user):
    response = get_as(client, supervisor_user, "/reports/", MARCH)
    rows = {row["unit"]: row for row in response.context["report"].by_unit}
    assert rows["150921"]["flagged"] and rows["housing"]["flagged"]
    assert not rows["150902"]["flagged"]
    page = response.content.decode()
    assert '<tr class="flagged" data-unit="150921"' in page


def league_rows(page):
    body = page.split('id="league"')[1].split("<tbody>")[1].split("</tbody>")[0]
    return re.findall(r'<tr class="[^"]*" data-unit="([^"]+)".*?</tr>', body, re.S), body


def test_the_league_lists_units_with_figures_worst_first_and_folds_the_rest(march, client, supervisor_user):
    response = get_as(client, supervisor_user, "/reports/", MARCH)
    report = response.context["report"]
    active = [row for row in report.by_unit if row["assignments"] or row["held"] or row["overdue_now"]]
    no_rate = 101
    expected = sorted(active, key=lambda row: (-row["overdue_now"], no_rate if row["completion_rate"] is None
                                                else row["completion_rate"], -row["held"]))
    units, _body = league_rows(response.content.decode())
    assert units == [row["unit"] for row in expected] and len(units) < len(report.by_unit)
    quiet = response.content.decode().split('id="quiet-units"')[1].split("</details>")[0]
    assert f"另有 {len(report.by_unit) - len(units)} 个单位本期没有线索" in quiet
    assert 'data-unit="150902">集宁区</span>' in quiet


def test_each_rate_of_the_league_shows_its_numerator_and_denominator(march, client, supervisor_user):
    response = get_as(client, supervisor_user, "/reports/", MARCH)
    _units, body = league_rows(response.content.decode())
    for row in response.context["league_rows"]:
        cells = re.search(rf'data-unit="{row["unit"]}".*?</tr>', body, re.S)[0]
        text = re.sub(r"<[^>]+>|\s", "", cells)
        claimed = row["claimed_on_time"] + row["claimed_late"]
        for shown in (f"{row['claimed_on_time']}/{claimed}", f"{row['closed']}/{row['held']}",
                      f"{row['closed_on_time']}/{row['closed']}", f"{row['satisfied']}/{row['followed_up']}"):
            assert shown in text, (row["unit"], shown, text)
        # A zero is a figure, not a link to an empty list.
        assert not re.search(r'<a href="[^"]*">0</a>', cells)


def test_this_month_and_this_year_presets(units, client, supervisor_user):
    with time_machine.travel(dt.datetime(2026, 5, 20, 10, 0, tzinfo=selectors.SHANGHAI), tick=False):
        client.force_login(supervisor_user)
        month = client.get("/reports/", {"period": "month"}).context["report"].period
        year = client.get("/reports/", {"period": "year"}).context["report"].period
        default = client.get("/reports/").context["report"].period
    assert (month.start, month.end) == (dt.date(2026, 5, 1), dt.date(2026, 5, 20))
    assert (year.start, year.end) == (dt.date(2026, 1, 1), dt.date(2026, 5, 20))
    assert default == month


def test_a_bad_custom_period_shows_the_error_and_this_months_figures(units, client, supervisor_user):
    response = get_as(client, supervisor_user, "/reports/", {"period": "custom", "start": "2026-03-31",
                                                             "end": "2026-03-01"})
    assert response.status_code == 200
    assert "结束日期不能早于开始日期。" in response.content.decode()
    assert response.context["report"].period == selectors.this_month(NOW.date())


def test_an_officer_sees_their_unit_and_the_city_average_only(march, client):
    response = get_as(client, march["zhuozi"], "/reports/", MARCH)
    page = response.content.decode()
    assert response.status_code == 200
    assert "卓资县" in page and "全市平均" in page
    assert 'data-unit="housing"' not in page and 'data-unit="150902"' not in page


def test_someone_without_a_role_is_refused_in_chinese(units, client):
    response = get_as(client, UserFactory(username="visitor"), "/reports/")
    assert response.status_code == 403
    assert "您没有查看统计报表的权限。" in response.content.decode()


def test_anonymous_is_sent_to_log_in(client):
    response = client.get("/reports/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_drill_down_page_lists_the_clues_behind_a_number(march, client, supervisor_user):
    response = get_as(client, supervisor_user, "/reports/clues/", {**MARCH, "metric": "closed_on_time"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "按时办结" in page and 'data-count="2"' in page
    for name in "AB":
        assert march["clues"][name].tracking_code in page
    assert march["clues"]["C"].tracking_code not in page


def test_an_officer_cannot_open_another_units_drill_down(march, client):
    response = get_as(client, march["zhuozi"], "/reports/clues/", {**MARCH, "metric": "closed", "unit": "housing"})
    assert response.status_code == 403
    assert "您只能查看本单位的统计数据。" in response.content.decode()


def test_drill_down_with_a_bad_metric_says_so(units, client, supervisor_user):
    response = get_as(client, supervisor_user, "/reports/clues/", {**MARCH, "metric": "nope"})
    assert response.status_code == 400
    assert "请选择要查看的统计项。" in response.content.decode()


def test_the_big_screen_shows_the_same_figures_and_refreshes_itself(march, client, supervisor_user):
    response = get_as(client, supervisor_user, "/reports/screen/", {"period": "month"})
    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-refresh="60"' in page and 'data-chart="trend"' in page
    # This month on 03-26 is 03-01..03-26: G (received 03-31) falls outside it.
    assert response.context["report"].headline["collected"] == 6


def test_the_printable_report_says_the_period_and_when_it_was_made(march, client, supervisor_user):
    response = get_as(client, supervisor_user, "/reports/print/", MARCH)
    page = response.content.decode()
    assert response.status_code == 200
    assert "乌兰察布市欠薪线索办结情况统计表" in page
    assert "统计期间:2026-03-01 至 2026-03-31" in page
    assert "生成时间:" in page and "2026-03-26 12:00" in page
    assert "归集线索7条,办结3条,办结率42.86%" in page
    assert "向行业部门转交线索3条,已办结2条,办结率66.67%" in page
    assert "为8名劳动者追回工资13.6万元" in page


def test_the_report_as_pdf(march, client, supervisor_user):
    response = get_as(client, supervisor_user, "/reports/export.pdf", MARCH)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert "filename*=utf-8''" in response["Content-Disposition"]


def test_an_officer_with_no_unit_is_refused_the_board(units, client):
    user = UserFactory(username="officer_nowhere")
    user.groups.add(Group.objects.get(name="officer"))
    assert get_as(client, user, "/reports/").status_code == 403


def test_an_intake_clerk_sees_the_city_board(units, client):
    assert get_as(client, make_staff("intake", username="clerk"), "/reports/").status_code == 200


def test_the_recent_months_preset_reads_a_quarter_even_on_the_2nd_of_a_month(units, client, supervisor_user):
    with time_machine.travel(dt.datetime(2026, 1, 2, 10, 0, tzinfo=selectors.SHANGHAI), tick=False):
        client.force_login(supervisor_user)
        response = client.get("/reports/", {"period": "recent"})
    period = response.context["report"].period
    assert (period.start, period.end) == (dt.date(2025, 11, 1), dt.date(2026, 1, 2))
    assert 'class="active" data-preset="recent">近三个月</a>' in response.content.decode()

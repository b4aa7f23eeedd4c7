"""The monitoring board and the warning pages: the figures a person reads, the drill-down behind them, the
handling forms with Chinese errors, the XLSX files, a district officer's own board, and a fixed number of
queries whatever the number of projects."""

import datetime as dt
import io
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import load_workbook

from tests.conftest import make_staff
from tests.factories import DutyFactory, PayrollMonthFactory, ProjectFactory, WarningFactory
from units.models import Unit
from wage_warnings.models import WageWarning

pytestmark = pytest.mark.django_db


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def city():
    return make_staff("supervisor", username="p_supervisor")


@pytest.fixture
def registry(db):
    """Four projects under way in 卓资县 (two housing, two water) and one in 丰镇市, with some duties met."""
    units = {u.code: u for u in Unit.objects.all()}
    today = timezone.localdate()
    last_month = (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    due_month = (last_month - dt.timedelta(days=1)).replace(day=1)
    projects = []
    for index, (district, sector) in enumerate([("150921", "housing"), ("150921", "housing"), ("150921", "water"),
                                                ("150921", "water"), ("150981", "energy")]):
        projects.append(ProjectFactory(code=f"PG-{index}", name=f"看板测试项目{index}", district=units[district],
                                       sector=units[sector], start_date=dt.date(2025, 1, 1)))
    DutyFactory(project=projects[0], kind="wage_account", account_number="0566010401")
    DutyFactory(project=projects[1], kind="wage_account", account_number="0566010402", state="rejected")
    DutyFactory(project=projects[0], kind="deposit", deposit_kind="exempt", exemption_reason="小额")
    projects[0].contract_sum = Decimal("2000000")
    projects[0].save()
    DutyFactory(project=projects[2], kind="roster", headcount=30)
    PayrollMonthFactory(project=projects[0], month=due_month, last_paid_on=last_month + dt.timedelta(days=10))
    PayrollMonthFactory(project=projects[1], month=due_month, last_paid_on=today.replace(day=1))  # late
    WarningFactory(project=projects[0], code="roster_missing")
    WarningFactory(project=projects[1], code="wage_account_missing")
    WarningFactory(project=projects[1], code="payroll_late", period=f"{due_month:%Y-%m}",
                   assigned_unit=units["150921"], assigned_at=timezone.now() - dt.timedelta(days=9),
                   handling_deadline=timezone.now() - dt.timedelta(days=3))
    WarningFactory(project=projects[4], code="deposit_missing")
    return projects


def cells(html, table_id, unit):
    """The text of each cell of a row of a board table."""
    table = re.search(rf'<table[^>]*id="{table_id}".*?</table>', html, re.S).group(0)
    row = re.search(rf'<tr data-unit="{unit}".*?</tr>', table, re.S).group(0)
    return [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]


def test_the_board_shows_warnings_and_duty_shares_by_district_and_sector(registry, city):
    html = client_for(city).get("/monitoring/").content.decode()
    assert "工资预警监控 · 全市" in html
    # 卓资县: 4 projects under way, 2 red (wage account, payroll late) and 1 yellow; 专户 1 of 4 (the rejected one
    # does not count); 保证金 1 of 4 (exempt under 3 million); 实名制 1 of 4; last month's wages on time 1 of 4.
    assert cells(html, "by-district", "150921")[:6] == ["卓资县", "4", "4", "2", "1", "1"]
    zhuozi = cells(html, "by-district", "150921")[6:]
    assert zhuozi == ["0.00%", "25.00%", "25.00%", "25.00%", "0.00%", "25.00%"]
    assert cells(html, "by-sector", "water")[:5] == ["水利局", "2", "2", "0", "0"]
    assert cells(html, "handling", "150921") == ["卓资县", "1", "1", "1", "0", "0"]
    assert 'id="monitoring-data"' in html and "<script>" not in html  # figures as JSON, no inline script


def test_every_figure_drills_down_to_the_warnings_behind_it(registry, city):
    client = client_for(city)
    html = client.get("/monitoring/").content.decode()
    red_link = re.search(r'<td data-level="red"><a href="([^"]+)"', re.search(
        r'<tr data-unit="150921".*?</tr>', html, re.S).group(0)).group(1).replace("&amp;", "&")
    listed = client.get(red_link).content.decode()
    assert listed.count('data-warning="') == 2
    assert "未按期开设农民工工资专用账户" in listed and "工资未按月足额发放" in listed
    overdue = client.get("/warnings/?unit=150921&overdue=true").content.decode()
    assert overdue.count('data-warning="') == 1 and "超期" in overdue
    # Each row leads to the project (the project list narrowed to it until the project page exists).
    assert "/projects/?q=PG-1" in listed or "/projects/PG-1/" in listed


def test_a_district_officer_sees_the_board_and_list_of_the_district_only(registry):
    officer = make_staff("officer", "150981", username="p_fengzhen")
    client = client_for(officer)
    html = client.get("/monitoring/").content.decode()
    assert "工资预警监控 · 丰镇市" in html
    assert 'data-unit="150921"' not in html and "看板测试项目0" not in html
    assert cells(html, "by-district", "150981")[:4] == ["丰镇市", "1", "1", "1"]
    listed = client.get("/warnings/").content.decode()
    assert listed.count('data-warning="') == 1 and "看板测试项目4" in listed
    manager = make_staff("wage_manager", username="p_manager")
    assert client_for(manager).get("/monitoring/").status_code == 403


def test_the_board_and_any_list_export_to_xlsx(registry, city):
    client = client_for(city)
    response = client.get("/monitoring/export.xlsx")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["总览", "按旗县市区", "按行业部门", "预警核处"]
    districts = {row[0]: row for row in book["按旗县市区"].iter_rows(values_only=True)}
    assert districts["卓资县"][:6] == ("卓资县", 4, 4, 2, 1, 1)
    listed = load_workbook(io.BytesIO(client.get("/warnings/export.xlsx?level=red&state=open").content))
    rows = list(listed.active.iter_rows(values_only=True))
    assert rows[0][:3] == ("预警编号", "项目编号", "项目名称") and len(rows) == 1 + 3


def test_the_board_takes_the_same_number_of_queries_for_five_or_fifty_projects(registry, city):
    client = client_for(city)
    client.get("/monitoring/")
    with CaptureQueriesContext(connection) as few:
        client.get("/monitoring/")
    units = {u.code: u for u in Unit.objects.all()}
    for _index in range(45):
        project = ProjectFactory(district=units["150925"], sector=units["transport"])
        WarningFactory(project=project, code="roster_missing")
    with CaptureQueriesContext(connection) as many:
        assert "凉城县" in client.get("/monitoring/").content.decode()
    assert len(many.captured_queries) == len(few.captured_queries)


def test_a_bad_filter_is_a_chinese_page_not_an_error(registry, city):
    response = client_for(city).get("/warnings/?state=gone")
    assert response.status_code == 400 and "请求有误" in response.content.decode()


def test_the_warning_page_offers_each_role_its_forms_and_handles_them(registry, city):
    warning = WageWarning.objects.get(rule__code="wage_account_missing")
    intake = make_staff("intake", username="p_intake")
    officer = make_staff("officer", "150921", username="p_zhuozi")
    page = client_for(intake).get(f"/warnings/{warning.pk}/").content.decode()
    assert 'id="assign"' in page and 'id="dismiss"' in page and 'id="respond"' not in page
    assert "保障农民工工资支付条例" in page  # the rule's ground

    refused = client_for(intake).post(f"/warnings/{warning.pk}/assign/", {"unit": "150981"})
    assert refused.status_code == 400 and "请选择项目所在旗县市区或其行业主管部门" in refused.content.decode()
    done = client_for(intake).post(f"/warnings/{warning.pk}/assign/", {"unit": "150921"}, follow=True)
    assert "已交办" in done.content.decode()
    page = client_for(officer).get(f"/warnings/{warning.pk}/").content.decode()
    assert 'id="respond"' in page and 'id="assign"' not in page
    empty = client_for(officer).post(f"/warnings/{warning.pk}/respond/", {"response": ""})
    assert empty.status_code == 400 and "请填写核处情况" in empty.content.decode()
    client_for(officer).post(f"/warnings/{warning.pk}/respond/", {"response": "已现场核查,责令限期开设专户"})
    page = client_for(officer).get(f"/warnings/{warning.pk}/").content.decode()
    assert "已现场核查,责令限期开设专户" in page and 'id="respond"' not in page
    assert "交办卓资县核处" in page  # the handling history on the page
    forbidden = client_for(officer).post(f"/warnings/{warning.pk}/dismiss/", {"reason": "误报"})
    assert forbidden.status_code == 403
    assert client_for(officer).post(f"/warnings/{warning.pk}/nonsense/", {}).status_code == 404

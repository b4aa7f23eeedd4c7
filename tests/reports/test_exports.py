"""Exports: the report as XLSX (one sheet per table), any clue list as XLSX/CSV with its filters, masked."""

import csv
import io

import pytest
import time_machine
from openpyxl import load_workbook

from clues.models import PersonalDataView
from tests.clues.lifecycle_helpers import new_clue
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


def sheet_rows(sheet):
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def test_the_report_workbook_has_one_sheet_per_table(march, client, supervisor_user):
    response = get_as(client, supervisor_user, "/reports/export.xlsx", MARCH)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["总览", "承办单位", "趋势", "来源渠道", "风险等级"]

    overview = sheet_rows(workbook["总览"])
    assert overview[0][0] == "乌兰察布市欠薪线索办结情况统计表"
    assert overview[1][:2] == ["统计期间", "2026-03-01 至 2026-03-31"]
    assert overview[2][:2] == ["生成时间", "2026-03-26 12:00"]
    figures = {row[0]: row[1] for row in overview[4:]}
    assert figures["归集线索(条)"] == 7
    assert figures["办结(条)"] == 3
    assert figures["办结率(%)"] == 42.86
    assert figures["转交行业部门线索(条)"] == 3
    assert figures["行业部门办结率(%)"] == 66.67
    assert figures["追回工资(元)"] == 136000
    assert figures["兑付劳动者(人)"] == 8
    assert figures["合并的重复线索(条,不计入归集)"] == 1
    assert figures["回访满意率(%)"] == 50

    units = sheet_rows(workbook["承办单位"])
    header = units[0]
    assert header[:4] == ["承办单位", "类别", "转办线索", "转办次数"]
    housing = dict(zip(header, next(row for row in units if row[0] == "住房和城乡建设局"), strict=True))
    assert housing["类别"] == "行业部门"
    assert (housing["转办线索"], housing["办结"], housing["办结率(%)"]) == (3, 2, 66.67)
    assert housing["办结用时中位数(工作日)"] == 12
    assert housing["满意率(%)"] == "—"
    assert len(units) == 1 + 29

    channels = {row[0]: row[1:] for row in sheet_rows(workbook["来源渠道"])[1:]}
    assert channels["乌兰·薪码"] == [2, 1, 50, 1]  # A closed; D open and overdue
    colors = {row[0]: row[1:] for row in sheet_rows(workbook["风险等级"])[1:]}
    assert colors["橙色(一般)"] == [1, 1, 100, 0]
    assert sum(row[3] for row in sheet_rows(workbook["趋势"])[1:]) == 7


def test_an_officers_report_workbook_has_their_row_and_the_city_average(march, client):
    response = get_as(client, march["zhuozi"], "/reports/export.xlsx", MARCH)
    units = sheet_rows(load_workbook(io.BytesIO(response.content))["承办单位"])
    assert [row[0] for row in units[1:]] == ["卓资县", "全市平均"]


def test_a_report_export_with_a_bad_period_says_why(units, client, supervisor_user):
    response = get_as(client, supervisor_user, "/reports/export.xlsx", {"start": "2026-13-01", "end": "2026-03-31"})
    assert response.status_code == 400
    assert "开始日期格式有误" in response.content.decode()


def test_a_drill_down_exports_the_same_clues_with_masked_personal_data(march, client, supervisor_user):
    response = get_as(client, supervisor_user, "/reports/clues/export.xlsx", {**MARCH, "metric": "closed"})
    assert response.status_code == 200
    rows = sheet_rows(load_workbook(io.BytesIO(response.content)).active)
    header = rows[0]
    assert header[:3] == ["查询码", "来源渠道", "状态"]
    codes = {row[0] for row in rows[1:]}
    assert codes == {march["clues"][k].tracking_code for k in "ABC"}
    phone = header.index("手机号")
    a = march["clues"]["A"]
    row_a = next(row for row in rows if row[0] == a.tracking_code)
    assert row_a[phone] == a.complainant_phone[:3] + "****" + a.complainant_phone[-4:]
    assert row_a[header.index("追回金额(元)")] == 36000
    assert not PersonalDataView.objects.exists()


def test_a_full_export_shows_personal_data_and_records_each_view(march, client, supervisor_user):
    params = {**MARCH, "metric": "closed", "reveal": "1"}
    response = get_as(client, supervisor_user, "/reports/clues/export.csv", params)
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    phone = rows[0].index("手机号")
    a = march["clues"]["A"]
    assert next(row for row in rows if row[0] == a.tracking_code)[phone] == a.complainant_phone
    views = PersonalDataView.objects.filter(user=supervisor_user, via="export")
    assert views.count() == 3


def test_the_clue_export_applies_the_staff_lists_filters(march, client, supervisor_user):
    response = get_as(client, supervisor_user, "/reports/clues/export.csv", {"risk_color": "orange"})
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8").lstrip("\ufeff"))))
    assert [row[0] for row in rows[1:]] == [march["clues"]["C"].tracking_code]
    response = get_as(client, supervisor_user, "/reports/clues/export.csv", {"unit": "150921", "status": "assigned"})
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8").lstrip("\ufeff"))))
    assert [row[0] for row in rows[1:]] == [march["clues"]["F"].tracking_code]


def test_an_officers_clue_export_holds_only_their_units_clues(march, client):
    response = get_as(client, march["zhuozi"], "/reports/clues/export.csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8").lstrip("\ufeff"))))
    assert {row[0] for row in rows[1:]} == {march["clues"][k].tracking_code for k in "ABDF"}


def test_a_formula_in_an_employer_name_stays_text(units, client, supervisor_user):
    new_clue(employer_name='=HYPERLINK("http://evil.example","点我")')
    client.force_login(supervisor_user)
    csv_text = client.get("/reports/clues/export.csv").content.decode("utf-8")
    assert "'=HYPERLINK" in csv_text
    workbook = load_workbook(io.BytesIO(client.get("/reports/clues/export.xlsx").content))
    row = sheet_rows(workbook.active)[1]
    assert row[5] == "'=HYPERLINK(\"http://evil.example\",\"点我\")"


def test_bad_clue_list_filters_get_a_chinese_error(units, client, supervisor_user):
    client.force_login(supervisor_user)
    response = client.get("/reports/clues/export.xlsx", {"risk_color": "purple"})
    assert response.status_code == 400
    assert "purple" in response.content.decode() or "选择" in response.content.decode()


def test_someone_without_a_role_cannot_export(units, client):
    client.force_login(UserFactory(username="nobody"))
    assert client.get("/reports/clues/export.csv").status_code == 403
    assert client.get("/reports/export.xlsx").status_code == 403


def test_an_unknown_export_format_is_not_found(units, client, supervisor_user):
    client.force_login(supervisor_user)
    assert client.get("/reports/clues/export.pdf").status_code == 404


def test_the_export_takes_the_staff_lists_date_filters_and_ordering(march, client, supervisor_user):
    params = {"received_from": "2026-03-31", "received_to": "2026-03-31"}
    response = get_as(client, supervisor_user, "/reports/clues/export.csv", params)
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8").lstrip("\ufeff"))))
    assert [row[0] for row in rows[1:]] == [march["clues"]["G"].tracking_code]
    params = {"status": "closed", "ordering": "close_deadline"}
    response = get_as(client, supervisor_user, "/reports/clues/export.csv", params)
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8").lstrip("\ufeff"))))
    assert len(rows) == 1 + 4  # A, B, C and the merged duplicate E


def test_a_full_export_takes_the_same_queries_for_5_and_for_30_clues(units, client, supervisor_user):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(supervisor_user)
    for _ in range(5):
        new_clue()
    with CaptureQueriesContext(connection) as small:
        client.get("/reports/clues/export.xlsx", {"reveal": "1"})
    for _ in range(25):
        new_clue()
    with CaptureQueriesContext(connection) as large:
        response = client.get("/reports/clues/export.xlsx", {"reveal": "1"})
    assert len(load_workbook(io.BytesIO(response.content)).active["A"]) == 1 + 30
    assert len(small.captured_queries) == len(large.captured_queries)
    assert PersonalDataView.objects.filter(user=supervisor_user, via="export").count() == 35

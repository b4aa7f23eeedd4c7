"""The monthly payroll: JSON and file uploads, row errors that change nothing, re-uploads that keep the earlier
version, the month's figures computed at upload, masking, and the upload page's job with its progress."""

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
import time_machine
from openpyxl import Workbook, load_workbook

from config.celery import app
from projects import payroll, selectors
from projects.models import Duty, PayrollLine, PayrollMonth, ProjectEvent
from projects.tasks import run_payroll_job  # registers the task with Celery, as the worker's autodiscovery does
from tests.factories import resident_id

pytestmark = pytest.mark.django_db

TODAY = dt.datetime(2026, 7, 15, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))
IDS = [resident_id(f"1509211990{m:02d}{d:02d}101") for m, d in ((1, 3), (2, 14), (3, 25), (4, 6), (5, 17))]


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(TODAY, tick=False):
        yield


def line(n=0, **extra):
    return {"worker_name": f"工人{n}", "id_number": IDS[n], "phone": f"1394740{n:04d}",
            "bank_card": f"622202020011223{n:04d}", "team": "钢筋班", "days_worked": "22", "wage_due": "6000.00",
            "wage_paid": "6000.00", "paid_on": "2026-06-10", **extra}


def put(client, project, lines, month="2026-05"):
    return client.put(f"/api/v1/projects/{project.code}/payroll/{month}/", {"lines": lines}, format="json")


def test_an_upload_stores_the_lines_and_the_months_figures(api_as, people, project, submit_duty):
    submit_duty(project, "roster", people["manager"], headcount=4, updated_on=dt.date(2026, 5, 1))
    lines = [line(0), line(1, wage_paid="3000", days_worked="10", wage_due="900"), line(2, wage_paid="0",
                                                                                       paid_on=None),
             line(3, days_worked=None, wage_due="1500", wage_paid="1500", paid_on="2026-06-12")]
    response = put(api_as(people["manager"]), project, lines)
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["month"], body["version"], body["is_current"]) == ("2026-05", 1, True)
    assert body["lines"] == 4 and body["headcount_paid"] == 3 and body["roster_headcount"] == 4
    assert body["total_due"] == "14400.00" and body["total_paid"] == "10500.00"
    assert body["last_paid_on"] == "2026-06-12"
    # 900 for 10 days is under 1980 × 10 / 21.75 = 910.34; 1500 with no days given is under a full month.
    assert body["below_minimum"] == 2
    shown = body["payroll_lines"][0]
    assert shown["id_number"] == IDS[0][:4] + "**********" + IDS[0][-4:]
    assert shown["bank_card"] == "**** 0000" and shown["phone"] == "139****0000"
    assert IDS[0] not in response.content.decode()
    event = ProjectEvent.objects.get(project=project, kind="payroll_uploaded")
    assert "2026-05" in event.text and "第1版" in event.text


def test_bad_rows_are_listed_by_row_and_nothing_is_stored(api_as, people, project):
    lines = [line(0), line(1, id_number="150921199002141011"), line(2, wage_due="abc", paid_on="2026-13-01"),
             line(3, id_number=IDS[0]), line(4, wage_paid="100", paid_on=None)]
    response = put(api_as(people["manager"]), project, lines)
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid"  # DRF's own parsing of the numbers and dates comes first
    assert set(error["fields"]) == {"lines.2.wage_due", "lines.2.paid_on"}
    lines[2] = line(2)
    response = put(api_as(people["manager"]), project, lines)
    error = response.json()["error"]
    assert error["code"] == "payroll_invalid" and "未保存任何数据" in error["message"]
    assert error["fields"]["lines.1.id_number"] == ["身份证号码校验位不正确,请核对"]
    assert error["fields"]["lines.3.id_number"] == ["身份证号与第0行重复:每人每月一行。"]
    assert error["fields"]["lines.4.paid_on"] == ["实发工资大于0时须填写发放日期。"]
    assert not PayrollMonth.objects.exists() and not PayrollLine.objects.exists()
    assert not ProjectEvent.objects.filter(kind="payroll_uploaded").exists()


def test_a_reupload_makes_a_new_current_version_and_keeps_the_earlier(api_as, people, project):
    client = api_as(people["manager"])
    put(client, project, [line(0, wage_paid="0", paid_on=None), line(1, wage_paid="0", paid_on=None)])
    response = put(client, project, [line(0), line(1)])
    assert response.json()["version"] == 2 and response.json()["versions"] == [2, 1]
    current = PayrollMonth.objects.get(project=project, month=dt.date(2026, 5, 1), is_current=True)
    assert current.version == 2 and current.total_paid == Decimal("12000.00")
    earlier = client.get(f"/api/v1/projects/{project.code}/payroll/2026-05/?version=1").json()
    assert earlier["is_current"] is False and earlier["total_paid"] == "0.00"
    assert PayrollLine.objects.count() == 4
    months = client.get(f"/api/v1/projects/{project.code}/payroll/").json()
    assert [(m["month"], m["version"]) for m in months] == [("2026-05", 2)]


def test_a_future_month_and_a_paid_date_before_the_month_are_refused(api_as, people, project):
    client = api_as(people["manager"])
    response = put(client, project, [line(0)], month="2026-08")
    assert response.json()["error"]["fields"]["month"] == ["不能上传以后月份的工资表。"]
    response = put(client, project, [line(0, paid_on="2026-04-30")])
    assert response.json()["error"]["fields"]["lines.0.paid_on"] == ["发放日期早于工资所属月份(2026-05)。"]
    assert client.get(f"/api/v1/projects/{project.code}/payroll/2026-13/").status_code == 400


def test_only_the_projects_people_upload(api_as, people, project):
    assert put(api_as(people["other_manager"]), project, [line(0)]).status_code == 404
    assert put(api_as(people["other_officer"]), project, [line(0)]).status_code == 404
    assert put(api_as(people["district_officer"]), project, [line(0)]).status_code == 200


def _xlsx(rows, header=None):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(header or list(payroll.COLUMNS))
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    out.seek(0)
    out.name = "工资表.xlsx"
    return out


def _row(n=0, **changes):
    values = line(n, **changes)
    return [values[name] for name in payroll.COLUMNS.values()]


def test_an_xlsx_file_goes_through_the_same_checks_with_spreadsheet_row_numbers(api_as, people, project):
    client = api_as(people["manager"])
    bad = _xlsx([_row(0), _row(1, id_number=int(IDS[1][:17] + "0"), wage_due="6000.123")])
    response = client.put(f"/api/v1/projects/{project.code}/payroll/2026-05/", {"file": bad}, format="multipart")
    assert response.status_code == 400
    fields = response.json()["error"]["fields"]
    assert "把身份证号列设为文本" in fields["rows.3.id_number"][0]
    assert fields["rows.3.wage_due"] == ["应发工资最多两位小数。"]
    good = _xlsx([_row(0), [None] * 9, _row(1, paid_on=dt.datetime(2026, 6, 10))])
    response = client.put(f"/api/v1/projects/{project.code}/payroll/2026-05/", {"file": good}, format="multipart")
    assert response.status_code == 200, response.content
    assert response.json()["lines"] == 2 and response.json()["source_name"] == "工资表.xlsx"


def test_a_gbk_csv_from_excel_is_read(api_as, people, project):
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([f"{h}(元)" if h in ("应发工资", "实发工资") else h for h in payroll.COLUMNS])
    writer.writerow(_row(0))
    upload = io.BytesIO(out.getvalue().encode("gb18030"))
    upload.name = "payroll.csv"
    response = api_as(people["manager"]).put(f"/api/v1/projects/{project.code}/payroll/2026-05/",
                                            {"file": upload}, format="multipart")
    assert response.status_code == 200, response.content
    assert PayrollLine.objects.get().worker_name == "工人0"


def test_a_file_without_a_required_column_is_refused_as_a_whole(api_as, people, project):
    bad = _xlsx([["王勇", IDS[0]]], header=["姓名", "身份证号"])
    response = api_as(people["manager"]).put(f"/api/v1/projects/{project.code}/payroll/2026-05/", {"file": bad},
                                            format="multipart")
    assert response.status_code == 400
    assert response.json()["error"]["fields"]["file"] == [
        "表头缺少必需的列:应发工资、实发工资、发放日期。请使用模板,第一行为表头。"]


def test_the_templates_are_uploads_that_pass(api_as, people, project, client):
    client.force_login(people["manager"])
    for fmt in ("xlsx", "csv"):
        response = client.get(f"/projects/payroll-template.{fmt}")
        assert response.status_code == 200
        upload = io.BytesIO(response.content)
        upload.name = f"template.{fmt}"
        result = api_as(people["manager"]).put(f"/api/v1/projects/{project.code}/payroll/2026-06/",
                                               {"file": upload}, format="multipart")
        assert result.status_code == 200, (fmt, result.content)
        assert result.json()["lines"] == 2
    sheet = load_workbook(io.BytesIO(client.get("/projects/payroll-template.xlsx").content)).active
    assert [c.value for c in sheet[1]] == list(payroll.COLUMNS)
    assert sheet["B2"].number_format == "@"  # the ID column stays text in Excel


def test_the_minimum_wage_figure_can_be_recounted_for_a_new_minimum(people, project):
    rows = [(0, line(0, wage_due="2000")), (1, line(1, wage_due="2100"))]
    month = payroll.put_payroll(project=project, month=dt.date(2026, 5, 1), rows=rows, by=people["manager"])
    assert month.below_minimum == 0
    assert payroll.recount_below_minimum(Decimal("2050")) == 1
    month.refresh_from_db()
    assert month.below_minimum == 1


def test_the_roster_snapshot_ignores_a_rejected_roster(people, project, submit_duty):
    duty = submit_duty(project, "roster", people["manager"], headcount=50, updated_on=dt.date(2026, 5, 1))
    Duty.objects.filter(pk=duty.pk).update(state="rejected")
    month = payroll.put_payroll(project=project, month=dt.date(2026, 5, 1), rows=[(1, line(0))],
                                by=people["manager"])
    assert month.roster_headcount is None


# --- the upload page ----------------------------------------------------------------------------------------

def _upload(client, project, rows, month="2026-05"):
    return client.post(f"/projects/{project.code}/payroll/upload/",
                       {"month": month, "file": _xlsx(rows), "from": "workspace"})


def test_a_small_file_is_stored_at_once_and_the_page_says_so(client, people, project):
    client.force_login(people["manager"])
    response = _upload(client, project, [_row(0), _row(1)])
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "2026-05 工资表已保存为第1版,共 2 人。" in page
    assert 'http-equiv="refresh"' not in page


def test_a_file_with_errors_lists_them_by_row_on_the_page(client, people, project):
    client.force_login(people["manager"])
    response = _upload(client, project, [_row(0), _row(1, id_number="123")])
    page = client.get(response["Location"]).content.decode()
    assert "工资表有 1 处错误,未保存任何数据" in page
    assert "第 3 行" in page and "身份证号:身份证号码应为18位" in page
    assert not PayrollMonth.objects.exists()


def test_a_large_file_runs_in_the_worker_with_a_progress_bar(client, people, project, monkeypatch):
    monkeypatch.setattr(payroll, "INLINE_MAX_LINES", 2)
    client.force_login(people["manager"])
    rows = [_row(n) for n in range(5)]
    job = payroll.jobs.create_job(payroll.JOB_KIND, _xlsx(rows).getvalue(), ext="xlsx", user=people["manager"],
                                  filename="big.xlsx", total=5, project_id=project.pk, month="2026-05")
    queued = client.get(f"/projects/{project.code}/payroll/jobs/{job['id']}/").content.decode()
    assert '<meta http-equiv="refresh" content="2">' in queued and "<progress" in queued and "排队中" in queued
    eager = app.conf.task_always_eager
    app.conf.task_always_eager = True  # the real task through Celery, executed in this process
    try:
        response = _upload(client, project, rows)
    finally:
        app.conf.task_always_eager = eager
    done = client.get(response["Location"]).content.decode()
    assert "共 5 人" in done and 'http-equiv="refresh"' not in done
    assert PayrollMonth.objects.get().lines == 5
    assert run_payroll_job(response["Location"].rstrip("/").rsplit("/", 1)[-1]) == "done"  # again: nothing new
    assert PayrollMonth.objects.count() == 1


def test_someone_elses_job_is_not_found(client, people, project):
    client.force_login(people["manager"])
    location = _upload(client, project, [_row(0)])["Location"]
    client.force_login(people["district_officer"])
    assert client.get(location).status_code == 404


def test_the_upload_form_shows_a_bad_month_on_the_page(client, people, project):
    client.force_login(people["manager"])
    response = _upload(client, project, [_row(0)], month="2026-13")
    assert response.status_code == 400
    assert "月份应写成 2026-05 的形式。" in response.content.decode()


def test_the_month_page_shows_masked_lines_and_the_versions(client, people, project):
    payroll.put_payroll(project=project, month=dt.date(2026, 5, 1), rows=[(1, line(0))], by=people["manager"])
    payroll.put_payroll(project=project, month=dt.date(2026, 5, 1), rows=[(1, line(0)), (2, line(1))],
                        by=people["manager"])
    client.force_login(people["sector_officer"])
    page = client.get(f"/projects/{project.code}/payroll/2026-05/").content.decode()
    assert "第2版" in page and "现行版本" in page and "?version=1" in page
    assert IDS[0] not in page and "**** 0001" in page
    older = client.get(f"/projects/{project.code}/payroll/2026-05/?version=1").content.decode()
    assert "历史版本" in older


def test_selectors_say_which_months_are_missing(people, project):
    payroll.put_payroll(project=project, month=dt.date(2026, 6, 1), rows=[(1, line(0))], by=people["manager"])
    missing = selectors.monthly_missing(project)
    assert "2026-06 的工资表尚未上传" not in "".join(missing)
    assert "2026-06 的人工费用拨付尚未登记。" in missing

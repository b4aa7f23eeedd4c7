"""Import from the national platform (全国根治欠薪线索反映平台): CSV (UTF-8, GB18030) and XLSX exports."""

import datetime as dt
import io
import json
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import cache
from openpyxl import Workbook

from clues import importer
from clues.importer import ImportFileError, import_national_file
from clues.models import Clue
from clues.tasks import run_national_import
from tests.factories import ProjectFactory
from units.workdays import SHANGHAI

pytestmark = pytest.mark.django_db

HEADER = ["线索编号", "反映时间", "用人单位", "统一社会信用代码", "项目名称", "项目编号", "务工地址", "所在旗县市区",
          "反映人", "手机号", "身份证号", "欠薪人数", "欠薪金额", "欠薪起始月份", "欠薪截止月份", "情况描述"]


def row(external_id="GJ20261101001", **overrides):
    values = {
        "线索编号": external_id, "反映时间": "2026-11-01 09:30", "用人单位": "乌兰察布市宏达建筑工程有限公司",
        "统一社会信用代码": "91350100M000100Y43", "项目名称": "卓资县三北防护林工程", "项目编号": "",
        "务工地址": "卓资县巴音锡勒镇", "所在旗县市区": "卓资县", "反映人": "王勇", "手机号": "13800138000",
        "身份证号": "15092119900307123X", "欠薪人数": "6", "欠薪金额": "48000", "欠薪起始月份": "2026-08",
        "欠薪截止月份": "2026-10", "情况描述": "三个月工资未发",
    }
    values.update(overrides)
    return [values[h] for h in HEADER]


def csv_bytes(rows, *, header=HEADER, encoding="utf-8-sig"):
    lines = [",".join(header)] + [",".join(f'"{v}"' for v in r) for r in rows]
    return ("\r\n".join(lines) + "\r\n").encode(encoding)


def upload(data, name):
    handle = io.BytesIO(data)
    handle.name = name
    return handle


def xlsx_bytes(rows, header=HEADER):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(header)
    for r in rows:
        sheet.append(r)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def test_a_good_csv_becomes_clues_of_the_national_platform_channel(intake_user):
    project = ProjectFactory(code="WLCB-2026-0002")
    data = csv_bytes([row(), row("GJ20261101002", 项目编号="WLCB-2026-0002", 所在旗县市区="150921",
                                 反映时间="2026/11/02 14:05:00")])
    report = import_national_file(upload(data, "export.csv"), user=intake_user)
    assert (len(report.created), report.skipped, report.errors) == (2, [], [])
    assert [c["row"] for c in report.created] == [2, 3]
    first = Clue.objects.get(external_id="GJ20261101001")
    assert first.channel == "national_platform"
    assert first.created_by == intake_user
    assert first.received_at == dt.datetime(2026, 11, 1, 9, 30, tzinfo=SHANGHAI)
    assert first.district.code == "150921"
    assert (first.complainant_phone, first.complainant_id_number) == ("13800138000", "15092119900307123X")
    assert (first.worker_count, str(first.amount_owed)) == (6, "48000.00")
    assert (first.owed_from, first.owed_to) == (dt.date(2026, 8, 1), dt.date(2026, 10, 1))
    assert first.project_name == "卓资县三北防护林工程" and first.project is None
    second = Clue.objects.get(external_id="GJ20261101002")
    assert second.project == project
    assert second.received_at == dt.datetime(2026, 11, 2, 14, 5, tzinfo=SHANGHAI)
    assert report.created[0]["tracking_code"] == first.tracking_code


def test_deadlines_of_imported_clues_count_from_the_reflection_time(intake_user):
    import_national_file(upload(csv_bytes([row(反映时间="2025-09-26 09:30")]), "a.csv"), user=intake_user)
    clue = Clue.objects.get()
    assert clue.response_deadline == dt.datetime(2025, 9, 30, 23, 59, 59, tzinfo=SHANGHAI)


def test_a_gb18030_csv_from_excel_on_chinese_windows(intake_user):
    data = csv_bytes([row(用人单位="察哈尔右翼前旗鑫磊建筑劳务有限公司", 所在旗县市区="察哈尔右翼前旗")],
                     encoding="gb18030")
    report = import_national_file(upload(data, "导出.csv"), user=intake_user)
    assert report.errors == []
    clue = Clue.objects.get()
    assert clue.employer_name == "察哈尔右翼前旗鑫磊建筑劳务有限公司"
    assert clue.district.code == "150926"


def test_a_utf8_csv_without_bom(intake_user):
    report = import_national_file(upload(csv_bytes([row()], encoding="utf-8"), "a.csv"), user=intake_user)
    assert len(report.created) == 1


def test_an_xlsx_with_real_dates_and_numbers(intake_user):
    values = row()
    values[1] = dt.datetime(2026, 11, 3, 8, 15)  # 反映时间 as an Excel date
    values[9] = 13800138000  # 手机号 typed as a number
    values[11] = 6
    values[12] = 48000.5
    values[13] = dt.datetime(2026, 8, 1)  # a month cell formatted as a date
    report = import_national_file(upload(xlsx_bytes([values]), "export.xlsx"), user=intake_user)
    assert report.errors == []
    clue = Clue.objects.get()
    assert clue.received_at == dt.datetime(2026, 11, 3, 8, 15, tzinfo=SHANGHAI)
    assert clue.complainant_phone == "13800138000"
    assert str(clue.amount_owed) == "48000.50"
    assert clue.owed_from == dt.date(2026, 8, 1)


def test_bad_rows_are_reported_with_row_numbers_and_reasons_and_good_rows_still_import(intake_user):
    rows = [
        row("GJ-OK-1"),
        row("GJ-BAD-ID", 身份证号="150921199003071231"),
        row("GJ-BAD-PHONE", 手机号="0474-123"),
        row("GJ-BAD-AMOUNT", 欠薪金额="四万八"),
        row("GJ-BAD-DISTRICT", 所在旗县市区="朝阳区"),
        row("GJ-OK-2"),
        row("", 反映时间="下周一", 欠薪人数="0"),
    ]
    report = import_national_file(upload(csv_bytes(rows), "a.csv"), user=intake_user)
    assert sorted(Clue.objects.values_list("external_id", flat=True)) == ["GJ-OK-1", "GJ-OK-2"]
    assert [c["row"] for c in report.created] == [2, 7]
    errors = dict(report.errors)
    assert errors[3] == ["身份证号:身份证号码校验位不正确,请核对"]
    assert errors[4] == ["手机号:请输入11位手机号码,例如 13800138000"]
    assert errors[5] == ["欠薪金额:欠薪金额应为数字,单位为元。"]
    assert errors[6] == ["所在旗县市区:未找到“朝阳区”,请填写旗县市区名称(如 卓资县)或代码(如 150921)。"]
    assert errors[8] == ["线索编号:不能为空。",
                         "反映时间:反映时间“下周一”无法识别,请写成 2026-08-01 09:30 的形式。",
                         "欠薪人数:欠薪人数至少为1人。"]


def test_a_reflection_time_in_the_future_is_refused(intake_user):
    report = import_national_file(upload(csv_bytes([row(反映时间="2099-01-01 00:00")]), "a.csv"), user=intake_user)
    assert report.errors == [(2, ["反映时间:反映时间不能晚于现在。"])]


def test_importing_the_same_file_twice_creates_nothing_new(intake_user):
    data = csv_bytes([row("GJ-1"), row("GJ-2")])
    import_national_file(upload(data, "a.csv"), user=intake_user)
    again = import_national_file(upload(data, "a.csv"), user=intake_user)
    assert Clue.objects.count() == 2
    assert again.created == [] and again.errors == []
    assert again.skipped == [{"row": 2, "external_id": "GJ-1", "reason": "已导入过,跳过"},
                             {"row": 3, "external_id": "GJ-2", "reason": "已导入过,跳过"}]


def test_the_same_external_id_twice_in_one_file_imports_once(intake_user):
    report = import_national_file(upload(csv_bytes([row("GJ-1"), row("GJ-1")]), "a.csv"), user=intake_user)
    assert len(report.created) == 1
    assert report.skipped == [{"row": 3, "external_id": "GJ-1", "reason": "与第2行的线索编号重复,跳过"}]


def test_a_header_missing_a_required_column_is_a_clear_error(intake_user):
    header = [h for h in HEADER if h not in ("手机号", "反映时间")]
    data = csv_bytes([], header=header)
    with pytest.raises(ImportFileError) as caught:
        import_national_file(upload(data, "a.csv"), user=intake_user)
    assert caught.value.message == "表头缺少必需的列:反映时间、手机号。请按导入说明中的列名准备文件(第一行为表头)。"
    assert not Clue.objects.exists()


def test_headers_with_units_in_brackets_and_unknown_columns_are_understood(intake_user):
    header = [f"{h}(元)" if h == "欠薪金额" else h for h in HEADER] + ["备注"]
    data = csv_bytes([row() + ["平台备注"]], header=header)
    report = import_national_file(upload(data, "a.csv"), user=intake_user)
    assert len(report.created) == 1


@pytest.mark.parametrize(("data", "name", "message"), [
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 200, "old.xls", "不支持旧版 Excel(.xls)文件"),
    (b"not a workbook at all", "fake.xlsx", "内容不是 Excel 工作簿"),
    (b"PK\x03\x04broken zip", "broken.xlsx", "无法读取 Excel 文件"),
    (b"", "empty.csv", "文件是空的"),
])
def test_unreadable_files_are_refused_with_a_reason(intake_user, data, name, message):
    with pytest.raises(ImportFileError) as caught:
        import_national_file(upload(data, name), user=intake_user)
    assert message in caught.value.message


def test_an_unknown_project_number_keeps_the_name_with_a_warning(intake_user):
    report = import_national_file(upload(csv_bytes([row(项目编号="GJXM-0001")]), "a.csv"), user=intake_user)
    assert len(report.created) == 1
    assert report.warnings == [(2, ["项目编号:“GJXM-0001”不在本市项目库中,仅记录项目名称。"])]
    assert Clue.objects.get().project is None


def test_progress_is_reported_row_by_row(intake_user):
    seen = []
    import_national_file(upload(csv_bytes([row("A"), row("B"), row("C")]), "a.csv"), user=intake_user,
                         progress=lambda done, total: seen.append((done, total)))
    assert seen == [(1, 3), (2, 3), (3, 3)]


# --- the job around the service: stored file, Celery task, status in cache and on disk ------------------------

def test_an_import_job_runs_in_the_task_and_leaves_its_results_beside_the_upload(intake_user):
    job = importer.create_import_job(upload(csv_bytes([row("GJ-1"), row("GJ-2", 手机号="1")]), "a.csv"),
                                     user=intake_user)
    stored = Path(settings.MEDIA_ROOT) / "imports" / f"{job['id']}.csv"
    assert stored.exists()
    assert (job["state"], job["total"]) == ("queued", 2)
    assert run_national_import(job["id"]) == "done"
    status = json.loads(stored.with_suffix(".json").read_text(encoding="utf-8"))
    assert (status["state"], status["done"], status["total"]) == ("done", 2, 2)
    assert [c["external_id"] for c in status["report"]["created"]] == ["GJ-1"]
    assert status["report"]["errors"] == [{"row": 3, "reasons": ["手机号:请输入11位手机号码,例如 13800138000"]}]
    cache.delete(f"clues:import:{job['id']}")
    assert importer.read_job(job["id"])["state"] == "done"  # from the JSON file after a cache flush
    assert run_national_import(job["id"]) == "done"  # a redelivered task does nothing twice
    assert Clue.objects.count() == 1


def test_a_header_problem_is_refused_before_anything_is_stored(intake_user):
    before = set(importer.imports_dir().iterdir())
    with pytest.raises(ImportFileError):
        importer.create_import_job(upload(csv_bytes([], header=["线索编号"]), "a.csv"), user=intake_user)
    assert set(importer.imports_dir().iterdir()) == before


def test_an_unknown_job_id_is_404(client, intake_user):
    client.force_login(intake_user)
    assert client.get("/clues/import/0123456789abcdef0123456789abcdef/").status_code == 404
    assert client.get("/clues/import/not-a-job/").status_code == 404


# --- the pages -------------------------------------------------------------------------------------------------

def test_a_small_upload_is_imported_at_once_and_the_status_page_lists_every_row(client, intake_user):
    client.force_login(intake_user)
    data = csv_bytes([row("GJ-1"), row("GJ-1"), row("GJ-3", 身份证号="123")])
    response = client.post("/clues/import/", {"file": upload(data, "a.csv")})
    assert response.status_code == 302
    page = client.get(response["Location"])
    html = page.content.decode()
    assert "导入完成" in html
    assert 'http-equiv="refresh"' not in html
    assert "新建 1 条" in html and "跳过 1 条" in html and "失败 1 条" in html
    assert "第 4 行" in html and "身份证号码应为18位" in html
    assert Clue.objects.get().tracking_code in html


def test_a_large_upload_runs_in_the_background_with_a_progress_bar(client, intake_user):
    from config.celery import app

    client.force_login(intake_user)
    rows = [row(f"GJ-{n:04d}") for n in range(importer.INLINE_MAX_ROWS + 1)]
    job = importer.create_import_job(upload(csv_bytes(rows), "big.csv"), user=intake_user)
    queued = client.get(f"/clues/import/{job['id']}/").content.decode()
    assert '<meta http-equiv="refresh" content="2">' in queued
    assert "<progress" in queued and "排队中" in queued
    # The real task through Celery, executed in this process.
    eager = app.conf.task_always_eager
    app.conf.task_always_eager = True
    try:
        response = client.post("/clues/import/", {"file": upload(csv_bytes(rows), "big.csv")})
    finally:
        app.conf.task_always_eager = eager
    done = client.get(response["Location"]).content.decode()
    assert Clue.objects.count() == importer.INLINE_MAX_ROWS + 1
    assert "导入完成" in done and f"新建 {importer.INLINE_MAX_ROWS + 1} 条" in done
    assert 'http-equiv="refresh"' not in done


def test_the_upload_page_explains_a_bad_header(client, intake_user):
    client.force_login(intake_user)
    response = client.post("/clues/import/", {"file": upload(csv_bytes([], header=HEADER[:3]), "a.csv")})
    assert response.status_code == 400
    assert "表头缺少必需的列:反映人、手机号、欠薪人数、欠薪金额" in response.content.decode()


def test_only_csv_and_xlsx_files_are_accepted(client, intake_user):
    client.force_login(intake_user)
    response = client.post("/clues/import/", {"file": upload(b"%PDF-1.4", "a.pdf")})
    assert response.status_code == 400
    assert "只能导入 .csv 或 .xlsx 文件。" in response.content.decode()


def test_a_post_without_a_file_says_so(client, intake_user):
    client.force_login(intake_user)
    response = client.post("/clues/import/", {})
    assert response.status_code == 400
    assert "请选择要导入的文件。" in response.content.decode()


def test_officers_may_not_import(client, officer_zhuozi):
    client.force_login(officer_zhuozi)
    assert client.get("/clues/import/").status_code == 403
    assert client.post("/clues/import/", {"file": upload(csv_bytes([row()]), "a.csv")}).status_code == 403
    assert not Clue.objects.exists()


def test_the_template_download_has_the_documented_header(client, intake_user):
    client.force_login(intake_user)
    body = client.get("/clues/import/template.csv").content.decode("utf-8-sig")
    assert body.strip().split(",") == HEADER


def test_the_documented_example_imports_as_described(intake_user):
    ProjectFactory(code="WLCB-2026-0002")
    text = (Path(settings.BASE_DIR) / "docs" / "national_import.md").read_text(encoding="utf-8")
    example = text.split("```csv\n", 1)[1].split("```", 1)[0]
    report = import_national_file(upload(example.encode("utf-8"), "example.csv"), user=intake_user)
    assert (len(report.created), report.skipped, report.errors) == (2, [], [])
    first, second = Clue.objects.order_by("external_id")
    assert first.project.code == "WLCB-2026-0002"
    assert second.district.code == "150922" and str(second.amount_owed) == "156000.00"
    assert second.complainant_phone == "13947400004"


@pytest.mark.parametrize(("months", "amount", "expected"), [
    (("2026年6月", "2026年9月"), "48,000.50", ("2026-06-01", "2026-09-01", "48000.50")),
    (("2026/6", "202609"), "48000元", ("2026-06-01", "2026-09-01", "48000.00")),
    (("", ""), "0", (None, None, "0.00")),
])
def test_months_and_amounts_in_the_ways_people_write_them(intake_user, months, amount, expected):
    data = csv_bytes([row(欠薪起始月份=months[0], 欠薪截止月份=months[1], 欠薪金额=amount)])
    report = import_national_file(upload(data, "a.csv"), user=intake_user)
    assert report.errors == []
    clue = Clue.objects.get()
    as_text = (clue.owed_from and clue.owed_from.isoformat(), clue.owed_to and clue.owed_to.isoformat(),
               str(clue.amount_owed))
    assert as_text == expected

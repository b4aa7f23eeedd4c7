"""Bulk import of enterprises and projects from the documented workbook, row errors that change nothing,
re-import that updates, and the export in the same layout."""

import io

import pytest
from openpyxl import Workbook, load_workbook

from projects import registry_import
from projects.models import Enterprise, Project, ProjectParty
from projects.tasks import run_registry_job  # registers the task with Celery, as the worker's autodiscovery does
from tests.factories import EnterpriseFactory

pytestmark = pytest.mark.django_db


def _book(enterprises=(), projects=(), enterprise_header=None, project_header=None):
    workbook = Workbook()
    workbook.remove(workbook.active)
    sheet = workbook.create_sheet("企业")
    sheet.append(enterprise_header or list(registry_import.ENTERPRISE_COLUMNS))
    for row in enterprises:
        sheet.append(row)
    sheet = workbook.create_sheet("项目")
    sheet.append(project_header or list(registry_import.PROJECT_COLUMNS))
    for row in projects:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    out.seek(0)
    out.name = "registry.xlsx"
    return out


GC = "91150902MA13XY8Q21"


def _project_row(code="WLCB-2026-0201", **changes):
    values = {"项目编号": code, "项目名称": "集宁区示范小区改造工程", "所在旗县市区": "集宁区",
              "行业主管部门": "住房和城乡建设局",
              "项目地址": "集宁区新华街", "建设单位统一社会信用代码": "", "施工总承包单位统一社会信用代码": GC,
              "专业分包单位统一社会信用代码": "", "劳务分包单位统一社会信用代码": "", "合同签订日期": "2026-03-01",
              "合同金额": "38600000", "人工费用占比": "25", "开工日期": "2026-03-15", "计划竣工日期": "2027-10-31",
              "状态": "在建", "政府或国企投资": "是", "重点监管": "否", "劳资专管员": "赵志刚",
              "劳资专管员电话": "13947400031", **changes}
    return [values[h] for h in registry_import.PROJECT_COLUMNS]


def test_the_template_imports_as_it_is(people):
    template = io.BytesIO(registry_import.workbook_bytes(registry_import.template_workbook()))
    report = registry_import.import_registry(template, by=people["intake"])
    assert report.errors == [] and report.projects_created == 1 and report.enterprises_created == 1
    project = Project.objects.get(code="WLCB-2026-0101")
    assert project.district.code == "150902" and project.sector.code == "housing"
    assert project.general_contractor.credit_code == GC and project.is_government_invested


def test_an_import_with_one_bad_row_changes_nothing_and_names_the_rows(people):
    sub = EnterpriseFactory()
    book = _book(
        enterprises=[[GC, "内蒙古北疆建设集团有限公司", "", "", "0474-8123456", ""],
                     ["91150902MA13XY8Q2I", "错码企业", "", "", "", ""]],
        projects=[_project_row(**{"专业分包单位统一社会信用代码": sub.credit_code}),
                  _project_row("WLCB-2026-0202",
                               **{"所在旗县市区": "北京市", "合同金额": "三千万", "重点监管": "也许"}),
                  _project_row("WLCB-2026-0201")])
    report = registry_import.import_registry(book, by=people["intake"])
    errors = {(e["sheet"], e["row"]): e["reasons"] for e in report.errors}
    assert errors[("企业", 3)] == ["统一社会信用代码:统一社会信用代码应为18位数字或大写字母(不含I、O、Z、S、V)"]
    assert "合同金额“三千万”不是金额。" in errors[("项目", 3)] and "重点监管应填“是”或“否”。" in errors[("项目", 3)]
    assert errors[("项目", 4)] == ["项目编号与第2行重复。"]
    assert not Project.objects.filter(code__startswith="WLCB-2026-02").exists()
    assert not Enterprise.objects.filter(credit_code=GC).exists()


def test_a_reimport_updates_what_is_registered(people):
    book = _book(enterprises=[[GC, "内蒙古北疆建设集团有限公司", "", "", "", ""]], projects=[_project_row()])
    assert registry_import.import_registry(book, by=people["intake"]).projects_created == 1
    sub = EnterpriseFactory()
    again = _book(enterprises=[[GC, "北疆建设集团股份有限公司", "张三", "", "", ""]],
                  projects=[_project_row(**{"项目名称": "集宁区示范小区改造工程(一期)", "劳务分包单位统一社会信用代码":
                                            sub.credit_code, "状态": "停工"})])
    report = registry_import.import_registry(again, by=people["intake"])
    assert (report.enterprises_updated, report.projects_updated, report.errors) == (1, 1, [])
    project = Project.objects.get(code="WLCB-2026-0201")
    assert project.name == "集宁区示范小区改造工程(一期)" and project.status == "suspended"
    assert project.contractor_name == "北疆建设集团股份有限公司"
    assert ProjectParty.objects.get(project=project).role == "labour_subcontractor"


def test_an_officer_imports_only_the_units_projects(people):
    book = _book(enterprises=[[GC, "内蒙古北疆建设集团有限公司", "", "", "", ""]],
                 projects=[_project_row(**{"所在旗县市区": "卓资县", "行业主管部门": ""}),
                           _project_row("WLCB-2026-0209")])
    report = registry_import.import_registry(book, by=people["district_officer"])
    assert [(e["sheet"], e["row"]) for e in report.errors] == [("项目", 3)]
    assert "您只能登记本单位所辖旗县市区或本行业的项目。" in report.errors[0]["reasons"][0]
    assert not Project.objects.filter(code__startswith="WLCB-2026-02").exists()


def test_the_import_page_runs_the_job_and_shows_the_result(client, people):
    client.force_login(people["intake"])
    book = _book(enterprises=[[GC, "内蒙古北疆建设集团有限公司", "", "", "", ""]], projects=[_project_row()])
    response = client.post("/projects/import/", {"file": book})
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "导入完成:新登记企业 1 家、更新 0 家;新登记项目 1 个、更新 0 个。" in page
    assert run_registry_job(response["Location"].rstrip("/").rsplit("/", 1)[-1]) == "done"


def test_the_import_page_refuses_a_file_that_is_not_the_workbook(client, people):
    client.force_login(people["intake"])
    upload = io.BytesIO(b"a,b\n1,2\n")
    upload.name = "x.csv"
    response = client.post("/projects/import/", {"file": upload})
    assert response.status_code == 400
    assert "请上传按模板填写的 Excel(.xlsx)文件" in response.content.decode()


def test_wage_managers_may_not_import(client, people):
    client.force_login(people["manager"])
    assert client.get("/projects/import/").status_code == 403


def test_the_export_is_the_users_list_in_the_import_layout(client, people, project, other_project):
    client.force_login(people["district_officer"])
    response = client.get("/projects/export.xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0][:len(registry_import.PROJECT_COLUMNS)]) == list(registry_import.PROJECT_COLUMNS)
    assert [row[0] for row in rows[1:]] == [project.code]
    assert rows[1][-4:] == ("未录入", "未录入", "未录入", "未录入")
    # Exported, then imported again: nothing to correct, every project updated in place.
    report = registry_import.import_registry(io.BytesIO(response.content), by=people["intake"])
    assert report.errors == [] and report.projects_updated == 1

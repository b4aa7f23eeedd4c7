"""The registry API: enterprises by credit code, projects with their parties, the fields the issue lists, the
duties' state in the detail, and the timeline every change writes."""

import pytest

from core.identity import credit_code_check_char
from projects import hooks
from projects.models import Enterprise, Project, ProjectEvent, ProjectParty
from tests.factories import EnterpriseFactory

pytestmark = pytest.mark.django_db

BAD_CHECK = "91150902MA13XY8Q22"


def _valid(body):
    return body + credit_code_check_char(body)


def test_an_enterprise_is_registered_by_its_credit_code(api_as, people):
    code = _valid("91150900MA0N7B2X1")
    response = api_as(people["intake"]).post("/api/v1/enterprises/", {
        "credit_code": code.lower(), "name": "乌兰察布市宏达建筑工程有限公司", "legal_representative": "王宏达",
        "contact_phone": "0474 8123456"}, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["credit_code"] == code and body["credit_code_valid"] is True and body["warnings"] == {}
    assert body["contact_phone"] == "0474-8123456"
    detail = api_as(people["intake"]).get(f"/api/v1/enterprises/{code}/").json()
    assert detail["name"] == "乌兰察布市宏达建筑工程有限公司"


def test_a_wrong_check_digit_is_a_warning_not_a_refusal(api_as, people):
    response = api_as(people["district_officer"]).post("/api/v1/enterprises/", {
        "credit_code": BAD_CHECK, "name": "早期试点企业"}, format="json")
    assert response.status_code == 201
    body = response.json()
    assert body["credit_code_valid"] is False
    assert body["warnings"]["credit_code"] == ["统一社会信用代码校验位不符,请核对(部分早期试点代码可能如此)"]
    assert Enterprise.objects.get(credit_code=BAD_CHECK).credit_code_valid is False


def test_a_malformed_credit_code_is_a_field_error_in_chinese(api_as, people):
    response = api_as(people["intake"]).post("/api/v1/enterprises/", {
        "credit_code": "91150900MA0N7B2XIO", "name": "错码企业"}, format="json")
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["fields"]["credit_code"] == ["统一社会信用代码应为18位数字或大写字母(不含I、O、Z、S、V)"]
    assert not Enterprise.objects.filter(name="错码企业").exists()


def test_a_credit_code_registered_twice_is_a_conflict(api_as, people, contractor):
    response = api_as(people["intake"]).post("/api/v1/enterprises/", {
        "credit_code": contractor.credit_code, "name": "另一个名字"}, format="json")
    assert response.status_code == 409
    assert "已登记" in response.json()["error"]["fields"]["credit_code"][0]


def test_renaming_an_enterprise_follows_into_its_projects(api_as, people, contractor, project):
    response = api_as(people["intake"]).patch(f"/api/v1/enterprises/{contractor.credit_code}/",
                                              {"name": "北疆建设集团股份有限公司"}, format="json")
    assert response.status_code == 200
    project.refresh_from_db()
    assert project.contractor_name == "北疆建设集团股份有限公司"


def test_a_wage_manager_cannot_read_the_enterprise_register(api_as, people):
    response = api_as(people["manager"]).get("/api/v1/enterprises/")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "permission_denied"


def _project_body(contractor, developer, **extra):
    sub = EnterpriseFactory(name="乌兰察布市劳务分包有限公司")
    return {"code": "WLCB-2026-0100", "name": "卓资县第二中学教学楼", "district": "150921", "sector": "education",
            "address": "卓资县卓资山镇", "developer": developer.credit_code,
            "general_contractor": contractor.credit_code,
            "subcontractors": [{"credit_code": sub.credit_code, "role": "labour_subcontractor"}],
            "contract_date": "2026-03-01", "contract_sum": "12500000.00", "labour_cost_share": "22.5",
            "start_date": "2026-03-15", "planned_end_date": "2027-08-31", "status": "under_way",
            "is_government_invested": True, "is_key": True, "wage_manager": "石建军",
            "wage_manager_phone": "13947400002", **extra}


def test_a_project_is_registered_with_every_field_of_the_issue(api_as, people, contractor, developer):
    response = api_as(people["district_officer"]).post("/api/v1/projects/", _project_body(contractor, developer),
                                                      format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["district"] == "150921" and body["sector"] == "education"
    assert body["general_contractor"] == contractor.credit_code and body["developer"] == developer.credit_code
    assert body["subcontractors"][0]["role"] == "labour_subcontractor"
    assert body["planned_end_date"] == "2027-08-31" and body["contract_sum"] == "12500000.00"
    assert body["is_key"] is True and body["public_id"]
    assert [d["state"] for d in body["duties"]] == ["missing"] * 4
    assert body["deposit_due"]["amount"] == "125000.00"  # 1% of 12,500,000
    assert body["open_warnings"] == []
    project = Project.objects.get(code="WLCB-2026-0100")
    assert project.contractor_name == contractor.name  # the QR-era fields follow (clue prefill reads them)
    assert ProjectEvent.objects.filter(project=project, kind="project_created").exists()
    assert api_as(people["district_officer"]).get(f"/api/v1/projects/{project.public_id}/").status_code == 404


def test_project_errors_are_field_by_field_in_chinese(api_as, people, contractor, developer):
    body = _project_body(contractor, developer, district="159999", general_contractor=_valid("91150900MA0N7B2X9"),
                         planned_end_date="2026-01-01", labour_cost_share="120")
    response = api_as(people["intake"]).post("/api/v1/projects/", body, format="json")
    assert response.status_code == 400
    fields = response.json()["error"]["fields"]
    assert fields["labour_cost_share"] == ["请确保该值小于或者等于 100。"]
    body["labour_cost_share"] = "20"
    fields = api_as(people["intake"]).post("/api/v1/projects/", body, format="json").json()["error"]["fields"]
    assert "未知的旗县市区代码“159999”" in fields["district"][0]
    assert "尚未登记" in fields["general_contractor"][0]
    assert fields["end_date"] == ["计划竣工日期不能早于开工日期。"]
    assert not Project.objects.filter(code="WLCB-2026-0100").exists()


def test_an_officer_registers_projects_only_for_the_unit(api_as, people, contractor, developer):
    body = _project_body(contractor, developer, district="150981", sector="energy")
    response = api_as(people["district_officer"]).post("/api/v1/projects/", body, format="json")
    assert response.status_code == 403
    assert not Project.objects.filter(code="WLCB-2026-0100").exists()
    assert api_as(people["manager"]).post("/api/v1/projects/", body, format="json").status_code == 403


def test_patch_changes_the_record_and_the_timeline_says_what(api_as, people, project):
    sub = EnterpriseFactory()
    response = api_as(people["sector_officer"]).patch(f"/api/v1/projects/{project.code}/", {
        "is_key": True, "contract_sum": "40000000", "subcontractors": [{"credit_code": sub.credit_code}]},
        format="json")
    assert response.status_code == 200, response.content
    project.refresh_from_db()
    assert project.is_key and project.contract_sum == 40000000
    assert ProjectParty.objects.get(project=project).role == "subcontractor"
    event = ProjectEvent.objects.get(project=project, kind="project_updated")
    assert "重点监管" in event.text and "合同金额" in event.text and "分包单位" in event.text


def test_the_code_may_change_and_the_qr_code_keeps_working(api_as, people, project, client):
    response = api_as(people["intake"]).patch(f"/api/v1/projects/{project.code}/", {"code": "WLCB-2026-0901"},
                                              format="json")
    assert response.status_code == 200
    assert response.json()["public_id"] == str(project.public_id)
    assert client.get("/api/v1/projects/WLCB-2026-0901/qr.svg").status_code == 200


def test_a_wage_manager_reads_the_project_but_cannot_change_its_record(api_as, people, project):
    client = api_as(people["manager"])
    assert client.get(f"/api/v1/projects/{project.code}/").status_code == 200
    response = client.patch(f"/api/v1/projects/{project.code}/", {"district": "150981"}, format="json")
    assert response.status_code == 403
    project.refresh_from_db()
    assert project.district.code == "150921"


def test_the_list_shows_each_user_their_projects(api_as, people, project, other_project):
    def codes(role):
        return {p["code"] for p in api_as(people[role]).get("/api/v1/projects/").json()["results"]}

    assert codes("intake") == {project.code, other_project.code}
    assert codes("district_officer") == {project.code}
    assert codes("sector_officer") == {project.code}
    assert codes("other_officer") == {other_project.code}
    assert codes("manager") == {project.code}
    assert codes("other_manager") == {other_project.code}
    response = api_as(people["intake"]).get("/api/v1/projects/?district=150981&status=under_way")
    assert [p["code"] for p in response.json()["results"]] == [other_project.code]


def test_another_units_project_does_not_exist_for_an_officer(api_as, people, other_project):
    response = api_as(people["district_officer"]).get(f"/api/v1/projects/{other_project.code}/")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_the_detail_shows_the_open_warnings_the_monitoring_registers(api_as, people, project):
    def provider(found):
        return [{"rule": "deposit_missing", "level": "red", "project": found.code}]

    hooks.register_open_warnings(provider)
    try:
        body = api_as(people["intake"]).get(f"/api/v1/projects/{project.code}/").json()
    finally:
        hooks._open_warnings.remove(provider)
    assert body["open_warnings"] == [{"rule": "deposit_missing", "level": "red", "project": project.code}]


def test_every_change_is_announced_after_the_commit(api_as, people, project, django_capture_on_commit_callbacks):
    heard = []

    def receiver(sender, project_id, what, **kwargs):
        heard.append((project_id, what))

    hooks.project_changed.connect(receiver)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            api_as(people["intake"]).patch(f"/api/v1/projects/{project.code}/", {"is_key": True}, format="json")
    finally:
        hooks.project_changed.disconnect(receiver)
    assert heard == [(project.pk, "project")]


def test_the_timeline_api_lists_the_events(api_as, people, project):
    api_as(people["intake"]).patch(f"/api/v1/projects/{project.code}/", {"is_key": True}, format="json")
    events = api_as(people["manager"]).get(f"/api/v1/projects/{project.code}/events/").json()
    assert events[0]["kind"] == "project_updated" and events[0]["actor"] == people["intake"].display_name


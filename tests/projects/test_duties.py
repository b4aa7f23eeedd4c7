"""Duties through the API: each kind's fields and evidence, the deposit's amount due, verification by the
project's officers, and the wage account's number masked for everyone but the project and its verifiers."""

import datetime as dt
import io

import pytest
from PIL import Image

from projects import selectors
from projects.models import Duty, ProjectEvent

pytestmark = pytest.mark.django_db


def _photo(name="board.jpg", size=(64, 48)):
    out = io.BytesIO()
    Image.new("RGB", size, "white").save(out, "JPEG")
    out.seek(0)
    out.name = name
    return out


def _put(client, project, duty, data, **kwargs):
    return client.put(f"/api/v1/projects/{project.code}/duties/{duty}/", data, **kwargs)


def test_the_wage_manager_enters_the_wage_account_and_an_officer_verifies_it(api_as, people, project):
    response = _put(api_as(people["manager"]), project, "wage_account", {
        "bank": "中国农业银行乌兰察布分行", "account_number": "0512 0101 0400 1234 5", "opened_on": "2026-01-20",
        "bank_reference": "三方协议 ABC-2026-001"}, format="json")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["state"] == "submitted"
    assert body["details"]["account_number"] == "05120101040012345"  # the manager sees it in full
    duty = Duty.objects.get(project=project, kind="wage_account")
    assert duty.done_on.isoformat() == "2026-01-20" and duty.submitted_by == people["manager"]

    verify = api_as(people["sector_officer"]).post(
        f"/api/v1/projects/{project.code}/duties/wage_account/verify/", {"decision": "verify"}, format="json")
    assert verify.status_code == 200 and verify.json()["state"] == "verified"
    assert verify.json()["details"]["verified_by"] == people["sector_officer"].display_name
    kinds = list(ProjectEvent.objects.filter(project=project).values_list("kind", flat=True))
    assert kinds == ["duty_verified", "duty_submitted"]


def test_the_account_number_is_masked_except_to_the_project_and_its_verifiers(api_as, people, project,
                                                                             submit_duty):
    submit_duty(project, "wage_account", people["manager"], bank="中国银行", account_number="6216610500001234567",
                opened_on=_date("2026-01-20"))
    for role in ("manager", "district_officer", "sector_officer", "intake", "supervisor"):
        detail = api_as(people[role]).get(f"/api/v1/projects/{project.code}/").json()
        assert detail["duties"][0]["details"]["account_number"] == "6216610500001234567", role
    # The project is not theirs: another district's officer cannot even open it; nobody else sees it in full.
    assert api_as(people["other_officer"]).get(f"/api/v1/projects/{project.code}/").status_code == 404
    project.managers.add(people["other_manager"])  # named later on this project: now theirs too
    detail = api_as(people["other_manager"]).get(f"/api/v1/projects/{project.code}/duties/wage_account/").json()
    assert detail["details"]["account_number"] == "6216610500001234567"


def test_a_viewer_without_the_right_sees_only_the_last_four_digits(people, project, submit_duty):
    submit_duty(project, "wage_account", people["manager"], bank="中国银行", account_number="6216610500001234567",
                opened_on=_date("2026-01-20"))
    stranger = people["other_officer"]
    facts = dict(selectors.duty_states(project, stranger)[0].facts)
    assert str(facts["账号"]) == "**** 4567"


def test_a_rejection_needs_a_reason_and_sends_it_back_to_the_manager(api_as, people, project, submit_duty):
    submit_duty(project, "roster", people["manager"], headcount=120, updated_on=_date("2026-03-01"))
    officer = api_as(people["district_officer"])
    url = f"/api/v1/projects/{project.code}/duties/roster/verify/"
    missing = officer.post(url, {"decision": "reject"}, format="json")
    assert missing.status_code == 400
    assert missing.json()["error"]["fields"]["reason"] == ["退回须写明理由。"]
    response = officer.post(url, {"decision": "reject", "reason": "花名册人数与考勤不符"}, format="json")
    assert response.status_code == 200 and response.json()["state"] == "rejected"
    detail = api_as(people["manager"]).get(f"/api/v1/projects/{project.code}/").json()
    roster = detail["duties"][2]
    assert roster["met"] is False
    assert roster["missing"] == ["已被退回:花名册人数与考勤不符,请补正后重新提交。"]
    # Verifying a rejected duty is not possible until it is submitted again.
    assert officer.post(url, {"decision": "verify"}, format="json").status_code == 409


def test_a_wage_manager_cannot_verify(api_as, people, project, submit_duty):
    submit_duty(project, "roster", people["manager"], headcount=120, updated_on=_date("2026-03-01"))
    response = api_as(people["manager"]).post(f"/api/v1/projects/{project.code}/duties/roster/verify/",
                                              {"decision": "verify"}, format="json")
    assert response.status_code == 403
    assert Duty.objects.get(project=project, kind="roster").state == "submitted"


def test_the_deposit_shows_what_is_due_and_warns_when_less_is_paid(api_as, people, project, settings):
    settings.WAGE_DEPOSIT_RATE_PERCENT = "2"
    detail = api_as(people["manager"]).get(f"/api/v1/projects/{project.code}/").json()
    assert detail["deposit_due"] == {"rate_percent": "2.00", "amount": "772000.00", "may_be_exempt": False}
    response = _put(api_as(people["manager"]), project, "deposit", {
        "kind": "cash", "amount": "500000", "paid_on": "2026-02-01", "bank_reference": "BZJ-001"}, format="json")
    assert response.status_code == 200
    assert response.json()["warnings"]["amount"] == ["低于应缴金额 772,000.00 元(合同金额的 2%)。"]
    assert Duty.objects.get(project=project, kind="deposit").amount == 500000


def test_an_exemption_needs_a_reason_and_a_small_contract_needs_no_warning(api_as, people, project):
    client = api_as(people["manager"])
    missing = _put(client, project, "deposit", {"kind": "exempt", "bank_reference": "X"}, format="json")
    assert missing.json()["error"]["fields"]["exemption_reason"][0].startswith("免缴须写明理由")
    big = _put(client, project, "deposit", {"kind": "exempt", "exemption_reason": "连续两年无拖欠",
                                            "bank_reference": "减免文件 2026-3"}, format="json")
    assert big.status_code == 200 and "免缴须有主管部门的减免依据" in big.json()["warnings"]["kind"][0]
    project.contract_sum = 2800000
    project.save()
    small = _put(client, project, "deposit", {"kind": "exempt", "exemption_reason": "合同金额低于300万元",
                                              "bank_reference": "X"}, format="json")
    assert small.status_code == 200 and small.json()["warnings"] == {}


def test_the_notice_board_needs_a_photo(api_as, people, project, client):
    client = api_as(people["manager"])
    response = _put(client, project, "notice_board", {"posted_on": "2026-02-10", "bank_reference": "X"},
                    format="json")
    assert response.status_code == 400
    assert response.json()["error"]["fields"]["photo"] == ["请上传告示牌照片。"]
    pdf = io.BytesIO(b"%PDF-1.4\n%fake\n")
    pdf.name = "board.pdf"
    response = _put(client, project, "notice_board", {"posted_on": "2026-02-10", "photo": pdf}, format="multipart")
    assert response.json()["error"]["fields"]["photo"] == ["请上传JPEG或PNG照片。"]
    response = _put(client, project, "notice_board", {"posted_on": "2026-02-10", "photo": _photo()},
                    format="multipart")
    assert response.status_code == 200, response.content
    assert response.json()["details"]["has_evidence"] is True
    client.force_login(people["district_officer"])
    evidence = client.get(response.json()["details"]["evidence_url"])
    assert evidence.status_code == 200 and evidence["Content-Type"] == "image/jpeg"


def test_evidence_is_required_a_file_or_a_bank_reference(api_as, people, project):
    response = _put(api_as(people["manager"]), project, "roster", {"headcount": 80, "updated_on": "2026-03-01"},
                    format="json")
    assert response.status_code == 400
    assert response.json()["error"]["fields"]["evidence"] == ["请上传证明材料,或填写银行凭证号。"]
    assert not Duty.objects.filter(project=project).exists()


def test_dates_in_the_future_and_bad_account_numbers_are_refused(api_as, people, project):
    response = _put(api_as(people["manager"]), project, "wage_account", {
        "bank": "中国银行", "account_number": "12AB", "opened_on": "2099-01-01", "bank_reference": "X"},
        format="json")
    fields = response.json()["error"]["fields"]
    assert fields["opened_on"] == ["日期不能晚于今天。"]
    assert fields["account_number"] == ["账号应为8到32位数字。"]


def test_an_unknown_duty_is_not_found(api_as, people, project):
    response = _put(api_as(people["manager"]), project, "pension", {"bank_reference": "X"}, format="json")
    assert response.status_code == 404


def test_another_projects_manager_cannot_enter_duties(api_as, people, project):
    response = _put(api_as(people["other_manager"]), project, "roster", {
        "headcount": 1, "updated_on": "2026-03-01", "bank_reference": "X"}, format="json")
    assert response.status_code == 404
    assert not Duty.objects.exists()


def test_resubmitting_a_verified_duty_waits_for_verification_again(api_as, people, project, submit_duty):
    submit_duty(project, "roster", people["manager"], headcount=100, updated_on=_date("2026-03-01"))
    api_as(people["district_officer"]).post(f"/api/v1/projects/{project.code}/duties/roster/verify/",
                                            {"decision": "verify"}, format="json")
    submit_duty(project, "roster", people["manager"], headcount=130, updated_on=_date("2026-04-01"))
    duty = Duty.objects.get(project=project, kind="roster")
    assert (duty.state, duty.headcount, duty.verified_by) == ("submitted", 130, None)


def _date(text):
    return dt.date.fromisoformat(text)

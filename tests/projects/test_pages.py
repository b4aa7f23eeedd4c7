"""The project pages: the list per role, the officers' project page, the 劳资专管员's workspace and its forms,
verification from the page, the 劳资专管员 accounts page, and `manage.py add_staff --role wage_manager`."""

import datetime as dt
import io

import pytest
from django.core.management import CommandError, call_command
from PIL import Image

from accounts.models import User
from projects import hooks
from projects.models import Duty, LabourAllocation, ProjectEvent

pytestmark = pytest.mark.django_db


def _as(client, user):
    client.force_login(user)
    return client


def test_a_wage_manager_lands_on_their_projects_and_sees_no_staff_menu(client, people, project):
    _as(client, people["manager"])
    assert client.get("/")["Location"] == "/projects/"
    page = client.get("/projects/").content.decode()
    assert f'href="/projects/{project.code}/workspace/"' in page and "丰镇市输变电工程" not in page
    assert "全部线索" not in page and "统计报表" not in page and "我的项目" in page
    # The project page sends the manager to their workspace; a staff page is refused.
    assert client.get(f"/projects/{project.code}/")["Location"] == f"/projects/{project.code}/workspace/"
    assert client.get("/clues/").status_code == 403


def test_officers_see_the_projects_of_their_unit_in_the_list(client, people, project, other_project):
    page = _as(client, people["sector_officer"]).get("/projects/").content.decode()
    assert project.name in page and other_project.name not in page
    page = _as(client, people["supervisor"]).get("/projects/?district=150981").content.decode()
    assert other_project.name in page and project.name not in page


def test_the_project_page_shows_duties_payroll_and_the_timeline(client, people, project, submit_duty):
    submit_duty(project, "wage_account", people["manager"], bank="中国银行", account_number="6216610500001234567",
                opened_on=dt.date(2026, 1, 20))
    page = _as(client, people["district_officer"]).get(f"/projects/{project.code}/").content.decode()
    assert "卓资县老旧小区改造工程" in page and "内蒙古北疆建设集团有限公司" in page
    assert "6216610500001234567" in page  # a verifying officer reads the account number
    assert "待核验" in page and "未录入" in page
    assert "应缴 386,000.00 元(合同金额的 1%)" in page
    assert "提交农民工工资专用账户" in page  # the timeline
    assert 'id="payroll-months"' in page


def test_the_project_warnings_point_shows_what_the_monitoring_registers(client, people, project, tmp_path,
                                                                         settings):
    (tmp_path / "panel.html").write_text('<section id="warnings-panel">{{ panel.count }} 条预警</section>')
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [*settings.TEMPLATES[0]["DIRS"], tmp_path]}]

    def provider(request, found):
        return {"template": "panel.html", "count": 2}

    hooks.register_panel("project_warnings", provider)
    try:
        detail = _as(client, people["intake"]).get(f"/projects/{project.code}/").content.decode()
        workspace = _as(client, people["manager"]).get(f"/projects/{project.code}/workspace/").content.decode()
    finally:
        hooks._panels["project_warnings"].remove(provider)
    assert '<section id="warnings-panel">2 条预警</section>' in detail
    assert '<section id="warnings-panel">2 条预警</section>' in workspace


def test_the_workspace_lists_what_is_missing(client, people, project):
    page = _as(client, people["manager"]).get(f"/projects/{project.code}/workspace/").content.decode()
    assert "农民工工资专用账户:未开立(应于合同签订后30日内、2026-02-09前开立,已逾期)。" in page
    assert "工资保证金:未缴纳(应缴 386,000.00 元,合同金额的 1%)。" in page
    assert "实名制花名册:未登记。" in page and "维权信息告示牌:未上传告示牌照片。" in page


def test_the_manager_enters_a_duty_from_the_workspace(client, people, project):
    _as(client, people["manager"])
    response = client.post(f"/projects/{project.code}/duties/roster/", {
        "from": "workspace", "roster-headcount": "86", "roster-updated_on": "2026-03-01",
        "roster-bank_reference": "花名册 2026-03"})
    assert response.status_code == 302 and response["Location"] == f"/projects/{project.code}/workspace/"
    duty = Duty.objects.get(project=project, kind="roster")
    assert duty.headcount == 86 and duty.state == "submitted"
    page = client.get(response["Location"]).content.decode()
    assert "已提交实名制花名册,等待核验。" in page


def test_a_duty_form_with_errors_is_shown_again_with_what_was_typed(client, people, project):
    _as(client, people["manager"])
    response = client.post(f"/projects/{project.code}/duties/wage_account/", {
        "from": "workspace", "wage_account-bank": "中国银行", "wage_account-account_number": "12AB",
        "wage_account-opened_on": "2026-01-20"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "账号应为8到32位数字。" in page and 'value="12AB"' in page
    assert not Duty.objects.exists()


def test_the_notice_board_photo_is_uploaded_from_a_phone(client, people, project):
    out = io.BytesIO()
    Image.new("RGB", (40, 30), "blue").save(out, "PNG")
    out.seek(0)
    out.name = "board.png"
    _as(client, people["manager"])
    response = client.post(f"/projects/{project.code}/duties/notice_board/", {
        "from": "workspace", "notice_board-posted_on": "2026-02-15", "notice_board-photo": out})
    assert response.status_code == 302
    assert Duty.objects.get(kind="notice_board").evidence.name.endswith(".png")


def test_an_officer_verifies_and_rejects_from_the_project_page(client, people, project, submit_duty):
    submit_duty(project, "roster", people["manager"], headcount=80, updated_on=dt.date(2026, 3, 1))
    _as(client, people["sector_officer"])
    url = f"/projects/{project.code}/duties/roster/verify/"
    assert client.post(url, {"decision": "verify"})["Location"] == f"/projects/{project.code}/"
    assert Duty.objects.get(kind="roster").state == "verified"
    client.post(url, {"decision": "reject", "reason": ""})
    assert Duty.objects.get(kind="roster").state == "verified"
    client.post(url, {"decision": "reject", "reason": "人数不符"})
    assert Duty.objects.get(kind="roster").rejection_reason == "人数不符"


def test_a_manager_cannot_verify_from_the_page(client, people, project, submit_duty):
    submit_duty(project, "roster", people["manager"], headcount=80, updated_on=dt.date(2026, 3, 1))
    response = _as(client, people["manager"]).post(f"/projects/{project.code}/duties/roster/verify/",
                                                   {"decision": "verify"})
    assert response.status_code == 403
    assert Duty.objects.get(kind="roster").state == "submitted"


def test_the_manager_records_an_allocation(client, people, project):
    _as(client, people["manager"])
    response = client.post(f"/projects/{project.code}/allocations/", {
        "from": "workspace", "month": "2026-03", "pre_allocation": "0", "amount": "850000", "paid_on": "2026-03-28"})
    assert response.status_code == 302
    allocation = LabourAllocation.objects.get(project=project)
    assert allocation.month == dt.date(2026, 3, 1) and allocation.amount == 850000
    assert ProjectEvent.objects.filter(kind="allocation_entered").exists()


def test_the_allocation_api_keeps_one_record_per_month_and_kind(api_as, people, project):
    client = api_as(people["manager"])
    url = f"/api/v1/projects/{project.code}/allocations/2026-03/"
    assert client.put(url, {"amount": "800000", "paid_on": "2026-03-28"}, format="json").status_code == 200
    assert client.put(url, {"amount": "850000", "paid_on": "2026-03-29"}, format="json").status_code == 200
    response = client.put(url, {"amount": "300000", "paid_on": "2026-03-02", "pre_allocation": True}, format="json")
    assert response.json()["pre_allocation"] is True
    months = client.get(url).json()
    assert [(m["pre_allocation"], m["amount"]) for m in months] == [(False, "850000.00"), (True, "300000.00")]
    bad = client.put(f"/api/v1/projects/{project.code}/allocations/2099-01/",
                     {"amount": "-1", "paid_on": "2026-03-02"}, format="json")
    assert bad.status_code == 400


def test_staff_of_the_project_create_a_wage_manager_account(client, people, project):
    _as(client, people["district_officer"])
    response = client.post(f"/projects/{project.code}/managers/", {
        "action": "create", "new-username": "zhao_zg", "new-name": "赵志刚", "new-phone": "13947400001"})
    assert response.status_code == 200
    page = response.content.decode()
    user = User.objects.get(username="zhao_zg")
    assert user.is_wage_manager_only and user.unit is None and user.phone == "13947400001"
    assert project.managers.filter(pk=user.pk).exists()
    password = page.split('id="created-password" class="code">')[1].split("<")[0]
    assert user.check_password(password)
    assert ProjectEvent.objects.filter(project=project, kind="manager_added").exists()


def test_the_account_form_explains_its_errors(client, people, project):
    _as(client, people["sector_officer"])
    response = client.post(f"/projects/{project.code}/managers/", {
        "action": "create", "new-username": "p_manager", "new-name": "重名", "new-phone": "123"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "登录名“p_manager”已被使用。" in page and "请输入11位手机号码" in page


def test_an_existing_manager_is_named_on_another_project_and_taken_off(client, people, project):
    _as(client, people["intake"])
    client.post(f"/projects/{project.code}/managers/", {"action": "assign", "add-username": "p_manager_other"})
    assert project.managers.filter(username="p_manager_other").exists()
    client.post(f"/projects/{project.code}/managers/", {"action": "remove", "user": people["manager"].pk})
    assert not project.managers.filter(pk=people["manager"].pk).exists()


def test_a_wage_manager_cannot_create_accounts(client, people, project):
    response = _as(client, people["manager"]).post(f"/projects/{project.code}/managers/", {
        "action": "create", "new-username": "sneaky", "new-name": "某人", "new-phone": "13947400001"})
    assert response.status_code == 403
    assert not User.objects.filter(username="sneaky").exists()


def test_add_staff_creates_a_wage_manager_for_a_project(monkeypatch, project, capsys):
    monkeypatch.setenv("STAFF_PASSWORD", "Wulanchabu-2026-ok")
    call_command("add_staff", "shi_jj", "--role", "wage_manager", "--project", project.code, "--name", "石建军",
                 "--phone", "139 4740 0002")
    user = User.objects.get(username="shi_jj")
    assert user.is_wage_manager_only and user.unit is None and user.phone == "13947400002"
    assert list(user.managed_projects.all()) == [project]
    assert "管理项目 WLCB-2026-0001" in capsys.readouterr().out


@pytest.mark.parametrize("args, message", [
    (["--role", "wage_manager"], "劳资专管员必须指定所管理的项目"),
    (["--role", "wage_manager", "--project", "NOPE-1"], "未知的项目编号:NOPE-1。"),
    (["--role", "wage_manager", "--project", "WLCB-2026-0001", "--unit", "150921"], "劳资专管员不属于承办单位"),
    (["--role", "intake", "--project", "WLCB-2026-0001"], "只有劳资专管员"),
])
def test_add_staff_refuses_a_wage_manager_without_projects_clearly(monkeypatch, project, args, message):
    monkeypatch.setenv("STAFF_PASSWORD", "Wulanchabu-2026-ok")
    with pytest.raises(CommandError, match=message):
        call_command("add_staff", "someone", *args)
    assert not User.objects.filter(username="someone").exists()

"""Staff intake at /clues/new/: the channels other than the QR code, entered by intake staff."""

import datetime as dt
import io
import re

import pytest
from django.utils import timezone
from PIL import Image

from accounts.roles import Role
from clues.models import STAFF_CHANNELS, Clue
from tests.conftest import make_staff
from tests.factories import ProjectFactory
from units.workdays import SHANGHAI, deadline_after

pytestmark = pytest.mark.django_db

URL = "/clues/new/"
ID_NUMBER = "15092119900307123X"


def form_data(**overrides):
    data = {
        "channel": "hotline_12333",
        "received_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "complainant_name": "王勇",
        "complainant_phone": "13800138000",
        "complainant_id_number": ID_NUMBER,
        "employer_name": "乌兰察布市宏达建筑工程有限公司",
        "employer_credit_code": "91350100M000100Y43",
        "project_code": "",
        "project_name": "",
        "work_address": "卓资县巴音锡勒镇",
        "district_code": "150921",
        "worker_count": "6",
        "amount_owed": "48000",
        "owed_from": "2026-08",
        "owed_to": "2026-10",
        "description": "8月至10月的工资一直没发,找过班组长也没有结果。",
        "idempotency_key": "",
    }
    data.update(overrides)
    return data


@pytest.fixture
def intake_client(client, intake_user):
    client.force_login(intake_user)
    return client


@pytest.mark.parametrize("channel", [c.value for c in STAFF_CHANNELS])
def test_every_staff_channel_creates_a_clue_with_that_channel_and_who_entered_it(intake_client, intake_user,
                                                                                 channel):
    response = intake_client.post(URL, form_data(channel=channel))
    clue = Clue.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/clues/{clue.pk}/"
    assert clue.channel == channel
    assert clue.created_by == intake_user
    assert clue.complainant_phone == "13800138000"
    assert clue.complainant_id_number == ID_NUMBER
    assert clue.district.code == "150921"
    assert clue.worker_count == 6
    assert clue.owed_from == dt.date(2026, 8, 1) and clue.owed_to == dt.date(2026, 10, 1)
    assert clue.status == Clue.Status.RECEIVED


def test_the_form_opens_on_the_channel_field_with_received_at_set_to_now(intake_client):
    response = intake_client.get(URL)
    html = response.content.decode()
    assert response.status_code == 200
    assert re.search(r'<select name="channel"[^>]*autofocus', html)
    # Channel first in the tab order, then when, then who.
    assert html.index('name="channel"') < html.index('name="received_at"') < html.index('name="complainant_name"')
    now = timezone.localtime().strftime("%Y-%m-%dT%H:")
    assert f'value="{now}' in html
    assert 'type="datetime-local"' in html


def test_a_clue_entered_after_the_fact_keeps_its_received_at_and_deadlines_count_from_it(intake_client):
    # Friday 26 September 2025, 09:30 Beijing time; Sunday the 28th was a 调休 working day.
    intake_client.post(URL, form_data(received_at="2025-09-26T09:30", owed_from="2025-06", owed_to="2025-08"))
    clue = Clue.objects.get()
    received = dt.datetime(2025, 9, 26, 9, 30, tzinfo=SHANGHAI)
    assert clue.received_at == received
    assert clue.response_deadline == dt.datetime(2025, 9, 30, 23, 59, 59, tzinfo=SHANGHAI)
    assert clue.close_deadline == deadline_after(received, 15)
    assert clue.close_deadline < timezone.now()
    assert clue.is_overdue


def test_received_at_in_the_future_is_refused_next_to_the_field(intake_client):
    future = (timezone.localtime() + dt.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M")
    response = intake_client.post(URL, form_data(received_at=future))
    assert response.status_code == 200
    assert "收到时间不能晚于现在。" in response.context["form"].errors["received_at"]
    assert not Clue.objects.exists()


def test_field_errors_are_shown_in_chinese_and_what_was_typed_is_kept(intake_client):
    response = intake_client.post(URL, form_data(
        complainant_phone="1380013", complainant_id_number="150921199003071231", employer_name="",
        worker_count="0", amount_owed="12.345", owed_from="2026-10", owed_to="2026-08"))
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors["complainant_phone"] == ["请输入11位手机号码,例如 13800138000"]
    assert errors["complainant_id_number"] == ["身份证号码校验位不正确,请核对"]
    assert errors["employer_name"] == ["请填写用人单位。"]
    assert errors["worker_count"] == ["欠薪人数至少为1人。"]
    assert errors["amount_owed"] == ["欠薪金额最多保留两位小数。"]
    assert errors["owed_to"] == ["欠薪截止月份不能早于起始月份。"]
    html = response.content.decode()
    assert 'value="1380013"' in html
    assert "8月至10月的工资一直没发" in html
    assert not Clue.objects.exists()


def test_unknown_channel_and_district_are_refused(intake_client):
    response = intake_client.post(URL, form_data(channel="national_platform", district_code="110101"))
    errors = response.context["form"].errors
    assert errors["channel"] == ["请选择来源渠道。"]
    assert errors["district_code"] == ["请选择乌兰察布市的一个旗县市区。"]
    assert not Clue.objects.exists()


def test_a_credit_code_with_a_bad_check_character_is_accepted_with_a_warning(intake_client):
    response = intake_client.post(URL, form_data(employer_credit_code="91150902MA13XY8Q2D"), follow=True)
    clue = Clue.objects.get()
    assert clue.employer_credit_code == "91150902MA13XY8Q2D"
    assert "统一社会信用代码校验位不符" in response.content.decode()
    # The clue's page keeps saying so next to the code, not only in the message after intake.
    page = intake_client.get(f"/clues/{clue.pk}/").content.decode()
    assert "统一社会信用代码校验位不符" in page.split('id="credit-code-warning"')[1][:200]


def test_the_same_form_submitted_twice_files_one_clue(intake_client):
    data = form_data(idempotency_key="k" * 32)
    first = intake_client.post(URL, data)
    second = intake_client.post(URL, data, follow=True)
    assert Clue.objects.count() == 1
    assert first["Location"] == second.redirect_chain[0][0]
    assert "该线索此前已提交,未重复录入。" in second.content.decode()


def test_a_project_code_links_the_registered_project_and_its_district(intake_client):
    project = ProjectFactory(code="WLCB-2026-0002", name="卓资县三北防护林工程")
    intake_client.post(URL, form_data(project_code="wlcb-2026-0002", district_code=""))
    clue = Clue.objects.get()
    assert clue.project == project
    assert clue.district.code == project.district.code


def test_an_unknown_project_code_is_a_field_error(intake_client):
    response = intake_client.post(URL, form_data(project_code="NOPE-1"))
    assert response.context["form"].errors["project_code"] == ["未找到项目编号为“NOPE-1”的工程项目。"]


def test_attachments_are_stored_with_the_clue(intake_client):
    intake_client.post(URL, {**form_data(), "attachments": [_png("考勤表.png")]})
    attachment = Clue.objects.get().attachments.get()
    assert attachment.original_name == "考勤表.png"
    assert attachment.content_type == "image/png"


def test_a_disguised_attachment_is_refused(intake_client):
    upload = io.BytesIO(b"PK\x03\x04 this is a zip, not a photo" + b"\x00" * 100)
    upload.name = "photo.jpg"
    response = intake_client.post(URL, {**form_data(), "attachments": [upload]})
    assert response.context["form"].errors["attachments"] == ["文件“photo.jpg”的内容不是JPEG、PNG或PDF"]
    assert not Clue.objects.exists()


@pytest.mark.parametrize("role", [Role.OFFICER, Role.SUPERVISOR])
def test_officers_and_supervisors_get_a_403_page(client, role):
    client.force_login(make_staff(role, "150921", username=f"u_{role}"))
    page = client.get(URL)
    assert page.status_code == 403
    assert "只有受理员和管理员可以录入或导入线索。" in page.content.decode()
    posted = client.post(URL, form_data())
    assert posted.status_code == 403
    assert not Clue.objects.exists()


def test_an_administrator_may_enter_clues(client, admin_user_role):
    client.force_login(admin_user_role)
    assert client.post(URL, form_data()).status_code == 302
    assert Clue.objects.get().created_by == admin_user_role


def test_anonymous_visitors_are_sent_to_the_login_page(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_the_last_channel_used_is_preselected_for_the_next_call(intake_client):
    intake_client.post(URL, form_data(channel="walk_in"))
    html = intake_client.get(URL).content.decode()
    assert re.search(r'<option value="walk_in" selected>', html)


def test_another_clue_like_this_one_prefills_the_employer_and_project(intake_client):
    project = ProjectFactory(code="WLCB-2026-0009")
    intake_client.post(URL, form_data(project_code="WLCB-2026-0009"))
    clue = Clue.objects.get()
    html = intake_client.get(f"{URL}?like={clue.pk}").content.decode()
    assert 'value="乌兰察布市宏达建筑工程有限公司"' in html
    assert f'value="{project.code}"' in html
    assert 'value="13800138000"' not in html  # a different worker calls


def test_project_search_lists_matching_registered_projects(intake_client):
    ProjectFactory(code="WLCB-2026-0101", name="集宁区老旧小区改造工程")
    ProjectFactory(code="WLCB-2026-0102", name="丰镇市输变电工程")
    results = intake_client.get("/clues/projects/search/", {"q": "老旧"}).json()["results"]
    assert [r["code"] for r in results] == ["WLCB-2026-0101"]
    assert intake_client.get("/clues/projects/search/", {"q": "0102"}).json()["results"][0]["name"] \
        == "丰镇市输变电工程"


def _png(name):
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "red").save(buffer, "PNG")
    upload = io.BytesIO(buffer.getvalue())
    upload.name = name
    return upload


def test_the_clue_page_shows_every_field_the_triage_aids_and_the_attachments(intake_client, intake_user):
    ProjectFactory(code="WLCB-2026-0002", name="卓资县三北防护林工程")
    intake_client.post(URL, {**form_data(project_code="WLCB-2026-0002", project_name="防护林二标段",
                                         worker_count="35", received_at="2026-11-02T08:05"),
                             "attachments": [_png("工资条.png")]})
    clue = Clue.objects.get()
    html = intake_client.get(f"/clues/{clue.pk}/").content.decode()
    for text in ("12333热线", "2026-11-02 08:05", "王勇", "138****8000", "1509**********123X",
                 "乌兰察布市宏达建筑工程有限公司", "91350100M000100Y43", "卓资县三北防护林工程(WLCB-2026-0002)",
                 "防护林二标段", "卓资县巴音锡勒镇", "35 人", "48,000.00 元", "2026-08 至 2026-10",
                 "8月至10月的工资一直没发", "红色(重大)", "人数 ≥ 30人", "卓资县", "工资条.png", "线索归集",
                 clue.tracking_code, "办结期限", "录入人", intake_user.display_name, "同意个人信息处理"):
        assert text in html, text
    assert "13800138000" not in html and ID_NUMBER not in html
    attachment = clue.attachments.get()
    link = f"/clues/{clue.pk}/attachments/{attachment.pk}/"
    assert f'href="{link}"' in html and f'href="{link}?download=1"' in html
    download = intake_client.get(link)
    assert download.status_code == 200 and download["Content-Type"] == "image/png"
    assert b"".join(download.streaming_content).startswith(b"\x89PNG")
    saved = intake_client.get(f"{link}?download=1")
    assert saved.status_code == 200 and saved["Content-Disposition"].startswith("attachment;")


def test_attachments_are_served_only_to_staff_who_may_see_the_clue(intake_client, officer_housing):
    intake_client.post(URL, {**form_data(), "attachments": [_png("a.png")]})
    clue = Clue.objects.get()
    intake_client.force_login(officer_housing)
    assert intake_client.get(f"/clues/{clue.pk}/attachments/{clue.attachments.get().pk}/").status_code == 404


def test_an_implausible_amount_is_checked_with_the_caller_before_it_is_saved(intake_client):
    response = intake_client.post(URL, form_data(worker_count="2", amount_owed="48000000"))
    assert response.status_code == 200 and not Clue.objects.exists()
    html = response.content.decode()
    assert "平均每人每月被拖欠约8,000,000元" in html and "与反映人核对无误的,请勾选“金额无误”后再保存。" in html
    assert 'name="confirm_amount"' in html
    response = intake_client.post(URL, form_data(worker_count="2", amount_owed="48000000", confirm_amount="on"))
    assert response.status_code == 302
    assert Clue.objects.get().amount_implausible


def test_the_staff_api_needs_confirm_amount_for_an_implausible_amount(intake_user, api_as):
    body = {"channel": "hotline_12333", "complainant_name": "王勇", "complainant_phone": "13800138000",
            "employer_name": "乌兰察布市宏达建筑工程有限公司", "worker_count": 1, "amount_owed": "5000000",
            "owed_from": "2026-08", "owed_to": "2026-10"}
    client = api_as(intake_user)
    response = client.post("/api/v1/clues/", body, format="json")
    assert response.status_code == 400 and "confirm_amount" in response.json()["error"]["fields"]["amount_owed"][0]
    response = client.post("/api/v1/clues/", {**body, "confirm_amount": True}, format="json")
    assert response.status_code == 201 and response.json()["amount_implausible"] is True

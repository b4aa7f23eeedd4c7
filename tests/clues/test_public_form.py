"""The worker's form: QR entry, every field rule, values kept after an error, one clue per submission."""

import io
import re

import pytest
from django.core import signing
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from clues.models import Attachment, Clue
from clues.public_views import RECEIPT_SALT
from notifications.models import OutboxMessage
from projects.models import Project
from tests.factories import ProjectFactory

pytestmark = pytest.mark.django_db

ID_NUMBER = "15092119900307123X"
CREDIT_CODE = "91350100M000100Y43"
FORM_KEY = "k3y-for-one-rendering-of-the-form"


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


def form_data(**overrides):
    data = {
        "entry": "web",
        "idempotency_key": FORM_KEY,
        "employer_name": "乌兰察布市宏达建筑工程有限公司",
        "employer_credit_code": CREDIT_CODE,
        "project_name": "",
        "work_address": "卓资县巴音锡勒镇",
        "district_code": "150921",
        "complainant_name": "王勇",
        "complainant_phone": "13800138000",
        "complainant_id_number": ID_NUMBER,
        "worker_count": "6",
        "amount_owed": "48000.50",
        "owed_from": "2026-08",
        "owed_to": "2026-10",
        "description": "8月至10月的工资一直没发,找过班组长也没有结果。",
        "consent": "on",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def months_from_now(n):
    today = timezone.localdate()
    index = today.year * 12 + today.month - 1 + n
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def jpeg(name="photo.jpg"):
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 30, 30)).save(buffer, "JPEG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def field_errors(response, name):
    """The messages shown right below the field `name` (in its own error list)."""
    html = response.content.decode()
    match = re.search(rf'<ul class="errorlist" id="{name}-errors"[^>]*>(.*?)</ul>', html, re.S)
    return re.findall(r"<li>(.*?)</li>", match.group(1)) if match else []


def submit(client, **overrides):
    return client.post("/report/", form_data(**overrides))


# --- opening the form -----------------------------------------------------------------------------------

def test_project_qr_code_opens_the_form_with_the_project_district_sector_and_contractor(client):
    project = ProjectFactory(name="集宁区老旧小区改造工程", address="集宁区新华街")
    response = client.get(f"/q/{project.public_id}/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "集宁区老旧小区改造工程" in html
    assert "卓资县" in html and "住房和城乡建设局" in html
    assert 'value="内蒙古北疆建设集团有限公司"' in html  # the general contractor, as the employer
    assert f'value="{project.contractor_credit_code}"' in html
    assert '<option value="150921" selected>' in html
    assert f'name="project_code" value="{project.code}"' in html
    assert 'name="entry" value="qr"' in html


def test_city_qr_code_opens_the_form_without_a_project(client):
    response = client.get("/q/")
    html = response.content.decode()
    assert response.status_code == 200
    assert 'name="entry" value="qr"' in html
    assert 'name="project_code"' not in html
    assert 'name="project_q"' in html  # search the registered projects instead


def test_closed_project_code_opens_the_city_form_with_a_notice(client):
    project = ProjectFactory(name="已完工的项目", status=Project.Status.COMPLETED)
    html = client.get(f"/q/{project.public_id}/").content.decode()
    assert "已完工,这个二维码已停用" in html
    assert 'name="project_code"' not in html
    assert 'name="entry" value="qr"' in html


@pytest.mark.parametrize("public_id", ["6b3c6c1e-8f53-4f8c-9a61-5d8c1e7b2a10", "not-a-uuid"])
def test_unknown_or_mangled_qr_code_opens_the_city_form_with_a_notice(client, public_id):
    response = client.get(f"/q/{public_id}/")
    assert response.status_code == 200
    assert "没有找到这个二维码对应的工程项目" in response.content.decode()


@pytest.mark.parametrize("url", ["/q/", "/report/"])
def test_a_project_code_with_a_nul_byte_opens_the_form_with_a_notice(client, url):
    response = client.get(url, {"project": "WLCB\x002026"})
    assert response.status_code == 200
    assert "没有找到该项目" in response.content.decode()


def test_website_form_is_channel_web_and_each_rendering_has_its_own_key(client):
    first = client.get("/report/").content.decode()
    second = client.get("/report/").content.decode()
    assert 'name="entry" value="web"' in first
    keys = [re.search(r'name="idempotency_key" value="([^"]+)"', html).group(1) for html in (first, second)]
    assert keys[0] != keys[1] and len(keys[0]) >= 24


def test_project_search_lists_matching_projects_without_javascript(client):
    ProjectFactory(code="WLCB-2026-0001", name="集宁区老旧小区改造工程")
    ProjectFactory(code="WLCB-2026-0002", name="卓资县三北防护林工程")
    response = client.get("/report/", {"project_q": "老旧小区"})
    html = response.content.decode()
    assert "集宁区老旧小区改造工程" in html and "三北防护林" not in html
    assert 'href="/report/?project=WLCB-2026-0001"' in html
    chosen = client.get("/report/", {"project": "WLCB-2026-0001"}).content.decode()
    assert 'name="project_code" value="WLCB-2026-0001"' in chosen
    assert 'name="entry" value="web"' in chosen
    assert "没有找到匹配的项目" in client.get("/report/", {"project_q": "不存在的工程"}).content.decode()


def test_project_search_takes_a_fixed_number_of_queries(client, django_assert_max_num_queries):
    for index in range(15):
        ProjectFactory(code=f"WLCB-2026-{index:04d}", name=f"集宁区第{index}号安置房工程")
    with django_assert_max_num_queries(4):
        html = client.get("/report/", {"project_q": "安置房"}).content.decode()
    assert html.count("?project=WLCB-2026-") == 15


@override_settings(PUBLIC_RATE_LIMIT="2/m")
def test_project_search_is_rate_limited_too(client):
    assert client.get("/report/", {"project_q": "工程"}).status_code == 200
    assert client.get("/report/", {"project_q": "工程"}).status_code == 200
    response = client.get("/report/", {"project_q": "工程"})
    assert response.status_code == 429
    assert "操作过于频繁" in response.content.decode()
    assert client.get("/report/").status_code == 200  # the form itself still opens


def test_project_search_from_the_city_code_stays_on_the_qr_channel(client):
    ProjectFactory(code="WLCB-2026-0003", name="丰镇市输变电工程")
    html = client.get("/q/", {"project_q": "输变电"}).content.decode()
    assert 'href="/q/?project=WLCB-2026-0003"' in html


# --- a good submission -----------------------------------------------------------------------------------

def test_good_submission_files_one_clue_and_redirects_to_the_tracking_code(client):
    response = submit(client)
    clue = Clue.objects.get()
    assert response.status_code == 302
    receipt = client.get(response["Location"])
    html = receipt.content.decode()
    spaced = f"{clue.tracking_code[:5]} {clue.tracking_code[5:]}"
    assert spaced in html
    assert f'href="/track/?code={clue.tracking_code}"' in html
    assert "138****8000" in html
    assert clue.channel == "web"
    assert clue.employer_name == "乌兰察布市宏达建筑工程有限公司"
    assert clue.complainant_phone == "13800138000"
    assert clue.complainant_id_number == ID_NUMBER
    assert clue.district.code == "150921"
    assert clue.worker_count == 6
    assert str(clue.amount_owed) == "48000.50"
    assert clue.owed_from.isoformat() == "2026-08-01"
    assert clue.owed_to.isoformat().startswith("2026-10")
    assert clue.consent_at is not None
    assert clue.status == "received"
    assert OutboxMessage.objects.filter(channel="sms", recipient="13800138000",
                                        body__contains=clue.tracking_code).exists()


def test_reloading_the_receipt_does_not_file_again(client):
    location = submit(client)["Location"]
    for _ in range(3):
        assert client.get(location).status_code == 200
    assert Clue.objects.count() == 1


def test_a_tampered_receipt_link_says_so_in_chinese(client):
    response = client.get("/report/done/not-a-signed-token/")
    assert response.status_code == 404
    assert "链接已失效" in response.content.decode()


def test_submission_from_a_qr_code_is_channel_qr_with_the_project(client):
    project = ProjectFactory()
    submit(client, entry="qr", project_code=project.code, district_code="")
    clue = Clue.objects.get()
    assert clue.channel == "qr"
    assert clue.project == project
    assert clue.district == project.district  # from the project when the worker left it


def test_a_forged_entry_value_is_filed_as_web(client):
    submit(client, entry="hotline_12333")
    assert Clue.objects.get().channel == "web"


def test_optional_fields_may_be_left_empty(client):
    response = submit(client, employer_credit_code="", complainant_id_number="", work_address="",
                      district_code="", owed_from="", owed_to="", description="", amount_owed="0")
    assert response.status_code == 302
    clue = Clue.objects.get()
    assert clue.owed_from is None and clue.complainant_id_number == "" and clue.amount_owed == 0


def test_full_width_digits_from_a_chinese_keyboard_are_accepted(client):
    submit(client, complainant_phone="１３８ ００１３ ８０００", worker_count="６")
    clue = Clue.objects.get()
    assert clue.complainant_phone == "13800138000"
    assert clue.worker_count == 6


def test_a_credit_code_with_a_bad_check_character_is_a_warning_not_a_refusal(client):
    response = submit(client, employer_credit_code="91350100M000100Y44")
    assert response.status_code == 302
    assert Clue.objects.get().employer_credit_code == "91350100M000100Y44"
    assert "校验位不符" in client.get(response["Location"]).content.decode()


def test_the_warning_is_shown_next_to_the_credit_code_when_other_fields_need_fixing(client):
    response = submit(client, employer_credit_code="91350100M000100Y44", complainant_phone="12345")
    html = response.content.decode()
    assert re.search(r'id="employer_credit_code-warnings">\s*<li>统一社会信用代码校验位不符', html)
    assert field_errors(response, "employer_credit_code") == []


def test_attachments_are_stored(client):
    response = client.post("/report/", {**form_data(), "attachments": [jpeg("a.jpg"), jpeg("b.jpg")]})
    assert response.status_code == 302
    assert Attachment.objects.filter(clue=Clue.objects.get()).count() == 2


# --- every rule, field by field --------------------------------------------------------------------------

BAD_INPUT = [
    ("employer_name", "", "请填写用人单位"),
    ("employer_name", "宏" * 201, "不能超过200个字"),
    ("employer_credit_code", "12345", "统一社会信用代码应为18位"),
    ("employer_credit_code", "91350100M000100YI3", "统一社会信用代码应为18位"),  # I is not in the alphabet
    ("complainant_name", "", "请填写"),
    ("complainant_phone", "", "手机号"),
    ("complainant_phone", "1380013800", "请输入11位手机号码"),
    ("complainant_phone", "12800138000", "请输入11位手机号码"),
    ("complainant_phone", "0474-8123456", "请输入11位手机号码"),
    ("complainant_id_number", "15092119900307123", "身份证号码应为18位"),
    ("complainant_id_number", "150921199003071235", "校验位不正确"),
    ("complainant_id_number", "150921199002300010", "出生日期无效"),
    ("worker_count", "0", "至少为1人"),
    ("worker_count", "-2", "整数"),
    ("worker_count", "2.5", "整数"),
    ("worker_count", "", "请填写欠薪人数"),
    ("amount_owed", "-1", "不能为负数"),
    ("amount_owed", "100.123", "最多保留两位小数"),
    ("amount_owed", "三万", "应为数字"),
    ("amount_owed", "NaN", "应为数字"),
    ("amount_owed", "1e30", "超出合理范围"),
    ("amount_owed", "", "请填写欠薪金额"),
    ("owed_from", "2026-13", "年-月"),
    ("owed_from", "last summer", "年-月"),
    ("district_code", "110101", "旗县市区"),
    ("district_code", "housing", "旗县市区"),
    ("project_code", "NO-SUCH-PROJECT", "未找到项目编号"),
    ("description", "欠" * 2001, "不能超过2000个字"),
    ("description", "bad\x00byte", "无效字符"),
]


@pytest.mark.parametrize(("name", "value", "message"), BAD_INPUT)
def test_bad_input_is_refused_with_a_chinese_message_next_to_the_field(client, name, value, message):
    response = submit(client, **{name: value})
    assert response.status_code == 200
    assert not Clue.objects.exists()
    errors = field_errors(response, name)
    assert errors, f"no error shown next to {name}"
    assert any(message in error for error in errors), errors
    # The summary at the top of the page names the problem and links to the field.
    summary = re.search(r'<div class="notice notice-error error-summary" id="error-summary".*?</div>',
                        response.content.decode(), re.S)[0]
    anchor = "project-section" if name == "project_code" else f"id_{name}"
    assert f'href="#{anchor}"' in summary and message in summary


def test_a_description_of_exactly_2000_characters_with_browser_line_breaks_is_accepted(client):
    text = "欠" * 999 + "\r\n" + "薪" * 1000  # a textarea sends CRLF; the worker saw 2000 characters
    assert submit(client, description=text).status_code == 302


def test_months_in_the_future_are_refused(client):
    response = submit(client, owed_from=months_from_now(-1), owed_to=months_from_now(1))
    assert any("不能晚于本月" in error for error in field_errors(response, "owed_to"))
    assert not Clue.objects.exists()
    assert submit(client, owed_from=months_from_now(-1), owed_to=months_from_now(0)).status_code == 302


def test_months_must_run_forward(client):
    response = submit(client, owed_from="2026-09", owed_to="2026-03")
    assert any("不能早于起始月份" in error for error in field_errors(response, "owed_to"))
    assert not Clue.objects.exists()


def test_months_typed_as_text_where_the_month_picker_is_missing(client):
    assert submit(client, owed_from="2026年8月", owed_to="2026/9").status_code == 302
    clue = Clue.objects.get()
    assert (clue.owed_from.month, clue.owed_to.month) == (8, 9)


def test_consent_is_required(client):
    response = submit(client, consent=None)
    assert field_errors(response, "consent") == ["请阅读并同意个人信息处理说明后再提交。"]
    assert not Clue.objects.exists()


def test_what_was_typed_is_kept_after_an_error(client):
    response = submit(client, complainant_phone="1380013800", description="工资从8月起没发\r\n找过班组长")
    html = response.content.decode()
    assert 'value="1380013800"' in html
    assert 'value="乌兰察布市宏达建筑工程有限公司"' in html
    assert f'value="{ID_NUMBER}"' in html
    assert 'value="48000.50"' in html and 'value="2026-08"' in html
    assert '<option value="150921" selected>' in html
    assert "工资从8月起没发" in html and "找过班组长</textarea>" in html
    assert re.search(r'name="consent"[^>]*checked', html)
    assert f'name="idempotency_key" value="{FORM_KEY}"' in html  # a fixed resubmission is still one clue


def test_several_errors_are_all_shown_at_once(client):
    response = submit(client, employer_name="", complainant_phone="123", worker_count="0", consent=None)
    for name in ("employer_name", "complainant_phone", "worker_count", "consent"):
        assert field_errors(response, name), name


@override_settings(ATTACHMENT_MAX_BYTES=1024)
def test_oversized_attachment_is_refused_with_its_name(client):
    big = SimpleUploadedFile("big.pdf", b"%PDF-1.4\n" + b"0" * 2048, content_type="application/pdf")
    response = client.post("/report/", {**form_data(), "attachments": [big]})
    assert any("big.pdf" in error and "超过" in error for error in field_errors(response, "attachments"))
    assert not Clue.objects.exists()
    assert "请重新选择附件" in response.content.decode()


def test_a_disguised_attachment_is_refused(client):
    zipped = SimpleUploadedFile("photo.jpg", b"PK\x03\x04" + b"\x00" * 200, content_type="image/jpeg")
    response = client.post("/report/", {**form_data(), "attachments": [zipped]})
    assert any("不是JPEG、PNG或PDF" in error for error in field_errors(response, "attachments"))
    assert not Clue.objects.exists()


def test_more_than_five_attachments_are_refused(client):
    response = client.post("/report/", {**form_data(), "attachments": [jpeg(f"{i}.jpg") for i in range(6)]})
    assert any("最多上传5个附件" in error for error in field_errors(response, "attachments"))
    assert not Clue.objects.exists()


# --- one submission, one clue ------------------------------------------------------------------------------

def test_the_same_form_submitted_twice_files_one_clue(client):
    first = submit(client)
    second = submit(client)
    assert Clue.objects.count() == 1
    # The second tap shows the same tracking code (the receipt's signed link may differ in its time stamp).
    assert receipt_code(first) == receipt_code(second) == Clue.objects.get().tracking_code


def receipt_code(response):
    token = response["Location"].rstrip("/").rsplit("/", 1)[1]
    return signing.loads(token, salt=RECEIPT_SALT)["code"]


def test_two_renderings_of_the_form_file_two_clues(client):
    submit(client, idempotency_key="first-rendering-key-0001")
    submit(client, idempotency_key="second-rendering-key-002")
    assert Clue.objects.count() == 2


def test_the_same_key_with_another_mobile_number_is_not_someone_elses_clue(client):
    submit(client)
    submit(client, complainant_phone="13900139000")
    assert Clue.objects.count() == 2


def test_a_submission_without_a_key_still_works(client):
    assert submit(client, idempotency_key=None).status_code == 302
    assert Clue.objects.count() == 1


# --- too many submissions ----------------------------------------------------------------------------------

@override_settings(PUBLIC_RATE_LIMIT="2/m")
def test_too_many_submissions_get_a_friendly_page_that_keeps_what_was_typed(client):
    submit(client, idempotency_key="rendering-number-one-001")
    submit(client, idempotency_key="rendering-number-two-002")
    response = submit(client, idempotency_key="rendering-number-three-3", complainant_name="李四")
    html = response.content.decode()
    assert response.status_code == 429
    assert "操作过于频繁" in html and "12333" in html
    assert 'value="李四"' in html
    assert int(response["Retry-After"]) >= 1
    assert Clue.objects.count() == 2


@override_settings(PUBLIC_RATE_LIMIT="0")
def test_rate_limit_zero_turns_the_limit_off(client):
    for index in range(25):
        assert submit(client, idempotency_key=f"rendering-key-number-{index:04d}").status_code == 302
    assert Clue.objects.count() == 25


@override_settings(PUBLIC_RATE_LIMIT="0")
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(values=st.fixed_dictionaries({name: st.text(max_size=40) for name in (
    "entry", "idempotency_key", "employer_credit_code", "complainant_phone", "complainant_id_number",
    "worker_count", "amount_owed", "owed_from", "district_code", "project_code", "consent")}))
def test_no_typing_makes_the_form_fail(client, values):
    response = submit(client, **values)
    assert response.status_code in (200, 302)
    if response.status_code == 200:
        assert 'id="error-summary"' in response.content.decode()


# --- an amount far above what the workers could be owed ---------------------------------------------------

def test_an_implausible_amount_asks_the_worker_to_confirm_it(client):
    # One worker, August to October, 999,999,999,999 yuan: about 333 billion a month.
    response = submit(client, worker_count="1", amount_owed="999999999999")
    assert response.status_code == 200 and not Clue.objects.exists()
    errors = field_errors(response, "amount_owed")
    assert errors == ["按您填写的金额、人数和欠薪月份,平均每人每月被拖欠约333,333,333,333元,明显高于一般工资。"
                      "请核对金额(单位是元,不是分)、人数和月份。确认无误的,请勾选“金额无误”后再提交。"]
    html = response.content.decode()
    assert 'name="confirm_amount"' in html and "金额无误:我已核对金额、人数和月份" in html
    assert 'value="999999999999"' in html  # what was typed is kept


def test_a_confirmed_implausible_amount_is_filed_and_flagged_for_triage(client):
    response = submit(client, worker_count="1", amount_owed="999999999999", confirm_amount="on")
    assert response.status_code == 302
    clue = Clue.objects.get()
    assert clue.amount_owed == 999999999999 and clue.amount_implausible


def test_an_ordinary_amount_asks_nothing(client):
    response = client.get("/report/")
    assert 'name="confirm_amount"' not in response.content.decode()
    assert submit(client).status_code == 302
    assert not Clue.objects.get().amount_implausible


def test_the_first_field_in_error_has_the_focus_even_without_javascript(client):
    response = submit(client, employer_name="", complainant_phone="123")
    html = response.content.decode()
    focused = re.findall(r"<(?:input|select|textarea)[^>]*\bautofocus\b[^>]*>", html)
    assert len(focused) == 1 and 'name="employer_name"' in focused[0]
    summary = re.search(r'id="error-summary".*?</div>', html, re.S)[0]
    assert summary.index("#id_employer_name") < summary.index("#id_complainant_phone")

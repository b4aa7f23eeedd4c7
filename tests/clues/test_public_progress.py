"""The progress page: tracking code + mobile number → status, unit, timeline, deadlines, and the rating."""

import re

import pytest
from django.core.cache import cache
from django.test import override_settings
from django.utils import timezone

from clues import lifecycle
from clues.models import Clue, ClueEvent
from tests.clues.lifecycle_helpers import new_clue, to_assigned, to_closed

pytestmark = pytest.mark.django_db

PHONE = "13800138000"
NEUTRAL = "查询码或手机号不正确"


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def clue(db):
    return new_clue(complainant_phone=PHONE, tracking_code="K7M2Q9XH4P")


def look_up(client, code, phone=PHONE):
    return client.post("/track/", {"code": code, "phone": phone})


def open_progress(client, code, phone=PHONE):
    response = look_up(client, code, phone)
    assert response.status_code == 302, response.content.decode()
    return client.get(response["Location"])


def text_of(response, element_id):
    match = re.search(rf'id="{element_id}"[^>]*>(.*?)</', response.content.decode(), re.S)
    return match.group(1).strip() if match else ""


def test_the_right_code_and_mobile_number_show_the_progress(client, clue):
    response = open_progress(client, "K7M2Q9XH4P")
    html = response.content.decode()
    assert response.status_code == 200
    assert text_of(response, "status-label") == "已归集"
    assert text_of(response, "status-text") == "已受理,正在分派承办单位"
    assert "线索归集" in html and "您反映的线索已归集受理" in html
    assert "响应期限" in html and "办结期限" in html


def test_deadlines_are_shown_in_beijing_time(client, clue):
    html = open_progress(client, "K7M2Q9XH4P").content.decode()
    close = timezone.localtime(clue.close_deadline, timezone.get_fixed_timezone(480))
    assert f"{close.year}年{close.month}月{close.day}日 23:59" in html  # the deadline ends 23:59:59 in Ulanqab
    assert "15:59" not in html  # the same moment in UTC


def test_the_code_may_be_typed_in_lower_case_with_spaces_and_the_number_with_separators(client, clue):
    response = look_up(client, " k7m2q 9xh4p ", "138-0013-8000")
    assert response.status_code == 302
    assert response["Location"] == "/track/K7M2Q9XH4P/"


@pytest.mark.parametrize(("code", "phone"), [
    ("K7M2Q9XH4Z", PHONE),  # wrong code
    ("K7M2Q9XH4P", "13900139000"),  # wrong mobile number
    ("", ""),
    ("K7M2Q9XH4P", "not a phone"),
    ("\x00\x00", "\x00"),
])
def test_a_wrong_code_or_number_gets_one_neutral_message(client, clue, code, phone):
    response = look_up(client, code, phone)
    assert response.status_code == 200
    assert text_of(response, "track-miss") == NEUTRAL
    assert "已归集" not in response.content.decode()


def test_the_progress_url_alone_does_not_show_anything(client, clue):
    response = client.get("/track/K7M2Q9XH4P/")
    assert response.status_code == 302
    assert response["Location"] == "/track/?code=K7M2Q9XH4P"
    assert 'value="K7M2Q9XH4P"' in client.get(response["Location"]).content.decode()


@override_settings(PUBLIC_RATE_LIMIT="3/m")
def test_lookups_are_rate_limited_with_a_friendly_message(client, clue):
    for _ in range(3):
        assert text_of(look_up(client, "WRONGCODE2"), "track-miss") == NEUTRAL
    response = look_up(client, "K7M2Q9XH4P")  # even the right pair waits until the window ends
    assert response.status_code == 429
    assert "查询次数过多" in response.content.decode()
    assert int(response["Retry-After"]) >= 1


@override_settings(PUBLIC_RATE_LIMIT="3/m")
def test_each_client_address_has_its_own_limit(client, clue):
    for _ in range(4):
        look_up(client, "WRONGCODE2")
    other = client.post("/track/", {"code": "K7M2Q9XH4P", "phone": PHONE}, REMOTE_ADDR="198.51.100.9")
    assert other.status_code == 302


def test_an_assigned_clue_shows_the_unit_and_the_claim_deadline(client, clue, intake_user, units):
    to_assigned(clue, intake_user, units["150921"])
    response = open_progress(client, "K7M2Q9XH4P")
    html = response.content.decode()
    assert text_of(response, "status-label") == "已转办"
    assert text_of(response, "unit") == "卓资县"
    assert "已转交卓资县办理" in html
    assert "认领期限" in html


def test_a_closed_clue_offers_the_rating_once(client, clue, intake_user, officer_zhuozi):
    to_closed(clue, intake_user, officer_zhuozi)
    response = open_progress(client, "K7M2Q9XH4P")
    assert text_of(response, "status-label") == "已办结"
    assert 'id="followup"' in response.content.decode()

    rated = client.post("/track/K7M2Q9XH4P/followup/", {"satisfied": "satisfied", "note": "钱已到账"})
    assert rated.status_code == 302
    clue.refresh_from_db()
    assert clue.followup_satisfied is True and clue.followup_note == "钱已到账"
    assert ClueEvent.objects.filter(clue=clue, kind="followup", actor=None).exists()
    page = client.get("/track/K7M2Q9XH4P/").content.decode()
    assert "感谢您的评价" in page
    assert 'id="followup"' not in page and 'id="followup-done"' in page

    again = client.post("/track/K7M2Q9XH4P/followup/", {"satisfied": "unsatisfied", "note": "改主意了"})
    assert again.status_code == 200
    assert "已评价" in again.content.decode()
    clue.refresh_from_db()
    assert clue.followup_satisfied is True


def test_an_unsatisfied_rating_needs_a_note_and_keeps_the_choice(client, clue, intake_user, officer_zhuozi):
    to_closed(clue, intake_user, officer_zhuozi)
    open_progress(client, "K7M2Q9XH4P")
    response = client.post("/track/K7M2Q9XH4P/followup/", {"satisfied": "unsatisfied", "note": ""})
    html = response.content.decode()
    assert "请填写回访意见" in html
    assert re.search(r'value="unsatisfied"\s+checked', html)
    clue.refresh_from_db()
    assert clue.followup_at is None
    client.post("/track/K7M2Q9XH4P/followup/", {"satisfied": "unsatisfied", "note": "只发了一半"})
    clue.refresh_from_db()
    assert clue.followup_satisfied is False and clue.followup_note == "只发了一半"


def test_a_rating_without_a_choice_is_refused(client, clue, intake_user, officer_zhuozi):
    to_closed(clue, intake_user, officer_zhuozi)
    open_progress(client, "K7M2Q9XH4P")
    response = client.post("/track/K7M2Q9XH4P/followup/", {"note": "好"})
    assert "请选择满意或不满意" in response.content.decode()


def test_no_rating_before_the_clue_is_closed(client, clue):
    open_progress(client, "K7M2Q9XH4P")
    response = client.post("/track/K7M2Q9XH4P/followup/", {"satisfied": "satisfied"})
    assert response.status_code == 200
    assert "暂不能评价" in response.content.decode()
    clue.refresh_from_db()
    assert clue.followup_at is None


def test_rating_needs_the_code_and_number_first(client, clue, intake_user, officer_zhuozi):
    to_closed(clue, intake_user, officer_zhuozi)
    response = client.post("/track/K7M2Q9XH4P/followup/", {"satisfied": "satisfied"})
    assert response.status_code == 302
    clue.refresh_from_db()
    assert clue.followup_at is None


def test_a_merged_duplicate_shows_the_progress_of_its_original(client, clue, intake_user, units):
    original = new_clue(tracking_code="ORIG234567", complainant_phone="13900139000")
    to_assigned(original, intake_user, units["150902"])
    lifecycle.merge(clue=clue, into=original, by=intake_user)
    response = open_progress(client, "K7M2Q9XH4P")
    html = response.content.decode()
    assert "合并办理" in text_of(response, "merged-notice")
    assert "ORIG234567" in html
    assert text_of(response, "status-label") == "已转办"
    assert text_of(response, "unit") == "集宁区"
    assert 'id="followup"' not in html


def test_the_page_shows_no_personal_data(client, clue):
    Clue.objects.filter(pk=clue.pk).update(complainant_id_number="15092119900307123X")
    html = open_progress(client, "K7M2Q9XH4P").content.decode()
    assert PHONE not in html and "15092119900307123X" not in html and clue.complainant_name not in html


def test_a_closed_clue_says_the_result_in_plain_words_and_the_money_recovered(client, clue, intake_user,
                                                                               officer_zhuozi):
    to_closed(clue, intake_user, officer_zhuozi)  # paid in full: 36,000 yuan to 3 workers
    response = open_progress(client, "K7M2Q9XH4P")
    html = response.content.decode()
    assert text_of(response, "result-text") == "经卓资县核查处理,拖欠的工资已经足额支付。"
    recovered = re.sub(r"<[^>]+>", "", re.search(r'id="recovered"[^>]*>(.*?)</p>', html, re.S)[1])
    assert recovered == "追回工资 36,000 元,3 名工友已拿到工资"
    # Nothing that repeats the status or stands empty: no "说明: 已办结", no 办理时限 card without a deadline.
    assert 'id="status-text"' not in html and 'id="deadlines"' not in html
    assert "目前没有进行中的办理时限" not in html


def test_a_closed_clue_without_money_says_what_was_found(client, clue, intake_user, officer_zhuozi):
    to_assigned(clue, intake_user, officer_zhuozi.unit)
    lifecycle.claim(clue=clue, by=officer_zhuozi)
    lifecycle.resolve(clue=clue, by=officer_zhuozi, result="no_arrears", note="工资已于8月发放")
    lifecycle.review(clue=clue, by=intake_user, approve=True)
    response = open_progress(client, "K7M2Q9XH4P")
    assert text_of(response, "result-text").startswith("经卓资县核实,没有发现拖欠工资的情况。")
    assert 'id="recovered"' not in response.content.decode()


def test_the_public_api_gives_the_result_in_plain_words(client, clue, intake_user, officer_zhuozi):
    to_closed(clue, intake_user, officer_zhuozi)
    body = client.get(f"/api/v1/public/clues/K7M2Q9XH4P/?phone={PHONE}").json()
    assert body["result_text"] == "经卓资县核查处理,拖欠的工资已经足额支付。"
    assert body["amount_recovered"] == "36000.00" and body["workers_paid"] == 3

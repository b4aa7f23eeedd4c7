"""The supervisor's board (/supervision/) on a city where the ladder has run, and the admin of supervision."""

import datetime as dt
import re

import pytest
import time_machine

from clues import lifecycle
from notifications.models import OutboxMessage
from supervision import ladder, letters, referrals
from supervision.models import EscalationRule, LetterTemplate, ReferralPackage
from tests.clues.lifecycle_helpers import new_clue, to_assigned
from tests.conftest import make_staff
from units.models import Unit
from units.workdays import SHANGHAI

pytestmark = pytest.mark.django_db


def at(y, m, d, hh=0, mm=0, ss=0):
    return dt.datetime(y, m, d, hh, mm, ss, tzinfo=SHANGHAI)


THURSDAY_10 = at(2026, 3, 5, 10)


@pytest.fixture
def city(db):
    """卓资县: A transferred Mon 2 Mar (claim deadline Tue), B Tue 3 Mar (deadline Wed); housing: C on Monday.
    Nobody claims; the sweep runs first on Thursday 5 Mar at 10:00: A and C are at 督办函 (their 提醒函 superseded:
    one letter per clue and clock in one sweep), B at 提醒函."""
    people = {"intake": make_staff("intake", username="sp_intake"),
              "supervisor": make_staff("supervisor", username="sp_sup"),
              "zz": make_staff("officer", "150921", username="sp_zz"),
              "housing": make_staff("officer", "housing", username="sp_housing")}
    with time_machine.travel(at(2026, 3, 2, 10), tick=False):
        a = new_clue()
        to_assigned(a, people["intake"], people["zz"].unit)
        c = new_clue()
        to_assigned(c, people["intake"], people["housing"].unit)
    with time_machine.travel(at(2026, 3, 3, 10), tick=False):
        b = new_clue()
        to_assigned(b, people["intake"], people["zz"].unit)
    with time_machine.travel(THURSDAY_10, tick=False):
        ladder.sweep()
    return {"a": a, "b": b, "c": c, **people}


def board(client, user, moment=THURSDAY_10, query=""):
    client.force_login(user)
    with time_machine.travel(moment, tick=False):
        response = client.get("/supervision/" + query)
    assert response.status_code == 200
    return response.content.decode()


def section(page, name):
    return re.search(rf'<section class="card" id="{name}">(.*?)</section>', page, re.S).group(1)


def cells(page, name, unit):
    row = re.search(rf'<tr data-unit="{unit}">(.*?)</tr>', section(page, name), re.S)
    if row is None:
        return None
    found = re.findall(r"<td[^>]*>(.*?)</td>", row.group(1), re.S)
    return [re.sub(r"<[^>]+>", "", cell).strip() for cell in found]


def matrix(page, unit):
    row = re.search(rf'<tr data-unit="{unit}">(.*?)</tr>', section(page, "overdue"), re.S)
    if row is None:
        return None
    return {step: re.sub(r"<[^>]+>", "", text).strip()
            for step, text in re.findall(r'<td data-step="(\w+)">(.*?)</td>', row.group(1), re.S)}


# --- who may see it -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("role", ["supervisor", "intake", "admin"])
def test_city_staff_see_the_board(client, role):
    page = board(client, make_staff(role, username=f"board_{role}"))
    assert "督办看板" in page


def test_officers_are_refused_and_visitors_sent_to_log_in(client, officer_zhuozi):
    assert client.get("/supervision/").status_code == 302
    client.force_login(officer_zhuozi)
    response = client.get("/supervision/")
    assert response.status_code == 403
    assert "仅供督办员、受理员和管理员" in response.content.decode()


# --- overdue matrix -----------------------------------------------------------------------------------------

def test_overdue_clues_are_counted_by_unit_at_their_highest_rung(client, city):
    page = board(client, city["supervisor"])
    assert matrix(page, "150921") == {"reminder": "1", "supervision": "1", "summons": "0", "referral": "0",
                                      "pending": "0", "total": "2"}
    assert matrix(page, "housing") == {"reminder": "0", "supervision": "1", "summons": "0", "referral": "0",
                                       "pending": "0", "total": "1"}
    assert "/clues/?overdue=1&amp;unit=150921" in section(page, "overdue")


def test_a_clue_whose_late_clock_stopped_leaves_the_matrix(client, city):
    with time_machine.travel(at(2026, 3, 5, 11), tick=False):
        lifecycle.claim(clue=city["c"], by=city["housing"])  # its response deadline (5 Mar 23:59) still runs
    page = board(client, city["supervisor"], moment=at(2026, 3, 5, 11, 30))
    assert matrix(page, "housing") is None
    assert matrix(page, "150921")["total"] == "2"


def test_overdue_clues_no_rung_has_reached_yet_show_as_pending(client, city):
    with time_machine.travel(at(2026, 3, 4, 10), tick=False):
        late = new_clue()
        to_assigned(late, city["intake"], city["zz"].unit)  # claim deadline Thu 5 Mar 23:59:59
    page = board(client, city["supervisor"], moment=at(2026, 3, 6, 0, 30))  # no sweep since
    assert matrix(page, "150921")["pending"] == "1"


# --- 认领不及时 ---------------------------------------------------------------------------------------------

def test_unclaimed_past_the_deadline_counts_against_the_unit_even_once_claimed(client, city):
    page = board(client, city["supervisor"])
    assert cells(page, "unclaimed", "150921")[1] == "2"
    assert "overdue=1&amp;unit=150921&amp;status=assigned" in section(page, "unclaimed")
    with time_machine.travel(at(2026, 3, 5, 11), tick=False):
        lifecycle.claim(clue=city["c"], by=city["housing"])
    page = board(client, city["supervisor"], moment=at(2026, 3, 5, 11, 30))
    row = cells(page, "unclaimed", "housing")
    assert row[0] == "住房和城乡建设局"
    assert row[1] == "0" and row[3] == "1"  # none unclaimed now, one claim deadline missed this month


# --- letters ------------------------------------------------------------------------------------------------

def test_the_letters_issued_are_listed_with_links_and_filters(client, city):
    page = board(client, city["supervisor"])
    listed = section(page, "letters")
    assert listed.count("data-letter=") == 3  # 卓资县: 提醒函 (B) and 督办函 (A); 住建局: 督办函 (C)
    assert "乌薪督〔2026〕" in listed and "/letters/" in listed and "/pdf" in listed and "/docx" in listed
    only_supervision = section(board(client, city["supervisor"], query="?kind=supervision"), "letters")
    assert only_supervision.count("data-letter=") == 2 and "提醒函" not in re.sub(r"<option.*?</option>", "",
                                                                                  only_supervision)
    to_housing = section(board(client, city["supervisor"], query="?unit=housing"), "letters")
    assert to_housing.count("data-letter=") == 1


def test_a_bad_filter_is_explained_and_ignored(client, city):
    listed = section(board(client, city["supervisor"], query="?unit=nowhere&kind=poem"), "letters")
    assert "没有这个单位" in listed and "没有这种函件类别" in listed
    assert listed.count("data-letter=") == 3


# --- deliveries ---------------------------------------------------------------------------------------------

def test_referrals_not_delivered_are_listed_with_their_error_and_a_resend_button(client, city):
    unit = Unit.objects.get(code="150921")
    letter = letters.letter_issue(kind="referral", unit=unit, items=[(city["a"], "已超期")], now=THURSDAY_10)
    package = referrals.referral_create(unit=unit, letter=letter, clues=[city["a"]])
    ReferralPackage.objects.filter(pk=package.pk).update(state="failed", attempts=10,
                                                         last_error="平台返回 HTTP 503:维护中")
    listed = section(board(client, city["supervisor"]), "referrals")
    assert letter.number in listed and "发送失败" in listed and "HTTP 503:维护中" in listed
    assert f'action="/supervision/referrals/{package.pk}/resend/"' in listed and "重新发送" in listed
    ReferralPackage.objects.filter(pk=package.pk).update(state="delivered")
    assert "已生成的 1 个移交包均已送达" in section(board(client, city["supervisor"]), "referrals")


def test_with_no_referral_package_the_board_does_not_say_they_were_delivered(client, city):
    listed = section(board(client, city["supervisor"]), "referrals")
    assert "尚未生成移交包" in listed and "送达" not in listed.split("</thead>")[1]


def test_failed_notifications_are_counted_with_a_link_to_the_admin(client, city, admin_user_role):
    OutboxMessage.objects.create(channel="sms", recipient="13800138000", body="x", state="failed",
                                 last_error="网关超时")
    page = board(client, admin_user_role)
    assert "1 条通知" in section(page, "outbox")
    assert "/admin/notifications/outboxmessage/?state__exact=failed" in section(page, "outbox")


def test_the_board_query_count_does_not_grow_with_the_city(client, city, django_assert_max_num_queries):
    with time_machine.travel(at(2026, 3, 3, 11), tick=False):
        for code in ("150902", "150922", "transport", "water"):
            for _ in range(3):
                to_assigned(new_clue(), city["intake"], Unit.objects.get(code=code))
    with time_machine.travel(at(2026, 3, 5, 10, 1), tick=False):
        ladder.sweep()
    client.force_login(city["supervisor"])
    with django_assert_max_num_queries(14), time_machine.travel(at(2026, 3, 5, 10, 2), tick=False):
        response = client.get("/supervision/")
    assert response.status_code == 200


# --- admin --------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("model", ["escalationrule", "escalationstep", "letter", "lettertemplate",
                                   "referralpackage", "deadlinepolicy"])
def test_every_supervision_model_has_an_admin_page(admin_client, city, model):
    app = "clues" if model == "deadlinepolicy" else "supervision"
    response = admin_client.get(f"/admin/{app}/{model}/")
    assert response.status_code == 200


def test_the_letter_admin_links_to_the_downloads_and_cannot_edit(admin_client, city):
    page = admin_client.get("/admin/supervision/letter/").content.decode()
    assert re.search(r'/letters/\d+/pdf', page) and re.search(r'/letters/\d+/docx', page)
    assert admin_client.get("/admin/supervision/letter/add/").status_code == 403


def test_the_deadline_policy_shows_the_four_numbers_editable(admin_client, db):
    page = admin_client.get("/admin/clues/deadlinepolicy/").content.decode()
    for field in ("claim_days", "response_days", "close_days", "retransfer_hours"):
        assert f'name="form-0-{field}"' in page


def test_rule_offsets_are_editable_in_the_list_and_bad_kinds_are_refused(admin_client, db):
    rules = list(EscalationRule.objects.order_by("offset_working_days"))
    data = {"form-TOTAL_FORMS": len(rules), "form-INITIAL_FORMS": len(rules), "_save": "保存"}
    for index, rule in enumerate(rules):
        data.update({f"form-{index}-id": rule.pk,
                     f"form-{index}-offset_working_days": rule.offset_working_days,
                     f"form-{index}-deadline_kinds": rule.deadline_kinds, f"form-{index}-is_active": "on"})
    summons = next(i for i, r in enumerate(rules) if r.step == "summons")
    data[f"form-{summons}-offset_working_days"] = 4
    data[f"form-{summons}-deadline_kinds"] = "claim,close"
    response = admin_client.post("/admin/supervision/escalationrule/", data)
    assert response.status_code == 302
    assert EscalationRule.objects.get(step="summons").offset_working_days == 4
    data[f"form-{summons}-deadline_kinds"] = "claim,lunch"
    page = admin_client.post("/admin/supervision/escalationrule/", data).content.decode()
    assert "不认识的期限" in page
    assert EscalationRule.objects.get(step="summons").deadline_kinds == "claim,close"


def test_a_template_with_a_syntax_error_is_refused_in_the_admin(admin_client, db):
    template = LetterTemplate.objects.get(kind="reminder")
    page = admin_client.post(f"/admin/supervision/lettertemplate/{template.pk}/change/", {
        "kind": "reminder", "number_prefix": "乌薪督", "title": template.title,
        "body": "{% for c in clues %}没有结束"}).content.decode()
    assert "模板语法有误" in page
    template.refresh_from_db()
    assert "{% for c in clues %}没有结束" not in template.body

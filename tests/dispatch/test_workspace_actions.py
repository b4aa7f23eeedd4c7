"""The action forms of the clue page: each move's success (redirect + message) and refusal (the lifecycle's
words next to the fields or at the top, what was typed kept, nothing changed), personal-data reveal, and the
404 an officer of another unit gets on every URL."""

import datetime as dt

import pytest
from django.utils import timezone

from clues import lifecycle
from clues.models import Clue, ClueEvent, HandlingRecord, PersonalDataView, Status
from dispatch.views import MOVES
from tests.clues.lifecycle_helpers import new_clue, to_assigned, to_closed, to_in_progress, to_resolved, to_unsatisfied
from tests.conftest import make_staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(db):
    return {
        "intake": make_staff("intake", username="act_intake"),
        "supervisor": make_staff("supervisor", username="act_sup"),
        "officer": make_staff("officer", "150921", username="act_off_zz"),
        "other_officer": make_staff("officer", "housing", username="act_off_housing"),
    }


def snapshot(clue):
    clue.refresh_from_db()
    return clue.status, clue.version, ClueEvent.objects.filter(clue=clue).count()


def page_of(response):
    return response.content.decode()


def post(client, user, url, data=None, follow=False):
    client.force_login(user)
    return client.post(url, data or {}, follow=follow)


def refused(client, user, url, data=None):
    """POST a move that is refused: it redirects back to the clue's page at the move's form (Post/Redirect/
    Get, so a reload sends nothing again); returns that page, which shows the form with the reasons."""
    response = post(client, user, url, data)
    _blank, _clues, pk, action, _end = url.split("/")
    assert response.status_code == 302 and response.url == f"/clues/{pk}/#{action}"
    page = client.get(f"/clues/{pk}/")
    assert page.status_code == 200
    return page


# --- transfer ---------------------------------------------------------------------------------------------

def test_transfer_from_the_clue_page(client, staff):
    clue = new_clue()
    response = post(client, staff["intake"], f"/clues/{clue.pk}/transfer/",
                    {"unit": "150921", "note": "请尽快核实"}, follow=True)
    assert response.redirect_chain[-1][0] == f"/clues/{clue.pk}/"
    assert "已转办至卓资县。" in page_of(response)
    clue.refresh_from_db()
    assert clue.status == Status.ASSIGNED and clue.unit.code == "150921"
    assert clue.assignments.get().note == "请尽快核实"


def test_transfer_without_a_unit_is_refused_next_to_the_field_keeping_the_note(client, staff):
    clue = new_clue()
    before = snapshot(clue)
    response = refused(client, staff["intake"], f"/clues/{clue.pk}/transfer/", {"unit": "", "note": "先看看"})

    page = page_of(response)
    assert page.count("请选择一个旗县市区或行业部门作为承办单位。") >= 2  # at the top and by the field
    assert "先看看</textarea>" in page
    assert snapshot(clue) == before


def test_transfer_to_the_city_office_or_an_unknown_code_is_refused(client, staff):
    clue = new_clue()
    before = snapshot(clue)
    for code in ("150900", "nowhere", "x" * 500):
        response = refused(client, staff["intake"], f"/clues/{clue.pk}/transfer/", {"unit": code})
        assert "请选择" in page_of(response).split('id="transfer"')[1]

    assert snapshot(clue) == before


def test_a_supervisor_may_not_transfer(client, staff):
    clue = new_clue()
    before = snapshot(clue)
    response = post(client, staff["supervisor"], f"/clues/{clue.pk}/transfer/", {"unit": "150921"})
    assert response.status_code == 403
    assert "您没有“转办”的权限。" in page_of(response)
    assert snapshot(clue) == before


def test_the_suggested_unit_is_preselected(client, staff, units):
    clue = new_clue(suggested_district=units["150921"], suggested_department=units["housing"])
    client.force_login(staff["intake"])
    page = page_of(client.get(f"/clues/{clue.pk}/"))
    assert '<option value="150921" selected>卓资县</option>' in page
    assert '<optgroup label="旗县市区">' in page and '<optgroup label="行业部门">' in page


def test_one_click_transfer_from_triage_returns_to_the_queue(client, staff, units):
    clue = new_clue(suggested_district=units["150921"])
    client.force_login(staff["intake"])
    assert "转办至卓资县" in page_of(client.get("/triage/"))
    response = client.post(f"/clues/{clue.pk}/transfer/",
                           {"unit": "150921", "next": "/triage/?risk_color=blue"}, follow=True)
    assert response.redirect_chain[-1][0] == "/triage/?risk_color=blue"
    assert "已转办至卓资县。" in page_of(response)
    assert clue.tracking_code not in page_of(response).split("<table")[1]


def test_a_refused_one_click_says_why_on_the_queue(client, staff):
    clue = new_clue()
    to_assigned(clue, staff["intake"], staff["officer"].unit)
    response = post(client, staff["intake"], f"/clues/{clue.pk}/transfer/",
                    {"unit": "150921", "next": "/triage/"}, follow=True)
    assert "线索已在卓资县,无需重复转办。" in page_of(response)


def test_an_offsite_next_is_ignored(client, staff):
    clue = new_clue()
    response = post(client, staff["intake"], f"/clues/{clue.pk}/transfer/",
                    {"unit": "150921", "next": "https://evil.example/"})
    assert response.url == f"/clues/{clue.pk}/"


def test_a_refused_form_comes_back_once_and_a_reload_sends_nothing(client, staff):
    clue = new_clue()
    to_in_progress(clue, staff["intake"], staff["officer"])
    before = snapshot(clue)
    response = post(client, staff["officer"], f"/clues/{clue.pk}/resolve/",
                    {"result": "paid_in_full", "note": "已督促支付"}, follow=True)
    # The browser ends on the clue's own page (a GET): reloading it cannot send the form again.
    assert response.redirect_chain == [(f"/clues/{clue.pk}/#resolve", 302)]
    assert response.request["REQUEST_METHOD"] == "GET" and response.status_code == 200
    page = page_of(response)
    assert '<div class="form-errors action-error card" role="alert">' in page
    assert "结论为支付工资时,须填写追回金额。" in page and "已督促支付</textarea>" in page
    reloaded = page_of(client.get(f"/clues/{clue.pk}/"))
    assert "结论为支付工资时,须填写追回金额。" not in reloaded and "已督促支付</textarea>" not in reloaded
    assert snapshot(clue) == before and not HandlingRecord.objects.exists()


def test_a_refused_form_of_one_clue_is_not_shown_on_another(client, staff):
    clue, other = new_clue(), new_clue()
    for each in (clue, other):
        to_in_progress(each, staff["intake"], staff["officer"])
    response = post(client, staff["officer"], f"/clues/{clue.pk}/record/", {"kind": "contact", "note": ""})
    assert response.status_code == 302
    assert "请填写办理情况。" not in page_of(client.get(f"/clues/{other.pk}/"))


# --- claim, record, return, resolve -----------------------------------------------------------------------

def test_claim_and_a_second_claim_conflicts(client, staff):
    clue = new_clue()
    to_assigned(clue, staff["intake"], staff["officer"].unit)
    response = post(client, staff["officer"], f"/clues/{clue.pk}/claim/", follow=True)
    assert "已认领线索" in page_of(response)
    assert Clue.objects.get(pk=clue.pk).status == Status.IN_PROGRESS
    before = snapshot(clue)
    response = refused(client, staff["officer"], f"/clues/{clue.pk}/claim/")
    assert "该线索已被认领,无需重复认领。" in page_of(response)
    assert snapshot(clue) == before


def test_claim_from_the_unit_workspace(client, staff):
    clue = new_clue()
    to_assigned(clue, staff["intake"], staff["officer"].unit)
    client.force_login(staff["officer"])
    assert f'action="/clues/{clue.pk}/claim/"' in page_of(client.get("/unit/"))
    response = client.post(f"/clues/{clue.pk}/claim/", {"next": f"/clues/{clue.pk}/"})
    assert response.url == f"/clues/{clue.pk}/"
    assert Clue.objects.get(pk=clue.pk).status == Status.IN_PROGRESS


def test_add_a_contact_record(client, staff):
    clue = new_clue()
    to_in_progress(clue, staff["intake"], staff["officer"])
    when = timezone.localtime() - dt.timedelta(hours=2)
    response = post(client, staff["officer"], f"/clues/{clue.pk}/record/",
                    {"kind": "contact", "note": "电话联系王勇,约定明日现场核查",
                     "occurred_at": when.strftime("%Y-%m-%dT%H:%M")}, follow=True)
    assert "已添加办理记录。" in page_of(response)
    record = HandlingRecord.objects.get(clue=clue)
    assert record.kind == "contact" and timezone.localtime(record.occurred_at).hour == when.hour
    clue.refresh_from_db()
    assert clue.first_contact_at == record.occurred_at


def test_a_payment_record_without_money_is_refused_field_by_field(client, staff):
    clue = new_clue()
    to_in_progress(clue, staff["intake"], staff["officer"])
    before = snapshot(clue)
    response = refused(client, staff["officer"], f"/clues/{clue.pk}/record/",
                    {"kind": "payment", "note": "已支付部分工资"})

    page = page_of(response)
    assert "支付工资记录须填写支付金额。" in page and "支付工资记录须填写支付人数。" in page
    assert "已支付部分工资</textarea>" in page
    assert snapshot(clue) == before and not HandlingRecord.objects.exists()


@pytest.mark.parametrize(("data", "message"), [
    ({"kind": "contact", "note": "联系", "occurred_at": "明天"}, "输入一个有效的日期/时间。"),
    ({"kind": "contact", "note": "联系", "occurred_at": "2099-01-01T10:00"}, "发生时间不能晚于现在。"),
    ({"kind": "contact", "note": "联系", "occurred_at": "0001-01-01T00:00"}, "日期应在2000至2099之间。"),
    ({"kind": "contact", "note": ""}, "请填写办理情况。"),
    ({"kind": "teleport", "note": "联系"}, "选择一个有效的选项"),
    ({"kind": "payment", "note": "付", "amount": "-5", "workers": "2"}, "确保该值大于或等于0。"),
])
def test_a_bad_record_is_refused_with_a_chinese_message(client, staff, data, message):
    clue = new_clue()
    to_in_progress(clue, staff["intake"], staff["officer"])
    before = snapshot(clue)
    response = refused(client, staff["officer"], f"/clues/{clue.pk}/record/", data)
    assert message in page_of(response)
    assert snapshot(clue) == before


def test_return_to_triage_needs_a_reason(client, staff):
    clue = new_clue()
    to_assigned(clue, staff["intake"], staff["officer"].unit)
    before = snapshot(clue)
    response = refused(client, staff["officer"], f"/clues/{clue.pk}/return/", {"reason": "  "})
    assert "请填写退回理由。" in page_of(response)
    assert snapshot(clue) == before
    response = post(client, staff["officer"], f"/clues/{clue.pk}/return/", {"reason": "项目在集宁区"},
                    follow=True)
    assert "退回市级研判" in page_of(response)
    clue.refresh_from_db()
    assert clue.status == Status.RECEIVED and clue.unit is None


def test_resolve_with_money_and_refusal_without(client, staff):
    clue = new_clue()
    to_in_progress(clue, staff["intake"], staff["officer"])
    before = snapshot(clue)
    response = refused(client, staff["officer"], f"/clues/{clue.pk}/resolve/",
                    {"result": "paid_in_full", "note": "已督促支付"})

    page = page_of(response)
    assert "结论为支付工资时,须填写追回金额。" in page and "结论为支付工资时,须填写兑付人数。" in page
    assert '<option value="paid_in_full" selected>' in page
    assert snapshot(clue) == before
    response = post(client, staff["officer"], f"/clues/{clue.pk}/resolve/",
                    {"result": "paid_in_full", "amount_recovered": "36000", "workers_paid": "3",
                     "note": "已督促支付"}, follow=True)
    assert "已办结,等待市级审核。" in page_of(response)
    clue.refresh_from_db()
    assert clue.status == Status.RESOLVED and clue.amount_recovered == 36000


# --- review, follow-up, reopen, merge ---------------------------------------------------------------------

def test_review_approve_from_the_queue_in_one_click(client, staff):
    clue = new_clue()
    to_resolved(clue, staff["intake"], staff["officer"])
    response = post(client, staff["supervisor"], f"/clues/{clue.pk}/review/",
                    {"decision": "approve", "next": "/review/"}, follow=True)
    assert response.redirect_chain[-1][0] == "/review/"
    assert "审核通过,线索已办结。" in page_of(response)
    assert Clue.objects.get(pk=clue.pk).status == Status.CLOSED


def test_review_reject_needs_a_reason(client, staff):
    clue = new_clue()
    to_resolved(clue, staff["intake"], staff["officer"])
    before = snapshot(clue)
    response = refused(client, staff["intake"], f"/clues/{clue.pk}/review/", {"decision": "reject"})
    assert "请填写退回理由。" in page_of(response)
    assert snapshot(clue) == before
    response = post(client, staff["intake"], f"/clues/{clue.pk}/review/",
                    {"decision": "reject", "reason": "未附支付凭证"}, follow=True)
    assert "已退回卓资县重新办理。" in page_of(response)
    assert Clue.objects.get(pk=clue.pk).status == Status.IN_PROGRESS


def test_inline_reject_from_the_queue_without_reason_says_why(client, staff):
    clue = new_clue()
    to_resolved(clue, staff["intake"], staff["officer"])
    response = post(client, staff["intake"], f"/clues/{clue.pk}/review/",
                    {"decision": "reject", "reason": "", "next": "/review/"}, follow=True)
    assert "请填写退回理由。" in page_of(response)
    assert Clue.objects.get(pk=clue.pk).status == Status.RESOLVED


def test_review_without_a_decision_is_refused(client, staff):
    clue = new_clue()
    to_resolved(clue, staff["intake"], staff["officer"])
    response = refused(client, staff["intake"], f"/clues/{clue.pk}/review/", {"decision": "maybe"})
    assert "请选择通过或退回。" in page_of(response)


def test_followup_by_phone_then_reopen_from_the_followup_list(client, staff):
    clue = new_clue()
    to_closed(clue, staff["intake"], staff["officer"])
    client.force_login(staff["intake"])
    assert clue.tracking_code in page_of(client.get("/followup/")).split('id="unsatisfied"')[0]

    before = snapshot(clue)
    response = refused(client, staff["intake"], f"/clues/{clue.pk}/followup/", {"satisfied": "no", "note": ""})
    assert "请填写回访意见。" in page_of(response)
    response = refused(client, staff["intake"], f"/clues/{clue.pk}/followup/", {"note": "电话未接通"})
    assert "请选择满意或不满意。" in page_of(response)
    assert snapshot(clue) == before

    response = client.post(f"/clues/{clue.pk}/followup/", {"satisfied": "no", "note": "只发了一半"},
                           follow=True)
    assert "已记录回访结果。" in page_of(response)
    due, unsatisfied = page_of(client.get("/followup/")).split('id="unsatisfied"')
    assert clue.tracking_code not in due and clue.tracking_code in unsatisfied

    response = client.post(f"/clues/{clue.pk}/reopen/", {"next": "/followup/"}, follow=True)
    assert response.redirect_chain[-1][0] == "/followup/"
    assert "线索已重新交卓资县办理。" in page_of(response)
    clue.refresh_from_db()
    assert clue.status == Status.IN_PROGRESS and clue.unit.code == "150921"


def test_reopen_is_refused_after_a_satisfied_followup(client, staff):
    clue = new_clue()
    to_closed(clue, staff["intake"], staff["officer"])
    lifecycle.followup(clue=clue, satisfied=True, by=staff["intake"])
    before = snapshot(clue)
    response = refused(client, staff["intake"], f"/clues/{clue.pk}/reopen/", {"note": "再看看"})
    assert "只有回访不满意的线索才能重新办理。" in page_of(response)
    assert snapshot(clue) == before


def test_reopen_form_shows_only_within_the_window(client, staff):
    clue = new_clue()
    to_unsatisfied(clue, staff["intake"], staff["officer"])
    client.force_login(staff["intake"])
    assert 'id="reopen"' in page_of(client.get(f"/clues/{clue.pk}/"))


def test_merge_by_tracking_code_and_refusal_of_an_unknown_code(client, staff):
    original, duplicate = new_clue(), new_clue()
    before = snapshot(duplicate)
    response = refused(client, staff["intake"], f"/clues/{duplicate.pk}/merge/", {"into": "ZZZZ9999"})
    assert "未找到查询码或编号为“ZZZZ9999”的线索。" in page_of(response)
    response = refused(client, staff["intake"], f"/clues/{duplicate.pk}/merge/", {"into": str(duplicate.pk)})
    assert "不能将线索合并到它自己。" in page_of(response)
    assert snapshot(duplicate) == before
    response = post(client, staff["intake"], f"/clues/{duplicate.pk}/merge/",
                    {"into": original.tracking_code.lower()}, follow=True)
    assert f"已作为重复线索合并至 {original.tracking_code}。" in page_of(response)
    duplicate.refresh_from_db()
    assert duplicate.status == Status.CLOSED and duplicate.merged_into == original


def test_merge_button_on_a_possible_duplicate(client, staff):
    original = new_clue()
    from clues.models import DuplicateCandidate

    duplicate = new_clue()
    DuplicateCandidate.objects.create(clue=duplicate, match=original, kind="duplicate", reason="同一反映人")
    client.force_login(staff["intake"])
    triage = page_of(client.get("/triage/"))
    assert f'href="/clues/{original.pk}/"' in triage and f'action="/clues/{duplicate.pk}/merge/"' in triage
    detail = page_of(client.get(f"/clues/{duplicate.pk}/"))
    assert f"合并至 {original.tracking_code}" in detail
    response = client.post(f"/clues/{duplicate.pk}/merge/", {"into": original.pk, "next": "/triage/"},
                           follow=True)
    assert f"已作为重复线索合并至 {original.tracking_code}。" in page_of(response)
    assert Clue.objects.get(pk=duplicate.pk).merged_into == original


def test_an_officer_sees_no_merge_button(client, staff):
    original, duplicate = new_clue(), new_clue()
    from clues.models import DuplicateCandidate

    DuplicateCandidate.objects.create(clue=duplicate, match=original, kind="duplicate", reason="同一反映人")
    to_assigned(duplicate, staff["intake"], staff["officer"].unit)
    client.force_login(staff["officer"])
    page = page_of(client.get(f"/clues/{duplicate.pk}/"))
    assert "/merge/" not in page and 'id="claim"' in page and 'id="transfer"' not in page


# --- the detail page's facts ------------------------------------------------------------------------------

def test_detail_shows_deadlines_assignments_records_and_every_event(client, staff):
    clue = new_clue()
    to_in_progress(clue, staff["intake"], staff["officer"])
    lifecycle.add_record(clue=clue, by=staff["officer"], kind="contact", note="电话联系反映人")
    client.force_login(staff["intake"])
    page = page_of(client.get(f"/clues/{clue.pk}/"))
    assert "办结期限" in page and "剩余" in page
    assert "卓资县" in page and "act_off_zz" not in page  # names, not usernames
    assert "电话联系反映人" in page
    for kind in ("线索归集", "转办", "认领", "办理记录"):
        assert f"<b>{kind}</b>" in page
    assert "已归集 → 已转办" in page and "反映人可见" in page


def test_personal_data_is_masked_until_revealed_and_the_reveal_is_recorded(client, staff):
    clue = new_clue(complainant_phone="13912345678", complainant_id_number="15262619900307301X")
    client.force_login(staff["intake"])
    page = page_of(client.get(f"/clues/{clue.pk}/"))
    assert "13912345678" not in page and "139****5678" in page and "1526**********301X" in page
    assert not PersonalDataView.objects.exists()
    page = page_of(client.post(f"/clues/{clue.pk}/reveal/"))
    assert "13912345678" in page and "15262619900307301X" in page
    view = PersonalDataView.objects.get()
    assert view.user == staff["intake"] and view.clue == clue


# --- another unit's officer, and whatever is posted -------------------------------------------------------

@pytest.mark.parametrize("action", [*MOVES, "reveal"])
def test_an_officer_of_another_unit_gets_404_on_every_action(client, staff, action):
    clue = new_clue()
    to_in_progress(clue, staff["intake"], staff["officer"])
    before = snapshot(clue)
    response = post(client, staff["other_officer"], f"/clues/{clue.pk}/{action}/",
                    {"unit": "housing", "reason": "x", "kind": "contact", "note": "x", "decision": "approve",
                     "satisfied": "yes", "into": "1", "result": "no_arrears"})
    assert response.status_code == 404
    assert snapshot(clue) == before


@pytest.mark.parametrize("action", list(MOVES))
@pytest.mark.parametrize("role", ["intake", "officer"])
def test_garbage_never_ends_in_a_server_error(client, staff, action, role):
    clue = new_clue()
    to_in_progress(clue, staff["intake"], staff["officer"])
    garbage = {"unit": "\x00" * 3, "note": "字" * 5000, "kind": "[]", "occurred_at": "9999-99-99T99:99",
               "amount": "1e400", "workers": "9" * 40, "result": "{}", "amount_recovered": "NaN",
               "workers_paid": "-1", "decision": "", "reason": "x" * 3000, "satisfied": "maybe",
               "into": "9" * 30, "next": "javascript:alert(1)"}
    response = post(client, staff[role], f"/clues/{clue.pk}/{action}/", garbage)
    assert response.status_code in (302, 403)
    if response.status_code == 302:  # refused: back to the clue's page, which says why
        assert response.url == f"/clues/{clue.pk}/#{action}"
        assert client.get(f"/clues/{clue.pk}/").status_code == 200


def test_action_urls_accept_only_post(client, staff):
    clue = new_clue()
    client.force_login(staff["intake"])
    assert client.get(f"/clues/{clue.pk}/transfer/").status_code == 405


def test_an_unknown_clue_is_404(client, staff):
    client.force_login(staff["intake"])
    assert client.get("/clues/99999999/").status_code == 404
    assert client.post("/clues/99999999999999999999/claim/").status_code == 404

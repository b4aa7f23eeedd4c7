"""What the clue page at /clues/<id>/ tells beyond the lifecycle: who entered the clue and from where, consent,
the national platform's number, a doubtful credit code, overdue, stopped deadlines, repeat visitors, and the
shortcut to enter another clue of the same project."""

import datetime as dt

import pytest
from django.utils import timezone

from tests.clues.lifecycle_helpers import new_clue, to_closed
from tests.conftest import make_staff

pytestmark = pytest.mark.django_db


def page(client, user, clue):
    client.force_login(user)
    response = client.get(f"/clues/{clue.pk}/")
    assert response.status_code == 200
    return response.content.decode()


def section(html, anchor):
    return html.split(f'id="{anchor}"')[1].split("</section>")[0]


def test_a_clue_the_worker_filed_says_so_and_when_they_consented(client, intake_user):
    consent = timezone.now().replace(microsecond=0)
    clue = new_clue(channel="qr", consent_at=consent)
    facts = section(page(client, intake_user, clue), "facts")
    assert "录入人" in facts and "反映人自行提交" in facts
    assert timezone.localtime(consent).strftime("%Y-%m-%d %H:%M") in facts.split("同意个人信息处理")[1]


def test_a_clue_entered_by_staff_names_them_and_says_consent_was_not_recorded(client, intake_user):
    clue = new_clue(channel="hotline_12333", created_by=intake_user)
    facts = section(page(client, intake_user, clue), "facts")
    assert intake_user.display_name in facts.split("录入人")[1]
    assert "未记录" in facts.split("同意个人信息处理")[1]


def test_a_national_platform_clue_shows_its_number(client, intake_user):
    clue = new_clue(channel="national_platform", external_id="GJ-2026-000777")
    facts = section(page(client, intake_user, clue), "facts")
    assert "全国平台线索编号" in facts and "GJ-2026-000777" in facts


def test_a_credit_code_with_a_bad_check_character_is_flagged_and_a_good_one_is_not(client, intake_user):
    doubtful = new_clue(employer_credit_code="91150902MA13XY8Q2D")
    assert "统一社会信用代码校验位不符" in page(client, intake_user, doubtful)
    good = new_clue(employer_credit_code="91350100M000100Y43")
    assert 'id="credit-code-warning"' not in page(client, intake_user, good)


def test_an_overdue_clue_is_marked_at_the_top(client, intake_user):
    late = new_clue(received_at=timezone.now() - dt.timedelta(days=40))
    assert 'id="clue-overdue"' in page(client, intake_user, late).split("</h1>")[0]
    fresh = new_clue()
    assert 'id="clue-overdue"' not in page(client, intake_user, fresh)


def test_a_closed_clue_still_shows_the_deadlines_it_had(client, intake_user, officer_zhuozi):
    clue = to_closed(new_clue(), intake_user, officer_zhuozi)
    clue.refresh_from_db()
    deadlines = section(page(client, intake_user, clue), "deadlines")
    assert "没有正在计时的期限。" in deadlines
    close = timezone.localtime(clue.close_deadline).strftime("%Y-%m-%d %H:%M")
    assert "办结期限" in deadlines and close in deadlines and "已停止计时" in deadlines


def test_a_repeat_visitor_is_marked_among_the_triage_aids(client, intake_user):
    clue = new_clue(is_repeat_visitor=True)
    assert "重复访" in section(page(client, intake_user, clue), "triage-aids")
    other = new_clue()
    assert "重复访" not in section(page(client, intake_user, other), "triage-aids")


def test_intake_staff_may_enter_another_clue_like_this_one_and_supervisors_may_not(client, intake_user):
    clue = new_clue()
    link = f'href="/clues/new/?like={clue.pk}"'
    assert link in page(client, intake_user, clue)
    supervisor = make_staff("supervisor", username="facts_sup")
    assert link not in page(client, supervisor, clue)

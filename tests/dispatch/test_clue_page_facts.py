"""What the clue page at /clues/<id>/ tells beyond the lifecycle: who entered the clue and from where, consent,
the national platform's number, a doubtful credit code, overdue, stopped deadlines, repeat visitors, and the
shortcut to enter another clue of the same project."""

import datetime as dt

import pytest
from django.utils import timezone

from clues import lifecycle
from tests.clues.lifecycle_helpers import new_clue, to_assigned, to_closed, to_in_progress
from tests.conftest import make_staff
from units.models import Unit

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


def test_the_timeline_names_who_acted_and_only_real_changes_of_state(client, intake_user, officer_zhuozi):
    clue = new_clue(channel="web")
    to_in_progress(clue, intake_user, officer_zhuozi)
    lifecycle.add_record(clue=clue, by=officer_zhuozi, kind="contact", note="电话联系反映人")
    timeline = section(page(client, intake_user, clue), "timeline")
    assert "反映人(网上反映) · 状态:已归集" in timeline
    assert "已归集 → 已转办" in timeline and "已转办 → 办理中" in timeline
    assert "办理中 → 办理中" not in timeline and "— →" not in timeline
    assert f"{officer_zhuozi.display_name} · 卓资县" in timeline


def test_the_transfer_box_of_a_clue_with_a_unit_says_reassign(client, intake_user):
    clue = new_clue()
    unassigned = section(page(client, intake_user, clue), "transfer")
    assert "<h2>转办</h2>" in unassigned and ">转办</button>" in unassigned
    to_assigned(clue, intake_user, Unit.objects.get(code="150921"))
    reassign = section(page(client, intake_user, clue), "transfer")
    assert "<h2>改派</h2>" in reassign and ">改派</button>" in reassign and ">转办</button>" not in reassign


def test_the_triage_aids_are_named_in_plain_words(client, intake_user):
    aids = section(page(client, intake_user, new_clue()), "triage-aids")
    assert "<h2>系统研判建议</h2>" in aids and "三步分离" not in aids

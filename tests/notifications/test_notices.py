"""A staff member's in-app notices page, the unread count, and the outbox admin."""

import datetime

import pytest
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from notifications.context_processors import unread_notice_count
from notifications.models import OutboxMessage
from notifications.services import notify_users
from tests.conftest import make_staff
from tests.factories import ClueFactory

pytestmark = pytest.mark.django_db

LIST_URL = reverse("notifications:list")


@pytest.fixture
def officer():
    return make_staff(Role.OFFICER, "150921", username="officer_a")


@pytest.fixture
def colleague():
    return make_staff(Role.OFFICER, "150921", username="officer_b")


def notice(user, subject, *, minutes_ago=0, read=False, url=""):
    [row] = notify_users([user], subject=subject, body=f"{subject}的内容", url=url)
    OutboxMessage.objects.filter(pk=row.pk).update(
        created_at=timezone.now() - datetime.timedelta(minutes=minutes_ago),
        read_at=timezone.now() if read else None)
    return OutboxMessage.objects.get(pk=row.pk)


def test_the_page_needs_a_login(client):
    response = client.get(LIST_URL)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_a_staff_member_sees_only_their_own_notices_newest_first(client, officer, colleague):
    notice(officer, "较早的通知", minutes_ago=30, read=True)
    notice(officer, "最新的通知", minutes_ago=1)
    notice(colleague, "别人的通知")
    client.force_login(officer)

    page = client.get(LIST_URL).content.decode()

    assert "别人的通知" not in page
    assert page.index("最新的通知") < page.index("较早的通知")
    assert 'class="unread"' in page and 'class="read"' in page
    assert "共 2 条通知,1 条未读" in page


def test_the_list_is_paginated_with_a_bounded_number_of_queries(client, officer,
                                                                django_assert_max_num_queries):
    clue = ClueFactory()
    for n in range(25):
        notify_users([officer], subject=f"通知{n:02d}", body="…", about=clue)
    client.force_login(officer)

    with django_assert_max_num_queries(8):
        first = client.get(LIST_URL)
    second = client.get(LIST_URL, {"page": 2})

    assert len(first.context["page"].object_list) == 20
    assert len(second.context["page"].object_list) == 5
    assert clue.tracking_code in first.content.decode()
    assert "第 2 / 2 页" in second.content.decode()


def test_mark_all_read_touches_only_my_notices(client, officer, colleague):
    notice(officer, "一")
    notice(officer, "二")
    theirs = notice(colleague, "三")
    client.force_login(officer)

    response = client.post(reverse("notifications:mark_all_read"), follow=True)

    assert "已将2条通知标为已读。" in response.content.decode()
    assert not OutboxMessage.objects.filter(user=officer, read_at__isnull=True).exists()
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_mark_all_read_only_answers_post(client, officer):
    client.force_login(officer)

    assert client.get(reverse("notifications:mark_all_read")).status_code == 405


def test_opening_a_notice_marks_it_read_and_follows_its_link(client, officer):
    mine = notice(officer, "新转办", url="/clues/12/")
    client.force_login(officer)

    response = client.post(reverse("notifications:open", args=[mine.pk]))

    assert response.status_code == 302
    assert response["Location"] == "/clues/12/"
    mine.refresh_from_db()
    assert mine.read_at is not None


def test_a_link_to_another_site_is_not_followed(client, officer):
    mine = notice(officer, "可疑", url="https://evil.example.com/")
    client.force_login(officer)

    response = client.post(reverse("notifications:open", args=[mine.pk]))

    assert response["Location"] == LIST_URL


def test_someone_elses_notice_cannot_be_opened(client, officer, colleague):
    theirs = notice(colleague, "别人的")
    client.force_login(officer)

    response = client.post(reverse("notifications:open", args=[theirs.pk]), follow=True)

    assert "未找到这条通知。" in response.content.decode()
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_the_unread_count_is_the_users_unread_in_app_notices(officer, colleague, django_assert_num_queries):
    notice(officer, "一")
    notice(officer, "二", read=True)
    notice(colleague, "三")
    request = RequestFactory().get("/")
    request.user = officer

    count = unread_notice_count(request)["unread_notice_count"]

    with django_assert_num_queries(1):
        assert count() == 1
        assert count() == 1


def test_anonymous_visitors_have_no_unread_notices():
    from django.contrib.auth.models import AnonymousUser

    request = RequestFactory().get("/")
    request.user = AnonymousUser()

    assert unread_notice_count(request) == {"unread_notice_count": 0}


# --- Admin ---------------------------------------------------------------------------------------------------


def test_failed_deliveries_are_easy_to_find_and_can_be_sent_again(admin_client):
    clue = ClueFactory(complainant_phone="13800138000")
    failed = OutboxMessage.objects.create(channel="sms", recipient="13800138000", about_label=clue.tracking_code,
                                          body="x",
                                          state="failed", attempts=8, last_error="HTTP 500")
    OutboxMessage.objects.create(channel="sms", recipient="13900139000", body="y", state="sent")
    url = reverse("admin:notifications_outboxmessage_changelist")

    listing = admin_client.get(url, {"attention": "failed"})

    assert list(listing.context["cl"].result_list) == [failed]
    assert '<td class="field-shown_recipient">138****8000</td>' in listing.content.decode()

    response = admin_client.post(url, {"action": "resend", "_selected_action": [failed.pk]}, follow=True)

    assert "已将1条发送失败的消息重新排队。" in response.content.decode()
    failed.refresh_from_db()
    assert (failed.state, failed.attempts) == ("pending", 0)


def test_the_admin_shows_one_message_read_only(admin_client):
    message = OutboxMessage.objects.create(channel="sms", recipient="13800138000", body="【乌兰·薪】已受理",
                                           state="pending")

    page = admin_client.get(reverse("admin:notifications_outboxmessage_change", args=[message.pk]))

    assert page.status_code == 200
    assert "【乌兰·薪】已受理" in page.content.decode()
    assert admin_client.get(reverse("admin:notifications_outboxmessage_add")).status_code == 403

"""The all-clues list at /clues/: the same filters the old lists (/clues-list/, the intake side's /clues/) had,
masked rows, bounded queries, and old bookmarks that still filter the same way."""

import datetime as dt
from urllib.parse import parse_qsl, urlsplit

import pytest
from django.utils import timezone

from clues.models import Assignment
from tests.factories import ClueFactory, ProjectFactory
from units.models import Unit

pytestmark = pytest.mark.django_db

URL = "/clues/"


def assign(clue, unit_code):
    unit = Unit.objects.get(code=unit_code)
    now = timezone.now()
    Assignment.objects.create(clue=clue, unit=unit, assigned_at=now, claim_deadline=now)
    clue.unit, clue.status = unit, "assigned"
    clue.save(update_fields=["unit", "status"])
    return clue


def rows(response):
    """The body of the list table (filters and messages left out)."""
    return response.content.decode().split("<tbody>")[1].split("</tbody>")[0]


def test_filters_narrow_the_list(client, intake_user):
    ClueFactory(employer_name="甲建筑公司", channel="walk_in", risk_color="red")
    ClueFactory(employer_name="乙劳务公司", channel="hotline_12333")
    client.force_login(intake_user)
    html = rows(client.get(URL, {"channel": "walk_in"}))
    assert "甲建筑公司" in html and "乙劳务公司" not in html
    html = rows(client.get(URL, {"q": "乙劳务"}))
    assert "乙劳务公司" in html and "甲建筑公司" not in html


def test_the_keyword_finds_the_complainant_and_the_national_platform_number(client, intake_user):
    ClueFactory(employer_name="甲建筑公司", complainant_name="李秀英", external_id="GJ-2026-000123")
    ClueFactory(employer_name="乙劳务公司", complainant_name="王勇")
    client.force_login(intake_user)
    for text in ("李秀英", "GJ-2026-000123"):
        html = rows(client.get(URL, {"q": text}))
        assert "甲建筑公司" in html and "乙劳务公司" not in html, text


def test_several_values_of_one_filter_list_clues_matching_any(client, intake_user):
    ClueFactory(employer_name="红色公司", risk_color="red")
    ClueFactory(employer_name="橙色公司", risk_color="orange")
    ClueFactory(employer_name="蓝色公司", risk_color="blue")
    client.force_login(intake_user)
    response = client.get(f"{URL}?risk_color=red&risk_color=orange")
    html = rows(response)
    assert "红色公司" in html and "橙色公司" in html and "蓝色公司" not in html
    # The drop-down shows both values, as a multiple select, so what filters is what shows.
    page = response.content.decode()
    assert '<select name="risk_color"' in page and "multiple" in page.split('<select name="risk_color"')[1][:80]


def test_overdue_and_not_overdue(client, intake_user):
    now = timezone.now()
    ClueFactory(employer_name="超期公司", next_deadline_at=now - dt.timedelta(hours=2))
    ClueFactory(employer_name="未超期公司", next_deadline_at=now + dt.timedelta(days=2))
    client.force_login(intake_user)
    html = rows(client.get(URL, {"overdue": "1"}))
    assert "超期公司" in html and "未超期公司" not in html
    html = rows(client.get(URL, {"overdue": "0"}))
    assert "未超期公司" in html and "超期公司" not in html.replace("未超期公司", "")


def test_the_list_sorts_by_the_nearest_deadline_on_request(client, intake_user):
    now = timezone.now()
    later = ClueFactory(received_at=now - dt.timedelta(days=3), next_deadline_at=now + dt.timedelta(days=5))
    sooner = ClueFactory(received_at=now - dt.timedelta(days=1), next_deadline_at=now + dt.timedelta(days=1))
    none = ClueFactory(received_at=now)
    client.force_login(intake_user)
    html = rows(client.get(URL))
    assert html.index(none.tracking_code) < html.index(sooner.tracking_code) < html.index(later.tracking_code)
    html = rows(client.get(URL, {"ordering": "next_deadline_at"}))
    assert html.index(sooner.tracking_code) < html.index(later.tracking_code) < html.index(none.tracking_code)
    html = rows(client.get(URL, {"ordering": "-next_deadline_at"}))
    assert html.index(later.tracking_code) < html.index(sooner.tracking_code) < html.index(none.tracking_code)


def test_received_from_and_to_count_beijing_days(client, intake_user):
    day = dt.datetime(2026, 3, 2, 0, 30, tzinfo=timezone.get_default_timezone())
    ClueFactory(employer_name="二日公司", received_at=day)
    ClueFactory(employer_name="一日公司", received_at=day - dt.timedelta(hours=1))
    client.force_login(intake_user)
    html = rows(client.get(URL, {"received_from": "2026-03-02"}))
    assert "二日公司" in html and "一日公司" not in html
    html = rows(client.get(URL, {"received_to": "2026-03-01"}))
    assert "一日公司" in html and "二日公司" not in html


def test_a_bad_filter_value_is_shown_not_a_server_error(client, intake_user):
    client.force_login(intake_user)
    response = client.get(URL, {"received_from": "昨天", "ordering": "password"})
    assert response.status_code == 200
    assert "输入一个有效的日期" in response.content.decode()
    response = client.get("/clues/", {"received_after": "昨天", "ordering": "password"}, follow=True)
    assert response.status_code == 200
    assert "输入一个有效的日期" in response.content.decode()


def test_the_page_costs_the_same_queries_for_few_and_many_rows(client, intake_user, django_assert_max_num_queries):
    project = ProjectFactory()
    client.force_login(intake_user)

    def make(n):
        for _ in range(n):
            assign(ClueFactory(project=project, district=project.district), "150921")

    make(2)
    with django_assert_max_num_queries(20) as few:
        assert client.get(URL).status_code == 200
    make(30)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(URL).status_code == 200


# --- the old address ----------------------------------------------------------------------------------------

def moved_to(client, query, old="/clues-list/"):
    response = client.get(f"{old}?{query}" if query else old)
    assert response.status_code == 301
    location = urlsplit(response["Location"])
    return location.path, sorted(parse_qsl(location.query))


def test_the_old_list_moved_for_good_to_the_all_clues_list(client, intake_user):
    client.force_login(intake_user)
    assert moved_to(client, "") == (URL, [])
    assert moved_to(client, "channel=walk_in&q=乙劳务&page=2") == (
        URL, [("channel", "walk_in"), ("page", "2"), ("q", "乙劳务")])


def test_an_old_bookmark_keeps_its_filters_under_the_new_names(client, intake_user):
    client.force_login(intake_user)
    assert moved_to(client, "received_after=2026-03-01&received_before=2026-03-31") == (
        URL, [("received_from", "2026-03-01"), ("received_to", "2026-03-31")])
    assert moved_to(client, "status=received&status=assigned&unit=150921&district=150902&unit_kind=district") == (
        URL, [("district", "150902"), ("status", "assigned"), ("status", "received"), ("unit", "150921"),
              ("unit_kind", "district")])
    assert moved_to(client, "overdue=true&ordering=next_deadline_at") == (
        URL, [("ordering", "next_deadline_at"), ("overdue", "1")])
    assert moved_to(client, "overdue=false&ordering=-received_at") == (URL, [("overdue", "0")])
    assert moved_to(client, "overdue=unknown") == (URL, [])
    # The intake side's old list was /clues/ itself: its old names still land on the new ones.
    assert moved_to(client, "received_after=2026-03-01", old="/clues/") == (URL, [("received_from", "2026-03-01")])
    assert moved_to(client, "overdue=true", old="/clues/") == (URL, [("overdue", "1")])


def test_an_old_bookmark_lists_the_same_clues(client, intake_user):
    ClueFactory(employer_name="已归集公司")
    assign(ClueFactory(employer_name="已转办公司"), "150921")
    assign(ClueFactory(employer_name="别县公司"), "150902")
    client.force_login(intake_user)
    response = client.get("/clues-list/", {"status": ["received", "assigned"], "unit": "150921"}, follow=True)
    html = rows(response)
    assert "已转办公司" in html and "已归集公司" not in html and "别县公司" not in html
    response = client.get("/clues-list/", {"status": ["received", "assigned"]}, follow=True)
    html = rows(response)
    assert "已归集公司" in html and "已转办公司" in html and "别县公司" in html

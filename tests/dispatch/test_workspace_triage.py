"""The triage dashboard and the all-clues list: filters, counts linking to the list, bulk transfer with a
clue that cannot move, and saved filters."""

import pytest

from clues.models import Clue, Status
from dispatch.models import SavedFilter
from tests.clues.lifecycle_helpers import new_clue, to_assigned, to_closed, to_in_progress
from tests.conftest import make_staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(db):
    return {
        "intake": make_staff("intake", username="tri_intake"),
        "intake2": make_staff("intake", username="tri_intake2"),
        "officer": make_staff("officer", "150921", username="tri_off_zz"),
    }


def page_of(response):
    return response.content.decode()


def rows(page):
    """The body of the list table (filters and messages left out)."""
    return page.split("<tbody>")[1].split("</tbody>")[0]


# --- filters and counts -----------------------------------------------------------------------------------

def test_triage_filters_by_colour_channel_district_and_text(client, staff, units):
    red = new_clue(risk_color="red", employer_name="红色建筑公司", district=units["150902"])
    blue = new_clue(risk_color="blue", employer_name="蓝色劳务公司", channel="hotline_12333",
                    district=units["150921"], suggested_department=units["water"])
    client.force_login(staff["intake"])
    assert "红色建筑公司" in rows(page_of(client.get("/triage/?risk_color=red")))
    assert "蓝色劳务公司" not in rows(page_of(client.get("/triage/?risk_color=red")))
    assert "红色建筑公司" not in rows(page_of(client.get("/triage/?channel=hotline_12333")))
    assert "蓝色劳务公司" in rows(page_of(client.get("/triage/?district=150921")))
    assert "红色建筑公司" not in rows(page_of(client.get("/triage/?suggested_department=water")))
    assert "红色建筑公司" in rows(page_of(client.get("/triage/?q=红色建筑")))
    assert red.tracking_code in rows(page_of(client.get(f"/triage/?q={red.tracking_code}")))
    assert blue.tracking_code not in rows(page_of(client.get(f"/triage/?q={red.tracking_code}")))


def test_a_bad_filter_is_explained_and_ignored(client, staff):
    new_clue(employer_name="任意建筑公司")
    client.force_login(staff["intake"])
    response = client.get("/triage/?risk_color=purple&received_from=2026-13-40&page=abc")
    assert response.status_code == 200
    page = page_of(response)
    assert "选择一个有效的选项" in page and "输入一个有效的日期。" in page
    assert "任意建筑公司" in rows(page)
    response = client.get("/triage/?received_from=2026-03-05&received_to=2026-03-01")
    assert "截止日期不能早于起始日期。" in page_of(response)


@pytest.mark.parametrize("query", ["received_from=0001-01-01", "received_to=9999-12-31",
                                   "page=99999999999999999999", "q=" + "长" * 300, "district=%00",
                                   "overdue=maybe"])
def test_absurd_filters_get_an_answer_not_a_server_error(client, staff, query):
    new_clue()
    client.force_login(staff["intake"])
    for url in ("/triage/", "/clues/"):
        assert client.get(f"{url}?{query}").status_code == 200
    if "0001" in query or "9999-" in query:
        assert "日期应在2000至2099之间。" in page_of(client.get(f"/triage/?{query}"))


def test_red_clues_come_first_on_the_dashboard(client, staff):
    blue = new_clue(risk_color="blue")
    red = new_clue(risk_color="red", received_at=blue.received_at.replace(year=blue.received_at.year - 1))
    client.force_login(staff["intake"])
    body = rows(page_of(client.get("/triage/")))
    assert body.index(red.tracking_code) < body.index(blue.tracking_code)


def test_counts_link_to_the_all_clues_list_filtered_by_state(client, staff):
    intake, officer = staff["intake"], staff["officer"]
    new_clue()
    new_clue()
    to_assigned(new_clue(), intake, officer.unit)
    to_in_progress(new_clue(employer_name="办理中的公司"), intake, officer)
    to_closed(new_clue(), intake, officer)
    client.force_login(intake)
    page = page_of(client.get("/triage/"))
    assert ('href="/clues/?status=received" class="count-received" data-count="received">'
            "已归集 <b>2</b>") in page
    assert "已转办 <b>1</b>" in page and "办理中 <b>1</b>" in page and "已办结 <b>1</b>" in page
    assert 'href="/clues/?overdue=1"' in page
    listed = page_of(client.get("/clues/?status=in_progress"))
    assert "办理中的公司" in rows(listed)
    assert rows(listed).count("<tr") == 1
    assert 'class="count-in_progress active"' in listed


def test_all_clues_list_filters_by_unit_and_unit_kind(client, staff, officer_housing):
    intake = staff["intake"]
    to_assigned(new_clue(employer_name="县里的公司"), intake, staff["officer"].unit)
    to_assigned(new_clue(employer_name="住建的公司"), intake, officer_housing.unit)
    client.force_login(intake)
    assert "住建的公司" not in rows(page_of(client.get("/clues/?unit=150921")))
    assert "县里的公司" in rows(page_of(client.get("/clues/?unit=150921")))
    page = rows(page_of(client.get("/clues/?unit_kind=department")))
    assert "住建的公司" in page and "县里的公司" not in page


def test_a_returned_clue_shows_its_retransfer_clock(client, staff):
    from clues import lifecycle

    clue = new_clue()
    to_assigned(clue, staff["intake"], staff["officer"].unit)
    lifecycle.return_to_triage(clue=clue, by=staff["officer"], reason="不属于本县")
    client.force_login(staff["intake"])
    body = rows(page_of(client.get("/triage/")))
    assert "被退回" in body and "重新转办期限" in body and "剩余 23 小时" in body


def test_the_dashboard_is_paginated_by_50(client, staff):
    for _i in range(52):
        new_clue()
    client.force_login(staff["intake"])
    first = page_of(client.get("/triage/"))
    assert rows(first).count("<tr") == 50 and "第 1 / 2 页,共 52 条" in first
    second = page_of(client.get("/triage/?page=2"))
    assert rows(second).count("<tr") == 2


# --- bulk transfer ----------------------------------------------------------------------------------------

def test_bulk_transfer_moves_each_clue_and_says_which_failed_and_why(client, staff):
    intake, officer = staff["intake"], staff["officer"]
    first, second = new_clue(), new_clue()
    handled = new_clue()
    to_in_progress(handled, intake, officer)
    client.force_login(intake)
    response = client.post("/triage/bulk-transfer/",
                           {"clues": [first.pk, handled.pk, second.pk, 987654], "unit": "housing",
                            "next": "/triage/"}, follow=True)
    assert response.redirect_chain[-1][0] == "/triage/"
    page = page_of(response)
    assert "已将 2 条线索转办至住房和城乡建设局。" in page
    assert "2 条线索未转办" in page
    assert f"{handled.tracking_code}:线索当前状态为“办理中”,不能转办。" in page
    assert "#987654:未找到该线索。" in page
    moved = set(Clue.objects.filter(unit__code="housing").values_list("pk", flat=True))
    assert moved == {first.pk, second.pk}
    handled.refresh_from_db()
    assert handled.status == Status.IN_PROGRESS and handled.unit.code == "150921"


@pytest.mark.parametrize(("data", "message"), [
    ({"unit": "housing"}, "请至少勾选一条线索。"),
    ({"clues": ["abc"], "unit": "housing"}, "所选线索编号无效。"),
    ({"clues": ["1"], "unit": ""}, "请选择承办单位。"),
    ({"clues": ["1"], "unit": "150900"}, "选择一个有效的选项"),
])
def test_bulk_transfer_refuses_bad_input(client, staff, data, message):
    clue = new_clue()
    client.force_login(staff["intake"])
    response = client.post("/triage/bulk-transfer/", data, follow=True)
    assert message in page_of(response)
    assert Clue.objects.get(pk=clue.pk).status == Status.RECEIVED


def test_only_triage_staff_may_bulk_transfer(client, staff):
    clue = new_clue()
    client.force_login(staff["officer"])
    response = client.post("/triage/bulk-transfer/", {"clues": [clue.pk], "unit": "150921"})
    assert response.status_code == 403
    assert Clue.objects.get(pk=clue.pk).status == Status.RECEIVED


# --- saved filters ----------------------------------------------------------------------------------------

def test_save_list_use_and_delete_a_filter(client, staff):
    new_clue(risk_color="red", employer_name="红色公司")
    new_clue(risk_color="blue", employer_name="蓝色公司")
    client.force_login(staff["intake"])
    response = client.post("/filters/save/", {"name": "红色待转办", "page": "triage",
                                              "query": "risk_color=red&page=2"}, follow=True)
    assert "已保存筛选“红色待转办”。" in page_of(response)
    saved = SavedFilter.objects.get(user=staff["intake"])
    assert (saved.page, saved.query) == ("triage", "risk_color=red")  # the page number is not a filter
    page = page_of(client.get("/triage/?risk_color=red&page=1&junk=1"))
    assert 'name="query" value="risk_color=red"' in page  # what "保存当前筛选" would keep now
    assert '<a href="/triage/?risk_color=red">红色待转办</a>' in page

    # The same name again replaces the query.
    response = client.post("/filters/save/",
                           {"name": "红色待转办", "page": "triage", "query": "risk_color=blue"}, follow=True)
    assert "已更新筛选“红色待转办”。" in page_of(response)
    assert SavedFilter.objects.get(user=staff["intake"]).query == "risk_color=blue"
    assert "蓝色公司" in rows(page_of(response)) and "红色公司" not in rows(page_of(response))

    # Another user neither sees nor deletes it.
    client.force_login(staff["intake2"])
    assert "红色待转办" not in page_of(client.get("/triage/"))
    assert client.post(f"/filters/{saved.pk}/delete/").status_code == 404
    client.force_login(staff["intake"])
    response = client.post(f"/filters/{saved.pk}/delete/", follow=True)
    assert "已删除筛选“红色待转办”。" in page_of(response)
    assert not SavedFilter.objects.exists()


def test_a_filter_needs_a_name(client, staff):
    client.force_login(staff["intake"])
    response = client.post("/filters/save/", {"name": "  ", "page": "all", "query": "status=closed"},
                           follow=True)
    assert "请为这个筛选起个名字。" in page_of(response)
    assert not SavedFilter.objects.exists()


@pytest.mark.parametrize("data", [{"name": "", "query": "risk_color=red\r\nSet-Cookie: x=1"},
                                  {"name": "x" * 61, "query": "q=%ZZ&page=abc"},
                                  {"name": "坏页面", "page": "../admin", "query": "a" * 5000}])
def test_a_bad_saved_filter_is_refused_without_a_server_error(client, staff, data):
    client.force_login(staff["intake"])
    response = client.post("/filters/save/", {"page": "triage", **data})
    assert response.status_code == 302 and "\n" not in response.url
    assert not SavedFilter.objects.exists()


def test_an_officer_saves_filters_of_the_all_list_but_not_of_triage(client, staff):
    client.force_login(staff["officer"])
    response = client.post("/filters/save/", {"name": "超期", "page": "all", "query": "overdue=1"})
    assert response.url == "/clues/?overdue=1"
    assert SavedFilter.objects.get().page == "all"
    assert "超期</a>" in page_of(client.get("/clues/"))
    response = client.post("/filters/save/", {"name": "研判", "page": "triage", "query": ""})
    assert response.status_code == 403

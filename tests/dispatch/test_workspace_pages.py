"""Every workspace page for every role: who gets in, who gets 403 or 404, which clues each one lists, and a
page of 60 clues costing the same number of queries as a page of 5."""

import pytest

from clues.models import DuplicateCandidate
from tests.clues.lifecycle_helpers import new_clue, to_assigned, to_closed, to_in_progress, to_resolved
from tests.conftest import make_staff
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PAGES = ["/triage/", "/clues/", "/unit/", "/review/", "/followup/"]
# page → roles that may open it
ALLOWED = {
    "/triage/": {"intake", "admin"},
    "/clues/": {"intake", "admin", "supervisor", "officer"},
    "/unit/": {"officer"},
    "/review/": {"intake", "admin", "supervisor"},
    "/followup/": {"intake", "admin", "supervisor"},
}


@pytest.fixture
def staff(db):
    return {
        "intake": make_staff("intake", username="ws_intake"),
        "admin": make_staff("admin", username="ws_admin", is_staff=True),
        "supervisor": make_staff("supervisor", username="ws_sup"),
        "officer": make_staff("officer", "150921", username="ws_off_zz"),
        "nobody": UserFactory(username="ws_nobody"),
    }


@pytest.fixture
def clues(staff):
    intake, officer = staff["intake"], staff["officer"]
    received = new_clue(employer_name="待研判建筑公司")
    assigned = new_clue(employer_name="待认领劳务公司")
    to_assigned(assigned, intake, officer.unit)
    handling = new_clue(employer_name="办理中路桥公司")
    to_in_progress(handling, intake, officer)
    resolved = new_clue(employer_name="待审核水利公司")
    to_resolved(resolved, intake, officer)
    closed = new_clue(employer_name="已办结装饰公司")
    to_closed(closed, intake, officer)
    return {"received": received, "assigned": assigned, "in_progress": handling, "resolved": resolved,
            "closed": closed}


@pytest.mark.parametrize("url", PAGES)
@pytest.mark.parametrize("role", ["intake", "admin", "supervisor", "officer", "nobody"])
def test_each_page_opens_for_its_roles_and_is_forbidden_to_others(client, staff, role, url):
    client.force_login(staff[role])
    response = client.get(url)
    if role in ALLOWED[url]:
        assert response.status_code == 200
    else:
        assert response.status_code == 403
        assert "无权访问" in response.content.decode()


@pytest.mark.parametrize("url", PAGES)
def test_anonymous_visitors_are_sent_to_login(client, url):
    response = client.get(url)
    assert response.status_code == 302 and response.url.startswith("/login/")


def test_a_superuser_without_roles_may_triage(client, db):
    client.force_login(UserFactory(username="root", is_superuser=True, is_staff=True))
    assert client.get("/triage/").status_code == 200


def test_an_officer_of_the_city_office_has_no_unit_workspace(client, db):
    client.force_login(make_staff("officer", "150900", username="ws_city_officer"))
    response = client.get("/unit/")
    assert response.status_code == 403
    assert "未关联旗县市区或行业部门" in response.content.decode()


def test_triage_lists_only_received_clues(client, staff, clues):
    client.force_login(staff["intake"])
    page = client.get("/triage/").content.decode()
    assert "待研判建筑公司" in page
    for other in ("待认领劳务公司", "办理中路桥公司", "待审核水利公司", "已办结装饰公司"):
        assert other not in page


def test_unit_workspace_lists_the_units_clues(client, staff, clues, officer_housing):
    client.force_login(staff["officer"])
    page = client.get("/unit/").content.decode()
    assert "待认领劳务公司" in page and "办理中路桥公司" in page
    assert "待研判建筑公司" not in page
    client.force_login(officer_housing)
    page = client.get("/unit/").content.decode()
    assert "待认领劳务公司" not in page and "没有待认领的线索" in page


def test_review_queue_lists_resolved_clues(client, staff, clues):
    client.force_login(staff["supervisor"])
    page = client.get("/review/").content.decode()
    assert "待审核水利公司" in page and "已足额支付" in page and "按时" in page
    assert "办理中路桥公司" not in page and "已办结装饰公司" not in page


def test_followup_list_shows_closed_clues_with_masked_mobile(client, staff, clues):
    client.force_login(staff["intake"])
    page = client.get("/followup/").content.decode()
    phone = clues["closed"].complainant_phone
    assert clues["closed"].tracking_code in page
    assert phone not in page and f"{phone[:3]}****{phone[-4:]}" in page
    assert clues["resolved"].tracking_code not in page


def test_all_clues_list_for_an_officer_shows_only_the_units_clues(client, staff, clues, officer_housing):
    client.force_login(staff["officer"])
    page = client.get("/clues/").content.decode()
    assert "待认领劳务公司" in page and "已办结装饰公司" in page
    assert "待研判建筑公司" not in page
    client.force_login(officer_housing)
    assert "待认领劳务公司" not in client.get("/clues/").content.decode()


@pytest.mark.parametrize("role", ["intake", "admin", "supervisor"])
def test_city_staff_open_any_clue(client, staff, clues, role):
    client.force_login(staff[role])
    response = client.get(f"/clues/{clues['received'].pk}/")
    assert response.status_code == 200
    assert "待研判建筑公司" in response.content.decode()


def test_an_officer_opens_the_units_clue_but_not_others(client, staff, clues, officer_housing):
    client.force_login(staff["officer"])
    assert client.get(f"/clues/{clues['in_progress'].pk}/").status_code == 200
    assert client.get(f"/clues/{clues['received'].pk}/").status_code == 404
    client.force_login(officer_housing)
    response = client.get(f"/clues/{clues['in_progress'].pk}/")
    assert response.status_code == 404
    assert "办理中路桥公司" not in response.content.decode()


def test_a_user_without_a_role_gets_404_on_a_clue(client, staff, clues):
    client.force_login(staff["nobody"])
    assert client.get(f"/clues/{clues['received'].pk}/").status_code == 404


def test_navigation_shows_links_by_role_and_marks_the_current_page(client, staff):
    client.force_login(staff["intake"])
    nav = client.get("/triage/").content.decode()
    assert 'href="/triage/" class="active"' in nav
    assert "本单位线索" not in nav and "审核" in nav and "回访" in nav
    assert "录入线索" in nav and "管理后台" not in nav
    client.force_login(staff["officer"])
    nav = client.get("/unit/").content.decode()
    assert 'href="/unit/" class="active"' in nav
    assert "研判转办" not in nav and "录入线索" not in nav and ">审核<" not in nav
    client.force_login(staff["admin"])
    nav = client.get("/review/").content.decode()
    assert "管理后台" in nav and "研判转办" in nav


# --- query counts -----------------------------------------------------------------------------------------

def _received(n, units):
    made = [new_clue(suggested_district=units["150921"], suggested_department=units["housing"],
                     risk_color="red" if i % 3 == 0 else "blue") for i in range(n)]
    for first, second in zip(made, made[1:], strict=False):
        DuplicateCandidate.objects.create(clue=second, match=first, kind="duplicate", reason="同一反映人")
    return made


def _queries(client, url, django_assert_max_num_queries, limit):
    with django_assert_max_num_queries(limit) as context:
        response = client.get(url)
    assert response.status_code == 200
    return len(context)


@pytest.mark.parametrize("url", ["/triage/", "/clues/"])
def test_triage_and_all_lists_cost_the_same_for_5_and_60_clues(client, staff, units, url,
                                                               django_assert_max_num_queries):
    client.force_login(staff["intake"])
    _received(5, units)
    small = _queries(client, url, django_assert_max_num_queries, 14)
    _received(55, units)
    big = _queries(client, url, django_assert_max_num_queries, 14)
    assert big == small


def test_unit_workspace_costs_the_same_for_5_and_60_clues(client, staff, django_assert_max_num_queries):
    intake, officer = staff["intake"], staff["officer"]
    client.force_login(officer)

    def add(n):
        for i in range(n):
            clue = new_clue()
            if i % 2:
                to_in_progress(clue, intake, officer)
            else:
                to_assigned(clue, intake, officer.unit)

    add(5)
    small = _queries(client, "/unit/", django_assert_max_num_queries, 12)
    add(55)
    big = _queries(client, "/unit/", django_assert_max_num_queries, 12)
    assert big == small


@pytest.mark.parametrize(("url", "walk"), [("/review/", to_resolved), ("/followup/", to_closed)])
def test_review_and_followup_cost_the_same_for_5_and_60_clues(client, staff, url, walk,
                                                              django_assert_max_num_queries):
    intake, officer = staff["intake"], staff["officer"]
    client.force_login(intake)
    for _i in range(5):
        walk(new_clue(), intake, officer)
    small = _queries(client, url, django_assert_max_num_queries, 10)
    for _i in range(55):
        walk(new_clue(), intake, officer)
    big = _queries(client, url, django_assert_max_num_queries, 10)
    assert big == small

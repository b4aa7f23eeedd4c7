"""The worker's wage check page (/q/<public_id>/wages/) and the clue form it prefills: own months only, a
neutral message for a wrong pair, the tracking page's rate limit, one tap to a prefilled clue form."""

import datetime as dt
import html
import re
from urllib.parse import parse_qs, urlsplit

import pytest
import time_machine
from django.core.cache import cache
from django.test import override_settings

from projects import payroll
from tests.conftest import make_staff
from tests.factories import EnterpriseFactory, ProjectFactory, resident_id

pytestmark = pytest.mark.django_db

TODAY = dt.datetime(2026, 7, 15, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))
WORKER_ID = resident_id("15092119850612301")
WORKER_PHONE = "13947401234"
OTHER_ID = resident_id("15260119880909402")


@pytest.fixture(autouse=True)
def _fresh():
    cache.clear()
    with time_machine.travel(TODAY, tick=False):
        yield
    cache.clear()


@pytest.fixture
def project(db):
    contractor = EnterpriseFactory(name="内蒙古北疆建设集团有限公司")
    project = ProjectFactory(name="卓资县老旧小区改造工程", general_contractor=contractor,
                             contractor_name=contractor.name, contractor_credit_code=contractor.credit_code)
    by = make_staff("intake", username="wage_page_intake")
    lines = {
        4: [(WORKER_ID, "6000", "6000", dt.date(2026, 5, 10)), (OTHER_ID, "9100", "9100", dt.date(2026, 5, 10))],
        5: [(OTHER_ID, "9100", "9100", dt.date(2026, 6, 10))],
        6: [(WORKER_ID, "6000", "3500", dt.date(2026, 7, 10)), (OTHER_ID, "9100", "9100", dt.date(2026, 7, 10))],
    }
    for month, rows in lines.items():
        payroll.put_payroll(project=project, month=dt.date(2026, month, 1), by=by, rows=[
            (n, {"worker_name": "王勇" if id_number == WORKER_ID else "李春梅", "id_number": id_number,
                 "phone": WORKER_PHONE if id_number == WORKER_ID else "13947409999", "wage_due": due,
                 "wage_paid": paid, "paid_on": paid_on})
            for n, (id_number, due, paid, paid_on) in enumerate(rows)])
    return project


def _post(client, project, id_number=WORKER_ID, phone=WORKER_PHONE):
    return client.post(f"/q/{project.public_id}/wages/", {"id_number": id_number, "phone": phone})


def test_the_project_page_leads_to_the_wage_check(client, project):
    page = client.get(f"/q/{project.public_id}/").content.decode()
    assert f'href="/q/{project.public_id}/wages/"' in page
    form = client.get(f"/q/{project.public_id}/wages/").content.decode()
    assert "卓资县老旧小区改造工程" in form and 'name="id_number"' in form


def test_the_worker_sees_their_months_and_no_one_elses(client, project):
    response = _post(client, project)
    assert response.status_code == 200
    page = response.content.decode()
    rows = re.findall(r'<tr class="wage-(\w+)" data-month="([\d-]+)">', page)
    assert rows == [("short", "2026-06"), ("missing", "2026-05"), ("paid", "2026-04")]
    assert "3,500.00" in page and "工资表中没有您的记录" in page
    assert "9,100" not in page and "李春梅" not in page and OTHER_ID not in page and WORKER_ID not in page
    assert response["Cache-Control"].startswith("max-age=0")


def test_one_tap_opens_the_clue_form_with_project_employer_and_months(client, project):
    page = _post(client, project).content.decode()
    link = html.unescape(re.search(r'id="wage-report-link" href="([^"]+)"', page).group(1))
    query = parse_qs(urlsplit(link).query)
    assert query["project"] == [project.code] and query["owed_from"] == ["2026-05"]
    assert query["owed_to"] == ["2026-06"] and query["amount_owed"] == ["2500.00"]
    form = client.get(link).content.decode()
    assert 'value="内蒙古北疆建设集团有限公司"' in form
    assert 'name="owed_from" value="2026-05"' in form and 'name="owed_to" value="2026-06"' in form
    assert 'value="2500.00"' in form
    assert "2026-05 工资表中没有我的记录;2026-06 应发 6000.00 元、实发 3500.00 元" in form


def test_a_link_cannot_put_anything_into_the_form(client, project):
    form = client.get("/report/?owed_from=2026-99&amount_owed=1e30&employer=" + "长" * 300).content.decode()
    assert 'name="owed_from" value=' not in form and "1e30" not in form and "长" * 300 not in form


def test_a_wrong_pair_gets_one_neutral_message(client, project):
    for id_number, phone in ((WORKER_ID, "13947409999"), (OTHER_ID, WORKER_PHONE), ("123", "abc")):
        page = _post(client, project, id_number, phone).content.decode()
        assert "身份证号或手机号不正确,或该项目的工资表中没有您的记录。" in page
        assert 'id="wage-months"' not in page


def test_an_unknown_code_is_a_plain_404(client):
    response = client.get("/q/00000000-0000-0000-0000-000000000000/wages/")
    assert response.status_code == 404
    assert "没有找到这个二维码对应的工程项目" in response.content.decode()


@override_settings(PUBLIC_RATE_LIMIT="3/m")
def test_checks_are_rate_limited_with_a_friendly_message(client, project):
    for _attempt in range(3):
        _post(client, project, phone="13900000000")
    response = _post(client, project)
    assert response.status_code == 429
    page = response.content.decode()
    assert "查询次数过多" in page and 'id="wage-months"' not in page

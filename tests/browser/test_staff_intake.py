"""The intake form in Chromium, used the way a hotline operator uses it: keyboard first, during a call."""

import re

import pytest

from accounts.roles import Role
from clues.models import Clue
from tests.conftest import make_staff
from tests.factories import DEFAULT_PASSWORD, ProjectFactory

pytestmark = pytest.mark.django_db(transaction=True)


def login(page, live_server, username):
    page.goto(f"{live_server.url}/login/?next=/clues/new/")
    page.fill("#id_username", username)
    page.fill("#id_password", DEFAULT_PASSWORD)
    page.click("button[type=submit]")


def focused(page):
    return page.evaluate("document.activeElement && document.activeElement.name")


def test_a_hotline_operator_enters_a_clue_with_the_keyboard(live_server, page):
    make_staff(Role.INTAKE, username="hotline")
    ProjectFactory(code="WLCB-2026-0002", name="卓资县三北防护林工程")
    page.set_viewport_size({"width": 1366, "height": 900})  # a desk PC at the hotline
    login(page, live_server, "hotline")

    assert page.locator("h1").inner_text().startswith("录入线索")
    assert focused(page) == "channel"
    page.keyboard.press("Tab")
    assert focused(page) == "received_at"
    for _ in range(10):  # the datetime-local input has sub-fields; the name field comes next
        if focused(page) == "complainant_name":
            break
        page.keyboard.press("Tab")
    assert focused(page) == "complainant_name"
    page.keyboard.type("王勇")
    page.keyboard.press("Tab")
    assert focused(page) == "complainant_phone"
    page.keyboard.type("1380013800")  # one digit short

    page.fill("#id_employer_name", "乌兰察布绿源生态建设有限公司")
    page.fill("#id_project_code", "三北")
    page.locator("#project-options option").first.wait_for(state="attached")  # no eval: the page has a CSP
    assert page.locator("#project-options option").first.get_attribute("value") == "WLCB-2026-0002"
    page.fill("#id_project_code", "WLCB-2026-0002")
    page.fill("#id_worker_count", "8")
    page.fill("#id_amount_owed", "64000")
    page.click("#intake-form button[type=submit]")

    error = page.locator("#id_complainant_phone_errors")
    assert error.inner_text() == "请输入11位手机号码,例如 13800138000"
    assert page.input_value("#id_employer_name") == "乌兰察布绿源生态建设有限公司"
    page.fill("#id_complainant_phone", "13800138000")
    page.click("#intake-form button[type=submit]")

    page.wait_for_url(re.compile(r"/clues/\d+/$"))
    clue = Clue.objects.get()
    assert f"线索已录入,查询码 {clue.tracking_code}" in page.locator(".messages").inner_text()
    assert clue.channel == "hotline_12333" and clue.created_by.username == "hotline"
    assert clue.project.code == "WLCB-2026-0002"
    assert "138****8000" in page.content()

"""A worker on an iPhone-sized Chromium: scan a project's code, fix a mistyped number, file, follow it."""

import re

import pytest

from clues.models import Clue
from tests.factories import ProjectFactory


@pytest.fixture
def browser_context_args(browser_context_args, playwright):
    return {**browser_context_args, **playwright.devices["iPhone 13"], "locale": "zh-CN"}


@pytest.mark.django_db(transaction=True)
def test_worker_files_a_clue_from_a_project_code_and_follows_it(live_server, page):
    project = ProjectFactory(name="集宁区老旧小区改造工程(一期)", address="集宁区新华街与解放路交叉口")
    page.goto(f"{live_server.url}/q/{project.public_id}/")
    assert page.viewport_size["width"] == 390
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # no sideways scrolling on a phone

    # The code filled in the project, its district and sector, and the general contractor.
    assert page.locator("#project-name").inner_text() == "集宁区老旧小区改造工程(一期)"
    assert "住房和城乡建设局" in page.locator("#project-section").inner_text()
    assert page.input_value("#id_employer_name") == "内蒙古北疆建设集团有限公司"
    assert page.input_value("#id_district_code") == "150921"

    page.fill("#id_worker_count", "4")
    page.fill("#id_amount_owed", "12000")
    page.fill("#id_owed_from", "2026-08")
    page.fill("#id_owed_to", "2026-10")
    page.fill("#id_description", "8月到10月的工资没有发,班组长说等甲方拨款。")
    page.fill("#id_complainant_name", "王勇")
    page.fill("#id_complainant_phone", "1380013800")  # one digit short
    page.check("#id_consent")
    page.click("#submit-clue")

    error = page.locator("#field-complainant_phone .errorlist")
    assert error.inner_text() == "请输入11位手机号码,例如 13800138000"
    assert error.is_visible()
    assert page.input_value("#id_complainant_phone") == "1380013800"
    assert page.input_value("#id_complainant_name") == "王勇"
    assert page.input_value("#id_amount_owed") == "12000"
    assert page.input_value("#id_owed_from") == "2026-08"
    assert page.input_value("#id_description") == "8月到10月的工资没有发,班组长说等甲方拨款。"
    assert page.is_checked("#id_consent")
    assert not Clue.objects.exists()

    page.fill("#id_complainant_phone", "13800138000")
    page.click("#submit-clue")
    shown = page.locator("#tracking-code").inner_text()
    clue = Clue.objects.get()
    assert re.sub(r"\s", "", shown) == clue.tracking_code
    assert clue.channel == "qr" and clue.project_id == project.pk
    page.reload()  # Post/Redirect/Get: reloading shows the code again and files nothing
    assert Clue.objects.count() == 1

    page.click("#track-link")
    assert page.input_value("#track-code") == clue.tracking_code
    page.fill("#track-phone", "13800138000")
    page.click("#track-submit")
    assert page.locator("#status-label").inner_text() == "已归集"
    assert page.locator("#status-text").inner_text() == "已受理,正在分派承办单位"
    assert "线索归集" in page.locator("#timeline").inner_text()

"""A worker on an iPhone-sized Chromium: scan a project's code, fix a mistyped number, file, follow it."""

import re

import pytest

from clues.models import Clue
from tests.clues.lifecycle_helpers import new_clue, to_closed
from tests.conftest import make_staff
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


def in_view(page, selector):
    box = page.locator(selector).bounding_box()
    viewport = page.viewport_size
    return box is not None and 0 <= box["y"] and box["y"] + box["height"] <= viewport["height"]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_after_a_failed_submit_the_first_field_in_error_is_in_view_with_the_focus(live_server, page):
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/report/")
    page.fill("#id_employer_name", "乌兰察布市宏达建筑工程有限公司")
    page.fill("#id_worker_count", "4")
    page.fill("#id_amount_owed", "12000")
    page.fill("#id_complainant_name", "王勇")
    page.fill("#id_complainant_phone", "1380013800")  # one digit short: far down the page
    page.click("#submit-clue")
    page.wait_for_selector("#error-summary")

    assert page.evaluate("document.activeElement.id") == "id_complainant_phone"
    assert in_view(page, "#id_complainant_phone") and in_view(page, "label[for=id_complainant_phone]")
    assert page.evaluate("window.scrollY") > 1000  # the page went down to it
    # The summary at the top names both problems and takes the worker to each.
    summary = page.locator("#error-summary")
    assert "手机号码:请输入11位手机号码" in summary.inner_text() and "个人信息处理说明" in summary.inner_text()
    page.evaluate("window.scrollTo(0, 0)")
    summary.locator("a[data-field=consent]").click()
    assert page.evaluate("document.activeElement.id") == "id_consent" and in_view(page, "#id_consent")


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_every_control_on_the_workers_pages_is_at_least_44_px(live_server, page):
    clue = new_clue(complainant_phone="13800138000", tracking_code="K7M2Q9XH4P")
    to_closed(clue, make_staff("intake", username="px_intake"), make_staff("officer", "150921", username="px_off"))
    page.set_viewport_size({"width": 390, "height": 844})
    small = """() => [...document.querySelectorAll(
            ['main a', 'main button', 'main input', 'main select', 'main textarea', 'footer a'].join(','))]
        .filter(el => el.type !== 'hidden' && el.offsetParent !== null)
        .map(el => { const target = (el.type === 'checkbox' || el.type === 'radio') ? el.closest('label') : el;
                     const box = target.getBoundingClientRect();
                     return [el.id || el.name || el.textContent.trim(), Math.round(box.height)]; })
        .filter(([name, height]) => height < 44)"""
    page.goto(f"{live_server.url}/")
    assert page.evaluate(small) == []
    page.goto(f"{live_server.url}/report/")
    page.click("#submit-clue")  # with every error shown, and the amount confirmation box
    assert page.evaluate(small) == []
    page.fill("#id_amount_owed", "999999999999")
    page.click("#submit-clue")
    assert page.locator("#id_confirm_amount").is_visible()
    assert page.evaluate(small) == []
    page.goto(f"{live_server.url}/track/?code=K7M2Q9XH4P")
    assert page.evaluate(small) == []
    page.fill("#track-phone", "13800138000")
    page.click("#track-submit")
    assert page.locator("#result-text").is_visible() and page.locator("#followup").is_visible()
    assert page.evaluate(small) == []

"""One clue's whole journey in Chromium: a worker files it on the public form; the intake clerk transfers it
to 卓资县 with the suggested one-click button; a 卓资县 officer claims it, records the first call and resolves
it; a supervisor approves; the worker rates the result. Three staff members log in and out in the browser,
and after each step the worker's progress page shows that step in its timeline."""

import re

import pytest

from clues.models import Clue
from tests.conftest import make_staff
from tests.factories import DEFAULT_PASSWORD

WORKER_PHONE = "13847411234"


def log_in(page, base, username):
    page.goto(f"{base}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", DEFAULT_PASSWORD)
    page.click("button[type=submit]")
    assert page.locator(".account").is_visible()


def log_out(page):
    page.click("text=退出")
    assert page.locator("h1").inner_text() == "工作人员登录"


def worker_timeline(worker, progress_url):
    worker.goto(progress_url)
    return worker.locator("#timeline").inner_text()


@pytest.mark.django_db(transaction=True)
def test_one_clue_from_the_workers_phone_to_the_workers_rating(live_server, page, browser, playwright):
    base = live_server.url
    make_staff("intake", username="clerk", last_name="李", first_name="受理")
    make_staff("officer", "150921", username="zz_officer", last_name="赵", first_name="承办")
    make_staff("supervisor", username="leader", last_name="孙", first_name="督办")

    # --- the worker files the clue on a phone -----------------------------------------------------------
    phone_context = browser.new_context(**playwright.devices["iPhone 13"], locale="zh-CN",
                                        timezone_id="Asia/Shanghai")
    worker = phone_context.new_page()
    worker.goto(f"{base}/report/")
    worker.fill("#id_project_name", "卓资县城关镇保障房项目")
    worker.fill("#id_employer_name", "乌兰察布市恒信建筑劳务有限公司")
    worker.select_option("#id_district_code", "150921")
    worker.fill("#id_work_address", "卓资县城关镇")
    worker.fill("#id_worker_count", "4")
    worker.fill("#id_amount_owed", "12000")
    worker.fill("#id_description", "9月和10月的工资一直没发。")
    worker.fill("#id_complainant_name", "王勇")
    worker.fill("#id_complainant_phone", WORKER_PHONE)
    worker.check("#id_consent")
    worker.click("#submit-clue")
    code = re.sub(r"\s", "", worker.locator("#tracking-code").inner_text())
    clue = Clue.objects.get(tracking_code=code)
    assert clue.suggested_district.code == "150921"

    worker.click("#track-link")
    worker.fill("#track-phone", WORKER_PHONE)
    worker.click("#track-submit")
    progress_url = worker.url
    assert "线索归集" in worker.locator("#timeline").inner_text()

    # --- the intake clerk transfers it with the suggested unit's one-click button -----------------------
    log_in(page, base, "clerk")
    page.click("nav.mainnav >> text=研判转办")
    row = page.locator("tr", has_text=code)
    assert "卓资县" in row.inner_text()
    row.locator("button", has_text="转办至卓资县").click()
    assert "已转办至卓资县。" in page.locator(".messages").inner_text()
    assert page.locator("tr", has_text=code).count() == 0  # gone from the triage queue
    log_out(page)
    assert "已转交卓资县办理" in worker_timeline(worker, progress_url)

    # --- the 卓资县 officer claims, records the first call and resolves ------------------------------------
    log_in(page, base, "zz_officer")
    page.click("nav.mainnav >> text=本单位线索")
    page.locator("#to-claim tr", has_text=code).locator("button", has_text="认领").click()
    assert "已认领线索" in page.locator(".messages").inner_text()
    assert page.locator("#clue-status").inner_text() == "办理中"
    assert "卓资县已认领,正在核查处理" in worker_timeline(worker, progress_url)

    page.select_option("#record_kind", "contact")
    page.fill("#record_note", "电话联系王勇,核实4人9-10月工资12000元")
    page.click("#record button[type=submit]")
    assert "已添加办理记录。" in page.locator(".messages").inner_text()
    assert "电话联系王勇" in page.locator("#records").inner_text()
    assert "电话联系王勇" not in worker_timeline(worker, progress_url)  # internal notes stay internal

    page.select_option("#resolve_result", "paid_in_full")
    page.click("#resolve button[type=submit]")  # forgot the money: refused, nothing lost
    assert "结论为支付工资时,须填写追回金额。" in page.locator("#resolve").inner_text()
    assert page.input_value("#resolve_result") == "paid_in_full"
    page.fill("#resolve_amount_recovered", "12000")
    page.fill("#resolve_workers_paid", "4")
    page.fill("#resolve_note", "经协调,劳务公司已足额支付")
    page.click("#resolve button[type=submit]")
    assert "已办结,等待市级审核。" in page.locator(".messages").inner_text()
    log_out(page)
    assert "卓资县已办结,结论:已足额支付;市级正在审核" in worker_timeline(worker, progress_url)

    # --- the supervisor approves from the review queue ---------------------------------------------------
    log_in(page, base, "leader")
    page.click("nav.mainnav >> text=审核")
    row = page.locator("tr", has_text=code)
    assert "已足额支付" in row.inner_text() and "按时" in row.inner_text()
    row.locator("button", has_text="通过").click()
    assert "审核通过,线索已办结。" in page.locator(".messages").inner_text()
    log_out(page)
    timeline = worker_timeline(worker, progress_url)
    assert "审核通过" in timeline and "已办结:已足额支付" in timeline

    # --- the worker rates the result ---------------------------------------------------------------------
    worker.check("input[name=satisfied][value=satisfied]")
    worker.click("#followup-submit")
    assert "回访评价:满意" in worker.locator("#timeline").inner_text()

    # The clerk sees the whole story, the worker's rating included, on the clue page.
    log_in(page, base, "clerk")
    page.goto(f"{base}/clues/{clue.pk}/")
    story = page.locator("#timeline").inner_text()
    for step in ("线索归集", "转办", "认领", "办理记录", "承办单位办结", "审核通过", "回访"):
        assert step in story
    assert "赵承办 · 卓资县" in story and "反映人" in story
    phone_context.close()

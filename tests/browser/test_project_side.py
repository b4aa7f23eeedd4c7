"""The monitoring platform in Chromium, under the Content-Security-Policy: an officer verifying evidence on a
project page, the 劳资专管员 uploading a payroll from a phone (a bad row, then a clean re-upload), and a worker
checking their own wages from the project's QR page and starting a clue from a short month."""

import csv
import io

import pytest
from django.utils import timezone

from accounts.roles import Role
from accounts.services import staff_set_role
from core.months import add_months, month_start
from projects import payroll, services
from projects.models import Duty, PayrollMonth, Verification
from tests.browser.test_report_board import log_in
from tests.conftest import make_staff
from tests.factories import EnterpriseFactory, ProjectFactory, UserFactory, resident_id
from units.models import Unit
from wage_warnings.evaluation import evaluate
from wage_warnings.models import Rule

WORKER_ID = resident_id("15092119850612301")
OTHER_ID = resident_id("15260119880909402")
WORKER_PHONE = "13947401234"
PHONE = {"width": 390, "height": 844}


def months_back(count):
    """The first day of the month `count` months before this one (1 = last month)."""
    return add_months(month_start(timezone.localdate()), -count)


def _project(**extra):
    contractor = EnterpriseFactory(name="内蒙古北疆建设集团有限公司")
    return ProjectFactory(code="WLCB-BR-0001", name="卓资县老旧小区改造工程", general_contractor=contractor,
                          contractor_name=contractor.name, contractor_credit_code=contractor.credit_code,
                          contract_date=months_back(6), start_date=months_back(5), **extra)


def _no_console_errors(page):
    problems = []
    page.on("console", lambda message: message.type == "error" and problems.append((page.url, message.text)))
    page.on("response", lambda response: response.status >= 400 and problems.append((response.url, response.status)))
    return problems


@pytest.mark.django_db(transaction=True)
def test_an_officer_verifies_one_duty_and_rejects_another_on_the_project_page(live_server, page):
    Rule.objects.exclude(code__in=["wage_account_missing", "roster_missing"]).update(is_active=False)
    project = _project()
    officer = make_staff(Role.OFFICER, "150921", username="br_officer_zz")
    manager = UserFactory(username="br_manager", unit=None, phone="13947400099")
    staff_set_role(manager, Role.WAGE_MANAGER)
    project.managers.add(manager)
    services.duty_submit(project=project, kind="wage_account", by=manager,
                         values={"bank": "中国农业银行卓资县支行", "account_number": "15050101040012345",
                                 "opened_on": months_back(5), "bank_reference": "HD20260301001"})
    services.duty_submit(project=project, kind="roster", by=manager,
                         values={"headcount": 40, "updated_on": months_back(1), "bank_reference": "RS001"})
    evaluate()
    problems = _no_console_errors(page)

    log_in(page, live_server, officer.username)
    page.goto(f"{live_server.url}/projects/")
    page.click(f"text={project.name}")
    page.wait_for_selector("#duties")
    assert page.locator("#project-title").inner_text() == project.name
    # The officer verifying the account sees its number in full.
    assert "15050101040012345" in page.locator("#duty-wage_account").inner_text()
    assert "待核验" in page.locator("#duty-wage_account").inner_text()

    page.click("#duty-wage_account button[value=verify]")
    page.wait_for_selector(".messages")
    assert "已记录核验结果" in page.locator(".messages").inner_text()
    assert "已核验" in page.locator("#duty-wage_account").inner_text()

    # A rejection needs its reason: without one nothing changes and the page says why.
    page.click("#duty-roster button[value=reject]")
    page.wait_for_selector(".messages")
    assert Duty.objects.get(project=project, kind="roster").state == Verification.SUBMITTED
    page.fill("#duty-roster input[name=reason]", "花名册人数与考勤不符,请核对后重新提交")
    page.click("#duty-roster button[value=reject]")
    page.wait_for_selector("#duty-roster >> text=已退回")
    roster = Duty.objects.get(project=project, kind="roster")
    assert roster.state == Verification.REJECTED and roster.rejection_reason.startswith("花名册人数")
    assert not problems, problems


def _csv(rows):
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(list(payroll.COLUMNS))
    writer.writerows(rows)
    return ("\ufeff" + out.getvalue()).encode("utf-8")


@pytest.fixture
def phone_context(browser_context_args, playwright):
    return {**browser_context_args, **playwright.devices["iPhone 13"], "locale": "zh-CN"}


@pytest.mark.django_db(transaction=True)
def test_the_wage_manager_uploads_a_payroll_from_a_phone(live_server, browser, phone_context, tmp_path):
    project = _project()
    manager = UserFactory(username="br_manager_phone", unit=None, phone="13947400099")
    staff_set_role(manager, Role.WAGE_MANAGER)
    project.managers.add(manager)
    month = months_back(1)
    paid_on = timezone.localdate().replace(day=1).isoformat()
    good = [["王勇", WORKER_ID, WORKER_PHONE, "6222020200112230001", "钢筋班", "22", "6000.00", "6000.00", paid_on],
            ["李春梅", OTHER_ID, "13947409999", "6222020200112230002", "木工班", "20", "5400.00", "5400.00", paid_on]]
    bad = [good[0], ["李春梅", OTHER_ID[:-1] + ("0" if OTHER_ID[-1] != "0" else "1"), "13947409999", "", "木工班",
                     "20", "5400.00", "5400.00", paid_on]]
    bad_file, good_file = tmp_path / "工资表-有误.csv", tmp_path / "工资表.csv"
    bad_file.write_bytes(_csv(bad))
    good_file.write_bytes(_csv(good))

    context = browser.new_context(**phone_context)
    page = context.new_page()
    problems = _no_console_errors(page)
    log_in(page, live_server, manager.username)
    page.goto(f"{live_server.url}/projects/{project.code}/workspace/")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    todo = page.locator("#todo-list").inner_text()
    assert "农民工工资专用账户" in todo and f"{month:%Y-%m}" in todo  # the account, last month's payroll

    page.fill("#payroll-upload input[name=month]", f"{month:%Y-%m}")
    page.set_input_files("#payroll-upload input[type=file]", str(bad_file))
    page.click("#payroll-submit")
    page.wait_for_selector("#payroll-job[data-state=refused]")
    errors = page.locator("#payroll-errors").inner_text()
    assert "第 3 行" in errors and "校验位" in errors
    assert not PayrollMonth.objects.filter(project=project).exists()

    page.click("text=返回工作台")
    page.fill("#payroll-upload input[name=month]", f"{month:%Y-%m}")
    page.set_input_files("#payroll-upload input[type=file]", str(good_file))
    page.click("#payroll-submit")
    page.wait_for_selector("#payroll-done")
    assert "第1版" in page.locator("#payroll-done").inner_text()
    assert "2 / 2" in page.locator("#payroll-result").inner_text()
    page.click("#payroll-result a")
    page.wait_for_selector("table")
    detail = page.locator("body").inner_text()
    assert "王勇" in detail and WORKER_ID not in detail  # the ID number masked
    assert WORKER_ID[:4] in detail and WORKER_ID[-4:] in detail
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    current = PayrollMonth.objects.get(project=project, month=month, is_current=True)
    assert (current.lines, current.headcount_paid) == (2, 2)
    assert not problems, problems
    context.close()


@pytest.mark.django_db(transaction=True)
def test_a_worker_checks_their_wages_from_the_projects_code_and_reports_a_short_month(live_server, browser,
                                                                                      phone_context):
    project = _project(district=Unit.objects.get(code="150921"))
    by = make_staff(Role.INTAKE, username="br_wage_intake")
    paid_on = timezone.localdate().replace(day=1)
    sheets = {
        3: [(WORKER_ID, WORKER_PHONE, "6000", "6000"), (OTHER_ID, "13947409999", "9100", "9100")],
        2: [(OTHER_ID, "13947409999", "9100", "9100")],  # the worker's line is missing this month
        1: [(WORKER_ID, WORKER_PHONE, "6000", "3500"), (OTHER_ID, "13947409999", "9100", "9100")],
    }
    for back, rows in sheets.items():
        payroll.put_payroll(project=project, month=months_back(back), by=by, rows=[
            (n, {"worker_name": "王勇" if id_number == WORKER_ID else "李春梅", "id_number": id_number,
                 "phone": phone, "wage_due": due, "wage_paid": paid, "paid_on": paid_on})
            for n, (id_number, phone, due, paid) in enumerate(rows, start=2)])

    context = browser.new_context(**phone_context)
    page = context.new_page()
    problems = _no_console_errors(page)
    page.goto(f"{live_server.url}/q/{project.public_id}/")
    page.click("#wage-check-link")
    page.wait_for_selector("#wage-id")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    # Someone else's ID number with the worker's phone: one neutral answer, nobody's figures.
    page.fill("#wage-id", OTHER_ID)
    page.fill("#wage-phone", WORKER_PHONE)
    page.click("#wage-submit")
    page.wait_for_selector("#wage-miss")
    assert "9100" not in page.locator("body").inner_text()

    page.fill("#wage-id", WORKER_ID)
    page.fill("#wage-phone", WORKER_PHONE)
    page.click("#wage-submit")
    page.wait_for_selector("#wage-months")
    rows = page.locator("#wage-months tbody tr")
    assert rows.count() == 3
    states = {row.get_attribute("data-month"): row.get_attribute("class") for row in rows.all()}
    assert states == {f"{months_back(3):%Y-%m}": "wage-paid", f"{months_back(2):%Y-%m}": "wage-missing",
                      f"{months_back(1):%Y-%m}": "wage-short"}
    assert "9,100" not in page.locator("#wage-months").inner_text()  # only the worker's own lines
    # The answer is not kept: the ID number is not left in the form.
    assert WORKER_ID not in page.content()

    page.click("#wage-report-link")
    page.wait_for_selector("#submit-clue")
    assert page.locator("#project-name").inner_text() == project.name
    assert page.input_value("#id_owed_from") == f"{months_back(2):%Y-%m}"
    assert page.input_value("#id_owed_to") == f"{months_back(1):%Y-%m}"
    assert page.input_value("#id_amount_owed").startswith("2500")
    assert "没有我的记录" in page.input_value("#id_description")
    assert not problems, problems
    context.close()

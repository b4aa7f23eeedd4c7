"""Each warning rule opens on constructed data at the right moment (Beijing month ends, the 5th, 30 days after the
contract) and closes by itself (销号) once the data show the condition cleared."""

import datetime as dt
from decimal import Decimal

import pytest

from clues.models import Clue
from projects.models import Enterprise, Project, ProjectParty
from tests.factories import (
    ClueFactory,
    DutyFactory,
    EnterpriseFactory,
    LabourAllocationFactory,
    PayrollMonthFactory,
    ProjectFactory,
)
from units.models import Unit
from wage_warnings.models import Rule, WageWarning

from .helpers import at, evaluate_at, states, warnings_of

pytestmark = pytest.mark.django_db
OPEN, CLOSED = WageWarning.State.OPEN, WageWarning.State.CLOSED


def complete(project, *, account=True, deposit=True, roster=True, board=True):
    """Enter the standing duties, so a test sees only the rule it is about."""
    if account:
        DutyFactory(project=project, kind="wage_account", bank="中国农业银行乌兰察布分行", account_number="0566010401")
    if deposit:
        DutyFactory(project=project, kind="deposit", deposit_kind="bank_guarantee", amount=Decimal("900000"))
    if roster:
        DutyFactory(project=project, kind="roster", headcount=20)
    if board:
        DutyFactory(project=project, kind="notice_board")


def only_rule(code):
    """Switch every other rule off (their warnings would only be noise here)."""
    Rule.objects.exclude(code=code).update(is_active=False)


# --- standing duties -----------------------------------------------------------------------------------------

def test_no_wage_account_30_days_after_the_contract_is_red_until_the_account_is_entered():
    only_rule("wage_account_missing")
    project = ProjectFactory(contract_date=dt.date(2026, 3, 2), start_date=dt.date(2026, 3, 20))
    evaluate_at(at(2026, 4, 1, 23, 59))  # the 30th day after the contract: still within the time
    assert warnings_of(project) == []
    evaluate_at(at(2026, 4, 2, 0, 0, 1))
    [warning] = warnings_of(project)
    assert (warning.level, warning.period, warning.state) == ("red", "", OPEN)
    assert "合同签订于2026-03-02" in warning.detail and "2026-04-01前开设" in warning.detail

    account = DutyFactory(project=project, kind="wage_account", account_number="0566010401")
    evaluate_at(at(2026, 4, 9, 10))
    warning.refresh_from_db()
    assert (warning.state, warning.close_reason) == (CLOSED, "cleared")
    assert warning.closed_at == at(2026, 4, 9, 10)

    # The officer rejects the evidence: the same warning opens again, saying why.
    account.state, account.rejection_reason = "rejected", "开户许可证与项目名称不符"
    account.save()
    evaluate_at(at(2026, 4, 10, 10))
    warning.refresh_from_db()
    assert (warning.state, warning.times_opened, warning.closed_at) == (OPEN, 2, None)
    assert "开户许可证与项目名称不符" in warning.detail
    assert WageWarning.objects.filter(project=project).count() == 1


def test_the_contract_date_missing_counts_from_the_start_date():
    only_rule("wage_account_missing")
    project = ProjectFactory(contract_date=None, start_date=dt.date(2026, 5, 1))
    evaluate_at(at(2026, 6, 1, 8))
    [warning] = warnings_of(project)
    assert "开工于2026-05-01" in warning.detail


@pytest.mark.parametrize(("contract_sum", "deposit", "problem"), [
    (Decimal("5000000"), None, "未存储工资保证金"),
    (Decimal("5000000"), {"deposit_kind": "exempt", "exemption_reason": "小型项目"}, "不符合免缴条件"),
    (Decimal("2000000"), {"deposit_kind": "exempt", "exemption_reason": ""}, "未录入免缴理由"),
    (Decimal("2000000"), {"deposit_kind": "exempt", "exemption_reason": "合同额低于300万元"}, None),
    (Decimal("5000000"), {"deposit_kind": "cash", "amount": Decimal("30000")}, "低于合同金额的1%"),
    (Decimal("5000000"), {"deposit_kind": "cash", "amount": Decimal("50000")}, None),
    (Decimal("5000000"), {"deposit_kind": "bank_guarantee", "amount": Decimal("150000"), "state": "rejected",
                          "rejection_reason": "保函已过期"}, "保函已过期"),
])
def test_deposit_missing_or_not_exempt(contract_sum, deposit, problem):
    only_rule("deposit_missing")
    project = ProjectFactory(contract_date=dt.date(2026, 1, 5), contract_sum=contract_sum)
    if deposit:
        DutyFactory(project=project, kind="deposit", **deposit)
    evaluate_at(at(2026, 3, 1, 9))
    found = warnings_of(project)
    if problem is None:
        assert found == []
    else:
        [warning] = found
        assert warning.level == "red" and problem in warning.detail


def test_roster_and_notice_board_missing_are_yellow_and_clear_when_entered():
    Rule.objects.exclude(code__in=["roster_missing", "notice_board_missing"]).update(is_active=False)
    project = ProjectFactory(start_date=dt.date(2026, 5, 10))
    DutyFactory(project=project, kind="roster", headcount=0)
    evaluate_at(at(2026, 5, 10, 20))  # the day work starts: not yet
    assert warnings_of(project) == []
    evaluate_at(at(2026, 5, 11, 8))
    assert {(w.rule.code, w.level) for w in warnings_of(project)} == {("roster_missing", "yellow"),
                                                                      ("notice_board_missing", "yellow")}
    project.duties.filter(kind="roster").update(headcount=35)
    DutyFactory(project=project, kind="notice_board")
    evaluate_at(at(2026, 5, 12, 8))
    assert {w.state for w in warnings_of(project)} == {CLOSED}


# --- monthly money ---------------------------------------------------------------------------------------------

def test_labour_cost_allocation_missing_opens_at_the_beijing_month_end_for_that_month():
    only_rule("allocation_missing")
    project = ProjectFactory(start_date=dt.date(2026, 1, 10))
    LabourAllocationFactory(project=project, month=dt.date(2026, 1, 1), paid_on=dt.date(2026, 1, 20))
    evaluate_at(at(2026, 2, 28, 23, 59, 59))  # February is not over in Beijing
    assert states(project, "allocation_missing") == {}
    evaluate_at(dt.datetime(2026, 2, 28, 16, 0, 1, tzinfo=dt.UTC))  # 00:00:01 on 1 March in Beijing
    assert states(project, "allocation_missing") == {"2026-02": OPEN}

    LabourAllocationFactory(project=project, month=dt.date(2026, 2, 1), paid_on=dt.date(2026, 3, 3))
    evaluate_at(at(2026, 3, 2, 12))  # the transfer is dated tomorrow: not counted yet
    assert states(project, "allocation_missing") == {"2026-02": OPEN}
    evaluate_at(at(2026, 3, 3, 12))
    [warning] = warnings_of(project, "allocation_missing")
    assert (warning.state, warning.closed_at) == (CLOSED, at(2026, 3, 3, 12))


def test_a_month_before_the_start_is_not_due():
    only_rule("allocation_missing")
    project = ProjectFactory(start_date=dt.date(2026, 4, 15))
    evaluate_at(at(2026, 4, 1, 1))  # March: the project had not started
    assert states(project, "allocation_missing") == {}
    evaluate_at(at(2026, 5, 1, 1))
    assert states(project, "allocation_missing") == {"2026-04": OPEN}


def test_pre_allocation_by_the_5th_for_government_projects_only():
    only_rule("pre_allocation_missing")
    government = ProjectFactory(start_date=dt.date(2026, 3, 1), is_government_invested=True)
    private = ProjectFactory(start_date=dt.date(2026, 3, 1), is_government_invested=False)
    on_time = ProjectFactory(start_date=dt.date(2026, 3, 1), is_government_invested=True)
    for project in (government, on_time):
        for month in (3, 4):
            LabourAllocationFactory(project=project, month=dt.date(2026, month, 1), is_pre_allocation=True,
                                    paid_on=dt.date(2026, month, 2))
    LabourAllocationFactory(project=on_time, month=dt.date(2026, 5, 1), is_pre_allocation=True,
                            paid_on=dt.date(2026, 5, 5))
    evaluate_at(at(2026, 5, 5, 23, 59, 59))
    assert WageWarning.objects.count() == 0
    evaluate_at(at(2026, 5, 6, 0, 0, 1))
    assert states(government, "pre_allocation_missing") == {"2026-05": OPEN}
    assert warnings_of(private) == [] and warnings_of(on_time) == []
    [warning] = warnings_of(government)
    assert "2026-05-05前预拨" in warning.detail

    LabourAllocationFactory(project=government, month=dt.date(2026, 5, 1), is_pre_allocation=True,
                            paid_on=dt.date(2026, 5, 8))
    evaluate_at(at(2026, 5, 8, 18))
    assert states(government, "pre_allocation_missing") == {"2026-05": CLOSED}


def test_the_day_of_the_pre_allocation_is_a_parameter():
    only_rule("pre_allocation_missing")
    Rule.objects.filter(code="pre_allocation_missing").update(parameters={"day_of_month": 10})
    project = ProjectFactory(start_date=dt.date(2026, 3, 1), is_government_invested=True)
    for month in (3, 4):
        LabourAllocationFactory(project=project, month=dt.date(2026, month, 1), is_pre_allocation=True,
                                paid_on=dt.date(2026, month, 2))
    evaluate_at(at(2026, 5, 8, 9))
    assert warnings_of(project) == []
    evaluate_at(at(2026, 5, 11, 9))
    assert states(project, "pre_allocation_missing") == {"2026-05": OPEN}


def test_a_month_paid_late_is_red_from_the_end_of_the_next_month_until_the_payment():
    only_rule("payroll_late")
    project = ProjectFactory(start_date=dt.date(2026, 2, 1))
    for month in (2, 3):
        PayrollMonthFactory(project=project, month=dt.date(2026, month, 1), last_paid_on=dt.date(2026, month + 1, 10))
    evaluate_at(at(2026, 5, 31, 23, 59))  # April's wages may be paid until the end of May
    assert states(project, "payroll_late") == {}
    evaluate_at(at(2026, 6, 1, 0, 1))
    [warning] = warnings_of(project, "payroll_late")
    assert (warning.period, warning.state) == ("2026-04", OPEN)
    assert "2026-05-31前发放" in warning.detail and "未上传工资表" in warning.detail

    # Uploaded, nobody paid yet: still late, and the detail says so.
    payroll = PayrollMonthFactory(project=project, month=dt.date(2026, 4, 1), headcount_paid=0, total_paid=0)
    evaluate_at(at(2026, 6, 3, 9))
    warning.refresh_from_db()
    assert warning.state == OPEN and "没有实发记录" in warning.detail
    # Paid on 8 June, eight days late: 销号 that day.
    payroll.headcount_paid, payroll.last_paid_on = 20, dt.date(2026, 6, 8)
    payroll.save()
    evaluate_at(at(2026, 6, 8, 17))
    warning.refresh_from_db()
    assert (warning.state, warning.closed_at) == (CLOSED, at(2026, 6, 8, 17))


def test_paid_headcount_below_the_roster_is_yellow_and_red_over_ten_percent_until_a_reupload_pays_all():
    Rule.objects.exclude(code__in=["payroll_headcount_short", "payroll_unpaid_share"]).update(is_active=False)
    project = ProjectFactory(start_date=dt.date(2026, 1, 1))
    PayrollMonthFactory(project=project, month=dt.date(2026, 4, 1), roster_headcount=20, headcount_paid=19,
                        last_paid_on=dt.date(2026, 5, 10))
    short = ProjectFactory(start_date=dt.date(2026, 1, 1))
    first = PayrollMonthFactory(project=short, month=dt.date(2026, 4, 1), roster_headcount=20, headcount_paid=15,
                                last_paid_on=dt.date(2026, 5, 10))
    evaluate_at(at(2026, 5, 12, 9))
    [yellow] = warnings_of(project)
    assert (yellow.rule.code, yellow.level, yellow.period) == ("payroll_headcount_short", "yellow", "2026-04")
    assert "在册20人,实发19人,1人未发放(占5.00%)" in yellow.detail
    [red] = warnings_of(short)  # 25% unpaid: the red rule speaks alone
    assert (red.rule.code, red.level) == ("payroll_unpaid_share", "red")

    # The re-upload (a new version) pays everyone: both clear.
    first.is_current = False
    first.save()
    PayrollMonthFactory(project=short, month=dt.date(2026, 4, 1), version=2, roster_headcount=20,
                        last_paid_on=dt.date(2026, 5, 14))
    evaluate_at(at(2026, 5, 14, 18))
    red.refresh_from_db()
    assert red.state == CLOSED
    yellow.refresh_from_db()
    assert yellow.state == OPEN  # April of the other project is still short


def test_average_pay_below_the_district_minimum_wage():
    only_rule("below_minimum_wage")
    units = {u.code: u for u in Unit.objects.all()}
    zhuozi = ProjectFactory(district=units["150921"])  # 三类: 2250 yuan
    jining = ProjectFactory(district=units["150902"])  # 二类: 2310 yuan
    PayrollMonthFactory(project=zhuozi, month=dt.date(2026, 9, 1), lines=10, total_due=Decimal("22600"))
    low = PayrollMonthFactory(project=jining, month=dt.date(2026, 9, 1), lines=10, total_due=Decimal("23000"),
                              below_minimum=4)
    evaluate_at(at(2026, 10, 8, 9))
    assert warnings_of(zhuozi) == []
    [warning] = warnings_of(jining)
    assert warning.period == "2026-09"
    assert "人均应发2,300.00元,低于集宁区月最低工资标准2,310.00元" in warning.detail
    assert "其中4人低于标准" in warning.detail

    low.total_due = Decimal("23100")
    low.save()
    evaluate_at(at(2026, 10, 9, 9))
    warning.refresh_from_db()
    assert warning.state == CLOSED


def test_clues_concentrating_on_a_project_or_any_red_clue():
    only_rule("clue_concentration")
    project = ProjectFactory()
    other = ProjectFactory()
    for day in (1, 10):
        ClueFactory(project=project, received_at=at(2026, 9, day, 10))
    original = ClueFactory(project=project, received_at=at(2026, 9, 12, 10))
    ClueFactory(project=project, received_at=at(2026, 9, 13, 10), merged_into=original)  # a merged duplicate
    evaluate_at(at(2026, 9, 11, 12))
    assert warnings_of(project) == []
    evaluate_at(at(2026, 9, 12, 12))
    [warning] = warnings_of(project)
    assert "近30日收到涉及本项目的欠薪线索3条" in warning.detail
    evaluate_at(at(2026, 10, 2, 12))  # 1 September is more than 30 days ago now: two clues left
    warning.refresh_from_db()
    assert warning.state == CLOSED

    # One red clue is enough, at once; it keeps the warning while it is open, beyond the 30 days.
    red = ClueFactory(project=other, received_at=at(2026, 8, 1, 9), risk_color="red", status="in_progress")
    evaluate_at(at(2026, 9, 20, 9))
    [red_warning] = warnings_of(other)
    assert "重大(红色)线索1条" in red_warning.detail
    Clue.objects.filter(pk=red.pk).update(status="closed")
    evaluate_at(at(2026, 9, 21, 9))
    red_warning.refresh_from_db()
    assert red_warning.state == CLOSED


def test_an_enterprise_on_the_blacklist_raises_red_on_every_project_it_touches():
    only_rule("blacklisted_party")
    contractor = EnterpriseFactory(name="内蒙古失信建设有限公司")
    labour = EnterpriseFactory(name="乌兰察布失信劳务有限公司")
    as_contractor = ProjectFactory(general_contractor=contractor)
    as_party = ProjectFactory()
    ProjectParty.objects.create(project=as_party, enterprise=labour, role="labour_subcontractor")
    finished = ProjectFactory(general_contractor=contractor, status=Project.Status.WAGES_SETTLED)
    clean = ProjectFactory()
    evaluate_at(at(2026, 9, 1, 9))
    assert WageWarning.objects.count() == 0

    Enterprise.objects.filter(pk__in=[contractor.pk, labour.pk]).update(is_blacklisted=True)
    evaluate_at(at(2026, 9, 2, 9))
    [first] = warnings_of(as_contractor)
    assert "内蒙古失信建设有限公司(施工总承包单位)" in first.detail
    [second] = warnings_of(as_party)
    assert "乌兰察布失信劳务有限公司(劳务分包)" in second.detail
    assert warnings_of(finished) == [] and warnings_of(clean) == []

    Enterprise.objects.filter(pk=contractor.pk).update(is_blacklisted=False)
    evaluate_at(at(2026, 12, 1, 9))
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.state, second.state) == (CLOSED, OPEN)


def test_a_complete_project_paying_on_time_has_no_warning():
    project = ProjectFactory(contract_date=dt.date(2026, 1, 5), start_date=dt.date(2026, 2, 1),
                             contract_sum=Decimal("30000000"), is_government_invested=True)
    complete(project)
    for month in range(2, 10):
        LabourAllocationFactory(project=project, month=dt.date(2026, month, 1), is_pre_allocation=True,
                                paid_on=dt.date(2026, month, 3))
        PayrollMonthFactory(project=project, month=dt.date(2026, month, 1), last_paid_on=dt.date(2026, month + 1, 12))
    evaluate_at(at(2026, 9, 20, 9))
    assert warnings_of(project) == []

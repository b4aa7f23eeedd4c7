"""The enforcement API: who records and sees what (per role and unit), the actions, the ID numbers checked and
masked, the public blacklist without personal data, and the report reading back exactly the seed's figures
entered through the API."""

import datetime as dt

import pytest
import time_machine

from credit.models import EnforcementRecord
from projects.models import ProjectParty
from tests.credit.conftest import LEGAL_REP_ID, RESPONSIBLE_ID, blacklist_body, order_body
from tests.factories import EnterpriseFactory, ProjectFactory
from tests.wage_warnings.helpers import at

pytestmark = pytest.mark.django_db

URL = "/api/v1/enforcement/"
TODAY = at(2026, 6, 1, 10)


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(TODAY, tick=False):
        yield


def error(response, status):
    assert response.status_code == status, response.content
    body = response.json()["error"]
    assert {"code", "message", "fields"} <= set(body)
    return body


def test_an_officer_records_for_the_units_enterprises_and_projects_only(credit_world, api_as):
    w = credit_world
    made = api_as(w["zhuozi"]).post(URL, order_body(w["contractor"], project="ZZ-CREDIT-1"), format="json")
    assert made.status_code == 201, made.content
    assert (made.json()["unit"], made.json()["project"], made.json()["state"]) == ("150921", "ZZ-CREDIT-1", "open")

    # 丰镇市's officer: the contractor is on no 丰镇市 project.
    refused = api_as(w["fengzhen"]).post(URL, order_body(w["contractor"], number="丰人社责改1号"), format="json")
    assert error(refused, 403)["code"] == "permission_denied"
    # 住建's officer: the housing project yes, 卓资县's school (教育) no.
    housing = api_as(w["housing"])
    assert housing.post(URL, order_body(w["contractor"], number="住建责改1号", project="ZZ-CREDIT-1"),
                        format="json").status_code == 201
    assert housing.post(URL, order_body(w["contractor"], number="住建责改2号", project="ZZ-CREDIT-2"),
                        format="json").status_code == 403
    # City staff for anyone, naming the unit (or the project's district by default).
    intake = api_as(w["intake"]).post(URL, order_body(w["other"], number="市人社责改1号", unit="150981"),
                                      format="json")
    assert intake.status_code == 201 and intake.json()["unit"] == "150981"
    assert error(api_as(w["manager"]).post(URL, order_body(w["other"], number="X1"), format="json"), 403)
    assert EnforcementRecord.objects.count() == 3


def test_the_enterprise_must_be_a_party_to_the_project(credit_world, api_as):
    body = error(api_as(credit_world["intake"]).post(
        URL, order_body(credit_world["labour"], project="ZZ-CREDIT-2"), format="json"), 400)
    assert body["fields"]["project"] == ["该企业不是这个项目的参建单位。"]


def test_who_sees_which_record(credit_world, api_as):
    w = credit_world
    zz = api_as(w["zhuozi"]).post(URL, order_body(w["contractor"], project="ZZ-CREDIT-1"), format="json").json()
    fz = api_as(w["fengzhen"]).post(URL, order_body(w["other"], number="丰人社责改1号", project="FZ-CREDIT-1"),
                                    format="json").json()

    def listed(user):
        response = api_as(user).get(URL)
        assert response.status_code == 200
        return {row["number"] for row in response.json()["results"]}

    assert listed(w["supervisor"]) == {zz["number"], fz["number"]}
    assert listed(w["housing"]) == {zz["number"]}  # the project is in its sector
    # 卓资县 sees 丰镇市's record too: the enterprise is the general contractor of a 卓资县 project.
    assert listed(w["zhuozi"]) == {zz["number"], fz["number"]}
    assert listed(w["fengzhen"]) == {fz["number"]}
    assert listed(w["manager"]) == set()
    assert error(api_as(w["fengzhen"]).get(f"{URL}{zz['id']}/"), 404)
    assert error(api_as(w["fengzhen"]).post(f"{URL}{zz['id']}/rectify/", {}, format="json"), 404)


def test_only_the_deciding_unit_or_city_staff_act_on_a_record(credit_world, api_as):
    w = credit_world
    order = api_as(w["zhuozi"]).post(URL, order_body(w["contractor"], project="ZZ-CREDIT-1"), format="json").json()
    rectify = {"rectified_on": "2026-03-10", "evidence": "已补发48人工资,附银行代发回单"}
    assert order["allowed_actions"] == ["close", "rectify"]
    # 住建 sees it (its sector's project) but did not make it.
    assert error(api_as(w["housing"]).post(f"{URL}{order['id']}/rectify/", rectify, format="json"), 403)
    done = api_as(w["zhuozi"]).post(f"{URL}{order['id']}/rectify/", rectify, format="json")
    assert done.status_code == 200, done.content
    assert (done.json()["state"], done.json()["rectified_on"]) == ("rectified", "2026-03-10")
    assert error(api_as(w["supervisor"]).post(f"{URL}{order['id']}/rectify/", rectify, format="json"), 409)


def test_a_penalty_is_paid_and_a_referral_closed_with_the_polices_outcome(credit_world, api_as):
    w = credit_world
    client = api_as(w["zhuozi"])
    penalty = client.post(URL, {"kind": "penalty", "enterprise": w["contractor"].credit_code, "number": "卓人社罚1号",
                                "date": "2026-04-01", "amount": "50000.00",
                                "legal_basis": "《保障农民工工资支付条例》第五十五条"}, format="json").json()
    assert (penalty["state"], penalty["allowed_actions"]) == ("unpaid", ["close", "pay"])
    assert error(client.post(f"{URL}{penalty['id']}/pay/", {"paid_on": "2026-03-01"}, format="json"),
                 400)["fields"]["paid_on"]
    paid = client.post(f"{URL}{penalty['id']}/pay/", {"paid_on": "2026-04-20"}, format="json").json()
    assert (paid["state"], paid["paid_on"], paid["amount"]) == ("paid", "2026-04-20", "50000.00")

    referral = client.post(URL, {"kind": "police_referral", "enterprise": w["contractor"].credit_code,
                                 "number": "卓人社移送1号", "date": "2026-04-02"}, format="json").json()
    body = error(client.post(f"{URL}{referral['id']}/close/", {}, format="json"), 400)
    assert body["fields"]["outcome"] == ["请填写公安机关的处理结果。"]
    outcome = {"outcome": "已立案侦查,欠薪已追回", "case_number": "卓公刑2026-17", "closed_on": "2026-05-10"}
    closed = client.post(f"{URL}{referral['id']}/close/", outcome, format="json").json()
    assert (closed["state"], closed["case_number"], closed["closed_on"]) == ("closed", "卓公刑2026-17", "2026-05-10")


def test_listed_persons_have_their_id_numbers_checked_and_shown_masked(credit_world, api_as):
    client = api_as(credit_world["intake"])
    bad = blacklist_body(credit_world["contractor"], unit="150921")
    bad["persons"][0]["id_number"] = LEGAL_REP_ID[:-1] + ("0" if LEGAL_REP_ID[-1] != "0" else "1")
    body = error(client.post(URL, bad, format="json"), 400)
    assert body["fields"]["persons.0.id_number"] == ["身份证号码校验位不正确,请核对"]
    assert error(client.post(URL, blacklist_body(credit_world["contractor"], unit="150921", persons=[]),
                             format="json"), 400)["fields"]["persons"]

    made = client.post(URL, blacklist_body(credit_world["contractor"], unit="150921"), format="json")
    assert made.status_code == 201, made.content
    text = made.content.decode()
    assert LEGAL_REP_ID not in text and RESPONSIBLE_ID not in text
    assert [p["id_number"] for p in made.json()["persons"]] == [
        LEGAL_REP_ID[:4] + "*" * 10 + LEGAL_REP_ID[-4:], RESPONSIBLE_ID[:4] + "*" * 10 + RESPONSIBLE_ID[-4:]]
    assert made.json()["removal_date"] == "2029-03-02"
    assert LEGAL_REP_ID not in api_as(credit_world["supervisor"]).get(URL).content.decode()


def test_the_public_blacklist_names_enterprises_and_never_a_person(credit_world, api_as, client):
    w = credit_world
    staff = api_as(w["intake"])
    assert staff.post(URL, blacklist_body(w["contractor"], unit="150921"), format="json").status_code == 201
    other = staff.post(URL, blacklist_body(w["other"], unit="150981", number="乌人社失信〔2026〕2号"), format="json")
    staff.post(URL, {"kind": "watchlist", "enterprise": w["labour"].credit_code, "number": "乌人社关注1号",
                     "date": "2026-03-02", "reason": "一年内两次欠薪", "unit": "150921"}, format="json")
    EnforcementRecord.objects.filter(pk=other.json()["id"]).update(removed_on=dt.date(2026, 5, 1),
                                                                   removal_kind="early")

    response = client.get("/api/v1/public/blacklist/")
    assert response.status_code == 200
    assert response.json() == [{"name": "内蒙古欠薪建筑工程有限公司", "credit_code": w["contractor"].credit_code,
                                "reason": "拖欠48名农民工工资126万元,经责令限期支付逾期未支付",
                                "listed_on": "2026-03-02", "removal_date": "2029-03-02"}]
    page = client.get("/blacklist/").content.decode()
    assert "内蒙古欠薪建筑工程有限公司" in page and "丰镇市送变电工程有限公司" not in page
    for secret in (LEGAL_REP_ID, RESPONSIBLE_ID, LEGAL_REP_ID[-4:], "*" * 10, "钱某", "孙某"):
        assert secret not in response.content.decode() and secret not in page


def _enterprises_of(project, count, prefix):
    """`count` new enterprises, each a subcontractor of `project`."""
    found = []
    for index in range(count):
        enterprise = EnterpriseFactory(name=f"{prefix}第{index}劳务有限公司")
        ProjectParty.objects.create(project=project, enterprise=enterprise, role="subcontractor")
        found.append(enterprise)
    return found


def test_the_report_reads_back_the_seeds_figures_entered_through_the_api(credit_world, api_as):
    """风险+信用: 168 rectification orders, 4 penalties, 6 enterprises on the blacklist, 2 police referrals."""
    w = credit_world
    zhuozi, fengzhen, intake = api_as(w["zhuozi"]), api_as(w["fengzhen"]), api_as(w["intake"])
    zz_firms = _enterprises_of(w["zz"], 4, "卓资县")
    fz_firms = _enterprises_of(w["fz"], 2, "丰镇市")
    for index in range(168):
        client, firm, unit = ((zhuozi, zz_firms[index % 4], "150921") if index < 100
                              else (fengzhen, fz_firms[index % 2], "150981"))
        day = dt.date(2026, 1, 5) + dt.timedelta(days=index % 90)
        response = client.post(URL, order_body(firm, number=f"责改{unit}-{index}", date=day.isoformat(),
                                               deadline=(day + dt.timedelta(days=15)).isoformat()), format="json")
        assert response.status_code == 201, response.content
        if index % 3 == 0:  # 56 rectified within the period
            assert client.post(f"{URL}{response.json()['id']}/rectify/",
                               {"rectified_on": (day + dt.timedelta(days=10)).isoformat(), "evidence": "已整改"},
                               format="json").status_code == 200
    for index, amount in enumerate(["50000.00", "30000.00", "20000.00", "12345.67"]):
        firm = zz_firms[index]
        assert zhuozi.post(URL, {"kind": "penalty", "enterprise": firm.credit_code, "number": f"罚{index}",
                                 "date": "2026-04-01", "amount": amount, "legal_basis": "条例第五十五条"},
                           format="json").status_code == 201
    for index, firm in enumerate([*zz_firms, *fz_firms]):
        response = intake.post(URL, blacklist_body(firm, number=f"失信{index}", date="2026-02-10",
                                                   unit="150921" if index < 4 else "150981"), format="json")
        assert response.status_code == 201, response.content
    for index in range(2):
        assert zhuozi.post(URL, {"kind": "police_referral", "enterprise": zz_firms[index].credit_code,
                                 "number": f"移送{index}", "date": "2026-03-20", "case_number": f"卓公{index}"},
                           format="json").status_code == 201
    # Outside the period: counted in no figure of it (but still on the list now).
    intake.post(URL, order_body(w["contractor"], number="去年责改", date="2025-12-20", deadline="2025-12-31",
                                unit="150921"), format="json")

    report = intake.get("/api/v1/reports/enforcement/?start=2026-01-01&end=2026-05-31")
    assert report.status_code == 200, report.content
    figures = report.json()
    assert {key: figures[key] for key in ("rectification_orders", "orders_rectified", "penalties", "penalty_amount",
                                          "blacklisted", "blacklisted_now", "police_referrals")} == {
        "rectification_orders": 168, "orders_rectified": 56, "penalties": 4, "penalty_amount": "112345.67",
        "blacklisted": 6, "blacklisted_now": 6, "police_referrals": 2}
    by_unit = {row["unit"]: row for row in figures["by_unit"]}
    assert set(by_unit) == {"150921", "150981"}
    assert (by_unit["150921"]["rectification_orders"], by_unit["150981"]["rectification_orders"]) == (100, 68)
    assert (by_unit["150921"]["blacklisted"], by_unit["150981"]["blacklisted"]) == (4, 2)
    assert by_unit["150921"]["orders_overdue_now"] == 1 + sum(1 for i in range(100) if i % 3)
    for key in ("rectification_orders", "orders_rectified", "penalties", "blacklisted", "police_referrals"):
        assert sum(row[key] for row in figures["by_unit"]) == figures[key]

    # An officer reads the unit's own figures; a 劳资专管员 none; the dates are checked.
    own = fengzhen.get("/api/v1/reports/enforcement/?start=2026-01-01&end=2026-05-31").json()
    assert (own["rectification_orders"], own["blacklisted"], own["penalties"]) == (68, 2, 0)
    assert error(api_as(w["manager"]).get("/api/v1/reports/enforcement/?start=2026-01-01&end=2026-05-31"), 403)
    assert set(error(intake.get("/api/v1/reports/enforcement/?start=2026-13-01"), 400)["fields"]) == {"start",
                                                                                                       "end"}


def test_the_report_costs_a_fixed_number_of_queries(credit_world, api_as, django_assert_max_num_queries):
    intake = api_as(credit_world["intake"])
    for index in range(5):
        project = ProjectFactory(code=f"Q-{index}", district=credit_world["units"]["150921"])
        firm = _enterprises_of(project, 1, f"查询{index}")[0]
        intake.post(URL, order_body(firm, number=f"Q{index}", unit="150921" if index % 2 else "150981"),
                    format="json")
    with django_assert_max_num_queries(8):
        assert intake.get("/api/v1/reports/enforcement/?start=2026-01-01&end=2026-05-31").status_code == 200


def test_the_schema_describes_the_enforcement_api(client):
    schema = client.get("/api/schema/").content.decode()
    for path in ("/api/v1/enforcement/", "/api/v1/enforcement/{id}/rectify/", "/api/v1/enforcement/{id}/pay/",
                 "/api/v1/enforcement/{id}/remove/", "/api/v1/enforcement/{id}/close/", "/api/v1/public/blacklist/",
                 "/api/v1/reports/enforcement/"):
        assert path in schema

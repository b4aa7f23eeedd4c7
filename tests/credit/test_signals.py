"""A blacklisted enterprise is red everywhere it appears: on every project it is a party to (the monitoring rule and
the project page), on every clue that names it (the triage colour and its reasons, old clues and new), and on its
own credit page; taken off the list, the colours come back down."""

import pytest
import time_machine

from clues.models import Clue
from clues.triage import blacklisted_employer
from credit.services import expire_lists
from tests.clues.lifecycle_helpers import new_clue, to_closed
from tests.credit.conftest import blacklist_body
from tests.wage_warnings.helpers import at, states
from wage_warnings.evaluation import evaluate

pytestmark = pytest.mark.django_db

URL = "/api/v1/enforcement/"
REASON = "用人单位“内蒙古欠薪建筑工程有限公司”已列入拖欠农民工工资失信联合惩戒名单"


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(at(2026, 6, 1, 10), tick=False):
        yield


def _list(world, api_as, **overrides):
    response = api_as(world["intake"]).post(URL, blacklist_body(world["contractor"], unit="150921", **overrides),
                                            format="json")
    assert response.status_code == 201, response.content
    return response.json()


def test_every_project_of_a_listed_enterprise_is_red(credit_world, api_as, client):
    _list(credit_world, api_as)
    evaluate()
    # General contractor of one, subcontractor of the other; 丰镇市's project has nothing to do with it.
    assert states(credit_world["zz"], "blacklisted_party") == {"": "open"}
    assert states(credit_world["zz2"], "blacklisted_party") == {"": "open"}
    assert states(credit_world["fz"], "blacklisted_party") == {}
    client.force_login(credit_world["zhuozi"])
    for code in ("ZZ-CREDIT-1", "ZZ-CREDIT-2"):
        page = client.get(f"/projects/{code}/").content.decode()
        assert 'id="project-credit"' in page and 'class="card red" id="project-credit"' in page
        assert "参建企业“内蒙古欠薪建筑工程有限公司”已列入拖欠农民工工资失信联合惩戒名单" in page
    client.force_login(credit_world["intake"])
    assert 'id="project-credit"' not in client.get("/projects/FZ-CREDIT-1/").content.decode()


def test_every_open_clue_naming_it_turns_red_with_the_reason_and_back(credit_world, api_as, intake_user,
                                                                     officer_zhuozi):
    contractor = credit_world["contractor"]
    by_code = new_clue(employer_name="欠薪建筑", employer_credit_code=contractor.credit_code)
    by_name = new_clue(employer_name="内蒙古欠薪建筑工程 有限公司", employer_key="内蒙古欠薪建筑工程",
                       employer_credit_code="")
    unrelated = new_clue(employer_name="别的公司", employer_key="别的", employer_credit_code="")
    closed = new_clue(employer_name=contractor.name, employer_credit_code=contractor.credit_code)
    to_closed(closed, intake_user, officer_zhuozi)
    Clue.objects.update(risk_color="blue", risk_reasons=["金额 < 5万且人数 < 10人,无极端或群体事件"])

    _list(credit_world, api_as)
    colours = dict(Clue.objects.values_list("pk", "risk_color"))
    assert (colours[by_code.pk], colours[by_name.pk], colours[unrelated.pk], colours[closed.pk]) == (
        "red", "red", "blue", "blue")
    assert Clue.objects.get(pk=by_code.pk).risk_reasons == [REASON]

    # A new clue about it, through intake: red at once, whatever the amount.
    response = api_as(intake_user).post("/api/v1/clues/", {
        "channel": "hotline_12345", "employer_name": contractor.name, "work_address": "卓资县保障房工地",
        "district_code": "150921", "complainant_name": "李娜", "complainant_phone": "13800138011",
        "worker_count": 1, "amount_owed": "3000", "description": "欠一个月工资。"}, format="json")
    assert response.status_code == 201, response.content
    fresh = Clue.objects.get(tracking_code=response.json()["tracking_code"])
    assert (fresh.risk_color, fresh.risk_reasons) == ("red", [REASON])
    triage = api_as(intake_user).get(f"/api/v1/clues/{fresh.pk}/").json()
    assert REASON in str(triage)

    # Off the list (its period ended): the open clues are assessed again without it.
    with time_machine.travel(at(2029, 3, 2, 1), tick=False):
        assert expire_lists() == 1
    assert Clue.objects.get(pk=by_code.pk).risk_color == "blue"
    assert REASON not in Clue.objects.get(pk=fresh.pk).risk_reasons


def test_the_enterprise_page_is_red_with_its_records_and_projects(credit_world, api_as, client):
    _list(credit_world, api_as)
    client.force_login(credit_world["zhuozi"])
    page = client.get(f"/enterprises/{credit_world['contractor'].credit_code}/")
    assert page.status_code == 200
    text = page.content.decode()
    assert 'class="tag red" id="credit-signal"' in text
    assert "已列入拖欠农民工工资失信联合惩戒名单" in text
    assert "ZZ-CREDIT-1" in text and "ZZ-CREDIT-2" in text and "乌人社失信〔2026〕1号" in text
    assert "2029-03-02" in text
    # Not 丰镇市's enterprise: its officer does not learn it exists.
    client.force_login(credit_world["fengzhen"])
    assert client.get(f"/enterprises/{credit_world['contractor'].credit_code}/").status_code == 404
    client.force_login(credit_world["zhuozi"])
    quiet = client.get(f"/enterprises/{credit_world['developer'].credit_code}/").content.decode()
    assert 'id="credit-signal"' not in quiet


def test_a_clue_with_another_credit_code_is_not_taken_for_the_listed_enterprise(credit_world, api_as):
    """The credit code decides when the clue has one: the same name under another code is another enterprise."""
    contractor = credit_world["contractor"]
    _list(credit_world, api_as)
    namesake = Clue(employer_name=contractor.name, employer_credit_code=credit_world["other"].credit_code)
    assert blacklisted_employer(namesake) is None
    assert blacklisted_employer(Clue(employer_name=contractor.name, employer_credit_code="")) == contractor
    assert blacklisted_employer(Clue(employer_name="别的", employer_credit_code=contractor.credit_code)) == contractor

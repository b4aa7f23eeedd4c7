"""The campaign page with its figures by district, sector department and responsible unit, its XLSX and PDF,
the problem actions from the page, the ranking page with the pick form, the score pages with their reasons,
and the weights in the admin."""

import datetime as dt
import io
import shutil
import subprocess

import pytest
from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook

from campaigns import services
from campaigns.models import Campaign, InspectionRound, RiskWeight
from tests.conftest import make_staff
from tests.factories import ClueFactory, EnterpriseFactory, ProjectFactory, WarningFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def campaign(units):
    supervisor = make_staff("supervisor", username="p_supervisor")
    officer = make_staff("officer", "150921", username="p_zhuozi")
    contractor = EnterpriseFactory(name="内蒙古页面测试建设有限公司", is_blacklisted=True)
    zz = ProjectFactory(code="PG-ZZ", name="卓资县供热管网改造", district=units["150921"], sector=units["housing"],
                        is_government_invested=True, general_contractor=contractor)
    fz = ProjectFactory(code="PG-FZ", name="丰镇市输变电工程", district=units["150981"], sector=units["energy"],
                        is_government_invested=True)
    campaign = services.campaign_create(by=supervisor, name="冬季攻坚", start=dt.date(2026, 11, 1),
                                        end=dt.date(2027, 1, 31))
    for project in (zz, fz):
        services.campaign_add_project(campaign=campaign, project=project, by=supervisor)
    found = timezone.localdate() - dt.timedelta(days=20)
    problems = {
        "zz_open": services.problem_create(campaign=campaign, project=zz, by=supervisor, category="deposit",
                                           description="保证金未存储",
                                           deadline=timezone.localdate() + dt.timedelta(days=9),
                                           unit="150921", found_on=found),
        "zz_done": services.problem_create(campaign=campaign, project=zz, by=supervisor, category="real_name",
                                           description="花名册未更新", deadline=timezone.localdate(), unit="housing",
                                           found_on=found),
        "fz_late": services.problem_create(campaign=campaign, project=fz, by=supervisor, category="wage_payment",
                                           description="10月工资未发放", deadline=found + dt.timedelta(days=3),
                                           unit="150981", found_on=found),
    }
    services.problem_rectify(problem=problems["zz_done"], by=officer, rectified_on=timezone.localdate(),
                             evidence="已更新")
    services.supervise_overdue()
    return {"campaign": campaign, "supervisor": supervisor, "officer": officer, "problems": problems, "zz": zz,
            "contractor": contractor}


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


def test_the_campaign_page_shows_the_figures_by_district_and_sector(campaign):
    page = client_for(campaign["supervisor"]).get(f"/campaigns/{campaign['campaign'].pk}/")
    assert page.status_code == 200
    figures = page.context["figures"]
    assert figures["summary"] == {"projects": 2, "problems_found": 3, "problems_rectified": 1,
                                  "problems_outstanding": 2, "supervised_problems": 1, "supervised_cleared": 0,
                                  "supervised_projects": 1}
    by_district = {row["unit"]: (row["projects"], row["problems_found"], row["supervised_problems"])
                   for row in figures["by_district"]}
    assert by_district == {"150921": (1, 2, 0), "150981": (1, 1, 1)}
    by_sector = {row["unit"]: (row["projects"], row["problems_rectified"]) for row in figures["by_sector"]}
    assert by_sector == {"housing": (1, 1), "energy": (1, 0)}
    html = page.content.decode()
    assert 'data-figure="supervised_problems"' in html and "丰镇市输变电工程" in html

    # 卓资县's officer: the district's project and its problems only.
    mine = client_for(campaign["officer"]).get(f"/campaigns/{campaign['campaign'].pk}/")
    assert mine.context["figures"]["summary"]["problems_found"] == 2
    assert "丰镇市输变电工程" not in mine.content.decode()


def test_the_xlsx_and_pdf_summaries_carry_the_same_figures(campaign):
    client = client_for(campaign["supervisor"])
    pk = campaign["campaign"].pk
    response = client.get(f"/campaigns/{pk}/export.xlsx")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    overview = {row[0]: row[1] for row in book["总览"].iter_rows(values_only=True) if row and row[0]}
    assert overview["发现问题(个)"] == 3 and overview["督办问题(个)"] == 1 and overview["检查项目(个)"] == 2
    districts = [row for row in book["按旗县市区"].iter_rows(values_only=True)]
    assert districts[0][0] == "旗县市区" and {r[0] for r in districts[1:]} == {"卓资县", "丰镇市"}
    pdf = client.get(f"/campaigns/{pk}/export.pdf")
    assert pdf.status_code == 200 and pdf.content[:4] == b"%PDF"
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", "-", "-"], input=pdf.content, capture_output=True,
                              check=True).stdout.decode()
        assert "冬季攻坚专项整治情况汇总" in text and "卓资县" in text and "督办问题" in text


def test_a_problem_is_rectified_supervised_and_cleared_from_the_page(campaign):
    pk = campaign["campaign"].pk
    problem = campaign["problems"]["zz_open"]
    officer, supervisor = client_for(campaign["officer"]), client_for(campaign["supervisor"])
    url = f"/campaigns/{pk}/problems/{problem.pk}"
    assert officer.post(f"{url}/supervise/").status_code == 403
    assert supervisor.post(f"{url}/supervise/").status_code == 302
    bad = officer.post(f"{url}/rectify/", {"rectified_on": "", "evidence": ""})
    assert bad.status_code == 400 and "请填写整改日期。" in bad.content.decode()
    assert officer.post(f"{url}/rectify/", {"rectified_on": timezone.localdate().isoformat(),
                                            "evidence": "已存储保证金,凭证 BZJ-01"}).status_code == 302
    assert supervisor.post(f"{url}/clear/").status_code == 302
    problem.refresh_from_db()
    assert problem.state == "cleared"
    assert officer.post(f"{url}/clear/").status_code == 403
    assert supervisor.post(f"/campaigns/{pk}/problems/{problem.pk}/delete/").status_code == 404


def test_the_score_pages_show_every_reason_and_their_sum(campaign):
    WarningFactory(project=campaign["zz"], code="wage_account_missing")
    ClueFactory(project=campaign["zz"], risk_color="orange")
    client = client_for(campaign["supervisor"])
    page = client.get("/risk/projects/PG-ZZ/")
    score = page.context["score"]
    assert {r.code for r in score.reasons} == {"red_warnings", "orange_clues", "blacklisted", "duties_not_met"}
    assert score.total == sum(r.points for r in score.reasons)
    html = page.content.decode()
    assert f'data-score="{score.total}"' in html and "列入失信联合惩戒名单" in html
    enterprise = client.get(f"/risk/enterprises/{campaign['contractor'].credit_code}/")
    assert enterprise.status_code == 200 and enterprise.context["score"].total > 0
    assert client.get("/risk/projects/NO-SUCH/").status_code == 404
    assert client_for(campaign["officer"]).get("/risk/projects/PG-FZ/").status_code == 404


def test_the_ranking_page_picks_a_round_that_replays(campaign):
    client = client_for(campaign["supervisor"])
    ranking = client.get("/risk/?government=1")
    assert ranking.status_code == 200 and [p.code for _r, p, _s in ranking.context["page"]] == ["PG-ZZ", "PG-FZ"]
    response = client.post("/risk/pick/", {"kind": "double_resident", "count": "2", "random_share": "0.5",
                                           "seed": "11", "government": "1"})
    round = InspectionRound.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/risk/rounds/{round.pk}/"
    assert round.seed == 11 and round.filters == {"government": True}
    page = client.get(f"/risk/rounds/{round.pk}/")
    assert page.context["reproduced"] and "结果一致" in page.content.decode()
    bad = client.post("/risk/pick/", {"kind": "double_resident", "count": "0", "random_share": "3"})
    assert bad.status_code == 400 and "抽取数量至少为1。" in bad.content.decode()


def test_the_administrator_edits_the_weights_in_chinese(units):
    admin = make_staff("admin", username="p_admin", is_staff=True)
    client = client_for(admin)
    page = client.get("/admin/campaigns/riskweight/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "风险评分权重" in html and "红色预警(未销号)" in html
    weight = RiskWeight.objects.get(code="red_warnings")
    change = client.post(f"/admin/campaigns/riskweight/{weight.pk}/change/", {"points": "12.5", "is_active": "on"})
    assert change.status_code == 302
    weight.refresh_from_db()
    assert str(weight.points) == "12.5"
    assert Campaign._meta.verbose_name == "专项整治"


def test_an_inspection_of_a_picked_project_is_recorded_on_the_round_page(campaign):
    supervisor = campaign["supervisor"]
    round = services.round_create(by=supervisor, kind="double_random", count=2, random_share="0", seed=5)
    client = client_for(supervisor)
    url = f"/risk/rounds/{round.pk}/inspections/"
    missing = client.post(url, {"project": "PG-ZZ", "inspected_on": timezone.localdate().isoformat(),
                                "findings": "告示牌缺失", "category": "notice_board"})
    assert missing.status_code == 400
    assert "检查发现的问题须列入一项专项整治" in missing.content.decode()
    response = client.post(url, {"project": "PG-ZZ", "inspected_on": timezone.localdate().isoformat(),
                                 "inspectors": "王检查", "findings": "告示牌缺失", "campaign": campaign["campaign"].pk,
                                 "category": "notice_board", "description": "未设维权信息告示牌",
                                 "deadline_days": "5", "unit": "sector"})
    assert response.status_code == 302
    inspection = round.inspections.get()
    problem = inspection.problems.get()
    assert (problem.project.code, problem.unit.code, problem.deadline_working_days) == ("PG-ZZ", "housing", 5)
    assert "王检查" in client.get(f"/risk/rounds/{round.pk}/").content.decode()
    # 卓资县's officer cannot see the city's round at all.
    assert client_for(campaign["officer"]).post(url, {}).status_code == 404


def test_city_staff_deploy_a_campaign_from_its_page_and_officers_may_not(units):
    supervisor = make_staff("supervisor", username="deploy_supervisor")
    client = Client()
    client.force_login(supervisor)
    assert 'id="campaign-new"' in client.get("/campaigns/").content.decode()
    bad = client.post("/campaigns/new/", {"name": "", "start": "2026-12-10", "end": "2026-12-01",
                                          "scope": "government"})
    assert bad.status_code == 400
    assert "请填写专项整治的名称。" in bad.content.decode()
    assert not Campaign.objects.exists()
    backwards = client.post("/campaigns/new/", {"name": "春节前欠薪专项检查", "start": "2026-12-10",
                                                "end": "2026-12-01", "scope": "government"})
    assert backwards.status_code == 400 and "结束日期不能早于开始日期。" in backwards.content.decode()
    made = client.post("/campaigns/new/", {"name": "春节前欠薪专项检查", "start": "2026-12-01", "end": "2027-02-10",
                                           "scope": "government", "description": "全面排查政府投资项目。"})
    campaign = Campaign.objects.get()
    assert made.status_code == 302 and made["Location"] == f"/campaigns/{campaign.pk}/"
    assert (campaign.name, campaign.scope, campaign.created_by) == ("春节前欠薪专项检查", "government", supervisor)

    officer = Client()
    officer.force_login(make_staff("officer", "150921", username="deploy_officer"))
    assert 'id="campaign-new"' not in officer.get("/campaigns/").content.decode()
    assert officer.get("/campaigns/new/").status_code == 403
    assert officer.post("/campaigns/new/", {"name": "x", "start": "2026-12-01", "end": "2026-12-31",
                                            "scope": "all"}).status_code == 403
    assert Campaign.objects.count() == 1


def test_an_officer_adds_the_units_project_and_not_another_districts(units):
    supervisor = make_staff("supervisor", username="add_supervisor")
    campaign = services.campaign_create(by=supervisor, name="冬季攻坚", start=dt.date(2026, 11, 1),
                                        end=dt.date(2027, 1, 31))
    own = ProjectFactory(code="ADD-ZZ", district=units["150921"], is_government_invested=True)
    ProjectFactory(code="ADD-FZ", district=units["150981"], is_government_invested=True)
    ProjectFactory(code="ADD-PRIVATE", district=units["150921"], is_government_invested=False)
    client = Client()
    client.force_login(make_staff("officer", "150921", username="add_officer"))
    url = f"/campaigns/{campaign.pk}/projects/"
    response = client.post(url, {"project": "ADD-ZZ"}, follow=True)
    assert "已将" in response.content.decode() and campaign.entries.filter(project=own).exists()
    again = client.post(url, {"project": "ADD-ZZ"}, follow=True).content.decode()
    assert "该项目已在本次专项整治中。" in again
    elsewhere = client.post(url, {"project": "ADD-FZ"}, follow=True).content.decode()
    assert "无权查看该项目" in elsewhere
    outside = client.post(url, {"project": "ADD-PRIVATE"}, follow=True).content.decode()
    assert "不在本次专项整治的范围" in outside
    assert list(campaign.entries.values_list("project__code", flat=True)) == ["ADD-ZZ"]

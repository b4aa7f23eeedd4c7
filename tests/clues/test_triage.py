"""三步分离 at intake: district and department suggestions, the three colours, duplicates and repeat visits."""

import datetime
import itertools
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from clues.models import Clue, DuplicateCandidate, PersonalDataView, TriageSettings
from clues.services import clue_create, employer_key
from clues.triage import apply_triage, format_yuan, retriage, triage_explain
from notifications.models import OutboxMessage
from tests.factories import ClueFactory, ProjectFactory
from units.models import Unit

pytestmark = pytest.mark.django_db

_codes = itertools.count(1)
EMPLOYER = "乌兰察布市宏达建筑工程有限公司"


def new_clue(**fields):
    """A clue as clue_create hands it to apply_triage: unsaved, tracking code and employer key set."""
    values = {
        "channel": "web", "received_at": timezone.now(), "employer_name": EMPLOYER,
        "complainant_name": "李强", "complainant_phone": "13800000001", "worker_count": 3,
        "amount_owed": Decimal("36000"), "description": "8月到10月工资没发。",
    }
    values.update(fields)
    clue = Clue(tracking_code=f"N{next(_codes):09d}", **values)
    clue.employer_key = employer_key(clue.employer_name)
    return apply_triage(clue)


def unit(code):
    return Unit.objects.get(code=code)


def candidates(clue):
    return {(c.match_id, c.kind): c.reason for c in DuplicateCandidate.objects.filter(clue=clue)}


# --- 登记分离: colours -------------------------------------------------------------------------------------


@pytest.mark.parametrize(("amount", "workers", "colour", "reason"), [
    (Decimal("500000"), 1, "red", "金额 ≥ 50万"),
    (Decimal("499999.99"), 1, "orange", "金额 ≥ 10万"),
    (Decimal("100000"), 1, "orange", "金额 ≥ 10万"),
    (Decimal("99999.99"), 1, "blue", "金额 < 10万且人数 < 10人,无极端或群体事件"),
    (Decimal("1000"), 30, "red", "人数 ≥ 30人"),
    (Decimal("1000"), 29, "orange", "人数 ≥ 10人"),
    (Decimal("1000"), 10, "orange", "人数 ≥ 10人"),
    (Decimal("1000"), 9, "blue", "金额 < 10万且人数 < 10人,无极端或群体事件"),
])
def test_colour_at_and_just_below_each_threshold(amount, workers, colour, reason):
    clue = new_clue(amount_owed=amount, worker_count=workers)

    clue.refresh_from_db()
    assert clue.risk_color == colour
    assert clue.risk_reasons == [reason]


def test_red_lists_every_reason_that_applies():
    clue = new_clue(amount_owed=Decimal("600000"), worker_count=45, description="工人们准备去堵路讨薪。")

    assert clue.risk_reasons == ["金额 ≥ 50万", "人数 ≥ 30人", "涉及“堵路”"]


@pytest.mark.parametrize("field", ["description", "project_name", "work_address"])
def test_an_extreme_event_word_anywhere_makes_the_clue_red(field):
    clue = new_clue(amount_owed=Decimal("2000"), worker_count=1, **{field: "有人扬言要跳楼"})

    assert clue.risk_color == "red"
    assert clue.risk_reasons == ["涉及“跳楼”"]


def test_threshold_and_keyword_edits_in_the_settings_take_effect():
    rules = TriageSettings.current()
    rules.red_amount = Decimal("200000")
    rules.orange_workers = 5
    rules.red_keywords = "拉横幅\n围堵政府"
    rules.save()

    assert new_clue(amount_owed=Decimal("200000")).risk_reasons == ["金额 ≥ 20万"]
    assert new_clue(worker_count=5).risk_color == "orange"
    assert new_clue(description="说要去围堵政府").risk_reasons == ["涉及“围堵政府”"]
    # A word taken off the list no longer counts.
    assert new_clue(description="说要去堵路").risk_color == "blue"


def test_thresholds_that_are_not_whole_wan_are_shown_in_yuan():
    assert format_yuan(Decimal("500000.00")) == "50万"
    assert format_yuan(Decimal("123456.50")) == "123456.5元"
    assert format_yuan(Decimal("1500000")) == "150万"


# --- 属地分离: district and department ----------------------------------------------------------------------


def test_district_comes_from_the_project_first():
    project = ProjectFactory(district=unit("150922"), name="化德县城区供热管网改造")

    clue = new_clue(project=project, district=unit("150921"), work_address="卓资县旗下营镇")

    assert clue.suggested_district.code == "150922"


def test_district_comes_from_what_the_worker_chose_when_there_is_no_project():
    clue = new_clue(district=unit("150925"), work_address="卓资县旗下营镇")

    assert clue.suggested_district.code == "150925"


@pytest.mark.parametrize(("field", "text", "code"), [
    ("work_address", "察右前旗平地泉镇工业园区", "150926"),
    ("work_address", "乌兰察布市察哈尔右翼后旗白音察干镇", "150928"),
    ("work_address", "卓资县旗下营镇", "150921"),
    ("work_address", "丰镇新区北侧工地", "150981"),
    ("work_address", "乌兰察布市集宁区新体育路", "150902"),
    ("project_name", "四子王旗风电场道路工程", "150929"),
    ("project_name", "察右中旗科布尔镇住宅小区", "150927"),
])
def test_district_is_found_in_the_address_or_project_name(field, text, code):
    clue = new_clue(**{field: text})

    assert clue.suggested_district.code == code


def test_no_district_is_suggested_when_nothing_names_one():
    clue = new_clue(work_address="不清楚,在一个工地上")

    assert clue.suggested_district is None


def test_department_is_the_projects_sector():
    project = ProjectFactory(sector=unit("water"), name="G208国道改扩建工程")

    clue = new_clue(project=project)

    assert clue.suggested_department.code == "water"


@pytest.mark.parametrize(("project_name", "code"), [
    ("G55二广高速公路养护工程", "transport"),
    ("集宁区新华街道路改造", "transport"),
    ("霸王河水库除险加固", "water"),
    ("察右后旗200MW光伏电站", "energy"),
    ("220kV输变电工程", "energy"),
    ("三北防护林工程造林项目", "forestry"),
    ("丰镇市某住宅小区二期", "housing"),
    ("集宁区第三中学教学楼", "education"),
    ("卓资县人民医院门诊楼", "health"),
])
def test_department_is_guessed_from_words_of_the_project_name(project_name, code):
    clue = new_clue(project_name=project_name)

    assert clue.suggested_department.code == code


def test_no_department_is_suggested_without_a_telling_word():
    clue = new_clue(project_name="某工程", description="老板跑了")

    assert clue.suggested_department is None


def test_explain_says_why_each_unit_is_suggested():
    clue = new_clue(work_address="察右前旗平地泉镇", project_name="某光伏电站", amount_owed=Decimal("150000"))

    explained = triage_explain(clue)

    assert explained["risk_color"] == "orange"
    assert explained["risk_reasons"] == ["金额 ≥ 10万"]
    assert explained["suggested_units"] == [
        {"code": "150926", "name": "察哈尔右翼前旗", "kind": "district", "why": "务工地址中出现“察右前旗”"},
        {"code": "energy", "name": "能源局", "kind": "department", "why": "项目名称中出现“光伏”"},
    ]
    assert explained["possible_duplicates"] == []
    assert explained["is_repeat_visitor"] is False


# --- 重复分离: duplicates -----------------------------------------------------------------------------------


def test_open_clue_of_the_same_complainant_and_employer_is_a_probable_duplicate():
    original = ClueFactory(complainant_phone="13800000001")

    clue = new_clue(complainant_phone="13800000001")

    assert candidates(clue) == {(original.pk, "duplicate"): "同一反映人、同一用人单位"}
    explained = triage_explain(clue)["possible_duplicates"]
    assert explained == [{"id": original.pk, "tracking_code": original.tracking_code, "kind": "duplicate",
                          "kind_label": "疑似重复线索", "reason": "同一反映人、同一用人单位",
                          "status": "received", "status_label": "已归集"}]


def test_the_same_id_number_with_another_phone_is_the_same_complainant():
    original = ClueFactory(complainant_phone="13900000009", complainant_id_number="15092119900101001X")

    clue = new_clue(complainant_phone="13800000001", complainant_id_number="15092119900101001X")

    assert (original.pk, "duplicate") in candidates(clue)


def test_the_same_complainant_against_another_employer_is_not_a_duplicate():
    ClueFactory(complainant_phone="13800000001", employer_name="集宁区某劳务公司", employer_key="集宁区某劳务")

    clue = new_clue(complainant_phone="13800000001")

    assert candidates(clue) == {}


def test_employer_names_are_compared_after_normalising():
    original = ClueFactory(complainant_phone="13800000001", employer_name="乌兰察布市 宏达建筑工程 公司",
                           employer_key=employer_key("乌兰察布市 宏达建筑工程 公司"))

    clue = new_clue(complainant_phone="13800000001", employer_name="乌兰察布市宏达建筑工程有限责任公司")

    assert (original.pk, "duplicate") in candidates(clue)


def test_credit_codes_decide_when_both_clues_have_one():
    same_name_other_code = ClueFactory(complainant_phone="13800000001",
                                       employer_credit_code="91150900MA0N000001")
    same_code_other_name = ClueFactory(complainant_phone="13800000001", employer_name="宏达建工",
                                       employer_key="宏达建工", employer_credit_code="91150900MA0N000002")
    no_code_same_name = ClueFactory(complainant_phone="13800000001")

    clue = new_clue(complainant_phone="13800000001", employer_credit_code="91150900MA0N000002")

    assert set(candidates(clue)) == {(same_code_other_name.pk, "duplicate"),
                                     (no_code_same_name.pk, "duplicate")}
    assert same_name_other_code.pk not in {pk for pk, _kind in candidates(clue)}


def test_closed_and_merged_clues_are_not_duplicates():
    ClueFactory(complainant_phone="13800000001", status="closed",
                closed_at=timezone.now() - datetime.timedelta(days=400))
    original = ClueFactory(complainant_phone="13700000000")
    ClueFactory(complainant_phone="13800000001", merged_into=original)

    clue = new_clue(complainant_phone="13800000001")

    assert candidates(clue) == {}
    assert clue.is_repeat_visitor is False


def test_same_project_and_employer_within_90_days_is_a_duplicate():
    project = ProjectFactory()
    now = timezone.now()
    recent = ClueFactory(project=project, received_at=now - datetime.timedelta(days=89))
    ClueFactory(project=project, received_at=now - datetime.timedelta(days=91))
    ClueFactory(project=project, employer_name="另一家劳务公司", employer_key="另一家劳务")

    clue = new_clue(project=project, complainant_phone="13800000001", received_at=now)

    assert candidates(clue) == {(recent.pk, "duplicate"): "同一项目、同一用人单位,90日内"}


def test_the_project_name_typed_by_staff_matches_the_registered_project():
    project = ProjectFactory(name="集宁区幸福家园住宅小区")
    original = ClueFactory(project_name="集宁区幸福家园住宅小区")

    clue = new_clue(project=project, complainant_phone="13800000001")

    assert (original.pk, "duplicate") in candidates(clue)


def test_both_reasons_are_given_when_both_rules_match():
    project = ProjectFactory()
    original = ClueFactory(project=project, complainant_phone="13800000001")

    clue = new_clue(project=project, complainant_phone="13800000001")

    assert candidates(clue)[(original.pk, "duplicate")] == "同一反映人、同一用人单位;同一项目、同一用人单位,90日内"


# --- 重复分离: repeat visitors -------------------------------------------------------------------------------


def test_a_clue_closed_within_180_days_makes_the_complainant_a_repeat_visitor():
    now = timezone.now()
    closed = ClueFactory(complainant_phone="13800000001", status="closed", employer_name="别的公司",
                         employer_key="别的", closed_at=now - datetime.timedelta(days=179))

    clue = new_clue(complainant_phone="13800000001", received_at=now)

    assert clue.is_repeat_visitor is True
    assert candidates(clue) == {(closed.pk, "repeat"): "同一反映人180日内有已办结线索"}
    clue.refresh_from_db()
    assert clue.is_repeat_visitor is True


def test_a_clue_closed_more_than_180_days_ago_does_not_count():
    now = timezone.now()
    ClueFactory(complainant_phone="13800000001", status="closed", closed_at=now - datetime.timedelta(days=181))

    clue = new_clue(complainant_phone="13800000001", received_at=now)

    assert clue.is_repeat_visitor is False
    assert candidates(clue) == {}


def test_the_windows_follow_the_settings():
    rules = TriageSettings.current()
    rules.repeat_window_days = 30
    rules.duplicate_window_days = 10
    rules.save()
    now = timezone.now()
    project = ProjectFactory()
    ClueFactory(complainant_phone="13800000001", status="closed", closed_at=now - datetime.timedelta(days=31))
    ClueFactory(project=project, received_at=now - datetime.timedelta(days=11))
    within = ClueFactory(project=project, received_at=now - datetime.timedelta(days=9))

    clue = new_clue(complainant_phone="13800000001", project=project, received_at=now)

    assert candidates(clue) == {(within.pk, "duplicate"): "同一项目、同一用人单位,10日内"}
    assert clue.is_repeat_visitor is False


def test_matching_takes_a_bounded_number_of_queries(django_assert_max_num_queries):
    TriageSettings.current()
    project = ProjectFactory()
    for _ in range(30):
        ClueFactory(complainant_phone="13800000001", project=project)
        ClueFactory(complainant_phone="13800000001", status="closed", closed_at=timezone.now())
    clue = Clue(tracking_code="QCOUNT0001", channel="web", received_at=timezone.now(), employer_name=EMPLOYER,
                employer_key=employer_key(EMPLOYER), complainant_name="李强", complainant_phone="13800000001",
                project=project)

    with django_assert_max_num_queries(7):
        apply_triage(clue)

    assert DuplicateCandidate.objects.filter(clue=clue, kind="duplicate").count() == 20
    assert DuplicateCandidate.objects.filter(clue=clue, kind="repeat").count() == 20


def test_retriage_replaces_the_candidates_after_a_correction():
    original = ClueFactory(complainant_phone="13800000001")
    clue = new_clue(complainant_phone="13800000001")
    assert (original.pk, "duplicate") in candidates(clue)

    clue.employer_name = "内蒙古另一家建筑公司"
    clue.amount_owed = Decimal("800000")
    retriage(clue)

    clue.refresh_from_db()
    assert candidates(clue) == {}
    assert clue.employer_key == employer_key("内蒙古另一家建筑公司")
    assert clue.risk_color == "red"


def test_intake_runs_triage_and_queues_the_receipt_sms():
    original = ClueFactory(complainant_phone="13800000001")
    data = {"employer_name": EMPLOYER, "complainant_name": "李强", "complainant_phone": "13800000001",
            "worker_count": 12, "amount_owed": Decimal("80000"), "work_address": "卓资县旗下营镇某小区工地"}

    clue, created = clue_create(channel="web", data=data)

    assert created
    assert clue.risk_color == "orange"
    assert clue.suggested_district.code == "150921"
    assert clue.suggested_department.code == "housing"
    assert (original.pk, "duplicate") in candidates(clue)
    sms = OutboxMessage.objects.about(clue).get(channel="sms")
    assert clue.tracking_code in sms.body


# --- Admin: corrections re-run triage, the status never moves ----------------------------------------------


def test_admin_correction_reruns_triage_and_leaves_the_status_alone(admin_client):
    clue = new_clue(amount_owed=Decimal("1000"))
    url = reverse("admin:clues_clue_change", args=[clue.pk])
    page = admin_client.get(url)
    assert page.status_code == 200
    assert "13800000001" not in page.content.decode()  # the phone is masked
    form = page.context["adminform"].form
    data = {name: form.initial.get(name) or "" for name in form.fields}
    data.update({"amount_owed": "600000", "status": "closed", "unit": unit("housing").pk,
                 "attachments-TOTAL_FORMS": "0", "attachments-INITIAL_FORMS": "0",
                 "duplicate_candidates-TOTAL_FORMS": "0", "duplicate_candidates-INITIAL_FORMS": "0"})
    data = {key: value for key, value in data.items() if value is not None}

    response = admin_client.post(url, data)

    assert response.status_code == 302
    clue.refresh_from_db()
    assert clue.amount_owed == Decimal("600000")
    assert clue.risk_color == "red"
    assert clue.status == "received"
    assert clue.unit is None


def test_admin_cannot_add_or_delete_clues(admin_client):
    clue = ClueFactory()

    assert admin_client.get(reverse("admin:clues_clue_add")).status_code == 403
    assert admin_client.post(reverse("admin:clues_clue_delete", args=[clue.pk]), {"post": "yes"}).status_code == 403
    assert Clue.objects.filter(pk=clue.pk).exists()


def test_admin_keeps_a_single_row_of_triage_rules(admin_client):
    rules = TriageSettings.current()

    assert admin_client.get(reverse("admin:clues_triagesettings_add")).status_code == 403
    assert admin_client.get(reverse("admin:clues_triagesettings_change", args=[rules.pk])).status_code == 200
    assert admin_client.post(reverse("admin:clues_triagesettings_delete", args=[rules.pk]),
                             {"post": "yes"}).status_code == 403


def test_admin_lists_personal_data_views_read_only(admin_client, intake_user):
    view = PersonalDataView.objects.create(clue=ClueFactory(), user=intake_user, fields="phone")

    listing = admin_client.get(reverse("admin:clues_personaldataview_changelist"))
    assert listing.status_code == 200
    assert "intake1" in listing.content.decode()
    change = admin_client.post(reverse("admin:clues_personaldataview_change", args=[view.pk]), {"fields": "x"})
    view.refresh_from_db()
    assert view.fields == "phone"
    assert change.status_code in (302, 403)


def test_admin_finds_a_clue_by_tracking_code_or_employer(admin_client):
    wanted = ClueFactory(employer_name="四子王旗某劳务公司", employer_key="四子王旗某劳务")
    other = ClueFactory()
    url = reverse("admin:clues_clue_changelist")

    by_code = admin_client.get(url, {"q": wanted.tracking_code})
    by_employer = admin_client.get(url, {"q": "四子王旗"})
    by_colour = admin_client.get(url, {"risk_color__exact": "blue", "status__exact": "received"})

    assert list(by_code.context["cl"].result_list) == [wanted]
    assert list(by_employer.context["cl"].result_list) == [wanted]
    assert {c.pk for c in by_colour.context["cl"].result_list} == {wanted.pk, other.pk}


# --- 金额存疑: an amount far above what the workers could be owed ---------------------------------------------


@pytest.mark.parametrize(("owed_from", "owed_to", "months"), [
    (datetime.date(2026, 8, 1), datetime.date(2026, 10, 1), 3),  # both ends count
    (datetime.date(2026, 10, 1), datetime.date(2026, 10, 1), 1),
    (datetime.date(2025, 11, 1), datetime.date(2026, 10, 1), 12),
    (datetime.date(2026, 9, 1), None, 3),  # a start month alone runs to the month of receipt (November)
    (None, datetime.date(2026, 10, 1), 12),  # not saying since when: counted as a year
    (None, None, 12),
])
def test_months_owed_count_both_ends(owed_from, owed_to, months):
    from clues.triage import months_owed

    assert months_owed(owed_from, owed_to, datetime.date(2026, 11, 20)) == months


@pytest.mark.parametrize(("amount", "workers", "doubt"), [
    (Decimal("90000"), 1, False),  # 30,000 a month for 3 months: the ceiling itself is plausible
    (Decimal("90003"), 1, True),  # 30,001 a month
    (Decimal("999999999999"), 1, True),
    (Decimal("900030"), 10, True),
    (Decimal("900000"), 10, False),
])
def test_an_amount_above_the_monthly_ceiling_per_worker_is_in_doubt(amount, workers, doubt):
    clue = new_clue(amount_owed=amount, worker_count=workers, owed_from=datetime.date(2026, 8, 1),
                    owed_to=datetime.date(2026, 10, 1))
    clue.refresh_from_db()
    assert clue.amount_implausible is doubt


def test_the_ceiling_is_the_administrators_figure_and_explained_on_the_clue():
    rules = TriageSettings.current()
    rules.implausible_monthly_wage = Decimal("8000")
    rules.save()
    clue = new_clue(amount_owed=Decimal("27000"), worker_count=1, owed_from=datetime.date(2026, 8, 1),
                    owed_to=datetime.date(2026, 10, 1))
    explained = triage_explain(clue)
    assert explained["amount_implausible"] is True
    assert explained["amount_note"] == "平均每人每月约9,000元,高于8,000元;反映人提交时已确认金额无误,请核实"
    by_phone = new_clue(channel="hotline_12333", amount_owed=Decimal("27000"), worker_count=1,
                        owed_from=datetime.date(2026, 8, 1), owed_to=datetime.date(2026, 10, 1))
    assert triage_explain(by_phone)["amount_note"].endswith(";请与反映人核实金额")


def test_triage_shows_an_amount_in_doubt(client, intake_user):
    doubtful = new_clue(amount_owed=Decimal("999999999999"), worker_count=1)
    plain = new_clue(complainant_phone="13800000002")
    client.force_login(intake_user)
    page = client.get("/triage/").content.decode()
    row = page.split(f'id="clue-{doubtful.pk}"')[1].split("</tr>")[0]
    assert '<span class="tag orange amount-doubt"' in row and "金额存疑" in row
    assert "金额存疑" not in page.split(f'id="clue-{plain.pk}"')[1].split("</tr>")[0]
    detail = client.get(f"/clues/{doubtful.pk}/").content.decode()
    assert 'id="amount-doubt"' in detail and "平均每人每月约83,333,333,333元" in detail

"""Supervision letters: numbering per prefix and year (also under concurrency), wording from the editable
templates, the PDF and DOCX a unit receives, who may download them, and the letters the sweep issues."""

import datetime as dt
import io
import subprocess
import threading

import docx
import pytest
import time_machine
from django.db import connection

from supervision import ladder, letters
from supervision.admin import LetterTemplateForm
from supervision.models import Letter, LetterTemplate
from supervision.tasks import render_letter_files
from tests.clues.lifecycle_helpers import new_clue, to_assigned
from tests.conftest import make_staff
from tests.factories import ClueFactory
from units.models import Unit
from units.workdays import SHANGHAI

pytestmark = pytest.mark.django_db


def at(y, m, d, hh=0, mm=0, ss=0):
    return dt.datetime(y, m, d, hh, mm, ss, tzinfo=SHANGHAI)


@pytest.fixture
def zhuozi(db):
    return Unit.objects.get(code="150921")


@pytest.fixture
def two_clues(db):
    return [ClueFactory(tracking_code="ZZ00000001", employer_name="卓资县鑫达建筑劳务有限公司",
                        worker_count=12, amount_owed=186000),
            ClueFactory(tracking_code="ZZ00000002", employer_name="乌兰察布市宏达建筑工程有限公司")]


def issue(kind, unit, clues, when, problem="认领期限(03月03日)已超期"):
    return letters.letter_issue(kind=kind, unit=unit, items=[(c, problem) for c in clues], now=when)


def pdf_text(content, tmp_path):
    path = tmp_path / "letter.pdf"
    path.write_bytes(content)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout


# --- numbering --------------------------------------------------------------------------------------------

def test_letters_are_numbered_in_one_series_per_prefix_and_year(zhuozi, two_clues):
    first = issue("reminder", zhuozi, two_clues, at(2026, 3, 4, 9))
    second = issue("reminder", zhuozi, two_clues[:1], at(2026, 3, 5, 9))
    third = issue("supervision", zhuozi, two_clues[:1], at(2026, 3, 6, 9))
    assert [first.number, second.number, third.number] == [
        "乌薪督〔2026〕1号", "乌薪督〔2026〕2号", "乌薪督〔2026〕3号"]
    assert (third.kind, third.year, third.sequence) == ("supervision", 2026, 3)


def test_numbering_restarts_each_year_by_shanghai_time(zhuozi, two_clues):
    issue("reminder", zhuozi, two_clues, at(2026, 12, 31, 9))
    issue("reminder", zhuozi, two_clues, at(2026, 12, 31, 23, 59))
    # 16:30 UTC on 31 December is already New Year's Day in Ulanqab.
    new_year = dt.datetime(2026, 12, 31, 16, 30, tzinfo=dt.UTC)
    letter = issue("reminder", zhuozi, two_clues, new_year)
    assert letter.number == "乌薪督〔2027〕1号" and letter.year == 2027


def test_a_kind_with_its_own_prefix_has_its_own_series(zhuozi, two_clues):
    LetterTemplate.objects.filter(kind="summons").update(number_prefix="乌薪约")
    issue("reminder", zhuozi, two_clues, at(2026, 3, 4, 9))
    summons = issue("summons", zhuozi, two_clues, at(2026, 3, 4, 10))
    reminder = issue("reminder", zhuozi, two_clues, at(2026, 3, 4, 11))
    assert summons.number == "乌薪约〔2026〕1号"
    assert reminder.number == "乌薪督〔2026〕2号"


def test_a_prefix_changed_mid_year_never_stops_the_sweep_on_a_clashing_number(zhuozi, two_clues):
    issue("summons", zhuozi, two_clues, at(2026, 3, 4, 9))  # 乌薪督〔2026〕1号, summons sequence 1
    LetterTemplate.objects.filter(kind="summons").update(number_prefix="乌薪约")
    letter = issue("summons", zhuozi, two_clues, at(2026, 3, 5, 9))
    assert letter.number.startswith("乌薪约〔2026〕")
    assert Letter.objects.filter(kind="summons").count() == 2


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_sweeps_issuing_at_once_get_distinct_numbers_without_gaps():
    unit = Unit.objects.get(code="150921")
    clue = ClueFactory()
    barrier = threading.Barrier(2)
    errors = []

    def run():
        try:
            barrier.wait(timeout=10)
            for _ in range(8):
                letters.letter_issue(kind="reminder", unit=unit, items=[(clue, "已超期")],
                                     now=at(2026, 3, 4, 9))
        except Exception as exc:  # reported below, with the thread's error
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert errors == []
    sequences = sorted(Letter.objects.values_list("sequence", flat=True))
    assert sequences == list(range(1, 17))
    assert Letter.objects.values("number").distinct().count() == 16


# --- wording ----------------------------------------------------------------------------------------------

def test_the_letter_is_worded_from_its_template_with_each_clue_and_problem(zhuozi, two_clues):
    letter = issue("reminder", zhuozi, two_clues, at(2026, 3, 4, 9))
    assert letter.title == "关于欠薪线索办理超期的提醒函"
    assert letter.body.startswith("卓资县:")
    assert "以下2条欠薪线索" in letter.body and "(提醒函)" in letter.body
    line = "线索 ZZ00000001:卓资县鑫达建筑劳务有限公司,12人,186000.00元;认领期限(03月03日)已超期。"
    assert line in letter.body
    assert set(letter.clues.all()) == set(two_clues)
    assert letter.issued_at == at(2026, 3, 4, 9) and letter.unit == zhuozi


def test_one_clue_with_two_problems_is_one_row(zhuozi, two_clues):
    clue = two_clues[0]
    letter = letters.letter_issue(kind="reminder", unit=zhuozi, now=at(2026, 3, 4, 9),
                                  items=[(clue, "认领期限已超期"), (clue, "响应期限已超期")])
    assert letter.clues.count() == 1
    assert "以下1条" in letter.body and "认领期限已超期;响应期限已超期" in letter.body


def test_template_edits_take_effect_for_the_next_letter(zhuozi, two_clues):
    issue("supervision", zhuozi, two_clues, at(2026, 3, 4, 9))
    LetterTemplate.objects.filter(kind="reminder").update(
        title="{{ unit }}欠薪线索超期提醒", number_prefix="乌人社督",
        body="{{ unit }}:\n    共{{ count }}条,{{ date }}。"
             "{% for c in clues %}{{ c.tracking_code }} {% endfor %}")
    letter = issue("reminder", zhuozi, two_clues, at(2026, 3, 5, 9))
    assert letter.number == "乌人社督〔2026〕1号"
    assert letter.title == "卓资县欠薪线索超期提醒"
    assert letter.body == "卓资县:\n    共2条,2026年3月5日。ZZ00000001 ZZ00000002 "


def test_a_broken_template_falls_back_to_the_default_wording_instead_of_stopping_the_sweep(zhuozi, two_clues):
    LetterTemplate.objects.filter(kind="reminder").update(body="{% for c in clues %}未闭合")
    letter = issue("reminder", zhuozi, two_clues, at(2026, 3, 4, 9))
    assert "请立即组织办理" in letter.body


def test_the_admin_refuses_a_template_that_does_not_parse():
    template = LetterTemplate.objects.get(kind="reminder")
    form = LetterTemplateForm(instance=template, data={
        "kind": "reminder", "number_prefix": "乌薪督〔", "title": "提醒函", "body": "{% if %}"})
    assert not form.is_valid()
    assert "模板语法有误" in form.errors["body"][0]
    assert "机关代字" in form.errors["number_prefix"][0]


def test_a_missing_template_is_restored_from_the_defaults(zhuozi, two_clues):
    LetterTemplate.objects.filter(kind="supervision").delete()
    letter = issue("supervision", zhuozi, two_clues, at(2026, 3, 4, 9))
    assert letter.title == "关于欠薪线索办理的督办函"
    assert LetterTemplate.objects.filter(kind="supervision").exists()


# --- files ------------------------------------------------------------------------------------------------

def test_the_pdf_reads_as_the_official_letter(zhuozi, two_clues, tmp_path):
    letter = issue("reminder", zhuozi, two_clues, at(2026, 3, 4, 9))
    content = letters.render_pdf(letter)
    assert content.startswith(b"%PDF")
    text = pdf_text(content, tmp_path)
    for expected in ("乌兰察布市人力资源和社会保障局", "乌薪督〔2026〕1号", "关于欠薪线索办理超期的提醒函",
                     "卓资县", "ZZ00000001", "卓资县鑫达建筑劳务有限公司", "问题清单", "查询码",
                     "2026年3月4日"):
        assert expected in text, expected


def test_the_pdf_embeds_its_chinese_font(zhuozi, two_clues, tmp_path):
    path = tmp_path / "letter.pdf"
    path.write_bytes(letters.render_pdf(issue("reminder", zhuozi, two_clues, at(2026, 3, 4, 9))))
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    rows = [line.split() for line in fonts.splitlines()[2:] if line.strip()]
    assert rows, fonts
    assert all("yes" in row[-5:-2] for row in rows), fonts  # the "emb" column
    assert "WenQuanYi" in fonts or "WQY" in fonts


def test_the_issuer_comes_from_settings(zhuozi, two_clues, tmp_path, settings):
    settings.LETTER_ISSUER = "乌兰察布市根治拖欠农民工工资工作领导小组办公室"
    letter = issue("reminder", zhuozi, two_clues, at(2026, 3, 4, 9))
    assert "乌兰察布市根治拖欠农民工工资工作领导小组办公室" in pdf_text(letters.render_pdf(letter), tmp_path)


def test_the_docx_has_the_same_content_on_a4_with_an_east_asian_font(zhuozi, two_clues):
    letter = issue("reminder", zhuozi, two_clues, at(2026, 3, 4, 9))
    document = docx.Document(io.BytesIO(letters.render_docx(letter)))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "乌薪督〔2026〕1号" in text and "关于欠薪线索办理超期的提醒函" in text and "卓资县:" in text
    assert "2026年3月4日" in text
    table = document.tables[0]
    assert [c.text for c in table.rows[0].cells] == ["序号", "查询码", "用人单位", "人数", "金额(元)", "问题"]
    first_row = [c.text for c in table.rows[1].cells]
    assert first_row[:4] == ["1", "ZZ00000001", "卓资县鑫达建筑劳务有限公司", "12"]
    section = document.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    from docx.oxml.ns import qn

    runs = [r for p in document.paragraphs for r in p.runs if r.text]
    assert runs and all(r._element.rPr.rFonts.get(qn("w:eastAsia")) for r in runs)


def test_issuing_queues_rendering_after_commit_and_survives_a_dead_broker(zhuozi, two_clues,
                                                                         django_capture_on_commit_callbacks):
    from config.celery import app

    live = app.conf.broker_url
    app.conf.broker_url = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    try:
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            letter = issue("reminder", zhuozi, two_clues, at(2026, 3, 4, 9))
    finally:
        app.conf.broker_url = live
    assert len(callbacks) == 1
    letter.refresh_from_db()
    assert not letter.pdf  # not rendered yet: the download renders it


def test_the_render_task_stores_both_files(zhuozi, two_clues):
    letter = issue("reminder", zhuozi, two_clues, at(2026, 3, 4, 9))
    assert render_letter_files(letter.pk) == letter.number
    letter.refresh_from_db()
    assert letter.pdf.name.endswith(".pdf") and letter.docx.name.endswith(".docx")
    assert letter.pdf.read(4) == b"%PDF"
    name = letter.pdf.name
    render_letter_files(letter.pk)  # a second run keeps the stored files
    letter.refresh_from_db()
    assert letter.pdf.name == name


# --- pages and downloads ------------------------------------------------------------------------------------

@pytest.fixture
def letter(zhuozi, two_clues):
    return issue("reminder", zhuozi, two_clues, at(2026, 3, 4, 9))


def test_an_officer_of_the_unit_downloads_its_letter_rendered_on_demand(client, letter):
    client.force_login(make_staff("officer", "150921", username="zz_officer"))
    response = client.get(f"/letters/{letter.pk}/pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    assert "attachment" in response["Content-Disposition"] and ".pdf" in response["Content-Disposition"]
    letter.refresh_from_db()
    assert letter.pdf  # stored for the next download
    response = client.get(f"/letters/{letter.pk}/docx")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")


def test_a_file_deleted_from_storage_is_rendered_again(client, letter, supervisor_user):
    letters.ensure_letter_files(letter)
    letter.pdf.storage.delete(letter.pdf.name)
    client.force_login(supervisor_user)
    response = client.get(f"/letters/{letter.pk}/pdf")
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")


@pytest.mark.parametrize("path", ["/letters/{pk}/", "/letters/{pk}/pdf", "/letters/{pk}/docx",
                                  "/units/150921/letters/"])
def test_an_officer_of_another_unit_gets_not_found(client, letter, officer_housing, path):
    client.force_login(officer_housing)
    assert client.get(path.format(pk=letter.pk)).status_code == 404


def test_anonymous_visitors_are_sent_to_log_in(client, letter):
    response = client.get(f"/letters/{letter.pk}/pdf")
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_an_unknown_format_is_not_found(client, letter, supervisor_user):
    client.force_login(supervisor_user)
    assert client.get(f"/letters/{letter.pk}/exe").status_code == 404
    assert client.get("/units/nowhere/letters/").status_code == 404


def test_the_letter_page_shows_the_body_the_problem_list_and_download_links(client, letter, intake_user):
    client.force_login(intake_user)
    page = client.get(f"/letters/{letter.pk}/").content.decode()
    assert "乌薪督〔2026〕1号" in page and "关于欠薪线索办理超期的提醒函" in page
    assert "ZZ00000001" in page and "卓资县鑫达建筑劳务有限公司" in page
    assert f"/letters/{letter.pk}/pdf" in page and f"/letters/{letter.pk}/docx" in page


def test_the_unit_letters_page_lists_only_that_units_letters(client, letter, two_clues):
    other = issue("reminder", Unit.objects.get(code="housing"), two_clues[:1], at(2026, 3, 4, 10))
    client.force_login(make_staff("officer", "150921", username="zz_officer2"))
    page = client.get("/units/150921/letters/").content.decode()
    assert letter.number in page and other.number not in page


def test_selectors_and_partials_for_the_clue_and_unit_pages(letter, two_clues, zhuozi, officer_housing):
    from django.template.loader import render_to_string

    assert [x.pk for x in letters.letters_for_clue(two_clues[0])] == [letter.pk]
    assert letters.letters_for_clue(two_clues[0], user=officer_housing) == []
    unit_letters = letters.letters_for_unit(zhuozi)
    assert unit_letters[0].clue_count == 2
    html = render_to_string("supervision/letters/_clue_letters.html",
                            {"letters": letters.letters_for_clue(two_clues[0])})
    assert letter.number in html and f"/letters/{letter.pk}/pdf" in html
    html = render_to_string("supervision/letters/_unit_letters.html", {"letters": unit_letters, "unit": zhuozi})
    assert letter.number in html and "/units/150921/letters/" in html
    assert "未被督办函件点名" in render_to_string("supervision/letters/_clue_letters.html", {"letters": []})


# --- letters the sweep issues -------------------------------------------------------------------------------

def test_a_due_reminder_produces_one_letter_per_unit_with_the_right_clues(tmp_path):
    intake = make_staff("intake", username="lt_intake")
    zz = make_staff("officer", "150921", username="lt_zz")
    housing = make_staff("officer", "housing", username="lt_housing")
    with time_machine.travel(at(2026, 3, 2, 10), tick=False):
        late = [new_clue(employer_name=f"卓资县第{i}建筑公司") for i in range(2)]
        for clue in late:
            to_assigned(clue, intake, zz.unit)
        elsewhere = new_clue()
        to_assigned(elsewhere, intake, housing.unit)
    with time_machine.travel(at(2026, 3, 3, 15), tick=False):
        on_time = new_clue()
        to_assigned(on_time, intake, zz.unit)  # its claim deadline is 4 March
    with time_machine.travel(at(2026, 3, 4, 0, 5), tick=False):
        report = ladder.sweep()
    reminders = Letter.objects.filter(kind="reminder")
    assert sorted(reminders.values_list("unit__code", flat=True)) == ["150921", "housing"]
    to_zz = reminders.get(unit__code="150921")
    assert set(to_zz.clues.all()) == set(late)
    assert to_zz.number in report.letters
    rows = letters.letter_rows(to_zz)
    assert [r["problem"] for r in rows] == ["认领期限(03月03日)已超期"] * 2
    text = pdf_text(letters.render_pdf(to_zz), tmp_path)
    assert late[0].tracking_code in text and "认领期限(03月03日)已超期" in text

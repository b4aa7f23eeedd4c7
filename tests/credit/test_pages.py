"""The enforcement pages: the list, a form per kind (its own fields, Chinese errors, the file), a record's page
with its actions, a police referral opened from a clue resolved with "police", and the panel on the supervisor's
board."""

import io

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from clues import lifecycle
from credit.models import EnforcementRecord
from tests.clues.lifecycle_helpers import new_clue, to_in_progress
from tests.credit.conftest import LEGAL_REP_ID
from tests.wage_warnings.helpers import at

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(at(2026, 6, 1, 10), tick=False):
        yield


def _png():
    out = io.BytesIO()
    Image.new("RGB", (20, 10), "white").save(out, "PNG")
    return SimpleUploadedFile("决定书.png", out.getvalue(), content_type="image/png")


def test_each_kind_has_its_own_form(credit_world, client):
    client.force_login(credit_world["zhuozi"])
    order = client.get("/enforcement/new/rectification_order/").content.decode()
    assert 'name="deadline"' in order and 'name="amount"' not in order and 'name="unit"' not in order
    penalty = client.get("/enforcement/new/penalty/").content.decode()
    assert 'name="amount"' in penalty and 'name="legal_basis"' in penalty and 'name="deadline"' not in penalty
    blacklist = client.get("/enforcement/new/blacklist/").content.decode()
    assert 'name="person_1_id_number"' in blacklist and 'name="removal_date"' in blacklist
    assert 'name="case_number"' in client.get("/enforcement/new/police_referral/").content.decode()
    assert client.get("/enforcement/new/other/").status_code == 404
    client.force_login(credit_world["intake"])
    assert 'name="unit"' in client.get("/enforcement/new/penalty/").content.decode()


def test_a_penalty_entered_on_its_form_with_the_decision_scan(credit_world, client):
    client.force_login(credit_world["zhuozi"])
    data = {"enterprise": credit_world["contractor"].credit_code, "project": "ZZ-CREDIT-1", "number": "卓人社罚2号",
            "date": "2026-05-20", "amount": "", "legal_basis": "条例第五十五条"}
    refused = client.post("/enforcement/new/penalty/", data)
    assert refused.status_code == 400 and "请填写罚款金额(大于0)。" in refused.content.decode()
    made = client.post("/enforcement/new/penalty/", {**data, "amount": "8000", "document": _png()})
    record = EnforcementRecord.objects.get(number="卓人社罚2号")
    assert made.status_code == 302 and made["Location"] == f"/enforcement/{record.pk}/"
    assert (record.unit.code, record.officer, str(record.amount)) == ("150921", credit_world["zhuozi"], "8000.00")
    scan = client.get(f"/enforcement/{record.pk}/file/document")
    assert scan.status_code == 200 and b"".join(scan.streaming_content)[:4] == b"\x89PNG"
    client.force_login(credit_world["fengzhen"])
    assert client.get(f"/enforcement/{record.pk}/file/document").status_code == 404

    client.force_login(credit_world["zhuozi"])
    page = client.get(f"/enforcement/{record.pk}/").content.decode()
    assert 'id="pay"' in page and 'id="close"' in page
    assert client.post(f"/enforcement/{record.pk}/pay/", {"paid_on": "2026-05-28"}).status_code == 302
    record.refresh_from_db()
    assert str(record.paid_on) == "2026-05-28"
    client.force_login(credit_world["housing"])  # sees the housing project's record, did not make it
    assert client.post(f"/enforcement/{record.pk}/close/", {"note": "结案"}).status_code == 403


def test_a_bad_id_number_on_the_blacklist_form_is_shown_at_its_person(credit_world, client):
    client.force_login(credit_world["intake"])
    data = {"enterprise": credit_world["contractor"].credit_code, "number": "失信表单1号", "date": "2026-05-20",
            "reason": "拒不支付", "unit": "150921", "person_1_name": "钱某", "person_1_role": "legal_representative",
            "person_1_id_number": LEGAL_REP_ID[:-1] + ("0" if LEGAL_REP_ID[-1] != "0" else "1")}
    refused = client.post("/enforcement/new/blacklist/", data)
    assert refused.status_code == 400
    assert 'id="field-person_1_id_number"' in refused.content.decode()
    assert "身份证号码校验位不正确,请核对" in refused.content.decode()
    made = client.post("/enforcement/new/blacklist/", {**data, "person_1_id_number": LEGAL_REP_ID})
    assert made.status_code == 302
    page = client.get(made["Location"]).content.decode()
    assert LEGAL_REP_ID not in page and LEGAL_REP_ID[:4] + "*" * 10 + LEGAL_REP_ID[-4:] in page
    credit_world["contractor"].refresh_from_db()
    assert credit_world["contractor"].is_blacklisted


def test_a_clue_resolved_with_police_offers_a_referral_filled_in_from_it(credit_world, client, intake_user):
    officer = credit_world["zhuozi"]
    contractor = credit_world["contractor"]
    clue = new_clue(employer_name=contractor.name, employer_credit_code=contractor.credit_code,
                    project=credit_world["zz"], district=credit_world["units"]["150921"])
    to_in_progress(clue, intake_user, officer)
    client.force_login(officer)
    assert 'id="open-police-referral"' not in client.get(f"/clues/{clue.pk}/").content.decode()
    lifecycle.resolve(clue=clue, by=officer, result="police", note="涉嫌拒不支付劳动报酬罪,移送公安")

    page = client.get(f"/clues/{clue.pk}/").content.decode()
    link = f"/enforcement/new/police_referral/?clue={clue.pk}"
    assert 'id="open-police-referral"' in page and link in page
    form = client.get(link).content.decode()
    assert f'value="{contractor.credit_code}"' in form and 'value="ZZ-CREDIT-1"' in form
    assert f'name="clues" value="{clue.pk}"' in form and clue.tracking_code in form
    made = client.post(link, {"enterprise": contractor.credit_code, "project": "ZZ-CREDIT-1", "number": "卓人社移送2号",
                              "date": "2026-06-01", "case_number": "", "clues": str(clue.pk)})
    assert made.status_code == 302
    referral = EnforcementRecord.objects.get(number="卓人社移送2号")
    assert (referral.kind, list(referral.clues.all())) == ("police_referral", [clue])


def test_the_supervisors_board_has_the_enforcement_panel(credit_world, api_as, client):
    api_as(credit_world["zhuozi"]).post("/api/v1/enforcement/", {
        "kind": "penalty", "enterprise": credit_world["contractor"].credit_code, "number": "罚看板1",
        "date": "2026-06-01", "amount": "25000", "legal_basis": "条例第五十五条"}, format="json")
    client.force_login(credit_world["supervisor"])
    page = client.get("/reports/").content.decode()
    assert 'id="panel-enforcement"' in page
    start = page.index('id="panel-enforcement"')
    panel = page[start:page.index("</section>", start)]
    assert 'data-figure="penalties"' in panel and "2.5" in panel  # 25000 元 = 2.5 万元
    assert 'data-unit="150921"' in panel

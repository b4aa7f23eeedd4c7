"""Personal data (个人信息保护法): ID and mobile numbers masked in every list and by default on a clue's page;
the full values only on request (a POST to the page's reveal address, never a GET), for staff who may see the
clue, and each such view recorded."""

import pytest
from django.utils import timezone

from accounts.roles import Role
from clues.models import Assignment, PersonalDataView
from clues.personal_data import masked_values, personal_data_for
from tests.conftest import make_staff
from tests.factories import ClueFactory
from units.models import Unit

pytestmark = pytest.mark.django_db

PHONE = "13800138000"
ID_NUMBER = "15092119900307123X"


@pytest.fixture
def clue(db):
    return ClueFactory(complainant_phone=PHONE, complainant_id_number=ID_NUMBER)


def assign(clue, unit_code):
    unit = Unit.objects.get(code=unit_code)
    now = timezone.now()
    Assignment.objects.create(clue=clue, unit=unit, assigned_at=now, claim_deadline=now)
    clue.unit, clue.status = unit, "assigned"
    clue.save(update_fields=["unit", "status"])


def test_masks_keep_the_first_and_last_digits_only(clue):
    assert masked_values(clue) == {"complainant_phone": "138****8000",
                                   "complainant_id_number": "1509**********123X"}


def test_masked_data_is_the_default_and_records_nothing(clue, intake_user):
    data = personal_data_for(clue, intake_user)
    assert (data.complainant_phone, data.complainant_id_number) == ("138****8000", "1509**********123X")
    assert data.can_reveal and not data.revealed
    assert not PersonalDataView.objects.exists()


def test_a_full_view_is_recorded_with_user_fields_and_channel(clue, intake_user):
    data = personal_data_for(clue, intake_user, reveal=True, via="api")
    assert (data.complainant_phone, data.complainant_id_number) == (PHONE, ID_NUMBER)
    view = PersonalDataView.objects.get()
    assert (view.user, view.clue, view.via) == (intake_user, clue, "api")
    assert view.fields == "complainant_phone,complainant_id_number"


def test_a_clue_without_an_id_number_records_only_the_phone(intake_user):
    clue = ClueFactory(complainant_phone=PHONE, complainant_id_number="")
    personal_data_for(clue, intake_user, reveal=True)
    assert PersonalDataView.objects.get().fields == "complainant_phone"


def test_staff_who_may_not_see_the_clue_get_masked_values_and_nothing_is_recorded(clue, officer_zhuozi):
    data = personal_data_for(clue, officer_zhuozi, reveal=True)
    assert data.complainant_phone == "138****8000"
    assert not data.can_reveal and not data.revealed
    assert not PersonalDataView.objects.exists()


def test_the_clue_page_masks_by_default(client, clue, intake_user):
    client.force_login(intake_user)
    html = client.get(f"/clues/{clue.pk}/").content.decode()
    assert "138****8000" in html and "1509**********123X" in html
    assert PHONE not in html and ID_NUMBER not in html
    assert "查看完整手机号和身份证号" in html
    assert not PersonalDataView.objects.exists()


def test_revealing_on_the_clue_page_shows_the_full_values_and_records_the_view(client, clue, intake_user):
    client.force_login(intake_user)
    html = client.post(f"/clues/{clue.pk}/reveal/").content.decode()
    assert PHONE in html and ID_NUMBER in html
    assert "本次查看已记录" in html
    view = PersonalDataView.objects.get()
    assert (view.user, view.clue, view.via) == (intake_user, clue, "page")


@pytest.mark.parametrize("url", ["/clues/{pk}/?reveal=1", "/clues/{pk}/reveal/", "/clues/{pk}/?reveal=1"])
def test_a_get_never_reveals_nor_records(client, clue, intake_user, url):
    client.force_login(intake_user)
    response = client.get(url.format(pk=clue.pk), follow=True)
    html = response.content.decode()
    assert PHONE not in html and ID_NUMBER not in html
    assert not PersonalDataView.objects.exists()


def test_the_old_address_of_the_clue_page_moved_for_good_without_its_query(client, clue, intake_user):
    client.force_login(intake_user)
    response = client.get(f"/clue/{clue.pk}/?reveal=1")
    assert response.status_code == 308
    assert response["Location"] == f"/clues/{clue.pk}/"


def test_reveal_in_the_query_of_the_page_reveals_nothing(client, clue, intake_user):
    client.force_login(intake_user)
    html = client.get(f"/clues/{clue.pk}/?reveal=1").content.decode()
    assert PHONE not in html and ID_NUMBER not in html
    assert not PersonalDataView.objects.exists()


def test_an_officer_sees_the_page_of_a_clue_of_the_unit_and_may_reveal(client, clue, officer_zhuozi):
    assign(clue, "150921")
    client.force_login(officer_zhuozi)
    assert PHONE in client.post(f"/clues/{clue.pk}/reveal/").content.decode()
    assert PersonalDataView.objects.get().user == officer_zhuozi


def test_an_officer_of_another_unit_gets_404_and_nothing_is_recorded(client, clue, officer_housing):
    assign(clue, "150921")
    client.force_login(officer_housing)
    assert client.post(f"/clues/{clue.pk}/reveal/").status_code == 404
    assert client.get(f"/clues/{clue.pk}/", follow=True).status_code == 404
    assert not PersonalDataView.objects.exists()


def test_the_clue_list_page_masks_every_row(client, intake_user):
    ClueFactory(complainant_phone=PHONE, complainant_id_number=ID_NUMBER)
    ClueFactory(complainant_phone="13947400001", complainant_id_number="")
    client.force_login(intake_user)
    html = client.get("/clues/").content.decode()
    assert "138****8000" in html and "139****0001" in html and "1509**********123X" in html
    assert PHONE not in html and ID_NUMBER not in html and "13947400001" not in html
    assert not PersonalDataView.objects.exists()


def test_the_list_page_shows_an_officer_only_the_clues_of_the_unit(client, officer_zhuozi):
    mine = ClueFactory(employer_name="卓资县甲公司")
    ClueFactory(employer_name="化德县乙公司")
    assign(mine, "150921")
    client.force_login(officer_zhuozi)
    html = client.get("/clues/").content.decode()
    assert "卓资县甲公司" in html and "化德县乙公司" not in html


def test_the_api_list_masks_and_the_detail_reveals_only_on_request(api_as, clue):
    supervisor = make_staff(Role.SUPERVISOR, username="sup_mask")
    api = api_as(supervisor)
    row = api.get("/api/v1/clues/").json()["results"][0]
    assert (row["complainant_phone"], row["complainant_id_number"]) == ("138****8000", "1509**********123X")
    detail = api.get(f"/api/v1/clues/{clue.pk}/").json()
    assert detail["complainant_phone"] == "138****8000" and detail["personal_data_revealed"] is False
    assert not PersonalDataView.objects.exists()
    revealed = api.get(f"/api/v1/clues/{clue.pk}/?reveal=1").json()
    assert (revealed["complainant_phone"], revealed["complainant_id_number"]) == (PHONE, ID_NUMBER)
    assert revealed["personal_data_revealed"] is True
    view = PersonalDataView.objects.get()
    assert (view.user, view.via) == (supervisor, "api")


def test_reveal_is_ignored_on_the_api_list(api_as, clue, intake_user):
    row = api_as(intake_user).get("/api/v1/clues/?reveal=1").json()["results"][0]
    assert row["complainant_phone"] == "138****8000"
    assert not PersonalDataView.objects.exists()

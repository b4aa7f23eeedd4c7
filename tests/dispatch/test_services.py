"""dispatch.services: bulk transfer one lifecycle move per clue, and saved list filters per user."""

import pytest

from clues.models import Status
from dispatch import services
from dispatch.models import SavedFilter
from tests.clues.lifecycle_helpers import new_clue, to_in_progress
from tests.conftest import make_staff

pytestmark = pytest.mark.django_db


def test_bulk_transfer_moves_each_visible_clue_and_reports_each_refusal(intake_user, officer_zhuozi, units):
    first, second, handled = new_clue(), new_clue(), new_clue()
    to_in_progress(handled, intake_user, officer_zhuozi)
    moved, failures = services.clues_transfer_many(
        clue_ids=[first.pk, handled.pk, second.pk, first.pk, 987654], unit=units["housing"], by=intake_user,
        note="属住建领域")
    assert [clue.pk for clue in moved] == [first.pk, second.pk]  # each once, in the order asked
    assert all(clue.status == Status.ASSIGNED and clue.unit.code == "housing" for clue in moved)
    assert failures == [(handled.tracking_code, "线索当前状态为“办理中”,不能转办。"), ("#987654", "未找到该线索。")]
    assert first.assignments.get().note == "属住建领域"


def test_bulk_transfer_treats_a_clue_the_user_may_not_see_as_not_found(officer_housing, units):
    clue = new_clue()
    moved, failures = services.clues_transfer_many(clue_ids=[clue.pk], unit=units["150921"], by=officer_housing)
    assert moved == [] and failures == [(f"#{clue.pk}", "未找到该线索。")]
    clue.refresh_from_db()
    assert clue.status == Status.RECEIVED


def test_a_saved_filter_is_kept_per_user_and_replaced_under_the_same_name(intake_user):
    saved, created = services.saved_filter_save(user=intake_user, page="triage", name="红色", query="risk_color=red")
    assert created and (saved.page, saved.query) == ("triage", "risk_color=red")
    again, created = services.saved_filter_save(user=intake_user, page="triage", name="红色", query="risk_color=orange")
    assert not created and again.pk == saved.pk
    assert SavedFilter.objects.get().query == "risk_color=orange"


def test_only_the_owner_deletes_a_saved_filter(intake_user):
    saved, _created = services.saved_filter_save(user=intake_user, page="all", name="超期", query="overdue=1")
    other = make_staff("intake", username="svc_other")
    assert services.saved_filter_delete(user=other, pk=saved.pk) is None
    assert SavedFilter.objects.exists()
    deleted = services.saved_filter_delete(user=intake_user, pk=saved.pk)
    assert deleted.name == "超期" and not SavedFilter.objects.exists()

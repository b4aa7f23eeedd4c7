"""A database filled at the schema before the layers (units, the clue's records and 统一督办 all in dispatch, the
outbox pointing at clues) migrates to today's layout with every row and every foreign key intact."""

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from clues.models import Assignment, Clue, ClueEvent, DeadlinePolicy, HandlingRecord
from notifications.models import OutboxMessage
from supervision.models import EscalationRule, EscalationStep, Letter, LetterTemplate, ReferralPackage
from units.models import Unit, WorkingDayOverride

BEFORE = [("dispatch", "0007_default_ladder_and_letters"), ("clues", "0002_report_covering_index"),
          ("accounts", "0002_role_groups"), ("projects", "0001_initial"), ("notifications", "0001_initial"),
          ("units", None), ("supervision", None)]
STATES = ["received", "assigned", "in_progress", "resolved", "closed"]
T0 = dt.datetime(2026, 3, 2, 10, tzinfo=dt.UTC)


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    executor.loader.build_graph()
    return executor.loader.project_state([t for t in targets if t[1] is not None]).apps


def _fill(apps):
    """Rows of every kind at the old schema, through the historical models; returns what to look for."""
    Unit_ = apps.get_model("dispatch", "Unit")
    User = apps.get_model("accounts", "User")
    Project = apps.get_model("projects", "Project")
    Clue_ = apps.get_model("clues", "Clue")
    Assignment_ = apps.get_model("dispatch", "Assignment")
    ClueEvent_ = apps.get_model("dispatch", "ClueEvent")
    HandlingRecord_ = apps.get_model("dispatch", "HandlingRecord")
    Step = apps.get_model("dispatch", "EscalationStep")
    Letter_ = apps.get_model("dispatch", "Letter")
    Referral = apps.get_model("dispatch", "ReferralPackage")
    Override = apps.get_model("dispatch", "WorkingDayOverride")
    Outbox = apps.get_model("notifications", "OutboxMessage")
    SavedFilter = apps.get_model("dispatch", "SavedFilter")

    zhuozi = Unit_.objects.get(code="150921")
    housing = Unit_.objects.get(code="housing")
    officer = User.objects.create(username="old_officer", unit=zhuozi)
    project = Project.objects.create(code="OLD-001", name="旧项目", district=zhuozi, sector=housing)
    clues = []
    for n, state in enumerate(STATES):
        clue = Clue_.objects.create(
            tracking_code=f"OLD{n:06d}", channel="web", status=state, received_at=T0, employer_name="旧公司",
            complainant_name="张三", complainant_phone="13800138000", worker_count=3,
            amount_owed=Decimal("30000.00"), project=project, district=zhuozi,
            unit=None if state == "received" else zhuozi, close_deadline=T0 + dt.timedelta(days=20))
        clues.append(clue)
        ClueEvent_.objects.create(clue=clue, kind="received", at=T0, to_status="received", actor_unit=zhuozi)
        if state != "received":
            Assignment_.objects.create(clue=clue, unit=zhuozi, assigned_at=T0, assigned_by=officer,
                                       claim_deadline=T0 + dt.timedelta(days=1))
            HandlingRecord_.objects.create(clue=clue, unit=zhuozi, kind="contact", occurred_at=T0, note="已联系",
                                           created_by=officer)
    step = Step.objects.create(clue=clues[1], deadline_kind="claim", deadline_at=T0, step="reminder",
                               due_at=T0, unit=zhuozi, state="taken", taken_at=T0)
    letter = Letter_.objects.create(kind="reminder", year=2026, sequence=1, number="乌薪督〔2026〕1号", unit=zhuozi,
                                    title="提醒函", body="正文", issued_at=T0)
    letter.clues.add(clues[1], clues[2])
    step.letter = letter
    step.save()
    Referral.objects.create(unit=zhuozi, letter=letter, payload={"clues": [clues[1].tracking_code]})
    Override.objects.create(date=dt.date(2027, 1, 2), is_working_day=True, note="调休")
    Outbox.objects.create(channel="sms", recipient="13800138000", clue=clues[0], body="已受理")
    Outbox.objects.create(channel="inapp", user=officer, clue=clues[1], subject="新转办", body="请认领")
    SavedFilter.objects.create(user=officer, page="all", name="卓资县", query="district=150921")
    return {"clues": [c.pk for c in clues], "letter": letter.pk, "step": step.pk, "officer": officer.pk,
            "project": project.pk, "zhuozi": zhuozi.pk}


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_database_of_the_layerless_schema_migrates_with_every_row_intact():
    latest = MigrationExecutor(connection).loader.graph.leaf_nodes()
    before_counts = {}
    try:
        old_apps = _migrate(BEFORE)
        ids = _fill(old_apps)
        for label, name in [("dispatch", "Unit"), ("dispatch", "Assignment"), ("dispatch", "ClueEvent"),
                            ("dispatch", "HandlingRecord"), ("dispatch", "EscalationStep"), ("dispatch", "Letter"),
                            ("dispatch", "ReferralPackage"), ("dispatch", "WorkingDayOverride"),
                            ("dispatch", "DeadlinePolicy"), ("dispatch", "EscalationRule"),
                            ("dispatch", "LetterTemplate")]:
            before_counts[name] = old_apps.get_model(label, name).objects.count()
    finally:
        _migrate(latest)

    assert {
        "Unit": Unit.objects.count(), "Assignment": Assignment.objects.count(),
        "ClueEvent": ClueEvent.objects.count(), "HandlingRecord": HandlingRecord.objects.count(),
        "EscalationStep": EscalationStep.objects.count(), "Letter": Letter.objects.count(),
        "ReferralPackage": ReferralPackage.objects.count(), "WorkingDayOverride": WorkingDayOverride.objects.count(),
        "DeadlinePolicy": DeadlinePolicy.objects.count(), "EscalationRule": EscalationRule.objects.count(),
        "LetterTemplate": LetterTemplate.objects.count(),
    } == before_counts
    zhuozi = Unit.objects.get(pk=ids["zhuozi"])
    clues = list(Clue.objects.filter(pk__in=ids["clues"]).order_by("tracking_code"))
    assert [c.status for c in clues] == STATES
    assert all(c.district == zhuozi and c.project_id == ids["project"] for c in clues)
    assert [c.unit_id for c in clues] == [None, *[zhuozi.pk] * 4]
    assert not any(c.ladder_dirty for c in clues)  # their steps were synced at their last move
    assert Assignment.objects.filter(clue__in=clues[1:], unit=zhuozi, assigned_by_id=ids["officer"]).count() == 4
    assert HandlingRecord.objects.filter(clue__in=clues[1:], unit=zhuozi).count() == 4
    assert ClueEvent.objects.filter(clue__in=clues, actor_unit=zhuozi).count() == 5
    letter = Letter.objects.get(pk=ids["letter"])
    assert letter.unit == zhuozi and set(letter.clues.values_list("pk", flat=True)) == set(ids["clues"][1:3])
    assert EscalationStep.objects.get(pk=ids["step"]).letter == letter
    assert ReferralPackage.objects.get().letter == letter
    assert zhuozi.assignments.count() == 4 and zhuozi.letters.count() == 1
    sms = OutboxMessage.objects.about(clues[0]).get()
    assert sms.about_label == clues[0].tracking_code and sms.about == clues[0]
    assert OutboxMessage.objects.about(clues[1]).get().user_id == ids["officer"]
    moved = set(ContentType.objects.filter(model__in=["unit", "letter", "clueevent"])
                .values_list("app_label", "model"))
    assert moved == {("units", "unit"), ("supervision", "letter"), ("clues", "clueevent")}

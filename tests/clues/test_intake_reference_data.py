"""Intake reads the reference data (units, calendar, triage settings, deadline policies) once per process and
again as soon as anyone changes any of it: a submission runs a small fixed set of statements, none of them a
read of reference data, and an administrator's change shows in the very next submission."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from clues.models import Clue, TriageSettings
from notifications.models import OutboxMessage
from projects.models import Project
from tests.factories import EnterpriseFactory, ProjectFactory
from units import reference_cache
from units.models import Unit, WorkingDayOverride

pytestmark = pytest.mark.django_db

REFERENCE_TABLES = ("dispatch_unit", "dispatch_workingdayoverride", "clues_triagesettings",
                    "dispatch_deadlinepolicy", "supervision_ladderrule", "projects_enterprise")


@pytest.fixture(autouse=True)
def _no_rate_limit(settings):
    settings.PUBLIC_RATE_LIMIT = "0"


def body(n, **extra):
    return {"employer_name": "乌兰察布市某某建筑劳务有限公司", "complainant_name": "王勇",
            "complainant_phone": f"1370000{n:04d}", "worker_count": 6, "amount_owed": "36000",
            "district_code": "150902", "owed_from": "2026-08", "owed_to": "2026-10",
            "description": "2026年8月至10月的工资一直未发。", "consent": True, **extra}


def submit(client, n, **extra):
    response = client.post("/api/v1/public/clues/", body(n, **extra), format="json")
    assert response.status_code == 201, response.content
    return Clue.objects.get(tracking_code=response.json()["tracking_code"])


def test_a_submission_reads_no_reference_data_once_the_process_has_it():
    client = APIClient()
    TriageSettings.current()  # the settings row exists (created on first use: a write that renews the stamp)
    submit(client, 1)  # the process's first: it loads what it needs
    with CaptureQueriesContext(connection) as captured:
        response = client.post("/api/v1/public/clues/", body(2), format="json")
    assert response.status_code == 201, response.content
    statements = [q["sql"] for q in captured.captured_queries]
    reads = [sql for sql in statements if sql.lstrip().upper().startswith("SELECT")]
    assert not [sql for sql in reads if any(table in sql for table in REFERENCE_TABLES)], reads
    # The stamp, the duplicate/repeat look-up (one UNION), the clue, its event, its SMS — and the transaction.
    writes = [sql for sql in statements if sql.lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))]
    assert len(reads) == 2 and len(writes) == 3, statements
    assert len(statements) <= 9, statements


def test_one_snapshot_serves_until_something_changes():
    first = reference_cache.snapshot()
    assert reference_cache.snapshot() is first
    Unit.objects.filter(code="150921").update(name="卓资县")  # any write renews the stamp (a trigger)
    assert reference_cache.snapshot() is not first


def test_an_administrators_change_shows_in_the_next_submission():
    client = APIClient()
    assert submit(client, 3).risk_color != "red"
    settings_row = TriageSettings.current()
    settings_row.red_amount = Decimal("30000")
    settings_row.save()
    assert submit(client, 4).risk_color == "red"  # 36,000 元 is red now, without a restart


def test_a_new_holiday_moves_the_next_deadline_at_once():
    client = APIClient()
    before = submit(client, 5)
    last_day = timezone.localdate(before.response_deadline)  # the last working day of the response clock
    WorkingDayOverride.objects.update_or_create(date=last_day, defaults={"is_working_day": False,
                                                                         "note": "临时调休"})
    after = submit(client, 6)
    assert timezone.localdate(after.response_deadline) > last_day


def test_a_blacklisting_shows_in_the_next_submission_and_the_list_is_not_read_per_clue():
    client = APIClient()
    listed = EnterpriseFactory(name="乌兰察布市某某建筑劳务有限公司")
    assert submit(client, 7).risk_color != "red"
    listed.is_blacklisted = True
    listed.save(update_fields=["is_blacklisted"])  # the flag's trigger renews the stamp
    clue = submit(client, 8)
    assert clue.risk_color == "red" and any("失信" in reason for reason in clue.risk_reasons)
    token = reference_cache.read_token()
    EnterpriseFactory(name="另一家劳务有限公司")  # a new enterprise, not listed: reference data unchanged
    assert reference_cache.read_token() == token


@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_the_clue_its_event_its_sms_and_the_mark_are_one_statement():
    """What production does (autocommit, no request transaction): one INSERT … WITH statement, no BEGIN/COMMIT."""
    project = ProjectFactory()
    Project.objects.filter(pk=project.pk).update(warnings_dirty=False)
    client = APIClient()
    TriageSettings.current()
    submit(client, 20)
    with CaptureQueriesContext(connection) as captured:
        response = client.post("/api/v1/public/clues/", body(21, project_code=project.code), format="json")
    assert response.status_code == 201, response.content
    statements = [q["sql"] for q in captured.captured_queries]
    assert not [sql for sql in statements if sql.strip().upper() in ("BEGIN", "COMMIT")], statements
    writes = [sql for sql in statements if sql.lstrip().upper().startswith(("INSERT", "UPDATE", "WITH"))]
    assert len(writes) == 1 and writes[0].startswith("WITH"), statements
    clue = Clue.objects.get(tracking_code=response.json()["tracking_code"])
    assert clue.project_id == project.pk
    event = clue.events.get()
    assert (event.kind, event.to_status, event.at) == ("received", "received", clue.received_at)
    sms = OutboxMessage.objects.get(dedupe_key=f"sms:{clue.pk}:received")
    assert (sms.about_id, sms.recipient) == (clue.pk, "13700000021")
    assert clue.tracking_code in sms.body
    assert Project.objects.get(pk=project.pk).warnings_dirty

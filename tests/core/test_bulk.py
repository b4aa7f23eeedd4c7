"""core.bulk.bulk_insert: thousands of rows by COPY on PostgreSQL, with their primary keys, every value as the
ORM would have written it (JSON, instants, auto_now), and the statements counted like any query."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.bulk import bulk_insert
from projects.models import ProjectEvent
from tests.factories import ProjectFactory
from units.workdays import SHANGHAI

pytestmark = pytest.mark.django_db


def test_rows_come_back_as_the_orm_reads_them_with_their_keys():
    project = ProjectFactory()
    at = dt.datetime(2026, 5, 1, 8, 30, tzinfo=SHANGHAI)
    events = [ProjectEvent(project=project, at=at, kind="warning_opened", text=f"第{n}条:含\t制表符与\n换行",
                           data={"warning": n, "period": "2026-04", "names": ["甲", "乙"]}) for n in range(500)]
    with CaptureQueriesContext(connection) as queries:
        saved = bulk_insert(events)
    assert len(queries.captured_queries) == 2  # the keys, then the COPY
    assert [e.pk for e in saved] == sorted(e.pk for e in saved) and None not in {e.pk for e in saved}
    stored = ProjectEvent.objects.get(pk=saved[123].pk)
    assert (stored.at, stored.text, stored.data) == (at, "第123条:含\t制表符与\n换行",
                                                    {"warning": 123, "period": "2026-04", "names": ["甲", "乙"]})
    assert ProjectEvent.objects.filter(project=project).count() == 500
    assert bulk_insert([]) == []

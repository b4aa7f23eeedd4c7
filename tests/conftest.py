"""Fixtures shared by the whole suite, and the CI rule that nothing may be skipped."""

import os
import shutil

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from rest_framework.test import APIClient

from accounts.roles import Role, sync_role_permissions
from clues.reference import load_deadline_policies
from supervision.reference import load_ladder
from units.models import Unit
from units.reference import load_units
from wage_warnings.reference import load_rules

from .factories import UserFactory

CI = os.environ.get("CI", "").lower() == "true"


def pytest_collection_modifyitems(config, items):
    """Skip, with the reason said plainly, the tests whose service or program this machine lacks."""
    from django.conf import settings

    on_postgres = settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"
    has_redis = bool(os.environ.get("REDIS_URL"))
    chromium = shutil.which("chromium") or os.path.exists("/usr/bin/chromium")
    for item in items:
        if "postgres" in item.keywords and not on_postgres:
            item.add_marker(pytest.mark.skip(reason="needs PostgreSQL (DATABASE_URL is not PostgreSQL)"))
        if "redis" in item.keywords and not has_redis:
            item.add_marker(pytest.mark.skip(reason="needs Redis (REDIS_URL is not set or not reachable)"))
        if "browser" in item.keywords and not chromium:
            item.add_marker(pytest.mark.skip(reason="needs Debian's chromium (apt-get install chromium)"))


@pytest.fixture(autouse=True)
def _reference_data(request):
    """Units, roles, deadline policies, the ladder and the warning rules come from data migrations; a transactional
    test flushes them away afterwards, so put them back for every test that uses the database."""
    uses_db = request.node.get_closest_marker("django_db") or {"db", "transactional_db"} & set(
        request.fixturenames)
    if not uses_db:
        return
    request.getfixturevalue("_django_db_helper")
    ensure_reference_data()


def ensure_reference_data():
    """Put the reference data back where a test flushed the tables (migrations load it on a real database)."""
    from django.apps import apps

    if Unit.objects.exists():
        return
    load_units(apps.get_model)
    load_deadline_policies(apps.get_model)
    load_ladder(apps.get_model)
    load_rules(apps.get_model)
    sync_role_permissions()


def pytest_sessionfinish(session, exitstatus):
    if not CI:
        return
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = len(reporter.stats.get("skipped", [])) if reporter else 0
    if skipped:
        reporter.write_line(f"CI=true: {skipped} test(s) skipped; nothing may be skipped in CI.", red=True)
        session.exitstatus = 1


def current_database_url():
    """The URL of the database this test runs on, for a process the test starts (a worker, a web server)."""
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    user = db["USER"] or "postgres"
    return f"postgres://{user}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.fixture
def units(db):
    return {u.code: u for u in Unit.objects.all()}


def make_staff(role, unit_code="150900", **kwargs):
    user = UserFactory(unit=Unit.objects.get(code=unit_code), **kwargs)
    user.groups.add(Group.objects.get(name=role))
    return user


@pytest.fixture
def intake_user(db):
    return make_staff(Role.INTAKE, username="intake1")


@pytest.fixture
def supervisor_user(db):
    return make_staff(Role.SUPERVISOR, username="supervisor1")


@pytest.fixture
def admin_user_role(db):
    return make_staff(Role.ADMIN, username="admin1", is_staff=True)


@pytest.fixture
def officer_zhuozi(db):
    return make_staff(Role.OFFICER, "150921", username="officer_zz")


@pytest.fixture
def officer_housing(db):
    return make_staff(Role.OFFICER, "housing", username="officer_housing")


@pytest.fixture
def api_client():
    return APIClient()


@pytest.fixture
def api_as():
    """api_as(user) → an APIClient authenticated as that user."""

    def login(user):
        client = APIClient()
        client.force_authenticate(user)
        return client

    return login

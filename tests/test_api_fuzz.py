"""Schemathesis against our OpenAPI schema (/api/schema/), anonymous and with a staff token: no 500, and every
answer matches the schema. Bounded by FUZZ_EXAMPLES per operation (a few here; `make fuzz` runs more)."""

import os

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from accounts.tokens import issue_token
from tests.conftest import make_staff

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "3"))
schema = schemathesis.openapi.from_wsgi("/api/schema/", get_wsgi_application())


@pytest.fixture
def token(db, settings):
    settings.PUBLIC_RATE_LIMIT = "0"
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    user = make_staff("intake", username="fuzz_intake")
    key, _token = issue_token(user)
    # As Django's test client does: the test's transaction must survive the end of each request.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield key
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.mark.django_db
@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, derandomize=True,
          suppress_health_check=list(HealthCheck))
def test_the_api_answers_every_generated_request_within_its_schema(case, token):
    for headers in ({}, {"Authorization": f"Token {token}"}):
        response = case.call(headers=headers)
        case.validate_response(response, checks=[not_a_server_error, response_schema_conformance])

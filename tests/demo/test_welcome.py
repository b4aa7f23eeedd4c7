"""The start-up banner of `make run`: the worker's pages and a project's QR link at the served address."""

import io

import pytest
from django.core.management import call_command

from tests.factories import ProjectFactory


@pytest.mark.django_db
def test_the_welcome_banner_lists_the_worker_pages_and_a_project_qr_link(settings):
    settings.SITE_BASE_URL = "http://127.0.0.1:8123"
    project = ProjectFactory(code="WLCB-2026-0001", name="集宁区老旧小区改造工程(一期)")
    out = io.StringIO()
    call_command("welcome", stdout=out)
    text = out.getvalue()
    for path in ("/", "/report/", "/track/", f"/q/{project.public_id}/", "/login/", "/admin/"):
        assert f"http://127.0.0.1:8123{path}" in text
    assert "集宁区老旧小区改造工程(一期)" in text and "make run HOST=0.0.0.0" in text

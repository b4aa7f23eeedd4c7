"""Content-Security-Policy on every page with no inline script; paths with a NUL byte are 404, not 500."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/", "/report/", "/track/", "/login/", "/api/v1/units/"])
def test_every_response_carries_a_policy_without_inline_script(client, url):
    policy = client.get(url)["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";") if " " in part.strip())
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["object-src"] == "'none'" and directives["frame-ancestors"] == "'none'"
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy


def test_no_template_has_an_inline_script_handler_or_style_attribute():
    problems = []
    for path in (ROOT / "templates").rglob("*.html"):
        text = path.read_text()
        for match in re.finditer(r"<script(?![^>]*\bsrc=)[^>]*>", text):
            if 'type="application/json"' not in match.group(0):
                problems.append(f"{path.relative_to(ROOT)}: inline {match.group(0)}")
        if re.search(r"\son[a-z]+\s*=", text):
            problems.append(f"{path.relative_to(ROOT)}: inline event handler")
        if re.search(r"\sstyle\s*=", text) or "<style" in text:
            problems.append(f"{path.relative_to(ROOT)}: inline style")
    assert problems == []


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/api/v1/projects/%00/qr.svg", "/units/%00/letters/", "/q/%00/",
                                 "/clue/%00/", "/api/v1/public/clues/%00/progress/"])
def test_a_nul_byte_in_the_path_is_404(client, intake_user, url):
    client.force_login(intake_user)
    response = client.get(url)
    assert response.status_code == 404

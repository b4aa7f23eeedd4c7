"""The repository documents itself: a clone alone has the domain rules the README points at."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_the_readme_points_at_documents_inside_the_repository():
    readme = (ROOT / "README.md").read_text()
    assert "../shared" not in readme
    for target in re.findall(r"\]\(([^)#]+)\)", readme):
        assert (ROOT / target).exists(), target
    assert "docs/DOMAIN.md" in readme


def test_the_domain_page_has_what_a_maintainer_needs():
    domain = (ROOT / "docs" / "DOMAIN.md").read_text()
    for heading in ("## Units", "## Deadlines", "## 统一督办", "## Reports", "## Identity checks", "金额存疑"):
        assert heading in domain, heading

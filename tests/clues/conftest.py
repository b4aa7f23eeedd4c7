"""Fixtures of the clue tests: one person per role."""

import pytest

from tests.conftest import make_staff


@pytest.fixture
def people(db):
    return {
        "intake": make_staff("intake", username="intake_a"),
        "supervisor": make_staff("supervisor", username="sup_a"),
        "admin": make_staff("admin", username="admin_a"),
        "officer": make_staff("officer", "150921", username="off_zz"),
        "officer_other": make_staff("officer", "housing", username="off_housing"),
    }

"""The demo's enforcement and credit records: orders in every state, a penalty, a police referral, two
enterprises on the blacklist (one removed early) — stable when the seed runs again."""

import datetime as dt

import pytest
import time_machine

from credit.models import EnforcementRecord
from demo.credit import seed_credit
from demo.seed import seed_people_and_projects
from projects.models import Enterprise, Project
from tests.wage_warnings.helpers import at, states
from wage_warnings.evaluation import evaluate

pytestmark = pytest.mark.django_db


def test_the_demo_has_every_kind_and_state_and_runs_twice():
    with time_machine.travel(at(2026, 12, 2, 10), tick=False):
        seed_people_and_projects("demo-password-2026")
        seed_credit()
        seed_credit()
        evaluate()
        today = dt.date(2026, 12, 2)
        records = list(EnforcementRecord.objects.all())
        orders = {r.state(today)[0] for r in records if r.kind == "rectification_order"}
        assert orders == {"open", "overdue", "rectified", "closed"}
        assert len(records) == 9
        assert {r.kind for r in records} == {"rectification_order", "penalty", "blacklist", "watchlist",
                                             "police_referral"}
        blacklist = sorted((r.enterprise.name, r.removal_kind) for r in records if r.kind == "blacklist")
        assert blacklist == [("化德县恒通建筑安装有限公司", "early"), ("卓资县兴旺劳务有限公司", "")]
        assert list(Enterprise.objects.filter(is_blacklisted=True).values_list("name", flat=True)) == [
            "卓资县兴旺劳务有限公司"]
        assert states(Project.objects.get(code="WLCB-2026-0002"), "blacklisted_party") == {"": "open"}

"""The demo's winter campaign: a problem in every state on the demo's government projects, figures that add up,
and the same campaign after `make run` again."""

import pytest

from campaigns.models import PROBLEM_STATES, Campaign, InspectionRound
from campaigns.selectors import campaign_figures
from demo.campaigns import seed_campaign
from demo.seed import seed_people_and_projects

pytestmark = pytest.mark.django_db


def test_the_winter_campaign_has_a_problem_in_every_state_and_is_made_once():
    seed_people_and_projects("ulanxin-demo-2026")
    campaign = seed_campaign()
    assert campaign.name == "冬季攻坚"
    states = {p.state for p in campaign.problems.all()}
    assert states == {state for state, _label in PROBLEM_STATES}
    supervisor = campaign.created_by
    summary = campaign_figures(campaign, supervisor)["summary"]
    assert summary["problems_found"] == summary["problems_rectified"] + summary["problems_outstanding"] == 7
    assert (summary["supervised_problems"], summary["supervised_cleared"]) == (4, 2)
    assert InspectionRound.objects.get().seed == 20261202
    assert seed_campaign() == campaign
    assert Campaign.objects.count() == 1 and campaign.problems.count() == 7

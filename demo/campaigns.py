"""The demo's winter campaign (冬季攻坚) on the government/SOE demo projects, with a problem in every state —
being rectified, rectified in time, supervised past its deadline, supervised and rectified awaiting 销号,
supervised and cleared — and an inspection round picked by risk with its seed; made once, left as it is after."""

import datetime as dt

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from campaigns import services
from campaigns.models import Campaign
from projects.models import Project

CAMPAIGN_NAME = "冬季攻坚"

# (project code, category, description, found days ago, deadline in working days, fate)
PROBLEMS = [
    ("WLCB-2026-0001", "wage_account", "农民工工资专用账户未与总包合同同步开立", 40, 10, "cleared"),
    ("WLCB-2026-0001", "real_name", "实名制花名册与现场人员不一致,缺12人", 30, 5, "rectified"),
    ("WLCB-2026-0001", "notice_board", "维权信息告示牌未公示劳资专管员电话", 8, 10, "open"),
    ("WLCB-2026-0002", "labour_cost", "10月人工费用未按月拨付至专用账户", 35, 5, "supervised"),
    ("WLCB-2026-0002", "deposit", "工资保证金未按合同金额2%存储", 28, 10, "supervised_rectified"),
    ("WLCB-2026-0003", "wage_payment", "9月工资未通过专用账户代发至个人银行卡", 45, 10, "cleared"),
    ("WLCB-2026-0003", "ledger", "工资支付台账缺少劳动者签字确认", 12, 15, "open"),
]


def _at(days_ago, hour=10):
    day = timezone.localdate() - dt.timedelta(days=days_ago)
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


@transaction.atomic
def seed_campaign():
    """The campaign (idempotent: made once). Returns it, or None when the demo projects are missing."""
    existing = Campaign.objects.filter(name=CAMPAIGN_NAME).first()
    if existing is not None:
        return existing
    supervisor = User.objects.get(username="supervisor")
    projects = {p.code: p for p in Project.objects.filter(code__in={code for code, *_rest in PROBLEMS})}
    if len(projects) < len({code for code, *_rest in PROBLEMS}):
        return None
    today = timezone.localdate()
    campaign = services.campaign_create(
        by=supervisor, name=CAMPAIGN_NAME, start=today - dt.timedelta(days=50), end=today + dt.timedelta(days=60),
        scope=Campaign.Scope.GOVERNMENT,
        description="对全市政府投资和国有企业投资在建项目开展根治欠薪冬季攻坚专项检查,问题清单化管理、限期整改、逾期督办。")
    for project in projects.values():
        services.campaign_add_project(campaign=campaign, project=project, by=supervisor, now=_at(50))
    for code, category, description, days_ago, days, fate in PROBLEMS:
        project = projects[code]
        found = _at(days_ago)
        problem = services.problem_create(campaign=campaign, project=project, by=supervisor, category=category,
                                          description=description, deadline=days, unit=project.district,
                                          found_on=timezone.localdate(found), now=found)
        after = problem.deadline + dt.timedelta(days=1)
        if fate in ("supervised", "supervised_rectified", "cleared"):
            services.supervise_overdue(today=after, now=timezone.make_aware(dt.datetime.combine(after, dt.time(1))))
            problem.refresh_from_db()
        if fate in ("rectified", "supervised_rectified", "cleared"):
            rectified_on = min(problem.deadline if fate == "rectified" else after + dt.timedelta(days=2), today)
            services.problem_rectify(problem=problem, by=supervisor, rectified_on=rectified_on,
                                     evidence="银行回单及现场照片已上传", now=timezone.make_aware(
                                         dt.datetime.combine(rectified_on, dt.time(15))))
        if fate == "cleared":
            services.problem_clear(problem=problem, by=supervisor)
    services.round_create(by=supervisor, kind="double_random", count=3, random_share="0.34", seed=20261202)
    return campaign

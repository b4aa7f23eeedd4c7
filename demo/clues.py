"""Demo clues in every state for `make run`, made through intake and the lifecycle like real ones."""

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from accounts.models import User
from clues import lifecycle
from clues.models import Clue
from clues.services import clue_create
from projects.models import Project

# external id, days ago, employer, project code, phone, workers, amount, description, path
DEMO_CLUES = [
    ("DEMO-01", 0, "乌兰察布市宏达建筑工程有限公司", "WLCB-2026-0004", "13904740001", 6, "84000",
     "长青佳苑商住楼木工班组6人,8月至10月工资未结。", "received"),
    ("DEMO-02", 1, "内蒙古北疆建设集团有限公司", "WLCB-2026-0001", "13904740002", 35, "620000",
     "老旧小区改造工程35名工人三个月工资未发,工人准备聚集讨薪。", "received"),
    ("DEMO-03", 2, "乌兰察布绿源生态建设有限公司", "WLCB-2026-0002", "13904740003", 12, "150000",
     "三北防护林造林工程12名工人工资拖欠。", "assigned"),
    ("DEMO-04", 4, "集宁区鑫达装饰有限公司", None, "13904740004", 2, "18000",
     "集宁区新华街商铺装修,2人工资未付。", "in_progress"),
    ("DEMO-05", 6, "内蒙古送变电有限责任公司", "WLCB-2026-0003", "13904740005", 4, "52000",
     "丰镇市输变电工程分包单位拖欠4人工资。", "returned"),
    ("DEMO-06", 9, "卓资县兴旺劳务有限公司", None, "13904740006", 3, "27000",
     "卓资县巴音锡勒镇工地3人工资拖欠。", "resolved"),
    ("DEMO-07", 20, "化德县鑫源房地产开发有限公司", "WLCB-2026-0004", "13904740007", 8, "96000",
     "8名工人2026年5月至6月工资未发。", "closed"),
    ("DEMO-08", 40, "卓资县兴旺劳务有限公司", None, "13904740008", 5, "40000",
     "卓资县工地5人工资拖欠,至今未认领处理。", "overdue"),
]


def seed_demo_clues():
    users = {u.username: u for u in User.objects.filter(username__in=[
        "intake", "officer_jining", "officer_zhuozi", "officer_housing", "supervisor"])}
    intake, supervisor = users["intake"], users["supervisor"]
    projects = {p.code: p for p in Project.objects.all()}
    now = timezone.now()
    for external_id, days_ago, employer, project_code, phone, workers, amount, text, path in DEMO_CLUES:
        if Clue.objects.filter(external_id=external_id).exists():
            continue
        project = projects.get(project_code)
        data = {"employer_name": employer, "project": project, "complainant_name": "王勇",
                "complainant_phone": phone, "worker_count": workers, "amount_owed": Decimal(amount),
                "description": text, "external_id": external_id,
                "owed_from": dt.date(2026, 8, 1), "owed_to": dt.date(2026, 10, 1)}
        if project is None:
            data["work_address"] = text.split(",")[0]
        clue, _created = clue_create(channel="web", data=data, received_at=now - dt.timedelta(days=days_ago),
                                     consent=True)
        officer = users["officer_housing"] if project and project.sector.code == "housing" else \
            users["officer_zhuozi"]
        if path == "received":
            continue
        lifecycle.transfer(clue=clue, unit=officer.unit, by=intake, note="请按时限办理")
        if path in ("assigned", "overdue"):
            continue
        if path == "returned":
            lifecycle.return_to_triage(clue=clue, by=officer, reason="项目位于丰镇市,请改派丰镇市或能源局。")
            continue
        lifecycle.claim(clue=clue, by=officer)
        lifecycle.add_record(clue=clue, by=officer, kind="contact", note="已电话联系反映人,了解欠薪情况。")
        if path == "in_progress":
            continue
        lifecycle.resolve(clue=clue, by=officer, result="paid_in_full", amount_recovered=Decimal(amount),
                          workers_paid=workers, note="经调解,企业已足额支付。")
        if path == "resolved":
            continue
        lifecycle.review(clue=clue, by=supervisor, approve=True)
        lifecycle.followup(clue=clue, satisfied=True, note="工资已到账")

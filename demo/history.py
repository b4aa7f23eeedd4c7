"""A city's last few months of clues for `make run`, so every page and chart has something true to show.

Clues come in over every channel, in every colour, for every district and sector department, more on working
days than at weekends and holidays; units claim, contact the worker, check the site, mediate and close them,
some late, some never; a few are returned and re-transferred, rejected at review, merged, reopened after an
unhappy follow-up; the workers rate the results. Nothing is written by hand: the history is replayed in time
order, each move through intake and the lifecycle at the moment it happened (time-machine moves the clock),
and the escalation sweep runs twice a day, so the overdue clues climb the ladder and their letters are really
issued. One fixed random seed: the same history on every machine; it is made once, and `make run` again leaves
it as it is.
"""

import datetime as dt
import logging
import random
from dataclasses import dataclass, field
from decimal import Decimal

import time_machine
from celery import current_app
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from clues import lifecycle
from clues.models import Channel, Clue, HandlingRecord, Result
from clues.services import clue_create
from notifications.services import deliver_due
from projects.models import Project
from supervision.ladder import sweep
from units.models import Unit
from units.workdays import SHANGHAI, WorkCalendar, local_date

HISTORY_DAYS = 110
SEED = 2026
KEY_PREFIX = "demo:"

# (sector department or None, district, employer, where, what the workers did, registered project code)
STORIES = [
    ("housing", "150902", "内蒙古北疆建设集团有限公司", "集宁区老旧小区改造工程(一期)", "外墙保温和管网改造",
     "WLCB-2026-0001"),
    ("housing", "150922", "乌兰察布市宏达建筑工程有限公司", "化德县长青佳苑商住楼", "木工和钢筋", "WLCB-2026-0004"),
    ("forestry", "150921", "乌兰察布绿源生态建设有限公司", "卓资县三北防护林工程", "植树造林和抚育",
     "WLCB-2026-0002"),
    ("energy", "150981", "内蒙古送变电有限责任公司", "丰镇市110千伏输变电工程", "铁塔组立和架线",
     "WLCB-2026-0003"),
    ("transport", "150929", "内蒙古路桥工程有限责任公司", "四子王旗G337线公路改扩建工程", "路基土方和桥涵", None),
    ("water", "150925", "凉城县润泽水利工程有限公司", "凉城县岱海灌区节水改造工程", "渠道衬砌", None),
    ("development", "150902", "乌兰察布市集宁新区开发建设有限公司", "集宁区物流园区基础设施项目", "道路和管廊",
     None),
    ("industry", "150981", "丰镇市华盛硅铁有限公司", "丰镇市硅铁厂房扩建工程", "厂房钢结构安装", None),
    ("natural_resources", "150923", "商都县鑫源国土整治工程有限公司", "商都县土地整治项目", "土地平整和机耕路",
     None),
    ("agriculture", "150926", "察右前旗丰禾农牧业有限公司", "察哈尔右翼前旗高标准农田建设项目", "滴灌管网铺设",
     None),
    ("market", "150902", "集宁区恒信装饰工程部", "集宁区商业步行街商铺装修", "门面装修", None),
    ("culture_tourism", "150925", "凉城县岱海旅游开发有限公司", "岱海景区游客中心", "游客中心装修", None),
    ("sasac", "150902", "乌兰察布市城市建设投资有限公司", "集宁区市政供热管网改造工程", "管沟开挖和焊接", None),
    ("commerce", "150924", "兴和县兴盛商贸物流有限公司", "兴和县商贸物流园", "仓库建设和装卸", None),
    ("education", "150928", "乌兰察布市育才建筑工程有限公司", "察哈尔右翼后旗第二中学教学楼", "主体施工", None),
    ("health", "150927", "内蒙古康建建设有限公司", "察哈尔右翼中旗人民医院门诊楼", "水电安装", None),
    ("urban_management", "150902", "集宁区洁美环卫保洁服务有限公司", "集宁区环卫保洁", "道路清扫保洁", None),
    ("finance", "150923", "商都县城乡建设投资有限公司", "商都县政府投资保障房项目", "砌筑和抹灰", None),
    ("ecology", "150929", "内蒙古清源环保工程有限公司", "四子王旗污水处理厂提标改造工程", "设备安装", None),
    (None, "150921", "卓资县兴旺劳务有限公司", "卓资县巴音锡勒镇工地", "小工", None),
    (None, "150922", "化德县金丝服装加工厂", "化德县服装加工厂", "缝纫", None),
    (None, "150924", "兴和县顺达汽车修理厂", "兴和县城关镇汽修厂", "汽车修理", None),
    (None, "150926", "包工头刘某", "察哈尔右翼前旗天皮山镇建筑工地", "瓦工", None),
    (None, "150927", "察右中旗宏远建筑劳务有限公司", "察哈尔右翼中旗科布尔镇住宅楼", "粉刷", None),
    (None, "150928", "察右后旗安居房地产开发有限公司", "察哈尔右翼后旗白音察干镇住宅小区", "主体施工", None),
    (None, "150923", "商都县薯都食品有限公司", "商都县马铃薯加工厂", "分拣和装车", None),
    (None, "150925", "凉城县鸿运宾馆", "凉城县鸿运宾馆装修", "装修", None),
    (None, "150981", "丰镇市隆盛建筑工程队", "丰镇市隆盛庄镇民居改造", "瓦工和木工", None),
    (None, "150929", "四子王旗草原牧业专业合作社", "四子王旗牧区棚圈建设", "棚圈搭建", None),
    (None, "150902", "集宁区老街坊餐饮店", "集宁区老街坊餐饮店", "厨师和服务员", None),
]

CHANNELS = [(Channel.QR, 22), (Channel.WEB, 14), (Channel.HOTLINE_12333, 20), (Channel.HOTLINE_12345, 14),
            (Channel.WALK_IN, 10), (Channel.LETTER_VISIT, 6), (Channel.NATIONAL_PLATFORM, 10),
            (Channel.TRANSFER_IN, 4)]
RESULTS = [(Result.PAID_IN_FULL, 55), (Result.PAID_PARTIALLY, 15), (Result.NO_ARREARS, 9),
           (Result.ARBITRATION, 8), (Result.POLICE, 2), (Result.UNREACHABLE, 3), (Result.OUT_OF_SCOPE, 4),
           (Result.OTHER, 4)]
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎"
GIVEN = ["勇", "军", "伟", "强", "磊", "洋", "杰", "涛", "明", "超", "刚", "平", "辉", "鹏", "华", "飞", "鑫",
         "波", "斌", "宇", "浩", "凯", "健", "俊", "帆", "建国", "志强", "海军", "玉梅", "秀英", "桂兰", "春燕"]
UNHAPPY = ["只发了一部分,剩下的说年底再给", "钱没到账,承办单位也没再联系我", "包工头还是找不到人"]
RETURN_REASONS = ["项目不在本辖区,请改派项目所在地。", "该项目属其他行业主管部门监管,请改派。"]
CONTACT_NOTES = ["已电话联系反映人,核实欠薪人数和金额。", "约反映人到单位面谈,了解用工和欠薪经过。"]
CHECK_NOTES = ["到现场核查考勤表和工资表,约谈项目负责人。", "调取劳资专管员的工资台账,核对实名制名单。"]


@dataclass
class Plan:
    """One clue of the history: what was reported and every move after it, with its moment."""

    key: str
    received_at: dt.datetime
    channel: str
    data: dict
    staff: bool
    moves: list = field(default_factory=list)  # [(moment, name, kwargs)]


class History:
    """Draws the plans (deterministic: one seed) on the calendar of the days they cover."""

    def __init__(self, today, units, projects):
        self.today = today
        self.rng = random.Random(SEED)
        self.units = units
        self.projects = projects
        self.start = today - dt.timedelta(days=HISTORY_DAYS)
        self.calendar = WorkCalendar.for_span(self.start - dt.timedelta(days=30), today + dt.timedelta(days=60))
        self.plans = []
        self.counter = 0
        self.phones = []

    # --- time ---------------------------------------------------------------------------------------------

    def at(self, day, start=8.5, end=17.5):
        minutes = self.rng.randint(int(start * 60), int(end * 60))
        return dt.datetime.combine(day, dt.time(minutes // 60, minutes % 60), tzinfo=SHANGHAI)

    def working_day(self, day):
        return day if self.calendar.is_working_day(day) else self.calendar.add_working_days(day, 1)

    def later(self, moment, working_days):
        """A moment in office hours (8:30–17:30) `working_days` working days after `moment`; 0: later the same
        working day when there is time left, else the next working day."""
        day = self.calendar.add_working_days(local_date(moment), working_days) if working_days else \
            self.working_day(local_date(moment))
        candidate = self.at(day)
        if candidate > moment:
            return candidate
        local = moment.astimezone(SHANGHAI)
        soon = local + dt.timedelta(minutes=self.rng.randint(20, 120))
        if soon.date() == day and dt.time(8, 30) <= soon.time() <= dt.time(17, 30):
            return soon
        return self.at(self.calendar.add_working_days(day, 1))

    # --- what was reported ----------------------------------------------------------------------------------

    def pick(self, weighted):
        return self.rng.choices([value for value, _w in weighted], weights=[w for _v, w in weighted])[0]

    def phone(self):
        if self.phones and self.rng.random() < 0.06:
            return self.rng.choice(self.phones)  # the same worker again: a repeat visit or a duplicate
        number = f"1{self.rng.choice('3589')}{self.rng.randint(0, 9)}{self.rng.randint(10000000, 99999999)}"
        self.phones.append(number)
        return number

    def report(self, story, received_at):
        dept, district, employer, where, work, project_code = story
        roll = self.rng.random()
        if roll < 0.04:
            workers = self.rng.randint(30, 48)  # red
        elif roll < 0.22:
            workers = self.rng.randint(10, 18)  # orange
        else:
            workers = self.rng.randint(1, 8)
        months = self.rng.randint(1, 3 if workers >= 10 else 4)
        wage = self.rng.randrange(4200, 8200, 100)
        amount = Decimal(workers * months * wage * self.rng.randint(60, 100) // 100 // 100 * 100)
        received_month = received_at.date().replace(day=1)
        owed_to = (received_month - dt.timedelta(days=1)).replace(day=1)
        index = owed_to.year * 12 + owed_to.month - 1 - (months - 1)
        owed_from = dt.date(index // 12, index % 12 + 1, 1)
        group = self.rng.random() < 0.03
        text = (f"在{where}做{work},{workers}人{owed_from.month}月至{owed_to.month}月的工资共约{amount:,.0f}元没有发,"
                f"找过{self.rng.choice(['班组长', '项目经理', '包工头', '老板'])},一直拖着。")
        if group:
            text += "工友们说再不给就到项目部聚集讨薪。"
        name = self.rng.choice(SURNAMES) + self.rng.choice(GIVEN)
        data = {"employer_name": employer, "complainant_name": name, "complainant_phone": self.phone(),
                "worker_count": workers, "amount_owed": amount, "owed_from": owed_from, "owed_to": owed_to,
                "description": text, "work_address": where, "district": self.units[district]}
        project = self.projects.get(project_code)
        if project is not None:
            data["project"] = project
        else:
            data["project_name"] = where
        return data

    # --- what happened after --------------------------------------------------------------------------------

    def plan(self, story, received_at, index):
        channel = self.pick(CHANNELS)
        if channel == Channel.QR and story[5] is None and self.rng.random() < 0.5:
            channel = Channel.WEB
        self.counter += 1
        if self.counter % 9 == 0:  # every channel in any few weeks, the rare ones too
            channel = CHANNELS[self.counter // 9 % len(CHANNELS)][0]
        data = self.report(story, received_at)
        if channel == Channel.NATIONAL_PLATFORM:
            data["external_id"] = f"GZQX{received_at:%Y%m%d}{self.counter:05d}"
        plan = Plan(key=f"{KEY_PREFIX}{self.counter:04d}", received_at=received_at, channel=channel, data=data,
                    staff=channel not in (Channel.QR, Channel.WEB))
        dept, district = story[0], story[1]
        # A story's clues go to its department and its district in turn (every unit gets its share).
        first = dept if dept and (index // len(STORIES)) % 2 == 0 else district
        moves = plan.moves

        transfer_at = self.later(received_at, self.rng.choice([0, 0, 0, 1]))
        if self.rng.random() < 0.05:  # misrouted: the unit sends it back, triage re-transfers at once
            wrong = self.rng.choice([u for u in self.units.values() if u.kind == Unit.Kind.DISTRICT
                                     and u.code != district])
            moves.append((transfer_at, "transfer", {"unit": wrong.code}))
            back = self.later(transfer_at, self.rng.choice([0, 1]))
            moves.append((back, "return", {"reason": self.rng.choice(RETURN_REASONS)}))
            transfer_at = back + dt.timedelta(minutes=self.rng.randint(30, 600))
        moves.append((transfer_at, "transfer", {"unit": first}))

        fate = self.rng.random()
        if fate < 0.04:
            return plan  # never claimed: overdue, and the ladder climbs
        claim_at = self.later(transfer_at, self.rng.choice([0, 0, 0, 0, 1, 1]) if fate < 0.92 else 3)
        moves.append((claim_at, "claim", {}))
        contact_at = self.later(claim_at, self.rng.choice([0, 0, 0, 1, 1, 3]))
        moves.append((contact_at, "record", {"kind": HandlingRecord.Kind.CONTACT,
                                            "note": self.rng.choice(CONTACT_NOTES)}))
        check_at = self.later(contact_at, self.rng.choice([1, 1, 2, 3]))
        moves.append((check_at, "record", {"kind": HandlingRecord.Kind.SITE_CHECK,
                                          "note": self.rng.choice(CHECK_NOTES)}))
        if fate > 0.95:
            return plan  # handled but never closed: overdue now

        red = data["worker_count"] >= 30 or data["amount_owed"] >= 500000 or "聚集" in data["description"]
        budget = 5 if red else 15
        late = self.rng.random() < 0.12
        resolve_at = self.later(received_at, self.rng.randint(budget + 1, budget + 8) if late
                                else self.rng.randint(max(2, budget // 3), budget - 1))
        resolve_at = max(resolve_at, self.later(check_at, 1))
        result = self.pick(RESULTS)
        money = {}
        if result in (Result.PAID_IN_FULL, Result.PAID_PARTIALLY):
            share = Decimal(1) if result == Result.PAID_IN_FULL else Decimal(self.rng.randint(40, 80)) / 100
            paid = (data["amount_owed"] * share).quantize(Decimal("1"))
            money = {"amount_recovered": paid, "workers_paid": data["worker_count"]}
            moves.append((resolve_at - dt.timedelta(hours=2), "record", {
                "kind": HandlingRecord.Kind.PAYMENT, "note": "用人单位通过农民工工资专用账户支付。",
                "amount": paid, "workers": data["worker_count"]}))
        moves.append((resolve_at, "resolve", {"result": result, "note": resolution_note(result), **money}))

        review_at = self.later(resolve_at, self.rng.choice([0, 1, 1, 2]))
        if self.rng.random() < 0.05:
            moves.append((review_at, "reject", {"reason": "未附支付凭证,请补充后再报。"}))
            resolve_at = self.later(review_at, 2)
            moves.append((resolve_at, "resolve", {"result": result, "note": "已补充支付凭证。", **money}))
            review_at = self.later(resolve_at, 1)
        moves.append((review_at, "approve", {}))

        if self.rng.random() < 0.8:
            rated = review_at + dt.timedelta(hours=self.rng.randint(3, 120))
            happy = self.rng.random() < 0.86
            note = "工资已经到账,谢谢。" if happy else self.rng.choice(UNHAPPY)
            moves.append((rated, "followup", {"satisfied": happy, "note": note}))
            if not happy and self.rng.random() < 0.6:
                reopened = self.later(rated, 1)
                moves.append((reopened, "reopen", {"note": "根据回访意见重新核查。"}))
                again = self.later(reopened, self.rng.randint(3, 8))
                moves.append((again, "resolve", {"result": result, "note": "再次督促后已补发。", **money}))
                moves.append((self.later(again, 1), "approve", {}))
        return plan

    def draw(self):
        """Every plan of the history, day by day: more on working days, a few at weekends and holidays."""
        index = 0
        day = self.start
        while day <= self.today:
            working = self.calendar.is_working_day(day)
            count = self.rng.choice([0, 1, 1, 2, 2, 2, 3]) if working else self.rng.choice([0, 0, 0, 1])
            for _n in range(count):
                story = STORIES[index % len(STORIES)]
                index += 1
                hours = (8, 18) if self.rng.random() < 0.7 else (7, 22.5)
                received = self.at(day, *hours)
                self.plans.append(self.plan(story, received, index))
            day += dt.timedelta(days=1)
        self._duplicates()
        return self.plans

    def _duplicates(self):
        """A few workers report the same arrears twice; triage merges the second into the first."""
        for first, second in zip(self.plans[10::37], self.plans[11::37], strict=False):
            second.received_at = max(second.received_at, first.received_at + dt.timedelta(hours=3))
            second.data = {key: value for key, value in first.data.items() if key != "external_id"}
            second.data["description"] = "之前反映过,一直没有结果,再次反映:" + first.data["description"]
            if second.channel == Channel.NATIONAL_PLATFORM:
                second.data["external_id"] = f"GZQX{second.received_at:%Y%m%d}{self.counter + 1:05d}"
                self.counter += 1
            merge_at = self.later(second.received_at, 0)
            second.moves = [(merge_at, "merge", {"into": first.key})]

    def doubtful_amount(self, now):
        """One worker this morning typed the amount in fen: triage shows it as 金额存疑."""
        received = now - dt.timedelta(hours=2)
        story = STORIES[1]
        data = self.report(story, received)
        data.update(worker_count=2, amount_owed=Decimal("3600000"), description=(
            "我和工友两个人在长青佳苑干木工,两个月工资3600000没有给。"))
        self.counter += 1
        return Plan(key=f"{KEY_PREFIX}{self.counter:04d}", received_at=received, channel=Channel.QR, data=data,
                    staff=False)


def resolution_note(result):
    return {
        Result.PAID_IN_FULL: "经调解,用人单位已足额支付拖欠工资。",
        Result.PAID_PARTIALLY: "用人单位已支付部分工资,余款签订分期支付协议。",
        Result.NO_ARREARS: "经核查考勤和工资发放记录,不存在拖欠。",
        Result.ARBITRATION: "双方对工资数额争议较大,已引导劳动者申请劳动仲裁。",
        Result.POLICE: "用人单位拒不支付,已移送公安机关。",
        Result.UNREACHABLE: "多次电话联系反映人未接通,短信告知后办结。",
        Result.OUT_OF_SCOPE: "系个人之间借款纠纷,不属于欠薪线索,已告知通过诉讼解决。",
        Result.OTHER: "已协调用人单位与劳动者协商解决。",
    }[result]


class Replay:
    """Makes the plans happen, in time order, at the moments they happened."""

    def __init__(self, plans, staff, now):
        self.plans = {plan.key: plan for plan in plans}
        self.staff = staff  # {"intake": user, "officers": {unit code: user}}
        self.now = now
        self.clues = {}

    def run(self):
        actions = []
        for plan in self.plans.values():
            actions.append((plan.received_at, plan.key, "create", {}))
            actions.extend((moment, plan.key, name, kwargs) for moment, name, kwargs in plan.moves)
        first = min(moment for moment, *_rest in actions)
        day = local_date(first)
        while day <= local_date(self.now):
            for hour, minute in ((0, 5), (9, 5)):  # after each breach at midnight, and the 9:00 rungs
                actions.append((dt.datetime.combine(day, dt.time(hour, minute), tzinfo=SHANGHAI), "", "sweep", {}))
            day += dt.timedelta(days=1)
        actions.append((self.now, "~", "sweep", {}))  # the ladder as far as it has come by now
        # A move that would happen after now has not happened yet: its clue stays where it is today.
        actions = sorted((a for a in actions if a[0] <= self.now), key=lambda a: (a[0], a[1]))
        for moment, key, name, kwargs in actions:
            with time_machine.travel(moment, tick=False):
                getattr(self, f"do_{name}")(key, **kwargs)

    def clue(self, key):
        return Clue.objects.get(pk=self.clues[key])

    def officer(self, key):
        clue = self.clue(key)
        return clue, self.staff["officers"][clue.unit.code]

    def do_sweep(self, _key):
        sweep(now=timezone.now())
        deliver_due(limit=5000, now=timezone.now())

    def do_create(self, key):
        plan = self.plans[key]
        clue, _created = clue_create(
            channel=plan.channel, data=plan.data, received_at=plan.received_at, idempotency_key=key,
            created_by=self.staff["intake"] if plan.staff else None, consent=not plan.staff)
        self.clues[key] = clue.pk

    def do_transfer(self, key, unit):
        lifecycle.transfer(clue=self.clue(key), unit=unit, by=self.staff["intake"], note="请按时限办理。")

    def do_return(self, key, reason):
        clue, officer = self.officer(key)
        lifecycle.return_to_triage(clue=clue, by=officer, reason=reason)

    def do_claim(self, key):
        clue, officer = self.officer(key)
        lifecycle.claim(clue=clue, by=officer)

    def do_record(self, key, **record):
        clue, officer = self.officer(key)
        lifecycle.add_record(clue=clue, by=officer, **record)

    def do_resolve(self, key, **result):
        clue, officer = self.officer(key)
        lifecycle.resolve(clue=clue, by=officer, **result)

    def do_reject(self, key, reason):
        lifecycle.review(clue=self.clue(key), by=self.staff["intake"], approve=False, reason=reason)

    def do_approve(self, key):
        lifecycle.review(clue=self.clue(key), by=self.staff["intake"], approve=True)

    def do_followup(self, key, satisfied, note):
        # Most workers rate on the progress page; the city phones the others (一事一回访).
        by = None if self.plans[key].channel in (Channel.QR, Channel.WEB) else self.staff["intake"]
        lifecycle.followup(clue=self.clue(key), satisfied=satisfied, note=note, by=by)

    def do_reopen(self, key, note):
        lifecycle.reopen(clue=self.clue(key), by=self.staff["intake"], note=note)

    def do_merge(self, key, into):
        lifecycle.merge(clue=self.clue(key), into=self.clue(into), by=self.staff["intake"])


def history_exists():
    return Clue.objects.filter(idempotency_key__startswith=KEY_PREFIX).exists()


def seed_history(staff, *, now=None):
    """Replay the city's last HISTORY_DAYS days up to `now` (once: nothing happens when it is there already).
    `staff` = {"intake": user, "officers": {unit code: officer}}; returns the number of clues made."""
    if history_exists():
        return 0
    now = now or timezone.now()
    units = {u.code: u for u in Unit.objects.all()}
    projects = {p.code: p for p in Project.objects.all()}
    history = History(timezone.localtime(now).date(), units, projects)
    plans = history.draw() + [history.doubtful_amount(now)]
    replay = Replay(plans, staff, now)
    # One transaction: an interrupted seed leaves nothing half made. The work a worker would have done after
    # each commit (deliver the outbox, draw the letters' files) is done here, once the history is in.
    current_app.loader.import_default_modules()  # the apps' tasks, to run them here
    eager = current_app.conf.task_always_eager
    current_app.conf.task_always_eager = True
    # The SMS of months past are delivered at their time, and the tasks run here, without a line each.
    quiet = [logging.getLogger(name) for name in ("notifications.backends", "celery.app.trace")]
    levels = [logger.level for logger in quiet]
    for logger in quiet:
        logger.setLevel(logging.WARNING)
    try:
        with transaction.atomic():
            replay.run()
    finally:
        current_app.conf.task_always_eager = eager
        for logger, level in zip(quiet, levels, strict=True):
            logger.setLevel(level)
    return len(replay.clues)


def demo_staff():
    """The accounts the history acts as: the city's intake clerk and one officer per unit."""
    officers = {u.unit.code: u for u in User.objects.select_related("unit").filter(
        username__startswith="officer_", groups__name="officer")}
    return {"intake": User.objects.get(username="intake"), "officers": officers}

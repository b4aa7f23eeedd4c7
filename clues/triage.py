"""Triage aids (三步分离) computed at intake: where the clue belongs, its risk colour, and possible duplicates.

Suggestions only: staff confirm or override them; nothing here routes or closes a clue.
"""

import datetime
from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal, InvalidOperation

from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from projects.models import Enterprise
from units import reference_cache
from units.models import Unit
from units.selectors import active_units

from .models import PUBLIC_CHANNELS, Clue, DuplicateCandidate, RiskColor, Status, TriageSettings
from .selectors import visible_duplicate_candidates

# --- 属地分离: district and sector ------------------------------------------------------------------------

# Names people use for a district besides its official name and the name without 县/旗/市/区.
def employer_key(name):
    """A normalised employer name for duplicate matching: no spaces/brackets, no common suffix noise."""
    text = "".join((name or "").split())
    for a, b in (("(", "("), (")", ")")):
        text = text.replace(a, b)
    for noise in ("有限责任公司", "股份有限公司", "有限公司", "(集团)", "集团", "公司"):
        text = text.replace(noise, "")
    return text.lower()


DISTRICT_ALIASES = {
    "150926": ["察右前旗", "察右前"],
    "150927": ["察右中旗", "察右中"],
    "150928": ["察右后旗", "察右后"],
}
DISTRICT_SUFFIXES = ("县", "旗", "市", "区")

# Words that point at a sector department, checked in this order: specific sectors before the generic
# building words of 住建, so a 学校宿舍楼 goes to 教育 and a 住宅小区 to 住建.
DEPARTMENT_KEYWORDS = [
    ("education", ["学校", "校舍", "幼儿园", "中学", "小学", "教学楼", "学院"]),
    ("health", ["医院", "卫生院", "卫生室", "疾控", "门诊楼"]),
    ("water", ["水利", "水库", "灌区", "河道", "堤防", "引水", "供水工程", "水保"]),
    ("energy", ["电力", "输变电", "变电站", "光伏", "风电", "风机", "电网", "储能", "供电"]),
    ("transport", ["公路", "高速", "道路", "交通", "桥梁", "隧道", "国道", "省道", "铁路", "客运站"]),
    ("forestry", ["防护林", "造林", "林业", "草原", "绿化", "苗木", "三北"]),
    ("agriculture", ["农田", "高标准农田", "农业", "养殖", "牧业", "棚圈", "温室", "大棚"]),
    ("culture_tourism", ["景区", "旅游", "文旅", "体育馆", "博物馆"]),
    ("urban_management", ["环卫", "城管", "保洁"]),
    ("ecology", ["污水", "环保", "生态修复", "垃圾处理"]),
    ("natural_resources", ["矿山", "土地整治", "国土", "地质"]),
    ("industry", ["工业园", "厂房", "工厂", "化工", "冶金", "硅铁", "数据中心"]),
    ("commerce", ["商场", "超市", "商贸", "物流园", "餐饮"]),
    ("housing", ["房地产", "住宅", "小区", "房建", "市政", "楼盘", "棚户区", "老旧小区", "保障房", "商品房",
                 "装修", "建筑工地"]),
]


def _district_names(unit):
    names = [unit.name]
    if unit.name.endswith(DISTRICT_SUFFIXES) and len(unit.name) > 2:
        names.append(unit.name[:-1])
    names.extend(DISTRICT_ALIASES.get(unit.code, []))
    return names


class UnitDirectory:
    """Active districts and departments, by code and by pk, from the reference snapshot (no query while no unit
    changed); what the suggestions look units up in."""

    def __init__(self, snapshot=None):
        units = active_units(Unit.Kind.DISTRICT, Unit.Kind.DEPARTMENT, snapshot=snapshot)
        self.by_code = {unit.code: unit for unit in units}
        self.by_pk = {unit.pk: unit for unit in self.by_code.values()}

    def of_kind(self, kind, pk):
        unit = self.by_pk.get(pk) if pk else None
        return unit if unit is not None and unit.kind == kind else None


def _district_in_text(text, districts):
    """The district whose name appears first in `text`, and the word that matched."""
    best = None
    for unit in districts:
        for name in _district_names(unit):
            position = text.find(name)
            # Earliest mention wins; at the same place the longer name (察右前旗 over 察右前) explains better.
            if position >= 0 and (best is None or (position, -len(name)) < (best[0], -len(best[2]))):
                best = (position, unit, name)
    return (best[1], best[2]) if best else (None, "")


def suggest_district(clue, units):
    """(unit, why) for 属地分离: the project's district, the reported district, or a name in the text."""
    project = clue.project if clue.project_id else None
    if project is not None and (unit := units.of_kind(Unit.Kind.DISTRICT, project.district_id)):
        return unit, _("工程项目“%(name)s”所在旗县市区") % {"name": project.name}
    if unit := units.of_kind(Unit.Kind.DISTRICT, clue.district_id):
        return unit, _("反映人填写的务工所在旗县市区")
    districts = [u for u in units.by_code.values() if u.kind == Unit.Kind.DISTRICT]
    for label, text in ((_("务工地址"), clue.work_address), (_("项目名称"), clue.project_name)):
        unit, word = _district_in_text(text or "", districts)
        if unit is not None:
            return unit, _("%(field)s中出现“%(word)s”") % {"field": label, "word": word}
    return None, ""


def suggest_department(clue, units):
    """(unit, why) for the sector department: the project's sector, else a keyword of the table above."""
    project = clue.project if clue.project_id else None
    if project is not None and (unit := units.of_kind(Unit.Kind.DEPARTMENT, project.sector_id)):
        return unit, _("工程项目“%(name)s”的行业主管部门") % {"name": project.name}
    sources = [(_("项目名称"), clue.project_name), (_("用人单位"), clue.employer_name),
               (_("务工地址"), clue.work_address), (_("情况描述"), clue.description)]
    for label, text in sources:
        if not text:
            continue
        for code, words in DEPARTMENT_KEYWORDS:
            unit = units.by_code.get(code)
            if unit is None:
                continue
            for word in words:
                if word in text:
                    return unit, _("%(field)s中出现“%(word)s”") % {"field": label, "word": word}
    return None, ""


# --- 登记分离: risk colour -----------------------------------------------------------------------------------


def format_yuan(amount):
    """50万 for whole 万, else the yuan figure without trailing zeros (123456.5元)."""
    value = _decimal(amount)
    if value != 0 and value % 10000 == 0:
        return _("%(n)s万") % {"n": _plain(value / 10000)}
    return _("%(n)s元") % {"n": _plain(value)}


def _plain(value):
    text = f"{value:f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def _decimal(value):
    try:
        return Decimal(str(value if value is not None else 0))
    except (InvalidOperation, ValueError):
        return Decimal(0)


def blacklisted_employer(clue, snapshot=None):
    """The enterprise on the blacklist (失信联合惩戒名单, kept by the credit app in Enterprise.is_blacklisted) that
    the clue names: by credit code when the clue has one, else by the normalised name; None otherwise. The
    list is reference data: read once per process, again after any change of the flag."""
    code = (clue.employer_credit_code or "").strip().upper()
    key = employer_key(clue.employer_name)
    if not code and not key:
        return None
    by_code, by_key = (snapshot or reference_cache.snapshot()).get("blacklist", _load_blacklist)
    if code:  # as for duplicates, the credit code decides when there is one
        return by_code.get(code)
    return by_key.get(key)


def _load_blacklist():
    by_code, by_key = {}, {}
    for enterprise in Enterprise.objects.filter(is_blacklisted=True).only("credit_code", "name").order_by("pk"):
        by_code[enterprise.credit_code.upper()] = enterprise
        by_key.setdefault(employer_key(enterprise.name), enterprise)
    return by_code, by_key


def risk_assessment(clue, rules, snapshot=None):
    """(colour, reasons) of a clue under the current thresholds and keywords; red whatever the amount when the
    employer is on the blacklist."""
    amount = _decimal(clue.amount_owed)
    workers = clue.worker_count or 0

    red = []
    listed = blacklisted_employer(clue, snapshot)
    if listed is not None:
        red.append(_("用人单位“%(name)s”已列入拖欠农民工工资失信联合惩戒名单") % {"name": listed.name})
    if amount >= rules.red_amount:
        red.append(_("金额 ≥ %(amount)s") % {"amount": format_yuan(rules.red_amount)})
    if workers >= rules.red_workers:
        red.append(_("人数 ≥ %(n)s人") % {"n": rules.red_workers})
    text = "\n".join(part for part in (clue.description, clue.project_name, clue.work_address,
                                       clue.project.name if clue.project_id else "") if part)
    for word in rules.keyword_list:
        if word in text:
            red.append(_("涉及“%(word)s”") % {"word": word})
    if red:
        return RiskColor.RED, red

    orange = []
    if amount >= rules.orange_amount:
        orange.append(_("金额 ≥ %(amount)s") % {"amount": format_yuan(rules.orange_amount)})
    if workers >= rules.orange_workers:
        orange.append(_("人数 ≥ %(n)s人") % {"n": rules.orange_workers})
    if orange:
        return RiskColor.ORANGE, orange

    return RiskColor.BLUE, [_("金额 < %(amount)s且人数 < %(n)s人,无极端或群体事件")
                            % {"amount": format_yuan(rules.orange_amount), "n": rules.orange_workers}]


# --- 金额存疑: more than one worker could be owed for the months given ----------------------------------

# A worker who does not say since when they are owed is counted as owed for a year: a long stretch, so only
# an amount far out of line asks for confirmation.
MONTHS_WHEN_UNKNOWN = 12


def months_owed(owed_from, owed_to, today):
    """The months of arrears, both ends included; a start month alone runs to `today`'s month."""
    if owed_from is None:
        return MONTHS_WHEN_UNKNOWN
    end = owed_to or today
    return max(1, (end.year - owed_from.year) * 12 + end.month - owed_from.month + 1)


def monthly_amount_per_worker(amount, workers, owed_from, owed_to, today):
    """What each worker is owed per month on average, in yuan (rounded down to whole yuan)."""
    per = _decimal(amount) / max(int(workers or 1), 1) / months_owed(owed_from, owed_to, today)
    return per.quantize(Decimal("1"), rounding=ROUND_DOWN)


def implausible_amount(amount, workers, owed_from, owed_to, *, today, rules):
    """The monthly amount per worker when it is above the city's ceiling (the amount is probably mistyped:
    fen for yuan, the project's contract sum…), else None."""
    per = monthly_amount_per_worker(amount, workers, owed_from, owed_to, today)
    return per if per > rules.implausible_monthly_wage else None


def format_money(value):
    """12345678 → '12,345,678'."""
    return f"{int(value):,}"


# --- 重复分离: duplicates and repeat visits --------------------------------------------------------------

MAX_MATCHES = 20


# The look-ups are one hand-written statement: it runs at every intake, and the ORM's compiler cost more than
# PostgreSQL's work. Each arm is an equality on an indexed key and is ordered like its partial index (see
# Clue.Meta.indexes), so it reads only that complainant's or that project's rows, with or without planner
# statistics; each keeps its own newest MAX_MATCHES and Python merges them. The open/closed conditions are
# written as the partial indexes' predicates are, so PostgreSQL can prove the index applies.
# Each arm a derived table (PostgreSQL and SQLite alike accept an ORDER BY … LIMIT there, not in a bare
# parenthesised arm of a UNION on SQLite, the embedded default of `make run`).
_ARM = """SELECT * FROM (SELECT c.id, c.received_at, c.closed_at, c.complainant_phone, c.complainant_id_number,
        c.employer_key, c.employer_credit_code, c.project_id, c.project_name, p.name, %s
    FROM clues_clue c LEFT OUTER JOIN projects_project p ON p.id = c.project_id
    WHERE c.merged_into_id IS NULL AND {state} AND {key}{extra}
    ORDER BY {order} DESC, c.id DESC LIMIT %s) AS arm"""
_OPEN = f"NOT (c.status = '{Status.CLOSED}')"
_CLOSED = f"c.status = '{Status.CLOSED}'"


@dataclass(frozen=True)
class Match:
    """A clue a look-up found: what the reasons compare, nothing more."""

    pk: int
    received_at: datetime.datetime
    closed_at: datetime.datetime | None
    complainant_phone: str
    complainant_id_number: str
    employer_key: str
    employer_credit_code: str
    project_id: int | None
    project_name: str
    registered_project_name: str | None
    kind: str


def _same_employer(clue):
    """(SQL, params): credit codes decide when both clues have one; otherwise the normalised names agree."""
    if clue.employer_credit_code:
        if clue.employer_key:
            return ("(c.employer_credit_code = %s OR (c.employer_credit_code = '' AND c.employer_key = %s))",
                    [clue.employer_credit_code, clue.employer_key])
        return "c.employer_credit_code = %s", [clue.employer_credit_code]
    if clue.employer_key:
        return "c.employer_key = %s", [clue.employer_key]
    return None


def _person_keys(clue):
    """(column, value) per way of being the same complainant."""
    keys = []
    if clue.complainant_phone:
        keys.append(("complainant_phone", clue.complainant_phone))
    if clue.complainant_id_number:
        keys.append(("complainant_id_number", clue.complainant_id_number))
    return keys


def _project_keys(clue):
    """(SQL, params) per way of being the same project: the registered project, or a name that either clue's
    own project name or its registered project's name agrees with."""
    keys = []
    if clue.project_id:
        keys.append(("c.project_id = %s", [clue.project_id]))
    for name in sorted(_project_names(clue)):
        keys.append(("c.project_name = %s", [name]))
        keys.append(("p.name = %s", [name]))
    return keys


def _matches_person(clue, other):
    return bool((clue.complainant_phone and clue.complainant_phone == other.complainant_phone)
                or (clue.complainant_id_number and clue.complainant_id_number == other.complainant_id_number))


def _matches_employer(clue, other):
    if clue.employer_credit_code and other.employer_credit_code:
        return clue.employer_credit_code == other.employer_credit_code
    return bool(clue.employer_key) and clue.employer_key == other.employer_key


def _project_names(clue):
    names = {clue.project_name.strip() if clue.project_name else ""}
    if clue.project_id and clue.project is not None:
        names.add(clue.project.name.strip())
    return names - {""}


def _match_project_names(match):
    return {(match.project_name or "").strip(), (match.registered_project_name or "").strip()} - {""}


def _matches_project(clue, match):
    if clue.project_id and clue.project_id == match.project_id:
        return True
    return bool(_project_names(clue) & _match_project_names(match))


def _lookup_sql(clue, rules):
    """(SQL, params) of the look-ups for `clue`, or None when it has nothing to look up by."""
    arms, params = [], []
    others = " AND c.id <> %s" if clue.pk else ""
    others_params = [clue.pk] if clue.pk else []

    def arm(state, key, key_params, extra, extra_params, order, kind):
        arms.append(_ARM.format(state=state, key=key, extra=extra + others, order=order))
        params.extend([kind, *key_params, *extra_params, *others_params, MAX_MATCHES])

    employer = _same_employer(clue)
    if employer is not None:
        window = datetime.timedelta(days=rules.duplicate_window_days)
        employer_sql, employer_params = employer
        for column, value in _person_keys(clue):
            arm(_OPEN, f"c.{column} = %s", [value], f" AND {employer_sql}", employer_params, "c.received_at",
                DuplicateCandidate.Kind.DUPLICATE)
        for key_sql, key_params in _project_keys(clue):
            arm(_OPEN, key_sql, key_params, f" AND {employer_sql} AND c.received_at >= %s AND c.received_at <= %s",
                [*employer_params, clue.received_at - window, clue.received_at + window], "c.received_at",
                DuplicateCandidate.Kind.DUPLICATE)
    since = clue.received_at - datetime.timedelta(days=rules.repeat_window_days)
    for column, value in _person_keys(clue):
        arm(_CLOSED, f"c.{column} = %s", [value], " AND c.closed_at >= %s", [since], "c.closed_at",
            DuplicateCandidate.Kind.REPEAT)
    if not arms:
        return None
    return " UNION ALL ".join(arms), params


def _aware(moment):
    """SQLite hands raw timestamps back naive (stored in UTC); PostgreSQL aware."""
    if moment is None or timezone.is_aware(moment):
        return moment
    return timezone.make_aware(moment, datetime.UTC)


def find_matches(clue, rules):
    """[(match, kind, reason)] for a clue, saved or not: at most MAX_MATCHES of each kind, newest first.

    One query whatever the data size, none when the clue has no complainant key.
    """
    lookup = _lookup_sql(clue, rules)
    if lookup is None:
        return []
    with connection.cursor() as cursor:
        cursor.execute(*lookup)
        rows = cursor.fetchall()
    found = {}
    for row in rows:
        found.setdefault(row[0], Match(row[0], _aware(row[1]), _aware(row[2]), *row[3:]))
    duplicates = sorted((m for m in found.values() if m.kind == DuplicateCandidate.Kind.DUPLICATE),
                        key=lambda m: (m.received_at, m.pk), reverse=True)[:MAX_MATCHES]
    repeats = sorted((m for m in found.values() if m.kind == DuplicateCandidate.Kind.REPEAT),
                     key=lambda m: (m.closed_at, m.pk), reverse=True)[:MAX_MATCHES]

    window = datetime.timedelta(days=rules.duplicate_window_days)
    results = []
    for match in duplicates:
        reasons = []
        if _matches_person(clue, match) and _matches_employer(clue, match):
            reasons.append(_("同一反映人、同一用人单位"))
        if (_matches_project(clue, match) and _matches_employer(clue, match)
                and abs(match.received_at - clue.received_at) <= window):
            reasons.append(_("同一项目、同一用人单位,%(days)s日内") % {"days": rules.duplicate_window_days})
        results.append((match, DuplicateCandidate.Kind.DUPLICATE, ";".join(reasons)))
    for match in repeats:
        results.append((match, DuplicateCandidate.Kind.REPEAT,
                        _("同一反映人%(days)s日内有已办结线索") % {"days": rules.repeat_window_days}))
    return results


# --- Entry points ------------------------------------------------------------------------------------------


def triage_rules(snapshot=None):
    """The thresholds and keywords (TriageSettings), read once per process and again after any change."""
    snapshot = snapshot or reference_cache.snapshot()
    return snapshot.get("triage_settings", TriageSettings.current)


def unit_directory(snapshot=None):
    snapshot = snapshot or reference_cache.snapshot()
    return snapshot.get("triage_units", lambda: UnitDirectory(snapshot))


def assess(clue, snapshot=None):
    """Set the triage fields on `clue` (not saved); return the matches to record (`record_matches`)."""
    snapshot = snapshot or reference_cache.snapshot()
    rules = triage_rules(snapshot)
    units = unit_directory(snapshot)
    clue.suggested_district = suggest_district(clue, units)[0]
    clue.suggested_department = suggest_department(clue, units)[0]
    clue.risk_color, reasons = risk_assessment(clue, rules, snapshot)
    clue.risk_reasons = [str(reason) for reason in reasons]
    clue.amount_implausible = implausible_amount(
        clue.amount_owed, clue.worker_count, clue.owed_from, clue.owed_to,
        today=timezone.localdate(clue.received_at), rules=rules) is not None
    matches = find_matches(clue, rules)
    clue.is_repeat_visitor = any(kind == DuplicateCandidate.Kind.REPEAT for _m, kind, _r in matches)
    return matches


def record_matches(clue, matches):
    """Write the possible duplicates `assess` found for a saved clue (no query when there are none)."""
    if not matches:
        return
    DuplicateCandidate.objects.bulk_create(
        [DuplicateCandidate(clue=clue, match_id=match.pk, kind=kind, reason=str(reason)[:200])
         for match, kind, reason in matches])


TRIAGE_FIELDS = ["suggested_district", "suggested_department", "risk_color", "risk_reasons",
                 "is_repeat_visitor", "amount_implausible"]


def apply_triage(clue):
    """三步分离 for a new clue (tracking_code and employer_key set, not yet saved): compute, save, record
    the possible duplicates. Called by clue_create inside its transaction."""
    matches = assess(clue)
    clue.save()
    record_matches(clue, matches)
    return clue


@transaction.atomic
def retriage(clue):
    """Recompute the triage aids of a saved clue after staff edited what was reported; replaces its
    duplicate candidates. Writes only the triage fields and employer_key, never status or deadlines."""

    clue.employer_key = employer_key(clue.employer_name)
    matches = assess(clue)
    clue.save(update_fields=[*TRIAGE_FIELDS, "employer_key"])
    DuplicateCandidate.objects.filter(clue=clue).delete()
    record_matches(clue, matches)
    return clue


def refresh_employer_colour(*, credit_code, name):
    """The clues still open that name an enterprise (by credit code or normalised name) get their colour and
    reasons again: called when the enterprise goes on or off the blacklist. Returns how many changed."""
    snapshot = reference_cache.snapshot()
    rules = triage_rules(snapshot)
    key = employer_key(name)
    names = Q(employer_credit_code=credit_code)
    if key:  # by name only where the clue has no credit code (the code decides when there is one)
        names |= Q(employer_key=key, employer_credit_code="")
    changed = 0
    for clue in (Clue.objects.filter(names, merged_into__isnull=True).exclude(status=Status.CLOSED)
                 .select_related("project")):
        colour, reasons = risk_assessment(clue, rules, snapshot)
        reasons = [str(reason) for reason in reasons]
        if (colour, reasons) != (clue.risk_color, list(clue.risk_reasons or [])):
            Clue.objects.filter(pk=clue.pk).update(risk_color=colour, risk_reasons=reasons)
            changed += 1
    return changed


def triage_explain(clue, user=None):
    """What the triage found, ready for a page or the API; with `user`, only the possible duplicates that
    user may see."""

    units = unit_directory()
    suggested = []
    for unit, (found, why) in ((clue.suggested_district, suggest_district(clue, units)),
                               (clue.suggested_department, suggest_department(clue, units))):
        if unit is None:
            continue
        if found is None or found.pk != unit.pk:
            why = _("研判时建议")
        suggested.append({"code": unit.code, "name": unit.name, "kind": unit.kind, "why": str(why)})
    candidates = DuplicateCandidate.objects.filter(clue=clue)
    if user is not None:
        candidates = visible_duplicate_candidates(user, candidates)
    candidates = candidates.select_related("match").order_by("kind", "-match__received_at", "pk")
    return {
        "risk_color": clue.risk_color,
        "risk_color_label": str(clue.get_risk_color_display()),
        "risk_reasons": list(clue.risk_reasons or []),
        "suggested_units": suggested,
        "possible_duplicates": [
            {"id": c.match_id, "tracking_code": c.match.tracking_code, "kind": c.kind,
             "kind_label": str(c.get_kind_display()), "reason": c.reason, "status": c.match.status,
             "status_label": str(c.match.get_status_display())}
            for c in candidates],
        "is_repeat_visitor": clue.is_repeat_visitor,
        "amount_implausible": clue.amount_implausible,
        "amount_note": amount_note(clue) if clue.amount_implausible else "",
    }


def amount_note(clue):
    """Why the amount is in doubt, for the clue's page and the API: the figure per worker and month, and
    whether the worker confirmed it."""
    rules = triage_rules()
    per = monthly_amount_per_worker(clue.amount_owed, clue.worker_count, clue.owed_from, clue.owed_to,
                                    timezone.localdate(clue.received_at))
    text = _("平均每人每月约%(per)s元,高于%(limit)s元") % {
        "per": format_money(per), "limit": format_money(rules.implausible_monthly_wage)}
    if clue.channel in PUBLIC_CHANNELS:
        return text + _(";反映人提交时已确认金额无误,请核实")
    return text + _(";请与反映人核实金额")

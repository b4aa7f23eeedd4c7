"""Triage aids (三步分离) computed at intake: where the clue belongs, its risk colour, and possible duplicates.

Suggestions only: staff confirm or override them; nothing here routes or closes a clue.
"""

import datetime
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from units.models import Unit

from .models import Clue, DuplicateCandidate, RiskColor, Status, TriageSettings
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
    """Active districts and departments, by code and by pk (one query); what the suggestions look units up in."""

    def __init__(self):
        kinds = [Unit.Kind.DISTRICT, Unit.Kind.DEPARTMENT]
        self.by_code = {unit.code: unit for unit in Unit.objects.filter(kind__in=kinds, is_active=True)}
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


def risk_assessment(clue, rules):
    """(colour, reasons) of a clue under the current thresholds and keywords."""
    amount = _decimal(clue.amount_owed)
    workers = clue.worker_count or 0

    red = []
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


# --- 重复分离: duplicates and repeat visits --------------------------------------------------------------

MAX_MATCHES = 20


def _same_complainant(clue):
    query = Q(pk__in=[])
    if clue.complainant_phone:
        query |= Q(complainant_phone=clue.complainant_phone)
    if clue.complainant_id_number:
        query |= Q(complainant_id_number=clue.complainant_id_number)
    return query


def _same_employer(clue):
    # Credit codes decide when both clues have one; otherwise the normalised names must agree.
    if not clue.employer_key and not clue.employer_credit_code:
        return Q(pk__in=[])
    if clue.employer_credit_code:
        query = Q(employer_credit_code=clue.employer_credit_code)
        if clue.employer_key:
            query |= Q(employer_credit_code="", employer_key=clue.employer_key)
        return query
    return Q(employer_key=clue.employer_key)


def _same_project(clue):
    query = Q(pk__in=[])
    if clue.project_id:
        query |= Q(project_id=clue.project_id)
    names = _project_names(clue)
    if names:
        query |= Q(project_name__in=names) | Q(project__name__in=names)
    return query


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


def _matches_project(clue, other):
    if clue.project_id and clue.project_id == other.project_id:
        return True
    return bool(_project_names(clue) & _project_names(other))


def find_matches(clue, rules):
    """[(match, kind, reason)] for a clue, saved or not.

    Two queries whatever the data size, at most MAX_MATCHES of each kind, newest first.
    """
    person, employer, project = _same_complainant(clue), _same_employer(clue), _same_project(clue)
    window = datetime.timedelta(days=rules.duplicate_window_days)
    in_window = Q(received_at__gte=clue.received_at - window, received_at__lte=clue.received_at + window)
    others = Clue.objects.exclude(pk=clue.pk) if clue.pk else Clue.objects.all()

    duplicates = (
        others.filter(merged_into__isnull=True).exclude(status=Status.CLOSED)
        .filter((person & employer) | (project & employer & in_window))
        .select_related("project").order_by("-received_at", "-pk")[:MAX_MATCHES])
    results = []
    for match in duplicates:
        reasons = []
        if _matches_person(clue, match) and _matches_employer(clue, match):
            reasons.append(_("同一反映人、同一用人单位"))
        if (_matches_project(clue, match) and _matches_employer(clue, match)
                and abs(match.received_at - clue.received_at) <= window):
            reasons.append(_("同一项目、同一用人单位,%(days)s日内") % {"days": rules.duplicate_window_days})
        results.append((match, DuplicateCandidate.Kind.DUPLICATE, ";".join(reasons)))

    since = clue.received_at - datetime.timedelta(days=rules.repeat_window_days)
    repeats = (others.filter(person, status=Status.CLOSED, merged_into__isnull=True, closed_at__gte=since)
               .order_by("-closed_at", "-pk")[:MAX_MATCHES])
    for match in repeats:
        results.append((match, DuplicateCandidate.Kind.REPEAT,
                        _("同一反映人%(days)s日内有已办结线索") % {"days": rules.repeat_window_days}))
    return results


# --- Entry points ------------------------------------------------------------------------------------------


def _compute(clue):
    """Set the triage fields on `clue` (not saved); return the matches to record."""
    rules = TriageSettings.current()
    units = UnitDirectory()
    clue.suggested_district = suggest_district(clue, units)[0]
    clue.suggested_department = suggest_department(clue, units)[0]
    clue.risk_color, reasons = risk_assessment(clue, rules)
    clue.risk_reasons = [str(reason) for reason in reasons]
    matches = find_matches(clue, rules)
    clue.is_repeat_visitor = any(kind == DuplicateCandidate.Kind.REPEAT for _m, kind, _r in matches)
    return matches


def _record(clue, matches):
    DuplicateCandidate.objects.bulk_create(
        [DuplicateCandidate(clue=clue, match=match, kind=kind, reason=str(reason)[:200])
         for match, kind, reason in matches])


TRIAGE_FIELDS = ["suggested_district", "suggested_department", "risk_color", "risk_reasons",
                 "is_repeat_visitor"]


def apply_triage(clue):
    """三步分离 for a new clue (tracking_code and employer_key set, not yet saved): compute, save, record
    the possible duplicates. Called by clue_create inside its transaction."""
    matches = _compute(clue)
    clue.save()
    _record(clue, matches)
    return clue


@transaction.atomic
def retriage(clue):
    """Recompute the triage aids of a saved clue after staff edited what was reported; replaces its
    duplicate candidates. Writes only the triage fields and employer_key, never status or deadlines."""

    clue.employer_key = employer_key(clue.employer_name)
    matches = _compute(clue)
    clue.save(update_fields=[*TRIAGE_FIELDS, "employer_key"])
    DuplicateCandidate.objects.filter(clue=clue).delete()
    _record(clue, matches)
    return clue


def triage_explain(clue, user=None):
    """What the triage found, ready for a page or the API; with `user`, only the possible duplicates that
    user may see."""

    units = UnitDirectory()
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
    }

"""Risk scores of projects and enterprises: each reason of a score is a count (open red warnings, red clues in
the last 12 months, blacklisted parties, duties not met …) times its editable weight (RiskWeight), and the score
is the sum of its reasons' points — never shown without them.

Each reason is a function registered here with register_reason(code, label, fn, points=…). It answers for all
the subjects at once, with one aggregate query (or a few), given a RiskContext: the subject ("project" or
"enterprise"), the ids as a subquery, today, and memoised look-ups shared by the reasons. It returns {id: count}.
An app below this one (the credit app's orders, penalties and overdue rectifications) is plugged in by a
registration in campaigns.reasons, which may import it.
"""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from clues.models import Clue
from clues.triage import employer_key
from credit import selectors as credit_selectors
from credit.models import EnforcementRecord, Kind
from projects.models import Duty, Enterprise, Project, ProjectParty, Verification
from wage_warnings.models import WageWarning

from .models import RiskWeight

PROJECT, ENTERPRISE = "project", "enterprise"
SUBJECTS = (PROJECT, ENTERPRISE)
CLUE_WINDOW_DAYS = 365
OPEN_PROJECT_STATUSES = (Project.Status.PLANNED, Project.Status.UNDER_WAY, Project.Status.SUSPENDED)
DUTY_KINDS = len(Duty.Kind.values)


@dataclass(frozen=True)
class ReasonSpec:
    code: str
    label: str
    fn: object
    points: Decimal  # the default weight, until an administrator changes the row
    subjects: tuple = SUBJECTS
    unit: str = ""


REASONS: dict[str, ReasonSpec] = {}


def register_reason(code, label, fn, *, points, subjects=SUBJECTS, unit=""):
    """Add (or replace) a reason of the risk score: fn(context) → {subject id: count}."""
    REASONS[code] = ReasonSpec(code=code, label=label, fn=fn, points=Decimal(str(points)),
                               subjects=tuple(subjects), unit=unit)


@dataclass
class RiskContext:
    subject: str
    ids: object  # a queryset of the subjects' pks (a subquery) or a list of pks
    today: dt.date
    _memo: dict = field(default_factory=dict, repr=False)

    @property
    def clue_since(self):
        start = self.today - dt.timedelta(days=CLUE_WINDOW_DAYS)
        return timezone.make_aware(dt.datetime.combine(start, dt.time.min))

    def memo(self, key, compute):
        if key not in self._memo:
            self._memo[key] = compute()
        return self._memo[key]

    def links(self):
        """[(project id, enterprise id)] of every party to the subjects (developer, general contractor and
        subcontractors), each pair once."""
        def compute():
            if self.subject == PROJECT:
                projects = Project.objects.filter(pk__in=self.ids)
                parties = ProjectParty.objects.filter(project_id__in=self.ids)
            else:
                projects = Project.objects.filter(Q(developer_id__in=self.ids) | Q(general_contractor_id__in=self.ids))
                parties = ProjectParty.objects.filter(enterprise_id__in=self.ids)
            pairs = set()
            for project_id, developer_id, contractor_id in projects.values_list(
                    "pk", "developer_id", "general_contractor_id"):
                pairs.update((project_id, e) for e in (developer_id, contractor_id) if e is not None)
            pairs.update(parties.values_list("project_id", "enterprise_id"))
            return sorted(pairs)
        return self.memo("links", compute)

    def per_enterprise(self, per_project):
        """{project id: count} → {enterprise id: sum over the projects it is a party to}."""
        wanted = set(Enterprise.objects.filter(pk__in=self.ids).values_list("pk", flat=True)) \
            if not isinstance(self.ids, list | tuple | set) else set(self.ids)
        totals = {}
        for project_id, enterprise_id in self.links():
            if enterprise_id in wanted and per_project.get(project_id):
                totals[enterprise_id] = totals.get(enterprise_id, 0) + per_project[project_id]
        return totals


def _counts(rows, key="subject"):
    return {row[key]: row["n"] for row in rows if row["n"]}


# --- the reasons this app knows ---------------------------------------------------------------------------

def open_warnings(level):
    def reason(context):
        if context.subject == PROJECT:
            warnings = WageWarning.objects.filter(project_id__in=context.ids)
        else:
            warnings = WageWarning.objects.filter(project_id__in=sorted({p for p, _e in context.links()}))
        per_project = _counts(warnings.filter(state=WageWarning.State.OPEN, level=level)
                              .values(subject=F("project_id")).annotate(n=Count("pk")))
        return per_project if context.subject == PROJECT else context.per_enterprise(per_project)
    return reason


def _enterprise_clue_counts(context):
    """{enterprise id: {colour: clues}} in the window: a clue names an enterprise by its credit code, or, when it
    has none, by the normalised name (the triage's duplicate rule)."""
    def compute():
        enterprises = list(Enterprise.objects.filter(pk__in=context.ids).values_list("pk", "credit_code", "name"))
        by_code = {code: pk for pk, code, _name in enterprises}
        by_key = {}
        for pk, _code, name in enterprises:
            by_key.setdefault(employer_key(name), pk)
        codes = list(by_code)
        keys = [k for k in by_key if k]
        rows = (Clue.objects.filter(received_at__gte=context.clue_since, merged_into__isnull=True)
                .filter(Q(employer_credit_code__in=codes) | Q(employer_credit_code="", employer_key__in=keys))
                .values("employer_credit_code", "employer_key", "risk_color").annotate(n=Count("pk")))
        found = {}
        for row in rows:
            pk = by_code.get(row["employer_credit_code"]) if row["employer_credit_code"] else by_key.get(
                row["employer_key"])
            if pk is not None:
                colours = found.setdefault(pk, {})
                colours[row["risk_color"]] = colours.get(row["risk_color"], 0) + row["n"]
        return found
    return context.memo("enterprise_clues", compute)


def clues_of_colour(colour):
    def reason(context):
        if context.subject == ENTERPRISE:
            return {pk: colours[colour] for pk, colours in _enterprise_clue_counts(context).items()
                    if colours.get(colour)}
        return _counts(Clue.objects.filter(project_id__in=context.ids, received_at__gte=context.clue_since,
                                           merged_into__isnull=True, risk_color=colour)
                       .values(subject=F("project_id")).annotate(n=Count("pk")))
    return reason


def blacklisted(context):
    """A project: each blacklisted party; an enterprise: itself on the list. The flag is kept in step with the
    blacklist by the credit app."""
    if context.subject == ENTERPRISE:
        return dict.fromkeys(Enterprise.objects.filter(pk__in=context.ids, is_blacklisted=True)
                             .values_list("pk", flat=True), 1)
    listed = set(Enterprise.objects.filter(pk__in={e for _p, e in context.links()}, is_blacklisted=True)
                 .values_list("pk", flat=True))
    counts = {}
    for project_id, enterprise_id in context.links():
        if enterprise_id in listed:
            counts[project_id] = counts.get(project_id, 0) + 1
    return counts


def duties_not_met(context):
    """The wage-payment duties of an open project not entered, or rejected at verification (as the project page
    counts them); for an enterprise, those of the open projects it is the general contractor of."""
    projects = Project.objects.filter(status__in=OPEN_PROJECT_STATUSES)
    if context.subject == PROJECT:
        projects = projects.filter(pk__in=context.ids)
        key = "pk"
    else:
        projects = projects.filter(general_contractor_id__in=context.ids)
        key = "general_contractor_id"
    rows = projects.values(key).annotate(met=Count("duties", filter=~Q(duties__state=Verification.REJECTED)),
                                         projects=Count("pk", distinct=True))
    counts = {}
    for row in rows:
        # projects counts each project once per duty row in the join; a project has one row per duty at most.
        missing = row["projects"] * DUTY_KINDS - row["met"]
        if missing > 0:
            counts[row[key]] = counts.get(row[key], 0) + missing
    return counts


def enforcement(state=None, *, kind=None, recent=False):
    """Enforcement records (credit) on the subject — a project's records, an enterprise's — in a state of
    credit.selectors.state_q, or of a kind; `recent`: dated within the clue window (12 months)."""
    def reason(context):
        records = EnforcementRecord.objects.all()
        if state:
            records = records.filter(credit_selectors.state_q(state, context.today))
        if kind:
            records = records.filter(kind=kind)
        if recent:
            records = records.filter(date__gte=context.today - dt.timedelta(days=CLUE_WINDOW_DAYS))
        field_name = "project_id" if context.subject == PROJECT else "enterprise_id"
        return _counts(records.filter(**{f"{field_name}__in": context.ids})
                       .values(subject=F(field_name)).annotate(n=Count("pk")))
    return reason


# --- weights and scores ---------------------------------------------------------------------------------------

def weights():
    """{code: RiskWeight} for every registered reason; a reason without a row gets one with its default points."""
    rows = {w.code: w for w in RiskWeight.objects.all()}
    missing = [RiskWeight(code=spec.code, label=str(spec.label), points=spec.points)
               for spec in REASONS.values() if spec.code not in rows]
    if missing:
        RiskWeight.objects.bulk_create(missing, ignore_conflicts=True)
        rows = {w.code: w for w in RiskWeight.objects.all()}
    return rows


@dataclass(frozen=True)
class ReasonLine:
    code: str
    label: str
    count: int
    unit: str
    points_each: Decimal
    points: Decimal

    def as_json(self):
        return {"code": self.code, "label": self.label, "count": self.count, "points_each": str(self.points_each),
                "points": str(self.points)}


@dataclass
class Score:
    subject: str
    id: int
    reasons: list = field(default_factory=list)

    @property
    def total(self):
        return sum((r.points for r in self.reasons), Decimal("0"))

    def as_json(self):
        return {"score": str(self.total), "reasons": [r.as_json() for r in self.reasons]}


def scores(subject, ids, *, today=None):
    """{id: Score} for the subjects `ids` (a queryset of pks or a list): one pass per reason over all of them."""
    if subject not in SUBJECTS:
        raise ValueError(subject)
    context = RiskContext(subject=subject, ids=ids, today=today or timezone.localdate())
    table = weights()
    found = {}
    for spec in REASONS.values():
        weight = table.get(spec.code)
        if subject not in spec.subjects or weight is None or not weight.is_active:
            continue
        for pk, count in spec.fn(context).items():
            if count:
                points = (weight.points * count).quantize(Decimal("0.1"))
                found.setdefault(pk, []).append(ReasonLine(
                    code=spec.code, label=str(spec.label), count=count, unit=str(spec.unit),
                    points_each=weight.points, points=points))
    return found


def score_of(subject, pk, *, today=None):
    """The Score of one project or enterprise (an empty one when no reason applies)."""
    return Score(subject=subject, id=pk, reasons=scores(subject, [pk], today=today).get(pk, []))


def ranked(subject, queryset, *, today=None):
    """[(object, Score)] of `queryset`, highest score first (then by code), scored in one pass."""
    reasons = scores(subject, queryset.values("pk"), today=today)
    rows = [(obj, Score(subject=subject, id=obj.pk, reasons=reasons.get(obj.pk, []))) for obj in queryset]
    key_name = "code" if subject == PROJECT else "credit_code"
    rows.sort(key=lambda row: (-row[1].total, getattr(row[0], key_name)))
    return rows


# The reasons of DOMAIN.md's warning signals; weights are the defaults an administrator starts from.
register_reason("red_warnings", _("红色预警(未销号)"), open_warnings("red"), points=10, unit=_("条"))
register_reason("yellow_warnings", _("黄色预警(未销号)"), open_warnings("yellow"), points=4, unit=_("条"))
register_reason("red_clues", _("近12个月红色(重大)线索"), clues_of_colour("red"), points=8, unit=_("条"))
register_reason("orange_clues", _("近12个月橙色(一般)线索"), clues_of_colour("orange"), points=4, unit=_("条"))
register_reason("blue_clues", _("近12个月蓝色(简单)线索"), clues_of_colour("blue"), points=2, unit=_("条"))
register_reason("blacklisted", _("列入失信联合惩戒名单"), blacklisted, points=30, unit=_("家"))
register_reason("duties_not_met", _("工资支付义务未落实"), duties_not_met, points=5, unit=_("项"))
register_reason("overdue_orders", _("责令改正逾期未整改"), enforcement("overdue"), points=15, unit=_("份"))
register_reason("penalties", _("近12个月行政处罚"), enforcement(kind=Kind.PENALTY, recent=True), points=10,
                unit=_("次"))
register_reason("police_referrals", _("近12个月移送公安"), enforcement(kind=Kind.POLICE_REFERRAL, recent=True),
                points=20, unit=_("次"))
register_reason("watchlisted", _("列入重点关注名单"), enforcement("listed", kind=Kind.WATCHLIST), points=8,
                unit=_("次"))

"""Writes of the campaigns app: campaigns, their projects and problems (reported, rectified, supervised,
cleared), the sweep that supervises problems past their deadline, inspections with their findings, and the pick
of projects for an inspection round (by rank and at random, with a recorded seed)."""

import datetime as dt
import random
import secrets
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.api import ApplicationError, Conflict
from credit import services as credit_services
from credit.models import Kind as CreditKind
from notifications.services import notify_unit_officers
from projects.models import Project, ProjectEvent
from units.models import Unit
from units.workdays import add_working_days

from . import selectors
from .models import Campaign, CampaignProject, Inspection, InspectionKind, InspectionRound, Problem

TEXT_LIMITS = {"name": 100, "description": 2000, "evidence": 2000, "findings": 4000, "inspectors": 200}
MAX_PICK = 1000
SEED_LIMIT = 2**53  # a seed a JSON client reads back exactly


def _forbidden(message):
    return ApplicationError(message, code="permission_denied", status_code=403)


def _invalid(field, message):
    return ApplicationError(message, fields={field: [message]})


def _text(value, field, *, required=True):
    text = (value or "").strip()
    if required and not text:
        raise _invalid(field, _("请填写此项。"))
    if len(text) > TEXT_LIMITS[field]:
        raise _invalid(field, _("不能超过%(limit)s字。") % {"limit": TEXT_LIMITS[field]})
    return text


def _event(project, kind, text, by, now, **data):
    ProjectEvent.objects.create(project=project, at=now, kind=kind, text=text[:500], actor=by, data=data)


# --- campaigns and their projects ------------------------------------------------------------------------------

def campaign_create(*, by, name, start, end, scope=Campaign.Scope.GOVERNMENT, description=""):
    if not selectors.can_create_campaign(by):
        raise _forbidden(_("只有市级工作人员可以部署专项整治。"))
    if end < start:
        raise _invalid("end", _("结束日期不能早于开始日期。"))
    if scope not in Campaign.Scope.values:
        raise _invalid("scope", _("范围无效。"))
    return Campaign.objects.create(name=_text(name, "name"), start=start, end=end, scope=scope,
                                   description=_text(description, "description", required=False), created_by=by)


def in_scope(campaign, project):
    scope = campaign.scope
    if scope == Campaign.Scope.GOVERNMENT:
        return project.is_government_invested
    if scope == Campaign.Scope.KEY:
        return project.is_key or project.is_government_invested
    if scope == Campaign.Scope.ALL:
        return project.is_open
    return True


def _entry(campaign, project, by, now):
    entry, created = CampaignProject.objects.get_or_create(campaign=campaign, project=project,
                                                           defaults={"added_at": now, "added_by": by})
    if created:
        _event(project, "campaign_added", _("纳入专项整治“%(name)s”") % {"name": campaign.name}, by, now,
               campaign=campaign.pk)
    return entry, created


def campaign_add_project(*, campaign, project, by, now=None):
    """A key project joins the campaign (it is inspected in it); a project outside the campaign's scope, or
    already in it, is refused."""
    now = now or timezone.now()
    if not selectors.can_add_project(by, project):
        raise _forbidden(_("您只能将本单位辖区或本行业的项目纳入专项整治。"))
    if not in_scope(campaign, project):
        raise _invalid("project", _("该项目不在本次专项整治的范围(%(scope)s)内。")
                       % {"scope": campaign.get_scope_display()})
    with transaction.atomic():
        entry, created = _entry(campaign, project, by, now)
    if not created:
        raise Conflict(_("该项目已在本次专项整治中。"), fields={"project": [_("该项目已在本次专项整治中。")]})
    return entry


# --- problems ----------------------------------------------------------------------------------------------

def deadline_from(found_on, deadline):
    """(deadline date, working days or None): a date as given, or N working days after the day found."""
    if isinstance(deadline, dt.date):
        if deadline < found_on:
            raise _invalid("deadline", _("整改期限不能早于发现日期。"))
        return deadline, None
    days = int(deadline)
    if not 1 <= days <= 365:
        raise _invalid("deadline", _("整改时限应为1至365个工作日。"))
    return add_working_days(found_on, days), days


def _unit(project, unit):
    allowed = selectors.responsible_units(project)
    code = unit.code if isinstance(unit, Unit) else unit
    for candidate in allowed:
        if candidate.code == code:
            return candidate
    raise _invalid("unit", _("责任单位应为项目所在旗县市区或其行业主管部门(%(units)s)。")
                   % {"units": "、".join(u.name for u in allowed)})


def problem_create(*, campaign, project, by, category, description, deadline, unit, found_on=None,
                   inspection=None, now=None):
    """A problem found on a project of the campaign, for a responsible unit to rectify by `deadline` (a date,
    or a number of working days after the day found)."""
    now = now or timezone.now()
    found_on = found_on or timezone.localdate(now)
    if not selectors.can_report_problem(by, project):
        raise _forbidden(_("您只能登记本单位辖区或本行业项目的问题。"))
    if found_on > timezone.localdate(now):
        raise _invalid("found_on", _("发现日期不能晚于今天。"))
    if category not in Problem.Category.values:
        raise _invalid("category", _("问题类别无效。"))
    if not CampaignProject.objects.filter(campaign=campaign, project=project).exists():
        raise _invalid("project", _("该项目不在本次专项整治中,请先将其纳入。"))
    due, days = deadline_from(found_on, deadline)
    responsible = _unit(project, unit)
    with transaction.atomic():
        problem = Problem.objects.create(
            campaign=campaign, project=project, inspection=inspection, found_on=found_on, category=category,
            description=_text(description, "description"), deadline=due, deadline_working_days=days,
            unit=responsible, created_by=by)
        _event(project, "campaign_problem", _("专项整治发现问题:%(category)s,整改期限 %(due)s")
               % {"category": problem.get_category_display(), "due": due.isoformat()}, by, now,
               campaign=campaign.pk, problem=problem.pk)
    return problem


def _locked(problem):
    return (Problem.objects.select_for_update(of=("self",))
            .select_related("campaign", "project", "unit").get(pk=problem.pk))


def _refuse(problem, by, action, message, conflict):
    """403 for who may never take `action` on the problem, 409 for who may but not in its present state."""
    if action in selectors.problem_actions(problem, by):
        return
    if selectors.may_act(problem, by, action):
        raise Conflict(conflict)
    raise _forbidden(message)


def problem_rectify(*, problem, by, rectified_on, evidence, now=None):
    """整改: the responsible unit (or city staff) records the day it was rectified and the evidence."""
    now = now or timezone.now()
    with transaction.atomic():
        problem = _locked(problem)
        _refuse(problem, by, "rectify", _("只有责任单位、项目所在单位或市级工作人员可以登记整改。"),
                _("该问题已登记整改。"))
        if rectified_on < problem.found_on or rectified_on > timezone.localdate(now):
            raise _invalid("rectified_on", _("整改日期应在发现日期和今天之间。"))
        problem.rectified_on = rectified_on
        problem.evidence = _text(evidence, "evidence")
        problem.rectified_by = by
        problem.save(update_fields=["rectified_on", "evidence", "rectified_by"])
        _event(problem.project, "campaign_rectified", _("专项整治问题已整改:%(category)s")
               % {"category": problem.get_category_display()}, by, now, problem=problem.pk)
    return problem


def problem_supervise(*, problem, by, now=None):
    """督办 by city staff before the deadline passes (the sweep does it when it has passed)."""
    now = now or timezone.now()
    with transaction.atomic():
        problem = _locked(problem)
        _refuse(problem, by, "supervise", _("只有市级工作人员可以督办。"), _("该问题已督办或已整改。"))
        problem.supervised_at, problem.supervised_by = now, by
        problem.save(update_fields=["supervised_at", "supervised_by"])
        _event(problem.project, "campaign_supervised", _("专项整治问题转入督办:%(category)s")
               % {"category": problem.get_category_display()}, by, now, problem=problem.pk)
    _notify_supervised(problem.unit, 1, problem.campaign)
    return problem


def problem_clear(*, problem, by, now=None):
    """督办销号: city staff clear a supervised problem once it is rectified."""
    now = now or timezone.now()
    with transaction.atomic():
        problem = _locked(problem)
        _refuse(problem, by, "clear", _("只有市级工作人员可以督办销号。"),
                _("只有已督办且已整改的问题可以销号。"))
        problem.cleared_at, problem.cleared_by = now, by
        problem.save(update_fields=["cleared_at", "cleared_by"])
        _event(problem.project, "campaign_cleared", _("专项整治督办问题已销号:%(category)s")
               % {"category": problem.get_category_display()}, by, now, problem=problem.pk)
    return problem


def _notify_supervised(unit, count, campaign):
    notify_unit_officers(unit, subject=_("专项整治问题转入督办"),
                         body=_("“%(name)s”中贵单位负责的 %(count)d 个问题已转入督办,请尽快整改并上传佐证。")
                         % {"name": campaign.name, "count": count},
                         url=reverse("campaigns:detail", args=[campaign.pk]) + f"?unit={unit.code}")


def supervise_overdue(*, today=None, now=None):
    """Every problem not rectified by its deadline (the deadline day has ended) becomes supervised, per campaign
    and unit in one UPDATE whose condition is the state it changes, so two sweeps at once supervise each problem
    once; the unit's officers hear of it once per sweep. Returns how many were supervised."""
    now = now or timezone.now()
    today = today or timezone.localdate(now)
    due = Problem.objects.filter(rectified_on__isnull=True, supervised_at__isnull=True, deadline__lt=today)
    total = 0
    for campaign_id, unit_id in sorted(set(due.values_list("campaign_id", "unit_id"))):
        count = due.filter(campaign_id=campaign_id, unit_id=unit_id).update(supervised_at=now)
        if count:
            total += count
            _notify_supervised(Unit.objects.get(pk=unit_id), count, Campaign.objects.get(pk=campaign_id))
    return total


# --- inspections ------------------------------------------------------------------------------------------------

def inspection_create(*, project, by, kind, inspected_on, findings, inspectors="", unit=None, round=None,
                      campaign=None, problems=(), orders=(), now=None):
    """An inspection of a project with its findings; the problems found go on the campaign's problem list (the
    project joins the campaign if it was not in it yet), and each of `orders` ({number, problem, deadline}) is a
    责令改正决定 to the project's general contractor (credit), linked to the inspection on the timeline."""
    now = now or timezone.now()
    if not selectors.can_add_project(by, project):
        raise _forbidden(_("您只能登记本单位辖区或本行业项目的检查。"))
    if kind not in InspectionKind.values:
        raise _invalid("kind", _("检查方式无效。"))
    if inspected_on > timezone.localdate(now):
        raise _invalid("inspected_on", _("检查日期不能晚于今天。"))
    if problems and campaign is None:
        raise _invalid("campaign", _("检查发现的问题须列入一项专项整治,请选择专项整治。"))
    if round is not None and project.code not in {code for code, _how, _rank in round.picks}:
        raise _invalid("round", _("该项目不在这次抽取的名单中。"))
    unit = unit or by.unit
    if unit is None:
        raise _invalid("unit", _("请选择检查单位。"))
    with transaction.atomic():
        inspection = Inspection.objects.create(
            project=project, kind=kind, round=round, campaign=campaign, inspected_on=inspected_on, unit=unit,
            inspectors=_text(inspectors, "inspectors", required=False), findings=_text(findings, "findings"),
            created_by=by)
        _event(project, "inspection", _("%(kind)s检查:%(findings)s")
               % {"kind": inspection.get_kind_display(), "findings": inspection.findings}, by, now,
               inspection=inspection.pk)
        if campaign is not None:
            if not in_scope(campaign, project):
                raise _invalid("campaign", _("该项目不在本次专项整治的范围(%(scope)s)内。")
                               % {"scope": campaign.get_scope_display()})
            _entry(campaign, project, by, now)
        for index, item in enumerate(problems):
            try:
                problem_create(campaign=campaign, project=project, by=by, found_on=inspected_on, inspection=inspection,
                               now=now, **item)
            except ApplicationError as exc:
                exc.fields = {f"problems.{index}.{name}": messages for name, messages in exc.fields.items()}
                raise
        if orders and project.general_contractor_id is None:
            raise _invalid("orders", _("该项目未登记施工总承包单位,不能下达责令改正决定。"))
        for index, item in enumerate(orders):
            try:
                credit_services.record_create(
                    by=by, kind=CreditKind.RECTIFICATION_ORDER, enterprise=project.general_contractor, project=project,
                    unit=None if unit.kind == Unit.Kind.CITY else unit, date=inspected_on, number=item["number"],
                    problem=item["problem"],
                    deadline=item["deadline"], today=timezone.localdate(now))
            except ApplicationError as exc:
                exc.fields = {f"orders.{index}.{name}": messages for name, messages in exc.fields.items()}
                raise
    return inspection


# --- picking projects for an inspection round ----------------------------------------------------------------

def split_count(count, random_share):
    """(by rank, at random) of `count` picks, the random part rounded half up."""
    drawn = int((Decimal(count) * Decimal(random_share)).quantize(Decimal(1), rounding=ROUND_HALF_UP))
    return count - drawn, drawn


def draw(candidates, count, random_share, seed):
    """The pick from `candidates` (codes in rank order): the first by rank, then a draw with `seed` from the
    rest; [(code, "rank" | "random", rank from 1)]. The same arguments give the same pick."""
    count = min(count, len(candidates))
    by_rank, at_random = split_count(count, random_share)
    picks = [(code, "rank", index + 1) for index, code in enumerate(candidates[:by_rank])]
    rest = list(range(by_rank, len(candidates)))
    for index in random.Random(seed).sample(rest, at_random):
        picks.append((candidates[index], "random", index + 1))
    return picks


def round_create(*, by, kind, count, random_share, seed=None, district="", sector="", government=None,
                 today=None, now=None):
    """Pick `count` open projects among those `by` may see (filtered): the highest risk scores for the share not
    drawn at random, the rest drawn from the remaining ranking with `seed` (a new one when not given); the
    round keeps the seed, the ranking and the pick."""
    now = now or timezone.now()
    if not selectors.can_see_risk(by):
        raise _forbidden(_("您没有抽取检查对象的权限。"))
    if kind not in (InspectionKind.DOUBLE_RANDOM, InspectionKind.DOUBLE_RESIDENT):
        raise _invalid("kind", _("检查方式无效。"))
    if not 1 <= count <= MAX_PICK:
        raise _invalid("count", _("抽取数量应为1至%(max)d。") % {"max": MAX_PICK})
    random_share = Decimal(str(random_share))
    if not Decimal(0) <= random_share <= Decimal(1):
        raise _invalid("random_share", _("随机抽取比例应在0至1之间。"))
    if seed is None:
        seed = secrets.randbelow(SEED_LIMIT)
    elif not 0 <= seed < SEED_LIMIT:
        raise _invalid("seed", _("随机种子应为0至2^53之间的整数。"))
    ranking = selectors.project_ranking(by, district=district, sector=sector, government=government, today=today)
    if not ranking:
        raise _invalid("count", _("筛选条件下没有可抽取的在建项目。"))
    candidates = [[project.code, str(score.total)] for project, score in ranking]
    picks = draw([code for code, _score in candidates], count, random_share, seed)
    filters = {k: v for k, v in (("district", district), ("sector", sector), ("government", government))
               if v not in ("", None)}
    return InspectionRound.objects.create(
        kind=kind, created_at=now, created_by=by, count=count, random_share=random_share, seed=seed,
        filters=filters, candidates=candidates, picks=[list(p) for p in picks])


def round_replay(round):
    """The pick again from the round's recorded ranking and seed (equal to round.picks)."""
    return [list(p) for p in draw([code for code, _score in round.candidates], round.count, round.random_share,
                                  round.seed)]


def round_projects(round):
    codes = [code for code, _how, _rank in round.picks]
    found = {p.code: p for p in Project.objects.filter(code__in=codes).select_related("district", "sector")}
    return [(found.get(code), how, rank) for code, how, rank in round.picks]

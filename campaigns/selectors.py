"""Reads of the campaigns app: who may see and do what, the campaign's figures (a few aggregate queries, by
district, sector department and responsible unit), the problem lists, and the risk ranking for inspections.

Who sees what (checked on the server, per object): every government staff member sees the list of campaigns;
within a campaign, city staff (intake, supervisor, administrator) see every project and problem, an officer
those of the projects of the unit's district or sector and the problems the unit answers for; a 劳资专管员 none.
"""

from django.db.models import Count, Q
from django.utils import timezone

from accounts.roles import STAFF_ROLES, has_any_role
from projects.models import Enterprise, Project
from projects.selectors import (  # who may see which project: one definition, the registry's
    is_city_staff,
    officer_unit_id,
    project_queryset,
    project_visible_queryset,
)
from units.models import Unit

from . import risk
from .models import Campaign, CampaignProject, Inspection, InspectionRound, Problem

FIGURES = ("projects", "problems_found", "problems_rectified", "problems_outstanding", "supervised_problems",
           "supervised_cleared", "supervised_projects")


# --- who may see and do what -----------------------------------------------------------------------------------

def is_staff_member(user):
    return has_any_role(user, STAFF_ROLES)


def campaign_queryset(user):
    if not is_staff_member(user):
        return Campaign.objects.none()
    return Campaign.objects.order_by("-start", "-pk")


def entry_queryset(user, campaign):
    entries = CampaignProject.objects.filter(campaign=campaign).select_related(
        "project", "project__district", "project__sector")
    if is_city_staff(user):
        return entries
    unit_id = officer_unit_id(user)
    if unit_id is None:
        return entries.none()
    return entries.filter(Q(project__district_id=unit_id) | Q(project__sector_id=unit_id))


def problem_queryset(user, campaign=None):
    problems = Problem.objects.select_related("campaign", "project", "project__district", "project__sector", "unit")
    if campaign is not None:
        problems = problems.filter(campaign=campaign)
    if is_city_staff(user):
        return problems
    unit_id = officer_unit_id(user)
    if unit_id is None:
        return problems.none()
    return problems.filter(Q(project__district_id=unit_id) | Q(project__sector_id=unit_id) | Q(unit_id=unit_id))


def can_create_campaign(user):
    return is_city_staff(user)


def can_add_project(user, project):
    return is_city_staff(user) or officer_unit_id(user) in (project.district_id, project.sector_id)


def can_report_problem(user, project):
    return can_add_project(user, project)


def may_act(problem, user, action):
    """Whether `user` is one who takes `action` on `problem` at all (whatever its state): rectify (整改) the
    responsible unit, the project's units and city staff; supervise (督办) and clear (督办销号) city staff."""
    if action == "rectify":
        unit_id = officer_unit_id(user)
        return is_city_staff(user) or (unit_id is not None and unit_id in (
            problem.unit_id, problem.project.district_id, problem.project.sector_id))
    return action in ("supervise", "clear") and is_city_staff(user)


def problem_actions(problem, user):
    """What `user` may do to `problem` now."""
    actions = set()
    if problem.rectified_on is None and may_act(problem, user, "rectify"):
        actions.add("rectify")
    if problem.supervised_at is None and problem.rectified_on is None and may_act(problem, user, "supervise"):
        actions.add("supervise")
    if (problem.supervised_at and problem.rectified_on and problem.cleared_at is None
            and may_act(problem, user, "clear")):
        actions.add("clear")
    return actions


def responsible_units(project):
    """The units a problem of `project` may be given to: its district and its sector department."""
    return [unit for unit in (project.district, project.sector) if unit is not None]


# --- the campaign's figures ----------------------------------------------------------------------------------

def _problem_figures():
    """The problem figures as aggregates: for .aggregate(), or per group after .values()."""
    supervised = Q(supervised_at__isnull=False)
    return dict(
        problems_found=Count("pk"),
        problems_rectified=Count("pk", filter=Q(rectified_on__isnull=False)),
        problems_outstanding=Count("pk", filter=Q(rectified_on__isnull=True)),
        supervised_problems=Count("pk", filter=supervised),
        supervised_cleared=Count("pk", filter=supervised & Q(cleared_at__isnull=False)),
        supervised_projects=Count("project", filter=supervised, distinct=True),
    )


def summary(campaign, user):
    """The seven figures of the campaign over what `user` may see.

    projects: the campaign's projects (inspected); problems_found: all problems; problems_rectified: those with a
    rectification date (supervised or not); problems_outstanding: the rest; supervised_problems: those
    supervised (督办) — their deadline passed, or city staff supervised them; supervised_cleared: supervised and
    cleared (督办销号); supervised_projects: projects with at least one supervised problem."""
    figures = problem_queryset(user, campaign).aggregate(**_problem_figures())
    figures["projects"] = entry_queryset(user, campaign).count()
    return {key: figures[key] for key in FIGURES}


def _by(campaign, user, field, kinds):
    """Rows of the figures per unit through `field` (project__district, project__sector or unit)."""
    problems = problem_queryset(user, campaign)
    rows = {row[field]: row for row in problems.order_by().values(field).annotate(**_problem_figures())}
    projects = {}
    if field != "unit":
        projects = dict(entry_queryset(user, campaign).order_by().values(field).annotate(n=Count("pk"))
                        .values_list(field, "n"))
    ids = set(rows) | set(projects)
    units = Unit.objects.filter(pk__in=[i for i in ids if i is not None], kind__in=kinds).order_by(
        "sort_order", "code")
    today = timezone.localdate()
    overdue = dict(problems.filter(rectified_on__isnull=True, deadline__lt=today).order_by().values(field)
                   .annotate(n=Count("pk")).values_list(field, "n"))
    result = []
    for unit in units:
        row = rows.get(unit.pk, {})
        result.append({"unit": unit.code, "name": unit.name, "projects": projects.get(unit.pk, 0),
                       **{key: row.get(key, 0) for key in FIGURES if key != "projects"},
                       "overdue_now": overdue.get(unit.pk, 0),
                       "supervised_outstanding": row.get("supervised_problems", 0) - row.get("supervised_cleared", 0)})
    return result


def campaign_figures(campaign, user):
    """The campaign page's figures: the summary, and the same by district, sector department and by the unit
    that answers for the problems (supervised problems count against it)."""
    return {
        "summary": summary(campaign, user),
        "by_district": _by(campaign, user, "project__district", [Unit.Kind.DISTRICT]),
        "by_sector": _by(campaign, user, "project__sector", [Unit.Kind.DEPARTMENT]),
        "by_unit": _by(campaign, user, "unit", [Unit.Kind.DISTRICT, Unit.Kind.DEPARTMENT]),
        "generated_at": timezone.now(),
    }


PROBLEM_STATE_FILTERS = {
    "open": Q(rectified_on__isnull=True, supervised_at__isnull=True),
    "rectified": Q(rectified_on__isnull=False, supervised_at__isnull=True),
    "supervised": Q(supervised_at__isnull=False, rectified_on__isnull=True),
    "supervised_rectified": Q(supervised_at__isnull=False, rectified_on__isnull=False, cleared_at__isnull=True),
    "cleared": Q(supervised_at__isnull=False, cleared_at__isnull=False),
}


def _param(value):
    """A filter value from a query string as a lookup takes it (no NUL, which PostgreSQL text refuses)."""
    return str(value or "").replace("\x00", "")[:40]


def problem_list(user, campaign, *, state="", project="", unit="", district="", sector=""):
    project, unit, district, sector = _param(project), _param(unit), _param(district), _param(sector)
    problems = problem_queryset(user, campaign).order_by("deadline", "pk")
    if state in PROBLEM_STATE_FILTERS:
        problems = problems.filter(PROBLEM_STATE_FILTERS[state])
    if project:
        problems = problems.filter(project__code=project)
    if unit:
        problems = problems.filter(unit__code=unit)
    if district:
        problems = problems.filter(project__district__code=district)
    if sector:
        problems = problems.filter(project__sector__code=sector)
    return problems


# --- risk ranking and inspections --------------------------------------------------------------------------------

def can_see_risk(user):
    return is_staff_member(user)


def ranking_queryset(user, *, district="", sector="", government=None):
    """The open projects `user` may see, filtered as the ranking page and the pick."""
    district, sector = _param(district), _param(sector)
    projects = project_visible_queryset(user, project_queryset()).filter(status__in=risk.OPEN_PROJECT_STATUSES)
    if district:
        projects = projects.filter(district__code=district)
    if sector:
        projects = projects.filter(sector__code=sector)
    if government is not None:
        projects = projects.filter(is_government_invested=government)
    return projects.order_by("code")


def project_ranking(user, *, district="", sector="", government=None, today=None):
    """[(project, Score)] highest first."""
    return risk.ranked(risk.PROJECT, ranking_queryset(user, district=district, sector=sector,
                                                      government=government), today=today)


def visible_project(user, code):
    if not isinstance(code, str) or len(code) > 40 or "\x00" in code:
        return None
    return project_visible_queryset(user, project_queryset()).filter(code=code).first()


def visible_enterprise(user, credit_code):
    if (not is_staff_member(user) or not isinstance(credit_code, str) or len(credit_code) > 18
            or "\x00" in credit_code):
        return None
    return Enterprise.objects.filter(credit_code=credit_code.upper()).first()


def enterprise_projects(enterprise, user):
    return project_visible_queryset(user, Project.objects.filter(
        Q(developer=enterprise) | Q(general_contractor=enterprise) | Q(parties__enterprise=enterprise))
        .distinct().select_related("district", "sector").order_by("code"))


def inspection_queryset(user):
    inspections = Inspection.objects.select_related("project", "unit", "round", "campaign", "created_by")
    return inspections.filter(project__in=project_visible_queryset(user).values("pk")) if is_staff_member(
        user) else inspections.none()


def round_queryset(user):
    if not is_staff_member(user):
        return InspectionRound.objects.none()
    if is_city_staff(user):
        return InspectionRound.objects.all()
    return InspectionRound.objects.filter(created_by__unit_id=user.unit_id)

"""Fixtures of the project registry tests: a 卓资县 housing project with its parties, and one person per role
around it (its officers, another district's officer, city staff, its 劳资专管员 and another project's)."""

import datetime as dt
from decimal import Decimal

import pytest

from accounts.roles import Role
from accounts.services import staff_set_role
from projects import services
from tests.conftest import make_staff
from tests.factories import EnterpriseFactory, ProjectFactory, UserFactory
from units.models import Unit


def make_wage_manager(username, *projects, phone="13947400099"):
    user = UserFactory(username=username, unit=None, phone=phone)
    staff_set_role(user, Role.WAGE_MANAGER)
    for project in projects:
        project.managers.add(user)
    return user


@pytest.fixture
def contractor(db):
    return EnterpriseFactory(name="内蒙古北疆建设集团有限公司")


@pytest.fixture
def developer(db):
    return EnterpriseFactory(name="乌兰察布市城市建设投资有限公司")


@pytest.fixture
def project(db, contractor, developer):
    project = ProjectFactory(code="WLCB-2026-0001", name="卓资县老旧小区改造工程", general_contractor=contractor,
                             developer=developer, contractor_name=contractor.name,
                             contractor_credit_code=contractor.credit_code, contract_sum=Decimal("38600000.00"),
                             contract_date=dt.date(2026, 1, 10), start_date=dt.date(2026, 2, 1))
    return project


@pytest.fixture
def other_project(db, contractor):
    return ProjectFactory(code="WLCB-2026-0002", name="丰镇市输变电工程", district=Unit.objects.get(code="150981"),
                          sector=Unit.objects.get(code="energy"), general_contractor=contractor)


@pytest.fixture
def people(db, project, other_project):
    return {
        "intake": make_staff(Role.INTAKE, username="p_intake"),
        "supervisor": make_staff(Role.SUPERVISOR, username="p_supervisor"),
        "admin": make_staff(Role.ADMIN, username="p_admin", is_staff=True),
        "district_officer": make_staff(Role.OFFICER, "150921", username="p_officer_zz"),
        "sector_officer": make_staff(Role.OFFICER, "housing", username="p_officer_housing"),
        "other_officer": make_staff(Role.OFFICER, "150981", username="p_officer_fz"),
        "manager": make_wage_manager("p_manager", project),
        "other_manager": make_wage_manager("p_manager_other", other_project, phone="13947400098"),
    }


@pytest.fixture
def submit_duty():
    """submit_duty(project, kind, by, **values) with evidence by bank reference."""

    def submit(project, kind, by, **values):
        values.setdefault("bank_reference", "HD20260301001")
        return services.duty_submit(project=project, kind=kind, by=by, values=values)[0]

    return submit

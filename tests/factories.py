"""factory-boy factories for the suite."""

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone

from core.identity import credit_code_check_char, resident_id_check_char

DEFAULT_PASSWORD = "Ulanqab-Test-2026"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    last_name = "王"
    first_name = factory.Sequence(lambda n: f"勇{n}")
    password = factory.django.Password(DEFAULT_PASSWORD)


class ProjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "projects.Project"
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"WLCB-T-{n:04d}")
    name = factory.Sequence(lambda n: f"测试工程项目{n}号")
    district = factory.LazyFunction(lambda: _unit("150921"))
    sector = factory.LazyFunction(lambda: _unit("housing"))
    contractor_name = "内蒙古北疆建设集团有限公司"
    contractor_credit_code = "91350100M000100Y43"


class EnterpriseFactory(factory.django.DjangoModelFactory):
    """An enterprise with a valid GB 32100 credit code (the check character computed)."""

    class Meta:
        model = "projects.Enterprise"
        django_get_or_create = ("credit_code",)

    credit_code = factory.Sequence(lambda n: _credit_code(f"91150900MA{n:07d}"))
    name = factory.Sequence(lambda n: f"乌兰察布市第{n}建筑工程有限公司")


class DutyFactory(factory.django.DjangoModelFactory):
    """A duty as its 劳资专管员 entered it (submitted); pass kind and the fields that kind needs."""

    class Meta:
        model = "projects.Duty"

    project = factory.SubFactory(ProjectFactory)
    kind = "wage_account"
    done_on = factory.LazyFunction(timezone.localdate)


class LabourAllocationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "projects.LabourAllocation"

    project = factory.SubFactory(ProjectFactory)
    month = factory.LazyFunction(lambda: timezone.localdate().replace(day=1))
    amount = 500000
    paid_on = factory.LazyAttribute(lambda allocation: allocation.month)


class PayrollMonthFactory(factory.django.DjangoModelFactory):
    """A month's payroll summary (the figures an upload keeps), every worker paid in full by default."""

    class Meta:
        model = "projects.PayrollMonth"

    project = factory.SubFactory(ProjectFactory)
    month = factory.LazyFunction(lambda: timezone.localdate().replace(day=1))
    roster_headcount = 20
    headcount_paid = factory.LazyAttribute(lambda payroll: payroll.roster_headcount)
    lines = factory.LazyAttribute(lambda payroll: payroll.roster_headcount)
    total_due = factory.LazyAttribute(lambda payroll: 6000 * payroll.lines)
    total_paid = factory.LazyAttribute(lambda payroll: payroll.total_due)


def _unit(code):
    from units.models import Unit

    return Unit.objects.get(code=code)


class ClueFactory(factory.django.DjangoModelFactory):
    """A clue as intake leaves it (status received), built directly; use clues.services.clue_create to test
    intake itself and clues.lifecycle to move it on."""

    class Meta:
        model = "clues.Clue"

    tracking_code = factory.Sequence(lambda n: f"T{n:09d}"[:10])
    channel = "web"
    received_at = factory.LazyFunction(timezone.now)
    employer_name = "乌兰察布市宏达建筑工程有限公司"
    employer_key = "乌兰察布市宏达建筑工程"
    complainant_name = "王勇"
    complainant_phone = factory.Sequence(lambda n: f"139{n:08d}")
    worker_count = 3
    amount_owed = 36000
    description = "2026年8月至10月的工资未发。"


def _credit_code(body):
    return body + credit_code_check_char(body)


def resident_id(body):
    """A valid 18-character ID from its first 17 digits."""
    return body + resident_id_check_char(body)

class WarningFactory(factory.django.DjangoModelFactory):
    """A warning as the evaluation leaves it (open), its rule by code: WarningFactory(code="payroll_late")."""

    class Meta:
        model = "wage_warnings.WageWarning"
        exclude = ("code",)

    code = "roster_missing"
    project = factory.SubFactory(ProjectFactory)
    rule = factory.LazyAttribute(lambda warning: _rule(warning.code))
    level = factory.LazyAttribute(lambda warning: warning.rule.level)
    detail = "在建项目未录入实名制花名册(在册人数)。"
    opened_at = factory.LazyFunction(timezone.now)


def _rule(code):
    from wage_warnings.models import Rule

    return Rule.objects.get(code=code)

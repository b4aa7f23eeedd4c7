"""factory-boy factories for the suite."""

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone

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

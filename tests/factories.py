"""factory-boy factories for the suite."""

import factory
from django.contrib.auth import get_user_model

DEFAULT_PASSWORD = "Ulanqab-Test-2026"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    last_name = "王"
    first_name = factory.Sequence(lambda n: f"勇{n}")
    password = factory.django.Password(DEFAULT_PASSWORD)

"""Reference data after migrate, role groups and the add_staff provisioning command."""

import pytest
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command

from accounts.models import User
from accounts.roles import Role
from units.models import Unit

pytestmark = pytest.mark.django_db


def test_migrate_loads_the_thirty_units():
    assert Unit.objects.filter(kind="district").count() == 11
    assert Unit.objects.filter(kind="department").count() == 18
    city = Unit.objects.get(kind="city")
    assert city.code == "150900"
    assert Unit.objects.get(code="150921").name == "卓资县"
    assert Unit.objects.get(code="housing").name == "住房和城乡建设局"


def test_migrate_creates_every_role_group_with_permissions():
    names = set(Group.objects.values_list("name", flat=True))
    assert {r.value for r in Role} <= names
    admin = Group.objects.get(name=Role.ADMIN)
    assert admin.permissions.filter(codename="change_unit").exists()
    assert admin.permissions.filter(codename="change_workingdayoverride").exists()
    intake = Group.objects.get(name=Role.INTAKE)
    assert not intake.permissions.filter(codename="change_unit").exists()


def test_add_staff_creates_an_officer_of_a_unit(monkeypatch):
    monkeypatch.setenv("STAFF_PASSWORD", "Zhuozi-Officer-2026")
    call_command("add_staff", "jiangjie", role="officer", unit="150921")
    user = User.objects.get(username="jiangjie")
    assert user.unit.code == "150921"
    assert user.role_codes == {"officer"}
    assert user.check_password("Zhuozi-Officer-2026")
    assert not user.is_staff


def test_add_staff_is_idempotent(monkeypatch):
    monkeypatch.setenv("STAFF_PASSWORD", "Zhuozi-Officer-2026")
    call_command("add_staff", "jiangjie", role="officer", unit="150921")
    call_command("add_staff", "jiangjie", role="officer", unit="150921")
    assert User.objects.filter(username="jiangjie").count() == 1
    assert User.objects.get(username="jiangjie").groups.count() == 1


def test_add_staff_admin_may_use_the_admin_site(monkeypatch):
    monkeypatch.setenv("STAFF_PASSWORD", "Admin-Password-2026")
    call_command("add_staff", "root2", role="admin")
    user = User.objects.get(username="root2")
    assert user.is_staff and user.unit.code == "150900"
    assert user.has_perm("units.change_workingdayoverride")


@pytest.mark.parametrize("kwargs, message", [
    ({"role": "boss"}, "未知角色"),
    ({"role": "officer", "unit": "999999"}, "未知单位代码"),
    ({"role": "officer"}, "承办员必须指定所属单位"),
    ({"role": "officer", "unit": "150900"}, "承办员应属于旗县市区或行业部门"),
])
def test_add_staff_refuses_bad_input_clearly(monkeypatch, kwargs, message):
    monkeypatch.setenv("STAFF_PASSWORD", "Zhuozi-Officer-2026")
    with pytest.raises(CommandError, match=message):
        call_command("add_staff", "someone", **kwargs)
    assert not User.objects.filter(username="someone").exists()


def test_add_staff_needs_the_password_in_the_environment(monkeypatch):
    monkeypatch.delenv("STAFF_PASSWORD", raising=False)
    with pytest.raises(CommandError, match="STAFF_PASSWORD"):
        call_command("add_staff", "someone", role="intake")


def test_add_staff_refuses_a_weak_password(monkeypatch):
    monkeypatch.setenv("STAFF_PASSWORD", "123")
    with pytest.raises(CommandError, match="密码不符合要求"):
        call_command("add_staff", "someone", role="intake")


def test_add_staff_moving_a_person_to_another_role_replaces_the_role(monkeypatch, units):
    from clues.selectors import clue_visible_queryset
    from tests.clues.lifecycle_helpers import new_clue, to_assigned
    from tests.conftest import make_staff

    intake = make_staff(Role.INTAKE, username="city_intake")
    for _n in range(3):
        to_assigned(new_clue(), intake, units["150921"])
    for _n in range(4):
        to_assigned(new_clue(), intake, units["housing"])
    new_clue()
    monkeypatch.setenv("STAFF_PASSWORD", "Zhuozi-Officer-2026")
    call_command("add_staff", "mover", role="intake")
    mover = User.objects.get(username="mover")
    assert clue_visible_queryset(mover).count() == 8

    call_command("add_staff", "mover", role="officer", unit="150921")
    mover = User.objects.get(username="mover")
    assert mover.role_codes == {"officer"}
    assert clue_visible_queryset(mover).count() == 3
    assert set(clue_visible_queryset(mover).values_list("unit__code", flat=True)) == {"150921"}

"""API tokens: stored as a hash, shown once, expiring, and ended by logout and by a change of password or
role; the admin shows no key."""

import datetime as dt
import random

import pytest
import time_machine
from django.core.management import call_command

from accounts.models import ApiToken
from accounts.roles import Role
from tests.conftest import make_staff
from tests.factories import DEFAULT_PASSWORD

pytestmark = pytest.mark.django_db


def _token(client, username):
    response = client.post("/api/v1/auth/token/", {"username": username, "password": DEFAULT_PASSWORD},
                           format="json",
                           REMOTE_ADDR=f"203.0.113.{random.randint(1, 254)}")
    assert response.status_code == 200, response.content
    return response.json()["token"]


def _me(client, token):
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    response = client.get("/api/v1/clues/")
    client.credentials()
    return response


def test_only_a_hash_of_the_token_is_stored(api_client, intake_user):
    token = _token(api_client, intake_user.username)
    stored = ApiToken.objects.get(user=intake_user)
    assert token not in {stored.key_hash, stored.prefix}
    assert not ApiToken.objects.filter(key_hash=token).exists()
    assert stored.prefix == token[:8]
    assert _me(api_client, token).status_code == 200


def test_a_token_expires_after_eight_hours(api_client, intake_user):
    token = _token(api_client, intake_user.username)
    assert _me(api_client, token).status_code == 200
    with time_machine.travel(dt.timedelta(hours=8, minutes=1)):
        response = _me(api_client, token)
    assert response.status_code == 401
    assert response.json()["error"]["message"] == "令牌无效或已过期,请重新获取。"


def test_the_lifetime_is_configurable(api_client, intake_user, settings):
    settings.API_TOKEN_TTL_HOURS = 1
    token = _token(api_client, intake_user.username)
    with time_machine.travel(dt.timedelta(minutes=61)):
        assert _me(api_client, token).status_code == 401


def test_a_password_change_ends_the_token(api_client, intake_user):
    token = _token(api_client, intake_user.username)
    intake_user.set_password("Another-Password-2026")
    intake_user.save()
    assert _me(api_client, token).status_code == 401


def test_a_role_change_ends_the_token(api_client, intake_user, monkeypatch):
    token = _token(api_client, intake_user.username)
    monkeypatch.setenv("STAFF_PASSWORD", DEFAULT_PASSWORD)
    call_command("add_staff", intake_user.username, role="officer", unit="150921")
    assert _me(api_client, token).status_code == 401
    assert not ApiToken.objects.filter(user=intake_user).exists()


def test_a_role_change_in_the_admin_ends_the_token(api_client, intake_user):
    from django.contrib.auth.models import Group

    token = _token(api_client, intake_user.username)
    intake_user.groups.add(Group.objects.get(name=Role.SUPERVISOR))
    assert _me(api_client, token).status_code == 401


def test_the_api_logout_ends_the_token(api_client, intake_user):
    token = _token(api_client, intake_user.username)
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert api_client.post("/api/v1/auth/token/revoke/").status_code == 204
    api_client.credentials()
    assert _me(api_client, token).status_code == 401


def test_logging_out_of_the_pages_ends_the_tokens(api_client, client, intake_user):
    token = _token(api_client, intake_user.username)
    client.force_login(intake_user)
    assert client.post("/logout/").status_code == 302
    assert _me(api_client, token).status_code == 401


def test_the_admin_lists_tokens_without_any_secret(api_client, client, admin_user_role, intake_user):
    token = _token(api_client, intake_user.username)
    stored = ApiToken.objects.get(user=intake_user)
    client.force_login(admin_user_role)
    listing = client.get("/admin/accounts/apitoken/")
    detail = client.get(f"/admin/accounts/apitoken/{stored.pk}/change/")
    assert listing.status_code == 200 and detail.status_code == 200
    for page in (listing, detail):
        text = page.content.decode()
        assert token not in text and stored.key_hash not in text
    assert stored.prefix in listing.content.decode()


def test_an_officer_role_holder_keeps_working_with_a_fresh_token(api_client):
    officer = make_staff(Role.OFFICER, "150921", username="tok_officer")
    token = _token(api_client, officer.username)
    assert _me(api_client, token).status_code == 200

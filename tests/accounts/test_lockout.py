"""Brute force on the staff login and the token endpoint (django-axes): lockout per user and per address,
a Chinese lockout page, unlock in the admin; the address is the one TRUSTED_PROXIES allows."""

import pytest
from axes.models import AccessAttempt

from accounts.models import LoginLockout
from tests.factories import DEFAULT_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def _login(client, username, password, address="198.51.100.7", **extra):
    return client.post("/login/", {"username": username, "password": password}, REMOTE_ADDR=address, **extra)


def test_fifty_wrong_passwords_then_the_right_one_is_refused(client):
    UserFactory(username="hao")
    for _n in range(50):
        _login(client, "hao", "wrong-password")
    response = _login(client, "hao", DEFAULT_PASSWORD)
    assert response.status_code == 429
    text = response.content.decode()
    assert "登录失败次数过多" in text and "30分钟" in text
    assert "_auth_user_id" not in client.session


def test_a_locked_user_is_locked_from_another_address_too(client):
    UserFactory(username="hao")
    for n in range(5):
        _login(client, "hao", "wrong", address=f"198.51.100.{n + 1}")
    assert _login(client, "hao", DEFAULT_PASSWORD, address="203.0.113.99").status_code == 429


def test_an_address_guessing_many_users_is_locked_for_every_user(client):
    UserFactory(username="hao")
    for n in range(5):
        _login(client, f"guess{n}", "wrong", address="198.51.100.9")
    assert _login(client, "hao", DEFAULT_PASSWORD, address="198.51.100.9").status_code == 429
    response = _login(client, "hao", DEFAULT_PASSWORD, address="203.0.113.10")
    assert response.status_code == 302


def test_a_forged_forwarded_for_does_not_escape_the_address_lockout(client, settings):
    settings.TRUSTED_PROXIES = ["10.0.0.2"]
    UserFactory(username="hao")
    for n in range(5):
        _login(client, f"guess{n}", "wrong", address="198.51.100.9", HTTP_X_FORWARDED_FOR=f"1.2.3.{n}")
    response = _login(client, "hao", DEFAULT_PASSWORD, address="198.51.100.9", HTTP_X_FORWARDED_FOR="9.9.9.9")
    assert response.status_code == 429


def test_behind_a_trusted_proxy_the_real_client_is_locked_not_the_proxy(client, settings):
    settings.TRUSTED_PROXIES = ["10.0.0.2"]
    UserFactory(username="hao")
    for n in range(5):
        _login(client, f"guess{n}", "wrong", address="10.0.0.2", HTTP_X_FORWARDED_FOR="198.51.100.9")
    assert AccessAttempt.objects.filter(ip_address="198.51.100.9").exists()
    response = _login(client, "hao", DEFAULT_PASSWORD, address="10.0.0.2", HTTP_X_FORWARDED_FOR="203.0.113.5")
    assert response.status_code == 302


def test_the_token_endpoint_locks_out_too_in_the_api_format(api_client):
    UserFactory(username="hao")
    for n in range(5):
        wrong = api_client.post("/api/v1/auth/token/", {"username": "hao", "password": "wrong"}, format="json",
                                REMOTE_ADDR="198.51.100.61")
        assert wrong.status_code == (400 if n < 4 else 429)  # the fifth failure locks
    response = api_client.post("/api/v1/auth/token/", {"username": "hao", "password": DEFAULT_PASSWORD},
                               format="json", REMOTE_ADDR="198.51.100.62")
    assert response.status_code == 429
    assert response.json()["error"]["code"] == "locked_out"
    assert "登录失败次数过多" in response.json()["error"]["message"]
    assert int(response["Retry-After"]) == 30 * 60


def test_an_administrator_unlocks_in_the_admin(client, admin_user_role):
    UserFactory(username="hao")
    for _n in range(5):
        _login(client, "hao", "wrong")
    assert _login(client, "hao", DEFAULT_PASSWORD, address="203.0.113.50").status_code == 429
    admin = client.__class__()
    admin.force_login(admin_user_role)
    listing = admin.get("/admin/accounts/loginlockout/")
    assert listing.status_code == 200
    assert "登录失败锁定" in listing.content.decode() and "hao" in listing.content.decode()
    ids = [str(pk) for pk in LoginLockout.objects.values_list("pk", flat=True)]
    response = admin.post("/admin/accounts/loginlockout/", {"action": "unlock", "_selected_action": ids})
    assert response.status_code == 302
    assert not AccessAttempt.objects.exists()
    assert _login(client, "hao", DEFAULT_PASSWORD, address="203.0.113.50").status_code == 302

"""Sign-in lockout per account across addresses (an attacker rotating addresses), not only per (account, address);
and the court administrator's unlock, scoped to their court and recorded."""

from __future__ import annotations

import uuid

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.core.exceptions import PermissionDenied
from django.test import Client

from accounts.lockout import user_failed_sign_ins, user_lockout_clear
from tests.conftest import PASSWORD, login

LOGIN = "/accounts/login/"


def _post_login(username, password, ip):
    return Client().post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=ip)


def _rotate_guesses(username: str, n: int) -> None:
    """``n`` wrong guesses, each from a new address (fewer than the pair limit per address)."""
    for i in range(n):
        _post_login(username, "guess", ip=f"10.60.{i // 200}.{i % 200 + 1}")


def test_an_attacker_rotating_addresses_locks_the_account_everywhere(org):
    _rotate_guesses("officer", settings.ENF_LOGIN_ACCOUNT_FAILURE_LIMIT)
    assert _post_login("officer", PASSWORD, ip="10.61.0.1").status_code == 429
    # Only that account: a colleague still signs in.
    assert _post_login("colleague", PASSWORD, ip="10.61.0.1").status_code == 302


def test_below_the_account_limit_other_addresses_still_sign_in(org):
    _rotate_guesses("officer", settings.ENF_LOGIN_ACCOUNT_FAILURE_LIMIT - 1)
    assert _post_login("officer", PASSWORD, ip="10.61.0.2").status_code == 302


def test_the_api_sign_in_honours_the_account_lockout(org):
    _rotate_guesses("officer", settings.ENF_LOGIN_ACCOUNT_FAILURE_LIMIT)
    response = Client().post("/api/v1/auth/token/", {"username": "officer", "password": PASSWORD},
                             content_type="application/json", REMOTE_ADDR="10.61.0.3")
    assert response.status_code in (400, 403, 429) and "token" not in response.json()


def _changelist_action(client, *users):
    return client.post("/admin/accounts/user/", {"action": "unlock_sign_in",
                                                 "_selected_action": [u.pk for u in users]})


def test_the_court_administrator_unlocks_a_locked_user_and_it_is_recorded(client, org):
    _rotate_guesses("officer", settings.ENF_LOGIN_ACCOUNT_FAILURE_LIMIT)
    assert _post_login("officer", PASSWORD, ip="10.61.0.4").status_code == 429
    assert user_failed_sign_ins(user=org.officer) >= settings.ENF_LOGIN_ACCOUNT_FAILURE_LIMIT
    login(client, org.court_admin)
    response = _changelist_action(client, org.officer)
    assert response.status_code == 302
    assert not AccessAttempt.objects.filter(username="officer").exists()
    assert _post_login("officer", PASSWORD, ip="10.61.0.4").status_code == 302
    entry = LogEntry.objects.get(user=org.court_admin, object_id=str(org.officer.pk))
    assert "登录锁定" in entry.change_message or "lockout" in entry.change_message


def test_the_court_administrator_cannot_unlock_a_user_of_another_court(client, org):
    _rotate_guesses("outsider", settings.ENF_LOGIN_ACCOUNT_FAILURE_LIMIT)
    login(client, org.court_admin)
    _changelist_action(client, org.outsider)  # not in the admin's list: Django ignores the selection
    assert AccessAttempt.objects.filter(username="outsider").exists()
    with pytest.raises(PermissionDenied):
        user_lockout_clear(actor=org.court_admin, user=org.outsider)
    assert AccessAttempt.objects.filter(username="outsider").exists()
    assert not LogEntry.objects.filter(object_id=str(org.outsider.pk)).exists()


def test_a_user_without_the_administrator_role_cannot_unlock(org):
    _rotate_guesses("colleague", 3)
    with pytest.raises(PermissionDenied):
        user_lockout_clear(actor=org.chief, user=org.colleague)
    assert AccessAttempt.objects.filter(username="colleague").exists()


def test_a_successful_api_sign_in_resets_the_failure_count_and_records_the_sign_in(org):
    n = uuid.uuid4().int
    address = f"10.62.{n % 250}.{n // 250 % 250 + 1}"  # a fresh address: the API's own throttle counts in Redis

    def api_sign_in(password):
        return Client().post("/api/v1/auth/token/", {"username": "officer", "password": password},
                             content_type="application/json", REMOTE_ADDR=address)

    for _ in range(settings.ENF_LOGIN_PAIR_FAILURE_LIMIT - 1):
        assert api_sign_in("guess").status_code == 400
    assert api_sign_in(PASSWORD).status_code == 200
    for _ in range(settings.ENF_LOGIN_PAIR_FAILURE_LIMIT - 1):
        api_sign_in("guess")
    assert api_sign_in(PASSWORD).status_code == 200
    org.officer.refresh_from_db()
    assert org.officer.last_login is not None

"""API tokens (django-rest-knox): they expire, one per device, listed and revoked by their owner through the API and
on the settings page, revoked on API sign-out and whenever the password changes (page, admin, changepassword)."""

from __future__ import annotations

import itertools
from datetime import timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.test import Client, override_settings
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from accounts.models import ApiToken
from tests.conftest import PASSWORD, login

TOKEN_URL = "/api/v1/auth/token/"
_addresses = (f"10.41.{i // 250}.{i % 250 + 1}" for i in itertools.count(int(timezone.now().timestamp()) % 5000))


def sign_in(username="officer", device=None, password=PASSWORD):
    """Sign in over the API from a fresh address (the sign-in throttle counts per address, in Redis)."""
    body = {"username": username, "password": password}
    if device is not None:
        body["device"] = device
    return Client().post(TOKEN_URL, body, content_type="application/json", REMOTE_ADDR=next(_addresses),
                         HTTP_USER_AGENT="court-app/1.0")


def api(token: str) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Token {token}")


def test_a_token_expires_after_its_lifetime_and_use_does_not_extend_it(org, settings):
    response = sign_in(device="office PC")
    assert response.status_code == 200
    body = response.json()
    expiry = parse_datetime(body["expiry"])
    assert body["device"] == "office PC"
    assert timedelta(hours=settings.API_TOKEN_TTL_HOURS - 0.1) < expiry - timezone.now() \
        <= timedelta(hours=settings.API_TOKEN_TTL_HOURS)
    client = api(body["token"])
    with time_machine.travel(timezone.now() + timedelta(hours=settings.API_TOKEN_TTL_HOURS - 1)):
        assert client.get("/api/v1/me/").status_code == 200
    with time_machine.travel(expiry + timedelta(minutes=1)):
        assert client.get("/api/v1/me/").status_code == 401
    assert not ApiToken.objects.filter(user=org.officer).exists()  # the expired token is deleted on sight


def test_only_a_hash_of_the_token_is_stored(org):
    token = sign_in().json()["token"]
    row = ApiToken.objects.get(user=org.officer)
    assert token not in (row.digest, row.token_key) and len(row.digest) == 128


def test_each_device_holds_its_own_token_and_signing_in_again_replaces_it(org):
    phone = sign_in(device="phone").json()["token"]
    pc = sign_in(device="office PC").json()["token"]
    assert api(phone).get("/api/v1/me/").status_code == 200
    assert api(pc).get("/api/v1/me/").status_code == 200
    phone_again = sign_in(device="phone").json()["token"]
    assert api(phone).get("/api/v1/me/").status_code == 401
    assert api(phone_again).get("/api/v1/me/").status_code == 200
    assert api(pc).get("/api/v1/me/").status_code == 200
    assert sorted(ApiToken.objects.filter(user=org.officer).values_list("device", flat=True)) == ["office PC", "phone"]


@override_settings(API_TOKEN_MAX_PER_USER=2)
def test_beyond_the_limit_per_user_the_oldest_token_goes(org):
    first, second, third = (sign_in().json()["token"] for _ in range(3))
    assert api(first).get("/api/v1/me/").status_code == 401
    assert api(second).get("/api/v1/me/").status_code == 200 and api(third).get("/api/v1/me/").status_code == 200


def test_the_user_lists_their_tokens_with_device_expiry_and_last_use(org):
    sign_in(device="phone")
    token = sign_in(device="office PC").json()["token"]
    sign_in(username="colleague", device="theirs")
    listed = api(token).get("/api/v1/auth/tokens/").json()
    assert [t["device"] for t in listed] == ["office PC", "phone"]
    current = listed[0]
    assert current["current"] is True and listed[1]["current"] is False
    assert current["user_agent"] == "court-app/1.0"
    assert parse_datetime(current["expiry"]) > parse_datetime(current["created"])
    assert current["last_used"] is not None and listed[1]["last_used"] is None
    assert token.startswith(current["key"])


def test_revoke_one_token_but_never_another_users(org):
    mine = sign_in(device="phone").json()["token"]
    other = sign_in(device="pc").json()["token"]
    theirs = sign_in(username="colleague").json()["token"]
    their_key = ApiToken.objects.get(user=org.colleague).token_key
    client = api(mine)
    assert client.delete(f"/api/v1/auth/tokens/{their_key}/").status_code == 404
    assert api(theirs).get("/api/v1/me/").status_code == 200
    other_key = ApiToken.objects.get(user=org.officer, device="pc").token_key
    assert client.delete(f"/api/v1/auth/tokens/{other_key}/").status_code == 204
    assert api(other).get("/api/v1/me/").status_code == 401
    assert client.get("/api/v1/me/").status_code == 200


def test_revoke_all_signs_every_device_out(org):
    tokens = [sign_in(device=d).json()["token"] for d in ("a", "b", "c")]
    theirs = sign_in(username="colleague").json()["token"]
    assert api(tokens[0]).delete("/api/v1/auth/tokens/").status_code == 204
    assert all(api(t).get("/api/v1/me/").status_code == 401 for t in tokens)
    assert api(theirs).get("/api/v1/me/").status_code == 200


def test_api_sign_out_revokes_only_the_token_used(org):
    phone = sign_in(device="phone").json()["token"]
    pc = sign_in(device="pc").json()["token"]
    assert api(phone).delete("/api/v1/auth/token/revoke/").status_code == 204
    assert api(phone).get("/api/v1/me/").status_code == 401
    assert api(pc).get("/api/v1/me/").status_code == 200


def test_api_sign_out_without_a_token_says_so(client, org):
    sign_in()
    login(client, org.officer)
    response = client.delete("/api/v1/auth/token/revoke/")
    assert response.status_code == 400 and "non_field_errors" in response.json()
    assert ApiToken.objects.filter(user=org.officer).count() == 1


def test_signing_out_of_the_web_keeps_the_other_devices_tokens(client, org):
    """A decision (docs/configuration.md): the browser's sign-out ends that browser's session only; API tokens
    belong to other devices and are revoked by API sign-out, on the tokens page or by a password change."""
    token = sign_in(device="phone").json()["token"]
    login(client, org.officer)
    client.post("/accounts/logout/")
    assert api(token).get("/api/v1/me/").status_code == 200


def test_changing_the_password_on_the_page_revokes_every_token(client, org):
    tokens = [sign_in(device=d).json()["token"] for d in ("a", "b")]
    theirs = sign_in(username="colleague").json()["token"]
    login(client, org.officer)
    done = client.post("/accounts/password/", {"old_password": PASSWORD, "new_password1": "Quite-long-pass-42",
                                               "new_password2": "Quite-long-pass-42"})
    assert done.status_code == 302
    assert all(api(t).get("/api/v1/me/").status_code == 401 for t in tokens)
    assert api(theirs).get("/api/v1/me/").status_code == 200


def test_a_failed_password_change_keeps_the_tokens(client, org):
    token = sign_in().json()["token"]
    login(client, org.officer)
    page = client.post("/accounts/password/", {"old_password": "wrong", "new_password1": "Quite-long-pass-42",
                                               "new_password2": "Quite-long-pass-42"})
    assert page.status_code == 200
    assert api(token).get("/api/v1/me/").status_code == 200


def test_the_court_administrator_setting_a_password_in_the_admin_revokes_every_token(client, org):
    token = sign_in().json()["token"]
    login(client, org.court_admin)
    response = client.post(f"/admin/accounts/user/{org.officer.pk}/password/",
                           {"password1": "Quite-long-pass-42", "password2": "Quite-long-pass-42"})
    assert response.status_code == 302, response.content.decode()[:500]
    org.officer.refresh_from_db()
    assert org.officer.check_password("Quite-long-pass-42")
    assert api(token).get("/api/v1/me/").status_code == 401


def test_changepassword_command_revokes_every_token(org, monkeypatch):
    token = sign_in().json()["token"]
    monkeypatch.setattr("getpass.getpass", lambda prompt="": "Quite-long-pass-42")
    call_command("changepassword", "officer")
    assert api(token).get("/api/v1/me/").status_code == 401


def test_an_inactive_users_token_is_refused(org):
    token = sign_in().json()["token"]
    org.officer.is_active = False
    org.officer.save(update_fields=["is_active"])
    assert api(token).get("/api/v1/me/").status_code == 401


def test_sign_in_refuses_bad_input_naming_the_field(org):
    too_long = Client().post(TOKEN_URL, {"username": "officer", "password": PASSWORD, "device": "x" * 101},
                             content_type="application/json", REMOTE_ADDR=next(_addresses))
    assert too_long.status_code == 400 and "device" in too_long.json()
    wrong_type = Client().post(TOKEN_URL, {"username": "officer", "password": PASSWORD, "device": ["a"]},
                               content_type="application/json", REMOTE_ADDR=next(_addresses))
    assert wrong_type.status_code == 400 and "device" in wrong_type.json()
    assert not ApiToken.objects.exists()


# --- The page in the user's own settings ---------------------------------------------------------------------------

def test_the_tokens_page_lists_my_tokens_in_chinese_and_revokes_one(client, org):
    phone = sign_in(device="我的手机").json()["token"]
    pc = sign_in(device="办公电脑").json()["token"]
    sign_in(username="colleague", device="同事的电脑")
    login(client, org.officer)
    page = client.get("/accounts/tokens/")
    text = page.content.decode()
    assert page.status_code == 200
    assert "API 令牌" in text and "我的手机" in text and "办公电脑" in text and "同事的电脑" not in text
    assert "吊销" in text
    key = ApiToken.objects.get(user=org.officer, device="我的手机").token_key
    assert client.get(f"/accounts/tokens/{key}/revoke/").status_code == 405
    response = client.post(f"/accounts/tokens/{key}/revoke/")
    assert response.status_code == 302
    assert api(phone).get("/api/v1/me/").status_code == 401
    assert api(pc).get("/api/v1/me/").status_code == 200


def test_the_tokens_page_cannot_revoke_another_users_token(client, org):
    theirs = sign_in(username="colleague").json()["token"]
    key = ApiToken.objects.get(user=org.colleague).token_key
    login(client, org.officer)
    assert client.post(f"/accounts/tokens/{key}/revoke/").status_code == 404
    assert api(theirs).get("/api/v1/me/").status_code == 200


def test_the_tokens_page_revokes_all(client, org):
    tokens = [sign_in(device=d).json()["token"] for d in ("a", "b")]
    login(client, org.officer)
    assert client.post("/accounts/tokens/revoke-all/").status_code == 302
    assert all(api(t).get("/api/v1/me/").status_code == 401 for t in tokens)


def test_the_tokens_page_needs_a_signed_in_user(client, db):
    response = client.get("/accounts/tokens/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_old_never_expiring_token_table_is_gone(db):
    from django.db import connection

    assert "authtoken_token" not in connection.introspection.table_names()


@pytest.mark.django_db(transaction=True)
def test_concurrent_sign_ins_of_one_device_leave_one_token(org_committed):
    """A double-clicked sign-in (or a client retrying) must not leave two live tokens for one device."""
    from concurrent.futures import ThreadPoolExecutor

    from django.db import connection

    from accounts.tokens import api_token_create

    def create(_i):
        try:
            return api_token_create(user=org_committed.officer, device="phone")[1]
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=6) as pool:
        tokens = list(pool.map(create, range(12)))
    assert ApiToken.objects.filter(user=org_committed.officer, device="phone").count() == 1
    assert sum(api(t).get("/api/v1/me/").status_code == 200 for t in tokens) == 1

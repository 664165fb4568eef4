"""Sign-in, sign-out, password change, throttling, CSRF and API tokens."""

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import ApiToken

from tests.conftest import PASSWORD, login

LOGIN = "/accounts/login/"


def _post_login(client, username, password, ip="10.1.1.1"):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=ip)


def test_login_page_is_chinese_by_default(client, db):
    page = client.get(LOGIN)
    assert page.status_code == 200
    text = page.content.decode()
    assert "登录" in text and 'lang="zh-CN"' in text


def test_login_page_in_english_when_chosen(client, db):
    client.post("/i18n/setlang/", {"language": "en", "next": LOGIN})
    assert "Sign in" in client.get(LOGIN).content.decode()


def test_officer_signs_in_and_sees_the_role_navigation(client, org):
    response = _post_login(client, "officer", PASSWORD)
    assert response.status_code == 302 and response["Location"] == reverse("core:home")
    home = client.get(reverse("core:home")).content.decode()
    assert "郑强" in home
    assert 'id="role-nav"' in home
    assert "/admin/" not in home  # not a court administrator


def test_wrong_password_gets_a_clear_error(client, org):
    page = _post_login(client, "officer", "wrong-password")
    assert page.status_code == 200
    assert "用户名或密码错误" in page.content.decode()


def test_throttling_locks_the_guessed_account_from_that_address_only(client, org):
    for _ in range(5):
        _post_login(client, "officer", "guess", ip="10.9.9.9")
    locked = _post_login(client, "officer", PASSWORD, ip="10.9.9.9")
    assert locked.status_code == 429
    # The same account from another address, and a colleague behind the same address, still get in.
    assert _post_login(Client(), "officer", PASSWORD, ip="10.9.9.10").status_code == 302
    assert _post_login(Client(), "colleague", PASSWORD, ip="10.9.9.9").status_code == 302


def test_successful_sign_in_resets_the_failure_count(client, org):
    for _ in range(4):
        _post_login(client, "officer", "guess")
    assert _post_login(client, "officer", PASSWORD).status_code == 302
    client.logout()
    for _ in range(4):
        _post_login(client, "officer", "guess")
    assert _post_login(client, "officer", PASSWORD).status_code == 302


def test_forms_require_a_csrf_token(org):
    strict = Client(enforce_csrf_checks=True)
    assert strict.post(LOGIN, {"username": "officer", "password": PASSWORD}).status_code == 403
    strict.force_login(org.officer)
    assert strict.post(reverse("accounts:logout")).status_code == 403


def test_sign_out_is_a_post(client, org):
    login(client, org.officer)
    assert client.post(reverse("accounts:logout")).status_code == 302
    assert client.get(reverse("core:home")).status_code == 302  # back to the sign-in page


def test_pages_need_a_signed_in_user(client, db):
    response = client.get(reverse("core:home"))
    assert response.status_code == 302 and response["Location"].startswith(LOGIN)


def test_password_change_enforces_validators(client, org):
    login(client, org.officer)
    page = client.post(reverse("accounts:password_change"),
                       {"old_password": PASSWORD, "new_password1": "123", "new_password2": "123"})
    assert page.status_code == 200 and "new_password2" in page.context["form"].errors
    done = client.post(reverse("accounts:password_change"),
                       {"old_password": PASSWORD, "new_password1": "Quite-long-pass-42", "new_password2": "Quite-long-pass-42"})
    assert done.status_code == 302
    org.officer.refresh_from_db()
    assert org.officer.check_password("Quite-long-pass-42")


def test_api_refuses_a_request_without_a_token(client, org):
    response = client.get("/api/v1/me/")
    assert response.status_code == 401


def test_api_token_sign_in_use_and_revoke(client, org):
    bad = client.post("/api/v1/auth/token/", {"username": "officer", "password": "nope"},
                      content_type="application/json")
    assert bad.status_code == 400 and "password" in bad.json()
    missing = client.post("/api/v1/auth/token/", {"username": "officer"}, content_type="application/json")
    assert missing.status_code == 400 and "password" in missing.json()
    ok = client.post("/api/v1/auth/token/", {"username": "officer", "password": PASSWORD},
                     content_type="application/json", REMOTE_ADDR="10.2.2.2")
    assert ok.status_code == 200
    token = ok.json()["token"]
    api = Client(HTTP_AUTHORIZATION=f"Token {token}")
    me = api.get("/api/v1/me/").json()
    assert me["username"] == "officer" and "case.act" in me["permissions"] and "court.admin" not in me["permissions"]
    assert api.delete("/api/v1/auth/token/revoke/").status_code == 204
    assert not ApiToken.objects.filter(user=org.officer).exists()
    assert api.get("/api/v1/me/").status_code == 401


@pytest.mark.parametrize("username,visible", [("courtadmin", True), ("officer", False), ("chief", False)])
def test_admin_is_for_court_administrators(client, org, username, visible):
    user = getattr(org, {"courtadmin": "court_admin"}.get(username, username))
    user.is_staff = True
    user.save()
    login(client, user)
    response = client.get("/admin/accounts/user/")
    assert (response.status_code == 200) is visible


def test_court_admin_sees_only_their_courts_users(client, org):
    login(client, org.court_admin)
    page = client.get("/admin/accounts/user/").content.decode()
    assert "officer" in page and "outsider" not in page

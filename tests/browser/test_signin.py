"""A person signs in with a real browser and sees their role's navigation, on a desktop and on a phone."""

import pytest

from tests.conftest import PASSWORD

from .conftest import DESKTOP, PHONE, shot, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_officer_signs_in_and_sees_officer_navigation(new_page, org_committed):
    page = new_page(DESKTOP)
    sign_in(page, "officer", PASSWORD)
    nav = page.inner_text("#role-nav")
    assert "工作台" in nav
    assert "看板" not in nav and "系统管理" not in nav
    assert "郑强" in page.inner_text("#user-menu")
    shot(page, "officer-home-desktop")


def test_chief_sees_dashboard_entries(new_page, org_committed):
    page = new_page(DESKTOP)
    sign_in(page, "chief", PASSWORD)
    assert "王建国" in page.inner_text("#user-menu")
    assert "系统管理" not in page.inner_text("#role-nav")
    shot(page, "chief-home-desktop")


def test_phone_layout_collapses_the_menu_and_opens_it(new_page, org_committed):
    page = new_page(PHONE, is_mobile=True)
    sign_in(page, "officer", PASSWORD)
    toggler = page.locator(".navbar-toggler")
    assert toggler.is_visible()
    assert not page.locator("#role-nav").is_visible()
    toggler.click()
    page.wait_for_selector("#role-nav", state="visible")
    shot(page, "officer-home-phone")


def test_wrong_password_shows_a_chinese_error(new_page, org_committed):
    page = new_page(DESKTOP)
    page.goto("/accounts/login/")
    page.fill("#id_username", "officer")
    page.fill("#id_password", "wrong-password")
    page.click("#login-form button[type=submit]")
    assert "用户名或密码错误" in page.inner_text(".alert-danger")


def test_switching_to_english(new_page, org_committed):
    page = new_page(DESKTOP)
    sign_in(page, "officer", PASSWORD)
    page.click("#user-menu")
    page.click("button[name=language][value=en]")
    page.wait_for_selector("text=Workbench")
    assert "Sign out" in page.content()

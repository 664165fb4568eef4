"""The court administrator's day in a real browser: signs in and sees on the workbench that the court's president's
name is not set (the 限制消费令 and the 失信 decision wait for it), follows the link and fills it in, sees the warning
gone, and approves a role change another administrator asked for. Each step checks the Chinese the administrator
sees (no English UI word, tests/i18n) and is screenshotted."""

from __future__ import annotations

import pytest

from tests.conftest import PASSWORD, make_user
from tests.i18n.test_pages_read_chinese import english_words, visible_text

from .conftest import DESKTOP, PHONE, shot, sign_in
from .days import assert_no_horizontal_scroll, go_nav

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PRESIDENT_MISSING = "院长姓名未设置：请法院管理员在“法院设置”中填写“院长姓名”"


def assert_chinese(page) -> None:
    text = visible_text(page.content())
    lines = [line for line in text.splitlines() if english_words(line)]
    assert not lines, f"{page.url} shows English UI words: {lines}"


@pytest.fixture
def court(org_committed):
    """The test court with everything its documents need except the president's name, and a role change another
    court administrator asked for: 陈刚 (an officer) is to work as a clerk too."""
    from accounts.models import Court, Role
    from accounts.services import role_change_request

    org = org_committed
    Court.objects.filter(pk=org.court.pk).update(phone="0938-2700000")
    other_admin = make_user("courtadmin2", org.court, [Role.COURT_ADMIN], is_staff=True, full_name="高文静")
    role_change_request(actor=other_admin, user=org.colleague, new_roles=[Role.OFFICER, Role.CLERK],
                        reason="内勤人员休产假，临时兼任书记员")
    return org


def test_court_admin_fills_in_the_missing_setting_and_approves_a_role_change(new_page, court):
    from core.models import CourtSetting

    page = new_page(DESKTOP)
    sign_in(page, "courtadmin", PASSWORD)

    # 1. The workbench warns: one setting is missing, in words, with the documents that wait for it.
    banner = page.locator("#court-setup-warnings")
    text = banner.inner_text()
    assert "本院设置尚不完整：有1项需要处理" in text, text
    assert PRESIDENT_MISSING in text and "限制消费令" in text and "纳入失信被执行人名单决定书" in text
    assert "president_name" not in text
    assert_chinese(page)
    shot(page, "admin-01-workbench-settings-warning")

    # 2. The link opens the court-setting form with the setting chosen; the name is typed as it is.
    with page.expect_navigation():
        banner.get_by_role("link", name="去填写").click()
    assert page.locator("#id_key option:checked").inner_text() == "院长姓名（president_name）"
    assert page.locator("#id_court option:checked").inner_text() == court.court.name
    page.fill("#id_value", "杨志远")
    assert_chinese(page)
    shot(page, "admin-02-fill-in-president")
    with page.expect_navigation():
        page.click("input[name=_save]")
    messages = page.locator(".messagelist").inner_text()
    assert "天水市麦积区人民法院的文书所需设置已齐全。" in messages, messages
    assert CourtSetting.objects.get(court=court.court, key="president_name").value == "杨志远"
    listing = page.locator("#result_list").inner_text()
    assert "院长姓名（president_name）" in listing and "杨志远" in listing
    assert_chinese(page)
    shot(page, "admin-03-setting-saved")

    # 3. Back on the workbench the warning is gone.
    page.goto("/")
    assert page.locator("#court-setup-warnings").count() == 0
    assert "李明远" in page.inner_text("h1")
    shot(page, "admin-04-workbench-complete")

    # 4. The role change another administrator asked for: approved by this one (never by the one who asked).
    go_nav(page, "accounts:role_changes")
    card = page.locator("[id^=role-change-]", has_text="陈刚")
    card_text = card.inner_text()
    assert "执行员" in card_text and "书记员" in card_text and "临时兼任书记员" in card_text, card_text
    assert_chinese(page)
    shot(page, "admin-05-role-change-pending")
    with page.expect_navigation():
        card.get_by_role("button", name="批准").click()
    alerts = " ".join(page.locator(".messages .alert").all_inner_texts())
    assert "角色变更已批准" in alerts, alerts
    assert "没有待审批的角色变更。" in page.inner_text("main")
    court.colleague.refresh_from_db()
    assert set(court.colleague.roles) == {"officer", "clerk"}
    assert_chinese(page)
    shot(page, "admin-06-role-change-approved")


def test_court_admin_sees_the_warning_on_a_phone(new_page, court):
    page = new_page(PHONE, is_mobile=True)
    sign_in(page, "courtadmin", PASSWORD)
    assert PRESIDENT_MISSING in page.locator("#court-setup-warnings").inner_text()
    assert_no_horizontal_scroll(page)
    shot(page, "admin-07-workbench-warning-phone")

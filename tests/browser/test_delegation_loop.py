"""A delegation goes from one demo court to the other and comes back: the officer at 甘0503 sends an investigation
with a paper; the clerk at 甘0502 sees it on the home page, accepts it and assigns it to the team and officer; that
officer replies with the result; the reply is on the 甘0503 case's timeline. The receiving court works on a phone
(390 px, no sideways scroll), the sending court on a desktop (1366 px)."""

from __future__ import annotations

import re

import pytest

from accounts.models import Role
from tests import conftest as root_conftest
from tests.conftest import PASSWORD, make_user

from .conftest import DESKTOP, shot, sign_in
from .days import PHONE_DEVICE, alerts, assert_no_horizontal_scroll

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
RESULT = "经查，被执行人在秦州区名下有住宅一套，无登记车辆"


def _context(browser, live_server, device):
    options = PHONE_DEVICE if device == "phone" else {"viewport": DESKTOP}
    context = browser.new_context(**options, locale="zh-CN", base_url=live_server.url)
    page = context.new_page()
    page.set_default_timeout(20000)
    return context, page


def test_a_delegation_goes_to_the_other_court_and_comes_back(browser, live_server, org_committed):
    from delegation.models import Delegation

    org = org_committed
    case = root_conftest.make_case.__wrapped__(org)()
    make_user("otherclerk", org.other_court, [Role.CLERK], full_name="周敏")

    # 1. 甘0503: the officer drafts the request from the case (desktop) and sends it.
    context, page = _context(browser, live_server, "desktop")
    try:
        sign_in(page, "officer", PASSWORD)
        page.goto(f"/cases/{case.pk}/?tab=delegation")
        with page.expect_navigation():
            page.click("#delegation-new")
        page.select_option("#id_kind", "investigate")
        page.select_option("#id_receiving_court", str(org.other_court.pk))
        page.fill("#id_instructions", "请协助调查被执行人在秦州区名下的不动产及车辆登记情况")
        page.set_input_files("#id_papers", files=[{"name": "生效判决书.pdf", "mimeType": "application/pdf",
                                                  "buffer": PDF}])
        shot(page, "delegation-01-new-desktop")
        with page.expect_navigation():
            page.click("#delegation-form button[type=submit]")
        assert "草稿已保存" in alerts(page)
        with page.expect_navigation():
            page.click("#send-form button")
        assert page.get_attribute("#delegation-status", "data-status") == "sent"
        assert "生效判决书.pdf" in page.inner_text("#request-papers")
        number = Delegation.objects.get().number
        assert number in page.inner_text("h1")
        shot(page, "delegation-02-sent-desktop")
    finally:
        context.close()

    # 2. 甘0502: the clerk (phone) finds it on the home page, accepts it and assigns it.
    context, page = _context(browser, live_server, "phone")
    try:
        sign_in(page, "otherclerk", PASSWORD)
        tile = page.locator("[data-tile=delegation_waiting]")
        assert tile.locator("[data-count]").inner_text().strip() == "1"
        shot(page, "delegation-03-home-tile-phone")
        with page.expect_navigation():
            tile.click()
        assert_no_horizontal_scroll(page)
        shot(page, "delegation-04-incoming-list-phone")
        with page.expect_navigation():
            page.click(f"#delegation-list a:has-text('{number}')")
        assert_no_horizontal_scroll(page)
        assert case.number in page.content() and f"/cases/{case.pk}/" not in page.content()
        page.select_option("#id_accept-team", str(org.foreign_team.pk))
        page.select_option("#id_accept-officer", str(org.outsider.pk))
        shot(page, "delegation-05-accept-phone")
        with page.expect_navigation():
            page.click("#accept-form button")
        assert page.get_attribute("#delegation-status", "data-status") == "accepted"
        assert "何平" in page.inner_text("#delegation-assigned")
        assert_no_horizontal_scroll(page)
    finally:
        context.close()

    # 3. 甘0502: the assigned officer (phone) replies with the result.
    context, page = _context(browser, live_server, "phone")
    try:
        sign_in(page, "outsider", PASSWORD)
        page.goto("/delegation/?box=incoming")
        with page.expect_navigation():
            page.click(f"#delegation-list a:has-text('{number}')")
        page.select_option("#id_reply-outcome", "done")
        page.fill("#id_reply-result", RESULT)
        page.set_input_files("#id_reply-papers", files=[{"name": "调查笔录.pdf", "mimeType": "application/pdf",
                                                        "buffer": PDF}])
        assert_no_horizontal_scroll(page)
        shot(page, "delegation-06-reply-phone")
        with page.expect_navigation():
            page.click("#reply-form button")
        assert page.get_attribute("#delegation-status", "data-status") == "answered"
        assert RESULT in page.inner_text("#delegation-result")
        assert_no_horizontal_scroll(page)
        shot(page, "delegation-07-answered-phone")
    finally:
        context.close()

    # 4. 甘0503: the reply is on the case's timeline; the officer closes the delegation.
    context, page = _context(browser, live_server, "desktop")
    try:
        sign_in(page, "officer", PASSWORD)
        page.goto(f"/cases/{case.pk}/")
        timeline = page.inner_text("#timeline")
        assert re.search(rf"{re.escape(number)}.*秦州区人民法院.*{RESULT}", timeline), timeline
        shot(page, "delegation-08-timeline-desktop")
        page.goto(f"/cases/{case.pk}/?tab=delegation")
        shot(page, "delegation-09-case-tab-desktop")
        with page.expect_navigation():
            page.click(f"#delegation-tab a:has-text('{number}')")
        with page.expect_navigation():
            page.click("#close-form button")
        assert page.get_attribute("#delegation-status", "data-status") == "closed"
        shot(page, "delegation-10-closed-desktop")
    finally:
        context.close()

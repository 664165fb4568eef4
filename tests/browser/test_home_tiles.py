"""The home page's to-do tiles in Chromium, at 1366 and 390 px: an officer's and a chief's, each tile's number the
count of the page it opens; deadlines computed on commit (no scan run)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from tests import conftest as root_conftest
from tests.conftest import PASSWORD

from .conftest import DESKTOP, PHONE, shot, sign_in
from .days import assert_no_horizontal_scroll

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def work(org_committed):
    from cases.services.closures import closure_request
    from cases.services.leads import lead_register

    org = org_committed
    today = timezone.localdate()
    make = root_conftest.make_case.__wrapped__(org)
    late = [make(received_on=today - timedelta(days=23 + i), filed_on=today - timedelta(days=22 + i))
            for i in range(2)]
    fresh = make(received_on=today - timedelta(days=1), filed_on=today)
    lead_register(actor=org.officer, case=fresh, description="申请人称被执行人名下有车辆")
    closure_request(actor=org.officer, case=late[1], mode="terminated", ground="applicant_withdrew",
                    reason="申请执行人撤回执行申请")
    return org


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1366", "390"])
@pytest.mark.parametrize("who", ["officer", "chief"])
def test_tiles_open_the_pages_they_count(new_page, work, who, viewport):
    user = getattr(work, who)
    page = new_page(viewport, is_mobile=viewport is PHONE)
    sign_in(page, user.username, PASSWORD)
    page.goto("/")
    page.wait_for_selector("#todo-tiles")
    shot(page, f"home-tiles-{who}-{viewport['width']}")
    if viewport is PHONE:
        assert_no_horizontal_scroll(page)
    key = "mine_overdue" if who == "officer" else "bureau_overdue"
    tile = page.locator(f'[data-tile="{key}"]')
    number = int(tile.locator("[data-count]").inner_text())
    assert number >= 2  # the two late cases' notice deadlines, computed on commit
    if viewport is DESKTOP:
        badge = page.locator(f'[data-nav="deadlines:{"mine" if who == "officer" else "overdue"}"] .nav-overdue-badge')
        assert int(badge.inner_text()) == number
    tile.click()
    page.wait_for_load_state()
    rows = page.locator("tr.dl-row")
    if who == "officer":
        assert int(page.locator("#dl-overdue-count").inner_text()) == number
    else:
        assert int(page.locator("#dl-overdue-total").inner_text()) == number
    assert rows.count() == number
    shot(page, f"home-tiles-{who}-{viewport['width']}-list")

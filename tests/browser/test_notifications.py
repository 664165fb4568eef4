"""An officer with more new reminders than one scan notifies one by one opens the notifications on a phone: the most
urgent ones each with its case, one notification counting the rest, and its link to "my deadlines"."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from tests import conftest as root_conftest
from tests.conftest import PASSWORD

from .conftest import shot, sign_in
from .days import PHONE_DEVICE, assert_no_horizontal_scroll, open_nav

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def overdue_cases(org_committed, settings):
    """Four cases whose notice deadlines lapsed 8 to 11 days ago, scanned with two items a recipient."""
    from deadlines.services import deadlines_scan

    settings.DEADLINES_NOTIFY_MAX_ITEMS = 2
    today = timezone.localdate()
    make = root_conftest.make_case.__wrapped__(org_committed)
    cases = [make(received_on=today - timedelta(days=23 + i), filed_on=today - timedelta(days=22 + i))
             for i in range(4)]
    deadlines_scan(today=today)
    return cases


def test_officer_reads_the_most_urgent_reminders_and_the_count_of_the_rest(browser, live_server, overdue_cases):
    from deadlines.models import Notification, Reminder

    officer = overdue_cases[0].officer
    total = Reminder.objects.filter(recipient=officer).count()
    assert total >= 4
    context = browser.new_context(**PHONE_DEVICE, locale="zh-CN", base_url=live_server.url)
    try:
        page = context.new_page()
        page.set_default_timeout(15000)
        sign_in(page, "officer", PASSWORD)
        open_nav(page)
        page.wait_for_selector("#mainnav.show")  # the menu's opening transition is over: the link stays put
        assert page.inner_text("#unread-count") == "3"  # two reminders and the summary
        with page.expect_navigation():
            page.click("#notif-link")
        rows = page.locator("#dl-notifications li")
        assert rows.count() == 3
        # the most urgent first (the earliest due date, then the deadline), the count last
        urgent = Reminder.objects.filter(recipient=officer).order_by("due_on", "deadline_id")[:2]
        for row, reminder in zip((rows.nth(0), rows.nth(1)), urgent, strict=True):
            text = row.inner_text()
            assert reminder.deadline.case.number in text and reminder.due_on.isoformat() in text
        assert urgent[0].due_on < Reminder.objects.filter(recipient=officer).order_by("-due_on")[0].due_on
        last = rows.nth(2).inner_text()
        assert f"另有{total - 2}项期限提醒" in last and "打开期限页面" in last
        assert_no_horizontal_scroll(page)
        shot(page, "notifications-summary-phone")
        page.click("#dl-notifications li >> nth=2 >> a.dl-note-more")
        page.wait_for_url("**/deadlines/")
        assert page.inner_text("h1") == "我的期限"
        summary = Notification.objects.get(recipient=officer, more__gt=0)
        assert summary.more == total - 2 and summary.read_at is None  # following the link does not mark it read
    finally:
        context.close()

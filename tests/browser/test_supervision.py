"""Supervision and command in the browser: a chief opens a supervision order, the reply date passes (time travel),
the hourly escalation runs, the chief sees it on the home tile and in the notifications, the officer answers late
on a phone, the chief accepts and closes it. And a dispatch confirmed and reported back on a 390 px phone page."""

from __future__ import annotations

import re
import shutil
from datetime import timedelta
from pathlib import Path

import pytest
import time_machine
from django.utils import timezone

from tests import conftest as root_conftest
from tests.conftest import PASSWORD

from .conftest import DESKTOP, shot, sign_in
from .days import PHONE_DEVICE, assert_no_horizontal_scroll

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path("/work/wt/shots/h7")


def _keep(path: Path) -> None:
    try:
        SHOTS.mkdir(parents=True, exist_ok=True)
        shutil.copy(path, SHOTS / path.name)
    except OSError:  # outside the development machine
        pass


def _tile(page, key: str) -> int:
    return int(page.locator(f'[data-tile="{key}"] [data-count]').inner_text())


def _context(browser, live_server, phone=False):
    kw = PHONE_DEVICE if phone else {"viewport": DESKTOP}
    context = browser.new_context(**kw, locale="zh-CN", base_url=live_server.url)
    page = context.new_page()
    page.set_default_timeout(15000)
    return context, page


def test_supervision_order_answered_late_escalates_and_is_closed(browser, live_server, org_committed):
    from supervision.models import SupervisionEscalation, SupervisionOrder
    from supervision.tasks import orders_escalate

    org = org_committed
    case = root_conftest.make_case.__wrapped__(org)()
    today = timezone.localdate()

    context, page = _context(browser, live_server)
    try:
        sign_in(page, "chief", PASSWORD)
        page.goto(f"/supervision/new/?case={case.number}")
        page.fill("#id_instructions", "申请人多次信访，请于三日内报告财产查控及车辆扣押进展。")
        page.fill("#id_reply_due", (today + timedelta(days=1)).isoformat())
        with page.expect_navigation():
            page.click("#order-submit")
        assert "监督" in page.inner_text("h1") or "督办" in page.inner_text("h1")
        _keep(shot(page, "h7-order-opened-desktop"))
    finally:
        context.close()
    order = SupervisionOrder.objects.get()
    assert order.status == "open" and order.reply_due == today + timedelta(days=1)

    # Three days later: the reply is two days late; the hourly beat task escalates it (once, however often it runs).
    with time_machine.travel(timezone.now() + timedelta(days=3), tick=True):
        assert orders_escalate() == 1 and orders_escalate() == 0
        assert SupervisionEscalation.objects.filter(order=order, level=1).count() == 1

        context, page = _context(browser, live_server)
        try:
            sign_in(page, "chief", PASSWORD)
            page.goto("/")
            assert _tile(page, "supervision_overdue") == 1
            _keep(shot(page, "h7-chief-home-overdue-tile"))
            page.goto("/deadlines/notifications/")
            assert order.number in page.inner_text("#dl-notifications")
            _keep(shot(page, "h7-chief-notification"))
        finally:
            context.close()

        context, page = _context(browser, live_server, phone=True)
        try:
            sign_in(page, "officer", PASSWORD)
            page.goto("/")
            assert _tile(page, "supervision_answer") == 1
            page.click('[data-tile="supervision_answer"]')
            page.click(f"text={order.number}")
            page.fill("#id_reply", "已冻结被执行人银行存款12万元，车辆已查封，拟于下周拍卖。")
            with page.expect_navigation():
                page.click("#reply-submit")
            assert page.locator("#order-late").is_visible()
            assert page.locator("#order-escalated").is_visible()
            assert_no_horizontal_scroll(page)
            _keep(shot(page, "h7-officer-replied-late-phone"))
        finally:
            context.close()
        order.refresh_from_db()
        assert order.status == "replied" and order.late

        context, page = _context(browser, live_server)
        try:
            sign_in(page, "chief", PASSWORD)
            page.goto(f"/supervision/{order.pk}/")
            page.fill("#id_note", "同意，继续跟进拍卖。")
            with page.expect_navigation():
                page.click("#close-submit")
            assert re.search("已办结|已结束|Closed", page.inner_text("#order-status"))
            _keep(shot(page, "h7-order-closed-desktop"))
            page.goto("/")
            assert _tile(page, "supervision_overdue") == 0
        finally:
            context.close()
    order.refresh_from_db()
    assert order.status == "closed"


def test_dispatch_confirmed_and_reported_on_a_phone(browser, live_server, org_committed):
    from supervision import services
    from supervision.models import DispatchTicket, DutyShift

    org = org_committed
    now = timezone.now()
    DutyShift.objects.create(court=org.court, officer=org.officer, starts_at=now - timedelta(hours=1),
                             ends_at=now + timedelta(hours=8), created_by=org.clerk)
    context, page = _context(browser, live_server)
    try:
        sign_in(page, "clerk", PASSWORD)
        page.goto("/supervision/dispatch/new/")
        page.select_option("#id_kind", "urgent_report")
        page.fill("#id_report", "群众举报：被执行人车辆甘E·12345停在麦积区商埠路万达广场地下停车场")
        page.fill("#id_location", "麦积区商埠路万达广场")
        page.fill("#id_reporter_phone", "13900001111")
        with page.expect_navigation():
            page.click("#ticket-submit")
        assert page.locator("#board tbody tr").count() == 1
        _keep(shot(page, "h7-command-centre-board-desktop"))
    finally:
        context.close()
    ticket = DispatchTicket.objects.get()
    assert ticket.dispatched_to == org.officer

    context, page = _context(browser, live_server, phone=True)
    try:
        sign_in(page, "officer", PASSWORD)
        page.goto("/")
        assert _tile(page, "dispatch_ack") == 1
        page.click('[data-tile="dispatch_ack"]')
        page.click(f"text={ticket.number}")
        assert_no_horizontal_scroll(page)
        _keep(shot(page, "h7-dispatch-before-ack-phone"))
        with page.expect_navigation():
            page.click("#ticket-ack-button")
        assert page.locator("#ticket-ack").is_visible()
        page.fill("#id_result", "已到场，车辆已扣押并拖至法院停车场。")
        with page.expect_navigation():
            page.click("#report-submit")
        assert page.locator("#ticket-result").is_visible()
        assert_no_horizontal_scroll(page)
        _keep(shot(page, "h7-dispatch-reported-phone"))
    finally:
        context.close()
    ticket.refresh_from_db()
    assert ticket.status == "reported" and ticket.response_seconds is not None
    assert services.tickets_escalate() == 0

"""The party portal in a real browser: a party signs in on a phone with the one-time code read from the file SMS
backend, sees the case, gives a lead with a photo; the officer then sees it as a to-do (home tile and its page).
Accessibility: every input has an accessible name, the keyboard reaches the submit button, no sideways scrolling."""

import json
import re

import pytest
from django.core.cache import cache

from messaging.models import Message
from tests.conftest import PASSWORD

from .conftest import DESKTOP, PHONE, shot, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00\x90wS\xde\x00\x00"
       b"\x00\x0cIDATx\x9cc\xf8\xcf\xc0\x00\x00\x03\x01\x01\x00\xc9\xfe\x92\xef\x00\x00\x00\x00IEND\xaeB`\x82")


def _fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def _unnamed_inputs(page) -> list:
    """Visible form controls without an accessible name (a <label for>, aria-label or aria-labelledby)."""
    return page.evaluate("""() => [...document.querySelectorAll('input:not([type=hidden]), select, textarea')]
        .filter(e => !(e.labels && e.labels.length) && !e.getAttribute('aria-label')
                     && !e.getAttribute('aria-labelledby')).map(e => e.name)""")


def _tab_reaches(page, selector: str, limit: int = 15) -> bool:
    page.locator("body").focus()
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(f"document.activeElement === document.querySelector('{selector}')"):
            return True
    return False


def _code(outbox) -> str:
    from messaging.services import message_send

    for m in Message.objects.filter(status="queued").order_by("id"):
        message_send(message_id=m.pk)
    lines = [json.loads(x) for x in outbox.read_text(encoding="utf-8").splitlines()]
    return re.search(r"验证码为(\d{6})", lines[-1]["text"]).group(1)


def test_party_signs_in_gives_a_lead_and_the_officer_sees_it(new_page, org_committed, settings, tmp_path):
    from tests.conftest import make_case

    outbox = tmp_path / "outbox.jsonl"
    settings.SMS_BACKEND = "messaging.backends.file.FileBackend"
    settings.SMS_FILE_PATH = str(outbox)
    settings.PORTAL_SIGNIN_MIN_SECONDS = 0
    cache.clear()
    case = make_case.__wrapped__(org_committed)()
    from datetime import timedelta

    from django.utils import timezone

    from cases.models import Action
    from core.models import CourtSetting

    CourtSetting.objects.create(court=case.court, key="portal_office_phone", value="0938-2731234")
    Action.objects.create(case=case, kind="freeze", occurred_on=timezone.localdate() - timedelta(days=2),
                          actor=org_committed.officer, summary="冻结被执行人银行存款 中国工商银行 6222020200112233")
    photo = tmp_path / "车辆照片.png"
    photo.write_bytes(PNG)

    phone = new_page(PHONE, is_mobile=True)
    phone.goto("/portal/")
    assert phone.locator("#role-nav").count() == 0  # no staff navigation
    assert _unnamed_inputs(phone) == [] and _tab_reaches(phone, "#portal-send-code")
    phone.get_by_label("案号").fill(case.number)
    phone.get_by_label("您的身份证号码").fill("11010519491231002X")
    shot(phone, "portal-signin-phone")
    phone.click("#portal-send-code")
    phone.wait_for_selector("#portal-sent")
    assert _unnamed_inputs(phone) == [] and _tab_reaches(phone, "#portal-verify")
    phone.get_by_label("验证码").fill("000000" if _code(outbox) != "000000" else "111111")
    phone.click("#portal-verify")
    error = phone.locator("#id_code-error")
    assert "验证码不正确或已失效" in error.inner_text()
    assert "id_code-error" in phone.get_attribute("#id_code", "aria-describedby")
    shot(phone, "portal-wrong-code-phone")
    phone.get_by_label("验证码").fill(_code(outbox))
    phone.click("#portal-verify")
    phone.wait_for_selector("#portal-case-number")
    assert phone.inner_text("#portal-case-number") == case.number
    assert "郑强" in phone.inner_text("#portal-officer") and "0938-2731234" in phone.inner_text("#portal-officer")
    measures = phone.inner_text("#portal-measures")
    assert "****2233" in measures and "6222020200112233" not in measures and _fits(phone)
    shot(phone, "portal-case-phone")

    phone.click("#portal-give-lead")
    assert _unnamed_inputs(phone) == [] and _tab_reaches(phone, "#portal-lead-submit", limit=25)
    phone.get_by_label("财产类型").select_option("vehicle")
    phone.get_by_label("财产线索内容").fill("被执行人有一辆甘E12345小轿车，常停在麦积区桥南小区地下车库。")
    phone.set_input_files("#id_files", str(photo))
    shot(phone, "portal-lead-form-phone")
    phone.click("#portal-lead-submit")
    phone.wait_for_selector("#portal-done")
    assert "承办人" in phone.inner_text("#portal-done") and "核实中" in phone.inner_text("#portal-leads")
    assert _fits(phone)
    shot(phone, "portal-lead-sent-phone")

    desk = new_page(DESKTOP)
    desk.context.add_cookies(phone.context.cookies())  # the same party on a desktop
    desk.goto("/portal/case/")
    shot(desk, "portal-case-desktop")
    desk.click("#portal-signout")
    desk.wait_for_selector("#portal-signin")

    officer = new_page(DESKTOP)
    sign_in(officer, "officer", PASSWORD)
    tile = officer.locator("a:has-text('当事人留言和线索')").first
    assert "1" in tile.inner_text()
    tile.click()
    officer.wait_for_selector("#portal-waiting-leads")
    assert "甘E12345" in officer.inner_text("#portal-waiting-leads")
    assert "车辆照片.png" in officer.inner_text("#portal-waiting-leads")
    assert officer.inner_text("#portal-waiting-total") == "1"
    shot(officer, "portal-officer-todo-desktop")
    officer.goto(f"/cases/{case.pk}/?tab=portal")
    assert "甘E12345" in officer.inner_text("#portal-tab-leads")
    shot(officer, "portal-case-tab-desktop")

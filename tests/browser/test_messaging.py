"""Messages to parties in a real browser: the chief switches the 立案受理 SMS on and previews it at a desk; a case is
registered, the outbox runs and the file backend (the gateway's stand-in) holds the SMS; the officer sees the 消息
tab on a phone (masked number, no sideways scrolling) and stops the applicant's SMS."""

import json

import pytest

from messaging.models import Message, OptOut, OutboxState
from messaging.services import message_send, outbox_scan
from tests.conftest import PASSWORD

from .conftest import DESKTOP, PHONE, shot, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_chief_switches_on_a_template_and_the_officer_sees_the_log(new_page, org_committed, settings, tmp_path):
    from django.utils import timezone

    from tests.conftest import make_case

    outbox = tmp_path / "outbox.jsonl"
    settings.SMS_BACKEND = "messaging.backends.file.FileBackend"
    settings.SMS_FILE_PATH = str(outbox)
    OutboxState.objects.create(key="outbox", switched_on_at=timezone.now())
    earlier = make_case.__wrapped__(org_committed)()  # for the preview

    desk = new_page(DESKTOP)
    sign_in(desk, "chief", PASSWORD)
    desk.goto("/messaging/templates/")
    assert desk.locator("#msg-templates tbody tr").count() == 12  # six events, SMS and e-mail each
    shot(desk, "messaging-templates-desktop")
    desk.click("#tpl-case_accepted-sms a.btn-outline-primary")
    desk.check("#id_enabled")
    desk.select_option("#id_case", str(earlier.pk))
    desk.click("#msg-template-preview")
    desk.wait_for_selector("#msg-preview")
    assert earlier.number in desk.inner_text("#msg-preview") and "郑强" in desk.inner_text("#msg-preview")
    assert "条短信" in desk.inner_text("#msg-preview-length")
    shot(desk, "messaging-template-preview-desktop")
    desk.fill("#id_body", "【{法院}】{当事人}：{案号}已立案，承办人{承办人}。{身份证}")
    desk.click("#msg-template-save")
    assert "{身份证}" in desk.inner_text("#body-error")
    desk.fill("#id_body", "【{法院}】{当事人}：{案号}执行案件已立案受理，承办人{承办人}，案款账户：{案款账户}。回复TD退订")
    desk.click("#msg-template-save")
    desk.wait_for_selector(".alert-success")

    case = make_case.__wrapped__(org_committed)(basis_number="（2025）甘0503民初999号")
    outbox_scan()
    for m in Message.objects.filter(status="queued"):
        message_send(message_id=m.pk)
    [line] = [json.loads(x) for x in outbox.read_text(encoding="utf-8").splitlines()]
    assert line["to"] == "13800000001" and case.number in line["text"] and line["text"].endswith("回复TD退订")

    phone = new_page(PHONE, is_mobile=True)
    sign_in(phone, "officer", PASSWORD)
    phone.goto(f"/cases/{case.pk}/?tab=messages")
    log = phone.inner_text("#msg-log")
    assert "138****0001" in log and "已发送" in log and "13800000001" not in log
    assert "无手机号码" in log  # the company has no mobile number: logged as not sent
    assert _fits(phone)
    shot(phone, "messaging-case-tab-phone")
    applicant = case.case_parties.get(role="applicant")
    phone.click(f"#optout-sms-{applicant.pk}")
    phone.wait_for_selector("#msg-parties .badge")
    assert "已退订" in phone.inner_text("#msg-parties") and _fits(phone)
    assert OptOut.objects.get().address == "13800000001"
    desk.goto(f"/cases/{case.pk}/?tab=messages")
    shot(desk, "messaging-case-tab-desktop")
    phone.goto("/messaging/templates/")  # the chief's page is refused to the officer
    assert phone.locator("#msg-templates").count() == 0

"""Sending: the backends (a real local HTTP gateway, the JSON-lines file), retries on transient errors, permanent
failures, the per-number hourly limit, opt-out, and the SMS API other features use (one-time codes)."""

from __future__ import annotations

import io
import json
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from cases.models import CaseParty, PartyRole
from core.models import CourtSetting
from messaging.backends import PermanentError, TransientError, get_backend
from messaging.backends.console import ConsoleBackend
from messaging.backends.file import FileBackend
from messaging.models import Message, OptOut
from messaging.services import case_party_opt_out, inbound_reply, message_send, outbox_scan
from messaging.sms import Delivery, send_sms

from .conftest import enable
from .gateway import local_gateway

pytestmark = pytest.mark.django_db


def _queued(to="13800000001", text="验证码 123456", court=None) -> Message:
    return Message.objects.create(court=court, purpose="one_time_code", channel="sms", address=to, body=text,
                                  next_attempt_at=timezone.now())


def test_http_gateway_posts_json_with_the_token(settings):
    with local_gateway([(200, {"id": "gw-1"})]) as (url, received):
        settings.SMS_GATEWAY_URL, settings.SMS_GATEWAY_TOKEN = url, "s3cret"
        backend = get_backend("messaging.backends.http_gateway.HTTPGatewayBackend")
        result = backend.send("13800000001", "【法院】您好", reference="msg-1")
    assert result.provider_id == "gw-1"
    assert received == [{"body": {"to": "13800000001", "text": "【法院】您好", "reference": "msg-1"},
                         "auth": "Bearer s3cret", "type": "application/json; charset=utf-8"}]


@pytest.mark.parametrize(("status", "error"), [(503, TransientError), (429, TransientError), (400, PermanentError),
                                                (200, PermanentError)])
def test_http_gateway_maps_errors(settings, status, error):
    answer = {"ok": False, "error": "bad number"} if status == 200 else {"error": "x"}
    with local_gateway([(status, answer)]) as (url, _received):
        backend = get_backend("messaging.backends.http_gateway.HTTPGatewayBackend", url=url)
        with pytest.raises(error):
            backend.send("13800000001", "x", reference="r")


def test_http_gateway_timeout_and_unreachable_are_transient():
    with local_gateway([(200, {"id": "late"})], delay=1.5) as (url, _received):
        backend = get_backend("messaging.backends.http_gateway.HTTPGatewayBackend", url=url, timeout=0.3)
        with pytest.raises(TransientError):
            backend.send("13800000001", "x")
    with pytest.raises(TransientError):  # the server is gone
        get_backend("messaging.backends.http_gateway.HTTPGatewayBackend", url=url).send("13800000001", "x")


def test_transient_gateway_error_is_retried_with_backoff_then_sent(settings):
    settings.SMS_BACKEND = "messaging.backends.http_gateway.HTTPGatewayBackend"
    settings.SMS_RETRY_BASE_SECONDS = 30
    message = _queued()
    with local_gateway([(503, {"error": "busy"}), (502, {}), (200, {"id": "gw-77"})]) as (url, received):
        settings.SMS_GATEWAY_URL = url
        now = timezone.now()
        first = message_send(message_id=message.pk, now=now)
        assert (first.status, first.retry_in) == ("queued", 30)
        assert message_send(message_id=message.pk, now=now).status == ""  # not due yet: nobody sends it
        second = message_send(message_id=message.pk, now=now + timedelta(seconds=31))
        assert (second.status, second.retry_in) == ("queued", 60)
        third = message_send(message_id=message.pk, now=now + timedelta(seconds=92))
    message.refresh_from_db()
    assert third.status == "sent" and message.status == "sent" and message.provider_id == "gw-77"
    assert message.attempts == 3 and message.error == "" and len(received) == 3


def test_permanent_error_fails_at_once(settings):
    settings.SMS_BACKEND = "messaging.backends.http_gateway.HTTPGatewayBackend"
    message = _queued()
    with local_gateway([(400, {"error": "invalid number"})]) as (url, received):
        settings.SMS_GATEWAY_URL = url
        assert message_send(message_id=message.pk).status == "failed"
    message.refresh_from_db()
    assert message.status == "failed" and "HTTP 400" in message.error and len(received) == 1


def test_transient_errors_give_up_after_the_maximum(settings):
    settings.SMS_BACKEND = "messaging.backends.http_gateway.HTTPGatewayBackend"
    settings.SMS_MAX_ATTEMPTS = 3
    message = _queued()
    with local_gateway([(503, {})]) as (url, received):
        settings.SMS_GATEWAY_URL = url
        now = timezone.now()
        for i in range(5):
            message_send(message_id=message.pk, now=now + timedelta(hours=i))
    message.refresh_from_db()
    assert message.status == "failed" and message.attempts == 3 and len(received) == 3
    assert "3" in message.error and "HTTP 503" in message.error  # 尝试3次后放弃：HTTP 503: …


def test_file_backend_writes_one_json_line_per_sms(tmp_path, settings):
    path = tmp_path / "sms" / "outbox.jsonl"
    settings.SMS_FILE_PATH = str(path)
    backend = FileBackend()
    backend.send("13800000001", "第一条\n两行", reference="msg-1")
    backend.send("13900000002", "第二条", reference="msg-2")
    lines = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    assert [(x["to"], x["text"], x["reference"]) for x in lines] == [
        ("13800000001", "第一条\n两行", "msg-1"), ("13900000002", "第二条", "msg-2")]


def test_console_backend_prints():
    stream = io.StringIO()
    ConsoleBackend(stream=stream).send("13800000001", "您好", reference="m")
    assert "13800000001" in stream.getvalue() and "您好" in stream.getvalue()


def test_rate_limit_defers_and_sends_later(org, settings, sms_outbox):
    CourtSetting.objects.create(court=org.court, key="messaging_sms_per_hour", value=2)
    messages = [_queued(text=f"第{i}条", court=org.court) for i in range(3)]
    now = timezone.now()
    outcomes = [message_send(message_id=m.pk, now=now + timedelta(seconds=i)) for i, m in enumerate(messages)]
    assert [o.status for o in outcomes] == ["sent", "sent", "deferred"]
    late = Message.objects.get(pk=messages[2].pk)
    assert late.status == "deferred" and late.attempts == 0 and late.next_attempt_at > now + timedelta(minutes=59)
    assert [s["text"] for s in sms_outbox] == ["第0条", "第1条"]
    # another number is not held up
    other = _queued(to="13900000009", court=org.court)
    assert message_send(message_id=other.pk, now=now + timedelta(seconds=5)).status == "sent"
    # an hour later the deferred message goes out: deferred, never lost
    assert message_send(message_id=late.pk, now=late.next_attempt_at + timedelta(seconds=1)).status == "sent"
    assert sms_outbox[-1]["text"] == "第2条"


def test_opt_out_skips_waiting_and_future_messages(org, make_case, switched_on, sms_outbox):
    enable(org.chief, org.court, "case_accepted")
    case = make_case()
    outbox_scan()
    applicant = CaseParty.objects.get(case=case, role=PartyRole.APPLICANT)
    case_party_opt_out(actor=org.officer, case_party=applicant, channel="sms")
    waiting = Message.objects.get(case_party=applicant)
    assert waiting.status == "skipped" and waiting.error == "已退订"
    assert message_send(message_id=waiting.pk).status == ""  # never sent
    make_case(basis_number="（2025）甘0503民初791号")  # the same applicant, a new case
    outbox_scan()
    new = Message.objects.exclude(pk=waiting.pk).get(case_party__party=applicant.party)
    assert new.status == "skipped" and new.error == "已退订" and sms_outbox == []


def test_opt_out_recorded_between_queueing_and_sending_still_skips(org, sms_outbox):
    message = _queued(court=org.court)
    Message.objects.filter(pk=message.pk).update(purpose="case_event")
    OptOut.objects.create(address="13800000001", channel="sms", source="reply")
    assert message_send(message_id=message.pk).status == "skipped" and sms_outbox == []


def test_officer_of_another_team_cannot_opt_a_party_out(org, make_case):
    case = make_case()
    applicant = CaseParty.objects.get(case=case, role=PartyRole.APPLICANT)
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        case_party_opt_out(actor=org.colleague, case_party=applicant, channel="sms")
    assert not OptOut.objects.exists()


def test_reply_td_opts_the_number_out():
    assert inbound_reply(sender="+86 138 0000 0001", text=" td ").address == "13800000001"
    assert inbound_reply(sender="13900000002", text="谢谢") is None
    assert list(OptOut.objects.values_list("address", "source")) == [("13800000001", "reply")]


def test_send_sms_api_for_one_time_codes(org, sms_outbox, django_capture_on_commit_callbacks, monkeypatch):
    from messaging import tasks

    queued = []
    monkeypatch.setattr(tasks.send_message, "delay", lambda message_id: queued.append(message_id))
    OptOut.objects.create(address="13800000001", channel="sms", source="reply")  # case messages only
    with django_capture_on_commit_callbacks(execute=True):
        delivery = send_sms(to="138-0000-0001", text="验证码 482913，5分钟内有效。", purpose="one_time_code")
        assert queued == []  # the task is queued only once the caller's transaction commits
    assert isinstance(delivery, Delivery) and queued == [delivery.pk]
    assert message_send(message_id=delivery.pk, now=timezone.now() + timedelta(seconds=1)).status == "sent"
    delivery.refresh_from_db()
    assert delivery.status == "sent" and sms_outbox[-1] == {
        "to": "13800000001", "text": "验证码 482913，5分钟内有效。", "reference": f"msg-{delivery.pk}"}


@pytest.mark.parametrize(("kwargs", "field"), [
    ({"to": "0938-2731234", "text": "x", "purpose": "one_time_code"}, "to"),
    ({"to": "13800000001", "text": "  ", "purpose": "one_time_code"}, "text"),
    ({"to": "13800000001", "text": "x", "purpose": "case_event"}, "purpose"),
    ({"to": "13800000001", "text": "x" * 501, "purpose": "other"}, "text"),
])
def test_send_sms_refuses_bad_input_naming_the_field(kwargs, field):
    with pytest.raises(ValidationError) as exc:
        send_sms(**kwargs)
    assert field in exc.value.message_dict and not Message.objects.exists()

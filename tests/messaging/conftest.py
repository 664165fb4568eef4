"""Fixtures of the messaging tests: SMS through the in-memory backend, the outbox switched on before the test's
events, and helpers to enable a court's templates."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from messaging.backends import locmem
from messaging.models import Message, OutboxState
from messaging.services import message_send, outbox_scan, template_save
from messaging.texts import DEFAULTS


@pytest.fixture(autouse=True)
def sms_outbox(settings):
    settings.SMS_BACKEND = "messaging.backends.locmem.LocmemBackend"
    locmem.outbox.clear()
    yield locmem.outbox
    locmem.outbox.clear()


@pytest.fixture
def switched_on(db):
    """The feature switched on a minute ago (as the first beat run would): later events send messages."""
    return OutboxState.objects.create(key="outbox", switched_on_at=timezone.now() - timedelta(minutes=1))


def enable(actor, court, event, channel="sms", audience=None, body=None, subject=None):
    d_audience, d_subject, d_body = DEFAULTS[(event, channel)]
    return template_save(actor=actor, court=court, event=event, channel=channel, audience=audience or d_audience,
                         enabled=True, subject=d_subject if subject is None else subject,
                         body=d_body if body is None else body)


def scan_and_send() -> list[Message]:
    outbox_scan()
    for m in Message.objects.filter(status="queued").order_by("id"):
        message_send(message_id=m.pk)
    return list(Message.objects.order_by("id"))

"""A REAL Celery worker on a REAL Redis: the beat's outbox task, sent twice, makes the worker create the case's
messages once and send each once through the file backend (the gateway's stand-in)."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
import redis
from django.conf import settings
from django.utils import timezone

from messaging.models import Message, OutboxState
from tests.celery_worker import celery_worker, wait_for

from .conftest import enable

pytestmark = [pytest.mark.celery, pytest.mark.slow, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def broker():
    url = settings.CELERY_BROKER_URL
    redis.Redis.from_url(url).flushdb()
    yield url
    redis.Redis.from_url(url).flushdb()


def test_worker_sends_the_case_messages_exactly_once(org_committed, broker, tmp_path):
    from enforcement.celery import app
    from tests.conftest import make_case

    OutboxState.objects.create(key="outbox", switched_on_at=timezone.now() - timedelta(minutes=1))
    enable(org_committed.chief, org_committed.court, "case_accepted")
    case = make_case.__wrapped__(org_committed)()
    entry = app.conf.beat_schedule["messaging-outbox"]  # exactly what beat sends
    outbox = tmp_path / "sms" / "outbox.jsonl"
    with celery_worker(tmp_path, "msg1", broker=broker):
        with app.connection_for_write(broker) as conn:
            for _ in range(2):
                app.send_task(entry["task"], connection=conn)
        wait_for(lambda: Message.objects.filter(status="sent").count() == 1, 60, "the worker should send it")
        wait_for(lambda: not Message.objects.filter(status__in=["queued", "sending"]).exists(), 30, "all settled")
    lines = [json.loads(x) for x in outbox.read_text(encoding="utf-8").splitlines()]
    sent = Message.objects.get(status="sent")
    assert [(x["to"], x["reference"]) for x in lines] == [("13800000001", f"msg-{sent.pk}")]
    assert case.number in lines[0]["text"]
    assert Message.objects.count() == 2  # the respondent (no mobile number) logged as not sent

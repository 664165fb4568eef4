"""Exactly once under concurrency, on committed rows and separate database connections: two outbox scans racing
create each message once; two senders racing send a message once."""

from __future__ import annotations

import threading
from datetime import timedelta

import psycopg
import pytest
from django.db import connection, connections
from django.utils import timezone

from messaging.models import Message, OutboxState
from messaging.services import message_send, outbox_scan
from tests.celery_worker import wait_for

from .conftest import enable

pytestmark = pytest.mark.django_db(transaction=True)


def _dsn() -> str:
    s = connection.settings_dict
    return f"host={s['HOST'] or '127.0.0.1'} port={s['PORT'] or 5432} user={s['USER']} dbname={s['NAME']}"


def _waiting(table: str) -> int:
    with psycopg.connect(_dsn(), autocommit=True) as c:
        return c.execute("SELECT count(*) FROM pg_locks l JOIN pg_class t ON t.oid = l.relation "
                         "WHERE NOT l.granted AND t.relname = %s", [table]).fetchone()[0]


def _in_thread(fn, results, errors):
    def run():
        try:
            results.append(fn())
        except BaseException as exc:  # pragma: no cover - reported by the test
            errors.append(exc)
        finally:
            connections.close_all()
    return threading.Thread(target=run)


@pytest.fixture
def committed_case(org_committed):
    from tests.conftest import make_case

    OutboxState.objects.create(key="outbox", switched_on_at=timezone.now() - timedelta(minutes=1))
    enable(org_committed.chief, org_committed.court, "case_accepted")
    enable(org_committed.chief, org_committed.court, "case_accepted", channel="email")
    return make_case.__wrapped__(org_committed)()


def test_two_scans_at_once_create_each_message_once(committed_case):
    results, errors = [], []
    locker = psycopg.connect(_dsn())
    locker.execute("LOCK TABLE messaging_message IN SHARE ROW EXCLUSIVE MODE")
    threads = [_in_thread(outbox_scan, results, errors) for _ in range(2)]
    try:
        for t in threads:
            t.start()
        # both scans have read the same new event and wait to insert its messages: release them together
        wait_for(lambda: _waiting("messaging_message") == 2, 30, "both scans should reach the insert")
    finally:
        locker.rollback()
        locker.close()
    for t in threads:
        t.join(30)
    assert not errors
    assert sorted(r["events"] for r in results) == [1, 1]  # each read the event...
    # ...and still: 2 parties x 2 channels, once each
    assert Message.objects.count() == 4
    assert Message.objects.values("event_ref", "recipient_key", "channel").distinct().count() == 4


def test_two_senders_at_once_send_a_message_once(committed_case, settings):
    from messaging.backends import locmem

    outbox_scan()
    message = Message.objects.get(channel="sms", status="queued")
    barrier = threading.Barrier(2)
    results, errors = [], []

    def send():
        barrier.wait(5)
        return message_send(message_id=message.pk).status

    threads = [_in_thread(send, results, errors) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert not errors and sorted(results) == ["", "sent"]
    assert [m["reference"] for m in locmem.outbox] == [f"msg-{message.pk}"]

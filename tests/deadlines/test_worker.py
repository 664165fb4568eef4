"""Exactly-once reminders with REAL Celery workers on a REAL Redis: the scan sent twice at once (beat firing twice),
two workers racing, a worker killed mid-scan, and a Redis restart between scans."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import psycopg
import pytest
import redis
from django.conf import settings
from django.db import connection

from deadlines.models import Notification, Reminder, ScanRun
from tests.celery_worker import celery_worker
from tests.celery_worker import wait_for as _wait_for

pytestmark = [pytest.mark.celery, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

AS_OF = "2026-03-25"


def _db_name() -> str:
    return connection.settings_dict["NAME"]


def _dsn() -> str:
    s = connection.settings_dict
    return f"host={s['HOST'] or '127.0.0.1'} port={s['PORT'] or 5432} user={s['USER']} dbname={s['NAME']}"


@contextmanager
def worker(tmp_path: Path, name: str, *, broker: str, pool: str = "solo"):
    with celery_worker(tmp_path, name, broker=broker, pool=pool) as started:
        yield started.proc


def _send(broker: str, n: int = 1, **kwargs) -> None:
    from enforcement.celery import app

    entry = app.conf.beat_schedule["deadlines-scan-hourly"]  # exactly what beat sends
    with app.connection_for_write(broker) as conn:
        for _ in range(n):
            app.send_task(entry["task"], kwargs={**entry["kwargs"], "as_of": AS_OF, **kwargs}, connection=conn)


def _finished() -> int:
    return ScanRun.objects.filter(finished_at__isnull=False).count()


def _mails(tmp_path: Path) -> list[str]:
    folder = tmp_path / "mail"
    if not folder.exists():
        return []
    return [m for f in sorted(folder.iterdir()) for m in f.read_text().split("-" * 79) if "Subject:" in m]


def _waiting_on_lock(table: str) -> int:
    """Sessions blocked behind the test's lock on ``table`` (the only lock the test holds)."""
    with psycopg.connect(_dsn(), autocommit=True) as c:
        return c.execute(
            "SELECT count(*) FROM pg_locks l JOIN pg_class t ON t.oid = l.relation "
            "WHERE NOT l.granted AND t.relname = %s", [table]).fetchone()[0]


@contextmanager
def reminder_table_locked():
    """Hold the reminder table so scans stop right at their claim: the moment to race or to kill them."""
    conn = psycopg.connect(_dsn())
    conn.execute("LOCK TABLE deadlines_reminder IN SHARE ROW EXCLUSIVE MODE")
    try:
        yield
    finally:
        conn.rollback()
        conn.close()


@pytest.fixture
def scenario(org_committed, make_case_committed):
    org = org_committed
    for user in (org.officer, org.chief):
        user.email = f"{user.username}@maiji.court.invalid"
        user.save(update_fields=["email"])
    # 4 cases whose notices fell due on 03-16: on 03-25 each is overdue (officer) and escalated (chief, >= 7 days).
    for _ in range(4):
        make_case_committed(received_on=date(2026, 3, 2), filed_on=date(2026, 3, 4))
    return org


@pytest.fixture
def broker():
    url = settings.CELERY_BROKER_URL
    redis.Redis.from_url(url).flushdb()
    yield url
    redis.Redis.from_url(url).flushdb()


def _assert_exactly_once(tmp_path: Path) -> None:
    assert Reminder.objects.count() == 8
    assert Reminder.objects.values("deadline", "due_on", "threshold", "recipient").distinct().count() == 8
    assert Notification.objects.count() == 8
    assert Reminder.objects.filter(email_status="sent").count() == 8
    mails = _mails(tmp_path)
    assert len(mails) == 2  # one digest each for the officer and the chief
    assert sum("officer@maiji" in m for m in mails) == 1 and sum("chief@maiji" in m for m in mails) == 1


def test_beat_firing_twice_on_two_workers_reminds_exactly_once(scenario, broker, tmp_path):
    with worker(tmp_path, "w1", broker=broker), worker(tmp_path, "w2", broker=broker):
        with reminder_table_locked():
            _send(broker, n=2)
            # both workers have recomputed (one skips: advisory lock) and now wait to claim: release them together
            _wait_for(lambda: _waiting_on_lock("deadlines_reminder") == 2, 60, "both scans should reach the claim")
        _wait_for(lambda: _finished() == 2, 60, "both scans should finish")
    _assert_exactly_once(tmp_path)


def test_worker_killed_mid_scan_loses_and_doubles_nothing(scenario, broker, tmp_path):
    with worker(tmp_path, "victim", broker=broker) as proc:
        with reminder_table_locked():
            _send(broker)
            _wait_for(lambda: _waiting_on_lock("deadlines_reminder") == 1, 60, "the scan should reach the claim")
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(10)
    assert Reminder.objects.count() == 0 and _finished() == 0  # the killed scan left nothing half-done
    redis.Redis.from_url(broker).flushdb()  # its unacknowledged message is not needed: the next run redoes it
    with worker(tmp_path, "rerun", broker=broker):
        _send(broker)
        _wait_for(lambda: _finished() == 1, 60, "the rerun should finish")
        _send(broker)  # and the run after that finds nothing new
        _wait_for(lambda: _finished() == 2, 60, "the second rerun should finish")
    _assert_exactly_once(tmp_path)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def private_redis(port: int):
    proc = subprocess.Popen(["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                             "--appendonly", "no"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    client = redis.Redis(port=port)
    _wait_for(lambda: _ping(client), 20, "private redis did not start")
    try:
        yield proc
    finally:
        proc.terminate()
        proc.wait(10)


def _ping(client) -> bool:
    try:
        return client.ping()
    except redis.exceptions.ConnectionError:
        return False


def test_redis_restart_between_scans_loses_nothing(scenario, tmp_path):
    port = _free_port()
    url = f"redis://127.0.0.1:{port}/0"
    with private_redis(port):
        with worker(tmp_path, "r1", broker=url):
            _send(url, as_of="2026-03-13")  # 3 days before the notices are due: the 3-day warning
            _wait_for(lambda: _finished() == 1, 60, "first scan should finish")
    assert set(Reminder.objects.values_list("threshold", flat=True)) == {3}
    with private_redis(port):  # a new, empty Redis: nothing was waiting in the broker
        assert redis.Redis(port=port).dbsize() == 0
        with worker(tmp_path, "r2", broker=url):
            _send(url, as_of=AS_OF)  # the due date passed while Redis was down: overdue and escalation follow
            _wait_for(lambda: _finished() == 2, 60, "second scan should finish")
    assert sorted(Reminder.objects.values_list("threshold", flat=True)) == [-7] * 4 + [-1] * 4 + [3] * 4
    assert Notification.objects.count() == 12
    assert Reminder.objects.filter(email_status="sent").count() == 12

"""Benchmark: the messaging outbox (case events -> messages) and the sending of one message.

    .venv/bin/python bench/messaging_outbox.py [--cases 200] [--events 5000]

In its own database enf_h8_bench_messaging (dropped and rebuilt each run): the demo organisation, ``--cases`` cases
registered through the real service, the 立案受理 SMS template switched on, then ``--events`` timeline events
(case_registered, spread over the cases) inserted in bulk. Times one outbox scan over all of them (two parties per
event: ``2 × events`` message rows) against the baseline of a plain bulk insert of the same rows, a second scan
(nothing new: the cost of a quiet minute), and ``message_send`` per message (claim, rate-limit count, in-memory
backend, update): p50 / p95. Prints the load average.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DB = "enf_h8_bench_messaging"
os.environ.update({
    "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{DB}", "DJANGO_DEBUG": "0", "ENF_INSECURE_HTTP": "1",
    "DJANGO_SETTINGS_MODULE": "enforcement.settings", "DJANGO_SECRET_KEY": "bench-only",
    "DJANGO_EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend", "DJANGO_LOG_LEVEL": "WARNING",
    "SMS_BACKEND": "messaging.backends.locmem.LocmemBackend",
})
os.environ.pop("REDIS_URL", None)


def fresh_database() -> None:
    import psycopg

    with psycopg.connect("host=127.0.0.1 user=postgres dbname=postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{DB}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{DB}"')


def pct(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(len(values) * p))] * 1000


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=200)
    parser.add_argument("--events", type=int, default=5000)
    args = parser.parse_args()
    fresh_database()
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.utils import timezone

    from cases.models import CaseEvent
    from messaging.models import Message, OutboxState
    from messaging.services import message_send, outbox_scan
    from tests.conftest import make_case, org

    call_command("migrate", verbosity=0)
    o = org.__wrapped__(None)
    factory = make_case.__wrapped__(o)
    cases = [factory(basis_number=f"（2025）甘0503民初{i:05d}号") for i in range(args.cases)]
    OutboxState.objects.create(key="outbox", switched_on_at=timezone.now() - timedelta(minutes=5))
    from tests.messaging.conftest import enable

    enable(o.chief, o.court, "case_accepted")
    CaseEvent.objects.all().delete()
    now = timezone.now()
    CaseEvent.objects.bulk_create([
        CaseEvent(case=cases[i % len(cases)], type="case_registered", summary="bench", parameters={})
        for i in range(args.events)], batch_size=1000)
    CaseEvent.objects.update(at=now)  # after the template was switched on

    t = time.perf_counter()
    result = outbox_scan(limit=args.events)
    scan = time.perf_counter() - t
    rows = list(Message.objects.values())
    # Baseline: the same rows inserted in one bulk statement (what the scan cannot do without reading and rendering).
    with transaction.atomic():
        copies = [Message(**{**r, "id": None, "event_ref": -r["event_ref"]}) for r in rows]
        t = time.perf_counter()
        Message.objects.bulk_create(copies, batch_size=500)
        baseline = time.perf_counter() - t
        transaction.set_rollback(True)
    t = time.perf_counter()
    outbox_scan(limit=args.events)
    quiet = time.perf_counter() - t

    ids = list(Message.objects.filter(status="queued").order_by("id").values_list("id", flat=True)[:500])
    sends = []
    for i, pk in enumerate(ids):
        t = time.perf_counter()
        message_send(message_id=pk, now=now + timedelta(hours=i))  # an hour apart: the limit never defers
        sends.append(time.perf_counter() - t)
    connection.close()
    load = os.getloadavg()
    print(f"events {result['events']}, messages {result['messages']}")
    print(f"outbox scan: {scan:.2f} s ({scan / max(result['events'], 1) * 1000:.2f} ms/event); "
          f"plain bulk insert of the same rows {baseline:.2f} s (ratio {scan / baseline:.1f}x)")
    print(f"quiet scan (nothing new): {quiet * 1000:.1f} ms")
    print(f"message_send: p50 {pct(sends, 0.5):.2f} ms, p95 {pct(sends, 0.95):.2f} ms over {len(sends)}")
    print(f"load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} ({os.cpu_count()} cores)")


if __name__ == "__main__":
    main()

"""Benchmark: what bringing a case's deadlines up to date on commit (deadlines.on_commit) adds to a request.

    .venv/bin/python bench/deadlines_on_commit.py [--cases 100000] [--requests 200] [--threads 4]

Builds (once) the deadline scan benchmark's data with N open cases in its own database enf_h1_bench_on_commit, runs
the first scan, then times a write request's service (``lead_register`` on a random case, in its transaction) with
the recompute after commit switched off and on: p50 / p95 per request, and the recompute alone. Then the same with
``--threads`` writers at once (the load), counting recomputes that gave up waiting for a lock (left for the scan).
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
import bench.deadlines_scan as base  # noqa: E402 - sets the benchmark's environment

base.DB = "enf_h1_bench_on_commit"
os.environ["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{base.DB}"
os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only")
os.environ["DJANGO_DEBUG"] = "0"  # DEBUG keeps every query: not a request's cost


def pct(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(len(values) * p))] * 1000


def run(requests: int, cases: list, on: bool, threads: int = 1) -> dict:
    from django.conf import settings
    from django.db import connection

    from cases.services.leads import lead_register
    from deadlines import engine

    settings.DEADLINES_RECOMPUTE_ON_COMMIT = on
    totals, recomputes, skipped = [], [], [0]
    original = engine.recompute_session

    def timed_session(**kw):
        t = time.perf_counter()
        result = original(**kw)
        recomputes.append(time.perf_counter() - t)
        skipped[0] += int(result.skipped)
        return result

    engine.recompute_session = timed_session
    lock = threading.Lock()

    def worker(n):
        rnd = random.Random(n)
        try:
            for _ in range(requests // threads):
                case = rnd.choice(cases)
                t = time.perf_counter()
                lead_register(actor=case.officer, case=case, description="基准测试线索")
                with lock:
                    totals.append(time.perf_counter() - t)
        finally:
            connection.close()

    try:
        pool = [threading.Thread(target=worker, args=(i,)) for i in range(threads)]
        for th in pool:
            th.start()
        for th in pool:
            th.join()
    finally:
        engine.recompute_session = original
    out = {"p50": pct(totals, 0.5), "p95": pct(totals, 0.95), "n": len(totals), "skipped": skipped[0]}
    if recomputes:
        out.update({"rc_p50": pct(recomputes, 0.5), "rc_p95": pct(recomputes, 0.95)})
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--threads", type=int, default=4)
    args = parser.parse_args()
    base.ensure_database()
    import django

    django.setup()
    from django.db import connection
    from django.utils import timezone

    from cases.models import Case
    from deadlines.services import deadlines_scan

    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass('cases_case') IS NOT NULL")
        built = cursor.fetchone()[0] and Case.objects.count() == args.cases
    if not built:
        print(f"building {args.cases:,} open cases in {base.DB} ...", flush=True)
        print(f"built in {base.build(args.cases):.0f} s", flush=True)
        t = time.perf_counter()
        deadlines_scan(today=timezone.localdate(), wait_for_recompute=True)
        print(f"first scan {time.perf_counter() - t:.1f} s", flush=True)
    cases = list(Case.objects.filter(stage__in=["notice", "investigation", "control"])
                 .select_related("officer", "court")[:5000]) or list(Case.objects.select_related("officer")[:5000])
    cases = [c for c in cases if c.officer_id]
    print(f"{Case.objects.count():,} cases; {len(cases)} sampled; machine: {os.cpu_count()} cores; "
          f"load {os.getloadavg()[0]:.1f}", flush=True)
    run(20, cases, True)  # warm up
    for threads in (1, args.threads):
        for on in (False, True, False, True):
            r = run(args.requests, cases, on, threads)
            extra = (f"; recompute p50 {r['rc_p50']:.1f} / p95 {r['rc_p95']:.1f} ms, gave up {r['skipped']}"
                     if on else "")
            print(f"threads {threads}, on_commit {'on ' if on else 'off'}: {r['n']} requests, "
                  f"p50 {r['p50']:.1f} / p95 {r['p95']:.1f} ms{extra}; load {os.getloadavg()[0]:.1f}", flush=True)


if __name__ == "__main__":
    main()

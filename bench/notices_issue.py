"""Benchmark: issuing documents through the register (notices.services.document_issue), end to end.

In the database enf_bench_notices (created and migrated if missing): the demo organisation and N fresh cases
(default 60). Then, in one warm process, as a clerk:

* the first issue (cold: builds the PDF engine), then N 执行通知书 (enforcement_notice) one after another, each on
  its own case: wall time per issue (validation, context, HTML, PDF, register row, stored PDF, timeline event,
  commit) and the serial's lock window (from taking the register serial to commit);
* a reprint of an issued document (the identical document is returned: no rendering);
* T threads issuing N documents in parallel for other cases (one connection each): throughput, lock windows, and the
  check that the serials are 1..M without gaps or duplicates.

    .venv/bin/python bench/notices_issue.py [--cases 60] [--threads 2]

The machine is shared; run it alone for figures worth quoting.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DB = "enf_bench_notices"
os.environ.update({
    "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{DB}", "DJANGO_DEBUG": "1", "ENF_INSECURE_HTTP": "1",
    "DJANGO_EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend", "DJANGO_LOG_LEVEL": "WARNING",
})
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "enforcement.settings")
os.environ.setdefault("ENF_FONTS_DIR", str(ROOT / "var" / "fonts"))
os.environ.pop("REDIS_URL", None)

DOC_TYPE = "enforcement_notice"


def ensure_database() -> None:
    import psycopg

    with psycopg.connect("host=127.0.0.1 user=postgres dbname=postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DB]).fetchone():
            conn.execute(f'CREATE DATABASE "{DB}"')


def make_cases(org, n: int) -> list:
    from datetime import date, timedelta
    from decimal import Decimal

    from cases.services import PartyInput, case_register

    clerk = next(u for u in org.staff.values() if "clerk" in (u.roles or []))
    officer = next(u for u in org.staff.values() if "officer" in (u.roles or []) and u.court_id == org.court.pk)
    if not officer.phone:
        officer.phone = "0938-2712345"
        officer.save(update_fields=["phone"])
    team = officer.teams.first()
    today = date.today()
    cases = []
    for i in range(n):
        cases.append(case_register(
            actor=clerk, court=org.court, team=team, officer=officer, case_type="执",
            received_on=today - timedelta(days=3), filed_on=today - timedelta(days=2), basis_kind="judgment",
            basis_issuer="天水市麦积区人民法院", basis_number=f"（2025）甘0503民初{i + 1}号",
            basis_effective_on=today - timedelta(days=60), principal=Decimal("123456.78"),
            parties=[PartyInput(role="applicant", kind="person", name="张三"),
                     PartyInput(role="respondent", kind="person", name="龚堃喆", address="甘肃省天水市麦积区花园路18号")]))
    return clerk, cases


def key_of(case) -> str:
    return f"party:{case.case_parties.get(role='respondent').pk}"


def pct(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=60)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    ensure_database()
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from accounts.demo import seed_org
    from notices import services
    from notices.models import IssuedDocument

    call_command("migrate", verbosity=0)
    org = seed_org()
    clerk, cases = make_cases(org, args.cases + 1)
    keys = [key_of(c) for c in cases]

    t0 = time.perf_counter()
    first = services.document_issue(user=clerk, case=cases[0], doc_type=DOC_TYPE, addressee_key=keys[0])
    print(f"first issue (cold engine): {(time.perf_counter() - t0) * 1000:.0f} ms, {first.pages} page(s), "
          f"{first.size / 1024:.0f} KiB")

    issue_ms, total_ms, lock_ms = [], [], []
    for case, key in zip(cases[1:], keys[1:]):
        services.document_issue(user=clerk, case=case, doc_type=DOC_TYPE, addressee_key=key)
        issue_ms.append(services.LAST_TIMING.issue_ms)
        total_ms.append(services.LAST_TIMING.total_ms)
        lock_ms.append(services.LAST_TIMING.lock_ms)
    print(f"sequential, {len(issue_ms)} issues: per issue (to commit) median {statistics.median(issue_ms):.1f} ms, "
          f"p95 {pct(issue_ms, 95):.1f} ms; with the case's deadline recompute after commit median "
          f"{statistics.median(total_ms):.1f} ms; serial lock window median {statistics.median(lock_ms):.2f} ms, "
          f"p95 {pct(lock_ms, 95):.2f} ms, max {max(lock_ms):.2f} ms")

    reprint_ms = []
    for case, key in zip(cases[1:21], keys[1:21]):
        t = time.perf_counter()
        doc = services.document_issue(user=clerk, case=case, doc_type=DOC_TYPE, addressee_key=key)
        services.document_pdf(user=clerk, document=doc)
        reprint_ms.append((time.perf_counter() - t) * 1000)
        assert doc.reprint
    print(f"reprint (identical document, stored PDF): median {statistics.median(reprint_ms):.1f} ms")

    # Parallel: fresh cases, T threads.
    _clerk, par_cases = make_cases(org, args.cases)
    par_keys = [key_of(c) for c in par_cases]
    chunks = [list(zip(par_cases[i::args.threads], par_keys[i::args.threads])) for i in range(args.threads)]
    par_lock, par_issue, errors = [], [], []
    barrier = threading.Barrier(args.threads)

    def worker(items):
        try:
            services.pdf_render("<p>warm</p>")  # each thread builds its own engine first (not measured)
            barrier.wait()
            for case, key in items:
                services.document_issue(user=clerk, case=case, doc_type=DOC_TYPE, addressee_key=key)
                par_issue.append(services.LAST_TIMING.issue_ms)
                par_lock.append(services.LAST_TIMING.lock_ms)
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(c,)) for c in chunks]
    t = time.perf_counter()
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    elapsed = time.perf_counter() - t
    if errors:
        raise errors[0]
    year = first.year
    serials = sorted(IssuedDocument.objects.filter(court=org.court, doc_type=DOC_TYPE, year=year, version=1)
                     .values_list("serial", flat=True))
    gapless = serials == list(range(1, len(serials) + 1))
    print(f"parallel, {args.threads} threads, {len(par_issue)} issues: {len(par_issue) / elapsed:.1f} issues/s; "
          f"per issue median {statistics.median(par_issue):.1f} ms; serial lock window median "
          f"{statistics.median(par_lock):.2f} ms, max {max(par_lock):.2f} ms; serials 1..{len(serials)} "
          f"{'gapless, no duplicates' if gapless else 'NOT GAPLESS'}")
    return 0 if gapless else 1


if __name__ == "__main__":
    raise SystemExit(main())

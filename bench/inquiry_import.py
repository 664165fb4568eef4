"""Benchmark: importing an agency's result file (网络查控反馈) and the per-debtor diff page.

Builds, with SQL, in the database enf_bench_inquiry: N debtors (default 20,000), each the respondent of its own case,
one bank account already in the register per debtor (so the diff finds same, changed and new rows), and one exported
batch asking the bank agency about every debtor. Writes a result file of R rows (default 100,000): 200 rows for the
first debtor, the rest spread over the others (some matching their register account, some with a new balance, most
new accounts, every 10th debtor "none"). Then measures:

* the import (``inquiry.services.results.result_file_import``: checksum, every row validated against the requests,
  bulk insert, the diff): seconds and peak memory (``ru_maxrss`` growth of the process, and tracemalloc's peak of
  Python allocations in a second, rolled-back run);
* the diff page of the debtor with 200 rows (``inquiry:debtor_results``) through the Django test client: p50/p95 over
  200 requests.

    .venv/bin/python bench/inquiry_import.py [--debtors 20000] [--rows 100000] [--rebuild] [--runs 200]
    .venv/bin/python bench/inquiry_import.py --diff-only [--rebuild]   # the page alone, on 50 debtors / 1,000 rows
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
# --diff-only: a small data set of its own (50 debtors, the first with 200 rows) to measure the page quickly.
DIFF_ONLY = "--diff-only" in sys.argv
DB = "enf_bench_inquiry_diff" if DIFF_ONLY else "enf_bench_inquiry"
os.environ.update({
    "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{DB}", "DJANGO_DEBUG": "0", "ENF_INSECURE_HTTP": "1",
    "DJANGO_EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend", "DJANGO_LOG_LEVEL": "WARNING",
    "DJANGO_ALLOWED_HOSTS": "testserver,localhost",
})
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "enforcement.settings")
os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-secret-key-not-a-secret")  # DEBUG off, as in production
os.environ.pop("REDIS_URL", None)


def ensure_database() -> None:
    import psycopg

    with psycopg.connect("host=127.0.0.1 user=postgres dbname=postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DB]).fetchone():
            conn.execute(f'CREATE DATABASE "{DB}"')


def build(n: int) -> float:
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.utils import timezone

    from accounts.demo import seed_org
    from accounts.models import Role, Team, TeamKind, User

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    org = seed_org()
    court = org.court
    team, _ = Team.objects.get_or_create(court=court, name="执行实施查控组", defaults={"kind": TeamKind.IMPLEMENTATION})
    officer, _ = User.objects.get_or_create(username="bench_inquiry", defaults={
        "full_name": "查控员", "court": court, "roles": [Role.OFFICER], "email": "bench_inquiry@court.invalid"})
    officer.teams.set([team])
    params = {"n": n, "court": court.pk, "today": timezone.localdate(), "officer": officer.pk, "team": team.pk,
              "now": timezone.now()}
    steps = [
        ("cases", """
            INSERT INTO cases_case (id, year, case_type, serial, number, account_reference, received_on, filed_on,
                non_litigation, basis_kind, basis_issuer, basis_number, basis_effective_on, cause, obligation_kind,
                act_description, principal, interest_awarded, litigation_costs, other_amount, amount_claimed,
                amount_recovered, stream, stream_overridden, tags, stage, resume_stage, closure_mode, intake_warnings,
                created_at, updated_at, court_id, officer_id, team_id)
            SELECT g, 2026, '执', g, '（2026）甘0503执' || g || '号', 'B' || g, d - 2, d, false, 'judgment',
                   '天水市麦积区人民法院', '（2025）甘0503民初' || g || '号', d - 60, '', 'money', '',
                   100000, 0, 0, 0, 100000, 0, 'simple', false, '{}', 'control', '', '', '[]', now(), now(),
                   %(court)s, %(officer)s, %(team)s
            FROM (SELECT g, (%(today)s::date - (g %% 300))::date AS d FROM generate_series(1, %(n)s) g) s"""),
        ("parties", """
            INSERT INTO cases_party (id, kind, name, id_kind, id_number, id_flagged, sex, legal_representative, phones,
                                     address, postcode, created_at, updated_at)
            SELECT g, 'person', '当事人' || g, 'resident_id', '620503199001' || lpad(g::text, 6, '0'), false, '', '',
                   '{}', '', '', now(), now()
            FROM generate_series(1, 2 * %(n)s) g"""),
        ("case parties", """
            INSERT INTO cases_caseparty (id, role, position, service_address, phone, agent, agent_id_number,
                                         agent_phone, dishonest_ground, case_id, party_id)
            SELECT g, CASE WHEN g %% 2 = 0 THEN 'applicant' ELSE 'respondent' END, 1, '', '', '', '', '', '',
                   (g + 1) / 2, g
            FROM generate_series(1, 2 * %(n)s) g"""),
        ("register assets", """
            INSERT INTO assets_asset (id, kind, description, bank_name, account_number, certificate_number,
                plate_number, company_name, share, location, estimated_value, source, source_note, objection_pending,
                created_at, case_id, owner_id, created_by_id)
            SELECT c, 'bank_deposit', '银行存款' || c, '中国工商银行', '6222' || lpad(c::text, 12, '0') || '0', '',
                   '', '', '', '', 1000, 'investigation', '', false, now(), c, 2 * c - 1, NULL
            FROM generate_series(1, %(n)s) c"""),
        ("batch", """
            INSERT INTO inquiry_inquirybatch (id, court_id, number, created_by_id, created_at, kinds, purpose, status,
                document_number, note, exported_at, exported_by_id, export_sha256)
            VALUES (1, %(court)s, 'CX20269001', %(officer)s, %(now)s, '{bank}', 'regular', 'exported', '', '',
                    %(now)s, %(officer)s, '')"""),
        ("requests", """
            INSERT INTO inquiry_inquiryrequest (id, batch_id, seq, request_id, case_id, party_id, agency_kind, channel,
                measure, amount, subject_name, subject_kind, subject_id_number, case_number, officer_id, officer_name,
                document_number, answered_at)
            SELECT c, 1, c, 'CX20269001-' || lpad(c::text, 6, '0'), c, 2 * c - 1, 'bank', 'national', 'query', NULL,
                   '当事人' || (2 * c - 1), 'person', '620503199001' || lpad((2 * c - 1)::text, 6, '0'),
                   '（2026）甘0503执' || c || '号', %(officer)s, '查控员', '', NULL
            FROM generate_series(1, %(n)s) c"""),
    ]
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("TRUNCATE cases_case, cases_party, inquiry_inquirybatch RESTART IDENTITY CASCADE")
        cursor.execute("SET session_replication_role = replica")
        for name, sql in steps:
            t = time.perf_counter()
            cursor.execute(sql, params)
            print(f"  {name}: {cursor.rowcount:,} rows in {time.perf_counter() - t:.1f} s", flush=True)
        cursor.execute("SET session_replication_role = DEFAULT")
        for table in ("cases_case", "cases_party", "cases_caseparty", "assets_asset", "inquiry_inquirybatch",
                      "inquiry_inquiryrequest"):
            cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    return time.perf_counter() - started


def write_result_file(path: Path, *, n: int, rows: int) -> int:
    """The agency's answer, written the way ``inquiry.exchange_in.build_result_file`` does, streamed to disk."""
    import hashlib
    import json

    from inquiry.exchange_in import RESULT_FORMAT

    def line(c: int, k: int) -> bytes:
        party = 2 * c - 1
        base = {"request_id": f"CX20269001-{c:06d}", "case_number": f"（2026）甘0503执{c}号",
                "subject_id_number": f"620503199001{party:06d}", "as_of": "2026-12-05"}
        if c % 10 == 0 and c != 1:
            base["status"] = "none"
        else:
            account = f"6222{c:012d}0" if k == 0 else f"6223{c:010d}{k:03d}"
            balance = "1000.00" if (k == 0 and c % 3) else f"{(c * 7 + k) % 90000 + 10}.{k % 100:02d}"
            base.update(status="found", asset_kind="bank_deposit", institution="中国工商银行天水分行",
                        account=account, balance=balance)
            if k == 1 and c % 7 == 0:
                base["control"] = {"measure": "freeze", "status": "refused", "reason": "账户已被他案冻结"}
        return json.dumps(base, ensure_ascii=False, separators=(",", ":")).encode() + b"\n"

    plan = [(1, k) for k in range(200)]
    rest = rows - 200
    others = list(range(2, n + 1))
    per, extra = divmod(rest, len(others))
    for i, c in enumerate(others):
        count = per + (1 if i < extra else 0)
        if c % 10 == 0:
            count = 1
        plan.extend((c, k) for k in range(count))
    plan = plan[:rows]
    i = 0
    while len(plan) < rows:  # what the "none" debtors did not use goes to the others
        i += 1
        c = 2 + i % (n - 1)
        if c % 10:
            plan.append((c, 10 + i // (n - 1)))
    digest = hashlib.sha256()
    with tempfile.NamedTemporaryFile(delete=False) as body:
        for c, k in plan:
            data = line(c, k)
            digest.update(data)
            body.write(data)
    header = {"format": RESULT_FORMAT, "agency_kind": "bank", "batch": "CX20269001", "court_code": "甘0503",
              "rows": len(plan), "sha256_of_rows": digest.hexdigest()}
    with open(path, "wb") as out, open(body.name, "rb") as src:
        out.write(json.dumps(header, ensure_ascii=False).encode() + b"\n")
        while chunk := src.read(1 << 20):
            out.write(chunk)
    os.unlink(body.name)
    return len(plan)


def p95(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=20)[18] if len(samples) >= 20 else max(samples)


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--debtors", type=int, default=20_000)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--rebuild", action="store_true", help="drop and rebuild the database")
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--page-only", action="store_true", help="measure the page on the last import")
    parser.add_argument("--diff-only", action="store_true",
                        help=f"only the diff page, on a small data set of its own ({DB}): 50 debtors, 1,000 rows")
    args = parser.parse_args()
    if args.diff_only:
        args.debtors, args.rows, args.page_only = 50, 1_000, True
    if args.rebuild:
        import psycopg

        with psycopg.connect("host=127.0.0.1 user=postgres dbname=postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{DB}"')
    ensure_database()
    import django

    django.setup()
    from django.db import connection, transaction
    from django.db.models import Count
    from django.test import Client
    from django.urls import reverse

    from accounts.models import User
    from cases.models import Case
    from inquiry.models import InquiryRequest, ResultFile, ResultRow
    from inquiry.services.results import result_file_import

    if "inquiry_inquiryrequest" not in connection.introspection.table_names() or not InquiryRequest.objects.exists():
        print(f"Building {args.debtors:,} debtors in {DB} ...", flush=True)
        print(f"Build: {build(args.debtors):.0f} s", flush=True)
    officer = User.objects.select_related("court").get(username="bench_inquiry")
    if args.diff_only and not ResultFile.objects.exists():
        path = Path(tempfile.gettempdir()) / "enf_bench_inquiry_diff_result.jsonl"
        write_result_file(path, n=args.debtors, rows=args.rows)
        with open(path, "rb") as f:
            result_file_import(actor=officer, court=officer.court, file_name=path.name, stream=f)
    elif not (args.page_only and ResultFile.objects.exists()):
        ResultRow.objects.all().delete()
        ResultFile.objects.all().delete()
        path = Path(tempfile.gettempdir()) / "enf_bench_inquiry_result.jsonl"
        t = time.perf_counter()
        rows = write_result_file(path, n=args.debtors, rows=args.rows)
        print(f"Result file: {rows:,} rows, {path.stat().st_size / 1e6:.1f} MB, written in "
              f"{time.perf_counter() - t:.1f} s", flush=True)
        load = os.getloadavg()

        # 1. timed, memory by ru_maxrss; rolled back so that run 2 can import the same file.
        rss_before = rss_mb()
        t = time.perf_counter()
        with transaction.atomic():
            with open(path, "rb") as f:
                rf = result_file_import(actor=officer, court=officer.court, file_name=path.name, stream=f)
            diffs = dict(ResultRow.objects.filter(result_file=rf).values("diff").annotate(n=Count("pk"))
                         .values_list("diff", "n"))
            transaction.set_rollback(True)
        seconds = time.perf_counter() - t
        rss_after = rss_mb()
        # 2. tracemalloc's peak of Python allocations (slower; this run is kept for the page).
        tracemalloc.start()
        t = time.perf_counter()
        with open(path, "rb") as f:
            rf = result_file_import(actor=officer, court=officer.court, file_name=path.name, stream=f)
        traced_seconds = time.perf_counter() - t
        _current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        print(f"Import of {rows:,} rows for {args.debtors:,} debtors: {seconds:.1f} s "
              f"(limit 60 s); ru_maxrss {rss_before:.0f} -> {rss_after:.0f} MB (process peak; limit 500 MB); "
              f"tracemalloc peak {peak / 1e6:.0f} MB (run with tracing: {traced_seconds:.1f} s); "
              f"diff: {diffs}; load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}", flush=True)

    from django.test.utils import override_settings

    # Plain static storage: the bench runs without collectstatic's manifest.
    override_settings(STORAGES={"default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
                                "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
                      ).enable()
    client = Client()
    client.force_login(officer)
    case = Case.objects.get(pk=1)
    url = reverse("inquiry:debtor_results", args=[case.pk, 1])
    first = client.get(url)
    assert first.status_code == 200, first.status_code
    assert first.content.count(b'id="row-') == 200, first.content.count(b'id="row-')
    for _ in range(5):
        client.get(url)
    samples = []
    for _ in range(args.runs):
        t = time.perf_counter()
        client.get(url)
        samples.append((time.perf_counter() - t) * 1000)
    load = os.getloadavg()
    print(f"Diff page of a debtor with 200 rows: p50 {statistics.median(samples):.1f} ms, p95 {p95(samples):.1f} ms, "
          f"max {max(samples):.1f} ms over {args.runs} requests (limit p95 200 ms); "
          f"load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}", flush=True)


if __name__ == "__main__":
    main()

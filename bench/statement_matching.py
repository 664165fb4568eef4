"""Benchmark: matching a 50,000-line bank statement against 1,000,000 cases (issue 20: at most 30 s).

Builds, with SQL (INSERT ... SELECT generate_series), in the database enf_bench_statements: N cases (default
1,000,000) at one court, each with an applicant and a respondent (party search rows included), and a statement of
L lines (default 50,000) mixed as the issue says: 40% with the case's reference (half as the sub-account, half in
the remark, spaced), 20% with the case number in the remark (half with half-width brackets), 15% with a debtor's
name as payer (unique names), 10% with a shared debtor name and the amount one of the two cases still expects, 15%
with nothing to go on. Then resets the lines to unmatched and times ``statements.matching.match_lines`` over the
statement (runs: best and median), printing the lines per rule and the load average.

    .venv/bin/python bench/statement_matching.py [--cases 1000000] [--lines 50000] [--rebuild] [--runs 3]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DB = "enf_bench_statements"
os.environ.update({
    "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{DB}", "DJANGO_DEBUG": "0", "ENF_INSECURE_HTTP": "1",
    "DJANGO_EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend", "DJANGO_LOG_LEVEL": "WARNING",
})
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "enforcement.settings")
os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-secret-key-not-a-secret")  # DEBUG off, as in production
os.environ.pop("REDIS_URL", None)

# Case g's payment reference: an 18-digit body and its two ISO 7064 MOD 97-10 check digits (core.rules.payment_ref:
# a remark is searched for valid references only).
REFERENCE = ("('62050320261' || lpad({0}::text, 7, '0') || lpad((98 - (('62050320261' || lpad({0}::text, 7, '0') "
             "|| '00')::numeric %% 97))::text, 2, '0'))")
SHARED = 10  # every SHARED-th case shares its debtor's name with the case N/2 further on


def ensure_database() -> None:
    import psycopg

    with psycopg.connect("host=127.0.0.1 user=postgres dbname=postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DB]).fetchone():
            conn.execute(f'CREATE DATABASE "{DB}"')


def build_cases(n: int, court) -> None:
    from django.db import connection
    from django.utils import timezone

    params = {"n": n, "half": n // 2, "court": court.pk, "today": timezone.localdate(), "shared": SHARED}
    steps = [
        ("cases", """
            INSERT INTO cases_case (id, year, case_type, serial, number, account_reference, received_on, filed_on,
                non_litigation, basis_kind, basis_issuer, basis_number, basis_effective_on, cause, obligation_kind,
                act_description, principal, interest_awarded, litigation_costs, other_amount, amount_claimed,
                amount_recovered, stream, stream_overridden, tags, stage, resume_stage, closure_mode, intake_warnings,
                created_at, updated_at, court_id)
            SELECT g, 2026, '执', g, '（2026）甘0503执' || g || '号', """ + REFERENCE.format("g") + """,
                   d - 2, d, false, 'judgment', '天水市麦积区人民法院', '（2025）甘0503民初' || g || '号', d - 60, '',
                   'money', '', 10000 + g, 0, 0, 0, 10000 + g, 0, 'simple', false, '{}', 'control', '', '', '[]',
                   now(), now(), %(court)s
            FROM (SELECT g, (%(today)s::date - 30 - (g %% 300))::date AS d FROM generate_series(1, %(n)s) g) s"""),
        # Respondent of case g: party 2g-1, named 被执行人<k>; cases g and g + n/2 share a name when g % SHARED = 0.
        ("parties", """
            INSERT INTO cases_party (id, kind, name, id_kind, id_number, id_flagged, sex, legal_representative, phones,
                                     address, postcode, created_at, updated_at)
            SELECT p, 'person',
                   CASE WHEN p %% 2 = 0 THEN '申请人' || p
                        WHEN c > %(half)s AND (c - %(half)s) %% %(shared)s = 0 THEN '被执行人' || (c - %(half)s)
                        ELSE '被执行人' || c END,
                   '', '', false, '', '', '{}', '', '', now(), now()
            FROM (SELECT p, (p + 1) / 2 AS c FROM generate_series(1, 2 * %(n)s) p) s"""),
        ("case parties", """
            INSERT INTO cases_caseparty (id, role, position, service_address, phone, agent, agent_id_number,
                                         agent_phone, dishonest_ground, case_id, party_id)
            SELECT p, CASE WHEN p %% 2 = 0 THEN 'applicant' ELSE 'respondent' END, 1, '', '', '', '', '', '',
                   (p + 1) / 2, p
            FROM generate_series(1, 2 * %(n)s) p"""),
        ("party search", """
            INSERT INTO cases_partysearch (case_party_id, court_id, case_id, name)
            SELECT cp.id, %(court)s, cp.case_id, p.name FROM cases_caseparty cp JOIN cases_party p ON p.id = cp.party_id
        """),
    ]
    with connection.cursor() as cursor:
        cursor.execute("SET session_replication_role = replica")
        for name, sql in steps:
            t = time.perf_counter()
            cursor.execute(sql, params)
            print(f"  {name}: {cursor.rowcount:,} rows in {time.perf_counter() - t:.1f} s", flush=True)
        cursor.execute("SET session_replication_role = DEFAULT")
        for table in ("cases_case", "cases_party", "cases_caseparty"):
            cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")


def build_statement(n: int, lines: int, court, finance) -> int:
    from django.db import connection
    from django.utils import timezone

    from statements.models import Statement

    statement = Statement.objects.create(court=court, account_number="2705020109000012345", bank="中国工商银行",
                                         format="csv", file_name="bench.csv", sha256=f"{lines:064d}",
                                         imported_by=finance, line_count=lines, new_line_count=lines)
    params = {"n": n, "half": n // 2, "court": court.pk, "s": statement.pk, "lines": lines,
              "today": timezone.localdate(), "shared": SHARED}
    # i % 20: 0-7 reference (40%), 8-11 case number (20%), 12-14 name (15%), 15-16 amount (10%), 17-19 nothing (15%).
    # Case picked for line i: a pseudo-random case not sharing its name (c % SHARED <> 0, c <= n/2) unless needed.
    sql = """
        INSERT INTO statements_statementline (court_id, statement_id, row, account_number, bank_reference, booked_on,
            amount, direction, currency, payer_name, payer_account, payer_bank, remark, sub_account, status,
            match_rule, confidence, note)
        SELECT %(court)s, %(s)s, i, '2705020109000012345', 'BENCH' || i, %(today)s::date - 1,
               CASE WHEN k BETWEEN 15 AND 16 THEN 10000 + c ELSE 100 + (i %% 5000) END, 'credit', 'CNY',
               CASE WHEN k BETWEEN 12 AND 14 THEN '被执行人' || c
                    WHEN k BETWEEN 15 AND 16 THEN '被执行人' || c
                    WHEN k >= 17 THEN '某某商贸有限公司' || i ELSE '' END,
               '', '',
               CASE WHEN k BETWEEN 4 AND 7 THEN '案款 ' || substr(r, 1, 6) || ' ' || substr(r, 7, 6) || ' ' || substr(r, 13)
                    WHEN k BETWEEN 8 AND 9 THEN '还款 (2026)甘0503执' || c || '号'
                    WHEN k BETWEEN 10 AND 11 THEN '（2026）甘0503执' || c || '号 执行款'
                    WHEN k >= 17 THEN '货款 第' || i || '批' ELSE '还款' END,
               CASE WHEN k BETWEEN 0 AND 3 THEN r ELSE '' END,
               'unmatched', '', 0, ''
        FROM (SELECT i, i %% 20 AS k, c,  """ + REFERENCE.format("c") + """ AS r
              FROM (SELECT i, CASE WHEN i %% 20 BETWEEN 15 AND 16
                                   THEN %(shared)s * (1 + (i::bigint * 7919) %% (%(half)s / %(shared)s - 1))::int
                                   ELSE 1 + ((i::bigint * 104729) %% (%(half)s - 1))::int END AS c0
                    FROM generate_series(1, %(lines)s) i) a
              CROSS JOIN LATERAL (SELECT CASE WHEN i %% 20 BETWEEN 12 AND 14 AND c0 %% %(shared)s = 0 THEN c0 + 1
                                              ELSE c0 END AS c) b) s"""
    with connection.cursor() as cursor:
        t = time.perf_counter()
        cursor.execute(sql, params)
        print(f"  statement lines: {cursor.rowcount:,} rows in {time.perf_counter() - t:.1f} s", flush=True)
    return statement.pk


def baseline(statement_id: int) -> float:
    """Seconds to read the statement's lines into Python, each joined to the case its sub-account names: the floor
    of any matcher (one read of the lines, one index probe per line), measured beside each run against the load."""
    from django.db import connection

    t = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("SELECT l.id, l.amount, l.booked_on, l.sub_account, l.remark, l.payer_name, c.id, c.stage "
                       "FROM statements_statementline l LEFT JOIN cases_case c ON c.account_reference = l.sub_account "
                       "WHERE l.statement_id = %s ORDER BY l.id", [statement_id])
        cursor.fetchall()
    return time.perf_counter() - t


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--lines", type=int, default=50_000)
    parser.add_argument("--rebuild", action="store_true", help="drop and rebuild the database")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    if args.rebuild:
        import psycopg

        with psycopg.connect("host=127.0.0.1 user=postgres dbname=postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{DB}"')
    ensure_database()
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from accounts.demo import seed_org
    from cases.models import Case
    from statements.matching import match_lines
    from statements.models import Statement, StatementLine

    started = time.perf_counter()
    if "statements_statementline" not in connection.introspection.table_names() or not Case.objects.exists():
        call_command("migrate", verbosity=0)
        org = seed_org()
        print(f"Building {args.cases:,} cases in {DB} ...", flush=True)
        build_cases(args.cases, org.court)
    if not StatementLine.objects.filter(statement__file_name="bench.csv").exists():
        Statement.objects.filter(file_name="bench.csv").delete()
        org = seed_org()
        build_statement(Case.objects.count(), args.lines, org.court, org.staff["finance1"])
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
        print(f"Build: {time.perf_counter() - started:.0f} s", flush=True)
    statement = Statement.objects.get(file_name="bench.csv")
    n_cases = Case.objects.count()
    n_lines = StatementLine.objects.filter(statement=statement).count()
    print(f"Data: {n_cases:,} cases, {n_lines:,} statement lines", flush=True)
    samples, baselines, summary = [], [], None
    for _ in range(args.runs):
        StatementLine.objects.filter(statement=statement).update(status="unmatched", case=None, match_rule="",
                                                                 confidence=0, note="", waiting_since=None)
        with connection.cursor() as cursor:  # as after an import: fresh rows (the resets leave dead tuples)
            cursor.execute("VACUUM ANALYZE statements_statementline")
        load = os.getloadavg()
        baselines.append(baseline(statement.pk))
        t = time.perf_counter()
        summary = match_lines(court=statement.court_id, statement=statement)
        samples.append(time.perf_counter() - t)
        print(f"  run: {samples[-1]:.2f} s, baseline {baselines[-1]:.2f} s ({samples[-1] / baselines[-1]:.1f}x; "
              f"load before {load[0]:.2f})", flush=True)
    by_rule = dict(sorted(summary.by_rule.items()))
    print(f"match_lines over {summary.lines:,} lines against {n_cases:,} cases: best {min(samples):.2f} s, "
          f"median {statistics.median(samples):.2f} s (target 30 s: {30 / min(samples):.1f}x margin)")
    print(f"baseline (the lines fetched to Python, joined to cases by account_reference): best {min(baselines):.2f} s; "
          f"matching = {statistics.median(s / b for s, b in zip(samples, baselines)):.1f}x baseline (median)")
    print(f"lines per rule: {by_rule}; unmatched {summary.unmatched:,} (another court {summary.other_court})")
    print("load average (1, 5, 15 min): " + ", ".join(f"{x:.2f}" for x in os.getloadavg()))


if __name__ == "__main__":
    main()

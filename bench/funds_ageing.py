"""Benchmark: the payment-reference migration and the 案款账龄 (funds ageing) figures on a million cases.

    .venv/bin/python bench/funds_ageing.py [--cases 1000000] [--rebuild] [--runs 7]

Builds (once; --rebuild to redo) its own database ``enf_bench_funds``: one court with 20 teams and 100 officers,
``--cases`` cases whose references are the 17-digit bodies issued before the check digits, and for 30% of them 1-4
receipts of random age (0-400 days) of which the older ones were paid out first in first out (a fee transfer as the
outflow: the oldest receipt settled, the next one half paid), the paid-out receipts' ``paid_out_on`` set. Bulk load
with row triggers off (session_replication_role = replica). Then measures:

* ``add_check_digits`` of cases/migrations/0010_payment_reference_check.py on every case, with the triggers on
  (the row history, pghistory, writes one row per case; the deadline engine's statement trigger looks at the
  transition tables), in a transaction that is rolled back so the run can be repeated;
* ``reports.funds_ageing.funds_ageing`` for the court (p50 / max of --runs) and the first page of the drill-down of
  the oldest bucket; the sum of the buckets is compared with the sum of the balances.

Figures are printed with the load average (os.getloadavg): the machine is shared.
"""

from __future__ import annotations

import argparse
import importlib
import os
import statistics
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DB = "enf_bench_funds"
URL = f"postgres://postgres@127.0.0.1:5432/{DB}"
TEAMS, OFFICERS = 20, 100


def load() -> str:
    return f"load {os.getloadavg()[0]:.1f}"


def ensure_database(rebuild: bool) -> bool:
    import psycopg

    with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DB]).fetchone()
        if exists and rebuild:
            conn.execute(f'DROP DATABASE "{DB}"')
            exists = None
        if not exists:
            conn.execute(f'CREATE DATABASE "{DB}"')
    env = os.environ | {"DATABASE_URL": URL, "DJANGO_DEBUG": "1", "ENF_INSECURE_HTTP": "1"}
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], check=True, cwd=ROOT, env=env)
    return not exists


def setup_django() -> None:
    os.environ.update({"DATABASE_URL": URL, "DJANGO_DEBUG": "1", "ENF_INSECURE_HTTP": "1",
                       "DJANGO_SETTINGS_MODULE": "enforcement.settings", "DJANGO_LOG_LEVEL": "WARNING",
                       "DJANGO_EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend"})
    os.environ.pop("REDIS_URL", None)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


LOAD_SQL = """
SET session_replication_role = replica;
SELECT setseed(0.2026);
INSERT INTO cases_case (court_id, year, case_type, serial, number, account_reference, received_on, filed_on,
    non_litigation, basis_kind, basis_issuer, basis_number, basis_effective_on, cause, obligation_kind,
    act_description, principal, interest_awarded, litigation_costs, other_amount, amount_claimed, amount_recovered,
    stream, stream_overridden, tags, stage, resume_stage, closure_mode, intake_warnings, created_at, updated_at,
    team_id, officer_id)
SELECT %(court)s, 2020 + g %% 7, '执', g / 7 + 1, '（' || (2020 + g %% 7) || '）甘0599执' || (g / 7 + 1) || '号',
       '620599' || (2020 + g %% 7) || '1' || lpad((g / 7 + 1)::text, 6, '0'),
       %(today)s::date - 420, %(today)s::date - 420, false, 'judgment', '法院', 'B' || g, %(today)s::date - 480, '',
       'money', '', 100000, 0, 0, 0, 100000, 0, 'simple', false, ARRAY[]::varchar[], 'investigation', '', '',
       '[]'::jsonb,
       now(), now(), %(team0)s + ((g %% %(officers)s) / 5), %(officer0)s + (g %% %(officers)s)
FROM generate_series(1, %(n)s) g;
-- 30%% of the cases hold money: 1-4 receipts each, of random age.
CREATE TEMP TABLE r AS
SELECT c.id AS case_id, k, round((100 + random() * 20000)::numeric, 2) AS amount,
       %(today)s::date - floor(random() * 400)::int AS on_day
FROM cases_case c CROSS JOIN LATERAL generate_series(1, 1 + (c.id %% 4)::int) k
WHERE c.court_id = %(court)s AND random() < 0.3;
CREATE TEMP TABLE ro AS
SELECT r.*, row_number() OVER (PARTITION BY case_id ORDER BY on_day, k) AS pos,
       count(*) OVER (PARTITION BY case_id) AS n
FROM r;
INSERT INTO assets_ledgerentry (case_id, court_id, kind, amount, signed_amount, occurred_on, recorded_at, payer,
    reference, memo, payout_due_on, paid_out_on)
SELECT case_id, %(court)s, 'debtor_payment', amount, amount, on_day, now(), '', '', '', on_day + 30,
       CASE WHEN pos = 1 AND n > 1 THEN on_day + 10 END
FROM ro;
-- The outflow: the oldest receipt in full and half of the second (a partly paid-out receipt).
INSERT INTO assets_ledgerentry (case_id, court_id, kind, amount, signed_amount, occurred_on, recorded_at, payer,
    reference, memo)
SELECT case_id, %(court)s, 'fee_transfer', SUM(CASE WHEN pos = 1 THEN amount ELSE round(amount / 2, 2) END),
       -SUM(CASE WHEN pos = 1 THEN amount ELSE round(amount / 2, 2) END), MAX(on_day) + 1, now(), '', '', ''
FROM ro WHERE n > 1 AND pos <= 2 GROUP BY case_id;
SET session_replication_role = origin;
"""


def build(n: int) -> None:
    from django.db import connection

    from accounts.models import Court, CourtLevel, Role, Team, TeamKind, User

    high, _ = Court.objects.get_or_create(code="甘", defaults={"name": "甘肃省高级人民法院", "level": CourtLevel.HIGH})
    court, _ = Court.objects.get_or_create(code="甘0599", defaults={
        "name": "基准测试法院", "level": CourtLevel.BASIC, "parent": high, "admin_division_code": "620599"})
    teams = [Team.objects.create(court=court, name=f"执行实施{i + 1}组", kind=TeamKind.IMPLEMENTATION)
             for i in range(TEAMS)]
    users = User.objects.bulk_create([User(username=f"bench_officer{i}", court=court, roles=[Role.OFFICER],
                                           full_name=f"承办人{i:03d}") for i in range(OFFICERS)])
    users = list(User.objects.filter(username__startswith="bench_officer").order_by("pk"))
    for i, u in enumerate(users):
        u.teams.set([teams[i // 5]])
    assert [t.pk for t in teams] == list(range(teams[0].pk, teams[0].pk + TEAMS))
    assert [u.pk for u in users] == list(range(users[0].pk, users[0].pk + OFFICERS))
    t0 = time.monotonic()
    with connection.cursor() as cur:
        cur.execute(LOAD_SQL, {"court": court.pk, "n": n, "today": date.today(), "team0": teams[0].pk,
                               "officer0": users[0].pk, "officers": OFFICERS})
        cur.execute("VACUUM ANALYZE cases_case")
        cur.execute("VACUUM ANALYZE assets_ledgerentry")
    print(f"load: {n:,} cases in {time.monotonic() - t0:.1f} s; {load()}", flush=True)


def measure(runs: int) -> None:
    from django.db import connection, transaction

    from accounts.models import Court
    from reports.funds_ageing import funds_ageing, funds_ageing_cases

    court = Court.objects.get(code="甘0599")
    with connection.cursor() as cur:
        cur.execute("SELECT count(*) FROM cases_case")
        cases = cur.fetchone()[0]
        cur.execute("SELECT count(*), count(*) FILTER (WHERE paid_out_on IS NULL AND payout_due_on IS NOT NULL), "
                    "SUM(signed_amount) FROM assets_ledgerentry")
        entries, unsettled, balance = cur.fetchone()
    print(f"data: {cases:,} cases, {entries:,} ledger entries ({unsettled:,} receipts not settled), "
          f"balances {balance:,}", flush=True)

    migration = importlib.import_module("cases.migrations.0010_payment_reference_check")
    with transaction.atomic():
        with connection.cursor() as cur:
            cur.execute("SELECT count(*) FROM cases_case WHERE account_reference ~ '^[0-9]{1,30}$' "
                        "AND length(account_reference) = 17")
            bodies = cur.fetchone()[0]
        t0 = time.monotonic()
        changed = migration.add_check_digits(connection)
        took = time.monotonic() - t0
        with connection.cursor() as cur:
            cur.execute("SELECT count(*) FROM cases_case WHERE account_reference::numeric % 97 <> 1")
            bad = cur.fetchone()[0]
        print(f"migration add_check_digits: {changed:,} of {bodies:,} references in {took:.1f} s "
              f"(row history and deadline triggers on), invalid after: {bad}; {load()}", flush=True)
        transaction.set_rollback(True)

    today = date.today()
    times = []
    for _ in range(runs):
        t0 = time.monotonic()
        data = funds_ageing(court_ids=[court.pk], today=today)
        times.append(time.monotonic() - t0)
    print(f"funds_ageing (whole court, {len(data.teams)} teams, {data.total.cases:,} cases holding money): "
          f"p50 {statistics.median(times) * 1000:.0f} ms, max {max(times) * 1000:.0f} ms over {runs} runs; {load()}",
          flush=True)
    print(f"  buckets {', '.join(f'{k} {v:,}' for k, v in data.total.buckets.items())}; total {data.total.total:,} "
          f"= balances {balance:,}: {data.total.total == balance}; past the payout deadline {data.total.overdue:,}")
    times = []
    for _ in range(runs):
        t0 = time.monotonic()
        page = funds_ageing_cases(court_ids=[court.pk], today=today, bucket="older", limit=50)
        times.append(time.monotonic() - t0)
    print(f"drill-down (over 180 days, first page of 50 of {page.count:,}): p50 {statistics.median(times) * 1000:.0f} "
          f"ms, max {max(times) * 1000:.0f} ms; {load()}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--rebuild", action="store_true")
    args = parser.parse_args()
    fresh = ensure_database(args.rebuild)
    setup_django()
    if fresh:
        build(args.cases)
    measure(args.runs)


if __name__ == "__main__":
    main()

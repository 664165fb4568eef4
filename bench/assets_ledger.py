"""Benchmark: the case-fund ledger and the court-wide asset lists at scale.

Builds, with SQL (INSERT ... SELECT generate_series), in the database enf_bench_assets: N cases (default 200,000) at
one court, each with an applicant and a respondent, 5 assets per case (1,000,000) each with a control measure, and
25 ledger entries per case (5,000,000: 21 receipts and 4 disbursements, or 20 and 5) with their payouts. Then
measures, as the users who open these pages:

* a case's balance (``assets.selectors.case_balance``) for random cases;
* the expiring-controls list (``controls_expiring``, 30 days, first page of 50 as the page fetches it) as the chief
  (whole court) and as an officer (team scope);
* the funds-awaiting-payout list (``funds_awaiting``, first page) as the case-fund manager.

    .venv/bin/python bench/assets_ledger.py [--cases 200000] [--rebuild] [--runs 200]

Row triggers (the ledger's balance guard, immutability) are skipped during the bulk load only
(session_replication_role = replica); the data are generated consistent with them (balances never negative).
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DB = "enf_bench_assets"
os.environ.update({
    "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{DB}", "DJANGO_DEBUG": "1", "ENF_INSECURE_HTTP": "1",
    "DJANGO_EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend", "DJANGO_LOG_LEVEL": "WARNING",
})
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "enforcement.settings")
os.environ.pop("REDIS_URL", None)

TEAMS = 20
OFFICERS = 100
ASSETS_PER_CASE = 5
ENTRIES_PER_CASE = 25


def ensure_database() -> None:
    import psycopg

    with psycopg.connect("host=127.0.0.1 user=postgres dbname=postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DB]).fetchone():
            conn.execute(f'CREATE DATABASE "{DB}"')


def build(n: int) -> tuple[float, dict]:
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from accounts.demo import seed_org
    from accounts.models import Role, Team, TeamKind, User

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    org = seed_org()
    court = org.court
    teams = [Team.objects.get_or_create(court=court, name=f"执行实施{i + 1:02d}组",
                                        defaults={"kind": TeamKind.IMPLEMENTATION})[0] for i in range(TEAMS)]
    existing = set(User.objects.filter(username__startswith="bench_").values_list("username", flat=True))
    User.objects.bulk_create([User(username=f"bench_{i:03d}", full_name=f"执行员{i:03d}", court=court,
                                   roles=[Role.OFFICER], email=f"bench_{i:03d}@court.invalid", password="!")
                              for i in range(OFFICERS) if f"bench_{i:03d}" not in existing])
    officers = list(User.objects.filter(username__startswith="bench_").order_by("username"))
    for i, user in enumerate(officers):
        user.teams.set([teams[i % TEAMS]])
    params = {
        "n": n, "court": court.pk, "today": timezone.localdate(), "actor": org.staff["finance1"].pk,
        "officers": [u.pk for u in officers], "teams": [t.pk for t in teams], "k": OFFICERS, "kt": TEAMS,
    }
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
                   %(court)s, (%(officers)s::bigint[])[1 + g %% %(k)s], (%(teams)s::bigint[])[1 + g %% %(kt)s]
            FROM (SELECT g, (%(today)s::date - (g %% 300))::date AS d FROM generate_series(1, %(n)s) g) s"""),
        ("parties", """
            INSERT INTO cases_party (id, kind, name, id_kind, id_number, id_flagged, sex, legal_representative, phones,
                                     address, postcode, created_at, updated_at)
            SELECT g, 'person', '当事人' || g, '', '', false, '', '', '{}', '', '', now(), now()
            FROM generate_series(1, 2 * %(n)s) g"""),
        ("case parties", """
            INSERT INTO cases_caseparty (id, role, position, service_address, phone, agent, agent_id_number,
                                         agent_phone, dishonest_ground, case_id, party_id)
            SELECT g, CASE WHEN g %% 2 = 0 THEN 'applicant' ELSE 'respondent' END, 1, '', '', '', '', '', '',
                   (g + 1) / 2, g
            FROM generate_series(1, 2 * %(n)s) g"""),
        ("assets", f"""
            INSERT INTO assets_asset (id, kind, description, bank_name, account_number, certificate_number,
                plate_number, company_name, share, location, estimated_value, source, source_note, objection_pending,
                created_at, case_id, owner_id, created_by_id)
            SELECT a, k, '财产' || a, '', '', '', '', '', '', '', 50000, 'network_query', '', false, now(), c, 2 * c - 1,
                   NULL
            FROM (SELECT a, (a - 1) / {ASSETS_PER_CASE} + 1 AS c,
                         (ARRAY['bank_deposit','real_estate','vehicle','equity','wage_income'])[1 + a %% 5] AS k
                  FROM generate_series(1, {ASSETS_PER_CASE} * %(n)s) a) s"""),
        # 70% in force, expiring over the next 3 years (hashed, spread evenly); 20% released; 10% lapsed.
        ("control measures", """
            INSERT INTO assets_controlmeasure (id, kind, preservation, ordered_on, ruling_number, assisting_body,
                queue_rank, status, effective_on, expires_on, renewals, released_on, release_ground, release_note,
                lapsed_on, created_at, asset_id, case_id, court_id, team_id, controlled_by_id, released_by_id,
                case_team_id, case_officer_id)
            SELECT a.id, 'freeze', a.id %% 6 = 0, e, '（2026）甘0503执' || a.case_id || '号之一', '银行', 1, st, e,
                   (%(today)s::date - 3 + ((a.id * 104729) %% 1100)::int), 0,
                   CASE WHEN st = 'released' THEN e + 30 END, CASE WHEN st = 'released' THEN 'debt_paid' ELSE '' END,
                   '', CASE WHEN st = 'lapsed' THEN (%(today)s::date - 2 + ((a.id * 104729) %% 1100)::int) END,
                   now(), a.id, a.case_id, %(court)s,
                   (%(teams)s::bigint[])[1 + a.case_id %% %(kt)s], NULL, NULL,
                   -- case team and officer, as the cases step assigns them
                   (%(teams)s::bigint[])[1 + a.case_id %% %(kt)s], (%(officers)s::bigint[])[1 + a.case_id %% %(k)s]
            FROM (SELECT id, case_id,
                         (%(today)s::date - 30 - ((id * 7919) %% 335)::int) AS e,
                         CASE WHEN id %% 10 < 7 THEN 'active' WHEN id %% 10 < 9 THEN 'released' ELSE 'lapsed' END AS st
                  FROM assets_asset) a"""),
        # Per case: 5 groups of (4 receipts + 1 disbursement of their sum); for every 10th case the last
        # disbursement is a 21st receipt instead, so its last 5 receipts await payout.
        ("payouts", """
            INSERT INTO assets_payout (id, kind, amount, payee_account_name, payee_bank, payee_account_number, note,
                status, name_override, name_override_reason, prepared_at, approved_at, executed_at, returned_reason,
                idempotency_key, execution_key, approved_by_id, case_id, court_id, executed_by_id, payee_id,
                prepared_by_id)
            SELECT (c - 1) * 5 + j, 'applicant', 4000, '当事人', '银行', '6217', '', 'executed', false, '', now(), now(),
                   now(), '', NULL, NULL,
                   %(actor)s, c, %(court)s, %(actor)s, 2 * c, (%(officers)s::bigint[])[1 + c %% %(k)s]
            FROM generate_series(1, %(n)s) c CROSS JOIN generate_series(1, 5) j
            WHERE NOT (c %% 10 = 0 AND j = 5)"""),
        ("ledger entries", f"""
            INSERT INTO assets_ledgerentry (id, kind, amount, signed_amount, occurred_on, recorded_at, payer,
                reference, memo, payout_due_on, paid_out_on, case_id, court_id, disposal_id, payout_id, recorded_by_id,
                reverses_id)
            SELECT (c - 1) * {ENTRIES_PER_CASE} + i,
                   CASE WHEN disb THEN 'disbursement'
                        ELSE (ARRAY['debtor_payment','bank_deduction','field_collection','bank_deduction'])[1 + i %% 4]
                   END,
                   CASE WHEN disb THEN 4000 ELSE 1000 END, CASE WHEN disb THEN -4000 ELSE 1000 END,
                   day, now(), '', '', '',
                   CASE WHEN disb THEN NULL ELSE day + 30 END,
                   CASE WHEN disb OR (c %% 10 = 0 AND i > 20) THEN NULL ELSE day + 3 + (i %% 5)::int END,
                   c, %(court)s, NULL, CASE WHEN disb THEN (c - 1) * 5 + i / 5 END, %(actor)s, NULL
            FROM (SELECT c, i, (i %% 5 = 0 AND NOT (c %% 10 = 0 AND i = 25)) AS disb,
                         (%(today)s::date - 200 + i * 7 + (c %% 10)::int) AS day
                  FROM generate_series(1, %(n)s) c CROSS JOIN generate_series(1, {ENTRIES_PER_CASE}) i) s"""),
    ]
    figures = {}
    with connection.cursor() as cursor:
        cursor.execute("SET session_replication_role = replica")
        for name, sql in steps:
            t = time.perf_counter()
            cursor.execute(sql, params)
            figures[name] = (cursor.rowcount, time.perf_counter() - t)
            print(f"  {name}: {cursor.rowcount:,} rows in {figures[name][1]:.1f} s", flush=True)
        cursor.execute("SET session_replication_role = DEFAULT")
        for table in ("cases_case", "cases_party", "cases_caseparty", "assets_asset", "assets_controlmeasure",
                      "assets_payout", "assets_ledgerentry"):
            cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")
        cursor.execute("""UPDATE cases_case c SET amount_recovered = s.total
                          FROM (SELECT case_id, sum(amount) total FROM assets_ledgerentry
                                WHERE kind <> 'disbursement' GROUP BY case_id) s WHERE s.case_id = c.id""")
    t = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    print(f"  vacuum analyze: {time.perf_counter() - t:.1f} s", flush=True)
    return time.perf_counter() - started, figures


def p95(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=20)[18] if len(samples) >= 20 else max(samples)


def measure(name: str, fn, runs: int) -> None:
    for _ in range(5):
        fn()
    samples = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - t) * 1000)
    print(f"{name:<52} p50 {statistics.median(samples):7.2f} ms   p95 {p95(samples):7.2f} ms   "
          f"max {max(samples):7.2f} ms", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cases", type=int, default=200_000)
    parser.add_argument("--rebuild", action="store_true", help="drop and rebuild the database")
    parser.add_argument("--runs", type=int, default=200)
    args = parser.parse_args()
    if args.rebuild:
        import psycopg

        with psycopg.connect("host=127.0.0.1 user=postgres dbname=postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{DB}"')
    ensure_database()
    import django

    django.setup()
    from accounts.models import User
    from assets import selectors
    from assets.models import Asset, ControlMeasure, LedgerEntry
    from cases.models import Case

    from django.db import connection

    if "assets_ledgerentry" not in connection.introspection.table_names() or not Case.objects.exists():
        print(f"Building {args.cases:,} cases in {DB} ...", flush=True)
        seconds, _figures = build(args.cases)
        print(f"Build: {seconds:.0f} s", flush=True)
    n = Case.objects.count()
    print(f"Data: {n:,} cases, {Asset.objects.count():,} assets, {ControlMeasure.objects.count():,} control "
          f"measures, {LedgerEntry.objects.count():,} ledger entries", flush=True)

    chief = User.objects.get(username="chief")
    finance = User.objects.get(username="finance1")
    officer = User.objects.get(username="bench_007")
    rng = random.Random(7)

    def page(qs):
        """What the list pages run: the first 50 rows and a look-ahead row (no COUNT)."""
        return selectors.page_window(qs, 1)

    def count(qs):
        return qs.count()

    count_chief = count(selectors.controls_expiring(user=chief, within_days=30))
    count_officer = count(selectors.controls_expiring(user=officer, within_days=30))
    count_awaiting = count(selectors.funds_awaiting(user=finance))
    print(f"Expiring within 30 days: {count_chief:,} (court), {count_officer:,} (one officer's teams); "
          f"receipts awaiting payout: {count_awaiting:,}", flush=True)
    measure("case balance (random case)", lambda: selectors.case_balance(case_id=rng.randint(1, n)), args.runs)
    measure("expiring controls, 30 days, first page (chief)",
            lambda: selectors.controls_expiring_window(user=chief, within_days=30), args.runs)
    measure("expiring controls, 30 days, first page (officer)",
            lambda: selectors.controls_expiring_window(user=officer, within_days=30), args.runs)
    measure("funds awaiting payout, first page (finance)",
            lambda: page(selectors.funds_awaiting(user=finance)), args.runs)


if __name__ == "__main__":
    main()

"""Benchmark of the reports: KPI rollup, dashboard page, weekly and yearly reports on a million cases.

    .venv/bin/python bench/reports_kpi.py [--cases 1000000] [--years 5] [--requests 40] [--rebuild-data]
                                          [--build-only] [--skip-full]

Builds (once; reused on later runs unless --rebuild-data) its own database ``enf_bench_reports``: one basic court
with 5 teams and 40 officers, ``--cases`` cases filed evenly over ``--years`` years up to today (80% 首执, 12% 执恢,
8% 执保), most closed after 10-400 days in the six modes, 6% reassigned once, 3% with a suspension; all by
INSERT ... SELECT generate_series (history triggers off during the load). Then it measures:

* the rollup rebuild of the whole court in full, and incrementally (what beat runs every 15 minutes and a report
  runs first): after a busy day's changes made through the case tables, only the changed cases are recomputed;
* the dashboard page (GET /reports/ through the Django test client, each request a different week): p50, p95;
* a weekly report and a yearly report (figures + PDF), with and without the rollup rebuild first.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DB = "enf_bench_reports"
URL = f"postgres://postgres@127.0.0.1:5432/{DB}"


def sh(cmd: list[str], env=None) -> None:
    subprocess.run(cmd, check=True, cwd=ROOT, env=env)


def ensure_database() -> None:
    import psycopg

    with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DB]).fetchone():
            conn.execute(f'CREATE DATABASE "{DB}"')
    env = os.environ | {"DATABASE_URL": URL, "DJANGO_DEBUG": "1", "ENF_INSECURE_HTTP": "1"}
    try:
        sh([sys.executable, "manage.py", "migrate", "-v0"], env=env)
    except subprocess.CalledProcessError:
        # Another app's migrations were rewritten since this database was built: keep the case data, bring the
        # reports tables up to date, and say so (use --rebuild-data after dropping the database for a clean run).
        print("warning: full migrate failed on the existing benchmark database; migrating reports only")
        sh([sys.executable, "manage.py", "migrate", "reports", "-v0"], env=env)


def setup_django() -> None:
    os.environ.update({"DATABASE_URL": URL, "DJANGO_DEBUG": "1", "ENF_INSECURE_HTTP": "1",
                       "DJANGO_SETTINGS_MODULE": "enforcement.settings",
                       "DJANGO_EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
                       "DJANGO_ALLOWED_HOSTS": "testserver,127.0.0.1"})
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


LOAD_SQL = """
SET session_replication_role = replica;
SELECT setseed(0.42);
INSERT INTO cases_case (court_id, year, case_type, serial, number, account_reference, received_on, filed_on,
    non_litigation, basis_kind, basis_issuer, basis_number, basis_effective_on, cause, obligation_kind,
    act_description, principal, interest_awarded, litigation_costs, other_amount, amount_claimed, amount_recovered,
    stream, stream_overridden, tags, stage, resume_stage, closed_on, closure_mode, intake_warnings, created_at,
    updated_at, team_id, officer_id)
SELECT %(court)s, extract(year FROM f.filed)::int, f.ctype, f.g, '（' || extract(year FROM f.filed)::int || '）甘0599'
       || f.ctype || f.g || '号', 'B' || lpad(f.g::text, 12, '0'), f.filed, f.filed, false, 'judgment', '法院',
       'B' || f.g, f.filed - 60, '', 'money', '', f.amount, 0, 0, 0, f.amount,
       CASE WHEN f.closed <= %(today)s AND f.mode IN ('fulfilled') THEN f.amount
            WHEN f.closed <= %(today)s THEN round(f.amount * f.r3::numeric * 0.3, 2) ELSE round(f.amount * f.r3::numeric * 0.2, 2) END,
       CASE WHEN f.amount >= 500000 THEN 'complex' ELSE 'simple' END, false,
       CASE WHEN f.r2 < 0.06 THEN ARRAY['涉民生'] WHEN f.r2 < 0.08 THEN ARRAY['农民工工资'] ELSE ARRAY[]::varchar[] END,
       CASE WHEN f.closed <= %(today)s THEN 'closed' ELSE 'investigation' END, '',
       CASE WHEN f.closed <= %(today)s THEN f.closed END,
       CASE WHEN f.closed <= %(today)s THEN f.mode ELSE '' END, '[]'::jsonb, now(), now(),
       %(team0)s + (f.officer_idx / 8), %(officer0)s + f.officer_idx
FROM (
    SELECT g, filed, ctype, amount, r2, r3, officer_idx, mode,
           filed + (10 + floor(r1 * r1 * 390))::int AS closed
    FROM (
        SELECT g, (%(start)s::date + floor((g - 1)::numeric * %(days)s / %(n)s)::int) AS filed,
               CASE WHEN g %% 25 < 20 THEN '执' WHEN g %% 25 < 23 THEN '执恢' ELSE '执保' END AS ctype,
               round((1000 + random() * random() * 900000)::numeric, 2) AS amount,
               random() AS r1, random() AS r2, random() AS r3, (g * 7) %% 40 AS officer_idx,
               (ARRAY['fulfilled','fulfilled','fulfilled','fulfilled','terminated_round','terminated_round',
                      'terminated_round','terminated','withdrawn','refused','rejected'])[1 + (g * 13) %% 11] AS mode
        FROM generate_series(1, %(n)s) g
    ) s
) f;
INSERT INTO cases_assignment (case_id, team_id, officer_id, started_at, ended_at, reason)
SELECT id, team_id, officer_id, filed_on + time '09:00', NULL, '' FROM cases_case WHERE court_id = %(court)s;
-- 6%% moved once to the next officer (and maybe team), half-way through their life
WITH moved AS (
    SELECT c.id, c.filed_on + ((COALESCE(c.closed_on, %(today)s) - c.filed_on) / 2) AS on_day, c.officer_id
    FROM cases_case c WHERE c.court_id = %(court)s AND c.id %% 50 < 3
)
UPDATE cases_assignment a SET ended_at = m.on_day + time '15:00'
FROM moved m WHERE a.case_id = m.id AND m.on_day > (SELECT filed_on FROM cases_case WHERE id = m.id);
INSERT INTO cases_assignment (case_id, team_id, officer_id, started_at, ended_at, reason)
SELECT a.case_id, %(team0)s + (((a.officer_id - %(officer0)s + 1) %% 40) / 8), %(officer0)s + ((a.officer_id - %(officer0)s + 1) %% 40),
       a.ended_at, NULL, 'bench move'
FROM cases_assignment a WHERE a.ended_at IS NOT NULL AND a.case_id IN (SELECT id FROM cases_case WHERE court_id = %(court)s);
UPDATE cases_case c SET team_id = a.team_id, officer_id = a.officer_id
FROM cases_assignment a WHERE a.case_id = c.id AND a.reason = 'bench move';
INSERT INTO cases_termpause (case_id, kind, started_on, ended_on, reason)
SELECT id, 'suspension', filed_on + 20, LEAST(filed_on + 80, COALESCE(closed_on, filed_on + 80)), ''
FROM cases_case WHERE court_id = %(court)s AND id %% 100 < 3 AND (closed_on IS NULL OR closed_on > filed_on + 20);
SET session_replication_role = origin;
"""


def build(n: int, years: int) -> None:
    from django.db import connection

    from accounts.models import Court, CourtLevel, Role, Team, TeamKind, User

    high, _ = Court.objects.get_or_create(code="甘", defaults={"name": "甘肃省高级人民法院", "level": CourtLevel.HIGH})
    court, _ = Court.objects.get_or_create(code="甘0599", defaults={"name": "基准测试法院", "level": CourtLevel.BASIC,
                                                                   "parent": high})
    if not Team.objects.filter(court=court).exists():
        teams = [Team.objects.create(court=court, name=f"执行实施{i + 1}组", kind=TeamKind.IMPLEMENTATION)
                 for i in range(5)]
        users = User.objects.bulk_create([User(username=f"bench_officer{i}", court=court, roles=[Role.OFFICER],
                                               full_name=f"承办人{i:02d}") for i in range(40)])
        for i, u in enumerate(users):
            u.teams.set([teams[i // 8]])
        User.objects.create_user(username="bench_chief", password="Bench-password-1", court=court,
                                 roles=[Role.CHIEF], full_name="局长", email="chief@bench.invalid")
    teams = list(Team.objects.filter(court=court).order_by("pk"))
    officers = list(User.objects.filter(username__startswith="bench_officer").order_by("pk"))
    assert [t.pk for t in teams] == list(range(teams[0].pk, teams[0].pk + 5)), "team ids must be consecutive"
    assert [u.pk for u in officers] == list(range(officers[0].pk, officers[0].pk + 40)), "officer ids consecutive"
    today = date.today()
    start = today - timedelta(days=365 * years)
    with connection.cursor() as cur:
        cur.execute("DELETE FROM reports_dailystat; DELETE FROM reports_monthstat;")
        cur.execute("SET session_replication_role = replica")
        cur.execute("DELETE FROM cases_termpause; DELETE FROM cases_assignment; DELETE FROM cases_case")
        cur.execute("SET session_replication_role = origin")
        t0 = time.monotonic()
        cur.execute(LOAD_SQL, {"court": court.pk, "n": n, "days": (today - start).days, "start": start,
                               "today": today, "team0": teams[0].pk, "officer0": officers[0].pk})
        print(f"load: {n:,} cases in {time.monotonic() - t0:.1f} s")
        t0 = time.monotonic()
        cur.execute("VACUUM ANALYZE cases_case")
        cur.execute("VACUUM ANALYZE cases_assignment")
        cur.execute("VACUUM ANALYZE cases_termpause")
        print(f"vacuum analyze: {time.monotonic() - t0:.1f} s")


def backend_cpu(connection) -> float:
    """CPU seconds used by this connection's database server process (wall time depends on the shared machine)."""
    pid = connection.connection.info.backend_pid
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def percentile(values: list[float], p: float) -> float:
    values = sorted(values)
    k = max(0, min(len(values) - 1, round(p / 100 * (len(values) - 1))))
    return values[k]


def measure(requests: int, skip_full: bool = False) -> None:
    from django.db import connection
    from django.test import Client
    from django.utils import translation

    from accounts.models import Court, User
    from reports import engine, services
    from reports.models import RollupState
    from reports.periods import Period
    from reports.selectors import ReportScope

    court = Court.objects.get(code="甘0599")
    with connection.cursor() as cur:
        cur.execute("SELECT count(*), count(closed_on), min(filed_on), max(filed_on) FROM cases_case")
        total, closed, first, last = cur.fetchone()
    print(f"data: {total:,} cases ({closed:,} closed), filed {first} .. {last}")
    connection.ensure_connection()
    cpu = backend_cpu(connection)
    t0 = time.monotonic()
    info = engine.rollup_rebuild(court.pk, full=not skip_full)
    rebuild = time.monotonic() - t0
    print(f"  (database CPU {backend_cpu(connection) - cpu:.1f} s)")
    print(f"rollup rebuild (whole court, {info['mode']}): {rebuild:.2f} s, {info['rows']:,} rollup rows "
          f"[{os.popen('uptime').read().strip()}]", flush=True)
    t0 = time.monotonic()
    info = engine.rollup_rebuild(court.pk)
    print(f"rollup rebuild (incremental, nothing changed): {time.monotonic() - t0:.2f} s", flush=True)
    with connection.cursor() as cur:
        cur.execute("ANALYZE reports_dailystat; ANALYZE reports_monthstat;")

    chief = User.objects.get(username="bench_chief")
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(chief)
    today = engine.today()
    timings = []
    for i in range(requests + 3):
        kind = ("week", "week", "month", "quarter")[i % 4]
        day = today - timedelta(days=7 * (i + 1))
        t0 = time.monotonic()
        response = client.get("/reports/", {"period": kind, "start": day.isoformat()})
        elapsed = time.monotonic() - t0
        assert response.status_code == 200, response.status_code
        if i >= 3:  # the first requests warm imports and connections
            timings.append(elapsed * 1000)
    print(f"dashboard page ({len(timings)} requests, week/month/quarter): p50 {statistics.median(timings):.0f} ms, "
          f"p95 {percentile(timings, 95):.0f} ms, max {max(timings):.0f} ms")
    t0 = time.monotonic()
    r = client.get("/reports/cases/", {"period": "quarter", "start": (today - timedelta(days=100)).isoformat(),
                                       "measure": "closed_in_term", "kpi": "in_term_rate", "dim": "team",
                                       "value": court.teams.order_by("pk").first().pk})
    print(f"drill-down page (quarter, one team, closed within term): {(time.monotonic() - t0) * 1000:.0f} ms "
          f"(status {r.status_code})")

    scope = ReportScope(court=court)
    week = Period.containing("week", today - timedelta(days=7))
    year = Period.containing("year", date(today.year - 1, 6, 1))
    with translation.override("zh-hans"):
        services.snapshot_create(scope=scope, period=Period.containing("week", today - timedelta(days=21)),
                                 refresh=False)  # warm the PDF engine (fonts)
        for label, period in (("weekly", week), ("yearly", year)):
            t0 = time.monotonic()
            services.snapshot_create(scope=scope, period=period, refresh=False)
            without = time.monotonic() - t0
            changed = a_days_changes(court)
            cpu = backend_cpu(connection)
            t0 = time.monotonic()
            services.snapshot_create(scope=scope, period=period, refresh=True)
            with_refresh = time.monotonic() - t0
            print(f"  (database CPU {backend_cpu(connection) - cpu:.1f} s)")
            state = RollupState.objects.get(court=court)
            print(f"{label} report (figures + PDF): {without:.2f} s on a fresh rollup; "
                  f"{with_refresh:.2f} s including the rollup rebuild after {changed} "
                  f"({state.mode}: {state.cases:,} cases recomputed in {state.seconds:.2f} s) "
                  f"[{os.popen('uptime').read().strip()}]", flush=True)


def a_days_changes(court) -> str:
    """A busy day's changes through the case tables (the triggers mark them): 1,500 open cases closed, 300 closed
    ones reopened, 300 reassigned, 100 amounts corrected, 50 suspensions. The number of cases stays the same."""
    from django.db import connection

    today = date.today()
    with connection.cursor() as cur:
        cur.execute("""
            WITH pick AS (SELECT id FROM cases_case WHERE court_id = %(court)s AND closed_on IS NULL
                          ORDER BY md5(id::text || %(salt)s) LIMIT 1500)
            UPDATE cases_case c SET closed_on = GREATEST(c.filed_on, %(today)s::date), stage = 'closed',
                   closure_mode = 'fulfilled', amount_recovered = c.amount_claimed
            FROM pick WHERE pick.id = c.id""", {"court": court.pk, "today": today, "salt": str(time.time())})
        cur.execute("""
            WITH pick AS (SELECT id FROM cases_case WHERE court_id = %(court)s AND closed_on IS NOT NULL
                          ORDER BY md5(id::text || %(salt)s) LIMIT 300)
            UPDATE cases_case c SET closed_on = NULL, stage = 'investigation', closure_mode = ''
            FROM pick WHERE pick.id = c.id""", {"court": court.pk, "salt": str(time.time())})
        cur.execute("""
            CREATE TEMP TABLE bench_pick AS SELECT c.id FROM cases_case c
            WHERE c.court_id = %(court)s AND c.closed_on IS NULL
            ORDER BY md5(c.id::text || %(salt)s) LIMIT 300""", {"court": court.pk, "salt": str(time.time())})
        cur.execute("""UPDATE cases_assignment a SET ended_at = now() FROM bench_pick p
                       WHERE a.case_id = p.id AND a.ended_at IS NULL""")
        cur.execute("""
            INSERT INTO cases_assignment (case_id, team_id, officer_id, started_at, ended_at, reason)
            SELECT p.id, (SELECT min(id) FROM accounts_team WHERE court_id = %(court)s),
                   (SELECT min(id) FROM accounts_user WHERE username LIKE 'bench_officer%%'), now(), NULL, 'bench day'
            FROM bench_pick p""", {"court": court.pk})
        cur.execute("DROP TABLE bench_pick")
        cur.execute("""
            UPDATE cases_case c SET team_id = a.team_id, officer_id = a.officer_id
            FROM cases_assignment a WHERE a.case_id = c.id AND a.reason = 'bench day' AND a.ended_at IS NULL""")
        cur.execute("""
            WITH pick AS (SELECT id FROM cases_case WHERE court_id = %(court)s
                          ORDER BY md5(id::text || %(salt)s) LIMIT 100)
            UPDATE cases_case c SET amount_claimed = c.amount_claimed + 100 FROM pick WHERE pick.id = c.id""",
                    {"court": court.pk, "salt": str(time.time())})
        cur.execute("""
            INSERT INTO cases_termpause (case_id, kind, started_on, ended_on, reason)
            SELECT id, 'suspension', %(today)s, NULL, 'bench day' FROM cases_case
            WHERE court_id = %(court)s AND closed_on IS NULL ORDER BY md5(id::text || %(salt)s) LIMIT 50""",
                    {"court": court.pk, "today": today, "salt": str(time.time())})
        cur.execute("SELECT count(DISTINCT case_id) FROM reports_rollupdirty WHERE court_id = %s", [court.pk])
        dirty = cur.fetchone()[0]
    return f"a day's changes to {dirty:,} cases"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--years", type=int, default=5)
    parser.add_argument("--requests", type=int, default=40)
    parser.add_argument("--rebuild-data", action="store_true")
    parser.add_argument("--build-only", action="store_true", help="build the database and stop")
    parser.add_argument("--skip-full", action="store_true",
                        help="bring the rollup up to date incrementally instead of first rebuilding it in full")
    args = parser.parse_args()
    ensure_database()
    setup_django()
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("SELECT count(*) FROM cases_case")
        have = cur.fetchone()[0]
    if args.rebuild_data or have != args.cases:
        build(args.cases, args.years)
    if args.build_only:
        return
    measure(args.requests, skip_full=args.skip_full)


if __name__ == "__main__":
    main()

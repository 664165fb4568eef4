"""Benchmark: the deadline scan over N open cases (default 1,000,000) with their parties, actions, pauses, assets,
control measures, ledger entries, leads and petitions, generated with SQL in the database enf_bench_deadlines; and
the "my deadlines" page's p95.

    .venv/bin/python bench/deadlines_scan.py [--cases 1000000] [--rebuild] [--requests 200] [--build-only]
                                             [--skip-first] [--first-only]

Prints: build time, each scan's wall time, the database server's CPU time and number of SQL queries (the same
whatever N), rows computed and changed, reminders created, the load average, and the statements over 2 s; the
page's p50/p95. The machine is shared, so the CPU time is the comparable figure. To rerun the cold scan, keep a copy
of the freshly built database (CREATE DATABASE ... TEMPLATE enf_bench_deadlines) and restore it.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DB = "enf_bench_deadlines"
os.environ.update({
    "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{DB}", "DJANGO_DEBUG": "1", "ENF_INSECURE_HTTP": "1",
    "DJANGO_SETTINGS_MODULE": "enforcement.settings", "DJANGO_ALLOWED_HOSTS": "testserver,127.0.0.1,localhost",
    "DJANGO_EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend", "DJANGO_LOG_LEVEL": "WARNING",
})
os.environ.pop("REDIS_URL", None)

OFFICERS = 400
TEAMS = 40


def ensure_database() -> None:
    import psycopg

    with psycopg.connect("host=127.0.0.1 user=postgres dbname=postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DB]).fetchone():
            conn.execute(f'CREATE DATABASE "{DB}"')


def build(n: int) -> float:
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
    users = [User(username=f"bench_{i:03d}", full_name=f"执行员{i:03d}", court=court, roles=[Role.OFFICER],
                  email=f"bench_{i:03d}@court.invalid", password="!")
             for i in range(OFFICERS) if f"bench_{i:03d}" not in existing]
    User.objects.bulk_create(users)
    officers = list(User.objects.filter(username__startswith="bench_").order_by("username"))
    through = User.teams.through
    through.objects.filter(user__in=officers).delete()
    through.objects.bulk_create([through(user_id=u.pk, team_id=teams[i % TEAMS].pk) for i, u in enumerate(officers)])
    for i, team in enumerate(teams):
        team.leader = officers[i]
        team.save(update_fields=["leader"])
    officer_ids = [u.pk for u in officers]
    team_ids = [teams[i % TEAMS].pk for i in range(OFFICERS)]
    today = timezone.localdate()
    p = {"n": n, "today": today, "court": court.pk, "officers": officer_ids, "teams": team_ids,
         "actor": officer_ids[0], "k": OFFICERS}
    steps = [
        ("cases", """
            INSERT INTO cases_case (id, year, case_type, serial, number, account_reference, received_on, filed_on,
                non_litigation, basis_kind, basis_issuer, basis_number, basis_effective_on, cause, obligation_kind,
                act_description, principal, interest_awarded, litigation_costs, other_amount, amount_claimed,
                amount_recovered, stream, stream_overridden, tags, stage, resume_stage, closure_mode, intake_warnings,
                created_at, updated_at, court_id, officer_id, team_id)
            SELECT g, 2026, '执', g, '（2026）甘0503执' || g || '号', 'B' || g, d - 2, d, false, 'judgment',
                   '天水市麦积区人民法院', '（2025）甘0503民初' || g || '号', d - 60, '', 'money', '',
                   10000 + g %% 90000, 0, 0, 0, 10000 + g %% 90000, 0, 'simple', false, '{}',
                   (ARRAY['registered','notice','investigation','control','disposal','payout','investigation',
                          'suspended'])[1 + g %% 8], '', '', '[]', now(), now(), %(court)s,
                   (%(officers)s::bigint[])[1 + g %% %(k)s], (%(teams)s::bigint[])[1 + g %% %(k)s]
            FROM (SELECT g, (%(today)s::date - (g %% 200))::date AS d FROM generate_series(1, %(n)s) g) s"""),
        ("parties", """
            INSERT INTO cases_party (id, kind, name, id_kind, id_number, id_flagged, sex, legal_representative, phones,
                                     address, postcode, created_at, updated_at)
            SELECT g, 'person', '被执行人' || g, '', '', false, '', '', '{}', '', '', now(), now()
            FROM generate_series(1, %(n)s) g"""),
        ("case parties", """
            INSERT INTO cases_caseparty (id, role, position, service_address, phone, agent, agent_id_number,
                                         agent_phone, restricted_on, dishonest_listed_on, dishonest_until,
                                         dishonest_ground, case_id, party_id)
            SELECT g, 'respondent', 1, '', '', '', '', '',
                   CASE WHEN g %% 12 = 0 THEN c.filed_on + 20 END,
                   CASE WHEN g %% 30 = 0 THEN c.filed_on + 25 END,
                   CASE WHEN g %% 30 = 0 THEN (c.filed_on + 25 + interval '2 years')::date END,
                   CASE WHEN g %% 30 = 0 THEN '4' ELSE '' END, g, g
            FROM generate_series(1, %(n)s) g JOIN cases_case c ON c.id = g"""),
        ("actions", """
            INSERT INTO cases_action (kind, occurred_on, details, summary, created_at, actor_id, case_id)
            SELECT k, LEAST(c.filed_on + 1 + (c.id %% 9)::int, %(today)s::date), '{}', '', now(), %(actor)s, c.id
            FROM cases_case c CROSS JOIN (VALUES ('notice_served'), ('network_query')) v(k)
            WHERE (k = 'notice_served' AND c.id %% 10 <> 0) OR (k = 'network_query' AND c.id %% 2 = 0)"""),
        ("pauses", """
            INSERT INTO cases_termpause (kind, started_on, ended_on, reason, case_id)
            SELECT 'suspension', c.filed_on + 10, CASE WHEN c.stage = 'suspended' THEN NULL ELSE c.filed_on + 40 END,
                   '', c.id
            FROM cases_case c WHERE c.stage = 'suspended' OR c.id %% 20 = 0"""),
        ("extensions", """
            INSERT INTO cases_termextension (months, reason, approved_on, reported_to_high_court, approved_by_id,
                                             case_id)
            SELECT 3, '案情复杂', c.filed_on + 150, false, %(actor)s, c.id FROM cases_case c WHERE c.id %% 33 = 0"""),
        ("assets", """
            INSERT INTO assets_asset (id, kind, description, bank_name, account_number, certificate_number,
                plate_number, company_name, share, location, source, source_note, objection_pending, created_at,
                case_id, owner_id)
            SELECT g, (ARRAY['bank_deposit','real_estate','vehicle'])[1 + g %% 3], '财产' || g, '', '', '', '', '',
                   '', '', 'network_query', '', false, now(), g, g
            FROM generate_series(1, %(n)s) g WHERE g %% 10 < 7"""),
        ("controls", """
            INSERT INTO assets_controlmeasure (kind, preservation, ordered_on, ruling_number, assisting_body,
                queue_rank, status, effective_on, expires_on, renewals, released_on, release_ground, release_note,
                created_at, asset_id, case_id, court_id, team_id)
            SELECT CASE a.kind WHEN 'bank_deposit' THEN 'freeze' WHEN 'vehicle' THEN 'detention' ELSE 'seizure' END,
                   a.id %% 10 = 1, c.filed_on + 5, '裁定' || a.id, '协助单位', 1,
                   CASE WHEN a.id %% 7 = 0 THEN 'released' ELSE 'active' END,
                   CASE WHEN a.id %% 7 = 0 THEN NULL ELSE c.filed_on + 5 END,
                   CASE WHEN a.id %% 7 = 0 THEN NULL ELSE (c.filed_on + 5 + make_interval(months =>
                        CASE a.kind WHEN 'bank_deposit' THEN 12 WHEN 'vehicle' THEN 24 ELSE 36 END))::date END,
                   0, CASE WHEN a.id %% 7 = 0 THEN c.filed_on + 30 END,
                   CASE WHEN a.id %% 7 = 0 THEN 'debt_paid' ELSE '' END, '', now(), a.id, c.id, c.court_id, c.team_id
            FROM assets_asset a JOIN cases_case c ON c.id = a.case_id"""),
        ("ledger", """
            INSERT INTO assets_ledgerentry (kind, amount, signed_amount, occurred_on, recorded_at, payer, reference,
                memo, payout_due_on, paid_out_on, case_id, court_id)
            SELECT 'bank_deduction', 5000, 5000, LEAST(c.filed_on + 20, %(today)s::date), now(), '', '', '',
                   LEAST(c.filed_on + 20, %(today)s::date) + 30,
                   CASE WHEN c.id %% 10 < 7 THEN LEAST(c.filed_on + 35, %(today)s::date) END, c.id, c.court_id
            FROM cases_case c WHERE c.id %% 2 = 1"""),
        ("leads", """
            INSERT INTO cases_lead (received_at, urgent, source, description, due_at, handled_at, result, outcome,
                                    case_id)
            SELECT (c.filed_on + 15)::timestamptz, c.id %% 5 = 0, 'applicant', '线索', (c.filed_on + 22)::timestamptz,
                   CASE WHEN c.id %% 3 <> 0 THEN (c.filed_on + 18)::timestamptz END,
                   CASE WHEN c.id %% 3 <> 0 THEN '已核实' ELSE '' END, '', c.id
            FROM cases_case c WHERE c.id %% 10 = 3 AND c.filed_on + 15 <= %(today)s::date"""),
        ("petitions", """
            INSERT INTO cases_petition (kind, petitioner, received_on, due_on, content, reply, case_id)
            SELECT 'petition', '申请人', c.filed_on + 30, c.filed_on + 45, '催促执行', '', c.id
            FROM cases_case c WHERE c.id %% 50 = 7 AND c.filed_on + 30 <= %(today)s::date"""),
    ]
    with connection.cursor() as cursor:
        cursor.execute("SET session_replication_role = replica")  # bulk load: skip audit triggers and FK checks
        cursor.execute("SET work_mem = '256MB'")
        for name, sql in steps:
            t = time.perf_counter()
            cursor.execute(sql, p)
            print(f"  built {name:<13} {cursor.rowcount:>10,} rows in {time.perf_counter() - t:6.1f} s", flush=True)
        cursor.execute("SET session_replication_role = origin")
        for table in ("cases_case", "cases_party", "cases_caseparty", "assets_asset"):
            cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")
    connection.close()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    return time.perf_counter() - started


class QueryCounter:
    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


def backend_cpu(connection) -> float:
    """CPU seconds the database server process of this connection has used (the machine is shared: wall time
    depends on the other load, this does not)."""
    pid = connection.connection.info.backend_pid
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def workers_cpu(connection) -> float:
    """CPU seconds of the database server's processes that have exited (the postmaster's reaped children): the
    parallel workers of this connection's statements, but also any other session that ended meanwhile."""
    pid = connection.connection.info.backend_pid
    ppid = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1]
    fields = Path(f"/proc/{ppid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[13]) + int(fields[14])) / os.sysconf("SC_CLK_TCK")


def timed_scan(label: str, today) -> None:
    from django.db import connection

    from deadlines.services import deadlines_scan

    counter = QueryCounter()
    connection.ensure_connection()
    cpu, workers = backend_cpu(connection), workers_cpu(connection)
    t = time.perf_counter()
    with connection.execute_wrapper(counter):
        result = deadlines_scan(today=today, trigger="bench")
    elapsed = time.perf_counter() - t
    cpu = backend_cpu(connection) - cpu
    workers = workers_cpu(connection) - workers
    r = result.recompute
    print(f"{label:<34} {elapsed:7.1f} s (database CPU {cpu:5.1f} s, exited server processes {workers:5.1f} s)  "
          f"{counter.count:3d} queries  "
          f"{r.mode:<11} {r.cases:>8,} cases recomputed  {r.rows:>10,} deadlines computed  "
          f"{r.changed:>9,} changed  {result.reminders:>9,} reminders  {result.emails:>4} e-mails  "
          f"[{os.popen('uptime').read().strip()}]", flush=True)
    print("    steps: " + ", ".join(f"{k} {v:.1f} s" for k, v in result.seconds.items()), flush=True)
    for seconds, sql in r.timings + result.timings:
        if seconds >= float(os.environ.get("BENCH_SLOW_SECONDS", "2")):
            print(f"    {seconds:6.1f} s  {sql}", flush=True)


def page_p95(requests: int) -> None:
    from django.db import connection, reset_queries
    from django.test import Client
    from django.urls import reverse

    from accounts.models import User
    from deadlines.models import Deadline

    user = User.objects.get(username="bench_007")
    open_count = Deadline.objects.filter(responsible=user, status__in=["open", "overdue"]).count()
    client = Client()
    client.force_login(user)
    url = reverse("deadlines:mine")
    for view in ("list", "calendar"):
        client.get(url, {"view": view})  # warm up
        times = []
        for i in range(requests):
            params = {"view": view, "page": 1 + i % 3} if view == "list" else {"view": view}
            reset_queries()
            t = time.perf_counter()
            response = client.get(url, params)
            times.append((time.perf_counter() - t) * 1000)
            assert response.status_code == 200
        queries = len(connection.queries)
        times.sort()
        p95 = times[int(len(times) * 0.95) - 1]
        print(f'"my deadlines" ({view}, {open_count:,} open deadlines of this officer): '
              f"p50 {statistics.median(times):.1f} ms, p95 {p95:.1f} ms, {queries} queries/request")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--build-only", action="store_true", help="build the database and stop")
    parser.add_argument("--skip-first", action="store_true",
                        help="the deadlines are already computed (an earlier run): start with the hourly scan")
    parser.add_argument("--first-only", action="store_true",
                        help="the first computation only (then compare the table, e.g. its md5, across code versions)")
    args = parser.parse_args()
    if args.rebuild:
        import psycopg

        with psycopg.connect("host=127.0.0.1 user=postgres dbname=postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{DB}" WITH (FORCE)')
    ensure_database()
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass('cases_case') IS NOT NULL")
        exists = cursor.fetchone()[0]
        if exists:
            cursor.execute("SELECT count(*) FROM cases_case")
            exists = cursor.fetchone()[0] == args.cases
    if not exists:
        if args.rebuild is False and connection.introspection.table_names():
            print("database holds other data; rerun with --rebuild")
            return
        print(f"building {args.cases:,} open cases in {DB} ...", flush=True)
        print(f"built in {build(args.cases):.0f} s", flush=True)
    else:
        call_command("migrate", verbosity=0)  # a database built by an older version
    from cases.models import Case

    print(f"{Case.objects.count():,} cases; machine: {os.cpu_count()} cores", flush=True)
    if args.build_only:
        return
    today = timezone.localdate()
    from deadlines.models import Deadline, Notification, Reminder

    Reminder.objects.all().delete() if "--fresh" in sys.argv else None
    if not args.skip_first:
        timed_scan("scan 1 (first computation)", today)
    if args.first_only:
        print(f"{Deadline.objects.count():,} deadline rows, {Reminder.objects.count():,} reminders, "
              f"{Notification.objects.count():,} notifications")
        return
    timed_scan("scan 2 (nothing changed)", today)
    import psycopg

    # Some facts change: 1,000 notices served, 1,000 freezes renewed, written by another database connection (as an
    # import or another process would: listed for the scan with that connection's pid, which has ended), so that
    # scan 3 measures the scan's incremental path. Written on this connection, the scan's own first commit would
    # recompute them (deadlines.on_commit; bench/deadlines_on_commit.py measures that path) and scan 3 would find
    # nothing to do.
    with psycopg.connect(f"host=127.0.0.1 user=postgres dbname={DB}", autocommit=True) as other:
        other.execute("""INSERT INTO cases_action (kind, occurred_on, details, summary, created_at, actor_id, case_id)
                         SELECT 'notice_served', %s, '{}', '', now(), c.officer_id, c.id FROM cases_case c
                         WHERE c.id %% 10 = 0 AND c.id <= 10000""", [today])
        other.execute("""UPDATE assets_controlmeasure SET expires_on = expires_on + 365, renewals = renewals + 1
                         WHERE id IN (SELECT id FROM assets_controlmeasure WHERE status = 'active' LIMIT 1000)""")
    timed_scan("scan 3 (2,000 facts changed)", today)
    timed_scan("scan 4 (next day)", today + timedelta(days=1))
    print(f"{Deadline.objects.count():,} deadline rows, {Reminder.objects.count():,} reminders, "
          f"{Notification.objects.count():,} notifications")
    page_p95(args.requests)


if __name__ == "__main__":
    main()

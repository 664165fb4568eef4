"""Benchmark: case search and the my-cases page with 1,000,000 cases and 2,000,000 parties.

    .venv/bin/python bench/cases_search.py [--cases 1000000] [--parties 2000000] [--rebuild] [--runs 60]

Builds its own database ``enf_bench_cases`` (created and migrated by this script) with SQL ``INSERT ... SELECT
generate_series`` - 100 courts, 20 officers each, cases spread over ten years, two parties per case - and then times,
through the real pages (Django test client, signed in as the court's chief or an officer):

* search by party name (a full 3-character name and a 2-character prefix; similar-name search separately),
* search by ID number,
* search by case number (full and partial),
* the my-cases page of an officer.

Party names are searched in the per-court search table ``cases_partysearch`` (filled here with one INSERT ... SELECT
after the case parties, as ``manage.py party_search_rebuild`` does).

It prints p50/p95/max in milliseconds per scenario. The data is kept between runs (``--rebuild`` to start over).
The audit triggers are disabled while the bulk load runs (this is the benchmark's own database) and enabled again.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DB_NAME = "enf_bench_cases"
DB_URL = f"postgres://postgres@127.0.0.1:5432/{DB_NAME}"
os.environ["DATABASE_URL"] = DB_URL
# Production settings, as a web worker runs them: DEBUG off (no query log), the process warmed up by
# enforcement/wsgi.py. Plain static file names, so no collectstatic is needed.
os.environ.setdefault("DJANGO_DEBUG", "0")
os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz")
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver")
os.environ.setdefault("ENF_STATIC_MANIFEST", "0")
os.environ.setdefault("ENF_INSECURE_HTTP", "1")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "enforcement.settings")

COURTS = 100
OFFICERS_PER_COURT = 20
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文"
GIVEN = "建国华志强秀英桂丽军洋勇艳杰娟涛明超兰霞平刚玉海燕文斌鹏辉婷红梅晓东春生小永德胜宝山金卫亚天佑龙淑珍淑芬凤云荣"


# A person's name: surname + one or two given characters, from three independent hashes of the row number, so that
# about 2.6 million combinations are spread over the people (a real county has few namesakes per full name).
PERSON_NAME = """substr(%(s)s::text, (1 + (g * 7919) %% 100)::int, 1)
                 || substr(%(n)s::text, (1 + ((g * 104729) / 100) %% 50)::int, 1)
                 || CASE WHEN (g * 15485863) %% 5 = 0 THEN ''
                         ELSE substr(%(n)s::text, (1 + ((g * 1299709) / 5000) %% 50)::int, 1) END"""


def admin_connect():
    import psycopg

    return psycopg.connect("postgres://postgres@127.0.0.1:5432/postgres", autocommit=True)


def ensure_database(rebuild: bool) -> str:
    """Create and migrate the database; say what is left to build: "all", "links" or ""."""
    with admin_connect() as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DB_NAME]).fetchone()
        if exists and rebuild:
            conn.execute(f'DROP DATABASE "{DB_NAME}" WITH (FORCE)')
            exists = None
        if not exists:
            conn.execute(f'CREATE DATABASE "{DB_NAME}"')
    migrated = subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, stdout=subprocess.DEVNULL,
                              stderr=subprocess.PIPE, text=True)
    if migrated.returncode:
        if not exists:
            raise SystemExit(migrated.stderr)
        # Another app's migrations may have changed under a kept database; the cases tables are what we measure.
        print("warning: migrate failed on the kept database (use --rebuild for a clean one):",
              migrated.stderr.strip().splitlines()[-1])
    import psycopg

    with psycopg.connect(DB_URL) as conn:
        if not conn.execute("SELECT exists(SELECT 1 FROM cases_case)").fetchone()[0]:
            return "all"
        if not conn.execute("SELECT exists(SELECT 1 FROM cases_caseparty)").fetchone()[0]:
            return "links"
        if not conn.execute("SELECT exists(SELECT 1 FROM cases_partysearch)").fetchone()[0]:
            return "search"
        return ""


def build(n_cases: int, n_parties: int) -> None:
    import psycopg

    t0 = time.perf_counter()
    tracked = ["cases_case", "cases_party", "cases_caseparty"]
    with psycopg.connect(DB_URL, autocommit=True) as conn:
        conn.execute("SET maintenance_work_mem = '256MB'")
        for table in tracked:
            conn.execute(f"ALTER TABLE {table} DISABLE TRIGGER USER")
        conn.execute("DROP INDEX IF EXISTS party_name_trgm")
        conn.execute("DROP INDEX IF EXISTS case_number_trgm")
        conn.execute("""
            INSERT INTO accounts_court (code, name, level, admin_division_code, address, postcode, phone,
                                        fund_account_name, fund_account_bank, fund_account_number)
            SELECT '甘' || lpad(g::text, 4, '0'), '测试法院' || g, 'basic', lpad((620000 + g)::text, 6, '0'),
                   '', '', '', '', '', ''
            FROM generate_series(1, %s) g
        """, [COURTS])
        conn.execute("""
            INSERT INTO accounts_team (court_id, name, kind, is_active, is_disposal_team)
            SELECT c.id, '执行实施' || t || '组', 'implementation', true, false
            FROM accounts_court c, generate_series(1, 4) t
        """)
        conn.execute("""
            INSERT INTO accounts_user (password, is_superuser, username, first_name, last_name, email, is_staff,
                                       is_active, date_joined, court_id, full_name, phone, roles)
            SELECT '!', false, 'o' || c.id || '_' || o, '', '', '', false, true, now(), c.id, '干警' || o, '',
                   ARRAY['officer']
            FROM accounts_court c, generate_series(1, %s) o
        """, [OFFICERS_PER_COURT])
        conn.execute("""
            INSERT INTO accounts_user (password, is_superuser, username, first_name, last_name, email, is_staff,
                                       is_active, date_joined, court_id, full_name, phone, roles)
            SELECT '!', false, 'chief' || c.id, '', '', '', false, true, now(), c.id, '局长', '', ARRAY['chief']
            FROM accounts_court c
        """)
        conn.execute("""
            INSERT INTO accounts_user_teams (user_id, team_id)
            SELECT u.id, (SELECT t.id FROM accounts_team t WHERE t.court_id = u.court_id ORDER BY t.id
                          LIMIT 1 OFFSET (split_part(u.username, '_', 2)::int % 4))
            FROM accounts_user u WHERE u.username LIKE 'o%%\\_%%'
        """)
        print(f"  organisation: {time.perf_counter() - t0:.1f}s", flush=True)
        conn.execute("""
            INSERT INTO cases_party (kind, name, id_kind, id_number, id_flagged, sex, legal_representative, phones,
                                     address, postcode, created_at, updated_at)
            SELECT CASE WHEN g %% 10 = 0 THEN 'legal_person' ELSE 'person' END,
                   CASE WHEN g %% 10 = 0
                        THEN '天水' || substr(%(s)s::text, (1 + (g / 7) %% 100)::int, 1) || substr(%(n)s::text, (1 + g %% 50)::int, 1)
                             || substr(%(n)s::text, (1 + (g / 50) %% 50)::int, 1) || '商贸有限公司' || (g / 1000)
                        ELSE {PERSON_NAME} END,
                   CASE WHEN g %% 10 = 0 THEN 'uscc' ELSE 'resident_id' END,
                   CASE WHEN g %% 10 = 0 THEN '9162' || lpad(g::text, 14, '0')
                        ELSE '62' || lpad(g::text, 16, '0') END,
                   false, '', '', ARRAY['13' || lpad((g %% 1000000000)::text, 9, '0')], '甘肃省天水市', '', now(),
                   now()
            FROM generate_series(1::bigint, %(n_parties)s) g
        """.replace("{PERSON_NAME}", PERSON_NAME), {"s": SURNAMES, "n": GIVEN, "n_parties": n_parties})
        print(f"  parties: {time.perf_counter() - t0:.1f}s", flush=True)
        # Case i: court 1 + i % 100, year 2016 + (i / 100) % 10, serial i / 1000 + 1; officer by hash; ~8 % open.
        conn.execute("""
            WITH c AS (SELECT id, code, row_number() OVER (ORDER BY id) - 1 AS k FROM accounts_court),
                 o AS (SELECT u.id, u.court_id, ut.team_id, row_number() OVER (PARTITION BY u.court_id ORDER BY u.id) - 1
                              AS k FROM accounts_user u JOIN accounts_user_teams ut ON ut.user_id = u.id)
            INSERT INTO cases_case (court_id, year, case_type, serial, number, account_reference, received_on, filed_on,
                non_litigation, basis_kind, basis_issuer, basis_number, basis_effective_on, cause, obligation_kind,
                act_description, principal, interest_awarded, litigation_costs, other_amount, amount_claimed,
                amount_recovered, stream, stream_overridden, tags, team_id, officer_id, stage, resume_stage, closed_on,
                closure_mode, intake_warnings, created_at, updated_at)
            SELECT c.id, y, '执', s, '（' || y || '）' || c.code || '执' || s || '号',
                   lpad((620000 + c.k)::text, 6, '0') || y || '1' || lpad(s::text, 6, '0'),
                   make_date(y, 1, 1) + (g %% 360), make_date(y, 1, 1) + (g %% 360),
                   false, 'judgment', '测试法院', '（' || (y - 1) || '）民初' || s || '号', make_date(y - 1, 6, 1), '',
                   'money', '', 10000 + g %% 90000, 0, 0, 0, 10000 + g %% 90000,
                   CASE WHEN open THEN 0 ELSE 10000 + g %% 90000 END,
                   CASE WHEN g %% 7 = 0 THEN 'complex' ELSE 'simple' END, false,
                   CASE WHEN g %% 13 = 0 THEN ARRAY['涉民生']::varchar[] ELSE ARRAY[]::varchar[] END,
                   o.team_id, o.id, CASE WHEN open THEN 'investigation' ELSE 'closed' END, '',
                   CASE WHEN open THEN NULL ELSE make_date(y, 1, 1) + (g %% 360) + 90 END,
                   CASE WHEN open THEN '' ELSE 'fulfilled' END, '[]', now(), now()
            FROM (SELECT g, g %% 100 AS ck, 2016 + (g / 100) %% 10 AS y, g / 1000 + 1 AS s,
                         2016 + (g / 100) %% 10 = 2025 OR g %% 97 = 0 AS open,
                         (g * 2654435761) %% %(officers)s AS ok
                  FROM generate_series(0, %(n)s - 1) g) x
            JOIN c ON c.k = x.ck
            JOIN o ON o.court_id = c.id AND o.k = x.ok
        """, {"n": n_cases, "officers": OFFICERS_PER_COURT})
        print(f"  cases: {time.perf_counter() - t0:.1f}s", flush=True)
    build_links(n_parties, t0)


def build_links(n_parties: int, t0: float) -> None:
    """Second half of the build: number sequences, case parties, indexes, triggers back on, statistics."""
    import psycopg

    tracked = ["cases_case", "cases_party", "cases_caseparty"]
    with psycopg.connect(DB_URL, autocommit=True) as conn:
        conn.execute("SET maintenance_work_mem = '256MB'")
        conn.execute("ALTER TABLE cases_caseparty DISABLE TRIGGER USER")
        conn.execute("DELETE FROM cases_casenumbersequence")
        conn.execute("""
            INSERT INTO cases_casenumbersequence (court_id, year, case_type, last_serial)
            SELECT court_id, year, case_type, max(serial) FROM cases_case GROUP BY 1, 2, 3
        """)
        conn.execute("""
            INSERT INTO cases_caseparty (case_id, party_id, role, position, service_address, phone, agent,
                                         agent_id_number, agent_phone, dishonest_ground)
            SELECT c.id, p.id, r.role, 1, '', '', '', '', '', ''
            FROM (SELECT id, row_number() OVER (ORDER BY id) - 1 AS k FROM cases_case) c
            CROSS JOIN (VALUES ('applicant', 0), ('respondent', 1)) r(role, off)
            JOIN cases_party p ON p.id = (SELECT min(id) FROM cases_party)
                                        + ((c.k * 2 + r.off) * 7919) %% %(parties)s
        """, {"parties": n_parties})
        print(f"  case parties: {time.perf_counter() - t0:.1f}s", flush=True)
        conn.execute("CREATE INDEX IF NOT EXISTS party_name_trgm ON cases_party USING gin (name gin_trgm_ops)")
        conn.execute("CREATE INDEX IF NOT EXISTS case_number_trgm ON cases_case USING gin (number gin_trgm_ops)")
        for table in tracked:
            conn.execute(f"ALTER TABLE {table} ENABLE TRIGGER USER")
    build_search(t0)


# The party-name search table's indexes, as cases/migrations/0003_party_search.py creates them.
SEARCH_INDEXES = {
    "party_search_court_prefix": 'ON cases_partysearch (court_id int4_ops, name varchar_pattern_ops)',
    "party_search_court_trgm": 'ON cases_partysearch USING gin (court_id int4_ops, name gin_trgm_ops)',
    "party_search_case": 'ON cases_partysearch (case_id)',
}


def build_search(t0: float) -> None:
    """Fill the party-name search table (what cases.services.search.party_search_rebuild does) with its indexes
    dropped and rebuilt around the load, then analyse."""
    import psycopg

    with psycopg.connect(DB_URL, autocommit=True) as conn:
        conn.execute("SET maintenance_work_mem = '256MB'")
        for name in SEARCH_INDEXES:
            conn.execute(f"DROP INDEX IF EXISTS {name}")
        conn.execute("TRUNCATE cases_partysearch")
        conn.execute("""
            INSERT INTO cases_partysearch (case_party_id, court_id, case_id, name)
            SELECT cp.id, c.court_id, cp.case_id, p.name
            FROM cases_caseparty cp JOIN cases_case c ON c.id = cp.case_id JOIN cases_party p ON p.id = cp.party_id
        """)
        print(f"  party search rows: {time.perf_counter() - t0:.1f}s", flush=True)
        for name, definition in SEARCH_INDEXES.items():
            conn.execute(f"CREATE INDEX {name} {definition}")
        conn.execute("VACUUM ANALYZE")
    print(f"  indexes and analyze: {time.perf_counter() - t0:.1f}s", flush=True)


def percentile(values: list[float], p: float) -> float:
    values = sorted(values)
    index = max(0, min(len(values) - 1, round(p / 100 * len(values) + 0.5) - 1))
    return values[index]


def measure(runs: int) -> None:
    import gc

    started = time.perf_counter()
    import enforcement.wsgi  # noqa: F401 - builds the application and warms the process, as each web worker does
    from django.conf import settings

    print(f"web process start-up (application + warm-up, ENF_WARMUP={int(settings.WARMUP)}): "
          f"{time.perf_counter() - started:.2f} s, {gc.get_freeze_count():,} objects frozen")
    full_gcs: list[float] = []

    def gc_watch(phase, info, _t=[0.0]):
        if info["generation"] == 2:
            if phase == "start":
                _t[0] = time.perf_counter()
            else:
                full_gcs.append((time.perf_counter() - _t[0]) * 1000)

    gc.callbacks.append(gc_watch)
    from django.db import connection
    from django.test import Client

    from accounts.models import User
    from cases.models import Case, CaseParty, Party

    settings.ALLOWED_HOSTS = ["*"]
    # No setup_test_environment(): it makes every render keep a copy of its context for the test client, cyclic
    # garbage that a web worker never makes and whose full collections (~70-90 ms each) set this script's p95.
    rng = random.Random(7)
    court_ids = list(Case.objects.order_by().values_list("court_id", flat=True).distinct()[:COURTS])

    def chief_client(court_id):
        client = Client()
        client.force_login(User.objects.get(username=f"chief{court_id}"))
        # A test Client builds its middleware chain on its first request (~100 ms: WhiteNoise indexes the static
        # files), which a web worker does once at start: built here, untimed.
        client.get("/healthz")
        return client

    clients = {cid: chief_client(cid) for cid in rng.sample(court_ids, 10)}
    samples = []
    for cid in clients:
        ids = list(Case.objects.filter(court_id=cid).order_by("?").values_list("pk", flat=True)[:runs // 10 + 1])
        rows = (CaseParty.objects.filter(case_id__in=ids, role="respondent")
                .values_list("case__court_id", "case__number", "party__name", "party__id_number"))
        samples.extend(rows)
    rng.shuffle(samples)
    samples = samples[:runs]

    scenarios = {
        "party name (full)": lambda s: f"/cases/?q={s[2]}",
        "party name (2-char prefix)": lambda s: f"/cases/?party={s[2][:2]}",
        "party name (similar)": lambda s: f"/cases/?party={s[2]}&fuzzy=on",
        "ID number": lambda s: f"/cases/?q={s[3]}",
        "case number (full)": lambda s: f"/cases/?q={s[1]}",
        "case number (partial)": lambda s: f"/cases/?q={s[1][6:]}",
    }
    # Wall time is what a user waits; on a shared machine much of it is waiting for a CPU. So two more columns: the
    # page's CPU time in this process (view, template), and the time spent in the page's SQL queries as seen from
    # here (execution and round trips, including any wait for the database server's CPU).
    db_ms: list[float] = []

    def timed(execute, sql, params, many, context):
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            db_ms[-1] += (time.perf_counter() - start) * 1000

    print(f"\n{'scenario':<28}{'runs':>6}{'p50 ms':>10}{'p95 ms':>10}{'max ms':>10}{'cpu p50':>9}{'db p50':>8}"
          f"{'db p95':>8}   rows/page")
    for name, url_for in scenarios.items():
        times, cpu, found = [], [], 0
        db_ms.clear()
        for s in samples:
            client = clients[s[0]]
            url = url_for(s)
            db_ms.append(0.0)
            start, start_cpu = time.perf_counter(), time.process_time()
            with connection.execute_wrapper(timed):
                response = client.get(url)
            times.append((time.perf_counter() - start) * 1000)
            cpu.append((time.process_time() - start_cpu) * 1000)
            assert response.status_code == 200, (url, response.status_code)
            found += response.content.count(b'href="/cases/') > 0
        print(f"{name:<28}{len(times):>6}{statistics.median(times):>10.1f}{percentile(times, 95):>10.1f}"
              f"{max(times):>10.1f}{statistics.median(cpu):>9.1f}{statistics.median(db_ms):>8.1f}"
              f"{percentile(db_ms, 95):>8.1f}   {found}/{len(times)} pages with results")
    # The officers of those courts who have open cases (in this data one per court holds them all, ~1,000 each;
    # the page lists 50), each signed in in turn until ``runs`` pages are timed.
    busy = sorted(set(Case.objects.filter(court_id__in=list(clients), closed_on__isnull=True)
                      .values_list("officer_id", flat=True).distinct()) - {None})
    by_id = User.objects.in_bulk(busy)
    officers = [by_id[busy[i % len(busy)]] for i in range(runs)]
    times, sizes = [], []
    # One client, signed in as each officer before the timing: every test Client builds a middleware chain of its
    # own (a web worker builds one), and 60 of them kept alive would be walked by every full garbage collection.
    client = Client()
    client.get("/healthz")  # its middleware chain, as above
    for officer in officers:
        client.force_login(officer)
        start = time.perf_counter()
        response = client.get("/cases/mine/")
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200
        sizes.append(Case.objects.filter(officer=officer, closed_on__isnull=True).count())
    print(f"{'my cases (officer)':<28}{len(times):>6}{statistics.median(times):>10.1f}{percentile(times, 95):>10.1f}"
          f"{max(times):>10.1f}   ~{statistics.mean(sizes):.0f} open cases each")
    print(f"full garbage collections during the requests: {len(full_gcs)}"
          + (f", longest {max(full_gcs):.1f} ms" if full_gcs else ""))
    print(f"\ncases: {Case.objects.count():,}  parties: {Party.objects.count():,}  "
          f"case parties: {CaseParty.objects.count():,}  (server {connection.pg_version})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--parties", type=int, default=2_000_000)
    parser.add_argument("--runs", type=int, default=60)
    parser.add_argument("--rebuild", action="store_true")
    args = parser.parse_args()
    t0 = time.perf_counter()
    todo = ensure_database(args.rebuild)
    if todo == "all":
        print(f"building {args.cases:,} cases and {args.parties:,} parties in {DB_NAME} ...", flush=True)
        build(args.cases, args.parties)
        print(f"built in {time.perf_counter() - t0:.0f}s", flush=True)
    elif todo == "links":
        print("finishing an interrupted build ...", flush=True)
        build_links(args.parties, t0)
    elif todo == "search":
        print("filling the party-name search table ...", flush=True)
        build_search(t0)
    measure(args.runs)


if __name__ == "__main__":
    main()

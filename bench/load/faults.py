"""Fault test (issue 8): restart PostgreSQL, restart Redis and kill -9 a Celery worker mid-task, all under load,
then check that nothing acknowledged was lost, no reminder was doubled or dropped, no payout was paid twice, and that
the system recovered by itself (gunicorn and the worker are never restarted).

Everything runs on PRIVATE servers so that nobody else's database is disturbed: a PostgreSQL 15 cluster made with
initdb in a temporary folder (port 5499) and a redis-server with an append-only file (port 6399). Takes 4-9 minutes
(seeding the demo court is most of it).

    .venv/bin/python bench/load/faults.py                 # prints a report; exit code 0 when every check passes
    .venv/bin/python bench/load/faults.py --keep          # leave the temporary folder for inspection

What runs during the faults:
  * locust: --users officers (officer1..4) browsing and logging actions; each action carries a unique token in its
    note, and every token the server acknowledged (302 after the POST) is written to a file;
  * a payout driver (finance1, REST API) executing the approved payouts of officer1..4's cases, each with an
    Idempotency-Key, retrying on any error with the same key until it gets an answer, and sending every request a
    second time on purpose (a double click);
  * the deadline scan sent to the broker every 3 s, as beat would, "as of" 3 days ahead so it creates reminders;
  * a probe GETting /healthz (database and Redis) every 0.2 s, to time each outage and the recovery.

Checks afterwards:
  * every acknowledged action token is in cases_action;
  * reminders: none doubled (no duplicate natural key), and for the cases the load does not touch (officer5..8's),
    exactly the reminders (and sent e-mails) that one clean scan produces on a copy of the database taken before the
    run (a copy made with CREATE DATABASE ... TEMPLATE);
  * payouts: every payout the driver was told is paid has exactly one disbursement entry; no payout has two;
  * recovery: after each fault the probe succeeds again within --recovery-limit seconds.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from datetime import timedelta
from pathlib import Path

import psycopg
import requests

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
PY = str(ROOT / ".venv" / "bin" / "python") if (ROOT / ".venv" / "bin" / "python").exists() else sys.executable
PGBIN = Path("/usr/lib/postgresql/15/bin")
PASSWORD = "Court-demo-2026"
LOAD_OFFICERS = ["officer1", "officer2", "officer3", "officer4"]
QUIET_OFFICERS = ["officer5", "officer6", "officer7", "officer8"]


def log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", flush=True)


def as_postgres(*cmd: str, **kw) -> subprocess.CompletedProcess:
    """Run a PostgreSQL tool as the postgres user (initdb refuses root)."""
    prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    return subprocess.run([*prefix, *cmd], check=True, capture_output=True, text=True, **kw)


class PrivatePostgres:
    def __init__(self, folder: Path, port: int):
        self.data, self.port, self.folder = folder / "pgdata", port, folder

    def init(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        if os.geteuid() == 0:
            shutil.chown(self.folder, "postgres", "postgres")
        as_postgres(str(PGBIN / "initdb"), "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8",
                    "--locale=C.UTF-8")
        with open(self.data / "postgresql.conf", "a") as conf:
            conf.write(f"\nport = {self.port}\nlisten_addresses = '127.0.0.1'\nunix_socket_directories = "
                       f"'{self.folder}'\nfsync = on\nshared_buffers = 64MB\nmax_connections = 60\n")

    def ctl(self, action: str, *extra: str) -> None:
        as_postgres(str(PGBIN / "pg_ctl"), "-D", str(self.data), "-l", str(self.folder / "pg.log"), "-w",
                    "-m", "fast", action, *extra)

    def url(self, db: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{db}"

    def sql(self, sql: str, db: str = "postgres") -> list:
        with psycopg.connect(self.url(db), autocommit=True) as c:
            cur = c.execute(sql)
            return cur.fetchall() if cur.description else []


class PrivateRedis:
    def __init__(self, folder: Path, port: int):
        self.folder, self.port, self.proc = folder / "redis", port, None

    def start(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        # As in docker-compose.yml: an append-only file, so queued and unacknowledged messages survive a restart.
        self.proc = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--dir", str(self.folder),
             "--appendonly", "yes", "--save", ""], stdout=open(self.folder / "redis.log", "a"),  # noqa: SIM115
            stderr=subprocess.STDOUT, start_new_session=True)
        wait_for(lambda: subprocess.run(["redis-cli", "-p", str(self.port), "ping"], capture_output=True,
                                        text=True).stdout.strip() == "PONG", 20, "redis did not start")

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            subprocess.run(["redis-cli", "-p", str(self.port), "shutdown"], capture_output=True)
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()

    def restart(self) -> None:
        self.stop()
        self.start()


def wait_for(check, timeout: float, message: str) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        try:
            if check():
                return
        except Exception:  # noqa: BLE001 - the thing we wait for may not be up yet
            pass
        time.sleep(0.2)
    raise RuntimeError(message)


# --- drivers ---------------------------------------------------------------------------------------------------

class Probe(threading.Thread):
    """GET /healthz (a database query and a Redis read) every 0.2 s; records (time, ok)."""

    def __init__(self, base: str):
        super().__init__(daemon=True)
        self.base, self.points, self.stop = base, [], threading.Event()

    def run(self):
        s = requests.Session()
        while not self.stop.is_set():
            t = time.time()
            try:
                ok = s.get(f"{self.base}/healthz", timeout=5).status_code == 200
            except requests.RequestException:
                ok = False
                s = requests.Session()
            self.points.append((t, ok))
            self.stop.wait(0.2)


class PayoutDriver(threading.Thread):
    """Executes approved payouts over the API with an Idempotency-Key; retries until answered; double-clicks."""

    def __init__(self, base: str, payout_ids: list[int], interval: float):
        super().__init__(daemon=True)
        self.base, self.ids, self.interval = base, payout_ids, interval
        self.paid: list[int] = []  # acknowledged: 200 with status executed
        self.errors = 0  # 5xx and connection errors, each retried
        self.replays = 0
        self.refused: dict[int, str] = {}
        self.stop = threading.Event()

    def _session(self) -> requests.Session:
        s = requests.Session()
        while not self.stop.is_set():
            try:
                r = s.post(f"{self.base}/api/v1/auth/token/", json={"username": "finance1", "password": PASSWORD,
                                                                     "device": f"faults-{self.name}"},
                           timeout=10)
                if r.status_code == 200:
                    s.headers["Authorization"] = f"Token {r.json()['token']}"
                    return s
            except requests.RequestException:
                pass
            self.errors += 1
            time.sleep(0.5)
        return s

    def run(self):
        s = self._session()
        for pid in self.ids:
            if self.stop.is_set():
                break
            key = f"fault-test-payout-{pid}"
            answered = 0
            while answered < 2 and not self.stop.is_set():  # the second request is the double click
                try:
                    r = s.post(f"{self.base}/api/v1/payouts/{pid}/execute/", headers={"Idempotency-Key": key},
                               timeout=15)
                except requests.RequestException:
                    self.errors += 1
                    time.sleep(0.5)
                    continue
                if r.status_code >= 500:
                    self.errors += 1
                    time.sleep(0.5)
                    continue
                answered += 1
                if r.status_code == 200 and r.json().get("status") == "executed":
                    if answered == 1:
                        self.paid.append(pid)
                    else:
                        self.replays += 1
                else:
                    self.refused[pid] = f"{r.status_code} {r.text[:200]}"
                    break
            self.stop.wait(self.interval)


class ScanSender(threading.Thread):
    """Sends the deadline scan to the broker every ``interval`` seconds, as beat does (but far more often), with a
    simulated clock: each day gets ``per_day`` scans (like the hourly runs of one real day), then the next day comes,
    so every simulated day crosses new reminder thresholds while the faults happen."""

    def __init__(self, env: dict, first_day, interval: float, per_day: int):
        super().__init__(daemon=True)
        self.env, self.day, self.interval, self.per_day = env, first_day, interval, per_day
        self.stop = threading.Event()
        self.days: list[str] = []  # the simulated days, in order
        self.sent = 0
        self.failed = 0

    def run(self):
        code = ("import sys\n"
                "from enforcement.celery import app\n"
                "e = app.conf.beat_schedule['deadlines-scan-hourly']\n"
                "for line in sys.stdin:\n"
                "    try:\n"
                "        app.send_task(e['task'], kwargs={**e['kwargs'], 'as_of': line.strip()})\n"
                "        print('ok', flush=True)\n"
                "    except Exception as exc:\n"
                "        print('fail', type(exc).__name__, flush=True)\n")
        proc = subprocess.Popen([PY, "-c", code], cwd=ROOT, env=self.env, stdin=subprocess.PIPE,
                                stdout=subprocess.PIPE, text=True)
        n = 0
        while not self.stop.is_set():
            if n % self.per_day == 0:
                self.day += timedelta(days=1)
                self.days.append(self.day.isoformat())
            n += 1
            proc.stdin.write(self.day.isoformat() + "\n")
            proc.stdin.flush()
            if proc.stdout.readline().startswith("ok"):
                self.sent += 1
            else:
                self.failed += 1
            self.stop.wait(self.interval)
        proc.stdin.close()
        proc.wait(30)


# --- the run ---------------------------------------------------------------------------------------------------

def outage(points: list, at: float, until: float) -> dict:
    """Errors seen by the probe after a fault at ``at`` and the seconds until it succeeded again for good."""
    window = [(t, ok) for t, ok in points if at <= t < until]
    failed = [t for t, ok in window if not ok]
    if not failed:
        return {"probe_errors": 0, "recovered_after_s": 0.0}
    last_fail = max(failed)
    back = min((t for t, ok in window if ok and t > last_fail), default=None)
    return {"probe_errors": len(failed), "first_error_after_s": round(min(failed) - at, 2),
            "recovered_after_s": round(back - at, 2) if back else None}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--folder", default="/tmp/enf_faults_p2")
    parser.add_argument("--pg-port", type=int, default=5499)
    parser.add_argument("--redis-port", type=int, default=6399)
    parser.add_argument("--port", type=int, default=8621)
    parser.add_argument("--cases", type=int, default=800)
    parser.add_argument("--users", type=int, default=30)
    parser.add_argument("--recovery-limit", type=float, default=30)
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()

    folder = Path(args.folder)
    if folder.exists():
        subprocess.run(["runuser", "-u", "postgres", "--", str(PGBIN / "pg_ctl"), "-D", str(folder / "pgdata"),
                        "-m", "immediate", "stop"], capture_output=True)
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    pg, rd = PrivatePostgres(folder / "pg", args.pg_port), PrivateRedis(folder, args.redis_port)
    procs: list[subprocess.Popen] = []
    report: dict = {"at": time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime()), "uptime_before": uptime()}
    base = f"http://127.0.0.1:{args.port}"
    try:
        log("Starting a private PostgreSQL and Redis")
        pg.init()
        pg.ctl("start")
        rd.start()
        pg.sql("CREATE DATABASE enforcement")
        env = dict(os.environ)
        for key in ("DJANGO_DEBUG", "DATABASE_REPLICA_URL", "CELERY_TASK_ALWAYS_EAGER", "DATABASE_TEST_NAME"):
            env.pop(key, None)
        env.update({
            "DJANGO_SETTINGS_MODULE": "enforcement.settings", "DATABASE_URL": pg.url("enforcement"),
            "DJANGO_SECRET_KEY": "fault-test-not-a-real-secret-" + "x" * 24, "ENF_INSECURE_HTTP": "1",
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost", "ENF_PUBLIC_BASE_URL": base,
            "REDIS_URL": f"redis://127.0.0.1:{args.redis_port}/1",
            "CELERY_BROKER_URL": f"redis://127.0.0.1:{args.redis_port}/0",
            "ENF_VAR_DIR": str(folder / "var"), "DJANGO_STATIC_ROOT": str(folder / "static"),
            # The notice fonts prepared once for the checkout (else the demo seeding prepares them again: minutes).
            "ENF_FONTS_DIR": os.environ.get("ENF_FONTS_DIR", str(ROOT / "var" / "fonts")),
            "DJANGO_EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "DJANGO_LOG_LEVEL": "WARNING", "PYTHONUNBUFFERED": "1",
        })
        manage = [PY, str(ROOT / "manage.py")]
        log(f"Migrating and seeding {args.cases} demo cases")
        subprocess.run([*manage, "migrate", "--noinput", "-v", "0"], check=True, cwd=ROOT, env=env)
        subprocess.run([*manage, "collectstatic", "--noinput", "-v", "0"], check=True, cwd=ROOT, env=env)
        subprocess.run([*manage, "seed_demo", "--cases", str(args.cases)], check=True, cwd=ROOT, env=env,
                       stdout=subprocess.DEVNULL)
        terms = folder / "terms.json"
        subprocess.run([PY, str(HERE / "setup.py"), "--out", str(terms), "--officers", ",".join(LOAD_OFFICERS)],
                       check=True, cwd=ROOT, env=env)
        today = pg.sql("SELECT (now() AT TIME ZONE 'Asia/Shanghai')::date")[0][0]
        payouts = [r[0] for r in pg.sql(
            "SELECT p.id FROM assets_payout p JOIN cases_case c ON c.id = p.case_id JOIN accounts_user u "
            f"ON u.id = c.officer_id WHERE p.status = 'approved' AND u.username IN "
            f"({','.join(repr(o) for o in LOAD_OFFICERS)}) ORDER BY p.id", "enforcement")]
        # The reference: the database as it is now, before any load or fault.
        pg.sql("CREATE DATABASE enforcement_ref TEMPLATE enforcement")

        logs = folder / "logs"
        logs.mkdir()
        log("Starting gunicorn (2 workers x 4 threads) and a Celery worker (prefork, 1 process)")
        procs.append(subprocess.Popen(
            [PY, "-m", "gunicorn", "enforcement.wsgi:application", "--bind", f"127.0.0.1:{args.port}",
             "--worker-class", "gthread", "--workers", "2", "--threads", "4", "--keep-alive", "75",
             "--timeout", "60"], cwd=ROOT, env=env, start_new_session=True,
            stdout=open(logs / "gunicorn.out", "w"), stderr=subprocess.STDOUT))  # noqa: SIM115
        worker = subprocess.Popen(
            [PY, "-m", "celery", "-A", "enforcement", "worker", "--loglevel", "INFO", "--concurrency", "1",
             "-n", "faults@%h"], cwd=ROOT, env=env, start_new_session=True,
            stdout=open(logs / "celery.out", "w"), stderr=subprocess.STDOUT)  # noqa: SIM115
        procs.append(worker)
        wait_for(lambda: urllib.request.urlopen(f"{base}/healthz", timeout=2).status == 200, 60,
                 "gunicorn did not start")
        wait_for(lambda: "ready." in (logs / "celery.out").read_text(), 60, "the worker did not start")

        probe = Probe(base)
        probe.start()
        acks = folder / "acks.txt"
        raw = folder / "raw.json"
        duration = 150
        lenv = dict(env, LOAD_TERMS=str(terms), LOAD_RAW=str(raw), LOAD_WAIT="1,3", LOAD_ACKS=str(acks),
                    LOAD_SIGNIN_RETRY="1")
        log(f"Load: {args.users} officers for {duration} s; payouts: {len(payouts)} to execute; "
            f"deadline scans every 3 s, 4 per simulated day from {today}")
        locust = subprocess.Popen(
            [PY, "-m", "locust", "-f", str(HERE / "locustfile.py"), "--headless", "-u", str(args.users), "-r", "10",
             "-t", f"{duration}s", "--host", base, "--only-summary", "--loglevel", "WARNING", "--stop-timeout", "10"],
            cwd=ROOT, env=lenv, stdout=open(logs / "locust.out", "w"), stderr=subprocess.STDOUT)  # noqa: SIM115
        started = time.time()
        payer = PayoutDriver(base, payouts, interval=0.8)
        payer.start()
        scans = ScanSender(env, today, interval=3, per_day=4)
        scans.start()
        faults: dict[str, float] = {}

        def at(second: float) -> None:
            time.sleep(max(0.0, started + second - time.time()))

        at(25)
        log("FAULT 1: restarting PostgreSQL (pg_ctl restart -m fast)")
        faults["postgres_restart"] = time.time()
        pg.ctl("restart")
        report["postgres_restart_took_s"] = round(time.time() - faults["postgres_restart"], 2)

        at(60)
        log("FAULT 2: restarting Redis (SHUTDOWN, start again on the same append-only file)")
        faults["redis_restart"] = time.time()
        rd.restart()
        report["redis_restart_took_s"] = round(time.time() - faults["redis_restart"], 2)

        at(90)
        log("FAULT 3: kill -9 the Celery pool process while it runs a deadline scan")
        def running() -> int:  # a scan takes ~1 s here: an unfinished one older than 5 s died (e.g. in fault 1)
            return pg.sql("SELECT count(*) FROM deadlines_scanrun WHERE finished_at IS NULL "
                          "AND started_at > now() - interval '5 seconds'", "enforcement")[0][0]
        killed_during_scan = False
        end = time.time() + 30
        while time.time() < end:
            children = subprocess.run(["pgrep", "-P", str(worker.pid)], capture_output=True,
                                      text=True).stdout.split()
            if children and running():
                os.kill(int(children[0]), signal.SIGKILL)
                faults["worker_kill"] = time.time()
                killed_during_scan = True
                log(f"killed pool process {children[0]} during a scan")
                break
            time.sleep(0.05)
        report["worker_killed_mid_scan"] = killed_during_scan

        locust.wait()
        log("Load finished; stopping the drivers and letting the worker drain the queue")
        scans.stop.set()
        payer.stop.set()
        scans.join(60)
        payer.join(60)
        as_of = scans.days[-1]
        time.sleep(2)
        probe.stop.set()
        probe.join(10)
        # One last scan, then wait until no scan is running or queued.
        subprocess.run([PY, "-c", "from enforcement.celery import app; e = app.conf.beat_schedule["
                        f"'deadlines-scan-hourly']; app.send_task(e['task'], kwargs={{**e['kwargs'], "
                        f"'as_of': '{as_of}'}})"], cwd=ROOT, env=env, check=True)
        # (The killed scan's ScanRun row stays unfinished for good: only scans started in the last minute count.)
        def busy() -> int:
            return pg.sql("SELECT count(*) FROM deadlines_scanrun WHERE finished_at IS NULL "
                          "AND started_at > now() - interval '60 seconds'", "enforcement")[0][0]
        time.sleep(2)
        wait_for(lambda: subprocess.run(["redis-cli", "-p", str(args.redis_port), "-n", "0", "llen", "celery"],
                                        capture_output=True, text=True).stdout.strip() == "0" and busy() == 0,
                 180, "the scan queue did not drain")
        time.sleep(3)
        worker_alive = worker.poll() is None

        # --- checks ----------------------------------------------------------------------------------------------
        log("Checking")
        checks: dict[str, bool] = {}
        tokens = [t.strip() for t in acks.read_text().splitlines() if t.strip()] if acks.exists() else []
        with psycopg.connect(pg.url("enforcement"), autocommit=True) as c:
            found = {r[0] for r in c.execute(
                "SELECT substring(summary from 'load-[0-9a-f]{32}') FROM cases_action WHERE summary LIKE %s",
                ["%load-%"])}
            lost = [t for t in tokens if t not in found]
            report["actions"] = {"acknowledged": len(tokens), "lost": len(lost),
                                 "in_db_not_acknowledged": len(found - set(tokens))}
            checks["no acknowledged action lost"] = not lost and len(tokens) > 0

            dup = c.execute("SELECT count(*) FROM (SELECT 1 FROM deadlines_reminder GROUP BY deadline_id, due_on, "
                            "threshold, recipient_id HAVING count(*) > 1) d").fetchone()[0]
            report["reminders_doubled"] = dup
            checks["no reminder doubled"] = dup == 0

            paid_rows = dict(c.execute(
                "SELECT p.id, count(e.id) FROM assets_payout p LEFT JOIN assets_ledgerentry e ON e.payout_id = p.id "
                "AND e.kind = 'disbursement' WHERE p.id = ANY(%s) GROUP BY p.id", [payouts]).fetchall())
            doubled = [p for p, n in paid_rows.items() if n > 1]
            acked_missing = [p for p in payer.paid if paid_rows.get(p) != 1]
            report["payouts"] = {"to_execute": len(payouts), "acknowledged": len(payer.paid),
                                 "double_click_replays": payer.replays, "errors_retried": payer.errors,
                                 "refused": len(payer.refused), "paid_twice": len(doubled),
                                 "acknowledged_without_one_disbursement": len(acked_missing),
                                 "executed_in_db": sum(1 for n in paid_rows.values() if n == 1)}
            if payer.refused:
                report["payouts"]["refused_examples"] = list(payer.refused.items())[:3]
            checks["no payout paid twice"] = not doubled and not acked_missing and len(payer.paid) > 0

        # Reminders for the cases nobody touched, compared with one clean scan on the copy taken before the run.
        reference_env = dict(env, DATABASE_URL=pg.url("enforcement_ref"), DJANGO_EMAIL_BACKEND=
                             "django.core.mail.backends.locmem.EmailBackend")
        # The reference lives through the same simulated days, one clean scan each.
        subprocess.run([PY, "-c", "import django; django.setup(); from datetime import date; "
                        "from deadlines.services import deadlines_scan\n"
                        f"for d in {scans.days!r}: deadlines_scan(today=date.fromisoformat(d), trigger='reference')"],
                       cwd=ROOT, env=reference_env, check=True)
        key_sql = ("SELECT d.source_type, d.source_id, d.code, r.due_on, r.threshold, u.username, r.email_status "
                   "FROM deadlines_reminder r JOIN deadlines_deadline d ON d.id = r.deadline_id "
                   "JOIN accounts_user u ON u.id = r.recipient_id JOIN cases_case c ON c.id = d.case_id "
                   "JOIN accounts_user o ON o.id = c.officer_id WHERE o.username = ANY(%s)")
        with psycopg.connect(pg.url("enforcement"), autocommit=True) as c:
            got = set(c.execute(key_sql, [QUIET_OFFICERS]).fetchall())
        with psycopg.connect(pg.url("enforcement_ref"), autocommit=True) as c:
            want = set(c.execute(key_sql, [QUIET_OFFICERS]).fetchall())
        report["reminders_untouched_cases"] = {
            "expected": len(want), "found": len(got), "missing": len(want - got), "unexpected": len(got - want),
            "email_not_sent": sum(1 for k in got if k[6] != "sent"),
            "simulated_days": len(scans.days)}
        with psycopg.connect(pg.url("enforcement"), autocommit=True) as c:
            created = [r[0].timestamp() for r in c.execute(
                "SELECT created_at FROM deadlines_reminder WHERE created_at >= to_timestamp(%s)", [started])]
        checks["no reminder dropped (untouched cases match a clean scan)"] = got == want and len(want) > 0

        points = probe.points
        order = sorted(faults.items(), key=lambda kv: kv[1])
        for i, (name, t) in enumerate(order):
            until = order[i + 1][1] if i + 1 < len(order) else (points[-1][0] + 0.001 if points else t)
            report[f"outage_{name}"] = outage(points, t, until)
        recovered = all((report[f"outage_{n}"].get("recovered_after_s") or 0) <= args.recovery_limit
                        and report[f"outage_{n}"].get("recovered_after_s") is not None for n, _t in order)
        checks[f"probe healthy again within {args.recovery_limit:.0f} s of each fault"] = recovered
        final_ok = probe.points and probe.points[-1][1]
        checks["web and worker still running, never restarted"] = bool(final_ok) and worker_alive and \
            procs[0].poll() is None
        checks["worker was killed mid-scan"] = killed_during_scan

        data = json.loads(raw.read_text()) if raw.exists() else []
        windows = {}
        for i, (name, t) in enumerate(order):
            until = order[i + 1][1] if i + 1 < len(order) else started + duration
            errs = [p for p in data if t <= p[0] < until and not p[3]]
            windows[name] = {"load_requests": sum(1 for p in data if t <= p[0] < until), "load_errors": len(errs),
                             "reminders_created": sum(1 for c in created if t <= c < until)}
        report["reminders_created_during_run"] = len(created)
        report["load"] = {"requests": len(data), "errors": sum(1 for p in data if not p[3]), "by_fault": windows,
                          "errors_before_first_fault": sum(1 for p in data if not p[3] and p[0] < order[0][1])}
        report["scans"] = {"sent": scans.sent, "send_failed": scans.failed, "finished": pg.sql(
            "SELECT count(*) FROM deadlines_scanrun WHERE finished_at IS NOT NULL AND trigger = 'hourly'",
            "enforcement")[0][0], "runs_left_unfinished": pg.sql(
            "SELECT count(*) FROM deadlines_scanrun WHERE finished_at IS NULL", "enforcement")[0][0]}
        report["uptime_after"] = uptime()
        report["checks"] = checks
        print(json.dumps(report, indent=1, default=str, ensure_ascii=False))
        out = ROOT / "var" / "load" / f"faults-{time.strftime('%Y%m%d-%H%M%S')}.json"
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(report, indent=1, default=str, ensure_ascii=False))
        print()
        for name, ok in checks.items():
            print(f"  {'PASS' if ok else 'FAIL'}  {name}")
        print(f"figures written to {out}")
        return 0 if all(checks.values()) else 1
    finally:
        for p in procs:
            if p.poll() is None:
                os.killpg(p.pid, signal.SIGTERM)
        for p in procs:
            try:
                p.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(p.pid, signal.SIGKILL)
        rd.stop()
        try:
            pg.ctl("stop")
        except Exception:  # noqa: BLE001
            pass
        if not args.keep:
            shutil.rmtree(folder, ignore_errors=True)


def uptime() -> str:
    return subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()


if __name__ == "__main__":
    sys.exit(main())

"""Benchmark (issue 21): the party portal's case page with 200 concurrent party sessions on this machine.

    .venv/bin/python bench/portal_sessions.py [--sessions 200] [--duration 60] [--think 0.5,1.5] [--cases 300]

1. creates (once) its own database ``enf_bench_portal`` on the local PostgreSQL, migrates it and seeds the demo
   court (``seed_demo --cases N``; nothing is added when already seeded);
2. opens ``--sessions`` portal sessions in bulk (one per applicant or respondent of the court's cases, as if each had
   signed in with a one-time code) and keeps their cookie tokens;
3. starts gunicorn (gthread, production settings: DEBUG off, Redis cache db 20) on 127.0.0.1:8631;
4. runs ``--sessions`` concurrent clients (threads, one keep-alive connection each): first every client loads
   ``/healthz`` (the baseline: the same server, the same concurrency, no database), then every client loads its own
   ``/portal/case/`` repeatedly, each with a think time drawn from ``--think`` (a party reading the page);
5. prints p50 / p95 / p99 per phase, throughput, errors, the ratio to the baseline and the load average before,
   during and after; writes var/bench/portal-<time>.json. Exit code 0 when the case page's p95 <= 150 ms.

The client threads run on the same two cores as the server and PostgreSQL: their cost is in the figures.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = str(ROOT / ".venv" / "bin" / "python") if (ROOT / ".venv" / "bin" / "python").exists() else sys.executable
VAR = ROOT / "var" / "bench"


def log(msg: str) -> None:
    print(f">> {msg}", flush=True)


def loadavg() -> str:
    return Path("/proc/loadavg").read_text().split(" ", 3)[:3].__str__()


def psql(pg: str, sql: str, db: str = "postgres") -> str:
    return subprocess.run(["psql", f"{pg}/{db}", "-Atc", sql], check=True, capture_output=True, text=True).stdout


def environment(args) -> dict:
    env = dict(os.environ)
    for key in ("DJANGO_DEBUG", "DATABASE_REPLICA_URL", "CELERY_TASK_ALWAYS_EAGER", "DATABASE_TEST_NAME"):
        env.pop(key, None)
    VAR.mkdir(parents=True, exist_ok=True)
    env.update({
        "DJANGO_SETTINGS_MODULE": "enforcement.settings",
        "DATABASE_URL": f"{args.pg}/{args.db}",
        "DJANGO_SECRET_KEY": "portal-benchmark-not-a-real-secret-" + "x" * 20,
        "ENF_INSECURE_HTTP": "1",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "REDIS_URL": f"{args.redis}/{args.redis_db}",
        "CELERY_BROKER_URL": f"{args.redis}/{args.broker_db}",
        "ENF_VAR_DIR": str(VAR / "var"),
        "ENF_FONTS_DIR": os.environ.get("ENF_FONTS_DIR", str(ROOT / "var" / "fonts")),
        "DJANGO_STATIC_ROOT": str(VAR / "static"),
        "DJANGO_LOG_LEVEL": "WARNING",
    })
    return env


def prepare(args, env) -> None:
    if not psql(args.pg, f"SELECT 1 FROM pg_database WHERE datname = '{args.db}'").strip():
        log(f"Creating database {args.db}")
        psql(args.pg, f'CREATE DATABASE "{args.db}"')
    manage = [PY, str(ROOT / "manage.py")]
    log("Migrating")
    subprocess.run([*manage, "migrate", "--noinput", "-v", "0"], check=True, cwd=ROOT, env=env)
    subprocess.run([*manage, "collectstatic", "--noinput", "-v", "0"], check=True, cwd=ROOT, env=env)
    if not psql(args.pg, "SELECT 1 FROM cases_case LIMIT 1", db=args.db).strip():
        log(f"Seeding the demo court ({args.cases} cases)")
        subprocess.run([*manage, "seed_demo", "--cases", str(args.cases)], check=True, cwd=ROOT, env=env,
                       stdout=subprocess.DEVNULL)
    psql(args.pg, "VACUUM ANALYZE", db=args.db)


SESSIONS_SCRIPT = """
import json, sys
import django
django.setup()
from django.db.models import Count
from cases.models import CaseParty
from portal.models import PortalSession
from portal.services import session_open
n = int(sys.argv[1])
PortalSession.objects.all().delete()
# the parties of the cases with the most disclosed history first: the heaviest pages
parties = list(CaseParty.objects.filter(role__in=("applicant", "respondent"))
               .annotate(n=Count("case__actions")).order_by("-n", "pk")[:n])
tokens = [session_open(case_party=cp, acting_as="party") for cp in parties]
print(json.dumps(tokens))
"""


def open_sessions(args, env) -> list[str]:
    out = subprocess.run([PY, "-c", SESSIONS_SCRIPT, str(args.sessions)], check=True, cwd=ROOT, env=env,
                         capture_output=True, text=True).stdout
    tokens = json.loads(out.strip().splitlines()[-1])
    if len(tokens) < args.sessions:
        log(f"only {len(tokens)} parties in the seeded court")
    return tokens


def start_server(args, env) -> subprocess.Popen:
    logs = VAR / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    log(f"Starting gunicorn: {args.workers} workers x {args.threads} threads on 127.0.0.1:{args.port}")
    proc = subprocess.Popen(
        [PY, "-m", "gunicorn", "enforcement.wsgi:application", "--bind", f"127.0.0.1:{args.port}",
         "--worker-class", "gthread", "--workers", str(args.workers), "--threads", str(args.threads),
         "--keep-alive", "75", "--graceful-timeout", "10", "--timeout", "60", "--backlog", "512"],
        cwd=ROOT, env=env, start_new_session=True,
        stdout=open(logs / "portal-gunicorn.out", "w"), stderr=subprocess.STDOUT)  # noqa: SIM115
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{args.port}/healthz", timeout=2) as r:
                if r.status == 200:
                    return proc
        except OSError:
            pass
        if proc.poll() is not None:
            break
        time.sleep(0.5)
    stop(proc)
    raise SystemExit(f"gunicorn did not come up; see {logs / 'portal-gunicorn.out'}")


def stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    values = sorted(values)
    return values[max(0, min(len(values) - 1, round(q / 100 * len(values) + 0.5) - 1))]


def run_phase(args, path: str, tokens: list[str], seconds: float, think: tuple[float, float],
              check: str = "") -> dict:
    """Each client: one connection, its own cookie; requests until the time is up. Latency in ms per request."""
    results: list[tuple[float, bool]] = []
    lock = threading.Lock()
    start_gate = threading.Barrier(len(tokens) + 1)
    end_at = [0.0]

    def client(i: int, token: str) -> None:
        rng = random.Random(i)
        conn = http.client.HTTPConnection("127.0.0.1", args.port, timeout=30)
        headers = {"Cookie": f"enf_portal={token}", "Accept-Language": "zh-hans"}
        mine = []
        start_gate.wait()
        time.sleep(rng.uniform(0, think[1]))  # spread the first requests
        while time.monotonic() < end_at[0]:
            t0 = time.perf_counter()
            try:
                conn.request("GET", path, headers=headers)
                resp = conn.getresponse()
                body = resp.read()
                ok = resp.status == 200 and (not check or check.encode() in body)
            except (OSError, http.client.HTTPException):
                ok = False
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", args.port, timeout=30)
            mine.append(((time.perf_counter() - t0) * 1000, ok))
            time.sleep(rng.uniform(*think))
        conn.close()
        with lock:
            results.extend(mine)

    threads = [threading.Thread(target=client, args=(i, t), daemon=True) for i, t in enumerate(tokens)]
    for t in threads:
        t.start()
    samples = []
    started = time.monotonic()
    end_at[0] = started + seconds
    start_gate.wait()
    while time.monotonic() < end_at[0]:
        time.sleep(5)
        samples.append(float(Path("/proc/loadavg").read_text().split()[0]))
    for t in threads:
        t.join(timeout=60)
    elapsed = time.monotonic() - started
    ms = [r[0] for r in results]
    return {"path": path, "clients": len(tokens), "requests": len(ms), "errors": sum(1 for r in results if not r[1]),
            "throughput": round(len(ms) / elapsed, 1), "p50": round(pct(ms, 50), 1), "p95": round(pct(ms, 95), 1),
            "p99": round(pct(ms, 99), 1), "max": round(max(ms) if ms else float("nan"), 1),
            "load_during": round(sum(samples) / len(samples), 2) if samples else None}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pg", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--db", default="enf_bench_portal")
    parser.add_argument("--cases", type=int, default=300)
    parser.add_argument("--redis", default="redis://127.0.0.1:6379")
    parser.add_argument("--redis-db", type=int, default=20)
    parser.add_argument("--broker-db", type=int, default=21)
    parser.add_argument("--port", type=int, default=8631)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--sessions", type=int, default=200)
    parser.add_argument("--duration", type=float, default=60, help="seconds of the case-page phase")
    parser.add_argument("--baseline", type=float, default=20, help="seconds of the /healthz phase")
    parser.add_argument("--think", default="0.5,1.5", help="a party's pause between loads, min,max seconds")
    parser.add_argument("--skip-prepare", action="store_true")
    args = parser.parse_args()
    think = tuple(float(x) for x in args.think.split(","))
    env = environment(args)
    if not args.skip_prepare:
        prepare(args, env)
    tokens = open_sessions(args, env)
    log(f"{len(tokens)} portal sessions open")
    before = Path("/proc/loadavg").read_text().strip()
    proc = start_server(args, env)
    try:
        # warm-up: every worker has imported everything and holds a database connection
        run_phase(args, "/portal/case/", tokens[:20], 5, think)
        log(f"Baseline: {len(tokens)} clients on /healthz for {args.baseline:.0f} s")
        base = run_phase(args, "/healthz", tokens, args.baseline, think)
        log(f"Case page: {len(tokens)} clients on /portal/case/ for {args.duration:.0f} s")
        page = run_phase(args, "/portal/case/", tokens, args.duration, think, check='id="portal-case-number"')
    finally:
        stop(proc)
    after = Path("/proc/loadavg").read_text().strip()
    result = {"sessions": len(tokens), "think_s": think, "workers": args.workers, "threads": args.threads,
              "baseline": base, "case_page": page, "ratio_p95": round(page["p95"] / base["p95"], 2) if base["p95"]
              else None, "loadavg_before": before, "loadavg_after": after, "cpus": os.cpu_count()}
    print()
    print(f"{'phase':<14}{'clients':>8}{'requests':>10}{'errors':>8}{'req/s':>8}{'p50':>8}{'p95':>8}{'p99':>8}"
          f"{'max':>8}{'load':>7}")
    for name, r in (("/healthz", base), ("/portal/case/", page)):
        print(f"{name:<14}{r['clients']:>8}{r['requests']:>10}{r['errors']:>8}{r['throughput']:>8}{r['p50']:>8}"
              f"{r['p95']:>8}{r['p99']:>8}{r['max']:>8}{r['load_during']:>7}")
    print(f"case page p95 / baseline p95: {result['ratio_p95']}; load average before: {before}; after: {after}; "
          f"{os.cpu_count()} CPUs")
    target = page["p95"] <= 150 and page["errors"] == 0
    print(f"target p95 <= 150 ms, no errors: {'MET' if target else 'NOT MET'}")
    out = VAR / f"portal-{time.strftime('%Y%m%d-%H%M%S')}.json"
    out.write_text(json.dumps(result, indent=2))
    log(f"written {out}")
    return 0 if target else 1


if __name__ == "__main__":
    raise SystemExit(main())

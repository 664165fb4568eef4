"""Load benchmark (issue 8): 200 simulated officers against gunicorn + a Celery worker on this machine.

Fully automatic and idempotent:
  1. creates the database (default ``enforcement_load``) on the local PostgreSQL if it is missing, migrates it and seeds
     the demo court (``seed_demo --cases 3500``; a second run finds the data there and adds nothing),
  2. starts gunicorn (gthread) on 127.0.0.1:8621 with production settings (DEBUG off, a secret key, the manifest static
     storage, Redis cache) and a Celery worker on Redis, plain HTTP (``ENF_INSECURE_HTTP=1``: no TLS on the loopback),
  3. runs locust headless (bench/load/locustfile.py) for a fixed time,
  4. prints p50/p95/p99 per request type over the steady state (from --settle s after the last sign-in), throughput,
     errors, the server's CPU per request (gunicorn processes and PostgreSQL backends) and the machine load (``uptime``
     before and after, load average sampled during), and writes the figures to var/load/result-<time>.json,
  5. stops what it started.

    .venv/bin/python bench/load/run_load.py                  # 200 users, 3 min, spawn 20/s, think 5-15 s
    .venv/bin/python bench/load/run_load.py --fresh          # drop and rebuild the database first
    .venv/bin/python bench/load/run_load.py --users 50 --duration 60

Target: p95 <= 200 ms over all requests, no errors (exit code 0 when met). Redis db 6 is the cache, db 9 the broker.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
PY = str(ROOT / ".venv" / "bin" / "python") if (ROOT / ".venv" / "bin" / "python").exists() else sys.executable
VAR = ROOT / "var" / "load"


def log(msg: str) -> None:
    print(f">> {msg}", flush=True)


def uptime() -> str:
    return subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()


def psql(pg: str, sql: str, db: str = "postgres") -> str:
    return subprocess.run(["psql", f"{pg}/{db}", "-Atc", sql], check=True, capture_output=True, text=True).stdout


def environment(args) -> dict:
    env = dict(os.environ)
    for key in ("DJANGO_DEBUG", "DATABASE_REPLICA_URL", "CELERY_TASK_ALWAYS_EAGER"):
        env.pop(key, None)
    VAR.mkdir(parents=True, exist_ok=True)
    env.update({
        "DJANGO_SETTINGS_MODULE": "enforcement.settings",
        "DATABASE_URL": f"{args.pg}/{args.db}",
        "DJANGO_SECRET_KEY": "load-benchmark-not-a-real-secret-" + "x" * 20,
        "ENF_INSECURE_HTTP": "1",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "ENF_PUBLIC_BASE_URL": f"http://127.0.0.1:{args.port}",
        "REDIS_URL": f"{args.redis}/{args.redis_db}",
        "CELERY_BROKER_URL": f"{args.redis}/{args.broker_db}",
        "ENF_VAR_DIR": str(VAR / "var"),
        # The notice fonts prepared once for the checkout (else the demo seeding prepares them again: minutes).
        "ENF_FONTS_DIR": os.environ.get("ENF_FONTS_DIR", str(ROOT / "var" / "fonts")),
        "DJANGO_STATIC_ROOT": str(VAR / "static"),
        "DJANGO_LOG_LEVEL": "WARNING",
    })
    return env


def prepare(args, env) -> None:
    if args.fresh:
        log(f"Dropping database {args.db}")
        psql(args.pg, f'DROP DATABASE IF EXISTS "{args.db}" WITH (FORCE)')
    if not psql(args.pg, f"SELECT 1 FROM pg_database WHERE datname = '{args.db}'").strip():
        log(f"Creating database {args.db}")
        psql(args.pg, f'CREATE DATABASE "{args.db}"')
    manage = [PY, str(ROOT / "manage.py")]
    log("Migrating")
    subprocess.run([*manage, "migrate", "--noinput", "-v", "0"], check=True, cwd=ROOT, env=env)
    subprocess.run([*manage, "collectstatic", "--noinput", "-v", "0"], check=True, cwd=ROOT, env=env)
    log(f"Seeding the demo court ({args.cases} cases; nothing is added when already seeded)")
    subprocess.run([*manage, "seed_demo", "--cases", str(args.cases)], check=True, cwd=ROOT, env=env,
                   stdout=subprocess.DEVNULL)
    subprocess.run([PY, str(HERE / "setup.py"), "--out", str(VAR / "terms.json")], check=True, cwd=ROOT, env=env)
    # Fresh planner statistics, as autovacuum would have them on a running system.
    psql(args.pg, "VACUUM ANALYZE", db=args.db)


def start_services(args, env) -> list[subprocess.Popen]:
    logs = VAR / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    procs = []
    log(f"Starting gunicorn: {args.workers} workers x {args.threads} threads (gthread) on 127.0.0.1:{args.port}")
    procs.append(subprocess.Popen(
        [PY, "-m", "gunicorn", "enforcement.wsgi:application", "--bind", f"127.0.0.1:{args.port}",
         "--worker-class", "gthread", "--workers", str(args.workers), "--threads", str(args.threads),
         # Keep idle connections longer than an officer's think time: a server closing an idle keep-alive connection
         # just as the client reuses it shows up as "connection reset" (behind nginx, keep this above the proxy's
         # upstream keepalive_timeout for the same reason).
         "--keep-alive", "75", "--graceful-timeout", "10", "--timeout", "60"],
        cwd=ROOT, env=env, start_new_session=True,
        stdout=open(logs / "gunicorn.out", "w"), stderr=subprocess.STDOUT))  # noqa: SIM115
    log("Starting a Celery worker")
    procs.append(subprocess.Popen(
        [PY, "-m", "celery", "-A", "enforcement", "worker", "--loglevel", "WARNING", "--concurrency", "1",
         "-n", f"load-{os.getpid()}@%h"],
        cwd=ROOT, env=env, start_new_session=True,
        stdout=open(logs / "celery.out", "w"), stderr=subprocess.STDOUT))  # noqa: SIM115
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{args.port}/healthz", timeout=2) as r:
                if r.status == 200:
                    return procs
        except OSError:
            pass
        if procs[0].poll() is not None:
            break
        time.sleep(0.5)
    stop(procs)
    raise SystemExit(f"gunicorn did not come up; see {logs / 'gunicorn.out'}")


def stop(procs: list[subprocess.Popen]) -> None:
    for p in procs:
        if p.poll() is None:
            os.killpg(p.pid, signal.SIGTERM)
    for p in procs:
        try:
            p.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(p.pid, signal.SIGKILL)


def _cpu_seconds(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime


def cpu_snapshot(args, gunicorn_pgid: int) -> dict[str, dict[int, float]]:
    """CPU seconds used so far by each gunicorn process and each PostgreSQL backend of the load database."""
    web = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if int(entry.joinpath("stat").read_text().rsplit(")", 1)[1].split()[2]) == gunicorn_pgid:
                    web[int(entry.name)] = _cpu_seconds(int(entry.name))
            except (OSError, IndexError, ValueError):
                continue
    pids = psql(args.pg, f"SELECT pid FROM pg_stat_activity WHERE datname = '{args.db}'").split()
    return {"web": web, "db": {int(p): _cpu_seconds(int(p)) for p in pids}}


def cpu_used(before: dict, after: dict) -> dict[str, float]:
    return {k: round(sum(v - before[k].get(pid, 0.0) for pid, v in after[k].items()), 1) for k in after}


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    values = sorted(values)
    k = max(0, min(len(values) - 1, round(q / 100 * len(values) + 0.5) - 1))
    return values[k]


def summarize(raw: list, steady_from: float, steady_to: float) -> dict:
    rows: dict[str, list] = {}
    for t, name, ms, ok in raw:
        rows.setdefault(name, []).append((t, ms, ok))
    table = []
    steady_all, steady_errors = [], 0
    for name in sorted(rows):
        points = rows[name]
        whole_run = name.startswith("sign in") or name.startswith("/api/v1/me") or "officer=" in name
        if not whole_run:
            points = [p for p in points if steady_from <= p[0] <= steady_to]
        if not points:
            continue
        ms = [p[1] for p in points]
        errors = sum(1 for p in points if not p[2])
        table.append({"name": name, "count": len(ms), "errors": errors, "p50": pct(ms, 50), "p95": pct(ms, 95),
                      "p99": pct(ms, 99), "max": max(ms), "scope": "whole run" if whole_run else "steady"})
        if not whole_run:
            steady_all += ms
            steady_errors += errors
    seconds = max(1e-9, steady_to - steady_from)
    total_errors = sum(1 for p in raw if not p[3])
    return {"table": table, "steady": {
        "seconds": round(seconds, 1), "requests": len(steady_all), "errors": steady_errors,
        "throughput": len(steady_all) / seconds, "p50": pct(steady_all, 50), "p95": pct(steady_all, 95),
        "p99": pct(steady_all, 99), "mean": statistics.fmean(steady_all) if steady_all else float("nan")},
        "errors_whole_run": total_errors, "requests_whole_run": len(raw)}


def print_table(result: dict) -> None:
    print()
    print(f"{'request':44} {'scope':9} {'n':>6} {'err':>4} {'p50':>7} {'p95':>7} {'p99':>7} {'max':>7}  (ms)")
    for r in result["table"]:
        print(f"{r['name'][:44]:44} {r['scope']:9} {r['count']:6d} {r['errors']:4d} {r['p50']:7.0f} {r['p95']:7.0f} "
              f"{r['p99']:7.0f} {r['max']:7.0f}")
    s = result["steady"]
    print(f"{'ALL (steady state)':44} {'steady':9} {s['requests']:6d} {s['errors']:4d} {s['p50']:7.0f} {s['p95']:7.0f} "
          f"{s['p99']:7.0f}")
    print(f"\nsteady state {s['seconds']} s: {s['throughput']:.1f} requests/s, {s['errors']} errors; "
          f"whole run {result['requests_whole_run']} requests, {result['errors_whole_run']} errors")
    met = s["p95"] <= 200 and result["errors_whole_run"] == 0
    print(f"target p95 <= 200 ms and no errors: {'MET' if met else 'MISSED'}")
    cpu = result["cpu_seconds"]
    per = result["cpu_ms_per_request"]
    print(f"server CPU over the whole run: web {cpu['web']} s, PostgreSQL {cpu['db']} s = {per['web']} + {per['db']} "
          f"ms per request (sign-ins included)")
    if "steady_cpu_ms_per_request" in result:
        print(f"server CPU in the steady state: {result['steady_cpu_ms_per_request']} ms per request, "
              f"cores busy {result['steady_cpu_cores_used']}")
    print(f"all {result['args']['users']} users signed in after {result['all_signed_in_after_s']} s")
    print(f"machine load average during the run (1 min, sampled every 5 s): {result['load_average_during']}")
    print(f"machine load before: {result['uptime_before']}\nmachine load after:  {result['uptime_after']}")


def run_locust(args, env, gunicorn_pgid: int) -> dict:
    raw_path = VAR / "raw.json"
    raw_path.unlink(missing_ok=True)
    lenv = dict(env, LOAD_TERMS=str(VAR / "terms.json"), LOAD_RAW=str(raw_path), LOAD_WAIT=args.wait)
    spawn_seconds = args.users / args.spawn_rate
    log(f"locust: {args.users} users, spawn {args.spawn_rate}/s, {args.duration} s, think time {args.wait} s")
    samples: list[float] = []
    done = threading.Event()

    cpu_samples: list[tuple[float, dict]] = []

    def sample_load():  # the machine's 1-minute load average every 5 s, to tell a busy machine from a slow system
        while not done.wait(5):
            samples.append(os.getloadavg()[0])
            cpu_samples.append((time.time(), cpu_snapshot(args, gunicorn_pgid)))

    sampler = threading.Thread(target=sample_load, daemon=True)
    sampler.start()
    cpu_before = cpu_snapshot(args, gunicorn_pgid)
    started = time.time()
    subprocess.run(
        [PY, "-m", "locust", "-f", str(HERE / "locustfile.py"), "--headless", "-u", str(args.users),
         "-r", str(args.spawn_rate), "-t", f"{args.duration}s", "--host", f"http://127.0.0.1:{args.port}",
         "--only-summary", "--loglevel", "WARNING", "--stop-timeout", "10"],
        cwd=ROOT, env=lenv, stdout=open(VAR / "logs" / "locust.out", "w"), stderr=subprocess.STDOUT)  # noqa: SIM115
    done.set()
    cpu = cpu_used(cpu_before, cpu_snapshot(args, gunicorn_pgid))
    raw = json.loads(raw_path.read_text())
    # Steady state: from --settle seconds after the last user finished signing in (a sign-in hashes the password,
    # ~0.3 s of CPU, so 200 sign-ins in 10 s queue everything behind them) until the end of the run.
    start_names = ("sign in", "/api/v1/me/", "/api/v1/cases/?officer=")
    signed_in = max([t for t, name, _ms, _ok in raw if name.startswith(start_names)], default=started + spawn_seconds)
    steady_from = max(signed_in, started + spawn_seconds) + args.settle
    steady_to = started + args.duration
    result = summarize(raw, steady_from, steady_to)
    result["all_signed_in_after_s"] = round(signed_in - started, 1)
    # The same over the steady state only (no sign-ins): from the first CPU sample inside it to the last.
    inside = [(t, snap) for t, snap in cpu_samples if steady_from <= t <= steady_to + 5]
    if len(inside) >= 2:
        (t0, s0), (t1, s1) = inside[0], inside[-1]
        n = sum(1 for t, _name, _ms, _ok in raw if t0 <= t <= t1)
        steady_cpu = cpu_used(s0, s1)
        result["steady_cpu_ms_per_request"] = {k: round(v * 1000 / max(1, n), 1) for k, v in steady_cpu.items()}
        result["steady_cpu_cores_used"] = {k: round(v / (t1 - t0), 2) for k, v in steady_cpu.items()}
    # Machine-independent cost: CPU seconds per request of the web processes and of PostgreSQL (backends alive at
    # the end; with CONN_MAX_AGE they live through the run).
    result["cpu_seconds"] = cpu
    result["cpu_ms_per_request"] = {k: round(v * 1000 / max(1, len(raw)), 1) for k, v in cpu.items()}
    result["load_average_during"] = {"mean": round(statistics.fmean(samples), 2) if samples else None,
                                     "max": max(samples) if samples else None}
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pg", default="postgres://postgres@127.0.0.1:5432", help="PostgreSQL server URL")
    parser.add_argument("--db", default="enforcement_load")
    parser.add_argument("--fresh", action="store_true", help="drop and rebuild the database first")
    parser.add_argument("--cases", type=int, default=3500, help="demo cases to seed (ENF_DEMO_CASES)")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379")
    parser.add_argument("--redis-db", type=int, default=6, help="Redis db of the cache")
    parser.add_argument("--broker-db", type=int, default=9, help="Redis db of the Celery broker")
    parser.add_argument("--port", type=int, default=8621)
    parser.add_argument("--workers", type=int, default=3, help="gunicorn worker processes (2 cores: 3)")
    parser.add_argument("--threads", type=int, default=4, help="threads per gunicorn worker")
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--spawn-rate", type=float, default=20)
    parser.add_argument("--duration", type=int, default=180, help="seconds of load")
    parser.add_argument("--settle", type=float, default=15, help="seconds after the spawn before measuring")
    parser.add_argument("--wait", default="5,15", help="think time between an officer's clicks, min,max seconds")
    parser.add_argument("--skip-prepare", action="store_true", help="reuse the database as it is")
    args = parser.parse_args()

    env = environment(args)
    if not args.skip_prepare:
        prepare(args, env)
    before = uptime()
    procs = start_services(args, env)
    try:
        result = run_locust(args, env, procs[0].pid)
    finally:
        stop(procs)
    result.update({"uptime_before": before, "uptime_after": uptime(), "args": vars(args),
                   "at": time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime())})
    out = VAR / f"result-{time.strftime('%Y%m%d-%H%M%S')}.json"
    out.write_text(json.dumps(result, indent=1))
    print_table(result)
    print(f"figures written to {out}")
    ok = result["steady"]["p95"] <= 200 and result["errors_whole_run"] == 0
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

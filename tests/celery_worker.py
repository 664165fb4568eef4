"""A real Celery worker (``celery -A enforcement worker``) as a subprocess, on the test database and a given broker.

Used by the tests that need a worker: deadlines (exactly-once reminders) and notices (batch printing).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from django.db import connection

ROOT = Path(__file__).resolve().parents[1]
CELERY = str(Path(sys.executable).with_name("celery"))


@dataclass(frozen=True)
class Worker:
    proc: subprocess.Popen
    log_path: Path


def wait_for(check, timeout: float, message: str) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if check():
            return
        time.sleep(0.2)
    raise AssertionError(message)


@contextmanager
def celery_worker(tmp_path: Path, name: str, *, broker: str, pool: str = "solo", concurrency: int = 1,
                  ready_timeout: float = 60, stop_timeout: float = 20) -> Iterator[Worker]:
    """Start a worker named ``name`` (its log in ``tmp_path/<name>.log``), wait until it is ready, stop it after."""
    env = dict(os.environ)
    s = connection.settings_dict
    env.update({
        "DATABASE_URL": f"postgres://{s['USER']}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}",
        "CELERY_BROKER_URL": broker, "ENF_VAR_DIR": str(tmp_path),
        "DJANGO_EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "DATABASE_CONN_MAX_AGE": "0", "PYTHONUNBUFFERED": "1",
    })
    log_path = tmp_path / f"{name}.log"
    log = open(log_path, "w")
    proc = subprocess.Popen(
        [CELERY, "-A", "enforcement", "worker", "-P", pool, "-c", str(concurrency), "-n", f"{name}@%h",
         "--without-gossip", "--without-mingle", "--without-heartbeat", "--loglevel=INFO"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )
    try:
        wait_for(lambda: "ready." in log_path.read_text(), ready_timeout, f"worker {name} did not start")
        yield Worker(proc, log_path)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(stop_timeout)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(10)
        log.close()

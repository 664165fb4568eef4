"""The health report of /healthz: the database, the shared cache, the Celery worker and Celery beat.

Heartbeats are timestamps (seconds since the epoch) in the shared cache (Redis, or the database cache):
  * the worker's, written by a consumer bootstep (``enforcement.celery.WorkerHeartbeat``) every
    ``ENF_CELERY_HEARTBEAT_SECONDS`` while a worker consumes tasks;
  * beat's, written by the periodic task ``core.tasks.heartbeat`` that beat sends every minute and a worker runs.
A heartbeat older than its limit (or none at all) makes the report "degraded" (HTTP 200: the web itself is alive);
an unreachable database or cache makes it "error" (HTTP 503). See docs/deployment.md.
"""

from __future__ import annotations

import logging
import time

from django.conf import settings
from django.core.cache import cache
from django.db import connection

log = logging.getLogger(__name__)

WORKER_KEY = "health:celery-worker"
BEAT_KEY = "health:celery-beat"


def heartbeat_write(key: str) -> float:
    now = time.time()
    cache.set(key, now, timeout=None)
    return now


def _heartbeat(key: str, max_age: int) -> dict:
    value = cache.get(key)
    if value is None:
        return {"status": "missing", "age_seconds": None, "max_age_seconds": max_age}
    age = max(0, round(time.time() - float(value)))
    return {"status": "ok" if age <= max_age else "stale", "age_seconds": age, "max_age_seconds": max_age}


def health_report() -> tuple[dict, int]:
    """(body, HTTP status) of /healthz."""
    body: dict = {"status": "ok"}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        body["database"] = "ok"
    except Exception:  # any driver error: the answer is "unavailable", not a 500
        log.exception("healthz: the database does not answer")
        return {"status": "error", "database": "unavailable"}, 503
    try:
        body["celery"] = _heartbeat(WORKER_KEY, settings.ENF_CELERY_HEARTBEAT_MAX_AGE)
        body["beat"] = _heartbeat(BEAT_KEY, settings.ENF_BEAT_HEARTBEAT_MAX_AGE)
        body["cache"] = "ok"
    except Exception:
        log.exception("healthz: the cache does not answer")
        return {"status": "error", "database": "ok", "cache": "unavailable"}, 503
    if body["celery"]["status"] != "ok" or body["beat"]["status"] != "ok":
        body["status"] = "degraded"
    return body, 200

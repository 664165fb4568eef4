"""/healthz reports the real Celery heartbeats: a REAL worker (subprocess, on Redis) writes its own, beat's task
writes beat's; without them, or when they grow old, the answer says "degraded" (still 200: the web is alive); with an
unreachable cache it is 503."""

from __future__ import annotations

import time

import pytest
from django.core.cache import cache
from django.test import override_settings

from core.health import BEAT_KEY, WORKER_KEY
from tests.celery_worker import celery_worker, wait_for


def _health(client) -> tuple[int, dict]:
    response = client.get("/healthz")
    return response.status_code, response.json()


@pytest.mark.celery
@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_healthz_follows_a_real_workers_heartbeat(client, tmp_path, monkeypatch):
    from django.conf import settings

    cache.delete_many([WORKER_KEY, BEAT_KEY])
    status, body = _health(client)
    assert status == 200 and body["status"] == "degraded"
    assert body["celery"]["status"] == "missing" and body["beat"]["status"] == "missing"

    monkeypatch.setenv("ENF_CELERY_HEARTBEAT_SECONDS", "1")
    with celery_worker(tmp_path, "health", broker=settings.CELERY_BROKER_URL):
        wait_for(lambda: _health(client)[1]["celery"]["status"] == "ok", 30, "no worker heartbeat")
        first = cache.get(WORKER_KEY)
        wait_for(lambda: cache.get(WORKER_KEY) > first, 10, "the worker heartbeat is not repeated")
        assert _health(client)[1]["status"] == "degraded"  # beat has not sent its heartbeat yet
        from enforcement.celery import app

        entry = app.conf.beat_schedule["core-heartbeat"]  # exactly what beat sends
        with app.connection_for_write(settings.CELERY_BROKER_URL) as conn:
            app.send_task(entry["task"], connection=conn)
        wait_for(lambda: _health(client)[1]["beat"]["status"] == "ok", 30, "the beat heartbeat task did not run")
        status, body = _health(client)
        assert status == 200 and body["status"] == "ok" and body["database"] == "ok" and body["cache"] == "ok"
        assert 0 <= body["celery"]["age_seconds"] <= 5

    # The worker is gone: its heartbeat ages past the limit and the answer says so.
    with override_settings(ENF_CELERY_HEARTBEAT_MAX_AGE=2):
        time.sleep(3)
        status, body = _health(client)
    assert status == 200 and body["status"] == "degraded"
    assert body["celery"]["status"] == "stale" and body["celery"]["age_seconds"] >= 3
    assert body["beat"]["status"] == "ok"


def test_healthz_is_503_when_the_cache_does_not_answer(client, db):
    unreachable = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                               "LOCATION": "redis://127.0.0.1:1/0"}}
    with override_settings(CACHES=unreachable):
        status, body = _health(client)
    assert status == 503 and body == {"status": "error", "database": "ok", "cache": "unavailable"}

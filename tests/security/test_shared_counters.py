"""Rate limits hold across processes: their counters live in the shared cache (Redis, or the database cache when no
REDIS_URL is set, as in scripts/run.sh), never in one process's memory. Two separate Python processes count against
the same API sign-in throttle; then this test process, a third, is refused too."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]

HIT = """
import json, sys
import django
django.setup()
from django.conf import settings
from django.test import RequestFactory
from rest_framework.request import Request
from rest_framework.throttling import ScopedRateThrottle

class View:  # the API sign-in view's throttle scope (accounts.api.TokenView)
    throttle_scope = "login"

n, address = int(sys.argv[1]), sys.argv[2]
allowed = 0
for _ in range(n):
    request = Request(RequestFactory().post("/api/v1/auth/token/", REMOTE_ADDR=address))
    allowed += ScopedRateThrottle().allow_request(request, View())
print(json.dumps({"backend": settings.CACHES["default"]["BACKEND"], "allowed": allowed}))
"""


def _hit(n: int, address: str, *, redis: bool) -> dict:
    s = connection.settings_dict
    env = {k: v for k, v in os.environ.items() if k != "REDIS_URL"}
    env.update(DJANGO_SETTINGS_MODULE="enforcement.settings", DATABASE_CONN_MAX_AGE="0",
               DATABASE_URL=f"postgres://{s['USER']}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}")
    if redis:
        env["REDIS_URL"] = os.environ["REDIS_URL"]
    result = subprocess.run([sys.executable, "-c", HIT, str(n), address], cwd=ROOT, env=env, capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("redis", [True, False], ids=["redis", "database-cache"])
def test_two_processes_share_the_api_sign_in_throttle(client, db, redis):
    limit = int(settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["login"].split("/")[0])
    octets = uuid.uuid4().int
    address = f"10.{octets % 200 + 20}.{octets // 200 % 250}.{octets // 50000 % 250 + 1}"
    first = _hit(limit - 1, address, redis=redis)
    assert first["allowed"] == limit - 1
    assert first["backend"].endswith("RedisCache" if redis else "DatabaseCache")
    second = _hit(2, address, redis=redis)
    assert second["allowed"] == 1, second  # the other process's count went on from the first's
    if redis:  # this test process uses the same Redis: its own request is refused as well
        response = client.post("/api/v1/auth/token/", {"username": "x", "password": "y"},
                               content_type="application/json", REMOTE_ADDR=address)
        assert response.status_code == 429

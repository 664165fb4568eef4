"""Dashboards and reports read from the replica when DATABASE_REPLICA_URL is set; writes always go to the primary."""

import os
import subprocess
import sys
from pathlib import Path

from django.db import connection

from accounts.models import Court
from core.db_router import ReplicaRouter, read_replica

ROOT = Path(__file__).resolve().parents[2]

SCRIPT = r"""
import django, os
django.setup()
from django.db import connections, reset_queries
from django.test.utils import CaptureQueriesContext
from accounts.models import Court
from core.db_router import read_replica
with CaptureQueriesContext(connections["default"]) as primary, CaptureQueriesContext(connections["replica"]) as replica:
    Court.objects.count()
    with read_replica():
        Court.objects.count()
        list(Court.objects.all()[:1])
print(len(primary.captured_queries), len(replica.captured_queries))
"""


def test_router_without_replica_uses_the_primary():
    router = ReplicaRouter()
    with read_replica() as alias:
        assert alias == "default"
        assert router.db_for_read(Court) == "default"
    assert router.db_for_read(Court) is None
    assert router.db_for_write(Court) == "default"
    assert router.allow_migrate("replica", "cases") is False


def test_reads_inside_read_replica_go_to_the_replica_connection(db):
    settings_dict = connection.settings_dict
    url = (f"postgres://{settings_dict['USER']}@{settings_dict['HOST'] or '127.0.0.1'}:{settings_dict['PORT'] or 5432}"
           f"/{settings_dict['NAME']}")
    env = dict(os.environ, DATABASE_URL=url, DATABASE_REPLICA_URL=url, DJANGO_SETTINGS_MODULE="enforcement.settings")
    result = subprocess.run([sys.executable, "-c", SCRIPT], cwd=ROOT, env=env, capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 0, result.stderr
    primary, replica = map(int, result.stdout.split())
    assert (primary, replica) == (1, 2)

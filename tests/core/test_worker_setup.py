"""How a Celery worker process is set up (enforcement/celery.py, notices/tasks.py): warmed and frozen out of the
garbage collector before it takes tasks, and keeping its database connection between tasks the way a web process
does. Each probe runs the worker's own signal handlers in a fresh interpreter."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)

PROBE = """
import gc, json, os, django
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "enforcement.settings")
django.setup()
from celery import signals
from enforcement import celery as worker_app
from notices import tasks
connected = {
    "worker_init": any(r[1]() is worker_app._warm_up_worker for r in signals.worker_init.receivers),
    "process_init": any(r[1]() is tasks._warm_up_process for r in signals.worker_process_init.receivers),
    "prerun": any(r[1]() is worker_app._close_old_connections for r in signals.task_prerun.receivers),
}
worker_app._warm_up_worker()          # the main process, before the pool forks
main = gc.get_freeze_count()
tasks._warm_up_process()              # each pool process
import gc as _gc
garbage = [[] for _ in range(1000)]
for item in garbage:
    item.append(item)                 # cycles made by a task after the freeze
del garbage, item
collected = _gc.collect()
from notices.pdf import render
print(json.dumps({"connected": connected, "main": main, "child": gc.get_freeze_count(), "collected": collected,
                  "engine": render._local.engine is not None}))
"""


def _probe(**env) -> dict:
    out = subprocess.run([sys.executable, "-c", PROBE], cwd=ROOT, env={**os.environ, **env}, capture_output=True,
                         text=True, timeout=180, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_worker_processes_are_warmed_and_frozen_and_still_collect_what_tasks_make():
    state = _probe(ENF_WARMUP="1")
    assert all(state["connected"].values()), state["connected"]
    assert state["main"] > 50_000  # the project's modules, imported and frozen before the fork
    assert state["child"] > state["main"]  # the PDF engine built in the pool process, frozen as well
    assert state["engine"]
    assert state["collected"] >= 1000  # cycles made after the freeze are collected as before


def test_worker_warm_up_can_be_turned_off():
    state = _probe(ENF_WARMUP="0")
    assert state["main"] == 0 and state["child"] == 0
    assert state["engine"]  # the PDF engine is still built before the first task


def test_worker_keeps_its_database_connection_between_tasks():
    from celery.fixups.django import DjangoWorkerFixup

    from enforcement.celery import app

    fixup = DjangoWorkerFixup(app)
    assert fixup.db_reuse_max >= 100_000  # Celery closes connections only every 2 × this many tasks


@pytest.mark.django_db(transaction=True)  # no test transaction around it: a task runs outside any
def test_before_each_task_an_obsolete_connection_is_dropped_and_a_fresh_one_kept():
    from django.db import connection

    from enforcement.celery import _close_old_connections

    connection.ensure_connection()
    kept = connection.connection
    connection.close_at = None  # within CONN_MAX_AGE
    _close_old_connections()
    assert connection.connection is kept
    connection.close_at = 0  # past its CONN_MAX_AGE
    _close_old_connections()
    assert connection.connection is None

"""The Celery application and the beat schedule.

Beat only fires scans; what is due lives in the database, so nothing is scheduled days ahead inside the broker and a
broker restart loses nothing. Each app declares its periodic tasks in ``<app>/schedule.py`` as a ``BEAT`` dict
(task names as strings, so importing it loads no Django code).
"""

import importlib
import logging
import os

from celery import Celery, bootsteps, signals
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "enforcement.settings")

app = Celery("enforcement")
app.config_from_object("django.conf:settings", namespace="CELERY")
# Celery's Django fixup closes every database connection before and after every task unless this is set: each
# task then paid for a new PostgreSQL backend (fork, authentication, catalog caches warmed again), e.g. the 20 tasks
# of a 200-notice batch print. With it, a worker process keeps its connection the way a web worker does: Django's
# CONN_MAX_AGE and CONN_HEALTH_CHECKS decide, through close_old_connections() before each task (below).
app.conf.CELERY_DB_REUSE_MAX = 1_000_000
app.autodiscover_tasks()


@signals.worker_init.connect
def _warm_up_worker(**_kwargs) -> None:
    """Before the pool forks: import what the tasks use (the URL configuration imports every app's views and
    services), load the translations, compile the templates, then freeze the heap out of the garbage collector
    (``core.warmup``), so the forked processes share those pages and their full collections do not walk them.
    ``ENF_WARMUP=0`` turns it off."""
    from django.conf import settings

    if settings.WARMUP:
        from core.warmup import warm_up

        warm_up()


@signals.task_prerun.connect
def _close_old_connections(**_kwargs) -> None:
    """What Django does at the start of each request: drop connections older than CONN_MAX_AGE or left unusable
    (a database restart, an error), and health-check the others on first use."""
    from django.db import close_old_connections

    close_old_connections()

class WorkerHeartbeat(bootsteps.StartStopStep):
    """While the worker consumes tasks, write its heartbeat into the shared cache every ENF_CELERY_HEARTBEAT_SECONDS
    (core.health; /healthz reports its age). Runs on the consumer's timer in the worker's main process."""

    requires = {"celery.worker.consumer.tasks:Tasks"}

    def __init__(self, parent, **kwargs):
        super().__init__(parent, **kwargs)
        self.tref = None

    def _beat(self) -> None:
        from core.health import WORKER_KEY, heartbeat_write

        try:
            heartbeat_write(WORKER_KEY)
        except Exception:  # the cache is down: healthz says so; the worker goes on
            logging.getLogger(__name__).warning("Could not write the worker heartbeat", exc_info=True)

    def start(self, parent) -> None:
        from django.conf import settings

        self._beat()
        self.tref = parent.timer.call_repeatedly(settings.ENF_CELERY_HEARTBEAT_SECONDS, self._beat)

    def stop(self, parent) -> None:
        if self.tref is not None:
            self.tref.cancel()
            self.tref = None

    shutdown = stop


app.steps["consumer"].add(WorkerHeartbeat)

SCHEDULE_APPS = ("core", "cases", "assets", "inquiry", "statements", "credit", "review", "delegation", "supervision",
                 "efile", "signing", "notices", "deadlines", "messaging", "reports", "portal")


def beat_schedule() -> dict:
    schedule = {"core-heartbeat": {"task": "core.tasks.heartbeat", "schedule": crontab(minute="*")}}
    for name in SCHEDULE_APPS:
        try:
            module = importlib.import_module(f"{name}.schedule")
        except ModuleNotFoundError as exc:
            if exc.name != f"{name}.schedule":
                raise
            continue
        schedule.update(module.BEAT)
    return schedule


app.conf.beat_schedule = beat_schedule()

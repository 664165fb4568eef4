"""The Celery application and the beat schedule.

Beat only fires scans; what is due lives in the database, so nothing is scheduled days ahead inside the broker and a
broker restart loses nothing. Each app declares its periodic tasks in ``<app>/schedule.py`` as a ``BEAT`` dict
(task names as strings, so importing it loads no Django code).
"""

import importlib
import os

from celery import Celery
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "enforcement.settings")

app = Celery("enforcement")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

SCHEDULE_APPS = ("core", "cases", "assets", "notices", "deadlines", "reports")


def beat_schedule() -> dict:
    schedule = {"core-heartbeat": {"task": "core.tasks.heartbeat", "schedule": crontab(minute="*/5")}}
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

"""Each pytest-xdist worker's own Redis databases and var directory (tests/xdist_isolation.py), and that a worker of
this very run has them (under ``scripts/test.sh``: ``-n``)."""

import os

import pytest

from tests.xdist_isolation import worker_env

BASE = {"REDIS_URL": "redis://127.0.0.1:6379/14", "CELERY_BROKER_URL": "redis://127.0.0.1:6379/15",
        "ENF_VAR_DIR": "var/test"}


def test_worker_zero_keeps_the_configured_databases_and_workers_step_down_two_by_two():
    assert worker_env("gw0", BASE) == {**BASE, "ENF_VAR_DIR": os.path.join("var/test", "gw0")}
    assert worker_env("gw1", BASE) == {"REDIS_URL": "redis://127.0.0.1:6379/12",
                                       "CELERY_BROKER_URL": "redis://127.0.0.1:6379/13",
                                       "ENF_VAR_DIR": os.path.join("var/test", "gw1")}
    seven = worker_env("gw7", BASE)
    assert seven["REDIS_URL"].endswith("/0") and seven["CELERY_BROKER_URL"].endswith("/1")
    # Eight workers never share a database: the cache and broker numbers of gw0..gw7 are 16 different ones.
    numbers = [worker_env(f"gw{n}", BASE)[k].rsplit("/", 1)[1] for n in range(8) for k in ("REDIS_URL",
                                                                                          "CELERY_BROKER_URL")]
    assert len(set(numbers)) == 16


def test_a_worker_without_a_database_left_stops_with_a_message():
    with pytest.raises(RuntimeError, match="fewer workers"):
        worker_env("gw8", BASE)


def test_other_brokers_and_urls_with_credentials():
    env = worker_env("gw1", {"REDIS_URL": "redis://:secret@cache:6380/40", "CELERY_BROKER_URL": "filesystem://"})
    assert env == {"REDIS_URL": "redis://:secret@cache:6380/38", "CELERY_BROKER_URL": "filesystem://"}


def test_this_worker_runs_on_its_own_databases(settings, db):
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if not worker:
        pytest.skip("not under pytest-xdist")
    from django.db import connection

    assert connection.settings_dict["NAME"].endswith(f"_{worker}")  # pytest-django's suffix
    assert settings.CELERY_BROKER_URL == os.environ["CELERY_BROKER_URL"] != os.environ["REDIS_URL"]
    assert settings.CACHES["default"]["LOCATION"] == os.environ["REDIS_URL"]
    assert os.environ["ENF_VAR_DIR"].endswith(worker) and settings.MEDIA_ROOT.startswith(os.environ["ENF_VAR_DIR"])

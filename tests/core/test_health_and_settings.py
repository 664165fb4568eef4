"""Settings are strict about malformed values, and production settings pass `check --deploy`."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _run(args, **env_overrides):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "ENF_"))}
    env.update(env_overrides)
    return subprocess.run([sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize("name,value", [("DJANGO_DEBUG", "maybe"), ("AXES_FAILURE_LIMIT", "five"),
                                        ("DATABASE_URL", "mysql://x@y/z")])
def test_malformed_setting_stops_start_up_naming_the_variable(name, value):
    result = _run(["manage.py", "check"], DJANGO_SECRET_KEY="k" * 50, **{name: value})
    assert result.returncode != 0
    assert name in result.stderr


def test_missing_secret_key_in_production_is_an_error():
    result = _run(["manage.py", "check"])
    assert result.returncode != 0 and "DJANGO_SECRET_KEY" in result.stderr


def test_check_deploy_is_clean_with_production_variables(tmp_path):
    secret = tmp_path / "secret"
    secret.write_text("s3cr3t-" + "x" * 60)
    result = _run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"],
                  DJANGO_SECRET_KEY_FILE=str(secret), DJANGO_ALLOWED_HOSTS="enforcement.court.example")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_healthz_answers(client, db):
    # "ok" needs the Celery heartbeats (tests/core/test_healthz_celery.py); the web itself answers 200 either way.
    response = client.get("/healthz")
    assert response.status_code == 200 and response.json()["status"] in ("ok", "degraded")
    assert response.json()["database"] == "ok"


def test_security_headers_on_pages(client, db):
    response = client.get("/accounts/login/")
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.django_db
def test_court_settings_memoized_reads_each_court_once(org, django_assert_num_queries):
    from core import court_settings
    from core.models import CourtSetting

    CourtSetting.objects.create(court=org.court, key="payout_days", value=5)
    with court_settings.memoized():
        with django_assert_num_queries(1):
            assert court_settings.get(org.court, "payout_days") == 5
            assert court_settings.get(org.court, "payout_chief_threshold") == court_settings.registry()[
                "payout_chief_threshold"].default
            assert court_settings.get(org.court.pk, "payout_days") == 5
    # Outside the block every read sees the database again.
    CourtSetting.objects.filter(court=org.court, key="payout_days").update(value=7)
    assert court_settings.get(org.court, "payout_days") == 7

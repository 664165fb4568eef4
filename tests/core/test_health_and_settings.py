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
    response = client.get("/healthz")
    assert response.status_code == 200 and response.json()["status"] == "ok"


def test_security_headers_on_pages(client, db):
    response = client.get("/accounts/login/")
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"

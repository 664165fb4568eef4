"""Security settings not covered by tests/core/test_health_and_settings.py (check --deploy, CSP, headers) and
tests/accounts/test_auth.py (sign-in throttling on the page, CSRF, password change): the production values of the
cookie and transport settings, session expiry, password validators, throttling of the API token endpoint, and a scan
of the repository for committed secrets."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.utils import timezone

ROOT = Path(__file__).resolve().parents[2]

PRODUCTION_PROBE = """
import json
from django.conf import settings as s
print(json.dumps({k: getattr(s, k, None) for k in (
    "DEBUG", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "SECURE_HSTS_SECONDS", "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_SSL_REDIRECT", "SESSION_COOKIE_HTTPONLY", "SESSION_COOKIE_SAMESITE", "SESSION_COOKIE_AGE",
    "SESSION_EXPIRE_AT_BROWSER_CLOSE", "CSRF_COOKIE_HTTPONLY", "SECURE_CONTENT_TYPE_NOSNIFF", "X_FRAME_OPTIONS",
    "SECURE_PROXY_SSL_HEADER")}))
"""


@pytest.fixture(scope="module")
def production(tmp_path_factory):
    secret = tmp_path_factory.mktemp("secret") / "key"
    secret.write_text("s3cr3t-" + "x" * 60)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "ENF_"))}
    env.update(DJANGO_SECRET_KEY_FILE=str(secret), DJANGO_ALLOWED_HOSTS="enforcement.court.example")
    result = subprocess.run([sys.executable, "manage.py", "shell", "-c", PRODUCTION_PROBE], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_production_cookies_are_secure_and_http_only(production):
    assert production["DEBUG"] is False
    assert production["SESSION_COOKIE_SECURE"] is True and production["CSRF_COOKIE_SECURE"] is True
    assert production["SESSION_COOKIE_HTTPONLY"] is True and production["CSRF_COOKIE_HTTPONLY"] is True
    assert production["SESSION_COOKIE_SAMESITE"] in ("Lax", "Strict")


def test_production_forces_https_with_hsts(production):
    assert production["SECURE_SSL_REDIRECT"] is True
    assert production["SECURE_HSTS_SECONDS"] >= 31536000
    assert production["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True
    assert production["SECURE_CONTENT_TYPE_NOSNIFF"] is True and production["X_FRAME_OPTIONS"] == "DENY"


def test_sessions_expire_within_a_working_day(production):
    assert 300 <= production["SESSION_COOKIE_AGE"] <= 12 * 3600
    assert production["SESSION_EXPIRE_AT_BROWSER_CLOSE"] is True


def test_an_expired_session_is_refused(client, org):
    client.force_login(org.officer)
    assert client.get("/cases/mine/").status_code == 200
    Session.objects.filter(session_key=client.session.session_key).update(
        expire_date=timezone.now() - timedelta(seconds=1))
    response = client.get("/cases/mine/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("password", ["short1A", "password123", "12345678901234", "officer2026x", "Court-enf"])
def test_weak_passwords_are_refused(org, password):
    with pytest.raises(ValidationError):
        validate_password(password, user=org.officer)


def test_a_strong_password_is_accepted(org):
    validate_password("Tianshui-Maiji-执行-2026", user=org.officer)


def test_password_hashing_in_production_is_not_md5():
    """The tests speed hashing up with MD5 (tests/conftest.py); the settings module itself must not."""
    source = (ROOT / "enforcement" / "settings.py").read_text(encoding="utf-8")
    assert "MD5PasswordHasher" not in source


def test_api_token_endpoint_is_throttled(client, org):
    settings_rate = settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["login"]
    limit = int(settings_rate.split("/")[0])
    address = f"10.77.{os.getpid() % 250}.{timezone.now().second + 1}"
    codes = [client.post("/api/v1/auth/token/", {"username": "officer", "password": "wrong-password-x"},
                         content_type="application/json", REMOTE_ADDR=address).status_code
             for _ in range(limit + 1)]
    assert codes[-1] == 429, codes
    assert set(codes[:-1]) <= {400, 401, 403}, codes


# --- No secrets in the repository --------------------------------------------------------------------------------

# Documented, deliberately public values: the demo accounts' password (README), the tests' own password and secret
# key, the audit's superuser password (tests/security/conftest.py), the DEBUG-only development key (settings refuse
# to start without a real key when DEBUG is off), the benchmark's throw-away user (bench/reports_kpi.py) and the wrong
# password the throttling test sends.
ALLOWED = {"Court-demo-2026", "Test-password-2026", "test-secret-key-not-for-production-use", "x-Root-2026",
           "insecure-development-key-only-for-debug", "Bench-password-1", "wrong-password-x"}

PATTERNS = [
    ("private key", re.compile(r"-----BEGIN (?:RSA |EC |DSA |OPENSSH |ENCRYPTED |PGP )?PRIVATE KEY")),
    ("AWS access key", re.compile(r"\bAKIA[0-9A-Z]{16}\b")),
    ("GitHub token", re.compile(r"\bgh[pousr]_[A-Za-z0-9]{36,}\b")),
    ("Slack token", re.compile(r"\bxox[baprs]-[A-Za-z0-9-]{10,}")),
    ("password in a URL", re.compile(r"\b[a-z][a-z0-9+.-]*://[^/\s:@'\"]+:([^@\s/'\"$]{4,})@")),
    ("assigned secret", re.compile(
        r"(?i)\b(?:password|passwd|secret_key|secret|api_key|token)\b[\"']?\s*[:=]\s*[\"']([^\"'\s]{8,})[\"']")),
]


def _tracked_files() -> list[Path]:
    out = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True)
    return [ROOT / p for p in out.stdout.decode().split("\0") if p]


def _is_placeholder(value: str) -> bool:
    return (value in ALLOWED or value.startswith(("$", "{", "<", "%(")) or "example" in value.lower()
            or "change" in value.lower() or set(value) <= {"x", "X", "*", "."} or "os.environ" in value)


def test_no_secrets_are_committed():
    findings = []
    for path in _tracked_files():
        if not path.is_file() or path.suffix in (".mo", ".png", ".jpg", ".pdf", ".ttf", ".otf", ".woff", ".woff2",
                                                 ".ico", ".gz", ".xlsx", ".zip"):
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except (UnicodeDecodeError, OSError):
            continue
        for label, pattern in PATTERNS:
            for m in pattern.finditer(text):
                value = m.group(1) if pattern.groups else m.group(0)
                if pattern.groups and _is_placeholder(value):
                    continue
                line = text.count("\n", 0, m.start()) + 1
                findings.append(f"{path.relative_to(ROOT)}:{line}: {label}")
    assert not findings, "possible secrets in the repository:\n" + "\n".join(findings)

"""The README's first command, tested on every run: scripts/run.sh on the embedded default (its own PostgreSQL and
folder broker, no DATABASE_URL or CELERY_BROKER_URL), waits for the sign-in page, signs in as a demo officer, then
stops everything with Ctrl-C (SIGINT to the process group) and checks nothing is left running."""

from __future__ import annotations

import http.cookiejar
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import time
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

import psutil
import pytest

ROOT = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.slow


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_for(url: str, proc: subprocess.Popen, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"run.sh exited early with code {proc.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(1)
    raise AssertionError(f"{url} did not answer within {timeout} s")


def test_run_command_serves_signs_in_and_stops_cleanly():
    port = _free_port()
    var = ROOT / "var" / f"run-test-{uuid.uuid4().hex[:8]}"
    var.mkdir(parents=True)
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("DJANGO_", "ENF_", "DATABASE_", "CELERY_", "REDIS_", "PYTEST", "PYTHON"))}
    env.update(ENF_PORT=str(port), ENF_VAR_DIR=str(var), ENF_DEMO_CASES="40",
               ENF_FONTS_DIR=os.environ.get("ENF_FONTS_DIR", str(ROOT / "var" / "fonts")), WEB_CONCURRENCY="2")
    log = (ROOT / "test-artifacts").resolve()
    log.mkdir(exist_ok=True)
    with open(log / "run-command.log", "w") as out:
        proc = subprocess.Popen([str(ROOT / "scripts" / "run.sh")], cwd=ROOT, env=env, stdout=out,
                                stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_for(f"{base}/accounts/login/", proc, timeout=420)
        jar = http.cookiejar.CookieJar()
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        page = opener.open(f"{base}/accounts/login/").read().decode()
        assert "登录" in page
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        data = urllib.parse.urlencode({"csrfmiddlewaretoken": token, "username": "officer1",
                                       "password": "Court-demo-2026"}).encode()
        home = opener.open(urllib.request.Request(f"{base}/accounts/login/", data=data,
                                                  headers={"Referer": f"{base}/accounts/login/"})).read().decode()
        assert "郑强" in home and 'id="role-nav"' in home
        # Static files are served (whitenoise) and the health check sees the database.
        assert opener.open(f"{base}/healthz").status == 200
        # The worker's heartbeat reaches /healthz through the shared database cache (the embedded run has no Redis).
        deadline = time.monotonic() + 120
        while json.loads(opener.open(f"{base}/healthz").read())["celery"]["status"] != "ok":
            assert time.monotonic() < deadline, "no Celery worker heartbeat on /healthz"
            time.sleep(1)
        css = re.search(r'href="(/static/vendor/bootstrap/[^"]+\.css)"', home).group(1)
        assert opener.open(base + css).status == 200
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGINT)
            try:
                proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                raise
    try:
        assert proc.returncode == 0, (log / "run-command.log").read_text()[-3000:]
        text = (log / "run-command.log").read_text()
        assert "Stopped" in text
        leftovers = [p.info["cmdline"] for p in psutil.process_iter(["cmdline"])
                     if p.info["cmdline"] and any(str(var) in part for part in p.info["cmdline"])]
        assert not leftovers, leftovers
    finally:
        shutil.rmtree(var, ignore_errors=True)

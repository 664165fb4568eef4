"""Helpers shared by the "day of each role" browser tests (tests/browser/test_day_*.py)."""

from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path

from core.rules.checksums import org_code_check_char, resident_id_check_char, uscc_check_char

PHONE_DEVICE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}


def resident_id(region: str, born: str, serial: str) -> str:
    """A resident identity number that passes the GB 11643 check (region 6 digits, born YYYYMMDD, serial 3)."""
    body = f"{region}{born}{serial}"
    return body + resident_id_check_char(body)


def uscc(region: str, org_body: str) -> str:
    """A unified social credit code passing both the GB 32100 and the embedded GB 11714 check."""
    org = org_body + org_code_check_char(org_body)
    body = f"91{region}{org}"
    return body + uscc_check_char(body)


def pdf_text(data: bytes) -> str:
    """The text of a PDF as ``pdftotext`` (poppler) extracts it: what a reader of the printed page sees."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "doc.pdf"
        path.write_bytes(data)
        out = subprocess.run(["pdftotext", "-enc", "UTF-8", "-layout", str(path), "-"], check=True,
                             capture_output=True, timeout=60)
    return out.stdout.decode("utf-8")


def flat(text: str) -> str:
    """Text without any whitespace, so words the PDF layout split over lines or columns still match."""
    return "".join(text.split())


def assert_no_horizontal_scroll(page) -> None:
    """A phone page must fit its width: nothing may make the page scroll sideways."""
    widths = page.evaluate("() => [document.scrollingElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1], f"{page.url} scrolls sideways: content {widths[0]}px, screen {widths[1]}px"


def open_nav(page) -> None:
    """On a phone the navigation is collapsed behind the toggler: open it if it is."""
    toggler = page.locator(".navbar-toggler")
    if toggler.is_visible() and not page.locator("#role-nav").is_visible():
        toggler.click()
        page.wait_for_selector("#role-nav", state="visible")


def go_nav(page, url_name: str) -> None:
    """Follow a navigation entry the way a person does (the menu, not a typed address)."""
    open_nav(page)
    link = page.locator(f"#role-nav a[data-nav='{url_name}']")
    if not link.is_visible():  # an entry inside a topic's drop-down menu: open the menu first
        link.locator("xpath=ancestor::li[contains(@class, 'dropdown')]/a[@data-bs-toggle='dropdown']").click()
    with page.expect_navigation():
        link.click()


def alerts(page) -> str:
    return " ".join(page.locator(".messages .alert").all_inner_texts())


class CeleryWorker:
    """A real Celery worker (``celery -A enforcement worker``) on the test database and the configured broker, started
    in the background so it boots while the browser works; ``ready()`` waits until it takes tasks."""

    def __init__(self, tmp_path: Path, name: str = "days"):
        import os
        import sys

        from django.conf import settings
        from django.db import connection

        s = connection.settings_dict
        env = dict(os.environ)
        env.update({
            "DATABASE_URL": f"postgres://{s['USER']}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}",
            "CELERY_BROKER_URL": settings.CELERY_BROKER_URL, "DATABASE_CONN_MAX_AGE": "0", "PYTHONUNBUFFERED": "1",
        })
        self.log_path = tmp_path / f"{name}-worker.log"
        self._log = open(self.log_path, "w")
        root = Path(__file__).resolve().parents[2]
        celery = str(Path(sys.executable).with_name("celery"))
        self.proc = subprocess.Popen(
            [celery, "-A", "enforcement", "worker", "-P", "solo", "-n", f"{name}@%h", "--without-gossip",
             "--without-mingle", "--without-heartbeat", "--loglevel=INFO"],
            cwd=root, env=env, stdout=self._log, stderr=subprocess.STDOUT, start_new_session=True)

    def ready(self, timeout: float = 90) -> None:
        import time

        end = time.monotonic() + timeout
        while time.monotonic() < end:
            if "ready." in self.log_path.read_text():
                return
            if self.proc.poll() is not None:
                break
            time.sleep(0.2)
        raise AssertionError(f"the Celery worker did not start:\n{self.log()}")

    def log(self) -> str:
        return self.log_path.read_text()[-3000:]

    def stop(self) -> None:
        import os
        import signal

        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(10)
        self._log.close()

"""The web process warm-up (core/warmup.py): what enforcement/wsgi.py does before a worker serves its first request."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.test import override_settings

from core.warmup import _template_names, warm_up

ROOT = Path(settings.BASE_DIR)

PROBE = """
import gc, json
import enforcement.wsgi
from django.template import engines
loader = engines["django"].engine.template_loaders[0]
print(json.dumps({"frozen": gc.get_freeze_count(), "cached": sorted(str(k) for k in loader.get_template_cache)}))
"""


def _start_web_process(**env) -> dict:
    """Build the WSGI application in a fresh interpreter, as a gunicorn worker does, and report its state."""
    out = subprocess.run([sys.executable, "-c", PROBE], cwd=ROOT, env={**os.environ, **env}, capture_output=True,
                         text=True, timeout=120, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_wsgi_application_compiles_the_pages_templates_and_freezes_the_start_up_heap():
    state = _start_web_process(ENF_WARMUP="1")
    assert state["frozen"] > 50_000  # the imported project and Django, out of every full collection
    for name in ("base.html", "cases/case_list.html", "cases/partials/case_table.html", "deadlines/mine.html"):
        assert name in state["cached"], name


def test_warm_up_can_be_turned_off():
    state = _start_web_process(ENF_WARMUP="0")
    assert state["frozen"] == 0
    assert "cases/case_list.html" not in state["cached"]


def test_every_project_template_compiles():
    names = _template_names()
    assert "cases/case_list.html" in names and "base.html" in names
    # Installed packages' own templates are not among them; the project's override of the admin index is.
    assert "admin/base_site.html" not in names and not any(name.startswith("rest_framework/") for name in names)
    assert [name for name in names if name.startswith("admin/")] == ["admin/index.html"]
    result = warm_up(freeze=False)
    assert result.broken == []
    assert result.templates == len(names)
    assert result.languages == [code for code, _ in settings.LANGUAGES]


@pytest.fixture
def broken_template_dir():
    # Under the project, since only the project's own templates are warmed up (var/ is not in git).
    folder = ROOT / "var" / f"warmup-templates-{os.getpid()}"
    (folder / "warmup").mkdir(parents=True, exist_ok=True)
    (folder / "warmup" / "broken.html").write_text("{% if %}never closed", encoding="utf-8")
    (folder / "warmup" / "fine.html").write_text("{% load i18n %}{% translate 'Cases' %}", encoding="utf-8")
    yield folder
    shutil.rmtree(folder)


def test_a_broken_template_is_reported_by_name_and_does_not_stop_the_start(broken_template_dir):
    templates = [{**settings.TEMPLATES[0], "DIRS": [*settings.TEMPLATES[0]["DIRS"], broken_template_dir]}]
    with override_settings(TEMPLATES=templates):
        names = _template_names()
        result = warm_up(freeze=False)
    assert {"warmup/broken.html", "warmup/fine.html"} <= set(names)
    assert [p.split(":")[0] for p in result.broken] == ["warmup/broken.html"]
    assert result.templates == len(names) - 1  # every other template, the new fine one included, compiled

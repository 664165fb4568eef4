"""Warm a web process before it serves its first request, then freeze its start-up heap out of the garbage collector.

Two costs otherwise land on real users:

* The first request a process serves compiles the templates it renders, imports the views behind the URL
  configuration and loads the translation catalogues: about 0.7 s of CPU for the case list (measured with 1,000,000
  cases; see docs/benchmarks.md), paid again by every gunicorn worker after each deploy or restart.
* CPython's full (generation 2) collection walks every tracked object. A Django process of this project holds about
  180,000 of them after start-up, so every full collection took about 100 ms in the middle of some request: those
  requests, not the SQL, set the p95 of the search pages.

``warm_up()`` does the start-up work once and then calls ``gc.freeze()``, which moves everything alive at that
moment into a permanent generation that collections no longer walk. Objects created by requests are collected as
before. ``enforcement/wsgi.py`` calls it when the WSGI application is built (each gunicorn worker, or the master with
``--preload``, where the frozen pages also stay shared copy-on-write between the forked workers). ``ENF_WARMUP=0``
turns it off.
"""

from __future__ import annotations

import gc
import logging
import time
from dataclasses import dataclass, field
from pathlib import Path

logger = logging.getLogger(__name__)


@dataclass
class WarmUp:
    seconds: float = 0.0
    templates: int = 0
    broken: list[str] = field(default_factory=list)
    languages: list[str] = field(default_factory=list)
    frozen_objects: int = 0


def _template_names() -> list[str]:
    """The project's own ``*.html`` templates (its ``templates/`` folder and each of its apps' folders); those of
    installed packages (the admin, DRF's browsable API) compile on their first use, as before."""
    from django.conf import settings
    from django.template import engines

    base = Path(settings.BASE_DIR).resolve()
    names: set[str] = set()
    for engine in engines.all():
        for folder in engine.template_dirs:
            root = Path(folder).resolve()
            if root.is_dir() and root.is_relative_to(base) and ".venv" not in root.parts:
                names.update(p.relative_to(root).as_posix() for p in root.rglob("*.html"))
    return sorted(names)


def _compile_templates(result: WarmUp) -> None:
    from django.template import engines

    names = _template_names()
    for engine in engines.all():
        for name in names:
            try:
                engine.get_template(name)  # the cached loader keeps the compiled template
            except Exception as exc:  # noqa: BLE001 - a broken template fails its page, not the server's start
                result.broken.append(f"{name}: {type(exc).__name__}: {exc}")
            else:
                result.templates += 1


def _load_translations(result: WarmUp) -> None:
    from django.conf import settings
    from django.utils import translation

    current = translation.get_language()
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            translation.gettext("Cases")  # loads and merges every app's catalogue for this language
        result.languages.append(code)
    if current:
        translation.activate(current)
    else:
        translation.deactivate()


def _load_urls() -> None:
    from django.urls import get_resolver

    resolver = get_resolver()
    resolver.url_patterns  # noqa: B018 - imports every view module of the URL configuration
    resolver.reverse_dict  # noqa: B018 - builds the reverse lookup tables used by every page


def _load_static_manifest() -> None:
    from django.contrib.staticfiles.storage import staticfiles_storage

    try:
        staticfiles_storage.url("css/app.css")  # reads the manifest once, if the storage keeps one
    except ValueError:  # not collected (development): the first page would raise the same, visibly
        pass


def warm_up(*, freeze: bool = True) -> WarmUp:
    """Do the first request's one-off work now; then, if ``freeze``, freeze the heap out of the collector."""
    started = time.perf_counter()
    result = WarmUp()
    _load_urls()
    _load_translations(result)
    _compile_templates(result)
    _load_static_manifest()
    for problem in result.broken:
        logger.warning("Template does not compile: %s", problem)
    if freeze:
        gc.collect()  # free start-up garbage first: what is frozen is never collected
        gc.freeze()
        result.frozen_objects = gc.get_freeze_count()
    result.seconds = time.perf_counter() - started
    logger.info("Warm-up: %d templates, languages %s, %d objects frozen, %.2f s", result.templates,
                ",".join(result.languages), result.frozen_objects, result.seconds)
    return result

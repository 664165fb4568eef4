"""What each pytest-xdist worker gets to itself, so two workers never share state outside their own process.

``tests/conftest.py`` calls :func:`worker_env` from ``pytest_xdist_setupnodes`` in the controller: the variables are
put in the worker's execnet spec (``env:``), so they are in the worker's environment before pytest-env and
pytest-django read it (the settings module is imported during ``pytest_load_initial_conftests``), and every process a
test starts (Celery workers, ``manage.py``, a second Python counting in Redis) inherits them.

Per worker ``gwN``:

* Redis cache ``REDIS_URL`` and Celery broker ``CELERY_BROKER_URL``: the configured database number minus ``2 * N``
  (pytest.ini's 14/15 give gw0 14/15, gw1 12/13: within the 16 databases of a default Redis). The Celery tests flush
  their broker database, the health check reads the worker heartbeat from the cache: neither may see the other
  worker's.
* ``ENF_VAR_DIR`` (media, file-based mail, the folder broker): ``<configured>/gwN``.
* The test database: pytest-django already appends ``_gwN`` to its name.
* The live server (browser and HTTP tests): pytest-django binds port 0, a free port per server; nothing to do.
"""

from __future__ import annotations

import os
import re
from urllib.parse import urlsplit, urlunsplit

STRIDE = 2  # each worker takes two Redis databases: the cache and the broker


def _shift_db(url: str, offset: int, name: str) -> str:
    if not url.startswith(("redis://", "rediss://")):
        return url  # a folder broker or another transport: ENF_VAR_DIR already separates it
    parts = urlsplit(url)
    match = re.fullmatch(r"/(\d+)", parts.path or "/0")
    if not match:
        raise RuntimeError(f"{name}={url!r}: expected redis://host:port/<db number>")
    db = int(match.group(1)) - offset
    if db < 0:
        raise RuntimeError(f"{name}={url!r} leaves no Redis database for this xdist worker (offset {offset}): "
                           f"run fewer workers (-n) or configure higher database numbers")
    return urlunsplit(parts._replace(path=f"/{db}"))


def worker_index(worker_id: str) -> int:
    match = re.fullmatch(r"gw(\d+)", worker_id)
    if not match:
        raise RuntimeError(f"unexpected xdist worker id {worker_id!r}")
    return int(match.group(1))


def worker_env(worker_id: str, environ: dict[str, str] | None = None) -> dict[str, str]:
    """The variables worker ``worker_id`` runs with, derived from the controller's (pytest.ini's defaults applied)."""
    environ = os.environ if environ is None else environ
    offset = STRIDE * worker_index(worker_id)
    env = {}
    for name in ("REDIS_URL", "CELERY_BROKER_URL"):
        if environ.get(name):
            env[name] = _shift_db(environ[name], offset, name)
    var_dir = environ.get("ENF_VAR_DIR")
    if var_dir:
        env["ENF_VAR_DIR"] = os.path.join(var_dir, worker_id)
    return env

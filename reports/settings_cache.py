"""Court settings read once per report: every setting of a court in one query, memoised inside ``settings_cache()``.

A report or a dashboard page asks for the same dozen settings many times; outside a ``settings_cache()`` block each
call still costs only one query for all of a court's overrides.
"""

from __future__ import annotations

import contextlib
import contextvars
from typing import Any

from core import court_settings

_memo: contextvars.ContextVar[dict | None] = contextvars.ContextVar("reports_settings_memo", default=None)


def _load(court_id: int | None) -> dict[str, Any]:
    from core.models import CourtSetting

    registry = court_settings.registry()
    values = {key: s.default for key, s in registry.items()}
    if court_id is not None:
        for key, raw in CourtSetting.objects.filter(court_id=court_id).values_list("key", "value"):
            if key in registry:
                values[key] = registry[key].parse(raw)
    return values


def get(court, key: str) -> Any:
    court_id = getattr(court, "pk", court)
    memo = _memo.get()
    if memo is None:
        if court_id is None:
            return court_settings.registry()[key].default
        return _load(court_id)[key]
    if court_id not in memo:
        memo[court_id] = _load(court_id)
    return memo[court_id][key]


@contextlib.contextmanager
def settings_cache():
    if _memo.get() is not None:
        yield
        return
    token = _memo.set({})
    try:
        yield
    finally:
        _memo.reset(token)


def cached(func):
    """Run ``func`` inside ``settings_cache()``."""
    import functools

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        with settings_cache():
            return func(*args, **kwargs)

    return wrapper

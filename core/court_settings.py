"""Per-court settings for the rules domain.md marks as unconfirmed or local (fee base, day count, payout days...).

Each app declares its settings in ``<app>/court_settings.py`` as a module-level ``SETTINGS`` list of ``Setting``;
they are collected on first use. A court administrator overrides a value for their court in the admin
(``core.CourtSetting``); otherwise the documented default applies.
"""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Setting:
    key: str
    default: Any
    help: str
    kind: type = str  # int, bool, str, Decimal, list
    choices: tuple = field(default=())

    def parse(self, raw: Any) -> Any:
        """Turn a stored JSON value into the setting's type, or raise ValidationError naming the setting."""
        try:
            if self.kind is bool:
                if not isinstance(raw, bool):
                    raise TypeError
                value = raw
            elif self.kind is int:
                if isinstance(raw, bool) or not isinstance(raw, int):
                    raise TypeError
                value = raw
            elif self.kind is Decimal:
                value = Decimal(str(raw))
                if not value.is_finite():
                    raise TypeError
            elif self.kind is list:
                if not isinstance(raw, list):
                    raise TypeError
                value = raw
            else:
                if not isinstance(raw, str):
                    raise TypeError
                value = raw
        except (TypeError, InvalidOperation):
            raise ValidationError(
                {"value": _("%(key)s must be of type %(kind)s.") % {"key": self.key, "kind": self.kind.__name__}}
            ) from None
        if self.choices and value not in self.choices:
            raise ValidationError(
                {"value": _("%(key)s must be one of: %(choices)s.") % {
                    "key": self.key, "choices": ", ".join(map(str, self.choices))}}
            )
        return value


_registry: dict[str, Setting] | None = None


def registry() -> dict[str, Setting]:
    global _registry
    if _registry is None:
        import importlib

        from django.apps import apps

        found: dict[str, Setting] = {}
        for app in apps.get_app_configs():
            try:
                module = importlib.import_module(f"{app.name}.court_settings")
            except ModuleNotFoundError as exc:
                if exc.name != f"{app.name}.court_settings":
                    raise
                continue
            for s in getattr(module, "SETTINGS", []):
                found[s.key] = s
        _registry = found
    return _registry


_memo: contextvars.ContextVar[dict | None] = contextvars.ContextVar("court_settings_memo", default=None)


@contextlib.contextmanager
def memoized() -> Iterator[None]:
    """Within the block, read each court's settings once (one query per court instead of one per ``get``).

    For long loops over many records of few courts (a batch print of hundreds of notices). Values changed by another
    process during the block are not seen until it ends, so keep it around one unit of work, not a whole process.
    """
    token = _memo.set({})
    try:
        yield
    finally:
        _memo.reset(token)


def _raw(court_id: int, key: str) -> Any:
    from .models import CourtSetting

    memo = _memo.get()
    if memo is None:
        return CourtSetting.objects.filter(court_id=court_id, key=key).values_list("value", flat=True).first()
    if court_id not in memo:
        memo[court_id] = dict(CourtSetting.objects.filter(court_id=court_id).values_list("key", "value"))
    return memo[court_id].get(key)


def get(court, key: str) -> Any:
    """The value of ``key`` for ``court`` (a Court, a court id, or None for the default)."""
    definition = registry()[key]
    court_id = getattr(court, "pk", court)
    if court_id is None:
        return definition.default
    raw = _raw(court_id, key)
    return definition.default if raw is None else definition.parse(raw)


__all__ = ["Setting", "get", "memoized", "registry"]

"""Per-court settings for the rules domain.md marks as unconfirmed or local (fee base, day count, payout days...).

Each app declares its settings in ``<app>/court_settings.py`` as a module-level ``SETTINGS`` list of ``Setting``;
they are collected on first use. A court administrator overrides a value for their court in the admin
(``core.CourtSetting``); otherwise the documented default applies.
"""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.apps import apps
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Setting:
    key: str
    default: Any
    help: str
    kind: type = str  # int, bool, str, Decimal, list
    choices: tuple = field(default=())
    # What a court administrator calls it (translated); the key when empty.
    label: Any = ""
    # The documents (printed titles) that cannot be issued while the value is empty: the court must fill it in.
    needed_by: tuple = field(default=())
    # Further check of a parsed value: returns "" when valid, else what is wrong (translated).
    validate: Callable[[Any], str] | None = None

    @property
    def name(self) -> str:
        """The setting's human label, or its key when it has none."""
        return str(self.label) if self.label else self.key

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
                {"value": _("%(key)s must be of type %(kind)s.") % {"key": self.name, "kind": self.kind.__name__}}
            ) from None
        if self.choices and value not in self.choices:
            raise ValidationError(
                {"value": _("%(key)s must be one of: %(choices)s.") % {
                    "key": self.name, "choices": ", ".join(map(str, self.choices))}}
            )
        return value

    def clean(self, raw: Any) -> Any:
        """``parse`` and the setting's own check (a format's placeholders...): what an edit must pass. Reading
        (``get``) only parses, so a value stored before a check existed fails where it is used, naming the field."""
        value = self.parse(raw)
        problem = self.validate(value) if self.validate else ""
        if problem:
            raise ValidationError({"value": _("%(key)s: %(problem)s") % {"key": self.name, "problem": problem}})
        return value


@dataclass(frozen=True)
class CourtField:
    """A field of the court's own record (accounts.Court) that documents print: declared by the app whose documents
    need it, as a module-level ``COURT_FIELDS`` list next to ``SETTINGS``."""

    name: str
    needed_by: tuple = field(default=())


_registry: dict[str, Setting] | None = None
_court_fields: dict[str, CourtField] | None = None


def _collect() -> None:
    global _registry, _court_fields
    import importlib

    found: dict[str, Setting] = {}
    fields: dict[str, CourtField] = {}
    for app in apps.get_app_configs():
        try:
            module = importlib.import_module(f"{app.name}.court_settings")
        except ModuleNotFoundError as exc:
            if exc.name != f"{app.name}.court_settings":
                raise
            continue
        for s in getattr(module, "SETTINGS", []):
            found[s.key] = s
        for f in getattr(module, "COURT_FIELDS", []):
            known = fields.get(f.name)
            fields[f.name] = CourtField(f.name, (known.needed_by if known else ()) + tuple(
                t for t in f.needed_by if not known or t not in known.needed_by))
    _registry, _court_fields = found, fields


def registry() -> dict[str, Setting]:
    if _registry is None:
        _collect()
    return _registry


def court_fields() -> dict[str, CourtField]:
    """The fields of the court's record that documents print, by field name."""
    if _court_fields is None:
        _collect()
    return _court_fields


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
    # By app registry, not by import: core.models imports this module's registry (CourtSetting.clean).
    CourtSetting = apps.get_model("core", "CourtSetting")
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


__all__ = ["CourtField", "Setting", "court_fields", "get", "memoized", "registry"]

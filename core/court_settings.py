"""Per-court settings for the rules domain.md marks as unconfirmed or local (fee base, day count, payout days...).

Each app declares its settings in ``<app>/court_settings.py`` as a module-level ``SETTINGS`` list of ``Setting``;
they are collected on first use. A court administrator overrides a value for their court in the admin
(``core.CourtSetting``); otherwise the documented default applies.
"""

from __future__ import annotations

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


def get(court, key: str) -> Any:
    """The value of ``key`` for ``court`` (a Court, a court id, or None for the default)."""
    from .models import CourtSetting

    definition = registry()[key]
    court_id = getattr(court, "pk", court)
    if court_id is None:
        return definition.default
    raw = CourtSetting.objects.filter(court_id=court_id, key=key).values_list("value", flat=True).first()
    return definition.default if raw is None else definition.parse(raw)


__all__ = ["Setting", "get", "registry"]

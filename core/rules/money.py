"""Money helpers shared by the rule modules.

Money is always ``decimal.Decimal`` quantized to 0.01 yuan (one fen) with ROUND_HALF_UP; floats are refused
because they cannot hold amounts like 0.1 exactly.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

CENT = Decimal("0.01")
YUAN = Decimal("1")

MoneyInput = Decimal | int


def quantize_money(value: Decimal) -> Decimal:
    """Round ``value`` to the fen, half up (0.005 -> 0.01)."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def quantize_yuan(value: Decimal) -> Decimal:
    """Round ``value`` to the whole yuan, half up, and present it with two decimals (1400.5 -> 1401.00)."""
    return value.quantize(YUAN, rounding=ROUND_HALF_UP).quantize(CENT)


def to_decimal(value: MoneyInput, *, field: str) -> Decimal:
    """Return ``value`` as a finite Decimal; refuse floats, bools and other types (a programming error)."""
    if isinstance(value, bool) or not isinstance(value, (Decimal, int)):
        raise TypeError(f"{field} must be a Decimal or an int, not {type(value).__name__}")
    value = Decimal(value)
    if not value.is_finite():
        raise ValidationError(
            _("%(field)s must be a finite number."), code="invalid_amount", params={"field": field}
        )
    return value


def to_money(value: MoneyInput, *, field: str, allow_negative: bool = False) -> Decimal:
    """Return ``value`` quantized to the fen; raise ValidationError naming ``field`` if it is negative."""
    amount = quantize_money(to_decimal(value, field=field))
    if amount < 0 and not allow_negative:
        raise ValidationError(
            _("%(field)s must not be negative (given %(value)s)."),
            code="negative_amount",
            params={"field": field, "value": amount},
        )
    return amount


def to_fen(amount: Decimal) -> int:
    """Whole fen in a quantized amount (12.34 -> 1234); integer arithmetic keeps allocations exact."""
    return int(quantize_money(amount) * 100)


def from_fen(fen: int) -> Decimal:
    """The inverse of ``to_fen`` (1234 -> Decimal('12.34'))."""
    return (Decimal(fen) / 100).quantize(CENT)

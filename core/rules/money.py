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


# --- Amounts in capitals (大写), as receipts and court documents write them -----------------------------------------

_UPPER_DIGITS = "零壹贰叁肆伍陆柒捌玖"
_UPPER_UNITS = ("", "拾", "佰", "仟")
_UPPER_GROUPS = ("", "万", "亿", "万亿")
# 10^16 yuan: beyond the 万亿 group; far above MONEY_MAX (10^12), so any amount the system holds fits.
_UPPER_LIMIT = Decimal(10) ** 16


def _upper_group(n: int) -> str:
    """0 < n < 10000 in capitals, with one 零 for an inner gap (1005 → 壹仟零伍, 1050 → 壹仟零伍拾)."""
    out, zero = "", False
    for i, ch in enumerate(f"{n:04d}"):
        d = int(ch)
        if d == 0:
            zero = bool(out)
            continue
        if zero:
            out += "零"
            zero = False
        out += _UPPER_DIGITS[d] + _UPPER_UNITS[3 - i]
    return out


def amount_in_capitals(value: MoneyInput) -> str:
    """An amount in capitals (大写) as a receipt or a court document writes it, rounded half up to the fen.

    30000 → 叁万元整; 1005.30 → 壹仟零伍元叁角; 12.05 → 壹拾贰元零伍分; 0.05 → 伍分; 0 → 零元整;
    100000 → 壹拾万元整; 1000500 → 壹佰万零伍佰元整; 200000000 → 贰亿元整. A negative amount is refused (ValueError):
    a document never writes one.
    """
    amount = quantize_money(to_decimal(value, field="amount"))
    if amount < 0:
        raise ValueError("a negative amount has no capitals")
    if amount >= _UPPER_LIMIT:
        raise ValueError("amount too large for capitals")
    yuan = int(amount)
    jiao, fen = divmod(int((amount - yuan) * 100), 10)
    parts: list[str] = []
    if yuan:
        groups = []
        n = yuan
        while n:
            n, g = divmod(n, 10000)
            groups.append(g)
        text, pending_zero = "", False
        for index in range(len(groups) - 1, -1, -1):
            g = groups[index]
            if g == 0:
                pending_zero = bool(text)
                continue
            if text and (pending_zero or g < 1000):
                text += "零"
            text += _upper_group(g) + _UPPER_GROUPS[index]
            pending_zero = False
        parts.append(text + "元")
    if jiao:
        parts.append(_UPPER_DIGITS[jiao] + "角")
    elif yuan and fen:
        parts.append("零")
    if fen:
        parts.append(_UPPER_DIGITS[fen] + "分")
    if not jiao and not fen:
        parts.append("整" if yuan else "零元整")
    return "".join(parts)

"""Enforcement application fee and preservation fee (domain.md §4, FEE art 14).

Both are cumulative ("excess-of") tier schedules: each tier's rate applies only to the part of the amount inside
that tier. The breakdown functions return one line per tier reached, for the fee-calculator page.

Rounding (§4.2, UNCONFIRMED; a per-court setting): "fen" rounds the total to 0.01 yuan, "yuan" to whole yuan, both
ROUND_HALF_UP. The amount itself is first quantized to the fen. Below the top tier reached every tier contributes a
whole number of yuan, so only the last line can carry a fraction and rounding the total equals rounding that line.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .money import MoneyInput, quantize_money, quantize_yuan, to_money

Rounding = Literal["fen", "yuan"]


@dataclass(frozen=True)
class Tier:
    lower: Decimal  # the part above this bound falls in the tier
    upper: Decimal | None  # inclusive upper bound; None = no upper bound
    rate: Decimal | None = None  # None for a fixed-fee tier
    fixed: Decimal = Decimal("0")


# FEE art 14(1), §4.1.
ENFORCEMENT_TIERS = (
    Tier(Decimal("0"), Decimal("10000"), fixed=Decimal("50")),
    Tier(Decimal("10000"), Decimal("500000"), Decimal("0.015")),
    Tier(Decimal("500000"), Decimal("5000000"), Decimal("0.01")),
    Tier(Decimal("5000000"), Decimal("10000000"), Decimal("0.005")),
    Tier(Decimal("10000000"), None, Decimal("0.001")),
)
NO_AMOUNT_FEE_MIN = Decimal("50")  # FEE art 14(1): cases without an amount pay 50-500 yuan
NO_AMOUNT_FEE_MAX = Decimal("500")

# FEE art 14(2), §4.2: up to 1,000 yuan (or no amount) 30 yuan; 1,000-100,000 part 1%; above 0.5%; cap 5,000.
PRESERVATION_TIERS = (
    Tier(Decimal("0"), Decimal("1000"), fixed=Decimal("30")),
    Tier(Decimal("1000"), Decimal("100000"), Decimal("0.01")),
    Tier(Decimal("100000"), None, Decimal("0.005")),
)
PRESERVATION_CAP = Decimal("5000")


@dataclass(frozen=True)
class FeeLine:
    lower: Decimal | None  # None on the "no amount" line
    upper: Decimal | None
    rate: Decimal | None
    portion: Decimal | None  # the part of the amount inside this tier
    fee: Decimal  # exact, not rounded


@dataclass(frozen=True)
class FeeBreakdown:
    amount: Decimal | None
    lines: list[FeeLine]
    subtotal: Decimal  # exact sum of the lines
    cap: Decimal | None  # the cap, if it reduced the fee
    total: Decimal  # capped and rounded; what is charged


def _round(value: Decimal, rounding: Rounding) -> Decimal:
    if rounding == "fen":
        return quantize_money(value)
    if rounding == "yuan":
        return quantize_yuan(value)
    raise ValidationError(
        _("Rounding %(value)s is not valid: use fen or yuan."), code="invalid_rounding", params={"value": rounding}
    )


def _tier_lines(amount: Decimal, tiers: tuple[Tier, ...]) -> list[FeeLine]:
    lines = []
    for tier in tiers:
        if tier.rate is None:
            portion = amount if tier.upper is None else min(amount, tier.upper)
            lines.append(FeeLine(tier.lower, tier.upper, None, portion, tier.fixed))
            continue
        if amount <= tier.lower:
            break
        top = amount if tier.upper is None else min(amount, tier.upper)
        portion = top - tier.lower
        lines.append(FeeLine(tier.lower, tier.upper, tier.rate, portion, portion * tier.rate))
    return lines


def _breakdown(
    amount: Decimal | None, tiers: tuple[Tier, ...], no_amount_fee: Decimal, cap: Decimal | None, rounding: Rounding
) -> FeeBreakdown:
    if amount is None:
        lines = [FeeLine(None, None, None, None, no_amount_fee)]
    else:
        lines = _tier_lines(amount, tiers)
    subtotal = sum((line.fee for line in lines), Decimal("0"))
    capped = cap is not None and subtotal > cap
    total = _round(cap if capped else subtotal, rounding)
    return FeeBreakdown(amount, lines, subtotal, cap if capped else None, total)


def enforcement_fee_breakdown(
    *, amount: MoneyInput | None, rounding: Rounding = "fen", no_amount_fee: MoneyInput = Decimal("50")
) -> FeeBreakdown:
    """The enforcement application fee with one line per tier (§4.1). ``amount`` None = no amount or value
    involved; the fee is then ``no_amount_fee``, which must lie in 50-500 yuan (per-court setting)."""
    fixed = to_money(no_amount_fee, field="no_amount_fee")
    if not NO_AMOUNT_FEE_MIN <= fixed <= NO_AMOUNT_FEE_MAX:
        raise ValidationError(
            _("no_amount_fee must be between %(min)s and %(max)s yuan (given %(value)s)."),
            code="fee_out_of_range",
            params={"min": NO_AMOUNT_FEE_MIN, "max": NO_AMOUNT_FEE_MAX, "value": fixed},
        )
    base = None if amount is None else to_money(amount, field="amount")
    return _breakdown(base, ENFORCEMENT_TIERS, fixed, None, rounding)


def enforcement_fee(
    *, amount: MoneyInput | None, rounding: Rounding = "fen", no_amount_fee: MoneyInput = Decimal("50")
) -> Decimal:
    """The enforcement application fee (§4.1), e.g. 100,000 -> 1,400.00; 25,000,000 -> 92,400.00."""
    return enforcement_fee_breakdown(amount=amount, rounding=rounding, no_amount_fee=no_amount_fee).total


def preservation_fee_breakdown(*, amount: MoneyInput | None, rounding: Rounding = "fen") -> FeeBreakdown:
    """The preservation application fee with one line per tier and the 5,000-yuan cap (§4.2, FEE art 14(2))."""
    base = None if amount is None else to_money(amount, field="amount")
    return _breakdown(base, PRESERVATION_TIERS, PRESERVATION_TIERS[0].fixed, PRESERVATION_CAP, rounding)


def preservation_fee(*, amount: MoneyInput | None, rounding: Rounding = "fen") -> Decimal:
    """The preservation application fee (§4.2): 30 up to 1,000 yuan or without an amount, then 1% / 0.5%, cap 5,000."""
    return preservation_fee_breakdown(amount=amount, rounding=rounding).total

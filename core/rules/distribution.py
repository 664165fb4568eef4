"""Order of payment from enforcement proceeds (domain.md §5.1).

1. Costs of the sale (EXEC-98 art 34), then 2. enforcement costs (CPL-I arts 508, 514).
3. Secured and other priority claims by ``rank`` (order of creation, EXEC-98 art 55); claims of equal rank share
   pro rata. The caller encodes statutory precedence between kinds of priority right in ``rank``.
4. Wage claims as their own class, only when ``wage_priority`` is on (§5.1: UNCONFIRMED, off by default);
   otherwise they are ordinary claims.
5. Ordinary claims: ``pro_rata`` (参与分配, one instrument; CPL-I art 508) or ``seizure_order`` (first seizure
   first, CPL-I art 514); equal seizure orders share pro rata.
6. The surplus goes back to the debtor (EXEC-98 art 34).

Principal before interest (INT art 4): in every payment group all principals are paid (pro rata if short) before
any of the group's ``interest`` (the doubled-part interest) is paid. So a claim never receives interest while its
own principal is unpaid, and doubled interest never outranks another creditor's principal in the same group.

Pro-rata shares are rounded to the fen by the largest-remainder method in integer fen, so the parts always add up
exactly to the amount shared and no claim receives more than it is owed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from itertools import groupby
from typing import Literal

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from .money import MoneyInput, from_fen, to_fen, to_money


class PriorityClass(models.TextChoices):
    SECURED = "secured", _("secured (mortgage, pledge, lien)")
    PRIORITY = "priority", _("other statutory priority")
    WAGE = "wage", _("wages and labour remuneration")
    ORDINARY = "ordinary", _("ordinary")


# The words a court's staff type for a claim's class (the codes still work, for the API and old habits).
PRIORITY_CLASS_WORDS = {
    "担保": PriorityClass.SECURED, "担保物权": PriorityClass.SECURED, "抵押": PriorityClass.SECURED,
    "质押": PriorityClass.SECURED, "留置": PriorityClass.SECURED,
    "优先": PriorityClass.PRIORITY, "优先权": PriorityClass.PRIORITY, "法定优先权": PriorityClass.PRIORITY,
    "工资": PriorityClass.WAGE, "劳动报酬": PriorityClass.WAGE, "工资及劳动报酬": PriorityClass.WAGE,
    "普通": PriorityClass.ORDINARY, "普通债权": PriorityClass.ORDINARY,
}


def priority_class_from_text(text: str) -> str | None:
    """The class code of a typed class: a Chinese word (抵押, 优先, 工资, 普通 …) or a code (secured …); None if
    neither."""
    word = (text or "").strip()
    if word in PriorityClass.values:
        return word
    code = PRIORITY_CLASS_WORDS.get(word)
    return code.value if code is not None else None


def duplicate_names(names) -> tuple[int, int] | None:
    """The first repeated name as (row of its first use, row of the repeat), 1-based; names compared after folding
    spaces and full-width forms (NFKC), so "张 三" repeats "张三". None if every name is distinct."""
    import unicodedata

    seen: dict[str, int] = {}
    for row, name in enumerate(names, start=1):
        key = "".join(unicodedata.normalize("NFKC", name or "").split()).casefold()
        if key in seen:
            return seen[key], row
        seen[key] = row
    return None


class DistributionMode(models.TextChoices):
    PRO_RATA = "pro_rata", _("pro rata (参与分配)")
    SEIZURE_ORDER = "seizure_order", _("in order of seizure")


@dataclass(frozen=True)
class Claim:
    id: str | int
    creditor: str
    principal: Decimal
    interest: Decimal = Decimal("0")  # doubled-part interest (INT art 4)
    priority_class: PriorityClass | str = PriorityClass.ORDINARY
    rank: int = 0  # secured/priority: order of creation, lower first
    seizure_order: int | None = None  # ordinary claims in seizure_order mode: lower first


@dataclass(frozen=True)
class DistributionLine:
    claim_id: str | int
    creditor: str
    priority_class: PriorityClass
    step: int  # 1-based payment group; lower steps are paid in full first
    principal_owed: Decimal
    interest_owed: Decimal
    principal_paid: Decimal
    interest_paid: Decimal

    @property
    def paid(self) -> Decimal:
        return self.principal_paid + self.interest_paid

    @property
    def principal_shortfall(self) -> Decimal:
        return self.principal_owed - self.principal_paid

    @property
    def interest_shortfall(self) -> Decimal:
        return self.interest_owed - self.interest_paid

    @property
    def shortfall(self) -> Decimal:
        return self.principal_shortfall + self.interest_shortfall


@dataclass(frozen=True)
class Distribution:
    total: Decimal
    sale_costs_paid: Decimal
    enforcement_costs_paid: Decimal
    lines: list[DistributionLine]  # in payment order
    surplus: Decimal  # returned to the debtor

    @property
    def paid_to_claims(self) -> Decimal:
        return sum((line.paid for line in self.lines), Decimal("0"))


def allocate_fen(amount: int, weights: Sequence[int]) -> list[int]:
    """Share ``amount`` fen in proportion to ``weights`` (fen) by the largest-remainder method.

    The parts sum to ``amount`` exactly; ties go to the earlier weight. ``amount`` must not exceed the weights' sum,
    so no part exceeds its weight.
    """
    whole = sum(weights)
    if not 0 <= amount <= whole:
        raise ValueError(f"cannot share {amount} fen over weights summing to {whole}")
    if amount == whole:
        return list(weights)
    parts = [amount * weight // whole for weight in weights]
    remainders = [amount * weight % whole for weight in weights]
    leftover = amount - sum(parts)
    for index in sorted(range(len(weights)), key=lambda i: (-remainders[i], i))[:leftover]:
        parts[index] += 1
    return parts


def allocate_pro_rata(*, amount: MoneyInput, weights: Sequence[MoneyInput]) -> list[Decimal]:
    """Share ``amount`` (at most the sum of ``weights``) pro rata, to the fen, parts summing exactly to it."""
    fen_weights = [to_fen(to_money(w, field="weight")) for w in weights]
    fen_amount = to_fen(to_money(amount, field="amount"))
    if fen_amount > sum(fen_weights):
        raise ValidationError(
            _("The amount %(amount)s is larger than the total owed %(owed)s."),
            code="allocation_too_large", params={"amount": from_fen(fen_amount), "owed": from_fen(sum(fen_weights))},
        )
    return [from_fen(part) for part in allocate_fen(fen_amount, fen_weights)]


def _payment_groups(claims: Sequence[Claim], mode: DistributionMode, wage_priority: bool) -> list[list[Claim]]:
    """Claims grouped in payment order (steps 3-5 of the module docstring)."""
    secured_classes = (PriorityClass.SECURED, PriorityClass.PRIORITY)
    secured = sorted((c for c in claims if c.priority_class in secured_classes), key=lambda c: c.rank)
    wages = [c for c in claims if c.priority_class == PriorityClass.WAGE and wage_priority]
    ordinary = [c for c in claims if c.priority_class not in secured_classes and c not in wages]
    groups = [list(group) for _rank, group in groupby(secured, key=lambda c: c.rank)]  # sorted() is stable
    groups.append(wages)
    if mode == DistributionMode.PRO_RATA:
        groups.append(ordinary)
    else:
        for claim in ordinary:
            if claim.seizure_order is None:
                raise ValidationError(
                    _("Claim %(id)s has no seizure order, which distribution in order of seizure needs."),
                    code="seizure_order_missing", params={"id": claim.id},
                )
        ordinary.sort(key=lambda c: c.seizure_order)
        groups.extend(list(group) for _order, group in groupby(ordinary, key=lambda c: c.seizure_order))
    return [group for group in groups if group]


def _validate_claims(claims: Sequence[Claim]) -> list[Claim]:
    seen, cleaned = set(), []
    for claim in claims:
        if claim.id in seen:
            raise ValidationError(_("Claim %(id)s appears twice."), code="duplicate_claim", params={"id": claim.id})
        seen.add(claim.id)
        try:
            priority = PriorityClass(claim.priority_class)
        except ValueError:
            raise ValidationError(
                _("Claim %(id)s has an unknown priority class %(value)s."),
                code="priority_class", params={"id": claim.id, "value": claim.priority_class},
            ) from None
        principal = to_money(claim.principal, field=f"principal of claim {claim.id}")
        interest = to_money(claim.interest, field=f"interest of claim {claim.id}")
        cleaned.append(Claim(claim.id, claim.creditor, principal, interest, priority, claim.rank, claim.seizure_order))
    return cleaned


def distribute(
    *,
    total: MoneyInput,
    sale_costs: MoneyInput,
    enforcement_costs: MoneyInput,
    claims: Sequence[Claim],
    mode: DistributionMode | Literal["pro_rata", "seizure_order"] = DistributionMode.PRO_RATA,
    wage_priority: bool = False,
) -> Distribution:
    """Distribute ``total`` proceeds per §5.1; payouts + costs paid + surplus always equal ``total`` exactly."""
    try:
        mode = DistributionMode(mode)
    except ValueError:
        raise ValidationError(_("Distribution mode %(value)s is not valid."), code="distribution_mode",
                              params={"value": mode}) from None
    total_money = to_money(total, field="total")
    remaining = to_fen(total_money)
    sale_paid = min(remaining, to_fen(to_money(sale_costs, field="sale_costs")))
    remaining -= sale_paid
    enforcement_paid = min(remaining, to_fen(to_money(enforcement_costs, field="enforcement_costs")))
    remaining -= enforcement_paid

    cleaned = _validate_claims(claims)
    lines = []
    for step, group in enumerate(_payment_groups(cleaned, mode, wage_priority), start=1):
        shares = {}
        for part in ("principal", "interest"):
            owed = [to_fen(getattr(claim, part)) for claim in group]
            paid = allocate_fen(min(remaining, sum(owed)), owed)
            remaining -= sum(paid)
            shares[part] = paid
        for claim, principal_paid, interest_paid in zip(group, shares["principal"], shares["interest"], strict=True):
            lines.append(DistributionLine(
                claim.id, claim.creditor, claim.priority_class, step, claim.principal, claim.interest,
                from_fen(principal_paid), from_fen(interest_paid),
            ))
    return Distribution(
        total=total_money,
        sale_costs_paid=from_fen(sale_paid),
        enforcement_costs_paid=from_fen(enforcement_paid),
        lines=lines,
        surplus=from_fen(remaining),
    )

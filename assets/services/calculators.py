"""The calculators court staff use every day: enforcement and preservation fees (domain.md §4), delayed-performance
interest (§5.2) and the distribution of proceeds (§5.1). The maths is core.rules; this layer applies the court's
settings for the unconfirmed rules (rounding, fee base, day count, wage priority) and names the input fields in its
errors. Nothing is written."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from accounts.policy import Perm, require
from cases.models import Case
from core import court_settings
from core.fields import money_input
from core.rules.distribution import (
    Claim,
    Distribution,
    DistributionMode,
    PriorityClass,
    distribute,
    duplicate_names,
    priority_class_from_text,
)
from core.rules.fees import FeeBreakdown, enforcement_fee_breakdown, preservation_fee_breakdown
from core.rules.interest import InterestResult, delayed_interest
from core.text import clean_name

from ._common import rule_error


# Bounds that keep a calculation fast and its input plausible; anything beyond is a 4xx naming the field.
EARLIEST, LATEST = date(1900, 1, 1), date(2100, 12, 31)
MAX_ROWS = 100  # part payments, excluded periods, claims
MAX_SPAN_YEARS = 50


def _check_date(value, field: str) -> date:
    if not isinstance(value, date):
        raise ValidationError({field: _("Enter a valid date.")})
    if not EARLIEST <= value <= LATEST:
        raise ValidationError({field: _("Enter a date between 1900-01-01 and 2100-12-31.")})
    return value


def _check_rows(rows, field: str) -> list:
    rows = list(rows or ())
    if len(rows) > MAX_ROWS:
        raise ValidationError({field: _("Enter at most %(n)s rows.") % {"n": MAX_ROWS}})
    return rows


def _court_id(court) -> int | None:
    return getattr(court, "pk", court)


def enforcement_fee_calculate(*, court, amount, preservation: bool = False) -> FeeBreakdown:
    """The fee for ``amount`` (None or "" = no amount involved), tier by tier, rounded per the court's setting."""
    value = money_input(amount, field="amount", positive=False, allow_none=True)
    rounding = court_settings.get(_court_id(court), "fee_rounding")
    try:
        if preservation:
            return preservation_fee_breakdown(amount=value, rounding=rounding)
        return enforcement_fee_breakdown(amount=value, rounding=rounding,
                                         no_amount_fee=court_settings.get(_court_id(court), "no_amount_fee"))
    except ValidationError as exc:
        raise rule_error(exc, "amount") from None


@dataclass(frozen=True)
class CaseFee:
    base: str  # "recovered" or "claimed"
    amount: Decimal
    breakdown: FeeBreakdown


def case_fee_calculate(*, actor, case: Case) -> CaseFee:
    """A case's enforcement fee on the base the court's ``fee_base`` setting names."""
    require(actor, Perm.CASE_VIEW, case)
    base = court_settings.get(case.court_id, "fee_base")
    amount = case.amount_recovered if base == "recovered" else case.amount_claimed
    preservation = case.case_type == "执保"
    return CaseFee(base, amount, enforcement_fee_calculate(court=case.court_id, amount=amount,
                                                           preservation=preservation))


def interest_calculate(
    *,
    court,
    principal,
    start: date,
    end: date,
    payments: Sequence[tuple[date, object]] = (),
    excluded_periods: Sequence[tuple[date, date]] = (),
) -> InterestResult:
    """Doubled-part interest (INT art 1) with part payments and excluded 中止/暂缓 periods; the day count follows the
    court's ``interest_count_start_day`` setting."""
    _check_date(start, "start")
    _check_date(end, "end")
    payments = _check_rows(payments, "payments")
    excluded_periods = _check_rows(excluded_periods, "excluded_periods")
    value = money_input(principal, field="principal", positive=True)
    cleaned = [(_check_date(day, f"payments.{i}.date"),
                money_input(amount, field=f"payments.{i}.amount", positive=True))
               for i, (day, amount) in enumerate(payments)]
    if end < start:
        raise ValidationError({"end": _("The end date is before the start date.")})
    if (end - start).days > MAX_SPAN_YEARS * 366:
        raise ValidationError({"end": _("The period is longer than %(n)s years; check the dates.")
                               % {"n": MAX_SPAN_YEARS}})
    for i, (day, _amount) in enumerate(cleaned):
        if day > end:
            raise ValidationError({f"payments.{i}.date": _("The payment is after the end date.")})
    for i, (first, last) in enumerate(excluded_periods):
        _check_date(first, f"excluded_periods.{i}.first")
        _check_date(last, f"excluded_periods.{i}.last")
        if last < first:
            raise ValidationError({f"excluded_periods.{i}.last": _("The period ends before it starts.")})
    try:
        return delayed_interest(principal=value, start=start, end=end, payments=cleaned,
                                count_start_day=court_settings.get(_court_id(court), "interest_count_start_day"),
                                excluded_periods=list(excluded_periods))
    except ValidationError as exc:
        raise rule_error(exc, "end") from None


@dataclass(frozen=True)
class ClaimInput:
    creditor: str
    principal: object
    interest: object = "0"
    priority_class: str = PriorityClass.ORDINARY
    rank: int = 0
    seizure_order: int | None = None


def distribution_calculate(
    *, court, total, sale_costs="0", enforcement_costs="0", claims: Sequence[ClaimInput], mode: str = "pro_rata",
) -> Distribution:
    """Share ``total`` proceeds among the claims (§5.1); the parts, the costs and the surplus sum exactly to it.
    Wage claims rank ahead of ordinary ones only if the court's ``wage_priority`` setting is on."""
    claims = _check_rows(claims, "claims")
    if not claims:
        raise ValidationError({"claims": _("Enter at least one claim.")})
    if mode not in DistributionMode.values:
        raise ValidationError({"mode": _("Choose pro rata or in order of seizure.")})
    built = []
    for i, c in enumerate(claims):
        creditor = clean_name(c.creditor, field=f"claims.{i}.creditor", max_length=200)
        if not isinstance(c.rank or 0, int) or not 0 <= (c.rank or 0) <= 10_000:
            raise ValidationError({f"claims.{i}.rank": _("Enter a whole number from 0 to 10000.")})
        if c.seizure_order is not None and (not isinstance(c.seizure_order, int)
                                            or not 1 <= c.seizure_order <= 10_000):
            raise ValidationError({f"claims.{i}.seizure_order": _("Enter a whole number from 1 to 10000.")})
        klass = priority_class_from_text(c.priority_class)
        if klass is None:
            raise ValidationError({f"claims.{i}.priority_class": _("Choose a valid class.")})
        if mode == DistributionMode.SEIZURE_ORDER and klass in (PriorityClass.ORDINARY, PriorityClass.WAGE) \
                and c.seizure_order is None:
            raise ValidationError({f"claims.{i}.seizure_order": _("Needed when distributing in order of seizure.")})
        built.append(Claim(
            id=i + 1, creditor=creditor,
            principal=money_input(c.principal, field=f"claims.{i}.principal", positive=False),
            interest=money_input(c.interest or "0", field=f"claims.{i}.interest", positive=False),
            priority_class=klass, rank=c.rank or 0, seizure_order=c.seizure_order,
        ))
    repeat = duplicate_names([c.creditor for c in built])
    if repeat:
        first, again = repeat
        raise ValidationError({f"claims.{again - 1}.creditor": _(
            "The creditor %(name)s is already on row %(first)s; put each creditor's claim on one row.") % {
            "name": built[again - 1].creditor, "first": first}})
    try:
        return distribute(
            total=money_input(total, field="total", positive=False),
            sale_costs=money_input(sale_costs or "0", field="sale_costs", positive=False),
            enforcement_costs=money_input(enforcement_costs or "0", field="enforcement_costs", positive=False),
            claims=built, mode=mode, wage_priority=court_settings.get(_court_id(court), "wage_priority"),
        )
    except ValidationError as exc:
        raise rule_error(exc, "claims") from None

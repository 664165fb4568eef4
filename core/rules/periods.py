"""Seizure/freeze periods, the 失信 list term and online-auction price rules (domain.md §2.1 nodes 7-8, §3.3, §3.5).

Seizure terms follow the Civil Code's month rule (see core.rules.calendar): a 1-year freeze from 2024-03-15 expires
on 2025-03-15. Rulings that write "自2024年3月15日起至2025年3月14日止" count the first day; pass
``count_start_day=True`` for that practice (UNCONFIRMED which one a court uses, so it is a setting).
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import ROUND_DOWN, ROUND_UP, Decimal
from typing import NoReturn

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from .calendar import WorkCalendar, add_months, add_years
from .money import CENT, MoneyInput, to_money


def _fail(message, code: str, **params) -> NoReturn:
    raise ValidationError(message, code=code, params=params)


# --- Seizure, distraint and freeze (查封、扣押、冻结), §3.3 -------------------------------------------------------

class AssetKind(models.TextChoices):
    BANK_DEPOSIT = "bank_deposit", _("bank deposit")
    MOVABLE = "movable", _("movable property")
    REAL_ESTATE = "real_estate", _("real estate")
    OTHER_PROPERTY_RIGHT = "other_property_right", _("other property right (equity, IP ...)")


# CPL-I art 485: maximum per term, in months.
CONTROL_MAX_MONTHS = {
    AssetKind.BANK_DEPOSIT: 12,
    AssetKind.MOVABLE: 24,
    AssetKind.REAL_ESTATE: 36,
    AssetKind.OTHER_PROPERTY_RIGHT: 36,
}
PRESERVATION_RENEWAL_NOTICE_DAYS = 7  # PRES art 18: apply at least 7 days before expiry


def _term_end(start: date, months: int, count_start_day: bool) -> date:
    return add_months(start, months) - timedelta(days=1 if count_start_day else 0)


def control_expiry(
    *, kind: AssetKind | str, start: date, requested_until: date | None = None, count_start_day: bool = False
) -> date:
    """Expiry of a seizure/freeze starting on ``start``: the statutory maximum for ``kind`` (CPL-I art 485), or
    ``requested_until`` if the ruling sets a shorter term."""
    kind = AssetKind(kind)
    latest = _term_end(start, CONTROL_MAX_MONTHS[kind], count_start_day)
    if requested_until is None:
        return latest
    if not start <= requested_until <= latest:
        _fail(
            _("The term for %(kind)s may run from %(start)s to at most %(latest)s (given %(value)s)."),
            "control_term_too_long", kind=kind.label, start=start, latest=latest, value=requested_until,
        )
    return requested_until


def renewal_expiry(
    *,
    kind: AssetKind | str,
    current_expiry: date,
    requested_until: date | None = None,
    renewed_on: date | None = None,
) -> date:
    """New expiry after a renewal (续行), at most the statutory maximum counted from the old expiry (CPL-I art 485).

    The renewal must be made on or before ``current_expiry`` (``renewed_on``, default today); afterwards the
    seizure has lapsed (SEIZE art 27) and only a new seizure is possible.
    """
    kind = AssetKind(kind)
    renewed_on = renewed_on or date.today()
    if renewed_on > current_expiry:
        _fail(
            _("The seizure lapsed on %(expiry)s; a renewal on %(date)s is too late. A new seizure is needed."),
            "renewal_after_expiry", expiry=current_expiry, date=renewed_on,
        )
    latest = add_months(current_expiry, CONTROL_MAX_MONTHS[kind])
    if requested_until is None:
        return latest
    if not current_expiry < requested_until <= latest:
        _fail(
            _("A renewal for %(kind)s must end after %(expiry)s and at most on %(latest)s (given %(value)s)."),
            "renewal_term_too_long", kind=kind.label, expiry=current_expiry, latest=latest, value=requested_until,
        )
    return requested_until


def preservation_renewal_apply_by(*, expiry: date) -> date:
    """Last day for the applicant to apply to renew a preservation measure: 7 days before expiry (PRES art 18)."""
    return expiry - timedelta(days=PRESERVATION_RENEWAL_NOTICE_DAYS)


# --- Dishonest-debtor list (失信被执行人名单), §3.5 -------------------------------------------------------------

class BlacklistGround(models.TextChoices):
    """The six grounds of the 2017 rules, new art 1, in statutory order."""

    ABLE_BUT_REFUSES = "able_but_refuses", _("(1) able to perform but refuses")
    OBSTRUCTION = "obstruction", _("(2) forged evidence, violence or threats against enforcement")
    EVASION = "evasion", _("(3) sham litigation or arbitration, hiding or moving assets")
    ASSET_REPORT_BREACH = "asset_report_breach", _("(4) breach of the asset-report duty")
    CONSUMPTION_ORDER_BREACH = "consumption_order_breach", _("(5) breach of the consumption-restriction order")
    SETTLEMENT_REFUSAL = "settlement_refusal", _("(6) refuses a settlement agreement without reason")


BLACKLIST_TERM_YEARS = 2  # grounds (2)-(6)
BLACKLIST_EXTENSION_YEARS = range(1, 4)  # +1 to 3 years for serious or repeated conduct
BLACKLIST_DELETION_WORKING_DAYS = 3  # BAD-DEL (secondary source)
ADULT_AGE = 18


def blacklist_term_expiry(
    *, ground: BlacklistGround | str, decided_on: date, extension_years: int = 0
) -> date | None:
    """Expiry of a listing: ``None`` for ground (1), which lasts until deletion (UNCONFIRMED, §3.5); otherwise
    2 years from the decision, plus 1-3 years for serious violent obstruction or several breaches."""
    ground = BlacklistGround(ground)
    if extension_years and (ground == BlacklistGround.ABLE_BUT_REFUSES
                            or extension_years not in BLACKLIST_EXTENSION_YEARS):
        _fail(
            _("An extension of %(value)s years is not allowed: only grounds (2)-(6) may be extended, by 1 to 3 "
              "years."),
            "blacklist_extension", value=extension_years,
        )
    if ground == BlacklistGround.ABLE_BUT_REFUSES:
        return None
    return add_years(decided_on, BLACKLIST_TERM_YEARS + extension_years)


def check_blacklist_allowed(*, decided_on: date, birth_date: date | None) -> None:
    """Minors are never listed (2017 rules, new art 4); a natural person's birth date is checked when known."""
    if birth_date is not None and add_years(birth_date, ADULT_AGE) > decided_on:
        _fail(_("A minor (born %(birth)s) cannot be put on the dishonest-debtor list."),
              "blacklist_minor", birth=birth_date)


def blacklist_deletion_deadline(*, ground_arose_on: date, calendar: WorkCalendar) -> date:
    """Deletion is due within 3 working days of the deletion ground arising (§3.5, BAD-DEL)."""
    return calendar.add_working_days(ground_arose_on, BLACKLIST_DELETION_WORKING_DAYS)


# --- Reference price and online judicial auction, §2.1 nodes 7-8 -----------------------------------------------

FIRST_AUCTION_MIN_RATIO = Decimal("0.70")  # NETAUC art 10: opening price >= 70% of the reference price
MAX_PRICE_CUT_RATIO = Decimal("0.20")  # NETAUC art 26: cut <= 20% of the previous opening price
REAUCTION_WITHIN_DAYS = 30  # NETAUC art 26
REFERENCE_PRICE_MAX_VALID_MONTHS = 12  # REFPRICE art 27
DEPOSIT_MIN_RATIO, DEPOSIT_MAX_RATIO = Decimal("0.05"), Decimal("0.20")  # NETAUC art 17
ONLINE_AUCTION_ROUNDS = 2  # after a 2nd failure the property may be sold at a set price (变卖), §2.1 node 8b


def _ceil_fen(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_UP)


def _floor_fen(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_DOWN)


def check_auction_price(
    *,
    round_no: int,
    reference_price: MoneyInput,
    previous_opening_price: MoneyInput | None = None,
    opening_price: MoneyInput,
) -> None:
    """Check an online auction's opening price (起拍价); raise ValidationError naming the rule broken.

    Round 1: at least 70% of the reference price. Round 2: at most 20% below round 1's opening price.
    """
    reference = to_money(reference_price, field="reference_price")
    opening = to_money(opening_price, field="opening_price")
    if opening <= 0 or reference <= 0:
        _fail(_("Reference and opening prices must be positive."), "auction_price_positive")
    if round_no == 1:
        minimum = reference * FIRST_AUCTION_MIN_RATIO
        if opening < minimum:
            _fail(
                _("The first opening price %(value)s is below 70%% of the reference price %(reference)s: it must "
                  "be at least %(minimum)s."),
                "auction_price_too_low", value=opening, reference=reference, minimum=_ceil_fen(minimum),
            )
    elif round_no == 2:
        if previous_opening_price is None:
            _fail(_("The second auction needs the first auction's opening price."), "auction_previous_price")
        previous = to_money(previous_opening_price, field="previous_opening_price")
        minimum = previous * (1 - MAX_PRICE_CUT_RATIO)
        if opening < minimum:
            _fail(
                _("The second opening price %(value)s is more than 20%% below the previous opening price "
                  "%(previous)s: it must be at least %(minimum)s."),
                "auction_price_cut_too_large", value=opening, previous=previous, minimum=_ceil_fen(minimum),
            )
    else:
        _fail(
            _("Round %(value)s is not possible: an online judicial auction has at most 2 rounds, then a sale at a "
              "set price."),
            "auction_round", value=round_no,
        )


def check_auction_deposit(*, opening_price: MoneyInput, deposit: MoneyInput) -> None:
    """The bidding deposit must be 5%-20% of the opening price (NETAUC art 17)."""
    opening = to_money(opening_price, field="opening_price")
    amount = to_money(deposit, field="deposit")
    low, high = opening * DEPOSIT_MIN_RATIO, opening * DEPOSIT_MAX_RATIO
    if not low <= amount <= high:
        _fail(
            _("The deposit %(value)s must be between %(low)s and %(high)s (5%%-20%% of the opening price)."),
            "auction_deposit", value=amount, low=_ceil_fen(low), high=_floor_fen(high),
        )


def reference_price_valid_until(*, report_date: date, valid_months: int = REFERENCE_PRICE_MAX_VALID_MONTHS) -> date:
    """Last day a reference price (appraisal or inquiry report) may be used; at most 1 year (REFPRICE art 27)."""
    if not 1 <= valid_months <= REFERENCE_PRICE_MAX_VALID_MONTHS:
        _fail(_("A reference price is valid for 1 to 12 months (given %(value)s)."), "reference_validity",
              value=valid_months)
    return add_months(report_date, valid_months)


def reauction_deadline(*, failed_on: date) -> date:
    """Last day to hold the second online auction after a failed one (流拍): 30 days (NETAUC art 26)."""
    return failed_on + timedelta(days=REAUCTION_WITHIN_DAYS)


def auction_notice_days(*, round_no: int, kind: AssetKind | str) -> int:
    """Minimum notice before an online auction (NETAUC arts 12, 26): round 1 movables 15 days, real estate and
    other property rights 30; round 2: 7 and 15."""
    kind = AssetKind(kind)
    if kind == AssetKind.BANK_DEPOSIT:
        _fail(_("Bank deposits are deducted, not auctioned."), "auction_kind")
    if round_no not in (1, 2):
        _fail(_("Round %(value)s is not possible: an online judicial auction has at most 2 rounds, then a sale at "
                "a set price."), "auction_round", value=round_no)
    movable = kind == AssetKind.MOVABLE
    return (15 if movable else 30) if round_no == 1 else (7 if movable else 15)


def check_auction_schedule(
    *,
    round_no: int,
    notice_on: date,
    auction_on: date,
    kind: AssetKind | str,
    reference_valid_until: date,
    previous_failed_on: date | None = None,
) -> None:
    """Check auction dates: the reference price is still valid when the notice is published (REFPRICE art 27),
    the notice period is long enough, and a second auction is held within 30 days of the failed first one."""
    if notice_on > reference_valid_until:
        _fail(_("The reference price expired on %(date)s, before the notice of %(notice)s: get a new one."),
              "reference_expired", date=reference_valid_until, notice=notice_on)
    days = auction_notice_days(round_no=round_no, kind=kind)
    if (auction_on - notice_on).days < days:
        _fail(_("The notice must be published at least %(days)s days before the auction (%(auction)s)."),
              "auction_notice_short", days=days, auction=auction_on)
    if round_no == 2:
        if previous_failed_on is None:
            _fail(_("The second auction needs the date the first one failed."), "auction_previous_date")
        if auction_on > reauction_deadline(failed_on=previous_failed_on):
            _fail(_("The second auction must be held by %(deadline)s, 30 days after the failed one."),
                  "reauction_late", deadline=reauction_deadline(failed_on=previous_failed_on))

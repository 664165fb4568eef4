"""Disposal of controlled assets (domain.md §2.1 nodes 7-9): reference price, online auction rounds, sale at a set
price or transfer to the creditor in payment, the confirmation ruling and the hand-over.

Separation of duties (分段集约): when the court's ``separate_control_and_disposal`` setting is on, the disposal team
must not be a team that controlled the asset, and nobody who belongs to such a team (or ordered the measure) may
dispose of it.

Who disposes (移交处置): once the case's team has handed an asset (or the whole case) over to a disposal team and the
handover is approved (``services.handover``), only officers of that receiving team start and run its disposal; the
case's own team no longer does (the disposal belongs to the disposal team once handed over). Without an approved
handover only the case's own team disposes of its assets (as before, subject to the separation above). An officer of
a team with no part in the case is refused. Disposal work is judged by ``Disposal.policy_target``, which follows the
handover, never the ``team`` column alone.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Team
from accounts.policy import Perm, Target, has_perm, require
from core import court_settings
from core.fields import money_input
from core.formats import format_amount as fmt
from core.rules.stages import StepEvent
from core.rules.periods import (
    REFERENCE_PRICE_MAX_VALID_MONTHS,
    check_auction_deposit,
    check_auction_price,
    check_auction_schedule,
    reference_price_valid_until,
)

from ..models import (
    Asset,
    AssetKind,
    AuctionRound,
    ControlMeasure,
    ControlStatus,
    Disposal,
    DisposalStatus,
    ReferenceMethod,
    ReleaseGround,
    RoundKind,
    RoundResult,
)
from ._common import lock_asset, lock_case, log_event, rule_error, stage_advance

REFERENCE_REPORT_DAYS = {ReferenceMethod.ONLINE_INQUIRY: 3, ReferenceMethod.APPRAISAL: 30}  # REFPRICE arts 19, 21
HANDOVER_DAYS = 15  # AUC art 27: hand over within 15 days of serving the ruling
NOT_AUCTIONABLE = (AssetKind.BANK_DEPOSIT, AssetKind.WAGE_INCOME)  # deducted (划拨), not sold


def review_hold(asset_id: int) -> str | None:
    """The number of an objection (执异, the review app, read by label: review is above assets) whose suspension
    holds this asset today, or None. While held, no disposal step of the asset is taken (EXEC-PROC arts 15-16)."""
    from django.apps import apps
    from django.db.models import Q

    try:
        objection = apps.get_model("review", "Objection")
    except LookupError:
        return None
    today = timezone.localdate()
    return (objection.objects.filter(asset_id=asset_id, hold_active=True)
            .filter(Q(hold_until__isnull=True) | Q(hold_until__gte=today))
            .order_by("id").values_list("case__number", flat=True).first())


def _check_review_hold(asset: Asset) -> None:
    number = review_hold(asset.pk)
    if number:
        raise ValidationError({"asset": _("The disposal of this asset is suspended by objection %(number)s: no "
                                          "disposal step until the suspension is lifted.") % {"number": number}})


def _check_disposable(asset: Asset) -> None:
    if asset.objection_pending:
        raise ValidationError({"asset": _("A third-party objection to this asset is pending: it cannot be disposed "
                                          "of until the objection is decided.")})
    _check_review_hold(asset)
    if not asset.controls.filter(status=ControlStatus.ACTIVE).exists():
        raise ValidationError({"asset": _("The asset is not under a control measure in force; it cannot be "
                                          "disposed of.")})


def _check_separation(*, actor, asset: Asset, team: Team) -> None:
    if not court_settings.get(asset.case.court_id, "separate_control_and_disposal"):
        return
    controls = ControlMeasure.objects.filter(asset=asset, court_id=asset.case.court_id)
    controlling_teams = set(controls.exclude(team__isnull=True).values_list("team_id", flat=True))
    controllers = set(controls.exclude(controlled_by__isnull=True).values_list("controlled_by_id", flat=True))
    if team.pk in controlling_teams:
        raise ValidationError({"team": _("The team that controlled this asset may not dispose of it (分段集约).")})
    actor_teams = set(actor.teams.values_list("id", flat=True))
    if actor.pk in controllers or actor_teams & controlling_teams:
        raise PermissionDenied(_("You took part in controlling this asset, so you may not dispose of it (分段集约)."))


def _lock_disposal(disposal: Disposal) -> tuple:
    case = lock_case(disposal.case_id)
    asset = lock_asset(disposal.asset_id)
    disposal = Disposal.objects.select_for_update().get(pk=disposal.pk)
    return case, asset, disposal


def disposal_start_blocker(asset: Asset) -> str | None:
    """Why no disposal of ``asset`` may start, whoever asks (None: it may): its case is closed or archived, a
    disposal of it is under way, or it was already sold or transferred to the creditor (a concluded sale is final:
    the asset is never disposed of again). A read the handovers page uses to offer 开始处置 only where it works."""
    case = asset.case
    if not case.is_open:
        return _("The case is %(stage)s: its assets are not disposed of.") % {"stage": case.get_stage_display()}
    statuses = {d.status for d in asset.disposals.all()}  # prefetched on the handovers page
    if statuses & {DisposalStatus.PRICING, DisposalStatus.AUCTION, DisposalStatus.SET_PRICE_SALE}:
        return _("A disposal of this asset is already under way.")
    if statuses & {DisposalStatus.SOLD, DisposalStatus.TRANSFERRED}:
        return _("This asset has already been sold or transferred: it cannot be disposed of again.")
    return None


def disposal_start_allowed(*, user, asset: Asset) -> bool:
    """May ``user`` start the disposal of ``asset``: an officer of the team the asset was handed over to (approved),
    or, with no such handover, of the case's own team. A read, for pages that check before the form."""
    from .handover import approved_handover_for

    handover = approved_handover_for(asset)
    if handover is not None:
        return has_perm(user, Perm.ASSET_DISPOSE, Target(court_id=asset.case.court_id, team_id=handover.to_team_id))
    return has_perm(user, Perm.ASSET_DISPOSE, asset.case)


@transaction.atomic
def disposal_start(
    *, actor, asset: Asset, team: Team | None = None, reference_method: str, reference_requested_on: date,
) -> Disposal:
    """Open the disposal of a controlled asset and ask for a reference price (REFPRICE arts 1-2). The disposing team
    is the receiving team of the approved handover covering the asset, or, without one, the case's own team;
    ``team``, when given, must be that team."""
    from .handover import approved_handover_for, pending_handover_for

    case = lock_case(asset.case_id)
    asset = lock_asset(asset)
    asset.case = case
    handover = approved_handover_for(asset)
    if handover is not None:
        # Handed over: the receiving team's officers, nobody else (the case's team included).
        require(actor, Perm.ASSET_DISPOSE, Target(court_id=case.court_id, team_id=handover.to_team_id))
        disposing_team = handover.to_team
    else:
        require(actor, Perm.ASSET_DISPOSE, case)
        if pending_handover_for(asset):
            raise ValidationError({"asset": _("A handover of this asset for disposal awaits approval.")})
        disposing_team = case.team
    if disposing_team is None:
        raise ValidationError({"team": _("The case has no team to dispose of its assets.")})
    if team is not None and team.pk != disposing_team.pk:
        raise ValidationError({"team": _("Only %(team)s disposes of this asset: hand it over first (移交处置).") % {
            "team": disposing_team}})
    team = disposing_team
    blocker = disposal_start_blocker(asset)
    if blocker:
        raise ValidationError({"asset": blocker})
    if reference_method not in ReferenceMethod.values:
        raise ValidationError({"reference_method": _("Choose how the reference price is fixed.")})
    if reference_requested_on > timezone.localdate():
        raise ValidationError({"reference_requested_on": _("The date cannot be in the future.")})
    _check_disposable(asset)
    _check_separation(actor=actor, asset=asset, team=team)
    days = REFERENCE_REPORT_DAYS.get(ReferenceMethod(reference_method))
    disposal = Disposal.objects.create(
        asset=asset, case=case, court_id=case.court_id, team=team, handover=handover,
        reference_method=reference_method,
        reference_requested_on=reference_requested_on,
        reference_due_on=reference_requested_on + timedelta(days=days) if days else None, started_by=actor,
    )
    log_event(case=case, type="disposal_started", actor=actor,
              summary=_("Disposal of %(asset)s started by %(team)s") % {"asset": asset, "team": team},
              disposal_id=disposal.pk)
    stage_advance(actor=actor, case=case, event=StepEvent.DISPOSAL, step_label=_("disposal of %(asset)s started") % {
        "asset": asset})
    return disposal


@transaction.atomic
def disposal_reference_price_set(
    *, actor, disposal: Disposal, reference_price, report_on: date,
    valid_months: int = REFERENCE_PRICE_MAX_VALID_MONTHS,
) -> Disposal:
    """Record the reference price; it may be used for at most a year from the report (REFPRICE art 27)."""
    case, asset, disposal = _lock_disposal(disposal)
    require(actor, Perm.ASSET_DISPOSE, disposal)
    if disposal.status != DisposalStatus.PRICING:
        raise ValidationError({"status": _("The reference price can only be set before the auction.")})
    price = money_input(reference_price, field="reference_price", positive=True)
    if report_on < disposal.reference_requested_on or report_on > timezone.localdate():
        raise ValidationError({"report_on": _("The report date must lie between the request and today.")})
    try:
        valid_until = reference_price_valid_until(report_date=report_on, valid_months=valid_months)
    except ValidationError as exc:
        raise rule_error(exc, "valid_months") from None
    disposal.reference_price, disposal.reference_report_on = price, report_on
    disposal.reference_valid_until = valid_until
    disposal.save(update_fields=["reference_price", "reference_report_on", "reference_valid_until"])
    log_event(case=case, type="disposal_reference_price", actor=actor,
              summary=_("Reference price of %(asset)s: %(price)s, valid until %(until)s") % {
                  "asset": asset, "price": fmt(price), "until": valid_until}, disposal_id=disposal.pk)
    return disposal


@transaction.atomic
def auction_round_schedule(
    *, actor, disposal: Disposal, notice_on: date, auction_on: date, opening_price, deposit=None, platform: str = "",
) -> AuctionRound:
    """Schedule the next round: 1st auction ≥ 70% of the reference price; 2nd within 30 days of the failed 1st, at
    most 20% lower; after two failures, a sale at a set price (变卖, NETAUC art 26)."""
    case, asset, disposal = _lock_disposal(disposal)
    require(actor, Perm.ASSET_DISPOSE, disposal)
    if not disposal.is_open:
        raise ValidationError({"status": _("This disposal is finished.")})
    _check_disposable(asset)
    if asset.kind in NOT_AUCTIONABLE:
        raise ValidationError({"asset": _("Deposits and income are deducted, not auctioned.")})
    if disposal.reference_price is None:
        raise ValidationError({"opening_price": _("Set the reference price first.")})
    rounds = list(disposal.rounds.order_by("round_no"))
    if rounds and rounds[-1].result != RoundResult.FAILED:
        raise ValidationError({"round_no": _("The previous round has not failed; no new round can be scheduled.")})
    round_no = len(rounds) + 1
    opening = money_input(opening_price, field="opening_price", positive=True)
    deposit_value = money_input(deposit, field="deposit", allow_none=True, positive=True)
    previous = rounds[-1] if rounds else None
    if round_no <= 2:
        try:
            check_auction_price(round_no=round_no, reference_price=disposal.reference_price,
                                previous_opening_price=previous.opening_price if previous else None,
                                opening_price=opening)
        except ValidationError as exc:
            raise rule_error(exc, "opening_price") from None
        if deposit_value is not None:
            try:
                check_auction_deposit(opening_price=opening, deposit=deposit_value)
            except ValidationError as exc:
                raise rule_error(exc, "deposit") from None
        try:
            check_auction_schedule(round_no=round_no, notice_on=notice_on, auction_on=auction_on,
                                   kind=asset.rule_kind, reference_valid_until=disposal.reference_valid_until,
                                   previous_failed_on=previous.ended_on if previous else None)
        except ValidationError as exc:
            raise rule_error(exc, "auction_on") from None
        kind, status = RoundKind.AUCTION, DisposalStatus.AUCTION
    elif round_no == 3:
        # 变卖 after the 2nd failure. Price and window are UNCONFIRMED (§2.1 node 8b): not below the 2nd opening price.
        if opening < previous.opening_price:
            raise ValidationError({"opening_price": _("The set price may not be below the second auction's opening "
                                                      "price %(price)s.") % {"price": fmt(previous.opening_price)}})
        if auction_on < notice_on:
            raise ValidationError({"auction_on": _("The sale cannot start before its notice.")})
        kind, status = RoundKind.SET_PRICE_SALE, DisposalStatus.SET_PRICE_SALE
    else:
        raise ValidationError({"round_no": _("No further round is possible: transfer the asset to the creditor in "
                                             "payment, or withdraw the disposal.")})
    auction = AuctionRound.objects.create(
        disposal=disposal, round_no=round_no, kind=kind, platform=(platform or "")[:100], notice_on=notice_on,
        auction_on=auction_on, opening_price=opening, deposit=deposit_value, created_by=actor,
    )
    disposal.status = status
    disposal.save(update_fields=["status"])
    log_event(case=case, type="auction_scheduled", actor=actor,
              summary=_("%(kind)s no. %(no)s of %(asset)s on %(date)s, opening price %(price)s") % {
                  "kind": auction.get_kind_display(), "no": round_no, "asset": asset, "date": auction_on,
                  "price": fmt(opening)}, disposal_id=disposal.pk)
    return auction


@transaction.atomic
def auction_round_record_result(
    *, actor, auction: AuctionRound, result: str, ended_on: date, hammer_price=None, buyer: str = "",
) -> AuctionRound:
    """Record a round's outcome: sold (the disposal concludes at the hammer price) or failed (流拍)."""
    case, asset, disposal = _lock_disposal(auction.disposal)
    require(actor, Perm.ASSET_DISPOSE, disposal)
    auction = AuctionRound.objects.select_for_update().get(pk=auction.pk)
    if auction.result != RoundResult.PENDING:
        raise ValidationError({"result": _("The result of this round is already recorded.")})
    if result not in (RoundResult.SOLD, RoundResult.FAILED, RoundResult.WITHDRAWN):
        raise ValidationError({"result": _("Choose sold, failed or withdrawn.")})
    if ended_on < auction.auction_on or ended_on > timezone.localdate():
        raise ValidationError({"ended_on": _("The end date must lie between the auction date and today.")})
    auction.result, auction.ended_on = result, ended_on
    if result == RoundResult.SOLD:
        _check_review_hold(asset)
        price = money_input(hammer_price, field="hammer_price", positive=True)
        if price < auction.opening_price:
            raise ValidationError({"hammer_price": _("The price cannot be below the opening price %(price)s.") % {
                "price": fmt(auction.opening_price)}})
        if not (buyer or "").strip():
            raise ValidationError({"buyer": _("This field is required.")})
        auction.hammer_price = price
        disposal.status, disposal.final_price, disposal.buyer = DisposalStatus.SOLD, price, buyer.strip()[:200]
        disposal.concluded_on, disposal.concluded_by = ended_on, actor
        disposal.save(update_fields=["status", "final_price", "buyer", "concluded_on", "concluded_by"])
    auction.save(update_fields=["result", "ended_on", "hammer_price"])
    log_event(case=case, type="auction_result", actor=actor,
              summary=_("%(kind)s no. %(no)s of %(asset)s: %(result)s") % {
                  "kind": auction.get_kind_display(), "no": auction.round_no, "asset": asset,
                  "result": auction.get_result_display()}, disposal_id=disposal.pk)
    return auction


@transaction.atomic
def disposal_transfer_in_lieu(*, actor, disposal: Disposal, transferee: str, transferred_on: date) -> Disposal:
    """Transfer the asset to the creditor in payment (以物抵债) at the failed round's opening price, with their
    consent (AUC art 16; CPL-I arts 489-490)."""
    case, asset, disposal = _lock_disposal(disposal)
    require(actor, Perm.ASSET_DISPOSE, disposal)
    if not disposal.is_open:
        raise ValidationError({"status": _("This disposal is finished.")})
    _check_disposable(asset)
    last = disposal.rounds.order_by("-round_no").first()
    if last is None or last.result != RoundResult.FAILED:
        raise ValidationError({"status": _("A transfer in payment follows a failed auction or sale.")})
    if not (transferee or "").strip():
        raise ValidationError({"transferee": _("This field is required.")})
    if transferred_on < last.ended_on or transferred_on > timezone.localdate():
        raise ValidationError({"transferred_on": _("The date must lie between the failed round and today.")})
    disposal.status, disposal.final_price, disposal.buyer = DisposalStatus.TRANSFERRED, last.opening_price, \
        transferee.strip()[:200]
    disposal.concluded_on, disposal.concluded_by = transferred_on, actor
    disposal.save(update_fields=["status", "final_price", "buyer", "concluded_on", "concluded_by"])
    log_event(case=case, type="disposal_transferred", actor=actor,
              summary=_("%(asset)s transferred to %(who)s in payment at %(price)s") % {
                  "asset": asset, "who": disposal.buyer, "price": fmt(disposal.final_price)}, disposal_id=disposal.pk)
    return disposal


@transaction.atomic
def disposal_ruling_record(*, actor, disposal: Disposal, ruling_number: str, served_on: date) -> Disposal:
    """The ruling confirming the sale or transfer (成交/抵债裁定): title passes on service; the property is handed
    over within 15 days (AUC arts 20, 26-27). The measures on the asset are released (ground: disposed of)."""
    from .controls import control_release

    case, asset, disposal = _lock_disposal(disposal)
    require(actor, Perm.ASSET_DISPOSE, disposal)
    if disposal.status not in (DisposalStatus.SOLD, DisposalStatus.TRANSFERRED):
        raise ValidationError({"status": _("The ruling follows a sale or a transfer in payment.")})
    if disposal.confirmation_ruling:
        raise ValidationError({"ruling_number": _("The ruling is already recorded.")})
    _check_review_hold(asset)
    if not (ruling_number or "").strip():
        raise ValidationError({"ruling_number": _("This field is required.")})
    if served_on < disposal.concluded_on or served_on > timezone.localdate():
        raise ValidationError({"served_on": _("The date must lie between the sale and today.")})
    disposal.confirmation_ruling, disposal.ruling_served_on = ruling_number.strip()[:60], served_on
    disposal.handover_due_on = served_on + timedelta(days=HANDOVER_DAYS)
    disposal.save(update_fields=["confirmation_ruling", "ruling_served_on", "handover_due_on"])
    # Title has passed: every live measure on the asset ends, queued ones included (they cannot take effect).
    for control in asset.controls.filter(status__in=[ControlStatus.QUEUED, ControlStatus.ACTIVE]) \
            .order_by("-queue_rank"):
        control_release(actor=actor, control=control, released_on=max(served_on, control.effective_on
                                                                     or control.ordered_on),
                        ground=ReleaseGround.DISPOSED, note=disposal.confirmation_ruling, _check_perm=False)
    log_event(case=case, type="disposal_ruling", actor=actor,
              summary=_("Ruling %(number)s confirming the disposal of %(asset)s served on %(date)s") % {
                  "number": disposal.confirmation_ruling, "asset": asset, "date": served_on},
              disposal_id=disposal.pk)
    return disposal


@transaction.atomic
def disposal_handover_record(*, actor, disposal: Disposal, handed_over_on: date) -> Disposal:
    case, asset, disposal = _lock_disposal(disposal)
    require(actor, Perm.ASSET_DISPOSE, disposal)
    if disposal.ruling_served_on is None:
        raise ValidationError({"handed_over_on": _("Record the confirmation ruling first.")})
    if disposal.handed_over_on is not None:
        raise ValidationError({"handed_over_on": _("The hand-over is already recorded.")})
    if handed_over_on < disposal.ruling_served_on or handed_over_on > timezone.localdate():
        raise ValidationError({"handed_over_on": _("The date must lie between the ruling's service and today.")})
    disposal.handed_over_on = handed_over_on
    disposal.save(update_fields=["handed_over_on"])
    log_event(case=case, type="disposal_handover", actor=actor,
              summary=_("%(asset)s handed over on %(date)s") % {"asset": asset, "date": handed_over_on},
              disposal_id=disposal.pk)
    return disposal


@transaction.atomic
def disposal_withdraw(*, actor, disposal: Disposal, reason: str) -> Disposal:
    case, asset, disposal = _lock_disposal(disposal)
    require(actor, Perm.ASSET_DISPOSE, disposal)
    if not disposal.is_open:
        raise ValidationError({"status": _("This disposal is finished.")})
    if not (reason or "").strip():
        raise ValidationError({"reason": _("This field is required.")})
    disposal.rounds.filter(result=RoundResult.PENDING).update(result=RoundResult.WITHDRAWN,
                                                              ended_on=timezone.localdate())
    disposal.status = DisposalStatus.WITHDRAWN
    disposal.concluded_on, disposal.concluded_by = timezone.localdate(), actor
    disposal.save(update_fields=["status", "concluded_on", "concluded_by"])
    log_event(case=case, type="disposal_withdrawn", actor=actor,
              summary=_("Disposal of %(asset)s withdrawn: %(reason)s") % {"asset": asset, "reason": reason.strip()},
              disposal_id=disposal.pk)
    return disposal


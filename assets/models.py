"""Seized assets, control measures, disposal, and the case-fund ledger (domain.md §2.1 nodes 6-12, §3.3, §5).

Writes go through ``assets.services``. Ledger entries are immutable at the database level (pgtrigger): corrections are
reversing entries. The only column of a ledger entry that may change is ``paid_out_on``, the receipt's payout clock.
"""

from __future__ import annotations

from decimal import Decimal

import pgtrigger
from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts.policy import Target
from cases.models import BelongsToCase
from core.rules.periods import AssetKind as RuleAssetKind

MONEY = {"max_digits": 16, "decimal_places": 2}
POSITIVE = [MinValueValidator(Decimal("0.01"))]


# --- Asset register --------------------------------------------------------------------------------------------

class AssetKind(models.TextChoices):
    BANK_DEPOSIT = "bank_deposit", _("Bank deposit")
    REAL_ESTATE = "real_estate", _("Real estate")
    VEHICLE = "vehicle", _("Vehicle")
    EQUITY = "equity", _("Equity")
    OTHER_PROPERTY_RIGHT = "other_property_right", _("Other property right")
    WAGE_INCOME = "wage_income", _("Wages and income")
    MOVABLE = "movable", _("Other movable property")


# The statutory category of each kind for the control term (CPL-I art 485, domain.md §3.3). Wages and income held
# by an employer or bank are money like a deposit: 1 year. Vehicles are movables (2 years); equity is another
# property right (3 years).
RULE_KIND = {
    AssetKind.BANK_DEPOSIT: RuleAssetKind.BANK_DEPOSIT,
    AssetKind.WAGE_INCOME: RuleAssetKind.BANK_DEPOSIT,
    AssetKind.VEHICLE: RuleAssetKind.MOVABLE,
    AssetKind.MOVABLE: RuleAssetKind.MOVABLE,
    AssetKind.REAL_ESTATE: RuleAssetKind.REAL_ESTATE,
    AssetKind.EQUITY: RuleAssetKind.OTHER_PROPERTY_RIGHT,
    AssetKind.OTHER_PROPERTY_RIGHT: RuleAssetKind.OTHER_PROPERTY_RIGHT,
}

# Identifier fields each kind requires (the register form and the service check them).
REQUIRED_IDENTIFIERS = {
    AssetKind.BANK_DEPOSIT: ("bank_name", "account_number"),
    AssetKind.REAL_ESTATE: ("certificate_number",),
    AssetKind.VEHICLE: ("plate_number",),
    AssetKind.EQUITY: ("company_name", "share"),
    AssetKind.OTHER_PROPERTY_RIGHT: ("certificate_number",),
    AssetKind.WAGE_INCOME: ("company_name",),
    AssetKind.MOVABLE: (),
}


class AssetSource(models.TextChoices):
    NETWORK_QUERY = "network_query", _("Network query (网络查控)")
    LEAD = "lead", _("Applicant's lead")
    INVESTIGATION = "investigation", _("On-site investigation")
    DEBTOR_REPORT = "debtor_report", _("Debtor's asset report")
    OTHER = "other", _("Other")


class Asset(BelongsToCase, models.Model):
    """A piece of property of a party to the case, found during the investigation."""

    case = models.ForeignKey("cases.Case", verbose_name=_("case"), on_delete=models.CASCADE, related_name="assets")
    owner = models.ForeignKey("cases.CaseParty", verbose_name=_("owner"), on_delete=models.PROTECT,
                              related_name="assets")
    kind = models.CharField(_("kind"), max_length=24, choices=AssetKind.choices)
    description = models.CharField(pgettext_lazy("asset", "description"), max_length=200)
    # Identifiers by kind (REQUIRED_IDENTIFIERS).
    bank_name = models.CharField(_("bank"), max_length=100, blank=True)
    account_number = models.CharField(_("account number"), max_length=40, blank=True)
    certificate_number = models.CharField(_("certificate number"), max_length=80, blank=True)
    plate_number = models.CharField(_("plate number"), max_length=20, blank=True)
    company_name = models.CharField(_("company or employer"), max_length=200, blank=True)
    share = models.CharField(_("share held"), max_length=60, blank=True)
    location = models.CharField(_("location"), max_length=300, blank=True)
    estimated_value = models.DecimalField(_("estimated value"), null=True, blank=True,
                                          validators=[MinValueValidator(Decimal("0"))], **MONEY)
    source = models.CharField(_("source"), max_length=16, choices=AssetSource.choices)
    source_note = models.CharField(_("source details"), max_length=300, blank=True)
    # The finding it was registered from: a network query (``Action``) and the index of the asset in its
    # ``details["found"]``. One asset per finding (the constraint), so a resent form cannot register it twice.
    source_action = models.ForeignKey("cases.Action", verbose_name=_("found by"), null=True, blank=True,
                                      on_delete=models.SET_NULL, related_name="assets_registered")
    source_row = models.PositiveSmallIntegerField(_("found asset number"), null=True, blank=True)
    # A third-party objection (案外人异议) blocks disposal while pending (EXEC-PROC arts 15-16); kept in step with
    # the asset's Objection records by the services.
    objection_pending = models.BooleanField(_("third-party objection pending"), default=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("asset")
        verbose_name_plural = _("assets")
        ordering = ["case", "id"]
        indexes = [models.Index(fields=["case", "kind"], name="asset_case_kind_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(estimated_value__isnull=True) | Q(estimated_value__gte=0),
                                   name="asset_value_not_negative"),
            models.UniqueConstraint(fields=["source_action", "source_row"], condition=Q(source_action__isnull=False),
                                    name="asset_one_per_finding"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.description}"

    @property
    def rule_kind(self) -> RuleAssetKind:
        return RULE_KIND[AssetKind(self.kind)]

    @property
    def identifier_display(self) -> str:
        parts = [self.bank_name, self.account_number, self.certificate_number, self.plate_number, self.company_name,
                 self.share]
        return " ".join(p for p in parts if p)


class ObjectionStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    UPHELD = "upheld", pgettext_lazy("objection", "Upheld")
    DISMISSED = "dismissed", _("Dismissed")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Objection(models.Model):
    """A third party's objection to enforcement against an asset (案外人异议, CPL art 238)."""

    asset = models.ForeignKey(Asset, verbose_name=_("asset"), on_delete=models.CASCADE, related_name="objections")
    objector = models.CharField(_("objector"), max_length=200)
    filed_on = models.DateField(pgettext_lazy("objection", "filed on"))
    grounds = models.TextField(_("grounds"), blank=True)
    status = models.CharField(_("status"), max_length=12, choices=ObjectionStatus.choices,
                              default=ObjectionStatus.PENDING)
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")

    class Meta:
        verbose_name = _("third-party objection")
        verbose_name_plural = _("third-party objections")
        ordering = ["asset", "filed_on", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(status="pending", decided_on__isnull=True)
                                   | (~Q(status="pending") & Q(decided_on__isnull=False)),
                                   name="objection_decision_consistent"),
        ]


# --- Control measures (查封、扣押、冻结) ---------------------------------------------------------------------------

class ControlKind(models.TextChoices):
    FREEZE = "freeze", _("Freeze (冻结)")
    SEIZURE = "seizure", _("Seizure (查封)")
    DETENTION = "detention", _("Detention (扣押)")


class ControlStatus(models.TextChoices):
    QUEUED = "queued", _("Queued (轮候)")
    ACTIVE = "active", _("In force")
    RELEASED = "released", _("Released")
    LAPSED = "lapsed", _("Lapsed")


class ReleaseGround(models.TextChoices):
    """Grounds for lifting a seizure (SEIZE art 28, domain.md §3.3), plus release after disposal."""

    THIRD_PARTY_PROPERTY = "third_party_property", _("Property of a third party")
    WITHDRAWN = "withdrawn", _("Application withdrawn or waived")
    UNSALEABLE = "unsaleable", _("Unsaleable and refused by the creditor in payment")
    DEBT_PAID = "debt_paid", _("Debt paid")
    GUARANTEE = "guarantee", _("Guarantee given with the applicant's consent")
    DISPOSED = "disposed", _("Disposed of (sold or transferred in payment)")
    OTHER = "other", _("Other")


class ControlMeasure(BelongsToCase, models.Model):
    """One freeze/seizure/detention of an asset. Measures on an asset queue by ``queue_rank`` (轮候, SEIZE art 26);
    only one is in force at a time, and the next one takes effect when it is released."""

    asset = models.ForeignKey(Asset, verbose_name=_("asset"), on_delete=models.CASCADE, related_name="controls")
    case = models.ForeignKey("cases.Case", verbose_name=_("case"), on_delete=models.CASCADE, related_name="controls")
    court = models.ForeignKey("accounts.Court", verbose_name=_("court"), on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("measure"), max_length=12, choices=ControlKind.choices)
    preservation = models.BooleanField(_("preservation measure"), default=False)
    ordered_on = models.DateField(_("ordered on"))
    ruling_number = models.CharField(_("ruling number"), max_length=60)
    assisting_body = models.CharField(_("assisting body"), max_length=200)
    amount = models.DecimalField(_("amount frozen"), null=True, blank=True, validators=POSITIVE, **MONEY)
    queue_rank = models.PositiveIntegerField(_("queue rank"))
    status = models.CharField(_("status"), max_length=10, choices=ControlStatus.choices)
    effective_on = models.DateField(_("in force from"), null=True, blank=True)
    expires_on = models.DateField(_("expires on"), null=True, blank=True)
    renewals = models.PositiveSmallIntegerField(_("renewals"), default=0)
    released_on = models.DateField(_("released on"), null=True, blank=True)
    release_ground = models.CharField(_("release ground"), max_length=24, choices=ReleaseGround.choices, blank=True)
    release_note = models.CharField(_("release note"), max_length=300, blank=True)
    lapsed_on = models.DateField(_("lapsed on"), null=True, blank=True)
    team = models.ForeignKey("accounts.Team", verbose_name=_("controlling team"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="+")
    controlled_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("ordered by"), null=True,
                                      on_delete=models.SET_NULL, related_name="+")
    released_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("released by"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    # Copies of the case's team and handling officer (who may see the measure), not the controlling team above: the
    # expiring-controls list of one officer reads them from one index instead of checking every measure's case.
    # Set when the measure is ordered and rewritten by cases.services.case_assign when the case is reassigned.
    case_team = models.ForeignKey("accounts.Team", null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+", db_index=False, editable=False)
    case_officer = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+", db_index=False, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("control measure")
        verbose_name_plural = _("control measures")
        ordering = ["asset", "queue_rank"]
        constraints = [
            models.UniqueConstraint(fields=["asset", "queue_rank"], name="control_unique_rank"),
            models.UniqueConstraint(fields=["asset"], condition=Q(status="active"), name="control_one_active"),
            models.CheckConstraint(
                # Queued: not yet in force. In force or lapsed: both dates. Released: either (a queued one may be
                # released before it ever took effect).
                condition=(Q(status__in=["queued", "released"]) & Q(effective_on__isnull=True)
                           & Q(expires_on__isnull=True))
                | (~Q(status="queued") & Q(effective_on__isnull=False) & Q(expires_on__gte=F("effective_on"))),
                name="control_dates_consistent",
            ),
            models.CheckConstraint(
                condition=(Q(status="released") & Q(released_on__isnull=False) & ~Q(release_ground=""))
                | (~Q(status="released") & Q(released_on__isnull=True)),
                name="control_release_consistent",
            ),
        ]
        indexes = [
            # The expiring-controls list and the lapse scan: in-force measures by expiry.
            models.Index(fields=["court", "expires_on", "id"], condition=Q(status="active"),
                         name="control_active_expiry"),
            models.Index(fields=["expires_on"], condition=Q(status="active"), name="control_expiry_scan"),
            # The same list for an officer: their cases' in-force measures by expiry (index-only per case).
            models.Index(fields=["case", "expires_on"], condition=Q(status="active"), name="control_case_active_expiry"),
            # The list for an officer (team scope): in-force measures of their teams' cases, and of the cases they
            # handle, by expiry (the two arms of the policy's team-or-officer filter).
            models.Index(fields=["case_team", "expires_on", "id"], condition=Q(status="active"),
                         name="control_caseteam_expiry"),
            models.Index(fields=["case_officer", "expires_on", "id"], condition=Q(status="active"),
                         name="control_caseofficer_expiry"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.ruling_number}"


class ControlRenewal(models.Model):
    """A renewal (续封/续冻) of a control measure, kept as history."""

    control = models.ForeignKey(ControlMeasure, on_delete=models.CASCADE, related_name="renewal_history")
    renewed_on = models.DateField(_("renewed on"))
    ruling_number = models.CharField(_("ruling number"), max_length=60)
    previous_expiry = models.DateField(_("previous expiry"))
    new_expiry = models.DateField(_("new expiry"))
    renewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["control", "renewed_on", "id"]
        constraints = [models.CheckConstraint(condition=Q(new_expiry__gt=F("previous_expiry")),
                                              name="renewal_extends")]


# --- Disposal (处置) ---------------------------------------------------------------------------------------------

class HandoverStatus(models.TextChoices):
    PENDING = "pending", _("Awaiting approval")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Handover(models.Model):
    """移交处置: the case's team hands the disposal of assets of the case (or of the whole case) over to a disposal
    team (分段集约); approved by the division chief when the court's ``handover_needs_approval`` setting says so.
    Once approved, officers of ``to_team`` start and run the disposals of the handed-over assets, and the case's
    own team no longer disposes of them. ``assets`` empty means the whole case (assets registered later included)."""

    case = models.ForeignKey("cases.Case", verbose_name=_("case"), on_delete=models.CASCADE, related_name="handovers")
    court = models.ForeignKey("accounts.Court", verbose_name=_("court"), on_delete=models.PROTECT, related_name="+")
    assets = models.ManyToManyField(Asset, verbose_name=_("assets"), blank=True, related_name="handovers")
    whole_case = models.BooleanField(_("the whole case"), default=False)
    from_team = models.ForeignKey("accounts.Team", verbose_name=_("from team"), null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+")
    to_team = models.ForeignKey("accounts.Team", verbose_name=_("disposal team"), on_delete=models.PROTECT,
                                related_name="+")
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=HandoverStatus.choices,
                              default=HandoverStatus.PENDING)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("requested by"), null=True,
                                     on_delete=models.SET_NULL, related_name="+")
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("approved or rejected by"), null=True,
                                   blank=True, on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField(_("approved or rejected at"), null=True, blank=True)
    decision_note = models.CharField(_("decision note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("handover for disposal")
        verbose_name_plural = _("handovers for disposal")
        ordering = ["-requested_at", "-id"]
        indexes = [models.Index(fields=["court", "status"], name="handover_court_status_idx"),
                   models.Index(fields=["to_team", "status"], name="handover_team_status_idx")]

    def __str__(self) -> str:
        return f"{self.case} → {self.to_team} ({self.get_status_display()})"

    def policy_target(self) -> Target:
        """Requesting and approving a handover is judged against the case (its team, its officer, its court)."""
        return self.case.policy_target()


class ReferenceMethod(models.TextChoices):
    AGREEMENT = "agreement", _("Agreed by the parties (议价)")
    INQUIRY = "inquiry", _("Directed inquiry (定向询价)")
    ONLINE_INQUIRY = "online_inquiry", _("Online inquiry (网络询价)")
    APPRAISAL = "appraisal", _("Appraisal (委托评估)")


class DisposalStatus(models.TextChoices):
    PRICING = "pricing", _("Fixing the reference price")
    AUCTION = "auction", _("At auction")
    SET_PRICE_SALE = "set_price_sale", _("Sale at a set price (变卖)")
    SOLD = "sold", _("Sold")
    TRANSFERRED = "transferred", _("Transferred to the creditor in payment")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Disposal(models.Model):
    """The disposal of one controlled asset: reference price, auction rounds, outcome and hand-over."""

    asset = models.ForeignKey(Asset, verbose_name=_("asset"), on_delete=models.CASCADE, related_name="disposals")
    case = models.ForeignKey("cases.Case", verbose_name=_("case"), on_delete=models.CASCADE, related_name="disposals")
    court = models.ForeignKey("accounts.Court", verbose_name=_("court"), on_delete=models.PROTECT, related_name="+")
    team = models.ForeignKey("accounts.Team", verbose_name=_("disposal team"), on_delete=models.PROTECT,
                             related_name="+")
    handover = models.ForeignKey(Handover, verbose_name=_("handover for disposal"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="disposals")
    status = models.CharField(_("status"), max_length=16, choices=DisposalStatus.choices,
                              default=DisposalStatus.PRICING)
    reference_method = models.CharField(_("reference price method"), max_length=16, choices=ReferenceMethod.choices)
    reference_requested_on = models.DateField(_("reference price requested on"))
    reference_due_on = models.DateField(_("reference report due on"), null=True, blank=True)
    reference_price = models.DecimalField(_("reference price"), null=True, blank=True, validators=POSITIVE, **MONEY)
    reference_report_on = models.DateField(_("reference report dated"), null=True, blank=True)
    reference_valid_until = models.DateField(_("reference price valid until"), null=True, blank=True)
    buyer = models.CharField(_("buyer or transferee"), max_length=200, blank=True)
    final_price = models.DecimalField(_("final price"), null=True, blank=True, validators=POSITIVE, **MONEY)
    concluded_on = models.DateField(_("concluded on"), null=True, blank=True)
    confirmation_ruling = models.CharField(_("confirmation ruling number"), max_length=60, blank=True)
    ruling_served_on = models.DateField(_("ruling served on"), null=True, blank=True)
    handover_due_on = models.DateField(_("hand over by"), null=True, blank=True)
    handed_over_on = models.DateField(_("handed over on"), null=True, blank=True)
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("started by"), null=True,
                                   on_delete=models.SET_NULL, related_name="+")
    concluded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("concluded by"), null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("disposal")
        verbose_name_plural = _("disposals")
        ordering = ["-created_at", "-id"]
        constraints = [
            # At most one disposal under way per asset.
            models.UniqueConstraint(fields=["asset"], condition=Q(status__in=["pricing", "auction", "set_price_sale"]),
                                    name="disposal_one_open_per_asset"),
        ]
        indexes = [models.Index(fields=["court", "team", "status"], name="disposal_team_status_idx")]

    def __str__(self) -> str:
        return f"{self.asset} ({self.get_status_display()})"

    def policy_target(self) -> Target:
        """Disposal work belongs to the team the case's assets were handed over to (移交处置, 分段集约); a disposal
        without a handover belongs to the case's own team and officer (as any other work on the case). The
        disposal's ``team`` column is never trusted on its own: without an approved handover it gives no power."""
        if self.handover_id:
            return Target(court_id=self.court_id, team_id=self.handover_team_id, officer_id=None)
        return self.case.policy_target()

    @property
    def handover_team_id(self) -> int | None:
        """The receiving team of the disposal's handover while that handover stands approved."""
        cached = getattr(self, "_handover_team_id", False)
        if cached is False:
            h = self.handover
            cached = h.to_team_id if h is not None and h.status == HandoverStatus.APPROVED else None
            self._handover_team_id = cached
        return cached

    @property
    def is_open(self) -> bool:
        return self.status in (DisposalStatus.PRICING, DisposalStatus.AUCTION, DisposalStatus.SET_PRICE_SALE)


class RoundKind(models.TextChoices):
    AUCTION = "auction", _("Online auction")
    SET_PRICE_SALE = "set_price_sale", _("Sale at a set price (变卖)")


class RoundResult(models.TextChoices):
    PENDING = "pending", _("Scheduled")
    SOLD = "sold", _("Sold")
    FAILED = "failed", _("Failed (流拍)")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class AuctionRound(models.Model):
    """One online auction round (1st, 2nd) or the sale at a set price that may follow a 2nd failure."""

    disposal = models.ForeignKey(Disposal, verbose_name=_("disposal"), on_delete=models.CASCADE,
                                 related_name="rounds")
    round_no = models.PositiveSmallIntegerField(_("round"))
    kind = models.CharField(_("kind"), max_length=16, choices=RoundKind.choices, default=RoundKind.AUCTION)
    platform = models.CharField(_("platform"), max_length=100, blank=True)
    notice_on = models.DateField(_("notice published on"))
    auction_on = models.DateField(_("auction date"))
    opening_price = models.DecimalField(_("opening price"), validators=POSITIVE, **MONEY)
    deposit = models.DecimalField(_("deposit"), null=True, blank=True, validators=POSITIVE, **MONEY)
    result = models.CharField(_("result"), max_length=10, choices=RoundResult.choices, default=RoundResult.PENDING)
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    hammer_price = models.DecimalField(_("hammer price"), null=True, blank=True, validators=POSITIVE, **MONEY)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("auction round")
        verbose_name_plural = _("auction rounds")
        ordering = ["disposal", "round_no"]
        constraints = [
            models.UniqueConstraint(fields=["disposal", "round_no"], name="auction_round_unique"),
            models.CheckConstraint(condition=Q(auction_on__gte=F("notice_on")), name="auction_after_notice"),
        ]


# --- The case-fund ledger (案款, 一案一账号) -----------------------------------------------------------------------

class EntryKind(models.TextChoices):
    DEBTOR_PAYMENT = "debtor_payment", _("Payment by the debtor")
    BANK_DEDUCTION = "bank_deduction", _("Bank deduction (划拨)")
    AUCTION_PROCEEDS = "auction_proceeds", _("Auction or sale proceeds")
    FIELD_COLLECTION = "field_collection", _("Collected in the field")
    DISBURSEMENT = "disbursement", _("Disbursement")
    FEE_TRANSFER = "fee_transfer", _("Enforcement fee transferred to the court's fee account")
    REVERSAL = "reversal", _("Reversal")


RECEIPT_KINDS = (EntryKind.DEBTOR_PAYMENT, EntryKind.BANK_DEDUCTION, EntryKind.AUCTION_PROCEEDS,
                 EntryKind.FIELD_COLLECTION)
RECEIPT_KIND_VALUES = tuple(k.value for k in RECEIPT_KINDS)
# Money leaving the account: a payout, or the enforcement fee withheld first moving to the court's fee account
# (执行费划转). Both settle receipts' payout clocks, first in first out (``receipts_settle``).
OUTFLOW_KIND_VALUES = (EntryKind.DISBURSEMENT.value, EntryKind.FEE_TRANSFER.value)

BALANCE_GUARD_SQL = """
IF (SELECT COALESCE(SUM(signed_amount), 0) FROM assets_ledgerentry WHERE case_id = NEW.case_id) < 0 THEN
    RAISE EXCEPTION 'case fund balance would become negative (case %)', NEW.case_id
        USING ERRCODE = 'check_violation';
END IF;
RETURN NULL;
"""


class LedgerEntry(BelongsToCase, models.Model):
    """One movement of money on a case's fund account. Immutable: corrections are reversing entries."""

    case = models.ForeignKey("cases.Case", verbose_name=_("case"), on_delete=models.PROTECT,
                             related_name="ledger_entries")
    court = models.ForeignKey("accounts.Court", verbose_name=_("court"), on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("kind"), max_length=20, choices=EntryKind.choices)
    amount = models.DecimalField(_("amount"), validators=POSITIVE, **MONEY)
    signed_amount = models.DecimalField(_("signed amount"), **MONEY)
    occurred_on = models.DateField(_("date"))
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), null=True,
                                    on_delete=models.SET_NULL, related_name="+")
    payer = models.CharField(_("payer"), max_length=200, blank=True)
    reference = models.CharField(_("bank or receipt reference"), max_length=80, blank=True)
    memo = models.CharField(_("memo"), max_length=300, blank=True)
    reverses = models.OneToOneField("self", verbose_name=_("reverses"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="reversed_by")
    payout = models.OneToOneField("Payout", verbose_name=_("payout"), null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="disbursement")
    disposal = models.ForeignKey(Disposal, verbose_name=_("disposal"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="receipts")
    # Receipts only: the payout clock (§2.1 node 11). ``paid_out_on`` is set once the money has left the account
    # (paid out, first in first out, or the receipt was reversed); the only column that may ever change.
    payout_due_on = models.DateField(_("pay out by"), null=True, blank=True)
    paid_out_on = models.DateField(_("paid out on"), null=True, blank=True)

    class Meta:
        verbose_name = _("ledger entry")
        verbose_name_plural = _("ledger entries")
        ordering = ["occurred_on", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="ledger_amount_positive"),
            models.CheckConstraint(
                condition=(Q(kind__in=RECEIPT_KIND_VALUES) & Q(signed_amount=F("amount")))
                | (Q(kind__in=["disbursement", "fee_transfer"]) & Q(signed_amount=-F("amount")))
                | (Q(kind="reversal") & (Q(signed_amount=F("amount")) | Q(signed_amount=-F("amount")))),
                name="ledger_sign_matches_kind",
            ),
            models.CheckConstraint(condition=~Q(kind="disbursement") | Q(payout__isnull=False),
                                   name="ledger_disbursement_has_payout"),
            models.CheckConstraint(condition=~Q(kind="reversal") | Q(reverses__isnull=False),
                                   name="ledger_reversal_has_target"),
            models.CheckConstraint(condition=Q(kind__in=RECEIPT_KIND_VALUES) | Q(payout_due_on__isnull=True),
                                   name="ledger_payout_clock_on_receipts"),
        ]
        indexes = [
            # A case's balance is an index-only sum.
            models.Index(fields=["case"], include=["signed_amount"], name="ledger_case_balance"),
            # Funds awaiting payout: receipts not yet paid out, by due date.
            models.Index(fields=["court", "payout_due_on", "id"], condition=Q(paid_out_on__isnull=True)
                         & Q(payout_due_on__isnull=False), name="ledger_awaiting_payout"),
            # A bank reference (银行流水号) already on the court's ledger: the duplicate-receipt check.
            models.Index(fields=["court", "reference"], condition=~Q(reference=""), name="ledger_court_reference"),
        ]
        triggers = [
            pgtrigger.Protect(name="ledger_no_delete", operation=pgtrigger.Delete),
            pgtrigger.Protect(name="ledger_append_only", operation=pgtrigger.Update,
                              condition=pgtrigger.AnyChange(exclude=["paid_out_on"])),
            pgtrigger.Trigger(name="ledger_balance_not_negative", when=pgtrigger.After,
                              operation=pgtrigger.Insert, func=BALANCE_GUARD_SQL),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.signed_amount}"

    @property
    def is_receipt(self) -> bool:
        return self.kind in RECEIPT_KIND_VALUES


class PayoutStatus(models.TextChoices):
    PREPARED = "prepared", _("Awaiting approval")
    APPROVED = "approved", _("Approved")
    EXECUTED = "executed", _("Paid")
    CANCELLED = "cancelled", _("Cancelled")
    RETURNED = "returned", _("Returned")


class PayoutKind(models.TextChoices):
    APPLICANT = "applicant", _("To an applicant")
    SURPLUS = "surplus", _("Surplus to the debtor (余款)")


class Payout(BelongsToCase, models.Model):
    """A payment from the case's fund account to an applicant (or, for the surplus once every applicant is satisfied,
    to a debtor): prepared, approved by someone else, executed once. The bounds are in docs/money.md."""

    case = models.ForeignKey("cases.Case", verbose_name=_("case"), on_delete=models.PROTECT, related_name="payouts")
    court = models.ForeignKey("accounts.Court", verbose_name=_("court"), on_delete=models.PROTECT, related_name="+")
    payee = models.ForeignKey("cases.CaseParty", verbose_name=_("payee"), on_delete=models.PROTECT,
                              related_name="payouts")
    kind = models.CharField(_("kind of payout"), max_length=10, choices=PayoutKind.choices,
                            default=PayoutKind.APPLICANT)
    amount = models.DecimalField(_("amount"), validators=POSITIVE, **MONEY)
    payee_account_name = models.CharField(_("payee account name"), max_length=200)
    # The account name differs from the payee's name and the preparer said why (shown to the approver).
    name_override = models.BooleanField(_("account name differs from the payee"), default=False)
    name_override_reason = models.CharField(_("why the account name differs"), max_length=300, blank=True)
    payee_bank = models.CharField(_("payee bank"), max_length=100)
    payee_account_number = models.CharField(_("payee account number"), max_length=40)
    note = models.CharField(_("note"), max_length=300, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=PayoutStatus.choices,
                              default=PayoutStatus.PREPARED)
    prepared_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("prepared by"),
                                    on_delete=models.PROTECT, related_name="+")
    prepared_at = models.DateTimeField(_("prepared at"), auto_now_add=True)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("approved by"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    executed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("paid by"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    executed_at = models.DateTimeField(_("paid at"), null=True, blank=True)
    returned_reason = models.CharField(_("reason returned or cancelled"), max_length=300, blank=True)
    # Idempotency-Key of the request that prepared it, and of the one that executed it: a retried request with the
    # same key gets the same payout back instead of a second one.
    idempotency_key = models.CharField(_("idempotency key"), max_length=80, unique=True, null=True, blank=True)
    execution_key = models.CharField(_("execution idempotency key"), max_length=80, unique=True, null=True,
                                     blank=True)

    class Meta:
        verbose_name = _("payout")
        verbose_name_plural = _("payouts")
        ordering = ["-prepared_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="payout_amount_positive"),
            models.CheckConstraint(condition=Q(approved_by__isnull=True) | ~Q(approved_by=F("prepared_by")),
                                   name="payout_four_eyes"),
            models.CheckConstraint(
                condition=~Q(status__in=["approved", "executed"]) | Q(approved_by__isnull=False),
                name="payout_approved_before_paid"),
            models.CheckConstraint(condition=~Q(status="executed") | Q(executed_at__isnull=False),
                                   name="payout_executed_has_time"),
            models.CheckConstraint(condition=Q(name_override=False) | ~Q(name_override_reason=""),
                                   name="payout_name_override_has_reason"),
        ]
        indexes = [
            models.Index(fields=["court", "status"], condition=Q(status__in=["prepared", "approved"]),
                         name="payout_open_queue"),
            models.Index(fields=["case", "status"], name="payout_case_status_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.payee} {self.amount}"


class ReversalStatus(models.TextChoices):
    PENDING = "pending", _("Awaiting confirmation")
    CONFIRMED = "confirmed", _("Confirmed")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class ReversalRequest(BelongsToCase, models.Model):
    """A request to reverse a receipt of at least the court's ``reversal_second_person_threshold``: recorded by one
    finance user, carried out only when a second person (another finance user or the chief) confirms it."""

    case = models.ForeignKey("cases.Case", verbose_name=_("case"), on_delete=models.PROTECT,
                             related_name="reversal_requests")
    court = models.ForeignKey("accounts.Court", verbose_name=_("court"), on_delete=models.PROTECT, related_name="+")
    entry = models.ForeignKey(LedgerEntry, verbose_name=_("entry"), on_delete=models.PROTECT,
                              related_name="reversal_requests")
    reason = models.CharField(_("reason"), max_length=300)
    occurred_on = models.DateField(_("date"))
    status = models.CharField(_("status"), max_length=10, choices=ReversalStatus.choices,
                              default=ReversalStatus.PENDING)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("requested by"),
                                     on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("decided by"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.CharField(_("decision note"), max_length=300, blank=True)
    reversal = models.OneToOneField(LedgerEntry, verbose_name=_("reversing entry"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("reversal request")
        verbose_name_plural = _("reversal requests")
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["entry"], condition=Q(status="pending"),
                                    name="reversal_request_one_pending"),
            models.CheckConstraint(condition=Q(decided_by__isnull=True) | ~Q(decided_by=F("requested_by"))
                                   | Q(status="withdrawn"), name="reversal_request_second_person"),
            models.CheckConstraint(condition=~Q(status="confirmed") | Q(reversal__isnull=False),
                                   name="reversal_request_confirmed_has_entry"),
        ]
        indexes = [models.Index(fields=["court", "status"], condition=Q(status="pending"),
                                name="reversal_request_pending")]

    def __str__(self) -> str:
        return f"{self.entry} ({self.get_status_display()})"


class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("Awaiting approval")
    APPROVED = "approved", _("Approved")
    SUPERSEDED = "superseded", pgettext_lazy("distribution plan", "Superseded")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class PlanLineKind(models.TextChoices):
    APPLICANT = "applicant", _("To an applicant")
    SURPLUS = "surplus", _("Surplus to the debtor (余款)")


class DistributionPlan(BelongsToCase, models.Model):
    """A case's distribution plan (分配方案, domain.md §5.1): what each applicant is allotted from the case's account.
    Prepared by whoever may prepare payouts or record funds on the case, approved by the chief (never the preparer);
    one approved plan per case at a time, a newly approved one supersedes it. With an approved plan each applicant's
    payouts are bounded by their line (docs/money.md)."""

    case = models.ForeignKey("cases.Case", verbose_name=_("case"), on_delete=models.PROTECT,
                             related_name="distribution_plans")
    court = models.ForeignKey("accounts.Court", verbose_name=_("court"), on_delete=models.PROTECT, related_name="+")
    status = models.CharField(_("status"), max_length=10, choices=PlanStatus.choices, default=PlanStatus.DRAFT)
    total = models.DecimalField(_("total"), **MONEY)
    note = models.CharField(_("note"), max_length=300, blank=True)
    prepared_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("prepared by"),
                                    on_delete=models.PROTECT, related_name="+")
    prepared_at = models.DateTimeField(_("prepared at"), auto_now_add=True)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("approved by"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("withdrawn or superseded by"), null=True,
                                  blank=True, on_delete=models.PROTECT, related_name="+")
    closed_at = models.DateTimeField(_("withdrawn or superseded at"), null=True, blank=True)
    closed_reason = models.CharField(_("reason withdrawn"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("distribution plan")
        verbose_name_plural = _("distribution plans")
        ordering = ["-prepared_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["case"], condition=Q(status="approved"),
                                    name="distribution_plan_one_approved"),
            models.CheckConstraint(condition=Q(approved_by__isnull=True) | ~Q(approved_by=F("prepared_by")),
                                   name="distribution_plan_four_eyes"),
            models.CheckConstraint(condition=~Q(status__in=["approved", "superseded"]) | Q(approved_by__isnull=False),
                                   name="distribution_plan_approved_has_approver"),
            models.CheckConstraint(condition=Q(total__gte=0), name="distribution_plan_total_not_negative"),
        ]
        indexes = [models.Index(fields=["case", "status"], name="distribution_plan_case_status")]

    def __str__(self) -> str:
        return f"{self.case} {self.total} ({self.get_status_display()})"


class DistributionPlanLine(models.Model):
    """One line of a plan: an applicant's allotment, or the surplus going back to a debtor."""

    plan = models.ForeignKey(DistributionPlan, verbose_name=_("distribution plan"), on_delete=models.CASCADE,
                             related_name="lines")
    party = models.ForeignKey("cases.CaseParty", verbose_name=_("party"), on_delete=models.PROTECT,
                              related_name="+")
    kind = models.CharField(_("kind"), max_length=10, choices=PlanLineKind.choices, default=PlanLineKind.APPLICANT)
    amount = models.DecimalField(_("amount allotted"), **MONEY)
    claim = models.DecimalField(_("claim"), null=True, blank=True, **MONEY)

    class Meta:
        verbose_name = _("distribution plan line")
        verbose_name_plural = _("distribution plan lines")
        ordering = ["plan", "id"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "party"], name="distribution_line_unique_party"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="distribution_line_amount_not_negative"),
        ]

"""Bank statements (银行流水) of the court's fund account, their lines, and claims of unidentified money (不明款).

A statement is imported once (recognised by the file's sha256); a line is stored once per (court, account,
bank reference): importing an overlapping file only adds the lines not seen before. Lines are matched to cases
and posted as receipts through the assets ledger services (``statements.matching``); money nobody could identify
waits in the unidentified queue until an officer claims it and finance confirms. Writes: ``statements.services``.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from accounts.policy import Target
from cases.models import BelongsToCase

MONEY = {"max_digits": 16, "decimal_places": 2}
POSITIVE = [MinValueValidator(Decimal("0.01"))]


class StatementFormat(models.TextChoices):
    CSV = "csv", _("CSV")
    XLSX = "xlsx", _("Excel (xlsx)")
    XLS = "xls", _("Excel 97-2003 (xls)")
    MT940 = "mt940", _("SWIFT MT940")
    CAMT053 = "camt053", _("ISO 20022 camt.053")


class StatementStatus(models.TextChoices):
    IMPORTED = "imported", _("Imported")
    MATCHED = "matched", _("Matched")


class Statement(models.Model):
    """One imported statement file of the court's fund account."""

    court = models.ForeignKey("accounts.Court", verbose_name=_("court"), on_delete=models.PROTECT, related_name="+")
    account_number = models.CharField(_("account number"), max_length=40)
    bank = models.CharField(_("bank"), max_length=100, blank=True)
    format = models.CharField(_("format"), max_length=10, choices=StatementFormat.choices)
    file_name = models.CharField(_("file name"), max_length=255)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    size = models.PositiveIntegerField(_("size (bytes)"), default=0)
    period_from = models.DateField(_("period from"), null=True, blank=True)
    period_to = models.DateField(_("period to"), null=True, blank=True)
    opening_balance = models.DecimalField(_("opening balance"), null=True, blank=True, **MONEY)
    closing_balance = models.DecimalField(_("closing balance"), null=True, blank=True, **MONEY)
    imported_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("imported by"), null=True,
                                    on_delete=models.SET_NULL, related_name="+")
    imported_at = models.DateTimeField(_("imported at"), auto_now_add=True)
    line_count = models.PositiveIntegerField(_("lines"), default=0)
    new_line_count = models.PositiveIntegerField(_("new lines"), default=0)
    credit_count = models.PositiveIntegerField(_("credit lines"), default=0)
    credit_total = models.DecimalField(_("credits"), default=Decimal("0.00"), **MONEY)
    status = models.CharField(_("status"), max_length=10, choices=StatementStatus.choices,
                              default=StatementStatus.IMPORTED)

    class Meta:
        verbose_name = _("bank statement")
        verbose_name_plural = _("bank statements")
        ordering = ["-imported_at", "-id"]
        constraints = [
            # The same file twice is recognised and changes nothing.
            models.UniqueConstraint(fields=["court", "sha256"], name="statement_court_sha256_unique"),
            models.CheckConstraint(condition=Q(new_line_count__lte=F("line_count")),
                                   name="statement_new_lines_le_lines"),
            models.CheckConstraint(condition=Q(period_from__isnull=True) | Q(period_to__isnull=True)
                                   | Q(period_from__lte=F("period_to")), name="statement_period_ordered"),
        ]
        indexes = [models.Index(fields=["court", "-imported_at", "-id"], name="statement_court_recent")]

    def __str__(self) -> str:
        return f"{self.bank} {self.account_number} {self.period_from or ''}–{self.period_to or ''}"

    def policy_target(self) -> Target:
        return Target(court_id=self.court_id)


class Direction(models.TextChoices):
    CREDIT = "credit", _("Credit (money in)")
    DEBIT = "debit", _("Debit (money out)")


class LineStatus(models.TextChoices):
    UNMATCHED = "unmatched", _("Unidentified")
    PROPOSED = "proposed", _("Match proposed")
    POSTED = "posted", _("Posted")
    CLAIMED = "claimed", _("Claimed")
    IGNORED = "ignored", _("Ignored")


class MatchRule(models.TextChoices):
    REFERENCE = "reference", _("Payment reference")
    CASE_NUMBER = "case_number", _("Case number in the remark")
    DEBTOR_NAME = "debtor_name", _("Debtor's name")
    AMOUNT_PAYER = "amount_payer", _("Amount and payer")
    CLAIM = "claim", _("Claim")
    MANUAL = "manual", _("Manual")


class StatementLine(models.Model):
    """One transaction of a statement; stored once per (court, account, bank reference)."""

    court = models.ForeignKey("accounts.Court", verbose_name=_("court"), on_delete=models.PROTECT, related_name="+")
    statement = models.ForeignKey(Statement, verbose_name=_("statement"), on_delete=models.PROTECT,
                                  related_name="lines")
    row = models.PositiveIntegerField(_("row"), default=0)  # row (or entry) number in the file that brought it
    account_number = models.CharField(_("account number"), max_length=40)
    bank_reference = models.CharField(_("bank reference"), max_length=80)
    booked_on = models.DateField(_("booked on"))
    value_on = models.DateField(_("value date"), null=True, blank=True)
    amount = models.DecimalField(_("amount"), validators=POSITIVE, **MONEY)
    direction = models.CharField(_("direction"), max_length=6, choices=Direction.choices)
    currency = models.CharField(_("currency"), max_length=3, default="CNY")
    balance = models.DecimalField(_("balance after"), null=True, blank=True, **MONEY)
    payer_name = models.CharField(_("payer"), max_length=200, blank=True)
    payer_account = models.CharField(_("payer account"), max_length=40, blank=True)
    payer_bank = models.CharField(_("payer bank"), max_length=100, blank=True)
    remark = models.CharField(_("remark"), max_length=300, blank=True)
    sub_account = models.CharField(_("sub-account"), max_length=40, blank=True)
    # Matching state (statements.matching).
    status = models.CharField(_("status"), max_length=10, choices=LineStatus.choices, default=LineStatus.UNMATCHED)
    case = models.ForeignKey("cases.Case", verbose_name=_("case"), null=True, blank=True, on_delete=models.PROTECT,
                             related_name="statement_lines")
    match_rule = models.CharField(_("matched by"), max_length=12, choices=MatchRule.choices, blank=True)
    confidence = models.PositiveSmallIntegerField(_("confidence"), default=0,
                                                  validators=[MaxValueValidator(100)])
    note = models.CharField(_("note"), max_length=300, blank=True)
    ledger_entry = models.OneToOneField("assets.LedgerEntry", verbose_name=_("receipt"), null=True, blank=True,
                                        on_delete=models.PROTECT, related_name="statement_line")
    posted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("posted by"), null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="+")
    posted_at = models.DateTimeField(_("posted at"), null=True, blank=True)
    waiting_since = models.DateField(_("unidentified since"), null=True, blank=True)
    # Set once, when the line has waited longer than the court's limit and the chief was told (statements.escalation).
    escalated_at = models.DateTimeField(_("escalated at"), null=True, blank=True)

    class Meta:
        verbose_name = _("statement line")
        verbose_name_plural = _("statement lines")
        ordering = ["booked_on", "id"]
        constraints = [
            # The idempotency key of a line: the same line in the same or an overlapping file is stored once.
            models.UniqueConstraint(fields=["court", "account_number", "bank_reference"],
                                    name="statement_line_reference_unique"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="statement_line_amount_positive"),
            models.CheckConstraint(condition=Q(currency="CNY"), name="statement_line_currency_cny"),
            models.CheckConstraint(condition=~Q(bank_reference=""), name="statement_line_reference_present"),
            models.CheckConstraint(condition=Q(confidence__lte=100), name="statement_line_confidence_range"),
            models.CheckConstraint(condition=~Q(status="posted") | (Q(ledger_entry__isnull=False)
                                                                    & Q(case__isnull=False)),
                                   name="statement_line_posted_has_receipt"),
        ]
        indexes = [
            # The unidentified queue and the matcher's work lists: by status within a court, oldest first.
            models.Index(fields=["status", "court", "waiting_since", "id"], name="stline_status_court_waiting"),
            # A statement's detail page, in file order.
            models.Index(fields=["statement", "booked_on", "id"], name="stline_statement_booked"),
            # Same amount and payer (the amount_payer rule, duplicate checks).
            models.Index(fields=["court", "amount", "booked_on"], condition=Q(direction="credit"),
                         name="stline_court_credit_amount"),
        ]

    def __str__(self) -> str:
        return f"{self.bank_reference} {self.amount}"

    def policy_target(self) -> Target:
        return Target(court_id=self.court_id)


class ClaimStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for finance")
    CONFIRMED = "confirmed", _("Confirmed")
    REJECTED = "rejected", _("Rejected")


class Claim(BelongsToCase, models.Model):
    """An officer's claim that an unidentified line is money for their case; finance (never the claimer) decides."""

    court = models.ForeignKey("accounts.Court", verbose_name=_("court"), on_delete=models.PROTECT, related_name="+")
    line = models.ForeignKey(StatementLine, verbose_name=_("statement line"), on_delete=models.PROTECT,
                             related_name="claims")
    case = models.ForeignKey("cases.Case", verbose_name=_("case"), on_delete=models.PROTECT,
                             related_name="fund_claims")
    claimed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("claimed by"), on_delete=models.PROTECT,
                                   related_name="+")
    claimed_at = models.DateTimeField(_("claimed at"), auto_now_add=True)
    reason = models.CharField(_("reason"), max_length=300)
    status = models.CharField(_("status"), max_length=10, choices=ClaimStatus.choices, default=ClaimStatus.PENDING)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("decided by"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    reject_reason = models.CharField(_("reason for rejection"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("claim of unidentified money")
        verbose_name_plural = _("claims of unidentified money")
        ordering = ["-claimed_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["line"], condition=Q(status="pending"),
                                    name="claim_one_pending_per_line"),
            models.CheckConstraint(condition=Q(decided_by__isnull=True) | ~Q(decided_by=F("claimed_by")),
                                   name="claim_decider_not_claimer"),
            models.CheckConstraint(condition=~Q(reason=""), name="claim_reason_present"),
            models.CheckConstraint(condition=Q(status="pending") | (Q(decided_by__isnull=False)
                                                                    & Q(decided_at__isnull=False)),
                                   name="claim_decided_has_decider"),
        ]
        indexes = [
            models.Index(fields=["court", "status", "claimed_at"], condition=Q(status="pending"),
                         name="claim_court_pending"),
        ]

    def __str__(self) -> str:
        return f"{self.line_id} → {self.case_id} ({self.status})"

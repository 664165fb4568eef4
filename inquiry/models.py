"""Network inquiry and control (网络查控, 集中查控): batches of requests out to agencies, result files in, each result
row diffed against the asset register; every inquiry and every look at a result in the append-only access log.

Writes go through ``inquiry.services``; the exchange format is docs/exchange.md.
"""

from __future__ import annotations

from decimal import Decimal

import pgtrigger
from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts.policy import Target
from assets.models import AssetKind
from cases.models import BelongsToCase

MONEY = {"max_digits": 16, "decimal_places": 2}


class AgencyKind(models.TextChoices):
    """The kinds of agency a batch can ask (per-court setting ``inquiry_agency_kinds`` lists the enabled ones)."""

    BANK = "bank", pgettext_lazy("agency", "Bank")
    REAL_ESTATE = "real_estate", _("Real estate registry")
    VEHICLE = "vehicle", _("Vehicle registry")
    SECURITIES = "securities", _("Securities")
    EQUITY = "equity", _("Enterprise shares (business registry)")
    SOCIAL_INSURANCE = "social_insurance", _("Social insurance")
    PROVIDENT_FUND = "provident_fund", _("Housing provident fund")
    PAYMENT_PLATFORM = "payment_platform", _("Online payment platform")


# The register's kind of an asset each agency reports (ResultRow.asset_kind defaults to it).
AGENCY_ASSET_KIND = {
    AgencyKind.BANK: AssetKind.BANK_DEPOSIT,
    AgencyKind.REAL_ESTATE: AssetKind.REAL_ESTATE,
    AgencyKind.VEHICLE: AssetKind.VEHICLE,
    AgencyKind.SECURITIES: AssetKind.OTHER_PROPERTY_RIGHT,
    AgencyKind.EQUITY: AssetKind.EQUITY,
    AgencyKind.SOCIAL_INSURANCE: AssetKind.WAGE_INCOME,
    AgencyKind.PROVIDENT_FUND: AssetKind.OTHER_PROPERTY_RIGHT,
    AgencyKind.PAYMENT_PLATFORM: AssetKind.BANK_DEPOSIT,
}


class Channel(models.TextChoices):
    NATIONAL = "national", _("National network (总对总)")
    PROVINCIAL = "provincial", _("Local network (点对点)")


class Purpose(models.TextChoices):
    REGULAR = "regular", _("Regular inquiry")
    POST_ZHONGBEN = "post_zhongben", _("Inquiry after this round was terminated (终本后查询)")


class BatchStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    EXPORTED = "exported", _("Exported")
    PARTLY_ANSWERED = "partly_answered", _("Partly answered")
    ANSWERED = "answered", _("Answered")
    CANCELLED = "cancelled", _("Cancelled")


class Measure(models.TextChoices):
    QUERY = "query", _("Query")
    FREEZE = "freeze", _("Freeze")
    SEIZE = "seize", _("Seize")


CONTROL_MEASURES = (Measure.FREEZE, Measure.SEIZE)


class SubjectKind(models.TextChoices):
    PERSON = "person", _("Natural person")
    COMPANY = "company", _("Legal person or organisation")


class BatchNumberSequence(models.Model):
    """The last serial of a court's batch numbers per year (CX + year + 4 digits), no gaps."""

    court = models.ForeignKey("accounts.Court", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField()
    last_serial = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["court", "year"], name="inquiry_batch_seq_unique")]


class InquiryBatch(models.Model):
    """One batch of inquiry and control requests, exported once as a ZIP (one JSONL per agency kind + manifest)."""

    court = models.ForeignKey("accounts.Court", verbose_name=_("court"), on_delete=models.PROTECT,
                              related_name="inquiry_batches")
    number = models.CharField(_("batch number"), max_length=20)
    # None: made by the system (the post-终本 schedule, inquiry.services.zhongben).
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("created by"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    kinds = ArrayField(models.CharField(max_length=20, choices=AgencyKind.choices), verbose_name=_("agencies"))
    purpose = models.CharField(_("purpose"), max_length=16, choices=Purpose.choices, default=Purpose.REGULAR)
    status = models.CharField(_("status"), max_length=16, choices=BatchStatus.choices, default=BatchStatus.DRAFT)
    document_number = models.CharField(_("document number"), max_length=60, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    exported_at = models.DateTimeField(_("exported at"), null=True, blank=True)
    exported_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("exported by"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    # The exported ZIP as sent (exporting again returns these bytes) and its SHA-256.
    export_zip = models.BinaryField(_("exported file"), null=True, blank=True, editable=False)
    export_sha256 = models.CharField(_("SHA-256 of the exported file"), max_length=64, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    cancelled_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("cancelled by"), null=True,
                                     blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("inquiry batch")
        verbose_name_plural = _("inquiry batches")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["court", "number"], name="inquiry_batch_number_unique"),
            models.CheckConstraint(condition=Q(status="draft") | Q(status="cancelled") | Q(exported_at__isnull=False),
                                   name="inquiry_batch_exported_has_time"),
            models.CheckConstraint(condition=~Q(status="cancelled") | Q(cancelled_at__isnull=False),
                                   name="inquiry_batch_cancelled_has_time"),
        ]
        indexes = [models.Index(fields=["court", "status", "-created_at"], name="inquiry_batch_court_status")]

    def __str__(self) -> str:
        return self.number

    def policy_target(self) -> Target:
        # A batch may span teams; the court is its scope (each request is judged by its case).
        return Target(court_id=self.court_id, team_id=None, officer_id=None)


class InquiryRequest(BelongsToCase, models.Model):
    """One question (or control instruction) to one kind of agency about one debtor of one case."""

    batch = models.ForeignKey(InquiryBatch, verbose_name=pgettext_lazy("inquiry", "batch"), on_delete=models.CASCADE,
                              related_name="requests")
    seq = models.PositiveIntegerField(_("line"))
    request_id = models.CharField(_("request ID"), max_length=40, unique=True)
    case = models.ForeignKey("cases.Case", verbose_name=_("case"), on_delete=models.PROTECT,
                             related_name="inquiry_requests")
    party = models.ForeignKey("cases.Party", verbose_name=_("debtor"), on_delete=models.PROTECT,
                              related_name="inquiry_requests")
    agency_kind = models.CharField(_("agency"), max_length=20, choices=AgencyKind.choices)
    channel = models.CharField(_("inquiry channel"), max_length=12, choices=Channel.choices, default=Channel.NATIONAL)
    measure = models.CharField(_("measure"), max_length=8, choices=Measure.choices, default=Measure.QUERY)
    amount = models.DecimalField(_("amount"), null=True, blank=True, validators=[MinValueValidator(Decimal("0.01"))],
                                 **MONEY)
    # The subject as sent (a snapshot: the export is reproducible and results are checked against it).
    subject_name = models.CharField(_("name"), max_length=200)
    subject_kind = models.CharField(_("subject kind"), max_length=8, choices=SubjectKind.choices)
    subject_id_number = models.CharField(_("identifier number"), max_length=40, blank=True)
    # The legal basis (snapshot): the case number and the officer acting on it.
    case_number = models.CharField(_("case number"), max_length=40)
    officer = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("officer"), on_delete=models.PROTECT,
                                related_name="+")
    officer_name = models.CharField(_("officer name"), max_length=50)
    document_number = models.CharField(_("document number"), max_length=60, blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)

    class Meta:
        verbose_name = _("inquiry request")
        verbose_name_plural = _("inquiry requests")
        ordering = ["batch", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["batch", "case", "party", "agency_kind", "measure"],
                                    name="inquiry_request_unique"),
            models.UniqueConstraint(fields=["batch", "seq"], name="inquiry_request_seq_unique"),
            models.CheckConstraint(
                condition=(Q(measure="query") & Q(amount__isnull=True))
                | (Q(measure__in=["freeze", "seize"]) & Q(amount__gt=0)),
                name="inquiry_request_amount_for_control"),
        ]
        indexes = [
            models.Index(fields=["case", "agency_kind"], name="inquiry_request_case_kind"),
            models.Index(fields=["batch", "agency_kind", "seq"], name="inquiry_request_batch_kind"),
        ]

    def __str__(self) -> str:
        return self.request_id


class ResultFileStatus(models.TextChoices):
    IMPORTED = "imported", _("Imported")
    REVIEWED = "reviewed", _("Reviewed")


class ResultFile(models.Model):
    """One result file received from an agency (the same file twice is refused: sha256 unique per court)."""

    court = models.ForeignKey("accounts.Court", verbose_name=_("court"), on_delete=models.PROTECT,
                              related_name="inquiry_result_files")
    batch = models.ForeignKey(InquiryBatch, verbose_name=pgettext_lazy("inquiry", "batch"), on_delete=models.PROTECT,
                              related_name="result_files")
    file_name = models.CharField(_("file name"), max_length=200)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    agency_kind = models.CharField(_("agency"), max_length=20, choices=AgencyKind.choices)
    header = models.JSONField(_("header"), default=dict, blank=True)
    imported_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("imported by"), on_delete=models.PROTECT,
                                    related_name="+")
    imported_at = models.DateTimeField(_("imported at"), auto_now_add=True)
    row_count = models.PositiveIntegerField(_("rows"), default=0)
    status = models.CharField(_("status"), max_length=12, choices=ResultFileStatus.choices,
                              default=ResultFileStatus.IMPORTED)

    class Meta:
        verbose_name = _("result file")
        verbose_name_plural = _("result files")
        ordering = ["-imported_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["court", "sha256"], name="inquiry_result_file_once")]
        indexes = [models.Index(fields=["batch", "agency_kind"], name="inquiry_result_file_batch")]

    def __str__(self) -> str:
        return self.file_name

    def policy_target(self) -> Target:
        return Target(court_id=self.court_id, team_id=None, officer_id=None)


class RowStatus(models.TextChoices):
    FOUND = "found", _("Found")
    NONE = "none", _("Nothing found")
    ERROR = "error", _("Error")


class ControlStatus(models.TextChoices):
    DONE = "done", _("Done")
    PARTIAL = "partial", _("Partly done")
    REFUSED = "refused", _("Refused")


class Diff(models.TextChoices):
    NEW = "new", _("New")
    CHANGED = "changed", pgettext_lazy("diff", "Changed")
    SAME = "same", _("Same")
    GONE = "gone", _("Gone")
    CONTROL = "control", _("Control result")


class ResultRow(models.Model):
    """One line of a result file: an asset found (or none, or an error) for one request."""

    result_file = models.ForeignKey(ResultFile, verbose_name=_("result file"), on_delete=models.CASCADE,
                                    related_name="rows", db_index=False)
    request = models.ForeignKey(InquiryRequest, verbose_name=_("request"), on_delete=models.PROTECT,
                                related_name="result_rows")
    line_no = models.PositiveIntegerField(_("line"))
    status = models.CharField(_("status"), max_length=8, choices=RowStatus.choices)
    asset_kind = models.CharField(_("asset kind"), max_length=24, choices=AssetKind.choices, blank=True)
    institution = models.CharField(_("institution"), max_length=200, blank=True)
    account = models.CharField(_("account or certificate number"), max_length=40, blank=True)
    balance = models.DecimalField(_("balance"), null=True, blank=True, **MONEY)
    description = models.CharField(_("description"), max_length=300, blank=True)
    as_of = models.DateField(_("as of"), null=True, blank=True)
    control_measure = models.CharField(_("control measure"), max_length=8, choices=Measure.choices, blank=True)
    control_status = models.CharField(_("control status"), max_length=8, choices=ControlStatus.choices, blank=True)
    control_amount = models.DecimalField(_("amount controlled"), null=True, blank=True, **MONEY)
    control_reference = models.CharField(_("control reference"), max_length=80, blank=True)
    control_until = models.DateField(_("controlled until"), null=True, blank=True)
    control_reason = models.CharField(_("reason"), max_length=300, blank=True)
    error = models.CharField(_("error"), max_length=300, blank=True)
    raw = models.JSONField(_("row as received"), default=dict)
    diff = models.CharField(_("difference"), max_length=8, choices=Diff.choices, blank=True)
    matched_asset = models.ForeignKey("assets.Asset", verbose_name=_("register asset"), null=True, blank=True,
                                      on_delete=models.SET_NULL, related_name="+")
    accepted_asset = models.ForeignKey("assets.Asset", verbose_name=_("asset registered"), null=True, blank=True,
                                       on_delete=models.PROTECT, related_name="inquiry_rows")
    accepted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("accepted by"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    dismissed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("dismissed by"), null=True,
                                     blank=True, on_delete=models.PROTECT, related_name="+")
    dismissed_at = models.DateTimeField(_("dismissed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("result row")
        verbose_name_plural = _("result rows")
        ordering = ["result_file", "line_no"]
        constraints = [
            models.UniqueConstraint(fields=["result_file", "line_no"], name="inquiry_row_line_unique"),
            models.CheckConstraint(condition=Q(accepted_at__isnull=True) | Q(dismissed_at__isnull=True),
                                   name="inquiry_row_accepted_or_dismissed"),
        ]
        # request, matched_asset, accepted_asset: the foreign keys' own indexes.

    def __str__(self) -> str:
        return f"{self.result_file_id}:{self.line_no}"

    def policy_target(self) -> Target:
        return self.request.case.policy_target()


class AccessAction(models.TextChoices):
    BATCH_CREATED = "batch_created", _("Batch created")
    BATCH_VIEWED = "batch_viewed", _("Batch viewed")
    BATCH_CANCELLED = "batch_cancelled", _("Batch cancelled")
    EXPORTED = "exported", pgettext_lazy("access log", "Exported")
    DOWNLOADED = "downloaded", _("Export downloaded")
    RESULT_IMPORTED = "result_imported", _("Result imported")
    RESULT_VIEWED = "result_viewed", _("Result viewed")
    ROW_ACCEPTED = "row_accepted", _("Result row accepted")
    ROW_DISMISSED = "row_dismissed", _("Result row dismissed")


class AccessLog(models.Model):
    """Who did or saw what about whose financial data, on which legal basis, when. Append-only (database triggers)."""

    at = models.DateTimeField(_("at"), auto_now_add=True)
    # None: the system (the post-终本 schedule); user_name then says so.
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("user"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="+")
    user_name = models.CharField(_("user name"), max_length=50)
    court = models.ForeignKey("accounts.Court", verbose_name=_("court"), on_delete=models.PROTECT, related_name="+")
    action = models.CharField(_("action"), max_length=20, choices=AccessAction.choices)
    case = models.ForeignKey("cases.Case", verbose_name=_("case"), null=True, blank=True, on_delete=models.PROTECT,
                             related_name="+")
    party = models.ForeignKey("cases.Party", verbose_name=_("debtor"), null=True, blank=True,
                              on_delete=models.PROTECT, related_name="+")
    batch = models.ForeignKey(InquiryBatch, verbose_name=pgettext_lazy("inquiry", "batch"), null=True, blank=True,
                              on_delete=models.PROTECT, related_name="+")
    request = models.ForeignKey(InquiryRequest, verbose_name=_("request"), null=True, blank=True,
                                on_delete=models.PROTECT, related_name="+")
    result_file = models.ForeignKey(ResultFile, verbose_name=_("result file"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    # The legal basis (snapshot): the case number and the case's handling officer.
    case_number = models.CharField(_("case number"), max_length=40, blank=True)
    legal_basis_officer = models.CharField(_("officer"), max_length=50, blank=True)
    party_name = models.CharField(_("debtor"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("inquiry access log entry")
        verbose_name_plural = _("inquiry access log")
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["court", "-at"], name="inquiry_access_court_at"),
            models.Index(fields=["user", "-at"], name="inquiry_access_user_at"),
            models.Index(fields=["case", "-at"], name="inquiry_access_case_at"),
            models.Index(fields=["case_number"], name="inquiry_access_case_number"),
        ]
        triggers = [
            pgtrigger.Protect(name="inquiry_access_no_delete", operation=pgtrigger.Delete),
            pgtrigger.Protect(name="inquiry_access_no_update", operation=pgtrigger.Update),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.user_name} {self.get_action_display()} {self.case_number}"


from .models_zhongben import OPEN_PROPOSAL, PostZhongbenQuery, ProposalStatus, ResumptionProposal  # noqa: E402

__all__ = ["OPEN_PROPOSAL", "PostZhongbenQuery", "ProposalStatus", "ResumptionProposal"]

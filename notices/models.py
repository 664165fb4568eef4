"""The document register: every notice, order and ruling the court issues from a case.

* ``DocumentSequence``: the last serial per court, year and document type (gapless, row-locked like case numbers).
* ``IssuedDocument``: one row per issued document *version*. The first version takes a new serial; a correction is
  a new version of the same number that points at the version it replaces (``supersedes``). Printing again returns
  the stored PDF (``DocumentFile``), never a new number.
* ``DocumentFile``: the PDF bytes, kept apart so that listing the register never loads them.
* ``TemplateOverride``: a court's own template for a document type (Django template source, validated on save).
* ``BatchJob``: a clerk's batch print (many cases × document types) run by a Celery task, with progress, the combined
  PDF and the address labels, per-case failures and the ids of the documents it prints.
* ``BatchPart``: a run of documents a batch chunk laid out together, written as one PDF (font subsets embedded once
  for the run); the batch's combined PDF joins the parts (and the stored PDFs of documents it reused).
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _, pgettext_lazy

from cases.models import BelongsToCase


class DocumentSequence(models.Model):
    """The last serial issued per court, year and document type: serials restart yearly, no gaps."""

    court = models.ForeignKey("accounts.Court", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField()
    doc_type = models.CharField(max_length=40)
    last_serial = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["court", "year", "doc_type"], name="notices_docseq_unique"),
        ]


class IssuedDocument(BelongsToCase, models.Model):
    court = models.ForeignKey("accounts.Court", verbose_name=_("court"), on_delete=models.PROTECT, related_name="+")
    case = models.ForeignKey("cases.Case", verbose_name=_("case"), on_delete=models.PROTECT,
                             related_name="issued_documents")
    doc_type = models.CharField(_("document type"), max_length=40)
    year = models.PositiveSmallIntegerField(_("year"))
    serial = models.PositiveIntegerField(_("serial"))
    number = models.CharField(_("document number"), max_length=80)
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    supersedes = models.OneToOneField("self", verbose_name=_("corrects"), null=True, blank=True,
                                      on_delete=models.PROTECT, related_name="superseded_by")
    correction_reason = models.CharField(_("reason for the correction"), max_length=300, blank=True)
    # Who it is addressed to: a stable key within the case ("party:<case_party_id>", "asset:<asset_id>", ...)
    addressee_key = models.CharField(_("addressee key"), max_length=60, blank=True)
    addressee_name = models.CharField(_("addressee"), max_length=200, blank=True)
    addressee_address = models.CharField(_("address"), max_length=300, blank=True)
    addressee_postcode = models.CharField(_("postcode"), max_length=10, blank=True)
    params = models.JSONField(_("parameters"), default=dict, blank=True)  # extra inputs (a measure id, a period...)
    sha256 = models.CharField(_("SHA-256 of the PDF"), max_length=64)
    pages = models.PositiveSmallIntegerField(_("pages"), default=1)
    size = models.PositiveIntegerField(_("size in bytes"), default=0)
    verification_code = models.CharField(_("verification code"), max_length=20, unique=True)
    template_override = models.BooleanField(_("court's own template"), default=False)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=pgettext_lazy("document", "issued by"),
                                  on_delete=models.PROTECT,
                                  related_name="+")
    issued_at = models.DateTimeField(_("issued at"), auto_now_add=True, db_index=True)
    issue_date = models.DateField(_("date on the document"))
    batch = models.ForeignKey("BatchJob", verbose_name=_("batch"), null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="documents")

    class Meta:
        verbose_name = _("issued document")
        verbose_name_plural = _("issued documents")
        ordering = ["-issued_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["court", "year", "doc_type", "serial", "version"],
                                    name="notices_issued_number_version_unique"),
            models.CheckConstraint(condition=Q(version=1, supersedes__isnull=True) | Q(version__gt=1,
                                                                                        supersedes__isnull=False),
                                   name="notices_issued_version_chain"),
        ]
        indexes = [
            models.Index(fields=["case", "doc_type"], name="notices_issued_case_type_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.number} v{self.version}"


class DocumentFile(models.Model):
    document = models.OneToOneField(IssuedDocument, on_delete=models.CASCADE, primary_key=True, related_name="file")
    pdf = models.BinaryField()


class TemplateOverride(models.Model):
    """A court's own Django template for one document type; replaces the shipped template for that court."""

    court = models.ForeignKey("accounts.Court", verbose_name=_("court"), on_delete=models.CASCADE, related_name="+")
    doc_type = models.CharField(_("document type"), max_length=40)
    source = models.TextField(_("template source"))
    active = models.BooleanField(_("active"), default=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("template override")
        verbose_name_plural = _("template overrides")
        constraints = [
            models.UniqueConstraint(fields=["court", "doc_type"], name="notices_override_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.court_id}:{self.doc_type}"


class BatchStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    DONE_WITH_ERRORS = "partial", _("Done with errors")
    FAILED = "failed", _("Failed")


class BatchJob(models.Model):
    court = models.ForeignKey("accounts.Court", verbose_name=_("court"), on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("requested by"),
                                   on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    title = models.CharField(_("title"), max_length=200, blank=True)
    doc_types = ArrayField(models.CharField(max_length=40), verbose_name=_("documents"))
    case_ids = ArrayField(models.BigIntegerField(), verbose_name=_("cases"))
    with_labels = models.BooleanField(_("address labels"), default=True)
    duplex = models.BooleanField(_("two-sided printing"), default=False)
    status = models.CharField(_("status"), max_length=10, choices=BatchStatus.choices, default=BatchStatus.QUEUED)
    total = models.PositiveIntegerField(_("documents to print"), default=0)
    done = models.PositiveIntegerField(_("documents done"), default=0)
    failures = models.JSONField(_("failures"), default=list, blank=True)  # [{"case_id", "case_number", "doc_type", "error"}]
    # Every document the batch prints (issued by it or reused), appended by the chunks; the combined PDF is made of
    # exactly these.
    document_ids = ArrayField(models.BigIntegerField(), verbose_name=_("documents printed"), default=list, blank=True)
    task_id = models.CharField(max_length=64, blank=True)
    progressed_at = models.DateTimeField(null=True, blank=True)  # last progress; a batch silent for long is swept
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    pdf = models.BinaryField(null=True, blank=True)
    labels_pdf = models.BinaryField(null=True, blank=True)

    class Meta:
        verbose_name = _("batch print")
        verbose_name_plural = _("batch prints")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"batch {self.pk}"


class BatchPart(models.Model):
    """A piece of a batch's output, stored until the whole is put together. ``print``: consecutive documents that
    one chunk laid out together, as one PDF for the combined print file (each document's own PDF is in
    ``DocumentFile``), deleted once the combined PDF is made. ``labels`` / ``sheet``: the envelope labels and the
    address sheet, rendered by two processes at once, deleted once joined into ``BatchJob.labels_pdf``."""

    class Kind(models.TextChoices):
        PRINT = "print", _("documents")
        LABELS = "labels", _("envelope labels")
        SHEET = "sheet", _("address sheet")

    batch = models.ForeignKey(BatchJob, on_delete=models.CASCADE, related_name="parts")
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.PRINT)
    document_ids = ArrayField(models.BigIntegerField())  # in print order
    pages = models.PositiveIntegerField()
    pdf = models.BinaryField()

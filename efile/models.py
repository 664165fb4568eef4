"""The electronic case file (电子卷宗) and the archive volume (立卷归档).

* ``Section``: a court's catalogue section (filing papers, 执行依据, notices, ...), ordered; the default set follows
  the enforcement file order and is created for a court the first time its catalogue is read (``sections_for``).
* ``FileItem``: one document in a case's file: a generated document filed automatically (``source_key``
  ``notices.IssuedDocument:<id>``, its PDF stays in the notices register) or a scan uploaded by staff (its PDF under
  ``EFILE_ROOT``, outside the web root, with its SHA-256). ``text`` is the searchable text (OCR for scans, the PDF's
  own text for generated documents), trigram-indexed for Chinese substring search.
* ``ArchiveVolume``: the one archive volume of a closed case, a single PDF built by a Celery task; frozen once done
  (a database trigger refuses any change to a finished volume, and a partial unique constraint allows one volume
  per case unless the earlier attempts failed).
"""

from __future__ import annotations

import pgtrigger
from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cases.models import BelongsToCase


class Section(models.Model):
    court = models.ForeignKey("accounts.Court", verbose_name=_("court"), on_delete=models.CASCADE, related_name="+")
    code = models.SlugField(_("code"), max_length=30)
    title = models.CharField(_("title"), max_length=60)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("catalogue section")
        verbose_name_plural = _("catalogue sections")
        ordering = ["court", "position", "id"]
        constraints = [models.UniqueConstraint(fields=["court", "code"], name="efile_section_court_code_unique")]

    def __str__(self) -> str:
        return self.title


class ItemKind(models.TextChoices):
    GENERATED = "generated", _("Generated document")
    SCAN = "scan", _("Scan")


class OcrStatus(models.TextChoices):
    NONE = "none", _("Not needed")
    QUEUED = "queued", _("Waiting for OCR")
    RUNNING = "running", _("OCR running")
    DONE = "done", _("Text recognised")
    FAILED = "failed", _("OCR failed")


class FileItem(BelongsToCase, models.Model):
    case = models.ForeignKey("cases.Case", verbose_name=_("case"), on_delete=models.PROTECT,
                             related_name="efile_items")
    section = models.ForeignKey(Section, verbose_name=_("section"), on_delete=models.PROTECT, related_name="items")
    position = models.PositiveIntegerField(_("position"), default=0)
    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=10, choices=ItemKind.choices)
    # "notices.IssuedDocument:<id>" for a generated document; blank for a scan.
    source_key = models.CharField(_("source"), max_length=80, blank=True)
    register_number = models.CharField(_("register number"), max_length=80, blank=True)
    doc_date = models.DateField(_("date of the document"))
    path = models.CharField(max_length=300, blank=True)  # relative to EFILE_ROOT (scans)
    original_name = models.CharField(_("file name"), max_length=200, blank=True)
    original_mime = models.CharField(_("uploaded type"), max_length=40, blank=True)
    original_sha256 = models.CharField(_("SHA-256 of the upload"), max_length=64, blank=True)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    size = models.PositiveBigIntegerField(_("size in bytes"), default=0)
    page_count = models.PositiveIntegerField(_("pages"), default=1)
    text = models.TextField(_("text"), blank=True)
    text_indexed = models.BooleanField(default=False)
    ocr_status = models.CharField(_("OCR"), max_length=10, choices=OcrStatus.choices, default=OcrStatus.NONE)
    ocr_progress = models.PositiveSmallIntegerField(_("OCR progress"), default=0)
    ocr_error = models.CharField(max_length=300, blank=True)
    superseded = models.BooleanField(_("superseded"), default=False)  # a corrected document's earlier version
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("filed by"), on_delete=models.PROTECT,
                                 related_name="+")
    filed_at = models.DateTimeField(_("filed at"), auto_now_add=True)
    volume = models.ForeignKey("ArchiveVolume", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="items")

    class Meta:
        verbose_name = _("file item")
        verbose_name_plural = _("file items")
        ordering = ["case", "section__position", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["case", "source_key"], condition=~Q(source_key=""),
                                    name="efile_item_source_once"),
            models.UniqueConstraint(fields=["case", "original_sha256"], condition=Q(kind="scan"),
                                    name="efile_item_scan_once"),
        ]
        indexes = [
            models.Index(fields=["case", "position"], name="efile_item_case_pos_idx"),
            GinIndex(fields=["text"], opclasses=["gin_trgm_ops"], name="efile_item_text_trgm"),
        ]

    def __str__(self) -> str:
        return self.title


class VolumeStatus(models.TextChoices):
    BUILDING = "building", _("Building")
    DONE = "done", _("Archived")
    FAILED = "failed", _("Failed")


class ArchiveVolume(BelongsToCase, models.Model):
    case = models.ForeignKey("cases.Case", verbose_name=_("case"), on_delete=models.PROTECT,
                             related_name="archive_volumes")
    status = models.CharField(_("status"), max_length=10, choices=VolumeStatus.choices,
                              default=VolumeStatus.BUILDING)
    progress = models.PositiveSmallIntegerField(_("progress"), default=0)
    stage = models.CharField(max_length=40, blank=True)
    retention = models.CharField(_("retention period"), max_length=20, blank=True)
    catalogue = models.JSONField(default=list, blank=True)  # [{seq, title, number, date, first, last}]
    path = models.CharField(max_length=300, blank=True)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    size = models.PositiveBigIntegerField(_("size in bytes"), default=0)
    page_count = models.PositiveIntegerField(_("pages in the volume"), default=0)
    document_pages = models.PositiveIntegerField(_("numbered pages"), default=0)
    pdfa = models.CharField(_("PDF/A level"), max_length=10, blank=True)
    error = models.CharField(max_length=300, blank=True)
    built_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("filed by"), on_delete=models.PROTECT,
                                 related_name="+")
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    built_at = models.DateTimeField(_("archived at"), null=True, blank=True)

    class Meta:
        verbose_name = _("archive volume")
        verbose_name_plural = _("archive volumes")
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["case"], condition=~Q(status="failed"), name="efile_volume_one_per_case"),
        ]
        triggers = [
            pgtrigger.Protect(name="efile_volume_frozen", operation=pgtrigger.Update | pgtrigger.Delete,
                              condition=pgtrigger.Q(old__status="done")),
        ]

    def __str__(self) -> str:
        return f"volume {self.pk}"

"""Electronic signatures and seals (电子签章).

* ``TrustRoot``: a certificate authority whose certificates the verification trusts: the demo CA that set-up
  creates (it keeps its encrypted key, to issue the demo courts' certificates) or the root of a court's real
  certificate (no key).
* ``SigningCertificate``: a court's signing certificate (PEM), its chain and its private key (encrypted PKCS#8,
  ``signing.crypto``). At most one active per court; rotation deactivates the old one, revocation marks it revoked.
* ``SigningPolicy``: per court and document type, whether the type carries the court's seal and which roles may sign
  it (defaults in ``signing.rules`` when a court has no row).
* ``DocumentSignature``: one per issued document of a sealed type: ``awaiting`` until an authorised user signs it,
  then ``signed`` with the signed PDF (the PDF the court hands out), who signed, when, with which certificate and the
  SHA-256 of the signed bytes. The issued document is referenced by id (``notices`` is above this app).
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class TrustRoot(models.Model):
    name = models.CharField(_("name"), max_length=200)
    cert_pem = models.TextField(_("certificate (PEM)"))
    key_encrypted = models.BinaryField(null=True, blank=True)  # the demo CA only
    demo = models.BooleanField(_("demo"), default=False)
    sha256 = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("trust root")
        verbose_name_plural = _("trust roots")
        constraints = [models.UniqueConstraint(fields=["demo"], condition=Q(demo=True), name="signing_one_demo_root")]

    def __str__(self) -> str:
        return self.name


class SigningCertificate(models.Model):
    court = models.ForeignKey("accounts.Court", verbose_name=_("court"), on_delete=models.PROTECT, related_name="+")
    root = models.ForeignKey(TrustRoot, on_delete=models.PROTECT, related_name="certificates")
    cert_pem = models.TextField(_("certificate (PEM)"))
    chain_pem = models.TextField(_("chain (PEM)"), blank=True)  # intermediates and the root
    key_encrypted = models.BinaryField()
    subject = models.CharField(_("certificate holder"), max_length=500)
    serial = models.CharField(_("certificate serial number"), max_length=80)
    not_before = models.DateTimeField(_("valid from"))
    not_after = models.DateTimeField(_("valid until"))
    active = models.BooleanField(_("active"), default=True)
    demo = models.BooleanField(_("demo certificate"), default=False)
    installed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+")
    installed_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_reason = models.CharField(_("reason for revocation"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("signing certificate")
        verbose_name_plural = _("signing certificates")
        ordering = ["-installed_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["court"], condition=Q(active=True), name="signing_one_active_cert"),
            models.UniqueConstraint(fields=["root", "serial"], name="signing_cert_serial_unique"),
            models.CheckConstraint(condition=Q(active=False) | Q(revoked_at__isnull=True),
                                   name="signing_revoked_not_active"),
        ]

    def __str__(self) -> str:
        return f"{self.court_id}:{self.serial}"


class SigningPolicy(models.Model):
    court = models.ForeignKey("accounts.Court", verbose_name=_("court"), on_delete=models.CASCADE, related_name="+")
    doc_type = models.CharField(_("document type"), max_length=40)
    sealed = models.BooleanField(_("carries the court's seal"), default=True)
    roles = ArrayField(models.CharField(max_length=20), verbose_name=_("roles that may sign"), default=list,
                       blank=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("signing policy")
        verbose_name_plural = _("signing policies")
        constraints = [models.UniqueConstraint(fields=["court", "doc_type"], name="signing_policy_unique")]

    def __str__(self) -> str:
        return f"{self.court_id}:{self.doc_type}"


class SignatureStatus(models.TextChoices):
    AWAITING = "awaiting", _("Awaiting signature")
    SIGNED = "signed", _("Signed")


class DocumentSignature(models.Model):
    document_id = models.BigIntegerField(_("document"), unique=True)  # notices.IssuedDocument, by id
    court = models.ForeignKey("accounts.Court", verbose_name=_("court"), on_delete=models.PROTECT, related_name="+")
    case = models.ForeignKey("cases.Case", verbose_name=_("case"), on_delete=models.PROTECT, related_name="+")
    doc_type = models.CharField(_("document type"), max_length=40)
    number = models.CharField(_("document number"), max_length=80)
    status = models.CharField(_("status"), max_length=10, choices=SignatureStatus.choices,
                              default=SignatureStatus.AWAITING)
    created_at = models.DateTimeField(auto_now_add=True)
    signer = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("signed by"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="+")
    signed_at = models.DateTimeField(_("signed at"), null=True, blank=True)
    certificate = models.ForeignKey(SigningCertificate, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="signatures")
    field_name = models.CharField(max_length=40, blank=True)
    sha256 = models.CharField(_("SHA-256 of the signed PDF"), max_length=64, blank=True, db_index=True)
    size = models.PositiveIntegerField(default=0)
    pdf = models.BinaryField(null=True, blank=True)  # the signed PDF

    class Meta:
        verbose_name = _("document signature")
        verbose_name_plural = _("document signatures")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="awaiting", signer__isnull=True, signed_at__isnull=True)
                | Q(status="signed", signer__isnull=False, signed_at__isnull=False, certificate__isnull=False),
                name="signing_status_consistent"),
        ]
        indexes = [models.Index(fields=["court", "status"], name="signing_court_status_idx")]

    def __str__(self) -> str:
        return f"{self.number} ({self.status})"

    def policy_target(self):
        return self.case.policy_target()

    @property
    def type_title(self) -> str:
        from .rules import TYPES

        return TYPES.get(self.doc_type, self.doc_type)

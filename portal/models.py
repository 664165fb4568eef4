"""Party portal: one-time codes, portal sessions (never django.contrib.auth), questions from parties, and the
portal's side of an asset lead (who gave it and its attachments). See docs/portal.md."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.policy import Target


class ActingAs(models.TextChoices):
    PARTY = "party", _("The party")
    AGENT = "agent", _("The party's agent or lawyer")


class OneTimeCode(models.Model):
    """A 6-digit code sent to the phone on file. Only its HMAC is stored; ``key`` is the HMAC of the (case number, ID
    number) pair typed, so a code is looked up by what the person typed and never by an id."""

    key = models.CharField(max_length=64, db_index=True)
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="+")
    case_party = models.ForeignKey("cases.CaseParty", on_delete=models.CASCADE, related_name="+")
    acting_as = models.CharField(max_length=8, choices=ActingAs.choices)
    code_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)
    voided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("one-time code")
        verbose_name_plural = _("one-time codes")


class PortalSession(models.Model):
    """A signed-in party: the cookie holds a random token, the table its SHA-256. Idle and absolute expiry."""

    token_hash = models.CharField(max_length=64, unique=True)
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="+")
    case_party = models.ForeignKey("cases.CaseParty", on_delete=models.CASCADE, related_name="+")
    acting_as = models.CharField(max_length=8, choices=ActingAs.choices)
    created_at = models.DateTimeField()
    last_seen_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("portal session")
        verbose_name_plural = _("portal sessions")


class PortalQuestion(models.Model):
    """A question a party asked through the portal; the officer answers within the PORTAL_QUESTION deadline."""

    case = models.ForeignKey("cases.Case", verbose_name=_("case"), on_delete=models.CASCADE,
                             related_name="portal_questions")
    case_party = models.ForeignKey("cases.CaseParty", verbose_name=_("party"), on_delete=models.CASCADE,
                                   related_name="+")
    acting_as = models.CharField(_("asked by"), max_length=8, choices=ActingAs.choices)
    text = models.TextField(_("question"))
    asked_at = models.DateTimeField(_("asked at"))
    officer = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("officer"), null=True, blank=True,
                                on_delete=models.PROTECT, related_name="+")
    answer = models.TextField(_("answer"), blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("answered by"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    form_token = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("question from a party")
        verbose_name_plural = _("questions from parties")
        ordering = ["-asked_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["case_party", "form_token"], name="portal_question_once"),
            models.CheckConstraint(condition=Q(answered_at__isnull=True) | ~Q(answer=""),
                                   name="portal_question_answered_has_text"),
        ]
        indexes = [models.Index(fields=["case", "answered_at"], name="portal_question_case_idx")]

    def __str__(self) -> str:
        return self.text[:40]

    def policy_target(self) -> Target:
        return self.case.policy_target()


class PortalLead(models.Model):
    """The portal's side of a ``cases.Lead`` given by a party: who gave it, the kind of asset, and its files."""

    lead = models.OneToOneField("cases.Lead", on_delete=models.CASCADE, related_name="portal")
    case_party = models.ForeignKey("cases.CaseParty", on_delete=models.CASCADE, related_name="+")
    acting_as = models.CharField(max_length=8, choices=ActingAs.choices)
    asset_kind = models.CharField(_("kind of asset"), max_length=16)
    form_token = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("lead from the portal")
        verbose_name_plural = _("leads from the portal")
        constraints = [models.UniqueConstraint(fields=["case_party", "form_token"], name="portal_lead_once")]

    def policy_target(self) -> Target:
        return self.lead.case.policy_target()


def lead_file_upload_to(instance: "PortalLeadFile", filename: str) -> str:
    ext = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}.get(instance.content_type, "bin")
    return f"portal/leads/{instance.portal_lead.lead.case_id}/{uuid.uuid4().hex}.{ext}"


class PortalLeadFile(models.Model):
    """A PDF, JPEG or PNG a party attached to a lead (type sniffed from its bytes; the name typed is kept apart)."""

    portal_lead = models.ForeignKey(PortalLead, on_delete=models.CASCADE, related_name="files")
    file = models.FileField(_("file"), upload_to=lead_file_upload_to, max_length=200)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("content type"), max_length=60)
    size = models.PositiveIntegerField(_("size in bytes"))
    sha256 = models.CharField(max_length=64)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("lead attachment")
        verbose_name_plural = _("lead attachments")
        ordering = ["portal_lead", "id"]

    def __str__(self) -> str:
        return self.original_name

    def policy_target(self) -> Target:
        return self.portal_lead.lead.case.policy_target()

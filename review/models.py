"""Objections and reconsideration (执行异议 / 复议, domain.md §3.4).

An ``Objection`` is a review case of type 执异 (a ``cases.Case`` with its own number, ``case``) against an
enforcement case (``enforcement_case``): an objection to an enforcement act (行为异议, CPL art 236) or a third party's
objection to the subject matter (案外人异议, CPL art 238). It names what it contests (an asset, a disposal of it, a
control measure, or an act described in words) and may suspend it: while ``hold_active`` (and ``hold_until`` has not
passed) the assets services refuse every disposal step of ``asset`` (they read this table by label: assets is below
review). Hearings and panel deliberations (``Session``) are recorded; the ruling closes the 执异 case; the
reconsideration (``Reconsideration``) goes to the next-higher court.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts.policy import Target


class ObjectionKind(models.TextChoices):
    ACT = "act", _("Objection to an enforcement act (行为异议)")
    THIRD_PARTY = "third_party", _("Third-party objection (案外人异议)")


class ContestedKind(models.TextChoices):
    DISPOSAL = "disposal", _("Disposal of an asset")
    CONTROL = "control", _("Control measure")
    ASSET = "asset", _("Asset (subject matter)")
    OTHER = "other", _("Other enforcement act")


class ObjectionStatus(models.TextChoices):
    PENDING = "pending", _("Under review")
    RULED = "ruled", _("Ruled")
    WITHDRAWN = "withdrawn", pgettext_lazy("review", "Withdrawn")


class RulingOutcome(models.TextChoices):
    UPHELD = "upheld", _("Objection upheld")
    PARTLY = "partly", _("Objection partly upheld")
    DISMISSED = "dismissed", _("Objection dismissed")


class SessionKind(models.TextChoices):
    HEARING = "hearing", _("Hearing (听证)")
    DELIBERATION = "deliberation", _("Panel deliberation (合议)")


class ReconsiderationOutcome(models.TextChoices):
    UPHELD = "upheld", _("Ruling upheld (维持)")
    REVERSED = "reversed", _("Ruling reversed (撤销/变更)")
    REMANDED = "remanded", _("Sent back for a new review (发回重新审查)")


class Objection(models.Model):
    case = models.OneToOneField("cases.Case", verbose_name=_("review case"), on_delete=models.PROTECT,
                                related_name="objection")
    enforcement_case = models.ForeignKey("cases.Case", verbose_name=_("enforcement case"), on_delete=models.PROTECT,
                                         related_name="objections_against")
    court = models.ForeignKey("accounts.Court", verbose_name=_("court"), on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("kind of objection"), max_length=12, choices=ObjectionKind.choices)
    objector = models.CharField(_("objector"), max_length=200)
    objector_phone = models.CharField(_("objector's telephone"), max_length=40, blank=True)
    contested_kind = models.CharField(_("contested"), max_length=10, choices=ContestedKind.choices)
    asset = models.ForeignKey("assets.Asset", verbose_name=_("asset"), null=True, blank=True,
                              on_delete=models.PROTECT, related_name="review_objections")
    disposal = models.ForeignKey("assets.Disposal", verbose_name=_("disposal"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="review_objections")
    control = models.ForeignKey("assets.ControlMeasure", verbose_name=_("control measure"), null=True, blank=True,
                                on_delete=models.PROTECT, related_name="review_objections")
    contested_act = models.CharField(_("contested act"), max_length=300, blank=True)
    request = models.TextField(_("request"))
    grounds = models.TextField(_("grounds"), blank=True)
    received_on = models.DateField(_("written objection received on"))
    accepted_on = models.DateField(_("accepted on"))
    papers_notice_on = models.DateField(_("missing-papers notice on"), null=True, blank=True)
    papers_completed_on = models.DateField(_("papers completed on"), null=True, blank=True)
    suspends = models.BooleanField(_("suspends the contested act"), default=False)
    suspension_reason = models.CharField(_("reason for the suspension"), max_length=300, blank=True)
    # The hold the assets services obey: active, and until a date (NULL: until lifted).
    hold_active = models.BooleanField(_("hold in force"), default=False)
    hold_until = models.DateField(_("hold until"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=ObjectionStatus.choices,
                              default=ObjectionStatus.PENDING)
    outcome = models.CharField(_("outcome"), max_length=10, choices=RulingOutcome.choices, blank=True)
    ruled_on = models.DateField(_("ruled on"), null=True, blank=True)
    ruling_reasons = models.TextField(_("reasons of the ruling"), blank=True)
    ruled_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("ruled by"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+")
    served_on = models.DateField(_("ruling served on"), null=True, blank=True)
    withdrawn_on = models.DateField(_("withdrawn on"), null=True, blank=True)
    suit_filed_on = models.DateField(_("suit filed on"), null=True, blank=True)
    suit_ended_on = models.DateField(_("suit ended on"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("registered by"), null=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("objection")
        verbose_name_plural = _("objections")
        ordering = ["-received_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(accepted_on__gte=models.F("received_on")),
                                   name="review_objection_accepted_after_received"),
            models.CheckConstraint(
                condition=(Q(status="pending", ruled_on__isnull=True, outcome="")
                           | Q(status="ruled", ruled_on__isnull=False) & ~Q(outcome="")
                           | Q(status="withdrawn", withdrawn_on__isnull=False, ruled_on__isnull=True)),
                name="review_objection_status_consistent"),
            models.CheckConstraint(condition=Q(hold_active=False) | Q(suspends=True),
                                   name="review_objection_hold_only_if_suspends"),
            # One pending objection by the same objector against the same thing (a double registration).
            models.UniqueConstraint(fields=["enforcement_case", "objector", "contested_kind", "asset", "disposal",
                                            "control", "contested_act"],
                                    condition=Q(status="pending"), nulls_distinct=False,
                                    name="review_objection_one_pending"),
        ]
        indexes = [
            models.Index(fields=["asset"], condition=Q(hold_active=True), name="review_objection_hold_idx"),
            models.Index(fields=["court", "received_on"], name="review_objection_court_idx"),
        ]

    def __str__(self) -> str:
        return self.case.number if self.case_id else f"objection {self.pk}"

    def policy_target(self) -> Target:
        return self.case.policy_target()

    @property
    def is_pending(self) -> bool:
        return self.status == ObjectionStatus.PENDING


class Session(models.Model):
    """A hearing (听证) or a panel deliberation (合议) of an objection."""

    objection = models.ForeignKey(Objection, verbose_name=_("objection"), on_delete=models.CASCADE,
                                  related_name="sessions")
    kind = models.CharField(_("kind"), max_length=12, choices=SessionKind.choices)
    held_on = models.DateField(_("held on"))
    participants = models.TextField(_("participants"))
    minutes = models.TextField(_("minutes"), blank=True)
    minutes_file = models.FileField(_("minutes (file)"), upload_to="review/minutes/%Y/", blank=True)
    outcome = models.CharField(_("outcome"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("hearing or deliberation")
        verbose_name_plural = _("hearings and deliberations")
        ordering = ["held_on", "id"]

    def policy_target(self) -> Target:
        return self.objection.policy_target()


class Reconsideration(models.Model):
    """An application for reconsideration (复议) of the ruling, to the next-higher court (执复)."""

    objection = models.OneToOneField(Objection, verbose_name=_("objection"), on_delete=models.CASCADE,
                                     related_name="reconsideration")
    higher_court = models.ForeignKey("accounts.Court", verbose_name=_("higher court"), on_delete=models.PROTECT,
                                     related_name="+")
    applicant = models.CharField(_("reconsideration applicant"), max_length=200)
    applied_on = models.DateField(_("applied on"))
    file_sent_on = models.DateField(_("file sent up on"), null=True, blank=True)
    higher_number = models.CharField(_("reconsideration case number"), max_length=40, blank=True)
    extended = models.BooleanField(_("decision period extended by 30 days"), default=False)
    outcome = models.CharField(_("outcome"), max_length=10, choices=ReconsiderationOutcome.choices, blank=True)
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("reconsideration")
        verbose_name_plural = _("reconsiderations")
        constraints = [
            models.CheckConstraint(condition=Q(outcome="", decided_on__isnull=True)
                                   | ~Q(outcome="") & Q(decided_on__isnull=False),
                                   name="review_recon_decision_consistent"),
        ]

    def policy_target(self) -> Target:
        return self.objection.policy_target()

"""After 终本: the six-monthly query's outcome per debtor, and the proposals to resume (恢复执行) when it finds assets.

Imported at the end of ``inquiry.models`` (one app, its models in two files). Writes: ``inquiry.services.zhongben``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cases.models import BelongsToCase


class PostZhongbenQuery(BelongsToCase, models.Model):
    """One debtor's post-终本 query in one batch, recorded once all its requests were answered: the network-query
    action it put on the case (meeting the 终本 query deadline) and what was found. Unique per (batch, case, party),
    so recording twice is impossible."""

    batch = models.ForeignKey("inquiry.InquiryBatch", verbose_name=_("inquiry batch"), on_delete=models.PROTECT,
                              related_name="+")
    case = models.ForeignKey("cases.Case", verbose_name=_("case"), on_delete=models.PROTECT, related_name="+")
    party = models.ForeignKey("cases.Party", verbose_name=_("debtor"), on_delete=models.PROTECT, related_name="+")
    action = models.ForeignKey("cases.Action", verbose_name=_("network query recorded"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="+")
    found = models.PositiveIntegerField(_("assets found"), default=0)
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("post-终本 query")
        verbose_name_plural = _("post-终本 queries")
        constraints = [models.UniqueConstraint(fields=["batch", "case", "party"], name="inquiry_pzq_once")]


class ProposalStatus(models.TextChoices):
    PROPOSED = "proposed", _("Waiting for the officer")  # found by a post-终本 query; the handling officer looks first
    SUBMITTED = "submitted", _("Put to the chief")  # the officer asks the chief to resume
    ACCEPTED = "accepted", _("Resumed")  # a new 执恢 case
    DISMISSED = "dismissed", _("Not resumed")


OPEN_PROPOSAL = (ProposalStatus.PROPOSED, ProposalStatus.SUBMITTED)


class ResumptionProposal(BelongsToCase, models.Model):
    """A post-终本 query found assets: resume enforcement (恢复执行, a new 执恢 case)? The handling officer puts it to
    the chief (or dismisses it, with a reason); the chief accepts (the 执恢 case is registered) or dismisses it."""

    case = models.ForeignKey("cases.Case", verbose_name=_("case"), on_delete=models.PROTECT,
                             related_name="resumption_proposals")
    batch = models.ForeignKey("inquiry.InquiryBatch", verbose_name=_("inquiry batch"), on_delete=models.PROTECT,
                              related_name="resumption_proposals")
    rows = models.ManyToManyField("inquiry.ResultRow", verbose_name=_("assets found"), related_name="+")
    status = models.CharField(_("status"), max_length=10, choices=ProposalStatus.choices,
                              default=ProposalStatus.PROPOSED)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("put to the chief by"), null=True,
                                     blank=True, on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField(_("put to the chief at"), null=True, blank=True)
    note = models.CharField(_("officer's note"), max_length=300, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("decided by"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    resumed_case = models.OneToOneField("cases.Case", verbose_name=_("resumed case"), null=True, blank=True,
                                        on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("resumption proposal")
        verbose_name_plural = _("resumption proposals")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["case", "batch"], name="inquiry_proposal_once_per_batch"),
            models.UniqueConstraint(fields=["case"], condition=Q(status__in=["proposed", "submitted"]),
                                    name="inquiry_proposal_one_open"),
            models.CheckConstraint(
                condition=Q(status__in=["proposed", "submitted"])
                | (Q(decided_by__isnull=False) & Q(decided_at__isnull=False)),
                name="inquiry_proposal_decided_has_who"),
            models.CheckConstraint(condition=~Q(status="accepted") | Q(resumed_case__isnull=False),
                                   name="inquiry_proposal_accepted_has_case"),
            models.CheckConstraint(condition=~Q(status="dismissed") | ~Q(reason=""),
                                   name="inquiry_proposal_dismissed_has_reason"),
        ]
        indexes = [models.Index(fields=["status", "case"], name="inquiry_proposal_status")]

    def __str__(self) -> str:
        return f"{self.case_id}:{self.status}"

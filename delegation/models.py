"""Delegation between courts (事项委托 and 委托执行): a court sends an enforcement step, or a whole case, to another
court; the receiving court accepts, does it and replies, and the reply lands on the sending case's timeline.

See docs/delegation.md for the flow, the invariants and the API.
"""

from __future__ import annotations

import uuid
from decimal import Decimal

import pghistory
from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts.policy import Target


class Kind(models.TextChoices):
    SERVE = "serve", _("Serve documents (委托送达)")
    INVESTIGATE = "investigate", _("Investigate (委托调查)")
    FREEZE = "freeze", _("Freeze (委托冻结)")
    SEIZE = "seize", _("Seize (委托查封、扣押)")
    HANDOVER = "handover", _("Hand over (委托交付)")
    WHOLE_CASE = "whole_case", _("Whole case (委托执行)")


CONTROL_KINDS = (Kind.FREEZE, Kind.SEIZE)


class Status(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("delegation", "Draft")
    SENT = "sent", pgettext_lazy("delegation", "Sent, awaiting acceptance")
    ACCEPTED = "accepted", pgettext_lazy("delegation", "Accepted")
    REFUSED = "refused", pgettext_lazy("delegation", "Refused")
    IN_PROGRESS = "in_progress", pgettext_lazy("delegation", "Being carried out")
    ANSWERED = "answered", pgettext_lazy("delegation", "Answered")
    CLOSED = "closed", pgettext_lazy("delegation", "Closed")
    WITHDRAWN = "withdrawn", pgettext_lazy("delegation", "Withdrawn")


# Statuses in which the receiving court still owes work (and a freeze/seize amount is still committed).
OPEN_STATUSES = (Status.DRAFT, Status.SENT, Status.ACCEPTED, Status.IN_PROGRESS)
WITHDRAWABLE = (Status.DRAFT, Status.SENT, Status.ACCEPTED, Status.IN_PROGRESS)


class Outcome(models.TextChoices):
    DONE = "done", pgettext_lazy("delegation outcome", "Done")
    PARTLY = "partly", pgettext_lazy("delegation outcome", "Partly done")
    NOT_DONE = "not_done", pgettext_lazy("delegation outcome", "Could not be done")


class Delegation(models.Model):
    """One request from a sending court's case to a receiving court (in the system) or to a court outside it."""

    sending_court = models.ForeignKey("accounts.Court", verbose_name=_("sending court"), on_delete=models.PROTECT,
                                      related_name="delegations_sent")
    case = models.ForeignKey("cases.Case", verbose_name=_("case"), on_delete=models.PROTECT,
                             related_name="delegations")
    kind = models.CharField(_("delegated step"), max_length=12, choices=Kind.choices)
    receiving_court = models.ForeignKey("accounts.Court", verbose_name=_("receiving court"), null=True, blank=True,
                                        on_delete=models.PROTECT, related_name="delegations_received")
    external_court_name = models.CharField(_("court outside the system"), max_length=100, blank=True)
    external_court_address = models.CharField(_("its address"), max_length=300, blank=True)
    instructions = models.TextField(_("what is asked"))
    amount = models.DecimalField(_("amount to freeze or seize"), max_digits=16, decimal_places=2, null=True,
                                 blank=True, validators=[MinValueValidator(Decimal("0.01"))])
    # What the request shares about the case's parties (a copy as sent: the receiving court never reads the case).
    subjects = models.JSONField(_("parties concerned"), default=list, blank=True)
    contact_name = models.CharField(_("contact"), max_length=100, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=40, blank=True)

    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.DRAFT)
    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True)
    serial = models.PositiveIntegerField(_("serial number"), null=True, blank=True)
    number = models.CharField(_("letter number"), max_length=60, null=True, blank=True, unique=True)

    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("created by"), on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    sent_on = models.DateField(_("sent on"), null=True, blank=True)
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("sent by"), null=True, blank=True,
                                on_delete=models.PROTECT, related_name="+")
    accepted_on = models.DateField(_("accepted on"), null=True, blank=True)
    accepted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("accepted by"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    team = models.ForeignKey("accounts.Team", verbose_name=_("team"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="+")
    officer = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("handling officer"), null=True, blank=True,
                                on_delete=models.PROTECT, related_name="+")
    refused_on = models.DateField(_("refused on"), null=True, blank=True)
    refuse_reason = models.TextField(_("reason for refusal"), blank=True)
    started_on = models.DateField(_("started on"), null=True, blank=True)
    answered_on = models.DateField(_("answered on"), null=True, blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("answered by"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    result = models.TextField(_("result"), blank=True)
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices, blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    withdrawn_on = models.DateField(_("withdrawn on"), null=True, blank=True)
    withdraw_reason = models.TextField(_("reason for withdrawal"), blank=True)
    # 委托执行: the case the receiving court registered for it.
    receiving_case = models.OneToOneField("cases.Case", verbose_name=_("case at the receiving court"), null=True,
                                          blank=True, on_delete=models.PROTECT, related_name="entrusted_from")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("delegation")
        verbose_name_plural = _("delegations")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(receiving_court__isnull=False) & Q(external_court_name=""))
                | (Q(receiving_court__isnull=True) & ~Q(external_court_name="")),
                name="delegation_one_receiver"),
            models.CheckConstraint(condition=~Q(receiving_court=F("sending_court")),
                                   name="delegation_not_to_itself"),
            models.CheckConstraint(condition=Q(kind__in=["freeze", "seize"]) | Q(amount__isnull=True),
                                   name="delegation_amount_only_for_control"),
            models.CheckConstraint(condition=Q(amount__isnull=True) | Q(amount__gt=0),
                                   name="delegation_amount_positive"),
            models.CheckConstraint(condition=Q(status="draft") | Q(number__isnull=False),
                                   name="delegation_sent_numbered"),
            models.UniqueConstraint(fields=["sending_court", "year", "serial"], name="delegation_unique_serial"),
        ]
        indexes = [
            models.Index(fields=["receiving_court", "status"], name="delegation_in_idx"),
            models.Index(fields=["sending_court", "status"], name="delegation_out_idx"),
        ]

    def __str__(self) -> str:
        return self.number or _("Draft delegation %(id)s") % {"id": self.pk}

    @property
    def external(self) -> bool:
        return self.receiving_court_id is None

    @property
    def receiver_name(self) -> str:
        return self.receiving_court.name if self.receiving_court_id else self.external_court_name

    def policy_target(self) -> Target:
        """The sending side: the case's court, team and officer."""
        return self.case.policy_target()

    def receiver_target(self) -> Target:
        """The receiving side: the receiving court, and the team and officer it assigned (none before acceptance).
        An external delegation's reply is recorded at the sending court, by the case's team."""
        if self.receiving_court_id is None:
            return self.case.policy_target()
        return Target(court_id=self.receiving_court_id, team_id=self.team_id, officer_id=self.officer_id)


class DelegationSequence(models.Model):
    """The last letter serial per sending court and year (numbers without gaps, taken under a row lock)."""

    court = models.ForeignKey("accounts.Court", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField()
    last_serial = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["court", "year"], name="delegation_sequence_unique")]


class PaperSide(models.TextChoices):
    REQUEST = "request", _("Sent with the request")
    REPLY = "reply", _("Sent with the reply")


def paper_upload_to(instance: "DelegationPaper", filename: str) -> str:
    ext = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png", "image/webp": "webp",
           "image/gif": "gif", "image/heic": "heic"}.get(instance.content_type, "bin")
    return f"delegation/{instance.delegation_id}/{uuid.uuid4().hex}.{ext}"


class DelegationPaper(models.Model):
    """A paper (scan or PDF) sent with the request or with the reply; served only through a checked view."""

    delegation = models.ForeignKey(Delegation, on_delete=models.CASCADE, related_name="papers")
    side = models.CharField(_("sent with"), max_length=8, choices=PaperSide.choices)
    file = models.FileField(_("file"), upload_to=paper_upload_to, max_length=200)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("content type"), max_length=60)
    size = models.PositiveIntegerField(_("size in bytes"))
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("paper")
        verbose_name_plural = _("papers")
        ordering = ["delegation", "id"]

    def __str__(self) -> str:
        return self.original_name


class DelegationEvent(models.Model):
    """The delegation's own log, read by both courts (the sending case's timeline gets its own entries)."""

    delegation = models.ForeignKey(Delegation, on_delete=models.CASCADE, related_name="events")
    type = models.CharField(max_length=20)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+")
    court = models.ForeignKey("accounts.Court", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)
    summary = models.CharField(max_length=300)

    class Meta:
        ordering = ["at", "id"]


# The row history of delegations (django-pghistory, database triggers): who changed what, not editable by the app.
pghistory.track(
    pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent(),
    model_name="DelegationHistory", append_only=True,
    obj_field=pghistory.ObjForeignKey(related_name="history", related_query_name="history_row",
                                      on_delete=models.DO_NOTHING, db_constraint=False),
)(Delegation)

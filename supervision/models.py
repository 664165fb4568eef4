"""Supervision and command: supervision orders (督办), the command centre's dispatch (执行110 / 指挥中心) and the
bureau chief's reception day (局长接待日). See docs/supervision.md for who may do what and the invariants."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts.policy import Target
from cases.models import BelongsToCase


class OrderStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("supervision order", "Awaiting reply")
    REPLIED = "replied", pgettext_lazy("supervision order", "Replied")
    CLOSED = "closed", pgettext_lazy("supervision order", "Closed")


class SupervisionOrder(BelongsToCase, models.Model):
    """A supervision order (督办) on a case: instructions from a chief (of the case's court or a superior court), a
    reply deadline, the officer's reply, the orderer's acceptance. A reopened order starts a new round."""

    case = models.ForeignKey("cases.Case", verbose_name=_("case"), on_delete=models.CASCADE,
                             related_name="supervision_orders")
    court = models.ForeignKey("accounts.Court", verbose_name=_("ordering court"), on_delete=models.PROTECT,
                              related_name="+")
    number = models.CharField(_("number"), max_length=32, unique=True)
    ordered_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("ordered by"), on_delete=models.PROTECT,
                                   related_name="+")
    opened_at = models.DateTimeField(_("opened at"))
    instructions = models.TextField(_("instructions"))
    reply_due = models.DateField(_("reply due on"))
    status = models.CharField(_("status"), max_length=10, choices=OrderStatus.choices, default=OrderStatus.OPEN)
    round = models.PositiveSmallIntegerField(_("round"), default=1)
    reply = models.TextField(_("reply"), blank=True)
    replied_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("replied by"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    replied_at = models.DateTimeField(_("replied at"), null=True, blank=True)
    replied_on = models.DateField(_("replied on"), null=True, blank=True)  # local date (the deadline's met date)
    late = models.BooleanField(_("replied late"), default=False)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("closed by"), null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+")
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    close_note = models.TextField(_("closing note"), blank=True)
    escalation_level = models.PositiveSmallIntegerField(_("escalation level"), default=0)
    petitions = models.ManyToManyField("cases.Petition", verbose_name=_("linked petitions"), blank=True,
                                       related_name="supervision_orders")

    class Meta:
        verbose_name = _("supervision order")
        verbose_name_plural = _("supervision orders")
        ordering = ["-opened_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(status="open") | (~Q(reply="") & Q(replied_at__isnull=False)),
                                   name="supervision_replied_has_reply"),
            models.CheckConstraint(condition=~Q(status="closed") | Q(closed_at__isnull=False),
                                   name="supervision_closed_has_time"),
        ]
        indexes = [
            models.Index(fields=["status", "reply_due"], name="supervision_status_due_idx"),
            models.Index(fields=["case", "-opened_at"], name="supervision_case_idx"),
        ]

    def __str__(self) -> str:
        return self.number


class SupervisionAttachment(models.Model):
    """A photo or PDF sent with a reply (checked by its content, as the case's action attachments)."""

    order = models.ForeignKey(SupervisionOrder, on_delete=models.CASCADE, related_name="attachments")
    round = models.PositiveSmallIntegerField(default=1)
    file = models.FileField(_("file"), upload_to="supervision/%Y/%m/")
    name = models.CharField(_("name"), max_length=200)
    content_type = models.CharField(max_length=40)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        ordering = ["id"]

    def policy_target(self) -> Target:
        return self.order.case.policy_target()


class SupervisionEscalation(models.Model):
    """One escalation of an overdue order: at most one per (order, round, level), so a second run adds nothing."""

    order = models.ForeignKey(SupervisionOrder, on_delete=models.CASCADE, related_name="escalations")
    round = models.PositiveSmallIntegerField()
    level = models.PositiveSmallIntegerField()
    escalated_at = models.DateTimeField()
    recipients = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="+", blank=True)

    class Meta:
        ordering = ["escalated_at", "id"]
        constraints = [models.UniqueConstraint(fields=["order", "round", "level"], name="supervision_escalate_once")]


class DutyShift(models.Model):
    """The duty roster (值班表): who is on duty at the command centre between two instants."""

    court = models.ForeignKey("accounts.Court", verbose_name=_("court"), on_delete=models.PROTECT, related_name="+")
    officer = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("officer on duty"),
                                on_delete=models.PROTECT, related_name="duty_shifts")
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    # Taken off the roster (shift_cancel): before it started, the shift never counts (kept as the record of the
    # change); while it ran, it ends at that instant (``ends_at`` is set to it).
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    cancelled_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("cancelled by"), null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    cancel_reason = models.CharField(_("reason for the change"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("duty shift")
        verbose_name_plural = _("duty roster")
        ordering = ["starts_at", "id"]
        constraints = [models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="dutyshift_ends_after")]
        indexes = [models.Index(fields=["court", "starts_at"], name="dutyshift_court_idx")]

    def policy_target(self) -> Target:
        return Target(court_id=self.court_id)

    @property
    def void(self) -> bool:
        """Cancelled before it started: it never put anyone on duty."""
        return self.cancelled_at is not None and self.cancelled_at <= self.starts_at


# The shifts that put someone on duty: all but those cancelled before they started.
SHIFT_COUNTS = Q(cancelled_at__isnull=True) | Q(cancelled_at__gt=F("starts_at"))


class DispatchKind(models.TextChoices):
    LEAD = "lead", _("Asset lead")
    URGENT_REPORT = "urgent_report", _("Urgent report")


class TicketStatus(models.TextChoices):
    DISPATCHED = "dispatched", _("Dispatched")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    REPORTED = "reported", _("Reported back")


class DispatchTicket(models.Model):
    """A lead or an urgent report dispatched to the officer on duty (执行110), with a minute-level response deadline."""

    court = models.ForeignKey("accounts.Court", verbose_name=_("court"), on_delete=models.PROTECT, related_name="+")
    number = models.CharField(_("number"), max_length=32, unique=True)
    case = models.ForeignKey("cases.Case", verbose_name=_("case"), null=True, blank=True, on_delete=models.PROTECT,
                             related_name="dispatch_tickets")
    kind = models.CharField(_("kind"), max_length=16, choices=DispatchKind.choices)
    report = models.TextField(_("report"))
    reporter_name = models.CharField(_("reporter"), max_length=50, blank=True)
    reporter_phone = models.CharField(_("reporter's phone"), max_length=20, blank=True)
    location = models.CharField(_("location"), max_length=200, blank=True)
    received_at = models.DateTimeField(_("received at"))
    dispatched_to = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("dispatched to"),
                                      on_delete=models.PROTECT, related_name="dispatch_tickets")
    dispatched_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("dispatched by"),
                                      on_delete=models.PROTECT, related_name="+")
    dispatched_at = models.DateTimeField(_("dispatched at"))
    off_roster_reason = models.CharField(_("reason for dispatching outside the roster"), max_length=200, blank=True)
    response_due = models.DateTimeField(_("response due at"))
    status = models.CharField(_("status"), max_length=14, choices=TicketStatus.choices,
                              default=TicketStatus.DISPATCHED)
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    reported_back_at = models.DateTimeField(_("reported back at"), null=True, blank=True)
    result = models.TextField(_("result"), blank=True)
    escalated_at = models.DateTimeField(_("escalated at"), null=True, blank=True)

    class Meta:
        verbose_name = _("dispatch ticket")
        verbose_name_plural = _("dispatch tickets")
        ordering = ["-dispatched_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(response_due__gt=F("dispatched_at")), name="dispatch_due_after"),
            models.CheckConstraint(condition=Q(reported_back_at__isnull=True) | Q(acknowledged_at__isnull=False),
                                   name="dispatch_callback_after_ack"),
            models.CheckConstraint(condition=Q(acknowledged_at__isnull=True)
                                   | Q(acknowledged_at__gte=F("dispatched_at")), name="dispatch_ack_after_dispatch"),
        ]
        indexes = [
            models.Index(fields=["response_due"], condition=Q(acknowledged_at__isnull=True, escalated_at__isnull=True),
                         name="dispatch_waiting_idx"),
            models.Index(fields=["court", "-dispatched_at"], name="dispatch_court_idx"),
        ]

    def __str__(self) -> str:
        return self.number

    def policy_target(self) -> Target:
        return Target(court_id=self.court_id, officer_id=self.dispatched_to_id)

    @property
    def response_seconds(self) -> int | None:
        if self.acknowledged_at is None:
            return None
        return int((self.acknowledged_at - self.dispatched_at).total_seconds())


class ReceptionDay(models.Model):
    """The bureau chief's reception day (局长接待日)."""

    court = models.ForeignKey("accounts.Court", verbose_name=_("court"), on_delete=models.PROTECT, related_name="+")
    held_on = models.DateField(_("reception date"))
    chief = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("receiving chief"), on_delete=models.PROTECT,
                              related_name="+")
    place = models.CharField(_("place"), max_length=100, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("reception day")
        verbose_name_plural = _("reception days")
        ordering = ["-held_on", "-id"]
        constraints = [models.UniqueConstraint(fields=["court", "held_on", "chief"], name="reception_day_once")]

    def __str__(self) -> str:
        return f"{self.held_on} {self.chief}"

    def policy_target(self) -> Target:
        return Target(court_id=self.court_id)


class ReceptionVisit(models.Model):
    """One visitor received: about which case, what was promised, by when and by whom it is followed up."""

    day = models.ForeignKey(ReceptionDay, verbose_name=_("reception day"), on_delete=models.CASCADE,
                            related_name="visits")
    visitor_name = models.CharField(_("visitor"), max_length=50)
    visitor_phone = models.CharField(_("visitor's phone"), max_length=20, blank=True)
    case = models.ForeignKey("cases.Case", verbose_name=_("case"), null=True, blank=True, on_delete=models.PROTECT,
                             related_name="reception_visits")
    matter = models.TextField(_("matter raised"))
    promised = models.TextField(_("what was promised"))
    followup_due = models.DateField(_("follow-up due on"))
    responsible = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("responsible officer"),
                                    on_delete=models.PROTECT, related_name="reception_followups")
    followup_done_on = models.DateField(_("followed up on"), null=True, blank=True)
    followup_note = models.TextField(_("follow-up"), blank=True)
    followup_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("reception visit")
        verbose_name_plural = _("reception visits")
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(condition=Q(followup_done_on__isnull=True) | ~Q(followup_note=""),
                                   name="reception_done_has_note"),
        ]
        indexes = [models.Index(fields=["followup_due"], condition=Q(followup_done_on__isnull=True),
                                name="reception_open_idx")]

    def policy_target(self) -> Target:
        return Target(court_id=self.day.court_id, officer_id=self.responsible_id)

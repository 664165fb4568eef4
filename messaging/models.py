"""Messages (SMS and e-mail) to parties from case events, with templates per court, opt-out and a delivery log.

* ``MessageTemplate``: a court's text for one event kind and channel (defaults in ``messaging.defaults``).
* ``Message``: one delivery to one recipient (the delivery log); for case events unique per (event, recipient,
  channel), so the outbox scan creates each message once however often and however concurrently it runs.
* ``OptOut``: a telephone number or e-mail address that gets no more case messages.
* ``OutboxState``: when the feature was switched on (no message for events before it).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.policy import Target


class Channel(models.TextChoices):
    SMS = "sms", _("SMS")
    EMAIL = "email", _("E-mail")


class Audience(models.TextChoices):
    APPLICANTS = "applicants", _("Applicants")
    RESPONDENTS = "respondents", _("Respondents")
    BOTH = "both", _("Applicants and respondents")


class EventKind(models.TextChoices):
    """The case events that send messages (each maps to timeline event types: ``messaging.events``)."""

    CASE_ACCEPTED = "case_accepted", _("Case accepted")
    FUNDS_RECEIVED = "funds_received", _("Money received")
    PAYOUT_EXECUTED = "payout_executed", _("Payout made")
    MEASURE_TAKEN = "measure_taken", _("Enforcement measure taken")
    CASE_CLOSED = "case_closed", _("Case closed")
    ZHONGBEN_QUERY_RESULT = "zhongben_result", _("Post-终本 query result")


class MessageTemplate(models.Model):
    court = models.ForeignKey("accounts.Court", verbose_name=_("court"), on_delete=models.CASCADE,
                              related_name="message_templates")
    event = models.CharField(_("event"), max_length=24, choices=EventKind.choices)
    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices)
    audience = models.CharField(_("recipients"), max_length=12, choices=Audience.choices,
                                default=Audience.APPLICANTS)
    enabled = models.BooleanField(_("enabled"), default=False)
    # Events recorded before this moment never send with this template (switching on sends no backlog).
    enabled_since = models.DateTimeField(_("enabled since"), null=True, blank=True)
    subject = models.CharField(_("subject"), max_length=200, blank=True)
    body = models.TextField(_("text"), max_length=1000)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("message template")
        verbose_name_plural = _("message templates")
        ordering = ["court", "event", "channel"]
        constraints = [
            models.UniqueConstraint(fields=["court", "event", "channel"], name="msg_template_unique"),
            models.CheckConstraint(condition=Q(enabled=False) | Q(enabled_since__isnull=False),
                                   name="msg_template_enabled_since"),
        ]

    def __str__(self) -> str:
        return f"{self.court_id}:{self.event}:{self.channel}"

    def policy_target(self) -> Target:
        return Target(court_id=self.court_id)


class Status(models.TextChoices):
    QUEUED = "queued", _("Queued")
    SENDING = "sending", _("Sending")
    DEFERRED = "deferred", _("Deferred (rate limit)")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")
    SKIPPED = "skipped", _("Not sent")


class Purpose(models.TextChoices):
    CASE_EVENT = "case_event", _("Case event")
    ONE_TIME_CODE = "one_time_code", _("One-time code")
    OTHER = "other", _("Other")


class Message(models.Model):
    """One delivery (``messaging.sms.Delivery``): to one address, on one channel, with its status history fields."""

    court = models.ForeignKey("accounts.Court", verbose_name=_("court"), null=True, blank=True,
                              on_delete=models.PROTECT, related_name="+")
    case = models.ForeignKey("cases.Case", verbose_name=_("case"), null=True, blank=True, on_delete=models.CASCADE,
                             related_name="messages")
    event = models.ForeignKey("cases.CaseEvent", null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+")
    # The event id copied, so the uniqueness holds even after the event row is gone.
    event_ref = models.BigIntegerField(null=True, blank=True)
    event_kind = models.CharField(_("event"), max_length=24, choices=EventKind.choices, blank=True)
    purpose = models.CharField(_("purpose"), max_length=16, choices=Purpose.choices, default=Purpose.CASE_EVENT)
    template = models.ForeignKey(MessageTemplate, null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="+")
    case_party = models.ForeignKey("cases.CaseParty", null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    recipient_key = models.CharField(max_length=40, blank=True)  # "party:<case party id>" for case events
    recipient_name = models.CharField(_("recipient"), max_length=200, blank=True)
    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices)
    address = models.CharField(_("address"), max_length=254, blank=True)  # mobile number or e-mail address
    subject = models.CharField(_("subject"), max_length=200, blank=True)
    body = models.TextField(_("text"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    provider_id = models.CharField(_("provider reference"), max_length=100, blank=True)
    error = models.CharField(_("error"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["event_ref", "recipient_key", "channel"],
                                    condition=Q(event_ref__isnull=False), name="msg_once_per_event_recipient"),
        ]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="msg_due_idx"),
            models.Index(fields=["case", "-created_at"], name="msg_case_idx"),
            models.Index(fields=["address", "sent_at"], name="msg_address_sent_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.channel} {self.masked_address}"

    def policy_target(self) -> Target:
        if self.case_id:
            return self.case.policy_target()
        return Target(court_id=self.court_id)

    @property
    def masked_address(self) -> str:
        from .addresses import mask

        return mask(self.address)


class OptOut(models.Model):
    """退订: no more case messages to this address (a reply 'TD', or recorded by an officer or administrator)."""

    class Source(models.TextChoices):
        REPLY = "reply", _("Reply TD")
        OFFICER = "officer", _("Recorded by an officer")
        ADMIN = "admin", _("Recorded by an administrator")

    address = models.CharField(_("address"), max_length=254, unique=True)
    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices)
    source = models.CharField(_("source"), max_length=10, choices=Source.choices)
    court = models.ForeignKey("accounts.Court", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("opt-out")
        verbose_name_plural = _("opt-outs")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        from .addresses import mask

        return mask(self.address)

    def policy_target(self) -> Target:
        return Target(court_id=self.court_id)


class OutboxState(models.Model):
    """One row: when the outbox first ran (the feature's switch-on) and the last scan."""

    key = models.CharField(max_length=20, primary_key=True, default="outbox")
    switched_on_at = models.DateTimeField()
    last_scan_at = models.DateTimeField(null=True, blank=True)


class OutboxEvent(models.Model):
    """A timeline event the outbox has read (its messages, if any, were created in the same transaction)."""

    event_id = models.BigIntegerField(primary_key=True)
    processed_at = models.DateTimeField()

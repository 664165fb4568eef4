"""Deadlines, the holiday calendar, per-court rule overrides, reminders and in-app notifications.

The engine (``deadlines.engine``) is the one place that computes deadlines; it materialises them here, recomputed
set-based from the facts held by cases and assets. Reminders are claimed exactly once through their unique key.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts.policy import Target


class HolidayKind(models.TextChoices):
    HOLIDAY = "holiday", _("Public holiday (rest day)")
    WORKDAY = "workday", _("Make-up working day")


class Holiday(models.Model):
    """A day that differs from the Monday-Friday week: an official holiday, or a weekend day worked instead.

    ``court`` null = national (the State Council notice); a court's own row for the same date overrides it.
    """

    court = models.ForeignKey("accounts.Court", verbose_name=_("court"), null=True, blank=True,
                              on_delete=models.CASCADE, related_name="holidays",
                              help_text=_("Empty: the national calendar."))
    date = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=8, choices=HolidayKind.choices)
    name = models.CharField(_("name"), max_length=60, blank=True)

    class Meta:
        verbose_name = _("holiday or make-up working day")
        verbose_name_plural = _("holiday calendar")
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(fields=["court", "date"], name="holiday_unique_court_date"),
            models.UniqueConstraint(fields=["date"], condition=Q(court__isnull=True), name="holiday_unique_national"),
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.get_kind_display()} {self.name}".strip()


class DeadlineKind(models.TextChoices):
    # Append only: the position of each value is stored in Deadline.code (deadlines.engine.code_of).
    FILING = "filing", _("Filing (立案)")
    NOTICE = "notice", _("Enforcement notice and asset-report order (执行通知、报告财产令)")
    TERM = "term", _("Enforcement term (执行期限)")
    OBJECTION = "objection", _("Objection decision (执行异议审查)")
    RECONSIDERATION = "reconsideration", _("Reconsideration decision (执行复议)")
    LEAD = "lead", _("Asset lead check (财产线索核实)")
    LEAD_URGENT = "lead_urgent", _("Urgent asset lead check")
    CONTROL_EXPIRY = "control_expiry", _("Seizure or freeze expiry (查控到期)")
    PRESERVATION_RENEWAL = "preservation_renewal", _("Preservation renewal request (保全续行申请)")
    REFERENCE_PRICE = "reference_price", _("Start of reference-price determination (确定参考价)")
    REAUCTION = "reauction", _("Re-auction after a failed auction (流拍后再次拍卖)")
    PAYOUT = "payout", _("Payout of received funds (案款发放)")
    ZB_QUERY = "zb_query", _("Six-monthly asset query after 终本 (终本案件定期查询)")
    DISHONEST_TERM = "dishonest_term", _("Removal at the end of the 失信 term (失信期满删除)")
    DISHONEST_REMOVAL = "dishonest_removal", _("Removal from the 失信 list after performance (履行后删除失信)")
    RESTRICTION_REVIEW = "restriction_review", _("Consumption-restriction review (限制消费复查)")
    RESTRICTION_LIFT = "restriction_lift", _("Lifting the consumption restriction after performance (解除限消)")
    ARCHIVE = "archive", _("Archiving after closure (结案归档)")
    INSTALMENT = "instalment", _("Settlement instalment (和解分期履行)")
    PETITION = "petition", _("Petition reply (信访答复)")
    # Issue 21-23 (portal, credit lists, review proceedings, delegation, supervision).
    PORTAL_QUESTION = "portal_question", _("Reply to a party's question (当事人留言答复)")
    CREDIT_CORRECTION_REVIEW = "credit_correction_review", _("Review of a correction request (失信纠错审查)")
    CREDIT_CORRECTION_FIX = "credit_correction_fix", _("Correction of the list entry (失信信息更正)")
    OBJECTION_FILING = "objection_filing", _("Filing an objection (执行异议立案)")
    RECONSIDERATION_WINDOW = "reconsideration_window", _("Period to apply for reconsideration (复议申请期限)")
    RECONSIDERATION_FILE_UP = "reconsideration_file_up", _("Sending the file to the higher court (复议报送卷宗)")
    OBJECTION_SUIT_WINDOW = "objection_suit_window", _("Period to sue after a third-party objection ruling (异议之诉期限)")
    DELEGATION_START = "delegation_start", _("Starting a delegated task (受托法院开始办理)")
    DELEGATION_REPORT = "delegation_report", _("Reporting on a delegated task (受托法院回复)")
    SUPERVISION_REPLY = "supervision_reply", _("Reply to a supervision order (督办回复)")
    RECEPTION_FOLLOWUP = "reception_followup", _("Follow-up after the chief's reception day (接待日跟进)")
    CREDIT_APPLICATION_REVIEW = "credit_application", _("Decision on the applicant's application to list or restrict "
                                                        "(申请纳入失信/限消审查)")


class SourceType(models.TextChoices):
    # Append only: the position of each value is stored in Deadline.code (deadlines.engine.code_of).
    CASE = "case", _("Case")
    CASE_PARTY = "case_party", _("Party in a case")
    LEAD = "lead", _("Asset lead")
    PETITION = "petition", _("Petition")
    INSTALMENT = "instalment", _("Settlement instalment")
    CONTROL = "control", _("Control measure")
    AUCTION_ROUND = "auction_round", _("Auction round")
    ASSET_OBJECTION = "asset_objection", _("Third-party objection")
    LEDGER_ENTRY = "ledger_entry", _("Ledger entry")
    # Issue 21-23.
    PORTAL_QUESTION = "portal_question", _("Question from a party")
    CREDIT_MEASURE = "credit_measure", _("Dishonest listing or consumption restriction")
    CREDIT_CORRECTION = "credit_correction", _("Correction request")
    REVIEW = "review", _("Objection or reconsideration")
    DELEGATION = "delegation", _("Delegated task")
    SUPERVISION = "supervision", _("Supervision order")
    RECEPTION = "reception", _("Reception-day visit")


class DeadlineStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("deadline status", "Open")
    OVERDUE = "overdue", pgettext_lazy("deadline status", "Overdue")
    MET = "met", _("Met")
    CANCELLED = "cancelled", _("No longer applies")


UNRESOLVED = (DeadlineStatus.OPEN, DeadlineStatus.OVERDUE)


class DeadlineRule(models.Model):
    """A court's override of one rule's defaults (``deadlines.rules.RULES``); empty fields keep the default."""

    court = models.ForeignKey("accounts.Court", verbose_name=_("court"), on_delete=models.CASCADE,
                              related_name="deadline_rules")
    kind = models.CharField(_("deadline"), max_length=24, choices=DeadlineKind.choices)
    enabled = models.BooleanField(_("enabled"), default=True)
    days = models.PositiveSmallIntegerField(_("days"), null=True, blank=True)
    months = models.PositiveSmallIntegerField(_("months"), null=True, blank=True)
    working_days = models.BooleanField(_("count working days"), null=True, blank=True,
                                       help_text=_("Empty: the default. Yes: count working days only."))
    warn_days = ArrayField(models.PositiveSmallIntegerField(validators=[MaxValueValidator(366)]),
                           verbose_name=_("warning thresholds (days before the deadline)"), null=True, blank=True,
                           help_text=_("E.g. 30,7: remind 30 days and again 7 days before."))
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("deadline rule")
        verbose_name_plural = _("deadline rules")
        ordering = ["court", "kind"]
        constraints = [models.UniqueConstraint(fields=["court", "kind"], name="deadline_rule_unique_kind")]

    def __str__(self) -> str:
        return f"{self.court}: {self.get_kind_display()}"

    def clean(self) -> None:
        if self.days is not None and self.days > 3660:
            raise ValidationError({"days": _("At most 3660 days.")})
        if self.months is not None and self.months > 120:
            raise ValidationError({"months": _("At most 120 months.")})


class Deadline(models.Model):
    """One computed deadline of one source record, kept in step with the facts by ``deadlines.engine``."""

    source_type = models.CharField(_("source"), max_length=20, choices=SourceType.choices)
    source_id = models.BigIntegerField(_("source id"))
    kind = models.CharField(_("deadline"), max_length=24, choices=DeadlineKind.choices)
    seq = models.PositiveSmallIntegerField(_("period"), default=0)  # recurring deadlines: 1st, 2nd ... period
    # (source_type, kind, seq) as one integer (deadlines.engine.code_of): the engine joins on (source_id, code).
    code = models.IntegerField(_("code"))
    # (no single-column indexes on case and court: deadline_case_idx and deadline_open_court_idx lead with them, and
    # every index is maintained on each of the scan's updates)
    case = models.ForeignKey("cases.Case", verbose_name=_("case"), on_delete=models.CASCADE,
                             related_name="deadlines", db_constraint=False, db_index=False)
    court = models.ForeignKey("accounts.Court", verbose_name=_("court"), on_delete=models.CASCADE,
                              related_name="+", db_constraint=False, db_index=False)
    team = models.ForeignKey("accounts.Team", verbose_name=_("team"), null=True, blank=True,
                             on_delete=models.DO_NOTHING, related_name="+", db_constraint=False)
    responsible = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("responsible"), null=True, blank=True,
                                    on_delete=models.DO_NOTHING, related_name="deadlines", db_constraint=False)
    start_on = models.DateField(_("counted from"))
    due_on = models.DateField(_("due on"))
    warn_from = models.DateField(_("warn from"))
    warn_days = ArrayField(models.SmallIntegerField(), verbose_name=_("warning thresholds"), default=list)
    status = models.CharField(_("status"), max_length=10, choices=DeadlineStatus.choices,
                              default=DeadlineStatus.OPEN)
    met_on = models.DateField(_("met on"), null=True, blank=True)
    computed_at = models.DateTimeField(_("computed at"))

    class Meta:
        verbose_name = _("deadline")
        verbose_name_plural = _("deadlines")
        ordering = ["due_on", "id"]
        constraints = [
            models.UniqueConstraint(fields=["source_id", "code"], name="deadline_unique_source"),
            models.CheckConstraint(condition=Q(status="met", met_on__isnull=False) | (~Q(status="met")
                                                                                       & Q(met_on__isnull=True))
                                   | Q(status="cancelled"),
                                   name="deadline_met_consistent"),
        ]
        indexes = [
            # "my deadlines" in page order (due_on, id): a page reads its 50 rows, with no sort of the officer's
            # whole list
            models.Index(fields=["responsible", "due_on", "id"], condition=Q(status__in=["open", "overdue"]),
                         name="deadline_open_resp_order_idx"),
            models.Index(fields=["court", "due_on"], condition=Q(status__in=["open", "overdue"]),
                         name="deadline_open_court_idx"),
            models.Index(fields=["case", "due_on"], name="deadline_case_idx"),
            models.Index(fields=["warn_from"], condition=Q(status__in=["open", "overdue"]),
                         name="deadline_open_warn_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.due_on}"

    def policy_target(self) -> Target:
        return Target(court_id=self.court_id, team_id=self.team_id, officer_id=self.responsible_id)

    @property
    def met_late(self) -> bool:
        return self.met_on is not None and self.met_on > self.due_on


class ReminderLevel(models.TextChoices):
    RESPONSIBLE = "responsible", _("Responsible officer")
    LEADER = "leader", _("Team leader")
    CHIEF = "chief", _("Division chief")


class EmailStatus(models.TextChoices):
    PENDING = "pending", pgettext_lazy("reminder e-mail", "Pending")
    SENT = "sent", _("Sent")
    SKIPPED = "skipped", _("No e-mail address")


class Reminder(models.Model):
    """A reminder claimed exactly once: the unique key (deadline, due date, threshold, recipient) is the claim.

    ``threshold`` is in days before the due date: 30, 7 ... warnings; 0 = due today; negative = days overdue
    (escalations).
    """

    # (no index of its own: the claim key below leads with it)
    deadline = models.ForeignKey(Deadline, on_delete=models.CASCADE, related_name="reminders", db_index=False)
    due_on = models.DateField(_("due on"))
    threshold = models.SmallIntegerField(_("threshold (days before due)"))
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    level = models.CharField(_("level"), max_length=12, choices=ReminderLevel.choices)
    scan_id = models.UUIDField(_("scan"))
    created_at = models.DateTimeField(_("created at"))
    email_status = models.CharField(_("e-mail"), max_length=8, choices=EmailStatus.choices,
                                    default=EmailStatus.PENDING)
    emailed_at = models.DateTimeField(_("e-mailed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        constraints = [
            models.UniqueConstraint(fields=["deadline", "due_on", "threshold", "recipient"],
                                    name="reminder_claimed_once"),
        ]
        indexes = [
            models.Index(fields=["recipient"], condition=Q(email_status="pending"), name="reminder_mail_pending_idx"),
        ]


class Notification(models.Model):
    """An in-app notification: the list page and the unread count in the page header."""

    # (no index of its own: notification_recipient_idx leads with it)
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recipient"), on_delete=models.CASCADE,
                                  related_name="notifications", db_index=False)
    reminder = models.OneToOneField(Reminder, null=True, blank=True, on_delete=models.CASCADE,
                                    related_name="notification")
    deadline = models.ForeignKey(Deadline, verbose_name=_("deadline"), null=True, blank=True,
                                 on_delete=models.CASCADE, related_name="+")
    case = models.ForeignKey("cases.Case", verbose_name=_("case"), null=True, blank=True, on_delete=models.CASCADE,
                             related_name="+", db_constraint=False)
    level = models.CharField(_("level"), max_length=12, choices=ReminderLevel.choices,
                             default=ReminderLevel.RESPONSIBLE)
    threshold = models.SmallIntegerField(_("threshold (days before due)"), null=True, blank=True)
    # A summary: a claim notifies each recipient of its DEADLINES_NOTIFY_MAX_ITEMS most urgent reminders one by one
    # and of the rest with one notification counting them (no reminder, deadline or case of its own), as the
    # e-mail digest does.
    more = models.PositiveIntegerField(_("further reminders"), default=0, db_default=0)
    # What the notification says when it is not a reminder (supervision escalations, dispatches).
    text = models.CharField(_("text"), max_length=200, blank=True, default="", db_default="")
    created_at = models.DateTimeField(_("created at"))
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["recipient", "-created_at"], name="notification_recipient_idx"),
            models.Index(fields=["recipient"], condition=Q(read_at__isnull=True), name="notification_unread_idx"),
        ]

    def policy_target(self) -> Target:
        return Target(court_id=None, officer_id=self.recipient_id)


class ScanRun(models.Model):
    """One run of the scan: when, what it found and did (the operations view; the data lives in the tables above)."""

    id = models.UUIDField(primary_key=True)
    trigger = models.CharField(_("trigger"), max_length=20, default="manual")
    as_of = models.DateField(_("as of"))
    started_at = models.DateTimeField(_("started at"))
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    recomputed = models.BooleanField(_("recomputed"), default=False)
    changed = models.IntegerField(_("deadlines changed"), default=0)
    reminders = models.IntegerField(_("reminders created"), default=0)
    emails = models.IntegerField(_("e-mails sent"), default=0)

    class Meta:
        verbose_name = _("scan run")
        verbose_name_plural = _("scan runs")
        ordering = ["-started_at"]


class ScanState(models.Model):
    """The engine's and the reminder claim's bookkeeping for incremental scans (one row, id 1).

    ``as_of``/``rules_key``: the day of the last full or incremental recompute and a fingerprint of the rules, court
    settings and holiday calendar it used (a change forces a full recompute). ``claim_as_of``/``claim_key``: the same
    for the reminder claim (its fingerprint covers team leaders, chiefs and active users). ``reload_seq`` counts bulk
    loads of the deadline table; a claim that has not seen the current one claims in full. The ids of changed cases
    and deadlines are in the plain tables ``deadlines_dirtycase`` and ``deadlines_claimdirty`` (migration 0004).
    """

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    as_of = models.DateField(null=True, blank=True)
    rules_key = models.CharField(max_length=32, blank=True, default="")
    reload_seq = models.IntegerField(default=0)
    claim_as_of = models.DateField(null=True, blank=True)
    claim_key = models.CharField(max_length=32, blank=True, default="")
    claim_reload_seq = models.IntegerField(default=0)

    class Meta:
        verbose_name = _("scan state")
        verbose_name_plural = _("scan state")


__all__ = [
    "Deadline", "DeadlineKind", "DeadlineRule", "DeadlineStatus", "EmailStatus", "Holiday", "HolidayKind",
    "Notification", "Reminder", "ReminderLevel", "ScanRun", "ScanState", "SourceType", "UNRESOLVED"
]

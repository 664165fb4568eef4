"""Cases and parties: the records every other part of the system hangs off.

Writes go through ``cases.services``; nothing here holds business logic beyond field-level validation.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.policy import Target

MONEY = {"max_digits": 16, "decimal_places": 2, "validators": [MinValueValidator(Decimal("0"))]}


class CaseType(models.TextChoices):
    """Enforcement case types and their 类型代字 (domain.md §1.3)."""

    FIRST = "执", _("First enforcement (执)")
    RESUMED = "执恢", _("Resumed enforcement (执恢)")
    PRESERVATION = "执保", _("Preservation enforcement (执保)")
    OBJECTION = "执异", _("Enforcement objection (执异)")
    RECONSIDERATION = "执复", _("Enforcement reconsideration (执复)")
    SUPERVISION = "执监", _("Enforcement supervision (执监)")


IMPLEMENTATION_TYPES = (CaseType.FIRST, CaseType.RESUMED, CaseType.PRESERVATION)
REVIEW_TYPES = (CaseType.OBJECTION, CaseType.RECONSIDERATION, CaseType.SUPERVISION)


class Stage(models.TextChoices):
    REGISTERED = "registered", _("Registered")
    NOTICE = "notice", _("Enforcement notice")
    INVESTIGATION = "investigation", _("Asset investigation")
    CONTROL = "control", _("Asset control")
    DISPOSAL = "disposal", _("Asset disposal")
    PAYOUT = "payout", _("Fund payout")
    SUSPENDED = "suspended", _("Suspended")
    STAYED = "stayed", _("Stayed")
    CLOSED = "closed", _("Closed")
    ARCHIVED = "archived", _("Archived")


OPEN_STAGES = (
    Stage.REGISTERED, Stage.NOTICE, Stage.INVESTIGATION, Stage.CONTROL, Stage.DISPOSAL, Stage.PAYOUT,
    Stage.SUSPENDED, Stage.STAYED,
)


class ClosureMode(models.TextChoices):
    """The six statutory closure modes (domain.md §2.3), plus the review-case outcomes."""

    FULFILLED = "fulfilled", _("Fully enforced (执行完毕)")
    TERMINATED_ROUND = "terminated_round", _("This round terminated (终结本次执行程序)")
    TERMINATED = "terminated", _("Enforcement terminated (终结执行)")
    WITHDRAWN = "withdrawn", _("Case cancelled (销案)")
    REFUSED = "refused", _("Enforcement refused (不予执行)")
    REJECTED = "rejected", _("Application rejected (驳回申请)")
    REVIEW_DECIDED = "review_decided", _("Review decided (裁定/决定)")


class Stream(models.TextChoices):
    SIMPLE = "simple", _("Simple (简案快执)")
    COMPLEX = "complex", _("Complex (繁案精执)")


class ObligationKind(models.TextChoices):
    MONEY = "money", _("Money")
    ACT = "act", _("Act (行为执行)")
    BOTH = "both", _("Money and act")


class BasisKind(models.TextChoices):
    JUDGMENT = "judgment", _("Civil judgment")
    RULING = "ruling", _("Civil ruling")
    MEDIATION = "mediation", _("Mediation statement")
    ARBITRAL_AWARD = "arbitral_award", _("Arbitral award")
    NOTARISED_DEBT = "notarised_debt", _("Notarised debt instrument")
    PAYMENT_ORDER = "payment_order", _("Payment order")
    PRESERVATION_RULING = "preservation_ruling", _("Preservation ruling")
    ADMINISTRATIVE = "administrative", _("Administrative decision (non-litigation)")
    OTHER = "other", _("Other")


class PartyKind(models.TextChoices):
    PERSON = "person", _("Natural person")
    LEGAL_PERSON = "legal_person", _("Legal person")
    ORGANISATION = "organisation", _("Other organisation")


class Party(models.Model):
    """One record per real party across cases, matched by identifier number (domain.md §8)."""

    kind = models.CharField(_("kind"), max_length=20, choices=PartyKind.choices)
    name = models.CharField(_("name"), max_length=200)
    id_kind = models.CharField(_("identifier kind"), max_length=24, blank=True)
    id_number = models.CharField(_("identifier number"), max_length=40, blank=True)
    id_flagged = models.BooleanField(_("identifier not checksum-verified"), default=False)
    sex = models.CharField(_("sex"), max_length=1, blank=True, choices=[("M", _("Male")), ("F", _("Female"))])
    birth_date = models.DateField(_("birth date"), null=True, blank=True)
    legal_representative = models.CharField(_("legal representative"), max_length=100, blank=True)
    phones = ArrayField(models.CharField(max_length=40), verbose_name=_("phones"), default=list, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("party")
        verbose_name_plural = _("parties")
        constraints = [
            models.UniqueConstraint(
                fields=["id_kind", "id_number"], condition=~Q(id_number=""), name="party_unique_identifier",
            ),
        ]
        indexes = [
            GinIndex(name="party_name_trgm", fields=["name"], opclasses=["gin_trgm_ops"]),
            models.Index(fields=["id_number"], name="party_id_number_idx"),
        ]

    def __str__(self) -> str:
        return self.name


class Case(models.Model):
    court = models.ForeignKey("accounts.Court", verbose_name=_("court"), on_delete=models.PROTECT,
                              related_name="cases")
    # Case number (案号) elements, domain.md §1.1; ``number`` is the printed form, unique.
    year = models.PositiveSmallIntegerField(_("year of receipt"))
    case_type = models.CharField(_("case type"), max_length=4, choices=CaseType.choices)
    serial = models.PositiveIntegerField(_("serial number"))
    number = models.CharField(_("case number"), max_length=40, unique=True)
    account_reference = models.CharField(_("case fund account reference"), max_length=32, unique=True)

    received_on = models.DateField(_("application received on"))
    filed_on = models.DateField(_("filed on"))
    non_litigation = models.BooleanField(_("non-litigation enforcement"), default=False)

    # The basis document (执行依据).
    basis_kind = models.CharField(_("basis kind"), max_length=24, choices=BasisKind.choices)
    basis_issuer = models.CharField(_("issued by"), max_length=100)
    basis_number = models.CharField(_("basis document number"), max_length=60)
    basis_effective_on = models.DateField(_("effective on"))
    basis_due_on = models.DateField(_("performance deadline"), null=True, blank=True)
    cause = models.CharField(_("cause of action"), max_length=100, blank=True)

    obligation_kind = models.CharField(_("obligation"), max_length=8, choices=ObligationKind.choices,
                                       default=ObligationKind.MONEY)
    act_description = models.TextField(_("act to be performed"), blank=True)
    principal = models.DecimalField(_("principal"), default=Decimal("0.00"), **MONEY)
    interest_awarded = models.DecimalField(_("interest awarded"), default=Decimal("0.00"), **MONEY)
    litigation_costs = models.DecimalField(_("litigation costs"), default=Decimal("0.00"), **MONEY)
    other_amount = models.DecimalField(_("other amounts"), default=Decimal("0.00"), **MONEY)
    amount_claimed = models.DecimalField(_("amount applied for"), default=Decimal("0.00"), **MONEY)
    # Maintained by the case-fund ledger service inside the same transaction as each receipt.
    amount_recovered = models.DecimalField(_("amount recovered"), default=Decimal("0.00"), **MONEY)

    stream = models.CharField(_("stream"), max_length=8, choices=Stream.choices, default=Stream.SIMPLE)
    stream_overridden = models.BooleanField(_("stream set by a chief"), default=False)
    tags = ArrayField(models.CharField(max_length=30), verbose_name=_("tags"), default=list, blank=True)

    team = models.ForeignKey("accounts.Team", verbose_name=_("team"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="cases")
    officer = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("handling officer"), null=True, blank=True,
                                on_delete=models.PROTECT, related_name="handled_cases")

    stage = models.CharField(_("stage"), max_length=16, choices=Stage.choices, default=Stage.REGISTERED)
    resume_stage = models.CharField(_("stage to resume"), max_length=16, choices=Stage.choices, blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    closure_mode = models.CharField(_("closure mode"), max_length=20, choices=ClosureMode.choices, blank=True)
    archived_on = models.DateField(_("archived on"), null=True, blank=True)
    origin_case = models.ForeignKey("self", verbose_name=_("original case"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="resumed_cases")
    intake_warnings = models.JSONField(_("intake warnings"), default=list, blank=True)

    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        ordering = ["-filed_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["court", "year", "case_type", "serial"], name="case_unique_serial"),
            models.CheckConstraint(
                condition=Q(closed_on__isnull=True) | Q(closed_on__gte=models.F("filed_on")),
                name="case_closed_after_filed",
            ),
            models.CheckConstraint(
                condition=(Q(stage__in=["closed", "archived"]) & ~Q(closure_mode="") & Q(closed_on__isnull=False))
                | (~Q(stage__in=["closed", "archived"]) & Q(closure_mode="") & Q(closed_on__isnull=True)),
                name="case_closure_consistent",
            ),
        ]
        indexes = [
            models.Index(fields=["court", "stage"], name="case_court_stage_idx"),
            models.Index(fields=["court", "filed_on"], name="case_court_filed_idx"),
            models.Index(fields=["court", "closed_on"], name="case_court_closed_idx"),
            models.Index(fields=["officer", "stage"], name="case_officer_stage_idx"),
            models.Index(fields=["team", "stage"], name="case_team_stage_idx"),
            GinIndex(name="case_number_trgm", fields=["number"], opclasses=["gin_trgm_ops"]),
        ]

    def __str__(self) -> str:
        return self.number

    def policy_target(self) -> Target:
        return Target(court_id=self.court_id, team_id=self.team_id, officer_id=self.officer_id)

    @property
    def is_open(self) -> bool:
        return self.stage in OPEN_STAGES

    @property
    def is_paused(self) -> bool:
        return self.stage in (Stage.SUSPENDED, Stage.STAYED)


class CaseNumberSequence(models.Model):
    """The last serial issued per court, year and type (domain.md §1.1): serials restart yearly, no gaps."""

    court = models.ForeignKey("accounts.Court", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField()
    case_type = models.CharField(max_length=4, choices=CaseType.choices)
    last_serial = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["court", "year", "case_type"], name="case_sequence_unique"),
        ]


class PartyRole(models.TextChoices):
    APPLICANT = "applicant", _("Applicant (申请执行人)")
    RESPONDENT = "respondent", _("Respondent (被执行人)")
    THIRD_PARTY = "third_party", _("Third party (案外人)")


class CaseParty(models.Model):
    """A party's place in one case, with their per-case status (限制消费, 失信; domain.md §3.5-3.6)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="case_parties")
    party = models.ForeignKey(Party, on_delete=models.PROTECT, related_name="case_links")
    role = models.CharField(_("role"), max_length=12, choices=PartyRole.choices)
    position = models.PositiveSmallIntegerField(_("order"), default=1)
    service_address = models.CharField(_("address for service"), max_length=300, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    agent = models.CharField(_("agent ad litem"), max_length=100, blank=True)
    restricted_on = models.DateField(_("consumption restricted on"), null=True, blank=True)
    restriction_lifted_on = models.DateField(_("consumption restriction lifted on"), null=True, blank=True)
    dishonest_listed_on = models.DateField(_("listed as dishonest on"), null=True, blank=True)
    dishonest_until = models.DateField(_("dishonest listing until"), null=True, blank=True)
    dishonest_ground = models.CharField(_("dishonest listing ground"), max_length=2, blank=True)
    dishonest_removed_on = models.DateField(_("dishonest listing removed on"), null=True, blank=True)

    class Meta:
        verbose_name = _("case party")
        verbose_name_plural = _("case parties")
        ordering = ["case", "role", "position"]
        constraints = [
            models.UniqueConstraint(fields=["case", "party", "role"], name="case_party_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()}: {self.party}"

    def policy_target(self) -> Target:
        return self.case.policy_target()


class PauseKind(models.TextChoices):
    """Periods not counted in the enforcement term (domain.md §3.1, TERM-2000 art 9)."""

    SUSPENSION = "suspension", _("Suspension (中止)")
    STAY = "stay", _("Stay (暂缓)")
    APPRAISAL = "appraisal", _("Audit, appraisal or liquidation")
    AUCTION = "auction", _("Auction or sale of seized property")
    SETTLEMENT = "settlement", _("Stay during a settlement")
    NOTICE = "notice", _("Public notice period")


class TermPause(models.Model):
    """A period excluded from the 6-month term; open while ``ended_on`` is null."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="pauses")
    kind = models.CharField(_("kind"), max_length=12, choices=PauseKind.choices)
    started_on = models.DateField(_("from"))
    ended_on = models.DateField(_("until"), null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["case", "started_on"]
        constraints = [
            models.CheckConstraint(condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("started_on")),
                                   name="pause_ends_after_start"),
            models.UniqueConstraint(fields=["case"], condition=Q(ended_on__isnull=True) & Q(kind__in=["suspension", "stay"]),
                                    name="pause_one_open_suspension_or_stay"),
        ]


class TermExtension(models.Model):
    """An approved extension of the enforcement term (+3 months with the president's approval, §3.1)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="extensions")
    months = models.PositiveSmallIntegerField(_("months"))
    reason = models.CharField(_("reason"), max_length=300)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    approved_on = models.DateField(_("approved on"))
    reported_to_high_court = models.BooleanField(_("reported to the high court"), default=False)

    class Meta:
        ordering = ["case", "approved_on"]


class CaseEvent(models.Model):
    """The case timeline: a readable event, written by one function per event type (cases.events)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    type = models.CharField(_("type"), max_length=40)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+")
    at = models.DateTimeField(_("at"), auto_now_add=True, db_index=True)
    summary = models.CharField(_("summary"), max_length=300)
    parameters = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["case", "-at"], name="case_event_case_at_idx")]

    def __str__(self) -> str:
        return self.summary

"""Cases and parties: the records every other part of the system hangs off.

Writes go through ``cases.services``; nothing here holds business logic beyond field-level validation.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

import pghistory

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


postcode_validator = RegexValidator(r"^\d{6}$", _("A postcode is 6 digits."))


class Party(models.Model):
    """One record per real party across cases, matched by identifier number (domain.md §8)."""

    kind = models.CharField(_("kind"), max_length=20, choices=PartyKind.choices)
    name = models.CharField(pgettext_lazy("party", "name"), max_length=200)
    id_kind = models.CharField(_("identifier kind"), max_length=24, blank=True)
    id_number = models.CharField(_("identifier number"), max_length=40, blank=True)
    id_flagged = models.BooleanField(_("identifier not checksum-verified"), default=False)
    sex = models.CharField(_("sex"), max_length=1, blank=True, choices=[("M", _("Male")), ("F", _("Female"))])
    birth_date = models.DateField(_("birth date"), null=True, blank=True)
    legal_representative = models.CharField(_("legal representative"), max_length=100, blank=True)
    phones = ArrayField(models.CharField(max_length=40), verbose_name=_("phones"), default=list, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    # 邮政编码 of the address, printed on the envelope labels of service by post; optional.
    postcode = models.CharField(_("postcode"), max_length=6, blank=True, validators=[postcode_validator])
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

    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("created by"), null=True,
                                   on_delete=models.SET_NULL, related_name="+")
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


class BelongsToCase:
    """For records that hang off a case: the permission policy judges them as their case."""

    def policy_target(self) -> Target:
        return self.case.policy_target()


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


class CaseParty(BelongsToCase, models.Model):
    """A party's place in one case, with their per-case status (限制消费, 失信; domain.md §3.5-3.6)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="case_parties")
    party = models.ForeignKey(Party, verbose_name=_("party"), on_delete=models.PROTECT, related_name="case_links")
    role = models.CharField(_("role"), max_length=12, choices=PartyRole.choices)
    position = models.PositiveSmallIntegerField(_("order"), default=1)
    service_address = models.CharField(_("address for service"), max_length=300, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    # For messages to parties (messaging): optional; the mobile number above (or the party's phones) gets SMS.
    email = models.EmailField(_("e-mail"), blank=True, null=True)
    agent = models.CharField(_("agent ad litem"), max_length=100, blank=True)
    # The agent's (lawyer's) identity and mobile: with them the agent signs in to the party portal (portal app).
    agent_id_number = models.CharField(_("agent's identifier number"), max_length=40, blank=True)
    agent_phone = models.CharField(_("agent's mobile phone"), max_length=40, blank=True)
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


class PartySearch(models.Model):
    """The party-name search table: one row per case party with the case's court and the party's name copied in,
    so a name search reads one court's rows from one index instead of resolving every namesake in the country
    first. Derived data, not audited; written only by ``cases.services.search.party_search_sync`` (called by the
    services that add parties to cases or rename them) and rebuilt by ``manage.py party_search_rebuild``."""

    case_party = models.OneToOneField(CaseParty, primary_key=True, on_delete=models.CASCADE, related_name="+")
    # The court's id as a plain integer, not a foreign key: a query's court literal is an integer, and the trigram
    # GIN index (btree_gin) only uses a column of the literal's own type (for a bigint column it silently drops the
    # court and reads every court's namesakes). The case's court never changes; the case key keeps the row honest.
    court_id = models.IntegerField()
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="+", db_index=False)
    name = models.CharField(max_length=200)

    class Meta:
        indexes = [
            # Prefix search (LIKE '王建%') within a court; the pattern opclass because the database collation is not C.
            # The case id rides along in the index, so a prefix shared by thousands (天水…公司) is an index-only scan
            # (~20 pages) instead of one table page per matching row (~2,000).
            models.Index(fields=["court_id", "name"], opclasses=["int4_ops", "varchar_pattern_ops"], include=["case"],
                         name="party_search_court_prefix"),
            # Contains (3+ characters) and similar-name (pg_trgm %) search within a court, in one index (btree_gin).
            GinIndex(fields=["court_id", "name"], opclasses=["int4_ops", "gin_trgm_ops"],
                     name="party_search_court_trgm"),
            models.Index(fields=["case"], name="party_search_case"),
        ]


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
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("created by"), null=True,
                                   on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["case", "started_on"]
        verbose_name = _("term pause")
        verbose_name_plural = _("term pauses")
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
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("approved by"), on_delete=models.PROTECT,
                                    related_name="+")
    approved_on = models.DateField(_("approved on"))
    reported_to_high_court = models.BooleanField(_("reported to the high court"), default=False)

    class Meta:
        ordering = ["case", "approved_on"]
        verbose_name = _("term extension")
        verbose_name_plural = _("term extensions")


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


# --- The action log, leads, petitions, settlements, closures and assignment history --------------------------------


class ActionKind(models.TextChoices):
    """The catalogue of enforcement measures; each kind has its own detail form in ``cases.actions``."""

    NOTICE_SERVED = "notice_served", _("Notice served")
    NETWORK_QUERY = "network_query", _("Network asset query")
    ONSITE_INVESTIGATION = "onsite_investigation", _("On-site investigation")
    SUMMONS = "summons", _("Summons")
    SEARCH = "search", pgettext_lazy("enforcement measure", "Search")  # 搜查, a coercive measure
    FREEZE = "freeze", _("Freeze")
    SEIZURE = "seizure", _("Seizure")
    VEHICLE_DETENTION = "vehicle_detention", _("Vehicle detention")
    EVICTION = "eviction", _("Eviction (腾空房屋)")
    JUDICIAL_DETENTION = "judicial_detention", _("Judicial detention (司法拘留)")
    FINE = "fine", _("Fine (罚款)")
    CONSUMPTION_RESTRICTION = "consumption_restriction", _("Consumption restriction (限制消费)")
    DISHONEST_LISTING = "dishonest_listing", _("Dishonest-debtor listing (失信)")
    MEDIA_EXPOSURE = "media_exposure", _("Media exposure")
    REWARD_NOTICE = "reward_notice", _("Reward notice (悬赏)")
    HEARING = "hearing", _("Enforcement hearing (执行听证)")
    SETTLEMENT_TALK = "settlement_talk", _("Settlement talk")
    APPLICANT_INTERVIEW = "applicant_interview", _("Applicant interview (约谈)")
    OTHER = "other", _("Other")


class Action(BelongsToCase, models.Model):
    """One enforcement measure an officer took on a case: the daily work, shown on the timeline."""

    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="actions")
    kind = models.CharField(_("measure"), max_length=32, choices=ActionKind.choices)
    occurred_on = models.DateField(_("date"))
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("officer"), on_delete=models.PROTECT,
                              related_name="case_actions")
    details = models.JSONField(_("details"), default=dict, blank=True)
    summary = models.CharField(_("summary"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("enforcement action")
        verbose_name_plural = _("enforcement actions")
        ordering = ["-occurred_on", "-id"]
        indexes = [
            models.Index(fields=["case", "kind", "occurred_on"], name="action_case_kind_idx"),
            models.Index(fields=["actor", "occurred_on"], name="action_actor_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.occurred_on}"


def attachment_upload_to(instance: "ActionAttachment", filename: str) -> str:
    # The stored name never uses the uploader's file name (it is kept in ``original_name``).
    import uuid

    ext = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png", "image/webp": "webp",
           "image/gif": "gif", "image/heic": "heic"}.get(instance.content_type, "bin")
    return f"cases/attachments/{instance.action.case_id}/{uuid.uuid4().hex}.{ext}"


class ActionAttachment(models.Model):
    """A photo or scan attached to an action. Served only through a permission-checked view."""

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("file"), upload_to=attachment_upload_to, max_length=200)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("content type"), max_length=60)
    size = models.PositiveIntegerField(_("size in bytes"))
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["action", "id"]

    def __str__(self) -> str:
        return self.original_name

    def policy_target(self) -> Target:
        return self.action.case.policy_target()


class LeadSource(models.TextChoices):
    CONTACT_CARD = "contact_card", _("Contact card (便民联系卡)")
    APPLICANT = "applicant", _("Applicant in person or by phone")
    THIRD_PARTY = "third_party", _("Third party or public")
    REWARD = "reward", _("Reward notice response")
    OTHER = "other", _("Other")
    PORTAL = "party_portal", _("Party portal")


class LeadOutcome(models.TextChoices):
    """What checking a lead turned up (线索核实)."""

    CONFIRMED = "confirmed", _("Confirmed (属实)")
    PARTLY = "partly", _("Partly confirmed (部分属实)")
    NOT_CONFIRMED = "not_confirmed", _("Not confirmed (不属实)")


class Lead(BelongsToCase, models.Model):
    """An asset lead given by the applicant (财产线索, §2.1 node 4a): checked within 7 days, 3 if urgent."""

    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="leads")
    received_at = models.DateTimeField(_("received at"))
    urgent = models.BooleanField(_("urgent"), default=False)
    source = models.CharField(_("source"), max_length=20, choices=LeadSource.choices, default=LeadSource.APPLICANT)
    description = models.TextField(_("lead"))
    officer = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("officer"), null=True, blank=True,
                                on_delete=models.PROTECT, related_name="case_leads")
    due_at = models.DateTimeField(_("to be handled by"))
    handled_at = models.DateTimeField(_("handled at"), null=True, blank=True)
    result = models.TextField(_("what was done"), blank=True)
    outcome = models.CharField(_("outcome of the check"), max_length=16, choices=LeadOutcome.choices, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("created by"), null=True,
                                   on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("asset lead")
        verbose_name_plural = _("asset leads")
        ordering = ["-received_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(handled_at__isnull=True) | ~Q(result=""), name="lead_handled_has_result"),
        ]
        indexes = [
            models.Index(fields=["officer", "due_at"], condition=Q(handled_at__isnull=True), name="lead_open_due_idx"),
            models.Index(fields=["case", "handled_at"], name="lead_case_idx"),
        ]

    def __str__(self) -> str:
        return self.description[:40]


class PetitionKind(models.TextChoices):
    PETITION = "petition", _("Petition (信访)")
    COMPLAINT = "complaint", _("Complaint")
    SUPERVISION = "supervision", _("Referred for supervision (督办)")
    ENQUIRY = "enquiry", _("Enquiry")


class Petition(BelongsToCase, models.Model):
    """A petition or complaint about a case (执行信访), answered within the court's deadline."""

    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="petitions")
    kind = models.CharField(_("kind"), max_length=16, choices=PetitionKind.choices, default=PetitionKind.PETITION)
    petitioner = models.CharField(_("petitioner"), max_length=100, blank=True)
    received_on = models.DateField(_("received on"))
    due_on = models.DateField(_("answer due on"))
    content = models.TextField(pgettext_lazy("petition", "content"))
    assigned_to = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("assigned to"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="case_petitions")
    answered_on = models.DateField(_("answered on"), null=True, blank=True)
    reply = models.TextField(_("reply"), blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("answered by"), null=True, blank=True,
                                    on_delete=models.PROTECT,
                                    related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("created by"), null=True,
                                   on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("petition")
        verbose_name_plural = _("petitions")
        ordering = ["-received_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(due_on__gte=models.F("received_on")), name="petition_due_after_received"),
            models.CheckConstraint(condition=Q(answered_on__isnull=True) | ~Q(reply=""),
                                   name="petition_answered_has_reply"),
        ]
        indexes = [
            models.Index(fields=["assigned_to", "due_on"], condition=Q(answered_on__isnull=True),
                         name="petition_open_due_idx"),
        ]

    def __str__(self) -> str:
        return self.content[:40]


class SettlementStatus(models.TextChoices):
    ACTIVE = "active", _("Being performed")
    PERFORMED = "performed", _("Fully performed")
    BREACHED = "breached", _("Breached")
    CANCELLED = "cancelled", _("Cancelled")


class Settlement(BelongsToCase, models.Model):
    """An enforcement settlement agreement (执行和解, §2.3, §3.7) with an instalment schedule."""

    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="settlements")
    signed_on = models.DateField(_("signed on"))
    terms = models.TextField(_("terms"))
    total_amount = models.DecimalField(_("total agreed"), default=Decimal("0.00"), **MONEY)
    status = models.CharField(_("status"), max_length=10, choices=SettlementStatus.choices,
                              default=SettlementStatus.ACTIVE)
    breached_on = models.DateField(_("breached on"), null=True, blank=True)
    breach_note = models.TextField(_("breach"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("created by"), null=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("settlement agreement")
        verbose_name_plural = _("settlement agreements")
        ordering = ["-signed_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["case"], condition=Q(status="active"), name="settlement_one_active"),
        ]

    def __str__(self) -> str:
        return f"{self.case} {self.signed_on}"


class SettlementInstalment(models.Model):
    settlement = models.ForeignKey(Settlement, verbose_name=_("settlement agreement"), on_delete=models.CASCADE,
                                   related_name="instalments")
    number = models.PositiveSmallIntegerField(_("instalment"))
    due_on = models.DateField(_("due on"))
    amount = models.DecimalField(_("amount"), **MONEY)
    paid_on = models.DateField(_("paid on"), null=True, blank=True)
    paid_amount = models.DecimalField(_("amount paid"), default=Decimal("0.00"), **MONEY)

    class Meta:
        verbose_name = _("instalment")
        verbose_name_plural = _("instalments")
        ordering = ["settlement", "number"]
        constraints = [
            models.UniqueConstraint(fields=["settlement", "number"], name="instalment_unique_number"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="instalment_amount_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.number}: {self.amount}"

    def policy_target(self) -> Target:
        return self.settlement.case.policy_target()

    @property
    def is_paid(self) -> bool:
        return self.paid_amount >= self.amount


class ClosureStatus(models.TextChoices):
    PENDING = "pending", _("Awaiting approval")
    APPROVED = "approved", _("Approved")
    RETURNED = "returned", _("Returned")


class ClosureRequest(BelongsToCase, models.Model):
    """An officer's request to close a case in one of the six modes; the chief approves or returns it."""

    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="closure_requests")
    mode = models.CharField(_("closure mode"), max_length=20, choices=ClosureMode.choices)
    ground = models.CharField(_("ground"), max_length=40, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=ClosureStatus.choices,
                              default=ClosureStatus.PENDING)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("requested by"),
                                     on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("decided by"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    reason = models.TextField(_("reason"))
    return_reason = models.TextField(_("reason for return"), blank=True)
    checklist = models.JSONField(_("checklist"), default=list, blank=True)

    class Meta:
        verbose_name = _("closure request")
        verbose_name_plural = _("closure requests")
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["case"], condition=Q(status="pending"), name="closure_one_pending"),
            models.CheckConstraint(condition=~Q(status="returned") | ~Q(return_reason=""),
                                   name="closure_returned_has_reason"),
        ]
        indexes = [models.Index(fields=["status", "requested_at"], name="closure_status_idx")]

    def __str__(self) -> str:
        return f"{self.case}: {self.get_mode_display()}"


class SuspensionGround(models.TextChoices):
    """The grounds of 中止执行 (domain.md §2.2; CPL art 267)."""

    APPLICANT_AGREES = "applicant_agrees", _("The applicant agrees to a delay")
    THIRD_PARTY_OBJECTION = "third_party_objection", _("A third party's objection is well founded")
    SUCCESSOR_AWAITED = "successor_awaited", _("A party died or ended and a successor is awaited")
    OTHER = "other", _("Other ground")


class SuspensionRequest(BelongsToCase, models.Model):
    """An officer's request to suspend enforcement (中止执行, §2.2); only the chief's approval suspends the case and
    opens its term pause (``pause``), in one transaction. Resumption stays a stage change."""

    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.CASCADE,
                             related_name="suspension_requests")
    ground = models.CharField(_("ground"), max_length=24, choices=SuspensionGround.choices)
    reason = models.TextField(_("facts and reason"))
    proposal = models.TextField(_("officer's proposal"), blank=True)
    status = models.CharField(_("status"), max_length=10, choices=ClosureStatus.choices,
                              default=ClosureStatus.PENDING)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("requested by"),
                                     on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("decided by"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    return_reason = models.TextField(_("reason for return"), blank=True)
    pause = models.OneToOneField(TermPause, verbose_name=_("term pause"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="suspension_request")

    class Meta:
        verbose_name = _("suspension request")
        verbose_name_plural = _("suspension requests")
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["case"], condition=Q(status="pending"), name="suspension_one_pending"),
            models.CheckConstraint(condition=~Q(status="returned") | ~Q(return_reason=""),
                                   name="suspension_returned_has_reason"),
            models.CheckConstraint(condition=Q(decided_by__isnull=True) | ~Q(decided_by=models.F("requested_by")),
                                   name="suspension_decider_not_requester"),
            models.CheckConstraint(condition=~Q(status="approved") | Q(pause__isnull=False),
                                   name="suspension_approved_has_pause"),
        ]
        indexes = [models.Index(fields=["status", "requested_at"], name="suspension_status_idx")]

    def __str__(self) -> str:
        return f"{self.case}: {self.get_ground_display()}"


class Assignment(BelongsToCase, models.Model):
    """Who handled a case when: one row per (re)assignment, the current one open (``ended_at`` null)."""

    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="assignments")
    team = models.ForeignKey("accounts.Team", verbose_name=_("team"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="+")
    officer = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("handling officer"), null=True, blank=True,
                                on_delete=models.PROTECT, related_name="+")
    started_at = models.DateTimeField(_("from"))
    ended_at = models.DateTimeField(_("until"), null=True, blank=True)
    assigned_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("assigned by"), null=True,
                                    on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(_("reason"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        ordering = ["case", "-started_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["case"], condition=Q(ended_at__isnull=True), name="assignment_one_open"),
        ]

    def __str__(self) -> str:
        return f"{self.case}: {self.team} / {self.officer}"


# --- Audit: row history kept by database triggers (django-pghistory); application code cannot skip or edit it ------

def _track(model: type[models.Model]) -> type[models.Model]:
    return pghistory.track(
        pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent(),
        model_name=f"{model.__name__}History", append_only=True,
        obj_field=pghistory.ObjForeignKey(related_name="history", related_query_name="history_row",
                                          on_delete=models.DO_NOTHING, db_constraint=False),
    )(model)


for _model in (Case, CaseParty, Party, Action, Lead, Petition, Settlement, SettlementInstalment, ClosureRequest,
               SuspensionRequest, Assignment, TermPause, TermExtension):
    _track(_model)

TRACKED_MODELS = (Case, CaseParty, Party, Action, Lead, Petition, Settlement, SettlementInstalment, ClosureRequest,
                  SuspensionRequest, Assignment, TermPause, TermExtension)

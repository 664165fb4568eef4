"""Dishonest-debtor list (失信被执行人名单) and consumption restrictions (限制消费), from decision to removal.

One ``CreditMeasure`` per measure on one debtor of one case: proposed by the officer, approved by a second person
(never the proposer), decided (document number), served, published (失信 only), then removed/lifted after a removal
ground arose (3 working days, deadline engine source ``credit_measure``). ``CorrectionRequest`` is a listed person's
request to correct an entry (15-day review, 3-working-day correction; source ``credit_correction``).
docs/credit.md has the rules and the invariants.
"""

from __future__ import annotations

import pghistory
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class MeasureKind(models.TextChoices):
    DISHONEST = "dishonest", _("Dishonest-debtor listing (失信)")
    RESTRICTION = "restriction", _("Consumption restriction (限制消费)")


class MeasureStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    DECIDED = "decided", _("Decision issued")
    SERVED = "served", _("Served")
    PUBLISHED = "published", _("Published")
    REMOVAL_OPEN = "removal_open", _("Removal due")
    REMOVED = "removed", _("Removed")


# Statuses in which the measure is in force against the debtor (decided and not yet removed).
IN_FORCE = (MeasureStatus.DECIDED, MeasureStatus.SERVED, MeasureStatus.PUBLISHED, MeasureStatus.REMOVAL_OPEN)
# Statuses that block a second measure of the same kind on the same debtor of the same case.
ACTIVE = (MeasureStatus.PROPOSED, MeasureStatus.APPROVED, *IN_FORCE)


class DishonestGround(models.TextChoices):
    """BAD-2017 art 1 (domain.md §3.5)."""

    ABLE_REFUSES = "1", _("(1) Able to perform but refuses")
    OBSTRUCTION = "2", _("(2) Forged evidence, violence or threats obstructing enforcement")
    EVASION = "3", _("(3) Sham litigation or arbitration, hiding or moving assets")
    NO_REPORT = "4", _("(4) Breach of the duty to report assets")
    BREACHED_RESTRICTION = "5", _("(5) Breach of the consumption-restriction order")
    SETTLEMENT_REFUSED = "6", _("(6) Refusing to perform a settlement agreement without reason")


class RemovalGround(models.TextChoices):
    """When a listing must be deleted / a restriction lifted (BAD-DEL, XGXF-2010 art 9; domain.md §3.5-3.6)."""

    PERFORMED = "performed", _("Obligation fully performed")
    SETTLEMENT = "settlement", _("Settlement agreement performed")
    APPLICANT = "applicant", _("Applicant's written request")
    TERM_EXPIRED = "term_expired", _("Term expired")
    ZHONGBEN_NOTHING = "zhongben_nothing", _("After 终本, two network queries found nothing")
    SUSPENDED = "suspended", _("Enforcement suspended (retrial or bankruptcy)")
    NOT_ENFORCED = "not_enforced", _("Enforcement refused (不予执行)")
    TERMINATED = "terminated", _("Enforcement terminated (终结执行)")
    GUARANTEE = "guarantee", _("Guarantee given, or the applicant consents (restriction)")
    CORRECTION = "correction", _("Listed in error (correction request)")


class ServiceMethod(models.TextChoices):
    DIRECT = "direct", _("In person")
    POST = "post", _("By post")
    ELECTRONIC = "electronic", _("Electronic service")
    LEFT = "left", _("Left at the address")
    NOTICE = "notice", _("Public notice")


class PersonRole(models.TextChoices):
    """The persons a restriction on a unit names (XGXF-2015 art 3)."""

    LEGAL_REP = "legal_rep", _("Legal representative")
    PRINCIPAL = "principal", _("Principal person in charge")
    RESPONSIBLE = "responsible", _("Person directly responsible")
    CONTROLLER = "controller", _("Actual controller")


class CreditMeasure(models.Model):
    case = models.ForeignKey("cases.Case", verbose_name=_("case"), on_delete=models.PROTECT,
                             related_name="credit_measures")
    case_party = models.ForeignKey("cases.CaseParty", verbose_name=_("debtor"), on_delete=models.PROTECT,
                                   related_name="credit_measures")
    kind = models.CharField(_("kind"), max_length=12, choices=MeasureKind.choices)
    status = models.CharField(_("status"), max_length=14, choices=MeasureStatus.choices,
                              default=MeasureStatus.PROPOSED)
    ground = models.CharField(_("ground"), max_length=2, choices=DishonestGround.choices, blank=True)
    # 失信: 2 years for grounds 2-6, extended by 1-3 years for serious cases; none for ground 1.
    term_years = models.PositiveSmallIntegerField(_("term (years)"), null=True, blank=True)
    extension_years = models.PositiveSmallIntegerField(_("extension (years)"), default=0)
    conduct = models.TextField(_("dishonest conduct"), blank=True)
    obligation = models.TextField(_("obligation under the instrument"), blank=True)
    performance = models.CharField(_("performance"), max_length=200, blank=True)
    reasons = models.TextField(_("reasons"))
    warnings = models.JSONField(_("warnings"), default=list, blank=True)
    # The applicant's written application (申请执行人申请纳入/限制消费), if the measure answers one: the court decides
    # within 15 days of it (deadline credit_application, met by the decision or the rejection).
    applied_on = models.DateField(_("applicant's application received on"), null=True, blank=True)

    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("proposed by"), null=True,
                                    on_delete=models.SET_NULL, related_name="+")
    proposed_at = models.DateTimeField(_("proposed at"), auto_now_add=True)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("approved by"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    rejection_reason = models.TextField(_("reasons for rejection"), blank=True)

    document_number = models.CharField(_("document number"), max_length=60, blank=True)
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    until = models.DateField(_("in force until"), null=True, blank=True)
    served_on = models.DateField(_("served on"), null=True, blank=True)
    service_method = models.CharField(_("service method"), max_length=12, choices=ServiceMethod.choices, blank=True)
    published_on = models.DateField(_("published on"), null=True, blank=True)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("published by"), null=True,
                                     blank=True, on_delete=models.SET_NULL, related_name="+")

    removal_ground = models.CharField(_("removal ground"), max_length=20, choices=RemovalGround.choices, blank=True)
    removal_arose_on = models.DateField(_("removal ground arose on"), null=True, blank=True)
    removal_due_on = models.DateField(_("removal due by"), null=True, blank=True)
    removal_note = models.CharField(_("removal note"), max_length=300, blank=True)
    removal_opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("removal opened by"), null=True,
                                          blank=True, on_delete=models.SET_NULL, related_name="+")
    removed_on = models.DateField(_("removed on"), null=True, blank=True)
    removed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("removed by"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    removal_document_number = models.CharField(_("removal document number"), max_length=60, blank=True)

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("credit measure")
        verbose_name_plural = _("credit measures")
        ordering = ["-proposed_at", "-id"]
        constraints = [
            # one active measure of a kind per debtor of a case: a double submit cannot list twice
            models.UniqueConstraint(fields=["case_party", "kind"], condition=Q(status__in=[s.value for s in ACTIVE]),
                                    name="credit_measure_one_active"),
            models.CheckConstraint(condition=Q(kind="restriction", ground="") | Q(kind="dishonest") & ~Q(ground=""),
                                   name="credit_measure_ground_dishonest_only"),
            models.CheckConstraint(condition=Q(removed_on__isnull=True) | Q(removal_arose_on__isnull=False),
                                   name="credit_measure_removed_after_ground"),
            models.CheckConstraint(condition=Q(published_on__isnull=True) | Q(kind="dishonest"),
                                   name="credit_measure_published_dishonest_only"),
        ]
        indexes = [
            models.Index(fields=["status", "kind"], name="credit_measure_status"),
            models.Index(fields=["case", "kind"], name="credit_measure_case"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.case_party_id} ({self.get_status_display()})"

    def policy_target(self):
        return self.case.policy_target()

    @property
    def in_force(self) -> bool:
        return self.status in IN_FORCE


class CreditMeasurePerson(models.Model):
    """A person a restriction on a unit names (法定代表人, 主要负责人, 直接责任人员, 实际控制人)."""

    measure = models.ForeignKey(CreditMeasure, on_delete=models.CASCADE, related_name="persons")
    name = models.CharField(_("name"), max_length=100)
    id_number = models.CharField(_("identifier number"), max_length=40, blank=True)
    role = models.CharField(_("role"), max_length=12, choices=PersonRole.choices)

    class Meta:
        verbose_name = _("person named")
        verbose_name_plural = _("persons named")
        ordering = ["id"]

    def policy_target(self):
        return self.measure.policy_target()


class CorrectionChannel(models.TextChoices):
    PORTAL = "portal", _("Online portal")
    COUNTER = "counter", _("Counter")


class CorrectionStatus(models.TextChoices):
    PENDING = "pending", _("Under review")
    WELL_FOUNDED = "well_founded", _("Well founded: to be corrected")
    CORRECTED = "corrected", _("Corrected")
    REJECTED = "rejected", _("Rejected")


class CorrectionRequest(models.Model):
    """A listed person's request to correct (纠正) a list entry: reviewed within 15 days; if well founded, corrected
    within 3 working days (BAD-2017b art 12)."""

    measure = models.ForeignKey(CreditMeasure, verbose_name=_("measure"), on_delete=models.PROTECT,
                                related_name="corrections")
    requester_name = models.CharField(_("requester"), max_length=100)
    requester_phone = models.CharField(_("phone"), max_length=40, blank=True)
    relation = models.CharField(_("relation to the listed person"), max_length=60, blank=True)
    grounds = models.TextField(_("grounds"))
    channel = models.CharField(_("channel"), max_length=8, choices=CorrectionChannel.choices)
    received_on = models.DateField(_("received on"))
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+")
    # the portal's account, when it came through the portal (the portal app owns what it is)
    portal_reference = models.CharField(_("portal reference"), max_length=64, blank=True)
    status = models.CharField(_("status"), max_length=14, choices=CorrectionStatus.choices,
                              default=CorrectionStatus.PENDING)
    reviewed_on = models.DateField(_("reviewed on"), null=True, blank=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("reviewed by"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    review_reasons = models.TextField(_("review reasons"), blank=True)
    # on rejection: where and within what time the requester may ask the higher court to reconsider
    reconsideration_info = models.CharField(_("reconsideration"), max_length=300, blank=True)
    corrected_on = models.DateField(_("corrected on"), null=True, blank=True)
    corrected_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("corrected by"), null=True,
                                     blank=True, on_delete=models.SET_NULL, related_name="+")
    correction = models.TextField(_("correction made"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("correction request")
        verbose_name_plural = _("correction requests")
        ordering = ["-received_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(reviewed_on__isnull=True) | Q(reviewed_on__gte=models.F("received_on")),
                                   name="credit_correction_review_after_receipt"),
            models.CheckConstraint(condition=Q(corrected_on__isnull=True) | Q(reviewed_on__isnull=False),
                                   name="credit_correction_fix_after_review"),
        ]
        indexes = [models.Index(fields=["status"], name="credit_correction_status")]

    def policy_target(self):
        return self.measure.policy_target()

    @property
    def case(self):
        return self.measure.case


class CorrectionAttachment(models.Model):
    request = models.ForeignKey(CorrectionRequest, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to="credit/corrections/%Y/%m/")
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)

    def policy_target(self):
        return self.request.policy_target()


# Audit: row history kept by database triggers (django-pghistory), as for the cases app's records.
for _model in (CreditMeasure, CreditMeasurePerson, CorrectionRequest):
    pghistory.track(
        pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent(),
        model_name=f"{_model.__name__}History", append_only=True,
        obj_field=pghistory.ObjForeignKey(related_name="history", related_query_name="history_row",
                                          on_delete=models.DO_NOTHING, db_constraint=False),
    )(_model)

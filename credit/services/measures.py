"""失信 listing and 限制消费 order: proposal, approval by a second person, decision, service, publication
(domain.md §3.5-3.6; docs/credit.md)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError
from django.db.models import Sum
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _

from accounts.policy import Perm, has_perm, require
from cases.models import CaseParty, CaseType, PartyKind, PartyRole
from cases.services._common import audited, lock_case
from core.rules.identifiers import IdKind, validate_party_id
from core.rules.periods import ADULT_AGE, BLACKLIST_EXTENSION_YEARS, BLACKLIST_TERM_YEARS, add_years
from core.text import clean_name, clean_text

from .. import events
from ..models import (
    ACTIVE, CreditMeasure, CreditMeasurePerson, DishonestGround, MeasureKind, MeasureStatus, PersonRole,
    ServiceMethod,
)
from ._common import day, lock_measure, public_changed

REASONS_MAX = 2000
MAX_PERSONS = 10


def birth_date_of(party) -> date | None:
    """A natural person's birth date: recorded, else read from a resident ID number."""
    if party.birth_date:
        return party.birth_date
    if party.id_kind in (IdKind.RESIDENT_ID, IdKind.RESIDENT_ID_15) and party.id_number:
        try:
            return validate_party_id(kind=party.id_kind, value=party.id_number).birth_date
        except ValidationError:
            return None
    return None


def is_minor(party, on: date) -> bool:
    born = birth_date_of(party)
    return party.kind == PartyKind.PERSON and born is not None and add_years(born, ADULT_AGE) > on


def listing_warnings(*, case, case_party, ground: str) -> list[str]:
    """What the decider must weigh before a ground-(1) listing (BAD-2017 new art 3): a guarantee or controlled
    assets that may cover the debt. Warnings, not refusals: the system cannot value a guarantee."""
    out: list[str] = []
    if ground != DishonestGround.ABLE_REFUSES:
        return out
    from assets.models import Asset, ControlStatus

    outstanding = case.amount_claimed - case.amount_recovered
    held = (Asset.objects.filter(case=case, owner=case_party, controls__status=ControlStatus.ACTIVE)
            .distinct().aggregate(s=Sum("estimated_value"))["s"] or Decimal("0"))
    if held and held >= outstanding:
        out.append(_("Assets under seizure or freeze (estimated ¥%(held)s) may cover the outstanding ¥%(due)s: "
                     "ground (1) is barred when they do.") % {"held": f"{held:,.2f}", "due": f"{outstanding:,.2f}"})
    elif held:
        out.append(_("Assets under seizure or freeze are estimated at ¥%(held)s (outstanding ¥%(due)s).") % {
            "held": f"{held:,.2f}", "due": f"{outstanding:,.2f}"})
    if "担保" in (case.tags and " ".join(case.tags) or ""):
        out.append(_("The case is tagged with a guarantee: ground (1) is barred if it is a full guarantee."))
    return out


def _persons(persons, *, party) -> list[dict]:
    if persons and party.kind == PartyKind.PERSON:
        raise ValidationError({"persons": [_("Only a restriction on a unit names further persons.")]})
    if len(persons or ()) > MAX_PERSONS:
        raise ValidationError({"persons": [_("At most %(n)s persons.") % {"n": MAX_PERSONS}]})
    out = []
    for i, p in enumerate(persons or ()):
        role = p.get("role") or ""
        if role not in PersonRole.values:
            raise ValidationError({f"persons.{i}.role": [_("Choose the person's role.")]})
        name = clean_name(p.get("name"), field=f"persons.{i}.name", max_length=100)
        id_number = clean_text(p.get("id_number"), field=f"persons.{i}.id_number", max_length=40)
        if id_number:
            try:
                id_number = validate_party_id(kind=IdKind.RESIDENT_ID, value=id_number).normalized
            except ValidationError as exc:
                raise ValidationError({f"persons.{i}.id_number": exc.messages}) from None
        out.append({"name": name, "id_number": id_number, "role": role})
    if not out and party.kind != PartyKind.PERSON and party.legal_representative:
        out.append({"name": party.legal_representative, "id_number": "", "role": PersonRole.LEGAL_REP})
    return out


# Only an enforcement of an effective judgment can list or restrict a debtor (BAD-2017 art 1; XGXF-2010 art 1): a
# first enforcement (执) or a resumed one (执恢), never a preservation (执保), whose debtor has no judgment to perform.
LISTABLE_CASE_TYPES = (CaseType.FIRST, CaseType.RESUMED)


@audited
def measure_propose(*, actor, case, case_party: CaseParty, kind: str, reasons: str, ground: str = "",
                    extension_years: int = 0, conduct: str = "", obligation: str = "", performance: str = "",
                    persons=(), applied_on: date | str | None = None, today: date | None = None) -> CreditMeasure:
    """Propose a listing or a restriction on one debtor of the case. Refused: a party who is not a respondent of
    this case, a closed case, a preservation case (执保), a minor, a second active measure of the same kind on the same
    debtor."""
    today = today or timezone.localdate()
    case = lock_case(case)
    require(actor, Perm.CREDIT_PROPOSE, case)
    if kind not in MeasureKind.values:
        raise ValidationError({"kind": [_("Choose listing or restriction.")]})
    if case_party.case_id != case.pk or case_party.role != PartyRole.RESPONDENT:
        raise ValidationError({"case_party": [_("Choose a respondent of this case.")]})
    if not case.is_open:
        raise ValidationError({"case_party": [_("The case is closed.")]})
    if case.case_type not in LISTABLE_CASE_TYPES:
        raise ValidationError({"case": [_("Only an enforcement case (执 or 执恢) can list or restrict a debtor; a "
                                          "preservation (执保) cannot.")]})
    party = case_party.party
    if is_minor(party, today):
        raise ValidationError({"case_party": [_("A minor cannot be listed or restricted (born %(born)s).") % {
            "born": birth_date_of(party)}]})
    reasons = clean_text(reasons, field="reasons", max_length=REASONS_MAX, multiline=True, required=True,
                         required_message=_("Give the reasons."))
    conduct = clean_text(conduct, field="conduct", max_length=REASONS_MAX, multiline=True)
    obligation = clean_text(obligation, field="obligation", max_length=REASONS_MAX, multiline=True)
    performance = clean_text(performance, field="performance", max_length=200)
    term_years = None
    try:
        extension_years = int(extension_years or 0)
    except (TypeError, ValueError):
        raise ValidationError({"extension_years": [_("Enter a whole number of years.")]}) from None
    if kind == MeasureKind.DISHONEST:
        if ground not in DishonestGround.values:
            raise ValidationError({"ground": [_("Choose the ground of the listing.")]})
        if not conduct:
            raise ValidationError({"conduct": [_("Describe the dishonest conduct (it is published).")]})
        if extension_years and (ground == DishonestGround.ABLE_REFUSES
                                or extension_years not in BLACKLIST_EXTENSION_YEARS):
            raise ValidationError({"extension_years": [_("Only grounds (2)-(6) may be extended, by 1 to 3 years.")]})
        if ground != DishonestGround.ABLE_REFUSES:
            term_years = BLACKLIST_TERM_YEARS
        persons = ()
    else:
        if ground or extension_years:
            raise ValidationError({"ground": [_("A restriction has no listing ground or term.")]})
        ground = ""
    people = _persons(persons, party=party) if kind == MeasureKind.RESTRICTION else []
    applied_on = _applied_on(applied_on, case=case, today=today)
    if CreditMeasure.objects.filter(case_party=case_party, kind=kind, status__in=ACTIVE).exists():
        raise ValidationError({"kind": [_("This debtor already has such a measure in progress or in force.")]})
    measure = CreditMeasure(
        case=case, case_party=case_party, kind=kind, ground=ground, term_years=term_years,
        extension_years=extension_years, conduct=conduct, obligation=obligation or _obligation_text(case),
        performance=performance or _performance_text(case), reasons=reasons, proposed_by=actor, applied_on=applied_on,
        warnings=listing_warnings(case=case, case_party=case_party, ground=ground) if ground else [])
    try:
        measure.save()
    except IntegrityError:  # a concurrent proposal won the race for the unique constraint
        raise ValidationError({"kind": [_("This debtor already has such a measure in progress or in force.")]}) \
            from None
    CreditMeasurePerson.objects.bulk_create([CreditMeasurePerson(measure=measure, **p) for p in people])
    events.measure_step(measure=measure, actor=actor, step="proposed")
    return measure


def _applied_on(value, *, case, today: date) -> date | None:
    """The day the applicant's written application arrived (the 15-day decision runs from it): not in the future,
    not before the case was received."""
    if value in (None, ""):
        return None
    if isinstance(value, str):
        try:
            parsed = parse_date(value.strip())
        except ValueError:  # well formed, not a day (2026-13-40)
            parsed = None
        if parsed is None:
            raise ValidationError({"applied_on": [_("Enter a valid date.")]})
        value = parsed
    if value > today:
        raise ValidationError({"applied_on": [_("The application cannot be received in the future.")]})
    if case.received_on and value < case.received_on:
        raise ValidationError({"applied_on": [_("The application cannot precede the case (received on %(date)s).")
                                              % {"date": case.received_on.isoformat()}]})
    return value


def _obligation_text(case) -> str:
    if case.amount_claimed:
        return _("Pay ¥%(amount)s under %(basis)s") % {"amount": f"{case.amount_claimed:,.2f}",
                                                     "basis": case.basis_number}
    return case.act_description[:500]


def _performance_text(case) -> str:
    if case.amount_recovered <= 0:
        return _("Not performed")
    return _("Partly performed (¥%(amount)s)") % {"amount": f"{case.amount_recovered:,.2f}"}


def _approver_check(actor, measure) -> None:
    require(actor, Perm.CREDIT_DECIDE, measure.case)
    if measure.proposed_by_id == actor.pk:
        raise PermissionDenied(_("The proposer cannot approve their own proposal: a second person decides."))


def _case_open(measure) -> None:
    if not measure.case.is_open:
        raise ValidationError({"status": [_("The case is closed.")]})


def proposals_withdraw(*, case, actor) -> int:
    """The case closed: proposals not yet decided lapse (rejected, the reason recorded). Called by the closure."""
    lapsed = 0
    for m in CreditMeasure.objects.select_for_update(of=("self",)).select_related("case", "case_party__party").filter(
            case=case, status__in=[MeasureStatus.PROPOSED, MeasureStatus.APPROVED]):
        m.status, m.rejection_reason = MeasureStatus.REJECTED, _("The case was closed before the decision.")
        m.save(update_fields=["status", "rejection_reason", "updated_at"])
        events.measure_step(measure=m, actor=actor, step="rejected", text=m.rejection_reason)
        lapsed += 1
    return lapsed


@audited
def measure_approve(*, actor, measure: CreditMeasure) -> CreditMeasure:
    measure = lock_measure(measure)
    _approver_check(actor, measure)
    if measure.status != MeasureStatus.PROPOSED:
        raise ValidationError({"status": [_("Only a proposed measure can be approved.")]})
    _case_open(measure)
    if is_minor(measure.case_party.party, timezone.localdate()):
        raise ValidationError({"case_party": [_("A minor cannot be listed or restricted.")]})
    measure.status, measure.approved_by, measure.approved_at = MeasureStatus.APPROVED, actor, timezone.now()
    measure.save(update_fields=["status", "approved_by", "approved_at", "updated_at"])
    events.measure_step(measure=measure, actor=actor, step="approved")
    return measure


@audited
def measure_reject(*, actor, measure: CreditMeasure, reason: str) -> CreditMeasure:
    measure = lock_measure(measure)
    _approver_check(actor, measure)
    if measure.status != MeasureStatus.PROPOSED:
        raise ValidationError({"status": [_("Only a proposed measure can be rejected.")]})
    reason = clean_text(reason, field="reason", max_length=1000, multiline=True, required=True,
                        required_message=_("Give the reason for rejecting."))
    measure.status, measure.rejection_reason = MeasureStatus.REJECTED, reason
    measure.approved_by, measure.approved_at = actor, timezone.now()
    measure.save(update_fields=["status", "rejection_reason", "approved_by", "approved_at", "updated_at"])
    events.measure_step(measure=measure, actor=actor, step="rejected", text=reason)
    return measure


def _sync_party(measure: CreditMeasure) -> None:
    """Keep the CaseParty fields (read by the deadline engine's term and review sources, the printed documents and
    older pages) in step with the measure."""
    cp = measure.case_party
    if measure.kind == MeasureKind.DISHONEST:
        cp.dishonest_listed_on, cp.dishonest_until = measure.decided_on, measure.until
        cp.dishonest_ground, cp.dishonest_removed_on = measure.ground, measure.removed_on
        fields = ["dishonest_listed_on", "dishonest_until", "dishonest_ground", "dishonest_removed_on"]
    else:
        cp.restricted_on, cp.restriction_lifted_on = measure.decided_on, measure.removed_on
        fields = ["restricted_on", "restriction_lifted_on"]
    cp.save(update_fields=fields)


@audited
def measure_decide(*, actor, measure: CreditMeasure, decided_on=None, document_number: str = "") -> CreditMeasure:
    """Issue the decision (决定书 / 限制消费令): it takes effect when made. The document number defaults to the case
    number (the court's practice for decisions within an enforcement case)."""
    measure = lock_measure(measure)
    require(actor, Perm.CREDIT_DECIDE, measure.case)
    if measure.status != MeasureStatus.APPROVED:
        raise ValidationError({"status": [_("Only an approved measure can be decided.")]})
    _case_open(measure)
    decided_on = day(decided_on, field="decided_on", not_before=measure.case.filed_on)
    number = clean_text(document_number, field="document_number", max_length=60) or measure.case.number
    measure.status, measure.decided_on, measure.document_number = MeasureStatus.DECIDED, decided_on, number
    if measure.term_years:
        measure.until = add_years(decided_on, measure.term_years + measure.extension_years)
    measure.save(update_fields=["status", "decided_on", "document_number", "until", "updated_at"])
    _sync_party(measure)
    events.measure_step(measure=measure, actor=actor, step="decided")
    return measure


def _may_record(actor, measure) -> None:
    if not (has_perm(actor, Perm.CREDIT_PUBLISH, measure.case) or has_perm(actor, Perm.CREDIT_PROPOSE, measure.case)):
        require(actor, Perm.CREDIT_PUBLISH, measure.case)


@audited
def measure_serve(*, actor, measure: CreditMeasure, served_on=None, method: str) -> CreditMeasure:
    measure = lock_measure(measure)
    _may_record(actor, measure)
    if measure.status != MeasureStatus.DECIDED:
        raise ValidationError({"status": [_("Only a decided measure not yet served can be served.")]})
    if method not in ServiceMethod.values:
        raise ValidationError({"method": [_("Choose how it was served.")]})
    measure.served_on = day(served_on, field="served_on", not_before=measure.decided_on)
    measure.service_method, measure.status = method, MeasureStatus.SERVED
    measure.save(update_fields=["served_on", "service_method", "status", "updated_at"])
    events.measure_step(measure=measure, actor=actor, step="served")
    return measure


@audited
def measure_publish(*, actor, measure: CreditMeasure, published_on=None) -> CreditMeasure:
    """Enter a served listing into the national list and the court's 曝光台."""
    measure = lock_measure(measure)
    require(actor, Perm.CREDIT_PUBLISH, measure.case)
    if measure.kind != MeasureKind.DISHONEST:
        raise ValidationError({"kind": [_("Only a dishonest-debtor listing is published.")]})
    if measure.status != MeasureStatus.SERVED:
        raise ValidationError({"status": [_("Only a served listing not yet published can be published.")]})
    measure.published_on = day(published_on, field="published_on", not_before=measure.served_on)
    measure.published_by, measure.status = actor, MeasureStatus.PUBLISHED
    measure.save(update_fields=["published_on", "published_by", "status", "updated_at"])
    events.measure_step(measure=measure, actor=actor, step="published")
    public_changed()
    return measure

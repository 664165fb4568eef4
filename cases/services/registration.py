"""Case intake: numbering, parties, triage and the intake warnings (domain.md §1.1, §2.1 nodes 2 and 2b, §8)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Court
from accounts.policy import Perm, require
from core import court_settings
from core.rules.case_numbers import format_case_number
from core.rules.identifiers import validate_party_id

from .. import events
from ._common import audited
from ..models import (
    Assignment,
    IMPLEMENTATION_TYPES,
    BasisKind,
    Case,
    CaseParty,
    CaseType,
    ObligationKind,
    Party,
    PartyKind,
    PartyRole,
    Stream,
)
from .search import party_search_sync

TYPE_DIGIT = {
    CaseType.FIRST: "1", CaseType.RESUMED: "2", CaseType.PRESERVATION: "3",
    CaseType.OBJECTION: "4", CaseType.RECONSIDERATION: "5", CaseType.SUPERVISION: "6",
}


@dataclass
class PartyInput:
    role: str
    kind: str
    name: str
    id_kind: str = ""
    id_number: str = ""
    phones: list[str] = field(default_factory=list)
    address: str = ""
    legal_representative: str = ""
    agent: str = ""
    party: Party | None = None  # an existing party record (resumed cases reuse the original case's parties)


def case_number_allocate(*, court: Court, year: int, case_type: str) -> int:
    """Take the next serial for (court, year, type). Call inside the registering transaction: the sequence row stays
    locked until commit, so concurrent registrations queue, and a rollback returns the serial (no gaps)."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO cases_casenumbersequence (court_id, year, case_type, last_serial) VALUES (%s, %s, %s, 1)
            ON CONFLICT (court_id, year, case_type)
            DO UPDATE SET last_serial = cases_casenumbersequence.last_serial + 1
            RETURNING last_serial
            """,
            [court.pk, year, case_type],
        )
        return cursor.fetchone()[0]


def account_reference_for(*, court: Court, year: int, case_type: str, serial: int) -> str:
    """The case's own fund-account reference (一案一账号): digits only, as banks expect."""
    prefix = court.admin_division_code or f"{court.pk:06d}"
    return f"{prefix}{year}{TYPE_DIGIT[case_type]}{serial:06d}"


def party_upsert(*, data: PartyInput, field_prefix: str) -> Party:
    """Find the party by identifier, or create them. Identifiers are checked by checksum (domain.md §8)."""
    if data.party is not None:
        return data.party
    if data.kind not in PartyKind.values:
        raise ValidationError({f"{field_prefix}.kind": _("Unknown party kind.")})
    name = (data.name or "").strip()
    if not name:
        raise ValidationError({f"{field_prefix}.name": _("The party's name is required.")})
    number = (data.id_number or "").strip()
    if not number:
        party = Party.objects.create(kind=data.kind, name=name, phones=[p for p in data.phones if p],
                                     address=data.address, legal_representative=data.legal_representative)
        return party
    try:
        checked = validate_party_id(kind=data.id_kind, value=number)
    except ValidationError as exc:
        raise ValidationError({f"{field_prefix}.id_number": exc.messages}) from None
    defaults = {
        "kind": data.kind, "name": name, "id_flagged": checked.flagged,
        "sex": {"male": "M", "female": "F", "M": "M", "F": "F"}.get(getattr(checked, "sex", None) or "", ""),
        "birth_date": getattr(checked, "birth_date", None),
        "phones": [p for p in data.phones if p], "address": data.address,
        "legal_representative": data.legal_representative,
    }
    party, created = Party.objects.get_or_create(id_kind=str(checked.kind), id_number=checked.normalized,
                                                 defaults=defaults)
    if not created:
        # Keep the record current: new phones are added, a new address replaces the old one.
        changed = False
        for phone in data.phones:
            if phone and phone not in party.phones:
                party.phones.append(phone)
                changed = True
        if data.address and data.address != party.address:
            party.address = data.address
            changed = True
        if changed:
            party.save(update_fields=["phones", "address", "updated_at"])
    return party


def triage_stream(*, court: Court, amount: Decimal, respondents: int, assets_known: bool) -> str:
    """The simple/complex stream (繁简分流) by the court's configurable rule; a chief may override it later."""
    if amount >= court_settings.get(court, "complex_amount_threshold"):
        return Stream.COMPLEX
    if respondents >= court_settings.get(court, "complex_respondent_threshold"):
        return Stream.COMPLEX
    if assets_known and court_settings.get(court, "complex_if_assets_known"):
        return Stream.COMPLEX
    return Stream.SIMPLE


def intake_warnings(*, court: Court, received_on: date, filed_on: date, basis_effective_on: date,
                    basis_due_on: date | None) -> list[str]:
    """Warnings a clerk must see but that do not block filing (§2.1 nodes 2, 2b)."""
    warnings = []
    filing_days = court_settings.get(court, "filing_days")
    if (filed_on - received_on).days > filing_days:
        warnings.append(_("Filed %(days)s days after the application was received; the limit is %(limit)s days.")
                        % {"days": (filed_on - received_on).days, "limit": filing_days})
    years = court_settings.get(court, "application_limit_years")
    start = basis_due_on or basis_effective_on
    try:
        limit = start.replace(year=start.year + years)
    except ValueError:  # 29 February
        limit = start.replace(year=start.year + years, day=28)
    if received_on > limit:
        warnings.append(_("The application was received after the %(years)s-year limitation period ended on "
                          "%(limit)s; the respondent may object (CPL art 250).") % {"years": years, "limit": limit})
    return warnings


@audited
def case_register(
    *,
    actor,
    court: Court,
    case_type: str,
    received_on: date,
    basis_kind: str,
    basis_issuer: str,
    basis_number: str,
    basis_effective_on: date,
    parties: list[PartyInput],
    filed_on: date | None = None,
    basis_due_on: date | None = None,
    cause: str = "",
    obligation_kind: str = ObligationKind.MONEY,
    act_description: str = "",
    principal: Decimal = Decimal("0"),
    interest_awarded: Decimal = Decimal("0"),
    litigation_costs: Decimal = Decimal("0"),
    other_amount: Decimal = Decimal("0"),
    non_litigation: bool = False,
    assets_known: bool = False,
    team=None,
    officer=None,
    origin_case: Case | None = None,
    tags: list[str] | None = None,
) -> Case:
    """Register a case and its parties; the number is issued here, once, without gaps."""
    from accounts.policy import Target

    require(actor, Perm.CASE_REGISTER, Target(court_id=court.pk))
    filed_on = filed_on or timezone.localdate()
    errors: dict[str, list[str]] = {}
    if case_type not in CaseType.values:
        errors["case_type"] = [_("Unknown case type.")]
    if basis_kind not in BasisKind.values:
        errors["basis_kind"] = [_("Unknown basis kind.")]
    if obligation_kind not in ObligationKind.values:
        errors["obligation_kind"] = [_("Unknown obligation kind.")]
    if filed_on < received_on:
        errors["filed_on"] = [_("A case cannot be filed before the application was received.")]
    if filed_on > timezone.localdate():
        errors["filed_on"] = [_("The filing date cannot be in the future.")]
    if basis_effective_on > received_on:
        errors["basis_effective_on"] = [_("The basis document must be effective before the application.")]
    if basis_due_on and basis_due_on < basis_effective_on:
        errors["basis_due_on"] = [_("The performance deadline cannot precede the effective date.")]
    if not (basis_issuer or "").strip():
        errors["basis_issuer"] = [_("Name the court or body that issued the basis document.")]
    if not (basis_number or "").strip():
        errors["basis_number"] = [_("The basis document number is required.")]
    amounts = {"principal": principal, "interest_awarded": interest_awarded,
               "litigation_costs": litigation_costs, "other_amount": other_amount}
    for name, value in amounts.items():
        if not isinstance(value, Decimal) or not value.is_finite():
            errors[name] = [_("Enter an amount in yuan.")]
        elif value < 0:
            errors[name] = [_("An amount cannot be negative.")]
        elif value != value.quantize(Decimal("0.01")):
            errors[name] = [_("Amounts are in yuan with at most 2 decimal places.")]
        elif value >= Decimal("1e14"):
            errors[name] = [_("The amount is too large.")]
    if errors:
        raise ValidationError(errors)
    total = sum(amounts.values(), Decimal("0.00"))
    if obligation_kind in (ObligationKind.MONEY, ObligationKind.BOTH) and total <= 0 and case_type != CaseType.PRESERVATION:
        raise ValidationError({"principal": [_("A money obligation needs an amount.")]})
    if obligation_kind in (ObligationKind.ACT, ObligationKind.BOTH) and not act_description.strip():
        raise ValidationError({"act_description": [_("Describe the act to be performed.")]})
    roles = [p.role for p in parties]
    if case_type in IMPLEMENTATION_TYPES:
        if PartyRole.APPLICANT not in roles:
            raise ValidationError({"parties": [_("Add at least one applicant.")]})
        if PartyRole.RESPONDENT not in roles:
            raise ValidationError({"parties": [_("Add at least one respondent.")]})
    if team is not None and team.court_id != court.pk:
        raise ValidationError({"team": [_("The team belongs to another court.")]})
    if officer is not None and officer.court_id != court.pk:
        raise ValidationError({"officer": [_("The officer works at another court.")]})

    party_objs = [party_upsert(data=p, field_prefix=f"parties.{i}") for i, p in enumerate(parties)]

    year = received_on.year
    serial = case_number_allocate(court=court, year=year, case_type=case_type)
    case = Case.objects.create(
        court=court, year=year, case_type=case_type, serial=serial,
        number=format_case_number(year=year, court_code=court.code, type_code=case_type, serial=serial),
        account_reference=account_reference_for(court=court, year=year, case_type=case_type, serial=serial),
        received_on=received_on, filed_on=filed_on, non_litigation=non_litigation,
        basis_kind=basis_kind, basis_issuer=basis_issuer.strip(), basis_number=basis_number.strip(),
        basis_effective_on=basis_effective_on, basis_due_on=basis_due_on, cause=cause,
        obligation_kind=obligation_kind, act_description=act_description,
        principal=principal, interest_awarded=interest_awarded, litigation_costs=litigation_costs,
        other_amount=other_amount, amount_claimed=total,
        stream=triage_stream(court=court, amount=total, respondents=roles.count(PartyRole.RESPONDENT),
                             assets_known=assets_known),
        team=team, officer=officer, origin_case=origin_case, tags=tags or [],
        intake_warnings=intake_warnings(court=court, received_on=received_on, filed_on=filed_on,
                                        basis_effective_on=basis_effective_on, basis_due_on=basis_due_on),
        created_by=actor,
    )
    positions: dict[str, int] = {}
    for data, party in zip(parties, party_objs):
        positions[data.role] = positions.get(data.role, 0) + 1
        CaseParty.objects.get_or_create(
            case=case, party=party, role=data.role,
            defaults={"position": positions[data.role], "service_address": data.address,
                      "phone": next((p for p in data.phones if p), ""), "agent": data.agent},
        )
    party_search_sync(case_ids=[case.pk])
    events.case_registered(case=case, actor=actor)
    if team or officer:
        Assignment.objects.create(case=case, team=team, officer=officer, started_at=timezone.now(), assigned_by=actor,
                                  reason=_("At registration"))
        events.case_assigned(case=case, actor=actor, team=team, officer=officer, previous_team=None,
                             previous_officer=None)
    return case

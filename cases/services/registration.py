"""Case intake: numbering, parties, triage and the intake warnings (domain.md §1.1, §2.1 nodes 2 and 2b, §8)."""

from __future__ import annotations

import re

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from accounts.models import Court
from accounts.policy import Perm, require
from core import court_settings
from core.rules.case_numbers import format_case_number
from core.rules.identifiers import IdKind, validate_party_id
from core.rules.payment_ref import payment_reference
from core.text import clean_name, clean_phone_list, clean_text, clean_text_list, email_normalise

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
from .workflow import assignment_check

NAME_MAX = 200
ADDRESS_MAX = 300
REASON_MAX = 300
# Free text printed on notices: the enforcement notice prints the act to be performed in its body.
ACT_DESCRIPTION_MAX = 1000

TYPE_DIGIT = {
    CaseType.FIRST: "1", CaseType.RESUMED: "2", CaseType.PRESERVATION: "3",
    CaseType.OBJECTION: "4", CaseType.RECONSIDERATION: "5", CaseType.SUPERVISION: "6",
}


RESOLUTION_USE_EXISTING = "use_existing"
RESOLUTION_UPDATE = "update"
RESOLUTIONS = (RESOLUTION_USE_EXISTING, RESOLUTION_UPDATE)
CONFLICT_FIELDS = ("name", "kind", "address")


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
    # The agent's (lawyer's) ID number and mobile: with them the agent signs in to the party portal (portal app).
    agent_id_number: str = ""
    agent_phone: str = ""
    # The party's e-mail for this case: messages from case events and the portal's one-time code go there as well.
    email: str = ""
    party: Party | None = None  # an existing party record (resumed cases reuse the original case's parties)
    # When the identifier matches a record whose name, kind or address differ: "use_existing" (attach the record as
    # it is) or "update" (correct the record to what was typed, with ``resolution_reason``, audited).
    resolution: str = ""
    resolution_reason: str = ""


@dataclass
class PartyConflict:
    """A typed party whose identifier matches an existing record that says something else."""

    index: int
    party: Party
    fields: list[str]
    existing: dict
    typed: dict

    def as_data(self) -> dict:
        return {"index": self.index, "party_id": self.party.pk, "fields": self.fields, "existing": self.existing,
                "typed": self.typed, "resolutions": list(RESOLUTIONS)}


class PartyConflictError(ValidationError):
    """Raised before anything is written when typed parties clash with existing records and no resolution was
    chosen; ``conflicts`` describes each clash per party index (the page shows them, the API answers 409)."""

    def __init__(self, conflicts: list[PartyConflict]):
        self.conflicts = conflicts
        super().__init__({
            f"parties.{c.index}.id_number": [
                _("A party with this identification number is already registered with different details "
                  "(%(fields)s). Use the existing record, or correct it and give the reason.")
                % {"fields": ", ".join(str(_CONFLICT_LABELS[f]) for f in c.fields)}]
            for c in conflicts})


_CONFLICT_LABELS = {"name": gettext_lazy("name"), "kind": gettext_lazy("kind"), "address": gettext_lazy("address")}


@dataclass
class _CleanParty:
    data: PartyInput
    index: int
    name: str
    address: str
    legal_representative: str
    agent: str
    phones: list[str]
    id_kind: str = ""
    id_number: str = ""
    checked: object = None
    existing: Party | None = None
    conflict: PartyConflict | None = None
    reason: str = ""
    agent_id_number: str = ""
    agent_phone: str = ""
    email: str = ""


def party_input_from(cp: CaseParty) -> PartyInput:
    """A party of an existing case as the input of a new one (a resumed case, a case entrusted to another court): the
    same party record, its address, phone, agent and the agent's contact, and the e-mail for the case."""
    return PartyInput(role=cp.role, kind=cp.party.kind, name=cp.party.name, address=cp.service_address,
                      phones=[cp.phone] if cp.phone else [], agent=cp.agent, agent_id_number=cp.agent_id_number,
                      agent_phone=cp.agent_phone, email=cp.email or "", party=cp.party)


def _email(value: str, field: str) -> str:
    """The party's e-mail as stored (``core.text.email_normalise``), or "" when none; anything else, or longer than
    the column's 254 characters, names the field."""
    try:
        if len((value or "").strip()) > 254:
            raise ValidationError("too long")
        return email_normalise(value)
    except ValidationError:
        raise ValidationError({field: _("Enter a valid e-mail address.")}) from None


def _agent_contact(data: PartyInput, prefix: str, *, agent: str) -> tuple[str, str]:
    """The agent's ID number (letters and digits) and mobile number (11 digits), both only with the agent's name."""
    number = re.sub(r"[\s-]", "", data.agent_id_number or "").upper()
    phone = re.sub(r"[\s\-()（）]", "", data.agent_phone or "")
    if (number or phone) and not agent:
        raise ValidationError({f"{prefix}.agent": _("Give the agent's name with their ID number or phone.")})
    if number and not re.fullmatch(r"[0-9A-Z]{6,40}", number):
        raise ValidationError({f"{prefix}.agent_id_number": _("Enter the agent's ID number (letters and digits).")})
    if phone and not re.fullmatch(r"1[3-9][0-9]{9}", phone):
        raise ValidationError({f"{prefix}.agent_phone": _("Enter the agent's mobile number (11 digits).")})
    return number, phone


def _party_clean(*, data: PartyInput, index: int) -> _CleanParty:
    """Shape and identifier checks of one typed party; nothing is written."""
    prefix = f"parties.{index}"
    if data.role not in PartyRole.values:
        raise ValidationError({f"{prefix}.role": _("Unknown party role.")})
    if data.kind not in PartyKind.values:
        raise ValidationError({f"{prefix}.kind": _("Unknown party kind.")})
    cleaned = _CleanParty(
        data=data, index=index,
        name=clean_name(data.name, field=f"{prefix}.name", max_length=NAME_MAX,
                        required_message=_("The party's name is required.")),
        address=clean_text(data.address, field=f"{prefix}.address", max_length=ADDRESS_MAX),
        legal_representative=clean_name(data.legal_representative, field=f"{prefix}.legal_representative",
                                        max_length=100, required=False),
        agent=clean_name(data.agent, field=f"{prefix}.agent", max_length=100, required=False),
        phones=clean_phone_list(data.phones, field=f"{prefix}.phones"),
    )
    cleaned.agent_id_number, cleaned.agent_phone = _agent_contact(data, prefix, agent=cleaned.agent)
    cleaned.email = _email(data.email, f"{prefix}.email")
    if data.resolution and data.resolution not in RESOLUTIONS:
        raise ValidationError({f"{prefix}.resolution": _("Choose use_existing or update.")})
    number = (data.id_number or "").strip()
    if not number:
        return cleaned
    if data.id_kind not in IdKind.values:
        raise ValidationError({f"{prefix}.id_kind": _("Choose the kind of identification number.")})
    try:
        checked = validate_party_id(kind=data.id_kind, value=number)
    except ValidationError as exc:
        raise ValidationError({f"{prefix}.id_number": exc.messages}) from None
    born = getattr(checked, "birth_date", None)
    if born is not None and born.year < 1900:
        # The rule accepts any real date (GB 11643's own example is born in 1880); the court's dates start in 1900.
        raise ValidationError({f"{prefix}.id_number": _("The birth date %(value)s is before 1900.")
                               % {"value": born.isoformat()}})
    cleaned.checked, cleaned.id_kind, cleaned.id_number = checked, str(checked.kind), checked.normalized
    cleaned.existing = Party.objects.filter(id_kind=cleaned.id_kind, id_number=cleaned.id_number).first()
    if cleaned.existing is not None:
        old = cleaned.existing
        differs = []
        if cleaned.name != old.name:
            differs.append("name")
        if data.kind != old.kind:
            differs.append("kind")
        if cleaned.address and old.address and cleaned.address != old.address:
            differs.append("address")
        if differs:
            cleaned.conflict = PartyConflict(
                index=index, party=old, fields=differs,
                existing={"name": old.name, "kind": old.kind, "address": old.address},
                typed={"name": cleaned.name, "kind": data.kind, "address": cleaned.address})
            if data.resolution == RESOLUTION_UPDATE:
                cleaned.reason = clean_text(
                    data.resolution_reason, field=f"{prefix}.resolution_reason", max_length=REASON_MAX,
                    required=True, required_message=_("Give the reason for correcting the existing record."))
    return cleaned


_ROW_ROLES = {PartyRole.APPLICANT: pgettext_lazy("party row", "applicant"),
              PartyRole.RESPONDENT: pgettext_lazy("party row", "respondent"),
              PartyRole.THIRD_PARTY: pgettext_lazy("party row", "third party")}


def party_row_labels(roles: list[str]) -> list[str]:
    """Each typed party's name on the form, by role and place within that role: "第2名被执行人"."""
    seen: dict[str, int] = {}
    labels = []
    for i, role in enumerate(roles):
        seen[role] = seen.get(role, 0) + 1
        if role in _ROW_ROLES:
            labels.append(_("%(role)s no. %(n)s") % {"role": _ROW_ROLES[role], "n": seen[role]})
        else:
            labels.append(_("Party no. %(n)s") % {"n": i + 1})
    return labels


def party_message(label: str, message: str) -> str:
    """An error message prefixed with the party row it is about."""
    return _("%(party)s: %(message)s") % {"party": label, "message": message}


def parties_errors(*, parties: list[PartyInput], first_index: int = 0,
                   labels: list[str] | None = None) -> tuple[list[_CleanParty | None], dict[str, list[str]]]:
    """Check every typed party (not stopping at the first bad one) and collect the errors per field,
    ``parties.<index>.<field>``; with ``labels`` (one per party, see ``party_row_labels``) each message names its
    party row ("第2名被执行人：…"). Nothing is written."""
    cleaned: list[_CleanParty | None] = []
    errors: dict[str, list[str]] = {}
    for i, p in enumerate(parties):
        if p.party is not None:
            cleaned.append(None)
            continue
        try:
            cleaned.append(_party_clean(data=p, index=first_index + i))
        except ValidationError as exc:
            cleaned.append(None)
            for key, errs in exc.error_dict.items():
                messages = [m for e in errs for m in e.messages]
                errors.setdefault(key, []).extend(party_message(labels[i], m) if labels else m for m in messages)
    return cleaned, errors


def parties_check(*, parties: list[PartyInput], first_index: int = 0) -> list[_CleanParty | None]:
    """Check every typed party before anything is written; raise one ``ValidationError`` with every party's errors,
    or ``PartyConflictError`` for the identifier clashes that have no resolution yet. ``None`` stands for a party
    given as an existing record."""
    cleaned, errors = parties_errors(parties=parties, first_index=first_index)
    if errors:
        raise ValidationError(errors)
    open_conflicts = [c.conflict for c in cleaned if c is not None and c.conflict is not None
                      and c.data.resolution not in RESOLUTIONS]
    if open_conflicts:
        raise PartyConflictError(open_conflicts)
    return cleaned


def _party_write(*, actor, cleaned: _CleanParty) -> tuple[Party, dict | None]:
    """Create or reuse the party record; returns the record and, for a correction, the audit entry."""
    data = cleaned.data
    if not cleaned.id_number:
        return Party.objects.create(kind=data.kind, name=cleaned.name, phones=cleaned.phones, address=cleaned.address,
                                    legal_representative=cleaned.legal_representative), None
    checked = cleaned.checked
    defaults = {
        "kind": data.kind, "name": cleaned.name, "id_flagged": checked.flagged,
        "sex": {"male": "M", "female": "F", "M": "M", "F": "F"}.get(getattr(checked, "sex", None) or "", ""),
        "birth_date": getattr(checked, "birth_date", None),
        "phones": cleaned.phones, "address": cleaned.address,
        "legal_representative": cleaned.legal_representative,
    }
    party, created = Party.objects.get_or_create(id_kind=cleaned.id_kind, id_number=cleaned.id_number,
                                                 defaults=defaults)
    if created:
        return party, None
    party = Party.objects.select_for_update().get(pk=party.pk)
    update_fields: set[str] = set()
    correction = None
    differs = [f for f in CONFLICT_FIELDS if f == "name" and cleaned.name != party.name
               or f == "kind" and data.kind != party.kind
               or f == "address" and cleaned.address and party.address and cleaned.address != party.address]
    if differs and data.resolution == RESOLUTION_UPDATE:
        from accounts.policy import scope_q

        # The record is shared by every case of that party: only someone who may edit all of them corrects it.
        if Case.objects.filter(case_parties__party=party).exclude(scope_q(actor, Perm.CASE_EDIT)).exists():
            raise ValidationError({f"parties.{cleaned.index}.resolution": _(
                "This record is also used in cases you may not edit (another court's); use the existing record "
                "and ask that court to correct it.")})
        if not cleaned.reason:  # the record changed after the check: the reason is still required
            cleaned.reason = clean_text(
                data.resolution_reason, field=f"parties.{cleaned.index}.resolution_reason", max_length=REASON_MAX,
                required=True, required_message=_("Give the reason for correcting the existing record."))
        typed = {"name": cleaned.name, "kind": data.kind, "address": cleaned.address}
        old = {f: getattr(party, f) for f in differs}
        for f in differs:
            setattr(party, f, typed[f])
        update_fields.update(differs)
        correction = {"party": party, "old": old, "new": {f: typed[f] for f in differs}, "reason": cleaned.reason}
    elif differs and data.resolution != RESOLUTION_USE_EXISTING:
        # The record changed between the check and now (another intake): ask again rather than guess.
        raise PartyConflictError([PartyConflict(
            index=cleaned.index, party=party, fields=differs,
            existing={"name": party.name, "kind": party.kind, "address": party.address},
            typed={"name": cleaned.name, "kind": data.kind, "address": cleaned.address})])
    # Keep the record current where nothing is contradicted: new phones are added, a missing address is filled in.
    for phone in cleaned.phones:
        if phone not in party.phones:
            party.phones.append(phone)
            update_fields.add("phones")
    if cleaned.address and not party.address:
        party.address = cleaned.address
        update_fields.add("address")
    if update_fields:
        party.save(update_fields=[*sorted(update_fields), "updated_at"])
    return party, correction


def party_upsert(*, data: PartyInput, index: int = 0, actor=None) -> Party:
    """Find the party by identifier, or create them, with the intake's checks (a clash with the existing record's
    name, kind or address raises ``PartyConflictError`` unless ``data.resolution`` settles it)."""
    if data.party is not None:
        return data.party
    cleaned = parties_check(parties=[data], first_index=index)[0]
    return _party_write(actor=actor, cleaned=cleaned)[0]


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
    """The case's own fund-account reference (一案一账号): digits only, as banks expect. The body (division code, year,
    type digit, serial) carries two ISO 7064 MOD 97-10 check digits (``core.rules.payment_ref``), so a debtor's
    mistyped remark is recognised as wrong rather than matched to another case."""
    prefix = court.admin_division_code or f"{court.pk:06d}"
    return payment_reference(f"{prefix}{year}{TYPE_DIGIT[case_type]}{serial:06d}")


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
    texts: dict[str, str] = {}
    for name, value, limit, multiline, required in (
            ("basis_issuer", basis_issuer, 100, False,
             _("Name the court or body that issued the basis document.")),
            ("basis_number", basis_number, 60, False, _("The basis document number is required.")),
            ("cause", cause, 100, False, None),
            ("act_description", act_description, ACT_DESCRIPTION_MAX, True, None)):
        try:
            texts[name] = clean_text(value, field=name, max_length=limit, multiline=multiline,
                                     required=required is not None, required_message=required)
        except ValidationError as exc:
            errors.update({k: [m for e in v for m in e.messages] for k, v in exc.error_dict.items()})
    try:
        tags = clean_text_list(tags or [], field="tags", max_length=30, max_items=20)
    except ValidationError as exc:
        errors.update({k: [m for e in v for m in e.messages] for k, v in exc.error_dict.items()})
    amounts = {"principal": principal, "interest_awarded": interest_awarded,
               "litigation_costs": litigation_costs, "other_amount": other_amount}
    for name, value in amounts.items():
        if not isinstance(value, Decimal) or not value.is_finite():
            errors[name] = [_("Enter an amount in yuan.")]
        elif value < 0:
            errors[name] = [_("An amount cannot be negative.")]
        elif value >= Decimal("1e14"):  # before quantizing: 1e400 would overflow the decimal context
            errors[name] = [_("The amount is too large.")]
        elif value != value.quantize(Decimal("0.01")):
            errors[name] = [_("Amounts are in yuan with at most 2 decimal places.")]
    # Every party is checked with the rest of the form, so one submit reports every row's errors.
    checked, party_errors = parties_errors(parties=parties, labels=party_row_labels([p.role for p in parties]))
    errors.update(party_errors)
    if errors:
        raise ValidationError(errors)
    total = sum(amounts.values(), Decimal("0.00"))
    if obligation_kind in (ObligationKind.MONEY, ObligationKind.BOTH) and total <= 0 and case_type != CaseType.PRESERVATION:
        raise ValidationError({"principal": [_("A money obligation needs an amount.")]})
    basis_issuer, basis_number, cause, act_description = (texts["basis_issuer"], texts["basis_number"],
                                                          texts["cause"], texts["act_description"])
    if obligation_kind in (ObligationKind.ACT, ObligationKind.BOTH) and not act_description:
        raise ValidationError({"act_description": [_("Describe the act to be performed.")]})
    roles = [p.role for p in parties]
    if case_type in IMPLEMENTATION_TYPES:
        if PartyRole.APPLICANT not in roles:
            raise ValidationError({"parties": [_("Add at least one applicant.")]})
        if PartyRole.RESPONDENT not in roles:
            raise ValidationError({"parties": [_("Add at least one respondent.")]})
    assignment_check(court_id=court.pk, team=team, officer=officer)

    # Every party checked above, every clash found, before any write.
    open_conflicts = [c.conflict for c in checked if c is not None and c.conflict is not None
                      and c.data.resolution not in RESOLUTIONS]
    if open_conflicts:
        raise PartyConflictError(open_conflicts)
    written = [(_party_write(actor=actor, cleaned=c) if c is not None else (p.party, None))
               for p, c in zip(parties, checked)]

    year = received_on.year
    serial = case_number_allocate(court=court, year=year, case_type=case_type)
    case = Case.objects.create(
        court=court, year=year, case_type=case_type, serial=serial,
        number=format_case_number(year=year, court_code=court.code, type_code=case_type, serial=serial),
        account_reference=account_reference_for(court=court, year=year, case_type=case_type, serial=serial),
        received_on=received_on, filed_on=filed_on, non_litigation=non_litigation,
        basis_kind=basis_kind, basis_issuer=basis_issuer, basis_number=basis_number,
        basis_effective_on=basis_effective_on, basis_due_on=basis_due_on, cause=cause,
        obligation_kind=obligation_kind, act_description=act_description,
        principal=principal, interest_awarded=interest_awarded, litigation_costs=litigation_costs,
        other_amount=other_amount, amount_claimed=total,
        stream=triage_stream(court=court, amount=total, respondents=roles.count(PartyRole.RESPONDENT),
                             assets_known=assets_known),
        team=team, officer=officer, origin_case=origin_case, tags=tags,
        intake_warnings=intake_warnings(court=court, received_on=received_on, filed_on=filed_on,
                                        basis_effective_on=basis_effective_on, basis_due_on=basis_due_on),
        created_by=actor,
    )
    positions: dict[str, int] = {}
    corrections = []
    for index, (data, c, (party, correction)) in enumerate(zip(parties, checked, written)):
        positions[data.role] = positions.get(data.role, 0) + 1
        if c is None:  # an existing record given as such (a resumed case)
            address, phone, agent = data.address, next((p for p in data.phones if p), ""), data.agent
            agent_id_number, agent_phone = data.agent_id_number, data.agent_phone
            email = _email(data.email, f"parties.{index}.email")
        else:
            kept = c.conflict is not None and data.resolution == RESOLUTION_USE_EXISTING
            address = party.address if kept else c.address
            phone, agent = next(iter(c.phones), ""), c.agent
            agent_id_number, agent_phone, email = c.agent_id_number, c.agent_phone, c.email
        CaseParty.objects.get_or_create(
            case=case, party=party, role=data.role,
            defaults={"position": positions[data.role], "service_address": address, "phone": phone,
                      "agent": agent, "agent_id_number": agent_id_number, "agent_phone": agent_phone,
                      "email": email or None},
        )
        if correction is not None:
            corrections.append(correction)
    party_search_sync(case_ids=[case.pk])
    if corrections:
        # A corrected name shows in every case that party is in: their search rows follow.
        party_search_sync(party_ids=[c["party"].pk for c in corrections])
    events.case_registered(case=case, actor=actor)
    for correction in corrections:
        events.party_corrected(case=case, actor=actor, **correction)
    if team or officer:
        Assignment.objects.create(case=case, team=team, officer=officer, started_at=timezone.now(), assigned_by=actor,
                                  reason=_("At registration"))
        events.case_assigned(case=case, actor=actor, team=team, officer=officer, previous_team=None,
                             previous_officer=None)
    return case

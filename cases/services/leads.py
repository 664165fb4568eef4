"""Asset leads (财产线索, §2.1 node 4a), petitions (执行信访) and settlement agreements (执行和解, §2.3, §3.7)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.policy import Perm, require
from core import court_settings
from core.fields import money_input
from core.formats import format_amount
from core.text import clean_name, clean_text

from .. import events
from ..models import (
    Case, Lead, LeadOutcome, LeadSource, PauseKind, Petition, PetitionKind, Settlement, SettlementInstalment,
    SettlementStatus, TermPause,
)
from ._common import audited, lock_case


# --- Leads ------------------------------------------------------------------------------------------------------

def lead_due_at(*, court, received_at: datetime, urgent: bool) -> datetime:
    days = court_settings.get(court, "lead_check_days_urgent" if urgent else "lead_check_days")
    return received_at + timedelta(days=days)

# Free text limits: enough for a clerk's account, short enough for a printed page.
TEXT_MAX = 2000



@audited
def lead_register(*, actor, case: Case, description: str, received_at: datetime | None = None, urgent: bool = False,
                  source: str = LeadSource.APPLICANT) -> Lead:
    """Log an applicant's lead with the time received; the officer must record what was done within 7 days (3 if
    urgent)."""
    case = lock_case(case)
    require(actor, Perm.CASE_EDIT, case)
    received_at = received_at or timezone.now()
    errors = {}
    try:
        description = clean_text(description, field="description", max_length=TEXT_MAX, multiline=True,
                                 required=True, required_message=_("Describe the lead."))
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if source not in LeadSource.values:
        errors["source"] = [_("Unknown source.")]
    if received_at > timezone.now() + timedelta(minutes=5):
        errors["received_at"] = [_("The time received cannot be in the future.")]
    if not case.is_open:
        errors["description"] = [_("The case is closed; a lead after 终本 is a ground to resume enforcement.")]
    if errors:
        raise ValidationError(errors)
    lead = Lead.objects.create(case=case, received_at=received_at, urgent=bool(urgent), source=source,
                               description=description, officer=case.officer,
                               due_at=lead_due_at(court=case.court_id, received_at=received_at, urgent=bool(urgent)),
                               created_by=actor)
    events.lead_registered(case=case, actor=actor, lead=lead)
    return lead


@audited
def lead_handle(*, actor, lead: Lead, result: str, handled_at: datetime | None = None, outcome: str = "") -> Lead:
    """Record what was done about a lead and what the check turned up (属实/部分属实/不属实; may be left open by an
    older client). A lead is handled once; the finding goes on the case timeline."""
    case = lock_case(lead.case)
    require(actor, Perm.CASE_ACT, case)
    lead = Lead.objects.select_for_update().get(pk=lead.pk)
    if lead.handled_at is not None:
        raise ValidationError({"result": [_("This lead has already been handled.")]})
    result = clean_text(result, field="result", max_length=TEXT_MAX, multiline=True, required=True,
                        required_message=_("Record what was done."))
    outcome = outcome or ""
    if outcome not in ("", *LeadOutcome.values):
        raise ValidationError({"outcome": [_("Choose whether the lead was confirmed.")]})
    handled_at = handled_at or timezone.now()
    if handled_at < lead.received_at:
        raise ValidationError({"handled_at": [_("A lead cannot be handled before it was received.")]})
    lead.handled_at, lead.result, lead.outcome = handled_at, result, outcome
    lead.save(update_fields=["handled_at", "result", "outcome"])
    events.lead_handled(case=case, actor=actor, lead=lead)
    return lead


# --- Petitions --------------------------------------------------------------------------------------------------

@audited
def petition_register(*, actor, case: Case, content: str, received_on: date | None = None,
                      kind: str = PetitionKind.PETITION, petitioner: str = "", assigned_to=None) -> Petition:
    case = lock_case(case)
    require(actor, Perm.CASE_EDIT, case)
    received_on = received_on or timezone.localdate()
    errors = {}
    try:
        content = clean_text(content, field="content", max_length=TEXT_MAX, multiline=True, required=True,
                             required_message=_("Enter what the petition says."))
    except ValidationError as exc:
        errors.update(exc.message_dict)
    try:
        petitioner = clean_name(petitioner, field="petitioner", max_length=100, required=False)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if kind not in PetitionKind.values:
        errors["kind"] = [_("Unknown kind.")]
    if received_on > timezone.localdate():
        errors["received_on"] = [_("The date cannot be in the future.")]
    assigned_to = assigned_to or case.officer
    if assigned_to is not None and assigned_to.court_id != case.court_id:
        errors["assigned_to"] = [_("Assign it to someone at this court.")]
    if errors:
        raise ValidationError(errors)
    petition = Petition.objects.create(
        case=case, kind=kind, petitioner=petitioner, received_on=received_on,
        due_on=received_on + timedelta(days=court_settings.get(case.court_id, "petition_answer_days")),
        content=content, assigned_to=assigned_to, created_by=actor)
    events.petition_registered(case=case, actor=actor, petition=petition)
    return petition


@audited
def petition_answer(*, actor, petition: Petition, reply: str, answered_on: date | None = None) -> Petition:
    case = lock_case(petition.case)
    require(actor, Perm.CASE_ACT, case)
    petition = Petition.objects.select_for_update().get(pk=petition.pk)
    if petition.answered_on is not None:
        raise ValidationError({"reply": [_("This petition has already been answered.")]})
    reply = clean_text(reply, field="reply", max_length=TEXT_MAX, multiline=True, required=True,
                       required_message=_("Enter the reply."))
    answered_on = answered_on or timezone.localdate()
    if answered_on < petition.received_on or answered_on > timezone.localdate():
        raise ValidationError({"answered_on": [_("The date must be between receipt and today.")]})
    petition.answered_on, petition.reply, petition.answered_by = answered_on, reply, actor
    petition.save(update_fields=["answered_on", "reply", "answered_by"])
    events.petition_answered(case=case, actor=actor, petition=petition)
    return petition


# --- Settlements ------------------------------------------------------------------------------------------------

@audited
def settlement_register(*, actor, case: Case, signed_on: date, terms: str, instalments: list[tuple[date, Decimal]],
                        pause_term: bool = True) -> Settlement:
    """Record a settlement agreement and its instalment schedule. The stay while it is performed is not counted in
    the term (TERM-2000 art 9(10))."""
    case = lock_case(case)
    require(actor, Perm.CASE_ACT, case)
    errors = {}
    if not case.is_open:
        errors["signed_on"] = [_("The case is closed.")]
    if signed_on > timezone.localdate() or signed_on < case.received_on:
        errors["signed_on"] = [_("The date must be between the application and today.")]
    try:
        terms = clean_text(terms, field="terms", max_length=TEXT_MAX, multiline=True, required=True,
                           required_message=_("Enter the terms agreed."))
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if not instalments:
        errors["instalments"] = [_("Add at least one instalment.")]
    if errors:
        raise ValidationError(errors)
    if Settlement.objects.filter(case=case, status=SettlementStatus.ACTIVE).exists():
        raise ValidationError({"signed_on": [_("The case already has a settlement being performed.")]})
    rows, previous = [], signed_on
    for i, (due_on, amount) in enumerate(instalments):
        amount = money_input(amount, field=f"instalments.{i}.amount", positive=True)
        if not isinstance(due_on, date) or due_on < previous:
            raise ValidationError({f"instalments.{i}.due_on": [
                _("Instalments fall due in order, on or after the signing date.")]})
        previous = due_on
        rows.append((due_on, amount))
    settlement = Settlement.objects.create(case=case, signed_on=signed_on, terms=terms,
                                           total_amount=sum((a for _d, a in rows), Decimal("0.00")),
                                           created_by=actor)
    SettlementInstalment.objects.bulk_create(
        SettlementInstalment(settlement=settlement, number=i + 1, due_on=d, amount=a) for i, (d, a) in enumerate(rows))
    if pause_term and not TermPause.objects.filter(case=case, kind=PauseKind.SETTLEMENT,
                                                   ended_on__isnull=True).exists():
        pause = TermPause.objects.create(case=case, kind=PauseKind.SETTLEMENT, started_on=signed_on,
                                         reason=_("Settlement agreement"), created_by=actor)
        events.term_paused(case=case, actor=actor, pause=pause)
    events.settlement_registered(case=case, actor=actor, settlement=settlement)
    return settlement


def _end_settlement_pause(*, actor, case: Case, on: date) -> None:
    pause = TermPause.objects.select_for_update().filter(case=case, kind=PauseKind.SETTLEMENT,
                                                          ended_on__isnull=True).first()
    if pause is not None:
        pause.ended_on = max(on, pause.started_on)
        pause.save(update_fields=["ended_on"])
        events.term_pause_ended(case=case, actor=actor, pause=pause)


@audited
def instalment_record(*, actor, instalment: SettlementInstalment, paid_on: date, paid_amount) -> SettlementInstalment:
    """Record what was paid on an instalment (the running total). When every instalment is paid the agreement is
    performed and the case can be closed as fully enforced."""
    settlement = instalment.settlement
    case = lock_case(settlement.case)
    require(actor, Perm.CASE_ACT, case)
    settlement = Settlement.objects.select_for_update().get(pk=settlement.pk)
    instalment = SettlementInstalment.objects.select_for_update().get(pk=instalment.pk)
    if settlement.status != SettlementStatus.ACTIVE:
        raise ValidationError({"paid_amount": [_("The agreement is no longer being performed.")]})
    paid_amount = money_input(paid_amount, field="paid_amount", positive=True)
    if paid_on > timezone.localdate() or paid_on < settlement.signed_on:
        raise ValidationError({"paid_on": [_("The date must be between signing and today.")]})
    if paid_amount > instalment.amount:
        raise ValidationError({"paid_amount": [_("More than the instalment is due (¥%(amount)s).") % {
            "amount": format_amount(instalment.amount)}]})
    instalment.paid_on, instalment.paid_amount = paid_on, paid_amount
    instalment.save(update_fields=["paid_on", "paid_amount"])
    events.instalment_paid(case=case, actor=actor, instalment=instalment)
    if all(i.paid_amount >= i.amount for i in settlement.instalments.all()):
        settlement.status = SettlementStatus.PERFORMED
        settlement.save(update_fields=["status"])
        _end_settlement_pause(actor=actor, case=case, on=paid_on)
        events.settlement_performed(case=case, actor=actor, settlement=settlement)
    return instalment


@audited
def settlement_breach(*, actor, settlement: Settlement, breached_on: date, note: str) -> Settlement:
    """The debtor did not perform: enforcement of the original instrument may resume (§2.3, §3.7). The stay ends;
    a case that was closed on the settlement can be resumed as a 执恢 case."""
    case = lock_case(settlement.case)
    require(actor, Perm.CASE_ACT, case)
    settlement = Settlement.objects.select_for_update().get(pk=settlement.pk)
    if settlement.status != SettlementStatus.ACTIVE:
        raise ValidationError({"note": [_("Only an agreement being performed can be breached.")]})
    note = clean_text(note, field="note", max_length=TEXT_MAX, multiline=True, required=True,
                      required_message=_("Describe the breach."))
    if breached_on < settlement.signed_on or breached_on > timezone.localdate():
        raise ValidationError({"breached_on": [_("The date must be between signing and today.")]})
    settlement.status, settlement.breached_on, settlement.breach_note = SettlementStatus.BREACHED, breached_on, note
    settlement.save(update_fields=["status", "breached_on", "breach_note"])
    _end_settlement_pause(actor=actor, case=case, on=breached_on)
    events.settlement_breached(case=case, actor=actor, settlement=settlement)
    return settlement

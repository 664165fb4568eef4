"""Every write of a delegation: keyword-only, one transaction, the delegation row locked, permission checked here.

Sending side (the sending case's court): ``delegation_create`` (a draft), ``delegation_send`` (numbers it),
``delegation_withdraw``, ``delegation_close``; receiving side (the receiving court): ``delegation_accept`` (assigns a
team and officer; 委托执行 registers the case there and closes it at the sender, atomically), ``delegation_refuse``,
``delegation_start``, ``delegation_reply``. A delegation to a court outside the system is answered by hand at the
sending court (``delegation_reply`` by its staff).
"""

from __future__ import annotations

import hashlib
from datetime import date

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Court, Team, User
from accounts.policy import Perm, Target, has_perm, require
from cases import events as case_events
from cases.models import Case, ClosureMode, PartyRole, Stage
from cases.services._common import audited, lock_case, stored_files_removed_on_error
from cases.services.actions import sniff_content_type
from core.fields import money_input
from core.text import clean_name, clean_text

from . import bounds
from .models import (
    CONTROL_KINDS, WITHDRAWABLE, Delegation, DelegationEvent, DelegationPaper, DelegationSequence, Kind, Outcome,
    PaperSide, Status,
)

MAX_PAPERS = 20
INSTRUCTIONS_MAX = 4000
RESULT_MAX = 4000
REASON_MAX = 1000


def _today() -> date:
    return timezone.localdate()


def _log(d: Delegation, *, type: str, actor, court, summary: str) -> DelegationEvent:
    return DelegationEvent.objects.create(delegation=d, type=type, actor=actor, court=court, summary=summary[:300])


def _case_event(d: Delegation, *, type: str, actor, summary: str, **parameters):
    return case_events.event_log(case=d.case, type=type, actor=actor, summary=summary, delegation_id=d.pk,
                                 delegation_number=d.number or "", **parameters)


def _lock(d: Delegation) -> Delegation:
    """The delegation re-read under a row lock: two clicks or two clerks act one after the other, the second sees
    the first's status."""
    return (Delegation.objects.select_for_update(of=("self",))
            .select_related("case", "case__court", "sending_court", "receiving_court").get(pk=d.pk))


def may_receive(user, d: Delegation) -> bool:
    """Acting for the receiving side: DELEGATION_RECEIVE on the receiving court (its team and officer once
    assigned); for a court outside the system, the sending court's staff record the reply."""
    if d.receiving_court_id is None:
        return has_perm(user, Perm.DELEGATION_SEND, d.case) or has_perm(user, Perm.DELEGATION_RECEIVE, d.case)
    return user.court_id == d.receiving_court_id and has_perm(user, Perm.DELEGATION_RECEIVE, d.receiver_target())


def may_assign(user, d: Delegation) -> bool:
    """Accepting (and assigning) is the receiving court's clerk or chief: DELEGATION_RECEIVE at court scope."""
    return (d.receiving_court_id is not None and user.court_id == d.receiving_court_id
            and has_perm(user, Perm.DELEGATION_RECEIVE, Target(court_id=d.receiving_court_id)))


def _require_receiver(user, d: Delegation, *, assign: bool = False) -> None:
    if not (may_assign(user, d) if assign else may_receive(user, d)):
        raise PermissionDenied(_("Only the receiving court may act on this delegation."))


# --- papers ---------------------------------------------------------------------------------------------------------

def _paper_store(*, actor, d: Delegation, side: str, upload, stored: list) -> DelegationPaper:
    """Check and store one paper (the checks of the case's attachments: size, not empty, a photo or a PDF by its
    content, not its name)."""
    limit = settings.ENF_ATTACHMENT_MAX_BYTES
    name = (getattr(upload, "name", "") or "file")
    size = getattr(upload, "size", None)
    if size is None or size > limit:
        raise ValidationError({"papers": [_("%(name)s is larger than %(mb)s MB.") % {
            "name": name, "mb": f"{limit / 1024 / 1024:.0f}"}]})
    if size == 0:
        raise ValidationError({"papers": [_("%(name)s is empty.") % {"name": name}]})
    if d.papers.count() >= MAX_PAPERS:
        raise ValidationError({"papers": [_("Too many papers on this delegation.")]})
    upload.seek(0)
    content = upload.read(limit + 1)
    if len(content) > limit:
        raise ValidationError({"papers": [_("%(name)s is larger than %(mb)s MB.") % {
            "name": name, "mb": f"{limit / 1024 / 1024:.0f}"}]})
    content_type = sniff_content_type(content[:16])
    if content_type is None:
        raise ValidationError({"papers": [_("%(name)s is not a photo or a PDF.") % {"name": name}]})
    try:
        original = clean_text(name, field="papers", max_length=200)
    except ValidationError:
        original = "file"
    paper = DelegationPaper(delegation=d, side=side, original_name=original[-200:] or "file",
                            content_type=content_type, size=len(content),
                            sha256=hashlib.sha256(content).hexdigest(), uploaded_by=actor)
    paper.file.save("upload", ContentFile(content), save=False)
    stored.append((paper.file.storage, paper.file.name))
    paper.save()
    return paper


# --- sending side ---------------------------------------------------------------------------------------------------

def _subjects(case: Case, party_ids) -> list[dict]:
    """The parties the request names (a copy): the chosen ones of this case, else every respondent."""
    links = case.case_parties.select_related("party").order_by("role", "position")
    if party_ids:
        wanted = {int(p) for p in party_ids}
        chosen = [cp for cp in links if cp.pk in wanted]
        if len(chosen) != len(wanted):
            raise ValidationError({"parties": [_("Choose parties of this case.")]})
    else:
        chosen = [cp for cp in links if cp.role == PartyRole.RESPONDENT]
    return [{"role": cp.role, "kind": cp.party.kind, "name": cp.party.name, "id_kind": cp.party.id_kind,
             "id_number": cp.party.id_number, "address": cp.service_address or cp.party.address}
            for cp in chosen]


@audited
def delegation_create(*, actor, case: Case, kind: str, instructions: str, receiving_court: Court | None = None,
                      external_court_name: str = "", external_court_address: str = "", amount=None,
                      party_ids=None, papers=()) -> Delegation:
    """A draft request from ``case`` (checked as the letter will go: the receiver, the step, the amount bound)."""
    case = lock_case(case)
    require(actor, Perm.DELEGATION_SEND, case)
    errors: dict[str, list[str]] = {}
    if kind not in Kind.values:
        errors["kind"] = [_("Unknown step.")]
    if case.stage not in (Stage.REGISTERED, Stage.NOTICE, Stage.INVESTIGATION, Stage.CONTROL, Stage.DISPOSAL,
                          Stage.PAYOUT):
        errors["case"] = [_("Only a case in enforcement can delegate (not suspended, stayed or closed).")]
    external_court_name = clean_name(external_court_name or "", field="external_court_name", max_length=100,
                                     required=False) if external_court_name else ""
    external_court_address = clean_text(external_court_address, field="external_court_address", max_length=300)
    if receiving_court is not None and external_court_name:
        errors["receiving_court"] = [_("Choose a court in the system or name one outside it, not both.")]
    elif receiving_court is None and not external_court_name:
        errors["receiving_court"] = [_("Choose the receiving court, or name a court outside the system.")]
    elif receiving_court is not None and receiving_court.pk == case.court_id:
        errors["receiving_court"] = [_("A court cannot delegate to itself.")]
    if external_court_name and not external_court_address:
        errors["external_court_address"] = [_("Give the address the letter goes to.")]
    try:
        instructions = clean_text(instructions, field="instructions", max_length=INSTRUCTIONS_MAX, multiline=True,
                                  required=True, required_message=_("Say what the receiving court is to do."))
    except ValidationError as exc:
        errors.update({k: [m for e in v for m in e.messages] for k, v in exc.error_dict.items()})
    value = None
    if kind in CONTROL_KINDS:
        try:
            value = money_input(amount, field="amount", positive=True)
        except ValidationError as exc:
            errors.update({k: [m for e in v for m in e.messages] for k, v in exc.error_dict.items()})
        else:
            available = bounds.available_for_control(case)
            if value > available:
                errors["amount"] = [_("At most ¥%(amount)s may still be frozen or seized in this case (the "
                                      "outstanding claim less what is already held or requested).") % {
                    "amount": f"{available:,.2f}"}]
    elif amount not in (None, ""):
        errors["amount"] = [_("Only a freeze or a seizure carries an amount.")]
    if kind == Kind.WHOLE_CASE and receiving_court is None and not errors.get("receiving_court"):
        errors["receiving_court"] = [_("A whole case can only be entrusted to a court in the system; for a court "
                                       "outside it, send the papers and close the case by 销案.")]
    subjects = []
    try:
        subjects = _subjects(case, party_ids)
    except ValidationError as exc:
        errors.update({k: [m for e in v for m in e.messages] for k, v in exc.error_dict.items()})
    if kind == Kind.WHOLE_CASE and not errors:
        if Delegation.objects.filter(case=case, kind=Kind.WHOLE_CASE,
                                     status__in=(Status.DRAFT, Status.SENT)).exists():
            errors["kind"] = [_("This case already has an entrustment waiting.")]
    if errors:
        raise ValidationError(errors)
    officer = case.officer or actor
    d = Delegation.objects.create(
        sending_court=case.court, case=case, kind=kind, receiving_court=receiving_court,
        external_court_name=external_court_name, external_court_address=external_court_address,
        instructions=instructions, amount=value, subjects=subjects, created_by=actor,
        contact_name=officer.display_name, contact_phone=(officer.phone or case.court.phone or "")[:40])
    with stored_files_removed_on_error() as stored:
        for upload in papers or ():
            _paper_store(actor=actor, d=d, side=PaperSide.REQUEST, upload=upload, stored=stored)
    _log(d, type="created", actor=actor, court=case.court, summary=_("Draft prepared"))
    return d


def _number_take(*, court: Court, year: int) -> int:
    seq, _created = DelegationSequence.objects.select_for_update().get_or_create(court=court, year=year)
    seq.last_serial += 1
    seq.save(update_fields=["last_serial"])
    return seq.last_serial


def number_compose(*, court: Court, year: int, serial: int) -> str:
    """The letter's number: （2026）甘0503执委12号 (the sending court's own series per year)."""
    return f"（{year}）{court.code}执委{serial}号"


@audited
def delegation_send(*, actor, delegation: Delegation) -> Delegation:
    """Send the draft: numbered now (no gaps for drafts never sent); the deadlines start on the day sent."""
    lock_case(delegation.case)
    d = _lock(delegation)
    require(actor, Perm.DELEGATION_SEND, d.case)
    if d.kind == Kind.WHOLE_CASE and not has_perm(actor, Perm.CASE_CLOSE_APPROVE, d.case):
        raise PermissionDenied(_("Entrusting a whole case ends it here: the chief sends it."))
    if d.status != Status.DRAFT:
        raise ValidationError({"status": [_("Only a draft can be sent; this one is %(status)s.") % {
            "status": d.get_status_display()}]})
    if not d.case.is_open or d.case.stage in (Stage.SUSPENDED, Stage.STAYED):
        raise ValidationError({"case": [_("Only a case in enforcement can delegate (not suspended, stayed or "
                                          "closed).")]})
    if d.kind in CONTROL_KINDS:
        available = bounds.available_for_control(d.case, exclude_pk=d.pk)
        if d.amount > available:
            raise ValidationError({"amount": [_("At most ¥%(amount)s may still be frozen or seized in this case (the "
                                                "outstanding claim less what is already held or requested).") % {
                "amount": f"{available:,.2f}"}]})
    today = _today()
    d.year = today.year
    d.serial = _number_take(court=d.sending_court, year=d.year)
    d.number = number_compose(court=d.sending_court, year=d.year, serial=d.serial)
    d.status, d.sent_on, d.sent_by = Status.SENT, today, actor
    d.save(update_fields=["year", "serial", "number", "status", "sent_on", "sent_by", "updated_at"])
    _log(d, type="sent", actor=actor, court=d.sending_court,
         summary=_("Sent to %(court)s") % {"court": d.receiver_name})
    _case_event(d, type="delegation_sent", actor=actor,
                summary=_("Delegation %(number)s sent to %(court)s: %(kind)s") % {
                    "number": d.number, "court": d.receiver_name, "kind": d.get_kind_display()})
    return d


@audited
def delegation_withdraw(*, actor, delegation: Delegation, reason: str) -> Delegation:
    d = _lock(delegation)
    require(actor, Perm.DELEGATION_SEND, d.case)
    if d.status not in WITHDRAWABLE:
        raise ValidationError({"status": [_("A delegation that was answered, refused or closed cannot be "
                                            "withdrawn.")]})
    reason = clean_text(reason, field="reason", max_length=REASON_MAX, multiline=True, required=True,
                        required_message=_("Say why it is withdrawn."))
    was_sent = d.status != Status.DRAFT
    d.status, d.withdrawn_on, d.withdraw_reason = Status.WITHDRAWN, _today(), reason
    d.save(update_fields=["status", "withdrawn_on", "withdraw_reason", "updated_at"])
    _log(d, type="withdrawn", actor=actor, court=d.sending_court, summary=_("Withdrawn: %(reason)s") % {
        "reason": reason})
    if was_sent:
        _case_event(d, type="delegation_withdrawn", actor=actor,
                    summary=_("Delegation %(number)s withdrawn: %(reason)s") % {"number": d.number, "reason": reason})
    return d


@audited
def delegation_close(*, actor, delegation: Delegation) -> Delegation:
    """The sender closes an answered or refused delegation (it has read the reply)."""
    d = _lock(delegation)
    require(actor, Perm.DELEGATION_SEND, d.case)
    if d.status not in (Status.ANSWERED, Status.REFUSED):
        raise ValidationError({"status": [_("Only an answered or refused delegation can be closed.")]})
    d.status, d.closed_on = Status.CLOSED, _today()
    d.save(update_fields=["status", "closed_on", "updated_at"])
    _log(d, type="closed", actor=actor, court=d.sending_court, summary=_("Closed by the sending court"))
    return d


# --- receiving side -------------------------------------------------------------------------------------------------

def _assignment_check(d: Delegation, team: Team | None, officer: User | None) -> None:
    errors = {}
    if team is None:
        errors["team"] = [_("Choose the team that will do it.")]
    elif team.court_id != d.receiving_court_id:
        errors["team"] = [_("Choose a team of the receiving court.")]
    if officer is not None and (officer.court_id != d.receiving_court_id or not officer.is_active
                                or (team is not None and not officer.teams.filter(pk=team.pk).exists())):
        errors["officer"] = [_("Choose an officer of that team.")]
    if errors:
        raise ValidationError(errors)


@audited
def delegation_accept(*, actor, delegation: Delegation, team: Team | None = None,
                      officer: User | None = None) -> Delegation:
    """The receiving court accepts and assigns the work. 委托执行: registers the case here (a new number, the
    parties, the outstanding claim) and closes it at the sending court (销案), in the same transaction."""
    lock_case(delegation.case)
    d = _lock(delegation)
    _require_receiver(actor, d, assign=True)
    if d.status != Status.SENT:
        raise ValidationError({"status": [_("Only a delegation awaiting acceptance can be accepted; this one is "
                                            "%(status)s.") % {"status": d.get_status_display()}]})
    _assignment_check(d, team, officer)
    today = _today()
    d.accepted_on, d.accepted_by, d.team, d.officer = today, actor, team, officer
    if d.kind == Kind.WHOLE_CASE:
        _entrust(actor=actor, d=d, today=today)
    else:
        d.status = Status.ACCEPTED
    d.save()
    who = f"{team.name}" + (f" / {officer.display_name}" if officer else "")
    _log(d, type="accepted", actor=actor, court=d.receiving_court,
         summary=_("Accepted by %(court)s, assigned to %(who)s") % {"court": d.receiving_court.name, "who": who})
    if d.kind != Kind.WHOLE_CASE:
        _case_event(d, type="delegation_accepted", actor=actor,
                    summary=_("Delegation %(number)s accepted by %(court)s") % {
                        "number": d.number, "court": d.receiving_court.name})
    return d


def _entrust(*, actor, d: Delegation, today: date) -> None:
    from cases.services.closures import _close_case  # the one way a case is closed (stage, pauses, timeline)
    from cases.services.registration import case_register, party_input_from

    case = d.case
    if not has_perm(actor, Perm.CASE_REGISTER, Target(court_id=d.receiving_court_id)):
        raise PermissionDenied(_("Registering the entrusted case needs the right to register cases."))
    if not case.is_open:
        raise ValidationError({"case": [_("The sending case is no longer open.")]})
    ledger = None
    try:
        from django.apps import apps

        ledger = apps.get_model("assets", "LedgerEntry")
    except LookupError:  # pragma: no cover
        pass
    if ledger is not None:
        from django.db.models import Sum

        held = ledger.objects.filter(case=case).aggregate(s=Sum("signed_amount"))["s"] or 0
        if held:
            raise ValidationError({"case": [_("Money is still held on the sending case's account; it must be paid "
                                              "out before the case moves.")]})
    parties = [party_input_from(cp) for cp in case.case_parties.select_related("party").order_by("role", "position")]
    outstanding = max(case.amount_claimed - case.amount_recovered, 0)
    new = case_register(
        actor=actor, court=d.receiving_court, case_type=case.case_type if case.case_type == "执恢" else "执",
        received_on=d.sent_on or today, filed_on=today,
        basis_kind=case.basis_kind, basis_issuer=case.basis_issuer, basis_number=case.basis_number,
        basis_effective_on=case.basis_effective_on, basis_due_on=case.basis_due_on, cause=case.cause,
        obligation_kind=case.obligation_kind, act_description=case.act_description, principal=outstanding,
        non_litigation=case.non_litigation, parties=parties, team=d.team, officer=d.officer,
        tags=[*list(getattr(case, "tags", []) or []), "委托执行"][:20])
    d.receiving_case = new
    d.status, d.started_on, d.answered_on, d.answered_by = Status.CLOSED, today, today, actor
    d.outcome = Outcome.DONE
    d.result = _("Registered at %(court)s as %(number)s") % {"court": d.receiving_court.name, "number": new.number}
    d.closed_on = today
    case_events.event_log(case=new, type="entrusted_in", actor=actor,
                          summary=_("Entrusted by %(court)s (%(letter)s), from case %(number)s") % {
                              "court": d.sending_court.name, "letter": d.number, "number": case.number},
                          delegation_id=d.pk, from_case_number=case.number)
    _close_case(actor=actor, case=case, mode=ClosureMode.WITHDRAWN, on=today)
    _case_event(d, type="entrusted_out", actor=actor,
                summary=_("Entrusted to %(court)s (%(letter)s), registered there as %(number)s; closed here by "
                          "销案") % {"court": d.receiving_court.name, "letter": d.number, "number": new.number},
                receiving_case_number=new.number)


@audited
def delegation_refuse(*, actor, delegation: Delegation, reason: str) -> Delegation:
    d = _lock(delegation)
    _require_receiver(actor, d, assign=True)
    if d.status != Status.SENT:
        raise ValidationError({"status": [_("Only a delegation awaiting acceptance can be refused.")]})
    reason = clean_text(reason, field="reason", max_length=REASON_MAX, multiline=True, required=True,
                        required_message=_("Say why it is refused."))
    d.status, d.refused_on, d.refuse_reason, d.accepted_by = Status.REFUSED, _today(), reason, actor
    d.save(update_fields=["status", "refused_on", "refuse_reason", "accepted_by", "updated_at"])
    _log(d, type="refused", actor=actor, court=d.receiving_court, summary=_("Refused: %(reason)s") % {
        "reason": reason})
    _case_event(d, type="delegation_refused", actor=actor,
                summary=_("Delegation %(number)s refused by %(court)s: %(reason)s") % {
                    "number": d.number, "court": d.receiving_court.name, "reason": reason})
    return d


@audited
def delegation_start(*, actor, delegation: Delegation) -> Delegation:
    d = _lock(delegation)
    _require_receiver(actor, d)
    if d.receiving_court_id is None:
        raise ValidationError({"status": [_("A court outside the system reports by letter.")]})
    if d.status != Status.ACCEPTED:
        raise ValidationError({"status": [_("Only an accepted delegation can be started.")]})
    d.status, d.started_on = Status.IN_PROGRESS, _today()
    d.save(update_fields=["status", "started_on", "updated_at"])
    _log(d, type="started", actor=actor, court=d.receiving_court, summary=_("Work started"))
    return d


@audited
def delegation_reply(*, actor, delegation: Delegation, result: str, outcome: str, answered_on: date | None = None,
                     papers=()) -> Delegation:
    """The result, once: the receiving court's officer answers (or, for a court outside the system, the sending
    court records the letter it got back, with its scan). The reply lands on the sending case's timeline."""
    lock_case(delegation.case)
    d = _lock(delegation)
    _require_receiver(actor, d)
    if d.kind == Kind.WHOLE_CASE:
        raise ValidationError({"status": [_("An entrusted case is answered by registering it.")]})
    allowed = (Status.SENT,) if d.external else (Status.ACCEPTED, Status.IN_PROGRESS)
    if d.status not in allowed:
        raise ValidationError({"status": [_("This delegation cannot be answered now: it is %(status)s.") % {
            "status": d.get_status_display()}]})
    errors: dict[str, list[str]] = {}
    try:
        result = clean_text(result, field="result", max_length=RESULT_MAX, multiline=True, required=True,
                            required_message=_("Say what was done."))
    except ValidationError as exc:
        errors.update({k: [m for e in v for m in e.messages] for k, v in exc.error_dict.items()})
    if outcome not in Outcome.values:
        errors["outcome"] = [_("Choose the outcome.")]
    today = _today()
    answered_on = answered_on or today
    if not isinstance(answered_on, date) or answered_on > today:
        errors["answered_on"] = [_("The date cannot be in the future.")]
    elif d.sent_on and answered_on < d.sent_on:
        errors["answered_on"] = [_("The reply cannot be dated before the request was sent.")]
    if d.external and not papers:
        errors["papers"] = [_("Attach the scan of the reply letter.")]
    if errors:
        raise ValidationError(errors)
    d.status, d.result, d.outcome, d.answered_on, d.answered_by = (Status.ANSWERED, result, outcome, answered_on,
                                                                    actor)
    if d.started_on is None:
        d.started_on = min(answered_on, d.accepted_on or answered_on) if not d.external else answered_on
    d.save()
    with stored_files_removed_on_error() as stored:
        for upload in papers or ():
            _paper_store(actor=actor, d=d, side=PaperSide.REPLY, upload=upload, stored=stored)
    court = d.receiving_court or d.sending_court
    _log(d, type="answered", actor=actor, court=court,
         summary=_("Answered (%(outcome)s): %(result)s") % {"outcome": d.get_outcome_display(), "result": result})
    _case_event(d, type="delegation_answered", actor=actor,
                summary=_("Reply to delegation %(number)s from %(court)s (%(outcome)s): %(result)s") % {
                    "number": d.number, "court": d.receiver_name, "outcome": d.get_outcome_display(),
                    "result": result},
                outcome=outcome, answered_on=answered_on.isoformat())
    return d


"""Every write of objections and reconsideration (domain.md §3.4). Invariants: docs/review.md."""

from __future__ import annotations

from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Court, TeamKind
from accounts.policy import Perm, Target, require
from cases.events import event_log
from cases.models import Case, CaseType, ClosureMode, PartyKind, PartyRole, Stage
from cases.services import PartyInput, case_register
from core.text import clean_name, clean_text

from .models import (
    ContestedKind,
    Objection,
    ObjectionKind,
    ObjectionStatus,
    Reconsideration,
    ReconsiderationOutcome,
    RulingOutcome,
    Session,
    SessionKind,
)

FILING_DAYS = 3  # OBJ art 2: file within 3 days of receipt
RECONSIDERATION_DAYS = 10  # CPL art 236: apply within 10 days of service
SUIT_DAYS = 15  # CPL art 238: sue within 15 days of service
MINUTES_MAX_BYTES = 10 * 1024 * 1024
MINUTES_TYPES = {".pdf": b"%PDF", ".jpg": b"\xff\xd8\xff", ".jpeg": b"\xff\xd8\xff", ".png": b"\x89PNG"}


def _date(value, field: str) -> date:
    if not isinstance(value, date):
        raise ValidationError({field: _("Enter a valid date.")})
    if value > timezone.localdate():
        raise ValidationError({field: _("The date cannot be in the future.")})
    return value


def _lock(objection: Objection) -> Objection:
    Case.objects.select_for_update(of=("self",)).filter(pk=objection.enforcement_case_id).first()
    return (Objection.objects.select_for_update(of=("self",))
            .select_related("case", "enforcement_case", "asset", "court").get(pk=objection.pk))


def _log(objection: Objection, *, type: str, actor, summary: str, **params) -> None:
    """The event on both timelines: the enforcement case's and the review case's own."""
    for case in (objection.enforcement_case, objection.case):
        event_log(case=case, type=type, actor=actor, summary=summary, objection_id=objection.pk, **params)


def _contested(*, case: Case, contested_kind: str, asset_id, disposal_id, control_id, contested_act: str) -> dict:
    from assets.models import Asset, ControlMeasure, Disposal

    if contested_kind not in ContestedKind.values:
        raise ValidationError({"contested_kind": _("Choose what the objection contests.")})
    out = {"asset": None, "disposal": None, "control": None, "contested_act": contested_act}
    if contested_kind == ContestedKind.DISPOSAL:
        disposal = Disposal.objects.filter(pk=disposal_id, case_id=case.pk).select_related("asset").first() \
            if disposal_id else None
        if disposal is None:
            raise ValidationError({"disposal": _("Choose a disposal of this case.")})
        out.update(disposal=disposal, asset=disposal.asset)
    elif contested_kind == ContestedKind.CONTROL:
        control = ControlMeasure.objects.filter(pk=control_id, case_id=case.pk).select_related("asset").first() \
            if control_id else None
        if control is None:
            raise ValidationError({"control": _("Choose a control measure of this case.")})
        out.update(control=control, asset=control.asset)
    elif contested_kind == ContestedKind.ASSET:
        asset = Asset.objects.filter(pk=asset_id, case_id=case.pk).first() if asset_id else None
        if asset is None:
            raise ValidationError({"asset": _("Choose an asset of this case.")})
        out["asset"] = asset
    elif not contested_act:
        raise ValidationError({"contested_act": _("Describe the contested act.")})
    return out


@transaction.atomic
def objection_register(
    *, actor, enforcement_case: Case, kind: str, objector: str, objector_kind: str = PartyKind.PERSON,
    objector_phone: str = "", contested_kind: str, asset_id: int | None = None, disposal_id: int | None = None,
    control_id: int | None = None, contested_act: str = "", request: str, grounds: str = "", received_on: date,
    accepted_on: date | None = None, suspends: bool = False, suspension_reason: str = "", team=None, officer=None,
) -> Objection:
    """Register an objection as a 执异 case of the enforcement case's court, naming what it contests; with
    ``suspends`` the contested asset is held (no disposal step) until the hold is lifted (see ``_hold_after``)."""
    case = Case.objects.select_for_update(of=("self",)).select_related("court").get(pk=enforcement_case.pk)
    require(actor, Perm.REVIEW_HANDLE, Target(court_id=case.court_id))
    require(actor, Perm.CASE_REGISTER, Target(court_id=case.court_id))
    if case.case_type not in (CaseType.FIRST, CaseType.RESUMED, CaseType.PRESERVATION):
        raise ValidationError({"enforcement_case": _("Objections are registered against an enforcement case.")})
    if kind not in ObjectionKind.values:
        raise ValidationError({"kind": _("Choose the kind of objection.")})
    if objector_kind not in PartyKind.values:
        raise ValidationError({"objector_kind": _("Unknown party kind.")})
    objector = clean_name(objector, field="objector", max_length=200)
    objector_phone = clean_text(objector_phone, field="objector_phone", max_length=40)
    contested_act = clean_text(contested_act, field="contested_act", max_length=300)
    request = clean_text(request, field="request", max_length=2000, multiline=True, required=True,
                         required_message=_("State what the objector asks for."))
    grounds = clean_text(grounds, field="grounds", max_length=5000, multiline=True)
    suspension_reason = clean_text(suspension_reason, field="suspension_reason", max_length=300)
    received_on = _date(received_on, "received_on")
    accepted_on = _date(accepted_on or timezone.localdate(), "accepted_on")
    if accepted_on < received_on:
        raise ValidationError({"accepted_on": _("The objection cannot be accepted before it was received.")})
    if received_on < case.filed_on:
        raise ValidationError({"received_on": _("The objection cannot predate the enforcement case.")})
    target = _contested(case=case, contested_kind=contested_kind, asset_id=asset_id, disposal_id=disposal_id,
                        control_id=control_id, contested_act=contested_act)
    if suspends and target["asset"] is None:
        raise ValidationError({"suspends": _("Only an objection naming an asset, its disposal or its control "
                                             "measure can suspend its disposal.")})
    if suspends and kind == ObjectionKind.ACT and not suspension_reason:
        # EXEC-PROC art 9: enforcement continues during an objection to an act unless the court orders otherwise.
        raise ValidationError({"suspension_reason": _("Give the reason for suspending the act (e.g. the guarantee "
                                                      "given): enforcement otherwise continues.")})
    if team is None or team.court_id != case.court_id or team.kind != TeamKind.ADJUDICATION or not team.is_active:
        raise ValidationError({"team": _("Choose an adjudication team (执行裁决组) of this court.")})
    duplicate = Objection.objects.filter(
        enforcement_case=case, objector=objector, contested_kind=contested_kind, asset=target["asset"],
        disposal=target["disposal"], control=target["control"], contested_act=target["contested_act"],
        status=ObjectionStatus.PENDING).first()
    if duplicate is not None:
        raise ValidationError({"objector": _("%(objector)s's objection to this is already registered as %(number)s.")
                               % {"objector": objector, "number": duplicate.case.number}})
    # The objector in the 执异 case: a party of the enforcement case keeps its record and role (a debtor objecting
    # is 被执行人 there too); a third party is 案外人; anyone else objecting to an act is the applicant of the review.
    known = None
    if kind == ObjectionKind.ACT:
        known = (case.case_parties.select_related("party").filter(party__name=objector)
                 .order_by("role", "position").first())
    if known is not None:
        objector_party = PartyInput(role=known.role, kind=known.party.kind, name=known.party.name, party=known.party,
                                    address=known.service_address or known.party.address,
                                    phones=[objector_phone or known.phone])
    else:
        objector_party = PartyInput(
            role=PartyRole.THIRD_PARTY if kind == ObjectionKind.THIRD_PARTY else PartyRole.APPLICANT,
            kind=objector_kind, name=objector, phones=[objector_phone] if objector_phone else [])
    review_case = case_register(
        actor=actor, court=case.court, case_type=CaseType.OBJECTION, received_on=received_on, filed_on=accepted_on,
        basis_kind="other", basis_issuer=case.court.name, basis_number=case.number,
        basis_effective_on=min(case.filed_on, received_on), obligation_kind="act", act_description=request,
        cause=_("Enforcement objection")[:100],
        parties=[objector_party],
        team=team, officer=officer, origin_case=None)
    try:
        with transaction.atomic():
            objection = Objection.objects.create(
                case=review_case, enforcement_case=case, court_id=case.court_id, kind=kind, objector=objector,
                objector_phone=objector_phone, contested_kind=contested_kind, request=request, grounds=grounds,
                received_on=received_on, accepted_on=accepted_on, suspends=suspends,
                suspension_reason=suspension_reason, hold_active=suspends, created_by=actor, **target)
    except IntegrityError:
        raise ValidationError({"objector": _("This objection is already registered.")}) from None
    what = str(target["asset"] or target["contested_act"])
    _log(objection, type="objection_registered", actor=actor,
         summary=_("Objection %(number)s by %(objector)s against %(what)s%(hold)s") % {
             "number": review_case.number, "objector": objector, "what": what,
             "hold": _(" (disposal suspended)") if suspends else ""})
    return objection


@transaction.atomic
def objection_papers_notice(*, actor, objection: Objection, notice_on: date) -> Objection:
    """The one notice of missing papers (OBJ art 2): 3 days to complete them."""
    objection = _lock(objection)
    require(actor, Perm.REVIEW_HANDLE, objection)
    if not objection.is_pending:
        raise ValidationError({"status": _("This objection is no longer under review.")})
    if objection.papers_notice_on is not None:
        raise ValidationError({"papers_notice_on": _("The missing-papers notice was already given (only once).")})
    notice_on = _date(notice_on, "papers_notice_on")
    if notice_on < objection.received_on:
        raise ValidationError({"papers_notice_on": _("The notice cannot predate the objection.")})
    objection.papers_notice_on = notice_on
    objection.save(update_fields=["papers_notice_on"])
    return objection


def _check_minutes_file(upload) -> None:
    if upload is None:
        return
    import os

    ext = os.path.splitext(upload.name or "")[1].lower()
    magic = MINUTES_TYPES.get(ext)
    if magic is None:
        raise ValidationError({"minutes_file": _("Upload the minutes as PDF, JPEG or PNG.")})
    if upload.size > MINUTES_MAX_BYTES:
        raise ValidationError({"minutes_file": _("The file is larger than 10 MB.")})
    head = upload.read(8)
    upload.seek(0)
    if not head.startswith(magic):
        raise ValidationError({"minutes_file": _("The file is not the kind its name says.")})


@transaction.atomic
def session_record(*, actor, objection: Objection, kind: str, held_on: date, participants: str, minutes: str = "",
                   minutes_file=None, outcome: str = "") -> Session:
    """Record a hearing (听证) or the panel's deliberation (合议): date, participants, minutes typed or uploaded."""
    objection = _lock(objection)
    require(actor, Perm.REVIEW_HANDLE, objection)
    if not objection.is_pending:
        raise ValidationError({"status": _("This objection is no longer under review.")})
    if kind not in SessionKind.values:
        raise ValidationError({"kind": _("Choose hearing or deliberation.")})
    held_on = _date(held_on, "held_on")
    if held_on < objection.accepted_on:
        raise ValidationError({"held_on": _("It cannot be held before the objection was accepted.")})
    participants = clean_text(participants, field="participants", max_length=1000, multiline=True, required=True,
                              required_message=_("List the participants."))
    minutes = clean_text(minutes, field="minutes", max_length=20000, multiline=True)
    outcome = clean_text(outcome, field="outcome", max_length=300)
    _check_minutes_file(minutes_file)
    if not minutes and minutes_file is None:
        raise ValidationError({"minutes": _("Type the minutes or upload them.")})
    session = Session(objection=objection, kind=kind, held_on=held_on, participants=participants, minutes=minutes,
                      outcome=outcome, recorded_by=actor)
    if minutes_file is not None:
        session.minutes_file.save(minutes_file.name, minutes_file, save=False)
    session.save()
    _log(objection, type="objection_session", actor=actor,
         summary=_("%(kind)s on objection %(number)s held on %(date)s") % {
             "kind": session.get_kind_display(), "number": objection.case.number, "date": held_on})
    return session


def _close_review_case(objection: Objection, *, on: date, actor) -> None:
    case = Case.objects.select_for_update(of=("self",)).get(pk=objection.case_id)
    case.stage, case.closed_on, case.closure_mode = Stage.CLOSED, max(on, case.filed_on), ClosureMode.REVIEW_DECIDED
    case.save(update_fields=["stage", "closed_on", "closure_mode", "updated_at"])


def _hold_after(objection: Objection) -> tuple[bool, date | None]:
    """The hold the facts give (only for an objection that suspends):

    - under review: held;
    - withdrawn: lifted;
    - objection to an act: dismissed → lifted; upheld/partly → held until lifted by the presiding judge once the act
      is corrected (``objection_hold_lift``); a reconsideration reversing a dismissal or sending it back holds it
      again;
    - third party: upheld/partly → held (the subject is out of this enforcement unless the applicant's suit wins);
      dismissed → held until the 15-day suit window after service has passed (unknown before service: held), or
      while a suit filed in time is pending (EXEC-PROC arts 15-16).
    """
    o = objection
    if not o.suspends or o.status == ObjectionStatus.WITHDRAWN:
        return False, None
    if o.status == ObjectionStatus.PENDING:
        return True, None
    recon = getattr(o, "reconsideration", None) if o.pk else None
    if o.kind == ObjectionKind.ACT:
        if recon is not None and recon.outcome in (ReconsiderationOutcome.REVERSED, ReconsiderationOutcome.REMANDED) \
                and o.outcome == RulingOutcome.DISMISSED:
            return True, None
        return (o.outcome != RulingOutcome.DISMISSED), None
    if o.outcome != RulingOutcome.DISMISSED:
        return True, None
    if o.suit_filed_on is not None:
        return (o.suit_ended_on is None), None
    if o.served_on is None:
        return True, None
    return True, o.served_on + timedelta(days=SUIT_DAYS)


def _apply_hold(objection: Objection, *, actor, lifted_manually: bool = False) -> None:
    before = (objection.hold_active, objection.hold_until)
    if lifted_manually:
        objection.hold_active, objection.hold_until = False, None
    else:
        objection.hold_active, objection.hold_until = _hold_after(objection)
    if (objection.hold_active, objection.hold_until) != before:
        objection.save(update_fields=["hold_active", "hold_until"])
        if objection.asset_id:
            if not objection.hold_active:
                summary = _("Suspension of the disposal of %(asset)s lifted (objection %(number)s)")
            elif objection.hold_until:
                summary = _("Disposal of %(asset)s suspended until %(date)s (objection %(number)s)")
            else:
                summary = _("Disposal of %(asset)s suspended (objection %(number)s)")
            _log(objection, type="objection_hold", actor=actor,
                 summary=summary % {"asset": objection.asset, "number": objection.case.number,
                                    "date": objection.hold_until},
                 hold_active=objection.hold_active,
                 hold_until=objection.hold_until.isoformat() if objection.hold_until else None)


@transaction.atomic
def objection_rule(*, actor, objection: Objection, outcome: str, ruled_on: date, reasons: str) -> Objection:
    """The ruling (裁定), within 15 days of the written objection (the engine's deadline; a late ruling is allowed
    and shows as met late). Only the presiding judge/chief (REVIEW_RULE), after the panel's deliberation."""
    objection = _lock(objection)
    require(actor, Perm.REVIEW_RULE, objection)
    if objection.status == ObjectionStatus.WITHDRAWN:
        raise ValidationError({"status": _("The objection was withdrawn: there is nothing to rule on.")})
    if objection.status != ObjectionStatus.PENDING:
        raise ValidationError({"status": _("This objection has already been ruled on.")})
    if outcome not in RulingOutcome.values:
        raise ValidationError({"outcome": _("Choose the outcome.")})
    ruled_on = _date(ruled_on, "ruled_on")
    if ruled_on < objection.accepted_on:
        raise ValidationError({"ruled_on": _("The ruling cannot predate the acceptance.")})
    reasons = clean_text(reasons, field="reasons", max_length=10000, multiline=True, required=True,
                         required_message=_("State the reasons of the ruling."))
    if not objection.sessions.filter(kind=SessionKind.DELIBERATION, held_on__lte=ruled_on).exists():
        raise ValidationError({"outcome": _("Record the panel's deliberation (合议) first: review cases are decided "
                                            "by a collegial panel.")})
    objection.status, objection.outcome, objection.ruled_on = ObjectionStatus.RULED, outcome, ruled_on
    objection.ruling_reasons, objection.ruled_by = reasons, actor
    objection.save(update_fields=["status", "outcome", "ruled_on", "ruling_reasons", "ruled_by"])
    _close_review_case(objection, on=ruled_on, actor=actor)
    _log(objection, type="objection_ruled", actor=actor,
         summary=_("Objection %(number)s ruled: %(outcome)s") % {"number": objection.case.number,
                                                                "outcome": objection.get_outcome_display()},
         outcome=outcome)
    _apply_hold(objection, actor=actor)
    return objection


@transaction.atomic
def objection_withdraw(*, actor, objection: Objection, withdrawn_on: date) -> Objection:
    objection = _lock(objection)
    require(actor, Perm.REVIEW_HANDLE, objection)
    if objection.status != ObjectionStatus.PENDING:
        raise ValidationError({"status": _("Only an objection under review can be withdrawn.")})
    withdrawn_on = _date(withdrawn_on, "withdrawn_on")
    if withdrawn_on < objection.received_on:
        raise ValidationError({"withdrawn_on": _("The date cannot predate the objection.")})
    objection.status, objection.withdrawn_on = ObjectionStatus.WITHDRAWN, withdrawn_on
    objection.save(update_fields=["status", "withdrawn_on"])
    _close_review_case(objection, on=withdrawn_on, actor=actor)
    _log(objection, type="objection_withdrawn", actor=actor,
         summary=_("Objection %(number)s withdrawn") % {"number": objection.case.number})
    _apply_hold(objection, actor=actor)
    return objection


@transaction.atomic
def objection_serve(*, actor, objection: Objection, served_on: date) -> Objection:
    """The ruling's service: the 10-day reconsideration and the 15-day suit windows count from it."""
    objection = _lock(objection)
    require(actor, Perm.REVIEW_HANDLE, objection)
    if objection.status != ObjectionStatus.RULED:
        raise ValidationError({"served_on": _("Only a ruling can be served.")})
    if objection.served_on is not None:
        raise ValidationError({"served_on": _("The service of the ruling is already recorded.")})
    served_on = _date(served_on, "served_on")
    if served_on < objection.ruled_on:
        raise ValidationError({"served_on": _("The ruling cannot be served before it was made.")})
    objection.served_on = served_on
    objection.save(update_fields=["served_on"])
    _log(objection, type="objection_served", actor=actor,
         summary=_("Ruling on objection %(number)s served on %(date)s") % {"number": objection.case.number,
                                                                           "date": served_on})
    _apply_hold(objection, actor=actor)
    return objection


@transaction.atomic
def objection_suit_record(*, actor, objection: Objection, filed_on: date | None = None,
                          ended_on: date | None = None) -> Objection:
    """The third party's suit (执行异议之诉): filed within 15 days of service keeps the subject held until it ends."""
    objection = _lock(objection)
    require(actor, Perm.REVIEW_HANDLE, objection)
    if objection.kind != ObjectionKind.THIRD_PARTY or objection.status != ObjectionStatus.RULED:
        raise ValidationError({"suit_filed_on": _("Only a ruled third-party objection leads to a suit.")})
    if objection.served_on is None:
        raise ValidationError({"suit_filed_on": _("Record the service of the ruling first.")})
    if filed_on is not None:
        if objection.suit_filed_on is not None:
            raise ValidationError({"suit_filed_on": _("The suit is already recorded.")})
        filed_on = _date(filed_on, "suit_filed_on")
        if filed_on < objection.served_on:
            raise ValidationError({"suit_filed_on": _("The suit cannot predate the service of the ruling.")})
        if filed_on > objection.served_on + timedelta(days=SUIT_DAYS):
            raise ValidationError({"suit_filed_on": _("The suit was filed after the 15-day window (ended %(date)s): "
                                                      "it does not hold the subject.") % {
                "date": objection.served_on + timedelta(days=SUIT_DAYS)}})
        objection.suit_filed_on = filed_on
    if ended_on is not None:
        if objection.suit_filed_on is None:
            raise ValidationError({"suit_ended_on": _("No suit is recorded.")})
        ended_on = _date(ended_on, "suit_ended_on")
        if ended_on < objection.suit_filed_on:
            raise ValidationError({"suit_ended_on": _("The suit cannot end before it was filed.")})
        objection.suit_ended_on = ended_on
    objection.save(update_fields=["suit_filed_on", "suit_ended_on"])
    _log(objection, type="objection_suit", actor=actor,
         summary=_("Suit after objection %(number)s: %(state)s") % {
             "number": objection.case.number,
             "state": _("ended %(date)s") % {"date": ended_on} if ended_on else _("filed %(date)s") % {
                 "date": filed_on}})
    _apply_hold(objection, actor=actor)
    return objection


@transaction.atomic
def objection_hold_lift(*, actor, objection: Objection, reason: str) -> Objection:
    """Lift a hold the facts no longer justify (an upheld objection's act corrected): the presiding judge only."""
    objection = _lock(objection)
    require(actor, Perm.REVIEW_RULE, objection)
    reason = clean_text(reason, field="reason", max_length=300, required=True)
    if objection.status == ObjectionStatus.PENDING:
        raise ValidationError({"reason": _("Rule on the objection (or record its withdrawal) first.")})
    if not objection.hold_active:
        raise ValidationError({"reason": _("No suspension is in force.")})
    if objection.kind == ObjectionKind.THIRD_PARTY and objection.outcome == RulingOutcome.DISMISSED \
            and objection.suit_filed_on and not objection.suit_ended_on:
        raise ValidationError({"reason": _("The third party's suit is pending: the subject stays held.")})
    _apply_hold(objection, actor=actor, lifted_manually=True)
    event_log(case=objection.case, type="objection_hold_note", actor=actor, summary=reason)
    return objection


def _higher_court(court: Court) -> Court:
    if court.parent_id is None:
        raise ValidationError({"higher_court": _("This court has no higher court.")})
    return court.parent


@transaction.atomic
def reconsideration_apply(*, actor, objection: Objection, applicant: str, applied_on: date) -> Reconsideration:
    """An application for reconsideration of an act-objection ruling, within 10 days of service (CPL art 236)."""
    objection = _lock(objection)
    require(actor, Perm.REVIEW_HANDLE, objection)
    if objection.kind != ObjectionKind.ACT:
        raise ValidationError({"applied_on": _("A third-party objection ruling is challenged by suit, not by "
                                               "reconsideration.")})
    if objection.status != ObjectionStatus.RULED or objection.served_on is None:
        raise ValidationError({"applied_on": _("Reconsideration follows a ruling that has been served.")})
    if Reconsideration.objects.filter(objection=objection).exists():
        raise ValidationError({"applied_on": _("An application for reconsideration is already recorded.")})
    applicant = clean_name(applicant, field="applicant", max_length=200)
    applied_on = _date(applied_on, "applied_on")
    last = objection.served_on + timedelta(days=RECONSIDERATION_DAYS)
    if applied_on < objection.served_on:
        raise ValidationError({"applied_on": _("The application cannot predate the service of the ruling.")})
    if applied_on > last:
        raise ValidationError({"applied_on": _("The 10-day period to apply ended on %(date)s.") % {"date": last}})
    recon = Reconsideration.objects.create(objection=objection, higher_court=_higher_court(objection.court),
                                           applicant=applicant, applied_on=applied_on, created_by=actor)
    _log(objection, type="reconsideration_applied", actor=actor,
         summary=_("Reconsideration of objection %(number)s applied for by %(who)s") % {
             "number": objection.case.number, "who": applicant})
    return recon


def _lock_recon(recon: Reconsideration) -> tuple[Objection, Reconsideration]:
    objection = _lock(recon.objection)
    return objection, Reconsideration.objects.select_for_update().get(pk=recon.pk)


@transaction.atomic
def reconsideration_send_up(*, actor, reconsideration: Reconsideration, sent_on: date) -> Reconsideration:
    """The file sent to the higher court, within 5 days of the application (EXEC-PROC art 7)."""
    objection, recon = _lock_recon(reconsideration)
    require(actor, Perm.REVIEW_HANDLE, objection)
    if recon.file_sent_on is not None:
        raise ValidationError({"file_sent_on": _("The file has already been sent up.")})
    sent_on = _date(sent_on, "file_sent_on")
    if sent_on < recon.applied_on:
        raise ValidationError({"file_sent_on": _("The file cannot be sent before the application.")})
    recon.file_sent_on = sent_on
    recon.save(update_fields=["file_sent_on"])
    _log(objection, type="reconsideration_sent_up", actor=actor,
         summary=_("File of objection %(number)s sent to %(court)s") % {"number": objection.case.number,
                                                                        "court": recon.higher_court.name})
    return recon


def _require_higher(actor, recon: Reconsideration) -> None:
    require(actor, Perm.REVIEW_RULE, Target(court_id=recon.higher_court_id))


@transaction.atomic
def reconsideration_extend(*, actor, reconsideration: Reconsideration) -> Reconsideration:
    """The president's approval of 30 more days (EXEC-PROC art 8): the higher court's chief, once."""
    objection, recon = _lock_recon(reconsideration)
    _require_higher(actor, recon)
    if recon.outcome or recon.extended:
        raise ValidationError({"extended": _("The period can be extended once, before the decision.")})
    recon.extended = True
    recon.save(update_fields=["extended"])
    return recon


@transaction.atomic
def reconsideration_decide(*, actor, reconsideration: Reconsideration, outcome: str, decided_on: date,
                           higher_number: str = "") -> Reconsideration:
    """The higher court's decision: upheld, reversed or sent back (within 30 days, +30 with approval)."""
    objection, recon = _lock_recon(reconsideration)
    _require_higher(actor, recon)
    if recon.outcome:
        raise ValidationError({"outcome": _("The reconsideration has already been decided.")})
    if recon.file_sent_on is None:
        raise ValidationError({"outcome": _("The file has not been sent up yet.")})
    if outcome not in ReconsiderationOutcome.values:
        raise ValidationError({"outcome": _("Choose the outcome.")})
    decided_on = _date(decided_on, "decided_on")
    if decided_on < recon.file_sent_on:
        raise ValidationError({"decided_on": _("The decision cannot predate the file's arrival.")})
    recon.outcome, recon.decided_on, recon.decided_by = outcome, decided_on, actor
    recon.higher_number = clean_text(higher_number, field="higher_number", max_length=40)
    recon.save(update_fields=["outcome", "decided_on", "decided_by", "higher_number"])
    _log(objection, type="reconsideration_decided", actor=actor,
         summary=_("Reconsideration of objection %(number)s: %(outcome)s") % {
             "number": objection.case.number, "outcome": recon.get_outcome_display()}, outcome=outcome)
    objection.reconsideration = recon
    _apply_hold(objection, actor=actor)
    return recon


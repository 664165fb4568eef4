"""The case timeline: one function per event type, so every entry reads the same way wherever it comes from."""

from __future__ import annotations

from django.utils.translation import gettext as _

from .models import Case, CaseEvent


def event_log(*, case: Case, type: str, actor, summary: str, **parameters) -> CaseEvent:
    return CaseEvent.objects.create(case=case, type=type, actor=actor, summary=summary[:300], parameters=parameters)


def case_registered(*, case: Case, actor) -> CaseEvent:
    return event_log(case=case, type="case_registered", actor=actor,
                     summary=_("Case %(number)s registered") % {"number": case.number})


def case_assigned(*, case: Case, actor, team, officer, previous_team, previous_officer) -> CaseEvent:
    return event_log(
        case=case, type="case_assigned", actor=actor,
        summary=_("Assigned to %(team)s / %(officer)s") % {"team": team or "-", "officer": officer or "-"},
        team_id=getattr(team, "pk", None), officer_id=getattr(officer, "pk", None),
        previous_team_id=getattr(previous_team, "pk", None), previous_officer_id=getattr(previous_officer, "pk", None),
    )


def stage_changed(*, case: Case, actor, old: str, new: str, reason: str = "", step: str = "",
                  step_label: str = "") -> CaseEvent:
    """A stage change; ``step`` (a ``core.rules.stages.StepEvent``) when a recorded step moved the case, with
    ``step_label`` saying which one in words."""
    from .models import Stage

    note = reason or (_("after: %(step)s") % {"step": step_label} if step_label else "")
    return event_log(
        case=case, type="stage_changed", actor=actor,
        summary=_("Stage: %(old)s → %(new)s") % {"old": Stage(old).label, "new": Stage(new).label}
        + (f" ({note})" if note else ""),
        old=old, new=new, reason=reason, step=step,
    )


def stream_overridden(*, case: Case, actor, old: str, new: str, reason: str) -> CaseEvent:
    from .models import Stream

    return event_log(case=case, type="stream_overridden", actor=actor,
                     summary=_("Stream: %(old)s → %(new)s") % {"old": Stream(old).label, "new": Stream(new).label}
                     + (f" ({reason})" if reason else ""), old=old, new=new, reason=reason)


def action_logged(*, case: Case, actor, action) -> CaseEvent:
    return event_log(case=case, type="action_logged", actor=actor,
                     summary=f"{action.get_kind_display()}: {action.summary}", action_id=action.pk, kind=action.kind,
                     occurred_on=action.occurred_on.isoformat())


def attachment_added(*, case: Case, actor, attachment) -> CaseEvent:
    return event_log(case=case, type="attachment_added", actor=actor,
                     summary=_("Attachment added: %(name)s") % {"name": attachment.original_name},
                     attachment_id=attachment.pk, action_id=attachment.action_id)


def lead_registered(*, case: Case, actor, lead) -> CaseEvent:
    return event_log(case=case, type="lead_registered", actor=actor,
                     summary=(_("Urgent asset lead received: %(text)s") if lead.urgent
                              else _("Asset lead received: %(text)s")) % {"text": lead.description[:80]},
                     lead_id=lead.pk)


def lead_handled(*, case: Case, actor, lead) -> CaseEvent:
    """线索核实: the lead, what the check turned up (属实/不属实) and what was done."""
    if lead.outcome:
        summary = _("Lead checked (%(lead)s): %(outcome)s. %(text)s") % {
            "lead": lead.description[:40], "outcome": lead.get_outcome_display(), "text": lead.result}
    else:
        summary = _("Lead checked (%(lead)s): %(text)s") % {"lead": lead.description[:40], "text": lead.result}
    return event_log(case=case, type="lead_handled", actor=actor, summary=summary, lead_id=lead.pk,
                     outcome=lead.outcome)


def petition_registered(*, case: Case, actor, petition) -> CaseEvent:
    return event_log(case=case, type="petition_registered", actor=actor,
                     summary=_("%(kind)s received, answer due %(due)s") % {
                         "kind": petition.get_kind_display(), "due": petition.due_on},
                     petition_id=petition.pk)


def petition_answered(*, case: Case, actor, petition) -> CaseEvent:
    return event_log(case=case, type="petition_answered", actor=actor,
                     summary=_("%(kind)s answered") % {"kind": petition.get_kind_display()}, petition_id=petition.pk)


def settlement_registered(*, case: Case, actor, settlement) -> CaseEvent:
    return event_log(case=case, type="settlement_registered", actor=actor,
                     summary=_("Settlement agreement signed: ¥%(total)s in %(n)s instalment(s)") % {
                         "total": f"{settlement.total_amount:,.2f}", "n": settlement.instalments.count()},
                     settlement_id=settlement.pk)


def instalment_paid(*, case: Case, actor, instalment) -> CaseEvent:
    return event_log(case=case, type="instalment_paid", actor=actor,
                     summary=_("Settlement instalment %(n)s: ¥%(paid)s of ¥%(amount)s paid") % {
                         "n": instalment.number, "paid": f"{instalment.paid_amount:,.2f}",
                         "amount": f"{instalment.amount:,.2f}"},
                     instalment_id=instalment.pk)


def settlement_performed(*, case: Case, actor, settlement) -> CaseEvent:
    return event_log(case=case, type="settlement_performed", actor=actor,
                     summary=_("Settlement agreement fully performed"), settlement_id=settlement.pk)


def settlement_breached(*, case: Case, actor, settlement) -> CaseEvent:
    return event_log(case=case, type="settlement_breached", actor=actor,
                     summary=_("Settlement agreement breached; enforcement may resume: %(note)s") % {
                         "note": settlement.breach_note[:80]}, settlement_id=settlement.pk)


def closure_requested(*, case: Case, actor, request) -> CaseEvent:
    return event_log(case=case, type="closure_requested", actor=actor,
                     summary=_("Closure requested: %(mode)s") % {"mode": request.get_mode_display()},
                     request_id=request.pk, mode=request.mode)


def closure_approved(*, case: Case, actor, request) -> CaseEvent:
    return event_log(case=case, type="closure_approved", actor=actor,
                     summary=_("Closure approved: %(mode)s") % {"mode": request.get_mode_display()},
                     request_id=request.pk, mode=request.mode)


def closure_returned(*, case: Case, actor, request) -> CaseEvent:
    return event_log(case=case, type="closure_returned", actor=actor,
                     summary=_("Closure request returned: %(reason)s") % {"reason": request.return_reason[:80]},
                     request_id=request.pk)


def case_resumed(*, case: Case, actor, new_case) -> CaseEvent:
    return event_log(case=case, type="case_resumed", actor=actor,
                     summary=_("Enforcement resumed as %(number)s") % {"number": new_case.number},
                     new_case_id=new_case.pk)


def term_extended(*, case: Case, actor, extension) -> CaseEvent:
    return event_log(case=case, type="term_extended", actor=actor,
                     summary=_("Term extended by %(months)s months: %(reason)s") % {
                         "months": extension.months, "reason": extension.reason[:80]},
                     extension_id=extension.pk)


def term_paused(*, case: Case, actor, pause) -> CaseEvent:
    return event_log(case=case, type="term_paused", actor=actor,
                     summary=_("Term paused from %(start)s: %(kind)s") % {"start": pause.started_on,
                                                                         "kind": pause.get_kind_display()},
                     pause_id=pause.pk)


def term_pause_ended(*, case: Case, actor, pause) -> CaseEvent:
    return event_log(case=case, type="term_pause_ended", actor=actor,
                     summary=_("Term pause ended on %(end)s: %(kind)s") % {"end": pause.ended_on,
                                                                         "kind": pause.get_kind_display()},
                     pause_id=pause.pk)


def party_status_changed(*, case: Case, actor, case_party, text: str) -> CaseEvent:
    return event_log(case=case, type="party_status_changed", actor=actor,
                     summary=f"{case_party.party.name}: {text}", case_party_id=case_party.pk)


def party_corrected(*, case: Case, actor, party, old: dict, new: dict, reason: str) -> CaseEvent:
    """A clerk corrected a party's existing record at intake (the identifier matched, the details did not)."""
    return event_log(case=case, type="party_corrected", actor=actor,
                     summary=_("Party record %(name)s corrected: %(reason)s") % {"name": party.name, "reason": reason},
                     party_id=party.pk, old=old, new=new, reason=reason)


def party_details_changed(*, case: Case, actor, party, old: dict, new: dict) -> CaseEvent:
    """A party's contact details were edited."""
    return event_log(case=case, type="party_details_changed", actor=actor,
                     summary=_("Party %(name)s: details changed (%(fields)s)") % {
                         "name": party.name, "fields": ", ".join(sorted(new))},
                     party_id=party.pk, old=old, new=new)


def suspension_requested(*, case: Case, actor, request) -> CaseEvent:
    return event_log(case=case, type="suspension_requested", actor=actor,
                     summary=_("中止 requested (%(ground)s): %(reason)s") % {
                         "ground": request.get_ground_display(), "reason": request.reason[:80]},
                     request_id=request.pk, ground=request.ground)


def suspension_approved(*, case: Case, actor, request) -> CaseEvent:
    return event_log(case=case, type="suspension_approved", actor=actor,
                     summary=_("中止 approved (%(ground)s)") % {"ground": request.get_ground_display()},
                     request_id=request.pk)


def suspension_returned(*, case: Case, actor, request) -> CaseEvent:
    return event_log(case=case, type="suspension_returned", actor=actor,
                     summary=_("中止 request returned: %(reason)s") % {"reason": request.return_reason[:80]},
                     request_id=request.pk)

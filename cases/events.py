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


def stage_changed(*, case: Case, actor, old: str, new: str, reason: str = "") -> CaseEvent:
    from .models import Stage

    return event_log(
        case=case, type="stage_changed", actor=actor,
        summary=_("Stage: %(old)s → %(new)s") % {"old": Stage(old).label, "new": Stage(new).label}
        + (f" ({reason})" if reason else ""),
        old=old, new=new, reason=reason,
    )

"""The case's workflow: the stage state machine, suspension and stay, assignment, triage and the term.

Stages (domain.md §2.1): 立案 → 执行通知 → 财产调查 → 财产控制 → 财产处置 → 案款发放 → 结案 → 归档, plus 中止 and 暂缓,
which pause the term (§2.2, §3.1) and return the case to the stage it left. Closing is not a transition anyone can
ask for: it happens only when a closure request is approved (``cases.services.closures``).
"""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.policy import Perm, require
from core.rules.stages import stage_after
from core.text import clean_text

from .. import events
from ..models import (
    ActionKind, Assignment, Case, PauseKind, Stage, Stream, TermExtension, TermPause,
)
from ._common import audited, lock_case

WORK_STAGES = (Stage.REGISTERED, Stage.NOTICE, Stage.INVESTIGATION, Stage.CONTROL, Stage.DISPOSAL, Stage.PAYOUT)
PAUSE_STAGES = {Stage.SUSPENDED: PauseKind.SUSPENSION, Stage.STAYED: PauseKind.STAY}
INVESTIGATION_KINDS = (ActionKind.NETWORK_QUERY, ActionKind.ONSITE_INVESTIGATION, ActionKind.SEARCH,
                       ActionKind.SUMMONS)
CONTROL_KINDS = (ActionKind.FREEZE, ActionKind.SEIZURE, ActionKind.VEHICLE_DETENTION)

REASON_MAX = 300  # the reason columns hold 300 characters



def _has_action(case: Case, kinds, recorded: set[str] | None = None) -> bool:
    if recorded is not None:
        return bool(recorded.intersection(kinds))
    return case.actions.filter(kind__in=kinds).exists()


def _has_active_control(case: Case) -> bool:
    """An asset under a control measure in the assets app's register, if that app is installed."""
    from django.apps import apps

    try:
        ControlMeasure = apps.get_model("assets", "ControlMeasure")
    except LookupError:
        return False
    return ControlMeasure.objects.filter(case=case, status="active").exists()


def transition_guard(case: Case, to_stage: str, *, recorded: set[str] | None = None) -> list[str]:
    """What stops ``case`` from moving to ``to_stage`` now (empty when the move is allowed). ``recorded``: the
    action kinds already on the case, when the caller has them."""
    current = case.stage
    if to_stage not in Stage.values:
        return [_("Unknown stage.")]
    if to_stage == current:
        return [_("The case is already at this stage.")]
    if to_stage == Stage.CLOSED:
        return [_("A case is closed only by approving a closure request.")]
    if to_stage == Stage.ARCHIVED:
        return [] if current == Stage.CLOSED else [_("Only a closed case can be archived.")]
    if current in (Stage.CLOSED, Stage.ARCHIVED):
        return [_("The case is closed; resume enforcement with a new 执恢 case instead.")]
    if current in PAUSE_STAGES:
        if to_stage != case.resume_stage:
            return [_("A paused case resumes at the stage it left (%(stage)s).") % {
                "stage": Stage(case.resume_stage).label if case.resume_stage else "-"}]
        return []
    if to_stage == Stage.SUSPENDED:
        return [_("中止 needs the chief's approval: send a 中止 request instead.")]
    if to_stage in PAUSE_STAGES:
        return []
    # Moving between working stages.
    problems = []
    if case.officer_id is None:
        problems.append(_("Assign a handling officer first."))
    if WORK_STAGES.index(to_stage) < WORK_STAGES.index(current):
        return problems  # going back (e.g. disposal failed, investigate again) needs only a reason
    if WORK_STAGES.index(to_stage) >= WORK_STAGES.index(Stage.INVESTIGATION) and \
            not _has_action(case, [ActionKind.NOTICE_SERVED], recorded):
        problems.append(_("Record the service of the enforcement notice first."))
    if WORK_STAGES.index(to_stage) >= WORK_STAGES.index(Stage.CONTROL) and not _has_action(case, INVESTIGATION_KINDS, recorded):
        problems.append(_("Record an asset investigation (network query, on-site investigation, search or "
                          "summons) first."))
    if to_stage == Stage.DISPOSAL and not (_has_action(case, CONTROL_KINDS, recorded) or _has_active_control(case)):
        problems.append(_("Record a freeze, seizure or detention of an asset first."))
    if to_stage == Stage.PAYOUT and case.amount_recovered <= 0:
        problems.append(_("No money has been received in the case account yet."))
    return problems


def allowed_transitions(case: Case) -> list[str]:
    """The stages the case may move to now (two queries whatever the number of stages)."""
    # order_by(): without it the model's ordering joins the DISTINCT and every action row comes back.
    recorded = set(case.actions.order_by().values_list("kind", flat=True).distinct())
    return [s for s in Stage.values if s != Stage.CLOSED and not transition_guard(case, s, recorded=recorded)]


@audited
def case_transition(*, actor, case: Case, to_stage: str, reason: str = "", on: date | None = None) -> Case:
    """Move a case to ``to_stage`` if its guards allow; suspending or staying opens a term pause, resuming ends it."""
    case = lock_case(case)
    require(actor, Perm.CASE_EDIT if to_stage == Stage.ARCHIVED else Perm.CASE_ACT, case)
    reason = clean_text(reason, field="reason", max_length=REASON_MAX)
    problems = transition_guard(case, to_stage)
    if problems:
        raise ValidationError({"to_stage": problems})
    today = on or timezone.localdate()
    old = case.stage
    going_back = old in WORK_STAGES and to_stage in WORK_STAGES and \
        WORK_STAGES.index(to_stage) < WORK_STAGES.index(old)
    if (to_stage in PAUSE_STAGES or going_back) and not reason:
        raise ValidationError({"reason": [_("Give the reason (the ground of the ruling or decision).")]})
    if to_stage in PAUSE_STAGES:
        pause_start(actor=actor, case=case, to_stage=to_stage, reason=reason, on=today)
        return case
    elif old in PAUSE_STAGES:
        pause = TermPause.objects.select_for_update().filter(
            case=case, kind=PAUSE_STAGES[old], ended_on__isnull=True).first()
        if pause is not None:
            pause.ended_on = max(today, pause.started_on)
            pause.save(update_fields=["ended_on"])
            events.term_pause_ended(case=case, actor=actor, pause=pause)
        case.resume_stage = ""
    if to_stage == Stage.ARCHIVED:
        case.archived_on = today
    case.stage = to_stage
    case.save(update_fields=["stage", "resume_stage", "archived_on", "updated_at"])
    events.stage_changed(case=case, actor=actor, old=old, new=to_stage, reason=reason)
    return case


def pause_start(*, actor, case: Case, to_stage: str, reason: str, on: date) -> TermPause:
    """Pause a locked, working case (中止 or 暂缓): the term pause opens, the case remembers the stage it left, and
    both land on the timeline. The caller has checked who may do it (for 中止, the chief's approval)."""
    old = case.stage
    pause = TermPause.objects.create(case=case, kind=PAUSE_STAGES[to_stage], started_on=on, reason=reason[:REASON_MAX],
                                     created_by=actor)
    events.term_paused(case=case, actor=actor, pause=pause)
    case.stage, case.resume_stage = to_stage, old
    case.save(update_fields=["stage", "resume_stage", "updated_at"])
    events.stage_changed(case=case, actor=actor, old=old, new=to_stage, reason=reason[:REASON_MAX])
    return pause


def stage_advance(*, actor, case: Case, event: str | None, step_label: str = "") -> str | None:
    """Move a locked case forward after a recorded step, as ``core.rules.stages`` says (inside the step's own
    transaction); note the move on the timeline. Returns the new stage, or None when the case stays."""
    new = stage_after(case.stage, event)
    if new is None:
        return None
    old = case.stage
    case.stage = new
    Case.objects.filter(pk=case.pk).update(stage=new, updated_at=timezone.now())
    events.stage_changed(case=case, actor=actor, old=old, new=new, step=event, step_label=str(step_label))
    return new


def assignment_check(*, court_id: int, team=None, officer=None) -> None:
    """The one check of a team and handling officer (承办人), at registration as at reassignment: the team is the
    court's and active; the officer works at the court, is active, holds the officer role (finance staff, clerks and
    administrators cannot handle a case) and is a member of the team when one is chosen."""
    from accounts.models import Role

    if team is not None and (team.court_id != court_id or not team.is_active):
        raise ValidationError({"team": [_("The team belongs to another court.")]})
    if officer is not None:
        if officer.court_id != court_id or not officer.is_active:
            raise ValidationError({"officer": [_("The officer does not work at this court.")]})
        if not officer.has_role(Role.OFFICER):
            raise ValidationError({"officer": [_("Only an enforcement officer can be the handling officer.")]})
        if team is not None and not officer.teams.filter(pk=team.pk).exists():
            raise ValidationError({"officer": [_("The officer is not a member of the team.")]})


@audited
def case_assign(*, actor, case: Case, team=None, officer=None, reason: str = "") -> Case:
    """Give the case to a team and a handling officer (承办人); the previous assignment is kept in the history."""
    case = lock_case(case)
    require(actor, Perm.CASE_ASSIGN, case)
    reason = clean_text(reason, field="reason", max_length=REASON_MAX)
    if team is None and officer is None:
        raise ValidationError({"officer": [_("Choose a team or a handling officer.")]})
    assignment_check(court_id=case.court_id, team=team, officer=officer)
    if case.team_id == getattr(team, "pk", None) and case.officer_id == getattr(officer, "pk", None):
        raise ValidationError({"officer": [_("The case is already assigned to them.")]})
    if not case.is_open:
        raise ValidationError({"officer": [_("A closed case cannot be reassigned.")]})
    now = timezone.now()
    previous_team, previous_officer = case.team, case.officer
    Assignment.objects.filter(case=case, ended_at__isnull=True).update(ended_at=now)
    Assignment.objects.create(case=case, team=team, officer=officer, started_at=now, assigned_by=actor,
                              reason=reason)
    case.team, case.officer = team, officer
    case.save(update_fields=["team", "officer", "updated_at"])
    _copies_follow_assignment(case)
    events.case_assigned(case=case, actor=actor, team=team, officer=officer, previous_team=previous_team,
                         previous_officer=previous_officer)
    return case


def _copies_follow_assignment(case: Case) -> None:
    """Rewrite the copies of the case's team and officer that other apps keep for their list indexes (the assets
    app's control measures: the officer's expiring-controls list), in the reassignment's transaction."""
    from django.apps import apps

    if apps.is_installed("assets"):
        apps.get_model("assets", "ControlMeasure").objects.filter(case=case).update(
            case_team_id=case.team_id, case_officer_id=case.officer_id)


@audited
def case_stream_override(*, actor, case: Case, stream: str, reason: str) -> Case:
    """A chief moves a case between the simple and complex streams (繁简分流)."""
    case = lock_case(case)
    require(actor, Perm.CASE_TRIAGE, case)
    if stream not in Stream.values:
        raise ValidationError({"stream": [_("Unknown stream.")]})
    if stream == case.stream:
        raise ValidationError({"stream": [_("The case is already in this stream.")]})
    reason = clean_text(reason, field="reason", max_length=REASON_MAX, required=True,
                        required_message=_("Give the reason for the change."))
    old = case.stream
    case.stream, case.stream_overridden = stream, True
    case.save(update_fields=["stream", "stream_overridden", "updated_at"])
    events.stream_overridden(case=case, actor=actor, old=old, new=stream, reason=reason)
    return case


@audited
def term_pause_open(*, actor, case: Case, kind: str, started_on: date, reason: str = "") -> TermPause:
    """Record a period not counted in the term (appraisal, auction, notice...; TERM-2000 art 9). Suspension and stay
    are opened by ``case_transition``."""
    case = lock_case(case)
    require(actor, Perm.CASE_ACT, case)
    if kind not in PauseKind.values or kind in PAUSE_STAGES.values():
        raise ValidationError({"kind": [_("Choose appraisal, auction, settlement or notice; suspension and stay are "
                                          "stage changes.")]})
    if started_on < case.filed_on or started_on > timezone.localdate():
        raise ValidationError({"started_on": [_("The date must be between filing and today.")]})
    reason = clean_text(reason, field="reason", max_length=REASON_MAX)
    if TermPause.objects.filter(case=case, kind=kind, ended_on__isnull=True).exists():
        raise ValidationError({"kind": [_("A period of this kind is already open.")]})
    pause = TermPause.objects.create(case=case, kind=kind, started_on=started_on, reason=reason, created_by=actor)
    events.term_paused(case=case, actor=actor, pause=pause)
    return pause


@audited
def term_pause_close(*, actor, pause: TermPause, ended_on: date) -> TermPause:
    case = lock_case(pause.case)
    require(actor, Perm.CASE_ACT, case)
    pause = TermPause.objects.select_for_update().get(pk=pause.pk)
    if pause.ended_on is not None:
        raise ValidationError({"ended_on": [_("This period has already ended.")]})
    if pause.kind in PAUSE_STAGES.values():
        raise ValidationError({"kind": [_("Suspension and stay end when the case resumes.")]})
    if ended_on < pause.started_on or ended_on > timezone.localdate():
        raise ValidationError({"ended_on": [_("The end must be between the start and today.")]})
    pause.ended_on = ended_on
    pause.save(update_fields=["ended_on"])
    events.term_pause_ended(case=case, actor=actor, pause=pause)
    return pause


@audited
def term_extension_grant(*, actor, case: Case, months: int, reason: str, approved_on: date | None = None,
                         reported_to_high_court: bool = False) -> TermExtension:
    """Record an approved extension (+3 months with the president's approval; beyond that reported, §3.1)."""
    case = lock_case(case)
    require(actor, Perm.CASE_CLOSE_APPROVE, case)
    if not case.is_open:
        raise ValidationError({"months": [_("The case is closed.")]})
    if not isinstance(months, int) or not 1 <= months <= 12:
        raise ValidationError({"months": [_("Extend by 1 to 12 months.")]})
    reason = clean_text(reason, field="reason", max_length=REASON_MAX, required=True,
                        required_message=_("Give the reason for the extension."))
    already = sum(case.extensions.values_list("months", flat=True))
    if already + months > 3 and not reported_to_high_court:
        raise ValidationError({"reported_to_high_court": [
            _("Extensions beyond 3 months must be reported to the high court for the record.")]})
    ext = TermExtension.objects.create(case=case, months=months, reason=reason, approved_by=actor,
                                       approved_on=approved_on or timezone.localdate(),
                                       reported_to_high_court=reported_to_high_court)
    events.term_extended(case=case, actor=actor, extension=ext)
    return ext



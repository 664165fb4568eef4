"""Handover for disposal (移交处置, 分段集约): the case's team (its officer, or the division chief) hands the disposal
of assets of the case, or of the whole case, over to a designated disposal team; the chief approves it when the
court's ``handover_needs_approval`` setting says so (default). After approval, officers of the receiving team start
and run the disposals of those assets (``disposal.disposal_start``); the case's own team no longer may.

Rules:
* the receiving team is a team of the case's court, active, not the case's own team; it is the team named in the
  request, or, when none is named, the court's designated disposal team (``Team.is_disposal_team``, exactly one);
* an asset (or the whole case) is covered by at most one pending or approved handover, and not while a disposal of
  it is under way;
* the requester never approves their own request (a chief's own request takes effect at once: the chief is the
  approver);
* only a pending handover is approved, rejected or withdrawn (withdrawn by its requester or the case's team).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Team
from accounts.policy import Perm, has_perm, require
from core import court_settings

from ..models import Asset, ControlStatus, DisposalStatus, Handover, HandoverStatus
from ._common import lock_case, log_event

LIVE = (HandoverStatus.PENDING, HandoverStatus.APPROVED)
OPEN_DISPOSAL = (DisposalStatus.PRICING, DisposalStatus.AUCTION, DisposalStatus.SET_PRICE_SALE)
DONE_DISPOSAL = (DisposalStatus.SOLD, DisposalStatus.TRANSFERRED)  # the asset is gone: never disposed of again


def disposal_teams(court_id: int, *, exclude_team_id: int | None = None):
    """The teams a case may be handed over to: the court's active teams marked ``is_disposal_team``; when the court
    has marked none, every other active team of the court (a court without a designated disposal team still hands
    over, to the team the requester names). Never the case's own team."""
    teams = Team.objects.filter(court_id=court_id, is_active=True)
    if teams.filter(is_disposal_team=True).exists():
        teams = teams.filter(is_disposal_team=True)
    if exclude_team_id is not None:
        teams = teams.exclude(pk=exclude_team_id)
    return teams.order_by("name", "id")


def _check_case_open(case) -> None:
    if not case.is_open:
        raise ValidationError(_("The case is %(stage)s: nothing of it is handed over or disposed of.") % {
            "stage": case.get_stage_display()})


def _check_assets_handable(case, assets: list[Asset]) -> None:
    """Each named asset must be under a control measure in force and not already sold or transferred."""
    controlled = set(Asset.objects.filter(pk__in=[a.pk for a in assets], controls__status=ControlStatus.ACTIVE)
                     .values_list("pk", flat=True))
    errors = [_("%(asset)s: the asset is not under a control measure in force; it cannot be disposed of.") % {
        "asset": a} for a in assets if a.pk not in controlled]
    done = set(case.disposals.filter(asset__in=assets, status__in=DONE_DISPOSAL).values_list("asset_id", flat=True))
    errors += [_("%(asset)s: the asset has already been sold or transferred.") % {"asset": a}
               for a in assets if a.pk in done]
    if errors:
        raise ValidationError({"assets": errors})


def approved_handover_for(asset: Asset) -> Handover | None:
    """The approved handover covering ``asset`` (by name, or the whole of its case), if any."""
    return (Handover.objects.filter(case_id=asset.case_id, status=HandoverStatus.APPROVED)
            .filter(Q(whole_case=True) | Q(assets=asset)).select_related("to_team").order_by("id").first())


def pending_handover_for(asset: Asset) -> bool:
    return (Handover.objects.filter(case_id=asset.case_id, status=HandoverStatus.PENDING)
            .filter(Q(whole_case=True) | Q(assets=asset)).exists())


def _designated_team(court_id: int) -> Team | None:
    teams = list(Team.objects.filter(court_id=court_id, is_active=True, is_disposal_team=True)[:2])
    return teams[0] if len(teams) == 1 else None


def _lock_handover(handover: Handover):
    case = lock_case(handover.case_id)
    handover = Handover.objects.select_for_update(of=("self",)).select_related("to_team").get(pk=handover.pk)
    handover.case = case
    return case, handover


def _summary(handover: Handover, assets: list[Asset]) -> str:
    return _("the whole case") if handover.whole_case else "、".join(str(a) for a in assets)


def _approve(handover: Handover, *, actor, note: str = "") -> None:
    handover.status = HandoverStatus.APPROVED
    handover.decided_by, handover.decided_at, handover.decision_note = actor, timezone.now(), (note or "")[:300]
    handover.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])


@transaction.atomic
def handover_request(*, actor, case, to_team: Team | None = None, assets: list[Asset] | None = None,
                     whole_case: bool = False, reason: str = "") -> Handover:
    """Ask to hand the disposal of ``assets`` (or of the whole case) over to ``to_team``."""
    case = lock_case(case)
    require(actor, Perm.DISPOSAL_HANDOVER, case)
    _check_case_open(case)
    assets = list(assets or [])
    if whole_case and assets:
        raise ValidationError({"assets": _("Choose either the whole case or some of its assets.")})
    if not whole_case and not assets:
        raise ValidationError({"assets": _("Choose the assets to hand over, or the whole case.")})
    if any(a.case_id != case.pk for a in assets):
        raise ValidationError({"assets": _("Choose assets of this case.")})
    if to_team is None:
        to_team = _designated_team(case.court_id)
        if to_team is None:
            raise ValidationError({"to_team": _("Choose the disposal team (the court has not designated exactly "
                                                "one).")})
    if to_team.court_id != case.court_id or not to_team.is_active:
        raise ValidationError({"to_team": _("Choose an active team of this court.")})
    if to_team.pk == case.team_id:
        raise ValidationError({"to_team": _("The case's own team cannot hand the case over to itself.")})
    if not disposal_teams(case.court_id).filter(pk=to_team.pk).exists():
        raise ValidationError({"to_team": _("Choose one of the court's disposal teams.")})
    _check_assets_handable(case, assets)
    if len((reason or "").strip()) > 300:
        raise ValidationError({"reason": _("Ensure this value has at most 300 characters.")})
    live = Handover.objects.filter(case=case, status__in=LIVE)
    if whole_case:
        if live.exists():
            raise ValidationError({"assets": _("Assets of this case are already handed over or awaiting approval.")})
        busy = case.disposals.filter(status__in=OPEN_DISPOSAL).exists()
    else:
        if live.filter(Q(whole_case=True) | Q(assets__in=assets)).exists():
            raise ValidationError({"assets": _("Assets of this case are already handed over or awaiting approval.")})
        busy = case.disposals.filter(status__in=OPEN_DISPOSAL, asset__in=assets).exists()
    if busy:
        raise ValidationError({"assets": _("A disposal of these assets is under way: withdraw it first.")})
    handover = Handover.objects.create(case=case, court_id=case.court_id, whole_case=whole_case, from_team=case.team,
                                       to_team=to_team, reason=(reason or "").strip(), requested_by=actor)
    if assets:
        handover.assets.set(assets)
    what = _summary(handover, assets)
    log_event(case=case, type="handover_requested", actor=actor,
              summary=_("Handover for disposal of %(what)s to %(team)s requested") % {"what": what, "team": to_team},
              handover_id=handover.pk, to_team_id=to_team.pk)
    needs_approval = court_settings.get(case.court_id, "handover_needs_approval")
    if not needs_approval or has_perm(actor, Perm.DISPOSAL_HANDOVER_APPROVE, case):
        _approve(handover, actor=actor)
        log_event(case=case, type="handover_approved", actor=actor,
                  summary=_("Handover for disposal of %(what)s to %(team)s in effect") % {
                      "what": what, "team": to_team}, handover_id=handover.pk, to_team_id=to_team.pk)
    return handover


@transaction.atomic
def handover_approve(*, actor, handover: Handover, note: str = "") -> Handover:
    case, handover = _lock_handover(handover)
    require(actor, Perm.DISPOSAL_HANDOVER_APPROVE, case)
    if handover.requested_by_id == actor.pk:
        raise PermissionDenied(_("You cannot approve your own request."))
    if handover.status != HandoverStatus.PENDING:
        raise ValidationError({"status": _("Only a handover awaiting approval can be approved.")})
    # Re-check what may have changed since the request: the case closed, a measure released, a sale concluded,
    # the case reassigned to the receiving team.
    _check_case_open(case)
    if handover.to_team_id == case.team_id:
        raise ValidationError({"to_team": _("The case's own team cannot hand the case over to itself.")})
    if not handover.whole_case:
        _check_assets_handable(case, list(handover.assets.all()))
    _approve(handover, actor=actor, note=note)
    log_event(case=case, type="handover_approved", actor=actor,
              summary=_("Handover for disposal to %(team)s approved") % {"team": handover.to_team},
              handover_id=handover.pk, to_team_id=handover.to_team_id)
    return handover


@transaction.atomic
def handover_reject(*, actor, handover: Handover, note: str) -> Handover:
    case, handover = _lock_handover(handover)
    require(actor, Perm.DISPOSAL_HANDOVER_APPROVE, case)
    if handover.status != HandoverStatus.PENDING:
        raise ValidationError({"status": _("Only a handover awaiting approval can be rejected.")})
    if not (note or "").strip():
        raise ValidationError({"note": _("This field is required.")})
    handover.status = HandoverStatus.REJECTED
    handover.decided_by, handover.decided_at, handover.decision_note = actor, timezone.now(), note.strip()[:300]
    handover.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    log_event(case=case, type="handover_rejected", actor=actor,
              summary=_("Handover for disposal to %(team)s rejected: %(note)s") % {
                  "team": handover.to_team, "note": handover.decision_note}, handover_id=handover.pk)
    return handover


@transaction.atomic
def handover_withdraw(*, actor, handover: Handover) -> Handover:
    case, handover = _lock_handover(handover)
    require(actor, Perm.DISPOSAL_HANDOVER, case)
    if handover.status != HandoverStatus.PENDING:
        raise ValidationError({"status": _("Only a handover awaiting approval can be withdrawn.")})
    handover.status = HandoverStatus.WITHDRAWN
    handover.decided_by, handover.decided_at = actor, timezone.now()
    handover.save(update_fields=["status", "decided_by", "decided_at"])
    log_event(case=case, type="handover_withdrawn", actor=actor,
              summary=_("Handover for disposal to %(team)s withdrawn") % {"team": handover.to_team},
              handover_id=handover.pk)
    return handover

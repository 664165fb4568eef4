"""Freeze, seizure and detention (查封、扣押、冻结, domain.md §2.1 node 6, §3.3): order, renew, release, lapse.

Measures on one asset form a queue (轮候, SEIZE art 26) by ``queue_rank``; only the first live one is in force. When it
is released (or lapses) the next queued one takes effect that day, with a full term counted from then.
"""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.policy import Perm, require
from core import court_settings
from core.fields import money_input
from core.rules.periods import control_expiry, renewal_expiry
from core.rules.stages import StepEvent
from core.text import clean_text

from ..models import Asset, AssetKind, ControlKind, ControlMeasure, ControlRenewal, ControlStatus, ReleaseGround
from ._common import lock_asset, lock_case, log_event, rule_error, stage_advance

ALLOWED_KINDS = {
    ControlKind.FREEZE: {AssetKind.BANK_DEPOSIT, AssetKind.WAGE_INCOME, AssetKind.EQUITY,
                         AssetKind.OTHER_PROPERTY_RIGHT},
    ControlKind.SEIZURE: {AssetKind.REAL_ESTATE, AssetKind.VEHICLE, AssetKind.MOVABLE, AssetKind.OTHER_PROPERTY_RIGHT},
    ControlKind.DETENTION: {AssetKind.VEHICLE, AssetKind.MOVABLE},
}


def _expiry(asset: Asset, start: date, requested_until: date | None, court_id: int) -> date:
    try:
        return control_expiry(kind=asset.rule_kind, start=start, requested_until=requested_until,
                              count_start_day=court_settings.get(court_id, "control_count_start_day"))
    except ValidationError as exc:
        raise rule_error(exc, "requested_until") from None


@transaction.atomic
def control_order(
    *,
    actor,
    asset: Asset,
    kind: str,
    ordered_on: date,
    ruling_number: str,
    assisting_body: str,
    preservation: bool = False,
    effective_on: date | None = None,
    requested_until: date | None = None,
    amount=None,
) -> ControlMeasure:
    """Record a freeze/seizure/detention ruling on ``asset``. In force at once if nothing is ahead of it in the
    queue (from ``effective_on``, the date of service, default ``ordered_on``); otherwise queued (轮候)."""
    case = lock_case(asset.case_id)
    asset = lock_asset(asset)
    require(actor, Perm.ASSET_CONTROL, case)
    today = timezone.localdate()
    errors = {}
    if kind not in ControlKind.values:
        errors["kind"] = _("Choose freeze, seizure or detention.")
    elif asset.kind not in ALLOWED_KINDS[ControlKind(kind)]:
        errors["kind"] = _("A %(measure)s cannot be applied to %(kind)s.") % {
            "measure": ControlKind(kind).label, "kind": AssetKind(asset.kind).label}
    if ordered_on > today:
        errors["ordered_on"] = _("The date cannot be in the future.")
    texts = {}
    for name, text, limit in (("ruling_number", ruling_number, 60), ("assisting_body", assisting_body, 200)):
        try:
            texts[name] = clean_text(text, field=name, max_length=limit, required=True)
        except ValidationError as exc:
            errors[name] = exc.message_dict[name][0]
    ruling_number, assisting_body = texts.get("ruling_number", ""), texts.get("assisting_body", "")
    if effective_on is not None and effective_on < ordered_on:
        errors["effective_on"] = _("A measure cannot take effect before it was ordered.")
    if errors:
        raise ValidationError(errors)
    value = money_input(amount, field="amount", allow_none=True, positive=True)
    live = asset.controls.filter(status__in=[ControlStatus.ACTIVE, ControlStatus.QUEUED])
    queued = live.exists()
    rank = (asset.controls.aggregate(m=Max("queue_rank"))["m"] or 0) + 1
    start = effective_on or ordered_on
    control = ControlMeasure(
        asset=asset, case=case, court_id=case.court_id, kind=kind, preservation=bool(preservation),
        ordered_on=ordered_on, ruling_number=ruling_number, assisting_body=assisting_body,
        amount=value, queue_rank=rank, team_id=case.team_id, controlled_by=actor,
        case_team_id=case.team_id, case_officer_id=case.officer_id,
        status=ControlStatus.QUEUED if queued else ControlStatus.ACTIVE,
    )
    if not queued:
        control.effective_on = start
        control.expires_on = _expiry(asset, start, requested_until, case.court_id)
    control.save()
    log_event(case=case, type="control_ordered", actor=actor,
              summary=(_("%(measure)s of %(asset)s queued at rank %(rank)s") if queued
                       else _("%(measure)s of %(asset)s in force until %(expiry)s")) % {
                  "measure": control.get_kind_display(), "asset": asset, "rank": rank, "expiry": control.expires_on},
              control_id=control.pk, asset_id=asset.pk)
    stage_advance(actor=actor, case=case, event=StepEvent.CONTROL, step_label=control.get_kind_display())
    return control


@transaction.atomic
def control_renew(
    *, actor, control: ControlMeasure, renewed_on: date, ruling_number: str, requested_until: date | None = None,
) -> ControlMeasure:
    """Renew (续封/续冻) an in-force measure before it expires, by at most the statutory term (CPL-I art 485)."""
    case = lock_case(control.case_id)
    asset = lock_asset(control.asset_id)
    require(actor, Perm.ASSET_CONTROL, case)
    control = ControlMeasure.objects.select_for_update().get(pk=control.pk)
    if control.status != ControlStatus.ACTIVE:
        raise ValidationError({"status": _("Only a measure in force can be renewed.")})
    if renewed_on > timezone.localdate():
        raise ValidationError({"renewed_on": _("The date cannot be in the future.")})
    ruling_number = clean_text(ruling_number, field="ruling_number", max_length=60, required=True)
    try:
        new_expiry = renewal_expiry(kind=asset.rule_kind, current_expiry=control.expires_on,
                                    requested_until=requested_until, renewed_on=renewed_on)
    except ValidationError as exc:
        field = "renewed_on" if renewed_on > control.expires_on else "requested_until"
        raise rule_error(exc, field) from None
    ControlRenewal.objects.create(control=control, renewed_on=renewed_on, ruling_number=ruling_number,
                                  previous_expiry=control.expires_on, new_expiry=new_expiry, renewed_by=actor)
    previous = control.expires_on
    control.expires_on = new_expiry
    control.renewals += 1
    control.save(update_fields=["expires_on", "renewals"])
    log_event(case=case, type="control_renewed", actor=actor,
              summary=_("%(measure)s of %(asset)s renewed: %(old)s → %(new)s") % {
                  "measure": control.get_kind_display(), "asset": asset, "old": previous, "new": new_expiry},
              control_id=control.pk)
    return control


def _promote_next(*, asset: Asset, start: date, actor) -> ControlMeasure | None:
    """The first queued measure on ``asset`` takes effect on ``start`` (SEIZE art 26). Caller holds the locks."""
    nxt = (ControlMeasure.objects.select_for_update().filter(asset=asset, status=ControlStatus.QUEUED)
           .order_by("queue_rank").first())
    if nxt is None:
        return None
    nxt.status = ControlStatus.ACTIVE
    nxt.effective_on = start
    nxt.expires_on = _expiry(asset, start, None, nxt.court_id)
    nxt.save(update_fields=["status", "effective_on", "expires_on"])
    log_event(case=nxt.case, type="control_took_effect", actor=actor,
              summary=_("Queued %(measure)s of %(asset)s took effect, until %(expiry)s") % {
                  "measure": nxt.get_kind_display(), "asset": asset, "expiry": nxt.expires_on},
              control_id=nxt.pk)
    return nxt


@transaction.atomic
def control_release(
    *, actor, control: ControlMeasure, released_on: date, ground: str, note: str = "", _check_perm: bool = True,
) -> ControlMeasure:
    """Release (解封/解冻) a measure on a statutory ground (SEIZE art 28). Releasing the measure in force lets the
    next queued one take effect the same day; releasing a queued one just removes it from the queue."""
    case = lock_case(control.case_id)
    asset = lock_asset(control.asset_id)
    if _check_perm:
        require(actor, Perm.ASSET_CONTROL, case)
    control = ControlMeasure.objects.select_for_update().get(pk=control.pk)
    if control.status not in (ControlStatus.ACTIVE, ControlStatus.QUEUED):
        raise ValidationError({"status": _("This measure is no longer in force.")})
    if ground not in ReleaseGround.values:
        raise ValidationError({"ground": _("Choose a release ground.")})
    note = clean_text(note, field="note", max_length=300)
    if ground == ReleaseGround.OTHER and not note:
        raise ValidationError({"note": _("Explain the ground.")})
    if released_on > timezone.localdate():
        raise ValidationError({"released_on": _("The date cannot be in the future.")})
    floor = control.effective_on or control.ordered_on
    if released_on < floor:
        raise ValidationError({"released_on": _("A measure cannot be released before %(date)s.") % {"date": floor}})
    was_active = control.status == ControlStatus.ACTIVE
    if was_active and released_on > control.expires_on:
        raise ValidationError({"released_on": _("The measure had already expired on %(date)s.") % {
            "date": control.expires_on}})
    control.status = ControlStatus.RELEASED
    control.released_on, control.release_ground, control.release_note = released_on, ground, note
    control.released_by = actor
    control.save(update_fields=["status", "released_on", "release_ground", "release_note", "released_by"])
    log_event(case=case, type="control_released", actor=actor,
              summary=_("%(measure)s of %(asset)s released: %(ground)s") % {
                  "measure": control.get_kind_display(), "asset": asset, "ground": ReleaseGround(ground).label},
              control_id=control.pk)
    if was_active:
        _promote_next(asset=asset, start=released_on, actor=actor)
    return control


def controls_lapse_due(today: date | None = None) -> int:
    """Measures past their expiry without renewal lapse (SEIZE art 27). One set-based UPDATE; the deadlines scan
    calls this daily. A queued measure behind a lapsed one then takes effect from the day after the expiry.
    Returns the number of measures that lapsed."""
    today = today or timezone.localdate()
    with transaction.atomic():
        with connection.cursor() as cursor:
            # One statement: lapse every overdue measure and write each case's timeline entry.
            cursor.execute(
                """
                WITH lapsed AS (
                    UPDATE assets_controlmeasure SET status = 'lapsed', lapsed_on = expires_on + 1
                    WHERE status = 'active' AND expires_on < %(today)s
                    RETURNING id, asset_id, case_id, ruling_number, expires_on
                ), logged AS (
                    INSERT INTO cases_caseevent (case_id, type, actor_id, at, summary, parameters)
                    SELECT case_id, 'control_lapsed', NULL, now(),
                           left(%(prefix)s || ' ' || ruling_number || ' (' || expires_on::text || ')', 300),
                           jsonb_build_object('control_id', id, 'asset_id', asset_id)
                    FROM lapsed
                )
                SELECT asset_id FROM lapsed
                """,
                {"today": today, "prefix": _("Control measure lapsed without renewal:")},
            )
            rows = cursor.fetchall()
        asset_ids = sorted({row[0] for row in rows})
        # Rare: only assets with a queue behind the lapsed measure need more work.
        waiting = sorted(set(ControlMeasure.objects.filter(asset_id__in=asset_ids, status=ControlStatus.QUEUED)
                             .values_list("asset_id", flat=True)))
    for asset_id in waiting:
        with transaction.atomic():
            asset = Asset.objects.get(pk=asset_id)
            lock_case(asset.case_id)
            asset = lock_asset(asset_id)
            if asset.controls.filter(status=ControlStatus.ACTIVE).exists():
                continue
            lapsed = asset.controls.filter(status=ControlStatus.LAPSED).order_by("-lapsed_on").first()
            _promote_next(asset=asset, start=lapsed.lapsed_on if lapsed else today, actor=None)
    return len(rows)


def control_renewal_apply_by(control: ControlMeasure) -> date | None:
    """For preservation measures, the applicant must apply to renew 7 days before expiry (PRES art 18)."""
    from core.rules.periods import preservation_renewal_apply_by

    if not control.preservation or control.expires_on is None:
        return None
    return preservation_renewal_apply_by(expiry=control.expires_on)


__all__ = ["control_order", "control_release", "control_renew", "controls_lapse_due", "control_renewal_apply_by"]

"""Removal of a listing / lifting of a restriction: opened when a ground arises (automatically, or on the
applicant's written request), due within 3 working days (BAD-DEL; XGXF-2010 art 9), then removed by the chief."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.policy import Perm, require
from cases.models import Action, ClosureMode, SettlementStatus, Stage
from cases.services._common import audited
from core.rules.periods import BLACKLIST_DELETION_WORKING_DAYS
from core.text import clean_text

from .. import events
from ..models import IN_FORCE, CreditMeasure, MeasureKind, MeasureStatus, RemovalGround
from ._common import day, lock_measure, public_changed, working_days_after
from .measures import _sync_party

# Grounds a user may open by hand (the others are also opened automatically by removal_grounds_sync).
MANUAL_GROUNDS = tuple(RemovalGround.values)


def _open(*, actor, measure: CreditMeasure, ground: str, arose_on: date, note: str = "") -> CreditMeasure:
    measure.status, measure.removal_ground, measure.removal_arose_on = MeasureStatus.REMOVAL_OPEN, ground, arose_on
    measure.removal_due_on = working_days_after(measure.case.court_id, arose_on, BLACKLIST_DELETION_WORKING_DAYS)
    measure.removal_note, measure.removal_opened_by = note, actor
    measure.save(update_fields=["status", "removal_ground", "removal_arose_on", "removal_due_on", "removal_note",
                                "removal_opened_by", "updated_at"])
    events.measure_step(measure=measure, actor=actor, step="removal_open", text=note)
    return measure


@audited
def removal_open(*, actor, measure: CreditMeasure, ground: str, arose_on=None, note: str = "") -> CreditMeasure:
    """Open the removal by hand (the applicant's written request, a guarantee, 中止 for retrial or bankruptcy...)."""
    measure = lock_measure(measure)
    require(actor, Perm.CREDIT_PROPOSE, measure.case)
    if ground not in MANUAL_GROUNDS:
        raise ValidationError({"ground": [_("Choose the removal ground.")]})
    if ground == RemovalGround.GUARANTEE and measure.kind != MeasureKind.RESTRICTION:
        raise ValidationError({"ground": [_("A guarantee or consent lifts a restriction, not a listing.")]})
    if measure.status == MeasureStatus.REMOVAL_OPEN:
        raise ValidationError({"status": [_("The removal is already open.")]})
    if measure.status not in IN_FORCE:
        raise ValidationError({"status": [_("Only a measure in force can be removed.")]})
    arose_on = day(arose_on, field="arose_on", not_before=measure.decided_on)
    note = clean_text(note, field="note", max_length=300, required=ground == RemovalGround.APPLICANT,
                      required_message=_("Name the applicant's written request (date, reference)."))
    return _open(actor=actor, measure=measure, ground=ground, arose_on=arose_on, note=note)


def grounds_of_case(case, *, today: date) -> list[tuple[str, date]]:
    """The removal grounds the system can see on a case, each with the day it arose."""
    out: list[tuple[str, date]] = []
    if case.closed_on and case.closure_mode == ClosureMode.FULFILLED:
        out.append((RemovalGround.PERFORMED, case.closed_on))
    elif case.amount_claimed > 0 and case.amount_recovered >= case.amount_claimed:
        out.append((RemovalGround.PERFORMED, today))
    if case.closed_on and case.closure_mode == ClosureMode.TERMINATED:
        out.append((RemovalGround.TERMINATED, case.closed_on))
    if case.closed_on and case.closure_mode == ClosureMode.REFUSED:
        out.append((RemovalGround.NOT_ENFORCED, case.closed_on))
    if case.settlements.filter(status=SettlementStatus.PERFORMED).exists():
        out.append((RemovalGround.SETTLEMENT, today))
    if case.closed_on and case.closure_mode == ClosureMode.TERMINATED_ROUND:
        # after 终本: two network queries found nothing (the queries logged on the case after the closure)
        nothing = [a.occurred_on for a in Action.objects.filter(case=case, kind="network_query",
                                                                  occurred_on__gt=case.closed_on)
                   .order_by("occurred_on", "id") if not (a.details or {}).get("found")
                   and "found" not in ((a.details or {}).get("results") or {}).values()]
        if len(nothing) >= 2:
            out.append((RemovalGround.ZHONGBEN_NOTHING, nothing[1]))
    return out


@audited
def removal_grounds_sync(*, case, actor=None, today: date | None = None) -> list[CreditMeasure]:
    """Open the removal of every measure in force on ``case`` whose ground the system can see (the case's grounds,
    and a listing's expired term). Idempotent: a measure already due for removal is left alone. Called when a case
    closes (cases.signals.case_closed) and by the periodic task for everything else."""
    today = today or timezone.localdate()
    measures = list(CreditMeasure.objects.select_for_update(of=("self",)).select_related("case", "case_party__party")
                    .filter(case=case, status__in=[MeasureStatus.DECIDED, MeasureStatus.SERVED,
                                                   MeasureStatus.PUBLISHED]).order_by("id"))
    if not measures:
        return []
    grounds = grounds_of_case(case, today=today)
    opened = []
    for m in measures:
        ground = grounds[0] if grounds else None
        if ground is None and m.until and m.until <= today:
            ground = (RemovalGround.TERM_EXPIRED, m.until)
        if ground is None:
            continue
        arose = max(ground[1], m.decided_on)
        opened.append(_open(actor=actor, measure=m, ground=ground[0], arose_on=arose))
    return opened


def cases_with_grounds(today: date):
    """Cases with a measure in force that may have a removal ground (for the periodic task)."""
    from cases.models import Case

    ids = CreditMeasure.objects.filter(status__in=[MeasureStatus.DECIDED, MeasureStatus.SERVED,
                                                   MeasureStatus.PUBLISHED]).values("case_id")
    return Case.objects.filter(pk__in=ids).exclude(stage=Stage.CLOSED, closure_mode=ClosureMode.WITHDRAWN)


@audited
def measure_remove(*, actor, measure: CreditMeasure, removed_on=None, document_number: str = "",
                   with_restriction: bool = True) -> CreditMeasure:
    """Remove the listing / lift the restriction (删除失信信息决定书 / 解除限制消费令). Only once, only when a removal
    is open. Removing a listing on a performance ground lifts the debtor's restriction of the same case too."""
    measure = lock_measure(measure)
    require(actor, Perm.CREDIT_DECIDE, measure.case)
    if measure.status == MeasureStatus.REMOVED:
        raise ValidationError({"status": [_("Already removed.")]})
    if measure.status != MeasureStatus.REMOVAL_OPEN:
        raise ValidationError({"status": [_("Open the removal with its ground first.")]})
    measure.removed_on = day(removed_on, field="removed_on", not_before=measure.removal_arose_on)
    measure.removal_document_number = (clean_text(document_number, field="document_number", max_length=60)
                                       or measure.document_number)
    measure.status, measure.removed_by = MeasureStatus.REMOVED, actor
    measure.save(update_fields=["removed_on", "removal_document_number", "status", "removed_by", "updated_at"])
    _sync_party(measure)
    events.measure_step(measure=measure, actor=actor, step="removed")
    public_changed()
    if with_restriction and measure.kind == MeasureKind.DISHONEST and measure.removal_ground in (
            RemovalGround.PERFORMED, RemovalGround.SETTLEMENT, RemovalGround.APPLICANT, RemovalGround.CORRECTION):
        for other in CreditMeasure.objects.filter(case_party=measure.case_party, kind=MeasureKind.RESTRICTION,
                                                  status__in=IN_FORCE):
            other = lock_measure(other)
            if other.status != MeasureStatus.REMOVAL_OPEN:
                _open(actor=actor, measure=other, ground=measure.removal_ground, arose_on=measure.removal_arose_on)
            measure_remove(actor=actor, measure=other, removed_on=measure.removed_on, with_restriction=False)
    return measure

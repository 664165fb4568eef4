"""Accepting result rows into the asset register, and recording the controls the agencies carried out.

A found row is accepted once: the row is locked, and a row already accepted returns its asset (a double click or a
second "accept all" creates nothing). A ``new`` row becomes an asset through the register's own service
(``assets.services.register.asset_register``, source 网络查控, owner the request's debtor); a ``same`` or ``changed``
row, or a new row whose asset another row of the file already registered, links to that register asset (a
``changed`` row's balance becomes the asset's value, ``assets.services.register.asset_value_update``). A row
reporting a freeze or seizure done (or partly done) records the control measure through
``assets.services.controls.control_order`` on the accepted asset; a refused control records nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.policy import Perm, require
from assets.models import AssetSource, ControlKind, ControlStatus as AssetControlStatus
from assets.services.controls import control_order
from assets.services.register import asset_register, asset_value_update
from cases.models import CaseParty, PartyRole

from .. import diffing
from ..models import AccessAction, AgencyKind, ResultRow, RowStatus
from ._log import log_access

CONTROL_KIND = {"freeze": ControlKind.FREEZE, "seize": ControlKind.SEIZURE}


def _owner(row: ResultRow) -> CaseParty:
    owner = CaseParty.objects.filter(case_id=row.request.case_id, party_id=row.request.party_id,
                                     role=PartyRole.RESPONDENT).first()
    if owner is None:
        raise ValidationError({"owner": _("The request's debtor is no longer a party to the case.")})
    return owner


def _register_fields(row: ResultRow) -> dict:
    number_field, institution_field = diffing.REGISTER_FIELDS.get(row.asset_kind, ("description", ""))
    values = {}
    if number_field != "description" and row.account:
        values[number_field] = row.account
    if institution_field and row.institution:
        values[institution_field] = row.institution[:100]
    if row.asset_kind == "equity" and not values.get("share"):
        values["share"] = (row.account or row.description or "-")[:60]
    return values


def _description(row: ResultRow) -> str:
    text = row.description or " ".join(p for p in (row.institution, row.account) if p)
    return (text or str(row.asset_kind))[:200]


def _find_registered(row: ResultRow, owner: CaseParty):
    index = diffing.register_index([(row.request.case_id, owner.pk)])
    return index.get((row.request.case_id, owner.pk), {}).get(
        diffing.row_key(row.asset_kind, row.account, row.institution))


def _record_control(*, actor, row: ResultRow, asset) -> None:
    if row.control_status not in ("done", "partial") or row.control_measure not in CONTROL_KIND:
        return
    ruling = (row.request.document_number or row.request.batch.document_number or row.control_reference)[:60]
    if asset.controls.filter(ruling_number=ruling, status__in=[AssetControlStatus.ACTIVE,
                                                              AssetControlStatus.QUEUED]).exists():
        return
    today = timezone.localdate()
    ordered_on = min(row.as_of or today, today)
    control_order(actor=actor, asset=asset, kind=CONTROL_KIND[row.control_measure], ordered_on=ordered_on,
                  ruling_number=ruling,
                  assisting_body=(row.institution or AgencyKind(row.request.agency_kind).label)[:200],
                  requested_until=row.control_until, amount=row.control_amount)


@transaction.atomic
def result_row_accept(*, actor, row: ResultRow):
    """Accept one found row into the register; returns the register asset it links to."""
    row = (ResultRow.objects.select_for_update(of=("self",))
           .select_related("request__case", "request__batch", "request__party").get(pk=row.pk))
    require(actor, Perm.INQUIRY_RUN, row.request.case)
    require(actor, Perm.ASSET_CONTROL, row.request.case)
    if row.accepted_asset_id is not None:
        return row.accepted_asset
    if row.status != RowStatus.FOUND:
        raise ValidationError({"row": _("Line %(n)s reports no asset to accept.") % {"n": row.line_no}})
    if row.dismissed_at is not None:
        raise ValidationError({"row": _("Line %(n)s was dismissed.") % {"n": row.line_no}})
    owner = _owner(row)
    asset = row.matched_asset if row.matched_asset_id and row.matched_asset.case_id == row.request.case_id else None
    asset = asset or _find_registered(row, owner)
    if asset is None:
        asset = asset_register(
            actor=actor, case=row.request.case, owner=owner, kind=row.asset_kind, description=_description(row),
            source=AssetSource.NETWORK_QUERY, estimated_value=row.balance,
            source_note=(_("Network inquiry %(request)s, result line %(n)s") % {
                "request": row.request.request_id, "n": row.line_no})[:300],
            **_register_fields(row))
    elif row.balance is not None and asset.estimated_value != row.balance:
        # a ``changed`` row: the agency's balance is newer than the register's figure
        asset = asset_value_update(actor=actor, asset=asset, value=row.balance, note=_(
            "network inquiry %(request)s, result line %(n)s") % {"request": row.request.request_id, "n": row.line_no})
    _record_control(actor=actor, row=row, asset=asset)
    updated = ResultRow.objects.filter(pk=row.pk, accepted_asset__isnull=True).update(
        accepted_asset=asset, accepted_by=actor, accepted_at=timezone.now())
    if updated:
        log_access(actor=actor, action=AccessAction.ROW_ACCEPTED, case=row.request.case, party=row.request.party,
                   request=row.request, result_file=row.result_file)
    return asset


@dataclass
class AcceptOutcome:
    accepted: int = 0
    already: int = 0
    refused: list[tuple[int, str]] = field(default_factory=list)


def result_rows_accept(*, actor, rows: QuerySet[ResultRow]) -> AcceptOutcome:
    """Accept every found row of ``rows`` (a debtor's, a request's, a file's) in one click. Each row is its own
    step: a row the user may not touch, or one the register refuses, is reported and the others go ahead."""
    outcome = AcceptOutcome()
    for row in rows.filter(status=RowStatus.FOUND, dismissed_at__isnull=True).order_by("result_file_id", "line_no"):
        if row.accepted_asset_id is not None:
            outcome.already += 1
            continue
        try:
            with transaction.atomic():
                result_row_accept(actor=actor, row=row)
            outcome.accepted += 1
        except PermissionDenied:
            outcome.refused.append((row.line_no, _("You may not register assets in this case.")))
        except ValidationError as exc:
            outcome.refused.append((row.line_no, "; ".join(exc.messages)))
    return outcome

"""The asset register and third-party objections (案外人异议)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.policy import Perm, require
from core.text import clean_name, clean_text
from cases.models import Case, CaseParty
from core.fields import money_input

from ..findings import check_source
from ..models import REQUIRED_IDENTIFIERS, Asset, AssetKind, AssetSource, Objection, ObjectionStatus
from ._common import lock_asset, lock_case, log_event

IDENTIFIER_FIELDS = ("bank_name", "account_number", "certificate_number", "plate_number", "company_name", "share")


@transaction.atomic
def asset_register(
    *,
    actor,
    case: Case,
    owner: CaseParty,
    kind: str,
    description: str,
    source: str,
    estimated_value: Decimal | str | None = None,
    location: str = "",
    source_note: str = "",
    bank_name: str = "",
    account_number: str = "",
    certificate_number: str = "",
    plate_number: str = "",
    company_name: str = "",
    share: str = "",
    source_action=None,
    source_row: int | None = None,
) -> Asset:
    """Record an asset found in the investigation, with the identifiers its kind needs. ``source_action`` and
    ``source_row`` name the network query finding it is registered from (one asset per finding)."""
    case = lock_case(case)
    require(actor, Perm.ASSET_CONTROL, case)
    errors: dict[str, str] = {}
    if kind not in AssetKind.values:
        errors["kind"] = _("Choose a valid asset kind.")
    if source not in AssetSource.values:
        errors["source"] = _("Choose where the information came from.")
    if owner is None or owner.case_id != case.pk:
        errors["owner"] = _("The owner must be a party to this case.")
    finding = None
    try:
        finding = check_source(case, source_action, source_row)
    except ValidationError as exc:
        errors.update({k: v[0] for k, v in exc.message_dict.items()})
    if finding is not None and Asset.objects.filter(source_action=finding, source_row=int(source_row)).exists():
        errors["source_action"] = _("The asset this finding names is already registered.")
    texts = {}
    for name, text, limit in (("description", description, 200), ("source_note", source_note, 300),
                              ("location", location, 300)):
        try:
            texts[name] = clean_text(text, field=name, max_length=limit)
        except ValidationError as exc:
            errors.update({k: v[0] for k, v in exc.message_dict.items()})
            texts[name] = ""
    description = texts["description"]
    if not description and "description" not in errors:
        errors["description"] = _("This field is required.")
    values = {}
    for name, text in zip(IDENTIFIER_FIELDS, (bank_name, account_number, certificate_number, plate_number,
                                              company_name, share), strict=True):
        try:
            values[name] = clean_text(text, field=name, max_length=Asset._meta.get_field(name).max_length)
        except ValidationError as exc:
            errors.update({k: v[0] for k, v in exc.message_dict.items()})
            values[name] = ""
    for name in REQUIRED_IDENTIFIERS.get(kind, ()):
        if not values[name] and name not in errors:
            errors[name] = _("Required for this kind of asset.")
    try:
        value = money_input(estimated_value, field="estimated_value", positive=False, allow_none=True)
    except ValidationError as exc:
        errors.update({k: v[0] for k, v in exc.message_dict.items()})
        value = None
    if errors:
        raise ValidationError(errors)
    asset = Asset.objects.create(
        case=case, owner=owner, kind=kind, description=description, source=source,
        source_note=texts["source_note"], estimated_value=value, location=texts["location"],
        created_by=actor, source_action=finding, source_row=int(source_row) if finding is not None else None,
        **values,
    )
    log_event(case=case, type="asset_registered", actor=actor,
              summary=_("Asset registered: %(asset)s") % {"asset": asset}, asset_id=asset.pk)
    return asset


@transaction.atomic
def objection_record(*, actor, asset: Asset, objector: str, filed_on: date, grounds: str = "") -> Objection:
    """A third party objects to enforcement against the asset: disposal stops until it is decided."""
    case = lock_case(asset.case_id)
    asset = lock_asset(asset)
    require(actor, Perm.ASSET_CONTROL, case)
    objector = clean_name(objector, field="objector", max_length=200)
    grounds = clean_text(grounds, field="grounds", max_length=2000, multiline=True)
    if filed_on > timezone.localdate():
        raise ValidationError({"filed_on": _("The date cannot be in the future.")})
    objection = Objection.objects.create(asset=asset, objector=objector, filed_on=filed_on,
                                         grounds=grounds, recorded_by=actor)
    if not asset.objection_pending:
        asset.objection_pending = True
        asset.save(update_fields=["objection_pending"])
    log_event(case=case, type="asset_objection", actor=actor,
              summary=_("Third-party objection by %(who)s to %(asset)s") % {"who": objection.objector, "asset": asset},
              asset_id=asset.pk, objection_id=objection.pk)
    return objection


@transaction.atomic
def objection_decide(*, actor, objection: Objection, status: str, decided_on: date) -> Objection:
    """Record the outcome; the asset's ``objection_pending`` flag clears when no objection is pending any more."""
    asset = Asset.objects.only("case_id").get(pk=objection.asset_id)
    case = lock_case(asset.case_id)
    asset = lock_asset(asset)
    require(actor, Perm.ASSET_CONTROL, case)
    objection = Objection.objects.select_for_update().get(pk=objection.pk)
    if objection.status != ObjectionStatus.PENDING:
        raise ValidationError({"status": _("This objection has already been decided.")})
    if status not in (ObjectionStatus.UPHELD, ObjectionStatus.DISMISSED, ObjectionStatus.WITHDRAWN):
        raise ValidationError({"status": _("Choose upheld, dismissed or withdrawn.")})
    if decided_on < objection.filed_on:
        raise ValidationError({"decided_on": _("The decision cannot be before the objection was filed.")})
    objection.status, objection.decided_on, objection.decided_by = status, decided_on, actor
    objection.save(update_fields=["status", "decided_on", "decided_by"])
    pending = asset.objections.filter(status=ObjectionStatus.PENDING).exists()
    if asset.objection_pending != pending:
        asset.objection_pending = pending
        asset.save(update_fields=["objection_pending"])
    log_event(case=case, type="asset_objection_decided", actor=actor,
              summary=_("Objection to %(asset)s: %(status)s") % {"asset": asset,
                                                                 "status": ObjectionStatus(status).label},
              asset_id=asset.pk, objection_id=objection.pk)
    return objection


@transaction.atomic
def asset_value_update(*, actor, asset: Asset, value: Decimal | str, note: str) -> Asset:
    """A newer figure for the asset's value (a bank balance reported by a network inquiry, say): the register keeps
    the latest, the timeline says what it was and where the new figure came from. Unchanged values change nothing."""
    case = lock_case(asset.case_id)
    asset = lock_asset(asset)
    require(actor, Perm.ASSET_CONTROL, case)
    new = money_input(value, field="estimated_value", positive=False)
    note = clean_text(note, field="note", max_length=200)
    if asset.estimated_value == new:
        return asset
    old = asset.estimated_value
    asset.estimated_value = new
    asset.save(update_fields=["estimated_value"])
    log_event(case=case, type="asset_value_changed", actor=actor,
              summary=_("Asset value updated: %(asset)s, %(old)s → %(new)s (%(note)s)") % {
                  "asset": asset, "old": "—" if old is None else f"¥{old:,.2f}", "new": f"¥{new:,.2f}",
                  "note": note},
              asset_id=asset.pk, old=None if old is None else str(old), new=str(new))
    return asset

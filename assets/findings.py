"""Registering an asset from a finding: the asset register form filled in from what a network query found, and the
owner a new asset defaults to (a debtor, never an applicant)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils import formats
from django.utils.translation import gettext as _

from cases.actions import NETWORK_ASSET_TYPES, NetworkQueryForm
from cases.findings import found_rows
from cases.models import Action, Case, CaseParty, PartyRole

from .models import AssetKind, AssetSource

# A network query's asset type -> (asset kind, the asset field its number goes to, the field its institution goes to).
# Online payment balances are money held for the debtor like a deposit; funds, policies and products held by an
# institution are other property rights identified by their account or policy number; ships are movables.
TYPE_MAP = {
    "bank_deposit": (AssetKind.BANK_DEPOSIT, "account_number", "bank_name"),
    "online_funds": (AssetKind.BANK_DEPOSIT, "account_number", "bank_name"),
    "real_estate": (AssetKind.REAL_ESTATE, "certificate_number", "location"),
    "vehicle": (AssetKind.VEHICLE, "plate_number", "location"),
    "equity": (AssetKind.EQUITY, "share", "company_name"),
    "securities": (AssetKind.OTHER_PROPERTY_RIGHT, "certificate_number", "company_name"),
    "housing_fund": (AssetKind.OTHER_PROPERTY_RIGHT, "certificate_number", "company_name"),
    "insurance": (AssetKind.OTHER_PROPERTY_RIGHT, "certificate_number", "company_name"),
    "wealth_products": (AssetKind.OTHER_PROPERTY_RIGHT, "certificate_number", "company_name"),
    "ships": (AssetKind.MOVABLE, "certificate_number", "location"),
}
assert set(TYPE_MAP) == {k for k, _label in NETWORK_ASSET_TYPES}


def respondents(case: Case) -> list[CaseParty]:
    return [cp for cp in case.case_parties.select_related("party").order_by("position", "pk")
            if cp.role == PartyRole.RESPONDENT]


def default_owner(case: Case, *, subject: str = "") -> CaseParty | None:
    """The owner a new asset defaults to: the debtor the finding names (``subject``, by name), else the first debtor
    (the only one, on most cases). None when the case has no debtor: then nobody is preselected, never an
    applicant."""
    debtors = respondents(case)
    subject = (subject or "").strip()
    named = next((cp for cp in debtors if subject and cp.party.name == subject), None)
    return named or (debtors[0] if debtors else None)


def finding_row(case: Case, action_id, row) -> tuple[Action, dict] | None:
    """The network query of *this* case and the found asset ``row`` of it, or None (another case's query, a row
    that does not exist, a measure that is not a network query)."""
    try:
        action_id, row = int(action_id), int(row)
    except (TypeError, ValueError):
        return None
    action = Action.objects.filter(case=case, pk=action_id).first()
    if action is None:
        return None
    rows = found_rows(action)
    found = next((r for r in rows if r["row"] == row), None)
    return (action, found) if found else None


def prefill(case: Case, action: Action, found: dict) -> dict:
    """The asset register form's initial values for the asset ``found`` by the network query ``action``."""
    kind, number_field, institution_field = TYPE_MAP[found["type"]]
    labels = dict(NETWORK_ASSET_TYPES)
    details = action.details or {}
    # The kind is shown beside the description everywhere: the description names where it is and its number.
    description = (" ".join(p for p in (found.get("institution", ""), found.get("number", "")) if p)
                   or str(labels[found["type"]]))[:200]
    systems = dict(NetworkQueryForm.SYSTEMS)
    note = _("Network query of %(date)s (%(system)s) of %(subject)s") % {
        "date": formats.date_format(action.occurred_on, "Y-m-d"),
        "system": systems.get(details.get("system"), details.get("system", "")),
        "subject": details.get("subject", "")}
    initial = {"kind": kind, "description": description, "source": AssetSource.NETWORK_QUERY,
               "source_note": note[:300], number_field: found.get("number", ""),
               "source_action": action.pk, "source_row": found["row"]}
    if found.get("institution"):
        initial[institution_field] = found["institution"]
    if found.get("amount"):
        initial["estimated_value"] = found["amount"]
    owner = default_owner(case, subject=details.get("subject", ""))
    if owner is not None:
        initial["owner"] = owner.pk
    return initial


def check_source(case: Case, source_action, source_row) -> Action | None:
    """The finding an asset is registered from, checked to be a found asset of this case's network query."""
    if source_action in (None, "") and source_row in (None, ""):
        return None
    found = finding_row(case, getattr(source_action, "pk", source_action), source_row)
    if found is None:
        raise ValidationError({"source_action": _("The finding is not a network query result of this case.")})
    return found[0]

"""How a result row compares with the asset register (set-based: one query per chunk of rows).

A row names an asset by its kind and an identifier (``account``: an account, certificate or plate number; for
shares the company). The register asset of the same debtor in the same case with the same kind and identifier is
its match: ``same`` if the balance agrees (or the agency gave none), ``changed`` if not, ``new`` if there is no such
asset. Register assets of the kinds an agency answered for that the agency no longer reports are ``gone``.
"""

from __future__ import annotations

from collections.abc import Iterable

from assets.models import Asset, AssetKind

# The register field holding a row's ``account`` and the one holding its ``institution``, per asset kind.
REGISTER_FIELDS: dict[str, tuple[str, str]] = {
    AssetKind.BANK_DEPOSIT: ("account_number", "bank_name"),
    AssetKind.WAGE_INCOME: ("account_number", "company_name"),
    AssetKind.OTHER_PROPERTY_RIGHT: ("certificate_number", "bank_name"),
    AssetKind.REAL_ESTATE: ("certificate_number", ""),
    AssetKind.VEHICLE: ("plate_number", ""),
    AssetKind.EQUITY: ("share", "company_name"),
    AssetKind.MOVABLE: ("description", ""),
}


def norm(value: str) -> str:
    return "".join((value or "").split()).upper()


def row_key(kind: str, account: str, institution: str) -> tuple[str, str]:
    """Equity is known by its company (the share is what changes); everything else by its number."""
    if kind == AssetKind.EQUITY:
        return kind, norm(institution)
    return kind, norm(account)


def asset_key(asset) -> tuple[str, str]:
    if asset.kind == AssetKind.EQUITY:
        return asset.kind, norm(asset.company_name)
    field = REGISTER_FIELDS.get(asset.kind, ("description", ""))[0]
    return asset.kind, norm(getattr(asset, field))


def register_index(pairs: Iterable[tuple[int, int]]) -> dict[tuple[int, int], dict[tuple[str, str], Asset]]:
    """The register assets of each (case id, case-party id) pair, by key: one query."""
    pairs = set(pairs)
    if not pairs:
        return {}
    case_ids = {c for c, _ in pairs}
    out: dict[tuple[int, int], dict] = {p: {} for p in pairs}
    fields = ("id", "case_id", "owner_id", "kind", "bank_name", "account_number", "certificate_number",
              "plate_number", "company_name", "share", "description", "estimated_value")
    for asset in Asset.objects.filter(case_id__in=case_ids).only(*fields).order_by("id"):
        bucket = out.get((asset.case_id, asset.owner_id))
        if bucket is not None:
            bucket.setdefault(asset_key(asset), asset)
    return out


def classify(row, assets_by_key: dict) -> tuple[str, Asset | None]:
    """``(diff, matched asset)`` for a found row."""
    asset = assets_by_key.get(row_key(row.asset_kind, row.account, row.institution))
    if asset is None:
        return "new", None
    if row.balance is not None and asset.estimated_value != row.balance:
        return "changed", asset
    return "same", asset

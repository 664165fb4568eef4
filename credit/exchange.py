"""The publication register in the national list's exchange format (docs/exchange.md, "Dishonest-debtor list"):
a ZIP of ``<batch>.jsonl`` (one record a line, UTF-8) and ``manifest.json`` (row count and SHA-256 of the file).

A record is a listing (``record_type = "listing"``) or the removal of one (``"removal"``); the export carries the
full identifier number (it goes to the SPC system), the public page never does. Schema of one line:
docs/exchange/credit-listing.schema.json.
"""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from datetime import date

from django.utils import timezone

from cases.models import PartyKind

from .models import CreditMeasure, MeasureStatus

FORMAT_VERSION = "1.0"


def _age(birth: date | None, on: date) -> int | None:
    if birth is None:
        return None
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def record(m: CreditMeasure) -> dict:
    from .services.measures import birth_date_of

    case, party = m.case, m.case_party.party
    person = party.kind == PartyKind.PERSON
    removed = m.status == MeasureStatus.REMOVED
    return {
        "record_type": "removal" if removed else "listing",
        "record_id": f"{case.court.code}-{m.pk}",
        "court_code": case.court.code,
        "court_name": case.court.name,
        "case_number": case.number,
        "filed_on": case.filed_on.isoformat(),
        "basis_issuer": case.basis_issuer,
        "basis_number": case.basis_number,
        "debtor_kind": "person" if person else "unit",
        "name": party.name,
        "sex": (party.sex or None) if person else None,
        "age": _age(birth_date_of(party), m.decided_on) if person else None,
        "id_kind": party.id_kind or "other",
        "id_number": party.id_number,
        "legal_representative": None if person else (party.legal_representative or None),
        "obligation": m.obligation,
        "performance": m.performance,
        "ground": m.ground,
        "conduct": m.conduct,
        "decision_number": m.document_number,
        "decided_on": m.decided_on.isoformat(),
        "published_on": m.published_on.isoformat(),
        "until": m.until.isoformat() if m.until else None,
        "removed_on": m.removed_on.isoformat() if removed else None,
        "removal_ground": m.removal_ground if removed else None,
    }


def jsonl_line(obj: dict) -> str:
    """One JSON object on one line: the line separators JSON allows raw are escaped too."""
    text = json.dumps(obj, ensure_ascii=False, sort_keys=True)
    return text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029").replace("\u0085", "\\u0085") + "\n"


def export_zip(measures, *, court, generated=None) -> tuple[str, bytes, int]:
    """(file name, ZIP bytes, record count) of the given register rows."""
    generated = generated or timezone.now()
    name = f"SX{timezone.localtime(generated):%Y%m%d%H%M%S}-{court.pk:03d}"
    body = "".join(jsonl_line(record(m)) for m in measures).encode("utf-8")
    rows = body.count(b"\n")
    manifest = {
        "format": "credit-listing", "version": FORMAT_VERSION, "batch": name, "court_code": court.code,
        "court_name": court.name, "generated_at": timezone.localtime(generated).isoformat(),
        "files": [{"name": f"{name}.jsonl", "rows": rows, "sha256": hashlib.sha256(body).hexdigest()}],
    }
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(f"{name}.jsonl", body)
        zf.writestr("manifest.json", json.dumps(manifest, ensure_ascii=False, indent=2))
    return f"{name}.zip", buf.getvalue(), rows


def mask_id(id_kind: str, value: str, *, person: bool) -> str:
    """The identifier as the public page shows it: a person's resident ID keeps its first 6 (the region) and last 4
    characters (620503********1234); any other person's document its first and last 2; a unit's USCC in full
    (published by rule, BAD-2017 art 6)."""
    if not value:
        return ""
    if not person:
        return value
    if len(value) in (15, 18):
        return value[:6] + "*" * (len(value) - 10) + value[-4:]
    if len(value) <= 4:
        return "*" * len(value)
    return value[:2] + "*" * (len(value) - 4) + value[-2:]

"""Exporting a batch in the exchange format (docs/exchange.md): a ZIP with one JSON Lines file per agency kind,
``<batch>_<kind>.jsonl``, and ``manifest.json`` listing each file's row count and SHA-256.

The first export builds the ZIP, keeps its bytes on the batch and hands it to the channel (after commit); exporting
again returns the same bytes (and does not send again).
"""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from dataclasses import dataclass

from django.db import transaction
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import AccessAction, BatchStatus, CONTROL_MEASURES, InquiryBatch, InquiryRequest
from .access import access_log_record_many
from .batches import batch_require

BATCH_FORMAT = "enf-inquiry-batch/1"
REQUEST_FORMAT = "enf-inquiry-request/1"


@dataclass(frozen=True)
class BatchExport:
    batch_number: str
    file_name: str
    content: bytes
    sha256: str


def _line(r: InquiryRequest, court_code: str) -> dict:
    line = {
        "format": REQUEST_FORMAT, "request_id": r.request_id, "batch": r.batch.number, "court_code": court_code,
        "case_number": r.case_number, "agency_kind": r.agency_kind, "channel": r.channel, "measure": r.measure,
    }
    if r.measure in CONTROL_MEASURES:
        line["amount"] = f"{r.amount:.2f}"
    line["subject"] = {"name": r.subject_name, "kind": r.subject_kind, "id_number": r.subject_id_number}
    line["legal_basis"] = {"case_number": r.case_number, "officer": r.officer_name,
                           "document_number": r.document_number}
    return line


# Characters that str.splitlines() and some readers take as line ends, which json leaves raw with ensure_ascii=False.
_LINE_BREAKS = str.maketrans({"\u2028": "\\u2028", "\u2029": "\\u2029", "\x85": "\\u0085"})


def _dumps(obj) -> bytes:
    # ensure_ascii=False: names stay readable UTF-8; json escapes control characters (\u0000-\u001f) itself and
    # the other line separators are escaped here, so a request is always exactly one line.
    text = json.dumps(obj, ensure_ascii=False, separators=(",", ":"))
    return text.translate(_LINE_BREAKS).encode("utf-8")


def build_zip(batch: InquiryBatch, *, when) -> bytes:
    """The batch's ZIP (deterministic for a given ``when``: fixed entry order and timestamps)."""
    court = batch.court
    stamp = timezone.localtime(when).timetuple()[:6]
    requests = (InquiryRequest.objects.filter(batch=batch).select_related("batch")
                .order_by("agency_kind", "seq"))
    files: dict[str, list[bytes]] = {kind: [] for kind in batch.kinds}
    for r in requests.iterator(chunk_size=5000):
        files.setdefault(r.agency_kind, []).append(_dumps(_line(r, court.code)))
    buffer = io.BytesIO()
    manifest_files = []
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for kind in batch.kinds:
            lines = files.get(kind, [])
            data = b"".join(line + b"\n" for line in lines)
            name = f"{batch.number}_{kind}.jsonl"
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, data)
            manifest_files.append({"name": name, "agency_kind": kind, "rows": len(lines),
                                   "sha256": hashlib.sha256(data).hexdigest()})
        manifest = {"format": BATCH_FORMAT, "court_code": court.code, "court_name": court.name,
                    "batch": batch.number, "created_at": timezone.localtime(batch.created_at).isoformat(),
                    "exported_at": timezone.localtime(when).isoformat(), "purpose": batch.purpose,
                    "files": manifest_files}
        info = zipfile.ZipInfo("manifest.json", date_time=stamp)
        info.compress_type = zipfile.ZIP_DEFLATED
        zf.writestr(info, json.dumps(manifest, ensure_ascii=False, indent=2).encode("utf-8") + b"\n")
    return buffer.getvalue()


def _as_export(batch: InquiryBatch) -> BatchExport:
    return BatchExport(batch_number=batch.number, file_name=f"{batch.number}.zip", content=bytes(batch.export_zip),
                       sha256=batch.export_sha256)


@transaction.atomic
def batch_export(*, actor, batch: InquiryBatch) -> BatchExport:
    """Export the batch (draft → exported) and send it through the channel once committed; a batch already
    exported gives back the same bytes. Every debtor in it gets an access-log entry either way."""
    batch = InquiryBatch.objects.select_for_update().select_related("court").get(pk=batch.pk)
    batch_require(actor=actor, batch=batch)
    requests = list(batch.requests.select_related("batch").only(
        "case_id", "party_id", "case_number", "officer_name", "subject_name", "batch__court_id"))
    if batch.status == BatchStatus.CANCELLED:
        raise ValidationError({"status": _("The batch was cancelled.")})
    if batch.export_zip is not None:
        access_log_record_many(user=actor, action=AccessAction.DOWNLOADED, requests=requests, batch=batch)
        return _as_export(batch)
    now = timezone.now()
    content = build_zip(batch, when=now)
    batch.export_zip = content
    batch.export_sha256 = hashlib.sha256(content).hexdigest()
    batch.exported_at = now
    batch.exported_by = actor
    batch.status = BatchStatus.EXPORTED
    batch.save(update_fields=["export_zip", "export_sha256", "exported_at", "exported_by", "status"])
    access_log_record_many(user=actor, action=AccessAction.EXPORTED, requests=requests, batch=batch)
    export = _as_export(batch)

    def send():
        from ..channels import get_channel

        get_channel().send(export)

    transaction.on_commit(send)
    return export

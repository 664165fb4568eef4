"""Signature checks for the public verification page (``notices`` calls these; reads only).

``document_state`` says, for a register entry, whether its stored signed PDF still validates (pyHanko, against the
trust roots: the demo CA and the roots of installed certificates) with the court's own certificate, and whether
that certificate was revoked. ``upload_check`` says whether a file someone received is the court's signed document,
unaltered: its signature valid and made with this court's certificate, and its bytes those the register holds for
this verification code.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from . import crypto
from .models import DocumentSignature, SignatureStatus, SigningCertificate, TrustRoot

MAX_UPLOAD = 20 * 1024 * 1024


class State:
    NOT_SEALED = "not_sealed"  # a type without the seal, or issued before the court put sealing into service
    AWAITING = "awaiting"      # sealed type, not signed yet
    VALID = "valid"            # signed, the signature validates, certificate not revoked
    ALTERED = "altered"        # the stored signed PDF no longer validates (or its hash differs from the record)
    REVOKED = "revoked"        # signed with a certificate the court revoked since


@dataclass
class DocumentState:
    state: str
    signature: DocumentSignature | None = None
    validation: crypto.Validation | None = None
    revoked_reason: str = ""
    extra: dict = field(default_factory=dict)


def trust_roots_pem() -> list[str]:
    return list(TrustRoot.objects.values_list("cert_pem", flat=True))


def _court_serials(court_id: int) -> set[str]:
    return set(SigningCertificate.objects.filter(court_id=court_id).values_list("serial", flat=True))


def _judge(validation: crypto.Validation, *, court_id: int) -> bool:
    return validation.valid and validation.signer_serial in _court_serials(court_id)


def document_state(document_id: int) -> DocumentState:
    row = (DocumentSignature.objects.select_related("certificate", "signer")
           .filter(document_id=document_id).first())
    if row is None:
        return DocumentState(State.NOT_SEALED)
    if row.status == SignatureStatus.AWAITING:
        return DocumentState(State.AWAITING, signature=row)
    data = bytes(row.pdf or b"")
    validation = crypto.pdf_validate(data, trust_roots_pem=trust_roots_pem())
    if hashlib.sha256(data).hexdigest() != row.sha256 or not _judge(validation, court_id=row.court_id):
        return DocumentState(State.ALTERED, signature=row, validation=validation)
    if row.certificate.revoked_at is not None:
        return DocumentState(State.REVOKED, signature=row, validation=validation,
                             revoked_reason=row.certificate.revoked_reason)
    return DocumentState(State.VALID, signature=row, validation=validation)


@dataclass
class UploadResult:
    genuine: bool              # the court's signed document for this code, unaltered
    register_match: bool       # the bytes are those the register holds for this code
    validation: crypto.Validation
    sha256: str


def looks_like_pdf(head: bytes) -> bool:
    return head[:1024].lstrip().startswith(b"%PDF-") or b"%PDF-" in head[:1024]


def upload_check(*, document_id: int, court_id: int, data: bytes, unsigned_sha256: str = "") -> UploadResult:
    """``data``: the uploaded file (the caller bounds its size and sniffs it)."""
    sha = hashlib.sha256(data).hexdigest()
    row = DocumentSignature.objects.filter(document_id=document_id).values("sha256", "status").first()
    expected = {unsigned_sha256} if unsigned_sha256 else set()
    if row and row["status"] == SignatureStatus.SIGNED:
        expected = {row["sha256"]}  # once signed, only the signed file is the court's document
    validation = crypto.pdf_validate(data, trust_roots_pem=trust_roots_pem())
    register_match = sha in expected
    if row and row["status"] == SignatureStatus.SIGNED:
        genuine = register_match and _judge(validation, court_id=court_id)
    else:
        genuine = register_match
    return UploadResult(genuine=genuine, register_match=register_match, validation=validation, sha256=sha)

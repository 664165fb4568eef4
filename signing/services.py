"""Writes of the signing app: the court's certificate, its policy, and signing issued documents.

Electronic sealing is in service at a court once it has an active certificate (set-up gives every court a demo one,
``signing.demo``). From then on every document of a sealed type (``SigningPolicy`` / ``signing.rules``) is, at its
issue (``document_issued``, called by ``notices.services`` inside the issue's transaction):

* signed at once when the user issuing it may sign that type (``may_sign``) and the certificate is valid today;
* otherwise registered as awaiting signature: an authorised user signs it later (``document_sign``, the queue page,
  the API), and until then its PDF is handed out with a "未签章" stamp at the place of the seal.

``notices`` is above this app: the issued document is read by label (``notices.IssuedDocument``/``DocumentFile``).
"""

from __future__ import annotations

import hashlib
import logging
import time
from dataclasses import dataclass

from django.apps import apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.policy import Perm, Target, has_perm, require

from . import crypto, rules
from .models import DocumentSignature, SignatureStatus, SigningCertificate, SigningPolicy, TrustRoot

log = logging.getLogger(__name__)

SIGN_MANY_LIMIT = 500


# --- Policy --------------------------------------------------------------------------------------------------------

def court_policy(court_id: int) -> dict[str, tuple[bool, tuple[str, ...]]]:
    """{doc_type: (sealed, roles)} for every known type and every type the court configured."""
    out = {code: rules.default(code) for code in rules.TYPES}
    for row in SigningPolicy.objects.filter(court_id=court_id):
        out[row.doc_type] = (row.sealed, tuple(row.roles))
    return out


def type_policy(court_id: int, doc_type: str) -> tuple[bool, tuple[str, ...]]:
    row = SigningPolicy.objects.filter(court_id=court_id, doc_type=doc_type).values_list("sealed", "roles").first()
    if row is not None:
        return row[0], tuple(row[1])
    return rules.default(doc_type)


def may_sign(user, *, doc_type: str, target, policy: tuple[bool, tuple[str, ...]] | None = None) -> bool:
    """Holds DOCUMENT_SIGN on the case and one of the roles the court allows for this (sealed) type."""
    if not has_perm(user, Perm.DOCUMENT_SIGN, target):
        return False
    sealed, roles = policy if policy is not None else type_policy(target.court_id, doc_type)
    return sealed and any(role in (getattr(user, "roles", None) or []) for role in roles)


def policy_save(*, user, court, rows: dict[str, tuple[bool, list[str]]]) -> None:
    """Replace the court's configuration for the given types: {doc_type: (sealed, roles)}. Roles must be among
    ``rules.ROLES``; a sealed type needs at least one role (else nobody could ever sign it)."""
    require(user, Perm.SIGNING_MANAGE, Target(court_id=court.pk))
    errors = {}
    for code, (sealed, roles) in rows.items():
        if code not in rules.TYPES:
            errors[f"policy.{code}"] = _("Unknown document type.")
        elif set(roles) - set(rules.ROLES):
            errors[f"policy.{code}"] = _("Only officers, clerks and the chief can sign documents.")
        elif sealed and not roles:
            errors[f"policy.{code}"] = _("A sealed document type needs at least one role that signs it.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        for code, (sealed, roles) in rows.items():
            SigningPolicy.objects.update_or_create(
                court=court, doc_type=code,
                defaults={"sealed": bool(sealed), "roles": sorted(set(roles), key=rules.ROLES.index),
                          "updated_by": user})


# --- Certificates --------------------------------------------------------------------------------------------------

def certificate_active(court_id: int) -> SigningCertificate | None:
    return SigningCertificate.objects.filter(court_id=court_id, active=True).select_related("root").first()


_IN_SERVICE_KEY = "signing:in-service:{}"


def sealing_in_service(court_id: int | None) -> bool:
    """Does the court have an active certificate (cached: the home page asks on every view)."""
    from django.core.cache import cache

    if court_id is None:
        return False
    key = _IN_SERVICE_KEY.format(court_id)
    value = cache.get(key)
    if value is None:
        value = SigningCertificate.objects.filter(court_id=court_id, active=True).exists()
        cache.set(key, value, 300)
    return bool(value)


def _in_service_changed(court_id: int) -> None:
    from django.core.cache import cache

    key = _IN_SERVICE_KEY.format(court_id)
    cache.delete(key)
    transaction.on_commit(lambda: cache.delete(key))  # again: a reader may have cached the old state meanwhile


def certificate_usable(cert: SigningCertificate | None, *, now=None) -> str | None:
    """None when ``cert`` can sign now, else why not (a translated message)."""
    now = now or timezone.now()
    if cert is None:
        return _("The court has no signing certificate; the court administrator installs one.")
    if cert.revoked_at is not None or not cert.active:
        return _("The court's signing certificate was revoked.")
    if now < cert.not_before:
        return _("The court's signing certificate is not valid yet.")
    if now > cert.not_after:
        return _("The court's signing certificate has expired; the court administrator installs a new one.")
    return None


def root_for(cert, chain: list, *, demo_root: TrustRoot | None = None) -> TrustRoot:
    """The trust root of ``cert``: the self-signed certificate at the end of ``chain``, recorded as a TrustRoot."""
    roots = [c for c in chain if c.subject == c.issuer and crypto.chain_issued_by(c, c)]
    if not roots:
        raise ValidationError({"p12": _("The file holds no root certificate: include the whole chain.")})
    root = roots[-1]
    sha = crypto.cert_info(root)["sha256"]
    found = TrustRoot.objects.filter(sha256=sha).first()
    if found:
        return found
    return TrustRoot.objects.create(name=root.subject.rfc4514_string()[:200], cert_pem=crypto.cert_pem(root),
                                    sha256=sha, demo=False)


def chain_check(cert, chain: list) -> None:
    """``cert`` must chain to a self-signed root through ``chain`` (each link's signature checked)."""
    current = cert
    seen = 0
    while not (current.subject == current.issuer and crypto.chain_issued_by(current, current)):
        issuer = next((c for c in chain if c.subject == current.issuer and crypto.chain_issued_by(current, c)), None)
        if issuer is None or seen > 8:
            raise ValidationError({"p12": _("The certificate chain is incomplete or broken: the issuer of %(subject)s "
                                            "is missing or did not sign it.") % {"subject": current.subject.rfc4514_string()}})
        current = issuer
        seen += 1


def certificate_install(*, user, court, key, cert, chain: list, demo: bool = False,
                        root: TrustRoot | None = None) -> SigningCertificate:
    """Install ``cert`` (with its key and chain) as the court's active signing certificate; the previous one is
    deactivated (rotation: documents it signed stay valid). ``user`` None: set-up (demo) or the command line."""
    if user is not None:
        require(user, Perm.SIGNING_MANAGE, Target(court_id=court.pk))
    if not crypto.key_matches(key, cert):
        raise ValidationError({"p12": _("The private key does not belong to the certificate.")})
    info = crypto.cert_info(cert)
    if info["not_after"] <= timezone.now():
        raise ValidationError({"p12": _("The certificate has expired.")})
    chain_check(cert, chain)
    root = root or root_for(cert, chain)
    with transaction.atomic():
        SigningCertificate.objects.select_for_update().filter(court=court, active=True).update(active=False)
        _in_service_changed(court.pk)
        return SigningCertificate.objects.create(
            court=court, root=root, cert_pem=crypto.cert_pem(cert),
            chain_pem="".join(crypto.cert_pem(c) for c in chain), key_encrypted=crypto.key_encrypt(key),
            subject=info["subject"][:500], serial=info["serial"], not_before=info["not_before"],
            not_after=info["not_after"], active=True, demo=demo, installed_by=user)


def certificate_revoke(*, user, certificate: SigningCertificate, reason: str) -> SigningCertificate:
    """The court's key was compromised (or the certificate withdrawn): signatures made with it show as revoked on
    the verification page; the court installs a new certificate to sign again."""
    if user is not None:
        require(user, Perm.SIGNING_MANAGE, Target(court_id=certificate.court_id))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the certificate is revoked.")})
    with transaction.atomic():
        cert = SigningCertificate.objects.select_for_update().get(pk=certificate.pk)
        if cert.revoked_at is None:
            cert.revoked_at = timezone.now()
            cert.revoked_reason = reason[:300]
            cert.active = False
            cert.save(update_fields=["revoked_at", "revoked_reason", "active"])
            _in_service_changed(cert.court_id)
    return cert


def _signer_key(cert: SigningCertificate, court_name: str) -> crypto.SignerKey:
    return crypto.SignerKey(cert_pem=cert.cert_pem, chain_pem=cert.chain_pem, key_pem=bytes(cert.key_encrypted),
                            court_name=court_name)


# --- Signing -------------------------------------------------------------------------------------------------------

@dataclass
class _Doc:
    id: int
    court_id: int
    case_id: int
    doc_type: str
    number: str


def _court_name(court_id: int) -> str:
    return apps.get_model("accounts", "Court").objects.filter(pk=court_id).values_list("name", flat=True).first()


def _sign_bytes(*, pdf: bytes, cert: SigningCertificate, court_name: str, number: str) -> bytes:
    return crypto.pdf_sign(pdf, key=_signer_key(cert, court_name), reason=f"{number}", location=court_name)


def _apply(row: DocumentSignature, *, user, cert: SigningCertificate, signed: bytes) -> None:
    row.status = SignatureStatus.SIGNED
    row.signer = user
    row.signed_at = timezone.now()
    row.certificate = cert
    row.field_name = crypto.FIELD_NAME
    row.sha256 = hashlib.sha256(signed).hexdigest()
    row.size = len(signed)
    row.pdf = signed


def document_issued(*, user, document, pdf: bytes) -> DocumentSignature | None:
    """Called by ``notices`` in the issue's transaction for each new document (version): sign it now, register it
    as awaiting signature, or nothing (no certificate at the court, or a type without the seal)."""
    cert = certificate_active(document.court_id)
    if cert is None:
        return None
    policy = type_policy(document.court_id, document.doc_type)
    if not policy[0]:
        return None
    row = DocumentSignature(document_id=document.pk, court_id=document.court_id, case_id=document.case_id,
                            doc_type=document.doc_type, number=document.number[:80])
    if certificate_usable(cert) is None and may_sign(user, doc_type=document.doc_type,
                                                     target=document.case.policy_target(), policy=policy):
        started = time.perf_counter()
        signed = _sign_bytes(pdf=pdf, cert=cert, court_name=_court_name(document.court_id), number=document.number)
        _apply(row, user=user, cert=cert, signed=signed)
        log.debug("signed %s in %.1f ms", document.number, (time.perf_counter() - started) * 1000)
    row.save(force_insert=True)
    return row


def _document_row(document_id: int) -> _Doc | None:
    row = (apps.get_model("notices", "IssuedDocument").objects.filter(pk=document_id)
           .values("id", "court_id", "case_id", "doc_type", "number").first())
    return _Doc(**row) if row else None


def _stored_pdf(document_id: int) -> bytes:
    data = (apps.get_model("notices", "DocumentFile").objects.filter(document_id=document_id)
            .values_list("pdf", flat=True).first())
    if data is None:
        raise ValidationError({"document": _("The document's PDF is missing.")})
    return bytes(data)


def signature_get_for_user(*, user, document_id: int) -> DocumentSignature:
    """The signature record of a document the user may see (404-like DoesNotExist otherwise)."""
    row = DocumentSignature.objects.select_related("case", "signer", "certificate").get(document_id=document_id)
    require(user, Perm.CASE_VIEW, row)
    return row


def document_sign(*, user, document_id: int) -> DocumentSignature:
    """Sign a document awaiting signature. A second call (double click, two tabs) returns the first signature.
    PermissionDenied unless the user may sign this type at this court and on this case."""
    with transaction.atomic():
        row = (DocumentSignature.objects.select_for_update(of=("self",)).select_related("case")
               .filter(document_id=document_id).first())
        if row is None:
            doc = _document_row(document_id)
            if doc is None:
                raise DocumentSignature.DoesNotExist
            require(user, Perm.CASE_VIEW, apps.get_model("cases", "Case").objects.get(pk=doc.case_id))
            raise ValidationError({"document": _("This document does not carry the court's seal.")})
        if not may_sign(user, doc_type=row.doc_type, target=row.case.policy_target()):
            raise PermissionDenied(_("You may not sign this type of document at this court."))
        if row.status == SignatureStatus.SIGNED:
            row.already = True
            return row
        cert = SigningCertificate.objects.filter(court_id=row.court_id, active=True).first()
        problem = certificate_usable(cert)
        if problem:
            raise ValidationError({"certificate": problem})
        signed = _sign_bytes(pdf=_stored_pdf(document_id), cert=cert, court_name=_court_name(row.court_id),
                             number=row.number)
        _apply(row, user=user, cert=cert, signed=signed)
        row.save()
        _event(row, user)
    row.already = False
    return row


def _event(row: DocumentSignature, user) -> None:
    from cases.events import event_log

    event_log(case=row.case, type="document_signed", actor=user,
              summary=_("Document %(number)s signed with the court's seal") % {"number": row.number},
              document_id=row.document_id, doc_type=row.doc_type, number=row.number)


def documents_sign_many(*, user, document_ids: list[int]) -> tuple[list[DocumentSignature], dict[int, str]]:
    """Sign each document (one transaction each: a failure does not undo the others). Returns the signed rows and
    {document_id: error} for the rest."""
    if len(document_ids) > SIGN_MANY_LIMIT:
        raise ValidationError({"documents": _("Sign at most %(n)s documents at a time.") % {"n": SIGN_MANY_LIMIT}})
    done, errors = [], {}
    for document_id in dict.fromkeys(document_ids):
        try:
            done.append(document_sign(user=user, document_id=document_id))
        except (PermissionDenied, ValidationError, DocumentSignature.DoesNotExist) as exc:
            errors[document_id] = "; ".join(getattr(exc, "messages", None) or [str(exc) or _("Not found.")])
    return done, errors


# --- What a download hands out ---------------------------------------------------------------------------------

def pdf_for_download(*, document_id: int, pdf: bytes) -> bytes:
    """The signed PDF when the document was signed; the stored PDF stamped 未签章 while it awaits signature; the
    stored PDF itself for a type without the seal (or before the court put sealing into service)."""
    row = DocumentSignature.objects.filter(document_id=document_id).values("status", "pdf").first()
    if row is None:
        return pdf
    if row["status"] == SignatureStatus.SIGNED and row["pdf"] is not None:
        return bytes(row["pdf"])
    return crypto.pdf_stamp_unsigned(pdf)


def seal_states(*, user, case, document_ids: list[int]) -> dict[int, tuple[str, bool]]:
    """{document_id: (status, user may sign it now)} for the case's documents that carry a seal (two queries)."""
    rows = dict(DocumentSignature.objects.filter(document_id__in=document_ids).values_list("document_id", "status")
                .order_by())
    if not rows:
        return {}
    policy = court_policy(case.court_id)
    target = case.policy_target()
    doc_types = dict(apps.get_model("notices", "IssuedDocument").objects.filter(pk__in=list(rows))
                     .values_list("pk", "doc_type").order_by()) if any(
        s == SignatureStatus.AWAITING for s in rows.values()) else {}
    out = {}
    for document_id, state in rows.items():
        sign = state == SignatureStatus.AWAITING and may_sign(
            user, doc_type=doc_types.get(document_id, ""), target=target,
            policy=policy.get(doc_types.get(document_id, ""), (False, ())))
        out[document_id] = (state, sign)
    return out


# --- Queue ---------------------------------------------------------------------------------------------------------

def queue_q(user) -> Q:
    """Documents awaiting signature that ``user`` may sign: scope of DOCUMENT_SIGN, and a type whose policy names
    one of the user's roles (per court)."""
    from accounts.policy import scope_q

    scope = scope_q(user, Perm.DOCUMENT_SIGN, court="court", team="case__team", officer="case__officer")
    roles = set(getattr(user, "roles", None) or [])
    court_id = getattr(user, "court_id", None)
    if court_id is None:
        return Q(pk__in=[])
    policy = court_policy(court_id)
    types = [code for code, (sealed, allowed) in policy.items() if sealed and roles & set(allowed)]
    return scope & Q(status=SignatureStatus.AWAITING, court_id=court_id, doc_type__in=types)


def queue(user):
    return (DocumentSignature.objects.filter(queue_q(user)).select_related("case")
            .defer("pdf").order_by("created_at", "id"))


def queue_count(user) -> int:
    return DocumentSignature.objects.filter(queue_q(user)).count()

"""PAdES signing with the court's certificate: the signature verifies and breaks with one changed byte, who may sign
(per court and type; service, page and API), awaiting signature and the queue, double signing, certificates
(expired, revoked, rotation, the demo CA command), the verification page."""

from __future__ import annotations

import datetime as dt
import hashlib
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from notices import services as notice_services
from notices.models import DocumentFile
from signing import crypto, services, verify
from signing.models import DocumentSignature, SigningCertificate, TrustRoot

from .conftest import issue

pytestmark = pytest.mark.django_db


def roots():
    return verify.trust_roots_pem()


def signed_pdf(document) -> bytes:
    return bytes(DocumentSignature.objects.get(document_id=document.pk).pdf)


# --- The signature itself ------------------------------------------------------------------------------------------

def test_officer_issue_is_signed_and_validates_against_the_demo_ca(sealing, case):
    doc = issue(sealing.officer, case)
    row = DocumentSignature.objects.get(document_id=doc.pk)
    assert row.status == "signed" and row.signer == sealing.officer and row.certificate.court_id == sealing.court.pk
    data = bytes(row.pdf)
    assert hashlib.sha256(data).hexdigest() == row.sha256
    unsigned = bytes(DocumentFile.objects.get(document=doc).pdf)
    assert data.startswith(unsigned)  # an incremental update: the issued bytes untouched
    result = crypto.pdf_validate(data, trust_roots_pem=roots())
    assert result.valid and result.signer_serial == row.certificate.serial
    assert "天水市麦积区人民法院" in result.signer_subject
    # pyHanko's own reading: a PAdES (ETSI.CAdES.detached) SHA-256 signature in the field CourtSeal
    from pyhanko.pdf_utils.reader import PdfFileReader

    sig = PdfFileReader(io.BytesIO(data)).embedded_signatures[0]
    assert sig.field_name == crypto.FIELD_NAME and str(sig.sig_object["/SubFilter"]) == "/ETSI.CAdES.detached"
    # the download hands out the signed file
    assert notice_services.document_pdf(user=sealing.officer, document=doc) == data


def test_one_changed_byte_in_the_signed_range_fails_the_signature(sealing, case):
    doc = issue(sealing.officer, case)
    data = bytearray(signed_pdf(doc))
    assert crypto.pdf_validate(bytes(data), trust_roots_pem=roots()).valid
    # A byte of the page content (inside the first byte range: the original document)
    unsigned_len = len(DocumentFile.objects.get(document=doc).pdf)
    position = bytes(data).index(b"stream", unsigned_len // 3) + 20
    data[position] ^= 0x01
    result = crypto.pdf_validate(bytes(data), trust_roots_pem=roots())
    assert result.signed and not result.intact and not result.valid


def test_changed_byte_in_register_copy_shows_altered_on_verify_page(sealing, case, client):
    doc = issue(sealing.officer, case)
    url = reverse("notices:verify_code", args=[doc.verification_code])
    assert 'data-state="valid"' in client.get(url).content.decode()
    row = DocumentSignature.objects.get(document_id=doc.pk)
    data = bytearray(row.pdf)
    data[len(data) // 4] ^= 0x20
    DocumentSignature.objects.filter(pk=row.pk).update(pdf=bytes(data))
    assert verify.document_state(doc.pk).state == verify.State.ALTERED
    assert 'data-state="altered"' in client.get(url).content.decode()


def test_a_signature_by_another_ca_is_not_trusted(sealing, case):
    doc = issue(sealing.officer, case)
    other_root, _key = crypto.demo_root_new()
    result = crypto.pdf_validate(signed_pdf(doc), trust_roots_pem=[crypto.cert_pem(other_root)])
    assert result.intact and not result.trusted and not result.valid


def test_appended_bytes_are_not_covered(sealing, case):
    doc = issue(sealing.officer, case)
    result = crypto.pdf_validate(signed_pdf(doc) + b"\n% appended\n", trust_roots_pem=roots())
    assert result.intact and not result.covers_all and not result.valid


def test_garbage_is_not_signed_and_does_not_raise():
    assert not crypto.pdf_validate(b"%PDF-1.7\n garbage", trust_roots_pem=[]).signed
    assert not crypto.pdf_validate(b"", trust_roots_pem=[]).valid


# --- Who may sign --------------------------------------------------------------------------------------------------

def test_clerk_issue_awaits_and_clerk_cannot_sign(sealing, case):
    doc = issue(sealing.clerk, case)  # clerks are not among the roles that sign notices by default
    row = DocumentSignature.objects.get(document_id=doc.pk)
    assert row.status == "awaiting" and row.pdf is None
    with pytest.raises(PermissionDenied):
        services.document_sign(user=sealing.clerk, document_id=doc.pk)
    row.refresh_from_db()
    assert row.status == "awaiting"
    # while it awaits, the download is stamped 未签章 (and is not the register's bytes)
    handed = notice_services.document_pdf(user=sealing.clerk, document=doc)
    unsigned = bytes(DocumentFile.objects.get(document=doc).pdf)
    assert handed != unsigned and handed.startswith(unsigned)
    assert not crypto.pdf_validate(handed, trust_roots_pem=roots()).signed
    from tests.notices.conftest import pdf_text

    assert "未签章" in pdf_text(handed) or b"/Im" in handed[len(unsigned):]


def test_policy_per_court_chief_only_is_enforced(sealing, case):
    services.policy_save(user=sealing.court_admin, court=sealing.court,
                         rows={"enforcement_notice": (True, ["chief"])})
    doc = issue(sealing.officer, case)
    assert DocumentSignature.objects.get(document_id=doc.pk).status == "awaiting"
    with pytest.raises(PermissionDenied):
        services.document_sign(user=sealing.officer, document_id=doc.pk)
    row = services.document_sign(user=sealing.chief, document_id=doc.pk)
    assert row.status == "signed" and row.signer == sealing.chief
    # the other court keeps the default: its officer signs notices
    assert services.type_policy(sealing.other_court.pk, "enforcement_notice") == (True, ("officer", "chief"))


def test_unsealed_type_creates_no_signature(sealing, case):
    services.policy_save(user=sealing.court_admin, court=sealing.court,
                         rows={"enforcement_notice": (False, [])})
    doc = issue(sealing.officer, case)
    assert not DocumentSignature.objects.filter(document_id=doc.pk).exists()
    assert verify.document_state(doc.pk).state == verify.State.NOT_SEALED


def test_policy_save_needs_signing_manage_and_valid_rows(sealing):
    with pytest.raises(PermissionDenied):
        services.policy_save(user=sealing.chief, court=sealing.court, rows={"enforcement_notice": (True, ["chief"])})
    with pytest.raises(PermissionDenied):  # another court's administrator... none here: the court admin of court 1
        services.policy_save(user=sealing.court_admin, court=sealing.other_court,
                             rows={"enforcement_notice": (True, ["chief"])})
    for rows, key in (({"enforcement_notice": (True, [])}, "policy.enforcement_notice"),
                      ({"enforcement_notice": (True, ["finance"])}, "policy.enforcement_notice"),
                      ({"no_such_type": (True, ["chief"])}, "policy.no_such_type")):
        with pytest.raises(ValidationError) as err:
            services.policy_save(user=sealing.court_admin, court=sealing.court, rows=rows)
        assert key in err.value.message_dict


def test_other_courts_chief_cannot_sign(sealing, case):
    services.policy_save(user=sealing.court_admin, court=sealing.court,
                         rows={"enforcement_notice": (True, ["chief"])})
    doc = issue(sealing.officer, case)
    with pytest.raises(PermissionDenied):
        services.document_sign(user=sealing.other_chief, document_id=doc.pk)
    with pytest.raises(PermissionDenied):  # officer of another team: DOCUMENT_SIGN is team-scoped for officers
        services.document_sign(user=sealing.colleague, document_id=doc.pk)


def test_double_sign_gives_one_signature(sealing, case):
    services.policy_save(user=sealing.court_admin, court=sealing.court,
                         rows={"enforcement_notice": (True, ["chief"])})
    doc = issue(sealing.officer, case)
    first = services.document_sign(user=sealing.chief, document_id=doc.pk)
    second = services.document_sign(user=sealing.chief, document_id=doc.pk)
    assert first.pk == second.pk and second.already and bytes(first.pdf) == bytes(second.pdf)
    assert DocumentSignature.objects.filter(document_id=doc.pk).count() == 1
    from cases.models import CaseEvent

    assert CaseEvent.objects.filter(case=case, type="document_signed").count() == 1


def test_reprint_does_not_sign_again(sealing, case):
    doc = issue(sealing.officer, case)
    again = issue(sealing.officer, case)
    assert again.pk == doc.pk and DocumentSignature.objects.filter(document_id=doc.pk).count() == 1


def test_correction_is_signed_and_the_old_version_shows_superseded(sealing, case, client):
    doc = issue(sealing.officer, case)
    new = notice_services.document_correct(user=sealing.officer, document=doc, reason="地址更正")
    assert DocumentSignature.objects.get(document_id=new.pk).status == "signed"
    html = client.get(reverse("notices:verify_code", args=[doc.verification_code])).content.decode()
    assert 'id="verify-superseded"' in html and 'data-state="valid"' in html


# --- Certificates --------------------------------------------------------------------------------------------------

def test_expired_certificate_is_refused(sealing, case):
    services.policy_save(user=sealing.court_admin, court=sealing.court,
                         rows={"enforcement_notice": (True, ["chief"])})
    doc = issue(sealing.officer, case)
    SigningCertificate.objects.filter(court=sealing.court, active=True).update(
        not_after=timezone.now() - dt.timedelta(days=1))
    with pytest.raises(ValidationError) as err:
        services.document_sign(user=sealing.chief, document_id=doc.pk)
    assert "certificate" in err.value.message_dict
    assert DocumentSignature.objects.get(document_id=doc.pk).status == "awaiting"
    # and a document issued meanwhile by an authorised user waits instead of being signed with it
    key = _first_key(case, "risk_notice")
    assert key is not None
    other = notice_services.document_issue(user=sealing.officer, case=case, doc_type="risk_notice", addressee_key=key)
    assert DocumentSignature.objects.get(document_id=other.pk).status == "awaiting"


def test_revoked_certificate_shows_revoked_on_the_verify_page(sealing, case, client):
    doc = issue(sealing.officer, case)
    cert = SigningCertificate.objects.get(court=sealing.court, active=True)
    with pytest.raises(PermissionDenied):
        services.certificate_revoke(user=sealing.chief, certificate=cert, reason="密钥泄露")
    services.certificate_revoke(user=sealing.court_admin, certificate=cert, reason="密钥泄露")
    state = verify.document_state(doc.pk)
    assert state.state == verify.State.REVOKED and state.revoked_reason == "密钥泄露"
    html = client.get(reverse("notices:verify_code", args=[doc.verification_code])).content.decode()
    assert 'data-state="revoked"' in html and "密钥泄露" in html
    # no active certificate any more: new documents are issued without a seal
    assert services.certificate_active(sealing.court.pk) is None


def test_demo_ca_command_is_idempotent(org):
    call_command("signing_demo_ca", stdout=io.StringIO())
    roots_before = list(TrustRoot.objects.values_list("pk", flat=True))
    certs_before = list(SigningCertificate.objects.values_list("pk", flat=True))
    assert len(roots_before) == 1
    assert SigningCertificate.objects.filter(active=True).count() == 4  # every court of the org fixture
    call_command("signing_demo_ca", stdout=io.StringIO())
    assert list(TrustRoot.objects.values_list("pk", flat=True)) == roots_before
    assert list(SigningCertificate.objects.values_list("pk", flat=True)) == certs_before


def test_install_p12_rotates_and_rejects_bad_files(sealing, case, tmp_path, monkeypatch):
    from cryptography.hazmat.primitives.serialization import BestAvailableEncryption, pkcs12
    from django.core.management.base import CommandError

    root, root_key = crypto.demo_root_new()
    cert, key = crypto.court_cert_new(court_name=sealing.court.name, court_code=sealing.court.code,
                                      root_cert=root, root_key=root_key)
    p12 = tmp_path / "court.p12"
    p12.write_bytes(pkcs12.serialize_key_and_certificates(b"seal", key, cert, [root],
                                                          BestAvailableEncryption(b"pass-1")))
    old = SigningCertificate.objects.get(court=sealing.court, active=True)
    old_doc = issue(sealing.officer, case)
    monkeypatch.setenv("SIGNING_P12_PASSPHRASE", "wrong")
    with pytest.raises(CommandError, match="passphrase"):
        call_command("signing_install", "--court", "甘0503", "--p12", str(p12), "--no-input")
    # without the root in the file: the chain is incomplete
    bare = tmp_path / "bare.p12"
    bare.write_bytes(pkcs12.serialize_key_and_certificates(b"seal", key, cert, None, BestAvailableEncryption(b"p")))
    monkeypatch.setenv("SIGNING_P12_PASSPHRASE", "p")
    with pytest.raises(CommandError, match="chain|证书链"):
        call_command("signing_install", "--court", "甘0503", "--p12", str(bare), "--no-input")
    monkeypatch.setenv("SIGNING_P12_PASSPHRASE", "pass-1")
    call_command("signing_install", "--court", "甘0503", "--p12", str(p12), "--no-input", stdout=io.StringIO())
    new = SigningCertificate.objects.get(court=sealing.court, active=True)
    assert new.pk != old.pk and not new.demo and new.serial == format(cert.serial_number, "x")
    old.refresh_from_db()
    assert not old.active and old.revoked_at is None
    # documents signed with the old certificate stay valid; new ones are signed with the new one
    assert verify.document_state(old_doc.pk).state == verify.State.VALID
    key = _first_key(case, "risk_notice")
    assert key is not None
    doc = notice_services.document_issue(user=sealing.officer, case=case, doc_type="risk_notice", addressee_key=key)
    row = DocumentSignature.objects.get(document_id=doc.pk)
    assert row.certificate_id == new.pk and verify.document_state(doc.pk).state == verify.State.VALID


def _first_key(case, doc_type):
    from notices import documents

    options = documents.get(doc_type).addressees(case)
    return options[0].key if options else None


def test_no_certificate_no_seal(org, case):
    doc = issue(org.officer, case)
    assert not DocumentSignature.objects.filter(document_id=doc.pk).exists()
    assert notice_services.document_pdf(user=org.officer, document=doc) == bytes(
        DocumentFile.objects.get(document=doc).pdf)


# --- Upload check ------------------------------------------------------------------------------------------------

def test_upload_of_the_signed_file_is_genuine_and_an_altered_one_is_not(sealing, case, client):
    doc = issue(sealing.officer, case)
    data = signed_pdf(doc)
    url = reverse("notices:verify_code", args=[doc.verification_code])
    from django.core.files.uploadedfile import SimpleUploadedFile

    r = client.post(url, {"pdf": SimpleUploadedFile("a.pdf", data, "application/pdf")})
    html = r.content.decode()
    assert r.status_code == 200 and "alert-success" in html.split('id="verify-compare"')[0][-80:]
    altered = bytearray(data)
    altered[len(DocumentFile.objects.get(document=doc).pdf) // 2] ^= 0x01
    r = client.post(url, {"pdf": SimpleUploadedFile("a.pdf", bytes(altered), "application/pdf")})
    html = r.content.decode()
    assert 'id="verify-upload-altered"' in html and "alert-danger" in html.split('id="verify-compare"')[0][-80:]
    # the unsigned register copy is no longer "the court's document" once it is signed
    unsigned = bytes(DocumentFile.objects.get(document=doc).pdf)
    assert not verify.upload_check(document_id=doc.pk, court_id=doc.court_id, data=unsigned,
                                   unsigned_sha256=doc.sha256).genuine
    # not a PDF
    r = client.post(url, {"pdf": SimpleUploadedFile("a.pdf", b"MZ\x90\x00 not a pdf", "application/pdf")})
    assert r.status_code == 400


# --- Pages and API -----------------------------------------------------------------------------------------------

def test_queue_page_tile_and_batch_sign(sealing, make_case, client):
    services.policy_save(user=sealing.court_admin, court=sealing.court,
                         rows={"enforcement_notice": (True, ["chief"])})
    docs = [issue(sealing.officer, make_case()) for _ in range(3)]
    from core.todo import tiles_for

    client.force_login(sealing.chief)
    page = client.get(reverse("signing:queue"))
    assert page.status_code == 200
    for d in docs:
        assert f'id="awaiting-{d.pk}"' in page.content.decode()
    tile = next(t for t in tiles_for(sealing.chief) if t.key == "signing")
    assert tile.count == 3 == page.context["total"]
    client.force_login(sealing.officer)  # the officer's queue: chief-only type, nothing to sign
    assert client.get(reverse("signing:queue")).context["total"] == 0
    assert client.post(reverse("signing:sign"), {"document": [docs[0].pk]}).status_code == 403
    client.force_login(sealing.chief)
    r = client.post(reverse("signing:sign"), {"document": [d.pk for d in docs]})
    assert r.status_code == 302
    assert DocumentSignature.objects.filter(document_id__in=[d.pk for d in docs], status="signed").count() == 3
    assert next(t for t in tiles_for(sealing.chief) if t.key == "signing").count == 0


def test_api_sign_status_and_403(sealing, case, client):
    services.policy_save(user=sealing.court_admin, court=sealing.court,
                         rows={"enforcement_notice": (True, ["chief"])})
    doc = issue(sealing.officer, case)
    client.force_login(sealing.officer)
    url = f"/api/v1/signing/documents/{doc.pk}/"
    assert client.get(url).json()["status"] == "awaiting"
    assert client.post(url + "sign/").status_code == 403
    client.force_login(sealing.outsider)
    assert client.post(url + "sign/").status_code == 404
    client.force_login(sealing.chief)
    assert client.get("/api/v1/signing/documents/").json()[0]["document"] == doc.pk
    r = client.post(url + "sign/")
    assert r.status_code == 200 and r.json()["status"] == "valid"
    assert client.post(url + "sign/").status_code == 200  # a second click: the same signature
    assert DocumentSignature.objects.filter(document_id=doc.pk).count() == 1
    # policy: read by anyone of the court, written by the court administrator only
    rows = client.get("/api/v1/signing/policy/").json()
    assert {"doc_type": "enforcement_notice", "title": "执行通知书", "sealed": True, "roles": ["chief"]} in rows
    body = {"rows": [{"doc_type": "enforcement_notice", "sealed": True, "roles": ["officer", "chief"]}]}
    assert client.post("/api/v1/signing/policy/", body, content_type="application/json").status_code == 403
    client.force_login(sealing.court_admin)
    assert client.post("/api/v1/signing/policy/", body, content_type="application/json").status_code == 200
    assert services.type_policy(sealing.court.pk, "enforcement_notice") == (True, ("officer", "chief"))
    cert = client.get("/api/v1/signing/certificate/").json()[0]
    assert cert["demo"] and cert["usable"] and cert["serial"]


def test_settings_page_saves_the_policy_and_is_403_for_others(sealing, client):
    client.force_login(sealing.chief)
    assert client.get(reverse("signing:settings")).status_code == 403
    client.force_login(sealing.court_admin)
    page = client.get(reverse("signing:settings"))
    assert page.status_code == 200 and 'id="policy-control_ruling"' in page.content.decode()
    data = {"form_token": "t" * 32}
    for code in ("control_ruling", "enforcement_notice"):
        data[f"sealed-{code}"] = "on"
        data[f"role-{code}-chief"] = "on"
    r = client.post(reverse("signing:settings"), data)
    assert r.status_code == 302
    assert services.type_policy(sealing.court.pk, "enforcement_notice") == (True, ("chief",))
    assert services.type_policy(sealing.court.pk, "risk_notice") == (False, ())  # unticked: no seal
    # a sealed type without any role is refused, nothing saved
    bad = {"sealed-enforcement_notice": "on"}
    r = client.post(reverse("signing:settings"), bad)
    assert r.status_code == 400
    assert services.type_policy(sealing.court.pk, "enforcement_notice") == (True, ("chief",))


def test_the_seal_is_drawn_in_red_over_the_placeholder(sealing, case, tmp_path):
    """pdftoppm renders the signed PDF: red ink fills the 42 mm circle the document reserves for the seal (its
    （院印） placeholder), and nowhere else on the page."""
    import subprocess

    from PIL import Image

    doc = issue(sealing.officer, case)
    data = signed_pdf(doc)
    page_index, (x1, y1, x2, y2) = crypto.seal_box(bytes(DocumentFile.objects.get(document=doc).pdf))
    assert round(x2 - x1) == round(y2 - y1) == round(42 * 72 / 25.4)
    (tmp_path / "s.pdf").write_bytes(data)
    subprocess.run(["pdftoppm", "-r", "72", "-png", "-f", str(page_index + 1), "-l", str(page_index + 1),
                    str(tmp_path / "s.pdf"), str(tmp_path / "p")], check=True)
    image = Image.open(next(tmp_path.glob("p*.png"))).convert("RGB")
    from pathlib import Path

    artifacts = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
    artifacts.mkdir(parents=True, exist_ok=True)
    subprocess.run(["pdftoppm", "-r", "100", "-png", "-singlefile", "-f", str(page_index + 1), "-l",
                    str(page_index + 1), str(tmp_path / "s.pdf"), str(artifacts / "signing-sealed-notice-page")],
                   check=True)  # for a person to look at
    height = image.height
    inside = outside = 0
    for y in range(0, height, 2):
        for x in range(0, image.width, 2):
            r, g, b = image.getpixel((x, y))
            if r > 170 and g < 100 and b < 100:
                pdf_y = height - y
                if x1 - 2 <= x <= x2 + 2 and y1 - 2 <= pdf_y <= y2 + 2:
                    inside += 1
                else:
                    outside += 1
    assert inside > 300 and outside == 0
    # the unsigned register copy has no red at all
    (tmp_path / "u.pdf").write_bytes(bytes(DocumentFile.objects.get(document=doc).pdf))
    subprocess.run(["pdftoppm", "-r", "36", "-png", str(tmp_path / "u.pdf"), str(tmp_path / "u")], check=True)
    for png in tmp_path.glob("u*.png"):
        img = Image.open(png).convert("RGB")
        data = img.tobytes()  # RGB triples
        assert not any(r > 170 and g < 100 and b < 100 for r, g, b in zip(data[0::3], data[1::3], data[2::3]))


def test_settings_page_revokes_the_certificate(sealing, case, client):
    doc = issue(sealing.officer, case)
    client.force_login(sealing.chief)
    assert client.post(reverse("signing:certificate_revoke"), {"reason": "密钥泄露"}).status_code == 403
    client.force_login(sealing.court_admin)
    r = client.post(reverse("signing:certificate_revoke"), {"reason": "  "})
    assert r.status_code == 302 and services.certificate_active(sealing.court.pk) is not None  # a reason is needed
    r = client.post(reverse("signing:certificate_revoke"), {"reason": "密钥泄露"})
    assert r.status_code == 302 and services.certificate_active(sealing.court.pk) is None
    assert verify.document_state(doc.pk).state == verify.State.REVOKED
    # the other court's certificate is untouched
    assert services.certificate_active(sealing.other_court.pk) is not None
    page = client.get(reverse("signing:settings")).content.decode()
    assert "密钥泄露" in page and 'id="signing-problem"' in page


def test_case_documents_tab_shows_the_seal_and_signs(sealing, case, client):
    services.policy_save(user=sealing.court_admin, court=sealing.court,
                         rows={"enforcement_notice": (True, ["chief"])})
    doc = issue(sealing.officer, case)
    tab = reverse("cases:detail", args=[case.pk]) + "?tab=documents"
    client.force_login(sealing.officer)
    html = client.get(tab).content.decode()
    assert 'data-seal="awaiting"' in html and f'data-doc-sign="{doc.pk}"' not in html  # not the officer's to sign
    client.force_login(sealing.chief)
    html = client.get(tab).content.decode()
    assert f'data-doc-sign="{doc.pk}"' in html
    r = client.post(reverse("signing:sign"), {"document": [doc.pk], "next": tab})
    assert r.status_code == 302 and r["Location"] == tab
    html = client.get(tab).content.decode()
    assert 'data-seal="signed"' in html and f'data-doc-sign="{doc.pk}"' not in html
    r = client.post(reverse("signing:sign"), {"document": [doc.pk], "next": "https://evil.example/"})
    assert r["Location"] == reverse("signing:queue")  # an outside address is never followed


def test_signing_and_checking_work_where_an_event_loop_already_runs(sealing, case):
    """pyHanko's synchronous calls wrap asyncio.run, which refuses to nest: a document issued from a thread that runs
    an event loop (an ASGI view, Playwright's sync API in the browser tests) must still be signed and checked."""
    import asyncio

    doc = issue(sealing.officer, case)
    row = DocumentSignature.objects.get(document_id=doc.pk)
    key = services._signer_key(row.certificate, sealing.court.name)
    unsigned = bytes(DocumentFile.objects.get(document=doc).pdf)
    trusted = roots()

    async def inside_a_loop():
        signed = crypto.pdf_sign(unsigned, key=key)
        return signed, crypto.pdf_validate(signed, trust_roots_pem=trusted)

    signed, result = asyncio.run(inside_a_loop())
    assert signed.startswith(unsigned) and result.valid and result.signer_serial == row.certificate.serial

"""Keys, certificates and PAdES: everything that touches cryptography (``cryptography`` + pyHanko), free of models.

* ``key_encrypt`` / ``key_decrypt``: private keys are stored as encrypted PKCS#8 PEM (AES-256-CBC with a key
  derived by PBKDF2 from the passphrase, ``BestAvailableEncryption``). The passphrase is the setting
  ``SIGNING_KEY_PASSPHRASE`` when set, else ``SECRET_KEY`` (docs/signing.md).
* ``demo_root_new`` / ``court_cert_new``: the demo certificate authority and a court certificate it issues.
* ``pkcs12_load``: a court's real certificate (PKCS#12 file) with its chain.
* ``pdf_sign``: a PAdES B-B signature (``/ETSI.CAdES.detached``, SHA-256, signing time) with the court's seal as the
  visible appearance at the place the document prints for it (``（院印）``).
* ``pdf_validate``: the signatures of a PDF checked with pyHanko against given trust roots.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import threading
from dataclasses import dataclass
from io import BytesIO

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from django.conf import settings

FIELD_NAME = "CourtSeal"
BYTES_RESERVED = 8192
MM = 72 / 25.4
SEAL_MM = 42  # GB/T 9704-2012 and the court seal's size: 42 mm across


# --- Keys ---------------------------------------------------------------------------------------------------------

def passphrase() -> bytes:
    value = getattr(settings, "SIGNING_KEY_PASSPHRASE", "") or settings.SECRET_KEY
    return value.encode("utf-8")


def key_encrypt(key) -> bytes:
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.BestAvailableEncryption(passphrase()))


def key_decrypt(data: bytes):
    return serialization.load_pem_private_key(bytes(data), password=passphrase())


def cert_pem(cert: x509.Certificate) -> str:
    return cert.public_bytes(serialization.Encoding.PEM).decode("ascii")


def certs_from_pem(text: str) -> list[x509.Certificate]:
    return x509.load_pem_x509_certificates(text.encode("ascii")) if text and text.strip() else []


def cert_info(cert: x509.Certificate) -> dict:
    return {
        "subject": cert.subject.rfc4514_string(),
        "issuer": cert.issuer.rfc4514_string(),
        "serial": format(cert.serial_number, "x"),
        "not_before": cert.not_valid_before_utc,
        "not_after": cert.not_valid_after_utc,
        "sha256": cert.fingerprint(hashes.SHA256()).hex(),
    }


# --- Demo certificate authority -----------------------------------------------------------------------------------

def _name(common_name: str, org: str) -> x509.Name:
    return x509.Name([
        x509.NameAttribute(NameOID.COUNTRY_NAME, "CN"),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, org),
        x509.NameAttribute(NameOID.COMMON_NAME, common_name),
    ])


def demo_root_new(*, now: dt.datetime | None = None, years: int = 20):
    """A self-signed root CA (EC P-256) for demonstration and tests: (certificate, key)."""
    now = now or dt.datetime.now(dt.UTC)
    key = ec.generate_private_key(ec.SECP256R1())
    name = _name("执行案件管理系统演示根证书（非正式）", "Demo CA - not for production")
    ski = x509.SubjectKeyIdentifier.from_public_key(key.public_key())
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(days=1)).not_valid_after(now + dt.timedelta(days=365 * years))
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .add_extension(x509.KeyUsage(digital_signature=False, content_commitment=False, key_encipherment=False,
                                         data_encipherment=False, key_agreement=False, key_cert_sign=True,
                                         crl_sign=True, encipher_only=False, decipher_only=False), critical=True)
            .add_extension(ski, critical=False)
            .sign(key, hashes.SHA256()))
    return cert, key


def court_cert_new(*, court_name: str, court_code: str, root_cert, root_key, now: dt.datetime | None = None,
                   days: int = 365 * 3, not_before: dt.datetime | None = None):
    """The court's signing certificate issued by ``root``: (certificate, key)."""
    now = now or dt.datetime.now(dt.UTC)
    key = ec.generate_private_key(ec.SECP256R1())
    start = not_before or (now - dt.timedelta(days=1))
    cert = (x509.CertificateBuilder()
            .subject_name(x509.Name([
                x509.NameAttribute(NameOID.COUNTRY_NAME, "CN"),
                x509.NameAttribute(NameOID.ORGANIZATION_NAME, court_name),
                x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, court_code),
                x509.NameAttribute(NameOID.COMMON_NAME, f"{court_name}电子印章"),
            ]))
            .issuer_name(root_cert.subject).public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(start).not_valid_after(start + dt.timedelta(days=days))
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=True, key_encipherment=False,
                                         data_encipherment=False, key_agreement=False, key_cert_sign=False,
                                         crl_sign=False, encipher_only=False, decipher_only=False), critical=True)
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION]), critical=False)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(root_key.public_key()),
                           critical=False)
            .sign(root_key, hashes.SHA256()))
    return cert, key


def pkcs12_load(data: bytes, password: bytes | None):
    """(key, certificate, [chain certificates]) from a PKCS#12 file; ValueError when it cannot be read."""
    from cryptography.hazmat.primitives.serialization import pkcs12

    key, cert, extra = pkcs12.load_key_and_certificates(data, password)
    if key is None or cert is None:
        raise ValueError("the PKCS#12 file holds no private key or no certificate")
    if not isinstance(key, rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey):
        raise ValueError("only RSA and EC keys are supported")
    return key, cert, list(extra or [])


def key_matches(key, cert: x509.Certificate) -> bool:
    fmt = (serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    return key.public_key().public_bytes(*fmt) == cert.public_key().public_bytes(*fmt)


def chain_issued_by(cert: x509.Certificate, issuer: x509.Certificate) -> bool:
    try:
        cert.verify_directly_issued_by(issuer)
    except (ValueError, TypeError, Exception):  # InvalidSignature and unsupported key types alike
        return False
    return True


# --- The seal's appearance ----------------------------------------------------------------------------------------

def seal_png(court_name: str, *, px: int = 400) -> bytes:
    """A red round court seal (ring, five-pointed star, the court's name along the upper arc), drawn with Pillow and
    the prepared document fonts; transparent outside the ink, with a white patch where the document prints its
    grey ``（院印）`` placeholder (which the seal replaces)."""
    import math

    from PIL import Image, ImageDraw, ImageFont

    red = (214, 0, 0, 235)
    image = Image.new("RGBA", (px, px), (255, 255, 255, 0))
    draw = ImageDraw.Draw(image)
    c = px / 2
    ring = px * 0.028
    # The placeholder label sits 30-34.5 mm from the top of the 42 mm circle: cover it (and the dashed ring below).
    mm = px / SEAL_MM
    draw.rectangle([c - 11 * mm, 29.2 * mm, c + 11 * mm, 35.2 * mm], fill=(255, 255, 255, 255))
    draw.ellipse([0, 0, px - 1, px - 1], outline=red, width=int(ring))
    # Star
    r_out, r_in = px * 0.17, px * 0.17 * 0.382
    points = []
    for i in range(10):
        r = r_out if i % 2 == 0 else r_in
        a = -math.pi / 2 + i * math.pi / 5
        points.append((c + r * math.cos(a), c + r * math.sin(a)))
    draw.polygon(points, fill=red)
    # Name along the upper arc, each character rotated to face the centre.
    font = ImageFont.truetype(str(seal_font_path()), int(px * 0.105))
    name = court_name[:16]
    n = len(name)
    span = min(math.radians(250), math.radians(22) * max(n - 1, 1) + math.radians(20))
    radius = c - ring - px * 0.075
    for i, ch in enumerate(name):
        angle = -math.pi / 2 - span / 2 + (span * i / (n - 1) if n > 1 else span / 2)
        glyph = Image.new("RGBA", (int(px * 0.14), int(px * 0.14)), (255, 255, 255, 0))
        gd = ImageDraw.Draw(glyph)
        gd.text((glyph.width / 2, glyph.height / 2), ch, font=font, fill=red, anchor="mm")
        glyph = glyph.rotate(-math.degrees(angle + math.pi / 2), resample=Image.BICUBIC, expand=True)
        x = c + radius * math.cos(angle) - glyph.width / 2
        y = c + radius * math.sin(angle) - glyph.height / 2
        image.alpha_composite(glyph, (int(x), int(y)))
    # Bottom line: the seal's use.
    small = ImageFont.truetype(str(seal_font_path()), int(px * 0.06))
    draw.text((c, px * 0.70), "电子印章", font=small, fill=red, anchor="mm")
    out = BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def seal_font_path():
    """The prepared 宋体-like document font (notices fonts: var/fonts/enf-body.otf, docs/fonts.md)."""
    import os
    from pathlib import Path

    base = Path(getattr(settings, "ENF_FONTS_DIR", "") or os.environ.get("ENF_FONTS_DIR", "")
                or Path(settings.BASE_DIR) / "var" / "fonts")
    for name in ("enf-title.otf", "enf-body.otf", "enf-hei.otf"):
        if (base / name).exists():
            return base / name
    raise FileNotFoundError(f"no prepared document font in {base} (run the font preparation, docs/fonts.md)")


_seal_cache: dict[str, bytes] = {}
_seal_lock = threading.Lock()


def seal_png_cached(court_name: str) -> bytes:
    with _seal_lock:
        if court_name not in _seal_cache:
            _seal_cache[court_name] = seal_png(court_name)
        return _seal_cache[court_name]


# --- Where the seal goes ------------------------------------------------------------------------------------------

_MARK = re.compile(r"院印")
SEAL_ANCHOR = "court-seal"  # id of the （院印） placeholder in templates/notices/base.html


def seal_box(pdf: bytes) -> tuple[int, tuple[int, int, int, int]]:
    """(page index, box in PDF points) for the seal: centred on the ``（院印）`` placeholder the document prints on its
    last page (notices/pdf/notice.css: the label is 30 mm below the top of the 42 mm circle); a fixed place at the
    lower right of the last page when a (court's own) template prints no placeholder."""
    from pypdf import PdfReader

    reader = PdfReader(BytesIO(pdf))
    last = len(reader.pages) - 1
    size = SEAL_MM * MM
    # The shipped templates give the placeholder an id: WeasyPrint writes it as a named destination at the circle's
    # top left corner (a dictionary lookup, no text extraction).
    try:
        dest = reader.named_destinations.get(SEAL_ANCHOR)
        index = reader.get_destination_page_number(dest) if dest is not None else -1
    except Exception:  # a destination pointing outside the document (a page cut from a batch layout)
        index = -1
    if index >= 0:
        left, top = float(dest["/Left"]), float(dest["/Top"])
        return index, (round(left), round(top - size), round(left + size), round(top))
    page = reader.pages[last]
    found: list[tuple[float, float]] = []

    def visit(text, cm, tm, font_dict, font_size):
        if _MARK.search(text or ""):
            # Text space → user space: tm then cm; the label's starting point.
            x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
            y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
            found.append((x, y))

    try:
        page.extract_text(visitor_text=visit)
    except Exception:  # an unreadable text layer: fall back to the fixed place
        found = []
    width = float(page.mediabox.width)
    if found:
        x, y = found[-1]
        # The label "（院印）" (4 characters of 12 pt, starting at x) is centred in the circle; its baseline is about
        # 33.5 mm below the circle's top.
        cx = x + 2 * 12
        top = y + 33.5 * MM
        return last, (round(cx - size / 2), round(top - size), round(cx + size / 2), round(top))
    right = width - 30 * MM
    return last, (round(right - size), round(60 * MM), round(right), round(60 * MM + size))


def _full_box():
    from pyhanko.pdf_utils import layout

    return layout.SimpleBoxLayoutRule(x_align=layout.AxisAlignment.ALIGN_MID, y_align=layout.AxisAlignment.ALIGN_MID,
                                      margins=layout.Margins(), inner_content_scaling=layout.InnerScaling.STRETCH_FILL)


# --- Signing ------------------------------------------------------------------------------------------------------

@dataclass
class SignerKey:
    cert_pem: str
    chain_pem: str
    key_pem: bytes
    court_name: str


_signers: dict[tuple, object] = {}
_signers_lock = threading.Lock()


def _signer(key: SignerKey):
    """A pyHanko SimpleSigner, cached per certificate (decrypting the key costs a PBKDF2 run)."""
    from pyhanko.sign import signers
    from pyhanko_certvalidator.registry import SimpleCertificateStore
    from asn1crypto import keys as asn1_keys, x509 as asn1_x509

    cache_key = (hashlib.sha256(key.cert_pem.encode()).hexdigest(), hashlib.sha256(key.key_pem).hexdigest())
    with _signers_lock:
        signer = _signers.get(cache_key)
        if signer is not None:
            return signer
    private = key_decrypt(key.key_pem)
    der_key = private.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
                                    serialization.NoEncryption())
    cert = certs_from_pem(key.cert_pem)[0]
    chain = certs_from_pem(key.chain_pem)
    signer = signers.SimpleSigner(
        signing_cert=asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER)),
        signing_key=asn1_keys.PrivateKeyInfo.load(der_key),
        cert_registry=SimpleCertificateStore.from_certs(
            [asn1_x509.Certificate.load(c.public_bytes(serialization.Encoding.DER)) for c in chain]))
    with _signers_lock:
        _signers[cache_key] = signer
        while len(_signers) > 32:
            _signers.pop(next(iter(_signers)))
    return signer


def pdf_sign(pdf: bytes, *, key: SignerKey, reason: str = "", location: str = "",
             visible: bool = True) -> bytes:
    """A PAdES B-B signature over the whole PDF (an incremental update: the bytes before it are untouched), with the
    seal as its appearance. No time stamp (no TSA on the court's intranet): the signing time is the signer's
    clock, signed as an attribute."""
    from pyhanko.pdf_utils.images import PdfImage
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers
    from pyhanko.stamp import StaticStampStyle
    from PIL import Image

    writer = IncrementalPdfFileWriter(BytesIO(pdf), strict=False)
    meta = signers.PdfSignatureMetadata(
        field_name=FIELD_NAME, md_algorithm="sha256", subfilter=fields.SigSeedSubFilter.PADES,
        reason=reason or None, location=location or None, name=key.court_name)
    spec = None
    stamp_style = None
    if visible:
        page, box = seal_box(pdf)
        spec = fields.SigFieldSpec(FIELD_NAME, on_page=page, box=box)
        image = Image.open(BytesIO(seal_png_cached(key.court_name)))
        stamp_style = StaticStampStyle(background=PdfImage(image, writer=writer), border_width=0,
                                       background_opacity=1.0, background_layout=_full_box())
    else:
        spec = fields.SigFieldSpec(FIELD_NAME)
    pdf_signer = signers.PdfSigner(meta, signer=_signer(key), stamp_style=stamp_style, new_field_spec=spec)
    out = BytesIO()
    # A fixed reservation for the CMS blob (an EC or RSA-4096 signature with a chain of a few certificates fits in
    # 12 KiB): without it pyHanko signs a dummy first to measure, which doubles the cost.
    outside_loop(lambda: pdf_signer.sign_pdf(writer, output=out, bytes_reserved=BYTES_RESERVED + len(key.chain_pem)))
    return out.getvalue()


def outside_loop(call):
    """Run ``call`` (one of pyHanko's synchronous entry points, which wrap ``asyncio.run``) in this thread, or in a
    short-lived thread when this thread already runs an event loop (an ASGI view, or Playwright's sync API in a
    test): ``asyncio.run`` refuses to nest."""
    import asyncio

    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return call()
    result: dict = {}

    def run():
        try:
            result["value"] = call()
        except BaseException as exc:  # re-raised in the caller's thread
            result["error"] = exc

    worker = threading.Thread(target=run, name="pyhanko-sync")
    worker.start()
    worker.join()
    if "error" in result:
        raise result["error"]
    return result.get("value")


def unsigned_png(*, px: int = 400) -> bytes:
    """The "未签章" stamp put where the seal goes while a document awaits signature."""
    from PIL import Image, ImageDraw, ImageFont

    grey = (120, 120, 120, 230)
    image = Image.new("RGBA", (px, px), (255, 255, 255, 0))
    draw = ImageDraw.Draw(image)
    mm = px / SEAL_MM
    draw.rectangle([px / 2 - 11 * mm, 29.2 * mm, px / 2 + 11 * mm, 35.2 * mm], fill=(255, 255, 255, 255))
    font = ImageFont.truetype(str(seal_font_path()), int(px * 0.16))
    draw.rounded_rectangle([px * 0.12, px * 0.34, px * 0.88, px * 0.62], radius=px * 0.03, outline=grey,
                           width=int(px * 0.02), fill=(255, 255, 255, 200))
    draw.text((px / 2, px * 0.48), "未签章", font=font, fill=grey, anchor="mm")
    out = BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


_unsigned_png: bytes | None = None


def pdf_stamp_unsigned(pdf: bytes) -> bytes:
    """``pdf`` with a grey "未签章" (not signed) stamp at the place of the seal (an incremental update)."""
    global _unsigned_png
    from pyhanko.pdf_utils.images import PdfImage
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.stamp import StaticContentStamp, StaticStampStyle
    from PIL import Image

    if _unsigned_png is None:
        _unsigned_png = unsigned_png()
    page, (x1, y1, x2, y2) = seal_box(pdf)
    writer = IncrementalPdfFileWriter(BytesIO(pdf), strict=False)
    style = StaticStampStyle(background=PdfImage(Image.open(BytesIO(_unsigned_png)), writer=writer), border_width=0,
                             background_layout=_full_box())
    from pyhanko.pdf_utils.layout import BoxConstraints

    stamp = StaticContentStamp(writer, style, box=BoxConstraints(width=x2 - x1, height=y2 - y1))
    stamp.apply(page, x1, y1)
    out = BytesIO()
    writer.write(out)
    return out.getvalue()


# --- Validation ---------------------------------------------------------------------------------------------------

@dataclass
class Validation:
    signed: bool               # the file carries a signature
    intact: bool = False       # the signed bytes hash to what was signed and the CMS signature is valid
    trusted: bool = False      # the signer's certificate chains to a trust root
    covers_all: bool = False   # the signature covers the whole file (nothing appended after it)
    signer_serial: str = ""
    signer_subject: str = ""
    signing_time: dt.datetime | None = None
    error: str = ""

    @property
    def valid(self) -> bool:
        return self.signed and self.intact and self.trusted and self.covers_all


def _common_name(cert) -> str:
    """The certificate's common name (电子印章 of the court), else its organisation, else the whole subject."""
    native = cert.subject.native
    return str(native.get("common_name") or native.get("organization_name") or cert.subject.human_friendly)


def pdf_validate(pdf: bytes, *, trust_roots_pem: list[str]) -> Validation:
    """Check the last signature of ``pdf`` against ``trust_roots_pem``. Never raises on a bad file: a file that
    cannot be parsed, or whose signature does not match its bytes, is reported as not intact."""
    from asn1crypto import x509 as asn1_x509
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    try:
        reader = PdfFileReader(BytesIO(pdf), strict=False)
        sigs = reader.embedded_signatures
    except Exception as exc:  # not a PDF, or its structure broken
        return Validation(signed=False, error=f"unreadable: {type(exc).__name__}")
    if not sigs:
        return Validation(signed=False)
    sig = sigs[-1]
    roots = []
    for pem in trust_roots_pem:
        roots += [asn1_x509.Certificate.load(c.public_bytes(serialization.Encoding.DER)) for c in certs_from_pem(pem)]
    context = ValidationContext(trust_roots=roots, allow_fetching=False, revocation_mode="soft-fail")
    try:
        status = outside_loop(lambda: validate_pdf_signature(sig, context))
    except Exception as exc:  # a mangled CMS blob or byte range
        return Validation(signed=True, error=f"invalid: {type(exc).__name__}")
    cert = status.signing_cert
    from pyhanko.sign.validation.status import SignatureCoverageLevel

    return Validation(
        signed=True, intact=bool(status.intact and status.valid), trusted=bool(status.trusted),
        covers_all=status.coverage == SignatureCoverageLevel.ENTIRE_FILE,
        signer_serial=format(cert.serial_number, "x") if cert is not None else "",
        signer_subject=_common_name(cert) if cert is not None else "",
        signing_time=status.signer_reported_dt)

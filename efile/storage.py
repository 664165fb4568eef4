"""Where the electronic file keeps its PDFs, and the checks every upload passes before it is stored.

Files live under ``settings.EFILE_ROOT`` (outside the web root and outside MEDIA_ROOT: only the permission-checked
views serve them), named by the SHA-256 of their content, written to a temporary name and renamed (never half a
file under the final name).

Uploads are sniffed by content, never by name or declared type: PDF, JPEG, PNG or TIFF by their magic bytes, then
opened with pikepdf or Pillow. Refused: an empty file, one over ``EFILE_MAX_UPLOAD_BYTES``, anything else (an .exe
renamed .pdf), a PDF that does not open (truncated, damaged), an encrypted PDF, a PDF with no pages or more than
``EFILE_MAX_PAGES``, an image larger than ``EFILE_MAX_IMAGE_PIXELS`` (decompression bombs) or with too many frames.
Images become a PDF (img2pdf: JPEG kept as it is, lossless for the others).
"""

from __future__ import annotations

import hashlib
import io
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

PDF, JPEG, PNG, TIFF = "application/pdf", "image/jpeg", "image/png", "image/tiff"


def root() -> Path:
    return Path(settings.EFILE_ROOT)


def absolute(relative: str) -> Path:
    path = (root() / relative).resolve()
    if root().resolve() not in path.parents:
        raise ValueError("path outside EFILE_ROOT")
    return path


def sniff(head: bytes) -> str | None:
    """The type of a file from its first bytes, or None."""
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"II*\x00") or head.startswith(b"MM\x00*"):
        return TIFF
    return None


@dataclass
class Checked:
    pdf: bytes  # the file as the e-file keeps it (a PDF)
    mime: str  # the type uploaded
    pages: int
    original_sha256: str


def _error(message: str) -> ValidationError:
    return ValidationError({"file": [message]})


def check_upload(content: bytes, *, name: str) -> Checked:
    """Check an upload and turn it into the PDF the file keeps; ``ValidationError`` on the field ``file``."""
    limit = settings.EFILE_MAX_UPLOAD_BYTES
    if not content:
        raise _error(_("%(name)s is empty.") % {"name": name})
    if len(content) > limit:
        raise _error(_("%(name)s is larger than %(mb)s MB.") % {"name": name, "mb": f"{limit / 1024 / 1024:.0f}"})
    mime = sniff(content[:16])
    if mime is None:
        raise _error(_("%(name)s is not a PDF, JPEG, PNG or TIFF file.") % {"name": name})
    digest = hashlib.sha256(content).hexdigest()
    if mime == PDF:
        pages = _check_pdf(content, name=name)
        return Checked(pdf=content, mime=mime, pages=pages, original_sha256=digest)
    pdf, pages = _image_to_pdf(content, name=name)
    return Checked(pdf=pdf, mime=mime, pages=pages, original_sha256=digest)


def _check_pdf(content: bytes, *, name: str) -> int:
    import pikepdf

    try:
        with pikepdf.open(io.BytesIO(content)) as pdf:
            if pdf.is_encrypted:
                raise _error(_("%(name)s is encrypted or password-protected: upload an unprotected copy.") % {
                    "name": name})
            pages = len(pdf.pages)
            # qpdf repairs what it can silently; a PDF it had to reconstruct is damaged (truncated uploads).
            problems = pdf.check_pdf_syntax() if hasattr(pdf, "check_pdf_syntax") else pdf.check()
    except pikepdf.PasswordError:
        raise _error(_("%(name)s is encrypted or password-protected: upload an unprotected copy.") % {
            "name": name}) from None
    except (pikepdf.PdfError, ValueError, OSError, RuntimeError):
        raise _error(_("%(name)s is damaged or not a complete PDF.") % {"name": name}) from None
    if any("reconstruct" in str(p) or "truncat" in str(p) or "EOF" in str(p) for p in problems or ()):
        raise _error(_("%(name)s is damaged or not a complete PDF.") % {"name": name})
    if not content.rstrip().endswith(b"%%EOF") and b"%%EOF" not in content[-2048:]:
        raise _error(_("%(name)s is damaged or not a complete PDF.") % {"name": name})
    _pages_check(pages, name=name)
    return pages


def _pages_check(pages: int, *, name: str) -> None:
    if pages < 1:
        raise _error(_("%(name)s has no pages.") % {"name": name})
    if pages > settings.EFILE_MAX_PAGES:
        raise _error(_("%(name)s has %(pages)s pages; at most %(max)s are accepted in one upload.") % {
            "name": name, "pages": pages, "max": settings.EFILE_MAX_PAGES})


def _image_to_pdf(content: bytes, *, name: str) -> tuple[bytes, int]:
    import img2pdf
    from PIL import Image, UnidentifiedImageError

    limit = settings.EFILE_MAX_IMAGE_PIXELS
    try:
        with Image.open(io.BytesIO(content)) as image:
            width, height = image.size
            if width * height > limit or width > 30000 or height > 30000:
                raise _error(_("%(name)s is too large an image (%(w)s × %(h)s pixels).") % {
                    "name": name, "w": width, "h": height})
            frames = getattr(image, "n_frames", 1)
            _pages_check(frames, name=name)
            image.verify()
    except ValidationError:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise _error(_("%(name)s is damaged or not a complete image.") % {"name": name}) from None
    try:
        pdf = img2pdf.convert(content, rotation=img2pdf.Rotation.ifvalid)
    except Exception:  # noqa: BLE001 - img2pdf refuses alpha channels and odd modes: convert through Pillow
        pdf = _pillow_pdf(content, name=name)
    return pdf, frames


def _pillow_pdf(content: bytes, *, name: str) -> bytes:
    from PIL import Image, ImageSequence

    out = io.BytesIO()
    try:
        with Image.open(io.BytesIO(content)) as image:
            dpi = image.info.get("dpi", (200, 200))[0] or 200
            frames = [frame.convert("RGB") for frame in ImageSequence.Iterator(image)]
            frames[0].save(out, "PDF", save_all=True, append_images=frames[1:], resolution=float(dpi))
    except (OSError, ValueError):
        raise _error(_("%(name)s is damaged or not a complete image.") % {"name": name}) from None
    return out.getvalue()


def write(data: bytes, *, folder: str, suffix: str = ".pdf") -> tuple[str, str]:
    """Store ``data`` under ``folder`` by its SHA-256; returns (relative path, sha256). Atomic (temp + rename)."""
    digest = hashlib.sha256(data).hexdigest()
    relative = f"{folder}/{digest}{suffix}"
    target = root() / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    if not target.exists():
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    return relative, digest


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1024 * 1024), b""):
            digest.update(block)
    return digest.hexdigest()

"""Fixtures of the e-file tests: sample files (real PDFs and images), a closed case, an EFILE_ROOT per test."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

FONT = Path(__file__).resolve().parents[2] / "var" / "fonts" / "enf-hei.otf"


@pytest.fixture(autouse=True)
def efile_root(settings, tmp_path):
    settings.EFILE_ROOT = tmp_path / "efile"
    return settings.EFILE_ROOT


def chinese_image(text: str, *, fmt: str = "PNG", size=(1654, 1100), font_size: int = 48, lines: int = 1,
                  more: tuple = (), dpi: int = 300) -> bytes:
    """A white page with black Chinese text drawn in the court's 黑体 face (a 'scan'); ``more``: further lines."""
    from PIL import Image, ImageDraw, ImageFont

    from django.conf import settings

    font_path = Path(settings.ENF_FONTS_DIR) / "enf-hei.otf"
    image = Image.new("L" if fmt != "PNG" else "RGB", size, "white")
    draw = ImageDraw.Draw(image)
    font = ImageFont.truetype(str(font_path if font_path.exists() else FONT), font_size)
    for n, line in enumerate([text] * lines + list(more)):
        draw.text((120, 150 + n * (font_size * 2)), line, fill="black", font=font)
    out = io.BytesIO()
    image.save(out, fmt, dpi=(dpi, dpi))
    return out.getvalue()


def image_pdf(pages: int = 1, text: str = "扫描件") -> bytes:
    import img2pdf

    return img2pdf.convert([chinese_image(f"{text}{n + 1}", fmt="JPEG", size=(827, 1170), font_size=40)
                            for n in range(pages)])


def upload(name: str, data: bytes, content_type: str = "application/pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type)


def close_case(org, case):
    from cases.services import closure_approve, closure_request

    request = closure_request(actor=org.officer, case=case, mode="terminated", ground="applicant_withdrew",
                              reason="申请人撤回执行申请")
    closure_approve(actor=org.chief, request=request)
    case.refresh_from_db()
    assert case.stage == "closed"
    return case


@pytest.fixture
def notice(org):
    """Issue a 执行通知书 on a case (the real notices service)."""
    from accounts.models import Court
    from notices import services as notice_services

    Court.objects.filter(pk=org.court.pk).update(phone="0938-2731234")
    org.court.refresh_from_db()

    def _issue(case, doc_type="enforcement_notice"):
        from notices import documents

        key = documents.get(doc_type).addressees(case)[0].key
        return notice_services.document_issue(user=org.clerk, case=case, doc_type=doc_type, addressee_key=key)

    return _issue

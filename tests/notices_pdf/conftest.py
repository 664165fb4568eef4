"""Fixtures for the notice PDF engine tests (tests/notices_pdf).

Run standalone:  .venv/bin/python -m pytest tests/notices_pdf -q -p no:django
"""

from __future__ import annotations

import io
import shutil
import subprocess
from pathlib import Path

import pytest

# ---------------------------------------------------------------------------------------------------------------
# STANDALONE DJANGO CONFIGURATION — only when nothing has configured Django yet.
# These tests need nothing but Django's template engine. Under the project's pytest-django run the project
# settings are already configured and this does nothing (beyond making sure the app registry is ready). With
# `-p no:django` (and no DJANGO_SETTINGS_MODULE), it calls django.conf.settings.configure() with a template-only
# setup: TEMPLATES DIRS = <project>/templates and the notices_pdf template library.
# ---------------------------------------------------------------------------------------------------------------
from notices.pdf.samples import configure_django_if_needed

configure_django_if_needed()

from notices.pdf import fonts  # noqa: E402
from notices.pdf.samples import SAMPLE_TEMPLATE, zhixing_tongzhishu_context  # noqa: E402

A4_MM = (210.0, 297.0)


def _require(tool: str) -> str:
    path = shutil.which(tool)
    if path is None:
        pytest.skip(f"{tool} (poppler-utils) is not installed")
    return path


@pytest.fixture(scope="session")
def prepared_fonts() -> dict[str, Path]:
    """The prepared faces (prepared now, under the lock, if missing: takes a few minutes once).

    The project's pytest.ini points ENF_VAR_DIR at var/test, so ENF_FONTS_DIR would be var/test/fonts. When that
    holds no current fonts but the setup-time ones in <project>/var/fonts are current, the tests use those
    instead of spending minutes preparing a second copy.
    """
    from django.conf import settings

    configured = fonts.fonts_dir()
    if not fonts.fonts_are_current(configured) and fonts.fonts_are_current(fonts.DEFAULT_FONTS_DIR):
        settings.ENF_FONTS_DIR = str(fonts.DEFAULT_FONTS_DIR)
    return fonts.ensure_fonts()


@pytest.fixture(scope="session")
def render(prepared_fonts):
    from notices.pdf import render as render_module

    return render_module


@pytest.fixture
def sample_context() -> dict:
    return zhixing_tongzhishu_context()


@pytest.fixture(scope="session")
def sample_pdf(render, tmp_path_factory) -> Path:
    """The sample 执行通知书 with realistic data, rendered once per session."""
    path = tmp_path_factory.mktemp("notice") / "zhixing.pdf"
    path.write_bytes(render.render_template_pdf(SAMPLE_TEMPLATE, zhixing_tongzhishu_context()))
    return path


@pytest.fixture(scope="session")
def sample_pdf_with_attachment(render, tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("notice") / "zhixing-attachment.pdf"
    context = zhixing_tongzhishu_context(attach_property_form=True)
    path.write_bytes(render.render_template_pdf(SAMPLE_TEMPLATE, context))
    return path


def pdftotext(path: Path, *, first: int | None = None, last: int | None = None, layout: bool = False) -> str:
    args = [_require("pdftotext"), "-enc", "UTF-8"]
    if layout:
        args.append("-layout")
    if first:
        args += ["-f", str(first)]
    if last:
        args += ["-l", str(last)]
    return subprocess.run([*args, str(path), "-"], check=True, capture_output=True, text=True).stdout


def page_count(path: Path) -> int:
    out = subprocess.run([_require("pdfinfo"), str(path)], check=True, capture_output=True, text=True).stdout
    return int(next(line.split()[-1] for line in out.splitlines() if line.startswith("Pages:")))


def page_image(path: Path, page: int, dpi: int = 50):
    """Page ``page`` (1-based) rasterised by pdftoppm, as a Pillow greyscale image."""
    from PIL import Image

    png = subprocess.run(
        [_require("pdftoppm"), "-r", str(dpi), "-png", "-f", str(page), "-l", str(page), str(path)],
        check=True, capture_output=True,
    ).stdout
    return Image.open(io.BytesIO(png)).convert("L")


def _crop_box(image, region_mm):
    """Pixel box of a region given in mm, clamped to the image (PIL pads out-of-range crops with black)."""
    px_per_mm = image.width / A4_MM[0]
    left, top, right, bottom = (round(v * px_per_mm) for v in region_mm)
    return (max(0, left), max(0, top), min(image.width, right), min(image.height, bottom))


def ink_box_mm(image, *, threshold: int = 200, region_mm: tuple[float, float, float, float] | None = None):
    """Bounding box (left, top, right, bottom) in mm of pixels darker than ``threshold``, or None.

    ``region_mm`` (left, top, right, bottom) restricts the search to part of the page.
    """
    px_per_mm = image.width / A4_MM[0]
    if region_mm is not None:
        box = _crop_box(image, region_mm)
        image = image.crop(box)
        offset = (box[0] / px_per_mm, box[1] / px_per_mm)
    else:
        offset = (0.0, 0.0)
    mask = image.point(lambda v: 255 if v < threshold else 0)
    bbox = mask.getbbox()
    if bbox is None:
        return None
    left, top, right, bottom = (v / px_per_mm for v in bbox)
    return (left + offset[0], top + offset[1], right + offset[0], bottom + offset[1])


def dark_pixels(image, region_mm: tuple[float, float, float, float], *, threshold: int = 200) -> int:
    crop = image.crop(_crop_box(image, region_mm))
    return sum(1 for v in crop.tobytes() if v < threshold)

"""Demo data of the electronic case file: the issued documents filed into their cases (backfill), two small scans
(generated sample pages with their text) on each of a few open cases, and one closed case archived as a volume.

Idempotent (nothing happens once the court has scans) and deterministic (the cases are the court's lowest ids of
their kind; the pages are drawn from fixed texts). Scans are dated within their case (not before filing, not in the
future); the volume is built by the same code as the worker's task, so its pages and hash are real.
"""

from __future__ import annotations

import io
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

SCANS = (
    ("investigation", "现场调查笔录", "执行人员到被执行人住所地进行调查，被执行人未在家。"),
    ("control", "查封现场照片", "本院依法查封被执行人名下车辆一辆。"),
)
OPEN_CASES = 3


def _page(text: str) -> bytes:
    from PIL import Image, ImageDraw, ImageFont

    image = Image.new("L", (827, 1169), "white")  # A4 at 100 dpi: small files, quick seed
    draw = ImageDraw.Draw(image)
    font_path = Path(settings.ENF_FONTS_DIR) / "enf-hei.otf"
    font = ImageFont.truetype(str(font_path), 26) if font_path.exists() else ImageFont.load_default()
    for n in range(0, len(text), 24):
        draw.text((80, 120 + (n // 24) * 44), text[n:n + 24], fill=0, font=font)
    out = io.BytesIO()
    image.save(out, "PNG", dpi=(100, 100))
    return out.getvalue()


def _scan(*, user, case, section: str, title: str, text: str, on) -> None:
    from .models import FileItem, OcrStatus
    from .services import scan_upload

    item = scan_upload(user=user, case=case, section=section, title=title,
                       upload=SimpleUploadedFile(f"{title}.png", _page(f"{case.number} {text}"), "image/png"),
                       doc_date=on)
    # The demo does not wait for a worker: the page's text is known, so it is stored as OCR would.
    FileItem.objects.filter(pk=item.pk).update(ocr_status=OcrStatus.DONE, ocr_progress=100,
                                               text=f"{case.number} {text}", text_indexed=True)


def seed(org, *, seed: int, cases: int) -> str:
    from cases.models import Case, Stage

    from .models import ArchiveVolume, FileItem, ItemKind
    from .services import backfill_generated, volume_request
    from .volume import build

    court = org.court
    if FileItem.objects.filter(case__court=court, kind=ItemKind.SCAN).exists():
        return "already seeded"
    filed = backfill_generated(court_id=court.pk)
    clerk = org.staff.get("clerk1")
    today = timezone.localdate()
    open_cases = list(Case.objects.filter(court=court, officer__isnull=False, filed_on__isnull=False)
                      .exclude(stage__in=[Stage.CLOSED, Stage.ARCHIVED]).order_by("id")[:OPEN_CASES])
    for case in open_cases:
        for n, (section, title, text) in enumerate(SCANS):
            on = min(today, case.filed_on + timedelta(days=3 + 5 * n))
            _scan(user=case.officer, case=case, section=section, title=title, text=text, on=on)
    archived = ""
    closed = (Case.objects.filter(court=court, stage=Stage.CLOSED, officer__isnull=False, closed_on__isnull=False)
              .exclude(pk__in=ArchiveVolume.objects.values("case_id")).order_by("closed_on", "id").first())
    if closed is not None and clerk is not None:
        _scan(user=clerk, case=closed, section="closure", title="结案审批表", text="同意结案。", on=closed.closed_on)
        volume = build(volume_request(user=clerk, case=closed).pk)
        archived = f", case {closed.number} archived ({volume.page_count} pages)"
    return f"{filed} documents filed, {len(open_cases) * len(SCANS)} scans{archived}"

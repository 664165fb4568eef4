"""OCR of a scan with OCRmyPDF (Tesseract, Simplified Chinese + English), with progress written to the item.

The output replaces the stored PDF of the item (the text layer added; by default normalised to PDF/A-2b,
``EFILE_OCR_OUTPUT_TYPE``); the upload's own hash stays in ``original_sha256``. Pages that already carry text are
kept as they are (``skip_text``). The recognised text goes into ``FileItem.text`` for search.
"""

from __future__ import annotations

import logging
import tempfile
from pathlib import Path

from django.conf import settings
from django.db import transaction

from . import storage
from .models import FileItem, OcrStatus

log = logging.getLogger(__name__)
PLUGIN = "efile.ocr_progress"  # loaded by module name: the same module (and CURRENT) this one imports


def ocr_item(item_id: int) -> bool:
    """Run OCR on one queued scan; claimed by a conditional UPDATE so two workers never both run it."""
    claimed = FileItem.objects.filter(pk=item_id, ocr_status=OcrStatus.QUEUED).update(
        ocr_status=OcrStatus.RUNNING, ocr_progress=1)
    if not claimed:
        return False
    item = FileItem.objects.get(pk=item_id)
    try:
        new_relative, digest, size, text = _run(item)
    except Exception as exc:  # noqa: BLE001 - the item shows the failure and may be retried
        log.exception("OCR of file item %s failed", item_id)
        FileItem.objects.filter(pk=item_id).update(ocr_status=OcrStatus.FAILED, ocr_error=str(exc)[:300])
        return False
    with transaction.atomic():
        FileItem.objects.filter(pk=item_id, ocr_status=OcrStatus.RUNNING).update(
            path=new_relative, sha256=digest, size=size, text=text, text_indexed=True,
            ocr_status=OcrStatus.DONE, ocr_progress=100)
    return True


def _run(item: FileItem) -> tuple[str, str, int, str]:
    import ocrmypdf

    from . import ocr_progress
    from .services import pdf_text

    source = storage.absolute(item.path)
    ocr_progress.CURRENT["item_id"] = item.pk
    with tempfile.TemporaryDirectory(dir=storage.root()) as tmp:
        out = Path(tmp) / "ocr.pdf"
        kwargs = dict(language=settings.EFILE_OCR_LANGUAGES.split("+"), jobs=1, optimize=0, progress_bar=True,
                      plugins=[PLUGIN], output_type=settings.EFILE_OCR_OUTPUT_TYPE)
        try:
            code = ocrmypdf.ocr(source, out, **kwargs)
        except ocrmypdf.exceptions.PriorOcrFoundError:
            # Some pages already carry text (a born-digital PDF): OCR only the others. Ghostscript 10.0.0-10.02.0
            # (Debian 12) corrupts such PDFs on PDF/A conversion and OCRmyPDF refuses it there, so this path keeps
            # a plain PDF (no Ghostscript involved).
            kwargs.update(skip_text=True, output_type="pdf")
            code = ocrmypdf.ocr(source, out, **kwargs)
        if int(code) not in (0, 10):  # 10: PDF/A conversion did not validate; the PDF is still good
            raise RuntimeError(f"ocrmypdf exit code {int(code)}")
        data = out.read_bytes()
    text = pdf_text(data)
    relative, digest = storage.write(data, folder=f"cases/{item.case_id}")
    return relative, digest, len(data), text

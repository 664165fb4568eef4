"""An OCRmyPDF plugin: its progress bar writes the OCR progress of the file item being processed (per cent)."""

from __future__ import annotations

from ocrmypdf import hookimpl

CURRENT: dict = {"item_id": None}
# OCRmyPDF reports several steps; the page OCR is most of the time. Each step's share of the bar, in order.
_STEPS = (("scan", 1, 10), ("ocr", 10, 85), ("pdf/a", 85, 95), ("linear", 85, 95))


class ItemProgress:
    def __init__(self, total=None, desc=None, unit=None, disable=False, **_kwargs):
        self.total = total or 0
        self.desc = (desc or "").lower()
        self.done = 0
        self.low, self.high = next(((lo, hi) for key, lo, hi in _STEPS if key in self.desc), (1, 95))

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self._write(self.high)
        return False

    def update(self, n=1, *, completed=None):
        self.done = completed if completed is not None else self.done + (n or 0)
        if self.total:
            self._write(self.low + int((self.high - self.low) * min(self.done / self.total, 1)))

    def _write(self, percent: int) -> None:
        item_id = CURRENT.get("item_id")
        if item_id is None:
            return
        from efile.models import FileItem, OcrStatus

        FileItem.objects.filter(pk=item_id, ocr_status=OcrStatus.RUNNING, ocr_progress__lt=percent).update(
            ocr_progress=min(percent, 99))


@hookimpl
def get_progressbar_class():
    return ItemProgress

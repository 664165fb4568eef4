"""Celery tasks of the electronic case file: a generated document's text, OCR of a scan, the archive volume, the
indexing sweep."""

from __future__ import annotations

import logging
from datetime import timedelta

from celery import shared_task
from django.utils import timezone

logger = logging.getLogger(__name__)


@shared_task(name="efile.ocr_item")
def ocr_item(item_id: int) -> bool:
    from .ocr import ocr_item as run

    return run(item_id)


@shared_task(name="efile.index_item")
def index_item(item_id: int) -> None:
    """The text of a generated document, put in the index after its issue committed (never raises)."""
    from .services import index_generated

    index_generated(item_id)


@shared_task(name="efile.volume_build")
def volume_build(volume_id: int) -> None:
    from .volume import build

    try:
        build(volume_id)
    except Exception:  # noqa: BLE001 - recorded on the volume (failed, with the error); a new attempt is allowed
        logger.exception("archive volume %s failed", volume_id)


@shared_task(name="efile.sweep")
def sweep() -> int:
    """Index generated documents whose text was not extracted after commit; requeue scans stuck in OCR (a worker
    lost mid-task) and fail volumes stuck building for an hour."""
    from .models import ArchiveVolume, FileItem, ItemKind, OcrStatus, VolumeStatus
    from .services import _queue, index_generated

    done = 0
    for item_id in FileItem.objects.filter(kind=ItemKind.GENERATED, text_indexed=False).values_list(
            "pk", flat=True)[:500]:
        index_generated(item_id)
        done += 1
    waiting = timezone.now() - timedelta(minutes=30)  # queued at upload; still queued half an hour later: lost
    for item_id in FileItem.objects.filter(ocr_status=OcrStatus.QUEUED, filed_at__lt=waiting).values_list(
            "pk", flat=True)[:100]:
        _queue("efile.ocr_item", item_id)
    old = timezone.now() - timedelta(hours=1)
    ArchiveVolume.objects.filter(status=VolumeStatus.BUILDING, requested_at__lt=old).update(
        status=VolumeStatus.FAILED, error="timed out", stage="failed")
    return done

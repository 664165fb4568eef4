"""Celery tasks of the notices: batch printing (see ``notices.batch`` for how a batch runs).

``batch_run`` claims the batch and queues one ``batch_chunk`` per chunk of (case, document type) pairs, so the
worker's processes issue and render in parallel; the chunk that completes the count combines the PDFs.
Each worker process builds the PDF engine (fonts, stylesheet) when it starts, not on its first document.
"""

from __future__ import annotations

import logging

from celery import shared_task
from celery.signals import worker_init, worker_process_init

from core.memory import release_memory

logger = logging.getLogger(__name__)


def _warm_up() -> None:
    try:
        from notices.pdf.render import warm_up

        warm_up()
    except Exception:  # noqa: BLE001 - a worker without prepared fonts still starts; batches then fail visibly
        logger.exception("notice PDF engine warm-up failed")


@worker_init.connect
def _preload_in_main_process(**_kwargs) -> None:
    """Import WeasyPrint (and its libraries) in the worker's main process, before the pool forks: the children then
    share those pages with it instead of each importing its own copy (~25 MB less per child). The engine itself
    (fonts, stylesheet) is built in each child (``_warm_up_process``): it must not be shared across a fork."""
    try:
        import pikepdf  # noqa: F401
        import weasyprint  # noqa: F401
        import weasyprint.layout  # noqa: F401
        import weasyprint.pdf  # noqa: F401

        import notices.pdf.cut  # noqa: F401
        import notices.pdf.render  # noqa: F401
    except Exception:  # noqa: BLE001 - the children import it themselves then
        logger.exception("preloading WeasyPrint failed")


@worker_process_init.connect
def _warm_up_process(**_kwargs) -> None:
    """Each pool process (prefork children; the solo pool's only process) builds its engine before taking tasks,
    then freezes what it holds out of the garbage collector (see ``enforcement.celery``): the collection after each
    batch chunk then walks what the chunk made, not the ~200,000 objects of a warm process (0.14 s a chunk)."""
    import gc

    from django.conf import settings

    _warm_up()
    if settings.WARMUP:
        gc.collect()  # what is frozen is never collected: free the start-up garbage first
        gc.freeze()


def _interrupted(task, batch_id: int) -> bool:
    """A message delivered again (the worker died while running it): the batch's counters may already include
    part of this work, so it is failed with a clear message instead of finishing early or never. Running the batch
    again reuses every document already issued (no number is lost or doubled)."""
    if not (task.request.delivery_info or {}).get("redelivered"):
        return False
    from django.core.exceptions import ValidationError
    from django.utils.translation import gettext as _

    from . import batch

    batch.batch_fail(batch_id=batch_id, exc=ValidationError(_(
        "The worker stopped while printing this batch. Run it again: documents already issued are reused.")))
    return True


@shared_task(name="notices.tasks.batch_run", acks_late=True, bind=True)
def batch_run_task(self, batch_id: int) -> int:
    from . import batch

    if _interrupted(self, batch_id):
        return 0
    try:
        chunks = batch.batch_start(batch_id=batch_id)
    except Exception as exc:
        logger.exception("batch %s could not start", batch_id)
        batch.batch_fail(batch_id=batch_id, exc=exc)
        raise
    for pairs in chunks:
        batch_chunk_task.delay(batch_id, pairs)
    return len(chunks)


@shared_task(name="notices.tasks.batch_chunk", acks_late=True, bind=True)
def batch_chunk_task(self, batch_id: int, pairs: list) -> bool:
    """Issue one chunk; the chunk that completes the count joins the print file, then queues the labels
    (``batch_labels``, taken by the other process), and whichever ends last sets the final status."""
    from . import batch

    if _interrupted(self, batch_id):
        return False
    try:
        finishing = batch.batch_chunk_run(batch_id=batch_id, pairs=pairs)
        release_memory(collect=True)
        if finishing:
            # The two halves of the labels are queued first: the idle process starts on the address sheet (the slower
            # half) at once, this one joins the chunks' parts (a pdfunite of ~16 files, tens of milliseconds) and then
            # renders the envelope labels; whichever of the three ends last finalizes.
            if batch.batch_wants_labels(batch_id=batch_id):
                for half in batch.LABEL_HALVES:
                    batch_labels_task.delay(batch_id, str(half))
            batch.batch_join(batch_id=batch_id)
            release_memory(collect=True)
            _finalize(batch_id)
        return finishing
    except Exception as exc:
        logger.exception("batch %s: a chunk failed", batch_id)
        batch.batch_fail(batch_id=batch_id, exc=exc)
        raise


@shared_task(name="notices.tasks.batch_labels", acks_late=True)
def batch_labels_task(batch_id: int, half: str | None = None) -> None:
    """The labels of a finished batch, or one half of them (``labels`` or ``sheet``; see ``batch.batch_labels``)."""
    from . import batch

    try:
        complete = batch.batch_labels(batch_id=batch_id, half=half)
        release_memory(collect=True)
        if complete:
            _finalize(batch_id)
    except Exception as exc:
        logger.exception("batch %s: labels failed", batch_id)
        batch.batch_fail(batch_id=batch_id, exc=exc)
        raise


def _finalize(batch_id: int) -> None:
    from . import batch

    if batch.batch_finalize(batch_id=batch_id):
        batch_deadlines_task.delay(batch_id)


@shared_task(name="notices.tasks.batch_deadlines", acks_late=True)
def batch_deadlines_task(batch_id: int) -> None:
    """Recompute the deadlines of the batch's cases once it is printed (one set-based run, off the clerk's wait)."""
    from . import batch

    batch.batch_deadlines(batch_id=batch_id)


@shared_task(name="notices.tasks.batch_sweep")
def batch_sweep_task() -> int:
    """Fail the batches that stopped making progress (see ``notices.batch.batch_sweep``); run by beat."""
    from . import batch

    return len(batch.batch_sweep())

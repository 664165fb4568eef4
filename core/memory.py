"""Handing freed memory back to the system in long-lived processes (Celery workers laying out PDFs)."""

from __future__ import annotations

import ctypes
import gc
from functools import cache


@cache
def _libc():
    try:
        return ctypes.CDLL("libc.so.6")
    except OSError:  # not glibc
        return None


def release_memory(*, collect: bool = False) -> bool:
    """Return the heap pages glibc keeps after large frees (a layout's box trees) to the system, so a worker process
    stays near its warm size instead of growing with every batch (~50 MB per 50 notices). With ``collect``, first
    collect cycles (a batch chunk leaves a few thousand; the frozen start-up heap is not walked, see
    ``core.warmup``). Returns whether the heap could be trimmed (False off glibc)."""
    if collect:
        gc.collect()
    libc = _libc()
    trim = getattr(libc, "malloc_trim", None)
    if trim is None:
        return False
    trim(0)
    return True

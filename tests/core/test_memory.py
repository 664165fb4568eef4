"""core.memory.release_memory: the heap trim the batch workers call between layouts."""

from __future__ import annotations

import gc
import weakref

from core.memory import release_memory


class _Node:
    pass


def test_release_memory_trims_the_glibc_heap():
    assert release_memory() is True  # this project runs on Debian (glibc): the trim must be found


def test_collect_frees_cycles_first():
    node = _Node()
    node.self = node  # a reference cycle: only the cycle collector frees it
    alive = weakref.ref(node)
    gc.disable()
    try:
        del node
        assert alive() is not None
        release_memory(collect=True)
        assert alive() is None
    finally:
        gc.enable()


def test_without_collect_cycles_stay():
    node = _Node()
    node.self = node
    alive = weakref.ref(node)
    gc.disable()
    try:
        del node
        release_memory()
        assert alive() is not None
    finally:
        gc.enable()
        gc.collect()

"""Pausing Python's cyclic garbage collector around bulk work.

A batch of bulk work (a replay of the event log, an import) allocates hundreds of thousands of
small dicts, lists and tuples that reference counting frees on its own. Those allocations
trigger the cyclic collector again and again, and each of its passes walks every live
container (caches, batches waiting): a sixth of an import's time and more than a third of a
replay's were spent there. Paused for one batch at a time, the collector resumes between
batches, so a reference cycle made by the batch (an exception and its traceback) is still
freed and memory stays bounded.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def paused() -> Iterator[None]:
    """No cyclic collection inside the block; as before it after (nesting is harmless)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def collect_young() -> None:
    """One pass over the objects made since the last pass, paused or not: run between the
    batches of a long paused job, it frees any reference cycle a batch made (what survives,
    the caches' entries, is older and left to the collector's own passes afterwards)."""
    gc.collect(1)

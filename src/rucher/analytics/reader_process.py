"""The replay's reading half in a process of its own: it reads the log and folds it into
batches while the replaying process writes the batches folded before.

A replay spends about a quarter of its time reading the log and folding it (``rollups``'s
``_read`` and ``fold``), work that needs nothing written before it. A thread could not do it
beside the writer (measured 9 % slower: both halves are mostly Python, and fetching rows
takes the interpreter's lock back at every row); a second process can. Each batch crosses
a pipe as one pickled ``rollups.Batch`` (a few megabytes), at most ``AHEAD`` ahead of the
writer.

The writer stays the only one to decide: it writes a batch only if the consumer's position
is still the one the batch follows (``rollups.write_batch``), in the same transaction as
ever; a crash of either process leaves the log position where the last written batch put it.

The process is a ``core.read_ahead_process.ReadAheadProcess`` running ``batches``: a fresh
interpreter, Django set up, the parent's database settings and time zone.
"""

from __future__ import annotations

import gc
import traceback
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from rucher.core.read_ahead_process import ProducerFailed, ReadAheadProcess, processors_to_spare

if TYPE_CHECKING:
    from rucher.analytics.rollups import Batch


# Batches read, folded and pickled ahead of the writer (a few megabytes each).
AHEAD = 4

# The reading process raised (its traceback is the message) or died.
ReaderFailed = ProducerFailed


def available() -> bool:
    """Whether a second process can read what this one's connection sees, and run beside it:
    not inside a transaction (the reader would not see its writes: a test's, say), not an
    SQLite database in memory, and more than one processor."""
    from django.db import connection

    if connection.in_atomic_block:
        return False
    name = str(connection.settings_dict["NAME"])
    if connection.vendor == "sqlite" and (name == ":memory:" or "mode=memory" in name):
        return False
    return processors_to_spare()


def reader(after: int, batch_size: int) -> ReadAheadProcess:
    """``with reader(after, batch_size) as batches: for batch in batches: ...``: the log's
    batches after ``after``, in order, to its end. Leaving the block stops the process."""
    from django.conf import settings
    from django.db import connection

    task = {
        "database": dict(connection.settings_dict),  # the one this process uses (a test's)
        "time_zone": settings.TIME_ZONE,  # days are local dates: the same zone as here
        "after": after,
        "batch_size": batch_size,
    }
    return ReadAheadProcess(f"{__name__}:batches", task, ahead=AHEAD, django_setup=True)


def batches(task: dict[str, Any]) -> Iterator[Batch]:
    """In the reading process: the batches, read and folded; a failure becomes a
    ``ReaderFailed`` carrying its traceback (a database error may not survive pickling)."""
    from django.conf import settings
    from django.db import connections

    from rucher.analytics import rollups

    settings.TIME_ZONE = task["time_zone"]
    connections["default"].settings_dict = task["database"]
    # No reference cycles in what is built here (see rucher.core.collector).
    gc.disable()
    after, size = task["after"], task["batch_size"]
    try:
        while (batch := rollups.read_batch(after, size, whole_days=True)) is not None:
            yield batch
            after = batch.last
    except Exception:
        raise ReaderFailed(traceback.format_exc()) from None

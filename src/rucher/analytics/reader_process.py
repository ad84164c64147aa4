"""The replay's reading half in a process of its own: it reads the log and folds it into
batches while the replaying process writes the batches folded before.

A replay spends about a quarter of its time reading the log and folding it (``rollups``'s
``_read`` and ``fold``), work that needs nothing written before it. A thread could not do it
beside the writer (measured 9 % slower: both halves are mostly Python, and fetching rows
takes the interpreter's lock back at every row); a second process can. Each batch crosses
as one pickled ``rollups.Batch`` (a few megabytes), one ahead of the writer.

The writer stays the only one to decide: it writes a batch only if the consumer's position
is still the one the batch follows (``rollups.write_batch``), in the same transaction as
ever; a crash of either process leaves the log position where the last written batch put it.

Nothing from Django or Rucher is imported at this module's top: the process is started with
``spawn`` (a fresh interpreter: no lock or thread of the parent carried over, as ``fork``
would), which imports this module to find its entry point before Django is set up.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import traceback
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rucher.analytics.rollups import Batch


class ReaderFailed(RuntimeError):
    """The reading process raised (its traceback is the message) or died."""


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
    return (os.cpu_count() or 1) > 1


def batches(after: int, batch_size: int) -> Iterator[Batch]:
    """The log's batches after ``after``, each read and folded by a second process, in order,
    until the log's end. Leaving the loop early stops the process."""
    from django.conf import settings
    from django.db import connection

    context = multiprocessing.get_context("spawn")
    # A pipe rather than a queue: the reader blocks in ``send`` until this process has taken
    # the batch before (one batch ahead: enough while reading and folding are the faster
    # half), and a reader that dies, even in the middle of a batch, ends the pipe (EOFError)
    # rather than leaving half a message to wait for.
    receiving, sending = context.Pipe(duplex=False)
    process = context.Process(
        target=read_and_fold,
        args=(
            settings.SETTINGS_MODULE,
            dict(connection.settings_dict),  # the database this process uses (a test's, too)
            settings.TIME_ZONE,  # the days are local dates: the same zone as here
            after,
            batch_size,
            sending,
        ),
        name="rucher-replay-reader",
        daemon=True,
    )
    process.start()
    sending.close()  # the reader's end only: its death ends the pipe
    try:
        while True:
            try:
                item = receiving.recv()
            except EOFError:
                process.join()
                raise ReaderFailed(
                    f"the reading process ended (exit code {process.exitcode})"
                ) from None
            if item is None:
                return
            if isinstance(item, str):
                raise ReaderFailed(item)
            yield item
    finally:
        if process.is_alive():
            process.terminate()
        process.join()
        receiving.close()


def read_and_fold(
    settings_module: str,
    database: dict[str, Any],
    time_zone: str,
    after: int,
    batch_size: int,
    out: Any,
) -> None:
    """The reading process: batches sent to ``out``, then None; a traceback's text on
    failure."""
    os.environ["DJANGO_SETTINGS_MODULE"] = settings_module
    try:
        import django

        django.setup()
        from django.conf import settings
        from django.db import connections

        from rucher.analytics import rollups

        settings.TIME_ZONE = time_zone
        connections["default"].settings_dict = database
        # No reference cycles in what is built here (see rollups._without_cyclic_collection).
        gc.disable()
        while (batch := rollups.read_batch(after, batch_size, whole_days=True)) is not None:
            out.send(batch)
            after = batch.last
        out.send(None)
    except BaseException:
        out.send(traceback.format_exc())

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

The process is ``python -m rucher.analytics.reader_process`` started afresh, not a
``multiprocessing`` child: ``fork`` would copy the parent's locks and threads, and ``spawn``
imports the parent's main script again (a script without a ``__main__`` guard would run
twice). It writes only to the pipe it is given, never to its standard output.
"""

from __future__ import annotations

import gc
import os
import pickle
import queue
import subprocess
import sys
import threading
import traceback
from collections.abc import Iterator
from typing import IO, TYPE_CHECKING

if TYPE_CHECKING:
    from rucher.analytics.rollups import Batch


# Batches read, folded and pickled ahead of the writer (a few megabytes each).
AHEAD = 4


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


class Reader:
    """``with Reader(after, batch_size) as reader: for batch in reader: ...``: the log's
    batches after ``after``, in order, to its end. Leaving the block stops the process."""

    def __init__(self, after: int, batch_size: int) -> None:
        self.after, self.batch_size = after, batch_size
        self.process: subprocess.Popen[bytes] | None = None
        self.batches: IO[bytes] | None = None

    def __enter__(self) -> Reader:
        from django.conf import settings
        from django.db import connection

        receiving, sending = os.pipe()
        self.process = subprocess.Popen(
            [sys.executable, "-m", __name__, str(sending)],
            stdin=subprocess.PIPE,
            pass_fds=(sending,),
            env={**os.environ, "DJANGO_SETTINGS_MODULE": settings.SETTINGS_MODULE},
        )
        os.close(sending)  # the reader's end only: its death ends the pipe
        self.batches = os.fdopen(receiving, "rb")
        task = {
            "database": dict(connection.settings_dict),  # the one this process uses (a test's)
            "time_zone": settings.TIME_ZONE,  # days are local dates: the same zone as here
            "after": self.after,
            "batch_size": self.batch_size,
        }
        assert self.process.stdin is not None
        with self.process.stdin as stdin:
            pickle.dump(task, stdin)
        return self

    def __exit__(self, *exc: object) -> None:
        if self.process is not None:
            if self.process.poll() is None:
                self.process.kill()
            self.process.wait()
        if self.batches is not None:
            self.batches.close()

    def __iter__(self) -> Iterator[Batch]:
        assert self.batches is not None and self.process is not None
        while True:
            try:
                item = pickle.load(self.batches)
            except (EOFError, pickle.UnpicklingError):  # died, perhaps halfway through a batch
                code = self.process.wait()
                raise ReaderFailed(f"the reading process ended (exit code {code})") from None
            if item is None:
                return
            if isinstance(item, str):
                raise ReaderFailed(item)
            yield item


def main(sending: int) -> None:
    """The reading process: batches pickled into the pipe ``sending``, then None; the text
    of a traceback instead if anything fails."""
    # A thread sends while this one reads and folds the next batches: a few batches ahead
    # rather than one, since either side's cost varies from batch to batch (joins weigh on
    # the writer, comment threads on the folding), and with one ahead each side waited for
    # the other a fifth of the time.
    outbox: queue.Queue[bytes | None] = queue.Queue(AHEAD)
    sender = threading.Thread(target=_send, args=(outbox, sending), name="send", daemon=True)
    sender.start()
    try:
        task = pickle.load(sys.stdin.buffer)
        import django

        django.setup()
        from django.conf import settings
        from django.db import connections

        from rucher.analytics import rollups

        settings.TIME_ZONE = task["time_zone"]
        connections["default"].settings_dict = task["database"]
        # No reference cycles in what is built here (see rollups._without_cyclic_collection).
        gc.disable()
        after, size = task["after"], task["batch_size"]
        while (batch := rollups.read_batch(after, size, whole_days=True)) is not None:
            outbox.put(pickle.dumps(batch, protocol=pickle.HIGHEST_PROTOCOL))
            after = batch.last
        outbox.put(pickle.dumps(None))
    except BaseException:
        outbox.put(pickle.dumps(traceback.format_exc()))
    outbox.put(None)
    sender.join()


def _send(outbox: queue.Queue[bytes | None], sending: int) -> None:
    with os.fdopen(sending, "wb") as out:
        try:
            while (data := outbox.get()) is not None:
                out.write(data)
                out.flush()
        except BrokenPipeError:  # the writer stopped reading: let the reading thread finish
            while outbox.get() is not None:
                pass


if __name__ == "__main__":
    main(int(sys.argv[1]))

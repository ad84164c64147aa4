"""Work done ahead in a thread while the caller writes what came before.

A long sequential job (an import) alternates between preparing the next piece in Python and
writing the last one to the database. SQLite and PostgreSQL's driver release the
interpreter's lock while they work, so a thread that prepares the next pieces meanwhile runs
on the other core. It pays when the thread's work is Python and the writer's the database's:
the analytics replay, whose thread would itself read the database (fetching takes the lock
back at every row) and fold in Python while the writer also works in Python, was measured
9 % slower with it at 10,000,000 events, and does not use it.

``ReadAhead(produce)`` runs the generator ``produce()`` in a thread, a bounded number of items
ahead of the consumer:

- the consumer gets the items in order; an exception of the generator is raised by the
  iterator after the items produced before it;
- leaving the ``with`` block (normally, or by an exception of the consumer) stops the thread:
  the generator is closed, in its thread, at the ``yield`` where it waits (its ``finally``
  blocks run there: close a database connection the thread opened there).

Everything that decides what is written stays with the consumer; the thread only prepares.
"""

from __future__ import annotations

import contextlib
import queue
import threading
from collections.abc import Callable, Generator, Iterator
from typing import Any


class ReadAhead[T]:
    _END = object()

    def __init__(self, produce: Callable[[], Generator[T]], *, depth: int, name: str) -> None:
        self.produce = produce
        self.items: queue.Queue[Any] = queue.Queue(depth)
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self._run, name=name, daemon=True)

    def __enter__(self) -> ReadAhead[T]:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stopping.set()
        with contextlib.suppress(queue.Empty):
            while True:  # unblock a ``put`` waiting for room
                self.items.get_nowait()
        self.thread.join()

    def __iter__(self) -> Iterator[T]:
        while True:
            item = self.items.get()
            if item is self._END:
                return
            if isinstance(item, _Failure):
                raise item.error
            yield item

    def _put(self, item: Any) -> bool:
        """Hand ``item`` over; False once the consumer has stopped."""
        while not self.stopping.is_set():
            try:
                self.items.put(item, timeout=0.1)
            except queue.Full:
                continue
            return True
        return False

    def _run(self) -> None:
        items = self.produce()
        try:
            for item in items:
                if not self._put(item):
                    return
            self._put(self._END)
        except BaseException as error:  # handed over after the items produced before it
            self._put(_Failure(error))
        finally:
            items.close()


class _Failure:
    """An exception of the producer, wrapped: a producer may yield exceptions as values."""

    __slots__ = ("error",)

    def __init__(self, error: BaseException) -> None:
        self.error = error

"""Holding a ``core.process_lock`` as a job running in another process holds it."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from django.db import connection

from rucher.core.process_lock import ProcessLock


def hold_elsewhere(lock: ProcessLock) -> Callable[[], None]:
    """Take ``lock`` as a running job holds it — another session of the database server, or,
    the tests' SQLite database living in this process only, the process's own lock — and
    return what lets it go."""
    if connection.vendor == "postgresql":
        other = connection.get_new_connection(connection.get_connection_params())
        other.execute("SELECT pg_advisory_lock(%s)", [lock.advisory_key])

        def let_go() -> None:
            # At once: a closed session's locks go a moment after the close returns.
            other.execute("SELECT pg_advisory_unlock(%s)", [lock.advisory_key])
            other.close()

        return let_go
    assert lock.lock_file() is None  # the file lock: see test_the_lock_of_a_killed_rebuild…
    lock.in_memory.acquire()
    return lock.in_memory.release


@contextmanager
def held_elsewhere(lock: ProcessLock) -> Iterator[None]:
    let_go = hold_elsewhere(lock)
    try:
        yield
    finally:
        let_go()

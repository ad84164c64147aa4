"""Locks held by one process for a long job, let go when the process ends however it ends.

A job that leaves the database in a state to be mended if it stops half-way — the analytics
rebuild and a large import set indexes aside (``core.deferred_indexes``) — holds a lock of
its name for its whole run: by the operating system for SQLite (a lock on a file beside the
database), by PostgreSQL for an advisory lock of the session. A periodic job can then tell a
running job from an abandoned one and mend what the abandoned one left, and a second job of
the same name can be refused while one runs.
"""

from __future__ import annotations

import fcntl
import hashlib
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import cast

from django.db import DatabaseError, connection
from django.db.backends.sqlite3.base import DatabaseWrapper as SQLiteWrapper

POLL_SECONDS = 0.5


class ProcessLock:
    def __init__(self, name: str) -> None:
        self.name = name
        # PostgreSQL's advisory locks are numbers (signed, 64 bits): one from the whole name,
        # so that two locks never share one by chance.
        digest = hashlib.sha256(f"rucher:{name}".encode()).digest()
        self.advisory_key = int.from_bytes(digest[:8], "big", signed=True)
        # A database in memory lives in one process: a lock of the process is enough.
        self.in_memory = threading.Lock()

    def lock_file(self) -> Path | None:
        """The file locked beside a SQLite database, None for other databases."""
        if connection.vendor != "sqlite" or cast(SQLiteWrapper, connection).is_in_memory_db():
            return None
        return Path(f"{connection.settings_dict['NAME']}.{self.name}-lock")

    @contextmanager
    def taken(self, *, wait: float = 0.0) -> Iterator[bool]:
        """Take the lock if no other job holds it, trying again for ``wait`` seconds: True
        inside when taken (let go on leaving), False when another job holds it."""
        deadline = time.monotonic() + wait
        while True:
            with self._taken_now() as got:
                if got or time.monotonic() >= deadline:
                    yield got
                    return
            time.sleep(POLL_SECONDS)

    @contextmanager
    def _taken_now(self) -> Iterator[bool]:
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_try_advisory_lock(%s)", [self.advisory_key])
                got = bool(cursor.fetchone()[0])
            try:
                yield got
            finally:
                if got:
                    self._advisory_unlock()
            return
        path = self.lock_file()
        if path is None:
            got = self.in_memory.acquire(blocking=False)
            try:
                yield got
            finally:
                if got:
                    self.in_memory.release()
            return
        with path.open("a") as handle:
            try:
                fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                got = False
            else:
                got = True
            try:
                yield got
            finally:
                if got:
                    fcntl.flock(handle.fileno(), fcntl.LOCK_UN)

    def _advisory_unlock(self) -> None:
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [self.advisory_key])
        except DatabaseError:
            # The session is gone (the server restarted, the connection broke), and its lock
            # with it: nothing to let go, and the error that ended the job is the one to see.
            pass


# The analytics rebuild (``analytics.rollups.rebuild``).
REBUILD = ProcessLock("rebuild")
# A large import while it has indexes set aside (``exchange.importer``).
IMPORT = ProcessLock("import")

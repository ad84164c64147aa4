"""One rebuild of the rollups at a time, and a running rebuild told apart from an abandoned one.

A rebuild drops the readers' indexes while it replays the log and builds them again at its end,
also when it fails. Killed, or with the machine stopped under it, it leaves them dropped: the
dashboards still answer, by reading whole tables. The lock here is held by a rebuild for its
whole run and let go when its process ends, however it ends — by the operating system for
SQLite (a lock on a file beside the database), by PostgreSQL for an advisory lock of the
session — so a periodic job can put back the indexes of a rebuild that no longer runs
(``rollups.restore_abandoned_indexes``), and a second rebuild is refused while one runs.
"""

from __future__ import annotations

import fcntl
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import cast

from django.db import DatabaseError, connection
from django.db.backends.sqlite3.base import DatabaseWrapper as SQLiteWrapper

# PostgreSQL's advisory locks are numbers: "rucher-r" read as one.
ADVISORY_KEY = int.from_bytes(b"rucher-r", "big")

POLL_SECONDS = 0.5

# A database in memory lives in one process: a lock of the process is enough.
_in_memory = threading.Lock()


def lock_file() -> Path | None:
    """The file locked beside a SQLite database, None for other databases."""
    if connection.vendor != "sqlite" or cast(SQLiteWrapper, connection).is_in_memory_db():
        return None
    return Path(f"{connection.settings_dict['NAME']}.rebuild-lock")


@contextmanager
def taken(*, wait: float = 0.0) -> Iterator[bool]:
    """Take the lock if no rebuild holds it, trying again for ``wait`` seconds: True inside
    when taken (let go on leaving), False when a rebuild holds it."""
    deadline = time.monotonic() + wait
    while True:
        with _taken_now() as got:
            if got or time.monotonic() >= deadline:
                yield got
                return
        time.sleep(POLL_SECONDS)


@contextmanager
def _taken_now() -> Iterator[bool]:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_lock(%s)", [ADVISORY_KEY])
            got = bool(cursor.fetchone()[0])
        try:
            yield got
        finally:
            if got:
                _advisory_unlock()
        return
    path = lock_file()
    if path is None:
        got = _in_memory.acquire(blocking=False)
        try:
            yield got
        finally:
            if got:
                _in_memory.release()
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


def _advisory_unlock() -> None:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [ADVISORY_KEY])
    except DatabaseError:
        # The session is gone (the server restarted, the connection broke), and its lock with
        # it: nothing to let go, and the error that ended the rebuild is the one to see.
        pass

"""How fast this machine is right now, on the two kinds of work an import does.

The machine the benchmarks run on changes speed by up to two times between days and by a fifth
between minutes (BENCHMARKS.md, 2026-11-29), with the same code and the same file. A figure of
records per second alone cannot tell a faster importer from a faster minute, so each import
run is framed by this probe, and its result recorded beside the run:

- ``python``: the interpreter alone, a loop of 10,000,000 additions;
- ``sqlite``: SQLite alone, 200,000 rows of an event-like table with two indexes (one in
  order, one at random places), written 10,000 a transaction in a temporary file with the
  write-ahead log — the shape of the import's writes.

Both are seconds: lower is faster. No Django here (see bench/run.py).
"""

from __future__ import annotations

import random
import sqlite3
import tempfile
import time
from pathlib import Path

PYTHON_ADDITIONS = 10_000_000
SQLITE_ROWS = 200_000
SQLITE_BATCH = 10_000


def python_seconds() -> float:
    started = time.perf_counter()
    total = 0
    for number in range(PYTHON_ADDITIONS):
        total += number
    return time.perf_counter() - started


def sqlite_seconds(folder: Path | None = None) -> float:
    draw = random.Random(2024)
    with tempfile.TemporaryDirectory(prefix="rucher-probe-", dir=folder) as work:
        database = sqlite3.connect(Path(work) / "probe.sqlite3", isolation_level=None)
        try:
            database.executescript(
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
                "CREATE TABLE event (id INTEGER PRIMARY KEY, at TEXT, actor INTEGER, "
                "verb TEXT, payload TEXT); "
                "CREATE INDEX event_at ON event (at); CREATE INDEX event_actor ON event (actor);"
            )
            rows = [
                (n, f"2024-01-01 {n:012d}", draw.randrange(20_000), "comment.created", "{}")
                for n in range(SQLITE_ROWS)
            ]
            started = time.perf_counter()
            for start in range(0, SQLITE_ROWS, SQLITE_BATCH):
                database.execute("BEGIN IMMEDIATE")
                database.executemany(
                    "INSERT INTO event VALUES (?, ?, ?, ?, ?)", rows[start : start + SQLITE_BATCH]
                )
                database.execute("COMMIT")
            return time.perf_counter() - started
        finally:
            database.close()


def probe(folder: Path | None = None) -> dict[str, float]:
    return {"python": python_seconds(), "sqlite": sqlite_seconds(folder)}


def describe(probes: list[dict[str, float]]) -> str:
    """ "Python 1.05 s, SQLite 0.91 s" — the mean of the probes around a run."""
    if not probes:
        return "—"
    python = sum(p["python"] for p in probes) / len(probes)
    sqlite = sum(p["sqlite"] for p in probes) / len(probes)
    return f"Python {python:.2f} s, SQLite {sqlite:.2f} s"


if __name__ == "__main__":
    print(describe([probe()]))

"""Statements that write many rows each: ``INSERT … VALUES (…), (…), …``.

One statement of a thousand rows costs the driver much less than ``executemany`` of a one-row
statement, which binds, steps and resets it row by row: about a third of the time of writing
the analytics' person days, and a tenth of a whole import (BENCHMARKS.md, 2026-11-29). Used by
the analytics rollups and the importer's bulk writes.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from itertools import chain, islice
from typing import Any

# Rows per statement: about as fast from 500 to 3,000 rows; a statement of 1,000 rows is
# compiled once and kept by the driver. Fewer when the database's limit on parameters says so.
ROWS_PER_STATEMENT = 1_000
# When the driver does not tell its limit on parameters.
DEFAULT_PARAMETER_LIMIT = 30_000


def statements(
    head: str,
    rows: Iterable[Sequence[Any]],
    *,
    width: int,
    mark: str,
    parameter_limit: int | None,
    tail: str = "",
) -> Iterator[tuple[str, list[Any]]]:
    """``head VALUES-list tail`` statements and their values, for ``rows`` of ``width`` values
    each (read as they come: ``rows`` may be an iterator). ``mark``: the driver's placeholder."""
    limit = parameter_limit or DEFAULT_PARAMETER_LIMIT
    per_statement = max(1, min(ROWS_PER_STATEMENT, limit // width))
    row_marks = "(" + ", ".join([mark] * width) + ")"
    full = ""  # the statement of a full chunk, built once
    remaining = iter(rows)
    while True:
        values = list(chain.from_iterable(islice(remaining, per_statement)))
        if not values:
            return
        count = len(values) // width
        if count == per_statement:
            full = full or f"{head} {', '.join([row_marks] * per_statement)} {tail}"
            yield full, values
        else:  # the last, part full
            yield f"{head} {', '.join([row_marks] * count)} {tail}", values
            return

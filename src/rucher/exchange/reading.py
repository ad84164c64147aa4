"""Reading a file of the open format ahead of the importer: each line read, decoded and
checked against its schema, handed over in chunks.

Everything that decides what lands, what is counted and reported, and the run's position
stays with the importer, line by line in order; reading only prepares. It runs beside the
importer's writes, in one of two ways:

- **a second process** (``core.read_ahead_process``) for files of ``PROCESS_MIN_BYTES`` or
  more when there is a processor to spare: reading is Python (JSON, schema checks) and so is
  much of the importer's work, and in one process they take turns on the interpreter's lock.
  Reading costs 6–10 µs a line; a line crosses the pipe as a plain tuple for about 1 µs
  more (measured 2026-11-29 at 1,000,000 records: see BENCHMARKS.md);
- **a thread** (``core.read_ahead``) otherwise: a small file is read before a process would
  have started (~0.1 s).

Either way an error while reading (a damaged ZIP member...) comes after the chunk of the
lines read before it, so that the importer meets it at its line.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Generator, Iterable, Iterator
from contextlib import AbstractContextManager
from typing import Any

from rucher.core.read_ahead import ReadAhead
from rucher.core.read_ahead_process import ReadAheadProcess, processors_to_spare
from rucher.exchange.archive import Archive
from rucher.exchange.validation import Validator, validator

# Lines handed over in chunks (one queue operation, one pickled message per chunk, not per
# line); at most this many chunks wait, so memory stays bounded whatever the file.
READ_AHEAD_CHUNK = 500
READ_AHEAD_CHUNKS = 8

# Files from this size on are read by a second process (when a processor is spare).
PROCESS_MIN_BYTES = 4 * 1024 * 1024

# One line read: (number, legacy, too_long, record, not_json, errors, unknown) —
# ``legacy``: decoded as Windows-1252; ``too_long``: over the line limit, not decoded;
# ``record``: the decoded value (None when not JSON); ``not_json``: the JSON error's
# message; ``errors``: what breaks the schema; ``unknown``: top-level fields outside it.
# A plain tuple: it crosses a pipe for a third of what an object with slots costs.
Read = tuple[int, bool, bool, Any, str | None, list[str], list[str]]

# The C scanner under ``json.loads``, called directly: ``loads`` adds two Python calls and a
# regular expression per line, 40 % of the decoding of a small record.
# (The stubs do not declare the attribute ``JSONDecoder.__init__`` sets.)
_scan_json: Callable[[str, int], tuple[Any, int]] = json.JSONDecoder().scan_once  # type: ignore[attr-defined]


def decode_line(text: str) -> Any:
    """``json.loads(text)`` for one line of a file (ending with its line break or not)."""
    try:
        record, end = _scan_json(text, 0)
    except (StopIteration, ValueError):
        # Leading whitespace or not JSON: ``loads`` reads it, or raises with its own message.
        return json.loads(text)
    if end != len(text) and text[end:] not in ("\n", "\r\n"):
        return json.loads(text)  # other trailing whitespace, or extra data (its error)
    return record


def read_chunks(
    archive: Archive, name: str, after: int, check: Validator, chunk_size: int = READ_AHEAD_CHUNK
) -> Generator[list[Read]]:
    """The lines of ``name`` after line ``after``, decoded and checked, in chunks."""
    known = check.fields.issuperset
    no_problems: list[str] = []  # shared, never changed: most lines have none
    chunk: list[Read] = []
    lines = archive.lines(name)
    try:
        for line in lines:
            number = line.number
            if number <= after:
                continue
            record: Any = None
            not_json: str | None = None
            errors = unknown = no_problems
            if not line.too_long:
                try:
                    record = decode_line(line.text)
                except ValueError as error:
                    not_json = error.args[0]
                else:
                    errors = check.errors(record) or no_problems
                    if not errors and not known(record):  # a set test in C
                        unknown = check.unknown(record)
            chunk.append((number, line.legacy, line.too_long, record, not_json, errors, unknown))
            if len(chunk) >= chunk_size:
                yield chunk
                chunk = []
    except Exception:
        yield chunk  # the lines read before the error, then the error
        raise
    finally:
        lines.close()
    yield chunk


def chunks_of_a_file(task: dict[str, Any]) -> Iterator[list[Read]]:
    """``read_chunks`` in the reading process: the archive opened there by its path."""
    with Archive(task["path"]) as archive:
        check = validator(task["kind"])
        yield from read_chunks(archive, task["name"], task["after"], check, task["chunk_size"])


def read_ahead(
    archive: Archive, kind: str, name: str, after: int
) -> AbstractContextManager[Iterable[list[Read]]]:
    """``with read_ahead(...) as chunks: for chunk in chunks: ...``: the file's chunks, read
    ahead of the caller by a second process or a thread (see the module's docstring)."""
    if processors_to_spare() and archive.size(name) >= PROCESS_MIN_BYTES:
        task = {
            "path": str(archive.path),
            "kind": kind,
            "name": name,
            "after": after,
            "chunk_size": READ_AHEAD_CHUNK,
        }
        return ReadAheadProcess(f"{__name__}:chunks_of_a_file", task, ahead=READ_AHEAD_CHUNKS)
    check = validator(kind)
    return ReadAhead(
        lambda: read_chunks(archive, name, after, check, READ_AHEAD_CHUNK),
        depth=READ_AHEAD_CHUNKS,
        name=f"import {name}",
    )

"""What the readers of foreign exports share: the report, the source, CSV, dates and the writer.

A reader turns a foreign export (a ZIP or a folder) into the open exchange format (a folder or
a ZIP of JSON Lines files, see ``docs/exchange-format.md``), which the importer then reads like
any other open-format file. Readers stream: a CSV file is read row by row, never whole; what
they keep in memory is limited to identifiers (people, groups, the thread structure).

Every problem gets a report line naming the file and the line (``Problem``); nothing stops
the conversion except a source that cannot be opened at all (a broken ZIP, a missing folder).
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import os
import re
import shutil
import sys
import tempfile
import zipfile
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, tzinfo
from pathlib import Path, PurePosixPath
from typing import IO, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.utils.translation import gettext as _

FORMAT_NAME = "rucher-exchange"
FORMAT_VERSION = "1.0"

# The JSON Lines files of the open format, one per kind of record.
RECORD_FILES = {
    "person": "people.jsonl",
    "community": "communities.jsonl",
    "membership": "memberships.jsonl",
    "post": "posts.jsonl",
    "comment": "comments.jsonl",
    "reaction": "reactions.jsonl",
    "attachment": "attachments.jsonl",
}

# csv refuses fields longer than 128 KiB by default; message bodies can be longer.
csv.field_size_limit(min(sys.maxsize, 2**31 - 1))


class SourceError(Exception):
    """The export cannot be read at all (not a ZIP, a broken ZIP, no such folder)."""


@dataclass(frozen=True)
class Problem:
    """One report line: where (file, line) and what. ``line`` 0 means the file as a whole."""

    level: str  # "error" (something was not carried over), "warning" or "info"
    file: str
    line: int
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file or "-"
        return f"{self.level.upper()} {where}: {self.message}"


@dataclass
class ConversionReport:
    """What a conversion produced, what it skipped and why, and every problem with its line."""

    source: str
    created: Counter[str] = field(default_factory=Counter)  # record kind -> count written
    skipped: Counter[str] = field(default_factory=Counter)  # reason code -> count
    problems: list[Problem] = field(default_factory=list)
    fatal: bool = False  # the source could not be read: nothing was written
    output: str = ""

    @property
    def ok(self) -> bool:
        return not self.fatal

    def add(self, level: str, file: str, line: int, message: str) -> None:
        self.problems.append(Problem(level, file, line, message))

    def error(self, file: str, line: int, message: str) -> None:
        self.add("error", file, line, message)

    def warning(self, file: str, line: int, message: str) -> None:
        self.add("warning", file, line, message)

    def info(self, file: str, line: int, message: str) -> None:
        self.add("info", file, line, message)

    def skip(self, reason: str, file: str, line: int, message: str, level: str = "info") -> None:
        """A record left out on purpose or for a fault: counted under ``reason`` and reported."""
        self.skipped[reason] += 1
        self.add(level, file, line, message)

    def lines(self) -> list[str]:
        return [str(problem) for problem in self.problems]

    def as_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "ok": self.ok,
            "output": self.output,
            "created": dict(sorted(self.created.items())),
            "skipped": dict(sorted(self.skipped.items())),
            "problems": [
                {"level": p.level, "file": p.file, "line": p.line, "message": p.message}
                for p in self.problems
            ],
        }


# --- The export: a folder or a ZIP -------------------------------------------------------------


class ExportSource:
    """Read access to the files of an export, whether a folder or a ZIP.

    Names are POSIX paths relative to the export's root. When everything sits in one top-level
    folder (as when a ZIP was made of a folder), that folder is taken as the root.
    """

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        self._zip: zipfile.ZipFile | None = None
        self._prefix = ""
        if self.path.is_dir():
            names = [
                p.relative_to(self.path).as_posix() for p in self.path.rglob("*") if p.is_file()
            ]
        elif self.path.is_file():
            try:
                self._zip = zipfile.ZipFile(self.path)
                names = [i.filename for i in self._zip.infolist() if not i.is_dir()]
            except (zipfile.BadZipFile, OSError, ValueError, EOFError) as error:
                raise SourceError(
                    _("%(name)s is not a readable ZIP file (%(error)s).")
                    % {"name": self.path.name, "error": error}
                ) from error
        else:
            raise SourceError(_("%(name)s does not exist.") % {"name": str(self.path)})
        names = [n for n in names if not _ignored(n)]
        tops = {n.split("/", 1)[0] for n in names}
        if len(tops) == 1 and all("/" in n for n in names):
            self._prefix = next(iter(tops)) + "/"
            names = [n[len(self._prefix) :] for n in names]
        self.names = sorted(names)
        self.encodings: dict[str, str] = {}  # name -> encoding detected (reported once)
        self._lower = {n.lower(): n for n in self.names}

    def close(self) -> None:
        if self._zip is not None:
            self._zip.close()

    def __enter__(self) -> ExportSource:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def find(self, name: str) -> str | None:
        """The stored name matching ``name`` case-insensitively, or None."""
        return self._lower.get(name.lower())

    def glob(self, pattern: str) -> list[str]:
        regex = re.compile(_glob_to_regex(pattern.lower()))
        return [n for n in self.names if regex.fullmatch(n.lower())]

    def open(self, name: str) -> IO[bytes]:
        """Open a stored file for reading bytes (raises SourceError if the ZIP entry is broken)."""
        if self._zip is not None:
            try:
                return self._zip.open(self._prefix + name)
            except (zipfile.BadZipFile, OSError, KeyError, ValueError) as error:
                raise SourceError(str(error)) from error
        return (self.path / self._prefix / name).open("rb")

    def size(self, name: str) -> int:
        if self._zip is not None:
            return self._zip.getinfo(self._prefix + name).file_size
        return (self.path / self._prefix / name).stat().st_size


def _ignored(name: str) -> bool:
    parts = PurePosixPath(name).parts
    return any(p.startswith(("__MACOSX", ".")) for p in parts)


def _glob_to_regex(pattern: str) -> str:
    out = []
    for char in pattern:
        if char == "*":
            out.append("[^/]*")
        elif char == "?":
            out.append("[^/]")
        else:
            out.append(re.escape(char))
    return "".join(out)


# --- Encodings and CSV --------------------------------------------------------------------------


def detect_encoding(source: ExportSource, name: str, report: ConversionReport) -> str:
    """``utf-8-sig`` when the file is valid UTF-8 (with or without BOM), else ``cp1252``.

    Reads the file once in chunks (constant memory). Falling back to Windows-1252 is reported
    with the line of the first byte that is not UTF-8.
    """
    known = source.encodings.get(name)
    if known is not None:
        return known
    encoding = _detect(source, name, report)
    source.encodings[name] = encoding
    return encoding


def _detect(source: ExportSource, name: str, report: ConversionReport) -> str:
    decoder = codecs.getincrementaldecoder("utf-8")()
    line = 1
    with source.open(name) as stream:
        while chunk := stream.read(1 << 16):
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError as error:
                line += chunk[: error.start].count(b"\n")
                report.warning(
                    name,
                    line,
                    _("The file is not UTF-8; it was read as Windows-1252."),
                )
                return "cp1252"
            line += chunk.count(b"\n")
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            report.warning(name, line, _("The file is not UTF-8; it was read as Windows-1252."))
            return "cp1252"
    return "utf-8-sig"


@dataclass(frozen=True)
class CsvColumns:
    """The columns a reader uses (``known``), of which some must be there (``required``)."""

    known: frozenset[str]
    required: frozenset[str] = frozenset()


def read_csv(
    source: ExportSource,
    name: str,
    columns: CsvColumns,
    report: ConversionReport,
    *,
    report_unknown: bool = True,
) -> Iterator[tuple[int, dict[str, str]]]:
    """Yield ``(line, row)`` for each row of a CSV file, streaming.

    Column names are compared lower-cased and stripped. Unknown columns are reported once and
    ignored; a missing required column is an error that skips the whole file. ``line`` is the
    physical line where the row starts (rows may span lines: bodies hold newlines).
    """
    encoding = detect_encoding(source, name, report)
    with source.open(name) as raw:
        text = io.TextIOWrapper(raw, encoding=encoding, newline="", errors="replace")
        reader = csv.reader(text)
        try:
            header = next(reader)
        except StopIteration:
            report.warning(name, 1, _("The file is empty."))
            return
        except csv.Error as error:
            report.error(name, 1, _("Unreadable CSV header: %(error)s") % {"error": error})
            return
        keys = [re.sub(r"\s+", "_", h.strip().lstrip("\ufeff").lower()) for h in header]
        missing = sorted(columns.required - set(keys))
        if missing:
            report.error(
                name,
                1,
                _("Required columns are missing: %(columns)s. The file was skipped.")
                % {"columns": ", ".join(missing)},
            )
            return
        unknown = [k for k in keys if k and k not in columns.known]
        if unknown and report_unknown:
            report.info(
                name,
                1,
                _("Unknown columns ignored: %(columns)s.") % {"columns": ", ".join(unknown)},
            )
        while True:
            start = reader.line_num + 1
            try:
                values = next(reader)
            except StopIteration:
                return
            except csv.Error as error:
                report.error(name, start, _("Unreadable CSV row: %(error)s") % {"error": error})
                return
            if not values or not any(v.strip() for v in values):
                continue
            if len(values) != len(keys):
                report.warning(
                    name,
                    start,
                    _("The row has %(found)d fields where the header has %(expected)d.")
                    % {"found": len(values), "expected": len(keys)},
                )
            row = {k: v.strip() for k, v in zip(keys, values, strict=False) if k}
            yield start, row


# --- Dates --------------------------------------------------------------------------------------


def zone(name: str | None) -> tzinfo:
    """The time zone named (IANA name), UTC when empty or unknown."""
    if not name or name.upper() == "UTC":
        return UTC
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return UTC


_NUMERIC_OFFSET = re.compile(r"\s*([+-])(\d{2}):?(\d{2})$")
_FORMATS = (
    "%Y-%m-%dT%H:%M:%S.%f",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%d %H:%M:%S.%f",
    "%Y-%m-%d %H:%M:%S",
    "%Y/%m/%d %H:%M:%S",
    "%Y-%m-%dT%H:%M",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%d",
)


def parse_timestamp(value: str | int | float | None, default_zone: tzinfo = UTC) -> datetime | None:
    """Parse the date formats met in exports; naive times are in ``default_zone``.

    Accepted: ISO 8601 (``Z``, ``+00:00`` or ``+0000``), ``2013/06/25 18:14:45 +0000``,
    ``2019-03-05 12:34:56 UTC``, and Unix times in seconds or milliseconds.
    Returns an aware datetime, or None when the value is empty or not understood.
    """
    if value is None:
        return None
    if isinstance(value, int | float) and not isinstance(value, bool):
        seconds = float(value)
        if seconds > 1e11:  # milliseconds
            seconds /= 1000
        return datetime.fromtimestamp(seconds, UTC)
    text = str(value).strip()
    if not text or text.lower() in {"null", "none", "nan"}:
        return None
    if re.fullmatch(r"\d{9,13}(\.\d+)?", text):
        return parse_timestamp(float(text), default_zone)
    tz: tzinfo | None = None
    if text.endswith(("Z", "z")):
        text, tz = text[:-1], UTC
    elif text.upper().endswith((" UTC", " GMT")):
        text, tz = text[:-4], UTC
    else:
        match = _NUMERIC_OFFSET.search(text)
        if match and ("T" in text or " " in text.strip()):
            sign, hours, minutes = match.groups()
            text = text[: match.start()]
            offset = f"{sign}{hours}:{minutes}"
            try:
                tz = datetime.fromisoformat(f"2000-01-01T00:00:00{offset}").tzinfo
            except ValueError:
                return None
    text = text.strip()
    parsed: datetime | None = None
    for fmt in _FORMATS:
        try:
            parsed = datetime.strptime(text, fmt)
            break
        except ValueError:
            continue
    if parsed is None:
        try:
            parsed = datetime.fromisoformat(text)
        except ValueError:
            return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=tz or default_zone)
    return parsed.astimezone(UTC)


def iso_utc(moment: datetime | None) -> str | None:
    """UTC ISO 8601 with a ``Z``, to the second (microseconds kept when there are some)."""
    if moment is None:
        return None
    text = moment.astimezone(UTC).isoformat()
    return text.replace("+00:00", "Z")


def source_name(system: str, hint: str) -> str:
    """A stable source name for the manifest (``yammer:contoso.com``): same for every export."""
    cleaned = re.sub(r"[^A-Za-z0-9._@/-]+", "-", hint.strip().lower()).strip("-")
    return f"{system}:{cleaned or 'export'}"[:100]


def main_domain(emails: Counter[str]) -> str:
    return emails.most_common(1)[0][0] if emails else ""


def truthy(value: str | None) -> bool:
    return (value or "").strip().lower() in {"true", "t", "yes", "y", "1"}


# --- The writer ---------------------------------------------------------------------------------


class OpenFormatWriter:
    """Writes open-format records as JSON Lines, one file per kind, plus attached files.

    ``out`` is a folder (created if needed, must be empty) or a path ending in ``.zip``: then
    the files are written to a temporary folder and zipped by ``close()``. Each record is one
    line written whole, so an interrupted conversion never leaves half a record.
    """

    def __init__(self, out: str | os.PathLike[str], source_name: str, reader: str) -> None:
        """``source_name``: the stable name of the source instance (manifest ``source.name``)."""
        self.out = Path(out)
        self.zip_path: Path | None = None
        if self.out.suffix.lower() == ".zip":
            self.zip_path = self.out
            self.root = Path(tempfile.mkdtemp(prefix="rucher-convert-"))
        else:
            self.out.mkdir(parents=True, exist_ok=True)
            if any(self.out.iterdir()):
                raise SourceError(_("The output folder %(name)s is not empty.") % {"name": out})
            self.root = self.out
        self.source_name = source_name
        self.reader = reader
        self.counts: Counter[str] = Counter()
        self._streams: dict[str, IO[str]] = {}
        self.started = datetime.now(UTC)

    def write(self, kind: str, record: dict[str, Any]) -> None:
        stream = self._streams.get(kind)
        if stream is None:
            stream = (self.root / RECORD_FILES[kind]).open("w", encoding="utf-8", newline="\n")
            self._streams[kind] = stream
        clean = {k: v for k, v in record.items() if v is not None}
        stream.write(json.dumps(clean, ensure_ascii=False, separators=(",", ":")) + "\n")
        self.counts[kind] += 1

    def add_file(self, relative: str, data: Iterable[bytes]) -> int:
        """Store a file under ``files/``; returns its size in bytes."""
        target = self.root / "files" / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        size = 0
        with target.open("wb") as out:
            for chunk in data:
                out.write(chunk)
                size += len(chunk)
        return size

    def close(self, report: ConversionReport) -> str:
        for stream in self._streams.values():
            stream.close()
        manifest = {
            "format": FORMAT_NAME,
            "version": FORMAT_VERSION,
            "exported_at": iso_utc(self.started),
            "source": {"system": self.reader, "name": self.source_name},
            "scope": "organisation",
            "counts": {
                RECORD_FILES[kind].removesuffix(".jsonl"): count
                for kind, count in sorted(self.counts.items())
            },
        }
        (self.root / "manifest.json").write_text(
            json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
        )
        if self.zip_path is None:
            return str(self.root)
        self.zip_path.parent.mkdir(parents=True, exist_ok=True)
        with zipfile.ZipFile(self.zip_path, "w", zipfile.ZIP_DEFLATED) as archive:
            for path in sorted(self.root.rglob("*")):
                if path.is_file():
                    archive.write(path, path.relative_to(self.root).as_posix())
        shutil.rmtree(self.root, ignore_errors=True)
        return str(self.zip_path)

    def abort(self) -> None:
        """Remove everything written: a failed conversion leaves nothing half-written."""
        for stream in self._streams.values():
            stream.close()
        if self.zip_path is not None:
            shutil.rmtree(self.root, ignore_errors=True)
            return
        for path in self.root.iterdir():  # the folder was empty when the writer started
            if path.is_dir():
                shutil.rmtree(path, ignore_errors=True)
            else:
                path.unlink(missing_ok=True)


def chunks(stream: IO[bytes], size: int = 1 << 16) -> Iterator[bytes]:
    with stream:
        while block := stream.read(size):
            yield block

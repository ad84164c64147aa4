"""Reading and writing the container of the format: a ZIP archive or a folder.

Lines are streamed (a file of any size is read in constant memory). Each line is decoded as
UTF-8 (a byte-order mark is dropped); a line that is not UTF-8 is read as Windows-1252 and the
file is reported once, since exports made on Windows sometimes come that way.
"""

from __future__ import annotations

import json
import zipfile
from collections.abc import Generator
from pathlib import Path
from typing import IO, Any

from django.conf import settings

MAX_LINE_BYTES = 1024 * 1024
BOM = b"\xef\xbb\xbf"


def max_archive_bytes() -> int:
    return int(getattr(settings, "RUCHER_IMPORT_MAX_BYTES", 2 * 1024**3))


def max_file_bytes() -> int:
    return int(getattr(settings, "RUCHER_IMPORT_MAX_FILE_BYTES", 100 * 1024**2))


class ArchiveError(Exception):
    """The container cannot be read at all (a broken ZIP, no manifest, too large)."""


class Line:
    __slots__ = ("legacy", "number", "text", "too_long")

    def __init__(self, number: int, text: str, *, legacy: bool = False, too_long: bool = False):
        self.number = number
        self.text = text
        self.legacy = legacy  # decoded as Windows-1252
        self.too_long = too_long


class Archive:
    """A ZIP file or a folder holding ``manifest.json``, ``*.jsonl`` and ``files/``."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self._zip: zipfile.ZipFile | None = None
        if self.path.is_dir():
            return
        if not self.path.is_file():
            raise ArchiveError(f"{self.path.name}: no such file or folder")
        size = self.path.stat().st_size
        if size > max_archive_bytes():
            raise ArchiveError(
                f"{self.path.name}: {size} bytes, over the limit of {max_archive_bytes()} bytes"
            )
        try:
            self._zip = zipfile.ZipFile(self.path)
        except (zipfile.BadZipFile, OSError) as error:
            raise ArchiveError(f"{self.path.name}: not a readable ZIP archive ({error})") from None

    def close(self) -> None:
        if self._zip is not None:
            self._zip.close()

    def __enter__(self) -> Archive:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _zip_name(self, name: str) -> str | None:
        """The member for ``name``, at the top or under a single top folder."""
        assert self._zip is not None
        names = self._zip.namelist()
        if name in names:
            return name
        for member in names:
            if member.endswith("/" + name) and member.count("/") == name.count("/") + 1:
                return member
        return None

    def exists(self, name: str) -> bool:
        if self._zip is None:
            return (self.path / name).is_file()
        return self._zip_name(name) is not None

    def size(self, name: str) -> int:
        if self._zip is None:
            return (self.path / name).stat().st_size
        member = self._zip_name(name)
        assert member is not None
        return self._zip.getinfo(member).file_size

    def open(self, name: str) -> IO[bytes]:
        if self._zip is None:
            return (self.path / name).open("rb")
        member = self._zip_name(name)
        if member is None:
            raise FileNotFoundError(name)
        return self._zip.open(member)

    def manifest(self) -> dict[str, Any]:
        if not self.exists("manifest.json"):
            raise ArchiveError("manifest.json: missing")
        try:
            with self.open("manifest.json") as handle:
                raw = handle.read(MAX_LINE_BYTES + 1)
        except (zipfile.BadZipFile, OSError) as error:
            raise ArchiveError(f"manifest.json: cannot be read ({error})") from None
        try:
            data = json.loads(decode(raw)[0])
        except ValueError as error:
            raise ArchiveError(f"manifest.json: not valid JSON ({error})") from None
        if not isinstance(data, dict):
            raise ArchiveError("manifest.json: expected a JSON object")
        return data

    def lines(self, name: str) -> Generator[Line, None, None]:
        """The non-empty lines of ``name`` with their numbers (from 1)."""
        with self.open(name) as raw_handle:
            handle = raw_handle
            number = 0
            while True:
                raw = handle.readline(MAX_LINE_BYTES + 1)
                if not raw:
                    return
                number += 1
                too_long = False
                if len(raw) > MAX_LINE_BYTES and not raw.endswith(b"\n"):
                    too_long = True
                    while raw and not raw.endswith(b"\n"):  # skip the rest of the line
                        raw = handle.readline(MAX_LINE_BYTES + 1)
                    yield Line(number, "", too_long=True)
                    continue
                if number == 1 and raw.startswith(BOM):
                    raw = raw[len(BOM) :]
                if not raw.strip():
                    continue
                text, legacy = decode(raw)
                yield Line(number, text, legacy=legacy, too_long=too_long)


def decode(raw: bytes) -> tuple[str, bool]:
    """UTF-8 (without its BOM), else Windows-1252; True when the fallback was used."""
    if raw.startswith(BOM):
        raw = raw[len(BOM) :]
    try:
        return raw.decode("utf-8"), False
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace"), True


class Writer:
    """Writes the format into a ZIP file or a folder."""

    def __init__(self, path: str | Path | IO[bytes]) -> None:
        self._zip: zipfile.ZipFile | None = None
        self.folder: Path | None = None
        if isinstance(path, str | Path) and not str(path).endswith(".zip"):
            self.folder = Path(path)
            self.folder.mkdir(parents=True, exist_ok=True)
        else:
            self._zip = zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED)

    def open(self, name: str) -> IO[bytes]:
        if self._zip is not None:
            return self._zip.open(name, "w", force_zip64=True)
        assert self.folder is not None
        target = self.folder / name
        target.parent.mkdir(parents=True, exist_ok=True)
        return target.open("wb")

    def close(self) -> None:
        if self._zip is not None:
            self._zip.close()

"""The lines of a small file are read, decoded and checked in a thread (``exchange.reading``)
while the batches before them are written: the report, counts and positions are the same,
an error of the thread surfaces at its line, and the thread never outlives the import."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest

from rucher.content.models import Post
from rucher.exchange import importer, reading
from rucher.exchange.archive import Archive, Line
from rucher.exchange.models import RunStatus
from tests.exchange.helpers import run_import, write_folder

pytestmark = pytest.mark.django_db

AT = "2024-03-01T10:00:00Z"


def folder(tmp_path, posts: int = 12):
    return write_folder(
        tmp_path / "in",
        {
            "people.jsonl": [{"id": "u1", "email": "u1@example.com"}],
            "posts.jsonl": [
                {"id": f"p{i}", "type": "discussion", "author_id": "u1", "created_at": AT}
                | {"body": f"Post {i}"}
                for i in range(posts)
            ],
        },
    )


def import_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name.startswith("import ")]


def lines_failing_after(number: int, error: BaseException):
    real = Archive.lines

    def lines(self: Archive, name: str) -> Iterator[Line]:
        for line in real(self, name):
            if name == "posts.jsonl" and line.number > number:
                raise error
            yield line

    return lines


def test_small_chunks_give_the_same_report(tmp_path, monkeypatch):
    monkeypatch.setattr(reading, "READ_AHEAD_CHUNK", 2)
    monkeypatch.setattr(reading, "READ_AHEAD_CHUNKS", 1)
    path = folder(tmp_path)
    with open(path / "posts.jsonl", "a") as handle:
        handle.write('{"id": "bad"\n{"id": "p99", "type": "discussion"}\n')
    run = run_import(path, batch_size=5)
    assert run.status == RunStatus.DONE
    assert run.counts["posts.jsonl"] == {"created": 12, "matched": 0, "unchanged": 0, "skipped": 2}
    assert [(p["line"], p["message"][:14]) for p in run.problems] == [
        (13, "not valid JSON"),
        (14, "author_id: req"),
    ]
    assert run.position == {"file": "posts.jsonl", "line": 10**12, "complete": True}
    assert Post.objects.count() == 12
    assert not import_threads()


def test_a_damaged_file_is_reported_at_its_line_and_the_lines_before_land(tmp_path, monkeypatch):
    monkeypatch.setattr(reading, "READ_AHEAD_CHUNK", 3)
    monkeypatch.setattr(Archive, "lines", lines_failing_after(7, OSError("CRC error")))
    run = run_import(folder(tmp_path), batch_size=4)
    assert run.status == RunStatus.DONE
    assert run.problems == [
        {"file": "posts.jsonl", "line": 8, "message": "cannot be read further (CRC error)"}
    ]
    assert Post.objects.count() == 7
    assert not import_threads()


def test_a_failure_of_the_thread_stops_the_run_with_its_error(tmp_path, monkeypatch):
    monkeypatch.setattr(Archive, "lines", lines_failing_after(5, RuntimeError("reader broke")))
    with pytest.raises(RuntimeError, match="reader broke"):
        run_import(folder(tmp_path), batch_size=4)
    assert not import_threads()


def test_an_interruption_stops_the_thread(tmp_path, monkeypatch):
    monkeypatch.setattr(reading, "READ_AHEAD_CHUNK", 1)
    monkeypatch.setattr(reading, "READ_AHEAD_CHUNKS", 1)  # the thread waits for room

    def hook(name: str, line: int) -> None:
        if name == "posts.jsonl" and line == 3:
            raise importer.Interrupted("stop")

    with pytest.raises(importer.Interrupted):
        run_import(folder(tmp_path), hook=hook, batch_size=2)
    assert not import_threads()
    assert Post.objects.count() == 2

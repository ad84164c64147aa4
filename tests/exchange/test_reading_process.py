"""Large files are read, decoded and checked by a second process (``exchange.reading``)
while the importer writes: the report, counts and rows are those of the thread that reads
small files; a damaged ZIP member is reported at its line; a reading process that dies stops
the run, which then resumes without duplicates; no reading process outlives an import."""

from __future__ import annotations

import json
import os
import signal
import zipfile
from pathlib import Path
from typing import Any

import pytest

from rucher.content.models import Comment, Post
from rucher.core.read_ahead_process import ProducerFailed, ReadAheadProcess
from rucher.exchange import importer, reading, services
from rucher.exchange.models import ImportedRecord, ImportRun, RunStatus
from tests.exchange.helpers import MANIFEST, run_import, wipe, write_folder

pytestmark = pytest.mark.django_db

AT = "2024-03-01T10:00:00Z"
PROCESS = "rucher.core.read_ahead_process"


def posts(count: int) -> list[dict[str, Any]]:
    return [
        {"id": f"p{i}", "type": "discussion", "author_id": "u1", "created_at": AT}
        | {"body": f"Post number {i} about #topic{i % 7}"}
        for i in range(count)
    ]


def mixed_folder(tmp_path: Path) -> Path:
    """Good lines and every kind of bad one, a file in Windows-1252 among them."""
    path = write_folder(
        tmp_path / "in",
        {
            "people.jsonl": [{"id": "u1", "email": "u1@example.com"}],
            "posts.jsonl": posts(40),
            "comments.jsonl": "".join(
                f'{{"id": "c{i}", "post_id": "p{i}", "author_id": "u1", '
                f'"created_at": "{AT}", "body": "Très bien {i}"}}\n'
                for i in range(30)
            ).encode("cp1252"),
        },
    )
    with open(path / "posts.jsonl", "a") as handle:
        handle.write('{"id": "broken"\n')  # not JSON
        handle.write('{"id": "p99", "type": "discussion"}\n')  # no author
        handle.write(
            '{"id": "p3", "type": "discussion", "author_id": "u1", '
            f'"created_at": "{AT}", "body": "again"}}\n'
        )  # a duplicate id
        handle.write(
            '{"id": "p100", "type": "discussion", "author_id": "u1", '
            f'"created_at": "{AT}", "body": "Hi", "mood": "sunny"}}\n'
        )  # an unknown field
    return path


class Recorded(ReadAheadProcess):
    """A ``ReadAheadProcess`` that notes the files it was started for."""

    started: list[str] = []

    def __enter__(self) -> Recorded:
        Recorded.started.append(self.task["name"])
        super().__enter__()
        return self


def read_by_process(monkeypatch) -> list[str]:
    """Every file read by a second process from now on, small ones too, one line per chunk;
    the names of the files it was started for."""
    Recorded.started = []
    monkeypatch.setattr(reading, "PROCESS_MIN_BYTES", 0)
    monkeypatch.setattr(reading, "READ_AHEAD_CHUNK", 1)
    monkeypatch.setattr(reading, "ReadAheadProcess", Recorded)
    monkeypatch.setattr(reading, "processors_to_spare", lambda: True)
    return Recorded.started


@pytest.fixture
def by_process(monkeypatch):
    return read_by_process(monkeypatch)


def outcome(run: ImportRun) -> dict[str, Any]:
    return {
        "status": run.status,
        "counts": run.counts,
        "problems": run.problems,
        "posts": sorted(Post.objects.values_list("body", flat=True)),
        "comments": sorted(Comment.objects.values_list("body", flat=True)),
    }


def reading_processes() -> list[int]:
    """This process's children that are reading processes (reaped ones are gone)."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
            command = Path(f"/proc/{entry}/cmdline").read_bytes()
        except OSError:
            continue
        parent = stat.rsplit(")", 1)[1].split()[1]
        if parent == str(os.getpid()) and PROCESS.encode() in command:
            found.append(int(entry))
    return found


def both_ways(path: Path, monkeypatch, batch_size: int) -> tuple[dict[str, Any], list[str]]:
    """The import's outcome read by the thread, then by a second process, which must be the
    same; and the files the second process was started for."""
    by_thread = outcome(run_import(path, batch_size=batch_size))
    wipe()
    started = read_by_process(monkeypatch)
    read_apart = outcome(run_import(path, batch_size=batch_size))
    assert read_apart == by_thread
    return read_apart, started


def test_a_second_process_gives_the_report_of_the_thread(tmp_path, monkeypatch):
    read_apart, started = both_ways(mixed_folder(tmp_path), monkeypatch, batch_size=7)
    assert started == ["people.jsonl", "posts.jsonl", "comments.jsonl"]
    assert read_apart["status"] == RunStatus.DONE
    assert read_apart["counts"]["posts.jsonl"] == {
        "created": 41,
        "matched": 0,
        "unchanged": 0,
        "skipped": 3,
    }
    assert "Très bien 0" in read_apart["comments"]
    messages = {(p["file"], p.get("line")): p["message"] for p in read_apart["problems"]}
    assert messages[("posts.jsonl", 41)].startswith("not valid JSON")
    assert messages[("posts.jsonl", 42)].startswith("author_id")
    assert messages[("posts.jsonl", 43)] == "duplicate id in this file"
    assert messages[("posts.jsonl", 44)] == "unknown field “mood” ignored (1 line(s))"
    assert messages[("comments.jsonl", None)] == "not UTF-8: read as Windows-1252"
    assert not reading_processes()


def damaged_zip(tmp_path: Path) -> Path:
    """A ZIP whose posts member was changed after it was written: its CRC no longer holds,
    which the reader finds when it reaches the member's end (a few buffers in)."""
    path = tmp_path / "export.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("manifest.json", json.dumps(MANIFEST))
        archive.writestr("people.jsonl", '{"id": "u1", "email": "u1@example.com"}\n')
        archive.writestr("posts.jsonl", "".join(json.dumps(p) + "\n" for p in posts(2000)))
    data = bytearray(path.read_bytes())
    spot = data.index(b"Post number 1999 ")
    data[spot : spot + 4] = b"Past"
    path.write_bytes(bytes(data))
    return path


def test_a_damaged_member_is_reported_at_its_line_as_by_the_thread(tmp_path, monkeypatch):
    read_apart, started = both_ways(damaged_zip(tmp_path), monkeypatch, batch_size=64)
    assert "posts.jsonl" in started
    assert read_apart["status"] == RunStatus.DONE
    (problem,) = read_apart["problems"]
    assert problem["file"] == "posts.jsonl" and "CRC" in problem["message"]
    assert problem["message"].startswith("cannot be read further")
    assert 1000 < problem["line"] <= 2001
    assert len(read_apart["posts"]) == problem["line"] - 1  # every line before it landed
    assert not reading_processes()


def test_a_reading_process_that_dies_stops_the_run_which_resumes_without_duplicates(
    tmp_path, by_process
):
    path = write_folder(
        tmp_path / "in",
        {"people.jsonl": [{"id": "u1", "email": "u1@example.com"}], "posts.jsonl": posts(3000)},
    )

    def kill_the_reader(name: str, line: int) -> None:
        if name == "posts.jsonl" and line == 100:
            (reader,) = reading_processes()
            os.kill(reader, signal.SIGKILL)

    run = services.import_create(actor=None, path=str(path))
    with pytest.raises(ProducerFailed, match="exit code -9"):
        services.import_execute(run_id=run.pk, hook=kill_the_reader, batch_size=50)
    run.refresh_from_db()
    assert run.status == RunStatus.INTERRUPTED
    written = Post.objects.count()
    assert 100 <= written < 3000  # what was read before the death landed, not more
    assert run.position["file"] == "posts.jsonl"
    run = services.import_execute(run_id=run.pk, batch_size=50)
    assert run.status == RunStatus.DONE
    assert Post.objects.count() == 3000
    assert ImportedRecord.objects.filter(kind="post").count() == 3000
    assert not reading_processes()


def test_an_interrupted_import_leaves_no_reading_process(tmp_path, by_process):
    path = write_folder(
        tmp_path / "in",
        {"people.jsonl": [{"id": "u1", "email": "u1@example.com"}], "posts.jsonl": posts(500)},
    )

    def stop(name: str, line: int) -> None:
        if name == "posts.jsonl" and line == 3:
            assert len(reading_processes()) == 1
            raise importer.Interrupted("stop")

    with pytest.raises(importer.Interrupted):
        run_import(path, hook=stop, batch_size=2)
    assert not reading_processes()
    assert Post.objects.count() == 2

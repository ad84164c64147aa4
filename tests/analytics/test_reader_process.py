"""The replay's second process (``rollups.rebuild`` reading and folding in
``reader_process``): the same tables as one process, on a real database another process can
read; a failure of the reader stops the replay with its cause; inside a transaction, or on
SQLite in memory (the suite's), the replay stays in one process."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from bench.imports import generate
from django.db import connection

from rucher.analytics import reader_process, rollups
from rucher.core.models import ConsumerPosition, Event
from tests.analytics.test_rollups import busy_history, snapshot
from tests.exchange.helpers import run_import

REPOSITORY = Path(__file__).parents[2]


# The suite's SQLite database is in memory: no other process can read it. Decided before
# the database fixtures run (a transactional test flushes the database after it, even one
# that skips).
another_process_cannot_read = pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="SQLite in memory: see the file database test below",
)


@pytest.mark.django_db
def test_inside_a_transaction_the_replay_stays_in_this_process(personas, communities):
    busy_history(personas, communities)
    rollups.consume()
    incremental = snapshot()
    assert not reader_process.available()  # the test's transaction: a reader would not see
    replay = rollups.rebuild(batch_size=4)
    assert replay.handled == Event.objects.count() and replay.from_second_process == 0
    assert snapshot() == incremental


@another_process_cannot_read
@pytest.mark.django_db(transaction=True)
def test_a_second_process_gives_the_same_tables(personas, communities):
    busy_history(personas, communities)
    one = rollups.rebuild(batch_size=5, second_process=False)
    alone = snapshot()
    assert one.from_second_process == 0
    two = rollups.rebuild(batch_size=5, second_process=True)
    assert two.handled == two.from_second_process == Event.objects.count() == one.handled
    assert snapshot() == alone


@another_process_cannot_read
@pytest.mark.django_db(transaction=True)
def test_a_failing_reader_stops_the_replay_with_its_cause(personas, communities):
    busy_history(personas, communities)
    # What the database refuses: a negative LIMIT (PostgreSQL), an id beyond 64 bits (SQLite).
    after, size = (0, -5) if connection.vendor == "postgresql" else (2**70, 5)
    reader = reader_process.reader(after, size)
    with pytest.raises(reader_process.ReaderFailed) as failure, reader:
        list(reader)
    assert "Traceback" in str(failure.value)


@another_process_cannot_read
@pytest.mark.django_db(transaction=True)
def test_a_reader_killed_midway_stops_the_replay_where_it_was(personas, communities, tmp_path):
    busy_history(personas, communities)
    # A log far longer than what the pipe and the reader's queue hold (64 KiB and ``AHEAD``
    # batches; 330 KB here): the busy history alone is 23 KB, so the reader could write every
    # batch and end by itself before the second one was written here, and no kill could then
    # stop it (a failure once in about 25 runs). Imported history, the quickest to make.
    generate(tmp_path, 3000)
    assert run_import(tmp_path).problem_count == 0
    assert Event.objects.count() > 3000
    rollups.consume()
    incremental = snapshot()
    rollups.wipe()
    written = []

    def write_until_the_reader_is_killed() -> None:
        with reader_process.reader(0, 25) as reader:
            for batch in reader:
                assert rollups.write_batch(batch)
                written.append(batch.last)
                if len(written) == 2:
                    assert reader.process is not None
                    assert reader.process.poll() is None  # still running, blocked on the pipe
                    os.kill(reader.process.pid, signal.SIGKILL)

    with pytest.raises(reader_process.ReaderFailed, match="exit code -9"):
        write_until_the_reader_is_killed()
    position = ConsumerPosition.objects.get(consumer=rollups.CONSUMER).last_event_id
    assert position == written[-1] > 0  # what was written stays, nothing after it
    rollups.consume()  # the incremental path goes on from there
    rollups.derive_first_interactions()
    assert snapshot() == incremental


# A fresh SQLite file, a log written as the benchmark writes it (people, org units,
# communities, joins, posts, comments, reactions, presence), rebuilt in one process then two.
SCRIPT = """
import io, json, random, sys
import django
django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0)
from bench.analytics import Log, generate
generate(Log(people=80, communities=12), events=int(sys.argv[1]), rng=random.Random(5))
from rucher.analytics import reader_process, rollups
from rucher.core.models import Event
def tables():
    found = {}
    for model in rollups.ROLLUP_MODELS:
        names = [f.attname for f in model._meta.concrete_fields if f.attname != "id"]
        found[model.__name__] = sorted(map(repr, model._default_manager.values_list(*names)))
    return found
one = rollups.rebuild(batch_size=997, second_process=False)
alone = tables()
two = rollups.rebuild(batch_size=997)
said = {}
for options in ([], ["--one-process"]):
    out = io.StringIO()
    call_command("analytics", "rebuild", *options, stdout=out, stderr=io.StringIO())
    said[" ".join(options) or "default"] = out.getvalue()
try:
    with reader_process.reader(2**70, 5) as reader:
        list(reader)
    failure = ""
except reader_process.ReaderFailed as error:
    failure = str(error)
print(json.dumps({
    "events": Event.objects.count(), "one": one.handled, "two": two.handled,
    "apart": two.from_second_process, "same": tables() == alone,
    "rows": {name: len(rows) for name, rows in alone.items()}, "failure": failure,
    "said": said,
}))
"""


def test_on_an_sqlite_file_a_second_process_reads_and_folds(tmp_path):
    if connection.vendor != "sqlite":
        pytest.skip("the SQLite run covers this; on PostgreSQL the tests above do")
    environment = {**os.environ, "RUCHER_DATA_DIR": str(tmp_path)}
    environment.pop("DATABASE_URL", None)
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT, "12000"],
        env=environment,
        capture_output=True,
        text=True,
        cwd=REPOSITORY,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    found = json.loads(result.stdout.strip().splitlines()[-1])
    assert found["events"] >= 12_000
    assert found["one"] == found["two"] == found["apart"] == found["events"]
    assert found["same"]
    assert all(found["rows"][name] for name in ("PersonDay", "Interaction", "Thread"))
    assert "Traceback" in found["failure"]
    # The command tells, unless asked to stay in one process.
    assert "read and folded by a second process" in found["said"]["default"]
    assert "second process" not in found["said"]["--one-process"]
    assert f"Rollups rebuilt from {found['events']} events" in found["said"]["--one-process"]

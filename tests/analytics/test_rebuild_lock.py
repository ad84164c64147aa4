"""A rebuild that did not end leaves the readers' indexes dropped: the worker builds them again,
unless a rebuild is running; and two rebuilds never run at once (``core.process_lock``)."""

from __future__ import annotations

import io
import signal
import subprocess
import sys
import threading
import time

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from rucher.analytics import rollups
from rucher.core.models import Event
from rucher.core.periodic import registered
from rucher.core.process_lock import REBUILD
from tests.process_locks import held_elsewhere, hold_elsewhere

pytestmark = pytest.mark.django_db

ALL_READER_INDEXES = sorted(
    index.name for model in rollups.DEFERRED_INDEX_MODELS for index in model._meta.indexes
)


def _periodic_job() -> None:
    (job,) = [job for job in registered() if job.name == "analytics.reader_indexes"]
    job.run()


def _status() -> str:
    out = io.StringIO()
    call_command("analytics", "status", stdout=out)
    return out.getvalue()


def test_the_indexes_a_rebuild_left_dropped_are_built_again():
    assert ALL_READER_INDEXES and rollups.missing_reader_indexes() == []
    assert "indexes   all there" in _status()
    rollups.drop_reader_indexes()  # what a killed rebuild leaves
    assert sorted(rollups.missing_reader_indexes()) == ALL_READER_INDEXES
    assert f"indexes   {len(ALL_READER_INDEXES)} missing (" in _status()
    _periodic_job()
    assert rollups.missing_reader_indexes() == []
    assert rollups.restore_abandoned_indexes() == []  # nothing to do now


def test_nothing_is_built_while_a_rebuild_runs_and_a_second_rebuild_is_refused(monkeypatch):
    monkeypatch.setattr(rollups, "REBUILD_LOCK_WAIT", 0.6)  # tried twice, then refused
    rollups.drop_reader_indexes()  # as a running rebuild does
    with held_elsewhere(REBUILD):
        assert rollups.restore_abandoned_indexes() == []
        assert sorted(rollups.missing_reader_indexes()) == ALL_READER_INDEXES
        with pytest.raises(rollups.RebuildRunning):
            rollups.rebuild()
        with pytest.raises(CommandError, match="Another rebuild of the analytics is running"):
            call_command("analytics", "rebuild", stdout=io.StringIO(), stderr=io.StringIO())
    assert sorted(rollups.restore_abandoned_indexes()) == ALL_READER_INDEXES
    assert rollups.missing_reader_indexes() == []


def test_a_rebuild_waits_for_the_lock_a_moment(monkeypatch):
    """The periodic job holds it a moment: a rebuild asked for then waits, and runs."""
    monkeypatch.setattr(rollups, "REBUILD_LOCK_WAIT", 10.0)
    let_go = threading.Timer(0.6, hold_elsewhere(REBUILD))
    let_go.start()
    try:
        replay = rollups.rebuild()
    finally:
        let_go.cancel()
    assert replay.handled == Event.objects.count()
    assert rollups.missing_reader_indexes() == []


def test_a_rebuild_lets_the_lock_go():
    rollups.rebuild()
    with REBUILD.taken() as got:
        assert got


HOLD_A_FILE = """
import fcntl, sys, time
handle = open(sys.argv[1], "a")
fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
print("held", flush=True)
time.sleep(120)
"""

HOLD_AN_ADVISORY_LOCK = """
import sys, time
import psycopg
session = psycopg.connect(sys.argv[1])
session.execute("SELECT pg_advisory_lock(%s)", [int(sys.argv[2])])
print("held", flush=True)
time.sleep(120)
"""


def test_the_lock_of_a_killed_rebuild_is_let_go(tmp_path, monkeypatch):
    if connection.vendor == "postgresql":
        params = connection.get_connection_params()
        conninfo = " ".join(
            f"{key}={params[key]}" for key in ("host", "port", "user", "dbname") if params.get(key)
        )
        command = [sys.executable, "-c", HOLD_AN_ADVISORY_LOCK, conninfo]
        command.append(str(REBUILD.advisory_key))
    else:
        # A database file, as in production (the tests' SQLite database is in memory).
        monkeypatch.setitem(connection.settings_dict, "NAME", str(tmp_path / "rucher.sqlite3"))
        path = REBUILD.lock_file()
        assert path == tmp_path / "rucher.sqlite3.rebuild-lock"
        command = [sys.executable, "-c", HOLD_A_FILE, str(path)]
    holder = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        with REBUILD.taken() as got:
            assert not got
    finally:
        holder.send_signal(signal.SIGKILL)  # no clean-up of its own: the system lets go
        holder.wait()
    deadline = time.monotonic() + 10  # the server sees the session end a moment later
    while True:
        with REBUILD.taken() as got:
            if got or time.monotonic() > deadline:
                break
        time.sleep(0.05)
    assert got

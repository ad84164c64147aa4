"""Periodic jobs run once per period, whichever worker checks first; failures retry."""

from __future__ import annotations

import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone

from rucher.core import periodic


@pytest.fixture
def job_calls(monkeypatch):
    calls: list[str] = []
    monkeypatch.setattr(periodic, "_jobs", {})
    periodic.register_periodic(
        "test.job", every=datetime.timedelta(hours=1), run=lambda: calls.append("ran")
    )
    return calls


@pytest.mark.django_db
def test_a_job_runs_once_per_period(job_calls):
    start = timezone.now()
    assert periodic.run_due(start) == ["test.job"]
    assert periodic.run_due(start + datetime.timedelta(minutes=59)) == []
    assert periodic.run_due(start + datetime.timedelta(minutes=61)) == ["test.job"]
    assert job_calls == ["ran", "ran"]


@pytest.mark.django_db
def test_a_failing_job_is_tried_again_at_the_next_check(monkeypatch):
    monkeypatch.setattr(periodic, "_jobs", {})
    attempts: list[int] = []

    def flaky() -> None:
        attempts.append(1)
        if len(attempts) == 1:
            raise RuntimeError("disk full")

    periodic.register_periodic("test.flaky", every=datetime.timedelta(days=1), run=flaky)
    now = timezone.now()
    assert periodic.run_due(now) == []
    assert periodic.run_due(now + datetime.timedelta(minutes=1)) == ["test.flaky"]
    assert len(attempts) == 2


@pytest.mark.django_db
def test_the_command_runs_the_registered_housekeeping(capsys):
    names = [job.name for job in periodic.registered()]
    assert "content.purge_pending_attachments" in names
    call_command("periodic")
    assert "ran content.purge_pending_attachments" in capsys.readouterr().out

"""Periodic jobs: housekeeping that runs every so often, whichever worker gets there first.

Apps register jobs in their ``ready()``; ``rucher worker`` checks every minute which are due
and runs them, and ``rucher periodic`` runs the due ones once (for a cron line instead of a
worker). The last run of each job is a row of ``PeriodicRun``, claimed under a row lock
before the job runs, so that several workers never run the same job twice for one period.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction

from rucher.core import clock

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class PeriodicJob:
    name: str
    every: datetime.timedelta
    run: Callable[[], object]


_jobs: dict[str, PeriodicJob] = {}


def register_periodic(name: str, *, every: datetime.timedelta, run: Callable[[], object]) -> None:
    _jobs[name] = PeriodicJob(name=name, every=every, run=run)


def registered() -> list[PeriodicJob]:
    return sorted(_jobs.values(), key=lambda job: job.name)


def run_due(now: datetime.datetime | None = None) -> list[str]:
    """Run the jobs whose period has passed; returns the names of those that ran.

    A job is claimed first (its last run set to now, in a short transaction holding the row
    lock), then run outside any transaction, so a long job does not hold the database.
    A failing job is logged and its claim given back: it is tried again at the next check."""
    from rucher.core.models import PeriodicRun

    now = now or clock.now()
    ran = []
    for job in registered():
        with transaction.atomic():
            PeriodicRun.objects.get_or_create(name=job.name)
            row = PeriodicRun.objects.select_for_update().get(name=job.name)
            if row.last_run_at is not None and row.last_run_at + job.every > now:
                continue
            previous = row.last_run_at
            row.last_run_at = now
            row.save(update_fields=["last_run_at"])
        try:
            job.run()
        except Exception:
            logger.exception("periodic job %s failed", job.name)
            PeriodicRun.objects.filter(name=job.name, last_run_at=now).update(last_run_at=previous)
            continue
        ran.append(job.name)
    return ran

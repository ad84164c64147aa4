"""The time that services stamp their writes with: the wall clock, or a moment set for a block.

Services call ``clock.now()`` where they would call ``timezone.now()`` for the time of the
write (``created_at``, the event's ``occurred_at``). Outside ``frozen`` the two are the same.
Replaying history through the services (the demo's six months of activity, an import) wraps
each call in ``frozen(moment)``, so that the rows and the event log carry the original time
while every check and side effect stays the service's own::

    with clock.frozen(three_months_ago):
        services.post_create(actor=author, community_id=community.pk, body="...")

The moment lives in a context variable: it applies to the current thread or task only, never
to concurrent requests. ``Event.recorded_at`` keeps the real time of the write.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.utils import timezone

_frozen_at: ContextVar[datetime.datetime | None] = ContextVar("rucher_clock", default=None)


def now() -> datetime.datetime:
    """The frozen moment inside ``frozen``, else ``timezone.now()``."""
    moment = _frozen_at.get()
    return moment if moment is not None else timezone.now()


def is_frozen() -> bool:
    return _frozen_at.get() is not None


@contextmanager
def frozen(moment: datetime.datetime) -> Iterator[datetime.datetime]:
    """Make ``now()`` return ``moment`` (an aware datetime) until the block ends."""
    if timezone.is_naive(moment):
        raise ValueError("clock.frozen needs an aware datetime")
    token = _frozen_at.set(moment)
    try:
        yield moment
    finally:
        _frozen_at.reset(token)

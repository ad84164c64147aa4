"""Appending to the event log and reading it as a consumer."""

from __future__ import annotations

import datetime
import logging
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

from django.db import models, transaction
from django.utils import timezone

from rucher.core import clock
from rucher.core.models import ConsumerPosition, Event

if TYPE_CHECKING:
    from rucher.accounts.models import User

logger = logging.getLogger(__name__)

# Consumers of the log that run in-process right after each transaction that recorded
# events commits (notifications, for example). Each keeps its own position, so the worker
# (`rucher consume`) can always catch up whatever was missed here.
_consumers: dict[str, Callable[[], int]] = {}
_wake_up_verbs: set[str] = set()


def register_consumer(name: str, run: Callable[[], int], *, verbs: set[str]) -> None:
    """Run ``run`` after transactions that record one of ``verbs`` (it reads everything new)."""
    _consumers[name] = run
    _wake_up_verbs.update(verbs)


def run_consumers(*, raise_errors: bool = False) -> None:
    for name, run in list(_consumers.items()):
        try:
            run()
        except Exception:  # one broken consumer must not break the request that wrote
            if raise_errors:
                raise
            logger.exception("Event consumer %s failed; it will catch up on its next run", name)


def _schedule_consumers() -> None:
    connection = transaction.get_connection()
    if not getattr(connection, "_rucher_consumers_scheduled", False):
        connection._rucher_consumers_scheduled = True

        def after_commit() -> None:
            connection._rucher_consumers_scheduled = False
            run_consumers()

        transaction.on_commit(after_commit)


def record(
    *,
    actor: User | None,
    verb: str,
    target: models.Model | None = None,
    community_id: int | None = None,
    payload: dict[str, Any] | None = None,
    occurred_at: datetime.datetime | None = None,
) -> Event:
    """Append one event. Call it inside the service's transaction so both land or neither."""
    event = Event.objects.create(
        occurred_at=occurred_at or clock.now(),
        actor=actor if actor is not None and actor.pk else None,
        verb=verb,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=target.pk if target is not None else None,
        community_id=community_id,
        payload=payload or {},
    )
    if verb in _wake_up_verbs:
        _after_record()
    return event


def _after_record() -> None:
    from django.conf import settings

    if settings.EVENT_CONSUMERS_INLINE:
        # Tests run inside a transaction that never commits: consume right away instead.
        run_consumers(raise_errors=True)
    else:
        _schedule_consumers()


# On PostgreSQL an id is taken when a transaction inserts, not when it commits, so a
# transaction still running may commit an id lower than one already visible. A consumer that
# meets a hole in the ids stops before it until the hole is this old (then it is a rollback).
# Tests set it to zero: their rolled-back savepoints leave holes that are not in-flight writes.
def _gap_patience() -> datetime.timedelta:
    from django.conf import settings

    return datetime.timedelta(seconds=settings.EVENT_GAP_PATIENCE_SECONDS)


def pending(*, consumer: str, batch_size: int = 500) -> Iterator[list[Event]]:
    """Yield batches of events the consumer has not handled yet, in log order.

    The caller handles a batch and then calls ``advance``; a crash between the two replays
    the batch, so consumers must be idempotent per event id.
    """
    position, _created = ConsumerPosition.objects.get_or_create(consumer=consumer)
    last = position.last_event_id
    while True:
        batch = _without_young_gap(
            list(Event.objects.filter(id__gt=last).order_by("id")[:batch_size]), last
        )
        if not batch:
            return
        yield batch
        last = batch[-1].id


def _without_young_gap(
    batch: list[Event], last: int, patience: datetime.timedelta | None = None
) -> list[Event]:
    patience_until = timezone.now() - (patience if patience is not None else _gap_patience())
    expected = last + 1
    for index, event in enumerate(batch):
        if event.id != expected and event.recorded_at > patience_until:
            return batch[:index]
        expected = event.id + 1
    return batch


def advance(*, consumer: str, last_event_id: int) -> None:
    with transaction.atomic():
        ConsumerPosition.objects.update_or_create(
            consumer=consumer, defaults={"last_event_id": last_event_id}
        )


def reset(*, consumer: str) -> None:
    """Forget a consumer's position so its next run replays the whole log."""
    ConsumerPosition.objects.filter(consumer=consumer).delete()

"""Appending to the event log and reading it as a consumer."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from django.db import models, transaction
from django.utils import timezone

from rucher.core.models import ConsumerPosition, Event

if TYPE_CHECKING:
    from rucher.accounts.models import User


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
    return Event.objects.create(
        occurred_at=occurred_at or timezone.now(),
        actor=actor if actor is not None and actor.pk else None,
        verb=verb,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=target.pk if target is not None else None,
        community_id=community_id,
        payload=payload or {},
    )


def pending(*, consumer: str, batch_size: int = 500) -> Iterator[list[Event]]:
    """Yield batches of events the consumer has not handled yet, in log order.

    The caller handles a batch and then calls ``advance``; a crash between the two replays
    the batch, so consumers must be idempotent per event id.
    """
    position, _created = ConsumerPosition.objects.get_or_create(consumer=consumer)
    last = position.last_event_id
    while True:
        batch = list(Event.objects.filter(id__gt=last).order_by("id")[:batch_size])
        if not batch:
            return
        yield batch
        last = batch[-1].id


def advance(*, consumer: str, last_event_id: int) -> None:
    with transaction.atomic():
        ConsumerPosition.objects.update_or_create(
            consumer=consumer, defaults={"last_event_id": last_event_id}
        )


def reset(*, consumer: str) -> None:
    """Forget a consumer's position so its next run replays the whole log."""
    ConsumerPosition.objects.filter(consumer=consumer).delete()

"""Marking notifications read. Reading them changes nothing else, so no event is recorded."""

from __future__ import annotations

from django.utils import timezone

from rucher.accounts.models import User
from rucher.notifications.models import Notification


def notifications_mark_read(*, actor: User, ids: list[int] | None = None) -> int:
    """Mark some (or, with ``ids=None``, all) of the actor's notifications as read."""
    unread = Notification.objects.filter(recipient=actor, read_at__isnull=True)
    if ids is not None:
        unread = unread.filter(pk__in=ids)
    return unread.update(read_at=timezone.now())

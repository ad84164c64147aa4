"""Marking notifications read. Reading them changes nothing else, so no event is recorded."""

from __future__ import annotations

from django.db.models import Q
from django.utils import timezone

from rucher.accounts.models import User
from rucher.notifications.models import Notification


def notifications_mark_read(*, actor: User, ids: list[int] | None = None) -> int:
    """Mark some (or, with ``ids=None``, all) of the actor's notifications as read."""
    unread = Notification.objects.filter(recipient=actor, read_at__isnull=True)
    if ids is not None:
        # A line of grouped reactions stands for every reaction on the same item.
        items = Notification.objects.filter(
            recipient=actor, pk__in=ids, verb="reaction.added", payload__has_key="item"
        ).values_list("payload__item", flat=True)
        same_item = Q(verb="reaction.added", payload__item__in=list(items))
        unread = unread.filter(Q(pk__in=ids) | same_item)
    return unread.update(read_at=timezone.now())

"""Doing something once the current transaction has committed (e-mails, queued tasks)."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.db import transaction


def after_commit(action: Callable[[], object]) -> None:
    """Run ``action`` after commit, or at once in tests, whose transactions never commit."""
    if settings.EVENT_CONSUMERS_INLINE:
        action()
    else:
        transaction.on_commit(action)

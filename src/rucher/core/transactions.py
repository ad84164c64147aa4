"""Doing something once the current transaction has committed (e-mails, queued tasks)."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.db import transaction
from django.db.models.fields.files import FieldFile


def after_commit(action: Callable[[], object]) -> None:
    """Run ``action`` after commit, or at once in tests, whose transactions never commit."""
    if settings.EVENT_CONSUMERS_INLINE:
        action()
    else:
        transaction.on_commit(action)


def delete_file_after_commit(field: FieldFile) -> None:
    """Delete a stored file once the change that dropped it has committed.

    A rolled-back change then keeps its file, and a row never points at a deleted file.
    """
    if field and field.name:
        storage, name = field.storage, field.name
        transaction.on_commit(lambda: storage.delete(name))

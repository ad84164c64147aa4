"""Rows built once and shared by several tests, each test still rolling back its own changes.

A module (or a class) that only reads its world, or changes it inside its own test
transaction, need not rebuild it for every test: ``kept_until_exit`` opens a transaction
around all of them; every test's transaction (pytest-django's ``db``) becomes a savepoint
inside it, so what a test writes is undone after it, and the shared rows are undone at the
end. Tests get deep copies of the shared model instances (as Django's ``setUpTestData``
does), so a test that changes an instance in memory does not leak into the next one.
"""

from __future__ import annotations

import copy
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, transaction

_open = [0]  # how many kept_until_exit blocks are open


@contextmanager
def kept_until_exit(django_db_blocker) -> Iterator[None]:
    """Keep what is written inside (with ``django_db_blocker.unblock()``) until exit.

    A response closed outside the test client (``response.close()`` of a file response)
    sends ``request_finished``, whose ``close_old_connections`` closes a connection found
    in a transaction (on PostgreSQL): that would end the shared transaction too. The test
    client keeps that handler off around its requests; so does this block, while it is open.
    """
    if not _open[0]:
        request_started.disconnect(close_old_connections)
        request_finished.disconnect(close_old_connections)
    _open[0] += 1
    try:
        with django_db_blocker.unblock():
            outer = transaction.atomic()
            outer.__enter__()
        try:
            yield
        finally:
            with django_db_blocker.unblock():
                transaction.set_rollback(True)
                outer.__exit__(None, None, None)
    finally:
        _open[0] -= 1
        if not _open[0]:
            request_started.connect(close_old_connections)
            request_finished.connect(close_old_connections)


def own_copy(request: pytest.FixtureRequest, value: Any) -> Any:
    """A test's copy of shared objects; one memo per test keeps shared references shared
    (the member of ``personas`` is the ``member`` fixture)."""
    return copy.deepcopy(value, request.getfixturevalue("shared_copies"))


def own_media(shared_media: Path, tmp_path: Path) -> Path:
    """A test's own media root, holding the files of the shared world: what the test stores
    or deletes stays its own."""
    shutil.copytree(shared_media, tmp_path, dirs_exist_ok=True)
    return tmp_path

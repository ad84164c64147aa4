"""Working with stored files wherever the storage keeps them (local disk or a bucket).

Code that touches uploads goes through Django's storage API only: the file may be in an
S3-compatible bucket, or on the disk of another host than the worker that reads it.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.core.files import File
from django.core.files.storage import Storage, default_storage

_COPY_CHUNK = 1024 * 1024


@contextmanager
def local_copy(name: str, *, storage: Storage | None = None) -> Iterator[Path]:
    """A temporary file on this machine holding the stored file ``name`` (under the same
    base name, which messages about it show), removed on exit: for readers that need a
    path, such as ``zipfile`` seeking through a large archive. ``FileNotFoundError`` if the
    storage has no such file."""
    storage = storage or default_storage
    with tempfile.TemporaryDirectory(prefix="rucher-") as folder:
        target = Path(folder) / Path(name).name
        with storage.open(name, "rb") as source, target.open("wb") as out:
            shutil.copyfileobj(source, out, _COPY_CHUNK)
        yield target


def store_local_file(path: Path, name: str, *, storage: Storage | None = None) -> str:
    """Save the local file ``path`` in the storage as ``name`` (or a free name near it, which
    is returned)."""
    storage = storage or default_storage
    with path.open("rb") as handle:
        return storage.save(name, File(handle, name=path.name))

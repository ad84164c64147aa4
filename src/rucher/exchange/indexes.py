"""The plain indexes a large import sets aside on SQLite, and builds again (decision 0009).

An import writes records in the order of its files, which is no order for most indexes (a
post's community, author, time; an event's actor, time): every batch changed pages all over
each of them and its commit wrote them again — 13.6 GB written for 1,000,000 records and
a database of 548 MB, a third of the import's time. Without them, and with them built at the
end (about 3 seconds for that import), the same import took 43 s instead of 63 s.

Only when the import is large and larger than the network it goes into (a first migration,
say): then building the indexes from scratch costs less than keeping them. Pages that read
these tables (community feeds, a post's comments) are slower meanwhile: they read whole tables.
SQLite only: on PostgreSQL, dropping an index locks its table against every reader.

The import holds ``process_lock.IMPORT`` while the indexes are aside; a worker's periodic job
(``restore_abandoned``) builds again those of an import that was killed, and only then.
"""

from __future__ import annotations

import logging

from django.db import connection
from django.db.models import Max, Model

from rucher.content.models import Comment, Mention, Post, Reaction
from rucher.core import deferred_indexes, process_lock
from rucher.core.models import Event
from rucher.exchange.models import ImportedRecord

logger = logging.getLogger(__name__)

# The tables an import fills with a row or more per record, whose plain indexes it does not
# read through (memberships, which it does, are fewer anyway).
BULK_MODELS: tuple[type[Model], ...] = (
    Event,
    Post,
    Comment,
    Reaction,
    Mention,
    Post.hashtags.through,
    ImportedRecord,
)

# Records to import from which setting the indexes aside may pay (and never for fewer events
# than the log holds already: building indexes reads the whole tables).
SET_ASIDE_FROM = 100_000


def worth_setting_aside(records: int) -> bool:
    if connection.vendor != "sqlite" or records < SET_ASIDE_FROM:
        return False
    highest = Event.objects.aggregate(highest=Max("id"))["highest"] or 0  # ids are not reused
    return records >= highest


def set_aside() -> list[str]:
    names = deferred_indexes.set_aside(BULK_MODELS)
    if names:
        logger.info("import: %d index(es) set aside until the end of the import", len(names))
    return names


def build_again() -> list[str]:
    """Build the indexes that are missing (after an import, and whatever it set aside)."""
    return deferred_indexes.build_missing(BULK_MODELS)


def missing() -> list[str]:
    return [index.name for index in deferred_indexes.missing(BULK_MODELS)]


def restore_abandoned() -> list[str]:
    """Build the indexes an import set aside and could not build again, unless an import holds
    them aside; their names. The worker runs this every ten minutes (``apps``)."""
    return deferred_indexes.restore_abandoned(process_lock.IMPORT, BULK_MODELS, left_by="an import")

"""Importing the open exchange format: a service that writes in bulk (decision 0009).

Each ``*.jsonl`` file is streamed line by line (read, decoded and checked against its schema
by ``exchange.reading``, in a second process or a thread, while the batches before are
written) and taken in batches. For
a batch the importer looks up in one query per kind the records it refers to
(``ImportedRecord``: *(source, kind, original id) → local id*), prepares the rows, and writes
them in bulk (``rucher.exchange.bulk``: one statement, executed many times) together with
their events (``rucher.exchange.events``, the events the services record) and their
``ImportedRecord`` rows, in one savepoint. When the batch fails
it is written again record by record, each in its own savepoint, so that one bad record is
reported and the others land: each record lands whole or not at all.

After each batch the run's position (file and line) and counts are saved in the same
transaction, so an interrupted run continues where it stopped. A dry run is the same import
inside a transaction that is rolled back at the end: the report is exactly what the import
would do, and nothing stays.
"""

from __future__ import annotations

import contextlib
import datetime
import hashlib
import logging
import operator
import re
import time
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import chain
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection, transaction
from django.db.models import F, Model
from django.utils import timezone
from django.utils.text import slugify

from rucher.accounts.languages import SPOKEN_LANGUAGE_CODES
from rucher.accounts.models import OrgUnit, Profile, SpokenLanguage, User
from rucher.communities.models import Community, CommunityKind, Membership
from rucher.content.models import (
    Attachment,
    Comment,
    EventRsvp,
    Idea,
    IdeaVote,
    Mention,
    Poll,
    PollOption,
    PollVote,
    Post,
    Reaction,
    ReadConfirmation,
)
from rucher.content.models import Event as PostEvent
from rucher.core import collector, markdown, process_lock
from rucher.core.models import Event, Tag
from rucher.core.progress import NullProgress, Progress
from rucher.exchange import bulk, indexes, reading
from rucher.exchange import events as ev
from rucher.exchange.archive import Archive, ArchiveError, max_file_bytes
from rucher.exchange.models import ImportedRecord, ImportRun, RunStatus
from rucher.exchange.render import render_simple
from rucher.exchange.validation import KINDS, parse_datetime, validator

# Lines per batch: each batch costs a few look-up queries, a commit and a saved position; a
# commit writes every page the batch touched (the indexes' pages, scattered), so fewer, larger
# batches write less: 10 000 lines took 10 % less CPU time than 2 000 at 300 000 records, and
# 8 % less than 5 000 at 1 000 000, for about 12 MiB more memory (bounded: one batch at a time).
BATCH_SIZE = 10_000
# Bytes of a line of the open format, about (to guess records from a file's size).
LINE_BYTES_GUESS = 150
PROBLEMS_KEPT = 1000
FORMAT_MAJOR = "1"
# A mention in the exchange format: @[Name](person:ORIGINAL-ID).
EXCHANGE_MENTION_RE = re.compile(r"@\[([^\[\]\n]{1,120})\]\(person:([^()\s]{1,200})\)")
# What every mention contains, in the exchange format and once stored (``markdown.MENTION_RE``):
# a text without it has none, and is not searched (most texts; a search costs ~1 µs).
MENTION_MARK = "](person:"
RESERVED_SLUGS = frozenset({"new", "requests", "invitations", "join", "admin"})
IMPORTED = ImportedRecord._meta.db_table
logger = logging.getLogger(__name__)
# The roles a file may give without ``trust_roles``: the others would let whoever brings a file
# make administrators or project-team members (who see and change everything).
UNTRUSTED_ROLES = frozenset({"employee", "guest"})
MENTION_COLUMNS = ("post_id", "comment_id", "user_id", "notified", "created_at")

# File → the kind its records are remembered under in ImportedRecord.
RECORD_KIND = {
    "org_units": "org_unit",
    "people": "person",
    "communities": "community",
    "memberships": "membership",
    "posts": "post",
    "comments": "comment",
    "accepted_answers": "accepted_answer",
    "reactions": "reaction",
    "votes": "vote",
    "rsvps": "rsvp",
    "read_confirmations": "read_confirmation",
    "attachments": "attachment",
    "activity": "activity",
}


# Kinds a file's records may also be remembered under (idea votes are not poll votes).
EXTRA_KINDS = {"vote": ["idea_vote"]}


class Skip(Exception):
    """This record cannot be imported; the message says why (it goes in the report)."""


class Interrupted(Exception):
    """Raised by a hook (tests) or a stop request to stop a run between records."""


@dataclass
class Item:
    """One record on its way in: its line, the raw record and what ``prepare`` made of it."""

    line: int
    record: dict[str, Any]
    original_id: str
    local_id: int | None = None
    matched: bool = False
    data: dict[str, Any] = field(default_factory=dict)


_MATCHED = operator.attrgetter("matched")


def _dt(value: Any) -> datetime.datetime | None:
    if not value:
        return None
    return parse_datetime(value)


def _required_dt(value: Any) -> datetime.datetime:
    moment = _dt(value)
    assert moment is not None  # the schema requires it
    return moment


def _text(value: Any) -> str:
    """Text as given (no trimming: an export must come back identical)."""
    return str(value or "")


# During an import on SQLite (decision 0009): a page cache of 64 MiB
# rather than 2 MiB, so that the indexes being filled stay in memory (a bound, not a growth
# with the file); and the write-ahead log checkpointed every 64 MiB rather than every 4 MiB,
# so that pages written by successive batches are copied back once. Both only change speed:
# journal (WAL) and ``synchronous=NORMAL`` stay as configured, so a crash or power cut loses
# at most the last batches, which the resumable run writes again, and never corrupts.
SQLITE_IMPORT_PRAGMAS = {"cache_size": -65536, "wal_autocheckpoint": 16384}


@contextlib.contextmanager
def sqlite_tuned() -> Iterator[None]:
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        before = {}
        for name, value in SQLITE_IMPORT_PRAGMAS.items():
            cursor.execute(f"PRAGMA {name}")
            before[name] = cursor.fetchone()[0]
            cursor.execute(f"PRAGMA {name} = {int(value)}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            for name, value in before.items():
                cursor.execute(f"PRAGMA {name} = {int(value)}")


def fetch_in(sql: str, values: Collection[Any], params: Sequence[Any] = ()) -> list[Any]:
    """The rows of ``sql`` whose ``IN ({in})`` holds one of ``values``, 500 values a query.

    Plain SQL: the ORM's compiling of a query with hundreds of parameters cost as much as the
    look-up itself, once per batch and kind of reference."""
    values = list(values)
    rows: list[Any] = []
    with connection.cursor() as cursor:
        for start in range(0, len(values), 500):
            chunk = values[start : start + 500]
            cursor.execute(sql.replace("{in}", ", ".join(["%s"] * len(chunk))), [*params, *chunk])
            rows += cursor.fetchall()
    return rows


class Resolver:
    """Original ids → local ids of this source, looked up in batches and cached.

    The cache is bounded by generations: entries go into the young generation; when it is
    full, between two batches, it becomes the old one and the former old one is dropped.
    An entry found in the old generation moves back into the young one, so the people,
    communities and posts a file keeps referring to stay, and the others go. Nothing is
    dropped during a batch: what ``preload`` loaded stays until the batch is written.
    (Emptying one dict when it was full let it grow with the file: the records written
    filled it, and it was emptied only when a look-up missed.)"""

    GENERATION = 50_000

    def __init__(self, source: str) -> None:
        self.source = source
        self.young: dict[tuple[str, str], int] = {}
        self.old: dict[tuple[str, str], int] = {}

    def next_batch(self) -> None:
        if len(self.young) >= self.GENERATION:
            self.old, self.young = self.young, {}

    def preload(self, kind: str, ids: Iterable[str]) -> None:
        young, old = self.young, self.old
        wanted = {i for i in ids if i and (kind, i) not in young and (kind, i) not in old}
        if not wanted:
            return
        for original_id, local_id in fetch_in(
            f"SELECT original_id, local_id FROM {IMPORTED} "
            "WHERE source = %s AND kind = %s AND original_id IN ({in})",
            wanted,
            [self.source, kind],
        ):
            young[(kind, original_id)] = local_id

    def get(self, kind: str, original_id: str | None) -> int | None:
        if not original_id:
            return None
        key = (kind, original_id)
        local = self.young.get(key)
        if local is None:
            local = self.old.get(key)
            if local is not None:
                self.young[key] = local
        return local

    def known(self, kind: str, ids: Iterable[str | None]) -> set[int]:
        """The local ids of those of ``ids`` that are known (call ``preload`` first)."""
        return {local for i in ids if (local := self.get(kind, i)) is not None}

    def remember(self, kind: str, original_id: str, local_id: int) -> None:
        self.young[(kind, original_id)] = local_id

    def forget_batch(self, keys: Iterable[tuple[str, str]]) -> None:
        for key in keys:
            self.young.pop(key, None)
            self.old.pop(key, None)


class Importer:
    """Imports one archive for one ``ImportRun``. ``run()`` does the whole job."""

    def __init__(
        self,
        run: ImportRun,
        archive: Archive,
        *,
        progress: Progress | NullProgress | None = None,
        hook: Callable[[str, int], None] | None = None,
        batch_size: int = BATCH_SIZE,
    ) -> None:
        self.run_row = run
        self.archive = archive
        self.progress = progress or NullProgress()
        self.hook = hook
        self.batch_size = batch_size
        self.resolver = Resolver(run.source)
        self.tags: dict[str, int] = {}
        self.kinds: dict[str, tuple[int, str]] = {}
        self.unknown_fields: dict[tuple[str, str], list[int]] = {}
        self.legacy_files: set[str] = set()
        self.file = ""
        self.unusable_password = make_password(None)
        self.tables: dict[tuple[type[Model], tuple[str, ...]], bulk.Table] = {}
        # Roles of the file not given (no ``trust_roles``): {role: [first line, count]}.
        self.demoted: dict[str, list[int]] = {}
        self.demoting = False  # whether any record was demoted yet (most runs: none)

    # ---------------------------------------------------------------- report

    def problem(self, line: int | None, message: str, original_id: str = "") -> None:
        run = self.run_row
        run.problem_count += 1
        if len(run.problems) < PROBLEMS_KEPT:
            entry: dict[str, Any] = {"file": self.file, "line": line, "message": message}
            if original_id:
                entry["id"] = original_id
            run.problems.append(entry)

    def count(self, what: str, number: int = 1) -> None:
        counts = self.run_row.counts.setdefault(
            self.file, {"created": 0, "matched": 0, "unchanged": 0, "skipped": 0}
        )
        counts[what] = counts.get(what, 0) + number

    # ---------------------------------------------------------------- the run

    def run(self) -> ImportRun:
        run = self.run_row
        run.status = RunStatus.RUNNING
        run.error = ""
        run.save()
        try:
            if run.dry_run:
                # Indexes set aside come back with the rest when the transaction is rolled
                # back, whatever ends it.
                with sqlite_tuned(), transaction.atomic():
                    self._all_files(set_indexes_aside=True)
                    transaction.set_rollback(True)
            else:
                with process_lock.IMPORT.taken() as alone:
                    try:
                        with sqlite_tuned():
                            self._all_files(set_indexes_aside=alone)
                    finally:
                        if alone:  # also those of an earlier run that was killed
                            # With SQLite's usual page cache: as quick, and the sorting then
                            # takes 9 MiB rather than up to the import's 64 (decision 0009).
                            self._build_indexes_again()
        except ArchiveError as error:  # before ``Exception``, which it is too
            run.status = RunStatus.FAILED
            run.error = str(error)
            run.finished_at = timezone.now()
            run.save()
            return run
        except Exception as stop:
            run.status = RunStatus.INTERRUPTED
            run.error = str(stop) or stop.__class__.__name__
            # What is saved is what was written: the position and counts of the last batch.
            ImportRun.objects.filter(pk=run.pk).update(status=run.status, error=run.error)
            raise
        run.status = RunStatus.DONE
        run.finished_at = timezone.now()
        if run.dry_run:
            run.position = {}
        run.save()
        # Consumers of the log (analytics, notifications...) catch up in the worker
        # (``rucher consume``), each from its own position: not inside the import.
        return run

    def _all_files(self, *, set_indexes_aside: bool = False) -> None:
        run = self.run_row
        manifest = self.archive.manifest()
        self._check_manifest(manifest)
        if not run.total:
            counts = manifest.get("counts") or {}
            run.total = sum(v for v in counts.values() if isinstance(v, int) and v > 0)
            self.progress.total = run.total
        self.progress.done = run.done
        if set_indexes_aside and indexes.worth_setting_aside(self._records_left()):
            indexes.set_aside()
        start_file = run.position.get("file", "")
        for kind in KINDS:
            name = f"{kind}.jsonl"
            if start_file and KINDS.index(kind) < KINDS.index(start_file.removesuffix(".jsonl")):
                continue
            if not self.archive.exists(name):
                continue
            self.file = name
            after = run.position.get("line", 0) if name == start_file else 0
            self._one_file(kind, name, after)
            run.position = {"file": name, "line": 10**12, "complete": True}
            self._finish_file(kind)
            self._save_progress()
        self.file = ""
        for (name, field_name), lines in self.unknown_fields.items():
            self.file = name
            self.problem(
                lines[0],
                f"unknown field “{field_name}” ignored ({lines[1]} line(s))",
            )
        self.file = "people.jsonl"
        for role, (line, number) in sorted(self.demoted.items()):
            self.problem(
                line,
                f"role “{role}” not given ({number} person(s)): imported as employee; "
                "roles other than employee and guest are taken from a file only when the "
                "import trusts its roles",
            )
        for name in sorted(self.legacy_files):
            self.file = name
            self.problem(None, "not UTF-8: read as Windows-1252")
        self.file = ""

    def _records_left(self) -> int:
        """The records still to read: from the manifest's counts, or else guessed from the
        files' sizes."""
        if self.run_row.total:
            return self.run_row.total - self.run_row.done
        names = [f"{kind}.jsonl" for kind in KINDS]
        return sum(self.archive.size(name) for name in names if self.archive.exists(name)) // (
            LINE_BYTES_GUESS
        )

    def _build_indexes_again(self) -> None:
        started = time.monotonic()
        built = indexes.build_again()
        if built:
            seconds = time.monotonic() - started
            logger.info("import: %d index(es) built again in %.1f s", len(built), seconds)

    def _check_manifest(self, manifest: dict[str, Any]) -> None:
        errors = validator("manifest").errors(manifest)
        if errors:
            raise ArchiveError("manifest.json: " + "; ".join(errors))
        version = str(manifest["version"])
        if version.split(".")[0] != FORMAT_MAJOR:
            raise ArchiveError(f"manifest.json: format version {version} is not supported")
        run = self.run_row
        source = manifest["source"]
        if not run.source:
            run.source = source["name"]
            self.resolver.source = run.source
        run.source_system = source["system"]

    def _save_progress(self) -> None:
        run = self.run_row
        ImportRun.objects.filter(pk=run.pk).update(
            position=run.position,
            counts=run.counts,
            problems=run.problems,
            problem_count=run.problem_count,
            done=run.done,
            total=run.total,
            state=run.state,
            source=run.source,
            source_system=run.source_system,
            updated_at=timezone.now(),
        )

    def _one_file(self, kind: str, name: str, after: int) -> None:
        if self.archive.size(name) > 50 * max_file_bytes():
            self.problem(None, f"{name} is over the size limit")
            return
        batch: list[Item] = []
        seen: set[str] = set()
        last_line = after
        try:
            reader = reading.read_ahead(self.archive, kind, name, after)
            with collector.paused(), reader as chunks:
                for read in chain.from_iterable(chunks):
                    number, legacy, too_long, record, not_json, errors, unknown = read
                    last_line = number
                    if self.hook is not None:
                        self.hook(name, number)
                    self.run_row.done += 1
                    self.progress.advance()
                    if legacy:
                        self.legacy_files.add(name)
                    if too_long:
                        self.problem(number, "line longer than 1 MiB: skipped")
                        self.count("skipped")
                        continue
                    if not_json is not None:
                        self.problem(number, f"not valid JSON ({not_json[:80]})")
                        self.count("skipped")
                        continue
                    if errors:
                        original = record.get("id", "") if isinstance(record, dict) else ""
                        self.problem(number, "; ".join(errors), str(original))
                        self.count("skipped")
                        continue
                    for field_name in unknown:
                        entry = self.unknown_fields.setdefault((name, field_name), [number, 0])
                        entry[1] += 1
                    original_id = record["id"]
                    if original_id in seen:
                        self.problem(number, "duplicate id in this file", original_id)
                        self.count("skipped")
                        continue
                    seen.add(original_id)
                    batch.append(Item(number, record, original_id))
                    if len(batch) >= self.batch_size:
                        self._flush(kind, batch, number)
                        batch = []
                        seen = set()
                        collector.collect_young()
        except OSError as error:  # a damaged member of the ZIP (CRC error...)
            self.problem(last_line + 1, f"cannot be read further ({error})")
        except Exception as error:
            if error.__class__.__name__ == "BadZipFile":
                self.problem(last_line + 1, f"cannot be read further ({error})")
            else:
                raise
        self._flush(kind, batch, last_line)

    # ---------------------------------------------------------------- batches

    def _flush(self, kind: str, batch: list[Item], last_line: int) -> None:
        record_kind = RECORD_KIND[kind]
        handler = HANDLERS[kind](self)
        self.resolver.next_batch()
        if batch:
            ids = [item.original_id for item in batch]
            existing: dict[str, tuple[int, int | None]] = {}
            kinds = [record_kind, *EXTRA_KINDS.get(record_kind, [])]
            for original_id, local_id, run_id in fetch_in(
                f"SELECT original_id, local_id, run_id FROM {IMPORTED} WHERE source = %s "
                f"AND kind IN ({', '.join(['%s'] * len(kinds))}) AND original_id IN ({{in}})",
                ids,
                [self.run_row.source, *kinds],
            ):
                existing[original_id] = (local_id, run_id)
            fresh: list[Item] = []
            for item in batch:
                found = existing.get(item.original_id)
                if found is None:
                    fresh.append(item)
                elif found[1] == self.run_row.pk:
                    self.problem(item.line, "duplicate id in this file", item.original_id)
                    self.count("skipped")
                else:
                    self.count("unchanged")
            handler.preload(fresh)
            ready: list[Item] = []
            for item in fresh:
                try:
                    handler.prepare(item)
                except Skip as skip:
                    self.problem(item.line, str(skip), item.original_id)
                    self.count("skipped")
                else:
                    ready.append(item)
            self._write(handler, record_kind, ready)
        self.run_row.position = {"file": self.file, "line": last_line}
        if not self.run_row.dry_run:
            self._save_progress()

    def _write(self, handler: Handler, record_kind: str, items: list[Item]) -> None:
        if not items:
            return
        try:
            with transaction.atomic():
                self._write_items(handler, record_kind, items)
        except Exception:
            self.resolver.forget_batch((record_kind, item.original_id) for item in items)
            for item in items:
                item.local_id, item.matched = None, False
                item.data.pop("id", None)  # the id it had in the batch that was rolled back
                try:
                    with transaction.atomic():
                        handler.prepare(item)
                        self._write_items(handler, record_kind, [item])
                except Skip as skip:
                    self.problem(item.line, str(skip), item.original_id)
                    self.count("skipped")
                except Exception as error:
                    self.resolver.forget_batch([(record_kind, item.original_id)])
                    self.problem(item.line, f"could not be written: {error}", item.original_id)
                    self.count("skipped")
                else:
                    self._counted([item])
            return
        self._counted(items)

    def _counted(self, items: list[Item]) -> None:
        matched = sum(map(_MATCHED, items))  # in C: two Python loops over every batch were 2 %
        if matched:
            self.count("matched", matched)
        if len(items) > matched:
            self.count("created", len(items) - matched)
        if not self.demoting:
            return
        for item in items:
            if "demoted" in item.data:  # counted here: a record written again is counted once
                entry = self.demoted.setdefault(item.data["demoted"], [item.line, 0])
                entry[1] += 1

    def role_of(self, item: Item) -> str:
        """The role a new account gets from its record (employee or guest unless trusted)."""
        role = str(item.record.get("role") or "employee")
        if self.run_row.trust_roles or role in UNTRUSTED_ROLES:
            return role
        item.data["demoted"] = role
        self.demoting = True
        return "employee"

    def table(self, model: type[Model], columns: Sequence[str]) -> bulk.Table:
        """The bulk writer of these columns of ``model`` (made once per run)."""
        key = (model, tuple(columns))
        if key not in self.tables:
            self.tables[key] = bulk.Table(model, columns)
        return self.tables[key]

    def write_events(self, rows: Sequence[ev.EventRow]) -> list[int]:
        return ev.write(rows, self.table(Event, ev.COLUMNS))

    def _write_items(self, handler: Handler, record_kind: str, items: list[Item]) -> None:
        self.write_events(handler.write(items))
        source, run_id = self.run_row.source, self.run_row.pk
        self.table(ImportedRecord, ("source", "kind", "original_id", "local_id", "run_id")).insert(
            [
                (
                    source,
                    item.data.get("record_kind", record_kind),
                    item.original_id,
                    item.local_id,
                    run_id,
                )
                for item in items
                if item.local_id is not None
            ]
        )
        for item in items:
            if item.local_id is not None:
                self.resolver.remember(record_kind, item.original_id, item.local_id)
        if not self.run_row.dry_run:
            # In the batch's transaction: the position never runs ahead of what is written.
            self.run_row.position = {"file": self.file, "line": items[-1].line}
            self._save_progress()

    def _finish_file(self, kind: str) -> None:
        if kind == "people":
            self._link_managers()

    def _link_managers(self) -> None:
        pending = self.run_row.state.pop("managers", [])
        if not pending:
            return
        by_person = dict(pending)
        self.resolver.preload("person", [manager[0] for _person, manager in pending])
        profiles = []
        made = []
        with transaction.atomic():
            for profile in Profile.objects.filter(user_id__in=list(by_person)):
                manager_id = self.resolver.get("person", by_person[profile.user_id][0])
                if manager_id is None or manager_id == profile.user_id:
                    continue
                profile.manager_id = manager_id
                profiles.append(profile)
                made.append(
                    ev.profile_updated(
                        user_id=profile.user_id,
                        fields=["manager"],
                        manager_id=manager_id,
                        at=_required_dt(by_person[profile.user_id][1]),
                    )
                )
            bulk.update(Profile, profiles, ["manager"])
            self.write_events(made)

    # ---------------------------------------------------------------- shared helpers

    def tag_ids(self, names: Iterable[str]) -> list[int]:
        wanted: dict[str, str] = {}
        for name in names:
            clean = " ".join(str(name).lstrip("#").split())[:64]
            slug = slugify(clean, allow_unicode=True)
            if slug and slug not in wanted:
                wanted[slug] = clean
        missing = [slug for slug in wanted if slug not in self.tags]
        if missing:
            if len(self.tags) > 100_000:
                self.tags.clear()
            found = dict(Tag.objects.filter(slug__in=missing).values_list("slug", "pk"))
            new = [Tag(slug=slug, name=wanted[slug]) for slug in missing if slug not in found]
            if new:
                Tag.objects.bulk_create(new, ignore_conflicts=True)
                found = dict(Tag.objects.filter(slug__in=missing).values_list("slug", "pk"))
            self.tags.update(found)
        return [self.tags[slug] for slug in wanted if slug in self.tags]

    def community_kind(self, code: str) -> tuple[int, str]:
        if not self.kinds:
            for pk, kind_code in CommunityKind.objects.order_by("position", "code").values_list(
                "pk", "code"
            ):
                self.kinds[kind_code] = (pk, kind_code)
                self.kinds.setdefault("", (pk, kind_code))
        if not self.kinds:
            raise Skip("no community kind is defined in Rucher")
        return self.kinds.get(code) or self.kinds[""]


# ---------------------------------------------------------------- handlers, one per file


class Handler:
    """How one kind of record is prepared (references resolved) and written (in bulk)."""

    def __init__(self, importer: Importer) -> None:
        self.importer = importer
        self.resolver = importer.resolver

    def preload(self, items: list[Item]) -> None:
        pass

    def prepare(self, item: Item) -> None:
        raise NotImplementedError

    def write(self, items: list[Item]) -> list[ev.EventRow]:
        raise NotImplementedError

    def person(self, original_id: str | None, what: str, *, required: bool = True) -> int | None:
        local = self.resolver.get("person", original_id)
        if local is None and original_id and required:
            raise Skip(f"{what} “{original_id}” is unknown")
        return local

    def need(self, kind: str, original_id: str | None, what: str) -> int:
        local = self.resolver.get(kind, original_id)
        if local is None:
            raise Skip(f"{what} “{original_id}” is missing")
        return local


class OrgUnits(Handler):
    def preload(self, items: list[Item]) -> None:
        self.resolver.preload("org_unit", [i.record.get("parent_id") or "" for i in items])

    def prepare(self, item: Item) -> None:
        # The parent may come earlier in the same batch: it is looked up when writing.
        item.data["parent"] = self.resolver.get("org_unit", item.record.get("parent_id"))

    def write(self, items: list[Item]) -> list[ev.EventRow]:
        made = []
        for item in items:
            parent_id = item.data["parent"]
            if parent_id is None and item.record.get("parent_id"):
                parent_id = self.need("org_unit", item.record["parent_id"], "parent org unit")
            parent = OrgUnit.objects.filter(pk=parent_id).first() if parent_id else None
            unit = OrgUnit.objects.create(
                name=_text(item.record["name"])[:120],
                kind=item.record["kind"],
                parent=parent,
                code=_text(item.record.get("code")),
                path="",
            )
            unit.path = f"{parent.path if parent else '/'}{unit.pk}/"
            unit.depth = parent.depth + 1 if parent else 0
            unit.save(update_fields=["path", "depth"])
            item.local_id = unit.pk
            self.resolver.remember("org_unit", item.original_id, unit.pk)
            made.append(
                ev.org_unit_created(unit_id=unit.pk, parent_id=parent_id, at=timezone.now())
            )
        return made


class People(Handler):
    def preload(self, items: list[Item]) -> None:
        self.resolver.preload("org_unit", [i.record.get("org_unit_id") or "" for i in items])
        emails = [str(i.record["email"]).strip().lower() for i in items]
        self.existing = dict(
            fetch_in(f"SELECT email, id FROM {User._meta.db_table} WHERE email IN ({{in}})", emails)
        )

    def prepare(self, item: Item) -> None:
        record = item.record
        email = str(record["email"]).strip().lower()
        item.data["email"] = email
        if email in self.existing:
            item.local_id, item.matched = self.existing[email], True
            return
        org_unit = record.get("org_unit_id")
        item.data["org_unit"] = self.resolver.get("org_unit", org_unit) if org_unit else None
        if org_unit and item.data["org_unit"] is None:
            self.importer.problem(
                item.line, f"org unit “{org_unit}” is unknown: left empty", item.original_id
            )

    USER_COLUMNS = (
        "email",
        "display_name",
        "role",
        "is_active",
        "language",
        "password",
        "date_joined",
        "deactivated_at",
    )
    PROFILE_COLUMNS = ("user_id", "job_title", "org_unit_id", "phone", "bio", "company")

    def write(self, items: list[Item]) -> list[ev.EventRow]:
        new = [item for item in items if not item.matched]
        emails_in_batch: set[str] = set()
        users = []
        now = timezone.now()
        languages = {code for code, _name in settings.LANGUAGES}
        for item in new:
            record = item.record
            if item.data["email"] in emails_in_batch:
                raise Skip("another person of this file has the same e-mail address")
            emails_in_batch.add(item.data["email"])
            name = (
                " ".join(_text(record.get("display_name")).split())
                or item.data["email"].split("@")[0]
            )
            active = record.get("active", True) is not False
            users.append(
                (
                    item.data["email"],
                    name[:120],
                    self.importer.role_of(item),
                    active,
                    str(record.get("language") or "")
                    if record.get("language") in languages
                    else "",
                    self.importer.unusable_password,
                    _dt(record.get("created_at")) or now,
                    None if active else (_dt(record.get("deactivated_at")) or now),
                )
            )
        user_ids = self.importer.table(User, self.USER_COLUMNS).insert(users)
        profiles = []
        made: list[ev.EventRow] = []
        managers = self.importer.run_row.state.setdefault("managers", [])
        for item, user, user_id in zip(new, users, user_ids, strict=True):
            record = item.record
            item.local_id = user_id
            role, active, at, deactivated = user[2], user[3], user[6], user[7]
            profile = (
                user_id,
                _text(record.get("job_title"))[:120],
                item.data.get("org_unit"),
                _text(record.get("phone"))[:32],
                _text(record.get("bio"))[:1000],
                _text(record.get("company"))[:120],
            )
            profiles.append(profile)
            made.append(ev.user_created(user_id=user_id, role=role, at=at))
            fields = [
                name
                for name, value in (
                    ("job_title", profile[1]),
                    ("phone", profile[3]),
                    ("bio", profile[4]),
                    ("company", profile[5]),
                )
                if value
            ]
            if profile[2]:
                fields.append("org_unit")
            codes = [
                c
                for c in dict.fromkeys(record.get("languages") or [])
                if c in SPOKEN_LANGUAGE_CODES
            ]
            if codes:
                fields.append("languages")
            skills = self.importer.tag_ids(record.get("skills") or [])
            interests = self.importer.tag_ids(record.get("interests") or [])
            if skills:
                fields.append("skills")
            if interests:
                fields.append("interests")
            item.data.update(codes=codes, skills=skills, interests=interests)
            if fields:
                made.append(
                    ev.profile_updated(
                        user_id=user_id, fields=fields, org_unit_id=profile[2], at=at
                    )
                )
            if not active:
                made.append(ev.user_deactivated(user_id=user_id, at=deactivated or at))
            if record.get("manager_id"):
                managers.append([user_id, [record["manager_id"], at.isoformat()]])
        profile_ids = self.importer.table(Profile, self.PROFILE_COLUMNS).insert(profiles)
        spoken, skills_rows, interests_rows = [], [], []
        for item, profile_id in zip(new, profile_ids, strict=True):
            spoken += [(profile_id, code) for code in item.data["codes"]]
            skills_rows += [(profile_id, tag) for tag in item.data["skills"]]
            interests_rows += [(profile_id, tag) for tag in item.data["interests"]]
        self.importer.table(SpokenLanguage, ("profile_id", "code")).insert(spoken)
        self.importer.table(Profile.skills.through, ("profile_id", "tag_id")).insert(skills_rows)
        self.importer.table(Profile.interests.through, ("profile_id", "tag_id")).insert(
            interests_rows
        )
        return made


class Communities(Handler):
    def preload(self, items: list[Item]) -> None:
        self.resolver.preload("person", [i.record.get("created_by") or "" for i in items])

    def prepare(self, item: Item) -> None:
        record = item.record
        item.data["kind"] = self.importer.community_kind(record.get("kind") or "")
        creator = record.get("created_by")
        item.data["created_by"] = self.resolver.get("person", creator) if creator else None

    def _slugs(self, items: list[Item]) -> list[str]:
        wanted = []
        for item in items:
            base = slugify(item.record.get("slug") or "", allow_unicode=True)[:100]
            base = base or slugify(item.record["name"], allow_unicode=True)[:90] or "community"
            wanted.append(base)
        taken = (
            set(Community.objects.filter(slug__in=wanted).values_list("slug", flat=True))
            | RESERVED_SLUGS
        )
        result = []
        for base in wanted:
            candidate, number = base, 2
            while candidate in taken or (
                candidate != base and Community.objects.filter(slug=candidate).exists()
            ):
                candidate, number = f"{base[:90]}-{number}", number + 1
            taken.add(candidate)
            result.append(candidate)
        return result

    def write(self, items: list[Item]) -> list[ev.EventRow]:
        rows = []
        for item, slug in zip(items, self._slugs(items), strict=True):
            record = item.record
            rows.append(
                Community(
                    name=" ".join(_text(record["name"]).split())[:100],
                    slug=slug,
                    kind_id=item.data["kind"][0],
                    visibility=record["visibility"],
                    description=_text(record.get("description")),
                    charter=_text(record.get("charter")),
                    allows_guests=bool(record.get("allows_guests")),
                    created_at=_required_dt(record["created_at"]),
                    created_by_id=item.data["created_by"],
                    archived_at=_dt(record.get("archived_at")),
                    charter_written_at=(
                        _required_dt(record["created_at"]) if _text(record.get("charter")) else None
                    ),
                )
            )
        Community.objects.bulk_create(rows, batch_size=500)
        made = []
        tags = []
        for item, community in zip(items, rows, strict=True):
            item.local_id = community.pk
            tags += [
                Community.tags.through(community_id=community.pk, tag_id=tag)
                for tag in self.importer.tag_ids(item.record.get("tags") or [])
            ]
            made.append(
                ev.community_created(
                    community_id=community.pk,
                    actor_id=community.created_by_id,
                    visibility=community.visibility,
                    kind=item.data["kind"][1],
                    at=community.created_at,
                )
            )
            if community.archived_at is not None:
                made.append(
                    ev.community_archived(community_id=community.pk, at=community.archived_at)
                )
        Community.tags.through.objects.bulk_create(tags)
        return made


class Memberships(Handler):
    def preload(self, items: list[Item]) -> None:
        self.resolver.preload("person", [i.record["person_id"] for i in items])
        self.resolver.preload("community", [i.record["community_id"] for i in items])

    def prepare(self, item: Item) -> None:
        item.data["user"] = self.person(item.record["person_id"], "person")
        item.data["community"] = self.need("community", item.record["community_id"], "community")

    def write(self, items: list[Item]) -> list[ev.EventRow]:
        communities = {i.data["community"] for i in items}
        existing = {
            (c, u): pk
            for pk, c, u in fetch_in(
                f"SELECT id, community_id, user_id FROM {Membership._meta.db_table} "
                "WHERE user_id IN ({in})",
                {i.data["user"] for i in items},
            )
            if c in communities
        }
        rows, new = [], []
        in_batch: set[tuple[int, int]] = set()
        for item in items:
            key = (item.data["community"], item.data["user"])
            if key in existing:
                item.local_id, item.matched = existing[key], True
                continue
            if key in in_batch:
                raise Skip("this person already has a membership of this community in the file")
            in_batch.add(key)
            new.append(item)
            rows.append(
                (
                    key[0],
                    key[1],
                    item.record["role"],
                    _required_dt(item.record["joined_at"]),
                    _dt(item.record.get("expires_at")),
                )
            )
        ids = self.importer.table(
            Membership, ("community_id", "user_id", "role", "joined_at", "expires_at")
        ).insert(rows)
        made = []
        for item, row, pk in zip(new, rows, ids, strict=True):
            item.local_id = pk
            made.append(
                ev.membership_joined(community_id=row[0], user_id=row[1], role=row[2], at=row[3])
            )
        return made


def _people_names(ids: Iterable[int]) -> dict[int, str]:
    return dict(
        fetch_in(
            f"SELECT id, display_name FROM {User._meta.db_table} WHERE id IN ({{in}})", set(ids)
        )
    )


class _Text(Handler):
    """Posts and comments: mentions in the text are rewritten to local ids and rendered."""

    def text_refs(self, record: dict[str, Any]) -> list[str]:
        body = record.get("body") or ""
        listed = list(record.get("mentions") or [])
        if MENTION_MARK not in body:
            return listed
        return [match.group(2) for match in EXCHANGE_MENTION_RE.finditer(body)] + listed

    def local_text(self, record: dict[str, Any]) -> tuple[str, list[int]]:
        def replace(match: re.Match[str]) -> str:
            local = self.resolver.get("person", match.group(2))
            if local is None:
                return f"@{match.group(1)}"
            return markdown.mention(local, match.group(1))

        body = _text(record["body"])
        marked = MENTION_MARK in body
        if marked:
            body = EXCHANGE_MENTION_RE.sub(replace, body)
        if "mentions" in record:
            ids = [self.resolver.get("person", m) for m in record.get("mentions") or []]
        elif marked:
            ids = [
                self.resolver.get("person", m.group(2))
                for m in EXCHANGE_MENTION_RE.finditer(record["body"])
            ]
        else:
            ids = []
        return body, list(dict.fromkeys(i for i in ids if i is not None))

    def render_all(self, items: list[Item]) -> None:
        # A cheap regex rather than ``markdown.mentioned_ids`` (which parses the text): the
        # renderer only needs the names of the ids that may be mentioned.
        found = {
            id(item): {int(pk) for _name, pk in markdown.MENTION_RE.findall(item.data["body"])}
            for item in items
            if MENTION_MARK in item.data["body"]
        }
        names = _people_names(pk for ids in found.values() for pk in ids)
        for item in items:
            people = {pk: names[pk] for pk in found.get(id(item), ()) if pk in names}
            item.data["rendered"] = render_simple(item.data["body"], people) or markdown.render(
                item.data["body"], people=people
            )


class Posts(_Text):
    def preload(self, items: list[Item]) -> None:
        people = []
        for item in items:
            people.append(item.record["author_id"])
            people += self.text_refs(item.record)
            idea = item.record.get("idea") or {}
            if idea.get("status_changed_by"):
                people.append(idea["status_changed_by"])
        self.resolver.preload("person", people)
        self.resolver.preload("community", [i.record.get("community_id") or "" for i in items])

    def prepare(self, item: Item) -> None:
        record = item.record
        kind = record["type"]
        item.data["author"] = self.person(record["author_id"], "author")
        community = record.get("community_id")
        item.data["community"] = (
            self.need("community", community, "community") if community else None
        )
        if kind == "poll":
            poll = record.get("poll")
            if not poll:
                raise Skip("a poll needs its “poll” details")
            option_ids = [o["id"] for o in poll["options"]]
            if len(set(option_ids)) != len(option_ids):
                raise Skip("poll options have the same id")
        if kind == "event":
            details = record.get("event")
            if not details:
                raise Skip("an event needs its “event” details")
            try:
                ZoneInfo(details.get("time_zone") or "Europe/Paris")
            except (ZoneInfoNotFoundError, ValueError):
                raise Skip("unknown time zone") from None
        item.data["body"], item.data["mentions"] = self.local_text(record)

    COLUMNS = (
        "community_id",
        "author_id",
        "type",
        "title",
        "body",
        "body_html",
        "created_at",
        "edited_at",
        "last_activity_at",
        "deleted_at",
        "deleted_by_id",
        "pinned_at",
        "asks_read_confirmation",
        "comments_locked",
    )

    def write(self, items: list[Item]) -> list[ev.EventRow]:
        self.render_all(items)
        rows = []
        for item in items:
            record = item.record
            created = _required_dt(record["created_at"])
            deleted = _dt(record.get("deleted_at"))
            rows.append(
                (
                    item.data["community"],
                    item.data["author"],
                    record["type"],
                    _text(record.get("title"))[:200],
                    item.data["body"],
                    item.data["rendered"].html,
                    created,
                    _dt(record.get("edited_at")),
                    created,
                    deleted,
                    item.data["author"] if deleted else None,
                    _dt(record.get("pinned_at")),
                    bool(record.get("asks_read_confirmation")),
                    bool(record.get("comments_locked")),
                )
            )
        ids = self.importer.table(Post, self.COLUMNS).insert(rows)
        made: list[ev.EventRow] = []
        hashtags: list[tuple[int, int]] = []
        mentions: list[tuple[int, None, int, bool, datetime.datetime]] = []
        polls, options, option_items, happenings, ideas = [], [], [], [], []
        deleted_events = []
        for item, row, pk in zip(items, rows, ids, strict=True):
            record = item.record
            item.local_id = pk
            community_id, author_id, kind, created = row[0], row[1], row[2], row[6]
            names = record["hashtags"] if "hashtags" in record else item.data["rendered"].hashtags
            if names:
                hashtags += [(pk, tag) for tag in self.importer.tag_ids(names)]
            made.append(
                ev.post_created(
                    post_id=pk,
                    author_id=author_id,
                    community_id=community_id,
                    type=kind,
                    at=created,
                )
            )
            for person in item.data["mentions"]:
                if person != author_id:
                    mentions.append((pk, None, person, False, created))
            if row[9] is not None:
                deleted_events.append(
                    ev.post_deleted(
                        post_id=pk, author_id=author_id, community_id=community_id, at=row[9]
                    )
                )
            if kind == "poll":
                details = record["poll"]
                poll = Poll(
                    post_id=pk,
                    multiple=bool(details.get("multiple")),
                    closes_at=_dt(details.get("closes_at")),
                )
                polls.append(poll)
                for position, option in enumerate(details["options"]):
                    options.append(
                        PollOption(poll=poll, label=_text(option["label"])[:200], position=position)
                    )
                    option_items.append(option["id"])
            elif kind == "event":
                details = record["event"]
                happenings.append(
                    (
                        PostEvent(
                            post_id=pk,
                            starts_at=_required_dt(details["starts_at"]),
                            ends_at=_dt(details.get("ends_at")),
                            time_zone=details.get("time_zone") or "Europe/Paris",
                            place=_text(details.get("place"))[:300],
                            online_url=_text(details.get("online_url"))[:500],
                            cancelled_at=_dt(details.get("cancelled_at")),
                        ),
                        author_id,
                        community_id,
                    )
                )
            elif kind == "idea":
                details = record.get("idea") or {}
                response = _text(details.get("response"))
                status = details.get("status") or "new"
                changer = self.resolver.get("person", details.get("status_changed_by"))
                ideas.append(
                    Idea(
                        post_id=pk,
                        status=status,
                        response=response,
                        response_html=markdown.render(response).html if response else "",
                        status_changed_at=_dt(details.get("status_changed_at")),
                        status_changed_by_id=changer,
                    )
                )
                if status != "new":
                    made.append(
                        ev.idea_status_changed(
                            post_id=pk,
                            actor_id=changer,
                            author_id=author_id,
                            community_id=community_id,
                            status=status,
                            at=_dt(details.get("status_changed_at")) or created,
                        )
                    )
        self.importer.table(Post.hashtags.through, ("post_id", "tag_id")).insert(hashtags)
        if polls:
            Poll.objects.bulk_create(polls)
            for option in options:
                option.poll_id = option.poll.pk
            PollOption.objects.bulk_create(options)
            ImportedRecord.objects.bulk_create(
                [
                    ImportedRecord(
                        source=self.importer.run_row.source,
                        kind="poll_option",
                        original_id=original,
                        local_id=option.pk,
                        run_id=self.importer.run_row.pk,
                    )
                    for original, option in zip(option_items, options, strict=True)
                ],
                ignore_conflicts=True,
            )
        if happenings:
            PostEvent.objects.bulk_create([happening for happening, _a, _c in happenings])
        if ideas:
            Idea.objects.bulk_create(ideas)
        mention_ids = self.importer.table(Mention, MENTION_COLUMNS).insert(mentions)
        by_post = dict(zip(ids, rows, strict=True))
        for mention, mention_id in zip(mentions, mention_ids, strict=True):
            post_row = by_post[mention[0]]
            made.append(
                ev.mention_created(
                    mention_id=mention_id,
                    actor_id=post_row[1],
                    community_id=post_row[0],
                    user_id=mention[2],
                    post_id=mention[0],
                    comment_id=None,
                    at=mention[4],
                )
            )
        for happening, author_id, community_id in happenings:
            if happening.cancelled_at is not None:
                made.append(
                    ev.event_cancelled(
                        post_id=happening.post_id,
                        author_id=author_id,
                        community_id=community_id,
                        at=happening.cancelled_at,
                    )
                )
        return made + deleted_events


class Comments(_Text):
    def preload(self, items: list[Item]) -> None:
        people = []
        for item in items:
            people.append(item.record["author_id"])
            people += self.text_refs(item.record)
        self.resolver.preload("person", people)
        self.resolver.preload("post", [i.record["post_id"] for i in items])
        self.resolver.preload("comment", [i.record.get("parent_id") or "" for i in items])
        post_ids = self.resolver.known("post", [i.record["post_id"] for i in items])
        self.posts = {
            pk: (author, community)
            for pk, author, community in fetch_in(
                f"SELECT id, author_id, community_id FROM {Post._meta.db_table} "
                "WHERE id IN ({in})",
                post_ids,
            )
        }
        parent_ids = self.resolver.known("comment", [i.record.get("parent_id") for i in items])
        self.parents = {
            pk: (post, parent, author)
            for pk, post, parent, author in fetch_in(
                f"SELECT id, post_id, parent_id, author_id FROM {Comment._meta.db_table} "
                "WHERE id IN ({in})",
                parent_ids,
            )
        }
        self.batch_ids = {i.original_id: i for i in items}

    def prepare(self, item: Item) -> None:
        record = item.record
        item.data["author"] = self.person(record["author_id"], "author")
        post_id = self.need("post", record["post_id"], "post")
        item.data["post"] = post_id
        item.data["parent"] = None
        item.data["parent_item"] = None
        parent = record.get("parent_id")
        if parent:
            local = self.resolver.get("comment", parent)
            if local is not None:
                if local not in self.parents:
                    self.parents.update(
                        {
                            pk: (post, grand, author)
                            for pk, post, grand, author in Comment.objects.filter(
                                pk=local
                            ).values_list("pk", "post_id", "parent_id", "author_id")
                        }
                    )
                parent_post, grand, _author = self.parents[local]
                if parent_post != post_id:
                    raise Skip(f"parent comment “{parent}” is on another post")
                item.data["parent"] = grand or local
            else:
                earlier = self.batch_ids.get(parent)
                if earlier is None or earlier.line >= item.line or "post" not in earlier.data:
                    raise Skip(f"parent comment “{parent}” is missing")
                if earlier.data["post"] != post_id:
                    raise Skip(f"parent comment “{parent}” is on another post")
                item.data["parent_item"] = earlier.data.get("parent_item") or earlier
                item.data["parent"] = earlier.data.get("parent")
        item.data["body"], item.data["mentions"] = self.local_text(record)

    COLUMNS = (
        "post_id",
        "author_id",
        "parent_id",
        "body",
        "body_html",
        "created_at",
        "edited_at",
        "deleted_at",
        "deleted_by_id",
    )

    def write(self, items: list[Item]) -> list[ev.EventRow]:
        self.render_all(items)
        rows = []
        for item in items:
            record = item.record
            deleted = _dt(record.get("deleted_at"))
            rows.append(
                [
                    item.data["post"],
                    item.data["author"],
                    item.data["parent"],
                    item.data["body"],
                    item.data["rendered"].html,
                    _required_dt(record["created_at"]),
                    _dt(record.get("edited_at")),
                    deleted,
                    item.data["author"] if deleted else None,
                ]
            )
        # The ids are known before the insert: a reply to a comment of the same batch points
        # at its parent's id directly, with no update afterwards.
        table = self.importer.table(Comment, self.COLUMNS)
        ids = table.insert(rows, with_ids=lambda ids: self._link_parents(items, rows, ids))
        authors = {pk: row[1] for pk, row in zip(ids, rows, strict=True)}
        missing_authors = {row[2] for row in rows if row[2] and row[2] not in authors}
        if missing_authors:
            authors.update(
                fetch_in(
                    f"SELECT id, author_id FROM {Comment._meta.db_table} WHERE id IN ({{in}})",
                    missing_authors,
                )
            )
        made: list[ev.EventRow] = []
        latest: dict[int, datetime.datetime] = {}
        mentions: list[tuple[int, int, int, bool, datetime.datetime]] = []
        for item, row, pk in zip(items, rows, ids, strict=True):
            item.local_id = pk
            post_id, author_id, parent_id, created = row[0], row[1], row[2], row[5]
            post_author, community = self.posts[post_id]
            made.append(
                ev.comment_created(
                    comment_id=pk,
                    author_id=author_id,
                    community_id=community,
                    post_id=post_id,
                    post_author_id=post_author,
                    parent_id=parent_id,
                    parent_author_id=authors.get(parent_id) if parent_id else None,
                    at=created,
                )
            )
            if row[7] is not None:
                made.append(
                    ev.comment_deleted(
                        comment_id=pk,
                        author_id=author_id,
                        community_id=community,
                        post_id=post_id,
                        at=row[7],
                    )
                )
            if post_id not in latest or latest[post_id] < created:
                latest[post_id] = created
            for person in item.data["mentions"]:
                if person != author_id:
                    mentions.append((post_id, pk, person, False, created))
        mention_ids = self.importer.table(Mention, MENTION_COLUMNS).insert(mentions)
        by_comment = dict(zip(ids, rows, strict=True))
        for mention, mention_id in zip(mentions, mention_ids, strict=True):
            made.append(
                ev.mention_created(
                    mention_id=mention_id,
                    actor_id=by_comment[mention[1]][1],
                    community_id=self.posts[mention[0]][1],
                    user_id=mention[2],
                    post_id=mention[0],
                    comment_id=mention[1],
                    at=mention[4],
                )
            )
        self._touch_posts(latest)
        return made

    @staticmethod
    def _link_parents(items: list[Item], rows: list[list[Any]], ids: list[int]) -> None:
        for item, row, pk in zip(items, rows, ids, strict=True):
            item.data["id"] = pk
            parent_item = item.data["parent_item"]
            if parent_item is not None and row[2] is None:
                if "id" not in parent_item.data:  # its parent could not be written
                    raise Skip(f"parent comment “{parent_item.original_id}” is missing")
                row[2] = parent_item.data["id"]

    @staticmethod
    def _touch_posts(latest: dict[int, datetime.datetime]) -> None:
        """``Post.last_activity_at`` moves forward to the newest comment, never back."""
        if not latest:
            return
        quote = connection.ops.quote_name
        # As ``bulk.Table`` writes datetimes (Django's own preparation costs more than the
        # update), so that the comparison is between texts of the same form on SQLite.
        convert = bulk.datetime_to_db(connection)
        bulk.executemany(
            Post,
            f"UPDATE {quote(Post._meta.db_table)} SET last_activity_at = %s "
            "WHERE id = %s AND last_activity_at < %s",
            [[text, post_id, text] for post_id, at in latest.items() for text in [convert(at)]],
        )


class _OnPost(Handler):
    """Records about a post by a person: reactions, votes, RSVPs, confirmations, answers."""

    person_field = "person_id"

    def preload(self, items: list[Item]) -> None:
        self.resolver.preload("person", [i.record.get(self.person_field) or "" for i in items])
        self.resolver.preload("post", [i.record["post_id"] for i in items])
        post_ids = self.resolver.known("post", [i.record["post_id"] for i in items])
        self.posts = {
            pk: (author, community, type)
            for pk, author, community, type in fetch_in(
                f"SELECT id, author_id, community_id, type FROM {Post._meta.db_table} "
                "WHERE id IN ({in})",
                post_ids,
            )
        }

    def on_post(self, item: Item, *types: str) -> tuple[int, int, int | None]:
        post_id = self.need("post", item.record["post_id"], "post")
        author, community, type = self.posts[post_id]
        if types and type not in types:
            raise Skip(f"post “{item.record['post_id']}” is a {type}, not a {' or '.join(types)}")
        return post_id, author, community


def _insert_with_events(
    table: bulk.Table,
    items: list[Item],
    rows: list[tuple[Any, ...]],
    event: Callable[[Item, tuple[Any, ...], int], ev.EventRow],
) -> list[ev.EventRow]:
    """Insert ``rows`` (one per item), give each item its local id, return their events."""
    ids = table.insert(rows)
    made = []
    for item, row, pk in zip(items, rows, ids, strict=True):
        item.local_id = pk
        made.append(event(item, row, pk))
    return made


class Reactions(_OnPost):
    def preload(self, items: list[Item]) -> None:
        super().preload(items)
        self.resolver.preload("comment", [i.record.get("comment_id") or "" for i in items])
        ids = self.resolver.known("comment", [i.record.get("comment_id") for i in items])
        self.comments = {
            pk: (post, author)
            for pk, post, author in fetch_in(
                f"SELECT id, post_id, author_id FROM {Comment._meta.db_table} WHERE id IN ({{in}})",
                ids,
            )
        }

    def prepare(self, item: Item) -> None:
        item.data["user"] = self.person(item.record["person_id"], "person")
        item.data["post"], author, item.data["community"] = self.on_post(item)
        item.data["comment"], item.data["item_author"] = None, author
        if item.record.get("comment_id"):
            comment = self.need("comment", item.record["comment_id"], "comment")
            post, comment_author = self.comments[comment]
            if post != item.data["post"]:
                raise Skip("the comment is on another post")
            item.data["comment"], item.data["item_author"] = comment, comment_author

    def write(self, items: list[Item]) -> list[ev.EventRow]:
        rows = [
            (
                i.data["post"],
                i.data["comment"],
                i.data["user"],
                i.record["kind"],
                _required_dt(i.record["created_at"]),
            )
            for i in items
        ]
        return _insert_with_events(
            self.importer.table(
                Reaction, ("post_id", "comment_id", "user_id", "kind", "created_at")
            ),
            items,
            rows,
            lambda item, row, pk: ev.reaction_added(
                reaction_id=pk,
                user_id=row[2],
                community_id=item.data["community"],
                kind=row[3],
                post_id=row[0],
                comment_id=row[1],
                item_author_id=item.data["item_author"],
                at=row[4],
            ),
        )


class Votes(_OnPost):
    def preload(self, items: list[Item]) -> None:
        super().preload(items)
        self.resolver.preload("poll_option", [i.record.get("option_id") or "" for i in items])
        ids = self.resolver.known("poll_option", [i.record.get("option_id") for i in items])
        self.options = {
            pk: (poll, post)
            for pk, poll, post in PollOption.objects.filter(pk__in=ids).values_list(
                "pk", "poll_id", "poll__post_id"
            )
        }
        self.ideas = dict(
            Idea.objects.filter(post_id__in=list(self.posts)).values_list("post_id", "pk")
        )

    def prepare(self, item: Item) -> None:
        item.data["user"] = self.person(item.record["person_id"], "person")
        item.data["post"], _author, item.data["community"] = self.on_post(item, "poll", "idea")
        if self.posts[item.data["post"]][2] == "poll":
            option = self.need("poll_option", item.record.get("option_id"), "poll option")
            poll, post = self.options[option]
            if post != item.data["post"]:
                raise Skip("the option belongs to another poll")
            item.data.update(option=option, poll=poll)
        else:
            item.data["record_kind"] = "idea_vote"
            item.data["idea"] = self.ideas.get(item.data["post"])
            if item.data["idea"] is None:
                raise Skip("the idea has no details")

    def write(self, items: list[Item]) -> list[ev.EventRow]:
        polls = [i for i in items if "option" in i.data]
        ideas = [i for i in items if "idea" in i.data]
        poll_rows = [
            PollVote(
                poll_id=i.data["poll"],
                option_id=i.data["option"],
                user_id=i.data["user"],
                created_at=_required_dt(i.record["created_at"]),
            )
            for i in polls
        ]
        idea_rows = [
            IdeaVote(
                idea_id=i.data["idea"],
                user_id=i.data["user"],
                created_at=_required_dt(i.record["created_at"]),
            )
            for i in ideas
        ]
        bulk.insert(PollVote, poll_rows)
        bulk.insert(IdeaVote, idea_rows)
        made = []
        for item, row in zip(polls, poll_rows, strict=True):
            item.local_id = row.pk
            made.append(
                ev.poll_voted(
                    post_id=item.data["post"],
                    user_id=row.user_id,
                    community_id=item.data["community"],
                    option_ids=[row.option_id],
                    at=row.created_at,
                )
            )
        per_idea: dict[int, int] = defaultdict(int)
        for item, vote in zip(ideas, idea_rows, strict=True):
            item.local_id = vote.pk
            per_idea[vote.idea_id] += 1
            made.append(
                ev.idea_voted(
                    post_id=item.data["post"],
                    user_id=vote.user_id,
                    community_id=item.data["community"],
                    at=vote.created_at,
                )
            )
        for idea_id, number in per_idea.items():
            Idea.objects.filter(pk=idea_id).update(vote_count=F("vote_count") + number)
        return made


class Rsvps(_OnPost):
    def preload(self, items: list[Item]) -> None:
        super().preload(items)
        self.events = dict(
            PostEvent.objects.filter(post_id__in=list(self.posts)).values_list("post_id", "pk")
        )

    def prepare(self, item: Item) -> None:
        item.data["user"] = self.person(item.record["person_id"], "person")
        item.data["post"], _author, item.data["community"] = self.on_post(item, "event")
        item.data["event"] = self.events[item.data["post"]]

    def write(self, items: list[Item]) -> list[ev.EventRow]:
        rows = [
            (
                i.data["event"],
                i.data["user"],
                i.record["answer"],
                _required_dt(i.record["answered_at"]),
            )
            for i in items
        ]
        return _insert_with_events(
            self.importer.table(EventRsvp, ("event_id", "user_id", "answer", "updated_at")),
            items,
            rows,
            lambda item, row, _pk: ev.event_rsvp(
                post_id=item.data["post"],
                user_id=row[1],
                community_id=item.data["community"],
                answer=row[2],
                at=row[3],
            ),
        )


class ReadConfirmations(_OnPost):
    def prepare(self, item: Item) -> None:
        item.data["user"] = self.person(item.record["person_id"], "person")
        item.data["post"], _author, item.data["community"] = self.on_post(item)

    def write(self, items: list[Item]) -> list[ev.EventRow]:
        rows = [
            (i.data["post"], i.data["user"], _required_dt(i.record["created_at"])) for i in items
        ]
        return _insert_with_events(
            self.importer.table(ReadConfirmation, ("post_id", "user_id", "created_at")),
            items,
            rows,
            lambda item, row, _pk: ev.read_confirmed(
                post_id=row[0],
                user_id=row[1],
                community_id=item.data["community"],
                at=row[2],
            ),
        )


class AcceptedAnswers(_OnPost):
    person_field = "accepted_by"

    def preload(self, items: list[Item]) -> None:
        super().preload(items)
        self.resolver.preload("comment", [i.record["comment_id"] for i in items])
        ids = self.resolver.known("comment", [i.record["comment_id"] for i in items])
        self.comments = {
            pk: (post, author)
            for pk, post, author in fetch_in(
                f"SELECT id, post_id, author_id FROM {Comment._meta.db_table} WHERE id IN ({{in}})",
                ids,
            )
        }

    def prepare(self, item: Item) -> None:
        item.data["post"], author, item.data["community"] = self.on_post(item, "question")
        accepted_by = item.record.get("accepted_by")
        item.data["actor"] = self.person(accepted_by, "person", required=False) or author
        comment = self.need("comment", item.record["comment_id"], "comment")
        post, answer_author = self.comments[comment]
        if post != item.data["post"]:
            raise Skip("the answer is a comment of another post")
        item.data["comment"], item.data["answer_author"] = comment, answer_author

    def write(self, items: list[Item]) -> list[ev.EventRow]:
        made = []
        for item in items:
            Post.objects.filter(pk=item.data["post"]).update(
                accepted_answer_id=item.data["comment"]
            )
            item.local_id = item.data["post"]
            made.append(
                ev.answer_accepted(
                    comment_id=item.data["comment"],
                    actor_id=item.data["actor"],
                    community_id=item.data["community"],
                    post_id=item.data["post"],
                    answer_author_id=item.data["answer_author"],
                    at=_required_dt(item.record["accepted_at"]),
                )
            )
        return made


class Attachments(_OnPost):
    person_field = "uploaded_by"

    def preload(self, items: list[Item]) -> None:
        super().preload(items)
        self.resolver.preload("comment", [i.record.get("comment_id") or "" for i in items])
        ids = self.resolver.known("comment", [i.record.get("comment_id") for i in items])
        self.comments = {
            pk: (post, author)
            for pk, post, author in fetch_in(
                f"SELECT id, post_id, author_id FROM {Comment._meta.db_table} WHERE id IN ({{in}})",
                ids,
            )
        }

    def prepare(self, item: Item) -> None:
        record = item.record
        item.data["post"], author, _community = self.on_post(item)
        item.data["comment"] = None
        if record.get("comment_id"):
            comment = self.need("comment", record["comment_id"], "comment")
            post, author = self.comments[comment]
            if post != item.data["post"]:
                raise Skip("the comment is on another post")
            item.data["comment"] = comment
        item.data["user"] = (
            self.person(record.get("uploaded_by"), "person", required=False) or author
        )
        path = record["path"]
        if ".." in path.split("/") or not self.importer.archive.exists(path):
            raise Skip(f"file “{path}” is not in the archive")
        size = self.importer.archive.size(path)
        if size > max_file_bytes():
            raise Skip(f"file “{path}” is over the size limit ({size} bytes)")
        item.data["size"] = size

    def write(self, items: list[Item]) -> list[ev.EventRow]:
        rows = []
        for item in items:
            record = item.record
            with self.importer.archive.open(record["path"]) as handle:
                content = handle.read(max_file_bytes() + 1)
            if record.get("sha256") and hashlib.sha256(content).hexdigest() != record["sha256"]:
                raise Skip(f"file “{record['path']}” does not match its sha256")
            created = _required_dt(record["created_at"])
            row = Attachment(
                uploaded_by_id=item.data["user"],
                post_id=item.data["post"],
                comment_id=item.data["comment"],
                name=_text(record["name"])[:255],
                content_type=_text(record.get("content_type")) or "application/octet-stream",
                size=len(content),
                created_at=created,
            )
            if self.importer.run_row.dry_run:
                row.file.name = f"attachments/dry-run/{item.original_id}"
            else:
                from rucher.content.models import attachment_path

                name = default_storage.save(
                    attachment_path(row, record["name"]), ContentFile(content)
                )
                row.file.name = name
            rows.append(row)
        Attachment.objects.bulk_create(rows)
        for item, row in zip(items, rows, strict=True):
            item.local_id = row.pk
        return []


class Activity(Handler):
    def preload(self, items: list[Item]) -> None:
        self.resolver.preload("person", [i.record["person_id"] for i in items])

    def prepare(self, item: Item) -> None:
        item.data["user"] = self.person(item.record["person_id"], "person")
        item.data["day"] = datetime.date.fromisoformat(item.record["day"])

    def write(self, items: list[Item]) -> list[ev.EventRow]:
        zone = timezone.get_current_timezone()
        made = []
        latest: dict[int, datetime.date] = {}
        for item in items:
            day = item.data["day"]
            at = datetime.datetime.combine(day, datetime.time(9, 0), tzinfo=zone)
            made.append(ev.user_present(user_id=item.data["user"], day=day, at=at))
            latest[item.data["user"]] = max(day, latest.get(item.data["user"], day))
        for item, pk in zip(items, self.importer.write_events(made), strict=True):
            item.local_id = pk
        quote = connection.ops.quote_name
        bulk.executemany(
            User,
            f"UPDATE {quote(User._meta.db_table)} SET last_presence_on = %s "
            "WHERE id = %s AND (last_presence_on IS NULL OR last_presence_on < %s)",
            [[day, user_id, day] for user_id, day in latest.items()],
        )
        return []


HANDLERS: dict[str, type[Handler]] = {
    "org_units": OrgUnits,
    "people": People,
    "communities": Communities,
    "memberships": Memberships,
    "posts": Posts,
    "comments": Comments,
    "accepted_answers": AcceptedAnswers,
    "reactions": Reactions,
    "votes": Votes,
    "rsvps": Rsvps,
    "read_confirmations": ReadConfirmations,
    "attachments": Attachments,
    "activity": Activity,
}

"""The analytics consumer of the event log: it keeps the rollups of ``models.py`` up to date.

It reads the log in id order, in batches (10,000 events). For each batch it folds every event
into deltas held in dictionaries (pure Python, no query per event), then writes each table with
a few set-based statements: counters are *added* by ``INSERT … ON CONFLICT … DO UPDATE SET
n = n + excluded.n`` (SQLite ≥ 3.35 and PostgreSQL), spans and threads are read for the
batch's keys, changed in memory and written back in bulk. The writes and the new position in
the log are one transaction, taken with the position row locked: a crash loses the batch and
replays it, never counts it twice, and two runs at once queue.

``rebuild`` wipes the rollups and the position and replays the whole log through the same
code, so it gives exactly the tables the incremental path gives; the result does not depend on
where batches start and end (the tests replay one event at a time and all at once). It only
drops the indexes that readers alone need while it replays, and builds them at the end; and it
leaves ``FirstInteraction`` (each pair's first day) to one grouped statement over
``Interaction`` at the end (``derive_first_interactions``), since writing the pairs batch by
batch is a look-up at a random place of a large b-tree per pair. A replay that dies before its
end leaves a mark, and the next batch of the incremental path derives the pairs first.

What is counted, exactly (the contract's DEVIATIONS section has the list for KPI writers):

* The day of an event is the local date (``settings.TIME_ZONE``) of its ``occurred_at``.
* Reached: the person is the actor of any event that day, except ``profile.updated`` (the
  profile ``user_create`` fills in the new person's name; editing one's own profile comes with
  the day's presence event anyway).
* Contributions = posts + comments + reactions + votes (poll, idea, RSVP): acts, counted when
  made. Deleting or hiding a post, removing a reaction, un-voting lower no count.
* ``CommunityDay.contributors``: people whose PersonDay row of that community and day went
  from no contribution to some in the batch (``RETURNING`` tells), so distinct people.
* ``Thread.first_response_*`` follows deletions and moderation: the earliest comment by
  someone other than the post's author that is neither deleted nor hidden
  (``comment.hidden``; ``comment.restored`` brings it back); ``ThreadResponse`` keeps the
  candidates.
* Memberships end with ``membership.left``, ``removed`` and ``expired`` (a guest's access
  ended: recorded by a periodic job of communities, at the expiry moment); each counts a
  departure only when it closes an open span. ``membership.guest_extended`` reopens a guest's
  span that an expiry had closed.
* People's roles, org units and managers, and memberships, assume each person's (and each
  membership's) events come in time order, which the services guarantee; a span that would
  end on or before the day it started is not kept.
"""

from __future__ import annotations

import datetime
import json
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import chain
from typing import Any, NamedTuple, cast

from django.db import connection, transaction
from django.db.models import Model
from django.utils import timezone

from rucher.analytics import reader_process
from rucher.analytics.models import (
    CommunityDay,
    FirstInteraction,
    Interaction,
    MembershipSpan,
    PersonDay,
    PersonRoleSpan,
    PersonState,
    PersonUnit,
    Thread,
    ThreadResponse,
)
from rucher.core import collector, deferred_indexes, events, many_rows, process_lock
from rucher.core.models import ConsumerPosition, Event
from rucher.core.progress import SupportsWrite, reporter

CONSUMER = "analytics"
BATCH_SIZE = 10_000
# A replay's batches are larger: fewer commits and fewer look-ups of spans and threads per
# event; still one transaction each, so an interrupted rebuild resumes where it stopped.
# (At 10,000,000 events, cut at day boundaries: 100,000 replayed in 170 s, 200,000 in 180.)
REBUILD_BATCH_SIZE = 100_000
# During a replay on SQLite: a page cache of 128 MiB rather than 2 MiB (the unique keys being
# filled stay in memory) and the write-ahead log copied back every 64 MiB rather than 4 MiB.
# Speed only: the journal and ``synchronous`` stay as configured.
SQLITE_REBUILD_PRAGMAS = {"cache_size": -131_072, "wal_autocheckpoint": 16_384}
# The readers' indexes, built after a replay (its reading process has ended): SQLite's
# sorter on two threads (33 s instead of 38 at 10,000,000 events; a larger page cache made
# it slower, and the pairs' first interactions too).
SQLITE_INDEX_PRAGMAS = {"threads": 2}
# Ids per IN (...) list: well under SQLite's limit on bound parameters.
IN_CHUNK = 900

# Verbs that wake the consumer after a write (it then reads everything new, whatever the verb).
VERBS = {
    "user.created",
    "user.role_changed",
    "user.deactivated",
    "user.reactivated",
    "profile.updated",
    "membership.joined",
    "membership.left",
    "membership.removed",
    "membership.expired",
    "membership.guest_extended",
    "membership.role_changed",
    "community.ownership_transferred",
    "post.created",
    "post.deleted",
    "post.hidden",
    "post.restored",
    "comment.created",
    "comment.deleted",
    "comment.hidden",
    "comment.restored",
    "reaction.added",
    "mention.created",
    "question.answer_accepted",
    "poll.voted",
    "idea.voted",
    "event.rsvp",
    "user.history_imported",
}
# An import found the person's history starting before their account: their first role and
# org unit reach back to that day (rucher.exchange.history).
HISTORY_VERB = "user.history_imported"
VOTE_VERBS = frozenset({"poll.voted", "idea.voted", "event.rsvp"})
# Events whose actor did not necessarily do anything: ``user_create`` fills the new person's
# profile in their name (the demo, imports). Someone editing their own profile is reached
# anyway, by the day's presence event of the request.
NOT_REACHING = frozenset({"profile.updated"})
PERSON_VERBS = frozenset(
    {"user.created", "user.role_changed", "user.deactivated", "user.reactivated", "profile.updated"}
)
# Verbs beyond "reached": the only events whose payload is decoded.
PAYLOAD_VERBS = frozenset(VERBS)

# Every table the consumer writes, wiped by ``rebuild`` (not AnalyticsConfig, StageHistory).
ROLLUP_MODELS: tuple[type[Model], ...] = (
    PersonDay,
    PersonUnit,
    PersonRoleSpan,
    PersonState,
    MembershipSpan,
    Interaction,
    FirstInteraction,
    Thread,
    ThreadResponse,
    CommunityDay,
)

# PersonDay deltas: a list per (day, person, community), in this order (``reached`` a bool,
# so that the list is the row's values as they are).
REACHED, CONTRIBUTIONS, POSTS, COMMENTS, REACTIONS, VOTES, ACCEPTED, MENTIONS = range(8)
PERSON_DAY_COUNTERS = (
    "contributions",
    "posts",
    "comments",
    "reactions",
    "votes",
    "answers_accepted",
    "mentions",
)
# CommunityDay deltas: a list per (community, day).
CD_POSTS, CD_COMMENTS, CD_REACTIONS, CD_ARRIVALS, CD_DEPARTURES, CD_CONTRIBUTORS = range(6)
COMMUNITY_DAY_COUNTERS = (
    "posts",
    "comments",
    "reactions",
    "arrivals",
    "departures",
    "contributors",
)

# An event as read: occurred_at is a datetime, or on SQLite the stored text (converted only
# when needed); the payload is a dict, or the stored JSON text (decoded only when needed).
Row = tuple[
    int,  # id
    datetime.datetime | str,  # occurred_at
    int | None,  # actor_id
    str,  # verb
    int | None,  # target_id
    int | None,  # community_id
    dict[str, Any] | str | bytes | None,  # payload (None when already extracted below)
    Any,  # reaction.added: item_author_id; comment.created: post_author_id
    Any,  # comment.created: parent_id
    Any,  # comment.created: parent_author_id
    Any,  # comment.created: post_id
]
# The payload fields of the two commonest verbs (two thirds of a busy log), which SQLite
# extracts in C while reading (``json_extract``) rather than Python decoding each document.
EXTRACTED = {
    "reaction.added": ("item_author_id",),
    "comment.created": ("post_author_id", "parent_id", "parent_author_id", "post_id"),
}
Day = datetime.date


@dataclass
class Deltas:
    """What one batch changes, folded in memory before any write."""

    person_days: dict[tuple[Day, int, int | None], list[Any]] = field(default_factory=dict)
    interactions: dict[tuple[Day, int, int, int | None, str], int] = field(default_factory=dict)
    first_pairs: dict[tuple[int, int], Day] = field(default_factory=dict)
    community_days: dict[tuple[int, Day], list[int]] = field(default_factory=dict)
    # (post, community, author, created_at, type)
    threads: list[tuple[int, int | None, int, datetime.datetime | str, str]] = field(
        default_factory=list
    )
    # (comment, post, author, at)
    responses: list[tuple[int, int, int, datetime.datetime | str]] = field(default_factory=list)
    deleted_comments: dict[int, int | None] = field(default_factory=dict)
    deleted_posts: set[int] = field(default_factory=set)
    hidden: dict[int, bool] = field(default_factory=dict)
    # comment: (hidden now, its post), the last moderation decision of the batch
    hidden_comments: dict[int, tuple[bool, int | None]] = field(default_factory=dict)
    accepted: dict[int, tuple[int | None, datetime.datetime]] = field(default_factory=dict)
    # (verb, community, person, role or other person, day), in log order
    membership_ops: list[tuple[str, int, int, Any, Day]] = field(default_factory=list)
    # (verb, person, payload, day), in log order
    person_ops: list[tuple[str, int, dict[str, Any], Day]] = field(default_factory=list)
    # person: the earliest day their imported history reaches back to
    history_starts: dict[int, Day] = field(default_factory=dict)
    # every day met, to be converted once for the database
    days: set[Day] = field(default_factory=set)


# ---------------------------------------------------------------- reading the log


def _read(last: int, limit: int) -> list[Row]:
    """The next events after ``last``, as plain tuples: Django's per-row conversions (two
    datetimes and a JSON document per event) would cost more than the rest of the work."""
    quote = connection.ops.quote_name
    occurred = quote("occurred_at")
    rest = ("actor_id", "verb", "target_id", "community_id")
    payload = quote("payload")
    extra = ["NULL"] * 4
    if connection.vendor == "sqlite":  # the text as stored, without sqlite3's converter
        occurred = f"CAST({occurred} AS TEXT)"
        verb = quote("verb")
        # Only the verbs that need it bring their payload; the two commonest bring fields.
        decoded = ", ".join(f"'{v}'" for v in sorted(PAYLOAD_VERBS - set(EXTRACTED)))
        payload = f"CASE WHEN {verb} IN ({decoded}) THEN {payload} END"
        for position in range(4):
            cases = " ".join(
                f"WHEN '{v}' THEN json_extract({quote('payload')}, '$.{names[position]}')"
                for v, names in EXTRACTED.items()
                if position < len(names)
            )
            extra[position] = f"CASE {verb} {cases} END"
    columns = ", ".join([quote("id"), occurred, *(quote(name) for name in rest), payload, *extra])
    sql = (
        f"SELECT {columns} FROM {quote(Event._meta.db_table)} "
        f"WHERE {quote('id')} > %s ORDER BY {quote('id')} LIMIT %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [last, limit])
        rows: list[Row] = cursor.fetchall()
    return _without_young_gap(rows, last)


def _without_young_gap(rows: list[Row], last: int) -> list[Row]:
    """Stop before a hole in the ids that may still be a transaction in flight (the rule of
    ``events.pending``); ``recorded_at`` is read only for the row after a hole."""
    patience_until = timezone.now() - events._gap_patience()
    expected = last + 1
    for index, row in enumerate(rows):
        if row[0] != expected:
            recorded = Event.objects.filter(pk=row[0]).values_list("recorded_at", flat=True)
            if recorded[0] > patience_until:
                return rows[:index]
        expected = row[0] + 1
    return rows


def _payload(raw: dict[str, Any] | str | bytes | None) -> dict[str, Any]:
    if isinstance(raw, dict):
        return raw
    if not raw:
        return {}
    loaded = json.loads(raw)
    return loaded if isinstance(loaded, dict) else {}


class _Moments:
    """Datetimes and local days of ``occurred_at`` values, each worked out once."""

    def __init__(self) -> None:
        self.tz = timezone.get_default_timezone()
        self.days: dict[Any, Day] = {}
        self.hours: dict[Any, Day | None] = {}

    def moment(self, value: datetime.datetime | str) -> datetime.datetime:
        if isinstance(value, str):
            value = datetime.datetime.fromisoformat(value)
        if value.tzinfo is None:  # SQLite keeps UTC without an offset
            value = value.replace(tzinfo=datetime.UTC)
        return value

    def day(self, value: datetime.datetime | str) -> Day:
        # One look-up per UTC hour whose local date does not change within it (almost all);
        # otherwise one per minute, since every offset is a whole number of minutes.
        if isinstance(value, str):
            hour_key: Any = value[:13]
        else:
            hour_key = value.replace(minute=0, second=0, microsecond=0)
        if hour_key not in self.hours:
            self.hours[hour_key] = self._whole_hour(value)
        whole = self.hours[hour_key]
        if whole is not None:
            return whole
        key = value[:16] if isinstance(value, str) else value.replace(second=0, microsecond=0)
        day = self.days.get(key)
        if day is None:
            day = self.days[key] = self.moment(value).astimezone(self.tz).date()
        return day

    def _whole_hour(self, value: datetime.datetime | str) -> Day | None:
        """The local date of the whole UTC hour of ``value``, or None if it changes within."""
        start = self.moment(value).replace(minute=0, second=0, microsecond=0).astimezone(self.tz)
        end = (start + datetime.timedelta(hours=1, microseconds=-1)).astimezone(self.tz)
        # The same offset at both ends: no change of offset, so local time runs straight.
        if start.utcoffset() == end.utcoffset() and start.date() == end.date():
            return start.date()
        return None


# ---------------------------------------------------------------- folding a batch


def fold(rows: Iterable[Row]) -> Deltas:
    """Fold events into deltas. Pure: no query."""
    deltas = Deltas()
    person_days = deltas.person_days
    community_days = deltas.community_days
    interactions, first_pairs = deltas.interactions, deltas.first_pairs
    responses = deltas.responses
    moments = _Moments()
    day_of, moment = moments.day, moments.moment

    def community_day(community: int, day: Day) -> list[int]:
        counts = community_days.get((community, day))
        if counts is None:
            counts = community_days[(community, day)] = [0, 0, 0, 0, 0, 0]
        return counts

    # The log is read in time order: most events fall in the UTC hour of the one before,
    # whose local day is then known without a call (hours whose local date changes within
    # them, if the zone has such offsets, always go through ``day_of``).
    last_hour: str | None = None  # set only when the log's moments are text (SQLite)
    last_day = datetime.date.min
    for _id, occurred_at, actor, verb, target_id, community, raw_payload, *fields in rows:
        if last_hour is not None and isinstance(occurred_at, str) and occurred_at[:13] == last_hour:
            day = last_day
        else:
            day = day_of(occurred_at)
            last_hour = None
            if isinstance(occurred_at, str) and moments.hours.get(occurred_at[:13]) is not None:
                last_hour, last_day = occurred_at[:13], day
        counts: list[int] | None = None
        if actor is not None and verb not in NOT_REACHING:
            key = (day, actor, community)
            counts = person_days.get(key)
            if counts is None:
                counts = person_days[key] = [True, 0, 0, 0, 0, 0, 0, 0]
            else:
                counts[REACHED] = True
        if verb not in PAYLOAD_VERBS:
            continue
        if raw_payload is not None and verb in EXTRACTED:  # not extracted while reading
            decoded = _payload(raw_payload)
            fields = [decoded.get(name) for name in EXTRACTED[verb]]

        # The commonest verbs first, with their interaction counted here rather than through
        # ``_interaction``: a call per event costs more than the counting itself.
        if verb == "reaction.added" or verb == "comment.created":
            if counts is None or actor is None:
                continue
            counts[CONTRIBUTIONS] += 1
            if verb == "reaction.added":
                counts[REACTIONS] += 1
                community_column, kind, to = CD_REACTIONS, "reaction", fields[0]
            else:
                counts[COMMENTS] += 1
                community_column, kind = CD_COMMENTS, "reply"
                post_author, parent_id, parent_author, post_id = fields
                to = parent_author if parent_id else post_author
                if post_author != actor and target_id is not None and isinstance(post_id, int):
                    responses.append((target_id, post_id, actor, occurred_at))
            if community is not None:
                community_key = (community, day)
                community_counts = community_days.get(community_key)
                if community_counts is None:
                    community_counts = community_days[community_key] = [0, 0, 0, 0, 0, 0]
                community_counts[community_column] += 1
            if isinstance(to, int) and to != actor:
                interaction_key = (day, actor, to, community, kind)
                interactions[interaction_key] = interactions.get(interaction_key, 0) + 1
                pair = (actor, to) if actor < to else (to, actor)
                known = first_pairs.get(pair)
                if known is None or day < known:
                    first_pairs[pair] = day
            continue
        payload = _payload(raw_payload)
        if verb == "post.created":
            if counts is None or actor is None or target_id is None:
                continue
            counts[CONTRIBUTIONS] += 1
            counts[POSTS] += 1
            if community is not None:
                community_day(community, day)[CD_POSTS] += 1
            deltas.threads.append(
                (target_id, community, actor, occurred_at, str(payload.get("type", "")))
            )
        elif verb in VOTE_VERBS:
            if counts is None:
                continue
            counts[CONTRIBUTIONS] += 1
            counts[VOTES] += 1
            if community is not None:
                community_day(community, day)  # the row that will count the contributor
        elif verb == "mention.created":
            if counts is None or actor is None:
                continue
            counts[MENTIONS] += 1
            to = payload.get("user_id")
            if isinstance(to, int):
                _interaction(deltas, day, actor, to, community, "mention")
        elif verb == "question.answer_accepted":
            author = payload.get("answer_author_id")
            if isinstance(author, int):
                key = (day, author, community)
                author_counts = person_days.get(key)
                if author_counts is None:
                    author_counts = person_days[key] = [False, 0, 0, 0, 0, 0, 0, 0]
                author_counts[ACCEPTED] += 1
            post_id = payload.get("post_id")
            if isinstance(post_id, int):
                deltas.accepted[post_id] = (target_id, moment(occurred_at))
        elif verb == "post.deleted":
            if target_id is not None:
                deltas.deleted_posts.add(target_id)
        elif verb == "comment.deleted":
            if target_id is not None:
                post_id = payload.get("post_id")
                deltas.deleted_comments[target_id] = post_id if isinstance(post_id, int) else None
        elif verb in ("post.hidden", "post.restored"):
            if target_id is not None:
                deltas.hidden[target_id] = verb == "post.hidden"
        elif verb in ("comment.hidden", "comment.restored"):
            if target_id is not None:
                post_id = payload.get("post_id")
                deltas.hidden_comments[target_id] = (
                    verb == "comment.hidden",
                    post_id if isinstance(post_id, int) else None,
                )
        elif verb.startswith("membership."):
            if community is None or target_id is None:
                continue
            if verb == "membership.joined":
                community_day(community, day)[CD_ARRIVALS] += 1
                deltas.membership_ops.append(
                    ("join", community, target_id, str(payload.get("role", "")), day)
                )
            elif verb in ("membership.left", "membership.removed", "membership.expired"):
                # The departure is counted when the span closes (``_apply_memberships``):
                # removing a guest whose access had already expired is not a second one.
                community_day(community, day)
                deltas.membership_ops.append(("leave", community, target_id, None, day))
            elif verb == "membership.guest_extended":
                # Extending an access that had expired (and been recorded so) brings the
                # guest back from that day; extending a running one changes nothing here.
                deltas.membership_ops.append(("extend", community, target_id, "guest", day))
            elif verb == "membership.role_changed":
                deltas.membership_ops.append(
                    ("join", community, target_id, str(payload.get("role", "")), day)
                )
        elif verb == "community.ownership_transferred":
            if community is not None and target_id is not None:
                deltas.membership_ops.append(("transfer", community, target_id, actor, day))
        elif verb in PERSON_VERBS and target_id is not None:
            deltas.person_ops.append((verb, target_id, payload, day))
        elif verb == HISTORY_VERB and target_id is not None and day is not None:
            known = deltas.history_starts.get(target_id)
            deltas.history_starts[target_id] = day if known is None else min(known, day)
    deltas.days = {day for day in moments.hours.values() if day is not None}
    deltas.days.update(moments.days.values())
    return deltas


def _interaction(
    deltas: Deltas, day: Day, source: int, target: int, community: int | None, kind: str
) -> None:
    if source == target:
        return
    key = (day, source, target, community, kind)
    deltas.interactions[key] = deltas.interactions.get(key, 0) + 1
    pair = (source, target) if source < target else (target, source)
    known = deltas.first_pairs.get(pair)
    if known is None or day < known:
        deltas.first_pairs[pair] = day


# ---------------------------------------------------------------- writing a batch


def apply(deltas: Deltas, *, first_interactions: bool = True) -> None:
    """Write one batch's deltas. Call inside the batch's transaction.

    ``first_interactions``: False while a replay leaves ``FirstInteraction`` to be derived
    at its end (``derive_first_interactions``)."""
    stored = {day: connection.ops.adapt_datefield_value(day) for day in deltas.days}
    _add_person_days(deltas, stored)
    _add_interactions(deltas, stored, first_interactions=first_interactions)
    _apply_memberships(deltas)  # counts the departures that _add_community_days writes
    _add_community_days(deltas, stored)
    _apply_threads(deltas)
    _apply_people(deltas)
    _apply_history_starts(deltas)  # after the batch's people: it moves their first spans


@contextmanager
def _raw_cursor() -> Iterator[Any]:
    """The driver's own cursor on Django's connection (same transaction), for bulk statements:
    Django's wrapper rewrites the placeholders of every statement with a regular expression,
    which costs more than running a 20,000-value INSERT. Write ``%s``; see ``_sql``."""
    connection.ensure_connection()
    cursor = connection.connection.cursor()
    try:
        yield cursor
    finally:
        cursor.close()


def _sql(sql: str) -> str:
    return sql.replace("%s", "?") if connection.vendor == "sqlite" else sql


def _upsert(
    model: type[Model],
    columns: Sequence[str],
    conflict: str,
    set_clauses: Sequence[str],
    rows: list[tuple[Any, ...]],
    returning: Sequence[str] = (),
) -> list[tuple[Any, ...]]:
    """INSERT the rows; on a key already there, run ``set_clauses`` (``{t}`` = the table).

    With ``returning`` (SQL expressions), those expressions of the rows as written come back
    (SQLite ≥ 3.35, PostgreSQL). The rows' keys must be distinct: PostgreSQL refuses to
    update one row twice in a statement.
    """
    if not rows:
        return []
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    names = ", ".join(quote(column) for column in columns)
    sets = ", ".join(clause.format(t=table) for clause in set_clauses)
    tail = f"ON CONFLICT ({conflict}) DO UPDATE SET {sets}"
    if returning:
        tail += f" RETURNING {', '.join(returning)}"
    written: list[tuple[Any, ...]] = []
    with _raw_cursor() as cursor:
        for sql, values in _many_rows(f"INSERT INTO {table} ({names}) VALUES", rows, tail):
            cursor.execute(sql, values)
            if returning:
                written.extend(cursor.fetchall())
    return written


def _many_rows(
    head: str, rows: Sequence[tuple[Any, ...]], tail: str = ""
) -> Iterator[tuple[str, list[Any]]]:
    """``head VALUES-list tail`` statements of many rows each, with their values."""
    return many_rows.statements(
        head,
        rows,
        width=len(rows[0]),
        mark=_sql("%s"),
        parameter_limit=connection.features.max_query_params,
        tail=tail,
    )


def _stored(moment: datetime.datetime | str) -> Any:
    """A moment as the database stores it; SQLite's text from the log is that already."""
    if isinstance(moment, str):
        return moment
    return connection.ops.adapt_datetimefield_value(moment)


def _insert(model: type[Model], columns: Sequence[str], rows: list[tuple[Any, ...]]) -> None:
    if not rows:
        return
    quote = connection.ops.quote_name
    names = ", ".join(quote(column) for column in columns)
    with _raw_cursor() as cursor:
        head = f"INSERT INTO {quote(model._meta.db_table)} ({names}) VALUES"
        for sql, values in _many_rows(head, rows):
            cursor.execute(sql, values)


def _added(columns: Iterable[str]) -> list[str]:
    quote = connection.ops.quote_name
    return [f"{quote(c)} = {{t}}.{quote(c)} + excluded.{quote(c)}" for c in columns]


def _add_person_days(deltas: Deltas, stored: dict[Day, Any]) -> None:
    """Add the batch's person days; count in ``community_days`` the people who became
    contributors of a community that day (their row had no contribution before)."""
    quote = connection.ops.quote_name
    reached = quote("reached")
    # A row of a day after the latest one stored is new, so its contributor is a new one; only
    # the rows that may already be there come back to tell (a replay, in log order, brings
    # almost only new days: reading back every row cost more than writing it).
    latest = _latest_person_day()
    may_exist: list[tuple[Any, ...]] = []
    others: list[tuple[Any, ...]] = []
    community_days = deltas.community_days
    for (day, person, community), counts in deltas.person_days.items():
        row = (stored[day], person, community, *counts)
        if not counts[CONTRIBUTIONS] or community is None:
            others.append(row)
        elif latest is not None and day <= latest:
            may_exist.append(row)
        else:
            community_days[(community, day)][CD_CONTRIBUTORS] += 1
            others.append(row)
    # Not sorted: the keys were met in log order, so day by day already, and within a day
    # the pages written stay in the cache (sorting cost more than it saved).
    columns = ("day", "person_id", "community_id", "reached", *PERSON_DAY_COUNTERS)
    conflict = f"{quote('day')}, {quote('person_id')}, COALESCE({quote('community_id')}, 0)"
    sets = [
        f"{reached} = CASE WHEN excluded.{reached} THEN excluded.{reached} "
        f"ELSE {{t}}.{reached} END",
        *_added(PERSON_DAY_COUNTERS),
    ]
    _upsert(PersonDay, columns, conflict, sets, others)
    written = _upsert(
        PersonDay,
        columns,
        conflict,
        sets,
        may_exist,
        # SQLite's day as the text stored: the driver's converter to a date would run per row.
        returning=(
            f"CAST({quote('day')} AS TEXT)" if connection.vendor == "sqlite" else quote("day"),
            *(quote(column) for column in ("person_id", "community_id", "contributions")),
        ),
    )
    day_of = {value: day for day, value in stored.items()}
    for stored_day, person, community, contributions in written:
        day = day_of[stored_day]
        if contributions == deltas.person_days[(day, person, community)][CONTRIBUTIONS]:
            community_days[(community, day)][CD_CONTRIBUTORS] += 1


def _latest_person_day() -> Day | None:
    """The latest day of PersonDay (its unique key starts with the day: one index look-up)."""
    quote = connection.ops.quote_name
    with _raw_cursor() as cursor:
        cursor.execute(f"SELECT MAX({quote('day')}) FROM {quote(PersonDay._meta.db_table)}")
        (latest,) = cursor.fetchone()
    if latest is None or isinstance(latest, datetime.date):
        return latest
    return datetime.date.fromisoformat(latest)


def _add_interactions(
    deltas: Deltas, stored: dict[Day, Any], *, first_interactions: bool = True
) -> None:
    quote = connection.ops.quote_name
    _upsert(
        Interaction,
        ("day", "source_id", "target_id", "community_id", "kind", "count"),
        f"{quote('day')}, {quote('source_id')}, {quote('target_id')}, "
        f"COALESCE({quote('community_id')}, 0), {quote('kind')}",
        _added(["count"]),
        [
            (stored[day], source, target, community, kind, count)
            for (day, source, target, community, kind), count in deltas.interactions.items()
        ],
    )
    if not first_interactions:
        return
    first = quote("first_day")
    _upsert(
        FirstInteraction,
        ("person_low_id", "person_high_id", "first_day"),
        f"{quote('person_low_id')}, {quote('person_high_id')}",
        # Only when the day moves earlier: in a log read in time order almost no pair's does,
        # and a conflict that changes nothing then writes nothing.
        [f"{first} = excluded.{first} WHERE excluded.{first} < {{t}}.{first}"],
        [(low, high, stored[day]) for (low, high), day in deltas.first_pairs.items()],
    )


def _add_community_days(deltas: Deltas, stored: dict[Day, Any]) -> None:
    """After ``_add_person_days``, which counted the new contributors."""
    quote = connection.ops.quote_name
    _upsert(
        CommunityDay,
        ("community_id", "day", *COMMUNITY_DAY_COUNTERS),
        f"{quote('community_id')}, {quote('day')}",
        _added(COMMUNITY_DAY_COUNTERS),
        [
            (community, stored[day], *counts)
            for (community, day), counts in deltas.community_days.items()
        ],
    )


def _apply_threads(deltas: Deltas) -> None:
    _insert(
        Thread,
        ("post_id", "community_id", "author_id", "created_at", "type", "deleted", "hidden"),
        [
            (post, community, author, _stored(at), type, False, False)
            for post, community, author, at, type in deltas.threads
        ],
    )
    _insert(
        ThreadResponse,
        ("comment_id", "post_id", "author_id", "at", "deleted", "hidden"),
        [
            (comment, post, author, _stored(at), False, False)
            for comment, post, author, at in deltas.responses
        ],
    )
    for post_id, (comment_id, at) in deltas.accepted.items():
        Thread.objects.filter(post_id=post_id).update(
            accepted_at=at, accepted_comment_id=comment_id
        )
    if deltas.deleted_comments:
        # A deleted comment can no longer be accepted, so clearing after accepting is right.
        for chunk in _chunks(list(deltas.deleted_comments), IN_CHUNK):
            ThreadResponse.objects.filter(comment_id__in=chunk).update(deleted=True)
            Thread.objects.filter(accepted_comment_id__in=chunk).update(
                accepted_at=None, accepted_comment_id=None
            )
    for chunk in _chunks(sorted(deltas.deleted_posts), IN_CHUNK):
        Thread.objects.filter(post_id__in=chunk).update(deleted=True)
    for value in (True, False):
        posts = sorted(post for post, hidden in deltas.hidden.items() if hidden is value)
        for chunk in _chunks(posts, IN_CHUNK):
            Thread.objects.filter(post_id__in=chunk).update(hidden=value)
        comments = sorted(
            c for c, (hidden, _post) in deltas.hidden_comments.items() if hidden is value
        )
        for chunk in _chunks(comments, IN_CHUNK):
            ThreadResponse.objects.filter(comment_id__in=chunk).update(hidden=value)
    # Posts whose responses were deleted, hidden or restored: their first response is looked
    # for again among all their responses. A post that only gained responses needs no such
    # search: its first response is the earlier of the one it had and the batch's first.
    recompute = {post for post in deltas.deleted_comments.values() if post is not None}
    recompute.update(post for _h, post in deltas.hidden_comments.values() if post is not None)
    earliest: dict[int, tuple[Any, int, int]] = {}  # post: (at, comment, author)
    for comment, post, author, moment in deltas.responses:
        if post in recompute:
            continue
        known = earliest.get(post)
        if known is None or (moment, comment) < known[:2]:
            earliest[post] = (moment, comment, author)
    if not earliest and not recompute:
        return  # most of the consumer's small batches after a request
    quote = connection.ops.quote_name
    table, post_column = quote(Thread._meta.db_table), quote("post_id")
    at_column, responder = quote("first_response_at"), quote("first_responder_id")
    candidates = [(_stored(at), author, post) for post, (at, _c, author) in earliest.items()]
    search = _first_response_search()
    with _raw_cursor() as cursor:
        cursor.executemany(
            _sql(
                f"UPDATE {table} SET {at_column} = %s, {responder} = %s WHERE {post_column} = %s "
                f"AND ({at_column} IS NULL OR {at_column} > %s)"
            ),
            [(at, author, post, at) for at, author, post in candidates],
        )
        # At the very moment of the first response known, the comments' ids decide, and the
        # thread does not keep its first response's: that post's is looked for again.
        cursor.executemany(
            _sql(f"{search} WHERE {post_column} = %s AND {at_column} = %s"),
            [(post, at) for at, _author, post in candidates],
        )
        for chunk in _chunks(sorted(recompute), IN_CHUNK):
            marks = ", ".join(["%s"] * len(chunk))
            cursor.execute(_sql(f"{search} WHERE {post_column} IN ({marks})"), list(chunk))


def _first_response_search() -> str:
    """``UPDATE`` of threads' first response, looked for among all their responses (the
    earliest neither deleted nor hidden; the lower id at the same moment); add the WHERE."""
    quote = connection.ops.quote_name
    thread = quote(Thread._meta.db_table)
    responses = quote(ThreadResponse._meta.db_table)
    post = quote("post_id")
    first = (
        f"FROM {responses} WHERE {responses}.{post} = {thread}.{post} "
        f"AND NOT {responses}.{quote('deleted')} AND NOT {responses}.{quote('hidden')} "
        f"ORDER BY {responses}.{quote('at')}, {responses}.{quote('comment_id')} LIMIT 1"
    )
    return (
        f"UPDATE {thread} SET {quote('first_response_at')} = (SELECT {quote('at')} {first}), "
        f"{quote('first_responder_id')} = (SELECT {quote('author_id')} {first})"
    )


class _Span:
    """An open span of a batch: its row id (None until written), key, role and days."""

    __slots__ = ("end", "key", "pk", "role", "start")

    def __init__(self, pk: int | None, key: Any, role: str, start: Day) -> None:
        self.pk, self.key, self.role, self.start = pk, key, role, start
        self.end: Day | None = None


class _Spans[K]:
    """Open spans of a batch's keys, changed in memory, then written back in bulk.

    Plain rows rather than model instances: in a replay the onboarding weeks bring tens of
    thousands of joins, and building and saving them through the ORM cost more than the
    rest of their batch.
    """

    def __init__(
        self, model: type[Model], key_columns: Sequence[str], start: str, end: str
    ) -> None:
        quote = connection.ops.quote_name
        self.table = quote(model._meta.db_table)
        self.key_names = [quote(column) for column in key_columns]
        self.key_columns = ", ".join(self.key_names)
        self.width = len(key_columns)
        self.start, self.end = quote(start), quote(end)
        self.open: dict[K, _Span] = {}
        self.new: dict[int, _Span] = {}
        self.changed: dict[int, _Span] = {}
        self.dropped: set[int] = set()

    def load(self, keys: Sequence[K]) -> None:
        """Read the open spans of ``keys``: people, or (community, person) pairs, which the
        partial index of the open spans finds directly when joined with the pairs (SQLite
        scans the whole table for ``(a, b) IN (VALUES …)``)."""
        table, width = self.table, self.width
        columns = ", ".join(f"{table}.{name}" for name in self.key_names)
        select = f"SELECT {table}.id, {columns}, {table}.role, {table}.{self.start}"
        with _raw_cursor() as cursor:
            for chunk in _chunks(keys, IN_CHUNK // width):
                if width == 1:
                    marks = ", ".join(["%s"] * len(chunk))
                    sql = f"{select} FROM {table} WHERE {self.key_columns} IN ({marks})"
                    values: list[Any] = list(chunk)
                else:
                    row = "(" + ", ".join(["%s"] * width) + ")"
                    matching = " AND ".join(
                        f"{table}.{name} = wanted.column{n}"
                        for n, name in enumerate(self.key_names, start=1)
                    )
                    sql = (
                        f"{select} FROM (VALUES {', '.join([row] * len(chunk))}) AS wanted "
                        f"JOIN {table} ON {matching}"
                    )
                    values = list(chain.from_iterable(cast(Sequence[tuple[Any, ...]], chunk)))
                cursor.execute(_sql(f"{sql} AND {table}.{self.end} IS NULL"), values)
                for pk, *key_values, role, start in cursor.fetchall():
                    key: Any = tuple(key_values) if width > 1 else key_values[0]
                    if not isinstance(start, datetime.date):
                        start = datetime.date.fromisoformat(start)
                    self.open[key] = _Span(pk, key, role, start)

    def role(self, key: K) -> str | None:
        span = self.open.get(key)
        return span.role if span is not None else None

    def close(self, key: K, day: Day) -> bool:
        """End the open span of ``key`` on ``day``; False if there was none."""
        span = self.open.pop(key, None)
        if span is None:
            return False
        if day <= span.start:  # never open a whole day: not kept
            if span.pk is None:
                self.new.pop(id(span), None)
            else:
                self.changed.pop(span.pk, None)
                self.dropped.add(span.pk)
            return True
        span.end = day
        if span.pk is not None:
            self.changed[span.pk] = span
        return True

    def open_with(self, key: K, role: str, day: Day) -> None:
        span = self.open.get(key)
        if span is not None:
            if span.role == role:
                return
            self.close(key, day)
        span = _Span(None, key, role, day)
        self.open[key] = span
        self.new[id(span)] = span

    def save(self) -> None:
        adapt = connection.ops.adapt_datefield_value
        with _raw_cursor() as cursor:
            if self.dropped:
                cursor.executemany(
                    _sql(f"DELETE FROM {self.table} WHERE id = %s"),
                    [(pk,) for pk in sorted(self.dropped)],
                )
            if self.changed:
                cursor.executemany(
                    _sql(f"UPDATE {self.table} SET {self.end} = %s WHERE id = %s"),
                    [(adapt(span.end), pk) for pk, span in self.changed.items()],
                )
            if self.new:
                head = (
                    f"INSERT INTO {self.table} ({self.key_columns}, role, {self.start}, "
                    f"{self.end}) VALUES"
                )
                rows = [
                    (
                        *(span.key if self.width > 1 else (span.key,)),
                        span.role,
                        adapt(span.start),
                        adapt(span.end),
                    )
                    for span in self.new.values()
                ]
                for sql, values in _many_rows(head, rows):
                    cursor.execute(sql, values)


def _apply_memberships(deltas: Deltas) -> None:
    ops = deltas.membership_ops
    if not ops:
        return
    keys: set[tuple[int, int]] = set()
    for _verb, community, person, other, _day in ops:
        keys.add((community, person))
        if isinstance(other, int):
            keys.add((community, other))
    spans = _Spans[tuple[int, int]](MembershipSpan, ("community_id", "person_id"), "start", "end")
    spans.load(sorted(keys))
    for verb, community, person, other, day in ops:
        key = (community, person)
        if verb == "join":
            spans.open_with(key, other, day)
        elif verb == "leave":
            if spans.close(key, day):
                deltas.community_days[(community, day)][CD_DEPARTURES] += 1
        elif verb == "extend":
            if spans.role(key) is None:
                spans.open_with(key, other, day)
        elif verb == "transfer":
            # The new owner becomes owner; the actor, if an owner, stays on as an animator.
            spans.open_with(key, "owner", day)
            if (
                isinstance(other, int)
                and other != person
                and spans.role((community, other)) == ("owner")
            ):
                spans.open_with((community, other), "animator", day)
    spans.save()


class _State:
    """The consumer's memory of one person (a ``PersonState`` row)."""

    __slots__ = ("active", "manager_id", "org_unit_id", "role")

    def __init__(
        self, role: str, active: bool, org_unit_id: int | None, manager_id: int | None
    ) -> None:
        self.role, self.active = role, active
        self.org_unit_id, self.manager_id = org_unit_id, manager_id


def _apply_history_starts(deltas: Deltas) -> None:
    """Move each person's first role span and first org unit back to where their imported
    history starts, when it starts earlier: the role and unit they arrived with are the best
    knowledge of what they were before."""
    if not deltas.history_starts:
        return
    quote = connection.ops.quote_name
    roles = quote(PersonRoleSpan._meta.db_table)
    units = quote(PersonUnit._meta.db_table)
    adapt = connection.ops.adapt_datefield_value
    with _raw_cursor() as cursor:
        for person, day in sorted(deltas.history_starts.items()):
            start = adapt(day)
            cursor.execute(
                _sql(
                    f"UPDATE {roles} SET since = %s WHERE id = (SELECT id FROM {roles} "
                    "WHERE person_id = %s ORDER BY since, id LIMIT 1) AND since > %s"
                ),
                [start, person, start],
            )
            cursor.execute(
                _sql(
                    f"SELECT since, org_unit_id, manager_id FROM {units} WHERE person_id = %s "
                    "ORDER BY since LIMIT 1"
                ),
                [person],
            )
            first = cursor.fetchone()
            if first is None:
                continue
            since, unit, manager = first
            if not isinstance(since, datetime.date):
                since = datetime.date.fromisoformat(since)
            if since > day:
                cursor.execute(
                    _sql(
                        f"INSERT INTO {units} (person_id, since, org_unit_id, manager_id) "
                        "VALUES (%s, %s, %s, %s)"
                    ),
                    [person, start, unit, manager],
                )


def _apply_people(deltas: Deltas) -> None:
    ops = deltas.person_ops
    if not ops:
        return
    quote = connection.ops.quote_name
    people = sorted({person for _verb, person, _payload, _day in ops})
    states: dict[int, _State] = {}
    with _raw_cursor() as cursor:
        for chunk in _chunks(people, IN_CHUNK):
            marks = ", ".join(["%s"] * len(chunk))
            cursor.execute(
                _sql(
                    "SELECT person_id, role, active, org_unit_id, manager_id "
                    f"FROM {quote(PersonState._meta.db_table)} WHERE person_id IN ({marks})"
                ),
                list(chunk),
            )
            for person, role, active, unit, manager in cursor.fetchall():
                states[person] = _State(role, bool(active), unit, manager)
    spans = _Spans[int](PersonRoleSpan, ("person_id",), "since", "until")
    spans.load(people)
    units: dict[tuple[int, Day], tuple[int | None, int | None]] = {}
    for verb, person, payload, day in ops:
        state = states.get(person)
        if state is None:
            state = states[person] = _State("", True, None, None)
        if verb == "user.created":
            state.role, state.active = str(payload.get("role", "")), True
            spans.open_with(person, state.role, day)
        elif verb == "user.role_changed":
            if not state.role:
                state.role = str(payload.get("from", ""))
            state.role = str(payload.get("to", state.role))
            if state.active:
                spans.open_with(person, state.role, day)
        elif verb == "user.deactivated":
            spans.close(person, day)
            state.active = False
        elif verb == "user.reactivated":
            if not state.active:
                state.active = True
                if state.role:
                    spans.open_with(person, state.role, day)
        elif verb == "profile.updated":
            if "org_unit_id" not in payload and "manager_id" not in payload:
                continue
            state.org_unit_id = payload.get("org_unit_id", state.org_unit_id)
            state.manager_id = payload.get("manager_id", state.manager_id)
            units[(person, day)] = (state.org_unit_id, state.manager_id)
    spans.save()
    replaced = [f"{quote(c)} = excluded.{quote(c)}" for c in ("org_unit_id", "manager_id")]
    _upsert(
        PersonState,
        ("person_id", "role", "active", "org_unit_id", "manager_id"),
        quote("person_id"),
        [f"{quote(c)} = excluded.{quote(c)}" for c in ("role", "active")] + replaced,
        [
            (person, state.role, state.active, state.org_unit_id, state.manager_id)
            for person, state in states.items()
        ],
    )
    adapt = connection.ops.adapt_datefield_value
    _upsert(
        PersonUnit,
        ("person_id", "since", "org_unit_id", "manager_id"),
        f"{quote('person_id')}, {quote('since')}",
        replaced,
        [(person, adapt(day), unit, manager) for (person, day), (unit, manager) in units.items()],
    )


def _chunks[T](items: Sequence[T], size: int) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


# ---------------------------------------------------------------- running


@dataclass
class Batch:
    """Events read and folded: what ``write_batch`` needs, and where in the log they lie."""

    after: int  # the position they follow
    last: int  # the id of the last one
    size: int
    deltas: Deltas


def read_batch(after: int, batch_size: int, *, whole_days: bool = False) -> Batch | None:
    """The events after ``after``, folded; None when there is none yet.

    ``whole_days`` (a replay): a full batch stops before the events of its last local day,
    which then start the next one. A day split between two batches writes each of its keys
    twice, the second time through a conflict (an update in place) instead of an append."""
    rows = _read(after, batch_size)
    if not rows:
        return None
    if whole_days and len(rows) == batch_size:
        rows = _whole_days(rows)
    return Batch(after=after, last=rows[-1][0], size=len(rows), deltas=fold(rows))


def _whole_days(rows: list[Row]) -> list[Row]:
    """``rows`` without the trailing ones of the last row's local day (all of them if they
    are all of one day)."""
    day_of = _Moments().day
    last_day = day_of(rows[-1][1])
    end = len(rows) - 1
    while end > 0 and day_of(rows[end - 1][1]) == last_day:
        end -= 1
    return rows[:end] if end else rows


def consume_batch(*, batch_size: int = BATCH_SIZE, replaying: bool = False) -> int:
    """Handle the next batch, if any: deltas and position in one transaction. Returns its size.

    ``replaying``: part of ``rebuild``'s replay, which leaves ``FirstInteraction`` to its
    end and cuts its batches at day boundaries. Otherwise a derivation still pending (a
    replay that died before its end) is made first."""
    with transaction.atomic(), collector.paused():
        position, first_pending = _locked_position()
        if first_pending and not replaying:
            derive_first_interactions()
            first_pending = False
        batch = read_batch(position.last_event_id, batch_size, whole_days=replaying)
        if batch is None:
            return 0
        _write(batch, position, first_pending=first_pending)
    return batch.size


def write_batch(batch: Batch) -> bool:
    """Write a batch that was read and folded elsewhere (the replay's reading process), in
    one transaction with the position; False, writing nothing, if the position is no longer
    the one the batch follows (another consumer ran meanwhile)."""
    with transaction.atomic(), collector.paused():
        position, first_pending = _locked_position()
        if position.last_event_id != batch.after:
            return False
        _write(batch, position, first_pending=first_pending)
    return True


def _write(batch: Batch, position: ConsumerPosition, *, first_pending: bool) -> None:
    apply(batch.deltas, first_interactions=not first_pending)
    ConsumerPosition.objects.filter(pk=position.pk).update(last_event_id=batch.last)


def _locked_position() -> tuple[ConsumerPosition, bool]:
    """The consumer's position, locked, and whether ``FirstInteraction`` awaits its
    derivation (both rows in one query: a batch costs no statement more)."""
    rows = list(
        ConsumerPosition.objects.select_for_update().filter(
            consumer__in=(CONSUMER, FIRST_INTERACTIONS_PENDING)
        )
    )
    pending = any(row.consumer == FIRST_INTERACTIONS_PENDING for row in rows)
    position = next((row for row in rows if row.consumer == CONSUMER), None)
    if position is None:
        position, _created = ConsumerPosition.objects.get_or_create(consumer=CONSUMER)
        position = ConsumerPosition.objects.select_for_update().get(pk=position.pk)
    return position, pending


# While this row exists (a ``ConsumerPosition`` by its name only), ``FirstInteraction`` is
# behind ``Interaction``: ``rebuild`` sets it, replays without writing the pairs, and derives
# them at the end; a replay that died before leaves it for the next batch to derive first.
FIRST_INTERACTIONS_PENDING = "analytics.first_interactions_pending"


def derive_first_interactions() -> None:
    """``FirstInteraction`` from ``Interaction``: each pair's earliest day, either direction.

    Exactly what the batches write pair by pair (every interaction ``fold`` counts is also
    its pair's first-day candidate, on the same day), in one grouped statement: a replay
    that leaves the pairs to this saves a b-tree look-up at a random place per pair and per
    batch (about a tenth of a replay; the statement takes ~20 s at 7,700,000 interactions).
    Call inside the transaction that holds the position."""
    quote = connection.ops.quote_name
    table = quote(FirstInteraction._meta.db_table)
    low, high, first = quote("person_low_id"), quote("person_high_id"), quote("first_day")
    source, target = quote("source_id"), quote("target_id")
    least, greatest = ("MIN", "MAX") if connection.vendor == "sqlite" else ("LEAST", "GREATEST")
    with _raw_cursor() as cursor:
        # ``WHERE 1 = 1``: SQLite reads an ON right after ``FROM table`` as a join's.
        cursor.execute(
            f"INSERT INTO {table} ({low}, {high}, {first}) "
            f"SELECT {least}({source}, {target}), {greatest}({source}, {target}), "
            f"MIN({quote('day')}) FROM {quote(Interaction._meta.db_table)} WHERE 1 = 1 "
            f"GROUP BY 1, 2 ON CONFLICT ({low}, {high}) DO UPDATE SET {first} = "
            f"excluded.{first} WHERE excluded.{first} < {table}.{first}"
        )
    ConsumerPosition.objects.filter(consumer=FIRST_INTERACTIONS_PENDING).delete()


def consume(
    *,
    batch_size: int = BATCH_SIZE,
    on_batch: Callable[[int], object] | None = None,
    limit: int | None = None,
    replaying: bool = False,
) -> int:
    """Catch up with the log (at most about ``limit`` events). Returns how many were handled."""
    total = 0
    while limit is None or total < limit:
        handled = consume_batch(batch_size=batch_size, replaying=replaying)
        if not handled:
            break
        total += handled
        if on_batch is not None:
            on_batch(handled)
    return total


# What one run after a request's commit handles at most: a request never replays a long
# backlog (after an upgrade, say); ``rucher consume --loop`` or ``rucher analytics rebuild``
# does, and the next runs go on from there.
RUN_LIMIT = 20_000


def consume_some() -> int:
    """The registered consumer: catch up, by at most ``RUN_LIMIT`` events."""
    return consume(limit=RUN_LIMIT)


def wipe() -> None:
    """Empty every rollup table and forget the position (one transaction)."""
    with transaction.atomic():
        for model in ROLLUP_MODELS:
            model._default_manager.all().delete()
        events.reset(consumer=CONSUMER)


# Indexes that only readers need: ``rebuild`` builds them once at the end, which is much
# cheaper than keeping them up to date row by row through a whole replay. (Unique keys stay:
# the upserts need them; so do the indexes the consumer itself reads through.)
DEFERRED_INDEX_MODELS: tuple[type[Model], ...] = (
    PersonDay,
    Interaction,
    FirstInteraction,
    Thread,
    CommunityDay,
)


def drop_reader_indexes() -> None:
    deferred_indexes.set_aside(DEFERRED_INDEX_MODELS, declared_only=True)


def restore_reader_indexes() -> None:
    """Create the readers' indexes that are missing (after a rebuild, even an interrupted one)."""
    deferred_indexes.build_missing(DEFERRED_INDEX_MODELS, declared_only=True)


def missing_reader_indexes() -> list[str]:
    return [
        index.name for index in deferred_indexes.missing(DEFERRED_INDEX_MODELS, declared_only=True)
    ]


def restore_abandoned_indexes() -> list[str]:
    """Build the readers' indexes that a rebuild dropped and could not build again (it was
    killed, or the machine stopped), unless a rebuild is running; their names. The worker
    runs this every ten minutes (``apps``)."""
    with _sqlite_tuned(SQLITE_INDEX_PRAGMAS):
        return deferred_indexes.restore_abandoned(
            process_lock.REBUILD,
            DEFERRED_INDEX_MODELS,
            declared_only=True,
            left_by="an analytics rebuild",
        )


class Replay(NamedTuple):
    handled: int  # events
    seconds: float
    from_second_process: int  # events of ``handled`` read and folded by the second process


# Seconds a rebuild waits for the lock before it is refused.
REBUILD_LOCK_WAIT = 60.0


class RebuildRunning(Exception):
    """Another rebuild holds the lock (``core.process_lock``)."""


def rebuild(
    *,
    progress: SupportsWrite | None = None,
    batch_size: int = REBUILD_BATCH_SIZE,
    second_process: bool | None = None,
) -> Replay:
    """Wipe the rollups and replay the whole log.

    ``progress``: where to show progress, None for silence. ``second_process``: read and
    fold the log in a second process while this one writes (``reader_process``); None: when
    ``reader_process.available()``. Either way the result is the same tables.
    ``RebuildRunning`` when another rebuild runs: two would wipe each other's work.
    """
    # The periodic job holds the lock a moment too (seconds when it builds indexes again).
    with process_lock.REBUILD.taken(wait=REBUILD_LOCK_WAIT) as no_rebuild_running:
        if not no_rebuild_running:
            raise RebuildRunning("another rebuild of the analytics is running")
        return _rebuild(progress, batch_size, second_process)


def _rebuild(
    progress: SupportsWrite | None, batch_size: int, second_process: bool | None
) -> Replay:
    started = time.perf_counter()
    wipe()
    ConsumerPosition.objects.get_or_create(consumer=FIRST_INTERACTIONS_PENDING)
    if second_process is None:
        second_process = reader_process.available()
    drop_reader_indexes()
    try:
        with _sqlite_tuned(), reporter(Event.objects.count(), "events", progress) as bar:
            read_apart = 0
            if second_process:
                read_apart = _replay_from_a_second_process(batch_size, bar.advance)
            # The whole replay, or what is left if another consumer ran meanwhile.
            handled = consume(batch_size=batch_size, on_batch=bar.advance, replaying=True)
            with transaction.atomic():
                if _locked_position()[1]:  # unless a batch of the worker's did it meanwhile
                    derive_first_interactions()
    finally:
        with _sqlite_tuned(SQLITE_INDEX_PRAGMAS):
            restore_reader_indexes()
    return Replay(read_apart + handled, time.perf_counter() - started, read_apart)


def _replay_from_a_second_process(batch_size: int, on_batch: Callable[[int], object]) -> int:
    handled = 0
    with transaction.atomic():
        after = _locked_position()[0].last_event_id
    # Unpickling a batch builds as many containers as folding it did (see the context).
    with collector.paused(), reader_process.reader(after, batch_size) as reader:
        for batch in reader:
            if not write_batch(batch):
                break  # someone else moved the position: the caller goes on from there
            handled += batch.size
            on_batch(batch.size)
    return handled


@contextmanager
def _sqlite_tuned(pragmas: dict[str, int] = SQLITE_REBUILD_PRAGMAS) -> Iterator[None]:
    if connection.vendor != "sqlite":
        yield
        return
    before: dict[str, int] = {}
    with connection.cursor() as cursor:
        for name, value in pragmas.items():
            cursor.execute(f"PRAGMA {name}")
            before[name] = int(cursor.fetchone()[0])
            cursor.execute(f"PRAGMA {name} = {int(value)}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            for name, value in before.items():
                cursor.execute(f"PRAGMA {name} = {int(value)}")


@dataclass(frozen=True)
class Status:
    position: int
    last_event: int
    pending: int
    lag: datetime.timedelta | None  # how long ago the oldest pending event was recorded
    counts: dict[str, int]


def status() -> Status:
    position = (
        ConsumerPosition.objects.filter(consumer=CONSUMER)
        .values_list("last_event_id", flat=True)
        .first()
        or 0
    )
    last = Event.objects.order_by("-id").values_list("id", flat=True).first() or 0
    pending = Event.objects.filter(id__gt=position)
    oldest = pending.order_by("id").values_list("recorded_at", flat=True).first()
    return Status(
        position=position,
        last_event=last,
        pending=pending.count(),
        lag=timezone.now() - oldest if oldest is not None else None,
        counts={
            model._meta.model_name or "": model._default_manager.count() for model in ROLLUP_MODELS
        },
    )

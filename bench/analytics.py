"""The analytics scenario: a year of events, the rollups rebuilt from them, the insights pages.

    python -m bench analytics [--events 1000000] [--people 10000] [--communities 1000]
                              [--repeat 5] [--seed 2024] [--note "..."] [--no-record]

People (``bulk_create``), an org tree (through ``org_unit_create``) and communities are
created, then ``--events`` ``core.models.Event`` rows are written with raw ``executemany``,
built by ``rucher.exchange.events`` (the very events the services record: ``user.created``,
``profile.updated`` with ``org_unit_id``, ``community.created``, ``membership.joined``,
``post.created``, ``comment.created`` with ``post_author_id``, ``reaction.added`` with
``item_author_id``, ``user.present``), in time order, over the last 365 days. Then:

- (a) ``rucher.analytics.rollups.rebuild``: ingest rate in events per second;
- ``rucher.analytics.lifecycle.compute_stages`` for the year (the weekly stages the pages read);
- (b) ``rucher.analytics.selectors.network_dashboard`` and ``community_insights`` (the busiest
  community) for the page's default period (28 days) and for the whole year, each beside

  * a naive recomputation of headline numbers of the same page from the raw events with
    pandas, as a notebook does it: ``read_sql`` of the whole log, ``json_normalize`` of the
    payloads, then filters, ``groupby`` and ``nunique``;
  * raw SQL queries over ``core_event`` (SQLite, ``json_extract``) returning the same numbers;
  * DuckDB queries returning the same numbers over a copy of the raw log loaded into DuckDB
    (its SQLite reader is an extension it downloads, unavailable offline): the load, once, is
    timed apart from the queries;

  the numbers of the four paths are compared. Peak Python memory (``tracemalloc``, one extra
  untimed run) of each path (DuckDB's and SQLite's own memory is not traced), and the
  process's peak resident size after each phase.

A throwaway SQLite database file, like ``python -m bench``; a dated section is appended to
BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import cProfile
import datetime
import io
import json
import os
import pstats
import random
import resource
import sqlite3
import sys
import tempfile
import time
import tracemalloc
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.machine import Machine, describe
from bench.timing import Timing, measure

REPOSITORY = Path(__file__).resolve().parent.parent
DAYS = 365
INGEST_TARGET = 50_000  # events per second
SPEEDUP_TARGET = 10.0  # dashboards against the naive path
# Shares of the activity events (the rest of the log is people, units, communities, joins).
MIX = (
    ("user.present", 0.25),
    ("post.created", 0.07),
    ("comment.created", 0.20),
    ("reaction.added", 0.46),
    ("membership.joined", 0.015),
    ("profile.updated", 0.005),
)


@dataclass
class Log:
    people: int
    communities: int
    units: int = 0
    events: int = 0
    verbs: Counter[str] = field(default_factory=Counter)
    seconds: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class Page:
    label: str
    selector: Timing
    naive: Timing
    sql: Timing
    duckdb: Timing
    duckdb_load_ms: float
    memory: dict[str, float]  # MiB, tracemalloc peak per path
    numbers: dict[str, tuple[Any, ...]]  # name: (pages' rollups, pandas, SQL, DuckDB)

    @property
    def speedup(self) -> float:
        return self.naive.median_ms / self.selector.median_ms if self.selector.median_ms else 0

    @property
    def cpu_speedup(self) -> float:
        """On processor time, which other jobs on a shared machine disturb less: the verdict."""
        page, naive = self.selector.cpu_median_ms, self.naive.cpu_median_ms
        return naive / page if page else 0


@dataclass(frozen=True)
class Results:
    log: Log
    seed: int
    repeat: int
    database: str
    django: str
    ingest_events: int
    ingest_seconds: float
    ingest_cpu: float  # both processes when a second one reads and folds
    ingest_second_process: int  # events read and folded by the second process
    batch_size: int
    stages_seconds: float
    stages_rows: int
    community: str
    pages: list[Page]
    rss_mib: dict[str, float]
    profile: str = ""
    note: str = ""

    @property
    def ingest_rate(self) -> float:
        return self.ingest_events / self.ingest_seconds if self.ingest_seconds else 0.0

    @property
    def ingest_cpu_rate(self) -> float:
        """Events per processor second, both processes counted."""
        return self.ingest_events / self.ingest_cpu if self.ingest_cpu else 0.0


def parse_arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench analytics", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--people", type=int, default=10_000)
    parser.add_argument("--communities", type=int, default=1_000)
    parser.add_argument(
        "--batch-size", type=int, default=None, help="rebuild's batch (default: rebuild's)"
    )
    parser.add_argument("--repeat", type=int, default=3, help="timed runs of pages and SQL")
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--note", default="", help="what changed (goes in the section)")
    parser.add_argument("--no-record", action="store_true", help="do not append to BENCHMARKS.md")
    parser.add_argument("--output", type=Path, default=REPOSITORY / "BENCHMARKS.md")
    arguments = parser.parse_args(argv)
    if arguments.repeat < 1 or arguments.people < 10 or arguments.communities < 1:
        parser.error("--repeat ≥ 1, --people ≥ 10, --communities ≥ 1")
    return arguments


def main(argv: list[str] | None = None) -> None:
    arguments = parse_arguments(argv)
    machine = describe(REPOSITORY)
    with tempfile.TemporaryDirectory(prefix="rucher-bench-analytics-") as data_dir:
        from bench.run import _prepare_environment

        _prepare_environment(Path(data_dir))
        results = run(arguments)
    print()
    print(format_table(results))
    if not arguments.no_record:
        from bench.run import record

        record(arguments.output, markdown_section(results, machine))
        print(f"\nAppended to {arguments.output}.")


def _children_cpu() -> float:
    """Processor seconds of the ended child processes (the replay's reading process)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


def run(arguments: argparse.Namespace) -> Results:
    import django
    from django.core.management import call_command
    from django.utils import timezone

    from rucher.analytics import lifecycle, rollups

    print(f"Migrating a fresh SQLite database in {os.environ['RUCHER_DATA_DIR']}…")
    call_command("migrate", verbosity=0, interactive=False)
    log = Log(people=arguments.people, communities=arguments.communities)
    rss: dict[str, float] = {}
    generate(log, events=arguments.events, rng=random.Random(arguments.seed))
    rss["after generating the log"] = _rss_mib()

    batch_size = arguments.batch_size or rollups.REBUILD_BATCH_SIZE
    print(f"Rebuilding the rollups from {log.events} events (batch {batch_size})…")
    cpu, children = time.process_time(), _children_cpu()
    handled, seconds, second_process = rollups.rebuild(progress=sys.stderr, batch_size=batch_size)
    ingest_cpu = time.process_time() - cpu + _children_cpu() - children
    rss["after the rebuild"] = _rss_mib()
    profile = ""
    if handled / seconds < INGEST_TARGET:
        profile = _profile_ingest(batch_size)

    print("Computing the weekly lifecycle stages for the year…")
    started = time.perf_counter()
    stages = lifecycle.compute_stages(timezone.localdate())
    stages_seconds = time.perf_counter() - started

    end = timezone.localdate()
    community_id, community_name = _busiest_community(end)
    viewer = _viewer()
    pages: list[Page] = []
    print("Loading the raw log into DuckDB (once, for both pages)…")
    started = time.perf_counter()
    duck_log = _duckdb_log()
    duck_load_ms = (time.perf_counter() - started) * 1000
    for days in (28,):  # the pages' default period
        start = end - datetime.timedelta(days=days - 1)
        print(f"Timing the pages over {days} days ({arguments.repeat} runs each)…")
        pages.append(
            _network_page(viewer, start, end, days, arguments.repeat, duck_log, duck_load_ms)
        )
        pages.append(
            _community_page(
                community_id, start, end, days, arguments.repeat, duck_log, duck_load_ms
            )
        )
    rss["at the end"] = _rss_mib()
    return Results(
        log=log,
        seed=arguments.seed,
        repeat=arguments.repeat,
        database=f"SQLite {sqlite3.sqlite_version} (WAL), temporary file",
        django=django.get_version(),
        ingest_events=handled,
        ingest_seconds=seconds,
        ingest_cpu=ingest_cpu,
        ingest_second_process=second_process,
        batch_size=batch_size,
        stages_seconds=stages_seconds,
        stages_rows=stages,
        community=community_name,
        pages=pages,
        rss_mib=rss,
        profile=profile,
        note=arguments.note,
    )


# ---------------------------------------------------------------- generation


def _stamp(moment: datetime.datetime) -> str:
    """How Django stores an aware datetime in SQLite: naive UTC text (``isoformat`` writes the
    same as ``strftime("%Y-%m-%d %H:%M:%S.%f")`` in a fifth of the time)."""
    return moment.astimezone(datetime.UTC).replace(tzinfo=None).isoformat(" ", "microseconds")


def generate(log: Log, *, events: int, rng: random.Random) -> None:
    from django.contrib.auth.hashers import make_password
    from django.db import transaction
    from django.utils import timezone

    from bench.feeds import _insert
    from rucher.accounts.models import Profile, User
    from rucher.accounts.services import org_unit_create
    from rucher.communities.models import Community, CommunityKind
    from rucher.core.models import Event

    now = timezone.now()
    begin = now - datetime.timedelta(days=DAYS)
    phase = time.perf_counter()
    with transaction.atomic():
        company = org_unit_create(actor=None, name="Bench company", kind="company")
        teams: list[int] = []
        for d in range(6):
            division = org_unit_create(
                actor=None, name=f"Division {d}", kind="division", parent_id=company.pk
            )
            for p in range(5):
                department = org_unit_create(
                    actor=None, name=f"Department {d}.{p}", kind="department", parent_id=division.pk
                )
                for t in range(5):
                    team = org_unit_create(
                        actor=None, name=f"Team {d}.{p}.{t}", kind="team", parent_id=department.pk
                    )
                    teams.append(team.pk)
        log.units = 1 + 6 + 30 + len(teams)
        password = make_password(None)
        roles = ["employee"] * 96 + ["guest"] * 3 + ["project_team"]
        User.objects.bulk_create(
            (
                User(
                    email=f"person{i}@bench.example",
                    display_name=f"Person {i}",
                    password=password,
                    role="admin" if i == 0 else roles[i % len(roles)],
                )
                for i in range(log.people)
            ),
            batch_size=2000,
        )
        people = list(User.objects.order_by("pk").values_list("pk", "role"))
        Profile.objects.bulk_create((Profile(user_id=pk) for pk, _role in people), batch_size=2000)
        kinds = list(CommunityKind.objects.values_list("pk", flat=True))
        visibilities = ["open"] * 16 + ["private"] * 3 + ["secret"]
        Community.objects.bulk_create(
            (
                Community(
                    name=f"Community {c}",
                    slug=f"community-{c}",
                    kind_id=kinds[c % len(kinds)],
                    visibility=visibilities[c % len(visibilities)],
                    description="A community of the benchmark.",
                    created_at=begin,
                )
                for c in range(log.communities)
            ),
            batch_size=2000,
        )
        communities = list(
            Community.objects.order_by("pk").values_list("pk", "visibility", "kind__code")
        )
        log.seconds["people, units, communities"] = time.perf_counter() - phase
        phase = time.perf_counter()
        rows = _events(log, events, rng, begin, now, teams, people, communities)
        recorded = _stamp(now)
        with _log_indexes_deferred():
            log.events = _insert(
                Event,
                {
                    "occurred_at": None,
                    "actor_id": None,
                    "verb": None,
                    "target_type": None,
                    "target_id": None,
                    "community_id": None,
                    "payload": None,
                    "recorded_at": recorded,
                },
                rows,
                events,
                "events",
            )
        log.seconds["events (built and inserted, indexes rebuilt)"] = time.perf_counter() - phase


@contextmanager
def _log_indexes_deferred() -> Iterator[None]:
    """The event log's secondary indexes dropped while it is written and built again after
    (the same statements): building an index once is several times cheaper than keeping five
    up to date row by row through millions of inserts. A bigger page cache meanwhile."""
    from django.db import connection

    raw = connection.connection
    table = "core_event"
    statements = [
        sql
        for (sql,) in raw.execute(
            "SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? "
            "AND sql IS NOT NULL",
            (table,),
        )
    ]
    names = [
        name
        for (name,) in raw.execute(
            "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = ? "
            "AND sql IS NOT NULL",
            (table,),
        )
    ]
    (cache,) = raw.execute("PRAGMA cache_size").fetchone()
    raw.execute("PRAGMA cache_size = -524288")  # 512 MiB
    for name in names:
        raw.execute(f'DROP INDEX "{name}"')
    try:
        yield
    finally:
        for sql in statements:
            raw.execute(sql)
        raw.execute(f"PRAGMA cache_size = {int(cache)}")


def _events(
    log: Log,
    total: int,
    rng: random.Random,
    begin: datetime.datetime,
    now: datetime.datetime,
    teams: list[int],
    people: list[tuple[int, str]],
    communities: list[tuple[int, str, str]],
) -> Iterator[tuple[Any, ...]]:
    """The log, in time order: a two-week onboarding (people, communities, first joins), then
    a year of activity, quieter at the weekend, by people whose activity follows a power law,
    in communities whose sizes follow a Zipf law."""
    from django.utils import timezone

    from rucher.exchange import events as ev

    tz = timezone.get_default_timezone()

    def out(event: Any) -> tuple[Any, ...]:
        log.verbs[event.verb] += 1
        return (
            _stamp(event.occurred_at),
            event.actor_id,
            event.verb,
            event.target_type,
            event.target_id,
            event.community_id,
            json.dumps(event.payload),
        )

    community_ids = [pk for pk, _v, _k in communities]
    zipf = [1 / (rank + 1) ** 0.9 for rank in range(len(community_ids))]
    person_ids = [pk for pk, _role in people]
    activity = [rng.paretovariate(1.2) for _ in person_ids]
    unit = {pk: rng.choice(teams) for pk in person_ids}
    member: dict[int, set[int]] = defaultdict(set)  # person: communities
    members: dict[int, list[int]] = defaultdict(list)  # community: people
    onboarding = datetime.timedelta(days=14)
    produced = 0

    start = begin.astimezone(datetime.UTC)  # UTC moments: stamped without a conversion

    def at(offset: float) -> datetime.datetime:
        return start + datetime.timedelta(seconds=offset)

    # The local day of each quarter of an hour (every zone's offset, and every change of it,
    # is a multiple of 15 minutes): millions of moments, 35,000 conversions a year.
    local_days: dict[int, datetime.date] = {}
    epoch = start.timestamp()

    def local_day(offset: float) -> datetime.date:
        quarter = int((epoch + offset) // 900)  # quarters of the clock, not of ``begin``
        day = local_days.get(quarter)
        if day is None:
            day = local_days[quarter] = datetime.datetime.fromtimestamp(quarter * 900, tz).date()
        return day

    # Onboarding: communities, people, their units, their first communities.
    setup: list[tuple[float, Any]] = []
    for pk, visibility, kind in communities:
        setup.append(
            (
                0.0,
                ev.community_created(
                    community_id=pk, actor_id=None, visibility=visibility, kind=kind, at=begin
                ),
            )
        )
    span = onboarding.total_seconds()
    for pk, role in people:
        moment = rng.uniform(1, span * 0.5)
        setup.append((moment, ev.user_created(user_id=pk, role=role, at=at(moment))))
        setup.append(
            (
                moment + 1,
                ev.profile_updated(
                    user_id=pk, fields=["org_unit"], org_unit_id=unit[pk], at=at(moment + 1)
                ),
            )
        )
        for first in set(rng.choices(community_ids, weights=zipf, k=1 + int(rng.expovariate(0.4)))):
            joined = rng.uniform(moment + 2, span)
            member[pk].add(first)
            members[first].append(pk)
            role_in = "owner" if len(members[first]) == 1 else "member"
            setup.append(
                (
                    joined,
                    ev.membership_joined(
                        community_id=first, user_id=pk, role=role_in, at=at(joined)
                    ),
                )
            )
    setup.sort(key=lambda item: item[0])
    for _moment, event in setup:
        if produced >= total:
            return
        produced += 1
        yield out(event)

    # A year of activity.
    remaining = total - produced
    earliest, last = span, (now - begin).total_seconds() - 60
    moments: list[float] = []
    while len(moments) < remaining:
        moment = rng.uniform(earliest, last)
        if local_day(moment).weekday() >= 5 and rng.random() < 0.75:
            continue
        moments.append(moment)
    moments.sort()
    verbs = [verb for verb, _share in MIX]
    shares = [share for _verb, share in MIX]
    draws = rng.choices(verbs, weights=shares, k=remaining)
    actors = rng.choices(person_ids, weights=activity, k=remaining)
    posts: list[tuple[int, int, int | None]] = []  # (post, author, community)
    comments: list[tuple[int, int, int, int | None]] = []  # (comment, author, post, community)
    present: set[tuple[int, datetime.date]] = set()
    next_post = next_comment = next_reaction = 1

    def recent[T](items: list[T]) -> T:
        return items[max(0, len(items) - 1 - int(rng.expovariate(1 / 300)))]

    for moment, verb, actor in zip(moments, draws, actors, strict=True):
        when = at(moment)
        if verb in ("comment.created", "reaction.added") and not posts:
            verb = "post.created"
        if verb == "user.present":
            day = local_day(moment)
            if (actor, day) in present:
                verb = "reaction.added" if posts else "post.created"
            else:
                present.add((actor, day))
                yield out(ev.user_present(user_id=actor, day=day, at=when))
                continue
        if verb == "post.created":
            places = member[actor]
            community = rng.choice(sorted(places)) if places and rng.random() < 0.92 else None
            posts.append((next_post, actor, community))
            kind = "question" if rng.random() < 0.15 else "discussion"
            yield out(
                ev.post_created(
                    post_id=next_post, author_id=actor, community_id=community, type=kind, at=when
                )
            )
            next_post += 1
        elif verb == "comment.created":
            post, author, community = recent(posts)
            if community is not None and members[community]:
                actor = rng.choice(members[community])
            comments.append((next_comment, actor, post, community))
            yield out(
                ev.comment_created(
                    comment_id=next_comment,
                    author_id=actor,
                    community_id=community,
                    post_id=post,
                    post_author_id=author,
                    parent_id=None,
                    parent_author_id=None,
                    at=when,
                )
            )
            next_comment += 1
        elif verb == "reaction.added":
            comment_id: int | None = None
            if comments and rng.random() < 0.25:
                comment_id, author, post, community = recent(comments)
            else:
                post, author, community = recent(posts)
            if community is not None and members[community]:
                actor = rng.choice(members[community])
            yield out(
                ev.reaction_added(
                    reaction_id=next_reaction,
                    user_id=actor,
                    community_id=community,
                    kind="like",
                    post_id=post,
                    comment_id=comment_id,
                    item_author_id=author,
                    at=when,
                )
            )
            next_reaction += 1
        elif verb == "membership.joined":
            community = rng.choices(community_ids, weights=zipf)[0]
            if community in member[actor]:
                community = rng.choice(community_ids)
            if community in member[actor]:
                present.add((actor, local_day(moment)))
                yield out(ev.user_present(user_id=actor, day=local_day(moment), at=when))
                continue
            member[actor].add(community)
            members[community].append(actor)
            yield out(
                ev.membership_joined(community_id=community, user_id=actor, role="member", at=when)
            )
        else:  # profile.updated: a move to another team
            unit[actor] = rng.choice(teams)
            yield out(
                ev.profile_updated(
                    user_id=actor, fields=["org_unit"], org_unit_id=unit[actor], at=when
                )
            )


def _profile_ingest(batch_size: int) -> str:
    """Where ingest time goes: cProfile over a replay of the first 200,000 events."""
    from rucher.analytics import rollups

    print("Ingest below target: profiling a replay of the first 200,000 events…")
    rollups.wipe()
    rollups.drop_reader_indexes()
    profiler = cProfile.Profile()
    try:
        profiler.enable()
        rollups.consume(batch_size=batch_size, limit=200_000)
        profiler.disable()
    finally:
        rollups.restore_reader_indexes()
    # The rollups must reflect the whole log again for the pages.
    rollups.consume(batch_size=batch_size)
    return _profile_text(profiler, 12)


def _profile_text(profiler: cProfile.Profile, lines: int) -> str:
    """The ``lines`` costliest functions by own time, with paths relative to the project (and
    the interpreter's as ``<python>``): the results file must not name this machine's
    folders."""
    text = io.StringIO()
    pstats.Stats(profiler, stream=text).sort_stats("tottime").print_stats(lines)
    return (
        text.getvalue()
        .replace(f"{REPOSITORY}/", "")
        .replace(f"{Path(sys.base_prefix).resolve()}/", "<python>/")
    )


# ---------------------------------------------------------------- the pages


PROFILES: dict[str, str] = {}


def _viewer() -> Any:
    from rucher.accounts.models import User

    return User.objects.get(role="admin")


def _busiest_community(end: datetime.date) -> tuple[int, str]:
    from django.db.models import Sum

    from rucher.analytics.models import CommunityDay
    from rucher.communities.models import Community

    top = (
        CommunityDay.objects.filter(day__gt=end - datetime.timedelta(days=28))
        .values("community_id")
        .annotate(acts=Sum("posts") + Sum("comments") + Sum("reactions"))
        .order_by("-acts")
        .first()
    )
    assert top is not None
    community = Community.objects.get(pk=top["community_id"])
    return community.pk, community.name


def _bounds(start: datetime.date, end: datetime.date) -> tuple[str, str]:
    """The period's local days as UTC text bounds of ``occurred_at`` [low, high)."""
    from django.utils import timezone

    tz = timezone.get_default_timezone()
    low = datetime.datetime.combine(start, datetime.time(), tz)
    high = datetime.datetime.combine(end + datetime.timedelta(days=1), datetime.time(), tz)
    return _stamp(low), _stamp(high)


def _peak_mib(action: Callable[[], object]) -> float:
    tracemalloc.start()
    try:
        action()
        return tracemalloc.get_traced_memory()[1] / 2**20
    finally:
        tracemalloc.stop()


def _sql(sql: str, params: dict[str, Any]) -> list[tuple[Any, ...]]:
    from django.db import connection

    connection.ensure_connection()
    return connection.connection.execute(sql, params).fetchall()


CONTRIBUTIONS = "('post.created', 'comment.created', 'reaction.added')"

# People and their latest org unit on the last day, from the log: SQLite takes the bare
# column ``unit`` from the row of MAX(id). (A ROW_NUMBER() version joined twice made SQLite
# search the log once per interaction: 73 s at 1,000,000 events against 0.4 s.)
UNITS_SQL = """
    SELECT actor_id AS person, json_extract(payload, '$.org_unit_id') AS unit, MAX(id)
    FROM core_event
    WHERE verb = 'profile.updated' AND occurred_at < :high
      AND json_type(payload, '$.org_unit_id') IS NOT NULL
    GROUP BY actor_id
"""

NETWORK_SQL = {
    "internal people": """
        SELECT COUNT(*) FROM core_event
        WHERE verb = 'user.created' AND occurred_at < :high
          AND json_extract(payload, '$.role') != 'guest'
    """,
    "reached people": """
        SELECT COUNT(DISTINCT actor_id) FROM core_event
        WHERE occurred_at >= :low AND occurred_at < :high
          AND actor_id IS NOT NULL AND verb != 'profile.updated'
    """,
    "contributors": f"""
        SELECT COUNT(DISTINCT actor_id) FROM core_event
        WHERE occurred_at >= :low AND occurred_at < :high AND verb IN {CONTRIBUTIONS}
    """,
    "cross-unit interactions": f"""
        WITH units AS ({UNITS_SQL}),
        acts AS (
            SELECT actor_id AS source,
                   CASE verb WHEN 'comment.created' THEN json_extract(payload, '$.post_author_id')
                             ELSE json_extract(payload, '$.item_author_id') END AS target
            FROM core_event
            WHERE occurred_at >= :low AND occurred_at < :high
              AND verb IN ('comment.created', 'reaction.added')
        )
        SELECT COUNT(*) FROM acts
        JOIN units s ON s.person = acts.source JOIN units t ON t.person = acts.target
        WHERE s.unit != t.unit
    """,
}

COMMUNITY_SQL = {
    "members": """
        SELECT COUNT(DISTINCT actor_id) FROM core_event
        WHERE community_id = :community AND verb = 'membership.joined' AND occurred_at < :high
    """,
    "posts": """
        SELECT COUNT(*) FROM core_event WHERE community_id = :community
          AND verb = 'post.created' AND occurred_at >= :low AND occurred_at < :high
    """,
    "comments": """
        SELECT COUNT(*) FROM core_event WHERE community_id = :community
          AND verb = 'comment.created' AND occurred_at >= :low AND occurred_at < :high
    """,
    "reactions": """
        SELECT COUNT(*) FROM core_event WHERE community_id = :community
          AND verb = 'reaction.added' AND occurred_at >= :low AND occurred_at < :high
    """,
    "contributors": f"""
        SELECT COUNT(DISTINCT actor_id) FROM core_event WHERE community_id = :community
          AND verb IN {CONTRIBUTIONS} AND occurred_at >= :low AND occurred_at < :high
    """,
    # The period's posts and the community's comments since its start (none precedes its
    # post), each read once, then matched (a search of the comments per post took 12 s at
    # 1,000,000 events; this, a tenth of a second).
    "threads answered": """
        WITH posts AS MATERIALIZED (
            SELECT target_id AS post, actor_id AS author FROM core_event
            WHERE community_id = :community AND verb = 'post.created'
              AND occurred_at >= :low AND occurred_at < :high
        ),
        replies AS MATERIALIZED (
            SELECT json_extract(payload, '$.post_id') AS post, actor_id AS author FROM core_event
            WHERE community_id = :community AND verb = 'comment.created' AND occurred_at >= :low
        )
        SELECT COUNT(DISTINCT posts.post) FROM posts
        JOIN replies ON replies.post = posts.post AND replies.author != posts.author
    """,
}


PAYLOAD_FIELDS = ("role", "org_unit_id", "post_author_id", "item_author_id", "post_id")
CONTRIBUTION_VERBS = ["post.created", "comment.created", "reaction.added"]
RAW_SQL = (
    "SELECT id, CAST(occurred_at AS TEXT) AS moment, actor_id, verb, community_id, target_id, "
    "payload FROM core_event"
)


CHUNK = 1_000_000  # rows of the raw log per read: 10 million at once would not fit


def _frame() -> Any:
    """What a pandas notebook starts from: the whole log, payloads decoded and flattened. Read
    a million rows at a time, each chunk keeping only the payload fields the pages need, so
    that ten million events fit in memory (the decoded documents of all would not)."""
    import pandas as pd
    from django.db import connection

    connection.ensure_connection()
    chunks = []
    for chunk in pd.read_sql_query(RAW_SQL, connection.connection, chunksize=CHUNK):
        fields = pd.json_normalize(chunk.pop("payload").map(json.loads).tolist())
        fields.index = chunk.index
        chunks.append(chunk.join(fields.reindex(columns=list(PAYLOAD_FIELDS))))
    return pd.concat(chunks, ignore_index=True)


def _pandas_network(low: str, high: str) -> dict[str, Any]:
    df = _frame()
    before = df[df["moment"] < high]
    internal = int(((before["verb"] == "user.created") & (before["role"] != "guest")).sum())
    moves = before[(before["verb"] == "profile.updated") & before["org_unit_id"].notna()]
    unit = moves.sort_values("id").groupby("actor_id")["org_unit_id"].last()
    window = df[(df["moment"] >= low) & (df["moment"] < high) & df["actor_id"].notna()]
    reached = window.loc[window["verb"] != "profile.updated", "actor_id"].nunique()
    contributors = window.loc[window["verb"].isin(CONTRIBUTION_VERBS), "actor_id"].nunique()
    acts = window[window["verb"].isin(["comment.created", "reaction.added"])]
    target = acts["post_author_id"].where(acts["verb"] == "comment.created", acts["item_author_id"])
    source_unit, target_unit = acts["actor_id"].map(unit), target.map(unit)
    cross = (source_unit.notna() & target_unit.notna() & (source_unit != target_unit)).sum()
    return {
        "internal people": internal,
        "reached people": int(reached),
        "contributors": int(contributors),
        "cross-unit interactions": int(cross),
    }


def _pandas_community(community: int, low: str, high: str) -> dict[str, Any]:
    df = _frame()
    mine = df[df["community_id"] == community]
    joined = mine[(mine["verb"] == "membership.joined") & (mine["moment"] < high)]
    window = mine[(mine["moment"] >= low) & (mine["moment"] < high)]
    acts = window[window["verb"].isin(CONTRIBUTION_VERBS)]
    counts = acts["verb"].value_counts()
    posts = window.loc[window["verb"] == "post.created", ["target_id", "actor_id"]]
    comments = mine.loc[mine["verb"] == "comment.created", ["post_id", "actor_id"]]
    replies = posts.merge(comments, left_on="target_id", right_on="post_id")
    answered = replies.loc[replies["actor_id_x"] != replies["actor_id_y"], "target_id"].nunique()
    return {
        "members": int(joined["actor_id"].nunique()),
        "posts": int(counts.get("post.created", 0)),
        "comments": int(counts.get("comment.created", 0)),
        "reactions": int(counts.get("reaction.added", 0)),
        "contributors": int(acts["actor_id"].nunique()),
        "threads answered": int(answered),
    }


def _duckdb_log() -> Any:
    """An in-memory DuckDB holding the raw log, its payload fields extracted by DuckDB; read
    a million rows at a time (see ``_frame``)."""
    import duckdb
    import pandas as pd
    from django.db import connection

    connection.ensure_connection()
    duck = duckdb.connect()
    select = """
        SELECT id, moment, actor_id, verb, community_id, target_id,
            json_extract_string(payload, '$.role') AS role,
            TRY_CAST(json_extract(payload, '$.org_unit_id') AS BIGINT) AS org_unit_id,
            TRY_CAST(json_extract(payload, '$.post_author_id') AS BIGINT) AS post_author_id,
            TRY_CAST(json_extract(payload, '$.item_author_id') AS BIGINT) AS item_author_id,
            TRY_CAST(json_extract(payload, '$.post_id') AS BIGINT) AS post_id
        FROM raw
    """
    for index, raw in enumerate(pd.read_sql_query(RAW_SQL, connection.connection, chunksize=CHUNK)):
        duck.register("raw", raw)
        duck.execute(f"CREATE TABLE ev AS {select}" if index == 0 else f"INSERT INTO ev {select}")
        duck.unregister("raw")
    return duck


def _duck(duck: Any, queries: dict[str, str], params: dict[str, Any]) -> dict[str, Any]:
    numbers = {}
    for name, sql in queries.items():
        used = {key: value for key, value in params.items() if f"${key}" in sql}
        numbers[name] = duck.execute(sql, used).fetchone()[0]
    return numbers


DUCK_NETWORK = {
    "internal people": """
        SELECT COUNT(*) FROM ev WHERE verb = 'user.created' AND moment < $high AND role != 'guest'
    """,
    "reached people": """
        SELECT COUNT(DISTINCT actor_id) FROM ev WHERE moment >= $low AND moment < $high
          AND actor_id IS NOT NULL AND verb != 'profile.updated'
    """,
    "contributors": f"""
        SELECT COUNT(DISTINCT actor_id) FROM ev
        WHERE moment >= $low AND moment < $high AND verb IN {CONTRIBUTIONS}
    """,
    "cross-unit interactions": """
        WITH units AS (
            SELECT actor_id AS person, arg_max(org_unit_id, id) AS unit FROM ev
            WHERE verb = 'profile.updated' AND moment < $high AND org_unit_id IS NOT NULL
            GROUP BY actor_id
        ),
        acts AS (
            SELECT actor_id AS source,
                   CASE verb WHEN 'comment.created' THEN post_author_id
                             ELSE item_author_id END AS target
            FROM ev WHERE moment >= $low AND moment < $high
              AND verb IN ('comment.created', 'reaction.added')
        )
        SELECT COUNT(*) FROM acts
        JOIN units s ON s.person = acts.source JOIN units t ON t.person = acts.target
        WHERE s.unit != t.unit
    """,
}

DUCK_COMMUNITY = {
    "members": """
        SELECT COUNT(DISTINCT actor_id) FROM ev
        WHERE community_id = $community AND verb = 'membership.joined' AND moment < $high
    """,
    "posts": """
        SELECT COUNT(*) FROM ev WHERE community_id = $community
          AND verb = 'post.created' AND moment >= $low AND moment < $high
    """,
    "comments": """
        SELECT COUNT(*) FROM ev WHERE community_id = $community
          AND verb = 'comment.created' AND moment >= $low AND moment < $high
    """,
    "reactions": """
        SELECT COUNT(*) FROM ev WHERE community_id = $community
          AND verb = 'reaction.added' AND moment >= $low AND moment < $high
    """,
    "contributors": f"""
        SELECT COUNT(DISTINCT actor_id) FROM ev WHERE community_id = $community
          AND verb IN {CONTRIBUTIONS} AND moment >= $low AND moment < $high
    """,
    "threads answered": """
        SELECT COUNT(DISTINCT p.target_id) FROM ev p JOIN ev c
          ON c.community_id = $community AND c.verb = 'comment.created'
         AND c.post_id = p.target_id AND c.actor_id != p.actor_id
        WHERE p.community_id = $community AND p.verb = 'post.created'
          AND p.moment >= $low AND p.moment < $high
    """,
}


def _network_page(
    viewer: Any,
    start: datetime.date,
    end: datetime.date,
    days: int,
    repeat: int,
    duck_log: Any,
    duck_load_ms: float,
) -> Page:
    from rucher.analytics.selectors import network_dashboard

    low, high = _bounds(start, end)
    params = {"low": low, "high": high}

    def page() -> Any:
        return network_dashboard(viewer, start, end)

    def naive() -> dict[str, Any]:
        return _pandas_network(low, high)

    def sql() -> dict[str, Any]:
        return {name: _sql(query, params)[0][0] for name, query in NETWORK_SQL.items()}

    def duck() -> dict[str, Any]:
        return _duck(duck_log, DUCK_NETWORK, params)

    profiler = cProfile.Profile()  # the warm-up run, profiled: where a page's time goes
    report = profiler.runcall(page)
    PROFILES[f"network dashboard, {days} days"] = _profile_text(profiler, 10)
    rollup = _network_numbers(report, start, end)
    # pandas runs twice in all (timed, then traced for memory): minutes each at 10 million.
    naive_timing, naive_numbers = _timed_once(naive)
    sql_numbers, duck_numbers = sql(), duck()
    return Page(
        label=f"network dashboard, {days} days",
        selector=measure(page, repeat=repeat, warmup=0),
        naive=naive_timing,
        # The runs that gave the numbers above were the warm-up.
        sql=measure(sql, repeat=repeat, warmup=0),
        duckdb=measure(duck, repeat=repeat, warmup=0),
        duckdb_load_ms=duck_load_ms,
        memory=_memory(page, naive, sql, duck),
        numbers={
            k: (rollup.get(k), naive_numbers[k], sql_numbers[k], duck_numbers[k])
            for k in NETWORK_SQL
        },
    )


def _timed_once(action: Callable[[], dict[str, Any]]) -> tuple[Timing, dict[str, Any]]:
    """One run, timed on the clock and in processor time, and what it returned."""
    started, cpu = time.perf_counter(), time.process_time()
    result = action()
    wall, cpu = (time.perf_counter() - started) * 1000, (time.process_time() - cpu) * 1000
    return Timing(
        runs=1, median_ms=wall, p95_ms=wall, min_ms=wall, cpu_median_ms=cpu, p99_ms=wall
    ), result


def _memory(*paths: Callable[[], object]) -> dict[str, float]:
    return {name: _peak_mib(path) for name, path in zip(PATHS, paths, strict=True)}


PATHS = ("page", "naive", "sql", "duckdb")


def _network_numbers(report: Any, start: datetime.date, end: datetime.date) -> dict[str, Any]:
    """The headline numbers as the page's rollups give them."""
    from django.db.models import Sum

    from rucher.analytics.models import Interaction, PersonDay
    from rucher.analytics.selectors import units_on

    days = PersonDay.objects.filter(day__range=(start, end))
    unit = units_on(end)
    cross = 0
    for source, target, count in (
        Interaction.objects.filter(day__range=(start, end))
        .values_list("source_id", "target_id")
        .annotate(total=Sum("count"))
    ):
        a, b = unit.get(source), unit.get(target)
        if a is not None and b is not None and a != b:
            cross += count
    return {
        "internal people": report.context["people"],
        "reached people": days.filter(reached=True).values("person_id").distinct().count(),
        "contributors": days.filter(contributions__gt=0).values("person_id").distinct().count(),
        "cross-unit interactions": cross,
    }


def _community_page(
    community_id: int,
    start: datetime.date,
    end: datetime.date,
    days: int,
    repeat: int,
    duck_log: Any,
    duck_load_ms: float,
) -> Page:
    from django.db.models import Sum

    from rucher.analytics.models import CommunityDay, PersonDay, Thread
    from rucher.analytics.selectors import community_insights
    from rucher.communities.models import Community

    community = Community.objects.get(pk=community_id)
    low, high = _bounds(start, end)
    params = {"low": low, "high": high, "community": community_id}

    def page() -> Any:
        return community_insights(community, start, end)

    def naive() -> dict[str, Any]:
        return _pandas_community(community_id, low, high)

    def sql() -> dict[str, Any]:
        return {name: _sql(query, params)[0][0] for name, query in COMMUNITY_SQL.items()}

    def duck() -> dict[str, Any]:
        return _duck(duck_log, DUCK_COMMUNITY, params)

    report = page()
    sums = CommunityDay.objects.filter(
        community_id=community_id, day__range=(start, end)
    ).aggregate(posts=Sum("posts"), comments=Sum("comments"), reactions=Sum("reactions"))
    rollup = {
        "members": report.context["member_count"],
        **sums,
        "contributors": PersonDay.objects.filter(
            community_id=community_id, day__range=(start, end), contributions__gt=0
        )
        .values("person_id")
        .distinct()
        .count(),
        "threads answered": Thread.objects.filter(
            community_id=community_id,
            created_at__date__range=(start, end),
            first_response_at__isnull=False,
        ).count(),
    }
    # pandas runs twice in all (timed, then traced for memory): minutes each at 10 million.
    naive_timing, naive_numbers = _timed_once(naive)
    sql_numbers, duck_numbers = sql(), duck()
    return Page(
        label=f"community insights, {days} days",
        selector=measure(page, repeat=repeat, warmup=0),
        naive=naive_timing,
        # The runs that gave the numbers above were the warm-up.
        sql=measure(sql, repeat=repeat, warmup=0),
        duckdb=measure(duck, repeat=repeat, warmup=0),
        duckdb_load_ms=duck_load_ms,
        memory=_memory(page, naive, sql, duck),
        numbers={
            k: (rollup.get(k), naive_numbers[k], sql_numbers[k], duck_numbers[k])
            for k in COMMUNITY_SQL
        },
    )


# ---------------------------------------------------------------- output


def _matches(page: Page) -> str:
    wrong = [name for name, values in page.numbers.items() if len(set(values)) != 1]
    return "all equal" if not wrong else "differ: " + ", ".join(wrong)


def format_table(results: Results) -> str:
    log = results.log
    lines = [
        f"Rucher analytics benchmark: {log.events} events over {DAYS} days, {log.people} people, "
        f"{log.communities} communities, {log.units} org units (seed {results.seed}); "
        f"{results.database}",
        "Events by verb: "
        + ", ".join(f"{verb} {count}" for verb, count in log.verbs.most_common()),
        "",
        f"Ingest (rollups.rebuild, batch {results.batch_size}): {results.ingest_events} events in "
        f"{results.ingest_seconds:.1f} s = {results.ingest_rate:,.0f} events/s; CPU "
        f"{results.ingest_cpu:.1f} s = {results.ingest_cpu_rate:,.0f} events/s "
        f"({results.ingest_second_process} events read by a second process) "
        f"(target {INGEST_TARGET:,})".replace(",", " "),
        f"Lifecycle stages for the year: {results.stages_rows} community-weeks in "
        f"{results.stages_seconds:.1f} s",
        f"Community: {results.community}",
        "",
        "Clock / processor time (ms):",
        f"{'page':<32} {'page med.':>13} {'pandas':>13} {'SQL med.':>10} {'DuckDB':>10} "
        f"{'DuckDB load':>12} {'speedup':>11} {'MiB page/pandas/SQL/DuckDB':>28}  numbers",
    ]
    for page in results.pages:
        memory = "/".join(f"{page.memory[k]:.0f}" for k in PATHS)
        lines.append(
            f"{page.label:<32} {page.selector.median_ms:>6.0f}/{page.selector.cpu_median_ms:<6.0f} "
            f"{page.naive.median_ms:>6.0f}/{page.naive.cpu_median_ms:<6.0f} "
            f"{page.sql.median_ms:>10.0f} {page.duckdb.median_ms:>10.0f} "
            f"{page.duckdb_load_ms:>12.0f} {page.speedup:>4.1f}/{page.cpu_speedup:<5.1f}× "
            f"{memory:>28}  {_matches(page)}"
        )
    for page in results.pages:
        lines.append(
            f"  {page.label}: "
            + "; ".join(
                f"{name} " + "/".join(str(v) for v in values)
                for name, values in page.numbers.items()
            )
        )
    lines.append(
        "Peak resident size: " + ", ".join(f"{k} {v:.0f} MiB" for k, v in results.rss_mib.items())
    )
    if results.profile:
        lines += ["", results.profile]
    for label, text in PROFILES.items():
        lines += ["", f"{label} (cProfile of the warm-up run):", text]
    return "\n".join(lines)


def markdown_section(results: Results, machine: Machine) -> str:
    log = results.log
    dirty = " (with uncommitted changes)" if machine.dirty else ""
    # Events per second of the clock: what the target says; a second process counts as the
    # machine it uses (its processor time is in the CPU column), and a loaded machine can
    # only make the clock slower.
    rate = results.ingest_rate
    verdict = "met" if rate >= INGEST_TARGET else f"missed by {INGEST_TARGET / rate:.2f}×"
    apart = (
        f", {results.ingest_second_process} events read and folded by a second process"
        if results.ingest_second_process
        else ", one process"
    )
    lines = [
        f"## {time.strftime('%Y-%m-%d %H:%M %Z')} — analytics, {log.events:,} events".replace(
            ",", " "
        ),
        "",
        f"- Commit: `{machine.commit}`{dirty}",
        f"- Machine: {machine.processors} processors (`nproc`), {machine.cpu_model}, "
        f"{machine.memory_gib:.1f} GiB memory, {machine.system}; load average "
        f"{machine.load_average:.1f} when the run started",
        f"- Database: {results.database}",
        f"- Python {machine.python}, Django {results.django}",
        f"- Command: `python -m bench analytics --events {log.events} --people {log.people} "
        f"--communities {log.communities} --repeat {results.repeat}`",
        f"- Data: {log.events:,} `core.models.Event` rows over {DAYS} days built by "
        f"`rucher.exchange.events`, {log.people:,} people, {log.communities:,} communities, "
        f"{log.units} org units: ".replace(",", " ")
        + ", ".join(f"{verb} {count}" for verb, count in log.verbs.most_common())
        + ".",
    ]
    if results.note:
        lines.append(f"- Note: {results.note}")
    lines += [
        "",
        "| Ingest | Events | Seconds clock / CPU | Events per second clock / CPU | Target |",
        "|---|---:|---:|---:|---|",
        f"| `rollups.rebuild(batch_size={results.batch_size})`{apart} "
        f"| {results.ingest_events} | {results.ingest_seconds:.1f} / {results.ingest_cpu:.1f} "
        f"| {rate:.0f} / {results.ingest_cpu_rate:.0f} | ≥ {INGEST_TARGET} on SQLite (clock): "
        f"{verdict} |",
        f"| `lifecycle.compute_stages` for the year ({results.stages_rows} community-weeks) | | "
        f"{results.stages_seconds:.1f} | | |",
        "",
        f"Pages: `selectors.network_dashboard` (viewer: an admin) and `community_insights` "
        f"({results.community}, the busiest of the last 28 days), median of {results.repeat} "
        "runs after a warm-up; the naive path (pandas over the whole raw log, read a million "
        "rows at a time: `read_sql`, `json_normalize`, filters and `groupby`) one run; raw SQL "
        f"over `core_event` (`json_extract`) median of {results.repeat}; DuckDB over a copy of "
        "the raw log loaded into it once for both pages (load timed apart, not in the median) "
        f"median of {results.repeat}. Page and pandas: clock / processor time (the machine is "
        "shared: the verdict uses processor time). Memory: `tracemalloc` peak of one extra run "
        "(Python allocations; SQLite's cache and DuckDB's own memory are not counted).",
        "",
        "| Page | Page (rollups) clock / CPU | Naive pandas (raw log) clock / CPU "
        "| Raw SQL (raw log) | DuckDB (load) | Page vs pandas clock / CPU "
        "| Peak MiB page / pandas / SQL / DuckDB | Headline numbers |",
        "|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    for page in results.pages:
        target = "✓" if page.cpu_speedup >= SPEEDUP_TARGET else "✗ (target 10×)"
        memory = " / ".join(f"{page.memory[k]:.0f}" for k in PATHS)
        lines.append(
            f"| {page.label} | {page.selector.median_ms:.0f} / {page.selector.cpu_median_ms:.0f} "
            f"ms | {page.naive.median_ms:.0f} / {page.naive.cpu_median_ms:.0f} ms "
            f"| {page.sql.median_ms:.0f} ms | {page.duckdb.median_ms:.0f} ms "
            f"({page.duckdb_load_ms:.0f} ms) | {page.speedup:.1f}× / {page.cpu_speedup:.1f}× "
            f"{target} | {memory} | {_matches(page)} |"
        )
    lines += ["", "Headline numbers (rollups / pandas / SQL / DuckDB):", ""]
    for page in results.pages:
        lines.append(
            f"- {page.label}: "
            + "; ".join(
                f"{name} " + " / ".join(str(v) for v in values)
                for name, values in page.numbers.items()
            )
        )
    lines += [
        "",
        "Peak resident size of the process: "
        + ", ".join(f"{k} {v:.0f} MiB" for k, v in results.rss_mib.items())
        + ".",
        "",
    ]
    if results.profile:
        lines += ["Ingest profile (cProfile, first 200 000 events, by own time):", "", "```"]
        lines += results.profile.strip("\n").splitlines()[:40]
        lines += ["```", ""]
    for label, text in PROFILES.items():
        lines += [f"{label}, cProfile of the warm-up run, by own time:", "", "```"]
        lines += text.strip("\n").splitlines()[:30]
        lines += ["```", ""]
    return "\n".join(lines)

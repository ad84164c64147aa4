"""The feed scenario: a big tier of conversations, then the home and community feed pages.

    python -m bench feeds [--people 10000] [--communities 1000] [--posts 1000000]
                          [--comments 1.5] [--reactions 2.0] [--repeat 100] [--http-repeat 30]
                          [--seed 2024] [--note "what changed"] [--no-record]

The data is written FAST, with bulk inserts (``bulk_create`` for people, communities,
memberships and follows; raw ``executemany`` for posts, comments and reactions), not through
the services: the event log stays empty and nothing is notified. This benchmark measures
reads. Then, for one ordinary employee:

- ``rucher.content.selectors.home_feed`` and ``community_feed`` (first page, in process),
  each beside one raw SQL query returning the same posts (same filters, same order, the
  author, profile and community joined, the comment count), timed in the same run; the ratio
  of the p99s is the target (within 3×). The home feed has a second raw version that takes
  the selector's own route (the viewer's communities and follows first, then the first posts
  of each place, merged): the first measures the plan, the second the ORM's cost on a plan;
- the pages over HTTP through Django's test client (``content:home_feed`` and
  ``communities:detail``), middleware, templates and all.

A throwaway SQLite database file, like ``python -m bench``; a dated section is appended to
BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import datetime
import os
import random
import sqlite3
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bench.machine import Machine, describe
from bench.timing import Timing, measure

if TYPE_CHECKING:
    from rucher.accounts.models import User
    from rucher.communities.models import Community

REPOSITORY = Path(__file__).resolve().parent.parent
BATCH = 20_000
PAGE = 20  # rucher.core.pagination.DEFAULT_LIMIT, the feeds' page length
YEARS = 2  # posts spread over the last two years


@dataclass(frozen=True)
class Case:
    label: str
    rows: int
    timing: Timing
    queries: int
    raw: Timing | None = None  # the raw SQL query returning the same rows
    note: str = ""
    # The same rows by hand along the selector's own route (home feed: scope, then merge).
    raw_route: Timing | None = None

    @property
    def ratio(self) -> float | None:
        return self.timing.p99_ms / self.raw.p99_ms if self.raw and self.raw.p99_ms else None

    @property
    def route_ratio(self) -> float | None:
        if self.raw_route is None or not self.raw_route.p99_ms:
            return None
        return self.timing.p99_ms / self.raw_route.p99_ms


@dataclass
class Tier:
    people: int
    communities: int
    posts: int
    comments: int = 0
    reactions: int = 0
    memberships: int = 0
    follows: int = 0
    seconds: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class Results:
    tier: Tier
    seed: int
    repeat: int
    http_repeat: int
    database: str
    django: str
    viewer: str
    community: str
    cases: list[Case]
    pages: list[Case]
    plans: dict[str, str]
    note: str = ""


def parse_arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench feeds", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--people", type=int, default=10_000)
    parser.add_argument("--communities", type=int, default=1_000)
    parser.add_argument("--posts", type=int, default=1_000_000)
    parser.add_argument("--comments", type=float, default=1.5, help="comments per post")
    parser.add_argument("--reactions", type=float, default=2.0, help="reactions per post")
    parser.add_argument("--repeat", type=int, default=100, help="timed runs in process")
    parser.add_argument("--http-repeat", type=int, default=30, help="timed HTTP requests")
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument(
        "--note", default="", help="what changed since the previous run (goes in the section)"
    )
    parser.add_argument("--no-record", action="store_true", help="do not append to BENCHMARKS.md")
    parser.add_argument("--output", type=Path, default=REPOSITORY / "BENCHMARKS.md")
    arguments = parser.parse_args(argv)
    if arguments.people < 10 or arguments.communities < 1 or arguments.posts < 1:
        parser.error("--people must be at least 10, --communities and --posts at least 1")
    if arguments.repeat < 1 or arguments.http_repeat < 1:
        parser.error("--repeat and --http-repeat must be at least 1")
    return arguments


def main(argv: list[str] | None = None) -> None:
    arguments = parse_arguments(argv)
    machine = describe(REPOSITORY)
    with tempfile.TemporaryDirectory(prefix="rucher-bench-feeds-") as data_dir:
        from bench.run import _prepare_environment

        _prepare_environment(Path(data_dir))
        results = run(arguments)
    print()
    print(format_table(results))
    if not arguments.no_record:
        from bench.run import record

        record(arguments.output, markdown_section(results, machine, arguments))
        print(f"\nAppended to {arguments.output}.")


def run(arguments: argparse.Namespace) -> Results:
    import django
    from django.core.management import call_command

    print(f"Migrating a fresh SQLite database in {os.environ['RUCHER_DATA_DIR']}…")
    call_command("migrate", verbosity=0, interactive=False)
    call_command("collectstatic", verbosity=0, interactive=False)
    tier = Tier(people=arguments.people, communities=arguments.communities, posts=arguments.posts)
    generate(
        tier,
        rng=random.Random(arguments.seed),
        comments=arguments.comments,
        reactions=arguments.reactions,
    )
    viewer = _viewer()
    community = _busiest_open_community()
    print(f"Timing the feeds ({arguments.repeat} runs each, HTTP {arguments.http_repeat})…")
    cases = [
        _time_selector("home_feed, first page", viewer, None, arguments.repeat),
        _time_selector("community_feed, first page", viewer, community, arguments.repeat),
    ]
    pages = _time_pages(viewer, community, arguments.http_repeat)
    return Results(
        tier=tier,
        seed=arguments.seed,
        repeat=arguments.repeat,
        http_repeat=arguments.http_repeat,
        database=f"SQLite {sqlite3.sqlite_version} (WAL), temporary file",
        django=django.get_version(),
        viewer=_describe_viewer(viewer),
        community=f"{community.name}: {community.posts.count()} posts",
        cases=cases,
        pages=pages,
        plans={
            "home": _plan(HOME_SQL, _params(viewer, None)),
            "home, the selector's route": _plan(*_home_route_sql(viewer)),
            "community": _plan(COMMUNITY_SQL, _params(viewer, community)),
            "home_feed's page (the selector's SQL)": _selector_plan(viewer, None),
            "community_feed's page (the selector's SQL)": _selector_plan(viewer, community),
        },
        note=arguments.note,
    )


# ---------------------------------------------------------------- generation


def _progress(label: str, done: int, total: int, started: float, *, final: bool) -> None:
    elapsed = time.perf_counter() - started
    rate = done / elapsed if elapsed else 0
    sys.stderr.write(f"\r{label}  {done}/{total}  {rate:,.0f}/s".replace(",", " ") + " " * 8)
    if final:
        sys.stderr.write(f"\n{label}: done in {elapsed:.1f} s\n")
    sys.stderr.flush()


def _stamp(moment: datetime.datetime) -> str:
    """How Django stores an aware datetime in SQLite: naive UTC text."""
    return moment.astimezone(datetime.UTC).strftime("%Y-%m-%d %H:%M:%S.%f")


def _insert(
    model: Any, values: dict[str, Any], rows: Iterator[Sequence[Any]], total: int, label: str
) -> int:
    """Raw ``executemany`` of ``rows`` (tuples in the order of ``values``' keys that are None)
    into ``model``'s table; every other column takes the constant in ``values`` or its
    field's default."""
    from django.db import connection

    columns: list[str] = []
    template: list[Any] = []
    varying: list[int] = []
    for model_field in model._meta.local_concrete_fields:
        columns.append(model_field.column)
        if model_field.column in values and values[model_field.column] is None:
            varying.append(len(template))
            template.append(None)
        elif model_field.column in values:
            template.append(values[model_field.column])
        elif model_field.null:
            template.append(None)
        else:
            default = model_field.get_default()
            template.append(default() if callable(default) else default)
    order = [c for c in values if values[c] is None]
    positions = [columns.index(c) for c in order]
    sql = (
        f"INSERT INTO {model._meta.db_table} ({', '.join(columns)}) "
        f"VALUES ({', '.join('?' for _ in columns)})"
    )
    raw = connection.connection
    started = time.perf_counter()
    done = 0
    batch: list[tuple[Any, ...]] = []
    for row in rows:
        filled = list(template)
        for position, value in zip(positions, row, strict=True):
            filled[position] = value
        batch.append(tuple(filled))
        if len(batch) >= BATCH:
            raw.executemany(sql, batch)
            done += len(batch)
            batch = []
            _progress(label, done, total, started, final=False)
    if batch:
        raw.executemany(sql, batch)
        done += len(batch)
    _progress(label, done, total, started, final=True)
    return done


def generate(tier: Tier, *, rng: random.Random, comments: float, reactions: float) -> None:
    from django.contrib.auth.hashers import make_password
    from django.db import connection, transaction
    from django.utils import timezone

    from rucher.accounts.models import Follow, Profile, User
    from rucher.communities.models import Community, CommunityKind, Membership
    from rucher.content.models import Comment, Post, Reaction

    now = timezone.now()
    started = time.perf_counter()
    connection.ensure_connection()
    with transaction.atomic():
        phase = time.perf_counter()
        password = make_password(None)  # unusable
        User.objects.bulk_create(
            (
                User(
                    email=f"person{i}@bench.example",
                    display_name=f"Person {i}",
                    password=password,
                    language="fr" if i % 4 else "en",
                )
                for i in range(tier.people)
            ),
            batch_size=2000,
        )
        user_ids = list(User.objects.order_by("pk").values_list("pk", flat=True))
        Profile.objects.bulk_create(
            (Profile(user_id=pk, job_title=f"Job {pk % 50}") for pk in user_ids), batch_size=2000
        )
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
                    created_at=now - datetime.timedelta(days=YEARS * 365),
                )
                for c in range(tier.communities)
            ),
            batch_size=2000,
        )
        community_ids = list(Community.objects.order_by("pk").values_list("pk", flat=True))
        # Community sizes follow a Zipf law: a few very big ones, a long tail of small ones.
        weights = [1 / (rank + 1) ** 0.9 for rank in range(len(community_ids))]
        members: dict[int, list[int]] = {pk: [] for pk in community_ids}
        rows = []
        for user in user_ids:
            count = min(len(community_ids), 1 + int(rng.expovariate(1 / 5)))
            chosen = set(rng.choices(community_ids, weights=weights, k=count))
            for community in chosen:
                members[community].append(user)
                rows.append(Membership(community_id=community, user_id=user, role="member"))
        for community in community_ids:
            if not members[community]:  # nobody: the owner is someone
                user = rng.choice(user_ids)
                members[community].append(user)
                rows.append(Membership(community_id=community, user_id=user, role="member"))
        Membership.objects.bulk_create(rows, batch_size=5000)
        tier.memberships = len(rows)
        follows = {
            (user, rng.choice(user_ids)) for user in user_ids for _ in range(rng.randint(0, 10))
        }
        Follow.objects.bulk_create(
            (Follow(follower_id=a, followed_id=b) for a, b in follows if a != b), batch_size=5000
        )
        tier.follows = Follow.objects.count()
        tier.seconds["people and communities"] = time.perf_counter() - phase

        # Posts: 92 % in communities, more in the big ones; 8 % on profiles. Newer posts
        # are more frequent (adoption grows).
        phase = time.perf_counter()
        span = YEARS * 365 * 86400
        post_weights = [
            w * len(members[pk]) ** 0.3 for pk, w in zip(community_ids, weights, strict=True)
        ]
        first_post = (Post.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
        placed: list[tuple[int | None, int, float]] = []  # (community, author, seconds ago)

        def post_rows() -> Iterator[tuple[Any, ...]]:
            cumulative = _cumulative(post_weights)
            for number in range(tier.posts):
                if rng.random() < 0.08:
                    community = None
                    author = rng.choice(user_ids)
                else:
                    community = community_ids[_draw(cumulative, rng)]
                    author = rng.choice(members[community])
                ago = span * (1 - rng.random() ** 0.6)
                placed.append((community, author, ago))
                moment = _stamp(now - datetime.timedelta(seconds=ago))
                kind = "question" if number % 7 == 0 else "discussion"
                body = f"Post {number} about the benchmark #bench"
                yield (
                    first_post + number,
                    community,
                    author,
                    kind,
                    body,
                    f"<p>{body}</p>",
                    moment,
                    moment,
                )

        _insert(
            Post,
            dict.fromkeys(
                (
                    "id",
                    "community_id",
                    "author_id",
                    "type",
                    "body",
                    "body_html",
                    "created_at",
                    "last_activity_at",
                )
            ),
            post_rows(),
            tier.posts,
            "posts",
        )
        tier.seconds["posts"] = time.perf_counter() - phase

        phase = time.perf_counter()
        total_comments = round(tier.posts * comments)

        def comment_rows() -> Iterator[tuple[Any, ...]]:
            for number in range(total_comments):
                post = rng.randrange(tier.posts)
                community, _author, ago = placed[post]
                author = rng.choice(members[community]) if community else rng.choice(user_ids)
                moment = _stamp(now - datetime.timedelta(seconds=ago * rng.random()))
                body = f"Comment {number}"
                yield first_post + post, author, body, f"<p>{body}</p>", moment

        tier.comments = _insert(
            Comment,
            dict.fromkeys(("post_id", "author_id", "body", "body_html", "created_at")),
            comment_rows(),
            total_comments,
            "comments",
        )
        tier.seconds["comments"] = time.perf_counter() - phase

        phase = time.perf_counter()
        total_reactions = round(tier.posts * reactions)
        kinds_of_reaction = ["like"] * 5 + ["thanks", "thanks", "insightful", "support", "curious"]

        def reaction_rows() -> Iterator[tuple[Any, ...]]:
            # One pass over the posts, a heavy-tailed number of reactions each, distinct
            # people per post (one reaction per person per post).
            made = 0
            for post in range(tier.posts):
                if made >= total_reactions:
                    return
                community, _author, ago = placed[post]
                pool = members[community] if community else user_ids
                wanted = int(rng.expovariate(1 / (reactions + 0.5)))
                count = min(len(pool), wanted, total_reactions - made)
                for user in rng.sample(pool, count):
                    moment = _stamp(now - datetime.timedelta(seconds=ago * rng.random()))
                    yield first_post + post, user, rng.choice(kinds_of_reaction), moment
                made += count

        tier.reactions = _insert(
            Reaction,
            dict.fromkeys(("post_id", "user_id", "kind", "created_at")),
            reaction_rows(),
            total_reactions,
            "reactions",
        )
        tier.seconds["reactions"] = time.perf_counter() - phase
    phase = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    tier.seconds["ANALYZE"] = time.perf_counter() - phase
    tier.seconds["whole generation"] = time.perf_counter() - started
    print(f"Generated in {tier.seconds['whole generation']:.0f} s.")


def _cumulative(weights: list[float]) -> list[float]:
    total = 0.0
    cumulative = []
    for weight in weights:
        total += weight
        cumulative.append(total)
    return cumulative


def _draw(cumulative: list[float], rng: random.Random) -> int:
    from bisect import bisect

    return min(len(cumulative) - 1, bisect(cumulative, rng.random() * cumulative[-1]))


# ---------------------------------------------------------------- who and where


def _viewer() -> User:
    """An ordinary employee: the median number of communities, among those with follows."""
    from django.db.models import Count

    from rucher.accounts.models import User

    people = list(
        User.objects.annotate(n=Count("memberships", distinct=True))
        .filter(following_links__isnull=False)
        .order_by("n", "pk")
        .values_list("pk", flat=True)
        .distinct()
    )
    return User.objects.select_related("profile").get(pk=people[len(people) // 2])


def _describe_viewer(viewer: User) -> str:
    from rucher.accounts.models import Follow
    from rucher.communities.models import Membership
    from rucher.content.models import Post

    communities = Membership.objects.filter(user=viewer).values("community_id")
    posts = Post.objects.filter(community_id__in=communities).count()
    follows = Follow.objects.filter(follower=viewer).count()
    return (
        f"an employee in {communities.count()} communities ({posts} posts) following "
        f"{follows} people"
    )


def _busiest_open_community() -> Community:
    from django.db.models import Count

    from rucher.communities.models import Community

    busiest = (
        Community.objects.filter(visibility="open")
        .annotate(n=Count("posts"))
        .order_by("-n", "pk")
        .values_list("pk", flat=True)
        .first()
    )
    return Community.objects.get(pk=busiest or 0)


# ---------------------------------------------------------------- raw SQL


# The same posts as the selectors (rucher.content.selectors._home_posts/_community_posts and
# rucher.content.policy.posts_visible_to for an employee), in the same order (newest first,
# then by id as rucher.core.pagination does), written by hand: the page's ids from the posts
# table alone, then, for those rows only, the author, profile, community and comment count.
_MY_COMMUNITIES = """
SELECT community_id FROM communities_membership
 WHERE user_id = :me AND (expires_at IS NULL OR expires_at > :now)
"""
_LIVE = "q.deleted_at IS NULL AND (q.hidden_at IS NULL OR q.author_id = :me)"


def _page_sql(where: str) -> str:
    return f"""
SELECT p.id, p.type, p.title, p.body_html, p.created_at, p.pinned_at,
       u.display_name, pr.job_title, c.name, c.slug,
       (SELECT COUNT(*) FROM content_comment cm
         WHERE cm.post_id = p.id AND cm.deleted_at IS NULL AND cm.hidden_at IS NULL) AS comments
  FROM (SELECT q.id FROM content_post q WHERE {_LIVE} AND {where}
         ORDER BY q.created_at DESC, q.id ASC LIMIT :limit) AS page
  JOIN content_post p ON p.id = page.id
  JOIN accounts_user u ON u.id = p.author_id
  LEFT JOIN accounts_profile pr ON pr.user_id = u.id
  LEFT JOIN communities_community c ON c.id = p.community_id
 ORDER BY p.created_at DESC, p.id ASC
"""


HOME_SQL = _page_sql(
    f"""(q.community_id IN ({_MY_COMMUNITIES})
        OR (q.community_id IS NULL
            AND (q.author_id IN (SELECT followed_id FROM accounts_follow WHERE follower_id = :me)
                 OR q.author_id = :me)))"""
)
COMMUNITY_SQL = _page_sql("q.community_id = :community AND q.pinned_at IS NULL")


def _home_route_sql(viewer: User) -> tuple[str, dict[str, Any]]:
    """The home feed along the selector's route (rucher.content.selectors._home_page_posts):
    the viewer's communities and follows first (one query), then the first posts of each
    community, each from its (community, created_at) index, and the profile posts of the
    people followed (read through the author index), merged and cut to the page."""
    params = _params(viewer, None)
    scope = _raw(
        "SELECT 'community', community_id FROM communities_membership WHERE user_id = :me "
        "AND (expires_at IS NULL OR expires_at > :now) "
        "UNION ALL SELECT 'person', followed_id FROM accounts_follow WHERE follower_id = :me",
        params,
    )
    communities = sorted(pk for which, pk in scope if which == "community")
    people = sorted({viewer.pk, *(pk for which, pk in scope if which == "person")})
    first = "ORDER BY q.created_at DESC, q.id ASC LIMIT :limit"
    parts = [
        f"SELECT id FROM (SELECT q.id FROM content_post q WHERE {_LIVE} "
        f"AND q.community_id = {int(community)} {first})"
        for community in communities
    ]
    authors = ", ".join(str(int(person)) for person in people)
    parts.append(
        f"SELECT id FROM (SELECT q.id FROM content_post q WHERE {_LIVE} AND q.id IN "
        f"(SELECT id FROM content_post WHERE community_id + 0 IS NULL AND author_id IN "
        f"({authors})) {first})"
    )
    return _page_sql(f"q.id IN ({' UNION ALL '.join(parts)})"), params


def _params(viewer: User, community: Community | None) -> dict[str, Any]:
    from django.utils import timezone

    return {
        "me": viewer.pk,
        "now": _stamp(timezone.now()),
        "limit": PAGE,
        "community": community.pk if community is not None else None,
    }


def _raw(sql: str, params: dict[str, Any]) -> list[tuple[Any, ...]]:
    from django.db import connection

    return list(connection.connection.execute(sql, params).fetchall())


def _plan(sql: str, params: dict[str, Any] | Sequence[Any]) -> str:
    from django.db import connection

    rows = connection.connection.execute("EXPLAIN QUERY PLAN " + sql, params).fetchall()
    return "\n".join(str(row[-1]) for row in rows)


def _selector_plan(viewer: User, community: Community | None) -> str:
    """The plan of the selector's own page query: its longest query, caught running."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from rucher.content import selectors

    with CaptureQueriesContext(connection) as captured:
        if community is None:
            selectors.home_feed(viewer=viewer, limit=PAGE)
        else:
            selectors.community_feed(viewer=viewer, community=community, limit=PAGE)
    sql = max((query["sql"] for query in captured.captured_queries), key=len)
    # Captured with its values inlined; good enough for SQLite to plan it.
    return _plan(sql, ())


# ---------------------------------------------------------------- timing


def _count_queries(action: Callable[[], object]) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        action()
    return len(captured.captured_queries)


def _time_selector(label: str, viewer: User, community: Community | None, repeat: int) -> Case:
    from rucher.content import selectors

    def feed() -> list[int]:
        if community is None:
            page = selectors.home_feed(viewer=viewer, limit=PAGE)
        else:
            page = selectors.community_feed(viewer=viewer, community=community, limit=PAGE)
        return [entry.post.pk for entry in page.items]

    sql = HOME_SQL if community is None else COMMUNITY_SQL
    params = _params(viewer, community)

    def raw() -> list[int]:
        return [row[0] for row in _raw(sql, params)]

    def raw_route() -> list[int]:
        return [row[0] for row in _raw(*_home_route_sql(viewer))]

    ids = feed()
    if ids != raw() or (community is None and ids != raw_route()):
        raise RuntimeError(f"{label}: the raw query does not return the selector's posts")
    queries = _count_queries(feed)
    # Interleaved warm-up, then each measured in the same run.
    selector_timing = measure(feed, repeat=repeat)
    raw_timing = measure(raw, repeat=repeat)
    route_timing = measure(raw_route, repeat=repeat) if community is None else None
    return Case(label, len(ids), selector_timing, queries, raw=raw_timing, raw_route=route_timing)


def _time_pages(viewer: User, community: Community, repeat: int) -> list[Case]:
    from django.test import Client
    from django.urls import NoReverseMatch, reverse

    client = Client(SERVER_NAME="localhost")
    client.force_login(viewer)
    cases: list[Case] = []
    for label, name, kwargs in (
        ("GET home feed page (content:home_feed)", "content:home_feed", {}),
        ("GET community page (communities:detail)", "communities:detail", {"slug": community.slug}),
    ):
        try:
            url = reverse(name, kwargs=kwargs)
        except NoReverseMatch:
            print(f"{name}: no such page yet, not measured over HTTP.")
            continue

        def get(url: str = url) -> int:
            response = client.get(url)
            if response.status_code != 200:
                raise RuntimeError(f"{url} answered {response.status_code}")
            return len(response.content)

        size = get()
        queries = _count_queries(get)
        cases.append(
            Case(
                f"{label} {url}",
                0,
                measure(get, repeat=repeat),
                queries,
                note=f"{size / 1024:.0f} KiB",
            )
        )
    return cases


# ---------------------------------------------------------------- output


def _tier_line(tier: Tier) -> str:
    return (
        f"{tier.people} people, {tier.communities} communities ({tier.memberships} memberships, "
        f"{tier.follows} follows), {tier.posts} posts, {tier.comments} comments, "
        f"{tier.reactions} reactions"
    )


def format_table(results: Results) -> str:
    lines = [
        f"Rucher feed benchmark: {_tier_line(results.tier)}; {results.database}",
        "Generation (bulk inserts): "
        + ", ".join(f"{k} {v:.0f} s" for k, v in results.tier.seconds.items()),
        f"Viewer: {results.viewer}. Community: {results.community}.",
        "",
        f"{'in process':<40} {'rows':>5} {'p50':>9} {'p99':>9} {'raw p50':>9} {'raw p99':>9} "
        f"{'ratio':>6} {'route p99':>10} {'ratio':>6} {'queries':>8}",
    ]
    for case in results.cases:
        assert case.raw is not None
        route = (
            f"{case.raw_route.p99_ms:>8.1f}ms {case.route_ratio or 0:>5.1f}×"
            if case.raw_route is not None
            else f"{'—':>10} {'—':>6}"
        )
        lines.append(
            f"{case.label:<40} {case.rows:>5} {case.timing.median_ms:>7.1f}ms "
            f"{case.timing.p99_ms:>7.1f}ms {case.raw.median_ms:>7.1f}ms "
            f"{case.raw.p99_ms:>7.1f}ms {case.ratio or 0:>5.1f}× {route} {case.queries:>8}"
        )
    if results.pages:
        lines += [
            "",
            f"{'over HTTP (test client)':<70} {'size':>7} {'p50':>9} {'p99':>9} {'queries':>8}",
        ]
        for case in results.pages:
            lines.append(
                f"{case.label[:70]:<70} {case.note:>7} {case.timing.median_ms:>7.1f}ms "
                f"{case.timing.p99_ms:>7.1f}ms {case.queries:>8}"
            )
    for name, plan in results.plans.items():
        lines += ["", f"Query plan, {name}:", plan]
    return "\n".join(lines)


def markdown_section(results: Results, machine: Machine, arguments: argparse.Namespace) -> str:
    tier = results.tier
    dirty = " (with uncommitted changes)" if machine.dirty else ""
    command = (
        f"python -m bench feeds --people {tier.people} --communities {tier.communities} "
        f"--posts {tier.posts} --comments {arguments.comments} --reactions {arguments.reactions} "
        f"--repeat {results.repeat} --http-repeat {results.http_repeat}"
    )
    lines = [
        f"## {time.strftime('%Y-%m-%d %H:%M %Z')} — feeds: {tier.posts:,} posts".replace(",", " "),
        "",
        f"- Commit: `{machine.commit}`{dirty}",
        f"- Machine: {machine.processors} processors (`nproc`), {machine.cpu_model}, "
        f"{machine.memory_gib:.1f} GiB memory, {machine.system}; load average "
        f"{machine.load_average:.1f} when the run started",
        f"- Database: {results.database}",
        f"- Python {machine.python}, Django {results.django}",
        f"- Command: `{command}`",
        *([f"- Change: {results.note}"] if results.note else []),
        f"- Data: {_tier_line(tier)}, written with bulk inserts, not through the services "
        "(this benchmark measures reads; the event log is empty). Generation: "
        + ", ".join(f"{k} {v:.0f} s" for k, v in tier.seconds.items())
        + ".",
        f"- Viewer: {results.viewer}. Community feed: the busiest open community "
        f"({results.community}).",
        "",
        "| In process, first page of 20 | Rows | p50 | p99 | Raw SQL p50 | Raw SQL p99 | "
        "p99 ratio | Raw, selector's route p99 | p99 ratio | Queries |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for case in results.cases:
        assert case.raw is not None
        route = (
            f"{case.raw_route.p99_ms:.1f} ms | {case.route_ratio or 0:.1f}×"
            if case.raw_route is not None
            else "— | —"
        )
        lines.append(
            f"| `{case.label.split(',')[0]}` | {case.rows} | {case.timing.median_ms:.1f} ms | "
            f"{case.timing.p99_ms:.1f} ms | {case.raw.median_ms:.1f} ms | "
            f"{case.raw.p99_ms:.1f} ms | {case.ratio or 0:.1f}× | {route} | {case.queries} |"
        )
    if results.pages:
        lines += [
            "",
            "| Over HTTP (Django test client, logged in) | Size | p50 | p99 | Queries |",
            "|---|---:|---:|---:|---:|",
        ]
        for case in results.pages:
            lines.append(
                f"| {case.label} | {case.note} | {case.timing.median_ms:.1f} ms | "
                f"{case.timing.p99_ms:.1f} ms | {case.queries} |"
            )
    lines += [
        "",
        f"p50 and p99 of {results.repeat} runs in process ({results.http_repeat} over HTTP, "
        "where p99 is about the slowest run) after one untimed warm-up run, wall clock. The "
        "raw SQL query returns the same posts, in the same order, with the author, profile, "
        "community and comment count; the selector also fetches the pinned posts and the "
        "entries' details (reactions, polls, ideas, events, read confirmations, attachments) "
        "in its other queries. Target: selector p99 within 3× the raw p99. The home feed's "
        "second raw version takes the selector's route (its communities and follows first, "
        "then the first posts of each place from the (community, created_at) index, merged).",
        "",
    ]
    return "\n".join(lines)

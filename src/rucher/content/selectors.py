"""Reading conversations: feeds, a post's page, who reacted. Every read goes through the
content policy: ``Post.objects.visible_to``, or ``policy.community_posts_visible_to`` for the
posts of one community.

**Bounded query counts.** A feed page costs a bounded number of queries whatever its
length: the page itself (authors, their profiles, the community, and the poll / idea / event
rows joined in, the comment count and whether it has attachments as subqueries), the
hashtags, the reaction counts by kind with the viewer's own reaction; then one query per kind
of detail the page holds (poll choices with their counts, the viewer's votes and the number
of voters; the viewer's idea votes; RSVP counts with the viewer's answer; read
confirmations; attachments), skipped when no post of the page needs it; plus the pinned
posts' ids on the first page of the community feed and on every page of the home feed (and
the pinned posts themselves when there are some), and the viewer's communities and follows
for the home feed. Two pages of the same mix of types cost the same, 5 posts or 50.

**The home feed's page** starts from the viewer's own scope, fetched first as two lists (their
current communities, the people they follow): it takes the first posts of each community
from the (community, date) index and merges them, rather than reading and sorting every post
of every community it may read (``_home_page_posts``). Its cost grows with the number of
communities, not with their history.

**Pinned posts.** The community feed returns its pinned posts apart, in ``FeedPage.pinned``
(most recently pinned first), on the first page only (no cursor); the paginated list never
holds them, so pages stay correct whatever is pinned or unpinned. The home feed does the same
with the pinned announcements of the viewer's current communities.

**Unanswered questions** are questions without an accepted answer, newest first (the same
cursor order as every feed: the fresh ones are the ones people can still help with).

**"3 new posts"**: ``new_posts_count`` counts the posts of a feed newer than the newest id
shown, leaving out the viewer's own posts (they saw them when writing).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from django.db.models import (
    Count,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce
from django.db.models.query import prefetch_related_objects
from django.utils import timezone

from rucher.accounts.models import Follow, User
from rucher.communities.models import Community
from rucher.communities.policy import current_community_ids
from rucher.content import policy
from rucher.content.models import (
    Attachment,
    Comment,
    EventRsvp,
    IdeaVote,
    Poll,
    PollOption,
    PollVote,
    Post,
    PostType,
    Reaction,
    ReadConfirmation,
)
from rucher.content.models import Event as PostEvent
from rucher.core.errors import NotFound
from rucher.core.pagination import DEFAULT_LIMIT, CursorPage, decode_cursor, paginate

Sort = Literal["newest", "activity"]
FeedKind = Literal["home", "community", "profile", "hashtag", "unanswered"]
ORDERINGS: dict[str, tuple[str, ...]] = {
    "newest": ("-created_at",),
    "activity": ("-last_activity_at",),
}
PINNED_ON_HOME = 5
MERGED_PARTS = 64  # the most parts of the home page query (see _home_page_posts)


# ---------------------------------------------------------------- type details


@dataclass(frozen=True)
class PollChoice:
    id: int
    label: str
    votes: int | None  # None while the results are hidden from the viewer
    mine: bool

    def percent(self, voters: int) -> int:
        return round(100 * (self.votes or 0) / voters) if voters else 0


@dataclass(frozen=True)
class PollSummary:
    multiple: bool
    closes_at: datetime | None
    is_closed: bool
    results_visible: bool  # after the viewer voted, or once the poll is closed
    choices: list[PollChoice]
    voters: int | None  # None while the results are hidden
    my_option_ids: list[int]

    @property
    def has_voted(self) -> bool:
        return bool(self.my_option_ids)


@dataclass(frozen=True)
class IdeaSummary:
    status: str
    status_label: str
    response_html: str
    vote_count: int
    voted: bool
    status_changed_at: datetime | None


@dataclass(frozen=True)
class EventSummary:
    starts_at: datetime
    ends_at: datetime | None
    time_zone: str
    place: str
    online_url: str
    cancelled: bool
    is_over: bool
    sequence: int
    counts: dict[str, int]  # going / maybe / not_going
    my_answer: str | None


@dataclass(frozen=True)
class ReadState:
    count: int
    confirmed: bool


@dataclass(frozen=True)
class FeedEntry:
    post: Post
    comment_count: int
    reaction_counts: dict[str, int] = field(default_factory=dict)
    my_reaction: str | None = None
    poll: PollSummary | None = None
    idea: IdeaSummary | None = None
    event: EventSummary | None = None
    read: ReadState | None = None  # for posts that ask for a read confirmation
    attachments: list[Attachment] = field(default_factory=list)

    @property
    def reaction_total(self) -> int:
        return sum(self.reaction_counts.values())

    @property
    def is_pinned(self) -> bool:
        return self.post.pinned_at is not None


@dataclass(frozen=True)
class FeedPage(CursorPage[FeedEntry]):
    """A page of a feed; ``pinned`` is filled on the first page of the community and home
    feeds only and is never repeated in ``items``."""

    pinned: list[FeedEntry] = field(default_factory=list)


# ---------------------------------------------------------------- details in bulk


@dataclass
class _Details:
    reactions: dict[int, dict[str, int]] = field(default_factory=dict)
    my_reactions: dict[int, str] = field(default_factory=dict)
    polls: dict[int, PollSummary] = field(default_factory=dict)
    ideas: dict[int, IdeaSummary] = field(default_factory=dict)
    events: dict[int, EventSummary] = field(default_factory=dict)
    reads: dict[int, ReadState] = field(default_factory=dict)
    attachments: dict[int, list[Attachment]] = field(default_factory=dict)


def _post_reactions(viewer: User, ids: list[int], details: _Details) -> None:
    counts: dict[int, dict[str, int]] = defaultdict(dict)
    rows = (
        Reaction.objects.filter(post_id__in=ids, comment__isnull=True)
        .values("post_id", "kind")
        .annotate(n=Count("pk"), mine=Count("pk", filter=Q(user_id=viewer.pk)))
        .order_by()
    )
    for row in rows:
        counts[row["post_id"]][row["kind"]] = row["n"]
        if row["mine"]:
            details.my_reactions[row["post_id"]] = row["kind"]
    details.reactions = dict(counts)


def _polls(viewer: User, posts: list[Post], details: _Details) -> None:
    polls = {post.pk: post.poll for post in posts if post.type == PostType.POLL}
    found = {pk: poll for pk, poll in polls.items() if poll is not None}
    if found:
        _poll_summaries(viewer, found, details, ids=list(found))


def _poll_summaries(
    viewer: User, polls: dict[int, Poll], details: _Details, *, ids: list[int]
) -> None:
    # The poll's voters (people, not votes: a multiple-choice poll counts each voter once)
    # come on each of its options' rows, in the same query.
    poll_voters = (
        PollVote.objects.filter(poll_id=OuterRef("poll_id"))
        .order_by()
        .values("poll_id")
        .annotate(n=Count("user_id", distinct=True))
        .values("n")
    )
    rows = (
        PollOption.objects.filter(poll__post_id__in=ids)
        .values("pk", "label", "position", "poll__post_id")
        .annotate(
            n_votes=Count("votes"),
            mine=Count("votes", filter=Q(votes__user_id=viewer.pk)),
            voters=Coalesce(Subquery(poll_voters, output_field=IntegerField()), Value(0)),
        )
        .order_by("poll__post_id", "position", "pk")
    )
    options: dict[int, list[Any]] = defaultdict(list)
    voters: dict[int, int] = {}
    for row in rows:
        options[row["poll__post_id"]].append(row)
        voters[row["poll__post_id"]] = row["voters"]
    now = timezone.now()
    for post_id, poll in polls.items():
        mine = [row["pk"] for row in options[post_id] if row["mine"]]
        closed = poll.is_closed(now)
        visible = closed or bool(mine)
        details.polls[post_id] = PollSummary(
            multiple=poll.multiple,
            closes_at=poll.closes_at,
            is_closed=closed,
            results_visible=visible,
            choices=[
                PollChoice(
                    id=row["pk"],
                    label=row["label"],
                    votes=row["n_votes"] if visible else None,
                    mine=bool(row["mine"]),
                )
                for row in options[post_id]
            ],
            voters=voters.get(post_id, 0) if visible else None,
            my_option_ids=mine,
        )


def _ideas(viewer: User, posts: list[Post], details: _Details) -> None:
    ideas = {post.pk: post.idea for post in posts if post.type == PostType.IDEA}
    ideas = {pk: idea for pk, idea in ideas.items() if idea is not None}
    if not ideas:
        return
    voted = set(
        IdeaVote.objects.filter(idea__post_id__in=list(ideas), user_id=viewer.pk).values_list(
            "idea__post_id", flat=True
        )
    )
    for post_id, idea in ideas.items():
        details.ideas[post_id] = IdeaSummary(
            status=idea.status,
            status_label=idea.get_status_display(),
            response_html=idea.response_html,
            vote_count=idea.vote_count,
            voted=post_id in voted,
            status_changed_at=idea.status_changed_at,
        )


def _events(viewer: User, posts: list[Post], details: _Details) -> None:
    found = {post.pk: post.event for post in posts if post.type == PostType.EVENT}
    found = {pk: event for pk, event in found.items() if event is not None}
    if not found:
        return
    counts: dict[int, dict[str, int]] = defaultdict(dict)
    mine: dict[int, str] = {}
    rows = (
        EventRsvp.objects.filter(event__post_id__in=list(found))
        .values("event__post_id", "answer")
        .annotate(n=Count("pk"), mine=Count("pk", filter=Q(user_id=viewer.pk)))
        .order_by()
    )
    for row in rows:
        counts[row["event__post_id"]][row["answer"]] = row["n"]
        if row["mine"]:
            mine[row["event__post_id"]] = row["answer"]
    now = timezone.now()
    for post_id, event in found.items():
        details.events[post_id] = _event_summary(event, counts[post_id], mine.get(post_id), now)


def _event_summary(
    event: PostEvent, counts: dict[str, int], mine: str | None, now: datetime
) -> EventSummary:
    return EventSummary(
        starts_at=event.starts_at,
        ends_at=event.ends_at,
        time_zone=event.time_zone,
        place=event.place,
        online_url=event.online_url,
        cancelled=event.cancelled_at is not None,
        is_over=(event.ends_at or event.starts_at) <= now,
        sequence=event.sequence,
        counts={"going": 0, "maybe": 0, "not_going": 0, **counts},
        my_answer=mine,
    )


def _reads(viewer: User, posts: list[Post], details: _Details) -> None:
    asking = [post.pk for post in posts if post.asks_read_confirmation]
    if not asking:
        return
    rows = (
        ReadConfirmation.objects.filter(post_id__in=asking)
        .values("post_id")
        .annotate(n=Count("pk"), mine=Count("pk", filter=Q(user_id=viewer.pk)))
        .order_by()
    )
    found = {row["post_id"]: row for row in rows}
    for post_id in asking:
        row = found.get(post_id)
        details.reads[post_id] = ReadState(
            count=row["n"] if row else 0, confirmed=bool(row and row["mine"])
        )


def _post_attachments(posts: list[Post], details: _Details) -> None:
    # ``has_attachments`` comes with the page (``_feed_queryset``); a post fetched otherwise
    # is asked about.
    ids = [post.pk for post in posts if getattr(post, "has_attachments", True)]
    if not ids:
        return
    attachments: dict[int, list[Attachment]] = defaultdict(list)
    for attachment in Attachment.objects.filter(post_id__in=ids, comment__isnull=True):
        assert attachment.post_id is not None
        attachments[attachment.post_id].append(attachment)
    details.attachments = dict(attachments)


def _details(viewer: User, posts: list[Post]) -> _Details:
    details = _Details()
    ids = [post.pk for post in posts]
    if not ids:
        return details
    prefetch_related_objects(posts, "hashtags")
    _post_reactions(viewer, ids, details)
    _polls(viewer, posts, details)
    _ideas(viewer, posts, details)
    _events(viewer, posts, details)
    _reads(viewer, posts, details)
    _post_attachments(posts, details)
    return details


def _entry(post: Post, details: _Details) -> FeedEntry:
    return FeedEntry(
        post=post,
        comment_count=getattr(post, "comment_count", 0),
        reaction_counts=dict(details.reactions.get(post.pk, {})),
        my_reaction=details.my_reactions.get(post.pk),
        poll=details.polls.get(post.pk),
        idea=details.ideas.get(post.pk),
        event=details.events.get(post.pk),
        read=details.reads.get(post.pk),
        attachments=details.attachments.get(post.pk, []),
    )


def _feed_queryset(posts: QuerySet[Post]) -> QuerySet[Post]:
    live_comments = (
        Comment.objects.filter(post=OuterRef("pk"), deleted_at__isnull=True, hidden_at__isnull=True)
        .order_by()
        .values("post")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return posts.select_related(
        "author", "author__profile", "community", "poll", "idea", "event"
    ).annotate(
        comment_count=Coalesce(Subquery(live_comments, output_field=IntegerField()), Value(0)),
        has_attachments=Exists(Attachment.objects.filter(post=OuterRef("pk"), comment=None)),
    )


def _pinned(posts: QuerySet[Post]) -> list[Post]:
    """The pinned ones of ``posts`` (a queryset through the policy), most recently pinned
    first. Most places have none: their ids come first, in a query much cheaper to build
    than a page's, and the posts with all they show only when there are some."""
    ids = list(
        posts.filter(pinned_at__isnull=False)
        .order_by("-pinned_at", "-id")
        .values_list("pk", flat=True)
    )
    if not ids:
        return []
    found = {post.pk: post for post in _feed_queryset(Post.objects.filter(pk__in=ids))}
    return [found[pk] for pk in ids if pk in found]


def _feed(
    viewer: User,
    posts: QuerySet[Post],
    *,
    cursor: str | None,
    limit: int,
    sort: Sort,
    pinned: list[Post] | None = None,
) -> FeedPage:
    """A page of ``posts``; ``pinned`` (already fetched) shown apart on the first page."""
    page = paginate(_feed_queryset(posts), cursor=cursor, limit=limit, ordering=_ordering(sort))
    shown_pinned = pinned if pinned and not cursor else []
    details = _details(viewer, [*shown_pinned, *page.items])
    return FeedPage(
        items=[_entry(post, details) for post in page.items],
        next=page.next,
        pinned=[_entry(post, details) for post in shown_pinned],
    )


def _ordering(sort: Sort) -> tuple[str, ...]:
    return ORDERINGS.get(sort, ORDERINGS["newest"])


def entries(viewer: User, posts: list[Post]) -> list[FeedEntry]:
    """Feed entries for posts already fetched through ``_feed_queryset``-like queries (for
    other lists, e.g. search results): the details cost a bounded number of queries."""
    details = _details(viewer, posts)
    return [_entry(post, details) for post in posts]


# ---------------------------------------------------------------- the home feed's scope


@dataclass(frozen=True)
class _Scope:
    """Where the viewer's home feed reads: their current communities, and the profile posts
    of the people they follow and their own."""

    communities: list[int]
    people: list[int]


def _scope(viewer: User) -> _Scope:
    """One query for both lists (a UNION ALL of the memberships and the follows)."""
    communities = (
        current_community_ids(viewer)
        .annotate(list=Value(1, output_field=IntegerField()))
        .values_list("list", "community_id")
    )
    followed = (
        Follow.objects.filter(follower_id=viewer.pk)
        .annotate(list=Value(2, output_field=IntegerField()))
        .values_list("list", "followed_id")
    )
    ids: dict[int, set[int]] = {1: set(), 2: {viewer.pk}}
    for which, pk in communities.union(followed, all=True):
        ids[which].add(pk)
    return _Scope(communities=sorted(ids[1]), people=sorted(ids[2]))


def _home_posts(viewer: User, scope: _Scope, *, after_id: int = 0) -> QuerySet[Post]:
    """Every post of the home feed (with an id above ``after_id``), for counting: the scope's
    lists inside, the policy outside. Given both in one filter, SQLite may drive the query
    from the policy's "any readable community" and read every open community's posts."""
    mine = Post.objects.filter(
        Q(community_id__in=scope.communities)
        | Q(community__isnull=True, author_id__in=scope.people),
        pk__gt=after_id,
    )
    return Post.objects.visible_to(viewer).filter(pk__in=mine.values("pk"))


def _after(cursor: str, key: str) -> Q:
    """The posts after ``cursor`` in the order ``paginate`` gives them (``key``, then the id
    ascending), spelled ``key <= v AND (key < v OR id > last)`` for a descending key: a range
    over the (community, key) indexes."""
    value, last = decode_cursor(cursor, model=Post, keys=[key, "id"])
    name = key.lstrip("-")
    if key.startswith("-"):
        return Q(**{f"{name}__lte": value}) & (Q(**{f"{name}__lt": value}) | Q(pk__gt=last))
    return Q(**{f"{name}__gte": value}) & (Q(**{f"{name}__gt": value}) | Q(pk__gt=last))


def _home_page_posts(
    viewer: User,
    scope: _Scope,
    *,
    cursor: str | None,
    limit: int,
    sort: Sort,
    excluded: list[int],
) -> QuerySet[Post]:
    """The posts that may be on this page of the home feed: the first ``limit + 1`` (after
    the cursor) of each community of the scope, each read from the (community, key) index,
    and of the profile posts of the scope's people; ``paginate`` then sorts those few and
    keeps the page. Reading every post of the viewer's communities to sort them (what
    ``_home_posts`` would cost) grows with their history; this grows with the number of
    communities only (see BENCHMARKS.md, "feeds").

    Each part applies ``policy.live_posts``, so that it holds the first posts a reader of
    that place sees; the whole goes through ``Post.objects.visible_to`` (the policy decides
    which places the viewer reads; a member's communities are readable by definition, but
    nothing here counts on it).

    Beyond ``MERGED_PARTS`` communities, several share a part (``community_id IN (...)``, a
    sort of their posts): the query stays bounded, and slower for those few viewers.
    """
    key = _ordering(sort)[0]
    # Filtered and ordered once; each part adds its place and its LIMIT. A part costs about
    # half a millisecond of Python (building and compiling it), its SQL a few hundredths.
    posts = policy.live_posts(viewer, Post.objects.all())
    if cursor:
        posts = posts.filter(_after(cursor, key))
    if excluded:
        posts = posts.exclude(pk__in=excluded)
    posts = posts.order_by(key, "pk")

    def first(part: QuerySet[Post]) -> QuerySet[Post, Any]:
        # Wrapped: SQLite takes no LIMIT in the parts of a UNION, but takes one in IN (...).
        return Post.objects.filter(pk__in=part.values("pk")[: limit + 1]).values("pk")

    communities = scope.communities
    size = max(1, -(-len(communities) // MERGED_PARTS))
    parts = [
        first(posts.filter(community_id__in=communities[i : i + size]))
        for i in range(0, len(communities), size)
    ]
    # Profile posts: selected without an order first, then ordered and cut like the others.
    # SQLite must read them through the author index: its statistics take "community IS
    # NULL" for one community among many, where it is the 8 % of the table that profile
    # posts are. Asked for them "newest first", or by more than a few authors, its planner
    # walks every profile post instead (120 ms at 1 000 000 posts). "community_id + 0"
    # keeps it off the community indexes (see the index proposed in BENCHMARKS.md).
    profile = Post.objects.alias(
        place=ExpressionWrapper(F("community_id") + 0, output_field=IntegerField())
    ).filter(place__isnull=True, author_id__in=scope.people)
    parts.append(first(posts.filter(pk__in=profile.values("pk"))))
    merged = parts[0].union(*parts[1:], all=True) if len(parts) > 1 else parts[0]
    return Post.objects.visible_to(viewer).filter(pk__in=merged)


def _home_pinned(viewer: User, scope: _Scope) -> list[Post]:
    """The pinned announcements of the viewer's communities, the latest few. Most of the time
    there are none: a plain look at the ids first (no policy: it shows nothing), then the
    posts through the policy only when there are some. The scope inside, the policy outside:
    given both in one filter, SQLite may drive the query from the policy's "any readable
    community" and read every open community's posts."""
    if not scope.communities:
        return []
    ids = list(
        Post.objects.filter(
            community_id__in=scope.communities, type=PostType.ANNOUNCEMENT, pinned_at__isnull=False
        ).values_list("pk", flat=True)
    )
    if not ids:
        return []
    pinned = _feed_queryset(Post.objects.visible_to(viewer).filter(pk__in=ids))
    return list(pinned.order_by("-pinned_at", "-id")[:PINNED_ON_HOME])


# ---------------------------------------------------------------- feeds


def _community_posts(viewer: User, community: Community) -> QuerySet[Post]:
    return policy.community_posts_visible_to(viewer, community, Post.objects.all())


def _profile_posts(viewer: User, person: User) -> QuerySet[Post]:
    return Post.objects.visible_to(viewer).filter(author_id=person.pk)


def _hashtag_posts(viewer: User, tag_slug: str) -> QuerySet[Post]:
    return Post.objects.visible_to(viewer).filter(hashtags__slug=tag_slug)


def _unanswered_posts(viewer: User, community: Community | None) -> QuerySet[Post]:
    posts = Post.objects.visible_to(viewer).filter(
        type=PostType.QUESTION, accepted_answer__isnull=True
    )
    if community is not None:
        return posts.filter(community=community)
    return posts.filter(community_id__in=current_community_ids(viewer))


def community_feed(
    *,
    viewer: User,
    community: Community,
    cursor: str | None = None,
    limit: int = DEFAULT_LIMIT,
    sort: Sort = "newest",
) -> FeedPage:
    """A community's posts the viewer may read (none if they may not read the community);
    its pinned posts apart in ``pinned`` on the first page."""
    posts = _community_posts(viewer, community)
    # The page never holds pinned posts: their query is for the first page only.
    pinned = _pinned(posts) if not cursor else []
    return _feed(
        viewer,
        posts.filter(pinned_at__isnull=True),
        cursor=cursor,
        limit=limit,
        sort=sort,
        pinned=pinned,
    )


def home_feed(
    *,
    viewer: User,
    cursor: str | None = None,
    limit: int = DEFAULT_LIMIT,
    sort: Sort = "newest",
) -> FeedPage:
    """Posts of my current communities, and the profile posts of the people I follow and
    my own. The pinned announcements of my communities (the latest few) come apart in
    ``pinned`` on the first page, and are never in the list (on any page)."""
    scope = _scope(viewer)
    pinned = _home_pinned(viewer, scope)
    posts = _home_page_posts(
        viewer,
        scope,
        cursor=cursor,
        limit=limit,
        sort=sort,
        excluded=[post.pk for post in pinned],
    )
    return _feed(viewer, posts, cursor=cursor, limit=limit, sort=sort, pinned=pinned)


def profile_feed(
    *,
    viewer: User,
    person: User,
    cursor: str | None = None,
    limit: int = DEFAULT_LIMIT,
    sort: Sort = "newest",
) -> FeedPage:
    """What ``person`` wrote that the viewer may read: profile posts and posts in the
    communities the viewer reads."""
    return _feed(viewer, _profile_posts(viewer, person), cursor=cursor, limit=limit, sort=sort)


def hashtag_feed(
    *,
    viewer: User,
    tag_slug: str,
    cursor: str | None = None,
    limit: int = DEFAULT_LIMIT,
    sort: Sort = "newest",
) -> FeedPage:
    return _feed(viewer, _hashtag_posts(viewer, tag_slug), cursor=cursor, limit=limit, sort=sort)


def unanswered_questions(
    *,
    viewer: User,
    community: Community | None = None,
    cursor: str | None = None,
    limit: int = DEFAULT_LIMIT,
) -> FeedPage:
    """Questions without an accepted answer, newest first: in ``community``, or across the
    viewer's current communities."""
    return _feed(
        viewer, _unanswered_posts(viewer, community), cursor=cursor, limit=limit, sort="newest"
    )


def new_posts_count(
    *,
    viewer: User,
    feed: FeedKind,
    after_id: int,
    community: Community | None = None,
    person: User | None = None,
    tag_slug: str = "",
) -> int:
    """How many posts of a feed are newer than ``after_id`` (the newest one shown), not
    counting the viewer's own. ``community`` is required for the community feed, ``person``
    for the profile feed, ``tag_slug`` for the hashtag feed (0 when missing)."""
    posts: QuerySet[Post]
    if feed == "home":
        posts = _home_posts(viewer, _scope(viewer), after_id=after_id or 0)
    elif feed == "community" and community is not None:
        posts = _community_posts(viewer, community)
    elif feed == "profile" and person is not None:
        posts = _profile_posts(viewer, person)
    elif feed == "hashtag" and tag_slug:
        posts = _hashtag_posts(viewer, tag_slug)
    elif feed == "unanswered":
        posts = _unanswered_posts(viewer, community)
    else:
        return 0
    if feed != "profile":
        posts = posts.exclude(author_id=viewer.pk)
    return posts.filter(pk__gt=after_id or 0).order_by().count()


# ---------------------------------------------------------------- a post's page


CommentState = Literal["visible", "hidden", "removed"]


@dataclass
class CommentView:
    """A comment as the viewer sees it. ``state``: "visible"; "hidden" (hidden by a
    moderator, shown only to its author and the moderators); "removed" (deleted, or hidden
    from this viewer, kept as a placeholder because it has replies: no text, no author)."""

    comment: Comment
    state: CommentState
    replies: list[CommentView] = field(default_factory=list)
    reaction_counts: dict[str, int] = field(default_factory=dict)
    my_reaction: str | None = None
    attachments: list[Attachment] = field(default_factory=list)
    is_accepted: bool = False

    @property
    def reaction_total(self) -> int:
        return sum(self.reaction_counts.values())


@dataclass(frozen=True)
class PostView:
    entry: FeedEntry  # the post, its reaction counts, my reaction and the type details
    comments: list[CommentView]
    comment_count: int  # live comments shown as "visible" to everybody
    moderates: bool  # the viewer may moderate this place (sees hidden comments)

    @property
    def post(self) -> Post:
        return self.entry.post


def _comment_state(comment: Comment, viewer: User, moderates: bool) -> CommentState | None:
    if comment.deleted_at is not None:
        return None
    if comment.hidden_at is not None:
        return "hidden" if (moderates or comment.author_id == viewer.pk) else None
    return "visible"


def post_detail(*, viewer: User, post_id: int) -> PostView:
    """A post's page, in a fixed number of queries whatever the number of comments."""
    try:
        post = (
            _feed_queryset(Post.objects.visible_to(viewer))
            .select_related("deleted_by", "hidden_by")
            .get(pk=post_id)
        )
    except (Post.DoesNotExist, ValueError, TypeError):
        raise NotFound("post") from None
    details = _details(viewer, [post])
    moderates = policy.can_manage_place(viewer, post.community)
    rows = list(
        Comment.objects.filter(post=post)
        .select_related("author", "author__profile")
        .order_by("created_at", "id")
    )
    reactions: dict[int, dict[str, int]] = defaultdict(dict)
    mine: dict[int, str] = {}
    if rows:
        counted = (
            Reaction.objects.filter(post=post, comment__isnull=False)
            .values("comment_id", "kind")
            .annotate(n=Count("pk"), mine=Count("pk", filter=Q(user_id=viewer.pk)))
            .order_by()
        )
        for row in counted:
            reactions[row["comment_id"]][row["kind"]] = row["n"]
            if row["mine"]:
                mine[row["comment_id"]] = row["kind"]
    attachments: dict[int, list[Attachment]] = defaultdict(list)
    if rows:
        for attachment in Attachment.objects.filter(comment__post=post):
            assert attachment.comment_id is not None
            attachments[attachment.comment_id].append(attachment)
    views: dict[int, CommentView] = {}
    for comment in rows:
        state = _comment_state(comment, viewer, moderates)
        if state is None:
            continue
        views[comment.pk] = CommentView(
            comment=comment,
            state=state,
            reaction_counts=dict(reactions.get(comment.pk, {})),
            my_reaction=mine.get(comment.pk),
            attachments=attachments.get(comment.pk, []),
            is_accepted=comment.pk == post.accepted_answer_id,
        )
    replies_of: dict[int, list[CommentView]] = defaultdict(list)
    for comment in rows:
        if comment.parent_id is not None and comment.pk in views:
            replies_of[comment.parent_id].append(views[comment.pk])
    top: list[CommentView] = []
    for comment in rows:
        if comment.parent_id is not None:
            continue
        view = views.get(comment.pk)
        replies = replies_of.get(comment.pk, [])
        if view is None:
            if not replies:
                continue
            view = CommentView(comment=comment, state="removed")
        view.replies = replies
        top.append(view)
    count = sum(1 for view in views.values() if view.state == "visible")
    return PostView(
        entry=_entry(post, details), comments=top, comment_count=count, moderates=moderates
    )


def poll_results(*, viewer: User, post: Post) -> PollSummary | None:
    """A poll's choices; the counts only once the viewer voted or the poll is closed."""
    poll = Poll.objects.filter(post_id=post.pk).first() if post.type == PostType.POLL else None
    if poll is None:
        return None
    details = _Details()
    _poll_summaries(viewer, {post.pk: poll}, details, ids=[post.pk])
    return details.polls.get(post.pk)


def reactors(*, viewer: User, post_id: int, comment_id: int | None = None) -> dict[str, list[User]]:
    """Who reacted to a post (or one of its comments), by kind, among the people the viewer
    may see. ``NotFound`` when the viewer may not read the item."""
    if comment_id is not None:
        comment = policy.access_comment(user=viewer, comment_id=comment_id)
        if comment.post_id != post_id:
            raise NotFound("comment")
        item = Q(comment_id=comment.pk)
    else:
        post = policy.access_post(user=viewer, post_id=post_id)
        item = Q(post_id=post.pk, comment__isnull=True)
    visible = User.objects.visible_to(viewer).values("pk")
    rows = (
        Reaction.objects.filter(item, user_id__in=visible)
        .select_related("user", "user__profile")
        .order_by("created_at", "id")
    )
    by_kind: dict[str, list[User]] = defaultdict(list)
    for reaction in rows:
        by_kind[reaction.kind].append(reaction.user)
    return dict(by_kind)

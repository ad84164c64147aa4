"""Reading conversations: feeds. Every read goes through ``Post.objects.visible_to``.

A feed page costs a fixed number of queries whatever its length: the page itself (authors,
their profiles and the community joined in, the comment count as a subquery), the hashtags,
the reaction counts by kind and the viewer's own reactions (one query each).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Literal

from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from rucher.accounts.models import Follow, User
from rucher.communities.models import Community
from rucher.communities.policy import current_community_ids
from rucher.content.models import Comment, Post, Reaction
from rucher.core.pagination import DEFAULT_LIMIT, CursorPage, paginate

Sort = Literal["newest", "activity"]
ORDERINGS: dict[str, tuple[str, ...]] = {
    "newest": ("-created_at",),
    "activity": ("-last_activity_at",),
}


@dataclass(frozen=True)
class FeedEntry:
    post: Post
    comment_count: int
    reaction_counts: dict[str, int] = field(default_factory=dict)
    my_reaction: str | None = None

    @property
    def reaction_total(self) -> int:
        return sum(self.reaction_counts.values())


def _feed_queryset(posts: QuerySet[Post]) -> QuerySet[Post]:
    live_comments = (
        Comment.objects.filter(post=OuterRef("pk"), deleted_at__isnull=True)
        .order_by()
        .values("post")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return (
        posts.select_related("author", "author__profile", "community")
        .prefetch_related("hashtags")
        .annotate(
            comment_count=Coalesce(Subquery(live_comments, output_field=IntegerField()), Value(0))
        )
    )


def _entries(viewer: User, page: CursorPage[Post]) -> CursorPage[FeedEntry]:
    ids = [post.pk for post in page.items]
    counts: dict[int, dict[str, int]] = defaultdict(dict)
    mine: dict[int, str] = {}
    if ids:
        rows = (
            Reaction.objects.filter(post_id__in=ids, comment__isnull=True)
            .values("post_id", "kind")
            .annotate(n=Count("pk"))
            .order_by()
        )
        for row in rows:
            counts[row["post_id"]][row["kind"]] = row["n"]
        mine = dict(
            Reaction.objects.filter(
                post_id__in=ids, comment__isnull=True, user_id=viewer.pk
            ).values_list("post_id", "kind")
        )
    return page.map(
        lambda post: FeedEntry(
            post=post,
            comment_count=getattr(post, "comment_count", 0),
            reaction_counts=dict(counts.get(post.pk, {})),
            my_reaction=mine.get(post.pk),
        )
    )


def community_feed(
    *,
    viewer: User,
    community: Community,
    cursor: str | None = None,
    limit: int = DEFAULT_LIMIT,
    sort: Sort = "newest",
) -> CursorPage[FeedEntry]:
    """A community's posts the viewer may read (none if they may not read the community).

    Pinned posts first is for later.
    """
    posts = _feed_queryset(Post.objects.visible_to(viewer).filter(community=community))
    page = paginate(posts, cursor=cursor, limit=limit, ordering=ORDERINGS[sort])
    return _entries(viewer, page)


def home_feed(
    *, viewer: User, cursor: str | None = None, limit: int = DEFAULT_LIMIT
) -> CursorPage[FeedEntry]:
    """Posts of my current communities, and the profile posts of the people I follow and
    my own, newest first."""
    followed = Follow.objects.filter(follower_id=viewer.pk).values("followed_id")
    mine = Q(community_id__in=current_community_ids(viewer)) | Q(
        Q(author_id__in=followed) | Q(author_id=viewer.pk), community__isnull=True
    )
    posts = _feed_queryset(Post.objects.visible_to(viewer).filter(mine))
    page = paginate(posts, cursor=cursor, limit=limit, ordering=ORDERINGS["newest"])
    return _entries(viewer, page)

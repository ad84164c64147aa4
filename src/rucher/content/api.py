"""Conversations in the JSON API: feeds, posts of every type, comments, reactions, questions,
polls, ideas, events, announcements, attachments, moderation and mention suggestions.

Every read goes through the access policy (``policy.access_post``, ``Post.objects.visible_to``)
and the selectors, every write through a service; this module translates between HTTP and
those functions, and presents what was read.

A post (or comment, attachment, community) the caller may not read answers exactly as a
missing one: the same 404, byte for byte. Input checks that do not depend on the object run
before the lookup (ninja validates the body first), checks that do run after it.

The ``permissions`` flags of a post or comment tell clients which buttons to show; they are
computed for a whole page at once (a fixed number of queries) from the same rules as
``rucher.content.policy``, and the services decide again on every write.
"""

from __future__ import annotations

import dataclasses
import datetime
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, cast

from django.db.models import Count, Exists, OuterRef, Q
from django.http import HttpRequest, HttpResponse
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import File, Query, Router, Status
from ninja.files import UploadedFile

from rucher.accounts.models import User
from rucher.accounts.policy import access_person, people_listable_by
from rucher.accounts.schemas import PersonRef
from rucher.api_schemas import ObjectId, errors
from rucher.communities.models import MANAGING_ROLES, Community, Membership
from rucher.communities.policy import access_community
from rucher.communities.schemas import CommunityRef
from rucher.content import ics, moderation, policy, selectors, services
from rucher.content.attachments import attachment_response, attachment_upload, content_disposition
from rucher.content.models import (
    Attachment,
    Comment,
    Post,
    PostRevision,
    PostType,
    Reaction,
    ReactionKind,
    Report,
    RsvpAnswer,
)
from rucher.content.schemas import (
    AcceptedAnswerIn,
    AnnouncementOut,
    AttachmentOut,
    AuthorOut,
    CommentIn,
    CommentOut,
    CommentPage,
    CommentPatch,
    CommentPermissionsOut,
    CommentsLockOut,
    DeletedOut,
    DeleteIn,
    DismissIn,
    EventIn,
    EventOut,
    FeedPage,
    FeedQuery,
    HiddenItemOut,
    HiddenOut,
    HiddenStateOut,
    HideIn,
    IcsOut,
    IdeaOut,
    IdeaStatusIn,
    MentionQuery,
    MentionSuggestionOut,
    ModeratedItemOut,
    ModerationQuery,
    NewPostsOut,
    NewPostsQuery,
    PollIn,
    PollOptionOut,
    PollOut,
    PollVoteIn,
    PostDetailOut,
    PostIn,
    PostOut,
    PostPage,
    PostPatch,
    PostPermissionsOut,
    QueueItemOut,
    ReactionCountsOut,
    ReactionIn,
    ReactionStateOut,
    ReactorOut,
    ReplyOut,
    ReportIn,
    ReportOut,
    RestoreIn,
    RevisionOut,
    RevisionPage,
    RsvpIn,
    UnansweredQuery,
)
from rucher.core.errors import Forbidden, NotFound
from rucher.core.markdown import mention
from rucher.core.pagination import PageParams, paginate

router = Router(tags=["posts"])
FEEDS = ["feeds"]
COMMENTS = ["comments"]
REACTIONS = ["reactions"]
TYPES = ["post types"]
ATTACHMENTS = ["attachments"]
MODERATION = ["moderation"]
MENTIONS = ["mentions"]


def _viewer(request: HttpRequest) -> User:
    # Both authenticators of the API return the active User they recognised.
    return cast(User, request.auth)  # type: ignore[attr-defined]


def _aware(value: datetime.datetime | None, zone: str | None = None) -> datetime.datetime | None:
    """A naive time read in ``zone`` (an event's) or the server's; an aware one as is."""
    if value is None or timezone.is_aware(value):
        return value
    if zone:
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        try:
            return value.replace(tzinfo=ZoneInfo(zone))
        except (ZoneInfoNotFoundError, ValueError):
            pass  # the service names the unknown zone
    return timezone.make_aware(value)


# ---------------------------------------------------------------- presenting people, files


def _photo_url(person: User) -> str | None:
    profile = getattr(person, "profile", None)
    if profile is None or not profile.photo:
        return None
    try:
        return reverse("directory:photo", kwargs={"person_id": person.pk, "size": "small"})
    except NoReverseMatch:
        return None


def _author(person: User) -> AuthorOut:
    """Load people with ``profile`` joined, or each costs a query."""
    return AuthorOut(
        id=person.pk,
        display_name=person.display_name,
        photo_url=_photo_url(person),
        is_active=person.is_active,
    )


def _community_ref(community: Community | None) -> CommunityRef | None:
    if community is None:
        return None
    return CommunityRef(id=community.pk, slug=community.slug, name=community.name)


def _attachment_out(attachment: Attachment) -> AttachmentOut:
    url = reverse("api:attachments_get", kwargs={"attachment_id": attachment.pk})
    return AttachmentOut(
        id=attachment.pk,
        name=attachment.name,
        content_type=attachment.content_type,
        size=attachment.size,
        is_image=attachment.is_image,
        width=attachment.width,
        height=attachment.height,
        url=url,
        thumbnail_url=f"{url}?thumbnail=true" if attachment.is_image else None,
        created_at=attachment.created_at,
    )


def _counts(by_kind: dict[str, int]) -> ReactionCountsOut:
    return ReactionCountsOut(**{kind: by_kind.get(kind, 0) for kind in ReactionKind.values})


# ---------------------------------------------------------------- presenting posts


def _managed_ids(viewer: User, community_ids: Iterable[int | None]) -> set[int]:
    """Which of these communities the viewer manages (one query)."""
    wanted = {pk for pk in community_ids if pk is not None}
    if not wanted or viewer.is_admin:
        return set()
    rows = Membership.objects.current().filter(
        user_id=viewer.pk, community_id__in=wanted, role__in=MANAGING_ROLES
    )
    return set(rows.values_list("community_id", flat=True))


@dataclass(frozen=True)
class _Rights:
    """Who manages what, for a page of posts: the content policy's managers (the
    community's owners and animators; administrators everywhere, alone on profile posts)."""

    viewer: User
    managed: frozenset[int]

    @classmethod
    def of(cls, viewer: User, posts: Iterable[Post]) -> _Rights:
        return cls(viewer, frozenset(_managed_ids(viewer, (post.community_id for post in posts))))

    def manages(self, community_id: int | None) -> bool:
        if self.viewer.is_admin:
            return True
        return community_id is not None and community_id in self.managed


def _poll_out(summary: selectors.PollSummary | None) -> PollOut | None:
    if summary is None:
        return None
    # The selector already hides the counts until the viewer voted or the poll closed.
    return PollOut(
        multiple=summary.multiple,
        closes_at=summary.closes_at,
        closed=summary.is_closed,
        results_visible=summary.results_visible,
        voter_count=summary.voters if summary.results_visible else None,
        options=[
            PollOptionOut(
                id=choice.id,
                label=choice.label,
                votes=choice.votes if summary.results_visible else None,
                mine=choice.mine,
            )
            for choice in summary.choices
        ],
    )


def _idea_out(post: Post, summary: selectors.IdeaSummary | None) -> IdeaOut | None:
    if summary is None:
        return None
    return IdeaOut(
        status=summary.status,
        response=post.idea.response,
        response_html=summary.response_html,
        status_changed_at=summary.status_changed_at,
        vote_count=summary.vote_count,
        voted=summary.voted,
    )


def _event_out(post: Post, summary: selectors.EventSummary | None) -> EventOut | None:
    if summary is None:
        return None
    return EventOut(
        starts_at=summary.starts_at,
        ends_at=summary.ends_at,
        time_zone=summary.time_zone,
        place=summary.place,
        online_url=summary.online_url,
        cancelled_at=post.event.cancelled_at,
        is_over=summary.is_over,
        going_count=summary.counts.get(RsvpAnswer.GOING, 0),
        maybe_count=summary.counts.get(RsvpAnswer.MAYBE, 0),
        not_going_count=summary.counts.get(RsvpAnswer.NOT_GOING, 0),
        my_rsvp=summary.my_answer,
        ics_url=reverse("api:events_ics", kwargs={"post_id": post.pk}),
    )


def _announcement_out(entry: selectors.FeedEntry) -> AnnouncementOut | None:
    post = entry.post
    if post.type != PostType.ANNOUNCEMENT and not post.asks_read_confirmation:
        return None
    return AnnouncementOut(
        asks_read_confirmation=post.asks_read_confirmation,
        read_confirmed=bool(entry.read and entry.read.confirmed),
        read_count=entry.read.count if entry.read else 0,
    )


def _post_permissions(rights: _Rights, entry: selectors.FeedEntry) -> PostPermissionsOut:
    """The rules of ``rucher.content.policy``, for a post the viewer read (hence whose place
    they read), without a query per post."""
    post, viewer = entry.post, rights.viewer
    community = post.community
    manages = rights.manages(post.community_id)
    is_author = post.author_id == viewer.pk
    live = post.deleted_at is None
    open_place = community is None or not community.is_archived
    can_react = live and post.hidden_at is None and open_place  # policy.can_react
    can_comment = can_react and not post.comments_locked  # policy.can_comment
    runs = live and open_place and (is_author or manages)  # policy.can_run
    poll, event = entry.poll, entry.event
    return PostPermissionsOut(
        can_edit=is_author and live,
        can_delete=live and (is_author or manages),
        can_comment=can_comment,
        can_react=can_react,
        can_report=can_react and not is_author,
        can_moderate=live and manages,
        can_accept_answer=post.type == PostType.QUESTION and can_comment and (is_author or manages),
        can_pin=live and community is not None and open_place and manages,
        can_vote=can_react
        and ((poll is not None and not poll.is_closed) or entry.idea is not None),
        can_close_poll=poll is not None and not poll.is_closed and runs,
        can_set_idea_status=entry.idea is not None and live and open_place and manages,
        can_rsvp=can_react and event is not None and not event.cancelled and not event.is_over,
        can_cancel_event=event is not None and not event.cancelled and runs,
        can_confirm_read=post.asks_read_confirmation
        and can_react
        and not (entry.read and entry.read.confirmed),
    )


def _post_fields(rights: _Rights, entry: selectors.FeedEntry) -> dict[str, Any]:
    """``entry.post`` comes from the selectors: author (and profile) and community joined,
    hashtags prefetched."""
    post = entry.post
    hidden = None
    if post.hidden_at is not None and post.author_id == rights.viewer.pk:
        hidden = HiddenOut(hidden_at=post.hidden_at, reason=post.hidden_reason)
    return {
        "id": post.pk,
        "type": post.type,
        "title": post.title,
        "body": post.body,
        "body_html": post.body_html,
        "community": _community_ref(post.community),
        "author": _author(post.author),
        "hashtags": [tag.slug for tag in post.hashtags.all()],
        "created_at": post.created_at,
        "edited_at": post.edited_at,
        "last_activity_at": post.last_activity_at,
        "pinned_at": post.pinned_at,
        "comments_locked": post.comments_locked,
        "hidden": hidden,
        "comment_count": entry.comment_count,
        "reactions": _counts(entry.reaction_counts),
        "reaction_total": entry.reaction_total,
        "my_reaction": entry.my_reaction,
        "accepted_answer_id": post.accepted_answer_id,
        "poll": _poll_out(entry.poll),
        "idea": _idea_out(post, entry.idea),
        "event": _event_out(post, entry.event),
        "announcement": _announcement_out(entry),
        "attachments": [_attachment_out(item) for item in entry.attachments],
        "permissions": _post_permissions(rights, entry),
    }


def _feed_page(viewer: User, page: selectors.FeedPage) -> dict[str, Any]:
    every = [*page.pinned, *page.items]
    rights = _Rights.of(viewer, (entry.post for entry in every))
    return {
        "items": [PostOut(**_post_fields(rights, entry)) for entry in page.items],
        "pinned": [PostOut(**_post_fields(rights, entry)) for entry in page.pinned],
        "next": page.next,
    }


def _plain_page(viewer: User, page: selectors.FeedPage) -> dict[str, Any]:
    rights = _Rights.of(viewer, (entry.post for entry in page.items))
    return {
        "items": [PostOut(**_post_fields(rights, entry)) for entry in page.items],
        "next": page.next,
    }


def _present_post(viewer: User, post_id: int) -> PostOut:
    """A post after a change, with its details (one post: a few queries)."""
    post = policy.access_post(user=viewer, post_id=post_id)
    post = (
        Post.objects.filter(pk=post.pk)
        .select_related("author", "author__profile", "community", "poll", "idea", "event")
        .get()
    )
    [entry] = selectors.entries(viewer, [post])
    # The feeds' count: live comments that are not hidden.
    count = Comment.objects.filter(post=post, deleted_at__isnull=True, hidden_at__isnull=True)
    entry = dataclasses.replace(entry, comment_count=count.count())
    return PostOut(**_post_fields(_Rights.of(viewer, [post]), entry))


# ---------------------------------------------------------------- feeds


def _readable_community(viewer: User, community_id: int) -> Community:
    """A community whose posts the viewer reads: 404 if they may not see it, 403 if they
    see it but may not read it (a private community they do not belong to)."""
    community = access_community(user=viewer, community_id=community_id)
    if not policy.can_read_place(viewer, community):
        raise Forbidden(_("Only the members of this community can read its posts."))
    return community


@router.get(
    "/feed",
    response={200: FeedPage, **errors(400, 422)},
    summary="Your home feed",
    tags=FEEDS,
)
def feed_home(
    request: HttpRequest, filters: Query[FeedQuery], page: Query[PageParams]
) -> dict[str, Any]:
    """Posts of your communities, the profile posts of the people you follow, and yours.
    On the first page, `pinned` holds the latest pinned announcements of your communities."""
    viewer = _viewer(request)
    feed = selectors.home_feed(
        viewer=viewer, cursor=page.cursor, limit=page.limit, sort=filters.sort
    )
    return _feed_page(viewer, feed)


@router.get(
    "/feed/new-posts",
    response={200: NewPostsOut, **errors(403, 404, 422)},
    summary="How many new posts",
    tags=FEEDS,
)
def feed_new_posts(request: HttpRequest, filters: Query[NewPostsQuery]) -> NewPostsOut:
    """How many posts of a feed are newer than the newest one you show (`after`), not
    counting yours: ask it now and then, and offer "3 new posts" to reload."""
    viewer = _viewer(request)
    community = (
        _readable_community(viewer, filters.community) if filters.community is not None else None
    )
    person = (
        access_person(viewer=viewer, person_id=filters.person)
        if filters.person is not None
        else None
    )
    count = selectors.new_posts_count(
        viewer=viewer,
        feed=filters.feed,
        after_id=filters.after,
        community=community,
        person=person,
        tag_slug=filters.hashtag,
    )
    return NewPostsOut(count=count)


@router.get(
    "/communities/{community_id}/posts",
    response={200: FeedPage, **errors(400, 403, 404, 422)},
    summary="A community's feed",
    tags=FEEDS,
)
def feed_community(
    request: HttpRequest,
    community_id: ObjectId,
    filters: Query[FeedQuery],
    page: Query[PageParams],
) -> dict[str, Any]:
    """The posts of a community, by `sort`; on the first page, its pinned posts come apart
    in `pinned`. The posts of a private community you do not belong to are a 403; a secret
    community you may not see is the same 404 as a missing one."""
    viewer = _viewer(request)
    community = _readable_community(viewer, community_id)
    feed = selectors.community_feed(
        viewer=viewer, community=community, cursor=page.cursor, limit=page.limit, sort=filters.sort
    )
    return _feed_page(viewer, feed)


@router.get(
    "/people/{person_id}/posts",
    response={200: PostPage, **errors(400, 404, 422)},
    summary="A person's posts",
    tags=FEEDS,
)
def feed_profile(
    request: HttpRequest, person_id: ObjectId, filters: Query[FeedQuery], page: Query[PageParams]
) -> dict[str, Any]:
    """What a person wrote that you may read: their profile posts and their posts in the
    communities you read. Someone you may not see is a 404."""
    viewer = _viewer(request)
    person = access_person(viewer=viewer, person_id=person_id)
    feed = selectors.profile_feed(
        viewer=viewer, person=person, cursor=page.cursor, limit=page.limit, sort=filters.sort
    )
    return _plain_page(viewer, feed)


@router.get(
    "/hashtags/{slug}/posts",
    response={200: PostPage, **errors(400, 422)},
    summary="Posts with a hashtag",
    tags=FEEDS,
)
def feed_hashtag(
    request: HttpRequest, slug: str, filters: Query[FeedQuery], page: Query[PageParams]
) -> dict[str, Any]:
    """The posts you may read carrying `#slug`. An unknown hashtag is an empty list, never
    a 404: whether a hashtag exists elsewhere is nobody's business."""
    viewer = _viewer(request)
    feed = selectors.hashtag_feed(
        viewer=viewer, tag_slug=slug[:64], cursor=page.cursor, limit=page.limit, sort=filters.sort
    )
    return _plain_page(viewer, feed)


@router.get(
    "/questions/unanswered",
    response={200: PostPage, **errors(400, 403, 404, 422)},
    summary="Unanswered questions",
    tags=FEEDS,
)
def feed_unanswered(
    request: HttpRequest, filters: Query[UnansweredQuery], page: Query[PageParams]
) -> dict[str, Any]:
    """Questions without an accepted answer, newest first: in one community (`community`),
    or across the communities you belong to."""
    viewer = _viewer(request)
    community = (
        _readable_community(viewer, filters.community) if filters.community is not None else None
    )
    feed = selectors.unanswered_questions(
        viewer=viewer, community=community, cursor=page.cursor, limit=page.limit
    )
    return _plain_page(viewer, feed)


# ---------------------------------------------------------------- posts


def _event_spec(event: EventIn | None) -> services.EventSpec | None:
    if event is None:
        return None
    zone = event.time_zone
    return services.EventSpec(
        starts_at=_aware(event.starts_at, zone),
        ends_at=_aware(event.ends_at, zone),
        time_zone=zone,
        place=event.place,
        online_url=event.online_url,
    )


def _poll_spec(poll: PollIn | None) -> services.PollSpec | None:
    if poll is None:
        return None
    return services.PollSpec(
        options=poll.options, multiple=poll.multiple, closes_at=_aware(poll.closes_at)
    )


@router.post(
    "/posts",
    response={201: PostOut, **errors(400, 403, 404, 422)},
    summary="Write a post",
)
def posts_create(request: HttpRequest, payload: PostIn) -> Status[PostOut]:
    """Post in a community you belong to (`community_id`), or on your profile (left out).
    A `question` and an `event` need a title; a `poll` needs `poll.options` (2 to 20); an
    `event` needs `event.starts_at`. Announcements are for the community's animators, owners
    and administrators, and are pinned. `attachment_ids` are your own uploads not attached
    yet. A 400 names the field at fault; nothing is written then."""
    viewer = _viewer(request)
    post = services.post_create(
        actor=viewer,
        community_id=payload.community_id,
        body=payload.body,
        title=payload.title,
        type=payload.type,
        poll=_poll_spec(payload.poll),
        event=_event_spec(payload.event),
        asks_read_confirmation=payload.asks_read_confirmation,
        pinned=bool(payload.pinned),
        attachment_ids=payload.attachment_ids,
    )
    return Status(201, _present_post(viewer, post.pk))


def _comment_fields(
    viewer: User,
    post: Post,
    view: selectors.CommentView,
    *,
    moderates: bool,
) -> dict[str, Any]:
    comment = view.comment
    shown = view.state != "removed"
    is_author = comment.author_id == viewer.pk
    open_place = post.community is None or not post.community.is_archived
    post_reactable = post.deleted_at is None and post.hidden_at is None and open_place
    can_react = view.state == "visible" and post_reactable
    can_reply = post_reactable and not post.comments_locked
    hidden = None
    if view.state == "hidden" and comment.hidden_at is not None:
        hidden = HiddenOut(hidden_at=comment.hidden_at, reason=comment.hidden_reason)
    return {
        "id": comment.pk,
        "post_id": comment.post_id,
        "parent_id": comment.parent_id,
        "author": _author(comment.author) if shown else None,
        "body": comment.body if shown else "",
        "body_html": comment.body_html if shown else "",
        "deleted": not shown,
        "created_at": comment.created_at,
        "edited_at": comment.edited_at if shown else None,
        "hidden": hidden,
        "reactions": _counts(view.reaction_counts if shown else {}),
        "reaction_total": view.reaction_total if shown else 0,
        "my_reaction": view.my_reaction if shown else None,
        "is_accepted_answer": shown and view.is_accepted,
        "attachments": [_attachment_out(item) for item in view.attachments] if shown else [],
        "permissions": CommentPermissionsOut(
            can_edit=shown and is_author,
            can_delete=shown and (is_author or moderates),
            can_react=can_react,
            can_reply=can_reply,
            can_report=can_react and not is_author,
            can_moderate=shown and moderates,
            can_accept=can_react
            and can_reply
            and post.type == PostType.QUESTION
            and (post.author_id == viewer.pk or moderates),
        ),
    }


def _comment_out(
    viewer: User, post: Post, view: selectors.CommentView, *, moderates: bool
) -> CommentOut:
    return CommentOut(
        **_comment_fields(viewer, post, view, moderates=moderates),
        replies=[
            ReplyOut(**_comment_fields(viewer, post, reply, moderates=moderates))
            for reply in view.replies
        ],
    )


@router.get(
    "/posts/{post_id}",
    response={200: PostDetailOut, **errors(404, 422)},
    summary="A post and its comments",
)
def posts_get(request: HttpRequest, post_id: ObjectId) -> PostDetailOut:
    """A post you may read, with its type's details, counts, your reaction, what you may
    do with it, and its comments with their replies. A deleted comment that has replies
    stays as an empty placeholder (`deleted`); a hidden comment shows to its author and the
    moderators only. For long threads, `GET /posts/{post_id}/comments` pages them."""
    viewer = _viewer(request)
    view = selectors.post_detail(viewer=viewer, post_id=post_id)
    post = view.post
    return PostDetailOut(
        **_post_fields(_Rights.of(viewer, [post]), view.entry),
        comments=[
            _comment_out(viewer, post, comment, moderates=view.moderates)
            for comment in view.comments
        ],
    )


@router.patch(
    "/posts/{post_id}",
    response={200: PostOut, **errors(400, 403, 404, 422)},
    summary="Edit a post",
)
def posts_update(request: HttpRequest, post_id: ObjectId, payload: PostPatch) -> PostOut:
    """Change your post's title, text, or an event's time and place; fields left out keep
    their value. The previous text is kept (`GET /posts/{post_id}/revisions`); the people
    going to a changed event are told."""
    viewer = _viewer(request)
    post = policy.access_post(user=viewer, post_id=post_id)
    services.post_edit(
        actor=viewer,
        post_id=post.pk,
        body=payload.body if payload.body is not None else post.body,
        title=payload.title,
        event=_event_spec(payload.event),
    )
    return _present_post(viewer, post.pk)


@router.delete(
    "/posts/{post_id}",
    response={200: DeletedOut, **errors(400, 403, 404, 422)},
    summary="Delete a post",
)
def posts_delete(
    request: HttpRequest, post_id: ObjectId, reason: str = "", payload: DeleteIn | None = None
) -> DeletedOut:
    """Delete your post, or someone else's as a manager of its community (or an
    administrator), saying why in `reason` (in the body, or in the query string): the
    author is told. Readers no longer see it."""
    text = payload.reason if payload is not None and payload.reason else reason
    services.post_delete(actor=_viewer(request), post_id=post_id, reason=text)
    return DeletedOut(id=post_id, deleted=True)


def _revision_out(revision: PostRevision) -> RevisionOut:
    editor = revision.edited_by
    return RevisionOut(
        id=revision.pk,
        title=revision.title,
        body=revision.body,
        edited_by=PersonRef(id=editor.pk, display_name=editor.display_name) if editor else None,
        created_at=revision.created_at,
    )


@router.get(
    "/posts/{post_id}/revisions",
    response={200: RevisionPage, **errors(400, 404, 422)},
    summary="A post's edit history",
)
def posts_revisions(
    request: HttpRequest, post_id: ObjectId, page: Query[PageParams]
) -> dict[str, Any]:
    """The previous versions of a post you may read, the most recent first: each is the
    title and text as they were before an edit."""
    viewer = _viewer(request)
    post = policy.access_post(user=viewer, post_id=post_id)
    revisions = PostRevision.objects.filter(post=post).select_related("edited_by")
    return paginate(revisions, params=page, ordering=("-created_at",)).map(_revision_out).as_dict()


# ---------------------------------------------------------------- comments


def _comment_views(
    viewer: User, post: Post, comments: Sequence[Comment], *, moderates: bool
) -> dict[int, selectors.CommentView]:
    """The comments as ``selectors.post_detail`` shows them (its states), with their
    reactions and files, in a fixed number of queries."""
    ids = [comment.pk for comment in comments]
    reactions: dict[int, dict[str, int]] = defaultdict(dict)
    mine: dict[int, str] = {}
    files: dict[int, list[Attachment]] = defaultdict(list)
    if ids:
        rows = (
            Reaction.objects.filter(comment_id__in=ids)
            .values("comment_id", "kind")
            .annotate(n=Count("pk"), mine=Count("pk", filter=Q(user_id=viewer.pk)))
            .order_by()
        )
        for row in rows:
            reactions[row["comment_id"]][row["kind"]] = row["n"]
            if row["mine"]:
                mine[row["comment_id"]] = row["kind"]
        for attachment in Attachment.objects.filter(comment_id__in=ids):
            files[cast(int, attachment.comment_id)].append(attachment)
    views = {}
    for comment in comments:
        if comment.deleted_at is not None:
            state: selectors.CommentState = "removed"
        elif comment.hidden_at is not None:
            shows = moderates or comment.author_id == viewer.pk
            state = "hidden" if shows else "removed"
        else:
            state = "visible"
        views[comment.pk] = selectors.CommentView(
            comment=comment,
            state=state,
            reaction_counts=dict(reactions.get(comment.pk, {})),
            my_reaction=mine.get(comment.pk),
            attachments=files.get(comment.pk, []),
            is_accepted=comment.pk == post.accepted_answer_id,
        )
    return views


def _unseen(viewer: User, moderates: bool) -> Q:
    """Comments the viewer does not see (as ``selectors.post_detail`` decides): deleted
    ones, and hidden ones but by their author and the moderators."""
    if moderates:
        return Q(deleted_at__isnull=False)
    return Q(deleted_at__isnull=False) | (Q(hidden_at__isnull=False) & ~Q(author_id=viewer.pk))


def _comments_of(post: Post) -> Any:
    return Comment.objects.filter(post=post).select_related("author", "author__profile")


@router.get(
    "/posts/{post_id}/comments",
    response={200: CommentPage, **errors(400, 404, 422)},
    summary="A post's comments",
    tags=COMMENTS,
)
def comments_list(
    request: HttpRequest, post_id: ObjectId, page: Query[PageParams]
) -> dict[str, Any]:
    """The comments of a post you may read, a page of threads oldest first, each with all
    its replies (oldest first). A deleted comment that has replies stays as an empty
    placeholder (`deleted`); a hidden comment shows to its author and the moderators only."""
    viewer = _viewer(request)
    post = policy.access_post(user=viewer, post_id=post_id)
    moderates = policy.can_moderate(viewer, post.community)
    unseen = _unseen(viewer, moderates)
    seen_replies = Comment.objects.filter(parent=OuterRef("pk")).exclude(unseen)
    top = _comments_of(post).filter(parent__isnull=True).filter(~unseen | Exists(seen_replies))
    result = paginate(top, params=page, ordering=("created_at",))
    replies: list[Comment] = []
    if result.items:
        replies = list(
            _comments_of(post)
            .filter(parent_id__in=[comment.pk for comment in result.items])
            .exclude(unseen)
            .order_by("created_at", "id")
        )
    views = _comment_views(viewer, post, [*result.items, *replies], moderates=moderates)
    for reply in replies:
        views[cast(int, reply.parent_id)].replies.append(views[reply.pk])
    return {
        "items": [
            _comment_out(viewer, post, views[comment.pk], moderates=moderates)
            for comment in result.items
        ],
        "next": result.next,
    }


def _present_comment(viewer: User, comment_id: int) -> CommentOut:
    comment = policy.access_comment(user=viewer, comment_id=comment_id)
    post = comment.post
    moderates = policy.can_moderate(viewer, post.community)
    comment = _comments_of(post).get(pk=comment.pk)
    replies: list[Comment] = []
    if comment.parent_id is None:
        replies = list(
            _comments_of(post)
            .filter(parent=comment)
            .exclude(_unseen(viewer, moderates))
            .order_by("created_at", "id")
        )
    views = _comment_views(viewer, post, [comment, *replies], moderates=moderates)
    views[comment.pk].replies = [views[reply.pk] for reply in replies]
    return _comment_out(viewer, post, views[comment.pk], moderates=moderates)


@router.post(
    "/posts/{post_id}/comments",
    response={201: CommentOut, **errors(400, 403, 404, 422)},
    summary="Comment on a post",
    tags=COMMENTS,
)
def comments_create(
    request: HttpRequest, post_id: ObjectId, payload: CommentIn
) -> Status[CommentOut]:
    """Comment on a post you may read, or reply to one of its comments (`parent_id`; a
    reply to a reply joins the same thread). Locked comments and archived communities are a
    403."""
    viewer = _viewer(request)
    comment = services.comment_create(
        actor=viewer,
        post_id=post_id,
        body=payload.body,
        parent_id=payload.parent_id,
        attachment_ids=payload.attachment_ids,
    )
    return Status(201, _present_comment(viewer, comment.pk))


@router.patch(
    "/comments/{comment_id}",
    response={200: CommentOut, **errors(400, 403, 404, 422)},
    summary="Edit a comment",
    tags=COMMENTS,
)
def comments_update(
    request: HttpRequest, comment_id: ObjectId, payload: CommentPatch
) -> CommentOut:
    """Change the text of your comment."""
    viewer = _viewer(request)
    services.comment_edit(actor=viewer, comment_id=comment_id, body=payload.body)
    return _present_comment(viewer, comment_id)


@router.delete(
    "/comments/{comment_id}",
    response={200: DeletedOut, **errors(403, 404, 422)},
    summary="Delete a comment",
    tags=COMMENTS,
)
def comments_delete(request: HttpRequest, comment_id: ObjectId) -> DeletedOut:
    """Delete your comment, or any comment as a manager of the community or an
    administrator. If it was the accepted answer, the question has none any more."""
    services.comment_delete(actor=_viewer(request), comment_id=comment_id)
    return DeletedOut(id=comment_id, deleted=True)


# ---------------------------------------------------------------- reactions


def _reaction_state(viewer: User, post_id: int, comment_id: int | None) -> ReactionStateOut:
    item = Q(comment__isnull=True) if comment_id is None else Q(comment_id=comment_id)
    rows = (
        Reaction.objects.filter(item, post_id=post_id)
        .values("kind")
        .annotate(n=Count("pk"), mine=Count("pk", filter=Q(user_id=viewer.pk)))
        .order_by()
    )
    counts: dict[str, int] = {}
    mine = None
    for row in rows:
        counts[row["kind"]] = row["n"]
        if row["mine"]:
            mine = row["kind"]
    return ReactionStateOut(
        reactions=_counts(counts), reaction_total=sum(counts.values()), my_reaction=mine
    )


def _readable_comment(viewer: User, comment_id: int) -> Comment:
    """A comment the viewer sees: a hidden one only for its author and the moderators."""
    comment = policy.access_comment(user=viewer, comment_id=comment_id)
    if (
        comment.hidden_at is not None
        and comment.author_id != viewer.pk
        and not policy.can_moderate(viewer, comment.post.community)
    ):
        raise NotFound("comment")
    return comment


@router.put(
    "/posts/{post_id}/reaction",
    response={200: ReactionStateOut, **errors(400, 403, 404, 422)},
    summary="React to a post",
    tags=REACTIONS,
)
def post_reaction_set(
    request: HttpRequest, post_id: ObjectId, payload: ReactionIn
) -> ReactionStateOut:
    """Set your reaction to a post: one per person; another kind replaces it, the same
    kind again changes nothing."""
    viewer = _viewer(request)
    services.reaction_set(actor=viewer, post_id=post_id, kind=payload.kind)
    return _reaction_state(viewer, post_id, None)


@router.delete(
    "/posts/{post_id}/reaction",
    response={200: ReactionStateOut, **errors(404, 422)},
    summary="Take back your reaction to a post",
    tags=REACTIONS,
)
def post_reaction_remove(request: HttpRequest, post_id: ObjectId) -> ReactionStateOut:
    """Remove your reaction to a post; without one, nothing changes."""
    viewer = _viewer(request)
    services.reaction_remove(actor=viewer, post_id=post_id)
    return _reaction_state(viewer, post_id, None)


@router.put(
    "/comments/{comment_id}/reaction",
    response={200: ReactionStateOut, **errors(400, 403, 404, 422)},
    summary="React to a comment",
    tags=REACTIONS,
)
def comment_reaction_set(
    request: HttpRequest, comment_id: ObjectId, payload: ReactionIn
) -> ReactionStateOut:
    """Set your reaction to a comment: one per person, idempotent."""
    viewer = _viewer(request)
    comment = _readable_comment(viewer, comment_id)
    services.reaction_set(
        actor=viewer, post_id=comment.post_id, comment_id=comment.pk, kind=payload.kind
    )
    return _reaction_state(viewer, comment.post_id, comment.pk)


@router.delete(
    "/comments/{comment_id}/reaction",
    response={200: ReactionStateOut, **errors(404, 422)},
    summary="Take back your reaction to a comment",
    tags=REACTIONS,
)
def comment_reaction_remove(request: HttpRequest, comment_id: ObjectId) -> ReactionStateOut:
    """Remove your reaction to a comment; without one, nothing changes."""
    viewer = _viewer(request)
    comment = _readable_comment(viewer, comment_id)
    services.reaction_remove(actor=viewer, post_id=comment.post_id, comment_id=comment.pk)
    return _reaction_state(viewer, comment.post_id, comment.pk)


def _reactors(viewer: User, post_id: int, comment_id: int | None) -> list[ReactorOut]:
    by_kind = selectors.reactors(viewer=viewer, post_id=post_id, comment_id=comment_id)
    return [
        ReactorOut(person=_author(person), kind=kind)
        for kind in ReactionKind.values
        for person in by_kind.get(kind, [])
    ]


@router.get(
    "/posts/{post_id}/reactions",
    response={200: list[ReactorOut], **errors(404, 422)},
    summary="Who reacted to a post",
    tags=REACTIONS,
)
def post_reactors(request: HttpRequest, post_id: ObjectId) -> list[ReactorOut]:
    """The people who reacted to a post, by kind, among those you may see (the counts of
    the post include everyone)."""
    return _reactors(_viewer(request), post_id, None)


@router.get(
    "/comments/{comment_id}/reactions",
    response={200: list[ReactorOut], **errors(404, 422)},
    summary="Who reacted to a comment",
    tags=REACTIONS,
)
def comment_reactors(request: HttpRequest, comment_id: ObjectId) -> list[ReactorOut]:
    """The people who reacted to a comment, by kind, among those you may see."""
    viewer = _viewer(request)
    comment = _readable_comment(viewer, comment_id)
    return _reactors(viewer, comment.post_id, comment.pk)


# ---------------------------------------------------------------- questions, polls, ideas


@router.put(
    "/posts/{post_id}/accepted-answer",
    response={200: PostOut, **errors(400, 403, 404, 422)},
    summary="Accept an answer",
    tags=TYPES,
)
def questions_accept_answer(
    request: HttpRequest, post_id: ObjectId, payload: AcceptedAnswerIn
) -> PostOut:
    """Mark a comment as the answer to a question (its author, the community's animators
    and owners, administrators). Accepting another one replaces it; the same one again
    changes nothing. A post that is not a question is a 400."""
    viewer = _viewer(request)
    services.question_accept_answer(actor=viewer, post_id=post_id, comment_id=payload.comment_id)
    return _present_post(viewer, post_id)


@router.post(
    "/posts/{post_id}/votes",
    response={200: PostOut, **errors(400, 403, 404, 422)},
    summary="Vote in a poll",
    tags=TYPES,
)
def polls_vote(request: HttpRequest, post_id: ObjectId, payload: PollVoteIn) -> PostOut:
    """Choose one option, or several in a multiple-choice poll; voting again replaces your
    vote. The results show once you voted. A closed poll, or a choice of another poll, is a
    400 naming `option_ids`."""
    viewer = _viewer(request)
    services.poll_vote(actor=viewer, post_id=post_id, option_ids=payload.option_ids)
    return _present_post(viewer, post_id)


@router.post(
    "/posts/{post_id}/close",
    response={200: PostOut, **errors(400, 403, 404, 422)},
    summary="Close a poll",
    tags=TYPES,
)
def polls_close(request: HttpRequest, post_id: ObjectId) -> PostOut:
    """Close a poll now (its author, the community's animators and owners,
    administrators): its results then show to everyone. Closing twice is harmless."""
    viewer = _viewer(request)
    services.poll_close(actor=viewer, post_id=post_id)
    return _present_post(viewer, post_id)


@router.put(
    "/posts/{post_id}/idea-vote",
    response={200: PostOut, **errors(400, 403, 404, 422)},
    summary="Vote for an idea",
    tags=TYPES,
)
def ideas_vote(request: HttpRequest, post_id: ObjectId) -> PostOut:
    """Support an idea. Voting twice changes nothing."""
    viewer = _viewer(request)
    services.idea_vote(actor=viewer, post_id=post_id)
    return _present_post(viewer, post_id)


@router.delete(
    "/posts/{post_id}/idea-vote",
    response={200: PostOut, **errors(400, 403, 404, 422)},
    summary="Take back your vote for an idea",
    tags=TYPES,
)
def ideas_unvote(request: HttpRequest, post_id: ObjectId) -> PostOut:
    """Withdraw your support; without a vote, nothing changes."""
    viewer = _viewer(request)
    services.idea_unvote(actor=viewer, post_id=post_id)
    return _present_post(viewer, post_id)


@router.put(
    "/posts/{post_id}/idea-status",
    response={200: PostOut, **errors(400, 403, 404, 422)},
    summary="Move an idea through its workflow",
    tags=TYPES,
)
def ideas_set_status(request: HttpRequest, post_id: ObjectId, payload: IdeaStatusIn) -> PostOut:
    """Set an idea's status (new, under review, planned, done, declined) with an official
    response (the community's animators and owners, administrators). Its author and voters
    are told."""
    viewer = _viewer(request)
    services.idea_set_status(
        actor=viewer, post_id=post_id, status=payload.status, response=payload.response
    )
    return _present_post(viewer, post_id)


# ---------------------------------------------------------------- events, announcements


@router.put(
    "/posts/{post_id}/rsvp",
    response={200: PostOut, **errors(400, 403, 404, 422)},
    summary="Answer an invitation to an event",
    tags=TYPES,
)
def events_rsvp(request: HttpRequest, post_id: ObjectId, payload: RsvpIn) -> PostOut:
    """Going, maybe or not going; answering again replaces your answer. A cancelled or past
    event is a 400 naming `answer`."""
    viewer = _viewer(request)
    services.event_rsvp(actor=viewer, post_id=post_id, answer=payload.answer)
    return _present_post(viewer, post_id)


@router.post(
    "/posts/{post_id}/cancel",
    response={200: PostOut, **errors(400, 403, 404, 422)},
    summary="Cancel an event",
    tags=TYPES,
)
def events_cancel(
    request: HttpRequest, post_id: ObjectId, payload: RestoreIn | None = None
) -> PostOut:
    """Cancel an event (its author, the community's animators and owners, administrators),
    with an optional `reason`; the people going or maybe are told. Cancelling twice is
    harmless."""
    viewer = _viewer(request)
    reason = payload.reason if payload is not None else ""
    services.event_cancel(actor=viewer, post_id=post_id, reason=reason)
    return _present_post(viewer, post_id)


def _prefers_json(request: HttpRequest, media_type: str) -> bool:
    return request.get_preferred_type([media_type, "application/json"]) == "application/json"


@router.get(
    "/posts/{post_id}/event.ics",
    response={200: IcsOut, **errors(404, 422)},
    summary="An event as an iCalendar file",
    tags=TYPES,
    openapi_extra={
        "responses": {
            200: {
                "description": "The `.ics` file; as JSON when the `Accept` header prefers it.",
                "content": {"text/calendar": {"schema": {"type": "string"}}},
            }
        }
    },
)
def events_ics(request: HttpRequest, post_id: ObjectId) -> Any:
    """The event as an iCalendar file to add to a calendar (`text/calendar`, as an
    attachment), updated in place when imported again; `STATUS:CANCELLED` once cancelled.
    With `Accept: application/json`, the same text in JSON."""
    viewer = _viewer(request)
    post = policy.access_post(user=viewer, post_id=post_id)
    content = ics.ics(viewer, post)
    filename = ics.ics_filename(post)
    if _prefers_json(request, "text/calendar"):
        return IcsOut(filename=filename, content=content.decode())
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = content_disposition(filename)
    response["X-Content-Type-Options"] = "nosniff"
    return response


@router.put(
    "/posts/{post_id}/pin",
    response={200: PostOut, **errors(400, 403, 404, 422)},
    summary="Pin a post",
    tags=TYPES,
)
def posts_pin(request: HttpRequest, post_id: ObjectId) -> PostOut:
    """Keep a post on top of its community's feed (the community's animators and owners,
    administrators). Pinning twice is harmless; a profile post is a 400."""
    viewer = _viewer(request)
    services.post_pin(actor=viewer, post_id=post_id)
    return _present_post(viewer, post_id)


@router.delete(
    "/posts/{post_id}/pin",
    response={200: PostOut, **errors(403, 404, 422)},
    summary="Unpin a post",
    tags=TYPES,
)
def posts_unpin(request: HttpRequest, post_id: ObjectId) -> PostOut:
    """Let a pinned post (an announcement, say) go back among the others."""
    viewer = _viewer(request)
    services.post_unpin(actor=viewer, post_id=post_id)
    return _present_post(viewer, post_id)


@router.put(
    "/posts/{post_id}/read-confirmation",
    response={200: PostOut, **errors(400, 403, 404, 422)},
    summary="Confirm you read an announcement",
    tags=TYPES,
)
def announcements_confirm_read(request: HttpRequest, post_id: ObjectId) -> PostOut:
    """ "I have read it", on an announcement that asks for it (else a 400). Confirming twice
    is harmless."""
    viewer = _viewer(request)
    services.announcement_confirm_read(actor=viewer, post_id=post_id)
    return _present_post(viewer, post_id)


# ---------------------------------------------------------------- attachments


@router.post(
    "/attachments",
    response={201: AttachmentOut, **errors(400, 403, 413, 422)},
    summary="Upload a file",
    tags=ATTACHMENTS,
)
def attachments_upload(request: HttpRequest, file: File[UploadedFile]) -> Status[AttachmentOut]:
    """Upload a file (multipart, field `file`) to attach to the post or comment you write
    next (`attachment_ids`). Its type is read from its content, not its name: images, PDF,
    office documents and plain text are accepted; too large or unsupported files are a 400
    naming `file`. Uploads never attached are deleted after a while."""
    attachment = attachment_upload(actor=_viewer(request), upload=file)
    return Status(201, _attachment_out(attachment))


@router.get(
    "/attachments/{attachment_id}",
    response={200: AttachmentOut, **errors(404, 422)},
    summary="Download a file",
    tags=ATTACHMENTS,
    openapi_extra={
        "responses": {
            200: {
                "description": "The file; its description as JSON when the `Accept` header "
                "prefers it.",
                "content": {
                    "application/octet-stream": {"schema": {"type": "string", "format": "binary"}}
                },
            }
        }
    },
)
def attachments_get(request: HttpRequest, attachment_id: ObjectId, thumbnail: bool = False) -> Any:
    """A file attached to something you may read, or your own upload not attached yet, as a
    download with its sniffed content type (`thumbnail=true`: an image's small preview).
    With `Accept: application/json`, its description instead. Anything else is a 404."""
    attachment = policy.access_attachment(user=_viewer(request), attachment_id=attachment_id)
    if _prefers_json(request, "application/octet-stream"):
        return _attachment_out(attachment)
    return attachment_response(attachment, thumbnail=thumbnail)


# ---------------------------------------------------------------- moderation


def _report_out(report: Report, *, reporter: bool = True) -> ReportOut:
    person = report.reporter if reporter else None
    return ReportOut(
        id=report.pk,
        post_id=report.post_id,
        comment_id=report.comment_id,
        reporter=PersonRef(id=person.pk, display_name=person.display_name) if person else None,
        reason=report.reason,
        status=report.status,
        created_at=report.created_at,
        resolved_at=report.resolved_at,
        resolution=report.resolution,
    )


def _moderated_item(post: Post, comment: Comment | None) -> ModeratedItemOut:
    item: Post | Comment = comment if comment is not None else post
    return ModeratedItemOut(
        post_id=post.pk,
        comment_id=comment.pk if comment is not None else None,
        community=_community_ref(post.community),
        title=post.title,
        body=item.body,
        author=_author(item.author),
        created_at=item.created_at,
        hidden_at=item.hidden_at,
        hidden_reason=item.hidden_reason,
        comments_locked=post.comments_locked,
    )


@router.post(
    "/posts/{post_id}/reports",
    response={201: ReportOut, **errors(400, 404, 422)},
    summary="Report a post",
    tags=MODERATION,
)
def reports_create_post(
    request: HttpRequest, post_id: ObjectId, payload: ReportIn
) -> Status[ReportOut]:
    """Tell the moderators of the community (administrators for a profile post) what is
    wrong with a post you may read. While your report is open, reporting again returns it;
    your own post is a 400."""
    viewer = _viewer(request)
    report = moderation.report_create(actor=viewer, post_id=post_id, reason=payload.reason)
    return Status(201, _report_out(report))


@router.post(
    "/comments/{comment_id}/reports",
    response={201: ReportOut, **errors(400, 404, 422)},
    summary="Report a comment",
    tags=MODERATION,
)
def reports_create_comment(
    request: HttpRequest, comment_id: ObjectId, payload: ReportIn
) -> Status[ReportOut]:
    """Tell the moderators what is wrong with a comment you may read. While your report is
    open, reporting again returns it; your own comment is a 400."""
    viewer = _viewer(request)
    comment = policy.access_comment(user=viewer, comment_id=comment_id)
    report = moderation.report_create(
        actor=viewer, post_id=comment.post_id, comment_id=comment.pk, reason=payload.reason
    )
    return Status(201, _report_out(report))


def _moderated_community(viewer: User, community_id: int | None) -> Community | None:
    if community_id is None:
        return None
    return access_community(user=viewer, community_id=community_id)


@router.get(
    "/moderation/reports",
    response={200: list[QueueItemOut], **errors(403, 404, 422)},
    summary="The moderation queue",
    tags=MODERATION,
)
def moderation_queue(request: HttpRequest, filters: Query[ModerationQuery]) -> list[QueueItemOut]:
    """Reported items with their open reports, the longest waiting first: one community's
    (`community`, for its moderators) or everything you moderate (for administrators, every
    community and the profile posts). Someone who moderates nothing gets a 403."""
    viewer = _viewer(request)
    community = _moderated_community(viewer, filters.community)
    return [
        QueueItemOut(
            item=_moderated_item(entry.post, entry.comment),
            state=entry.state,
            report_count=entry.report_count,
            first_reported_at=entry.first_reported_at,
            reports=[_report_out(report) for report in entry.reports],
        )
        for entry in moderation.moderation_queue(viewer=viewer, community=community)
    ]


@router.get(
    "/moderation/hidden",
    response={200: list[HiddenItemOut], **errors(403, 404, 422)},
    summary="Hidden posts and comments",
    tags=MODERATION,
)
def moderation_hidden(request: HttpRequest, filters: Query[ModerationQuery]) -> list[HiddenItemOut]:
    """The posts and comments hidden in what you moderate, the most recently hidden first,
    to restore them if need be."""
    viewer = _viewer(request)
    community = _moderated_community(viewer, filters.community)
    return [
        HiddenItemOut(
            item=_moderated_item(hidden.post, hidden.comment),
            hidden_at=hidden.hidden_at,
            hidden_by=PersonRef(id=hidden.hidden_by.pk, display_name=hidden.hidden_by.display_name)
            if hidden.hidden_by
            else None,
            reason=hidden.reason,
        )
        for hidden in moderation.hidden_items(viewer=viewer, community=community)
    ]


@router.post(
    "/moderation/reports/{report_id}/dismiss",
    response={200: ReportOut, **errors(400, 404, 422)},
    summary="Dismiss a report",
    tags=MODERATION,
)
def reports_dismiss(
    request: HttpRequest, report_id: ObjectId, payload: DismissIn | None = None
) -> ReportOut:
    """Nothing to act upon: close the open reports of that item as dismissed (its
    moderators). A report you do not moderate is a 404."""
    viewer = _viewer(request)
    note = payload.note if payload is not None else ""
    return _report_out(moderation.report_dismiss(actor=viewer, report_id=report_id, note=note))


def _hidden_state(item: Post | Comment) -> HiddenStateOut:
    return HiddenStateOut(
        id=item.pk,
        hidden=item.hidden_at is not None,
        hidden_at=item.hidden_at,
        reason=item.hidden_reason,
    )


@router.put(
    "/posts/{post_id}/hidden",
    response={200: HiddenStateOut, **errors(400, 403, 404, 422)},
    summary="Hide a post",
    tags=MODERATION,
)
def posts_hide(request: HttpRequest, post_id: ObjectId, payload: HideIn) -> HiddenStateOut:
    """Hide a post from its readers (its moderators), saying why: the author still sees it
    and is told the reason. Its open reports are closed as acted upon. Hiding twice is
    harmless."""
    post = moderation.post_hide(actor=_viewer(request), post_id=post_id, reason=payload.reason)
    return _hidden_state(post)


@router.delete(
    "/posts/{post_id}/hidden",
    response={200: HiddenStateOut, **errors(400, 403, 404, 422)},
    summary="Restore a hidden post",
    tags=MODERATION,
)
def posts_restore(
    request: HttpRequest, post_id: ObjectId, payload: RestoreIn | None = None
) -> HiddenStateOut:
    """Show a hidden post again (its moderators), with an optional word for the author."""
    reason = payload.reason if payload is not None else ""
    post = moderation.post_restore(actor=_viewer(request), post_id=post_id, reason=reason)
    return _hidden_state(post)


@router.put(
    "/comments/{comment_id}/hidden",
    response={200: HiddenStateOut, **errors(400, 403, 404, 422)},
    summary="Hide a comment",
    tags=MODERATION,
)
def comments_hide(request: HttpRequest, comment_id: ObjectId, payload: HideIn) -> HiddenStateOut:
    """Hide a comment from its readers (the moderators of its post), saying why: the
    author still sees it and is told the reason."""
    comment = moderation.comment_hide(
        actor=_viewer(request), comment_id=comment_id, reason=payload.reason
    )
    return _hidden_state(comment)


@router.delete(
    "/comments/{comment_id}/hidden",
    response={200: HiddenStateOut, **errors(400, 403, 404, 422)},
    summary="Restore a hidden comment",
    tags=MODERATION,
)
def comments_restore(
    request: HttpRequest, comment_id: ObjectId, payload: RestoreIn | None = None
) -> HiddenStateOut:
    """Show a hidden comment again (the moderators of its post)."""
    reason = payload.reason if payload is not None else ""
    comment = moderation.comment_restore(
        actor=_viewer(request), comment_id=comment_id, reason=reason
    )
    return _hidden_state(comment)


@router.put(
    "/posts/{post_id}/comments-lock",
    response={200: CommentsLockOut, **errors(403, 404, 422)},
    summary="Lock a post's comments",
    tags=MODERATION,
)
def posts_lock_comments(request: HttpRequest, post_id: ObjectId) -> CommentsLockOut:
    """Nobody may comment on the post any more (its moderators); what was written stays."""
    post = moderation.post_lock_comments(actor=_viewer(request), post_id=post_id)
    return CommentsLockOut(post_id=post.pk, comments_locked=post.comments_locked)


@router.delete(
    "/posts/{post_id}/comments-lock",
    response={200: CommentsLockOut, **errors(403, 404, 422)},
    summary="Unlock a post's comments",
    tags=MODERATION,
)
def posts_unlock_comments(request: HttpRequest, post_id: ObjectId) -> CommentsLockOut:
    """Let people comment on the post again (its moderators)."""
    post = moderation.post_unlock_comments(actor=_viewer(request), post_id=post_id)
    return CommentsLockOut(post_id=post.pk, comments_locked=post.comments_locked)


# ---------------------------------------------------------------- mention suggestions


@router.get(
    "/mentions/suggestions",
    response={200: list[MentionSuggestionOut], **errors(404, 422)},
    summary="People to mention",
    tags=MENTIONS,
)
def mentions_suggest(
    request: HttpRequest, filters: Query[MentionQuery]
) -> list[MentionSuggestionOut]:
    """Active people you may see whose name contains `q`, for `@` autocompletion, sorted by
    name. `notified` is false for someone who cannot read the place the text goes to
    (`community`, or your profile when left out): the mention stays in the text but tells
    them nothing."""
    viewer = _viewer(request)
    community = (
        access_community(user=viewer, community_id=filters.community)
        if filters.community is not None
        else None
    )
    people = (
        people_listable_by(viewer, User.objects.filter(display_name__icontains=filters.q.strip()))
        .exclude(pk=viewer.pk)
        .select_related("profile")
        .order_by("display_name", "id")[: filters.limit]
    )
    return [
        MentionSuggestionOut(
            id=person.pk,
            display_name=person.display_name,
            job_title=person.profile.job_title,
            photo_url=_photo_url(person),
            mention=mention(person.pk, person.display_name),
            notified=policy.can_read_place(person, community),
        )
        for person in people
    ]

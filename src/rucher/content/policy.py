"""Who may see and do what with posts and comments. The one place that decides.

- A post in a community is readable by whoever may read the community
  (``communities_readable_by``): members, every internal person for an open community,
  administrators. A private community's card is visible to non-members; its posts are not.
- A profile post (no community) is readable by internal people only: partner guests see the
  posts of their communities and nothing else.
- Soft-deleted posts are invisible to everyone through this policy (moderation views read
  them on purpose). A post hidden by a moderator is invisible to all but its author.
- Posting in a community requires being a current member of it (guests included), whatever
  its visibility: an open community is readable by all, but one joins it (one click) before
  writing there. Profile posts are for internal people. Nobody posts in an archived community.
- Commenting and reacting: anyone who may read the post, unless its community is archived.
  Partner guests may not comment on profile posts (they cannot read them anyway).
- Editing: the author only. Deleting: the author, the community's owners and animators, and
  administrators (the last two with a reason, see services).
- Accepting an answer to a question: its author, the community's owners and animators,
  administrators.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q

from rucher.communities import policy as community_policy
from rucher.core.errors import NotFound

if TYPE_CHECKING:
    from rucher.accounts.models import User
    from rucher.communities.models import Community
    from rucher.content.models import Attachment, Comment, Post, PostQuerySet


def _is_active(user: User) -> bool:
    return bool(user.is_authenticated and user.is_active)


def posts_visible_to(user: User, posts: PostQuerySet) -> PostQuerySet:
    from rucher.communities.models import Community

    if not _is_active(user):
        return posts.none()
    posts = live_posts(user, posts)
    if user.is_admin:
        return posts
    readable = community_policy.communities_readable_by(user, Community.objects.all())
    in_communities = Q(community_id__in=readable.values("pk"))
    if user.is_guest:
        return posts.filter(in_communities)
    return posts.filter(in_communities | Q(community__isnull=True))


def live_posts(user: User, posts: PostQuerySet) -> PostQuerySet:
    """The rules of ``posts_visible_to`` that depend on the post alone, not on its place: not
    deleted, not hidden (unless ``user`` wrote it). Readability is otherwise decided per place
    (a community, or the profiles), so a query split into one part per place may apply these
    in every part and ``posts_visible_to`` once on the whole (``selectors.home_feed``): each
    part then holds exactly the posts of its place a reader of it sees. Any rule about a post
    itself belongs here, for that reason."""
    if not _is_active(user):
        return posts.none()
    # A post hidden by a moderator stays readable by its author, who is told why.
    return posts.filter(deleted_at__isnull=True).filter(
        Q(hidden_at__isnull=True) | Q(author_id=user.pk)
    )


def community_posts_visible_to(
    user: User, community: Community, posts: PostQuerySet
) -> PostQuerySet:
    """``posts`` of ``community`` that ``user`` may read: the rules of ``posts_visible_to``,
    with the community's readability decided once, in Python (``can_read_place``: no query
    for an open community, one membership query otherwise), instead of as a subquery of
    every post query (a feed page makes two: the pinned posts and the page)."""
    if not can_read_place(user, community):
        return posts.none()
    return live_posts(user, posts.filter(community_id=community.pk))


def access_post(*, user: User, post_id: int) -> Post:
    """The post if ``user`` may read it, else the same ``NotFound`` as a missing one."""
    from rucher.content.models import Post

    try:
        return Post.objects.visible_to(user).select_related("community", "author").get(pk=post_id)
    except (Post.DoesNotExist, ValueError, TypeError):
        raise NotFound("post") from None


def access_comment(*, user: User, comment_id: int) -> Comment:
    """A live comment of a post ``user`` may read, else ``NotFound``."""
    from rucher.content.models import Comment, Post

    try:
        return (
            Comment.objects.filter(
                deleted_at__isnull=True, post__in=Post.objects.visible_to(user).values("pk")
            )
            .select_related("post", "post__community", "post__author", "author")
            .get(pk=comment_id)
        )
    except (Comment.DoesNotExist, ValueError, TypeError):
        raise NotFound("comment") from None


def can_read_place(user: User, community: Community | None) -> bool:
    """Whether ``user`` may read the posts of ``community`` (None: profile posts)."""
    if not _is_active(user):
        return False
    if community is None:
        return not user.is_guest
    return community_policy.can_read(user, community)


def can_post(user: User, community: Community | None) -> bool:
    if not _is_active(user):
        return False
    if community is None:
        return not user.is_guest
    if community.is_archived:
        return False
    return community_policy.membership_of(user, community) is not None


def can_edit(user: User, post: Post | Comment) -> bool:
    return _is_active(user) and post.author_id == user.pk and post.deleted_at is None


def _manages(user: User, community: Community | None) -> bool:
    if community is None:
        return _is_active(user) and user.is_admin
    return community_policy.can_manage(user, community)


def can_delete(user: User, post: Post) -> bool:
    if not _is_active(user) or post.deleted_at is not None:
        return False
    return post.author_id == user.pk or _manages(user, post.community)


# ---------------------------------------------------------------- post types


def _open_place(community: Community | None) -> bool:
    return community is None or not community.is_archived


def can_announce(user: User, community: Community | None) -> bool:
    """Announcements, and pinning: the community's owners and animators, administrators."""
    return community is not None and not community.is_archived and _manages(user, community)


def can_pin(user: User, post: Post) -> bool:
    return post.deleted_at is None and can_announce(user, post.community)


def can_run(user: User, post: Post) -> bool:
    """Closing a poll, cancelling an event: its author or the place's managers."""
    if not _is_active(user) or post.deleted_at is not None or not _open_place(post.community):
        return False
    return post.author_id == user.pk or _manages(user, post.community)


def can_set_idea_status(user: User, post: Post) -> bool:
    """Moving an idea through its workflow: the community's managers (administrators for
    ideas on a profile)."""
    from rucher.content.models import PostType

    if post.type != PostType.IDEA or post.deleted_at is not None:
        return False
    return _open_place(post.community) and _manages(user, post.community)


def can_manage_place(user: User, community: Community | None) -> bool:
    """Owners and animators of the community; administrators (everywhere, profiles too)."""
    return _manages(user, community)


def can_delete_comment(user: User, comment: Comment) -> bool:
    if not _is_active(user) or comment.deleted_at is not None:
        return False
    return comment.author_id == user.pk or _manages(user, comment.post.community)


def can_react(user: User, post: Post) -> bool:
    if post.deleted_at is not None or post.hidden_at is not None:
        return False
    if not can_read_place(user, post.community):
        return False
    return post.community is None or not post.community.is_archived


def can_comment(user: User, post: Post) -> bool:
    """Reacting rights, unless a moderator locked the comments."""
    return not post.comments_locked and can_react(user, post)


def can_accept_answer(user: User, post: Post) -> bool:
    from rucher.content.models import PostType

    if post.type != PostType.QUESTION or not can_comment(user, post):
        return False
    return post.author_id == user.pk or _manages(user, post.community)


# ---------------------------------------------------------------- attachments and moderation


def can_moderate(user: User, community: Community | None) -> bool:
    """Hiding, restoring, locking comments and handling reports: the community's owners and
    animators and administrators; on profile posts (no community), administrators only."""
    return _manages(user, community)


def access_attachment(*, user: User, attachment_id: int) -> Attachment:
    """The attachment if ``user`` may download it, else the same ``NotFound`` as a missing one.

    A pending upload (not attached yet) is its uploader's only. An attached file is readable
    with its post (``Post.objects.visible_to``: not deleted; hidden only to its author) and,
    for a comment's file, with that comment: not deleted, and if hidden only to its author
    and the place's moderators.
    """
    from rucher.content.models import Attachment, Post

    if not _is_active(user):
        raise NotFound("attachment")
    try:
        attachment = Attachment.objects.select_related("comment").get(pk=attachment_id)
    except (Attachment.DoesNotExist, ValueError, TypeError):
        raise NotFound("attachment") from None
    if attachment.post_id is None and attachment.comment_id is None:
        if attachment.uploaded_by_id == user.pk:
            return attachment
        raise NotFound("attachment")
    if attachment.post_id is None:
        raise NotFound("attachment")
    post = (
        Post.objects.visible_to(user)
        .select_related("community")
        .filter(pk=attachment.post_id)
        .first()
    )
    if post is None:
        raise NotFound("attachment")
    comment = attachment.comment
    if comment is not None:
        if comment.deleted_at is not None or comment.post_id != post.pk:
            raise NotFound("attachment")
        if comment.hidden_at is not None and not (
            comment.author_id == user.pk or _manages(user, post.community)
        ):
            raise NotFound("attachment")
    attachment.post = post
    return attachment

"""Moderation: reports, hiding and restoring, locking comments, and the moderators' queues.

Who moderates a place: its owners and animators, and administrators everywhere; posts on a
profile (no community) are moderated by administrators only (``policy.can_moderate``).

``Post.objects.visible_to`` hides a hidden post from everyone but its author, moderators
included, so moderation reads ``Post.objects`` directly, through ``_scope``: the one place
that limits it to the communities the viewer moderates. Nothing here ever reaches another
community's posts or reports.

A hidden item is invisible to readers and restorable; its author keeps seeing it and is told
why (``post.hidden`` / ``comment.hidden`` notifications carrying the reason, sent only if the
author may still read the place). Hiding an item closes its open reports as acted upon;
dismissing a report closes every open report of the same item (the decision is per item).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, Literal

from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

from rucher.communities.models import MANAGING_ROLES, Community, Membership
from rucher.content import policy
from rucher.content.models import Comment, Post, Report, ReportStatus
from rucher.core import clock, events
from rucher.core.errors import Forbidden, Invalid, NotFound

if TYPE_CHECKING:
    from rucher.accounts.models import User
    from rucher.notifications.models import Notification

REPORT_REASON_MAX = 1000
HIDE_REASON_MAX = 500
NOTE_MAX = 1000

State = Literal["visible", "hidden", "locked"]


def _invalid(field: str, message: str) -> Invalid:
    return Invalid(message, fields={field: [message]})


def _is_active(user: User) -> bool:
    return bool(user.is_authenticated and user.is_active)


def _record(actor: User, verb: str, community_id: int | None, target: Any, **payload: Any) -> None:
    events.record(actor=actor, verb=verb, target=target, community_id=community_id, payload=payload)


# ---------------------------------------------------------------- scope


def _managed_community_ids(viewer: User) -> QuerySet:
    return (
        Membership.objects.current()
        .filter(user_id=viewer.pk, role__in=MANAGING_ROLES)
        .values("community_id")
    )


def _scope(viewer: User, community_field: str = "community_id") -> Q:
    """The one scoping of moderation, on a model whose ``community_field`` says where it is.

    Administrators: everything, profile posts included. Owners and animators: the
    communities they manage now (never a profile post: its community is empty). Anyone
    else: nothing.
    """
    if not _is_active(viewer):
        return Q(pk__in=[])
    if viewer.is_admin:
        return Q()
    return Q(**{f"{community_field}__in": _managed_community_ids(viewer)})


def _moderated_posts(viewer: User) -> QuerySet[Post]:
    """Live posts (hidden ones included) of the places ``viewer`` moderates."""
    return Post.objects.filter(deleted_at__isnull=True).filter(_scope(viewer))


def _moderated_comments(viewer: User) -> QuerySet[Comment]:
    return Comment.objects.filter(deleted_at__isnull=True, post__deleted_at__isnull=True).filter(
        _scope(viewer, "post__community_id")
    )


def _moderated_reports(viewer: User) -> QuerySet[Report]:
    # Report.community is the post's (denormalised); empty for a profile post.
    return Report.objects.filter(_scope(viewer))


def moderates_anything(viewer: User) -> bool:
    if not _is_active(viewer):
        return False
    return viewer.is_admin or _managed_community_ids(viewer).exists()


def _post_to_moderate(actor: User, post_id: int) -> Post:
    try:
        return _moderated_posts(actor).select_related("community", "author").get(pk=post_id)
    except (Post.DoesNotExist, ValueError, TypeError):
        pass
    # Readers learn they may not; others cannot tell the post from a missing one.
    policy.access_post(user=actor, post_id=post_id)
    raise Forbidden(_("Only the moderators of this community may do this."))


def _comment_to_moderate(actor: User, comment_id: int) -> Comment:
    try:
        return (
            _moderated_comments(actor)
            .select_related("post", "post__community", "author")
            .get(pk=comment_id)
        )
    except (Comment.DoesNotExist, ValueError, TypeError):
        pass
    policy.access_comment(user=actor, comment_id=comment_id)
    raise Forbidden(_("Only the moderators of this community may do this."))


def _clean_reason(reason: str | None, limit: int, *, required: bool, missing: str) -> str:
    text = (reason or "").strip()
    if required and not text:
        raise _invalid("reason", missing)
    if len(text) > limit:
        raise _invalid("reason", _("At most %d characters.") % limit)
    return text


def _close_reports(actor: User, post: Post, comment: Comment | None, note: str) -> int:
    return Report.objects.filter(post=post, comment=comment, status=ReportStatus.OPEN).update(
        status=ReportStatus.ACTIONED, resolved_at=clock.now(), resolved_by=actor, resolution=note
    )


# ---------------------------------------------------------------- reports


@transaction.atomic
def report_create(
    *, actor: User, post_id: int, comment_id: int | None = None, reason: str
) -> Report:
    """Report a post (or one of its comments) that ``actor`` may read. While the same
    person's report of the item is open, reporting again returns it unchanged."""
    post = policy.access_post(user=actor, post_id=post_id)
    comment = None
    if comment_id is not None:
        try:
            comment = Comment.objects.get(pk=comment_id, post=post, deleted_at__isnull=True)
        except (Comment.DoesNotExist, ValueError, TypeError):
            raise NotFound("comment") from None
        if comment.hidden_at is not None and not (
            comment.author_id == actor.pk or policy.can_moderate(actor, post.community)
        ):
            raise NotFound("comment")
    item = comment if comment is not None else post
    if item.author_id == actor.pk:
        raise Invalid(_("You cannot report what you wrote yourself."))
    text = _clean_reason(
        reason,
        REPORT_REASON_MAX,
        required=True,
        missing=_("Tell the moderators what is wrong."),
    )
    existing = Report.objects.filter(
        post=post, comment=comment, reporter=actor, status=ReportStatus.OPEN
    ).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            report = Report.objects.create(
                post=post,
                comment=comment,
                community=post.community,
                reporter=actor,
                reason=text,
                created_at=clock.now(),
            )
    except IntegrityError:  # the same person reported it at the same moment
        return Report.objects.get(
            post=post, comment=comment, reporter=actor, status=ReportStatus.OPEN
        )
    _record(
        actor,
        "report.created",
        post.community_id,
        report,
        post_id=post.pk,
        comment_id=comment.pk if comment is not None else None,
    )
    return report


@transaction.atomic
def report_dismiss(*, actor: User, report_id: int, note: str = "") -> Report:
    """Nothing to act upon: close every open report of the report's item as dismissed."""
    try:
        report = _moderated_reports(actor).select_related("post").get(pk=report_id)
    except (Report.DoesNotExist, ValueError, TypeError):
        raise NotFound("report") from None
    note = _clean_reason(note, NOTE_MAX, required=False, missing="")
    if report.status != ReportStatus.OPEN:
        return report
    now = clock.now()
    same_item = (
        Q(comment__isnull=True) if report.comment_id is None else Q(comment_id=report.comment_id)
    )
    closed = Report.objects.filter(
        same_item, post_id=report.post_id, status=ReportStatus.OPEN
    ).update(status=ReportStatus.DISMISSED, resolved_at=now, resolved_by=actor, resolution=note)
    report.refresh_from_db()
    _record(
        actor,
        "report.dismissed",
        report.community_id,
        report,
        post_id=report.post_id,
        comment_id=report.comment_id,
        count=closed,
    )
    return report


# ---------------------------------------------------------------- hiding


@transaction.atomic
def post_hide(*, actor: User, post_id: int, reason: str) -> Post:
    """Hide a post from its readers; its author still sees it, and is told ``reason``."""
    post = _post_to_moderate(actor, post_id)
    text = _clean_reason(
        reason,
        HIDE_REASON_MAX,
        required=True,
        missing=_("Tell the author why this post is hidden."),
    )
    if post.hidden_at is not None:
        return post
    post.hidden_at, post.hidden_by, post.hidden_reason = clock.now(), actor, text
    post.save(update_fields=["hidden_at", "hidden_by", "hidden_reason"])
    closed = _close_reports(actor, post, None, text)
    _record(
        actor,
        "post.hidden",
        post.community_id,
        post,
        post_id=post.pk,
        author_id=post.author_id,
        reason=text,
        reports_closed=closed,
    )
    return post


@transaction.atomic
def post_restore(*, actor: User, post_id: int, reason: str = "") -> Post:
    """Show a hidden post again; its author is told."""
    post = _post_to_moderate(actor, post_id)
    text = _clean_reason(reason, HIDE_REASON_MAX, required=False, missing="")
    if post.hidden_at is None:
        return post
    post.hidden_at, post.hidden_by, post.hidden_reason = None, None, ""
    post.save(update_fields=["hidden_at", "hidden_by", "hidden_reason"])
    _record(
        actor,
        "post.restored",
        post.community_id,
        post,
        post_id=post.pk,
        author_id=post.author_id,
        reason=text,
    )
    return post


@transaction.atomic
def comment_hide(*, actor: User, comment_id: int, reason: str) -> Comment:
    comment = _comment_to_moderate(actor, comment_id)
    text = _clean_reason(
        reason,
        HIDE_REASON_MAX,
        required=True,
        missing=_("Tell the author why this comment is hidden."),
    )
    if comment.hidden_at is not None:
        return comment
    comment.hidden_at, comment.hidden_by, comment.hidden_reason = clock.now(), actor, text
    comment.save(update_fields=["hidden_at", "hidden_by", "hidden_reason"])
    closed = _close_reports(actor, comment.post, comment, text)
    _record(
        actor,
        "comment.hidden",
        comment.post.community_id,
        comment,
        post_id=comment.post_id,
        comment_id=comment.pk,
        author_id=comment.author_id,
        reason=text,
        reports_closed=closed,
    )
    return comment


@transaction.atomic
def comment_restore(*, actor: User, comment_id: int, reason: str = "") -> Comment:
    comment = _comment_to_moderate(actor, comment_id)
    text = _clean_reason(reason, HIDE_REASON_MAX, required=False, missing="")
    if comment.hidden_at is None:
        return comment
    comment.hidden_at, comment.hidden_by, comment.hidden_reason = None, None, ""
    comment.save(update_fields=["hidden_at", "hidden_by", "hidden_reason"])
    _record(
        actor,
        "comment.restored",
        comment.post.community_id,
        comment,
        post_id=comment.post_id,
        comment_id=comment.pk,
        author_id=comment.author_id,
        reason=text,
    )
    return comment


# ---------------------------------------------------------------- locking


def _set_lock(actor: User, post_id: int, locked: bool) -> Post:
    post = _post_to_moderate(actor, post_id)
    if post.comments_locked == locked:
        return post
    post.comments_locked = locked
    post.save(update_fields=["comments_locked"])
    verb = "post.comments_locked" if locked else "post.comments_unlocked"
    _record(actor, verb, post.community_id, post, post_id=post.pk)
    return post


@transaction.atomic
def post_lock_comments(*, actor: User, post_id: int) -> Post:
    """No more comments on this post (``policy.can_comment`` refuses them)."""
    return _set_lock(actor, post_id, True)


@transaction.atomic
def post_unlock_comments(*, actor: User, post_id: int) -> Post:
    return _set_lock(actor, post_id, False)


# ---------------------------------------------------------------- selectors


@dataclass
class QueueItem:
    """One reported item (a post, or a comment and its post) with its open reports."""

    post: Post
    comment: Comment | None
    reports: list[Report] = field(default_factory=list)

    @property
    def community(self) -> Community | None:
        return self.post.community

    @property
    def report_count(self) -> int:
        return len(self.reports)

    @property
    def reasons(self) -> list[str]:
        return [report.reason for report in self.reports]

    @property
    def first_reported_at(self) -> datetime:
        return min(report.created_at for report in self.reports)

    @property
    def last_reported_at(self) -> datetime:
        return max(report.created_at for report in self.reports)

    @property
    def is_hidden(self) -> bool:
        return (self.comment or self.post).hidden_at is not None

    @property
    def comments_locked(self) -> bool:
        return self.post.comments_locked

    @property
    def state(self) -> State:
        if self.is_hidden:
            return "hidden"
        if self.comment is None and self.post.comments_locked:
            return "locked"
        return "visible"


@dataclass(frozen=True)
class HiddenItem:
    post: Post
    comment: Comment | None

    @property
    def item(self) -> Post | Comment:
        return self.comment if self.comment is not None else self.post

    @property
    def community(self) -> Community | None:
        return self.post.community

    @property
    def hidden_at(self) -> datetime:
        hidden_at = self.item.hidden_at
        assert hidden_at is not None
        return hidden_at

    @property
    def hidden_by(self) -> User | None:
        return self.item.hidden_by

    @property
    def reason(self) -> str:
        return self.item.hidden_reason


def _check_queue_access(viewer: User, community: Community | None) -> None:
    """Community queues: its moderators; a non-moderator gets ``Forbidden`` if they may see
    the community, the same ``NotFound`` as for a missing one if not. The queue of
    everything (``community`` None): whoever moderates somewhere, scoped by ``_scope``."""
    if community is None:
        if not moderates_anything(viewer):
            raise Forbidden(_("Only moderators have a moderation queue."))
        return
    if policy.can_moderate(viewer, community):
        return
    if Community.objects.visible_to(viewer).filter(pk=community.pk).exists():
        raise Forbidden(_("Only the moderators of this community may do this."))
    raise NotFound("community")


def _open_reports(viewer: User, community: Community | None) -> QuerySet[Report]:
    reports = _moderated_reports(viewer).filter(
        status=ReportStatus.OPEN, post__deleted_at__isnull=True
    )
    reports = reports.filter(Q(comment__isnull=True) | Q(comment__deleted_at__isnull=True))
    if community is not None:
        reports = reports.filter(community_id=community.pk)
    return reports


def moderation_queue(*, viewer: User, community: Community | None = None) -> list[QueueItem]:
    """Open reports grouped by item, the longest waiting first, in one query.

    With ``community``: that community's queue, for its moderators. Without: everything the
    viewer moderates (for administrators the global queue: every community and profile
    posts).
    """
    _check_queue_access(viewer, community)
    reports = (
        _open_reports(viewer, community)
        .select_related(
            "reporter",
            "post",
            "post__author",
            "post__community",
            "comment",
            "comment__author",
        )
        .order_by("created_at", "id")
    )
    items: dict[tuple[int, int | None], QueueItem] = {}
    for report in reports:
        key = (report.post_id, report.comment_id)
        if key not in items:
            items[key] = QueueItem(post=report.post, comment=report.comment)
        items[key].reports.append(report)
    return list(items.values())


def hidden_items(*, viewer: User, community: Community | None = None) -> list[HiddenItem]:
    """Hidden posts and comments the viewer moderates, the most recently hidden first."""
    _check_queue_access(viewer, community)
    posts = _moderated_posts(viewer).filter(hidden_at__isnull=False)
    comments = _moderated_comments(viewer).filter(hidden_at__isnull=False)
    if community is not None:
        posts = posts.filter(community_id=community.pk)
        comments = comments.filter(post__community_id=community.pk)
    found = [
        HiddenItem(post=post, comment=None)
        for post in posts.select_related("author", "community", "hidden_by")
    ] + [
        HiddenItem(post=comment.post, comment=comment)
        for comment in comments.select_related(
            "author", "hidden_by", "post", "post__author", "post__community"
        )
    ]
    found.sort(key=lambda hidden: hidden.hidden_at, reverse=True)
    return found


def moderation_counts(viewer: User) -> int:
    """How many items wait in the viewer's queue (for a badge); 0 for non-moderators."""
    if not _is_active(viewer):
        return 0
    return _open_reports(viewer, None).values("post_id", "comment_id").distinct().order_by().count()


# ---------------------------------------------------------------- notifications


MODERATION_LINK_NAMES = {
    "report.created": "content:moderation",
    "post.hidden": "content:post",
    "post.restored": "content:post",
    "comment.hidden": "content:post",
    "comment.restored": "content:post",
}


def notification_link(notification: Notification, community: Community | None) -> str | None:
    """Where a moderation notification leads: the queue for moderators, the post for its
    author (who still sees it when hidden). None for other verbs or before the pages exist."""
    name = MODERATION_LINK_NAMES.get(notification.verb)
    if name is None:
        return None
    try:
        if notification.verb == "report.created":
            if community is not None:
                return reverse("content:moderation_queue", args=[community.slug])
            return reverse(name)
        post_id = notification.payload.get("post_id")
        return reverse(name, args=[post_id]) if isinstance(post_id, int) else None
    except NoReverseMatch:
        return None

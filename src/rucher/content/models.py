"""Conversations: posts, comments, reactions, mentions and hashtags.

``body`` is what the author typed (Markdown, mentions as ``@[Name](person:ID)``), ``body_html``
its safe rendering made at write time (rucher.core.markdown). Nothing is hard-deleted by the
services: a deleted post or comment keeps its row with ``deleted_at`` set, so that threads,
counts and the event log stay coherent.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import TYPE_CHECKING, Any, ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from rucher.core import clock
from rucher.core.models import Tag

if TYPE_CHECKING:
    from rucher.accounts.models import User


class PostType(models.TextChoices):
    DISCUSSION = "discussion", _("Discussion")
    QUESTION = "question", _("Question")
    IDEA = "idea", _("Idea")
    POLL = "poll", _("Poll")
    EVENT = "event", _("Event")
    ANNOUNCEMENT = "announcement", _("Announcement")


class ReactionKind(models.TextChoices):
    LIKE = "like", _("Like")
    THANKS = "thanks", _("Thanks")
    INSIGHTFUL = "insightful", _("Insightful")
    SUPPORT = "support", _("Support")
    CURIOUS = "curious", _("Curious")


class PostQuerySet(models.QuerySet["Post"]):
    def visible_to(self, user: User) -> PostQuerySet:
        from rucher.content.policy import posts_visible_to

        return posts_visible_to(user, self)


def _set_only(table: str, fields: list[str]) -> list[models.Index]:
    """Indexes of the rows where each of ``fields`` is set. Those columns are empty on almost
    every row (who deleted or hid a post, its accepted answer, a comment's parent): a full
    index holds an entry per row, written at every insert (a bulk import's rows too), for
    look-ups (``= x``, ``IN (...)``: the cascades of a delete) that only ever want set
    values; both databases use a partial index for those."""
    return [
        models.Index(
            fields=[name],
            condition=models.Q(**{f"{name}__isnull": False}),
            name=f"{table}_{name}_set",
        )
        for name in fields
    ]


def _moderator() -> Any:
    """Who deleted or hid a post or comment: empty on almost every row, so indexed only where
    set (``_set_only``)."""
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
    )


class Post(models.Model):
    community = models.ForeignKey(
        "communities.Community",
        verbose_name=_("community"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="posts",
        help_text=_("Empty for a post on the author's profile."),
        # Served by the composite indexes of Meta that begin with it.
        db_index=False,
    )
    # Served by the (author, -created_at) index of Meta.
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="posts", db_index=False
    )
    type = models.CharField(
        _("type"), max_length=16, choices=PostType.choices, default=PostType.DISCUSSION
    )
    title = models.CharField(_("title"), max_length=200, blank=True)
    body = models.TextField(_("text"))
    body_html = models.TextField(blank=True)
    hashtags = models.ManyToManyField(Tag, blank=True, related_name="posts")
    created_at = models.DateTimeField(_("created at"), default=clock.now)
    edited_at = models.DateTimeField(_("edited at"), null=True, blank=True)
    last_activity_at = models.DateTimeField(_("last activity"), default=clock.now)
    deleted_at = models.DateTimeField(_("deleted at"), null=True, blank=True)
    deleted_by = _moderator()
    delete_reason = models.CharField(_("reason for deletion"), max_length=500, blank=True)
    accepted_answer = models.ForeignKey(
        "Comment",
        verbose_name=_("accepted answer"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,  # a partial index (Meta)
    )
    # Announcements stay on top of the community feed while pinned_at is set.
    pinned_at = models.DateTimeField(_("pinned at"), null=True, blank=True)
    asks_read_confirmation = models.BooleanField(_("asks for a read confirmation"), default=False)
    comments_locked = models.BooleanField(_("comments locked"), default=False)
    # Hidden by a moderator: invisible to readers, restorable; the author sees it and why.
    hidden_at = models.DateTimeField(_("hidden at"), null=True, blank=True)
    hidden_by = _moderator()
    hidden_reason = models.CharField(_("reason for hiding"), max_length=500, blank=True)

    objects: ClassVar[PostQuerySet] = PostQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        verbose_name = _("post")
        verbose_name_plural = _("posts")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["community", "-created_at"]),
            models.Index(fields=["community", "-last_activity_at"]),
            models.Index(fields=["author", "-created_at"]),
            models.Index(fields=["community", "pinned_at"]),
            *_set_only("post", ["accepted_answer", "deleted_by", "hidden_by"]),
        ]

    def __str__(self) -> str:
        return self.title or self.body[:50]

    @property
    def is_hidden(self) -> bool:
        return self.hidden_at is not None

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None


class PostRevision(models.Model):
    """A previous version of a post, kept at each edit (the visible edit history)."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="revisions")
    title = models.CharField(max_length=200, blank=True)
    body = models.TextField()
    edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=clock.now)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.post_id} @ {self.created_at:%Y-%m-%d %H:%M}"


class Comment(models.Model):
    # Served by the (post, created_at) index of Meta.
    post = models.ForeignKey(
        Post, on_delete=models.CASCADE, related_name="comments", db_index=False
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="comments"
    )
    # One level of nesting: a reply's parent is always a top-level comment.
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="replies",
        db_index=False,  # a partial index (Meta)
    )
    body = models.TextField(_("text"))
    body_html = models.TextField(blank=True)
    created_at = models.DateTimeField(_("created at"), default=clock.now)
    edited_at = models.DateTimeField(_("edited at"), null=True, blank=True)
    deleted_at = models.DateTimeField(_("deleted at"), null=True, blank=True)
    deleted_by = _moderator()
    hidden_at = models.DateTimeField(_("hidden at"), null=True, blank=True)
    hidden_by = _moderator()
    hidden_reason = models.CharField(_("reason for hiding"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["post", "created_at"]),
            *_set_only("comment", ["parent", "deleted_by", "hidden_by"]),
        ]

    def __str__(self) -> str:
        return self.body[:50]

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None

    @property
    def is_hidden(self) -> bool:
        return self.hidden_at is not None


class Reaction(models.Model):
    """One per person per item: on a post (``comment`` empty) or on one of its comments."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="reactions")
    comment = models.ForeignKey(
        Comment,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="reactions",
        # ``one_reaction_per_comment`` (comment, user) serves every look-up by comment.
        db_index=False,
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reactions"
    )
    kind = models.CharField(_("reaction"), max_length=12, choices=ReactionKind.choices)
    created_at = models.DateTimeField(default=clock.now)

    class Meta:
        verbose_name = _("reaction")
        verbose_name_plural = _("reactions")
        constraints = [
            models.UniqueConstraint(
                fields=["post", "user"],
                condition=models.Q(comment__isnull=True),
                name="one_reaction_per_post",
            ),
            models.UniqueConstraint(
                fields=["comment", "user"],
                condition=models.Q(comment__isnull=False),
                name="one_reaction_per_comment",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.kind} {self.post_id}/{self.comment_id}"


class Mention(models.Model):
    """A person mentioned in a post (``comment`` empty) or in a comment.

    ``notified`` is False when the person could not read the community at the time: the
    mention is kept (the text shows it) but it told them nothing.
    """

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="mentions")
    comment = models.ForeignKey(
        Comment, null=True, blank=True, on_delete=models.CASCADE, related_name="mentions"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mentions"
    )
    notified = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=clock.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["post", "user"],
                condition=models.Q(comment__isnull=True),
                name="one_mention_per_post",
            ),
            models.UniqueConstraint(
                fields=["comment", "user"],
                condition=models.Q(comment__isnull=False),
                name="one_mention_per_comment",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} in {self.post_id}/{self.comment_id}"


# ---------------------------------------------------------------- post types


class Poll(models.Model):
    """The choices of a poll post. Results show after one has voted or after closing."""

    post = models.OneToOneField(Post, on_delete=models.CASCADE, related_name="poll")
    multiple = models.BooleanField(_("several choices allowed"), default=False)
    closes_at = models.DateTimeField(_("closes at"), null=True, blank=True)

    class Meta:
        verbose_name = _("poll")
        verbose_name_plural = _("polls")

    def __str__(self) -> str:
        return f"poll {self.post_id}"

    def is_closed(self, now: datetime | None = None) -> bool:
        return self.closes_at is not None and self.closes_at <= (now or clock.now())


class PollOption(models.Model):
    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="options")
    label = models.CharField(_("choice"), max_length=200)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.label


class PollVote(models.Model):
    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="votes")
    option = models.ForeignKey(PollOption, on_delete=models.CASCADE, related_name="votes")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="poll_votes"
    )
    created_at = models.DateTimeField(default=clock.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["option", "user"], name="one_vote_per_option")
        ]
        indexes = [models.Index(fields=["poll", "user"])]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.option_id}"


class IdeaStatus(models.TextChoices):
    NEW = "new", _("New")
    UNDER_REVIEW = "under_review", _("Under review")
    PLANNED = "planned", _("Planned")
    DONE = "done", _("Done")
    DECLINED = "declined", _("Declined")


class Idea(models.Model):
    """An idea post's status, moved by animators, with the official response."""

    post = models.OneToOneField(Post, on_delete=models.CASCADE, related_name="idea")
    status = models.CharField(
        _("status"), max_length=16, choices=IdeaStatus.choices, default=IdeaStatus.NEW
    )
    response = models.TextField(_("official response"), blank=True)
    response_html = models.TextField(blank=True)
    status_changed_at = models.DateTimeField(null=True, blank=True)
    status_changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    vote_count = models.PositiveIntegerField(_("votes"), default=0)

    class Meta:
        verbose_name = _("idea")
        verbose_name_plural = _("ideas")

    def __str__(self) -> str:
        return f"idea {self.post_id} ({self.status})"


class IdeaVote(models.Model):
    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="votes")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="idea_votes"
    )
    created_at = models.DateTimeField(default=clock.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["idea", "user"], name="one_vote_per_idea")]

    def __str__(self) -> str:
        return f"{self.user_id} → idea {self.idea_id}"


class Event(models.Model):
    """An event post. Times are stored in UTC; ``time_zone`` is the one it was planned in."""

    post = models.OneToOneField(Post, on_delete=models.CASCADE, related_name="event")
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"), null=True, blank=True)
    time_zone = models.CharField(_("time zone"), max_length=64, default="Europe/Paris")
    place = models.CharField(_("place"), max_length=300, blank=True)
    online_url = models.URLField(_("online link"), max_length=500, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    sequence = models.PositiveIntegerField(default=0)  # iCalendar SEQUENCE, bumped on changes

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        indexes = [models.Index(fields=["starts_at"])]

    def __str__(self) -> str:
        return f"event {self.post_id} @ {self.starts_at:%Y-%m-%d %H:%M}"


class RsvpAnswer(models.TextChoices):
    GOING = "going", _("Going")
    MAYBE = "maybe", _("Maybe")
    NOT_GOING = "not_going", _("Not going")


class EventRsvp(models.Model):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="rsvps")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="rsvps"
    )
    answer = models.CharField(_("answer"), max_length=12, choices=RsvpAnswer.choices)
    updated_at = models.DateTimeField(default=clock.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["event", "user"], name="one_rsvp_per_event")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.answer} {self.event_id}"


class ReadConfirmation(models.Model):
    """ "I have read it" on an announcement that asks for it."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="read_confirmations")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="read_confirmations"
    )
    created_at = models.DateTimeField(default=clock.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["post", "user"], name="one_read_confirmation")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} read {self.post_id}"


# ---------------------------------------------------------------- attachments


def attachment_path(instance: Attachment, filename: str) -> str:
    # The stored name is random: the original name is kept in a column and given back
    # only through the policy-checked download view.
    return f"attachments/{clock.now():%Y/%m}/{uuid.uuid4().hex}"


class Attachment(models.Model):
    """A file uploaded by someone, first pending (no post), then attached to a post or
    comment when that is written. Every download goes through ``policy.access_attachment``."""

    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="attachments"
    )
    post = models.ForeignKey(
        Post, null=True, blank=True, on_delete=models.CASCADE, related_name="attachments"
    )
    comment = models.ForeignKey(
        Comment, null=True, blank=True, on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField(upload_to=attachment_path, max_length=300)
    thumbnail = models.FileField(upload_to=attachment_path, max_length=300, blank=True)
    name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(max_length=120)
    size = models.PositiveBigIntegerField(_("size"))
    width = models.PositiveIntegerField(null=True, blank=True)
    height = models.PositiveIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(default=clock.now)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_image(self) -> bool:
        return bool(self.thumbnail)


# ---------------------------------------------------------------- moderation


class ReportStatus(models.TextChoices):
    OPEN = "open", _("Open")
    DISMISSED = "dismissed", _("Dismissed")
    ACTIONED = "actioned", _("Acted upon")


class Report(models.Model):
    """Someone's report of a post or comment, for the community's moderators."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="reports")
    comment = models.ForeignKey(
        Comment, null=True, blank=True, on_delete=models.CASCADE, related_name="reports"
    )
    # Denormalised so that queues filter by community without joining posts.
    community = models.ForeignKey(
        "communities.Community", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reports_made"
    )
    reason = models.CharField(_("reason"), max_length=1000)
    status = models.CharField(
        _("status"), max_length=12, choices=ReportStatus.choices, default=ReportStatus.OPEN
    )
    created_at = models.DateTimeField(default=clock.now)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    resolution = models.CharField(_("resolution note"), max_length=1000, blank=True)

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        ordering = ["-created_at", "-id"]
        constraints = [
            # One open report per person per item; a new report after a decision is allowed.
            models.UniqueConstraint(
                fields=["post", "reporter"],
                condition=models.Q(comment__isnull=True, status="open"),
                name="one_open_report_per_post",
            ),
            models.UniqueConstraint(
                fields=["comment", "reporter"],
                condition=models.Q(comment__isnull=False, status="open"),
                name="one_open_report_per_comment",
            ),
        ]
        indexes = [models.Index(fields=["community", "status", "-created_at"])]

    def __str__(self) -> str:
        return f"report {self.pk} on {self.post_id}/{self.comment_id}"

"""Conversations: posts, comments, reactions, mentions and hashtags.

``body`` is what the author typed (Markdown, mentions as ``@[Name](person:ID)``), ``body_html``
its safe rendering made at write time (rucher.core.markdown). Nothing is hard-deleted by the
services: a deleted post or comment keeps its row with ``deleted_at`` set, so that threads,
counts and the event log stay coherent.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

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


class Post(models.Model):
    community = models.ForeignKey(
        "communities.Community",
        verbose_name=_("community"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="posts",
        help_text=_("Empty for a post on the author's profile."),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="posts"
    )
    type = models.CharField(
        _("type"), max_length=16, choices=PostType.choices, default=PostType.DISCUSSION
    )
    title = models.CharField(_("title"), max_length=200, blank=True)
    body = models.TextField(_("text"))
    body_html = models.TextField(blank=True)
    hashtags = models.ManyToManyField(Tag, blank=True, related_name="posts")
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    edited_at = models.DateTimeField(_("edited at"), null=True, blank=True)
    last_activity_at = models.DateTimeField(_("last activity"), default=timezone.now)
    deleted_at = models.DateTimeField(_("deleted at"), null=True, blank=True)
    deleted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    delete_reason = models.CharField(_("reason for deletion"), max_length=500, blank=True)
    accepted_answer = models.ForeignKey(
        "Comment",
        verbose_name=_("accepted answer"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects: ClassVar[PostQuerySet] = PostQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        verbose_name = _("post")
        verbose_name_plural = _("posts")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["community", "-created_at"]),
            models.Index(fields=["community", "-last_activity_at"]),
            models.Index(fields=["author", "-created_at"]),
        ]

    def __str__(self) -> str:
        return self.title or self.body[:50]

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
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.post_id} @ {self.created_at:%Y-%m-%d %H:%M}"


class Comment(models.Model):
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="comments"
    )
    # One level of nesting: a reply's parent is always a top-level comment.
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="replies"
    )
    body = models.TextField(_("text"))
    body_html = models.TextField(blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    edited_at = models.DateTimeField(_("edited at"), null=True, blank=True)
    deleted_at = models.DateTimeField(_("deleted at"), null=True, blank=True)
    deleted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["post", "created_at"])]

    def __str__(self) -> str:
        return self.body[:50]

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None


class Reaction(models.Model):
    """One per person per item: on a post (``comment`` empty) or on one of its comments."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="reactions")
    comment = models.ForeignKey(
        Comment, null=True, blank=True, on_delete=models.CASCADE, related_name="reactions"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reactions"
    )
    kind = models.CharField(_("reaction"), max_length=12, choices=ReactionKind.choices)
    created_at = models.DateTimeField(default=timezone.now)

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
    created_at = models.DateTimeField(default=timezone.now)

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

"""Rollups of the event log: what every dashboard reads, never the live content tables.

Written ONLY by the analytics consumer (``rucher.analytics.rollups``), which is also what
``rucher analytics rebuild`` replays; ``AnalyticsConfig`` and ``StageHistory`` are the
exceptions (an administrator's settings; the weekly lifecycle computation).

Conventions shared by every table:

* People and communities are plain ids (no foreign keys): the log is the source, rows are
  never cascaded, a deleted community keeps its history.
* ``day`` is the local date (``settings.TIME_ZONE``) of the event's ``occurred_at``, never of
  ``recorded_at``: imports and the demo write the past.
* ``community_id`` None means outside any community (presence, profile posts). Unique keys
  that contain it use ``COALESCE(community_id, 0)`` so that "no community" is one key.
* Spans are half-open: ``start <= day < end`` (``since <= day < until``); ``end`` None = still
  open. A span that would open and close on the same day is not kept.
* Counts are acts, counted when made: a deleted or hidden post, a removed reaction, an
  un-voted idea do not lower any count.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _


class PersonDay(models.Model):
    """One person's activity on one day in one community (None = outside any community).

    ``reached``: the person did anything (any event they are the actor of, presence included).
    ``contributions`` = posts + comments + reactions + votes: one per act written. Mentions
    and accepted answers are counted apart but are not extra contributions (a mention is
    inside a post or comment already counted; an accepted answer is a comment already
    counted, and ``answers_accepted`` goes to the answer's author on the day of acceptance).
    """

    day = models.DateField(_("day"))
    person_id = models.BigIntegerField(_("person"))
    community_id = models.BigIntegerField(_("community"), null=True, blank=True)
    reached = models.BooleanField(_("reached"), default=False)
    contributions = models.PositiveIntegerField(_("contributions"), default=0)
    posts = models.PositiveIntegerField(_("posts"), default=0)
    comments = models.PositiveIntegerField(_("comments"), default=0)
    reactions = models.PositiveIntegerField(_("reactions"), default=0)
    votes = models.PositiveIntegerField(_("votes"), default=0)
    answers_accepted = models.PositiveIntegerField(_("accepted answers"), default=0)
    mentions = models.PositiveIntegerField(_("mentions"), default=0)

    class Meta:
        verbose_name = _("person day")
        verbose_name_plural = _("person days")
        constraints = [
            models.UniqueConstraint(
                "day",
                "person_id",
                Coalesce("community_id", 0),
                name="analytics_personday_key",
            )
        ]
        indexes = [
            models.Index(fields=["community_id", "day"], name="analytics_pd_community_day"),
            models.Index(fields=["person_id", "day"], name="analytics_pd_person_day"),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.person_id}@{self.community_id}"


class PersonUnit(models.Model):
    """A person's org unit and manager from ``since`` until the next row of that person.

    From ``profile.updated`` (payload ``org_unit_id`` / ``manager_id`` when they change). Two
    changes on one day leave one row, the last state of the day.
    """

    person_id = models.BigIntegerField(_("person"))
    org_unit_id = models.BigIntegerField(_("org unit"), null=True, blank=True)
    manager_id = models.BigIntegerField(_("manager"), null=True, blank=True)
    since = models.DateField(_("since"))

    class Meta:
        verbose_name = _("person's org unit")
        verbose_name_plural = _("people's org units")
        constraints = [
            models.UniqueConstraint(fields=["person_id", "since"], name="analytics_pu_key")
        ]
        indexes = [models.Index(fields=["org_unit_id"], name="analytics_pu_unit")]

    def __str__(self) -> str:
        return f"{self.person_id} in {self.org_unit_id} since {self.since}"


class PersonRoleSpan(models.Model):
    """A person's global role while active: ``since <= day < until`` (None = still).

    A role change closes the span and opens one; deactivation closes it, reactivation opens
    one with the role the person has then. Roles are accounts ``Role`` values (``guest`` =
    partner guest; ``project_team`` counts as staff).
    """

    person_id = models.BigIntegerField(_("person"))
    role = models.CharField(_("role"), max_length=32)
    since = models.DateField(_("since"))
    until = models.DateField(_("until"), null=True, blank=True)

    class Meta:
        verbose_name = _("role span")
        verbose_name_plural = _("role spans")
        indexes = [models.Index(fields=["person_id", "since"], name="analytics_prs_person")]

    def __str__(self) -> str:
        return f"{self.person_id} {self.role} {self.since}–{self.until or ''}"


class PersonState(models.Model):
    """The consumer's memory of each person now (not for dashboards): role, active, unit."""

    person_id = models.BigIntegerField(_("person"), unique=True)
    role = models.CharField(_("role"), max_length=32, blank=True)
    active = models.BooleanField(_("active"), default=True)
    org_unit_id = models.BigIntegerField(_("org unit"), null=True, blank=True)
    manager_id = models.BigIntegerField(_("manager"), null=True, blank=True)

    class Meta:
        verbose_name = _("person state")
        verbose_name_plural = _("person states")

    def __str__(self) -> str:
        return str(self.person_id)


class MembershipSpan(models.Model):
    """One continuous period of membership with one role: ``start <= day < end``.

    ``end`` is the day the person left, was removed or changed role (None = still a member
    with this role). Roles are communities ``CommunityRole`` values.
    """

    community_id = models.BigIntegerField(_("community"))
    person_id = models.BigIntegerField(_("person"))
    role = models.CharField(_("role"), max_length=32)
    start = models.DateField(_("start"))
    end = models.DateField(_("end"), null=True, blank=True)

    class Meta:
        verbose_name = _("membership span")
        verbose_name_plural = _("membership spans")
        indexes = [
            models.Index(fields=["community_id", "start"], name="analytics_ms_community"),
            models.Index(fields=["person_id", "start"], name="analytics_ms_person"),
            # The consumer's look-up of the spans a batch changes: open ones, by pair.
            models.Index(
                fields=["community_id", "person_id"],
                condition=models.Q(end__isnull=True),
                name="analytics_ms_open",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person_id}@{self.community_id} {self.role} {self.start}–{self.end or ''}"


class InteractionKind(models.TextChoices):
    REPLY = "reply", _("reply")
    MENTION = "mention", _("mention")
    REACTION = "reaction", _("reaction")


class Interaction(models.Model):
    """Directed interactions source → target of one kind on one day in one community.

    reply: a comment on the target's post (or a reply to the target's comment); mention: the
    target mentioned; reaction: a reaction to the target's post or comment. Never to oneself.
    """

    day = models.DateField(_("day"))
    source_id = models.BigIntegerField(_("source"))
    target_id = models.BigIntegerField(_("target"))
    community_id = models.BigIntegerField(_("community"), null=True, blank=True)
    kind = models.CharField(_("kind"), max_length=16, choices=InteractionKind.choices)
    count = models.PositiveIntegerField(_("count"), default=0)

    class Meta:
        verbose_name = _("interaction")
        verbose_name_plural = _("interactions")
        constraints = [
            models.UniqueConstraint(
                "day",
                "source_id",
                "target_id",
                Coalesce("community_id", 0),
                "kind",
                name="analytics_interaction_key",
            )
        ]
        # Day ranges use the unique key, which starts with the day.
        indexes = [
            models.Index(fields=["community_id", "day"], name="analytics_ia_community_day"),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.source_id}→{self.target_id} {self.kind}"


class FirstInteraction(models.Model):
    """The first day two people interacted (either direction, any kind, any community)."""

    person_low_id = models.BigIntegerField(_("person (lower id)"))
    person_high_id = models.BigIntegerField(_("person (higher id)"))
    first_day = models.DateField(_("first day"))

    class Meta:
        verbose_name = _("first interaction")
        verbose_name_plural = _("first interactions")
        constraints = [
            models.UniqueConstraint(
                fields=["person_low_id", "person_high_id"], name="analytics_fi_key"
            )
        ]
        indexes = [models.Index(fields=["first_day"], name="analytics_fi_day")]

    def __str__(self) -> str:
        return f"{self.person_low_id}–{self.person_high_id} {self.first_day}"


class Thread(models.Model):
    """A post and how it was answered.

    ``first_response_*``: the earliest comment (by ``occurred_at``, then id) by someone other
    than the post's author that is neither deleted nor hidden; deleting or hiding it promotes
    the next one, restoring it takes its place back. ``accepted_*``:
    the accepted answer of a question, cleared when that comment is deleted (as the content
    does). ``deleted``/``hidden`` follow ``post.deleted`` and ``post.hidden``/``restored``.
    """

    post_id = models.BigIntegerField(_("post"), unique=True)
    community_id = models.BigIntegerField(_("community"), null=True, blank=True)
    author_id = models.BigIntegerField(_("author"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"))
    type = models.CharField(_("type"), max_length=32)
    deleted = models.BooleanField(_("deleted"), default=False)
    hidden = models.BooleanField(_("hidden"), default=False)
    first_response_at = models.DateTimeField(_("first response at"), null=True, blank=True)
    first_responder_id = models.BigIntegerField(_("first responder"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("answer accepted at"), null=True, blank=True)
    accepted_comment_id = models.BigIntegerField(_("accepted answer"), null=True, blank=True)

    class Meta:
        verbose_name = _("thread")
        verbose_name_plural = _("threads")
        indexes = [
            models.Index(fields=["community_id", "created_at"], name="analytics_th_community"),
            models.Index(fields=["created_at"], name="analytics_th_created"),
        ]

    def __str__(self) -> str:
        return f"thread {self.post_id}"


class ThreadResponse(models.Model):
    """Each comment by someone other than the post's author: what the first response is
    chosen from, again, when one is deleted or hidden by a moderator (``comment.hidden``;
    ``comment.restored`` makes it a candidate again)."""

    comment_id = models.BigIntegerField(_("comment"), unique=True)
    post_id = models.BigIntegerField(_("post"))
    author_id = models.BigIntegerField(_("author"))
    at = models.DateTimeField(_("at"))
    deleted = models.BooleanField(_("deleted"), default=False)
    hidden = models.BooleanField(_("hidden"), default=False)

    class Meta:
        verbose_name = _("thread response")
        verbose_name_plural = _("thread responses")
        indexes = [models.Index(fields=["post_id", "at"], name="analytics_tr_post_at")]

    def __str__(self) -> str:
        return f"response {self.comment_id} to {self.post_id}"


class CommunityDay(models.Model):
    """A community's day, for charts. ``contributors``: distinct people with a contribution
    that day (PersonDay rows with contributions > 0); arrivals = ``membership.joined``,
    departures = ``membership.left``, ``membership.removed`` and ``membership.expired`` (a
    guest's access ended) that closed a membership span: removing a guest whose access had
    already expired is not a second departure."""

    day = models.DateField(_("day"))
    community_id = models.BigIntegerField(_("community"))
    posts = models.PositiveIntegerField(_("posts"), default=0)
    comments = models.PositiveIntegerField(_("comments"), default=0)
    reactions = models.PositiveIntegerField(_("reactions"), default=0)
    contributors = models.PositiveIntegerField(_("contributors"), default=0)
    arrivals = models.PositiveIntegerField(_("arrivals"), default=0)
    departures = models.PositiveIntegerField(_("departures"), default=0)

    class Meta:
        verbose_name = _("community day")
        verbose_name_plural = _("community days")
        constraints = [
            models.UniqueConstraint(fields=["community_id", "day"], name="analytics_cd_key")
        ]
        indexes = [models.Index(fields=["day"], name="analytics_cd_day")]

    def __str__(self) -> str:
        return f"{self.day} community {self.community_id}"


def default_lifecycle_thresholds() -> dict[str, Any]:
    """Overrides only: a key missing here takes the default of the reference (lifecycle.py)."""
    return {}


class AnalyticsConfig(models.Model):
    """Analytics settings an administrator sets. A single row (pk=1)."""

    DEFAULT_MIN_GROUP_SIZE = 5

    min_group_size = models.PositiveSmallIntegerField(
        _("minimum group size"),
        default=DEFAULT_MIN_GROUP_SIZE,
        help_text=_("Groups smaller than this are hidden or merged. It can only be raised."),
    )
    lifecycle_thresholds = models.JSONField(
        _("lifecycle thresholds"), default=default_lifecycle_thresholds, blank=True
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("analytics settings")
        verbose_name_plural = _("analytics settings")

    def __str__(self) -> str:
        return str(_("Analytics settings"))

    @classmethod
    def current(cls) -> AnalyticsConfig:
        row, _created = cls.objects.get_or_create(pk=1)
        return row


class StageHistory(models.Model):
    """A community's lifecycle stage for one week (computed weekly, by lifecycle.py).

    ``overlay``: the team stage of small project communities, or ''. ``explanation``: the
    figures the rules used. ``changed``: the stage differs from the previous week's.
    """

    community_id = models.BigIntegerField(_("community"))
    week_start = models.DateField(_("week start"))
    stage = models.CharField(_("stage"), max_length=32)
    overlay = models.CharField(_("team stage"), max_length=32, blank=True)
    explanation = models.JSONField(_("explanation"), default=dict, blank=True)
    changed = models.BooleanField(_("changed"), default=False)
    computed_at = models.DateTimeField(_("computed at"), auto_now=True)

    class Meta:
        verbose_name = _("stage history")
        verbose_name_plural = _("stage history")
        constraints = [
            models.UniqueConstraint(fields=["community_id", "week_start"], name="analytics_sh_key")
        ]

    def __str__(self) -> str:
        return f"community {self.community_id} {self.week_start} {self.stage}"

"""Writes about conversations. Each checks policy, writes in one transaction and records
its event (with ``community_id``, None for profile posts) in the same transaction.

Mentions: only people the author may see become mentions (others stay plain text). A
mentioned person who cannot read the place gets a ``Mention`` row with ``notified=False``
and no notification; nothing is raised, so the author learns nothing from the write
itself. ``mention_warnings`` lets the page warn the author before posting.

Times: every stamp and every "is it over / closed yet" check reads ``rucher.core.clock.now()``,
the wall clock except inside ``clock.frozen`` (a replay of history, the demo's activity).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from rucher.accounts.models import User
from rucher.communities.models import Community
from rucher.communities.policy import access_community
from rucher.content import policy
from rucher.content.models import (
    Comment,
    EventRsvp,
    Idea,
    IdeaStatus,
    IdeaVote,
    Mention,
    Poll,
    PollOption,
    PollVote,
    Post,
    PostRevision,
    PostType,
    Reaction,
    ReactionKind,
    ReadConfirmation,
    RsvpAnswer,
)
from rucher.content.models import Event as PostEvent
from rucher.core import clock, events, markdown
from rucher.core.errors import Forbidden, Invalid, NotFound
from rucher.core.tags import tags_for

POST_MAX = 20_000
COMMENT_MAX = 5_000
TITLE_MAX = 200
REASON_MAX = 500
RESPONSE_MAX = 5_000
POLL_OPTIONS_MIN = 2
POLL_OPTIONS_MAX = 20
POLL_OPTION_MAX = 200
PLACE_MAX = 300
URL_MAX = 500
AVAILABLE_TYPES = tuple(PostType)
# Types whose title is required (the question itself, the event's name).
TITLED_TYPES = (PostType.QUESTION, PostType.EVENT)


@dataclass(frozen=True)
class PollSpec:
    """The choices of a new poll. Blank options are dropped before counting."""

    options: list[str] = field(default_factory=list)
    multiple: bool = False
    closes_at: datetime | None = None


@dataclass(frozen=True)
class EventSpec:
    """When and where an event takes place. ``starts_at``/``ends_at`` are aware datetimes
    (stored in UTC); ``time_zone`` is the IANA name it was planned in."""

    starts_at: datetime | None
    ends_at: datetime | None = None
    time_zone: str = "Europe/Paris"
    place: str = ""
    online_url: str = ""


def _field_error(field: str, message: str) -> Invalid:
    return Invalid(message, fields={field: [message]})


def _clean_body(body: str | None, limit: int) -> str:
    text = (body or "").strip()
    if not text:
        raise _field_error("body", _("Write something first."))
    if len(text) > limit:
        raise _field_error("body", _("At most %d characters.") % limit)
    return text


def _record(
    actor: User, verb: str, community: Community | None, target: Any, **payload: Any
) -> None:
    events.record(
        actor=actor,
        verb=verb,
        target=target,
        community_id=community.pk if community is not None else None,
        payload=payload,
    )


def _mentionable(author: User, body: str) -> dict[int, User]:
    """People mentioned in ``body`` whom the author may see, by id."""
    ids = markdown.mentioned_ids(body)
    if not ids:
        return {}
    return {person.pk: person for person in User.objects.visible_to(author).filter(pk__in=ids)}


def _render(author: User, body: str) -> tuple[markdown.Rendered, dict[int, User]]:
    people = _mentionable(author, body)
    rendered = markdown.render(body, people={pk: p.display_name for pk, p in people.items()})
    return rendered, people


def mention_warnings(author: User, community: Community | None, body: str) -> list[User]:
    """Mentioned people who will not be notified because they cannot read the place."""
    people = _mentionable(author, body)
    return [
        person
        for person in people.values()
        if person.pk != author.pk and not policy.can_read_place(person, community)
    ]


def _mention(
    actor: User, post: Post, comment: Comment | None, people: dict[int, User], ids: list[int]
) -> list[Mention]:
    already = set(
        Mention.objects.filter(post=post, comment=comment).values_list("user_id", flat=True)
    )
    made = []
    for person_id in ids:
        person = people.get(person_id)
        if person is None or person.pk == actor.pk or person.pk in already:
            continue
        notified = person.is_active and policy.can_read_place(person, post.community)
        mention = Mention.objects.create(
            post=post, comment=comment, user=person, notified=notified, created_at=clock.now()
        )
        _record(
            actor,
            "mention.created",
            post.community,
            mention,
            user_id=person.pk,
            post_id=post.pk,
            comment_id=comment.pk if comment is not None else None,
            notified=notified,
        )
        made.append(mention)
    return made


# ---------------------------------------------------------------- posts


def _clean_title(title: str | None, type: str) -> str:
    text = (title or "").strip()
    if len(text) > TITLE_MAX:
        raise _field_error("title", _("At most %d characters.") % TITLE_MAX)
    if not text and type == PostType.QUESTION:
        raise _field_error("title", _("A question needs a title."))
    if not text and type == PostType.EVENT:
        raise _field_error("title", _("An event needs a title."))
    return text


@dataclass(frozen=True)
class _CleanPoll:
    options: list[str]
    multiple: bool
    closes_at: datetime | None


def _clean_poll(spec: PollSpec | None) -> _CleanPoll:
    if spec is None:
        raise _field_error("options", _("A poll needs at least %d choices.") % POLL_OPTIONS_MIN)
    options = [(option or "").strip() for option in spec.options]
    options = [option for option in options if option]
    errors: list[str] = []
    if len(options) < POLL_OPTIONS_MIN:
        errors.append(_("A poll needs at least %d choices.") % POLL_OPTIONS_MIN)
    if len(options) > POLL_OPTIONS_MAX:
        errors.append(_("A poll has at most %d choices.") % POLL_OPTIONS_MAX)
    if any(len(option) > POLL_OPTION_MAX for option in options):
        errors.append(_("Each choice has at most %d characters.") % POLL_OPTION_MAX)
    if len({option.casefold() for option in options}) != len(options):
        errors.append(_("Each choice must be different."))
    fields: dict[str, list[str]] = {}
    if errors:
        fields["options"] = errors
    closes_at = spec.closes_at
    if closes_at is not None:
        if timezone.is_naive(closes_at):
            fields["closes_at"] = [_("Give the closing time with its time zone.")]
        elif closes_at <= clock.now():
            fields["closes_at"] = [_("The closing date must be in the future.")]
    if fields:
        first = next(iter(fields.values()))[0]
        raise Invalid(first, fields=fields)
    return _CleanPoll(options=options, multiple=bool(spec.multiple), closes_at=closes_at)


def _clean_event(spec: EventSpec | None) -> EventSpec:
    if spec is None:
        raise _field_error("starts_at", _("Give the date and time the event starts."))
    fields: dict[str, list[str]] = {}
    time_zone = (spec.time_zone or "").strip()
    try:
        if not time_zone:
            raise ValueError(time_zone)
        ZoneInfo(time_zone)
    except (ZoneInfoNotFoundError, ValueError):
        fields["time_zone"] = [_("Unknown time zone.")]
    starts_at, ends_at = spec.starts_at, spec.ends_at
    if starts_at is None:
        fields["starts_at"] = [_("Give the date and time the event starts.")]
    elif timezone.is_naive(starts_at):
        fields["starts_at"] = [_("Give the start time with its time zone.")]
    if ends_at is not None:
        if timezone.is_naive(ends_at):
            fields["ends_at"] = [_("Give the end time with its time zone.")]
        elif starts_at is not None and timezone.is_aware(starts_at) and ends_at <= starts_at:
            fields["ends_at"] = [_("The event must end after it starts.")]
    place = (spec.place or "").strip()
    if len(place) > PLACE_MAX:
        fields["place"] = [_("At most %d characters.") % PLACE_MAX]
    online_url = (spec.online_url or "").strip()
    if online_url:
        parts = urlsplit(online_url)
        if len(online_url) > URL_MAX:
            fields["online_url"] = [_("At most %d characters.") % URL_MAX]
        elif parts.scheme.lower() not in ("http", "https") or not parts.netloc:
            fields["online_url"] = [_("Give a web address starting with http:// or https://.")]
    if fields:
        first = next(iter(fields.values()))[0]
        raise Invalid(first, fields=fields)
    assert starts_at is not None
    return EventSpec(
        starts_at=starts_at,
        ends_at=ends_at,
        time_zone=time_zone,
        place=place,
        online_url=online_url,
    )


def _claim_attachments(
    actor: User, post: Post, comment: Comment | None, ids: Sequence[int]
) -> None:
    if not ids:
        return
    from rucher.content.attachments import attachments_claim

    attachments_claim(actor=actor, post=post, comment=comment, ids=list(ids))


@transaction.atomic
def post_create(
    *,
    actor: User,
    community_id: int | None,
    body: str,
    title: str = "",
    type: str = PostType.DISCUSSION,
    poll: PollSpec | None = None,
    event: EventSpec | None = None,
    asks_read_confirmation: bool = False,
    pinned: bool = False,
    attachment_ids: Sequence[int] = (),
) -> Post:
    """A post of any type. The spec of another type than ``type`` is ignored.

    Announcements are for the community's owners and animators and administrators, are
    pinned at creation and may ask for a read confirmation. ``pinned`` pins another type at
    creation (managers only).
    """
    community = access_community(user=actor, community_id=community_id) if community_id else None
    if type not in AVAILABLE_TYPES:
        raise _field_error("type", _("Unknown kind of post."))
    if type == PostType.ANNOUNCEMENT:
        if community is None:
            raise _field_error("type", _("An announcement is made in a community."))
        if not policy.can_announce(actor, community):
            raise Forbidden(_("Only the animators of this community may make announcements."))
    elif not policy.can_post(actor, community):
        raise Forbidden(_("Join this community to post in it."))
    if pinned and type != PostType.ANNOUNCEMENT:
        if community is None:
            raise _field_error("pinned", _("Only posts in a community can be pinned."))
        if not policy.can_announce(actor, community):
            raise Forbidden(_("Only the animators of this community may pin posts."))
    clean_title = _clean_title(title, type)
    text = _clean_body(body, POST_MAX)
    clean_poll = _clean_poll(poll) if type == PostType.POLL else None
    clean_event = _clean_event(event) if type == PostType.EVENT else None
    rendered, people = _render(actor, text)
    now = clock.now()
    is_announcement = type == PostType.ANNOUNCEMENT
    post = Post.objects.create(
        community=community,
        author=actor,
        type=type,
        title=clean_title,
        body=text,
        body_html=rendered.html,
        created_at=now,
        last_activity_at=now,
        pinned_at=now if (is_announcement or pinned) else None,
        asks_read_confirmation=bool(asks_read_confirmation) and is_announcement,
    )
    post.hashtags.set(tags_for(rendered.hashtags, field="body"))
    if clean_poll is not None:
        made = Poll.objects.create(
            post=post, multiple=clean_poll.multiple, closes_at=clean_poll.closes_at
        )
        PollOption.objects.bulk_create(
            PollOption(poll=made, label=label, position=index)
            for index, label in enumerate(clean_poll.options)
        )
    elif clean_event is not None:
        assert clean_event.starts_at is not None
        PostEvent.objects.create(
            post=post,
            starts_at=clean_event.starts_at,
            ends_at=clean_event.ends_at,
            time_zone=clean_event.time_zone,
            place=clean_event.place,
            online_url=clean_event.online_url,
        )
    elif type == PostType.IDEA:
        Idea.objects.create(post=post)
    _claim_attachments(actor, post, None, attachment_ids)
    _record(actor, "post.created", community, post, type=type)
    _mention(actor, post, None, people, rendered.mention_ids)
    return post


_EVENT_FIELDS = ("starts_at", "ends_at", "time_zone", "place", "online_url")


def _edit_event(actor: User, post: Post, spec: EventSpec) -> bool:
    """Apply new times and place to an event; True (and an ``event.changed``) if any changed."""
    clean = _clean_event(spec)
    current = PostEvent.objects.select_for_update().get(post=post)
    if current.cancelled_at is not None:
        raise _field_error("starts_at", _("This event is cancelled."))
    changed = [name for name in _EVENT_FIELDS if getattr(current, name) != getattr(clean, name)]
    if not changed:
        return False
    for name in changed:
        setattr(current, name, getattr(clean, name))
    current.sequence = F("sequence") + 1
    current.save(update_fields=[*changed, "sequence"])
    _record(
        actor,
        "event.changed",
        post.community,
        post,
        post_id=post.pk,
        changed=changed,
        starts_at=current.starts_at.isoformat(),
    )
    return True


@transaction.atomic
def post_edit(
    *,
    actor: User,
    post_id: int,
    body: str,
    title: str | None = None,
    event: EventSpec | None = None,
    asks_read_confirmation: bool | None = None,
) -> Post:
    """Edit the text (a revision keeps the previous one), an event's time and place (its
    RSVPed people are told if they changed), an announcement's read-confirmation flag."""
    post = policy.access_post(user=actor, post_id=post_id)
    if not policy.can_edit(actor, post):
        raise Forbidden(_("Only the author may edit this post."))
    text = _clean_body(body, POST_MAX)
    new_title = post.title if title is None else _clean_title(title, post.type)
    event_changed = False
    if event is not None and post.type == PostType.EVENT:
        event_changed = _edit_event(actor, post, event)
    if (
        asks_read_confirmation is not None
        and post.type == PostType.ANNOUNCEMENT
        and bool(asks_read_confirmation) != post.asks_read_confirmation
    ):
        post.asks_read_confirmation = bool(asks_read_confirmation)
        post.save(update_fields=["asks_read_confirmation"])
    if text == post.body and new_title == post.title:
        if event_changed:
            Post.objects.filter(pk=post.pk).update(edited_at=clock.now())
        return post
    PostRevision.objects.create(
        post=post, title=post.title, body=post.body, edited_by=actor, created_at=clock.now()
    )
    rendered, people = _render(actor, text)
    post.body, post.title, post.body_html = text, new_title, rendered.html
    post.edited_at = clock.now()
    post.save(update_fields=["body", "title", "body_html", "edited_at"])
    post.hashtags.set(tags_for(rendered.hashtags, field="body"))
    _record(actor, "post.edited", post.community, post)
    _mention(actor, post, None, people, rendered.mention_ids)
    return post


@transaction.atomic
def post_delete(*, actor: User, post_id: int, reason: str = "") -> None:
    """Soft delete. Someone other than the author (a moderator) must give a reason."""
    post = policy.access_post(user=actor, post_id=post_id)
    if not policy.can_delete(actor, post):
        raise Forbidden(_("You may not delete this post."))
    reason = (reason or "").strip()
    if len(reason) > REASON_MAX:
        raise _field_error("reason", _("At most %d characters.") % REASON_MAX)
    if post.author_id != actor.pk and not reason:
        raise _field_error("reason", _("Tell the author why this post is removed."))
    post.deleted_at, post.deleted_by, post.delete_reason = clock.now(), actor, reason
    post.save(update_fields=["deleted_at", "deleted_by", "delete_reason"])
    _record(actor, "post.deleted", post.community, post, author_id=post.author_id, reason=reason)


# ---------------------------------------------------------------- comments


@transaction.atomic
def comment_create(
    *,
    actor: User,
    post_id: int,
    body: str,
    parent_id: int | None = None,
    attachment_ids: Sequence[int] = (),
) -> Comment:
    """A comment, or a reply: replying to a reply attaches to that reply's parent."""
    post = policy.access_post(user=actor, post_id=post_id)
    if not policy.can_comment(actor, post):
        raise Forbidden(_("You may not comment here."))
    parent = None
    if parent_id is not None:
        parent = (
            Comment.objects.filter(post=post, deleted_at__isnull=True)
            .select_related("parent")
            .filter(pk=parent_id)
            .first()
        )
        if parent is None:
            raise NotFound("comment")
        if parent.parent is not None:
            parent = parent.parent
    text = _clean_body(body, COMMENT_MAX)
    rendered, people = _render(actor, text)
    now = clock.now()
    comment = Comment.objects.create(
        post=post, author=actor, parent=parent, body=text, body_html=rendered.html, created_at=now
    )
    Post.objects.filter(pk=post.pk).update(last_activity_at=now)
    _claim_attachments(actor, post, comment, attachment_ids)
    _record(
        actor,
        "comment.created",
        post.community,
        comment,
        post_id=post.pk,
        post_author_id=post.author_id,
        parent_id=parent.pk if parent else None,
        parent_author_id=parent.author_id if parent else None,
    )
    _mention(actor, post, comment, people, rendered.mention_ids)
    return comment


@transaction.atomic
def comment_edit(*, actor: User, comment_id: int, body: str) -> Comment:
    comment = policy.access_comment(user=actor, comment_id=comment_id)
    if not policy.can_edit(actor, comment):
        raise Forbidden(_("Only the author may edit this comment."))
    text = _clean_body(body, COMMENT_MAX)
    if text == comment.body:
        return comment
    rendered, people = _render(actor, text)
    comment.body, comment.body_html, comment.edited_at = text, rendered.html, clock.now()
    comment.save(update_fields=["body", "body_html", "edited_at"])
    _record(actor, "comment.edited", comment.post.community, comment, post_id=comment.post_id)
    _mention(actor, comment.post, comment, people, rendered.mention_ids)
    return comment


@transaction.atomic
def comment_delete(*, actor: User, comment_id: int) -> None:
    comment = policy.access_comment(user=actor, comment_id=comment_id)
    if not policy.can_delete_comment(actor, comment):
        raise Forbidden(_("You may not delete this comment."))
    comment.deleted_at, comment.deleted_by = clock.now(), actor
    comment.save(update_fields=["deleted_at", "deleted_by"])
    Post.objects.filter(pk=comment.post_id, accepted_answer=comment).update(accepted_answer=None)
    _record(
        actor,
        "comment.deleted",
        comment.post.community,
        comment,
        post_id=comment.post_id,
        author_id=comment.author_id,
    )


# ---------------------------------------------------------------- reactions


def _reaction_item(
    actor: User, post_id: int, comment_id: int | None
) -> tuple[Post, Comment | None]:
    if comment_id is not None:
        comment = policy.access_comment(user=actor, comment_id=comment_id)
        if comment.post_id != post_id:
            raise NotFound("comment")
        return comment.post, comment
    return policy.access_post(user=actor, post_id=post_id), None


@transaction.atomic
def reaction_set(
    *, actor: User, post_id: int, kind: str, comment_id: int | None = None
) -> Reaction:
    """React to a post or a comment; a second reaction of another kind replaces the first."""
    if kind not in ReactionKind.values:
        raise _field_error("kind", _("Unknown reaction."))
    post, comment = _reaction_item(actor, post_id, comment_id)
    if not policy.can_react(actor, post):
        raise Forbidden(_("You may not react here."))
    item_author_id = comment.author_id if comment is not None else post.author_id
    existing = Reaction.objects.select_for_update().filter(post=post, comment=comment, user=actor)
    reaction = existing.first()
    if reaction is not None:
        if reaction.kind != kind:
            previous, reaction.kind = reaction.kind, kind
            reaction.save(update_fields=["kind"])
            _record(
                actor,
                "reaction.changed",
                post.community,
                reaction,
                kind=kind,
                previous=previous,
                post_id=post.pk,
            )
        return reaction
    try:
        with transaction.atomic():
            reaction = Reaction.objects.create(
                post=post, comment=comment, user=actor, kind=kind, created_at=clock.now()
            )
    except IntegrityError:  # a concurrent click of the same person
        return Reaction.objects.get(post=post, comment=comment, user=actor)
    _record(
        actor,
        "reaction.added",
        post.community,
        reaction,
        kind=kind,
        post_id=post.pk,
        comment_id=comment.pk if comment is not None else None,
        item_author_id=item_author_id,
        # What the reaction is about, one string: notifications group on it.
        item=f"comment:{comment.pk}" if comment is not None else f"post:{post.pk}",
    )
    return reaction


@transaction.atomic
def reaction_remove(*, actor: User, post_id: int, comment_id: int | None = None) -> None:
    post, comment = _reaction_item(actor, post_id, comment_id)
    reaction = Reaction.objects.filter(post=post, comment=comment, user=actor).first()
    if reaction is None:
        return
    _record(
        actor,
        "reaction.removed",
        post.community,
        reaction,
        kind=reaction.kind,
        post_id=post.pk,
        comment_id=comment.pk if comment is not None else None,
    )
    reaction.delete()


# ---------------------------------------------------------------- questions


@transaction.atomic
def question_accept_answer(*, actor: User, post_id: int, comment_id: int) -> Post:
    post = policy.access_post(user=actor, post_id=post_id)
    if post.type != PostType.QUESTION:
        raise Invalid(_("Only a question has an accepted answer."))
    if not policy.can_accept_answer(actor, post):
        raise Forbidden(_("Only the author of the question or an animator may accept an answer."))
    answer = Comment.objects.filter(post=post, pk=comment_id, deleted_at__isnull=True).first()
    if answer is None:
        raise NotFound("comment")
    if post.accepted_answer_id == answer.pk:
        return post
    post.accepted_answer = answer
    post.save(update_fields=["accepted_answer"])
    _record(
        actor,
        "question.answer_accepted",
        post.community,
        answer,
        post_id=post.pk,
        answer_author_id=answer.author_id,
    )
    return post


# ---------------------------------------------------------------- pinning and announcements


@transaction.atomic
def post_pin(*, actor: User, post_id: int) -> Post:
    """Keep a post on top of its community's feed (managers). Pinning again changes nothing."""
    post = policy.access_post(user=actor, post_id=post_id)
    if post.community is None:
        raise _field_error("pinned", _("Only posts in a community can be pinned."))
    if not policy.can_pin(actor, post):
        raise Forbidden(_("Only the animators of this community may pin posts."))
    if post.pinned_at is not None:
        return post
    post.pinned_at = clock.now()
    post.save(update_fields=["pinned_at"])
    _record(actor, "post.pinned", post.community, post, post_id=post.pk)
    return post


@transaction.atomic
def post_unpin(*, actor: User, post_id: int) -> Post:
    post = policy.access_post(user=actor, post_id=post_id)
    if post.community is None or not policy.can_pin(actor, post):
        raise Forbidden(_("Only the animators of this community may unpin posts."))
    if post.pinned_at is None:
        return post
    post.pinned_at = None
    post.save(update_fields=["pinned_at"])
    _record(actor, "post.unpinned", post.community, post, post_id=post.pk)
    return post


@transaction.atomic
def announcement_confirm_read(*, actor: User, post_id: int) -> ReadConfirmation:
    """ "I have read it" on a post that asks for it. Confirming again changes nothing."""
    post = policy.access_post(user=actor, post_id=post_id)
    if not post.asks_read_confirmation:
        raise Invalid(_("This post does not ask for a read confirmation."))
    if not policy.can_react(actor, post):
        raise Forbidden(_("You may not do this here."))
    existing = ReadConfirmation.objects.filter(post=post, user=actor).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            confirmation = ReadConfirmation.objects.create(
                post=post, user=actor, created_at=clock.now()
            )
    except IntegrityError:  # the same person, twice at once
        return ReadConfirmation.objects.get(post=post, user=actor)
    _record(actor, "announcement.read_confirmed", post.community, post, post_id=post.pk)
    return confirmation


# ---------------------------------------------------------------- polls


def _typed_post(actor: User, post_id: int, type: str) -> Post:
    post = policy.access_post(user=actor, post_id=post_id)
    if post.type != type:
        messages: dict[str, str] = {
            PostType.POLL: _("This post is not a poll."),
            PostType.IDEA: _("This post is not an idea."),
            PostType.EVENT: _("This post is not an event."),
        }
        raise Invalid(messages.get(type, _("This kind of post does not allow this.")))
    return post


@transaction.atomic
def poll_vote(*, actor: User, post_id: int, option_ids: Sequence[int]) -> list[PollVote]:
    """Vote (one choice, or at least one of a multiple-choice poll); replaces a previous vote."""
    post = _typed_post(actor, post_id, PostType.POLL)
    if not policy.can_react(actor, post):
        raise Forbidden(_("You may not vote here."))
    poll = Poll.objects.select_for_update().get(post=post)
    if poll.is_closed(clock.now()):
        raise _field_error("option_ids", _("This poll is closed."))
    try:
        wanted = list(dict.fromkeys(int(option_id) for option_id in option_ids))
    except (TypeError, ValueError):
        raise _field_error("option_ids", _("Unknown choice.")) from None
    if not wanted:
        raise _field_error("option_ids", _("Pick a choice."))
    if not poll.multiple and len(wanted) != 1:
        raise _field_error("option_ids", _("Pick exactly one choice."))
    options = {option.pk: option for option in PollOption.objects.filter(poll=poll, pk__in=wanted)}
    if len(options) != len(wanted):
        raise _field_error("option_ids", _("Unknown choice."))
    PollVote.objects.filter(poll=poll, user=actor).delete()
    now = clock.now()
    votes = PollVote.objects.bulk_create(
        PollVote(poll=poll, option=options[option_id], user=actor, created_at=now)
        for option_id in wanted
    )
    _record(actor, "poll.voted", post.community, post, post_id=post.pk, option_ids=wanted)
    return votes


@transaction.atomic
def poll_close(*, actor: User, post_id: int) -> Poll:
    """Close a poll now (its author or the managers); its results then show to everyone."""
    post = _typed_post(actor, post_id, PostType.POLL)
    if not policy.can_run(actor, post):
        raise Forbidden(_("Only the author or an animator may close this poll."))
    poll = Poll.objects.select_for_update().get(post=post)
    if poll.is_closed(clock.now()):
        return poll
    poll.closes_at = clock.now()
    poll.save(update_fields=["closes_at"])
    _record(actor, "poll.closed", post.community, post, post_id=post.pk)
    return poll


# ---------------------------------------------------------------- ideas


@transaction.atomic
def idea_vote(*, actor: User, post_id: int) -> Idea:
    """Support an idea. Voting twice changes nothing. Returns the idea with its count."""
    post = _typed_post(actor, post_id, PostType.IDEA)
    if not policy.can_react(actor, post):
        raise Forbidden(_("You may not vote here."))
    idea = Idea.objects.get(post=post)
    if not IdeaVote.objects.filter(idea=idea, user=actor).exists():
        try:
            with transaction.atomic():
                IdeaVote.objects.create(idea=idea, user=actor, created_at=clock.now())
        except IntegrityError:
            pass
        else:
            Idea.objects.filter(pk=idea.pk).update(vote_count=F("vote_count") + 1)
            _record(actor, "idea.voted", post.community, post, post_id=post.pk)
    idea.refresh_from_db(fields=["vote_count"])
    return idea


@transaction.atomic
def idea_unvote(*, actor: User, post_id: int) -> Idea:
    post = _typed_post(actor, post_id, PostType.IDEA)
    if not policy.can_react(actor, post):
        raise Forbidden(_("You may not vote here."))
    idea = Idea.objects.get(post=post)
    deleted, _rows = IdeaVote.objects.filter(idea=idea, user=actor).delete()
    if deleted:
        Idea.objects.filter(pk=idea.pk, vote_count__gt=0).update(vote_count=F("vote_count") - 1)
        _record(actor, "idea.unvoted", post.community, post, post_id=post.pk)
    idea.refresh_from_db(fields=["vote_count"])
    return idea


@transaction.atomic
def idea_set_status(*, actor: User, post_id: int, status: str, response: str = "") -> Idea:
    """Move an idea through new → under review → planned → done / declined, with the official
    response (Markdown). Its voters and author are told (``idea.status_changed``)."""
    post = _typed_post(actor, post_id, PostType.IDEA)
    if not policy.can_set_idea_status(actor, post):
        raise Forbidden(_("Only the animators of this community may change an idea's status."))
    if status not in IdeaStatus.values:
        raise _field_error("status", _("Unknown status."))
    text = (response or "").strip()
    if len(text) > RESPONSE_MAX:
        raise _field_error("response", _("At most %d characters.") % RESPONSE_MAX)
    idea = Idea.objects.select_for_update().get(post=post)
    if idea.status == status and idea.response == text:
        return idea
    previous = idea.status
    rendered, _people = _render(actor, text) if text else (None, {})
    idea.status = status
    idea.response = text
    idea.response_html = rendered.html if rendered is not None else ""
    idea.status_changed_at = clock.now()
    idea.status_changed_by = actor
    idea.save(
        update_fields=[
            "status",
            "response",
            "response_html",
            "status_changed_at",
            "status_changed_by",
        ]
    )
    _record(
        actor,
        "idea.status_changed",
        post.community,
        post,
        post_id=post.pk,
        status=status,
        previous=previous,
        author_id=post.author_id,
    )
    return idea


# ---------------------------------------------------------------- events


def event_is_over(event: PostEvent, now: datetime | None = None) -> bool:
    return (event.ends_at or event.starts_at) <= (now or clock.now())


@transaction.atomic
def event_rsvp(*, actor: User, post_id: int, answer: str) -> EventRsvp:
    """Going, maybe or not going; answering again replaces the answer. Open until the event
    ends, closed when it is cancelled."""
    post = _typed_post(actor, post_id, PostType.EVENT)
    if not policy.can_react(actor, post):
        raise Forbidden(_("You may not answer here."))
    if answer not in RsvpAnswer.values:
        raise _field_error("answer", _("Unknown answer."))
    event = PostEvent.objects.get(post=post)
    if event.cancelled_at is not None:
        raise _field_error("answer", _("This event is cancelled."))
    if event_is_over(event):
        raise _field_error("answer", _("This event is over."))
    rsvp = EventRsvp.objects.select_for_update().filter(event=event, user=actor).first()
    if rsvp is not None and rsvp.answer == answer:
        return rsvp
    previous = rsvp.answer if rsvp is not None else None
    if rsvp is None:
        try:
            with transaction.atomic():
                rsvp = EventRsvp.objects.create(
                    event=event, user=actor, answer=answer, updated_at=clock.now()
                )
        except IntegrityError:
            rsvp = EventRsvp.objects.get(event=event, user=actor)
            rsvp.answer, rsvp.updated_at = answer, clock.now()
            rsvp.save(update_fields=["answer", "updated_at"])
    else:
        rsvp.answer, rsvp.updated_at = answer, clock.now()
        rsvp.save(update_fields=["answer", "updated_at"])
    _record(
        actor,
        "event.rsvp",
        post.community,
        post,
        post_id=post.pk,
        answer=answer,
        previous=previous,
    )
    return rsvp


@transaction.atomic
def event_cancel(*, actor: User, post_id: int, reason: str = "") -> PostEvent:
    """Cancel an event (its author or the managers). People going or maybe are told."""
    post = _typed_post(actor, post_id, PostType.EVENT)
    if not policy.can_run(actor, post):
        raise Forbidden(_("Only the author or an animator may cancel this event."))
    reason = (reason or "").strip()
    if len(reason) > REASON_MAX:
        raise _field_error("reason", _("At most %d characters.") % REASON_MAX)
    event = PostEvent.objects.select_for_update().get(post=post)
    if event.cancelled_at is not None:
        return event
    event.cancelled_at = clock.now()
    event.sequence += 1
    event.save(update_fields=["cancelled_at", "sequence"])
    _record(actor, "event.cancelled", post.community, post, post_id=post.pk, reason=reason)
    return event

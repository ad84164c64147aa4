"""Writes about conversations. Each checks policy, writes in one transaction and records
its event (with ``community_id``, None for profile posts) in the same transaction.

Mentions: only people the author may see become mentions (others stay plain text). A
mentioned person who cannot read the place gets a ``Mention`` row with ``notified=False``
and no notification; nothing is raised, so the author learns nothing from the write
itself. ``mention_warnings`` lets the page warn the author before posting.
"""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from rucher.accounts.models import User
from rucher.communities.models import Community
from rucher.communities.policy import access_community
from rucher.content import policy
from rucher.content.models import (
    Comment,
    Mention,
    Post,
    PostRevision,
    PostType,
    Reaction,
    ReactionKind,
)
from rucher.core import events, markdown
from rucher.core.errors import Forbidden, Invalid, NotFound
from rucher.core.tags import tags_for

POST_MAX = 20_000
COMMENT_MAX = 5_000
TITLE_MAX = 200
REASON_MAX = 500
# Kinds with behaviour today; polls, ideas, events and announcements come later.
AVAILABLE_TYPES = (PostType.DISCUSSION, PostType.QUESTION)


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
        mention = Mention.objects.create(post=post, comment=comment, user=person, notified=notified)
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


@transaction.atomic
def post_create(
    *,
    actor: User,
    community_id: int | None,
    body: str,
    title: str = "",
    type: str = PostType.DISCUSSION,
) -> Post:
    community = access_community(user=actor, community_id=community_id) if community_id else None
    if not policy.can_post(actor, community):
        raise Forbidden(_("Join this community to post in it."))
    if type not in AVAILABLE_TYPES:
        raise _field_error("type", _("This kind of post is not available yet."))
    title = (title or "").strip()
    if len(title) > TITLE_MAX:
        raise _field_error("title", _("At most %d characters.") % TITLE_MAX)
    if type == PostType.QUESTION and not title:
        raise _field_error("title", _("A question needs a title."))
    text = _clean_body(body, POST_MAX)
    rendered, people = _render(actor, text)
    now = timezone.now()
    post = Post.objects.create(
        community=community,
        author=actor,
        type=type,
        title=title,
        body=text,
        body_html=rendered.html,
        created_at=now,
        last_activity_at=now,
    )
    post.hashtags.set(tags_for(rendered.hashtags, field="body"))
    _record(actor, "post.created", community, post, type=type)
    _mention(actor, post, None, people, rendered.mention_ids)
    return post


@transaction.atomic
def post_edit(*, actor: User, post_id: int, body: str, title: str | None = None) -> Post:
    post = policy.access_post(user=actor, post_id=post_id)
    if not policy.can_edit(actor, post):
        raise Forbidden(_("Only the author may edit this post."))
    text = _clean_body(body, POST_MAX)
    new_title = post.title if title is None else title.strip()
    if len(new_title) > TITLE_MAX:
        raise _field_error("title", _("At most %d characters.") % TITLE_MAX)
    if text == post.body and new_title == post.title:
        return post
    PostRevision.objects.create(post=post, title=post.title, body=post.body, edited_by=actor)
    rendered, people = _render(actor, text)
    post.body, post.title, post.body_html = text, new_title, rendered.html
    post.edited_at = timezone.now()
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
    post.deleted_at, post.deleted_by, post.delete_reason = timezone.now(), actor, reason
    post.save(update_fields=["deleted_at", "deleted_by", "delete_reason"])
    _record(actor, "post.deleted", post.community, post, author_id=post.author_id, reason=reason)


# ---------------------------------------------------------------- comments


@transaction.atomic
def comment_create(
    *, actor: User, post_id: int, body: str, parent_id: int | None = None
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
    now = timezone.now()
    comment = Comment.objects.create(
        post=post, author=actor, parent=parent, body=text, body_html=rendered.html, created_at=now
    )
    Post.objects.filter(pk=post.pk).update(last_activity_at=now)
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
    comment.body, comment.body_html, comment.edited_at = text, rendered.html, timezone.now()
    comment.save(update_fields=["body", "body_html", "edited_at"])
    _record(actor, "comment.edited", comment.post.community, comment, post_id=comment.post_id)
    _mention(actor, comment.post, comment, people, rendered.mention_ids)
    return comment


@transaction.atomic
def comment_delete(*, actor: User, comment_id: int) -> None:
    comment = policy.access_comment(user=actor, comment_id=comment_id)
    if not policy.can_delete_comment(actor, comment):
        raise Forbidden(_("You may not delete this comment."))
    comment.deleted_at, comment.deleted_by = timezone.now(), actor
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
            reaction = Reaction.objects.create(post=post, comment=comment, user=actor, kind=kind)
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

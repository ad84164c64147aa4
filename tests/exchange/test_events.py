"""The importer's events are those the services record (decision 0009)."""

from __future__ import annotations

import pytest

from rucher.content import services as content
from rucher.core.models import Event
from rucher.exchange import events as ev


def _same(recorded: Event, built: Event) -> None:
    fields = ("verb", "actor_id", "target_type", "target_id", "community_id", "payload")
    assert {f: getattr(built, f) for f in fields} == {f: getattr(recorded, f) for f in fields}


@pytest.mark.django_db
def test_each_mapping_agrees_with_its_service(personas, communities):
    member, animator = personas["member"], personas["animator"]
    community = communities["open"]
    post = content.post_create(actor=member, community_id=community.pk, body="Hi", type="idea")
    _same(
        Event.objects.get(verb="post.created", target_id=post.pk),
        ev.post_created(
            post_id=post.pk,
            author_id=member.pk,
            community_id=community.pk,
            type="idea",
            at=post.created_at,
        ),
    )
    comment = content.comment_create(actor=animator, post_id=post.pk, body="Yes")
    reply = content.comment_create(actor=member, post_id=post.pk, body="No", parent_id=comment.pk)
    _same(
        Event.objects.get(verb="comment.created", target_id=reply.pk),
        ev.comment_created(
            comment_id=reply.pk,
            author_id=member.pk,
            community_id=community.pk,
            post_id=post.pk,
            post_author_id=member.pk,
            parent_id=comment.pk,
            parent_author_id=animator.pk,
            at=reply.created_at,
        ),
    )
    reaction = content.reaction_set(
        actor=animator, post_id=post.pk, comment_id=reply.pk, kind="like"
    )
    _same(
        Event.objects.get(verb="reaction.added", target_id=reaction.pk),
        ev.reaction_added(
            reaction_id=reaction.pk,
            user_id=animator.pk,
            community_id=community.pk,
            kind="like",
            post_id=post.pk,
            comment_id=reply.pk,
            item_author_id=member.pk,
            at=reaction.created_at,
        ),
    )
    content.idea_vote(actor=animator, post_id=post.pk)
    _same(
        Event.objects.get(verb="idea.voted"),
        ev.idea_voted(
            post_id=post.pk, user_id=animator.pk, community_id=community.pk, at=post.created_at
        ),
    )
    question = content.post_create(
        actor=member, community_id=community.pk, type="question", title="Q?", body="Q"
    )
    answer = content.comment_create(actor=animator, post_id=question.pk, body="A")
    content.question_accept_answer(actor=member, post_id=question.pk, comment_id=answer.pk)
    _same(
        Event.objects.get(verb="question.answer_accepted"),
        ev.answer_accepted(
            comment_id=answer.pk,
            actor_id=member.pk,
            community_id=community.pk,
            post_id=question.pk,
            answer_author_id=animator.pk,
            at=answer.created_at,
        ),
    )

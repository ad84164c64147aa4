"""Conversations: posting, editing, deleting, commenting, reacting, answering, mentioning."""

from __future__ import annotations

import pytest

from rucher.accounts.services import person_follow, user_deactivate
from rucher.communities.services import community_archive, membership_join
from rucher.content import services
from rucher.content.models import Comment, Mention, Post, PostRevision, Reaction
from rucher.core.errors import Forbidden, Invalid, NotFound
from rucher.core.markdown import mention
from rucher.core.models import Event
from rucher.notifications.models import Notification


def _post(author, community, body="Hello #rail", **kwargs) -> Post:
    return services.post_create(
        actor=author, community_id=community.pk if community else None, body=body, **kwargs
    )


def test_member_posts_with_hashtags_and_event(communities, member):
    post = _post(member, communities["private"], "Hello **team** #Rail #rail")
    assert "<strong>team</strong>" in post.body_html
    assert [tag.slug for tag in post.hashtags.all()] == ["rail"]
    event = Event.objects.get(verb="post.created", target_id=post.pk)
    assert event.community_id == communities["private"].pk
    assert event.actor_id == member.pk


@pytest.mark.parametrize("persona", ["outsider", "former_member", "admin"])
def test_posting_needs_membership_even_in_an_open_community(communities, request, persona):
    with pytest.raises(Forbidden):
        _post(request.getfixturevalue(persona), communities["open"])


def test_posting_after_joining_an_open_community(communities, outsider):
    membership_join(actor=outsider, community_id=communities["open"].pk)
    assert _post(outsider, communities["open"]).pk


def test_strangers_cannot_find_a_secret_community_to_post_in(communities, outsider, other_guest):
    for person in (outsider, other_guest):
        with pytest.raises(NotFound):
            _post(person, communities["secret"])


def test_guest_posts_in_own_community_but_not_on_profile(communities, guest):
    assert _post(guest, communities["private"]).pk
    with pytest.raises(Forbidden):
        _post(guest, None)


def test_no_posting_in_an_archived_community(communities, owner, member):
    community_archive(actor=owner, community_id=communities["open"].pk)
    with pytest.raises(Forbidden):
        _post(member, communities["open"])


def test_post_validation(communities, member):
    with pytest.raises(Invalid):
        _post(member, communities["open"], "   ")
    with pytest.raises(Invalid):
        _post(member, communities["open"], "x" * (services.POST_MAX + 1))
    with pytest.raises(Invalid):
        _post(member, communities["open"], type="poll")
    with pytest.raises(Invalid):
        _post(member, communities["open"], type="question")  # needs a title


def test_edit_keeps_revisions_and_only_the_author_edits(communities, member, animator):
    post = _post(member, communities["open"], "First #one")
    services.post_edit(actor=member, post_id=post.pk, body="Second #two")
    post.refresh_from_db()
    assert post.body == "Second #two" and post.edited_at is not None
    assert [tag.slug for tag in post.hashtags.all()] == ["two"]
    assert list(PostRevision.objects.filter(post=post).values_list("body", flat=True)) == [
        "First #one"
    ]
    assert Event.objects.filter(verb="post.edited", target_id=post.pk).exists()
    with pytest.raises(Forbidden):
        services.post_edit(actor=animator, post_id=post.pk, body="Hijack")


def test_delete_by_author_or_manager_with_reason(communities, member, animator, outsider):
    post = _post(member, communities["open"])
    with pytest.raises(Forbidden):
        services.post_delete(actor=outsider, post_id=post.pk)
    with pytest.raises(Invalid):
        services.post_delete(actor=animator, post_id=post.pk)
    services.post_delete(actor=animator, post_id=post.pk, reason="Off topic")
    post.refresh_from_db()
    assert post.deleted_by == animator and post.delete_reason == "Off topic"
    assert not Post.objects.visible_to(member).filter(pk=post.pk).exists()
    with pytest.raises(NotFound):
        services.comment_create(actor=member, post_id=post.pk, body="Still there?")
    own = _post(member, communities["open"])
    services.post_delete(actor=member, post_id=own.pk)
    assert Event.objects.filter(verb="post.deleted", target_id=own.pk).exists()


def test_comments_nest_one_level_and_bump_activity(communities, member, animator, outsider):
    post = _post(member, communities["open"])
    before = post.last_activity_at
    top = services.comment_create(actor=animator, post_id=post.pk, body="Top")
    reply = services.comment_create(actor=outsider, post_id=post.pk, body="Re", parent_id=top.pk)
    deeper = services.comment_create(
        actor=member, post_id=post.pk, body="Re re", parent_id=reply.pk
    )
    assert reply.parent_id == top.pk and deeper.parent_id == top.pk
    post.refresh_from_db()
    assert post.last_activity_at > before
    # outsider reads the open community, so may comment without joining
    assert Event.objects.filter(verb="comment.created", community_id=communities["open"].pk)


def test_comment_on_a_private_post_needs_reading_rights(communities, member, outsider):
    post = _post(member, communities["private"])
    with pytest.raises(NotFound):
        services.comment_create(actor=outsider, post_id=post.pk, body="Hi")


def test_comment_edit_and_delete(communities, member, animator, outsider):
    post = _post(member, communities["open"])
    comment = services.comment_create(actor=outsider, post_id=post.pk, body="Spam")
    with pytest.raises(Forbidden):
        services.comment_edit(actor=member, comment_id=comment.pk, body="Changed")
    services.comment_edit(actor=outsider, comment_id=comment.pk, body="Better")
    with pytest.raises(Forbidden):
        services.comment_delete(actor=member, comment_id=comment.pk)
    services.comment_delete(actor=animator, comment_id=comment.pk)
    assert Comment.objects.get(pk=comment.pk).deleted_by == animator


def test_one_reaction_per_person_switching_replaces(communities, member, animator):
    post = _post(member, communities["open"])
    services.reaction_set(actor=animator, post_id=post.pk, kind="like")
    services.reaction_set(actor=animator, post_id=post.pk, kind="thanks")
    services.reaction_set(actor=animator, post_id=post.pk, kind="thanks")
    assert list(Reaction.objects.values_list("kind", flat=True)) == ["thanks"]
    assert Event.objects.filter(verb="reaction.added").count() == 1
    assert Event.objects.filter(verb="reaction.changed").count() == 1
    comment = services.comment_create(actor=member, post_id=post.pk, body="c")
    services.reaction_set(actor=animator, post_id=post.pk, comment_id=comment.pk, kind="like")
    assert Reaction.objects.count() == 2
    services.reaction_remove(actor=animator, post_id=post.pk)
    assert list(Reaction.objects.values_list("comment_id", flat=True)) == [comment.pk]
    assert Event.objects.filter(verb="reaction.removed").exists()
    with pytest.raises(Invalid):
        services.reaction_set(actor=animator, post_id=post.pk, kind="angry")


def test_accept_answer(communities, member, animator, outsider):
    question = _post(member, communities["open"], "How?", type="question", title="How to?")
    answer = services.comment_create(actor=outsider, post_id=question.pk, body="Like this")
    with pytest.raises(Forbidden):
        services.question_accept_answer(actor=outsider, post_id=question.pk, comment_id=answer.pk)
    services.question_accept_answer(actor=animator, post_id=question.pk, comment_id=answer.pk)
    assert Post.objects.get(pk=question.pk).accepted_answer_id == answer.pk
    assert Notification.objects.filter(recipient=outsider, verb="question.answer_accepted")
    discussion = _post(member, communities["open"])
    comment = services.comment_create(actor=outsider, post_id=discussion.pk, body="x")
    with pytest.raises(Invalid):
        services.question_accept_answer(actor=member, post_id=discussion.pk, comment_id=comment.pk)


def test_mentions_notify_only_readers(communities, member, animator, outsider, guest):
    body = (
        f"Hi {mention(animator.pk, 'Antoine')} {mention(outsider.pk, 'Oscar')} "
        f"{mention(guest.pk, 'Gaston')}"
    )
    community = communities["private"]
    warned = services.mention_warnings(member, community, body)
    assert [person.pk for person in warned] == [outsider.pk]
    post = _post(member, community, body)
    mentions = {m.user_id: m.notified for m in Mention.objects.filter(post=post)}
    assert mentions == {animator.pk: True, outsider.pk: False, guest.pk: True}
    notified = set(
        Notification.objects.filter(verb="mention.created").values_list("recipient_id", flat=True)
    )
    assert notified == {animator.pk, guest.pk}


def test_mentions_of_people_the_author_cannot_see_stay_text(communities, guest, other_guest):
    post = _post(guest, communities["private"], f"Hi {mention(other_guest.pk, 'Otto')}")
    assert not Mention.objects.filter(post=post).exists()
    assert "/people/" not in post.body_html


def test_editing_does_not_notify_twice(communities, member, animator):
    body = f"Hi {mention(animator.pk, 'Antoine')}"
    post = _post(member, communities["open"], body)
    services.post_edit(actor=member, post_id=post.pk, body=body + " again")
    assert Notification.objects.filter(recipient=animator, verb="mention.created").count() == 1


def test_profile_posts(member, outsider, guest, manager):
    person_follow(actor=outsider, person_id=member.pk)
    post = _post(member, None, f"On my profile {mention(guest.pk, 'Gaston')}")
    assert post.community is None
    assert Event.objects.get(verb="post.created", target_id=post.pk).community_id is None
    services.comment_create(actor=outsider, post_id=post.pk, body="Nice")
    assert Notification.objects.filter(recipient=member, verb="comment.created").exists()
    # the guest is not a co-member of anybody here: invisible to the author, no mention
    assert not Mention.objects.filter(post=post).exists()


def test_deactivated_authors_posts_stay_attributed(communities, member, outsider):
    post = _post(member, communities["open"])
    user_deactivate(actor=None, person_id=member.pk)
    seen = Post.objects.visible_to(outsider).select_related("author").get(pk=post.pk)
    assert seen.author.display_name == "Marie Membre"

"""Conversation events turned into notifications, for people who may read the place."""

from __future__ import annotations

from rucher.communities.services import membership_leave
from rucher.content import services
from rucher.core.markdown import mention
from rucher.core.models import Event
from rucher.notifications.consumer import CONTENT_VERBS, notifications_for
from rucher.notifications.models import Notification
from rucher.notifications.selectors import shown, visible_notifications


def _verbs(person):
    mine = Notification.objects.filter(recipient=person, verb__in=CONTENT_VERBS)
    return sorted(mine.values_list("verb", flat=True))


def test_comment_reply_reaction_notify_authors(communities, member, animator, owner):
    post = services.post_create(actor=member, community_id=communities["private"].pk, body="p")
    top = services.comment_create(actor=animator, post_id=post.pk, body="top")
    services.comment_create(actor=owner, post_id=post.pk, body="reply", parent_id=top.pk)
    services.reaction_set(actor=owner, post_id=post.pk, comment_id=top.pk, kind="insightful")
    services.reaction_set(actor=animator, post_id=post.pk, kind="like")
    services.reaction_set(actor=animator, post_id=post.pk, kind="thanks")  # no second one
    assert _verbs(member) == ["comment.created", "comment.created", "reaction.added"]
    assert _verbs(animator) == ["comment.created", "reaction.added"]
    assert _verbs(owner) == []  # nobody is told about their own actions


def test_sentences_and_links(communities, member, animator):
    community = communities["open"]
    post = services.post_create(
        actor=member, community_id=community.pk, body=f"{mention(animator.pk, 'A')}"
    )
    services.comment_create(actor=member, post_id=post.pk, body="c")
    [item] = shown(animator, list(visible_notifications(animator).filter(verb__in=CONTENT_VERBS)))
    assert item.text == "Marie Membre mentioned you in Open circle."
    assert item.url == f"/communities/{community.slug}/"


def test_readability_not_visibility_decides(communities, member, former_member):
    """A private community's card is visible to every employee; its posts are not."""
    post = services.post_create(actor=member, community_id=communities["private"].pk, body="p")
    comment = services.comment_create(actor=member, post_id=post.pk, body="c")
    event = Event.objects.get(verb="comment.created", target_id=comment.pk)
    event.payload = {**event.payload, "post_author_id": former_member.pk}
    assert notifications_for(event) == []


def test_mention_not_notified_to_those_who_cannot_read(communities, member, outsider):
    services.post_create(
        actor=member,
        community_id=communities["secret"].pk,
        body=f"cc {mention(outsider.pk, 'Oscar')}",
    )
    assert _verbs(outsider) == []


def test_notifications_disappear_when_access_is_lost(communities, member, animator):
    post = services.post_create(actor=animator, community_id=communities["private"].pk, body="p")
    services.comment_create(actor=animator, post_id=post.pk, body=mention(member.pk, "M"))
    assert visible_notifications(member).filter(verb="mention.created").exists()
    membership_leave(actor=member, community_id=communities["private"].pk)
    assert not visible_notifications(member).filter(verb="mention.created").exists()

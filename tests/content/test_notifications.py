"""Conversation events turned into notifications, for people who may read the place."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

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
    assert item.url == f"/posts/{post.pk}/"  # the post's page


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


# ---------------------------------------------------------------- reactions grouped


def _reacted(post, people, comment=None):
    for person in people:
        services.reaction_set(
            actor=person,
            post_id=post.pk,
            comment_id=comment.pk if comment else None,
            kind="like",
        )


def test_reactions_on_one_item_are_one_line(communities, member, animator, owner, guest, outsider):
    from rucher.notifications.selectors import listing, unread_count
    from rucher.notifications.services import notifications_mark_read

    notifications_mark_read(actor=member)  # the invitations of the cast
    post = services.post_create(actor=member, community_id=communities["open"].pk, body="p")
    comment = services.comment_create(actor=member, post_id=post.pk, body="c")
    _reacted(post, [animator, owner, guest, outsider])
    _reacted(post, [animator], comment=comment)
    assert Notification.objects.filter(recipient=member, verb="reaction.added").count() == 5
    lines = listing(member).filter(verb="reaction.added")
    assert lines.count() == 2
    assert unread_count(member) == 2
    with CaptureQueriesContext(connection) as captured:
        items = shown(member, list(listing(member)))
    assert len(captured) <= 4
    on_post, on_comment = sorted(
        (i for i in items if i.notification.verb == "reaction.added"),
        key=lambda i: i.notification.payload["item"].startswith("comment"),
    )
    assert on_post.text == "Oscar Outsider and 3 others reacted to what you wrote in Open circle."
    assert on_post.grouped == 4 and on_post.unread
    assert on_post.url == f"/posts/{post.pk}/"
    assert on_comment.text.startswith("Antoine") and on_comment.grouped == 1
    assert on_comment.url == f"/posts/{post.pk}/#comment-{comment.pk}"
    # Marking the line read marks the group; a new reaction makes it unread again.
    notifications_mark_read(actor=member, ids=[on_post.notification.pk])
    assert unread_count(member) == 1
    services.reaction_remove(actor=owner, post_id=post.pk)
    _reacted(post, [owner])
    assert unread_count(member) == 2
    [again] = [
        i
        for i in shown(member, list(listing(member)))
        if i.notification.payload.get("item") == f"post:{post.pk}"
    ]
    assert again.unread and again.grouped == 4
    assert "and 3 others reacted" in again.text


def test_one_other_person(communities, member, animator, owner):
    from rucher.notifications.selectors import listing

    post = services.post_create(actor=member, community_id=communities["open"].pk, body="p")
    _reacted(post, [animator, owner])
    [item] = shown(member, list(listing(member).filter(verb="reaction.added")))
    assert "and 1 other person reacted" in item.text


# ---------------------------------------------------------------- ideas and events


def test_idea_status_texts_and_links(communities, member, animator, outsider):
    post = services.post_create(
        actor=member, community_id=communities["open"].pk, body="Idea", type="idea"
    )
    services.idea_vote(actor=outsider, post_id=post.pk)
    services.idea_set_status(actor=animator, post_id=post.pk, status="under_review")
    for person in (member, outsider):
        [item] = shown(
            person, list(visible_notifications(person).filter(verb="idea.status_changed"))
        )
        assert item.text == (
            "Antoine Animateur moved an idea in Open circle to the status: Under review."
        )
        assert item.url == f"/posts/{post.pk}/"


def test_idea_status_not_told_to_voters_who_lost_access(communities, member, animator):
    post = services.post_create(
        actor=animator, community_id=communities["private"].pk, body="Idea", type="idea"
    )
    services.idea_vote(actor=member, post_id=post.pk)
    membership_leave(actor=member, community_id=communities["private"].pk)
    services.idea_set_status(actor=animator, post_id=post.pk, status="declined")
    assert not Notification.objects.filter(recipient=member, verb="idea.status_changed")


def test_event_texts(communities, member, animator):
    from datetime import timedelta

    from django.utils import timezone

    from rucher.content.services import EventSpec

    start = timezone.now() + timedelta(days=4)
    post = services.post_create(
        actor=member,
        community_id=communities["open"].pk,
        title="Meetup",
        body="Come",
        type="event",
        event=EventSpec(starts_at=start, time_zone="UTC"),
    )
    services.event_rsvp(actor=animator, post_id=post.pk, answer="maybe")
    services.post_edit(
        actor=member,
        post_id=post.pk,
        body="Come",
        event=EventSpec(starts_at=start + timedelta(hours=1), time_zone="UTC"),
    )
    services.event_cancel(actor=member, post_id=post.pk)
    items = shown(animator, list(visible_notifications(animator).filter(verb__startswith="event.")))
    assert sorted(item.text for item in items) == [
        "Marie Membre cancelled an event in Open circle.",
        "Marie Membre changed the date or place of an event in Open circle.",
    ]

"""Moderation: reports, queues per persona and their scoping, hiding, restoring, locking, and
what the author is told."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from rucher.communities.services import membership_leave
from rucher.content import moderation, policy, services
from rucher.content.models import Post, Report, ReportStatus
from rucher.core.errors import Forbidden, Invalid, NotFound
from rucher.core.models import Event
from rucher.notifications.models import Notification
from rucher.notifications.selectors import shown, visible_notifications
from tests.cast import invite_and_accept, make_person

pytestmark = pytest.mark.usefixtures("shared_cast")


def _post(author, community, body="Something to discuss") -> Post:
    return services.post_create(
        actor=author, community_id=community.pk if community else None, body=body
    )


def _notified(verb: str) -> set[int]:
    return set(Notification.objects.filter(verb=verb).values_list("recipient_id", flat=True))


@pytest.fixture
def reported(communities, member, guest, outsider):
    """A member's post in the private circle, reported by the guest."""
    post = _post(member, communities["private"])
    report = moderation.report_create(actor=guest, post_id=post.pk, reason="Spam")
    return post, report


# ---------------------------------------------------------------- reports


def test_a_reader_reports_and_the_managers_are_told(
    communities, reported, guest, member, animator, owner, admin
):
    post, report = reported
    assert report.status == ReportStatus.OPEN
    assert report.community_id == communities["private"].pk
    assert (report.post_id, report.comment_id, report.reporter_id) == (post.pk, None, guest.pk)
    event = Event.objects.get(verb="report.created", target_id=report.pk)
    assert event.community_id == communities["private"].pk
    assert event.actor_id == guest.pk
    # The community's owners and animators; not the author, the reporter or administrators.
    assert _notified("report.created") == {animator.pk, owner.pk}
    [notification] = Notification.objects.filter(verb="report.created", recipient=animator)
    [line] = shown(animator, [notification])
    assert "Private circle" in line.text and "Gaston Guest" in line.text
    assert line.url == f"/communities/{communities['private'].slug}/moderation/"


def test_reporting_again_while_open_is_idempotent(communities, reported, guest):
    post, report = reported
    again = moderation.report_create(actor=guest, post_id=post.pk, reason="Still spam")
    assert again.pk == report.pk
    assert Report.objects.count() == 1
    assert Event.objects.filter(verb="report.created").count() == 1


def test_a_new_report_after_a_decision(communities, reported, guest, animator):
    post, report = reported
    moderation.report_dismiss(actor=animator, report_id=report.pk)
    again = moderation.report_create(actor=guest, post_id=post.pk, reason="Spam again")
    assert again.pk != report.pk and again.status == ReportStatus.OPEN


def test_report_validation(communities, member, guest):
    post = _post(member, communities["private"])
    with pytest.raises(Invalid) as error:
        moderation.report_create(actor=guest, post_id=post.pk, reason="   ")
    assert "reason" in error.value.fields
    with pytest.raises(Invalid):
        moderation.report_create(actor=guest, post_id=post.pk, reason="x" * 1001)
    assert moderation.report_create(actor=guest, post_id=post.pk, reason="x" * 1000).pk
    with pytest.raises(Invalid):
        moderation.report_create(actor=member, post_id=post.pk, reason="Me")  # own post


def test_only_readers_report(communities, member, outsider, other_guest):
    post = _post(member, communities["private"])
    for person in (outsider, other_guest):
        with pytest.raises(NotFound):
            moderation.report_create(actor=person, post_id=post.pk, reason="?")
    with pytest.raises(NotFound):
        moderation.report_create(actor=member, post_id=999_999, reason="?")


def test_reporting_a_comment(communities, member, guest, animator, owner):
    post = _post(owner, communities["private"])
    comment = services.comment_create(actor=member, post_id=post.pk, body="Rude words")
    report = moderation.report_create(
        actor=guest, post_id=post.pk, comment_id=comment.pk, reason="Rude"
    )
    assert (report.post_id, report.comment_id) == (post.pk, comment.pk)
    with pytest.raises(Invalid):
        moderation.report_create(
            actor=member, post_id=post.pk, comment_id=comment.pk, reason="Mine"
        )
    other = _post(owner, communities["open"])
    with pytest.raises(NotFound):  # the comment is not on that post
        moderation.report_create(actor=guest, post_id=other.pk, comment_id=comment.pk, reason="?")


def test_profile_post_reports_go_to_administrators(communities, member, outsider, admin, animator):
    post = _post(member, None)
    report = moderation.report_create(actor=outsider, post_id=post.pk, reason="Insulting")
    assert report.community_id is None
    assert _notified("report.created") == {admin.pk}
    [line] = shown(admin, list(Notification.objects.filter(verb="report.created")))
    assert line.url == "/moderation/"


# ---------------------------------------------------------------- queues


def test_the_community_queue_groups_reports_by_item(
    communities, reported, outsider, animator, owner
):
    post, first = reported
    invite_and_accept(inviter=owner, community=communities["private"], person=outsider)
    moderation.report_create(actor=outsider, post_id=post.pk, reason="Advertising")
    other = _post(animator, communities["private"])
    moderation.report_create(actor=outsider, post_id=other.pk, reason="Off topic")
    queue = moderation.moderation_queue(viewer=animator, community=communities["private"])
    assert [item.post.pk for item in queue] == [post.pk, other.pk]  # longest waiting first
    item = queue[0]
    assert item.comment is None and item.community == communities["private"]
    assert item.report_count == 2
    assert item.reasons == ["Spam", "Advertising"]
    assert item.first_reported_at == first.created_at
    assert item.last_reported_at >= item.first_reported_at
    assert item.state == "visible"
    assert moderation.moderation_counts(animator) == 2


@pytest.mark.parametrize(
    ("persona", "error"),
    [
        ("member", Forbidden),
        ("guest", Forbidden),
        ("outsider", Forbidden),  # sees the private community's card
        ("other_guest", NotFound),
        ("former_member", Forbidden),
        ("deactivated", NotFound),
    ],
)
def test_non_moderators_have_no_community_queue(communities, reported, request, persona, error):
    person = request.getfixturevalue(persona)
    with pytest.raises(error):
        moderation.moderation_queue(viewer=person, community=communities["private"])
    with pytest.raises(error):
        moderation.hidden_items(viewer=person, community=communities["private"])


def test_a_secret_community_queue_does_not_exist_for_strangers(communities, outsider, member):
    with pytest.raises(NotFound):
        moderation.moderation_queue(viewer=outsider, community=communities["secret"])
    with pytest.raises(Forbidden):
        moderation.moderation_queue(viewer=member, community=communities["secret"])


@pytest.mark.parametrize("persona", ["member", "outsider", "guest", "deactivated"])
def test_non_moderators_have_no_global_queue_and_no_badge(communities, reported, request, persona):
    person = request.getfixturevalue(persona)
    with pytest.raises(Forbidden):
        moderation.moderation_queue(viewer=person)
    assert moderation.moderation_counts(person) == 0


def test_an_animator_never_sees_another_communitys_reports(
    communities, reported, owner, animator, other_guest, admin, member
):
    post, _report = reported
    elsewhere = communities["elsewhere"]
    invite_and_accept(inviter=owner, community=elsewhere, person=animator)  # a plain member
    foreign = _post(other_guest, elsewhere, "Elsewhere business")
    foreign_report = moderation.report_create(actor=animator, post_id=foreign.pk, reason="Bad")
    profile = _post(member, None)
    moderation.report_create(actor=animator, post_id=profile.pk, reason="Rude")

    mine = moderation.moderation_queue(viewer=animator)
    assert [item.post.pk for item in mine] == [post.pk]
    assert moderation.moderation_counts(animator) == 1
    with pytest.raises(Forbidden):
        moderation.moderation_queue(viewer=animator, community=elsewhere)
    with pytest.raises(NotFound):
        moderation.report_dismiss(actor=animator, report_id=foreign_report.pk)
    for action in (moderation.post_hide, moderation.post_restore):
        with pytest.raises(Forbidden):
            action(actor=animator, post_id=foreign.pk, reason="No")
    with pytest.raises(Forbidden):
        moderation.post_lock_comments(actor=animator, post_id=foreign.pk)
    with pytest.raises(Forbidden):  # profile posts: administrators only
        moderation.post_hide(actor=animator, post_id=profile.pk, reason="No")

    # The owner manages both communities; the administrator sees everything.
    assert {item.post.pk for item in moderation.moderation_queue(viewer=owner)} == {
        post.pk,
        foreign.pk,
    }
    everything = moderation.moderation_queue(viewer=admin)
    assert {item.post.pk for item in everything} == {post.pk, foreign.pk, profile.pk}
    assert moderation.moderation_counts(admin) == 3
    only_elsewhere = moderation.moderation_queue(viewer=admin, community=elsewhere)
    assert [item.post.pk for item in only_elsewhere] == [foreign.pk]


def test_the_queue_costs_the_same_whatever_its_length(communities, member, animator, owner):
    community = communities["private"]
    readers = []
    for index in range(4):
        person = make_person(f"reader{index}@exemple.fr", f"Reader {index}")
        invite_and_accept(inviter=owner, community=community, person=person)
        readers.append(person)
    post = _post(member, community)
    moderation.report_create(actor=readers[0], post_id=post.pk, reason="One")
    with CaptureQueriesContext(connection) as small:
        moderation.moderation_queue(viewer=animator, community=community)
    for index in range(3):
        another = _post(member, community, f"Post {index}")
        comment = services.comment_create(actor=owner, post_id=another.pk, body="Hm")
        for reader in readers:
            moderation.report_create(actor=reader, post_id=another.pk, reason="Again")
            moderation.report_create(
                actor=reader, post_id=another.pk, comment_id=comment.pk, reason="Comment"
            )
    with CaptureQueriesContext(connection) as large:
        queue = moderation.moderation_queue(viewer=animator, community=community)
    assert len(queue) == 7
    assert len(large) == len(small)


def test_deleted_items_leave_the_queue(communities, reported, member, animator):
    post, _report = reported
    services.post_delete(actor=member, post_id=post.pk)
    assert moderation.moderation_queue(viewer=animator) == []
    assert moderation.moderation_counts(animator) == 0


def test_dismissing_closes_every_open_report_of_the_item(
    communities, reported, outsider, owner, animator, member
):
    post, report = reported
    invite_and_accept(inviter=owner, community=communities["private"], person=outsider)
    moderation.report_create(actor=outsider, post_id=post.pk, reason="Ads")
    with pytest.raises(NotFound):  # not a moderator: reports do not exist for them
        moderation.report_dismiss(actor=member, report_id=report.pk)
    dismissed = moderation.report_dismiss(actor=animator, report_id=report.pk, note="Fine")
    assert dismissed.status == ReportStatus.DISMISSED
    assert dismissed.resolved_by == animator and dismissed.resolution == "Fine"
    assert set(Report.objects.values_list("status", flat=True)) == {ReportStatus.DISMISSED}
    assert moderation.moderation_queue(viewer=animator) == []
    event = Event.objects.get(verb="report.dismissed")
    assert event.community_id == communities["private"].pk
    assert event.payload["count"] == 2
    # Again: nothing changes.
    moderation.report_dismiss(actor=animator, report_id=report.pk)
    assert Event.objects.filter(verb="report.dismissed").count() == 1


# ---------------------------------------------------------------- hiding


def test_hiding_a_post(communities, reported, member, animator, guest, owner):
    post, report = reported
    hidden = moderation.post_hide(actor=animator, post_id=post.pk, reason="Spam, sorry")
    assert hidden.hidden_at is not None and hidden.hidden_by == animator
    assert hidden.hidden_reason == "Spam, sorry"
    # Readers no longer see it; its author does, and why.
    assert not Post.objects.visible_to(guest).filter(pk=post.pk).exists()
    assert not Post.objects.visible_to(owner).filter(pk=post.pk).exists()
    with pytest.raises(NotFound):
        policy.access_post(user=guest, post_id=post.pk)
    assert policy.access_post(user=member, post_id=post.pk).hidden_reason == "Spam, sorry"
    # Its reports are closed as acted upon.
    report.refresh_from_db()
    assert report.status == ReportStatus.ACTIONED and report.resolved_by == animator
    assert moderation.moderation_counts(animator) == 0
    # The author is told, with the reason; nobody else is.
    assert _notified("post.hidden") == {member.pk}
    notification = visible_notifications(member).get(verb="post.hidden")
    [line] = shown(member, [notification])
    assert line.text == "A moderator hid your post (Private circle): Spam, sorry"
    assert "Antoine" not in line.text  # the moderator stays "a moderator"
    assert line.url == f"/posts/{post.pk}/"  # the author still sees it there
    event = Event.objects.get(verb="post.hidden")
    assert event.community_id == communities["private"].pk
    assert event.payload["author_id"] == member.pk


def test_moderators_find_hidden_items(communities, reported, animator, owner, admin, member):
    post, _report = reported
    moderation.post_hide(actor=animator, post_id=post.pk, reason="Spam")
    comment_post = _post(owner, communities["open"])
    comment = services.comment_create(actor=member, post_id=comment_post.pk, body="Off topic")
    moderation.comment_hide(actor=owner, comment_id=comment.pk, reason="Off topic")
    found = moderation.hidden_items(viewer=animator)
    assert [(item.post.pk, item.comment) for item in found] == [
        (comment_post.pk, comment),
        (post.pk, None),
    ]
    assert found[1].reason == "Spam" and found[1].hidden_by == animator
    private_only = moderation.hidden_items(viewer=admin, community=communities["private"])
    assert [item.post.pk for item in private_only] == [post.pk]


def test_hiding_needs_a_reason_and_a_moderator(
    communities, reported, member, guest, outsider, other_guest, admin
):
    post, _report = reported
    with pytest.raises(Invalid) as error:
        moderation.post_hide(actor=admin, post_id=post.pk, reason="  ")
    assert "reason" in error.value.fields
    for person in (member, guest, outsider):  # readers, or may see the community
        with pytest.raises((Forbidden, NotFound)):
            moderation.post_hide(actor=person, post_id=post.pk, reason="No")
    with pytest.raises(Forbidden):
        moderation.post_hide(actor=guest, post_id=post.pk, reason="No")
    with pytest.raises(NotFound):
        moderation.post_hide(actor=other_guest, post_id=post.pk, reason="No")
    with pytest.raises(NotFound):
        moderation.post_hide(actor=admin, post_id=999_999, reason="No")


def test_hiding_twice_changes_nothing(communities, reported, animator, owner):
    post, _report = reported
    moderation.post_hide(actor=animator, post_id=post.pk, reason="First")
    again = moderation.post_hide(actor=owner, post_id=post.pk, reason="Second")
    assert again.hidden_reason == "First"
    assert Event.objects.filter(verb="post.hidden").count() == 1


def test_restoring_a_post(communities, reported, member, animator, guest):
    post, _report = reported
    moderation.post_hide(actor=animator, post_id=post.pk, reason="Spam")
    restored = moderation.post_restore(actor=animator, post_id=post.pk)
    assert restored.hidden_at is None and restored.hidden_reason == ""
    assert policy.access_post(user=guest, post_id=post.pk)
    assert _notified("post.restored") == {member.pk}
    [line] = shown(member, [visible_notifications(member).get(verb="post.restored")])
    assert line.text == "A moderator restored your post (Private circle)."
    moderation.post_restore(actor=animator, post_id=post.pk)  # not hidden: nothing happens
    assert Event.objects.filter(verb="post.restored").count() == 1


def test_administrators_moderate_profile_posts(communities, member, outsider, admin):
    post = _post(member, None)
    report = moderation.report_create(actor=outsider, post_id=post.pk, reason="Rude")
    assert [item.post.pk for item in moderation.moderation_queue(viewer=admin)] == [post.pk]
    with pytest.raises(Forbidden):
        moderation.post_hide(actor=outsider, post_id=post.pk, reason="Rude")
    moderation.post_hide(actor=admin, post_id=post.pk, reason="Rude")
    report.refresh_from_db()
    assert report.status == ReportStatus.ACTIONED
    [line] = shown(member, [visible_notifications(member).get(verb="post.hidden")])
    assert line.text == "A moderator hid your post (a profile post): Rude"


def test_administrators_moderate_secret_communities(communities, member, admin):
    post = _post(member, communities["secret"])
    moderation.post_hide(actor=admin, post_id=post.pk, reason="Leak")
    assert [item.post.pk for item in moderation.hidden_items(viewer=admin)] == [post.pk]


def test_an_author_who_left_is_not_told_about_the_place(communities, member, animator):
    post = _post(member, communities["private"], "Secret plans")
    membership_leave(actor=member, community_id=communities["private"].pk)
    moderation.post_hide(actor=animator, post_id=post.pk, reason="Confidential numbers")
    assert not Notification.objects.filter(recipient=member).filter(verb="post.hidden").exists()


def test_hiding_and_restoring_a_comment(communities, member, animator, guest, owner):
    post = _post(owner, communities["private"])
    comment = services.comment_create(actor=member, post_id=post.pk, body="Off topic")
    report = moderation.report_create(
        actor=guest, post_id=post.pk, comment_id=comment.pk, reason="Off topic"
    )
    post_report = moderation.report_create(actor=guest, post_id=post.pk, reason="Meh")
    [item, _post_item] = moderation.moderation_queue(viewer=animator)
    assert item.comment == comment and item.state == "visible"
    with pytest.raises(Forbidden):
        moderation.comment_hide(actor=member, comment_id=comment.pk, reason="x")
    hidden = moderation.comment_hide(actor=animator, comment_id=comment.pk, reason="Off topic")
    assert hidden.hidden_at is not None and hidden.hidden_reason == "Off topic"
    report.refresh_from_db()
    post_report.refresh_from_db()
    assert report.status == ReportStatus.ACTIONED
    assert post_report.status == ReportStatus.OPEN  # another item
    assert _notified("comment.hidden") == {member.pk}
    [line] = shown(member, [visible_notifications(member).get(verb="comment.hidden")])
    assert line.text == "A moderator hid your comment (Private circle): Off topic"
    # Only its author and the moderators may report it now.
    with pytest.raises(NotFound):
        moderation.report_create(
            actor=guest, post_id=post.pk, comment_id=comment.pk, reason="Again"
        )
    moderation.comment_restore(actor=animator, comment_id=comment.pk)
    comment.refresh_from_db()
    assert comment.hidden_at is None
    assert _notified("comment.restored") == {member.pk}
    with pytest.raises(NotFound):
        moderation.comment_hide(actor=animator, comment_id=999_999, reason="x")


def test_the_queue_shows_the_state_of_items(communities, reported, animator):
    post, _report = reported
    moderation.post_lock_comments(actor=animator, post_id=post.pk)
    [item] = moderation.moderation_queue(viewer=animator)
    assert item.state == "locked" and item.comments_locked and not item.is_hidden


# ---------------------------------------------------------------- locking


def test_locking_comments(communities, member, animator, guest, owner):
    post = _post(member, communities["private"])
    with pytest.raises(Forbidden):
        moderation.post_lock_comments(actor=member, post_id=post.pk)  # the author is no moderator
    locked = moderation.post_lock_comments(actor=animator, post_id=post.pk)
    assert locked.comments_locked
    assert not policy.can_comment(guest, locked)
    for person in (guest, member, owner):
        with pytest.raises(Forbidden):
            services.comment_create(actor=person, post_id=post.pk, body="Still here?")
    assert Event.objects.get(verb="post.comments_locked").community_id == (
        communities["private"].pk
    )
    moderation.post_lock_comments(actor=animator, post_id=post.pk)  # again: nothing
    assert Event.objects.filter(verb="post.comments_locked").count() == 1
    moderation.post_unlock_comments(actor=animator, post_id=post.pk)
    assert services.comment_create(actor=guest, post_id=post.pk, body="Back").pk
    assert Event.objects.filter(verb="post.comments_unlocked").count() == 1


def test_a_hidden_notice_disappears_when_the_author_leaves(communities, member, animator):
    post = _post(member, communities["private"])
    moderation.post_hide(actor=animator, post_id=post.pk, reason="Confidential numbers")
    assert visible_notifications(member).filter(verb="post.hidden").exists()
    membership_leave(actor=member, community_id=communities["private"].pk)
    assert not visible_notifications(member).filter(verb="post.hidden").exists()


def test_moderation_verbs_are_content_verbs():
    """Told only to people who may read the place, when made and when shown."""
    from rucher.notifications.consumer import CONTENT_VERBS, MODERATION_RECIPIENTS, RECIPIENTS

    assert set(MODERATION_RECIPIENTS) <= CONTENT_VERBS
    assert set(MODERATION_RECIPIENTS) <= set(RECIPIENTS)

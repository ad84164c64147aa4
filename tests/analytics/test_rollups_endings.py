"""Endings the rollups must see: a guest's access that expires (no request records it: a
periodic job of communities does) and a comment a moderator hides, then restores."""

from __future__ import annotations

import datetime

import pytest

from rucher.analytics import rollups
from rucher.analytics.models import CommunityDay, MembershipSpan, Thread
from rucher.communities.services import (
    community_create,
    guest_access_extend,
    guest_access_record_expiries,
    invitation_accept,
    invitation_create,
    membership_remove,
)
from rucher.content.moderation import comment_hide, comment_restore
from rucher.content.services import comment_create, post_create
from rucher.core.models import Event
from tests.analytics.test_rollups import (  # noqa: F401 (fixtures)
    D0,
    at,
    direct_creation,
    garden,
    on,
    snapshot,
)

pytestmark = pytest.mark.django_db

D3, D5, D10 = (D0 + datetime.timedelta(days=n) for n in (3, 5, 10))


@pytest.fixture
def workshop(direct_creation, owner, guest):  # noqa: F811 (the imported fixture)
    """Day 0: owner opens a private community with guests; guest joins until day 3, 12:00."""
    with on(0, 9):
        community = community_create(
            actor=owner,
            name="Workshop",
            kind="project",
            visibility="private",
            allows_guests=True,
            occurred_at=at(0, 9),
        )
    with on(0, 10):
        invitation, _token = invitation_create(
            actor=owner, community_id=community.pk, email=guest.email, access_until=at(3, 12)
        )
        invitation_accept(actor=guest, invitation_id=invitation.pk)
    return community


def guest_spans(community, guest) -> set[tuple[str, datetime.date, datetime.date | None]]:
    return set(
        MembershipSpan.objects.filter(community_id=community.pk, person_id=guest.pk).values_list(
            "role", "start", "end"
        )
    )


def departures(community, day: datetime.date) -> int:
    row = CommunityDay.objects.filter(community_id=community.pk, day=day).first()
    return row.departures if row is not None else 0


def test_an_expired_guest_access_is_recorded_once_and_closes_the_span(workshop, owner, guest):
    with on(2):
        assert guest_access_record_expiries() == 0  # not yet
    rollups.consume()
    assert guest_spans(workshop, guest) == {("guest", D0, None)}

    with on(4):
        assert guest_access_record_expiries() == 1
        assert guest_access_record_expiries() == 0  # once
    expired = Event.objects.get(verb="membership.expired", target_id=guest.pk)
    assert expired.occurred_at == at(3, 12)  # the expiry, not when the job noticed it
    assert expired.community_id == workshop.pk
    assert expired.payload == {"role": "guest"}
    rollups.consume()
    assert guest_spans(workshop, guest) == {("guest", D0, D3)}
    assert departures(workshop, D3) == 1

    # Removing the expired guest later is not a second departure.
    with on(5):
        membership_remove(actor=owner, community_id=workshop.pk, user_id=guest.pk)
    rollups.consume()
    assert departures(workshop, D5) == 0
    assert guest_spans(workshop, guest) == {("guest", D0, D3)}

    incremental = snapshot()
    rollups.rebuild()
    assert snapshot() == incremental


def test_an_extension_after_expiry_reopens_the_span_and_the_next_expiry_closes_it(
    workshop, owner, guest
):
    with on(4):
        guest_access_record_expiries()
    with on(5):
        guest_access_extend(
            actor=owner, community_id=workshop.pk, user_id=guest.pk, until=at(10, 18)
        )
    rollups.consume()
    assert guest_spans(workshop, guest) == {("guest", D0, D3), ("guest", D5, None)}

    with on(11):
        assert guest_access_record_expiries() == 1  # the new expiry is a new event
    rollups.consume()
    assert guest_spans(workshop, guest) == {("guest", D0, D3), ("guest", D5, D10)}
    assert Event.objects.filter(verb="membership.expired", target_id=guest.pk).count() == 2
    assert departures(workshop, D10) == 1

    incremental = snapshot()
    rollups.rebuild()
    assert snapshot() == incremental


def test_an_extension_before_expiry_changes_no_span(workshop, owner, guest):
    with on(2):
        guest_access_extend(
            actor=owner, community_id=workshop.pk, user_id=guest.pk, until=at(10, 18)
        )
    with on(4):
        assert guest_access_record_expiries() == 0
    rollups.consume()
    assert guest_spans(workshop, guest) == {("guest", D0, None)}


def test_a_hidden_comment_is_not_a_first_response_until_restored(
    garden,  # noqa: F811 (the imported fixture)
    owner,
    member,
    animator,
):
    g = garden.pk
    with on(1, 9):
        question = post_create(
            actor=member, community_id=g, title="Help?", body="Help?", type="question"
        )
    with on(1, 10):
        first = comment_create(actor=animator, post_id=question.pk, body="First")
    with on(1, 12):
        second = comment_create(actor=owner, post_id=question.pk, body="Second")
    rollups.consume()
    thread = Thread.objects.get(post_id=question.pk)
    assert (thread.first_response_at, thread.first_responder_id) == (at(1, 10), animator.pk)

    with on(2):
        comment_hide(actor=owner, comment_id=first.pk, reason="Off topic")
    rollups.consume()
    thread.refresh_from_db()
    assert (thread.first_response_at, thread.first_responder_id) == (at(1, 12), owner.pk)

    with on(2, 11):
        comment_hide(actor=animator, comment_id=second.pk, reason="Duplicate")
    rollups.consume()
    thread.refresh_from_db()
    assert (thread.first_response_at, thread.first_responder_id) == (None, None)

    with on(3):
        comment_restore(actor=owner, comment_id=first.pk)
    rollups.consume()
    thread.refresh_from_db()
    assert (thread.first_response_at, thread.first_responder_id) == (at(1, 10), animator.pk)

    incremental = snapshot()
    rollups.rebuild()
    assert snapshot() == incremental


def test_hiding_and_restoring_in_one_batch_keeps_the_last_decision(
    garden,  # noqa: F811 (the imported fixture)
    owner,
    member,
    animator,
):
    with on(1, 9):
        post = post_create(actor=member, community_id=garden.pk, body="News")
    with on(1, 10):
        reply = comment_create(actor=animator, post_id=post.pk, body="Thanks")
    with on(2):
        comment_hide(actor=owner, comment_id=reply.pk, reason="Off topic")
    with on(2, 11):
        comment_restore(actor=owner, comment_id=reply.pk)
    rollups.rebuild()  # every event in one batch
    thread = Thread.objects.get(post_id=post.pk)
    assert (thread.first_response_at, thread.first_responder_id) == (at(1, 10), animator.pk)

"""Post types: polls, ideas, events, announcements, pinning, read confirmations."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from rucher.communities.services import community_archive, membership_join
from rucher.content import selectors, services
from rucher.content.models import Event as PostEvent
from rucher.content.models import (
    Idea,
    IdeaVote,
    Poll,
    PollOption,
    PollVote,
    Post,
    ReadConfirmation,
)
from rucher.content.services import EventSpec, PollSpec
from rucher.core.errors import Forbidden, Invalid, NotFound
from rucher.core.models import Event
from rucher.notifications.models import Notification
from tests.cast import make_person

pytestmark = pytest.mark.usefixtures("shared_cast")


def _later(days: int = 3, hours: int = 0) -> datetime:
    return timezone.now() + timedelta(days=days, hours=hours)


def _poll(author, community, options=("Tea", "Coffee", "Water"), **spec):
    return services.post_create(
        actor=author,
        community_id=community.pk if community else None,
        body="What do we drink?",
        type="poll",
        poll=PollSpec(options=list(options), **spec),
    )


def _event(author, community, **spec):
    values = {"starts_at": _later(), "ends_at": _later(hours=2), "time_zone": "Europe/Paris"}
    values.update(spec)
    return services.post_create(
        actor=author,
        community_id=community.pk if community else None,
        title="Team lunch",
        body="Lunch, **together**.",
        type="event",
        event=EventSpec(**values),
    )


def _idea(author, community):
    return services.post_create(
        actor=author, community_id=community.pk, body="Bike racks", type="idea"
    )


def _recorded(verb, post):
    return Event.objects.filter(verb=verb, target_id=post.pk, target_type="content.post")


def _invalid(call, field):
    with pytest.raises(Invalid) as raised:
        call()
    assert field in raised.value.fields, raised.value.fields
    assert raised.value.message
    return raised.value


# ---------------------------------------------------------------- creation


def test_unknown_type_is_refused(communities, member):
    _invalid(
        lambda: services.post_create(
            actor=member, community_id=communities["open"].pk, body="x", type="rant"
        ),
        "type",
    )


def test_idea_creates_its_row(communities, member):
    post = _idea(member, communities["open"])
    idea = Idea.objects.get(post=post)
    assert (idea.status, idea.vote_count) == ("new", 0)
    assert _recorded("post.created", post).get().community_id == communities["open"].pk


def test_poll_creates_its_choices(communities, member):
    closes = _later()
    post = _poll(member, communities["private"], (" Tea ", "", "Coffee"), closes_at=closes)
    poll = Poll.objects.get(post=post)
    assert (poll.multiple, poll.closes_at) == (False, closes)
    assert list(PollOption.objects.filter(poll=poll).values_list("label", flat=True)) == [
        "Tea",
        "Coffee",
    ]


@pytest.mark.parametrize(
    ("options", "spec", "field"),
    [
        (["Only one"], {}, "options"),
        (["", "  ", "One"], {}, "options"),
        ([f"Choice {i}" for i in range(21)], {}, "options"),
        (["Same", "same "], {}, "options"),
        (["x" * 201, "y"], {}, "options"),
        (["a", "b"], {"closes_at": timezone.now() - timedelta(minutes=1)}, "closes_at"),
        (["a", "b"], {"closes_at": datetime(2030, 1, 1)}, "closes_at"),  # naive
    ],
)
def test_bad_polls(communities, member, options, spec, field):
    _invalid(lambda: _poll(member, communities["open"], options, **spec), field)
    assert not Post.objects.exists()


def test_poll_without_spec_is_refused(communities, member):
    _invalid(
        lambda: services.post_create(
            actor=member, community_id=communities["open"].pk, body="?", type="poll"
        ),
        "options",
    )


def test_event_creates_its_row(communities, member):
    post = _event(member, communities["open"], place="Room 4", online_url="https://meet.example/x")
    event = PostEvent.objects.get(post=post)
    assert (event.place, event.online_url, event.time_zone) == (
        "Room 4",
        "https://meet.example/x",
        "Europe/Paris",
    )
    assert event.sequence == 0


@pytest.mark.parametrize(
    ("spec", "field"),
    [
        ({"time_zone": "Mars/Olympus"}, "time_zone"),
        ({"time_zone": ""}, "time_zone"),
        ({"starts_at": None}, "starts_at"),
        ({"starts_at": datetime(2030, 1, 1, 10)}, "starts_at"),  # naive
        ({"ends_at": timezone.now() + timedelta(days=2)}, "ends_at"),  # before the start
        ({"online_url": "javascript:alert(1)"}, "online_url"),
        ({"online_url": "ftp://files.example/x"}, "online_url"),
        ({"place": "p" * 301}, "place"),
    ],
)
def test_bad_events(communities, member, spec, field):
    _invalid(lambda: _event(member, communities["open"], **spec), field)
    assert not Post.objects.exists()


def test_an_event_needs_a_title(communities, member):
    _invalid(
        lambda: services.post_create(
            actor=member,
            community_id=communities["open"].pk,
            body="x",
            type="event",
            event=EventSpec(starts_at=_later(), time_zone="UTC"),
        ),
        "title",
    )


def test_announcements_are_for_managers_and_pinned(communities, animator, owner, admin, member):
    community = communities["private"]
    for person in (animator, owner, admin):
        post = services.post_create(
            actor=person,
            community_id=community.pk,
            body="Read me",
            type="announcement",
            asks_read_confirmation=True,
        )
        assert post.pinned_at is not None and post.asks_read_confirmation
    with pytest.raises(Forbidden):
        services.post_create(
            actor=member, community_id=community.pk, body="Me too", type="announcement"
        )
    _invalid(
        lambda: services.post_create(
            actor=admin, community_id=None, body="Profile", type="announcement"
        ),
        "type",
    )


def test_read_confirmation_only_asked_by_announcements(communities, member):
    post = services.post_create(
        actor=member,
        community_id=communities["open"].pk,
        body="x",
        asks_read_confirmation=True,
    )
    assert not post.asks_read_confirmation


def test_pinned_at_creation_is_for_managers(communities, animator, member):
    community = communities["open"]
    post = services.post_create(
        actor=animator, community_id=community.pk, body="Rules", pinned=True
    )
    assert post.pinned_at is not None
    with pytest.raises(Forbidden):
        services.post_create(actor=member, community_id=community.pk, body="Me", pinned=True)


def test_no_announcement_in_an_archived_community(communities, owner):
    community_archive(actor=owner, community_id=communities["open"].pk)
    with pytest.raises(Forbidden):
        services.post_create(
            actor=owner, community_id=communities["open"].pk, body="x", type="announcement"
        )


# ---------------------------------------------------------------- pinning


def test_pin_and_unpin(communities, member, animator, outsider):
    post = services.post_create(actor=member, community_id=communities["open"].pk, body="x")
    for person in (member, outsider):
        with pytest.raises(Forbidden):
            services.post_pin(actor=person, post_id=post.pk)
    assert services.post_pin(actor=animator, post_id=post.pk).pinned_at is not None
    services.post_pin(actor=animator, post_id=post.pk)  # again: nothing new
    assert _recorded("post.pinned", post).count() == 1
    assert services.post_unpin(actor=animator, post_id=post.pk).pinned_at is None
    assert _recorded("post.unpinned", post).get().community_id == communities["open"].pk


def test_profile_posts_are_not_pinned(member, admin):
    post = services.post_create(actor=member, community_id=None, body="x")
    with pytest.raises(Invalid):
        services.post_pin(actor=admin, post_id=post.pk)


def test_pinning_a_secret_post_is_not_found_for_strangers(communities, member, outsider):
    post = services.post_create(actor=member, community_id=communities["secret"].pk, body="x")
    with pytest.raises(NotFound):
        services.post_pin(actor=outsider, post_id=post.pk)


# ---------------------------------------------------------------- read confirmations


def _announcement(author, community, asks=True):
    return services.post_create(
        actor=author,
        community_id=community.pk,
        body="New rules",
        type="announcement",
        asks_read_confirmation=asks,
    )


def test_read_confirmation_is_idempotent(communities, animator, member, guest):
    post = _announcement(animator, communities["private"])
    first = services.announcement_confirm_read(actor=member, post_id=post.pk)
    again = services.announcement_confirm_read(actor=member, post_id=post.pk)
    assert first.pk == again.pk
    services.announcement_confirm_read(actor=guest, post_id=post.pk)
    assert ReadConfirmation.objects.filter(post=post).count() == 2
    assert _recorded("announcement.read_confirmed", post).count() == 2


def test_read_confirmation_refusals(communities, animator, member, outsider, former_member):
    post = _announcement(animator, communities["private"], asks=False)
    with pytest.raises(Invalid):
        services.announcement_confirm_read(actor=member, post_id=post.pk)
    asking = _announcement(animator, communities["private"])
    for person in (outsider, former_member):
        with pytest.raises(NotFound):
            services.announcement_confirm_read(actor=person, post_id=asking.pk)


# ---------------------------------------------------------------- polls


def test_poll_vote_replaces_the_previous_one(communities, member, animator):
    post = _poll(member, communities["open"])
    tea, coffee, _water = PollOption.objects.filter(poll__post=post)
    services.poll_vote(actor=animator, post_id=post.pk, option_ids=[tea.pk])
    services.poll_vote(actor=animator, post_id=post.pk, option_ids=[coffee.pk])
    assert list(PollVote.objects.values_list("option_id", flat=True)) == [coffee.pk]
    assert _recorded("poll.voted", post).count() == 2


def test_single_and_multiple_choice(communities, member, animator):
    single = _poll(member, communities["open"])
    a, b, _c = PollOption.objects.filter(poll__post=single)
    _invalid(
        lambda: services.poll_vote(actor=animator, post_id=single.pk, option_ids=[a.pk, b.pk]),
        "option_ids",
    )
    _invalid(
        lambda: services.poll_vote(actor=animator, post_id=single.pk, option_ids=[]), "option_ids"
    )
    multiple = _poll(member, communities["open"], multiple=True)
    x, y, _z = PollOption.objects.filter(poll__post=multiple)
    votes = services.poll_vote(actor=animator, post_id=multiple.pk, option_ids=[x.pk, y.pk, x.pk])
    assert len(votes) == 2
    # a choice of another poll
    _invalid(
        lambda: services.poll_vote(actor=animator, post_id=multiple.pk, option_ids=[a.pk]),
        "option_ids",
    )
    _invalid(
        lambda: services.poll_vote(actor=animator, post_id=multiple.pk, option_ids=["x"]),
        "option_ids",
    )


def test_closed_polls_take_no_vote(communities, member, animator, owner):
    post = _poll(member, communities["open"])
    [first, *_rest] = PollOption.objects.filter(poll__post=post)
    with pytest.raises(Forbidden):
        services.poll_close(actor=_reader(communities), post_id=post.pk)
    services.poll_close(actor=animator, post_id=post.pk)
    services.poll_close(actor=member, post_id=post.pk)  # already closed: nothing new
    assert _recorded("poll.closed", post).count() == 1
    error = _invalid(
        lambda: services.poll_vote(actor=owner, post_id=post.pk, option_ids=[first.pk]),
        "option_ids",
    )
    assert error.message == "This poll is closed."


def _reader(communities):
    """Someone who may read the poll but neither wrote it nor manages the community."""
    person = make_person("paula@example.com", "Paula Passante")
    membership_join(actor=person, community_id=communities["open"].pk)
    return person


def test_poll_vote_policy(communities, member, outsider, guest, former_member):
    post = _poll(member, communities["private"])
    [first, *_rest] = PollOption.objects.filter(poll__post=post)
    for person in (outsider, former_member):
        with pytest.raises(NotFound):
            services.poll_vote(actor=person, post_id=post.pk, option_ids=[first.pk])
    services.poll_vote(actor=guest, post_id=post.pk, option_ids=[first.pk])
    discussion = services.post_create(actor=member, community_id=communities["open"].pk, body="d")
    with pytest.raises(Invalid):
        services.poll_vote(actor=member, post_id=discussion.pk, option_ids=[first.pk])


def test_poll_results_show_after_voting_or_closing(communities, member, animator, owner):
    post = _poll(member, communities["open"])
    tea, _coffee, _water = PollOption.objects.filter(poll__post=post)
    services.poll_vote(actor=animator, post_id=post.pk, option_ids=[tea.pk])
    hidden = selectors.poll_results(viewer=owner, post=post)
    assert hidden is not None and not hidden.results_visible
    assert [choice.votes for choice in hidden.choices] == [None, None, None]
    assert hidden.voters is None
    seen = selectors.poll_results(viewer=animator, post=post)
    assert seen is not None and seen.results_visible
    assert [choice.votes for choice in seen.choices] == [1, 0, 0]
    assert seen.my_option_ids == [tea.pk] and seen.choices[0].mine
    services.poll_close(actor=member, post_id=post.pk)
    closed = selectors.poll_results(viewer=owner, post=post)
    assert closed is not None and closed.is_closed and closed.results_visible
    assert closed.voters == 1 and closed.choices[0].percent(closed.voters) == 100


# ---------------------------------------------------------------- ideas


def test_idea_votes_are_counted_once(communities, member, animator, owner):
    post = _idea(member, communities["open"])
    assert services.idea_vote(actor=animator, post_id=post.pk).vote_count == 1
    assert services.idea_vote(actor=animator, post_id=post.pk).vote_count == 1
    assert services.idea_vote(actor=owner, post_id=post.pk).vote_count == 2
    assert services.idea_unvote(actor=animator, post_id=post.pk).vote_count == 1
    assert services.idea_unvote(actor=animator, post_id=post.pk).vote_count == 1
    assert IdeaVote.objects.count() == 1
    assert _recorded("idea.voted", post).count() == 2
    assert _recorded("idea.unvoted", post).count() == 1


def test_idea_vote_policy(communities, member, outsider, former_member):
    post = _idea(member, communities["secret"])
    for person in (outsider, former_member):
        with pytest.raises(NotFound):
            services.idea_vote(actor=person, post_id=post.pk)


def test_idea_status_by_managers_notifies_voters_and_author(
    communities, member, animator, owner, guest, outsider
):
    post = _idea(member, communities["open"])
    services.idea_vote(actor=guest, post_id=post.pk)
    services.idea_vote(actor=outsider, post_id=post.pk)
    for person in (member, outsider, guest):
        with pytest.raises(Forbidden):
            services.idea_set_status(actor=person, post_id=post.pk, status="planned")
    _invalid(
        lambda: services.idea_set_status(actor=animator, post_id=post.pk, status="maybe"),
        "status",
    )
    idea = services.idea_set_status(
        actor=animator, post_id=post.pk, status="planned", response="**Yes**, in May."
    )
    assert idea.status == "planned" and "<strong>Yes</strong>" in idea.response_html
    assert idea.status_changed_by == animator
    event = _recorded("idea.status_changed", post).get()
    assert event.payload["status"] == "planned" and event.payload["previous"] == "new"
    assert event.community_id == communities["open"].pk
    told = set(
        Notification.objects.filter(verb="idea.status_changed").values_list(
            "recipient_id", flat=True
        )
    )
    assert told == {member.pk, guest.pk, outsider.pk}
    # the same status and response again: nothing new
    services.idea_set_status(
        actor=owner, post_id=post.pk, status="planned", response="**Yes**, in May."
    )
    assert _recorded("idea.status_changed", post).count() == 1


def test_idea_status_of_a_profile_idea_is_for_administrators(member, admin, animator):
    post = services.post_create(actor=member, community_id=None, body="Idea", type="idea")
    with pytest.raises(Forbidden):
        services.idea_set_status(actor=animator, post_id=post.pk, status="done")
    assert services.idea_set_status(actor=admin, post_id=post.pk, status="done").status == "done"


def test_response_is_limited(communities, member, animator):
    post = _idea(member, communities["open"])
    _invalid(
        lambda: services.idea_set_status(
            actor=animator, post_id=post.pk, status="declined", response="x" * 5001
        ),
        "response",
    )


# ---------------------------------------------------------------- events


def test_rsvp_replaces_and_is_open_until_the_end(communities, member, animator, guest):
    post = _event(member, communities["private"])
    assert services.event_rsvp(actor=animator, post_id=post.pk, answer="maybe").answer == "maybe"
    assert services.event_rsvp(actor=animator, post_id=post.pk, answer="going").answer == "going"
    services.event_rsvp(actor=animator, post_id=post.pk, answer="going")
    assert _recorded("event.rsvp", post).count() == 2
    _invalid(lambda: services.event_rsvp(actor=guest, post_id=post.pk, answer="perhaps"), "answer")
    PostEvent.objects.filter(post=post).update(
        starts_at=timezone.now() - timedelta(hours=3), ends_at=timezone.now() - timedelta(hours=1)
    )
    error = _invalid(
        lambda: services.event_rsvp(actor=guest, post_id=post.pk, answer="going"), "answer"
    )
    assert error.message == "This event is over."


def test_rsvp_while_it_runs(communities, member, animator):
    post = _event(member, communities["open"])
    PostEvent.objects.filter(post=post).update(
        starts_at=timezone.now() - timedelta(hours=1), ends_at=timezone.now() + timedelta(hours=1)
    )
    assert services.event_rsvp(actor=animator, post_id=post.pk, answer="going")


def test_rsvp_policy(communities, member, outsider, former_member):
    post = _event(member, communities["private"])
    for person in (outsider, former_member):
        with pytest.raises(NotFound):
            services.event_rsvp(actor=person, post_id=post.pk, answer="going")


def test_event_edit_bumps_sequence_and_notifies_attendees(
    communities, member, animator, owner, guest
):
    post = _event(member, communities["open"], place="Room 1")
    services.event_rsvp(actor=animator, post_id=post.pk, answer="going")
    services.event_rsvp(actor=owner, post_id=post.pk, answer="maybe")
    services.event_rsvp(actor=guest, post_id=post.pk, answer="not_going")
    event = PostEvent.objects.get(post=post)
    same = EventSpec(
        starts_at=event.starts_at,
        ends_at=event.ends_at,
        time_zone=event.time_zone,
        place="Room 1",
    )
    services.post_edit(actor=member, post_id=post.pk, body="Lunch, **together**.", event=same)
    assert not _recorded("event.changed", post).exists()
    moved = EventSpec(
        starts_at=event.starts_at + timedelta(days=1),
        ends_at=event.ends_at + timedelta(days=1) if event.ends_at else None,
        time_zone=event.time_zone,
        place="Room 2",
    )
    services.post_edit(actor=member, post_id=post.pk, body="Lunch, **together**.", event=moved)
    event.refresh_from_db()
    assert (event.sequence, event.place) == (1, "Room 2")
    changed = _recorded("event.changed", post).get()
    assert set(changed.payload["changed"]) == {"starts_at", "ends_at", "place"}
    told = set(
        Notification.objects.filter(verb="event.changed").values_list("recipient_id", flat=True)
    )
    assert told == {animator.pk, owner.pk}
    with pytest.raises(Forbidden):
        services.post_edit(actor=animator, post_id=post.pk, body="x", event=moved)
    bad = EventSpec(starts_at=event.starts_at, ends_at=event.starts_at, time_zone="UTC")
    _invalid(
        lambda: services.post_edit(actor=member, post_id=post.pk, body="x", event=bad), "ends_at"
    )


def test_event_cancel(communities, member, animator, owner, outsider):
    post = _event(member, communities["open"])
    services.event_rsvp(actor=animator, post_id=post.pk, answer="going")
    services.event_rsvp(actor=outsider, post_id=post.pk, answer="maybe")
    with pytest.raises(Forbidden):
        services.event_cancel(actor=outsider, post_id=post.pk)
    event = services.event_cancel(actor=owner, post_id=post.pk, reason="Rain")
    assert event.cancelled_at is not None and event.sequence == 1
    services.event_cancel(actor=member, post_id=post.pk)  # again: nothing new
    assert _recorded("event.cancelled", post).count() == 1
    told = set(
        Notification.objects.filter(verb="event.cancelled").values_list("recipient_id", flat=True)
    )
    assert told == {animator.pk, outsider.pk}  # people going or maybe
    error = _invalid(
        lambda: services.event_rsvp(actor=animator, post_id=post.pk, answer="going"), "answer"
    )
    assert error.message == "This event is cancelled."


def test_type_services_check_the_type(communities, member, animator):
    discussion = services.post_create(actor=member, community_id=communities["open"].pk, body="d")
    for call in (
        lambda: services.idea_vote(actor=animator, post_id=discussion.pk),
        lambda: services.event_rsvp(actor=animator, post_id=discussion.pk, answer="going"),
        lambda: services.poll_close(actor=member, post_id=discussion.pk),
        lambda: services.event_cancel(actor=member, post_id=discussion.pk),
    ):
        with pytest.raises(Invalid):
            call()


def test_attachment_ids_are_claimed(communities, member, monkeypatch):
    claimed = []

    def fake_claim(*, actor, post, comment, ids):
        claimed.append((actor.pk, post.pk, comment, list(ids)))
        return []

    import rucher.content.attachments as attachments

    monkeypatch.setattr(attachments, "attachments_claim", fake_claim)
    post = services.post_create(
        actor=member, community_id=communities["open"].pk, body="x", attachment_ids=[7, 8]
    )
    comment = services.comment_create(actor=member, post_id=post.pk, body="c", attachment_ids=[9])
    assert claimed == [(member.pk, post.pk, None, [7, 8]), (member.pk, post.pk, comment, [9])]
    services.post_create(actor=member, community_id=communities["open"].pk, body="no files")
    assert len(claimed) == 2


def test_times_are_kept_exactly(communities, member):
    start = datetime(2031, 5, 4, 8, 30, tzinfo=UTC)
    post = _event(member, communities["open"], starts_at=start, ends_at=None, time_zone="UTC")
    assert PostEvent.objects.get(post=post).starts_at == start

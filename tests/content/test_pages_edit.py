"""Editing a post beyond its text (an event's time and place, an announcement's read
confirmation) and restoring hidden posts from the moderation queue, through the pages."""

from __future__ import annotations

import datetime
import re
import zoneinfo

import pytest
from django.urls import reverse

from rucher.content import moderation, services
from rucher.content.models import Event as PostEvent
from rucher.content.models import Post
from rucher.notifications.models import Notification
from tests import cast
from tests.shared import kept_until_exit, own_copy

pytestmark = pytest.mark.usefixtures("shared_cast")

PARIS = zoneinfo.ZoneInfo("Europe/Paris")


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture(scope="module")
def shared_world(shared_cast, django_db_blocker):
    with kept_until_exit(django_db_blocker):
        with django_db_blocker.unblock():
            made = cast.build_conversations(shared_cast, shared_cast["communities"])
        yield made


@pytest.fixture
def world(request, shared_world, personas, communities):
    return own_copy(request, shared_world)


def as_(client, person):
    client.force_login(person)
    return client


def text(response) -> str:
    return response.content.decode()


def sequence(client, post: Post) -> int:
    ics = client.get(reverse("content:post_ics", args=[post.pk]))
    assert ics.status_code == 200
    found = re.search(rb"^SEQUENCE:(\d+)\r?$", ics.content, re.M)
    assert found is not None, ics.content
    return int(found.group(1))


def local(moment: datetime.datetime, zone: zoneinfo.ZoneInfo = PARIS) -> str:
    return moment.astimezone(zone).strftime("%Y-%m-%dT%H:%M")


def event_form(post: Post, **changes: str) -> dict[str, str]:
    event = post.event
    data = {
        "title": post.title,
        "body": post.body,
        "starts_at": local(event.starts_at, zoneinfo.ZoneInfo(event.time_zone)),
        "ends_at": local(event.ends_at, zoneinfo.ZoneInfo(event.time_zone))
        if event.ends_at
        else "",
        "time_zone": event.time_zone,
        "place": event.place,
        "online_url": event.online_url,
    }
    data.update(changes)
    return data


# ---------------------------------------------------------------- events


def test_the_edit_page_of_an_event_is_prefilled_in_the_event_time_zone(client, world, animator):
    post = world["event:open"]
    tokyo = "Asia/Tokyo"
    PostEvent.objects.filter(post=post).update(time_zone=tokyo)
    post.event.refresh_from_db()
    page = as_(client, animator).get(reverse("content:post_edit", args=[post.pk]))
    assert page.status_code == 200
    body = text(page)
    assert 'data-testid="edit-event"' in body
    expected = local(post.event.starts_at, zoneinfo.ZoneInfo(tokyo))
    assert f'value="{expected}"' in body
    assert 'value="Asia/Tokyo"' in body
    assert f'value="{post.event.place}"' in body
    assert 'name="asks_read_confirmation"' not in body


def test_moving_an_event_notifies_who_is_going_and_bumps_the_calendar_sequence(
    client, world, member, animator
):
    post = world["event:open"]
    as_(client, member)
    rsvp = reverse("content:event_rsvp", args=[post.pk])
    assert client.post(rsvp, {"answer": "going"}).status_code == 302
    before = sequence(client, post)

    as_(client, animator)
    new_start = post.event.starts_at + datetime.timedelta(days=1, hours=2)
    response = client.post(
        reverse("content:post_edit", args=[post.pk]),
        event_form(
            post,
            starts_at=local(new_start),
            ends_at=local(new_start + datetime.timedelta(hours=1)),
            place="Big hall",
            online_url="https://meet.example/rucher",
        ),
    )
    assert response.status_code == 302, text(response)
    event = PostEvent.objects.get(post=post)
    assert event.starts_at == new_start.replace(second=0, microsecond=0)
    assert event.place == "Big hall"
    assert event.online_url == "https://meet.example/rucher"
    notice = Notification.objects.get(recipient=member, verb="event.changed")
    assert notice.actor_id == animator.pk
    assert not Notification.objects.filter(recipient=animator, verb="event.changed").exists()

    as_(client, member)
    assert sequence(client, post) > before
    page = text(client.get(reverse("content:post", args=[post.pk])))
    assert "Big hall" in page


def test_an_event_moved_to_another_time_zone_is_shown_in_it(client, world, animator):
    post = world["event:open"]
    as_(client, animator)
    response = client.post(
        reverse("content:post_edit", args=[post.pk]),
        event_form(
            post, starts_at="2031-03-10T09:00", ends_at="2031-03-10T11:30", time_zone="Asia/Tokyo"
        ),
    )
    assert response.status_code == 302
    event = PostEvent.objects.get(post=post)
    assert event.starts_at == datetime.datetime(2031, 3, 10, 0, 0, tzinfo=datetime.UTC)
    page = text(client.get(reverse("content:post", args=[post.pk])))
    # In the event's zone whatever the reader's; the end on the same day shows its time only.
    assert "March 10, 2031, 9 a.m.</time> – <" in page
    assert ">11:30 a.m.</time>" in page and "(Asia/Tokyo)" in page
    feed = text(client.get(reverse("content:community_feed", args=[post.community.slug])))
    assert "March 10, 2031, 9 a.m. (Asia/Tokyo)" in feed


def test_saving_only_the_text_of_an_event_moves_nothing_and_tells_nobody(
    client, world, member, animator
):
    post = world["event:open"]
    as_(client, member).post(reverse("content:event_rsvp", args=[post.pk]), {"answer": "maybe"})
    stored = PostEvent.objects.get(post=post)
    as_(client, animator)
    response = client.post(
        reverse("content:post_edit", args=[post.pk]), event_form(post, body="New words")
    )
    assert response.status_code == 302
    after = PostEvent.objects.get(post=post)
    assert (after.starts_at, after.ends_at, after.sequence) == (
        stored.starts_at,
        stored.ends_at,
        stored.sequence,
    )
    assert not Notification.objects.filter(verb="event.changed").exists()
    post.refresh_from_db()
    assert post.body == "New words"


def test_an_end_before_the_start_is_refused_beside_the_field_with_the_input_kept(
    client, world, animator
):
    post = world["event:open"]
    start = post.event.starts_at
    as_(client, animator)
    response = client.post(
        reverse("content:post_edit", args=[post.pk]),
        event_form(
            post,
            title="Moved meetup",
            starts_at=local(start),
            ends_at=local(start - datetime.timedelta(hours=3)),
            place="Somewhere new",
        ),
    )
    assert response.status_code == 400
    body = text(response)
    assert "The event must end after it starts." in body
    assert 'id="id_ends_at_error"' in body
    assert 'value="Moved meetup"' in body and 'value="Somewhere new"' in body
    assert f'value="{local(start - datetime.timedelta(hours=3))}"' in body
    assert PostEvent.objects.get(post=post).place == post.event.place


def test_an_invalid_date_gets_a_translated_error_and_keeps_what_was_typed(client, world, animator):
    post = world["event:open"]
    as_(client, animator)
    client.post(reverse("set_language"), {"language": "fr"})
    response = client.post(
        reverse("content:post_edit", args=[post.pk]),
        event_form(post, starts_at="2031-02-30T25:61", place="Salle verte"),
    )
    assert response.status_code == 400
    body = text(response)
    assert 'lang="fr"' in body
    assert "Saisissez une date et une heure valides." in body  # Django's own French
    assert 'id="id_starts_at_error"' in body and 'aria-invalid="true"' in body
    assert 'value="2031-02-30T25:61"' in body and 'value="Salle verte"' in body


def test_only_the_author_edits_an_event(client, world, owner):
    post = world["event:open"]
    as_(client, owner)
    assert client.get(reverse("content:post_edit", args=[post.pk])).status_code == 403
    response = client.post(reverse("content:post_edit", args=[post.pk]), event_form(post))
    assert response.status_code == 403


def test_a_cancelled_event_keeps_its_date_but_its_text_can_change(client, world, animator):
    post = world["event:open"]
    services.event_cancel(actor=animator, post_id=post.pk, reason="Strike")
    as_(client, animator)
    edit = reverse("content:post_edit", args=[post.pk])
    page = text(client.get(edit))
    assert 'data-testid="edit-event"' not in page and "cancelled" in page
    assert client.post(edit, {"title": post.title, "body": "Sorry"}).status_code == 302


# ---------------------------------------------------------------- announcements


def test_an_announcement_author_turns_the_read_confirmation_off_and_on(client, world, animator):
    post = world["announcement:open"]
    assert post.asks_read_confirmation
    as_(client, animator)
    edit = reverse("content:post_edit", args=[post.pk])
    page = text(client.get(edit))
    assert 'data-testid="edit-announcement"' in page
    assert re.search(r'name="asks_read_confirmation"[^>]*checked', page)
    assert 'name="starts_at"' not in page
    assert client.post(edit, {"title": post.title, "body": post.body}).status_code == 302
    post.refresh_from_db()
    assert not post.asks_read_confirmation
    data = {"title": post.title, "body": post.body, "asks_read_confirmation": "on"}
    assert client.post(edit, data).status_code == 302
    post.refresh_from_db()
    assert post.asks_read_confirmation


def test_a_discussion_has_no_event_or_announcement_fields(client, world, member):
    post = world["post:open"]
    page = text(as_(client, member).get(reverse("content:post_edit", args=[post.pk])))
    assert 'name="starts_at"' not in page and 'name="asks_read_confirmation"' not in page


# ---------------------------------------------------------------- restoring from the queue


def test_moderators_restore_a_hidden_post_from_the_queue(
    client, world, communities, animator, member
):
    post = world["post:open"]
    moderation.post_hide(actor=animator, post_id=post.pk, reason="Too heated")
    as_(client, animator)
    assert client.get(reverse("content:post", args=[post.pk])).status_code == 404
    queue = reverse("content:moderation_queue", args=[communities["open"].slug])
    page = client.get(queue)
    assert page.status_code == 200
    body = text(page)
    start = body.index('data-testid="hidden-item"')
    item = body[start : body.index("</article>", start)]
    assert post.body[:30] in item  # what was said
    assert member.display_name in item  # by whom
    assert "Too heated" in item  # why
    assert animator.display_name in item  # who hid it
    assert communities["open"].name in item
    assert re.search(r"Hidden by [^<]+ on \d", item)  # when

    restored = client.post(
        reverse("content:moderate", args=[post.pk]), {"action": "restore", "next": queue}
    )
    assert restored.status_code == 302 and restored["Location"] == queue
    post.refresh_from_db()
    assert post.hidden_at is None
    after = text(client.get(queue))
    assert 'data-testid="hidden-item"' not in after and "Nothing is hidden." in after
    assert client.get(reverse("content:post", args=[post.pk])).status_code == 200
    assert Notification.objects.filter(recipient=member, verb="post.restored").exists()


def test_a_hidden_comment_in_the_queue_names_its_post_and_comes_back(
    client, world, communities, owner, animator
):
    comment = world["comment:open"]
    moderation.comment_hide(actor=owner, comment_id=comment.pk, reason="Personal attack")
    as_(client, animator)
    queue = reverse("content:moderation_queue", args=[communities["open"].slug])
    body = text(client.get(queue))
    start = body.index('data-testid="hidden-item"')
    item = body[start : body.index("</article>", start)]
    assert "Personal attack" in item and owner.display_name in item
    assert animator.display_name in item  # the comment's author
    assert f"#comment-{comment.pk}" in item  # its post is readable: a link to it
    response = client.post(
        reverse("content:moderate", args=[comment.post_id]),
        {"action": "restore_comment", "comment": comment.pk, "next": queue},
    )
    assert response.status_code == 302
    comment.refresh_from_db()
    assert comment.hidden_at is None

"""The conversation pages as the personas use them: feeds, the composer, a post's page and
its actions, moderation queues, attachments. Data is made through the services; every page
is fetched through the test client with the real middleware (CSP, CSRF, sessions)."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from rucher.content import services
from rucher.content.models import Comment, Post, Reaction
from rucher.core.markdown import mention
from tests import cast
from tests.shared import kept_until_exit, own_copy, own_media

pytestmark = pytest.mark.usefixtures("shared_cast")


def png(name: str = "plan.png") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (400, 300), (200, 120, 30)).save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


@pytest.fixture(scope="module")
def shared_world(shared_cast, django_db_blocker, tmp_path_factory):
    media = tmp_path_factory.mktemp("media")
    with kept_until_exit(django_db_blocker), override_settings(MEDIA_ROOT=media):
        with django_db_blocker.unblock():
            made = cast.build_conversations(shared_cast, shared_cast["communities"], upload=png)
        yield made, media


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def world(request, shared_world, media, personas, communities):
    own_media(shared_world[1], media)
    return own_copy(request, shared_world[0])


def as_(client, person):
    client.force_login(person)
    return client


def text(response) -> str:
    return response.content.decode()


HTMX = {"HTTP_HX_REQUEST": "true"}


# ---------------------------------------------------------------- feeds


def test_the_community_page_shows_its_conversations_and_the_composer(
    client, world, communities, member
):
    response = as_(client, member).get(
        reverse("communities:detail", args=[communities["open"].slug])
    )
    assert response.status_code == 200
    body = text(response)
    assert 'data-testid="composer"' in body
    assert world["post:open"].body.split()[0] in body
    assert "Announcement" in body  # pinned, on top
    assert body.index("Announcement") < body.index(f'data-testid="post-{world["post:open"].pk}"')


def test_a_reader_who_is_not_a_member_reads_an_open_community_without_a_composer(
    client, world, communities, outsider
):
    response = as_(client, outsider).get(
        reverse("content:community_feed", args=[communities["open"].slug])
    )
    assert response.status_code == 200
    assert 'data-testid="composer"' not in text(response)
    assert f'data-testid="post-{world["post:open"].pk}"' in text(response)


def test_a_private_community_feed_is_refused_to_non_members_and_secret_is_missing(
    client, world, communities, outsider
):
    as_(client, outsider)
    private = client.get(reverse("content:community_feed", args=[communities["private"].slug]))
    secret = client.get(reverse("content:community_feed", args=[communities["secret"].slug]))
    assert private.status_code == 403
    assert secret.status_code == 404


def test_home_page_shows_the_home_feed(client, world, member):
    response = as_(client, member).get(reverse("home"))
    assert response.status_code == 200
    assert f'data-testid="post-{world["post:private"].pk}"' in text(response)
    feed = client.get(reverse("content:home_feed"))
    assert feed.status_code == 200
    assert f'data-testid="post-{world["post:secret"].pk}"' in text(feed)


def test_the_profile_feed_is_on_the_person_page(client, world, outsider, member):
    response = as_(client, member).get(reverse("directory:person", args=[outsider.pk]))
    assert response.status_code == 200
    assert f'data-testid="post-{world["profile_post"].pk}"' in text(response)


def test_more_loads_the_next_page_by_cursor(client, communities, member):
    for number in range(25):
        services.post_create(
            actor=member, community_id=communities["open"].pk, body=f"Number {number}"
        )
    as_(client, member)
    url = reverse("content:community_feed", args=[communities["open"].slug])
    first = client.get(url)
    assert 'data-testid="feed-more"' in text(first)
    cursor = first.context["feed"]["next"]
    more = client.get(url, {"cursor": cursor}, **HTMX)
    assert more.status_code == 200
    assert "<html" not in text(more)
    assert "Number 0" in text(more) and "Number 24" not in text(more)
    broken = client.get(url, {"cursor": "nonsense!"})
    assert broken.status_code == 200
    assert "not valid any more" in text(broken)


def test_sort_by_recent_activity(client, communities, member, animator):
    old = services.post_create(actor=member, community_id=communities["open"].pk, body="Old one")
    services.post_create(actor=member, community_id=communities["open"].pk, body="New one")
    services.comment_create(actor=animator, post_id=old.pk, body="Bump")
    as_(client, member)
    url = reverse("content:community_feed", args=[communities["open"].slug])
    body = text(client.get(url, {"sort": "activity"}))
    assert body.index("Old one") < body.index("New one")
    body = text(client.get(url, {"sort": "newest"}))
    assert body.index("New one") < body.index("Old one")


def test_new_posts_button(client, communities, member, animator):
    first = services.post_create(actor=member, community_id=communities["open"].pk, body="First")
    as_(client, member)
    url = reverse("content:new_posts")
    key = f"community:{communities['open'].pk}"
    assert text(client.get(url, {"feed": key, "since": first.pk})).strip() == ""
    for number in range(3):
        services.post_create(actor=animator, community_id=communities["open"].pk, body=f"N{number}")
    response = client.get(url, {"feed": key, "since": first.pk}, **HTMX)
    assert "3 new posts" in text(response)
    reload = client.get(
        reverse("content:community_feed", args=[communities["open"].slug]),
        HTTP_HX_TARGET=f"feed-community-{communities['open'].pk}",
        **HTMX,
    )
    assert "<html" not in text(reload) and "N2" in text(reload)
    assert client.get(url, {"feed": f"community:{communities['secret'].pk}"}).status_code == 200
    client.force_login(cast.make_person("x@exemple.fr", "Xavier"))
    assert client.get(url, {"feed": f"community:{communities['secret'].pk}"}).status_code == 404


def test_hashtag_and_unanswered_pages(client, world, communities, member, outsider):
    as_(client, member)
    tag = client.get(reverse("content:hashtag", args=["rail"]))
    assert tag.status_code == 200
    assert f'data-testid="post-{world["post:secret"].pk}"' in text(tag)
    questions = client.get(reverse("content:unanswered"))
    assert f'data-testid="post-{world["question:private"].pk}"' in text(questions)
    per_community = client.get(
        reverse("content:community_unanswered", args=[communities["open"].slug])
    )
    assert f'data-testid="post-{world["question:open"].pk}"' in text(per_community)
    assert f'data-testid="post-{world["question:private"].pk}"' not in text(per_community)
    as_(client, outsider)
    assert f'data-testid="post-{world["post:secret"].pk}"' not in text(
        client.get(reverse("content:hashtag", args=["rail"]))
    )


@pytest.mark.parametrize("kind", ["community", "home"])
def test_a_feed_page_costs_the_same_queries_for_5_and_50_posts(
    client, communities, member, animator, kind
):
    def fill(count: int) -> None:
        while Post.objects.filter(community=communities["open"]).count() < count:
            post = services.post_create(
                actor=animator, community_id=communities["open"].pk, body="Hello #rail"
            )
            services.reaction_set(actor=member, post_id=post.pk, kind="like")
            services.comment_create(actor=member, post_id=post.pk, body="Hi")

    url = (
        reverse("content:community_feed", args=[communities["open"].slug])
        if kind == "community"
        else reverse("content:home_feed")
    )
    as_(client, member)
    counts = []
    for size in (5, 50):
        fill(size)
        client.get(url)  # warm caches (session, content types)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1], counts


# ---------------------------------------------------------------- the composer


def test_post_with_a_mention_and_a_hashtag(client, communities, member, animator):
    as_(client, member)
    body = f"Ask {mention(animator.pk, animator.display_name)} about #signalling"
    response = client.post(
        reverse("content:post_create"),
        {"community": communities["open"].pk, "type": "discussion", "body": body, "next": "/x"},
    )
    assert response.status_code == 302
    post = Post.objects.get(body=body)
    assert post.mentions.get().user == animator
    page = text(client.get(reverse("content:post", args=[post.pk])))
    assert 'class="mention"' in page and "/tags/signalling/" in page


def test_a_refused_post_keeps_the_text_and_the_pending_attachments(client, communities, member):
    as_(client, member)
    uploaded = client.post(reverse("content:attachment_upload"), {"upload": png()})
    assert uploaded.status_code == 200
    attachment_id = uploaded.context["attachments"][0].pk
    response = client.post(
        reverse("content:post_create"),
        {
            "community": communities["open"].pk,
            "type": "question",
            "title": "",
            "body": "A question without its title",
            "attachment_ids": [attachment_id],
        },
    )
    assert response.status_code == 400
    body = text(response)
    assert "A question without its title" in body
    assert f'name="attachment_ids" value="{attachment_id}"' in body
    assert "needs a title" in body
    # htmx: the composer alone, with the same content
    partial = client.post(
        reverse("content:post_create"),
        {"community": communities["open"].pk, "type": "discussion", "body": ""},
        **HTMX,
    )
    assert partial.status_code == 400
    assert "<html" not in text(partial) and 'data-testid="composer"' in text(partial)


def test_htmx_publish_returns_a_fresh_composer_and_reloads_the_feed(client, communities, member):
    as_(client, member)
    response = client.post(
        reverse("content:post_create"),
        {"community": communities["open"].pk, "type": "discussion", "body": "Via htmx"},
        **HTMX,
    )
    assert response.status_code == 200
    assert response["HX-Trigger"] == "content-posted"
    assert "Via htmx" not in text(response)
    assert Post.objects.filter(body="Via htmx").exists()


def test_every_kind_of_post_from_the_composer(client, communities, animator, member):
    as_(client, animator)
    place = communities["open"].pk
    url = reverse("content:post_create")
    poll = client.post(
        url,
        {"community": place, "type": "poll", "title": "Lunch?", "body": "Pick",
         "options": ["Pizza", "Salad", ""], "multiple": "on"},
    )  # fmt: skip
    assert poll.status_code == 302, poll.context and poll.context["composer"]["form"].errors
    assert [option.label for option in Post.objects.get(title="Lunch?").poll.options.all()] == [
        "Pizza",
        "Salad",
    ]
    event = client.post(
        url,
        {"community": place, "type": "event", "title": "Meetup", "body": "Come",
         "starts_at": "2099-06-01T18:30", "time_zone": "America/New_York",
         "place": "Room 1", "online_url": "https://meet.example/x"},
    )  # fmt: skip
    assert event.status_code == 302
    made = Post.objects.get(title="Meetup").event
    assert made.time_zone == "America/New_York"
    assert made.starts_at == datetime.datetime(2099, 6, 1, 22, 30, tzinfo=datetime.UTC)
    announcement = client.post(
        url,
        {"community": place, "type": "announcement", "title": "News", "body": "Read me",
         "asks_read_confirmation": "on"},
    )  # fmt: skip
    assert announcement.status_code == 302
    assert Post.objects.get(title="News").pinned_at is not None
    as_(client, member)
    refused = client.post(
        url, {"community": place, "type": "announcement", "title": "Mine", "body": "No"}
    )
    assert refused.status_code == 400
    bad_event = client.post(
        url, {"community": place, "type": "event", "title": "When", "body": "?",
              "time_zone": "Mars/Olympus"},
    )  # fmt: skip
    assert bad_event.status_code == 400
    assert "Unknown time zone" in text(bad_event)


def test_posting_needs_membership(client, communities, outsider, guest):
    as_(client, outsider)
    response = client.post(
        reverse("content:post_create"), {"community": communities["open"].pk, "body": "Hi"}
    )
    assert response.status_code == 403
    secret = client.post(
        reverse("content:post_create"), {"community": communities["secret"].pk, "body": "Hi"}
    )
    assert secret.status_code == 404
    as_(client, guest)
    assert client.post(reverse("content:post_create"), {"body": "Profile"}).status_code == 403


def test_mention_suggestions_warn_about_people_who_cannot_read(
    client, communities, member, outsider, guest
):
    as_(client, member)
    url = reverse("content:mention_suggestions")
    response = client.get(url, {"q": "Oscar", "community": communities["private"].pk})
    assert outsider.display_name in text(response)
    assert 'data-mention-warn="1"' in text(response)
    open_one = client.get(url, {"q": "Oscar", "community": communities["open"].pk})
    assert 'data-mention-warn="1"' not in text(open_one)
    # a partner guest suggests only the people they may see
    as_(client, guest)
    assert outsider.display_name not in text(
        client.get(url, {"q": "Oscar", "community": communities["open"].pk})
    )
    as_(client, member)
    check = client.post(
        reverse("content:mention_check"),
        {
            "community": communities["private"].pk,
            "body": f"Hi {mention(outsider.pk, outsider.display_name)}",
        },
    )
    assert "cannot read this community" in text(check)


# ---------------------------------------------------------------- a post's page


@pytest.mark.parametrize("key", ["post", "question", "poll", "idea", "event", "announcement"])
def test_every_kind_of_post_has_its_page(client, world, member, outsider, key):
    as_(client, member)
    for visibility in ("open", "private", "secret"):
        response = client.get(reverse("content:post", args=[world[f"{key}:{visibility}"].pk]))
        assert response.status_code == 200
    as_(client, outsider)
    assert client.get(reverse("content:post", args=[world[f"{key}:open"].pk])).status_code == 200
    assert client.get(reverse("content:post", args=[world[f"{key}:private"].pk])).status_code == 404
    assert client.get(reverse("content:post", args=[world[f"{key}:secret"].pk])).status_code == 404
    assert client.get(reverse("content:post", args=[999999])).status_code == 404


def test_the_post_page_costs_the_same_queries_for_few_and_many_comments(
    client, communities, member, animator
):
    post = services.post_create(actor=member, community_id=communities["open"].pk, body="Thread")
    as_(client, member)
    url = reverse("content:post", args=[post.pk])
    counts = []
    for size in (2, 12):
        while Comment.objects.filter(post=post).count() < size:
            comment = services.comment_create(actor=animator, post_id=post.pk, body="Answer")
            services.comment_create(
                actor=member, post_id=post.pk, body="Reply", parent_id=comment.pk
            )
            services.reaction_set(
                actor=member, post_id=post.pk, comment_id=comment.pk, kind="thanks"
            )
        client.get(url)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1], counts


def test_reactions_toggle(client, world, member):
    post = world["post:open"]
    as_(client, member)
    url = reverse("content:react", args=[post.pk])
    response = client.post(url, {"kind": "thanks"}, **HTMX)
    assert response.status_code == 200
    assert 'aria-pressed="true"' in text(response)
    assert Reaction.objects.get(post=post, user=member, comment=None).kind == "thanks"
    client.post(url, {"kind": "thanks"}, **HTMX)
    assert not Reaction.objects.filter(post=post, user=member, comment=None).exists()
    assert client.post(url, {"kind": "shrug"}).status_code == 400
    comment = world["comment:open"]
    assert client.post(url, {"kind": "like", "comment": comment.pk}).status_code == 302
    assert Reaction.objects.filter(comment=comment, user=member).exists()
    who = client.get(reverse("content:reactors", args=[post.pk]))
    assert who.status_code == 200
    assert world["comment:open"].author.display_name in text(who)


def test_comment_reply_and_accept_answer(client, world, member, animator, owner):
    question = world["question:open"]
    as_(client, animator)
    url = reverse("content:comment_create", args=[question.pk])
    response = client.post(url, {"body": "Try this"})
    assert response.status_code == 302
    answer = Comment.objects.get(body="Try this")
    reply = client.post(url, {"body": "And that", "parent": answer.pk})
    assert reply.status_code == 302
    assert Comment.objects.get(body="And that").parent == answer
    empty = client.post(url, {"body": "   "})
    assert empty.status_code == 400 and "Write something first" in text(empty)
    # only the author of the question (or an animator) accepts
    as_(client, owner)
    accept_url = reverse("content:accept_answer", args=[question.pk])
    as_(client, cast.make_person("m2@exemple.fr", "Second Member"))
    assert client.post(accept_url, {"comment": answer.pk}).status_code in (403, 404)
    as_(client, member)
    assert client.post(accept_url, {"comment": answer.pk}).status_code == 302
    question.refresh_from_db()
    assert question.accepted_answer == answer
    page = text(client.get(reverse("content:post", args=[question.pk])))
    assert 'data-testid="accepted"' in page


def test_poll_idea_event_and_announcement_actions(client, world, member, animator):
    as_(client, member)
    poll = world["poll:open"]
    page = client.get(reverse("content:post", args=[poll.pk]))
    assert 'data-testid="poll-results"' not in text(page)
    option = poll.poll.options.first()
    assert (
        client.post(reverse("content:poll_vote", args=[poll.pk]), {"option": option.pk}).status_code
        == 302
    )
    assert 'data-testid="poll-results"' in text(client.get(reverse("content:post", args=[poll.pk])))
    empty = client.post(reverse("content:poll_vote", args=[poll.pk]), {})
    assert empty.status_code in (302, 400)

    idea = world["idea:open"]
    assert client.post(reverse("content:idea_vote", args=[idea.pk])).status_code == 302
    idea.idea.refresh_from_db()
    assert idea.idea.vote_count == 1
    status_url = reverse("content:idea_status", args=[idea.pk])
    assert client.post(status_url, {"status": "planned"}).status_code == 403
    as_(client, animator)
    assert (
        client.post(status_url, {"status": "planned", "response": "Next month"}).status_code == 302
    )
    assert "Next month" in text(client.get(reverse("content:post", args=[idea.pk])))
    assert client.post(status_url, {"status": "bogus"}).status_code == 400

    as_(client, member)
    event = world["event:open"]
    assert (
        client.post(reverse("content:event_rsvp", args=[event.pk]), {"answer": "going"}).status_code
        == 302
    )
    assert (
        client.post(reverse("content:event_rsvp", args=[event.pk]), {"answer": "nope"}).status_code
        == 400
    )
    ics = client.get(reverse("content:post_ics", args=[event.pk]))
    assert ics.status_code == 200 and ics["Content-Type"].startswith("text/calendar")
    assert b"BEGIN:VEVENT" in ics.content
    assert client.get(reverse("content:post_ics", args=[world["post:open"].pk])).status_code == 404

    announcement = world["announcement:open"]
    assert client.post(reverse("content:confirm_read", args=[announcement.pk])).status_code == 302
    assert "You confirmed you have read it" in text(
        client.get(reverse("content:post", args=[announcement.pk]))
    )


def test_edit_with_history_and_delete_with_a_reason(client, world, member, animator):
    post = world["post:open"]
    as_(client, member)
    edit = reverse("content:post_edit", args=[post.pk])
    assert client.get(edit).status_code == 200
    assert client.post(edit, {"title": "", "body": "Changed text"}).status_code == 302
    history = client.get(reverse("content:post_history", args=[post.pk]))
    assert "Changed text" in text(history) and "Discussion" in text(history)
    assert client.post(edit, {"title": "", "body": ""}).status_code == 400
    as_(client, animator)
    assert client.get(edit).status_code == 403
    delete = reverse("content:post_delete", args=[post.pk])
    refused = client.post(delete, {"reason": ""})
    assert refused.status_code == 400
    assert client.post(delete, {"reason": "Off topic"}).status_code == 302
    post.refresh_from_db()
    assert post.deleted_at is not None and post.delete_reason == "Off topic"


def test_report_and_moderation_queue(client, world, communities, member, animator, admin, outsider):
    post = world["post:open"]
    as_(client, outsider)
    report_url = reverse("content:report", args=[post.pk])
    assert client.get(report_url).status_code == 200
    assert client.post(report_url, {"reason": ""}).status_code == 400
    assert client.post(report_url, {"reason": "Spam"}).status_code == 302
    queue = reverse("content:moderation_queue", args=[communities["open"].slug])
    assert client.get(queue).status_code == 403
    assert (
        client.get(
            reverse("content:moderation_queue", args=[communities["secret"].slug])
        ).status_code
        == 404
    )
    as_(client, animator)
    page = client.get(queue)
    assert page.status_code == 200 and "Spam" in text(page)
    moderate = reverse("content:moderate", args=[post.pk])
    assert client.post(moderate, {"action": "hide", "reason": ""}).status_code == 400
    assert (
        client.post(moderate, {"action": "hide", "reason": "Rude", "next": queue}).status_code
        == 302
    )
    post.refresh_from_db()
    assert post.hidden_reason == "Rude"
    as_(client, member)
    author_view = client.get(reverse("content:post", args=[post.pk]))
    assert author_view.status_code == 200 and "Rude" in text(author_view)
    as_(client, admin)
    assert client.get(reverse("content:moderation")).status_code == 200
    assert client.post(moderate, {"action": "restore"}).status_code == 302
    assert client.post(moderate, {"action": "lock"}).status_code == 302
    post.refresh_from_db()
    assert post.comments_locked
    report = world["report:open"]
    assert client.post(reverse("content:report_dismiss", args=[report.pk])).status_code == 302
    as_(client, member)
    assert client.get(reverse("content:moderation")).status_code == 403


def test_attachments_are_served_through_the_policy(client, world, member, outsider):
    attachment = world["attachment:private"]
    as_(client, member)
    download = client.get(reverse("content:attachment", args=[attachment.pk]))
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment")
    thumb = client.get(reverse("content:attachment_thumbnail", args=[attachment.pk]))
    assert thumb.status_code == 200
    as_(client, outsider)
    assert client.get(reverse("content:attachment", args=[attachment.pk])).status_code == 404
    assert (
        client.get(reverse("content:attachment", args=[world["attachment:open"].pk])).status_code
        == 200
    )
    bad = client.post(
        reverse("content:attachment_upload"),
        {"upload": SimpleUploadedFile("x.exe", b"MZ\x90\x00" * 50)},
    )
    assert bad.status_code == 400


def test_pages_in_french(client, world, member):
    as_(client, member)
    client.post(reverse("set_language"), {"language": "fr"})
    response = client.get(reverse("content:post", args=[world["poll:open"].pk]))
    assert response.status_code == 200
    assert 'lang="fr"' in text(response)


def test_past_closing_dates_are_refused_with_the_text_kept(client, communities, member):
    as_(client, member)
    yesterday = (timezone.localtime() - datetime.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(
        reverse("content:post_create"),
        {"community": communities["open"].pk, "type": "poll", "title": "Late", "body": "Vote",
         "options": ["A", "B"], "closes_at": yesterday},
    )  # fmt: skip
    assert response.status_code == 400
    assert "Late" in text(response) and 'value="A"' in text(response)

"""The conversations API (/api/v1/posts, /comments, /feed, /attachments, /moderation,
/mentions) as clients use it, authenticated with bearer tokens.

Most tests use the ``convo`` fixture: tests/cast.py's ``build_conversations`` (one item of
every kind in the open, private and secret communities of the ``communities`` fixture, and a
profile post of outsider's).
"""

from __future__ import annotations

import datetime
import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from PIL import Image

from rucher.content import services
from rucher.content.models import Post, PostRevision, Reaction
from rucher.core.markdown import mention
from tests import cast
from tests.accounts.test_api import Api, assert_error
from tests.communities.test_api import JsonApi, ok
from tests.shared import kept_until_exit, own_copy, own_media

pytestmark = pytest.mark.usefixtures("shared_cast")

MISSING = 987654321
SOON = timezone.now() + datetime.timedelta(days=7)


@pytest.fixture
def api(client: Client) -> Api:
    return JsonApi(client)


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    return tmp_path


def png(name: str = "plan.png") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (80, 60), (200, 120, 30)).save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


@pytest.fixture(scope="module")
def shared_world(shared_cast, django_db_blocker, tmp_path_factory):
    media = tmp_path_factory.mktemp("media")
    with kept_until_exit(django_db_blocker), override_settings(MEDIA_ROOT=str(media)):
        with django_db_blocker.unblock():
            made = cast.build_conversations(
                shared_cast, shared_cast["communities"], word="zebu", upload=png
            )
        yield made, media


@pytest.fixture
def convo(request, shared_world, personas, communities, media):
    own_media(shared_world[1], media)
    return own_copy(request, shared_world[0])


def post_body(community, **fields: Any) -> dict[str, Any]:
    return {"community_id": community.pk, "body": "Hello #rail", **fields}


# ---------------------------------------------------------------- authentication


def test_anonymous_callers_get_a_structured_401(api, convo):
    for method, path in [
        ("get", "/feed"),
        ("get", f"/posts/{convo['post:open'].pk}"),
        ("post", "/posts"),
        ("get", "/mentions/suggestions"),
    ]:
        assert_error(api.call(method, path), 401, "not_authenticated")


def test_a_bearer_token_works_and_a_bad_one_does_not(api, convo, member):
    assert api.call("get", "/feed", user=member).status_code == 200
    assert_error(api.call("get", "/feed", token="rch_forged"), 401, "not_authenticated")


def test_the_session_needs_the_csrf_token_for_writes(communities, member):
    client = Client(enforce_csrf_checks=True)
    client.force_login(member)
    assert client.get("/api/v1/feed").status_code == 200
    response = client.post(
        "/api/v1/posts", post_body(communities["open"]), content_type="application/json"
    )
    assert_error(response, 403, "forbidden")


# ---------------------------------------------------------------- posts


def test_posting_every_type(api, communities, animator):
    community = communities["open"]
    made = {}
    for body in [
        post_body(community),
        post_body(community, type="question", title="How?"),
        post_body(community, type="idea", title="Trains"),
        post_body(community, type="poll", poll={"options": ["A", "B"], "multiple": True}),
        post_body(
            community,
            type="event",
            title="Meetup",
            event={
                "starts_at": SOON.isoformat(),
                "time_zone": "Europe/Paris",
                "place": "Lyon",
            },
        ),
        post_body(community, type="announcement", asks_read_confirmation=True),
    ]:
        data = ok(api.call("post", "/posts", user=animator, body=body), 201)
        made[data["type"]] = data
    assert made["discussion"]["hashtags"] == ["rail"]
    assert made["discussion"]["community"]["id"] == community.pk
    assert made["discussion"]["author"]["id"] == animator.pk
    assert made["discussion"]["permissions"]["can_edit"] is True
    assert made["question"]["title"] == "How?"
    assert made["idea"]["idea"]["status"] == "new"
    assert [option["label"] for option in made["poll"]["poll"]["options"]] == ["A", "B"]
    assert made["poll"]["poll"]["multiple"] is True
    assert made["event"]["event"]["place"] == "Lyon"
    assert made["event"]["event"]["ics_url"].endswith("/event.ics")
    assert made["announcement"]["pinned_at"] is not None
    assert made["announcement"]["announcement"] == {
        "asks_read_confirmation": True,
        "read_confirmed": False,
        "read_count": 0,
    }


def test_a_profile_post(api, outsider):
    data = ok(api.call("post", "/posts", user=outsider, body={"body": "On my profile"}), 201)
    assert data["community"] is None


def test_bad_input_is_refused_with_the_field_named(api, communities, member, animator):
    community = communities["open"]
    cases = [
        (post_body(community, body="   "), 400, "body"),
        (post_body(community, body="x" * 20_001), 400, "body"),
        (post_body(community, type="question"), 400, "title"),
        (post_body(community, type="poll", poll={"options": ["Only one"]}), 400, "options"),
        (post_body(community, type="poll"), 400, "options"),
        (
            post_body(community, type="event", title="E", event={"starts_at": "tomorrow"}),
            422,
            "event.starts_at",
        ),
        (
            post_body(
                community,
                type="event",
                title="E",
                event={"starts_at": SOON.isoformat(), "time_zone": "Mars/Olympus"},
            ),
            400,
            "time_zone",
        ),
        (post_body(community, type="nonsense"), 400, "type"),
        (post_body(community, colour="red"), 422, "colour"),
        ({"community_id": community.pk}, 422, "body"),
        (post_body(community, community_id=0), 422, "community_id"),
        (post_body(community, attachment_ids=[MISSING]), 400, "attachments"),
    ]
    for body, status, field in cases:
        error = assert_error(
            api.call("post", "/posts", user=animator, body=body), status, "invalid"
        )
        assert field in error["fields"], (body, error)
    assert not Post.objects.exists()


def test_who_may_post_where(api, communities, member, outsider, guest, project_lead):
    # A member posts; a colleague must join first; a stranger to a secret community gets
    # the same 404 as for a missing one; only managers announce.
    ok(api.call("post", "/posts", user=member, body=post_body(communities["private"])), 201)
    assert_error(
        api.call("post", "/posts", user=outsider, body=post_body(communities["open"])),
        403,
        "forbidden",
    )
    secret = api.call("post", "/posts", user=outsider, body=post_body(communities["secret"]))
    missing = api.call(
        "post", "/posts", user=outsider, body={"community_id": MISSING, "body": "Hello #rail"}
    )
    assert_error(secret, 404, "not_found")
    assert secret.content == missing.content
    assert_error(
        api.call(
            "post",
            "/posts",
            user=member,
            body=post_body(communities["open"], type="announcement"),
        ),
        403,
        "forbidden",
    )
    assert_error(api.call("post", "/posts", user=guest, body={"body": "Hi"}), 403, "forbidden")


def test_reading_editing_and_the_history(api, convo, member, animator):
    post = convo["post:open"]
    data = ok(api.call("get", f"/posts/{post.pk}", user=member))
    assert data["comment_count"] == 2
    [thread] = data["comments"]
    assert thread["author"]["id"] == animator.pk
    assert [reply["id"] for reply in thread["replies"]] == [convo["reply:open"].pk]
    assert data["reactions"]["like"] == 1 and data["reaction_total"] == 1
    assert data["my_reaction"] is None
    assert data["attachments"][0]["is_image"] is True
    edited = ok(
        api.call("patch", f"/posts/{post.pk}", user=member, body={"body": "New words #metro"})
    )
    assert edited["body"] == "New words #metro" and edited["hashtags"] == ["metro"]
    assert edited["edited_at"] is not None
    history = ok(api.call("get", f"/posts/{post.pk}/revisions", user=animator))
    assert [item["body"] for item in history["items"]] == [PostRevision.objects.get().body]
    assert history["items"][0]["edited_by"]["id"] == member.pk
    assert_error(
        api.call("patch", f"/posts/{post.pk}", user=animator, body={"body": "Mine now"}),
        403,
        "forbidden",
    )
    assert_error(
        api.call("patch", f"/posts/{post.pk}", user=member, body={"body": ""}), 400, "invalid"
    )


def test_deleting_needs_a_reason_from_a_moderator(api, convo, member, animator, outsider):
    post = convo["post:open"]
    assert_error(api.call("delete", f"/posts/{post.pk}", user=outsider), 403, "forbidden")
    error = assert_error(api.call("delete", f"/posts/{post.pk}", user=animator), 400, "invalid")
    assert "reason" in error["fields"]
    data = ok(api.call("delete", f"/posts/{post.pk}?reason=Off+topic", user=animator))
    assert data == {"id": post.pk, "deleted": True}
    assert_error(api.call("get", f"/posts/{post.pk}", user=member), 404, "not_found")
    own = convo["question:open"]
    ok(api.call("delete", f"/posts/{own.pk}", user=member, body={"reason": ""}))


# ---------------------------------------------------------------- secrets


def test_a_secret_post_is_the_same_404_as_a_missing_one(api, convo, outsider, other_guest):
    secret = convo["post:secret"]
    comment = convo["comment:secret"]
    attachment = convo["attachment:secret"]
    event = convo["event:secret"]
    pairs = [
        ("get", "/posts/{}", secret.pk, None),
        ("get", "/posts/{}/comments", secret.pk, None),
        ("get", "/posts/{}/revisions", secret.pk, None),
        ("get", "/posts/{}/reactions", secret.pk, None),
        ("put", "/posts/{}/reaction", secret.pk, {"kind": "like"}),
        ("post", "/posts/{}/comments", secret.pk, {"body": "Hi"}),
        ("post", "/posts/{}/reports", secret.pk, {"reason": "Spam"}),
        ("patch", "/comments/{}", comment.pk, {"body": "Hi"}),
        ("put", "/comments/{}/reaction", comment.pk, {"kind": "like"}),
        ("get", "/attachments/{}", attachment.pk, None),
        ("get", "/posts/{}/event.ics", event.pk, None),
        ("put", "/posts/{}/rsvp", event.pk, {"answer": "going"}),
        ("put", "/posts/{}/hidden", secret.pk, {"reason": "No"}),
    ]
    for person in (outsider, other_guest):
        for method, template, pk, body in pairs:
            hidden = api.call(method, template.format(pk), user=person, body=body)
            missing = api.call(method, template.format(MISSING), user=person, body=body)
            assert_error(hidden, 404, "not_found")
            assert hidden.content == missing.content, template


def test_a_private_community_feed_is_refused_to_non_members(api, convo, outsider, member):
    private = convo["post:private"].community
    assert_error(
        api.call("get", f"/communities/{private.pk}/posts", user=outsider), 403, "forbidden"
    )
    assert_error(
        api.call("get", f"/posts/{convo['post:private'].pk}", user=outsider), 404, "not_found"
    )
    secret = convo["post:secret"].community
    assert_error(
        api.call("get", f"/communities/{secret.pk}/posts", user=outsider), 404, "not_found"
    )


# ---------------------------------------------------------------- comments


def test_comments_and_replies(api, convo, member, outsider, animator):
    post = convo["question:open"]  # open: outsider reads and comments
    top = ok(
        api.call("post", f"/posts/{post.pk}/comments", user=outsider, body={"body": "Hm"}), 201
    )
    reply = ok(
        api.call(
            "post",
            f"/posts/{post.pk}/comments",
            user=member,
            body={"body": "Yes", "parent_id": top["id"]},
        ),
        201,
    )
    assert reply["parent_id"] == top["id"]
    deeper = ok(
        api.call(
            "post",
            f"/posts/{post.pk}/comments",
            user=animator,
            body={"body": "Deeper", "parent_id": reply["id"]},
        ),
        201,
    )
    assert deeper["parent_id"] == top["id"]  # one level of nesting
    page = ok(api.call("get", f"/posts/{post.pk}/comments", user=member, limit=1))
    assert len(page["items"]) == 1 and page["next"]
    second = ok(
        api.call("get", f"/posts/{post.pk}/comments", user=member, limit=1, cursor=page["next"])
    )
    assert second["items"][0]["id"] == top["id"]
    assert [item["id"] for item in second["items"][0]["replies"]] == [reply["id"], deeper["id"]]
    edited = ok(api.call("patch", f"/comments/{top['id']}", user=outsider, body={"body": "Hmm"}))
    assert edited["body"] == "Hmm" and edited["edited_at"]
    assert_error(
        api.call("patch", f"/comments/{top['id']}", user=member, body={"body": "No"}),
        403,
        "forbidden",
    )
    assert_error(
        api.call("post", f"/posts/{post.pk}/comments", user=member, body={"body": ""}),
        400,
        "invalid",
    )
    # A deleted comment with replies stays as an empty placeholder.
    ok(api.call("delete", f"/comments/{top['id']}", user=outsider))
    threads = ok(api.call("get", f"/posts/{post.pk}/comments", user=member))["items"]
    placeholder = next(item for item in threads if item["id"] == top["id"])
    assert placeholder["deleted"] is True
    assert placeholder["body"] == "" and placeholder["author"] is None


def test_accepting_an_answer(api, convo, member, animator, outsider):
    question, answer = convo["question:open"], convo["answer:open"]
    assert_error(
        api.call(
            "put",
            f"/posts/{question.pk}/accepted-answer",
            user=outsider,
            body={"comment_id": answer.pk},
        ),
        403,
        "forbidden",
    )
    data = ok(
        api.call(
            "put",
            f"/posts/{question.pk}/accepted-answer",
            user=member,
            body={"comment_id": answer.pk},
        )
    )
    assert data["accepted_answer_id"] == answer.pk
    again = api.call(
        "put", f"/posts/{question.pk}/accepted-answer", user=member, body={"comment_id": answer.pk}
    )
    assert ok(again)["accepted_answer_id"] == answer.pk
    detail = ok(api.call("get", f"/posts/{question.pk}", user=outsider))
    assert detail["comments"][0]["is_accepted_answer"] is True
    discussion = convo["post:open"]
    assert_error(
        api.call(
            "put",
            f"/posts/{discussion.pk}/accepted-answer",
            user=member,
            body={"comment_id": convo["comment:open"].pk},
        ),
        400,
        "invalid",
    )
    unanswered = ok(api.call("get", "/questions/unanswered", user=member))
    assert question.pk not in [item["id"] for item in unanswered["items"]]


# ---------------------------------------------------------------- reactions


def test_reacting_is_idempotent(api, convo, member, outsider):
    post = convo["post:open"]
    first = ok(api.call("put", f"/posts/{post.pk}/reaction", user=member, body={"kind": "thanks"}))
    second = ok(api.call("put", f"/posts/{post.pk}/reaction", user=member, body={"kind": "thanks"}))
    assert first == second
    assert second["my_reaction"] == "thanks" and second["reaction_total"] == 2
    changed = ok(api.call("put", f"/posts/{post.pk}/reaction", user=member, body={"kind": "like"}))
    assert changed["reactions"]["like"] == 2 and changed["reactions"]["thanks"] == 0
    error = assert_error(
        api.call("put", f"/posts/{post.pk}/reaction", user=member, body={"kind": "angry"}),
        400,
        "invalid",
    )
    assert "kind" in error["fields"]
    ok(api.call("delete", f"/posts/{post.pk}/reaction", user=member))
    gone = ok(api.call("delete", f"/posts/{post.pk}/reaction", user=member))
    assert gone["my_reaction"] is None and gone["reaction_total"] == 1
    comment = convo["comment:open"]
    ok(api.call("put", f"/comments/{comment.pk}/reaction", user=outsider, body={"kind": "curious"}))
    ok(api.call("put", f"/comments/{comment.pk}/reaction", user=outsider, body={"kind": "curious"}))
    assert Reaction.objects.filter(comment=comment).count() == 1
    who = ok(api.call("get", f"/comments/{comment.pk}/reactions", user=member))
    assert who == [{"person": who[0]["person"], "kind": "curious"}]
    assert who[0]["person"]["id"] == outsider.pk
    ok(api.call("delete", f"/comments/{comment.pk}/reaction", user=outsider))
    post_reactors = ok(api.call("get", f"/posts/{post.pk}/reactions", user=member))
    assert [item["kind"] for item in post_reactors] == ["like"]


# ---------------------------------------------------------------- polls, ideas, events


def test_poll_results_show_after_voting(api, convo, member, outsider, animator):
    poll = convo["poll:open"]
    before = ok(api.call("get", f"/posts/{poll.pk}", user=outsider))["poll"]
    assert before["results_visible"] is False
    assert before["voter_count"] is None
    assert all(option["votes"] is None for option in before["options"])
    yes, no = (option["id"] for option in before["options"])
    error = assert_error(
        api.call("post", f"/posts/{poll.pk}/votes", user=outsider, body={"option_ids": [yes, no]}),
        400,
        "invalid",
    )
    assert "option_ids" in error["fields"]
    voted = ok(
        api.call("post", f"/posts/{poll.pk}/votes", user=outsider, body={"option_ids": [yes]})
    )
    again = ok(
        api.call("post", f"/posts/{poll.pk}/votes", user=outsider, body={"option_ids": [yes]})
    )
    assert voted["poll"] == again["poll"]
    assert again["poll"]["voter_count"] == 1
    assert [option["votes"] for option in again["poll"]["options"]] == [1, 0]
    assert again["poll"]["options"][0]["mine"] is True
    # Someone who has not voted still sees no count.
    assert ok(api.call("get", f"/posts/{poll.pk}", user=animator))["poll"]["voter_count"] is None
    assert_error(api.call("post", f"/posts/{poll.pk}/close", user=outsider), 403, "forbidden")
    closed = ok(api.call("post", f"/posts/{poll.pk}/close", user=member))
    assert closed["poll"]["closed"] is True
    assert ok(api.call("get", f"/posts/{poll.pk}", user=animator))["poll"]["voter_count"] == 1
    error = assert_error(
        api.call("post", f"/posts/{poll.pk}/votes", user=animator, body={"option_ids": [no]}),
        400,
        "invalid",
    )
    assert "option_ids" in error["fields"]
    not_a_poll = convo["post:open"]
    assert_error(
        api.call("post", f"/posts/{not_a_poll.pk}/votes", user=member, body={"option_ids": [yes]}),
        400,
        "invalid",
    )


def test_ideas(api, convo, member, outsider, animator):
    idea = convo["idea:open"]
    first = ok(api.call("put", f"/posts/{idea.pk}/idea-vote", user=outsider))
    second = ok(api.call("put", f"/posts/{idea.pk}/idea-vote", user=outsider))
    assert first["idea"]["vote_count"] == second["idea"]["vote_count"] == 1
    assert second["idea"]["voted"] is True
    assert (
        ok(api.call("delete", f"/posts/{idea.pk}/idea-vote", user=outsider))["idea"]["vote_count"]
        == 0
    )
    assert_error(
        api.call("put", f"/posts/{idea.pk}/idea-status", user=member, body={"status": "planned"}),
        403,
        "forbidden",
    )
    moved = ok(
        api.call(
            "put",
            f"/posts/{idea.pk}/idea-status",
            user=animator,
            body={"status": "planned", "response": "For **June**"},
        )
    )
    assert moved["idea"]["status"] == "planned"
    assert "<strong>June</strong>" in moved["idea"]["response_html"]
    error = assert_error(
        api.call("put", f"/posts/{idea.pk}/idea-status", user=animator, body={"status": "maybe"}),
        400,
        "invalid",
    )
    assert "status" in error["fields"]


def test_events(api, convo, member, outsider, animator):
    event = convo["event:open"]
    going = ok(api.call("put", f"/posts/{event.pk}/rsvp", user=outsider, body={"answer": "going"}))
    assert going["event"]["my_rsvp"] == "going" and going["event"]["going_count"] == 1
    ok(api.call("put", f"/posts/{event.pk}/rsvp", user=outsider, body={"answer": "going"}))
    error = assert_error(
        api.call("put", f"/posts/{event.pk}/rsvp", user=outsider, body={"answer": "perhaps"}),
        400,
        "invalid",
    )
    assert "answer" in error["fields"]
    calendar = api.call("get", f"/posts/{event.pk}/event.ics", user=member)
    assert calendar.status_code == 200
    assert calendar["Content-Type"].startswith("text/calendar")
    assert "attachment" in calendar["Content-Disposition"]
    assert b"BEGIN:VCALENDAR" in calendar.content
    as_json = api.client.get(
        f"/api/v1/posts/{event.pk}/event.ics",
        headers={"Authorization": f"Bearer {api.token(member)}", "Accept": "application/json"},
    )
    assert ok(as_json)["content"].startswith("BEGIN:VCALENDAR")
    moved = ok(
        api.call(
            "patch",
            f"/posts/{event.pk}",
            user=animator,
            body={"event": {"starts_at": SOON.isoformat(), "place": "Room 2"}},
        )
    )
    assert moved["event"]["place"] == "Room 2"
    assert_error(api.call("post", f"/posts/{event.pk}/cancel", user=member), 403, "forbidden")
    cancelled = ok(api.call("post", f"/posts/{event.pk}/cancel", user=animator))
    assert cancelled["event"]["cancelled_at"] is not None
    assert cancelled["permissions"]["can_rsvp"] is False
    assert_error(
        api.call("put", f"/posts/{event.pk}/rsvp", user=member, body={"answer": "maybe"}),
        400,
        "invalid",
    )
    assert_error(
        api.call("get", f"/posts/{convo['post:open'].pk}/event.ics", user=member), 404, "not_found"
    )


def test_announcements_pins_and_read_confirmations(api, convo, member, animator, outsider):
    announcement = convo["announcement:open"]
    community = announcement.community
    feed = ok(api.call("get", f"/communities/{community.pk}/posts", user=member))
    assert announcement.pk in [item["id"] for item in feed["pinned"]]
    assert announcement.pk not in [item["id"] for item in feed["items"]]
    read = ok(api.call("put", f"/posts/{announcement.pk}/read-confirmation", user=member))
    again = ok(api.call("put", f"/posts/{announcement.pk}/read-confirmation", user=member))
    assert read["announcement"] == again["announcement"]
    assert again["announcement"]["read_confirmed"] is True
    assert again["announcement"]["read_count"] == 1
    assert_error(
        api.call("put", f"/posts/{convo['post:open'].pk}/read-confirmation", user=member),
        400,
        "invalid",
    )
    assert_error(api.call("delete", f"/posts/{announcement.pk}/pin", user=member), 403, "forbidden")
    unpinned = ok(api.call("delete", f"/posts/{announcement.pk}/pin", user=animator))
    assert unpinned["pinned_at"] is None
    post = convo["post:open"]
    pinned = ok(api.call("put", f"/posts/{post.pk}/pin", user=animator))
    assert pinned["pinned_at"] is not None
    assert (
        ok(api.call("put", f"/posts/{post.pk}/pin", user=animator))["pinned_at"]
        == pinned["pinned_at"]
    )
    profile = convo["profile_post"]
    assert_error(api.call("put", f"/posts/{profile.pk}/pin", user=outsider), 400, "invalid")


# ---------------------------------------------------------------- attachments


def test_uploading_attaching_and_downloading(api, communities, member, outsider, media):
    upload = api.client.post(
        "/api/v1/attachments",
        {"file": png("site plan.png")},
        headers={"Authorization": f"Bearer {api.token(member)}"},
    )
    attachment = ok(upload, 201)
    assert attachment["is_image"] is True and attachment["content_type"] == "image/png"
    # Pending: its uploader's only.
    assert_error(
        api.call("get", f"/attachments/{attachment['id']}", user=outsider), 404, "not_found"
    )
    post = ok(
        api.call(
            "post",
            "/posts",
            user=member,
            body=post_body(communities["open"], attachment_ids=[attachment["id"]]),
        ),
        201,
    )
    assert [item["id"] for item in post["attachments"]] == [attachment["id"]]
    download = api.client.get(
        attachment["url"], headers={"Authorization": f"Bearer {api.token(outsider)}"}
    )
    assert download.status_code == 200
    assert download["Content-Type"] == "image/png"
    assert download["Content-Disposition"].startswith("attachment")
    assert b"".join(download.streaming_content).startswith(b"\x89PNG")
    thumbnail = api.client.get(
        attachment["thumbnail_url"], headers={"Authorization": f"Bearer {api.token(outsider)}"}
    )
    assert thumbnail.status_code == 200
    described = api.client.get(
        attachment["url"],
        headers={"Authorization": f"Bearer {api.token(outsider)}", "Accept": "application/json"},
    )
    assert ok(described)["name"] == attachment["name"]


def test_bad_uploads(api, member, guest, media):
    headers = {"Authorization": f"Bearer {api.token(member)}"}
    fake = SimpleUploadedFile("evil.png", b"MZ\x90\x00 not an image", content_type="image/png")
    error = assert_error(
        api.client.post("/api/v1/attachments", {"file": fake}, headers=headers), 400, "invalid"
    )
    assert "file" in error["fields"]
    empty = SimpleUploadedFile("empty.txt", b"", content_type="text/plain")
    assert_error(
        api.client.post("/api/v1/attachments", {"file": empty}, headers=headers), 400, "invalid"
    )
    error = assert_error(
        api.client.post("/api/v1/attachments", {}, headers=headers), 422, "invalid"
    )
    assert "file" in error["fields"]


# ---------------------------------------------------------------- moderation


def test_reports_and_the_queue(api, convo, member, animator, outsider, owner, admin):
    post = convo["post:open"]
    report = ok(
        api.call("post", f"/posts/{post.pk}/reports", user=outsider, body={"reason": "Rude"}), 201
    )
    again = ok(
        api.call("post", f"/posts/{post.pk}/reports", user=outsider, body={"reason": "Rude"}), 201
    )
    assert report["id"] == again["id"] and report["status"] == "open"
    assert_error(
        api.call("post", f"/posts/{post.pk}/reports", user=member, body={"reason": "Mine"}),
        400,
        "invalid",
    )
    error = assert_error(
        api.call("post", f"/posts/{post.pk}/reports", user=outsider, body={"reason": ""}),
        400,
        "invalid",
    )
    assert "reason" in error["fields"]
    comment = convo["comment:open"]
    ok(
        api.call("post", f"/comments/{comment.pk}/reports", user=outsider, body={"reason": "Spam"}),
        201,
    )
    assert_error(api.call("get", "/moderation/reports", user=member), 403, "forbidden")
    community = post.community
    assert_error(
        api.call("get", "/moderation/reports", user=member, community=community.pk),
        403,
        "forbidden",
    )
    secret = convo["post:secret"].community
    assert_error(
        api.call("get", "/moderation/reports", user=outsider, community=secret.pk),
        404,
        "not_found",
    )
    queue = ok(api.call("get", "/moderation/reports", user=animator, community=community.pk))
    items = {(entry["item"]["post_id"], entry["item"]["comment_id"]) for entry in queue}
    assert (post.pk, None) in items and (post.pk, comment.pk) in items
    everything = ok(api.call("get", "/moderation/reports", user=admin))
    assert len(everything) >= len(queue)
    dismissed = ok(
        api.call("post", f"/moderation/reports/{report['id']}/dismiss", user=animator, body={})
    )
    assert dismissed["status"] == "dismissed"
    assert_error(
        api.call("post", f"/moderation/reports/{report['id']}/dismiss", user=member, body={}),
        404,
        "not_found",
    )


def test_hiding_restoring_and_locking(api, convo, member, animator, outsider):
    post = convo["post:open"]
    error = assert_error(
        api.call("put", f"/posts/{post.pk}/hidden", user=animator, body={"reason": ""}),
        400,
        "invalid",
    )
    assert "reason" in error["fields"]
    assert_error(
        api.call("put", f"/posts/{post.pk}/hidden", user=outsider, body={"reason": "No"}),
        403,
        "forbidden",
    )
    hidden = ok(api.call("put", f"/posts/{post.pk}/hidden", user=animator, body={"reason": "Rude"}))
    assert hidden["hidden"] is True and hidden["reason"] == "Rude"
    assert_error(api.call("get", f"/posts/{post.pk}", user=outsider), 404, "not_found")
    mine = ok(api.call("get", f"/posts/{post.pk}", user=member))
    assert mine["hidden"]["reason"] == "Rude"
    assert mine["permissions"]["can_react"] is False
    listed = ok(api.call("get", "/moderation/hidden", user=animator))
    assert post.pk in [entry["item"]["post_id"] for entry in listed]
    restored = ok(api.call("delete", f"/posts/{post.pk}/hidden", user=animator))
    assert restored["hidden"] is False
    comment = convo["comment:open"]
    ok(api.call("put", f"/comments/{comment.pk}/hidden", user=animator, body={"reason": "Off"}))
    threads = ok(api.call("get", f"/posts/{post.pk}/comments", user=outsider))["items"]
    [thread] = threads  # kept as a placeholder: it has a reply
    assert thread["deleted"] is True and thread["body"] == "" and thread["hidden"] is None
    own = ok(api.call("get", f"/posts/{post.pk}/comments", user=animator))["items"][0]
    assert own["hidden"]["reason"] == "Off" and own["body"] == comment.body
    ok(api.call("delete", f"/comments/{comment.pk}/hidden", user=animator))
    locked = ok(api.call("put", f"/posts/{post.pk}/comments-lock", user=animator))
    assert locked == {"post_id": post.pk, "comments_locked": True}
    assert_error(
        api.call("post", f"/posts/{post.pk}/comments", user=outsider, body={"body": "Hi"}),
        403,
        "forbidden",
    )
    assert (
        ok(api.call("get", f"/posts/{post.pk}", user=outsider))["permissions"]["can_comment"]
        is False
    )
    unlocked = ok(api.call("delete", f"/posts/{post.pk}/comments-lock", user=animator))
    assert unlocked["comments_locked"] is False


# ---------------------------------------------------------------- feeds


def test_the_feeds(api, convo, member, outsider, animator, admin):
    home = ok(api.call("get", "/feed", user=member))
    ids = [item["id"] for item in home["items"]]
    assert convo["post:secret"].pk in ids
    assert convo["profile_post"].pk not in ids  # not followed
    assert convo["announcement:open"].pk in [item["id"] for item in home["pinned"]]
    profile = ok(api.call("get", f"/people/{outsider.pk}/posts", user=member))
    assert [item["id"] for item in profile["items"]] == [convo["profile_post"].pk]
    hashtag = ok(api.call("get", "/hashtags/rail/posts", user=outsider))
    assert [item["id"] for item in hashtag["items"]] == [convo["post:open"].pk]
    assert ok(api.call("get", "/hashtags/no-such-tag/posts", user=outsider))["items"] == []
    unanswered = ok(api.call("get", "/questions/unanswered", user=member))
    assert {item["id"] for item in unanswered["items"]} == {
        convo[f"question:{v}"].pk for v in ("open", "private", "secret")
    }
    open_community = convo["post:open"].community
    one = ok(api.call("get", "/questions/unanswered", user=outsider, community=open_community.pk))
    assert [item["id"] for item in one["items"]] == [convo["question:open"].pk]
    services.comment_create(actor=outsider, post_id=convo["question:open"].pk, body="Late")
    by_activity = ok(
        api.call("get", f"/communities/{open_community.pk}/posts", user=member, sort="activity")
    )
    assert by_activity["items"][0]["id"] == convo["question:open"].pk  # answered last
    newest = max([*ids, *(item["id"] for item in home["pinned"])])
    count = ok(api.call("get", "/feed/new-posts", user=member, after=newest))
    assert count == {"count": 0}
    services.post_create(actor=animator, community_id=open_community.pk, body="Fresh")
    assert ok(api.call("get", "/feed/new-posts", user=member, after=newest)) == {"count": 1}
    assert ok(
        api.call(
            "get",
            "/feed/new-posts",
            user=member,
            feed="community",
            community=open_community.pk,
            after=newest,
        )
    ) == {"count": 1}
    assert_error(api.call("get", "/feed", user=member, cursor="nonsense"), 400, "invalid")
    assert_error(api.call("get", "/feed", user=member, sort="random"), 422, "invalid")


def _feed_queries(api, viewer, community, limit) -> tuple[int, int]:
    path = f"/communities/{community.pk}/posts"
    api.call("get", path, user=viewer, limit=limit)  # the token is made and warm
    with CaptureQueriesContext(connection) as captured:
        page = ok(api.call("get", path, user=viewer, limit=limit))
    return len(captured), len(page["items"])


def test_a_feed_page_costs_the_same_whatever_its_length(api, communities, member, animator):
    community = communities["open"]
    for index in range(12):
        kind = ["discussion", "question", "idea", "poll", "event"][index % 5]
        extra: dict[str, Any] = {}
        if kind == "poll":
            extra["poll"] = services.PollSpec(options=["A", "B"])
        if kind == "event":
            extra["event"] = services.EventSpec(starts_at=SOON, time_zone="Europe/Paris")
        post = services.post_create(
            actor=member,
            community_id=community.pk,
            type=kind,
            title=f"T{index}",
            body=f"Post {index} #tag{index % 3} {mention(animator.pk, 'A')}",
            **extra,
        )
        services.comment_create(actor=animator, post_id=post.pk, body="c")
        services.reaction_set(actor=animator, post_id=post.pk, kind="like")
    small, five = _feed_queries(api, animator, community, 5)
    large, twelve = _feed_queries(api, animator, community, 12)
    assert (five, twelve) == (5, 12)
    assert small == large


# ---------------------------------------------------------------- mention suggestions


def test_mention_suggestions_say_who_will_not_be_told(api, communities, member, outsider, guest):
    private = communities["private"]
    error = assert_error(
        api.call("get", "/mentions/suggestions", user=member, q="", community=private.pk),
        422,
        "invalid",
    )
    assert "q" in error["fields"]
    people = ok(
        api.call(
            "get",
            "/mentions/suggestions",
            user=member,
            q=outsider.display_name[:3],
            community=private.pk,
        )
    )
    match = next(person for person in people if person["id"] == outsider.pk)
    assert match["notified"] is False
    assert match["mention"] == mention(outsider.pk, outsider.display_name)
    on_open = ok(
        api.call(
            "get",
            "/mentions/suggestions",
            user=member,
            q=outsider.display_name[:3],
            community=communities["open"].pk,
        )
    )
    assert next(person for person in on_open if person["id"] == outsider.pk)["notified"] is True
    # A partner guest is offered only the people they may see.
    seen = ok(api.call("get", "/mentions/suggestions", user=guest, q=outsider.display_name[:3]))
    assert outsider.pk not in [person["id"] for person in seen]
    assert_error(
        api.call(
            "get",
            "/mentions/suggestions",
            user=outsider,
            q="a",
            community=communities["secret"].pk,
        ),
        404,
        "not_found",
    )


def test_permission_flags_follow_the_policy(api, convo, personas):
    from rucher.content import policy

    checks = {
        "can_edit": policy.can_edit,
        "can_delete": policy.can_delete,
        "can_comment": policy.can_comment,
        "can_react": policy.can_react,
        "can_accept_answer": policy.can_accept_answer,
        "can_pin": policy.can_pin,
        "can_set_idea_status": policy.can_set_idea_status,
    }
    for key in ("question:open", "idea:private", "post:secret", "announcement:open"):
        post = convo[key]
        for name in ("member", "animator", "owner", "admin", "outsider", "guest"):
            person = personas[name]
            if not Post.objects.visible_to(person).filter(pk=post.pk).exists():
                continue
            flags = ok(api.call("get", f"/posts/{post.pk}", user=person))["permissions"]
            for flag, rule in checks.items():
                assert flags[flag] == rule(person, post), (key, name, flag)
            assert flags["can_moderate"] == policy.can_moderate(person, post.community)

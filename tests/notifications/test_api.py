"""Notifications in the JSON API: the same lines as the page, the bell count, marking read."""

from __future__ import annotations

from django.test import Client

from rucher.communities.services import membership_leave
from rucher.content import services
from rucher.notifications.services import notifications_mark_read


def _client(person) -> Client:
    client = Client()
    client.force_login(person)
    return client


def test_grouped_reactions_count_once_and_mark_read(communities, member, animator, owner, guest):
    notifications_mark_read(actor=member)  # the invitations of the cast
    post = services.post_create(actor=member, community_id=communities["open"].pk, body="p")
    for person in (animator, owner, guest):
        services.reaction_set(actor=person, post_id=post.pk, kind="like")
    services.comment_create(actor=animator, post_id=post.pk, body="c")
    client = _client(member)

    listed = client.get("/api/v1/notifications").json()
    verbs = [item["verb"] for item in listed["items"] if item["unread"]]
    assert verbs == ["comment.created", "reaction.added"]
    [reactions] = [item for item in listed["items"] if item["verb"] == "reaction.added"]
    assert reactions["grouped"] == 3 and "2 others" in reactions["text"]
    assert reactions["url"] == f"/posts/{post.pk}/"
    assert client.get("/api/v1/notifications/unread-count").json() == {"unread": 2}

    marked = client.post(
        "/api/v1/notifications/read", {"ids": [reactions["id"]]}, content_type="application/json"
    )
    assert marked.json() == {"marked": 3}  # the whole group
    assert client.get("/api/v1/notifications/unread-count").json() == {"unread": 1}
    client.post("/api/v1/notifications/read", {"ids": None}, content_type="application/json")
    assert client.get("/api/v1/notifications/unread-count").json() == {"unread": 0}


def test_lines_about_a_place_one_left_are_not_listed(communities, member, animator):
    notifications_mark_read(actor=member)
    post = services.post_create(actor=member, community_id=communities["private"].pk, body="p")
    services.comment_create(actor=animator, post_id=post.pk, body="c")
    client = _client(member)

    def about_posts() -> list[str]:
        items = client.get("/api/v1/notifications").json()["items"]
        return [item["verb"] for item in items if item["url"].startswith("/posts/")]

    assert about_posts() == ["comment.created"]
    membership_leave(actor=member, community_id=communities["private"].pk)
    assert about_posts() == []


def test_bad_input_is_a_structured_error(member):
    client = _client(member)
    response = client.post(
        "/api/v1/notifications/read", {"ids": ["x"]}, content_type="application/json"
    )
    assert response.status_code == 422
    assert set(response.json()["error"]) == {"code", "message", "fields"}
    assert client.get("/api/v1/notifications?cursor=garbage").status_code == 400

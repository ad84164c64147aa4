"""Feeds: what they hold, their order, their pages and what a page costs."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from rucher.accounts.services import person_follow
from rucher.content import selectors, services
from rucher.core.markdown import mention


def _fill(community, people, count):
    posts = []
    for index in range(count):
        author = people[index % len(people)]
        post = services.post_create(
            actor=author,
            community_id=community.pk,
            body=f"Post {index} #tag{index % 3}a {mention(people[0].pk, 'x')}",
        )
        services.comment_create(actor=people[(index + 1) % len(people)], post_id=post.pk, body="c")
        services.reaction_set(actor=people[(index + 1) % len(people)], post_id=post.pk, kind="like")
        services.reaction_set(
            actor=people[(index + 2) % len(people)], post_id=post.pk, kind="thanks"
        )
        posts.append(post)
    return posts


def _page_queries(viewer, community, limit):
    with CaptureQueriesContext(connection) as captured:
        page = selectors.community_feed(viewer=viewer, community=community, limit=limit)
        for entry in page.items:
            _ = (
                entry.post.author.profile.job_title,
                entry.post.community and entry.post.community.name,
            )
            _ = [tag.slug for tag in entry.post.hashtags.all()]
            _ = entry.comment_count, entry.reaction_counts, entry.my_reaction
    return len(captured), page


def test_a_feed_page_costs_the_same_whatever_its_length(communities, member, animator, owner):
    community = communities["open"]
    _fill(community, [member, animator, owner], 50)
    small, page5 = _page_queries(member, community, 5)
    large, page50 = _page_queries(member, community, 50)
    assert len(page5.items) == 5 and len(page50.items) == 50
    assert small == large <= 5


def test_feed_entries_carry_counts_and_my_reaction(communities, member, animator, owner):
    [post] = _fill(communities["private"], [member, animator, owner], 1)
    page = selectors.community_feed(viewer=animator, community=communities["private"])
    [entry] = page.items
    assert entry.post == post
    assert entry.comment_count == 1
    assert entry.reaction_counts == {"like": 1, "thanks": 1}
    assert entry.my_reaction == "like"
    assert entry.reaction_total == 2


def test_feed_pages_and_sorts(communities, member, animator, owner):
    community = communities["open"]
    posts = _fill(community, [member, animator, owner], 5)
    first = selectors.community_feed(viewer=member, community=community, limit=3)
    second = selectors.community_feed(
        viewer=member, community=community, limit=3, cursor=first.next
    )
    assert [e.post.pk for e in first.items + second.items] == [p.pk for p in reversed(posts)]
    assert second.next is None
    services.comment_create(actor=owner, post_id=posts[0].pk, body="bump")
    active = selectors.community_feed(viewer=member, community=community, sort="activity")
    assert active.items[0].post.pk == posts[0].pk


def test_community_feed_is_empty_for_those_who_cannot_read(communities, member, outsider):
    services.post_create(actor=member, community_id=communities["private"].pk, body="secret-ish")
    page = selectors.community_feed(viewer=outsider, community=communities["private"])
    assert page.items == []


def test_home_feed(communities, member, outsider, owner, guest):
    in_private = services.post_create(
        actor=owner, community_id=communities["private"].pk, body="team"
    )
    in_open = services.post_create(actor=owner, community_id=communities["open"].pk, body="o")
    on_profile = services.post_create(actor=member, community_id=None, body="me")
    not_followed = services.post_create(actor=owner, community_id=None, body="owner")
    person_follow(actor=outsider, person_id=member.pk)

    home = [e.post.pk for e in selectors.home_feed(viewer=member).items]
    assert home == [on_profile.pk, in_open.pk, in_private.pk]
    outsider_home = [e.post.pk for e in selectors.home_feed(viewer=outsider).items]
    assert outsider_home == [on_profile.pk]  # not a member anywhere, follows member
    guest_home = [e.post.pk for e in selectors.home_feed(viewer=guest).items]
    assert on_profile.pk not in guest_home and not_followed.pk not in guest_home
    assert set(guest_home) == {in_open.pk, in_private.pk}


@pytest.mark.parametrize("limit", [5, 50])
def test_home_feed_query_count(communities, member, animator, owner, limit):
    _fill(communities["open"], [member, animator, owner], 50)
    with CaptureQueriesContext(connection) as captured:
        page = selectors.home_feed(viewer=member, limit=limit)
        for entry in page.items:
            _ = entry.post.author.profile.job_title, list(entry.post.hashtags.all())
    assert len(page.items) == limit
    assert len(captured) <= 5

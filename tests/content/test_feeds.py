"""Feeds: what they hold, their order, their pages and what a page costs."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from rucher.accounts.services import person_follow
from rucher.content import selectors, services
from rucher.core.markdown import mention

pytestmark = pytest.mark.usefixtures("shared_cast")


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
    assert small == large <= 10


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
    assert len(captured) <= 10


# ---------------------------------------------------------------- post types in feeds


def _mixed(community, people, count):
    """Posts of every type, cycling, each with its type's details filled in."""
    from datetime import timedelta

    from django.utils import timezone

    from rucher.content.models import PollOption
    from rucher.content.services import EventSpec, PollSpec

    kinds = ["poll", "idea", "event", "question", "discussion", "announcement"]
    posts = []
    for index in range(count):
        kind = kinds[index % len(kinds)]
        author = people[index % len(people)]
        reader = people[(index + 1) % len(people)]
        extra: dict = {}
        if kind == "poll":
            extra["poll"] = PollSpec(options=["a", "b", "c"], multiple=index % 2 == 0)
        if kind == "event":
            start = timezone.now() + timedelta(days=2)
            extra["event"] = EventSpec(starts_at=start, time_zone="Europe/Paris", place="Hall")
        if kind == "announcement":
            author = people[-1]  # the owner
            extra["asks_read_confirmation"] = True
        post = services.post_create(
            actor=author,
            community_id=community.pk,
            title=f"T{index}",
            body=f"Post {index} #mix",
            type=kind,
            **extra,
        )
        if kind == "poll":
            option = PollOption.objects.filter(poll__post=post).first()
            services.poll_vote(actor=reader, post_id=post.pk, option_ids=[option.pk])
        elif kind == "idea":
            services.idea_vote(actor=reader, post_id=post.pk)
        elif kind == "event":
            services.event_rsvp(actor=reader, post_id=post.pk, answer="going")
        elif kind == "announcement":
            services.announcement_confirm_read(actor=reader, post_id=post.pk)
            services.post_unpin(actor=author, post_id=post.pk)  # in the list, not pinned
        services.reaction_set(actor=reader, post_id=post.pk, kind="like")
        services.comment_create(actor=reader, post_id=post.pk, body="c")
        posts.append(post)
    return posts


def _touch(page):
    for entry in [*page.pinned, *page.items]:
        _ = entry.post.author.profile.job_title, entry.post.community and entry.post.community.name
        _ = [tag.slug for tag in entry.post.hashtags.all()]
        _ = entry.comment_count, entry.reaction_counts, entry.my_reaction, entry.attachments
        if entry.poll:
            _ = [(c.label, c.votes, c.mine) for c in entry.poll.choices], entry.poll.voters
        if entry.idea:
            _ = entry.idea.status_label, entry.idea.vote_count, entry.idea.voted
        if entry.event:
            _ = entry.event.starts_at, entry.event.counts, entry.event.my_answer
        if entry.read:
            _ = entry.read.count, entry.read.confirmed


def _count(call):
    with CaptureQueriesContext(connection) as captured:
        page = call()
        _touch(page)
    return len(captured), page


@pytest.mark.parametrize("feed", ["community", "home"])
def test_mixed_types_cost_the_same_whatever_the_length(communities, member, animator, owner, feed):
    community = communities["open"]
    _mixed(community, [member, animator, owner], 59)
    # Pinned, on the first page of either length: both pages hold a post asking for a read
    # confirmation (the page of 5 has no other announcement), the same mix of details.
    services.post_pin(
        actor=owner,
        post_id=services.post_create(
            actor=owner,
            community_id=community.pk,
            body="Pinned",
            type="announcement",
            asks_read_confirmation=True,
        ).pk,
    )

    def page(limit):
        if feed == "community":
            return lambda: selectors.community_feed(viewer=member, community=community, limit=limit)
        return lambda: selectors.home_feed(viewer=member, limit=limit)

    small, page5 = _count(page(5))
    large, page50 = _count(page(50))
    assert len(page5.items) == 5 and len(page50.items) == 50
    assert {e.post.type for e in page5.items} >= {"poll", "idea", "event", "question"}
    # Pinned posts: their ids, then the posts; the home feed's first query reads the
    # viewer's communities and follows.
    assert small == large <= (9 if feed == "community" else 10)


@pytest.mark.parametrize("feed", ["community", "home"])
def test_a_page_of_discussions_skips_the_type_details(communities, member, animator, owner, feed):
    """Details are asked only for the types on the page: a page of discussions costs fewer
    queries than a page of every type, and the same for 5 or 50 of them."""
    mixed_place, plain_place = communities["private"], communities["open"]
    _mixed(mixed_place, [member, animator, owner], 12)
    _fill(plain_place, [member, animator, owner], 50)

    def page(community, limit):
        if feed == "community":
            return lambda: selectors.community_feed(viewer=member, community=community, limit=limit)
        return lambda: selectors.home_feed(viewer=member, limit=limit)

    plain5, page5 = _count(page(plain_place, 5))
    plain50, page50 = _count(page(plain_place, 50))
    assert {e.post.type for e in [*page5.items, *page50.items]} == {"discussion"}
    assert plain5 == plain50
    if feed == "community":
        mixed, page = _count(page(mixed_place, 12))
        assert {e.post.type for e in page.items} >= {"poll", "idea", "event", "announcement"}
        assert plain5 < mixed
        # The page, the pinned posts, the hashtags, the reactions (an open community: no
        # membership query to know whether the viewer reads it).
        assert plain5 == 4
    else:
        assert plain5 == 5  # and the viewer's communities and follows


@pytest.mark.parametrize("parts", [selectors.MERGED_PARTS, 1])
def test_home_feed_pages_through_every_post_in_order(
    communities, member, animator, owner, monkeypatch, parts
):
    """The home page query takes the first posts of each place and sorts those: walking its
    pages gives every post of the feed once, in the order of the whole (also when the
    communities share parts, past ``MERGED_PARTS``)."""
    monkeypatch.setattr(selectors, "MERGED_PARTS", parts)
    from datetime import timedelta

    from django.utils import timezone

    from rucher.content.models import Post
    from rucher.core import clock

    places = [communities["open"], communities["private"], None]
    start = timezone.now() - timedelta(days=1)
    for index in range(40):
        place = places[index % 7 % 3]
        # Some posts share their time, in different places: the id breaks the tie.
        with clock.frozen(start + timedelta(minutes=index // 3)):
            services.post_create(
                actor=member if place is None else animator,
                community_id=place and place.pk,
                body=f"Post {index}",
            )
    services.post_create(actor=owner, community_id=None, body="not followed")
    hidden = services.post_create(actor=animator, community_id=communities["open"].pk, body="h")
    Post.objects.filter(pk=hidden.pk).update(hidden_at=timezone.now())
    person_follow(actor=member, person_id=animator.pk)  # animator posts in communities only
    services.comment_create(actor=owner, post_id=Post.objects.order_by("pk")[5].pk, body="up")
    everything = selectors._home_posts(member, selectors._scope(member))
    for sort, key in (("newest", "-created_at"), ("activity", "-last_activity_at")):
        expected = list(everything.order_by(key, "id").values_list("pk", flat=True))
        assert len(expected) == 40
        seen, cursor = [], None
        while True:
            page = selectors.home_feed(viewer=member, limit=3, cursor=cursor, sort=sort)
            seen += [entry.post.pk for entry in page.items]
            cursor = page.next
            if cursor is None:
                break
        assert seen == expected


def test_feed_entries_carry_type_details(communities, member, animator, owner):
    community = communities["private"]
    poll, idea, event, *_rest, announcement = _mixed(community, [member, animator, owner], 6)
    # _mixed: the poll's voter is animator, the idea's owner, the event's and the
    # announcement's member.

    def entries(viewer):
        page = selectors.community_feed(viewer=viewer, community=community)
        return {e.post.pk: e for e in page.items}

    seen = entries(animator)
    assert seen[poll.pk].poll.results_visible and seen[poll.pk].poll.voters == 1
    assert seen[poll.pk].poll.choices[0].votes == 1 and seen[poll.pk].poll.has_voted
    assert not seen[idea.pk].idea.voted and seen[idea.pk].idea.vote_count == 1
    assert seen[event.pk].event.my_answer is None
    assert seen[event.pk].event.counts == {"going": 1, "maybe": 0, "not_going": 0}
    assert seen[announcement.pk].read.count == 1
    assert not seen[announcement.pk].read.confirmed
    assert entries(owner)[idea.pk].idea.voted
    by_member = entries(member)
    assert by_member[event.pk].event.my_answer == "going"
    assert by_member[announcement.pk].read.confirmed
    assert not by_member[poll.pk].poll.results_visible  # did not vote: no results
    assert by_member[poll.pk].poll.choices[0].votes is None
    assert by_member[poll.pk].poll.voters is None


def test_pinned_posts_come_first_on_the_first_page_only(communities, member, animator):
    community = communities["open"]
    posts = _fill(community, [member, animator], 5)
    services.post_pin(actor=animator, post_id=posts[1].pk)
    news = services.post_create(
        actor=animator, community_id=community.pk, body="News", type="announcement"
    )
    first = selectors.community_feed(viewer=member, community=community, limit=2)
    assert [e.post.pk for e in first.pinned] == [news.pk, posts[1].pk]
    assert all(e.is_pinned for e in first.pinned)
    second = selectors.community_feed(
        viewer=member, community=community, limit=2, cursor=first.next
    )
    assert second.pinned == [] and second.next is None
    listed = [e.post.pk for e in first.items + second.items]
    assert listed == [posts[4].pk, posts[3].pk, posts[2].pk, posts[0].pk]
    services.post_unpin(actor=animator, post_id=posts[1].pk)
    again = selectors.community_feed(viewer=member, community=community, limit=10)
    assert [e.post.pk for e in again.pinned] == [news.pk]
    assert posts[1].pk in [e.post.pk for e in again.items]


def test_home_feed_pins_announcements_of_my_communities(communities, member, owner, outsider):
    news = services.post_create(
        actor=owner, community_id=communities["private"].pk, body="News", type="announcement"
    )
    elsewhere = services.post_create(
        actor=owner, community_id=communities["elsewhere"].pk, body="Not mine", type="announcement"
    )
    talk = services.post_create(actor=owner, community_id=communities["private"].pk, body="t")
    home = selectors.home_feed(viewer=member)
    assert [e.post.pk for e in home.pinned] == [news.pk]
    assert [e.post.pk for e in home.items] == [talk.pk]
    assert elsewhere.pk not in [e.post.pk for e in home.items]
    assert selectors.home_feed(viewer=outsider).pinned == []


def test_community_posts_follow_the_one_policy(communities, personas, other_guest, former_member):
    """``policy.community_posts_visible_to`` (the community feed's filter, readability decided
    once) holds exactly what ``Post.objects.visible_to`` holds in that community, for everyone:
    deleted posts out, hidden ones for their author only."""
    from django.utils import timezone

    from rucher.content import policy
    from rucher.content.models import Post

    owner, member = personas["owner"], personas["member"]
    for community in communities.values():
        for body in ("a", "b", "hidden", "deleted"):
            post = services.post_create(actor=owner, community_id=community.pk, body=body)
            if body == "hidden":
                Post.objects.filter(pk=post.pk).update(hidden_at=timezone.now())
            if body == "deleted":
                services.post_delete(actor=owner, post_id=post.pk)
    services.post_create(actor=member, community_id=None, body="profile")
    people = [*personas.values(), other_guest, former_member]
    for viewer in people:
        for community in communities.values():
            expected = set(
                Post.objects.visible_to(viewer)
                .filter(community=community)
                .values_list("pk", flat=True)
            )
            found = set(
                policy.community_posts_visible_to(
                    viewer, community, Post.objects.all()
                ).values_list("pk", flat=True)
            )
            assert found == expected, (viewer.email, community.slug)


def test_profile_feed(communities, member, outsider, guest):
    on_profile = services.post_create(actor=member, community_id=None, body="me")
    in_private = services.post_create(
        actor=member, community_id=communities["private"].pk, body="p"
    )
    in_open = services.post_create(actor=member, community_id=communities["open"].pk, body="o")
    seen = [e.post.pk for e in selectors.profile_feed(viewer=outsider, person=member).items]
    assert seen == [in_open.pk, on_profile.pk]
    seen = [e.post.pk for e in selectors.profile_feed(viewer=guest, person=member).items]
    assert seen == [in_open.pk, in_private.pk]


def test_hashtag_feed(communities, member, outsider):
    tagged = services.post_create(actor=member, community_id=communities["open"].pk, body="#Rail")
    secret = services.post_create(
        actor=member, community_id=communities["secret"].pk, body="#rail too"
    )
    services.post_create(actor=member, community_id=communities["open"].pk, body="#road")
    assert [e.post.pk for e in selectors.hashtag_feed(viewer=outsider, tag_slug="rail").items] == [
        tagged.pk
    ]
    assert [e.post.pk for e in selectors.hashtag_feed(viewer=member, tag_slug="rail").items] == [
        secret.pk,
        tagged.pk,
    ]


def test_unanswered_questions(communities, member, animator, outsider):
    def ask(community, title):
        return services.post_create(
            actor=member, community_id=community.pk, body="?", title=title, type="question"
        )

    open_q = ask(communities["open"], "Open?")
    private_q = ask(communities["private"], "Private?")
    answered = ask(communities["open"], "Answered?")
    answer = services.comment_create(actor=animator, post_id=answered.pk, body="Yes")
    services.question_accept_answer(actor=member, post_id=answered.pk, comment_id=answer.pk)
    services.post_create(actor=member, community_id=communities["open"].pk, body="not a question")
    mine = [e.post.pk for e in selectors.unanswered_questions(viewer=animator).items]
    assert mine == [private_q.pk, open_q.pk]
    in_open = selectors.unanswered_questions(viewer=outsider, community=communities["open"])
    assert [e.post.pk for e in in_open.items] == [open_q.pk]
    assert selectors.unanswered_questions(viewer=outsider).items == []  # no community of theirs
    in_private = selectors.unanswered_questions(viewer=outsider, community=communities["private"])
    assert in_private.items == []


def test_new_posts_count(communities, member, animator, owner, outsider):
    community = communities["open"]
    [first] = _fill(community, [owner], 1)
    newest = first.pk
    assert selectors.new_posts_count(viewer=member, feed="home", after_id=newest) == 0
    services.post_create(actor=animator, community_id=community.pk, body="one #x")
    services.post_create(actor=owner, community_id=community.pk, body="two")
    services.post_create(actor=member, community_id=community.pk, body="mine")
    services.post_create(actor=owner, community_id=communities["secret"].pk, body="secret #x")
    assert selectors.new_posts_count(viewer=member, feed="home", after_id=newest) == 3
    assert (
        selectors.new_posts_count(
            viewer=outsider, feed="community", community=community, after_id=newest
        )
        == 3
    )
    assert selectors.new_posts_count(viewer=outsider, feed="hashtag", tag_slug="x", after_id=0) == 1
    assert (
        selectors.new_posts_count(viewer=outsider, feed="profile", person=owner, after_id=newest)
        == 1
    )
    assert selectors.new_posts_count(viewer=member, feed="community", after_id=0) == 0


# ---------------------------------------------------------------- a post's page


def _thread(post, people, count):
    comments = []
    for index in range(count):
        person = people[index % len(people)]
        parent = comments[index - 1] if index % 3 == 2 and comments else None
        comment = services.comment_create(
            actor=person,
            post_id=post.pk,
            body=f"c{index}",
            parent_id=parent.pk if parent else None,
        )
        services.reaction_set(
            actor=people[(index + 1) % len(people)],
            post_id=post.pk,
            comment_id=comment.pk,
            kind="thanks",
        )
        comments.append(comment)
    return comments


def _detail_queries(viewer, post):
    with CaptureQueriesContext(connection) as captured:
        view = selectors.post_detail(viewer=viewer, post_id=post.pk)
        for top in view.comments:
            for item in [top, *top.replies]:
                _ = item.comment.author.profile.job_title, item.reaction_counts, item.my_reaction
                _ = item.attachments, item.state
        _ = view.entry.poll, view.entry.reaction_counts, [t.slug for t in view.post.hashtags.all()]
    return len(captured), view


@pytest.mark.parametrize("kind", ["discussion", "poll", "event", "idea", "announcement"])
def test_post_detail_costs_the_same_whatever_the_comments(
    communities, member, animator, owner, kind
):
    people = [member, animator, owner]
    by_kind: dict[str, list] = {}
    for post in _mixed(communities["open"], people, 12):
        by_kind.setdefault(post.type, []).append(post)
    few, many = by_kind[kind][:2]
    _thread(few, people, 2)
    _thread(many, people, 30)
    small, small_view = _detail_queries(member, few)
    large, large_view = _detail_queries(member, many)
    assert small == large <= 13
    assert large_view.comment_count == 31  # the one made by _mixed, and 30
    assert small_view.post == few


def test_post_detail_comment_states(communities, member, animator, owner, outsider):
    from django.utils import timezone

    from rucher.content.models import Comment

    post = services.post_create(actor=member, community_id=communities["open"].pk, body="p")
    kept = services.comment_create(actor=outsider, post_id=post.pk, body="kept")
    gone = services.comment_create(actor=outsider, post_id=post.pk, body="gone")
    services.comment_create(actor=member, post_id=post.pk, body="reply", parent_id=gone.pk)
    alone = services.comment_create(actor=outsider, post_id=post.pk, body="alone")
    hidden = services.comment_create(actor=outsider, post_id=post.pk, body="hidden")
    services.comment_delete(actor=outsider, comment_id=gone.pk)
    services.comment_delete(actor=outsider, comment_id=alone.pk)
    Comment.objects.filter(pk=hidden.pk).update(hidden_at=timezone.now(), hidden_by=animator)
    services.reaction_set(actor=member, post_id=post.pk, comment_id=kept.pk, kind="like")

    def states(viewer):
        view = selectors.post_detail(viewer=viewer, post_id=post.pk)
        return [(c.comment.pk, c.state, len(c.replies)) for c in view.comments], view

    seen, view = states(member)
    assert seen == [(kept.pk, "visible", 0), (gone.pk, "removed", 1)]
    assert view.comments[0].my_reaction == "like"
    assert view.comments[0].reaction_counts == {"like": 1}
    assert states(outsider)[0][-1] == (hidden.pk, "hidden", 0)  # its author
    assert states(animator)[0][-1] == (hidden.pk, "hidden", 0)  # a moderator
    assert states(animator)[1].moderates and not view.moderates


def test_post_detail_follows_the_policy(communities, member, outsider):
    from rucher.core.errors import NotFound

    post = services.post_create(actor=member, community_id=communities["secret"].pk, body="s")
    with pytest.raises(NotFound):
        selectors.post_detail(viewer=outsider, post_id=post.pk)
    with pytest.raises(NotFound):
        selectors.post_detail(viewer=member, post_id=10**9)


def test_reactors(communities, member, animator, owner, outsider):
    from rucher.core.errors import NotFound

    post = services.post_create(actor=member, community_id=communities["private"].pk, body="p")
    comment = services.comment_create(actor=member, post_id=post.pk, body="c")
    services.reaction_set(actor=animator, post_id=post.pk, kind="like")
    services.reaction_set(actor=owner, post_id=post.pk, kind="like")
    services.reaction_set(actor=member, post_id=post.pk, kind="thanks")
    services.reaction_set(actor=owner, post_id=post.pk, comment_id=comment.pk, kind="curious")
    who = selectors.reactors(viewer=member, post_id=post.pk)
    assert {kind: [p.pk for p in people] for kind, people in who.items()} == {
        "like": [animator.pk, owner.pk],
        "thanks": [member.pk],
    }
    on_comment = selectors.reactors(viewer=member, post_id=post.pk, comment_id=comment.pk)
    assert [p.pk for p in on_comment["curious"]] == [owner.pk]
    with pytest.raises(NotFound):
        selectors.reactors(viewer=outsider, post_id=post.pk)
    with pytest.raises(NotFound):
        selectors.reactors(viewer=outsider, post_id=post.pk, comment_id=comment.pk)

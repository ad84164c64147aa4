"""The analytics rollups: hand-built histories through the services → exact rows; rebuild
equals incremental; a crash replays without counting twice; counts only grow; the demo."""

from __future__ import annotations

import datetime
import io
import random
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from django.core.management import call_command
from django.db.models import Sum
from django.test import override_settings
from django.utils import timezone

from rucher.accounts.models import Role, User
from rucher.accounts.services import (
    profile_update,
    user_create,
    user_deactivate,
    user_reactivate,
    user_set_role,
)
from rucher.analytics import rollups
from rucher.analytics.models import (
    CommunityDay,
    FirstInteraction,
    Interaction,
    MembershipSpan,
    PersonDay,
    PersonRoleSpan,
    PersonUnit,
    Thread,
    ThreadResponse,
)
from rucher.communities.models import Community
from rucher.communities.services import (
    community_create,
    membership_join,
    membership_leave,
    membership_remove,
    membership_set_role,
    organisation_settings_update,
    ownership_transfer,
)
from rucher.content.services import (
    comment_create,
    comment_delete,
    idea_vote,
    post_create,
    post_delete,
    question_accept_answer,
    reaction_remove,
    reaction_set,
)
from rucher.core import clock, markdown
from rucher.core.models import ConsumerPosition, Event

pytestmark = pytest.mark.django_db

# Monday 10 March 2025, 10:00 in Paris (UTC+1 until the end of March).
START = datetime.datetime(2025, 3, 10, 9, 0, tzinfo=datetime.UTC)
D0 = datetime.date(2025, 3, 10)
D1, D2, D3 = (D0 + datetime.timedelta(days=n) for n in (1, 2, 3))


def at(day: int, hour: int = 10, minute: int = 0) -> datetime.datetime:
    """A moment ``day`` days after D0 at ``hour``:``minute`` Paris time."""
    return START + datetime.timedelta(days=day, hours=hour - 10, minutes=minute)


@contextmanager
def on(day: int, hour: int = 10, minute: int = 0) -> Iterator[None]:
    with clock.frozen(at(day, hour, minute)):
        yield


def snapshot() -> dict[str, list[tuple[Any, ...]]]:
    """Every rollup table's contents, without the ids."""
    tables = {}
    for model in rollups.ROLLUP_MODELS:
        names = [f.attname for f in model._meta.concrete_fields if f.attname != "id"]
        tables[model.__name__] = sorted(model._default_manager.values_list(*names), key=repr)
    return tables


def person_days(community: int | None, *, day_from: datetime.date = D0) -> set[tuple[Any, ...]]:
    return set(
        PersonDay.objects.filter(community_id=community, day__gte=day_from).values_list(
            "day",
            "person_id",
            "reached",
            "contributions",
            "posts",
            "comments",
            "reactions",
            "votes",
            "answers_accepted",
            "mentions",
        )
    )


@pytest.fixture
def direct_creation(admin):
    organisation_settings_update(actor=admin, community_creation="direct", guests_allowed=True)


@pytest.fixture
def garden(direct_creation, owner, member, animator) -> Community:
    """Day 0: owner opens an open community; member joins; animator joins and is promoted."""
    with on(0, 9):
        # community_create dates the community by ``occurred_at``, not by the frozen clock
        community = community_create(
            actor=owner, name="Garden", kind="profession", visibility="open", occurred_at=at(0, 9)
        )
    with on(0, 10):
        membership_join(actor=member, community_id=community.pk)
    with on(0, 11):
        membership_join(actor=animator, community_id=community.pk)
    with on(0, 12):
        membership_set_role(
            actor=owner, community_id=community.pk, user_id=animator.pk, role="animator"
        )
    return community


# ---------------------------------------------------------------- a small history, exactly


def test_a_small_history_gives_exact_rows(garden, owner, member, animator):
    g = garden.pk
    with on(1, 9):
        question = post_create(
            actor=member,
            community_id=g,
            title="Which torque?",
            body="Which torque for the rail bolts?",
            type="question",
        )
    with on(1, 10):
        answer = comment_create(actor=animator, post_id=question.pk, body="120 N·m.")
    with on(1, 11):
        comment_create(actor=member, post_id=question.pk, body="Thanks!", parent_id=answer.pk)
    with on(1, 12):
        reaction_set(actor=owner, post_id=question.pk, kind="like")
    with on(1, 13):
        welcome = post_create(
            actor=animator,
            community_id=g,
            body=f"Welcome {markdown.mention(owner.pk, owner.display_name)}!",
        )
    with on(2, 9):
        question_accept_answer(actor=member, post_id=question.pk, comment_id=answer.pk)
    with on(2, 15):
        membership_leave(actor=member, community_id=g)
    rollups.consume()

    #        day, person, reached, contrib, posts, comments, reactions, votes, accepted, mentions
    assert person_days(g) == {
        (D0, owner.pk, True, 0, 0, 0, 0, 0, 0, 0),
        (D0, member.pk, True, 0, 0, 0, 0, 0, 0, 0),
        (D0, animator.pk, True, 0, 0, 0, 0, 0, 0, 0),
        (D1, member.pk, True, 2, 1, 1, 0, 0, 0, 0),
        (D1, animator.pk, True, 2, 1, 1, 0, 0, 0, 1),
        (D1, owner.pk, True, 1, 0, 0, 1, 0, 0, 0),
        (D2, member.pk, True, 0, 0, 0, 0, 0, 0, 0),
        # the accepted answer goes to its author, who did nothing that day
        (D2, animator.pk, False, 0, 0, 0, 0, 0, 1, 0),
    }
    assert set(
        CommunityDay.objects.filter(community_id=g).values_list(
            "day", "posts", "comments", "reactions", "contributors", "arrivals", "departures"
        )
    ) == {(D0, 0, 0, 0, 0, 3, 0), (D1, 2, 2, 1, 3, 0, 0), (D2, 0, 0, 0, 0, 0, 1)}
    assert set(
        Interaction.objects.filter(community_id=g).values_list(
            "day", "source_id", "target_id", "kind", "count"
        )
    ) == {
        (D1, animator.pk, member.pk, "reply", 1),
        (D1, member.pk, animator.pk, "reply", 1),
        (D1, owner.pk, member.pk, "reaction", 1),
        (D1, animator.pk, owner.pk, "mention", 1),
    }
    pairs = {tuple(sorted(p)) for p in [(animator.pk, member.pk), (member.pk, owner.pk)]}
    pairs.add(tuple(sorted((animator.pk, owner.pk))))
    assert set(
        FirstInteraction.objects.values_list("person_low_id", "person_high_id", "first_day")
    ) == {(*pair, D1) for pair in pairs}
    assert set(
        MembershipSpan.objects.filter(community_id=g).values_list(
            "person_id", "role", "start", "end"
        )
    ) == {
        (owner.pk, "owner", D0, None),
        (member.pk, "member", D0, D2),
        # joined as a member and promoted the same day: the member span lasted no whole day
        (animator.pk, "animator", D0, None),
    }
    threads = {t.post_id: t for t in Thread.objects.filter(community_id=g)}
    assert set(threads) == {question.pk, welcome.pk}
    q = threads[question.pk]
    assert (q.author_id, q.type, q.created_at, q.deleted) == (
        member.pk,
        "question",
        at(1, 9),
        False,
    )
    assert (q.first_response_at, q.first_responder_id) == (at(1, 10), animator.pk)
    assert (q.accepted_at, q.accepted_comment_id) == (at(2, 9), answer.pk)
    w = threads[welcome.pk]
    assert (w.first_response_at, w.first_responder_id, w.accepted_at) == (None, None, None)


def test_the_inline_consumer_follows_each_write(garden, member):
    with on(1):
        post_create(actor=member, community_id=garden.pk, body="Hello")
    # no explicit catch-up: tests run consumers inline, as requests do after commit
    assert PersonDay.objects.get(day=D1, person_id=member.pk, community_id=garden.pk).posts == 1


def test_presence_and_profile_posts_are_outside_any_community(member):
    from rucher.accounts.services import presence_record

    with on(3):
        presence_record(user=member, today=D3)
        post_create(actor=member, community_id=None, body="On my profile")
    rollups.consume()
    assert person_days(None, day_from=D3) == {(D3, member.pk, True, 1, 1, 0, 0, 0, 0, 0)}
    assert not CommunityDay.objects.filter(day=D3).exists()


def test_a_profile_filled_in_at_creation_does_not_make_the_person_reached(org):
    with on(0):
        person = user_create(
            actor=None,
            email="new@exemple.fr",
            display_name="New",
            profile={"org_unit_id": org["team_a"].pk, "job_title": "Welder"},
        )
    rollups.consume()
    assert not PersonDay.objects.filter(person_id=person.pk).exists()
    assert list(PersonUnit.objects.filter(person_id=person.pk).values_list("org_unit_id", "since"))
    assert PersonUnit.objects.get(person_id=person.pk).org_unit_id == org["team_a"].pk


# ---------------------------------------------------------------- deletions


def test_deleting_keeps_the_acts_but_moves_the_first_response(garden, owner, member, animator):
    g = garden.pk
    with on(1, 9):
        question = post_create(
            actor=member, community_id=g, title="Help?", body="Help?", type="question"
        )
    with on(1, 10):
        first = comment_create(actor=animator, post_id=question.pk, body="First")
    with on(1, 11):
        comment_create(actor=member, post_id=question.pk, body="Mine: not a response")
    with on(1, 12):
        second = comment_create(actor=owner, post_id=question.pk, body="Second")
    with on(1, 13):
        question_accept_answer(actor=member, post_id=question.pk, comment_id=first.pk)
        reaction_set(actor=owner, post_id=question.pk, kind="like")
    rollups.consume()
    before = person_days(g)

    with on(2):
        comment_delete(actor=animator, comment_id=first.pk)
        reaction_remove(actor=owner, post_id=question.pk)
    rollups.consume()
    thread = Thread.objects.get(post_id=question.pk)
    assert (thread.first_response_at, thread.first_responder_id) == (at(1, 12), owner.pk)
    assert (thread.accepted_at, thread.accepted_comment_id) == (None, None)  # as the content
    assert person_days(g) == before | {(D2, animator.pk, True, 0, 0, 0, 0, 0, 0, 0)} | {
        (D2, owner.pk, True, 0, 0, 0, 0, 0, 0, 0)
    }

    with on(3):
        comment_delete(actor=owner, comment_id=second.pk)
        post_delete(actor=member, post_id=question.pk)
    rollups.consume()
    thread.refresh_from_db()
    assert thread.deleted
    assert (thread.first_response_at, thread.first_responder_id) == (None, None)
    assert ThreadResponse.objects.filter(post_id=question.pk, deleted=True).count() == 2
    assert CommunityDay.objects.get(community_id=g, day=D1).comments == 3


@pytest.mark.parametrize("batch_size", [1, 1000])
def test_the_first_response_is_the_earliest_whatever_the_order_it_comes_in(
    garden, owner, member, animator, admin, batch_size
):
    g = garden.pk
    membership_join(actor=admin, community_id=g)
    with on(1, 9):
        post = post_create(actor=member, community_id=g, body="Torque for M12?")
    with on(1, 15):
        comment_create(actor=owner, post_id=post.pk, body="Later")
    with on(1, 12):  # recorded after, earlier in time (an import brings the past in any order)
        first = comment_create(actor=animator, post_id=post.pk, body="Earlier")
    with on(1, 12):  # the same moment, recorded after: the lower id stays first
        comment_create(actor=admin, post_id=post.pk, body="Same moment")
    with on(1, 16):
        comment_create(actor=member, post_id=post.pk, body="The author: not a response")

    def first_response() -> tuple[Any, Any]:
        thread = Thread.objects.get(post_id=post.pk)
        return thread.first_response_at, thread.first_responder_id

    rollups.wipe()
    rollups.consume(batch_size=batch_size)
    assert first_response() == (at(1, 12), animator.pk)
    with on(2):
        comment_delete(actor=animator, comment_id=first.pk)
    rollups.consume(batch_size=batch_size)
    assert first_response() == (at(1, 12), admin.pk)


# ---------------------------------------------------------------- people and memberships


def test_roles_units_and_managers_over_time(org, admin):
    with on(0):
        boss = user_create(actor=admin, email="boss@exemple.fr", display_name="Boss")
        person = user_create(
            actor=admin,
            email="p@exemple.fr",
            display_name="P",
            profile={"org_unit_id": org["team_a"].pk, "manager_id": boss.pk},
        )
    with on(1):
        user_set_role(actor=admin, person_id=person.pk, role=Role.PROJECT_TEAM)
        profile_update(actor=admin, person_id=person.pk, changes={"org_unit_id": org["team_b"].pk})
    with on(1, 16):  # the same day again: one row, the day's last state
        profile_update(actor=admin, person_id=person.pk, changes={"manager_id": None})
    with on(2):
        user_deactivate(actor=admin, person_id=person.pk)
    with on(3):
        user_set_role(actor=admin, person_id=person.pk, role=Role.EMPLOYEE)  # while away
        user_reactivate(actor=admin, person_id=person.pk)
    rollups.consume()

    assert set(
        PersonRoleSpan.objects.filter(person_id=person.pk).values_list("role", "since", "until")
    ) == {("employee", D0, D1), ("project_team", D1, D2), ("employee", D3, None)}
    assert set(
        PersonUnit.objects.filter(person_id=person.pk).values_list(
            "org_unit_id", "manager_id", "since"
        )
    ) == {(org["team_a"].pk, boss.pk, D0), (org["team_b"].pk, None, D1)}
    assert not PersonUnit.objects.filter(person_id=boss.pk).exists()


def test_membership_spans_follow_roles_departures_and_returns(garden, owner, member, animator):
    g = garden.pk
    with on(1):
        membership_set_role(actor=owner, community_id=g, user_id=member.pk, role="animator")
    with on(2):
        ownership_transfer(actor=owner, community_id=g, new_owner_id=member.pk)
    with on(3, 9):
        membership_remove(actor=member, community_id=g, user_id=animator.pk)
    with on(3, 10):
        membership_join(actor=animator, community_id=g)
    rollups.consume()
    assert set(
        MembershipSpan.objects.filter(community_id=g).values_list(
            "person_id", "role", "start", "end"
        )
    ) == {
        (owner.pk, "owner", D0, D2),
        (owner.pk, "animator", D2, None),
        (member.pk, "member", D0, D1),
        (member.pk, "animator", D1, D2),
        (member.pk, "owner", D2, None),
        (animator.pk, "animator", D0, D3),
        (animator.pk, "member", D3, None),
    }
    assert CommunityDay.objects.get(community_id=g, day=D3).departures == 1
    assert CommunityDay.objects.get(community_id=g, day=D3).arrivals == 1


# ---------------------------------------------------------------- time


def test_backdated_events_land_on_their_local_day(garden, member):
    # 23:30 UTC on 10 March is 00:30 on 11 March in Paris; recorded today.
    moment = datetime.datetime(2025, 3, 10, 23, 30, tzinfo=datetime.UTC)
    with clock.frozen(moment):
        post = post_create(actor=member, community_id=garden.pk, body="Late")
    rollups.consume()
    event = Event.objects.get(verb="post.created", target_id=post.pk)
    assert event.recorded_at.date() != D1
    assert PersonDay.objects.get(person_id=member.pk, community_id=garden.pk, day=D1).posts == 1
    assert CommunityDay.objects.get(community_id=garden.pk, day=D1).posts == 1
    assert Thread.objects.get(post_id=post.pk).created_at == moment


@override_settings(TIME_ZONE="UTC")
def test_the_day_follows_the_configured_time_zone(garden, member):
    with clock.frozen(datetime.datetime(2025, 3, 10, 23, 30, tzinfo=datetime.UTC)):
        post_create(actor=member, community_id=garden.pk, body="Late")
    rollups.consume()
    assert PersonDay.objects.get(person_id=member.pk, community_id=garden.pk, posts=1).day == D0


# ---------------------------------------------------------------- rebuild, replay, growth


def busy_history(personas, communities) -> None:
    """Everything the cast does (tests/cast.py), plus deletions, done at the wall clock."""
    from tests.cast import build_conversations

    made = build_conversations(personas, communities)
    comment_delete(actor=personas["animator"], comment_id=made["comment:open"].pk)
    post_delete(actor=personas["member"], post_id=made["post:private"].pk)


def test_rebuild_equals_incremental(personas, communities):
    busy_history(personas, communities)
    rollups.consume()
    incremental = snapshot()
    assert incremental["PersonDay"] and incremental["Thread"] and incremental["Interaction"]
    rollups.rebuild()
    assert snapshot() == incremental
    rollups.wipe()
    assert rollups.consume(batch_size=3) == Event.objects.count()
    assert snapshot() == incremental


def first_pending() -> bool:
    return ConsumerPosition.objects.filter(consumer=rollups.FIRST_INTERACTIONS_PENDING).exists()


def first_interactions() -> set[tuple[int, int, datetime.date]]:
    return set(FirstInteraction.objects.values_list("person_low_id", "person_high_id", "first_day"))


def test_the_replay_derives_the_first_interactions_at_its_end(garden, owner, member, animator):
    g, day = garden.pk, (lambda n: D0 + datetime.timedelta(days=n))
    with on(5):
        post = post_create(actor=member, community_id=g, body="Rail bolts")
    with on(6):
        comment_create(actor=owner, post_id=post.pk, body="Which ones?")
    with on(3):  # recorded after, on an earlier day: an import brings the past in any order
        reaction_set(actor=owner, post_id=post.pk, kind="like")
    with on(4):
        comment_create(actor=animator, post_id=post.pk, body="120 N·m.")
    with on(2):
        post_create(actor=member, community_id=g, body=f"Ask {markdown.mention(animator.pk, 'A')}")
    rollups.consume()
    pair = lambda a, b: (min(a.pk, b.pk), max(a.pk, b.pk))  # noqa: E731
    written = {(*pair(owner, member), day(3)), (*pair(animator, member), day(2))}
    assert first_interactions() == written
    FirstInteraction.objects.all().delete()
    rollups.derive_first_interactions()
    assert first_interactions() == written
    rollups.rebuild(batch_size=2)
    assert first_interactions() == written
    assert not first_pending()


def test_a_replay_that_dies_leaves_the_pairs_to_the_next_batch(personas, communities, monkeypatch):
    busy_history(personas, communities)
    rollups.consume()
    incremental = snapshot()
    real_apply = rollups.apply
    calls = []

    last_batch = -(-Event.objects.count() // 5)  # the interactions come in the batches before

    def dies_on_the_last_batch(deltas: rollups.Deltas, **options: Any) -> None:
        calls.append(options)
        if len(calls) == last_batch:
            raise RuntimeError("the process died")
        real_apply(deltas, **options)

    monkeypatch.setattr(rollups, "apply", dies_on_the_last_batch)
    with pytest.raises(RuntimeError):
        rollups.rebuild(batch_size=5)
    assert calls[0] == {"first_interactions": False}  # the replay leaves the pairs alone
    assert Interaction.objects.exists() and not FirstInteraction.objects.exists()
    assert first_pending()
    monkeypatch.setattr(rollups, "apply", real_apply)
    rollups.consume(batch_size=5)  # the incremental path: derives first, then goes on
    assert not first_pending()
    assert snapshot() == incremental


def test_a_crash_before_the_position_moves_counts_nothing_twice(personas, communities, monkeypatch):
    with override_settings(EVENT_CONSUMERS_INLINE=False):  # leave the events pending
        busy_history(personas, communities)
    real_apply = rollups.apply
    calls = []

    def crash_after_writing(deltas: rollups.Deltas, **options: Any) -> None:
        real_apply(deltas, **options)
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("the process died")

    monkeypatch.setattr(rollups, "apply", crash_after_writing)
    with pytest.raises(RuntimeError):
        rollups.consume(batch_size=5)
    position = ConsumerPosition.objects.get(consumer=rollups.CONSUMER).last_event_id
    assert 0 < position < Event.objects.order_by("-id").values_list("id", flat=True)[0]
    monkeypatch.setattr(rollups, "apply", real_apply)
    rollups.consume(batch_size=5)
    replayed = snapshot()
    rollups.rebuild()
    assert replayed == snapshot()


def cumulative() -> dict[str, int]:
    totals: dict[str, int] = {}
    for model, columns in (
        (PersonDay, rollups.PERSON_DAY_COUNTERS),
        (CommunityDay, (*rollups.COMMUNITY_DAY_COUNTERS, "contributors")),
        (Interaction, ("count",)),
    ):
        sums = model._default_manager.aggregate(**{c: Sum(c) for c in columns})
        totals.update({f"{model.__name__}.{c}": v or 0 for c, v in sums.items()})
    totals["reached"] = PersonDay.objects.filter(reached=True).count()
    totals["pairs"] = FirstInteraction.objects.count()
    totals["threads"] = Thread.objects.count()
    return totals


def test_adding_an_event_never_lowers_a_cumulative_count(garden, owner, member, animator, admin):
    people = [owner, member, animator]
    membership_join(actor=admin, community_id=garden.pk)
    people.append(admin)
    chance = random.Random(20250310)
    posts: list[int] = []
    comments: list[tuple[int, int]] = []  # (comment, author)
    ideas: list[int] = []
    previous = cumulative()
    for step in range(80):
        actor = chance.choice(people)
        action = chance.choice(
            ["post", "post", "comment", "comment", "react", "mention", "idea", "vote", "delete"]
        )
        # any day in a month, any order: imports write the past in no particular order
        moment = at(chance.randrange(30), chance.randrange(8, 20), chance.randrange(60))
        with clock.frozen(moment):
            if action == "post" or not posts:
                posts.append(post_create(actor=actor, community_id=garden.pk, body=f"p{step}").pk)
            elif action == "comment":
                post_id = chance.choice(posts)
                comment = comment_create(actor=actor, post_id=post_id, body=f"c{step}")
                comments.append((comment.pk, actor.pk))
            elif action == "react":
                reaction_set(actor=actor, post_id=chance.choice(posts), kind="thanks")
            elif action == "mention":
                other = chance.choice(people)
                body = f"{markdown.mention(other.pk, other.display_name)} s{step}"
                post_create(actor=actor, community_id=garden.pk, body=body)
            elif action == "idea":
                ideas.append(
                    post_create(actor=actor, community_id=garden.pk, body="i", type="idea").pk
                )
            elif action == "vote" and ideas:
                idea_vote(actor=actor, post_id=chance.choice(ideas))
            elif action == "delete" and comments:
                comment_id, author_id = comments.pop(chance.randrange(len(comments)))
                comment_delete(actor=User.objects.get(pk=author_id), comment_id=comment_id)
        rollups.consume()
        now = cumulative()
        lowered = {key: (previous[key], now[key]) for key in now if now[key] < previous[key]}
        assert not lowered, (step, action, lowered)
        previous = now
    assert previous["PersonDay.contributions"] > 40
    incremental = snapshot()
    rollups.rebuild()
    assert snapshot() == incremental


# ---------------------------------------------------------------- the demo


@override_settings(EVENT_CONSUMERS_INLINE=False)
def test_the_demo_rollups_agree_with_the_content_tables():
    from rucher.content.models import Comment, Post, Reaction
    from rucher.core.models import ConsumerPosition
    from rucher.demo.generator import generate

    summary = generate(people=40, seed=7)
    # The generator brings the rollups up to date itself before writing the pilots (they read
    # the analytics); this catches up with what the pilots recorded.
    rollups.consume()
    assert summary.events == Event.objects.count()
    position = ConsumerPosition.objects.get(consumer=rollups.CONSUMER).last_event_id
    assert position == Event.objects.order_by("-id").values_list("id", flat=True).first()

    def counted(verb: str) -> Counter[int | None]:
        return Counter(Event.objects.filter(verb=verb).values_list("community_id", flat=True))

    community_posts = Counter(
        dict(CommunityDay.objects.values_list("community_id").annotate(n=Sum("posts")))
    )
    post_events = counted("post.created")
    assert +community_posts == +Counter({k: v for k, v in post_events.items() if k is not None})
    assert sum(post_events.values()) == Post.objects.count() == Thread.objects.count()
    assert sum(counted("comment.created").values()) == Comment.objects.count()
    totals = PersonDay.objects.aggregate(
        posts=Sum("posts"), comments=Sum("comments"), reactions=Sum("reactions")
    )
    assert totals["posts"] == Post.objects.count()
    assert totals["comments"] == Comment.objects.count()
    assert totals["reactions"] == sum(counted("reaction.added").values())
    assert totals["reactions"] >= Reaction.objects.count()  # removed reactions still count
    # Everyone the demo creates has a global role span; the deactivated have a closed one.
    assert PersonRoleSpan.objects.values("person_id").distinct().count() == User.objects.count()
    open_spans = PersonRoleSpan.objects.filter(until__isnull=True).count()
    assert open_spans == User.objects.filter(is_active=True).count()
    # The org units come with the people, on the day they joined (user.created's time).
    created = dict(
        Event.objects.filter(verb="user.created").values_list("target_id", "occurred_at")
    )
    paris = timezone.get_default_timezone()
    units = list(PersonUnit.objects.all())
    assert units
    for unit in units:
        assert unit.since == created[unit.person_id].astimezone(paris).date()

    incremental = snapshot()
    rollups.rebuild(batch_size=997)
    assert snapshot() == incremental


# ---------------------------------------------------------------- the command


def test_the_command_rebuilds_and_tells_where_it_is(garden, member):
    with on(1):
        post_create(actor=member, community_id=garden.pk, body="Hello")
    before = snapshot()
    out, err = io.StringIO(), io.StringIO()
    call_command("analytics", "rebuild", stdout=out, stderr=err)
    assert f"from {Event.objects.count()} events" in out.getvalue()
    assert "events" in err.getvalue()  # the progress line
    assert snapshot() == before
    out = io.StringIO()
    call_command("analytics", "status", stdout=out)
    text = out.getvalue()
    assert f"position  {Event.objects.order_by('-id')[0].pk}" in text
    assert "up to date" in text
    assert "personday" in text


def test_status_counts_what_is_pending(garden, member):
    rollups.consume()
    with override_settings(EVENT_CONSUMERS_INLINE=False):
        post_create(actor=member, community_id=garden.pk, body="Hello")
    state = rollups.status()
    assert state.pending == 1
    assert state.lag is not None
    assert state.counts["thread"] == 0

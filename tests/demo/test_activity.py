"""The demo's six months of conversations: deterministic, realistic shapes, all through services."""

from __future__ import annotations

import datetime
from collections import Counter

import pytest
from django.db.models import Count
from django.test import TestCase, override_settings

from rucher.content.models import (
    Comment,
    EventRsvp,
    Idea,
    IdeaStatus,
    Poll,
    PollVote,
    Post,
    PostType,
    Reaction,
    ReadConfirmation,
)
from rucher.core import clock
from rucher.core.models import Event
from rucher.demo.activity import (
    ACTIVITY_DAYS,
    PILOT_SIZE,
    activity_counts,
    pilot_communities,
    pilot_community_names,
    plan_activity,
)
from rucher.demo.generator import DemoSummary, generate, plan_organisation
from rucher.notifications.models import Notification
from tests.demo.test_generator import wipe

SEED = 7
TODAY = datetime.date(2025, 6, 15)
SMALL = 60
AFTER_COMMIT = override_settings(EVENT_CONSUMERS_INLINE=False)


@pytest.fixture(scope="module")
def plan300():
    return plan_organisation(people=300, seed=SEED, today=TODAY)


@pytest.fixture(scope="module")
def activity300(plan300):
    return plan_activity(plan300)


# ---------------------------------------------------------------- the plan (no database)


def test_the_activity_depends_only_on_seed_size_and_day():
    plan = plan_organisation(people=SMALL, seed=SEED, today=TODAY)
    first = plan_activity(plan)
    assert plan_activity(plan_organisation(people=SMALL, seed=SEED, today=TODAY)) == first
    other = plan_activity(plan_organisation(people=SMALL, seed=SEED + 1, today=TODAY))
    assert other.counts() != first.counts()


def test_the_activity_leaves_the_organisation_plan_unchanged():
    plan = plan_organisation(people=SMALL, seed=SEED, today=TODAY)
    plan_activity(plan)
    assert plan_organisation(people=SMALL, seed=SEED, today=TODAY) == plan


def test_six_months_ending_the_day_before(plan300, activity300):
    zone = datetime.UTC
    start = datetime.datetime.combine(TODAY, datetime.time(0), zone)
    moments = [post.at for post in activity300.posts] + [a.at for a in activity300.actions]
    assert max(moments) < start
    assert min(moments) >= start - datetime.timedelta(days=ACTIVITY_DAYS + 4)
    months = Counter((post.at.year, post.at.month) for post in activity300.posts)
    assert len(months) >= 6
    # Adoption grows: the last three months are busier than the first three.
    middle = start - datetime.timedelta(days=ACTIVITY_DAYS // 2)
    recent = sum(1 for post in activity300.posts if post.at >= middle)
    assert recent > len(activity300.posts) - recent


def test_a_few_people_write_most_posts_and_many_only_read(plan300, activity300):
    authors = Counter(post.author for post in activity300.posts)
    internal = sum(1 for person in plan300.people if person.unit is not None)
    top = sum(count for _person, count in authors.most_common(internal // 10))
    assert top >= 0.5 * len(activity300.posts)
    assert len(authors) < 0.6 * internal  # many readers
    reactors = {a.actor for a in activity300.actions if a.verb == "react"}
    assert len(reactors) > len(authors)  # readers react


def test_pilot_communities_are_six_busier_open_or_private_ones(plan300, activity300):
    pilot = pilot_communities(plan300)
    assert len(pilot) == PILOT_SIZE == len(set(pilot))
    assert pilot == activity300.pilot
    assert pilot_community_names(plan300) == tuple(plan300.communities[i].name for i in pilot)
    kinds = {plan300.communities[i].kind for i in pilot}
    assert len(kinds) == 4
    for index in pilot:
        community = plan300.communities[index]
        assert not community.archived and community.visibility != "secret"
        assert community.created_days_ago >= ACTIVITY_DAYS
    posts = Counter(post.community for post in activity300.posts)

    def per_member(indexes: list[int]) -> float:
        members = sum(len(plan300.communities[i].members) for i in indexes)
        return sum(posts[i] for i in indexes) / members

    others = [i for i in range(len(plan300.communities)) if i not in pilot]
    assert per_member(list(pilot)) > 2 * per_member(others)
    levels = Counter(activity300.liveliness)
    assert levels["dormant"] + levels["quiet"] >= 1 and levels["lively"] >= 1


def test_every_type_and_its_follow_ups(plan300, activity300):
    counts = activity300.counts()
    for post_type in PostType.values:
        assert counts[f"post.{post_type}"] > 0, post_type
    for verb in ("comment", "react", "accept", "vote", "close", "idea_vote", "idea_status"):
        assert counts[verb] > 0, verb
    for verb in ("rsvp", "confirm", "unpin"):
        assert counts[verb] > 0, verb
    questions = [i for i, p in enumerate(activity300.posts) if p.type == "question"]
    commented = {a.post for a in activity300.actions if a.verb == "comment"}
    accepted = {a.post for a in activity300.actions if a.verb == "accept"}
    assert accepted and accepted <= set(questions)
    assert any(q not in commented for q in questions)  # some never answered
    statuses = {a.kind for a in activity300.actions if a.verb == "idea_status"}
    assert {"under_review", "planned", "done", "declined"} <= statuses
    events = [p.event for p in activity300.posts if p.event is not None]
    today = datetime.datetime.combine(TODAY, datetime.time(0), datetime.UTC)
    assert any(e.starts_at < today for e in events) and any(e.starts_at > today for e in events)
    # Both languages, cross-department readers, mentions and hashtags.
    bodies = " ".join(p.body for p in activity300.posts)
    assert "{mention}" in bodies and "#" in bodies
    assert any("Merci" in a.body for a in activity300.actions)
    assert any("Thanks" in a.body for a in activity300.actions)


def test_announcements_come_from_managers(plan300, activity300):
    for post in activity300.posts:
        if post.type == "announcement":
            assert post.community is not None
            roles = {m.person: m.role for m in plan300.communities[post.community].members}
            assert roles[post.author] in ("owner", "animator")


# ---------------------------------------------------------------- loaded through the services


@pytest.mark.django_db
@AFTER_COMMIT
def test_same_seed_loads_the_same_activity():
    def counted() -> dict[str, int]:
        return {
            **activity_counts(),
            "events": Event.objects.count(),
            "notifications": Notification.objects.count(),
        }

    first_summary = generate(people=40, seed=SEED)
    first = counted()
    wipe()
    second_summary = generate(people=40, seed=SEED)
    assert counted() == first
    assert first["posts"] > 0
    assert first_summary.activity is not None and second_summary.activity is not None
    assert first_summary.activity.by_verb == second_summary.activity.by_verb


class TestLoadedActivity(TestCase):
    """Consumers run inline here (notifications), so a consumer choking on the demo fails."""

    summary: DemoSummary

    @classmethod
    def setUpTestData(cls) -> None:
        cls.summary = generate(people=SMALL, seed=SEED)

    def test_everything_is_in_the_event_log_at_its_original_time(self) -> None:
        created = Event.objects.filter(verb="post.created")
        assert created.count() == Post.objects.count() > 0
        times = {event.target_id: event.occurred_at for event in created}
        for post in Post.objects.all():
            assert post.created_at == times[post.pk]
        spread = max(times.values()) - min(times.values())
        assert spread > datetime.timedelta(days=120)
        now = clock.now()
        assert max(times.values()) < now - datetime.timedelta(hours=1)
        comments = Event.objects.filter(verb="comment.created")
        assert comments.count() == Comment.objects.count() > 0
        for comment in Comment.objects.select_related("post")[:50]:
            assert comment.created_at > comment.post.created_at
            assert comment.post.last_activity_at >= comment.created_at
        reactions = Event.objects.filter(verb="reaction.added")
        assert reactions.count() == Reaction.objects.count() > 0
        assert Reaction.objects.filter(created_at__lt=now - datetime.timedelta(days=30)).exists()

    def test_only_the_last_fortnight_notifies_with_its_original_time(self) -> None:
        """History is not news (notifications.consumer.HISTORY_AGE): the demo's people find
        the notifications of its last two weeks, dated when things happened."""
        now = clock.now()
        recent = Notification.objects.filter(created_at__lt=now - datetime.timedelta(hours=1))
        assert recent.exists()
        assert not Notification.objects.filter(
            created_at__lt=now - datetime.timedelta(days=15), verb="comment.created"
        ).exists()

    def test_every_type_with_its_interactions(self) -> None:
        types = dict(Post.objects.values_list("type").annotate(n=Count("id")))
        assert types.get("discussion") and types.get("question")
        assert Post.objects.filter(type="question", accepted_answer__isnull=False).exists()
        assert Post.objects.filter(type="question", comments__isnull=True).exists()
        summary = self.summary.activity
        assert summary is not None and summary.posts == Post.objects.count()
        assert summary.comments == Comment.objects.count()
        # The other types, once their services exist (they do in this issue).
        assert Idea.objects.exclude(status=IdeaStatus.NEW).exists()
        assert PollVote.objects.exists() and Poll.objects.exists()
        assert ReadConfirmation.objects.exists()
        assert Post.objects.filter(type="event").exists()
        assert EventRsvp.objects.exists()

    def test_status_counts_conversations(self) -> None:
        counts = activity_counts()
        assert counts["posts"] == Post.objects.count()
        assert counts["comments"] == Comment.objects.count()

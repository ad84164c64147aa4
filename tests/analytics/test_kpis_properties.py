"""Properties over random rollups (fixed seed), and one path from services to KPIs."""

from __future__ import annotations

import datetime
import random

import pytest
from django.utils import timezone

from rucher.analytics import kpis, rollups
from rucher.analytics.kpis import KPIS
from rucher.analytics.periods import Period, Scope
from tests.analytics.kpi_world import (
    E,
    act,
    ago,
    at,
    first,
    interact,
    member,
    person,
    thread,
    unit,
)

pytestmark = pytest.mark.django_db

RATIOS = [key for key, spec in KPIS.items() if spec.unit == "ratio"]


def random_world(seed: int) -> None:
    rng = random.Random(seed)
    units = [None, 1, 2, 3]
    for pk in range(1, 41):
        person(pk, rng.choice(["employee"] * 8 + ["project_team", "guest"]))
        unit(pk, rng.choice(units), manager=rng.choice([None, None, 1, 2, 3]))
        for community_id in (1, 2, 3):
            if rng.random() < 0.5:
                member(community_id, pk, rng.choice(["member"] * 6 + ["owner", "animator"]))
    days = set()
    for _ in range(600):
        key = (rng.randint(1, 40), ago(rng.randint(0, 120)), rng.choice([None, 1, 2, 3]))
        contributions = rng.choice([0, 0, 1, 2, 5])
        reached = rng.random() < 0.9
        if key not in days:
            days.add(key)
            act(*key, contributions=contributions, reached=reached)
    edges = set()
    for _ in range(200):
        source, target = rng.sample(range(1, 41), 2)
        key = (ago(rng.randint(0, 60)), source, target, rng.choice([None, 1, 2, 3]))
        if key not in edges:
            edges.add(key)
            interact(*key)
    for low in range(1, 20):
        first(low, low + rng.randint(1, 20), ago(rng.randint(0, 60)))
    for _ in range(60):
        answered = rng.random() < 0.7
        thread(
            rng.randint(1, 40),
            at(ago(rng.randint(3, 60))),
            community_id=rng.choice([1, 2, 3]),
            type=rng.choice(["discussion", "question", "announcement"]),
            responder=rng.randint(1, 40) if answered else None,
            after_hours=rng.uniform(0, 100) if answered else None,
            accepted=answered and rng.random() < 0.5,
        )


SCOPES = [Scope(), Scope.community(1), Scope(communities=frozenset({2, 3}))]


@pytest.mark.parametrize("seed", [0, 1])
def test_rates_stay_between_zero_and_one(seed):
    random_world(seed)
    for scope in SCOPES:
        for days in (7, 28, 90):
            period = Period(E - datetime.timedelta(days=days - 1), E)
            for key in RATIOS:
                value = KPIS[key](scope, period).value
                assert value is None or 0 <= value <= 1, (key, scope, days, value)
            ei = kpis.kpi_ei_index(scope, period).value
            assert ei is None or -1 <= ei <= 1
            profile = kpis.kpi_participation_profile(scope, period).parts
            if profile:
                total = profile["none"] + profile["occasional"] + profile["regular"]
                assert total == pytest.approx(1)


def test_more_activity_never_lowers_a_cumulative_count():
    random_world(3)
    period = Period(ago(27), E)
    keys = ["contribution", "activation", "new_bridges"]
    before = {key: KPIS[key](Scope(), period).numerator or 0 for key in keys}
    from rucher.analytics.models import PersonDay

    row, _ = PersonDay.objects.get_or_create(day=ago(1), person_id=5, community_id=1)
    row.contributions += 3
    row.save()
    person(41)
    person(42)
    unit(41, 1)
    unit(42, 2)
    first(41, 42, ago(2))
    interact(ago(2), 41, 42, 1)
    after = {key: KPIS[key](Scope(), period).numerator or 0 for key in keys}
    assert all(after[key] >= before[key] for key in keys)


def test_from_services_through_the_consumer_to_the_kpis(personas, communities):
    """The open community: member asks a question, the animator (staff) answers within
    minutes, the owner (staff) posts a welcome. Organic share 1/3; response rate 1/1 (the
    welcome is too young to judge); organic first responses 0/1; question resolution 0/1."""
    from rucher.content.services import comment_create, post_create

    open_ = communities["open"]
    question = post_create(
        actor=personas["member"],
        community_id=open_.pk,
        title="Torque?",
        body="Which torque for the rail bolts?",
        type="question",
    )
    comment_create(actor=personas["animator"], post_id=question.pk, body="120 N·m.")
    post_create(actor=personas["owner"], community_id=open_.pk, body="Welcome, everyone!")
    rollups.consume()
    today = timezone.localdate()
    scope, period = Scope.community(open_.pk), Period(today - datetime.timedelta(days=6), today)
    organic = kpis.kpi_organic_share(scope, period)
    assert (organic.numerator, organic.denominator) == (1, 3)
    response = kpis.kpi_response_rate(scope, period)
    assert (response.numerator, response.denominator) == (1, 1)
    assert kpis.kpi_organic_first_responses(scope, period).value == 0
    assert kpis.kpi_question_resolution(scope, period).value == 0
    assert kpis.kpi_time_to_first_response(scope, period).value == pytest.approx(0, abs=0.1)
    members = kpis.kpi_contributor_rate(scope, period)
    assert members.numerator == 3  # member, animator, owner
    assert members.denominator == 4  # + the partner guest; the former member left

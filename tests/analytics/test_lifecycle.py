"""Lifecycle stages: each rule on synthetic figures, hysteresis on synthetic histories, the
team overlay, the explanations, and the weekly computation on hand-built rollups."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.utils import translation

from rucher.analytics import lifecycle
from rucher.analytics.lifecycle import (
    ADJOURNING,
    DECLINE,
    DORMANT,
    ESTABLISHMENT,
    FORMING,
    INCEPTION,
    LIFECYCLE_DEFAULTS,
    MATURITY,
    MITOSIS,
    PERFORMING,
    UNDETERMINED,
    candidate,
    settle,
    team_overlay,
)
from rucher.analytics.models import StageHistory
from tests.analytics.kpi_world import act, at, member, person, thread

TH = dict(LIFECYCLE_DEFAULTS)


def fig(**over: Any) -> dict[str, Any]:
    """A healthy establishment week (organic 0.70, response 0.80, 10 contributors of 20)."""
    figures = {
        "members": 20,
        "contributions": 100,
        "contributors": 10,
        "contributions_silent_window": 150,
        "organic_share": 0.70,
        "response_rate": 0.80,
        "threads": 10,
        "absence_factor": 4,
        "top_share": 0.30,
        "arrivals": 1,
        "departures": 0,
        "arrivals_trend": 3,
        "departures_trend": 1,
    }
    figures.update(over)
    return figures


def steady(**over: Any) -> dict[int, dict[str, Any]]:
    return {weeks: fig(**over) for weeks in range(1, 13)}


def stage_of(figures, history=None, previous=ESTABLISHMENT, age=400, quartile=None):
    return candidate(
        figures,
        steady() if history is None else history,
        previous_stage=previous,
        age_days=age,
        volume_quartile=quartile,
        settings=TH,
    )


# --- each rule ---------------------------------------------------------------------------


def test_dormant_after_56_silent_days():
    stage, rule, _ = stage_of(fig(contributions_silent_window=0, contributors=0, contributions=0))
    assert (stage, rule) == (DORMANT, "dormant_silent")
    # A community younger than 56 days is not dormant for silence: it is starting.
    stage, _, _ = stage_of(
        fig(contributions_silent_window=0, contributors=0, contributions=0, organic_share=None),
        age=30,
    )
    assert stage == INCEPTION


def test_dormant_with_few_falling_contributors_for_three_windows():
    history = steady()
    history[1] = fig(contributors=2)
    history[2] = fig(contributors=2)
    assert stage_of(fig(contributors=1), history)[:2] == (DORMANT, "dormant_few")
    # Few but not falling: inception (contributors below the floor of 3), not dormant.
    assert stage_of(fig(contributors=2), history)[:2] == (INCEPTION, "inception_contributors")


def test_inception_by_organic_share_or_contributors():
    assert stage_of(fig(organic_share=0.49))[:2] == (INCEPTION, "inception_organic")
    assert stage_of(fig(organic_share=None))[:2] == (INCEPTION, "inception_organic")
    # Floor: max(3, 5 % of 100 members) = 5 contributors.
    assert stage_of(fig(members=100, contributors=4))[:2] == (INCEPTION, "inception_contributors")
    assert stage_of(fig(members=100, contributors=5))[0] == ESTABLISHMENT


def test_inception_stalls_after_nine_months():
    _, _, derived = stage_of(fig(organic_share=0.3), age=271)
    assert derived["stalled"] is True
    assert stage_of(fig(organic_share=0.3), age=270)[2]["stalled"] is False


def test_decline_needs_an_established_past_a_fall_and_departures():
    falling = fig(contributors=7, departures_trend=5, arrivals_trend=2)  # −30 %
    assert stage_of(falling)[:2] == (DECLINE, "decline")
    assert stage_of(falling, previous=MATURITY)[0] == DECLINE
    assert stage_of(falling, previous=INCEPTION)[0] != DECLINE
    assert stage_of(fig(contributors=8, departures_trend=5))[0] != DECLINE  # −20 %
    assert stage_of(fig(contributors=7, departures_trend=2, arrivals_trend=2))[0] != DECLINE


def test_mitosis_candidate_signals():
    organic = {"organic_share": 0.95}
    # Top 10 % share up 15 points in 12 weeks.
    assert stage_of(fig(**organic, top_share=0.45))[:2] == (MITOSIS, "mitosis")
    # Departures over arrivals now and four weeks ago.
    history = steady()
    history[4] = fig(departures=2, arrivals=0)
    assert stage_of(fig(**organic, departures=3, arrivals=1), history)[0] == MITOSIS
    assert stage_of(fig(**organic, departures=3, arrivals=1))[0] != MITOSIS  # only once
    # Slow answers while in the busiest quarter.
    busy = fig(**organic, response_rate=0.5, contributions=100)
    assert stage_of(busy, quartile=100)[0] == MITOSIS
    assert stage_of(busy, quartile=101)[0] != MITOSIS


def test_mitosis_guard_a_shrinking_community_is_not_a_mitosis_candidate():
    """The top 10 % share rose only because the total shrank: without the "not falling"
    guard this would read as a mitosis candidate."""
    shrinking = fig(organic_share=0.95, top_share=0.60, contributors=8)  # −20 %: falling
    stage, _, derived = stage_of(shrinking, previous=MATURITY)
    assert derived["falling"] is True
    assert stage not in (MITOSIS, MATURITY)
    collapsed = fig(organic_share=0.95, top_share=0.60, contributors=6, departures_trend=4)
    assert stage_of(collapsed, previous=MATURITY)[0] == DECLINE


def test_maturity():
    mature = fig(organic_share=0.92, response_rate=0.75, absence_factor=3)
    assert stage_of(mature)[:2] == (MATURITY, "maturity")
    assert stage_of({**mature, "absence_factor": 2})[0] != MATURITY
    assert stage_of({**mature, "response_rate": 0.69})[0] != MATURITY


def test_establishment_and_the_fallback_on_growth():
    assert stage_of(fig())[:2] == (ESTABLISHMENT, "establishment")
    slow = fig(response_rate=0.3)
    assert stage_of({**slow, "contributors": 12})[:2] == (ESTABLISHMENT, "growing")
    assert stage_of(slow)[:2] == (INCEPTION, "not_growing")


# --- hysteresis --------------------------------------------------------------------------


def test_one_good_window_does_not_move_the_stage_up():
    assert settle(INCEPTION, [INCEPTION, ESTABLISHMENT], settings=TH) == INCEPTION
    assert settle(INCEPTION, [ESTABLISHMENT, ESTABLISHMENT], settings=TH) == ESTABLISHMENT
    assert settle(INCEPTION, [MATURITY, ESTABLISHMENT], settings=TH) == INCEPTION


def test_moving_down_takes_three_windows():
    assert settle(MATURITY, [DECLINE, DECLINE], settings=TH) == MATURITY
    assert settle(MATURITY, [DECLINE, DECLINE, DECLINE], settings=TH) == DECLINE
    assert settle(ESTABLISHMENT, [INCEPTION, ESTABLISHMENT, INCEPTION], settings=TH) == (
        ESTABLISHMENT
    )


def test_a_new_community_starts_in_inception():
    assert settle(None, [MATURITY], settings=TH) == INCEPTION


def simulate(weeks: list[dict[str, Any]], *, quartile=None, start_age=0) -> list[str]:
    """The stages a sequence of weekly figures leads to, as compute_stages derives them."""
    stages: list[str] = []
    done: list[dict[str, Any]] = []
    previous = None
    for index, figures in enumerate(weeks):
        history = {ago: done[-ago] for ago in range(1, 13) if ago <= len(done)}
        found, _, _ = candidate(
            figures,
            history,
            previous_stage=previous,
            age_days=start_age + 7 * index,
            volume_quartile=quartile,
            settings=TH,
        )
        recent = [done[-ago]["candidate"] for ago in range(2, 0, -1) if ago <= len(done)]
        previous = settle(previous, [*recent, found], settings=TH)
        done.append({**figures, "candidate": found})
        stages.append(previous)
    return stages


def test_every_stage_is_reached_by_a_synthetic_history():
    """A community's life: starts, establishes, matures, gets crowded, declines, sleeps."""
    empty = fig(contributors=0, contributions=0, organic_share=None, response_rate=None)
    start = [empty, fig(contributors=4, organic_share=0.4)]
    establishing = [fig(contributors=10)] * 3
    mature = [fig(contributors=12, organic_share=0.93, absence_factor=4)] * 3
    crowded = [fig(contributors=12, organic_share=0.93, top_share=0.30)] * 12 + [
        fig(contributors=12, organic_share=0.93, top_share=0.45)
    ] * 2
    declining = [fig(contributors=8, organic_share=0.93, departures_trend=6, top_share=0.45)] * 3
    dying = [fig(contributors=0, contributions=0, contributions_silent_window=0)] * 3
    stages = simulate(start + establishing + mature + crowded + declining + dying, start_age=0)
    assert stages[:2] == [INCEPTION, INCEPTION]
    assert stages[2] == INCEPTION  # one good window is not enough
    assert stages[3] == ESTABLISHMENT
    assert MATURITY in stages
    assert MITOSIS in stages
    assert DECLINE in stages
    assert stages[-1] == DORMANT
    # Each move down took three windows of the same candidate.
    assert stages[-3:] == [DECLINE, DECLINE, DORMANT]


# --- team overlay ------------------------------------------------------------------------


def test_team_overlay():
    assert (
        team_overlay({"contributed_share": 0.9}, age_days=10, archived=False, settings=TH)
        == FORMING
    )
    assert (
        team_overlay({"contributed_share": 0.4}, age_days=100, archived=False, settings=TH)
        == FORMING
    )
    fast = {"contributed_share": 0.7, "median_response_hours": 23.5}
    assert team_overlay(fast, age_days=100, archived=False, settings=TH) == PERFORMING
    slow = {"contributed_share": 0.7, "median_response_hours": 24}
    assert team_overlay(slow, age_days=100, archived=False, settings=TH) == UNDETERMINED
    assert team_overlay(fast, age_days=100, archived=True, settings=TH) == ADJOURNING


# --- explanations ------------------------------------------------------------------------


def test_explanation_in_plain_language():
    figures = {**fig(organic_share=0.62, response_rate=0.71), "rule": "establishment"}
    figures["candidate"] = ESTABLISHMENT
    with translation.override("en"):
        assert lifecycle.explain(figures, ESTABLISHMENT) == (
            "organic share 0.62, response rate 0.71: establishment"
        )
        waiting = lifecycle.explain(figures, INCEPTION)
        assert waiting.startswith("organic share 0.62, response rate 0.71: establishment")
        assert "inception" in waiting
    with translation.override("fr"):
        assert "0,62" in lifecycle.explain(figures, ESTABLISHMENT)


def test_silent_explanation_quotes_the_configured_days(db):
    """An administrator's 35 silent days, not the default 56, in the rule and its text."""
    from rucher.analytics.models import AnalyticsConfig

    silent = fig(contributions_silent_window=0, contributors=0, contributions=0)
    stage, rule, derived = candidate(
        silent,
        steady(),
        previous_stage=ESTABLISHMENT,
        age_days=40,
        volume_quartile=None,
        settings={**TH, "dormant_silent_days": 35},
    )
    assert (stage, rule) == (DORMANT, "dormant_silent")
    figures = {**silent, **derived, "candidate": stage, "rule": rule}
    with translation.override("en"):
        assert lifecycle.explain(figures, DORMANT) == "no contribution for 35 days: dormant"
        # A week stored before the figure was kept reads the threshold configured now.
        del figures["silent_days"]
        config = AnalyticsConfig.current()
        config.lifecycle_thresholds = {"dormant_silent_days": 42}
        config.save()
        assert lifecycle.explain(figures, DORMANT) == "no contribution for 42 days: dormant"


# --- the weekly computation --------------------------------------------------------------


@pytest.fixture
def project_community(db):
    """A project community created on Monday 6 January 2025: 1 owner, 2–8 members. Every
    day 1 (staff), 3, 4 and 5 contribute once (organic share 0.75); every Monday 3 posts and
    4 answers within the hour (response rate 1)."""
    from rucher.communities.models import Community, CommunityKind

    created = datetime.date(2025, 1, 6)
    community = Community.objects.create(
        name="Rail project",
        slug="rail-project",
        kind=CommunityKind.objects.get(code="project"),
        created_at=at(created, 8),
    )
    for pk in range(1, 9):
        person(pk)
        member(community.pk, pk, "owner" if pk == 1 else "member", start=created)
    for offset in range(28):
        day = created + datetime.timedelta(days=offset)
        for pk in (1, 3, 4, 5):
            act(pk, day, community.pk, contributions=1)
        if day.weekday() == 0:
            thread(3, at(day, 10), community_id=community.pk, responder=4, after_hours=0.5)
    return community


def test_compute_stages_fills_weeks_once(project_community):
    until = datetime.date(2025, 2, 2)  # the Sunday of the fourth week
    assert lifecycle.compute_stages(until) == 4
    rows = list(StageHistory.objects.order_by("week_start"))
    assert [row.week_start for row in rows] == [
        datetime.date(2025, 1, 6),
        datetime.date(2025, 1, 13),
        datetime.date(2025, 1, 20),
        datetime.date(2025, 1, 27),
    ]
    assert [row.stage for row in rows] == [INCEPTION, ESTABLISHMENT, ESTABLISHMENT, ESTABLISHMENT]
    assert [row.changed for row in rows] == [False, True, False, False]
    first = rows[0].explanation
    assert first["candidate"] == ESTABLISHMENT
    assert first["organic_share"] == pytest.approx(0.75)
    assert first["response_rate"] == 1
    # A small project community gets the team overlay: young (under 4 weeks), so forming;
    # 4 of its 8 members contributed.
    assert rows[0].overlay == FORMING
    assert rows[-1].explanation["contributed_share"] == pytest.approx(4 / 8)
    # Idempotent: nothing more to do, and a later call only adds the new weeks.
    assert lifecycle.compute_stages(until) == 0
    assert lifecycle.compute_stages(datetime.date(2025, 2, 8)) == 0  # week not over
    assert lifecycle.compute_stages(datetime.date(2025, 2, 9)) == 1
    assert StageHistory.objects.count() == 5
    # Recompute rebuilds the same rows.
    before = list(StageHistory.objects.order_by("week_start").values_list("stage", "overlay"))
    assert lifecycle.compute_stages(datetime.date(2025, 2, 9), recompute=True) == 5
    after = list(StageHistory.objects.order_by("week_start").values_list("stage", "overlay"))
    assert before == after

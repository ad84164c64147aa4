"""The simulation plants known values; the estimators of ``stats`` must find them.

Coverage figures are measured over many simulated organisations (seeds ``seed … seed+runs−1``)
and are deterministic. The rates measured with more runs are in docs/pilots/simulation.md;
the bounds here leave room for the sampling error of 200 runs (about ±1.6 points at 95%).
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from rucher.pilots import stats
from rucher.pilots.simulation import (
    SimulationError,
    SimulationParams,
    estimate,
    recovery,
    simulate,
)

# ---- the generator ------------------------------------------------------------------------


def test_panel_shape_and_planted_values():
    params = SimulationParams(communities_per_arm=5, people_per_community=12, seed=3)
    panel = simulate(params)
    assert panel.is_pilot.tolist() == [True] * 5 + [False] * 5
    assert panel.arm[:5] == ["pilot"] * 5 and panel.arm[5:] == ["comparison"] * 5
    assert panel.contributed.shape == (10, 12, params.pre_periods + params.post_periods)
    assert panel.pre_series.shape == (10, params.pre_periods)
    assert panel.post_series.shape == (10, params.post_periods)
    # Support within mean ± spread for the pilot, none for the comparison.
    assert ((panel.support_hours[:5] >= 2) & (panel.support_hours[:5] <= 10)).all()
    assert (panel.support_hours[5:] == 0).all()
    # Planted effects follow the support: 0.08 + 0.01 × (hours − 6).
    assert panel.effects[:5] == pytest.approx(0.08 + 0.01 * (panel.support_hours[:5] - 6))
    assert (panel.effects[5:] == 0).all()
    assert panel.true_effect == pytest.approx(0.08)
    assert panel.true_effect_at_deployment == pytest.approx(0.08 + 0.01 * (2 - 6))
    # Rates are shares of the people who contributed.
    assert panel.pre_series[0, 0] == pytest.approx(panel.contributed[0, :, 0].mean())
    assert panel.rows(True).shape == (5, 2)


def test_same_seed_same_panel_other_seed_other_panel():
    first = simulate(SimulationParams(seed=11))
    assert np.array_equal(first.contributed, simulate(SimulationParams(seed=11)).contributed)
    assert not np.array_equal(first.contributed, simulate(SimulationParams(seed=12)).contributed)


def test_novelty_decay_lowers_the_true_effect_to_its_mean_over_the_pilot():
    panel = simulate(SimulationParams(novelty_decay=1.0, post_periods=5))
    # Effect factors 1, .75, .5, .25, 0: mean 0.5.
    assert panel.true_effect == pytest.approx(0.04)


@pytest.mark.parametrize(
    ("changes", "field_name"),
    [
        ({"communities_per_arm": 1}, "communities_per_arm"),
        ({"people_per_community": 0}, "people_per_community"),
        ({"pre_periods": 0}, "pre_periods"),
        ({"post_periods": 0}, "post_periods"),
        ({"pilot_support_hours": (2.0, 3.0)}, "pilot_support_hours"),
        ({"deployment_support_hours": -1.0}, "deployment_support_hours"),
        ({"noise": -0.1}, "noise"),
        ({"novelty_decay": 1.5}, "novelty_decay"),
        ({"baseline": 1.0}, "baseline"),
        ({"true_effect": 0.7}, "true_effect"),
        ({"selection_gap": -0.3}, "true_effect"),
    ],
)
def test_impossible_parameters_are_refused_with_their_name(changes, field_name):
    with pytest.raises(SimulationError) as caught:
        simulate(replace(SimulationParams(), **changes))
    assert caught.value.field == field_name
    assert caught.value.message


def test_without_noise_the_estimate_is_the_planted_effect():
    params = SimulationParams(
        people_per_community=3000, noise=0.0, community_spread=0.0, seed=8, trend=0.002
    )
    found = estimate(simulate(params), resamples=200)
    assert found.effect.estimate == pytest.approx(0.08, abs=0.005)
    assert found.naive == pytest.approx(0.08 + 0.10 + 0.0, abs=0.01)
    # With a common trend, before/after in the pilot alone also counts the trend.
    assert found.naive_before_after == pytest.approx(0.08 + 0.002 * 10, abs=0.01)
    assert found.projection.slope == pytest.approx(0.01, abs=0.002)
    assert found.projection.at_deployment.estimate == pytest.approx(0.04, abs=0.01)


# ---- recovery over many simulated organisations --------------------------------------------


@pytest.mark.parametrize(
    "params",
    [
        SimulationParams(),  # effect 0.08, selection 0.10, boost 0.01/h, 20 per arm
        SimulationParams(true_effect=0.0, selection_gap=0.15, seed=1000),
        SimulationParams(
            true_effect=-0.05,
            selection_gap=0.05,
            support_boost_per_hour=0.0,
            people_per_community=50,
            seed=2000,
        ),
    ],
    ids=["effect-0.08", "no-effect", "negative-effect"],
)
def test_did_interval_covers_the_true_effect_with_20_communities_per_arm(params):
    found = recovery(params, 200, resamples=500, projection=False)
    # Nominal 95%; measured 90–93.5% over these 200 runs, 93–94% over 1 000 (see the docs).
    assert found.coverage >= 0.88
    assert abs(found.mean_error) < 0.003
    # The naive "pilot after versus everyone else after" carries the whole selection gap.
    assert found.naive_mean_error == pytest.approx(params.selection_gap, abs=0.01)
    assert abs(found.naive_mean_error) > 10 * abs(found.mean_error)


def test_with_4_communities_per_arm_the_interval_is_too_narrow_and_flagged():
    params = SimulationParams(communities_per_arm=4)
    found = recovery(params, 200, resamples=500, projection=False)
    # The reference measured 89%; we measure 86% over these 200 runs. Well below 95%, which
    # is why the page must say so (few_units) and why a permutation p-value is added.
    assert 0.78 <= found.coverage <= 0.93
    assert abs(found.naive_mean_error - params.selection_gap) < 0.015
    single = estimate(simulate(params), resamples=200)
    assert single.effect.few_units and single.effect.p_value is not None


def test_permutation_test_keeps_its_size_with_4_communities_per_arm():
    # A sharp null (no effect anywhere): p < 0.05 should happen at most 5% of the time.
    params = SimulationParams(
        communities_per_arm=4, true_effect=0.0, support_boost_per_hour=0.0, seed=5000
    )
    rejected = 0
    runs = 300
    for run in range(runs):
        panel = simulate(replace(params, seed=params.seed + run))
        effect = stats.did_interval(panel.rows(True), panel.rows(False), resamples=10)
        assert effect.p_value is not None
        rejected += effect.p_value < 0.05
    assert rejected / runs <= 0.075


def test_projection_reads_the_effect_at_the_deployment_support_level():
    params = SimulationParams(seed=7000)
    found = recovery(params, 100, resamples=500)
    # The pilot's effect (0.08) overstates what deployment, with 2 h instead of 6 h a month,
    # will get (0.04); the projection finds the latter.
    assert abs(found.projection_mean_error) < 0.01
    assert params.true_effect - params.effect_at_deployment == pytest.approx(0.04)
    assert found.projection_coverage >= 0.8


def test_parallel_trends_check_detects_a_diverging_pilot():
    diverging = SimulationParams(trend_gap=0.015, seed=8000)
    parallel = SimulationParams(seed=9000)
    held_diverging = held_parallel = 0
    runs = 30
    for run in range(runs):
        held_diverging += bool(
            estimate(simulate(replace(diverging, seed=8000 + run)), resamples=300).trends.holds
        )
        held_parallel += bool(
            estimate(simulate(replace(parallel, seed=9000 + run)), resamples=300).trends.holds
        )
    assert held_diverging / runs <= 0.25
    assert held_parallel / runs >= 0.8


def test_novelty_check_sees_a_fading_effect():
    fading = SimulationParams(novelty_decay=1.0, true_effect=0.15, seed=10_000)
    lasting = SimulationParams(true_effect=0.15, seed=11_000)
    runs = 30
    fades = sum(
        bool(estimate(simulate(replace(fading, seed=10_000 + r)), resamples=100).novelty.fades)
        for r in range(runs)
    )
    lasts = sum(
        estimate(simulate(replace(lasting, seed=11_000 + r)), resamples=100).novelty.fades is False
        for r in range(runs)
    )
    assert fades / runs >= 0.8
    assert lasts / runs >= 0.8


def test_recovery_needs_a_run():
    with pytest.raises(SimulationError):
        recovery(SimulationParams(), 0)

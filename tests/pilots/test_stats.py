"""Estimators of ``rucher.pilots.stats`` on fixtures whose answers are known: computed by
hand in the comments, or published (Wilson intervals from Newcombe 1998, table I)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from rucher.pilots import stats

# ---- Wilson --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("successes", "total", "low", "high"),
    [
        # Newcombe, "Two-sided confidence intervals for the single proportion", Stat Med 1998,
        # table I, method 3 (score interval without continuity correction).
        (81, 263, 0.2553, 0.3662),
        (15, 148, 0.0624, 0.1605),
        (0, 20, 0.0, 0.1611),
        (1, 29, 0.0061, 0.1718),
        (29, 29, 0.8830, 1.0),
    ],
)
def test_wilson_matches_published_values(successes, total, low, high):
    interval = stats.wilson(successes, total)
    assert interval.estimate == pytest.approx(successes / total)
    assert interval.low == pytest.approx(low, abs=5e-5)
    assert interval.high == pytest.approx(high, abs=5e-5)
    assert interval.method == "wilson"
    assert interval.units == total


def test_wilson_bounds_are_exact_at_the_ends():
    assert stats.wilson(0, 10).low == 0.0
    assert stats.wilson(10, 10).high == 1.0


def test_wilson_narrows_with_a_lower_level():
    wide, narrow = stats.wilson(30, 100), stats.wilson(30, 100, level=0.8)
    assert narrow.low > wide.low
    assert narrow.high < wide.high


def test_wilson_without_people_has_no_value():
    interval = stats.wilson(0, 0)
    assert (interval.estimate, interval.low, interval.high) == (None, None, None)
    assert interval.few_units


@pytest.mark.parametrize(("successes", "total"), [(3, 2), (-1, 4), (1, -1)])
def test_wilson_refuses_impossible_counts(successes, total):
    with pytest.raises(ValueError, match="successes"):
        stats.wilson(successes, total)


@pytest.mark.parametrize("level", [0, 1, 1.5, -0.2])
def test_levels_outside_0_1_are_refused(level):
    with pytest.raises(ValueError, match="level"):
        stats.wilson(1, 2, level=level)
    with pytest.raises(ValueError, match="level"):
        stats.bootstrap_mean([1, 2], level=level)


# ---- bootstrap mean, NPS, UMUX-Lite ------------------------------------------------------------


def test_bootstrap_mean_estimate_and_determinism():
    values = [1, 2, 3, 4, 5]
    first = stats.bootstrap_mean(values, seed=3)
    again = stats.bootstrap_mean(values, seed=3)
    assert first == again
    assert first.estimate == 3
    assert first.low is not None and first.high is not None
    assert 1 <= first.low < 3 < first.high <= 5
    assert first.units == 5 and first.few_units
    assert first.method == "bootstrap"


def test_bootstrap_mean_of_a_constant_has_no_spread():
    interval = stats.bootstrap_mean([4.0] * 12)
    assert (interval.estimate, interval.low, interval.high) == (4.0, 4.0, 4.0)
    assert not interval.few_units


def test_bootstrap_mean_agrees_with_the_normal_interval_on_a_large_sample():
    values = np.random.default_rng(7).normal(10, 2, size=400)
    interval = stats.bootstrap_mean(values.tolist(), resamples=4000)
    half = 1.96 * values.std(ddof=1) / math.sqrt(values.size)
    assert interval.low == pytest.approx(values.mean() - half, abs=0.1 * half)
    assert interval.high == pytest.approx(values.mean() + half, abs=0.1 * half)


def test_bootstrap_mean_ignores_missing_values_and_handles_tiny_samples():
    assert stats.bootstrap_mean([2.0, None, float("nan"), 4.0]).estimate == 3.0  # type: ignore[list-item]
    single = stats.bootstrap_mean([5.0])
    assert (single.estimate, single.low, single.high) == (5.0, None, None)
    empty = stats.bootstrap_mean([])
    assert empty.estimate is None and empty.units == 0


def test_bootstrap_median():
    interval = stats.bootstrap_median([1, 2, 3, 100, 4])
    assert interval.estimate == 3
    assert interval.low is not None and interval.high is not None and interval.high <= 100


@pytest.mark.parametrize(
    ("scores", "expected"),
    [
        # promoters 10, 9, 9, 10 (4 of 10); detractors 6, 5, 0, 3 (4 of 10): 40 − 40
        ([10, 9, 9, 8, 7, 6, 5, 0, 10, 3], 0.0),
        # promoters 3 of 5 (60%), detractors 1 of 5 (20%)
        ([10, 10, 9, 8, 2], 40.0),
        ([9, 10, 10], 100.0),
        ([0, 6, 3], -100.0),
        ([7, 8], 0.0),
    ],
)
def test_nps_on_small_lists(scores, expected):
    interval = stats.nps(scores)
    assert interval.estimate == pytest.approx(expected)
    assert interval.low is not None and interval.high is not None
    assert -100 <= interval.low <= interval.estimate <= interval.high <= 100


def test_nps_refuses_answers_outside_0_10():
    with pytest.raises(ValueError, match="NPS"):
        stats.nps([3, 11])


@pytest.mark.parametrize(
    ("capabilities", "ease", "expected"),
    [(7, 7, 100.0), (1, 1, 0.0), (4, 4, 50.0), (5, 6, 75.0), (7, 1, 50.0)],
)
def test_umux_lite(capabilities, ease, expected):
    assert stats.umux_lite(capabilities, ease) == pytest.approx(expected)


@pytest.mark.parametrize(("capabilities", "ease"), [(0, 4), (4, 8)])
def test_umux_lite_refuses_items_outside_1_7(capabilities, ease):
    with pytest.raises(ValueError, match="UMUX"):
        stats.umux_lite(capabilities, ease)


# ---- difference in differences ----------------------------------------------------------------

# Pilot changes 4, 6, 3 (mean 13/3); comparison changes 1, 2 (mean 1.5): DiD = 17/6.
PILOT = np.array([[10, 14], [20, 26], [30, 33], [5, np.nan]], dtype=float)  # last: no after
COMPARISON = np.array([[10, 11], [20, 22]], dtype=float)


def test_did_by_hand():
    assert stats.did(PILOT, COMPARISON) == pytest.approx(13 / 3 - 1.5)


def test_did_without_complete_units_is_nan():
    assert math.isnan(stats.did(np.empty((0, 2)), COMPARISON))
    assert math.isnan(stats.did(np.array([[1.0, np.nan]]), COMPARISON))


def test_did_refuses_arrays_of_the_wrong_shape():
    with pytest.raises(ValueError, match="before/after"):
        stats.did(np.array([1.0, 2.0, 3.0]), COMPARISON)


def test_did_interval_few_units_gets_an_exact_permutation_p_value():
    interval = stats.did_interval(PILOT, COMPARISON, seed=1)
    assert interval.estimate == pytest.approx(17 / 6)
    assert interval.units == 5 and interval.few_units
    assert interval.method == "cluster bootstrap"
    # Relabelling the 5 changes {4, 6, 3, 1, 2} into 3 + 2 gives 10 splits; only the observed
    # one (gap 17/6) and {1, 2, 3} vs {4, 6} (gap −3) are as extreme: p = 2/10.
    assert interval.p_value == pytest.approx(0.2)
    # Bootstrap means of the pilot changes lie in [3, 6], of the comparison in [1, 2].
    assert interval.low is not None and interval.high is not None
    assert 1 <= interval.low <= interval.estimate <= interval.high <= 5


def test_did_interval_many_units_has_no_permutation_and_centres_on_the_estimate():
    rng = np.random.default_rng(5)
    before = rng.normal(50, 5, size=(30, 1))
    pilot = np.hstack([before, before + 4 + rng.normal(0, 1, size=(30, 1))])
    before = rng.normal(40, 5, size=(25, 1))
    comparison = np.hstack([before, before + 1 + rng.normal(0, 1, size=(25, 1))])
    interval = stats.did_interval(pilot, comparison)
    assert not interval.few_units and interval.p_value is None
    assert interval.units == 55
    assert interval.covers(3.0)
    assert interval.high - interval.low < 2  # type: ignore[operator]


def test_did_interval_random_permutations_beyond_the_exact_limit():
    rng = np.random.default_rng(2)
    pilot = np.column_stack([np.zeros(9), rng.normal(5, 1, 9)])
    comparison = np.column_stack([np.zeros(30), rng.normal(0, 1, 30)])
    interval = stats.did_interval(pilot, comparison, resamples=500)
    # C(39, 9) relabellings is far beyond the exact limit; the effect is 5 sd: p is tiny but
    # never 0 with random relabellings.
    assert interval.few_units
    assert interval.p_value is not None and 0 < interval.p_value < 0.001


def test_did_interval_with_one_unit_in_an_arm_has_no_interval():
    interval = stats.did_interval(np.array([[1.0, 3.0]]), COMPARISON)
    assert interval.estimate == pytest.approx(2 - 1.5)
    assert interval.low is None and interval.high is None and interval.few_units


def test_did_interval_with_an_empty_arm():
    interval = stats.did_interval(np.empty((0, 2)), COMPARISON)
    assert interval.estimate is None and interval.units == 2


def test_did_unpaired_by_hand():
    # means: pilot 2 → 5, comparison 2 → 3: (5 − 2) − (3 − 2) = 2
    interval = stats.did_unpaired([1, 2, 3], [4, 5, 6], [1, 2, 3], [2, 3, 4], seed=4)
    assert interval.estimate == pytest.approx(2)
    assert interval.units == 12 and interval.few_units
    assert interval.low is not None and interval.high is not None
    assert interval.low <= 2 <= interval.high
    median = stats.did_unpaired([1, 2, 30], [4, 5, 6], [1, 2, 3], [2, 3, 4], statistic="median")
    assert median.estimate == pytest.approx(2)


def test_did_unpaired_nps():
    # NPS: pilot −100 → +100, comparison 0 → 0: DiD = 200
    interval = stats.did_unpaired([0, 3], [9, 10], [7, 8], [8, 7], statistic="nps")
    assert interval.estimate == pytest.approx(200)


def test_did_unpaired_refuses_an_unknown_statistic_and_reports_empty_groups():
    with pytest.raises(ValueError, match="statistic"):
        stats.did_unpaired([1], [2], [3], [4], statistic="mode")
    empty = stats.did_unpaired([], [2, 3], [3, 4], [4, 5])
    assert empty.estimate is None and empty.units == 6


# ---- parallel trends, novelty ---------------------------------------------------------------


def _lines(intercepts, slope, periods):
    return np.array([[a + slope * t for t in range(periods)] for a in intercepts], dtype=float)


def test_parallel_trends_hold_for_parallel_lines_at_different_levels():
    check = stats.parallel_trends(_lines([10, 12, 15], 1, 4), _lines([1, 2, 3, 4], 1, 4))
    assert check.slope_gap == pytest.approx(0)
    assert check.holds is True and check.periods == 4


def test_parallel_trends_fail_for_diverging_lines():
    check = stats.parallel_trends(_lines([10, 12, 15], 2, 3), _lines([1, 2, 3, 4], 1, 3))
    assert check.slope_gap == pytest.approx(1)
    assert check.interval.low == pytest.approx(1) and check.interval.high == pytest.approx(1)
    assert check.holds is False


def test_parallel_trends_use_units_with_gaps():
    pilot = _lines([10, 12], 2, 4)
    pilot[0, 1] = np.nan  # slope still 2 over three points
    check = stats.parallel_trends(pilot, _lines([1, 2], 2, 4))
    assert check.slope_gap == pytest.approx(0)


def test_parallel_trends_cannot_check_one_period():
    check = stats.parallel_trends(_lines([1, 2], 0, 1), _lines([1, 2], 0, 1))
    assert check.holds is None and check.slope_gap is None and check.periods == 1


def test_novelty_fading_effect():
    check = stats.novelty([(4, 0.5), (1, 5.0), (2, 4.0), (3, 1.0)])
    assert check.weeks == [1, 2, 3, 4]
    assert check.early == pytest.approx(4.5) and check.late == pytest.approx(0.75)
    assert check.fades is True


def test_novelty_lasting_effect_and_negative_direction():
    assert stats.novelty([(w, 3.0) for w in range(1, 9)]).fades is False
    lasting_drop = stats.novelty([(1, -4.0), (2, -4.0), (3, -3.5), (4, -3.5)])
    assert lasting_drop.fades is False
    reversed_drop = stats.novelty([(1, -4.0), (2, -4.0), (3, 1.0), (4, 1.0)])
    assert reversed_drop.fades is True


def test_novelty_with_too_few_weeks_cannot_tell():
    check = stats.novelty([(1, 3.0), (2, None), (3, 1.0)])
    assert check.effects == [3.0, None, 1.0]
    assert check.fades is None
    assert stats.novelty([]).early is None


# ---- projection ---------------------------------------------------------------------------


def test_support_projection_reads_an_exact_line():
    hours = [1.0, 2.0, 4.0, 6.0, 8.0]
    effects = [1 + 0.5 * h for h in hours]  # effect = 1 + 0.5 × hours
    projection = stats.support_projection(effects, hours, 2.0)
    assert projection.slope == pytest.approx(0.5)
    assert projection.intercept == pytest.approx(1)
    assert projection.pilot_support == pytest.approx(4.2)
    assert projection.at_pilot.estimate == pytest.approx(3.1)
    assert projection.at_deployment.estimate == pytest.approx(2.0)
    assert projection.at_deployment.low == pytest.approx(2.0)
    assert projection.at_deployment.high == pytest.approx(2.0)
    assert projection.reliable and not projection.extrapolated and projection.units == 5


def test_support_projection_unreliable_cases():
    same_support = stats.support_projection([1.0, 2.0, 3.0, 4.0], [5, 5, 5, 5], 2.0)
    assert same_support.slope is None and not same_support.reliable
    assert same_support.at_pilot.estimate == pytest.approx(2.5)
    assert same_support.at_deployment.estimate is None
    three = stats.support_projection([1.0, 2.0, 3.5], [1, 2, 3], 0.5)
    assert three.slope is not None and not three.reliable and three.extrapolated
    missing = stats.support_projection([1.0, None, 3.0], [1, 2, None], 1.0)
    assert missing.units == 1 and missing.slope is None
    nothing = stats.support_projection([], [], 1.0)
    assert nothing.units == 0 and nothing.at_pilot.estimate is None
    with pytest.raises(ValueError, match="one value per community"):
        stats.support_projection([1.0], [1.0, 2.0], 1.0)

"""Estimators for judging a pilot fairly (``shared/reference/measurement.md``).

Pure functions over numbers: no database, no Django. Every random step takes a ``seed`` so a
page, a report and a test computing the same thing get the same interval. Bootstraps are
vectorised (one index matrix of ``resamples × units`` per group) because the evaluation runs
them for every measure on every page view and the simulation tests run them hundreds of times.

Conventions:

- ``None`` in an :class:`Interval` means "cannot be computed from these data" (no unit, or one
  unit only so there is no spread); callers show "no data" rather than a made-up zero.
- Missing values (``nan``) in per-unit arrays drop that unit: a community without a value
  before or after has no change to contribute to a difference in differences.
- Intervals are percentile bootstrap intervals unless ``method`` says otherwise. With few
  units (< 10 in an arm) they are too narrow — about 89% coverage for a nominal 95% with 4
  communities per arm (``docs/pilots/simulation.md``) — hence ``few_units`` and, for the
  paired difference in differences, a permutation p-value that does not rely on the bootstrap.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import combinations
from statistics import NormalDist

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]

# Below this many units in an arm the bootstrap interval under-covers: the page must say so.
FEW_UNITS = 10
# Exact permutation enumeration up to this many relabellings, random ones beyond.
_EXACT_PERMUTATIONS = 20_000
_RANDOM_PERMUTATIONS = 10_000


@dataclass(frozen=True)
class Interval:
    estimate: float | None
    low: float | None
    high: float | None
    level: float = 0.95
    method: str = ""  # "cluster bootstrap", "bootstrap", "wilson", "permutation", "t"
    units: int = 0  # how many units (communities or people) it rests on
    few_units: bool = False  # True when an arm has < 10 units: the page must say so
    p_value: float | None = None

    def covers(self, value: float) -> bool:
        """Whether ``value`` lies inside the interval (False when there is no interval)."""
        if self.low is None or self.high is None:
            return False
        return self.low <= value <= self.high


@dataclass(frozen=True)
class TrendCheck:
    slope_gap: float | None  # pilot slope − comparison slope, per pre-period
    interval: Interval
    periods: int
    holds: bool | None  # None = cannot check (< 2 pre-periods or an arm without units)


@dataclass(frozen=True)
class NoveltyCheck:
    weeks: list[int]
    effects: list[float | None]
    early: float | None  # mean effect over the first half of the weeks with data
    late: float | None  # mean effect over the second half
    fades: bool | None  # None = too few weeks (< 4 with data) to tell


@dataclass(frozen=True)
class Projection:
    slope: float | None  # effect per support hour (per community per month)
    intercept: float | None  # effect read at zero support
    pilot_support: float  # mean support of the pilot communities
    deployment_support: float
    at_pilot: Interval
    at_deployment: Interval
    units: int
    reliable: bool  # False when < 4 communities or no spread in support
    # True when the deployment level lies outside the support the pilot communities received:
    # the line is read beyond the data, say so beside the projection.
    extrapolated: bool = False


# ---- helpers ---------------------------------------------------------------------------


def _check_level(level: float) -> None:
    if not 0 < level < 1:
        raise ValueError(f"level must be between 0 and 1, got {level!r}")


def _check_resamples(resamples: int) -> None:
    if resamples < 1:
        raise ValueError(f"resamples must be at least 1, got {resamples!r}")


def _clean(values: Sequence[float] | npt.ArrayLike) -> FloatArray:
    """A 1-d float array without nan/None."""
    array = np.asarray(
        [np.nan if v is None else v for v in np.asarray(values, dtype=object).ravel()],
        dtype=float,
    )
    return array[~np.isnan(array)]


def _percentiles(draws: FloatArray, level: float) -> tuple[float | None, float | None]:
    draws = draws[~np.isnan(draws)]
    if draws.size == 0:
        return None, None
    alpha = (1 - level) / 2
    low, high = np.quantile(draws, [alpha, 1 - alpha])
    return float(low), float(high)


def _resample_means(values: FloatArray, resamples: int, rng: np.random.Generator) -> FloatArray:
    """Means of ``resamples`` bootstrap samples of ``values`` (one index matrix, no loop)."""
    index = rng.integers(0, values.size, size=(resamples, values.size))
    means: FloatArray = values[index].mean(axis=1)
    return means


def _paired_changes(arm: npt.ArrayLike) -> FloatArray:
    """after − before per unit from an (n, 2) array; units with a missing value dropped."""
    array = np.asarray(arm, dtype=float)
    if array.size == 0:
        return np.empty(0)
    if array.ndim != 2 or array.shape[1] != 2:
        raise ValueError(f"expected an (units, 2) array of before/after, got {array.shape}")
    complete = ~np.isnan(array).any(axis=1)
    changes: FloatArray = array[complete, 1] - array[complete, 0]
    return changes


# ---- proportions, means, scores ------------------------------------------------------------


def wilson(successes: int, total: int, *, level: float = 0.95) -> Interval:
    """Wilson score interval for a proportion (Wilson 1927): good even for small groups and
    proportions near 0 or 1, where the normal approximation goes outside [0, 1]."""
    _check_level(level)
    if total < 0 or successes < 0 or successes > total:
        raise ValueError(f"need 0 ≤ successes ≤ total, got {successes}/{total}")
    if total == 0:
        return Interval(None, None, None, level=level, method="wilson", units=0, few_units=True)
    z = NormalDist().inv_cdf(1 - (1 - level) / 2)
    p = successes / total
    denominator = 1 + z * z / total
    centre = (p + z * z / (2 * total)) / denominator
    half = z * math.sqrt(p * (1 - p) / total + z * z / (4 * total * total)) / denominator
    # At 0 and at total the bounds are exactly 0 and 1; rounding would leave 1e-17 there.
    low = 0.0 if successes == 0 else max(0.0, centre - half)
    high = 1.0 if successes == total else min(1.0, centre + half)
    return Interval(
        p,
        low,
        high,
        level=level,
        method="wilson",
        units=total,
        few_units=total < FEW_UNITS,
    )


def bootstrap_mean(
    values: Sequence[float], *, resamples: int = 2000, seed: int = 0, level: float = 0.95
) -> Interval:
    """Mean with a percentile bootstrap interval, resampling the values (people or units)."""
    return _bootstrap_statistic(values, _mean_rows, resamples=resamples, seed=seed, level=level)


def bootstrap_median(
    values: Sequence[float], *, resamples: int = 2000, seed: int = 0, level: float = 0.95
) -> Interval:
    """Median with a percentile bootstrap interval."""
    return _bootstrap_statistic(values, _median_rows, resamples=resamples, seed=seed, level=level)


def _mean_rows(samples: FloatArray) -> FloatArray:
    result: FloatArray = samples.mean(axis=-1)
    return result


def _median_rows(samples: FloatArray) -> FloatArray:
    result: FloatArray = np.median(samples, axis=-1)
    return result


def _nps_rows(samples: FloatArray) -> FloatArray:
    # NPS = %promoters − %detractors = mean of +100 (9–10), −100 (0–6), 0 (7–8) per person.
    return _mean_rows(_nps_codes(samples))


def _nps_codes(scores: FloatArray) -> FloatArray:
    codes: FloatArray = np.where(scores >= 9, 100.0, np.where(scores <= 6, -100.0, 0.0))
    return codes


_STATISTICS: dict[str, Callable[[FloatArray], FloatArray]] = {
    "mean": _mean_rows,
    "median": _median_rows,
    "nps": _nps_rows,
}


def _bootstrap_statistic(
    values: Sequence[float] | FloatArray,
    statistic: Callable[[FloatArray], FloatArray],
    *,
    resamples: int,
    seed: int,
    level: float,
) -> Interval:
    _check_level(level)
    _check_resamples(resamples)
    data = _clean(values)
    n = int(data.size)
    if n == 0:
        return Interval(None, None, None, level=level, method="bootstrap", units=0, few_units=True)
    estimate = float(statistic(data))
    if n == 1:
        return Interval(
            estimate, None, None, level=level, method="bootstrap", units=1, few_units=True
        )
    rng = np.random.default_rng(seed)
    draws = statistic(data[rng.integers(0, n, size=(resamples, n))])
    low, high = _percentiles(draws, level)
    return Interval(
        estimate,
        low,
        high,
        level=level,
        method="bootstrap",
        units=n,
        few_units=n < FEW_UNITS,
    )


def nps(scores: Sequence[float], *, resamples: int = 2000, seed: int = 0) -> Interval:
    """Net promoter score (0–10 answers): %promoters (9–10) − %detractors (0–6), in
    [−100, 100], with a bootstrap interval resampling respondents."""
    data = _clean(scores)
    if ((data < 0) | (data > 10)).any():
        raise ValueError("NPS answers must lie between 0 and 10")
    return _bootstrap_statistic(data, _nps_rows, resamples=resamples, seed=seed, level=0.95)


def umux_lite(capabilities: float, ease: float) -> float:
    """UMUX-Lite score of one respondent from its two 1–7 items: (i1 + i2 − 2) × 100 / 12."""
    for item in (capabilities, ease):
        if not 1 <= item <= 7:
            raise ValueError(f"UMUX-Lite items lie between 1 and 7, got {item!r}")
    return (capabilities + ease - 2) * 100 / 12


# ---- difference in differences --------------------------------------------------------------


def did(pilot: npt.ArrayLike, comparison: npt.ArrayLike) -> float:
    """Difference in differences from per-unit (before, after) rows:
    mean(pilot after − before) − mean(comparison after − before).

    ``nan`` when an arm has no unit with both values."""
    pilot_changes = _paired_changes(pilot)
    comparison_changes = _paired_changes(comparison)
    if pilot_changes.size == 0 or comparison_changes.size == 0:
        return math.nan
    return float(pilot_changes.mean() - comparison_changes.mean())


def did_interval(
    pilot: npt.ArrayLike,
    comparison: npt.ArrayLike,
    *,
    resamples: int = 2000,
    seed: int = 0,
    level: float = 0.95,
) -> Interval:
    """Difference in differences with a cluster bootstrap interval: whole units (communities,
    people) are resampled within each arm, never their individual messages or days.

    When an arm has fewer than 10 units the interval is flagged ``few_units`` and a two-sided
    permutation p-value (units' changes relabelled between arms) is added: it keeps its size
    where the bootstrap interval is too narrow."""
    _check_level(level)
    _check_resamples(resamples)
    pilot_changes = _paired_changes(pilot)
    comparison_changes = _paired_changes(comparison)
    n_pilot, n_comparison = int(pilot_changes.size), int(comparison_changes.size)
    units = n_pilot + n_comparison
    few = min(n_pilot, n_comparison) < FEW_UNITS
    method = "cluster bootstrap"
    if n_pilot == 0 or n_comparison == 0:
        return Interval(None, None, None, level=level, method=method, units=units, few_units=True)
    estimate = float(pilot_changes.mean() - comparison_changes.mean())
    p_value = _permutation_p(pilot_changes, comparison_changes, seed) if few else None
    if n_pilot < 2 or n_comparison < 2:
        # One unit in an arm: resampling it always returns it, the spread would be a lie.
        return Interval(
            estimate,
            None,
            None,
            level=level,
            method=method,
            units=units,
            few_units=True,
            p_value=p_value,
        )
    rng = np.random.default_rng(seed)
    draws = _resample_means(pilot_changes, resamples, rng) - _resample_means(
        comparison_changes, resamples, rng
    )
    low, high = _percentiles(draws, level)
    return Interval(
        estimate,
        low,
        high,
        level=level,
        method=method,
        units=units,
        few_units=few,
        p_value=p_value,
    )


def _permutation_p(first: FloatArray, second: FloatArray, seed: int) -> float:
    """Two-sided permutation p-value for a difference of means between two groups of units:
    every relabelling when there are at most 20 000 of them, else 10 000 random ones."""
    pooled = np.concatenate([first, second])
    n, k = pooled.size, first.size
    observed = abs(first.mean() - second.mean())
    total = pooled.sum()
    if math.comb(n, k) <= _EXACT_PERMUTATIONS:
        index = np.array(list(combinations(range(n), k)), dtype=np.intp)
        sums = pooled[index].sum(axis=1)
        exact = True
    else:
        rng = np.random.default_rng(seed)
        order = np.argsort(rng.random((_RANDOM_PERMUTATIONS, n)), axis=1)[:, :k]
        sums = pooled[order].sum(axis=1)
        exact = False
    gaps = np.abs(sums / k - (total - sums) / (n - k))
    # A small tolerance so that relabellings equal to the observed one count as "as extreme".
    extreme = int((gaps >= observed - 1e-12 * max(1.0, observed)).sum())
    if exact:
        return extreme / len(gaps)
    # Random relabellings: count the observed labelling too (Phipson & Smyth 2010).
    return (extreme + 1) / (len(gaps) + 1)


def did_unpaired(
    pilot_before: Sequence[float],
    pilot_after: Sequence[float],
    comparison_before: Sequence[float],
    comparison_after: Sequence[float],
    *,
    statistic: str = "mean",
    resamples: int = 2000,
    seed: int = 0,
    level: float = 0.95,
) -> Interval:
    """Difference in differences of a statistic over four independent groups — survey
    answers are anonymous, so respondents cannot be paired across waves: each group is
    resampled on its own. ``statistic``: "mean", "median" or "nps"."""
    _check_level(level)
    _check_resamples(resamples)
    if statistic not in _STATISTICS:
        raise ValueError(f"unknown statistic {statistic!r}; use one of {sorted(_STATISTICS)}")
    compute = _STATISTICS[statistic]
    groups = [_clean(g) for g in (pilot_before, pilot_after, comparison_before, comparison_after)]
    sizes = [int(g.size) for g in groups]
    units = sum(sizes)
    few = min(sizes) < FEW_UNITS
    method = "bootstrap"
    if min(sizes) == 0:
        return Interval(None, None, None, level=level, method=method, units=units, few_units=True)
    signs = (-1.0, 1.0, 1.0, -1.0)  # (pa − pb) − (ca − cb)
    estimate = float(sum(s * float(compute(g)) for s, g in zip(signs, groups, strict=True)))
    if min(sizes) < 2:
        return Interval(
            estimate, None, None, level=level, method=method, units=units, few_units=True
        )
    rng = np.random.default_rng(seed)
    draws = np.zeros(resamples)
    for sign, group in zip(signs, groups, strict=True):
        draws += sign * compute(group[rng.integers(0, group.size, size=(resamples, group.size))])
    low, high = _percentiles(draws, level)
    return Interval(estimate, low, high, level=level, method=method, units=units, few_units=few)


# ---- checks ----------------------------------------------------------------------------------


def _unit_slopes(series: npt.ArrayLike) -> tuple[FloatArray, int]:
    """Least-squares slope per unit (row) over the period index; rows with fewer than two
    values dropped. Returns the slopes and the number of periods (columns)."""
    array = np.asarray(series, dtype=float)
    if array.size == 0:
        return np.empty(0), 0 if array.ndim < 2 else int(array.shape[1])
    if array.ndim != 2:
        raise ValueError(f"expected an (units, periods) array, got {array.shape}")
    periods = int(array.shape[1])
    present = ~np.isnan(array)
    t = np.broadcast_to(np.arange(periods, dtype=float), array.shape)
    counts = present.sum(axis=1)
    safe_counts = np.maximum(counts, 1)
    t_mean = np.where(present, t, 0).sum(axis=1) / safe_counts
    y_mean = np.where(present, array, 0).sum(axis=1) / safe_counts
    dt = np.where(present, t - t_mean[:, None], 0)
    dy = np.where(present, array - y_mean[:, None], 0)
    sxx = (dt * dt).sum(axis=1)
    usable = (counts >= 2) & (sxx > 0)
    slopes: FloatArray = (dt * dy).sum(axis=1)[usable] / sxx[usable]
    return slopes, periods


def parallel_trends(
    pilot_pre: npt.ArrayLike,
    comparison_pre: npt.ArrayLike,
    *,
    resamples: int = 2000,
    seed: int = 0,
    level: float = 0.95,
) -> TrendCheck:
    """Check that pilot and comparison moved alike before the start, on (units, periods)
    arrays of the pre-period: the gap between the arms' mean per-unit slopes, with a cluster
    bootstrap interval. ``holds`` is True when the interval contains 0 — "no detectable
    gap", which with few units is weak evidence (the interval says how weak)."""
    _check_level(level)
    _check_resamples(resamples)
    pilot_slopes, pilot_periods = _unit_slopes(pilot_pre)
    comparison_slopes, comparison_periods = _unit_slopes(comparison_pre)
    periods = min(pilot_periods, comparison_periods)
    n_pilot, n_comparison = int(pilot_slopes.size), int(comparison_slopes.size)
    units = n_pilot + n_comparison
    few = min(n_pilot, n_comparison) < FEW_UNITS
    method = "cluster bootstrap"
    if periods < 2 or n_pilot == 0 or n_comparison == 0:
        empty = Interval(None, None, None, level=level, method=method, units=units, few_units=True)
        return TrendCheck(None, empty, periods, None)
    gap = float(pilot_slopes.mean() - comparison_slopes.mean())
    if n_pilot < 2 or n_comparison < 2:
        interval = Interval(
            gap, None, None, level=level, method=method, units=units, few_units=True
        )
        return TrendCheck(gap, interval, periods, None)
    rng = np.random.default_rng(seed)
    draws = _resample_means(pilot_slopes, resamples, rng) - _resample_means(
        comparison_slopes, resamples, rng
    )
    low, high = _percentiles(draws, level)
    interval = Interval(gap, low, high, level=level, method=method, units=units, few_units=few)
    holds = None if low is None or high is None else bool(low <= 0 <= high)
    return TrendCheck(gap, interval, periods, holds)


def novelty(weekly_effects: Sequence[tuple[int, float | None]]) -> NoveltyCheck:
    """Effect by weeks since first exposure: does it fade? The weeks with data are split in
    an early and a late half (the middle week, if odd, goes to neither); the effect fades
    when the late mean has lost more than half of the early one, or changed sign."""
    ordered = sorted(weekly_effects, key=lambda pair: pair[0])
    weeks = [int(week) for week, _ in ordered]
    effects = [None if e is None or math.isnan(e) else float(e) for _, e in ordered]
    known = [e for e in effects if e is not None]
    if len(known) < 2:
        return NoveltyCheck(weeks, effects, None, None, None)
    half = len(known) // 2
    early = float(np.mean(known[:half]))
    late = float(np.mean(known[len(known) - half :]))
    if len(known) < 4:
        return NoveltyCheck(weeks, effects, early, late, None)
    # Measured in the direction of the early effect so that "lower is better" KPIs work.
    fades = False if early == 0 else bool(late / early < 0.5)
    return NoveltyCheck(weeks, effects, early, late, fades)


# ---- projection to the deployment support level ---------------------------------------------


def support_projection(
    effects: Sequence[float | None],
    support_hours: Sequence[float | None],
    deployment_support: float,
    *,
    resamples: int = 2000,
    seed: int = 0,
    level: float = 0.95,
) -> Projection:
    """Relate each pilot community's effect to the support it received (hours per community
    per month) by least squares, and read the line at the support deployment will give.
    Intervals resample communities (pairs of effect and support). ``reliable`` is False with
    fewer than 4 communities or when all received the same support (no slope can be read)."""
    _check_level(level)
    _check_resamples(resamples)
    if len(effects) != len(support_hours):
        raise ValueError("effects and support_hours must have one value per community")
    pairs = np.array(
        [
            (np.nan if e is None else e, np.nan if h is None else h)
            for e, h in zip(effects, support_hours, strict=True)
        ],
        dtype=float,
    ).reshape(-1, 2)
    pairs = pairs[~np.isnan(pairs).any(axis=1)]
    y, x = pairs[:, 0], pairs[:, 1]
    n = int(x.size)
    deployment = float(deployment_support)
    method = "cluster bootstrap"
    few = n < FEW_UNITS
    pilot_support = float(x.mean()) if n else 0.0
    empty = Interval(None, None, None, level=level, method=method, units=n, few_units=True)
    if n == 0:
        return Projection(None, None, 0.0, deployment, empty, empty, 0, False)
    spread = n >= 2 and float(np.ptp(x)) > 1e-9
    if not spread:
        # No slope can be read: the mean effect holds at the pilot's level only.
        at_pilot = _bootstrap_statistic(y, _mean_rows, resamples=resamples, seed=seed, level=level)
        at_pilot = Interval(
            at_pilot.estimate,
            at_pilot.low,
            at_pilot.high,
            level=level,
            method=method,
            units=n,
            few_units=few,
        )
        return Projection(None, None, pilot_support, deployment, at_pilot, empty, n, False)
    slope, intercept = _ols(x, y)
    rng = np.random.default_rng(seed)
    index = rng.integers(0, n, size=(resamples, n))
    xs, ys = x[index], y[index]
    x_mean, y_mean = xs.mean(axis=1), ys.mean(axis=1)
    sxx = ((xs - x_mean[:, None]) ** 2).sum(axis=1)
    sxy = ((xs - x_mean[:, None]) * (ys - y_mean[:, None])).sum(axis=1)
    # Resamples that drew one support level only have no slope: left out of the percentiles.
    with np.errstate(invalid="ignore", divide="ignore"):
        slopes = np.where(sxx > 1e-12, sxy / np.where(sxx > 1e-12, sxx, 1.0), np.nan)
    intercepts = y_mean - slopes * x_mean
    at_pilot_draws = intercepts + slopes * pilot_support
    at_deployment_draws = intercepts + slopes * deployment
    low_p, high_p = _percentiles(at_pilot_draws, level)
    low_d, high_d = _percentiles(at_deployment_draws, level)
    at_pilot = Interval(
        intercept + slope * pilot_support,
        low_p,
        high_p,
        level=level,
        method=method,
        units=n,
        few_units=few,
    )
    at_deployment = Interval(
        intercept + slope * deployment,
        low_d,
        high_d,
        level=level,
        method=method,
        units=n,
        few_units=few,
    )
    extrapolated = not float(x.min()) <= deployment <= float(x.max())
    return Projection(
        slope,
        intercept,
        pilot_support,
        deployment,
        at_pilot,
        at_deployment,
        n,
        n >= 4,
        extrapolated,
    )


def _ols(x: FloatArray, y: FloatArray) -> tuple[float, float]:
    x_mean, y_mean = float(x.mean()), float(y.mean())
    sxx = float(((x - x_mean) ** 2).sum())
    slope = float(((x - x_mean) * (y - y_mean)).sum()) / sxx
    return slope, y_mean - slope * x_mean

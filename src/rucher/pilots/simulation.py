"""Community panels with a *known* pilot effect, selection gap and support boost.

Why: an evaluation that cannot be checked is an opinion. This module plants an effect in
synthetic data so that anyone can verify that the difference in differences of ``stats``
recovers it within its interval, while the naive "pilot versus everyone else" comparison is off
by the selection gap. ``docs/pilots/simulation.md`` describes the model and the coverage rates
measured with it; ``rucher pilot_simulate`` writes such a panel into the database.

The model (one outcome: the share of a community's members who contribute in a week):

    p[c, t] = base[c] + selection_gap · pilot[c] + (trend + trend_gap · pilot[c]) · t
              + season[t] + shock[c, t] + pilot[c] · post[t] · effect[c] · fade[t]
    effect[c] = true_effect + support_boost_per_hour · (hours[c] − mean pilot hours)
    contributed[c, person, t] ~ Bernoulli(clip(p[c, t], 0, 1))

``true_effect`` is therefore the mean effect in the pilot at the support the pilot gives; the
effect at the deployment support level is ``true_effect + boost · (deployment − mean hours)``.
Pure numpy, deterministic given the seed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace

import numpy as np
import numpy.typing as npt
from django.utils.translation import gettext_lazy as _

from rucher.pilots import stats

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]


class SimulationError(ValueError):
    """Parameters that cannot make a panel; ``field`` names the parameter."""

    def __init__(self, field_name: str, message: str) -> None:
        super().__init__(message)
        self.field = field_name
        self.message = message


@dataclass(frozen=True)
class SimulationParams:
    communities_per_arm: int = 20
    people_per_community: int = 30
    pre_periods: int = 8  # weeks before the start
    post_periods: int = 12  # weeks of the pilot
    true_effect: float = 0.08  # mean effect in the pilot, on the weekly contributor rate
    selection_gap: float = 0.10  # pilot communities start this much higher
    support_boost_per_hour: float = 0.01  # effect per support hour (per community per month)
    # Support the pilot communities receive: uniform in mean ± spread (hours/community/month).
    pilot_support_hours: tuple[float, float] = (6.0, 4.0)
    deployment_support_hours: float = 2.0
    noise: float = 0.03  # sd of the weekly shocks, per community and common to all
    seed: int = 0
    baseline: float = 0.25  # mean weekly contributor rate of a comparison community
    community_spread: float = 0.05  # sd of the communities' own levels
    trend: float = 0.0  # common change per week
    trend_gap: float = 0.0  # extra change per week in pilot communities (breaks parallel trends)
    novelty_decay: float = 0.0  # share of the effect lost by the last pilot week (linear)

    def validate(self) -> None:
        """Raise :class:`SimulationError` on parameters that make no sense."""
        mean_hours, spread_hours = self.pilot_support_hours
        checks: list[tuple[bool, str, str]] = [
            (
                self.communities_per_arm >= 2,
                "communities_per_arm",
                str(_("At least 2 communities per arm are needed to estimate anything.")),
            ),
            (
                self.people_per_community >= 1,
                "people_per_community",
                str(_("A community needs at least one person.")),
            ),
            (
                self.pre_periods >= 1,
                "pre_periods",
                str(_("At least one week before the start is needed.")),
            ),
            (
                self.post_periods >= 1,
                "post_periods",
                str(_("At least one week of pilot is needed.")),
            ),
            (
                mean_hours >= 0 and 0 <= spread_hours <= mean_hours,
                "pilot_support_hours",
                str(_("Support hours must be positive, with a spread no larger than the mean.")),
            ),
            (
                self.deployment_support_hours >= 0,
                "deployment_support_hours",
                str(_("The deployment support level cannot be negative.")),
            ),
            (
                self.noise >= 0 and self.community_spread >= 0,
                "noise",
                str(_("Noise cannot be negative.")),
            ),
            (
                0 <= self.novelty_decay <= 1,
                "novelty_decay",
                str(_("The novelty decay is a share between 0 and 1.")),
            ),
            (
                0 < self.baseline < 1,
                "baseline",
                str(_("The baseline contributor rate lies strictly between 0 and 1.")),
            ),
        ]
        for ok, name, message in checks:
            if not ok:
                raise SimulationError(name, message)
        # The outcome is a share: a planted level beyond [0, 1] would be clipped and the true
        # effect would no longer be what was asked.
        top = (
            self.baseline
            + self.selection_gap
            + self.max_effect()
            + max(0.0, self.trend + self.trend_gap) * (self.pre_periods + self.post_periods)
        )
        if top > 0.95 or self.baseline + min(0.0, self.selection_gap, self.min_effect()) < 0.05:
            raise SimulationError(
                "true_effect",
                str(
                    _(
                        "Baseline, selection gap and effect together leave the 5–95% range of "
                        "contributor rates: choose smaller values."
                    )
                ),
            )

    def max_effect(self) -> float:
        spread_hours = self.pilot_support_hours[1]
        return max(
            self.true_effect + self.support_boost_per_hour * spread_hours,
            self.true_effect - self.support_boost_per_hour * spread_hours,
        )

    def min_effect(self) -> float:
        spread_hours = self.pilot_support_hours[1]
        return min(
            self.true_effect + self.support_boost_per_hour * spread_hours,
            self.true_effect - self.support_boost_per_hour * spread_hours,
        )

    @property
    def effect_at_deployment(self) -> float:
        mean_hours = self.pilot_support_hours[0]
        return self.true_effect + self.support_boost_per_hour * (
            self.deployment_support_hours - mean_hours
        )


@dataclass(frozen=True)
class SimulatedPanel:
    """One simulated organisation: ``n = 2 × communities_per_arm`` communities, pilot first."""

    params: SimulationParams
    is_pilot: BoolArray  # (n,)
    support_hours: FloatArray  # (n,) hours per community per month; 0 for comparison
    effects: FloatArray  # (n,) planted effect of each community over the pilot; 0 for comparison
    contributed: BoolArray  # (n, people, pre + post) who contributed in which week
    pre_series: FloatArray  # (n, pre) weekly contributor rate before the start
    post_series: FloatArray  # (n, post) weekly contributor rate during the pilot
    true_effect: float  # mean effect at the pilot's support level (the parameter)
    true_effect_at_deployment: float

    @property
    def before(self) -> FloatArray:
        result: FloatArray = self.pre_series.mean(axis=1)
        return result

    @property
    def after(self) -> FloatArray:
        result: FloatArray = self.post_series.mean(axis=1)
        return result

    @property
    def arm(self) -> list[str]:
        return ["pilot" if p else "comparison" for p in self.is_pilot]

    def rows(self, pilot: bool) -> FloatArray:
        """(units, 2) before/after rows of one arm, as ``stats.did`` takes them."""
        mask = self.is_pilot if pilot else ~self.is_pilot
        result: FloatArray = np.column_stack([self.before[mask], self.after[mask]])
        return result


def simulate(params: SimulationParams) -> SimulatedPanel:
    params.validate()
    rng = np.random.default_rng(params.seed)
    per_arm = params.communities_per_arm
    n = 2 * per_arm
    pre, post = params.pre_periods, params.post_periods
    weeks = pre + post
    is_pilot = np.arange(n) < per_arm
    mean_hours, spread_hours = params.pilot_support_hours
    hours = np.where(
        is_pilot, rng.uniform(mean_hours - spread_hours, mean_hours + spread_hours, n), 0.0
    )
    effects = np.where(
        is_pilot,
        params.true_effect + params.support_boost_per_hour * (hours - mean_hours),
        0.0,
    )
    base = params.baseline + rng.normal(0, params.community_spread, n)
    t = np.arange(weeks, dtype=float)
    season = rng.normal(0, params.noise, weeks)
    shocks = rng.normal(0, params.noise, (n, weeks))
    fade = np.concatenate([np.zeros(pre), fade_factors(params)])
    probability = (
        base[:, None]
        + params.selection_gap * is_pilot[:, None]
        + (params.trend + params.trend_gap * is_pilot[:, None]) * t[None, :]
        + season[None, :]
        + shocks
        + effects[:, None] * fade[None, :]
    )
    probability = np.clip(probability, 0.0, 1.0)
    contributed = rng.random((n, params.people_per_community, weeks)) < probability[:, None, :]
    rates = contributed.mean(axis=1)
    mean_fade = float(fade_factors(params).mean())
    return SimulatedPanel(
        params=params,
        is_pilot=is_pilot,
        support_hours=hours,
        effects=effects * mean_fade,
        contributed=contributed,
        pre_series=rates[:, :pre],
        post_series=rates[:, pre:],
        true_effect=params.true_effect * mean_fade,
        true_effect_at_deployment=params.effect_at_deployment * mean_fade,
    )


def fade_factors(params: SimulationParams) -> FloatArray:
    """Share of the effect present in each pilot week: linear fading from the full effect in
    the first week to (1 − novelty_decay) of it in the last one."""
    post = params.post_periods
    weeks = np.arange(post, dtype=float)
    factors: FloatArray = 1 - params.novelty_decay * weeks / max(post - 1, 1)
    return factors


def planted_effect(
    params: SimulationParams,
    post_weeks: Sequence[int] | None = None,
    support_hours: Sequence[float] | None = None,
) -> float:
    """The planted effect an estimate targets when it reads only ``post_weeks`` (0 = the
    first pilot week; None = all of them): at the pilot's mean support (the parameter), or
    for communities that received ``support_hours`` (their mean planted effect)."""
    factors = fade_factors(params)
    if post_weeks is not None:
        chosen = [w for w in post_weeks if 0 <= w < params.post_periods]
        if not chosen:
            raise SimulationError("post_weeks", str(_("No pilot week to read.")))
        factors = factors[chosen]
    effect = params.true_effect
    if support_hours is not None and len(support_hours):
        mean_hours = params.pilot_support_hours[0]
        effect += params.support_boost_per_hour * (float(np.mean(support_hours)) - mean_hours)
    return effect * float(factors.mean())


# ---- estimating on a panel ----------------------------------------------------------------


@dataclass(frozen=True)
class PanelEstimates:
    effect: stats.Interval  # difference in differences, cluster bootstrap
    naive: float  # pilot after − comparison ("everyone else") after
    naive_before_after: float  # pilot after − pilot before, no comparison at all
    trends: stats.TrendCheck
    novelty: stats.NoveltyCheck
    projection: stats.Projection


def estimate(
    panel: SimulatedPanel, *, resamples: int = 2000, seed: int = 0, level: float = 0.95
) -> PanelEstimates:
    """What the evaluation computes, on a simulated panel (no database)."""
    effect, naive, naive_before_after = _effect(panel, resamples=resamples, seed=seed, level=level)
    trends = stats.parallel_trends(
        panel.pre_series[panel.is_pilot],
        panel.pre_series[~panel.is_pilot],
        resamples=resamples,
        seed=seed,
        level=level,
    )
    comparison_change = panel.post_series[~panel.is_pilot] - panel.before[~panel.is_pilot, None]
    pilot_change = panel.post_series[panel.is_pilot] - panel.before[panel.is_pilot, None]
    weekly = pilot_change.mean(axis=0) - comparison_change.mean(axis=0)
    novelty = stats.novelty([(week + 1, float(e)) for week, e in enumerate(weekly)])
    projection = _projection(panel, resamples=resamples, seed=seed, level=level)
    return PanelEstimates(effect, naive, naive_before_after, trends, novelty, projection)


def _effect(
    panel: SimulatedPanel, *, resamples: int, seed: int, level: float
) -> tuple[stats.Interval, float, float]:
    pilot_rows, comparison_rows = panel.rows(True), panel.rows(False)
    effect = stats.did_interval(
        pilot_rows, comparison_rows, resamples=resamples, seed=seed, level=level
    )
    naive = float(pilot_rows[:, 1].mean() - comparison_rows[:, 1].mean())
    naive_before_after = float(pilot_rows[:, 1].mean() - pilot_rows[:, 0].mean())
    return effect, naive, naive_before_after


def _projection(
    panel: SimulatedPanel, *, resamples: int, seed: int, level: float
) -> stats.Projection:
    # Each pilot community's own effect: its change beyond the comparison's mean change.
    comparison_change = panel.after[~panel.is_pilot] - panel.before[~panel.is_pilot]
    pilot_change = panel.after[panel.is_pilot] - panel.before[panel.is_pilot]
    per_community = pilot_change - comparison_change.mean()
    return stats.support_projection(
        per_community.tolist(),
        panel.support_hours[panel.is_pilot].tolist(),
        panel.params.deployment_support_hours,
        resamples=resamples,
        seed=seed,
        level=level,
    )


@dataclass(frozen=True)
class Recovery:
    """How often, over many simulated organisations, the estimates find the planted values."""

    runs: int
    coverage: float  # share of runs whose DiD interval holds the true effect
    mean_error: float  # mean of (DiD estimate − true effect)
    mean_abs_error: float
    naive_mean_error: float  # mean of (naive estimate − true effect)
    projection_coverage: (
        float  # share of runs whose projection interval holds the deployment effect
    )
    projection_mean_error: float
    mean_width: float  # mean width of the DiD interval
    errors: list[float] = field(default_factory=list, repr=False)


def recovery(
    params: SimulationParams,
    runs: int,
    *,
    resamples: int = 1000,
    level: float = 0.95,
    projection: bool = True,
) -> Recovery:
    """Simulate ``runs`` organisations (seeds ``params.seed`` … ``params.seed + runs − 1``)
    and measure how the estimates do against the planted truth. ``projection=False`` skips
    the projection (its coverage is then reported as 0) when only the effect matters."""
    if runs < 1:
        raise SimulationError("runs", str(_("At least one run is needed.")))
    covered = projected = 0
    errors: list[float] = []
    naive_errors: list[float] = []
    projection_errors: list[float] = []
    widths: list[float] = []
    for run in range(runs):
        panel = simulate(replace(params, seed=params.seed + run))
        effect, naive, _before_after = _effect(panel, resamples=resamples, seed=run, level=level)
        assert effect.estimate is not None  # validate() asks for 2 communities per arm
        errors.append(effect.estimate - panel.true_effect)
        naive_errors.append(naive - panel.true_effect)
        covered += effect.covers(panel.true_effect)
        if effect.low is not None and effect.high is not None:
            widths.append(effect.high - effect.low)
        if not projection:
            continue
        at_deployment = _projection(panel, resamples=resamples, seed=run, level=level).at_deployment
        projected += at_deployment.covers(panel.true_effect_at_deployment)
        if at_deployment.estimate is not None:
            projection_errors.append(at_deployment.estimate - panel.true_effect_at_deployment)
    return Recovery(
        runs=runs,
        coverage=covered / runs,
        mean_error=float(np.mean(errors)),
        mean_abs_error=float(np.mean(np.abs(errors))),
        naive_mean_error=float(np.mean(naive_errors)),
        projection_coverage=projected / runs,
        projection_mean_error=float(np.mean(projection_errors)) if projection_errors else 0.0,
        mean_width=float(np.mean(widths)) if widths else 0.0,
        errors=errors,
    )

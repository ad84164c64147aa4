"""Shapes of a pilot's evaluation in the JSON API.

Figures are raw numbers (ratios as shares from 0 to 1, scores as computed); null means no
data, never zero. Texts (labels, verdicts, notes, biases) are in the caller's language.
"""

from __future__ import annotations

import datetime

from ninja import Field, Schema


class EvalIntervalOut(Schema):
    estimate: float | None
    low: float | None
    high: float | None
    level: float
    method: str = Field(description="cluster bootstrap, bootstrap, wilson, permutation or t.")
    units: int = Field(description="How many units (communities, org units or respondents).")
    few_units: bool = Field(description="An arm has fewer than 10 units: may be too narrow.")
    p_value: float | None = Field(description="Permutation p-value when units are few.")


class EvalTrendCheckOut(Schema):
    slope_gap: float | None = Field(description="Pilot trend − comparison trend per block.")
    interval: EvalIntervalOut
    periods: int = Field(description="Four-week blocks before the start.")
    holds: bool | None = Field(description="null: could not be checked.")


class EvalNoveltyOut(Schema):
    weeks: list[int]
    effects: list[float | None]
    early: float | None
    late: float | None
    fades: bool | None = Field(description="null: too few weeks to tell.")


class EvalProjectionOut(Schema):
    slope: float | None = Field(description="Effect per support hour per community per month.")
    intercept: float | None
    pilot_support: float
    deployment_support: float
    at_pilot: EvalIntervalOut
    at_deployment: EvalIntervalOut
    units: int
    reliable: bool
    extrapolated: bool


class EvalWeekOut(Schema):
    week_end: datetime.date = Field(description="Last day of the four weeks read.")
    pilot: float | None
    comparison: float | None


class EvalMeasureOut(Schema):
    key: str = Field(description="kpi:<key>[:<window>] or survey:<measure>.")
    label: str
    kind: str = Field(description="kpi or survey.")
    unit: str
    direction: str = Field(description="up: higher is better; down: lower is better.")
    objectives: list[str]
    pilot_before: float | None
    pilot_after: float | None
    comparison_before: float | None
    comparison_after: float | None
    others_after: float | None = Field(description="All non-pilot communities, during.")
    naive_gap: float | None = Field(description="Pilot during − all non-pilot communities.")
    effect: EvalIntervalOut | None = Field(description="Difference in differences.")
    trends: EvalTrendCheckOut | None
    novelty: EvalNoveltyOut | None
    projection: EvalProjectionOut | None
    weekly: list[EvalWeekOut]
    pilot_units: int
    comparison_units: int
    verdict: str
    notes: list[str]


class EvalBiasOut(Schema):
    key: str = Field(description="selection, support, duration, maturity or management.")
    label: str
    measured: str
    handled: str
    level: str = Field(description="low, medium or high.")


class EvalSupportCommunityOut(Schema):
    community_id: int
    name: str
    hours: float
    per_month: float | None


class EvalSupportOut(Schema):
    total_hours: float
    months: float | None
    per_community_month: float | None
    deployment_level: float
    ratio: float | None = Field(description="Pilot intensity ÷ deployment level.")
    communities: list[EvalSupportCommunityOut]


class EvalOrganicOut(Schema):
    organic_share: float | None
    comparison_organic_share: float | None
    staff_first_responses: float | None
    comparison_staff_first_responses: float | None
    contributions: int | None
    support_hours: float
    contributions_per_hour: float | None


class EvalPeriodOut(Schema):
    start: datetime.date
    end: datetime.date


class EvaluationOut(Schema):
    pilot_id: int
    computed_on: datetime.date | None
    pre: EvalPeriodOut
    during: EvalPeriodOut | None = Field(description="null: no complete day of the pilot yet.")
    has_data: bool
    warnings: list[str]
    measures: list[EvalMeasureOut]
    biases: list[EvalBiasOut]
    support: EvalSupportOut
    organic: EvalOrganicOut

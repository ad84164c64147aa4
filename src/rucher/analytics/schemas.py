"""Schemas of the analytics API."""

from __future__ import annotations

import datetime

from ninja import Field, Schema


class PeriodQuery(Schema):
    period: int | None = Field(
        None, description="7, 28 or 90: that many complete days ending yesterday (default 28)."
    )
    start: datetime.date | None = Field(None, description="First day of a custom period.")
    end: datetime.date | None = Field(None, description="Last day of a custom period.")


class NetworkQuery(PeriodQuery):
    org_unit_id: int | None = Field(
        None, description="Restrict to the people of this org unit and its subtree."
    )


class KpiDefinitionOut(Schema):
    key: str
    label: str = Field(description="The indicator's name, in the caller's language.")
    definition: str = Field(description="How it is computed, exactly as implemented.")
    unit: str = Field(description="`ratio` (0 to 1), `hours`, `days`, `count`...")


class KpiOut(KpiDefinitionOut):
    value: float | None = Field(
        description="The figure; null when there is no data or the group is too small."
    )
    numerator: float | None = None
    denominator: float | None = None
    window: int | None = Field(None, description="Days of the window the figure looks at.")
    start: datetime.date = Field(description="First day of the period (included).")
    end: datetime.date = Field(description="Last day of the period (included).")
    group_size: int | None = Field(None, description="People behind the figure.")
    suppressed: bool = Field(
        description="True when fewer people than the minimum group size stand behind it."
    )
    parts: dict[str, float | None] = Field(
        default_factory=dict, description="Components of a composite indicator."
    )


class KpiListOut(Schema):
    scope: str = Field(description="`community`, `organisation` or `org_unit`.")
    community_id: int | None = None
    org_unit_id: int | None = None
    start: datetime.date
    end: datetime.date
    min_group_size: int
    kpis: list[KpiOut]


class StageOut(Schema):
    week_start: datetime.date
    stage: str = Field(description="inception, establishment, maturity, mitosis, decline...")
    label: str
    team_stage: str = Field(description="The team overlay of a small project community, or ''.")
    changed: bool = Field(description="The stage differs from the week before.")
    explanation: str = Field(description="Why, in plain words with the figures used.")
    figures: dict[str, object] = Field(description="The figures the rules used.")


class StageHistoryOut(Schema):
    community_id: int
    stages: list[StageOut]


class MyActivityOut(Schema):
    start: datetime.date
    end: datetime.date
    days_reached: int = Field(description="Days you came to Rucher in the period.")
    contributions: int
    posts: int
    comments: int
    reactions: int
    votes: int

"""Schemas of the pilots API, programme part: pilots, scope, comparison, objectives."""

from __future__ import annotations

import datetime
from decimal import Decimal

from ninja import Field, Schema

from rucher.accounts.schemas import PersonRef
from rucher.api_schemas import InputSchema, ObjectId


class PilotIn(InputSchema):
    name: str = Field(max_length=160)
    purpose: str = Field("", max_length=5000)
    start_date: datetime.date
    end_date: datetime.date
    deployment_support_hours: Decimal = Field(
        Decimal(2),
        description="Hours of support per community per month that deployment will give.",
    )
    sponsor_ids: list[ObjectId] = Field(default_factory=list, max_length=200)
    team_ids: list[ObjectId] = Field(
        default_factory=list,
        max_length=200,
        description="The project team of the pilot; empty: you alone.",
    )


class PilotPatch(InputSchema):
    """Fields left out keep their value."""

    name: str | None = Field(None, max_length=160)
    purpose: str | None = Field(None, max_length=5000)
    start_date: datetime.date | None = None
    end_date: datetime.date | None = None
    deployment_support_hours: Decimal | None = None
    sponsor_ids: list[ObjectId] | None = Field(None, max_length=200)
    team_ids: list[ObjectId] | None = Field(None, max_length=200)


class StatusIn(InputSchema):
    status: str = Field(description="`running` or `closed` (`decided` comes with the decision).")


class PublishIn(InputSchema):
    published: bool


class ScopeCountsOut(Schema):
    communities: int
    beta_users: int
    comparison_groups: int
    objectives: int
    measures: int


class PilotOut(Schema):
    id: int
    slug: str
    name: str
    purpose: str
    status: str
    start_date: datetime.date
    end_date: datetime.date
    months: float = Field(description="Length in months (days ÷ 30.44).")
    duration_guidance: str | None = Field(
        description="A warning when shorter than 3 or longer than 6 months (not an error)."
    )
    deployment_support_hours: float
    results_published_at: datetime.datetime | None
    sponsors: list[PersonRef]
    team: list[PersonRef]
    can_manage: bool
    can_see_results: bool
    url: str


class PilotDetailOut(PilotOut):
    counts: ScopeCountsOut
    next_statuses: list[str]


class PilotCommunityIn(InputSchema):
    community_id: ObjectId
    reason: str = Field(
        description="experiment, need, designated, volunteers, mature or other.",
    )
    reason_detail: str = Field("", max_length=2000)


class PilotCommunityOut(Schema):
    community_id: int
    name: str
    slug: str
    reason: str
    reason_label: str
    reason_detail: str
    added_at: datetime.datetime


class BetaUsersIn(InputSchema):
    user_ids: list[ObjectId] = Field(default_factory=list, max_length=1000)
    members_of_pilot_communities: bool = Field(
        False,
        description="Also add the current members of the pilot communities (partner guests "
        "and people of comparison org units are left out).",
    )


class BetaUserOut(Schema):
    id: int
    display_name: str
    org_unit: str | None
    added_at: datetime.datetime


class BetaUsersAddedOut(Schema):
    added: list[PersonRef]
    left_out: int = Field(description="Members not added: partner guests, comparison people.")
    total: int


class ComparisonIn(InputSchema):
    community_id: ObjectId | None = None
    org_unit_id: ObjectId | None = None
    source: str = Field("chosen", description="`chosen` or `suggested`.")


class ComparisonOut(Schema):
    id: int
    kind: str = Field(description="`community` or `org_unit`.")
    community_id: int | None
    org_unit_id: int | None
    name: str
    source: str
    added_at: datetime.datetime


class SuggestionOut(Schema):
    community_id: int
    name: str
    matched_to_id: int
    matched_to: str
    distance: float
    members: int
    pilot_members: int
    unit_overlap: float
    site_overlap: float
    reasons: list[str]


class GapRowOut(Schema):
    measure: str
    pilot: float | str | None
    comparison: float | str | None
    gap: float | None


class GapsOut(Schema):
    title: str
    note: str
    rows: list[GapRowOut]


class ObjectiveIn(InputSchema):
    title: str = Field(max_length=200)
    description: str = Field("", max_length=5000)


class MeasureIn(InputSchema):
    kind: str = Field(description="`kpi` or `survey`.")
    kpi_key: str = Field("", max_length=60, description="A key of `GET /analytics/kpis`.")
    kpi_window: int | None = Field(None, description="1, 7 or 28 where the KPI has windows.")
    survey_measure: str = Field("", max_length=60)
    direction: str = Field("up", description="`up` (higher is better) or `down`.")
    target_value: float = Field(description="Shares as fractions: 0.4 for 40 %.")
    target_date: datetime.date
    baseline_start: datetime.date | None = Field(
        None, description="Both or neither; default: the 8 weeks before the start."
    )
    baseline_end: datetime.date | None = None


class MeasurePatch(InputSchema):
    direction: str | None = None
    target_value: float | None = None
    target_date: datetime.date | None = None
    baseline_start: datetime.date | None = None
    baseline_end: datetime.date | None = None


class MeasureOut(Schema):
    id: int
    kind: str
    kpi_key: str
    kpi_window: int | None
    survey_measure: str
    label: str
    unit: str
    direction: str
    baseline_value: float | None
    baseline_start: datetime.date | None
    baseline_end: datetime.date | None
    target_value: float
    target_date: datetime.date
    current_value: float | None = Field(description="For this caller (animators: their part).")
    share_of_the_way: float | None
    progress: str = Field(
        description="reached, on_track, behind, no_data, not_started or hidden (unpublished)."
    )
    note: str


class ObjectiveOut(Schema):
    id: int
    title: str
    description: str
    position: int
    progress: str
    measures: list[MeasureOut]

"""Shapes of the support log, lessons, library, decision and deployment waves in the JSON API.

Choices are inlined as enums so that names do not clash in the one OpenAPI document. Hours
travel as strings or numbers ("1.5"); the services read them and answer a 400 naming the
field when they are wrong.
"""

from __future__ import annotations

import datetime

from ninja import Field, Schema
from pydantic.config import JsonDict

from rucher.api_schemas import InputSchema
from rucher.pilots.models import DecisionOutcome, LessonKind, SupportKind

Hours = str | float | int


def _enum(values: list[str]) -> JsonDict:
    return {"enum": list(values)}


SUPPORT_KINDS = _enum(list(SupportKind.values))
LESSON_KINDS = _enum(list(LessonKind.values))
OUTCOMES = _enum(list(DecisionOutcome.values))


class DeletedOut(Schema):
    id: int
    deleted: bool = True


# ---------------------------------------------------------------- support


class SupportEntryIn(InputSchema):
    kind: str = Field(json_schema_extra=SUPPORT_KINDS)
    day: datetime.date = Field(description="The day the support was given (not in the future).")
    hours: Hours = Field(description="Hours spent, more than 0, at most two decimals.")
    people_reached: int = Field(0, ge=0, le=1_000_000)
    community_id: int | None = Field(
        None, description="A pilot community; empty for support to the whole pilot."
    )
    description: str = ""


class SupportEntryPatch(InputSchema):
    kind: str | None = Field(None, json_schema_extra=SUPPORT_KINDS)
    day: datetime.date | None = None
    hours: Hours | None = None
    people_reached: int | None = Field(None, ge=0, le=1_000_000)
    community_id: int | None = Field(
        None, description="Send null to make it support for the whole pilot."
    )
    description: str | None = None


class SupportEntryOut(Schema):
    id: int
    pilot_id: int
    kind: str = Field(json_schema_extra=SUPPORT_KINDS)
    kind_label: str
    day: datetime.date
    hours: float
    people_reached: int
    community_id: int | None
    community_name: str | None
    description: str
    recorded_by_id: int


class IntensityRowOut(Schema):
    community_id: int | None = Field(description="Empty: the whole-pilot row.")
    name: str
    entries: int
    hours: float = Field(description="The community's own entries.")
    shared_hours: float = Field(description="Its equal share of the whole-pilot entries.")
    people_reached: int
    hours_per_month: float | None = Field(
        description="(Own + shared hours) per month the pilot has run; empty before the start."
    )
    ratio_to_deployment: float | None = Field(
        description="Hours per month divided by the deployment level."
    )
    in_pilot: bool = Field(description="False: a community removed from the pilot since.")


class IntensityOut(Schema):
    rows: list[IntensityRowOut]
    whole_pilot: IntensityRowOut | None = Field(
        description="Support to the whole pilot; empty in an animator's partial view."
    )
    total_hours: float
    total_entries: int
    total_people: int
    months: float | None
    communities: int
    mean_per_community_month: float | None
    deployment_level: float = Field(description="Hours per community per month at deployment.")
    ratio_to_deployment: float | None
    partial: bool = Field(description="True: limited to the communities the caller animates.")


class SupportOut(Schema):
    entries: list[SupportEntryOut]
    intensity: IntensityOut


class DeploymentLevelIn(InputSchema):
    deployment_support_hours: Hours = Field(
        description="Support planned for deployment, hours per community per month (0 allowed)."
    )


class DeploymentLevelOut(Schema):
    pilot_id: int
    deployment_support_hours: float


# ---------------------------------------------------------------- lessons and library


class LessonIn(InputSchema):
    kind: str = Field(json_schema_extra=LESSON_KINDS)
    title: str
    body: str
    community_id: int | None = None
    in_library: bool = Field(False, description="Successes only.")
    community_kinds: list[str] = Field(
        default_factory=list,
        description="Community kind codes a library practice suits; empty = every kind.",
    )
    adjustment: str = Field("", description="Failures only: the change to the deployment plan.")
    wave_id: int | None = Field(None, description="Failures only: the deployment wave it changes.")


class LessonPatch(InputSchema):
    kind: str | None = Field(None, json_schema_extra=LESSON_KINDS)
    title: str | None = None
    body: str | None = None
    community_id: int | None = Field(None, description="Send null for the whole pilot.")
    in_library: bool | None = None
    community_kinds: list[str] | None = None
    adjustment: str | None = None
    wave_id: int | None = Field(None, description="Send null to detach it from its wave.")


class LessonOut(Schema):
    id: int
    pilot_id: int
    kind: str = Field(json_schema_extra=LESSON_KINDS)
    title: str
    body: str
    community_id: int | None
    community_name: str | None
    in_library: bool
    community_kinds: list[str]
    adjustment: str
    wave_id: int | None
    created_at: datetime.datetime


class LibraryKindOut(Schema):
    code: str
    name: str


class LibraryItemOut(Schema):
    id: int
    title: str
    body: str
    kinds: list[LibraryKindOut] = Field(description="Empty: suits every kind of community.")
    pilot_id: int | None = Field(description="Empty when the caller may not see the pilot.")
    pilot_name: str | None
    created_at: datetime.datetime


# ---------------------------------------------------------------- decision and waves


class DecisionIn(InputSchema):
    outcome: str = Field(json_schema_extra=OUTCOMES)
    rationale: str
    decided_by: str = Field(description="The body or people who decided.")
    decided_on: datetime.date


class DecisionOut(Schema):
    pilot_id: int
    outcome: str = Field(json_schema_extra=OUTCOMES)
    outcome_label: str
    rationale: str
    decided_by: str
    decided_on: datetime.date
    recorded_by_id: int
    editable: bool = Field(description="False once the results are published with it.")


class DecisionStateOut(Schema):
    decision: DecisionOut | None
    blocker: str | None = Field(description="Why it cannot be recorded or corrected now.")


class WaveIn(InputSchema):
    name: str
    start_date: datetime.date
    end_date: datetime.date | None = None
    support_hours: Hours = Field(description="Hours per community per month (0 allowed).")
    org_unit_ids: list[int] = Field(default_factory=list)
    community_ids: list[int] = Field(default_factory=list)
    notes: str = ""


class WavePatch(InputSchema):
    """Fields left out keep their value; ``end_date: null`` removes the end."""

    name: str | None = None
    start_date: datetime.date | None = None
    end_date: datetime.date | None = None
    support_hours: Hours | None = None
    org_unit_ids: list[int] | None = None
    community_ids: list[int] | None = None
    notes: str | None = None


class WaveOut(Schema):
    id: int
    pilot_id: int
    name: str
    position: int
    start_date: datetime.date
    end_date: datetime.date | None
    support_hours: float
    org_unit_ids: list[int]
    community_ids: list[int] = Field(description="Only the communities the caller may see.")
    hidden_communities: int = Field(description="Communities of the wave the caller cannot see.")
    notes: str


class IntervalOut(Schema):
    estimate: float | None
    low: float | None
    high: float | None
    level: float


class PartReadingOut(Schema):
    label: str
    before: float | None
    since: float | None
    change: float | None


class MeasureReadingOut(Schema):
    key: str
    kpi_key: str
    label: str
    unit: str
    window: int | None
    parts: list[PartReadingOut]
    projection: IntervalOut | None = Field(
        description="The pilot's projected effect at the deployment support level."
    )
    projection_reliable: bool | None


class WaveMeasurementOut(Schema):
    wave_id: int
    started: bool
    before_start: datetime.date | None
    before_end: datetime.date | None
    since_start: datetime.date | None
    since_end: datetime.date | None
    deployment_level: float
    from_objectives: bool
    measures: list[MeasureReadingOut]
    notes: list[str]

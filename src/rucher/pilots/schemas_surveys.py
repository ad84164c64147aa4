"""Shapes of the pilot surveys in the JSON API.

Choices are inlined as enums so that names do not clash in the one OpenAPI document; the
services check what is sent and answer a 400 naming the field.
"""

from __future__ import annotations

import datetime

from ninja import Field, Schema
from pydantic.config import JsonDict

from rucher.api_schemas import InputSchema
from rucher.pilots.models import Arm, QuestionKind, WaveKind

QUESTION_KINDS = list(QuestionKind.values)
WAVE_KINDS = list(WaveKind.values)
ARMS = list(Arm.values)


def _enum(values: list[str]) -> JsonDict:
    return {"enum": list(values)}


# ---------------------------------------------------------------- input


class SurveyIn(InputSchema):
    default: bool = Field(
        True, description="Start from the default questionnaire (validated items, FR and EN)."
    )
    title_fr: str = Field("", description="Empty with `default`: the default title.")
    title_en: str = ""


class SurveyPatch(InputSchema):
    title_fr: str | None = None
    title_en: str | None = None


class ChoiceIO(Schema):
    fr: str
    en: str


class QuestionIn(InputSchema):
    kind: str = Field(json_schema_extra=_enum(QUESTION_KINDS))
    text_fr: str
    text_en: str
    measure: str = Field("", description="A key of `GET /pilots/surveys/measures`, or empty.")
    choices: list[ChoiceIO] = Field(
        default_factory=list, description="Single and multiple choice questions only."
    )
    required: bool = True


class QuestionPatch(InputSchema):
    kind: str | None = Field(None, json_schema_extra=_enum(QUESTION_KINDS))
    text_fr: str | None = None
    text_en: str | None = None
    measure: str | None = None
    choices: list[ChoiceIO] | None = None
    required: bool | None = None


class MoveIn(InputSchema):
    offset: int = Field(ge=-1000, le=1000, description="Negative: up; positive: down.")


class WaveIn(InputSchema):
    kind: str = Field(json_schema_extra=_enum(WAVE_KINDS))
    opens_at: datetime.datetime
    closes_at: datetime.datetime
    reminder_days: int = Field(5, description="0: no reminder; at most 60.")


class WavePatch(InputSchema):
    opens_at: datetime.datetime | None = None
    closes_at: datetime.datetime | None = None
    reminder_days: int | None = None


class ResponseIn(InputSchema):
    answers: dict[str, int | float | str | list[int] | None] = Field(
        description=(
            "By question id: a number for agreement and 0–10 questions, the position (from "
            "0) of the choice for single choice, a list of positions for multiple choice, "
            "text for free text. Leave out or null an optional question."
        )
    )


# ---------------------------------------------------------------- output


class QuestionOut(Schema):
    id: int
    position: int
    kind: str = Field(json_schema_extra=_enum(QUESTION_KINDS))
    text_fr: str
    text_en: str
    text: str = Field(description="In the caller's language.")
    measure: str
    choices: list[ChoiceIO]
    required: bool


class ParticipationOut(Schema):
    arm: str = Field(json_schema_extra=_enum(ARMS))
    label: str
    invited: int
    responded: int
    shown: bool = Field(description="Enough answers (minimum group size) to show results.")


class WaveOut(Schema):
    id: int
    survey_id: int
    kind: str = Field(json_schema_extra=_enum(WAVE_KINDS))
    label: str
    opens_at: datetime.datetime
    closes_at: datetime.datetime
    reminder_days: int
    sent_at: datetime.datetime | None
    state: str = Field(json_schema_extra=_enum(["scheduled", "open", "closed"]))
    participation: list[ParticipationOut]


class SurveyOut(Schema):
    id: int
    pilot_id: int
    title_fr: str
    title_en: str
    questions: list[QuestionOut]
    waves: list[WaveOut]


class SendOut(Schema):
    wave: WaveOut
    invited: int = Field(description="People invited by this call (not invited before).")


class IntervalOut(Schema):
    estimate: float | None
    low: float | None
    high: float | None
    level: float
    method: str
    units: int
    few_units: bool


class BarOut(Schema):
    label: str
    count: int
    share: float
    interval: IntervalOut | None


class ArmAnswersOut(Schema):
    arm: str = Field(json_schema_extra=_enum(ARMS))
    n: int
    shown: bool = Field(description="False: fewer answers than the minimum group size.")
    mean: IntervalOut | None
    nps: IntervalOut | None
    bars: list[BarOut]
    texts: list[str] = Field(description="Free-text answers, without names, in no set order.")


class QuestionResultOut(Schema):
    question: QuestionOut
    arms: list[ArmAnswersOut]


class MeasureArmOut(Schema):
    arm: str = Field(json_schema_extra=_enum(ARMS))
    n: int
    shown: bool
    score: IntervalOut | None


class MeasureResultOut(Schema):
    key: str
    label: str
    unit: str
    arms: list[MeasureArmOut]


class WaveResultsOut(Schema):
    wave: WaveOut
    min_group_size: int
    measures: list[MeasureResultOut]
    questions: list[QuestionResultOut]


class MeasureOut(Schema):
    key: str
    label: str
    description: str
    kind: str = Field(json_schema_extra=_enum(QUESTION_KINDS))
    items: int
    statistic: str = Field(json_schema_extra=_enum(["mean", "nps"]))
    unit: str


class MySurveyOut(Schema):
    wave_id: int
    title: str
    kind: str = Field(json_schema_extra=_enum(WAVE_KINDS))
    closes_at: datetime.datetime
    answer_url: str


class QuestionnaireOut(Schema):
    wave_id: int
    title: str
    opens_at: datetime.datetime
    closes_at: datetime.datetime
    state: str = Field(json_schema_extra=_enum(["scheduled", "open", "closed"]))
    responded: bool
    min_group_size: int
    questions: list[QuestionOut]


class ResponseOut(Schema):
    wave_id: int
    recorded: bool = True
    submitted_on: datetime.date

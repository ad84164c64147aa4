"""The pilots API: perception surveys.

Managing surveys, questions and waves is for the pilot's managers (``policy.require_manage``;
a pilot one may not see is the 404 of a missing one). Results are for whoever may see the
pilot's results (``policy.require_results``), with groups under the minimum size hidden.
Answering goes through the invitation only: a wave one was not invited to is a 404.

Fixed paths ("/pilots/surveys/measures", "/pilots/surveys/mine") are declared first, so that
the "/pilots/surveys/{survey_id}" route does not take them for an id.
"""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse
from ninja import Router, Status

from rucher.accounts.models import User
from rucher.api_schemas import ObjectId, errors
from rucher.core.errors import NotFound
from rucher.pilots import policy, stats, surveys
from rucher.pilots.api_common import viewer_of
from rucher.pilots.models import Question, Survey, SurveyWave
from rucher.pilots.questionnaire import MEASURES
from rucher.pilots.schemas_deployment import DeletedOut
from rucher.pilots.schemas_surveys import (
    ArmAnswersOut,
    BarOut,
    ChoiceIO,
    IntervalOut,
    MeasureArmOut,
    MeasureOut,
    MeasureResultOut,
    MoveIn,
    MySurveyOut,
    ParticipationOut,
    QuestionIn,
    QuestionnaireOut,
    QuestionOut,
    QuestionPatch,
    QuestionResultOut,
    ResponseIn,
    ResponseOut,
    SendOut,
    SurveyIn,
    SurveyOut,
    SurveyPatch,
    WaveIn,
    WaveOut,
    WavePatch,
    WaveResultsOut,
)
from rucher.pilots.survey_results import (
    compute_wave_results,
    localized,
    min_group_size,
    participation,
    wave_state,
)

router = Router(tags=["pilots"])


# ---------------------------------------------------------------- shaping


def _question_out(question: Question) -> QuestionOut:
    return QuestionOut(
        id=question.pk,
        position=question.position,
        kind=question.kind,
        text_fr=question.text_fr,
        text_en=question.text_en,
        text=localized(question, "text"),
        measure=question.measure,
        choices=[ChoiceIO(fr=c.get("fr", ""), en=c.get("en", "")) for c in question.choices],
        required=question.required,
    )


def _wave_out(wave: SurveyWave) -> WaveOut:
    return WaveOut(
        id=wave.pk,
        survey_id=wave.survey_id,
        kind=wave.kind,
        label=str(wave.get_kind_display()),
        opens_at=wave.opens_at,
        closes_at=wave.closes_at,
        reminder_days=wave.reminder_days,
        sent_at=wave.sent_at,
        state=wave_state(wave),
        participation=[
            ParticipationOut(
                arm=arm.arm,
                label=arm.label,
                invited=arm.invited,
                responded=arm.responded,
                shown=arm.shown,
            )
            for arm in participation(wave)
        ],
    )


def _survey_out(survey: Survey) -> SurveyOut:
    return SurveyOut(
        id=survey.pk,
        pilot_id=survey.pilot_id,
        title_fr=survey.title_fr,
        title_en=survey.title_en,
        questions=[_question_out(q) for q in survey.questions.order_by("position", "id")],
        waves=[_wave_out(w) for w in survey.waves.order_by("opens_at", "id")],
    )


def _interval(value: stats.Interval | None) -> IntervalOut | None:
    if value is None:
        return None
    return IntervalOut(
        estimate=value.estimate,
        low=value.low,
        high=value.high,
        level=value.level,
        method=value.method,
        units=value.units,
        few_units=value.few_units,
    )


def _managed_survey(viewer: User, survey_id: int) -> Survey:
    survey = Survey.objects.filter(pk=survey_id).first()
    if survey is None:
        raise NotFound("survey")
    policy.require_manage(viewer, policy.access_pilot(user=viewer, pilot_id=survey.pilot_id))
    return survey


def _managed_wave(viewer: User, wave_id: int) -> SurveyWave:
    wave = SurveyWave.objects.select_related("survey").filter(pk=wave_id).first()
    if wave is None:
        raise NotFound("survey wave")
    policy.require_manage(viewer, policy.access_pilot(user=viewer, pilot_id=wave.survey.pilot_id))
    return wave


# ---------------------------------------------------------------- fixed paths


@router.get(
    "/pilots/surveys/measures",
    response={200: list[MeasureOut], **errors()},
    summary="The survey measures",
)
def pilot_survey_measures(request: HttpRequest) -> list[MeasureOut]:
    """What survey questions can feed (UMUX-Lite, usefulness, eNPS...): the kind of question
    each needs, how many items make a score and how scores are aggregated."""
    return [
        MeasureOut(
            key=key,
            label=str(measure.label),
            description=str(measure.description),
            kind=measure.kind,
            items=measure.items,
            statistic=measure.statistic,
            unit=str(measure.unit),
        )
        for key, measure in MEASURES.items()
    ]


@router.get(
    "/pilots/surveys/mine",
    response={200: list[MySurveyOut], **errors()},
    summary="My open surveys",
)
def pilot_surveys_mine(request: HttpRequest) -> list[MySurveyOut]:
    """Open survey waves you were invited to and have not answered yet."""
    return [
        MySurveyOut(
            wave_id=invitation.wave_id,
            title=localized(invitation.wave.survey, "title"),
            kind=invitation.wave.kind,
            closes_at=invitation.wave.closes_at,
            answer_url=reverse("pilots:survey_answer", args=[invitation.wave_id]),
        )
        for invitation in surveys.my_surveys(viewer_of(request))
    ]


# ---------------------------------------------------------------- surveys


@router.get(
    "/pilots/{pilot_id}/surveys",
    response={200: list[SurveyOut], **errors(403, 404, 422)},
    summary="A pilot's surveys",
)
def pilot_surveys_list(request: HttpRequest, pilot_id: ObjectId) -> list[SurveyOut]:
    """The pilot's surveys with their questions and waves (participation counts only)."""
    viewer = viewer_of(request)
    pilot = policy.access_pilot(user=viewer, pilot_id=pilot_id)
    policy.require_manage(viewer, pilot)
    return [_survey_out(survey) for survey in pilot.surveys.order_by("id")]


@router.post(
    "/pilots/{pilot_id}/surveys",
    response={201: SurveyOut, **errors(400, 403, 404, 422)},
    summary="Create a survey",
)
def pilot_survey_create(
    request: HttpRequest, pilot_id: ObjectId, payload: SurveyIn
) -> Status[SurveyOut]:
    """A survey for the pilot, by default a copy of the default questionnaire (editable)."""
    survey = surveys.survey_create(
        actor=viewer_of(request),
        pilot_id=pilot_id,
        default=payload.default,
        title_fr=payload.title_fr,
        title_en=payload.title_en,
    )
    return Status(201, _survey_out(survey))


@router.get(
    "/pilots/surveys/{survey_id}",
    response={200: SurveyOut, **errors(403, 404, 422)},
    summary="A survey",
)
def pilot_survey_get(request: HttpRequest, survey_id: ObjectId) -> SurveyOut:
    return _survey_out(_managed_survey(viewer_of(request), survey_id))


@router.patch(
    "/pilots/surveys/{survey_id}",
    response={200: SurveyOut, **errors(400, 403, 404, 422)},
    summary="Rename a survey",
)
def pilot_survey_update(
    request: HttpRequest, survey_id: ObjectId, payload: SurveyPatch
) -> SurveyOut:
    viewer = viewer_of(request)
    current = _managed_survey(viewer, survey_id)
    survey = surveys.survey_update(
        actor=viewer,
        survey_id=survey_id,
        title_fr=current.title_fr if payload.title_fr is None else payload.title_fr,
        title_en=current.title_en if payload.title_en is None else payload.title_en,
    )
    return _survey_out(survey)


@router.delete(
    "/pilots/surveys/{survey_id}",
    response={200: DeletedOut, **errors(403, 404, 409, 422)},
    summary="Delete a survey",
)
def pilot_survey_delete(request: HttpRequest, survey_id: ObjectId) -> DeletedOut:
    """Only a survey none of whose waves was sent (409 otherwise)."""
    surveys.survey_delete(actor=viewer_of(request), survey_id=survey_id)
    return DeletedOut(id=survey_id)


# ---------------------------------------------------------------- questions


@router.post(
    "/pilots/surveys/{survey_id}/questions",
    response={201: QuestionOut, **errors(400, 403, 404, 422)},
    summary="Add a question",
)
def pilot_survey_question_create(
    request: HttpRequest, survey_id: ObjectId, payload: QuestionIn
) -> Status[QuestionOut]:
    """A question at the end of the survey. A measure fixes the question's kind."""
    question = surveys.question_create(
        actor=viewer_of(request),
        survey_id=survey_id,
        kind=payload.kind,
        text_fr=payload.text_fr,
        text_en=payload.text_en,
        measure=payload.measure,
        choices=[choice.model_dump() for choice in payload.choices],
        required=payload.required,
    )
    return Status(201, _question_out(question))


@router.patch(
    "/pilots/surveys/questions/{question_id}",
    response={200: QuestionOut, **errors(400, 403, 404, 409, 422)},
    summary="Change a question",
)
def pilot_survey_question_update(
    request: HttpRequest, question_id: ObjectId, payload: QuestionPatch
) -> QuestionOut:
    """Fields left out keep their value. Once answered, only the wording and `required`
    may change (409 otherwise)."""
    question = surveys.question_update(
        actor=viewer_of(request),
        question_id=question_id,
        kind=payload.kind,
        text_fr=payload.text_fr,
        text_en=payload.text_en,
        measure=payload.measure,
        choices=None
        if payload.choices is None
        else [choice.model_dump() for choice in payload.choices],
        required=payload.required,
    )
    return _question_out(question)


@router.delete(
    "/pilots/surveys/questions/{question_id}",
    response={200: DeletedOut, **errors(403, 404, 409, 422)},
    summary="Delete a question",
)
def pilot_survey_question_delete(request: HttpRequest, question_id: ObjectId) -> DeletedOut:
    """Only a question nobody answered (409 otherwise)."""
    surveys.question_delete(actor=viewer_of(request), question_id=question_id)
    return DeletedOut(id=question_id)


@router.post(
    "/pilots/surveys/questions/{question_id}/move",
    response={200: QuestionOut, **errors(400, 403, 404, 422)},
    summary="Move a question",
)
def pilot_survey_question_move(
    request: HttpRequest, question_id: ObjectId, payload: MoveIn
) -> QuestionOut:
    question = surveys.question_move(
        actor=viewer_of(request), question_id=question_id, offset=payload.offset
    )
    return _question_out(question)


# ---------------------------------------------------------------- waves


@router.post(
    "/pilots/surveys/{survey_id}/waves",
    response={201: WaveOut, **errors(400, 403, 404, 422)},
    summary="Plan a wave",
)
def pilot_survey_wave_create(
    request: HttpRequest, survey_id: ObjectId, payload: WaveIn
) -> Status[WaveOut]:
    """A wave (baseline, mid, end, deployment; one of each per survey) with its dates and the
    delay of its reminders. Closing before opening, or in the past, is a 400."""
    wave = surveys.wave_create(
        actor=viewer_of(request),
        survey_id=survey_id,
        kind=payload.kind,
        opens_at=payload.opens_at,
        closes_at=payload.closes_at,
        reminder_days=payload.reminder_days,
    )
    return Status(201, _wave_out(wave))


@router.get(
    "/pilots/surveys/waves/{wave_id}",
    response={200: WaveOut, **errors(403, 404, 422)},
    summary="A wave and its participation",
)
def pilot_survey_wave_get(request: HttpRequest, wave_id: ObjectId) -> WaveOut:
    return _wave_out(_managed_wave(viewer_of(request), wave_id))


@router.patch(
    "/pilots/surveys/waves/{wave_id}",
    response={200: WaveOut, **errors(400, 403, 404, 422)},
    summary="Change a wave's dates",
)
def pilot_survey_wave_update(
    request: HttpRequest, wave_id: ObjectId, payload: WavePatch
) -> WaveOut:
    """Once sent, the opening cannot move; the closing can, to a moment still to come."""
    wave = surveys.wave_update(
        actor=viewer_of(request),
        wave_id=wave_id,
        opens_at=payload.opens_at,
        closes_at=payload.closes_at,
        reminder_days=payload.reminder_days,
    )
    return _wave_out(wave)


@router.delete(
    "/pilots/surveys/waves/{wave_id}",
    response={200: DeletedOut, **errors(403, 404, 409, 422)},
    summary="Delete a wave",
)
def pilot_survey_wave_delete(request: HttpRequest, wave_id: ObjectId) -> DeletedOut:
    """Only a wave not sent (409 otherwise)."""
    surveys.wave_delete(actor=viewer_of(request), wave_id=wave_id)
    return DeletedOut(id=wave_id)


@router.post(
    "/pilots/surveys/waves/{wave_id}/send",
    response={200: SendOut, **errors(403, 404, 409, 422)},
    summary="Send a wave's invitations",
)
def pilot_survey_wave_send(request: HttpRequest, wave_id: ObjectId) -> SendOut:
    """Invite the beta users and the comparison group in the app and by e-mail. Again later:
    only the people not invited yet. A wave not open yet, or closed, is a 409."""
    invited = surveys.wave_send(actor=viewer_of(request), wave_id=wave_id)
    wave = SurveyWave.objects.get(pk=wave_id)
    return SendOut(wave=_wave_out(wave), invited=invited)


@router.get(
    "/pilots/surveys/waves/{wave_id}/results",
    response={200: WaveResultsOut, **errors(403, 404, 422)},
    summary="A wave's results",
)
def pilot_survey_wave_results(request: HttpRequest, wave_id: ObjectId) -> WaveResultsOut:
    """Per measure and per question, by group (pilot, comparison), with 95% intervals. A group
    with fewer answers than the minimum group size has `shown: false` and no figures."""
    viewer = viewer_of(request)
    wave = SurveyWave.objects.select_related("survey").filter(pk=wave_id).first()
    if wave is None:
        raise NotFound("survey wave")
    policy.require_results(viewer, policy.access_pilot(user=viewer, pilot_id=wave.survey.pilot_id))
    results = compute_wave_results(wave)
    return WaveResultsOut(
        wave=_wave_out(wave),
        min_group_size=results.min_group_size,
        measures=[
            MeasureResultOut(
                key=measure.key,
                label=measure.label,
                unit=measure.unit,
                arms=[
                    MeasureArmOut(
                        arm=arm.arm, n=arm.n, shown=arm.shown, score=_interval(arm.interval)
                    )
                    for arm in measure.arms
                ],
            )
            for measure in results.measures
        ],
        questions=[
            QuestionResultOut(
                question=_question_out(item.question),
                arms=[
                    ArmAnswersOut(
                        arm=arm.arm,
                        n=arm.n,
                        shown=arm.shown,
                        mean=_interval(arm.mean),
                        nps=_interval(arm.nps),
                        bars=[
                            BarOut(
                                label=bar.label,
                                count=bar.count,
                                share=bar.share,
                                interval=_interval(bar.interval),
                            )
                            for bar in arm.bars
                        ],
                        texts=arm.texts,
                    )
                    for arm in item.arms
                ],
            )
            for item in results.questions
        ],
    )


# ---------------------------------------------------------------- answering


@router.get(
    "/pilots/surveys/waves/{wave_id}/questionnaire",
    response={200: QuestionnaireOut, **errors(404, 422)},
    summary="The questions to answer",
)
def pilot_survey_questionnaire(request: HttpRequest, wave_id: ObjectId) -> QuestionnaireOut:
    """For a person invited to the wave (anyone else: 404)."""
    invitation = surveys.invitation_for(user=viewer_of(request), wave_id=wave_id)
    wave = invitation.wave
    return QuestionnaireOut(
        wave_id=wave.pk,
        title=localized(wave.survey, "title"),
        opens_at=wave.opens_at,
        closes_at=wave.closes_at,
        state=wave_state(wave),
        responded=invitation.responded,
        min_group_size=min_group_size(),
        questions=[_question_out(q) for q in wave.survey.questions.order_by("position", "id")],
    )


@router.post(
    "/pilots/surveys/waves/{wave_id}/responses",
    response={201: ResponseOut, **errors(400, 404, 409, 422)},
    summary="Answer a survey",
)
def pilot_survey_respond(
    request: HttpRequest, wave_id: ObjectId, payload: ResponseIn
) -> Status[ResponseOut]:
    """Your anonymous answers: stored without your name. A 400 names each question with a
    problem by its id in `fields`; answering twice, or outside the wave's dates, is a 409."""
    response = surveys.response_submit(
        user=viewer_of(request), wave_id=wave_id, answers=payload.answers
    )
    return Status(
        201, ResponseOut(wave_id=wave_id, recorded=True, submitted_on=response.submitted_on)
    )

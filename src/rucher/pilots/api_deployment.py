"""The pilots API: lessons learned, the best-practice library, the decision and the
deployment waves with their measurement.

Pilot reads go through ``policy.access_pilot`` (a pilot one may not see is the 404 of a
missing one): an animator of a pilot community sees the lessons about the whole pilot and
their own communities, and the waves; a wave's measurement is for those who may see the
pilot's results (403). Writes are for the pilot's managers (403), through the services.
The library is for every internal person (403 for partner guests).
"""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Status

from rucher.accounts.models import User
from rucher.api_schemas import ObjectId, errors
from rucher.communities.models import Community
from rucher.core.errors import Forbidden, NotFound
from rucher.pilots import deployment, lessons, policy
from rucher.pilots.api_common import sent_fields, viewer_of
from rucher.pilots.models import DeploymentWave, Lesson
from rucher.pilots.schemas_deployment import (
    DecisionIn,
    DecisionOut,
    DecisionStateOut,
    DeletedOut,
    IntervalOut,
    LessonIn,
    LessonOut,
    LessonPatch,
    LibraryItemOut,
    LibraryKindOut,
    MeasureReadingOut,
    PartReadingOut,
    WaveIn,
    WaveMeasurementOut,
    WaveOut,
    WavePatch,
)

router = Router(tags=["pilots"])


# ---------------------------------------------------------------- library


# Two segments: "/pilots/library" would be taken by "/pilots/{pilot_id}" of the programme
# router, which is mounted first.
@router.get(
    "/pilots/library/practices",
    response={200: list[LibraryItemOut], **errors(403)},
    summary="The best-practice library",
)
def pilot_library(request: HttpRequest, kind: str = "") -> list[LibraryItemOut]:
    """Successes of pilots put in the library, newest first; ``kind`` (a community kind
    code) keeps the practices that suit it, those for every kind included."""
    viewer = viewer_of(request)
    if not lessons.may_read_library(viewer):
        raise Forbidden(_("The best-practice library is for the organisation's people."))
    return [
        LibraryItemOut(
            id=item.lesson.pk,
            title=item.lesson.title,
            body=item.lesson.body,
            kinds=[LibraryKindOut(code=k.code, name=k.name) for k in item.kinds],
            pilot_id=item.pilot.pk if item.pilot else None,
            pilot_name=item.pilot.name if item.pilot else None,
            created_at=item.lesson.created_at,
        )
        for item in lessons.library(viewer, kind=kind)
    ]


# ---------------------------------------------------------------- lessons


def lesson_out(lesson: Lesson) -> LessonOut:
    return LessonOut(
        id=lesson.pk,
        pilot_id=lesson.pilot_id,
        kind=lesson.kind,
        title=lesson.title,
        body=lesson.body,
        community_id=lesson.community_id,
        community_name=lesson.community.name if lesson.community else None,
        in_library=lesson.in_library,
        community_kinds=list(lesson.community_kinds or []),
        adjustment=lesson.adjustment,
        wave_id=lesson.wave_id,
        created_at=lesson.created_at,
    )


@router.get(
    "/pilots/{pilot_id}/lessons",
    response={200: list[LessonOut], **errors(404, 422)},
    summary="A pilot's lessons learned",
)
def pilot_lessons_list(request: HttpRequest, pilot_id: ObjectId) -> list[LessonOut]:
    viewer = viewer_of(request)
    pilot = policy.access_pilot(user=viewer, pilot_id=pilot_id)
    return [lesson_out(lesson) for lesson in lessons.lessons_visible(pilot, viewer)]


@router.post(
    "/pilots/{pilot_id}/lessons",
    response={201: LessonOut, **errors(400, 403, 404, 422)},
    summary="Record a lesson",
)
def pilot_lesson_create(
    request: HttpRequest, pilot_id: ObjectId, payload: LessonIn
) -> Status[LessonOut]:
    """A success (optionally in the library, for some community kinds) or a failure (with
    its adjustment to the deployment plan, optionally for one wave)."""
    lesson = lessons.lesson_create(actor=viewer_of(request), pilot_id=pilot_id, **payload.dict())
    return Status(201, lesson_out(lesson))


@router.patch(
    "/pilots/lessons/{lesson_id}",
    response={200: LessonOut, **errors(400, 403, 404, 422)},
    summary="Change a lesson",
)
def pilot_lesson_update(
    request: HttpRequest, lesson_id: ObjectId, payload: LessonPatch
) -> LessonOut:
    lesson = lessons.lesson_update(
        actor=viewer_of(request), lesson_id=lesson_id, **sent_fields(payload)
    )
    return lesson_out(lesson)


@router.delete(
    "/pilots/lessons/{lesson_id}",
    response={200: DeletedOut, **errors(403, 404, 422)},
    summary="Delete a lesson",
)
def pilot_lesson_delete(request: HttpRequest, lesson_id: ObjectId) -> DeletedOut:
    lessons.lesson_delete(actor=viewer_of(request), lesson_id=lesson_id)
    return DeletedOut(id=lesson_id)


# ---------------------------------------------------------------- decision


def _decision_state(pilot_id: int, viewer: User) -> DecisionStateOut:
    pilot = policy.access_pilot(user=viewer, pilot_id=pilot_id)
    decision = deployment.decision_of(pilot)
    blocker = deployment.decision_blocker(pilot)
    return DecisionStateOut(
        decision=DecisionOut(
            pilot_id=pilot.pk,
            outcome=decision.outcome,
            outcome_label=str(decision.get_outcome_display()),
            rationale=decision.rationale,
            decided_by=decision.decided_by,
            decided_on=decision.decided_on,
            recorded_by_id=decision.recorded_by_id,
            editable=blocker is None,
        )
        if decision
        else None,
        blocker=blocker,
    )


@router.get(
    "/pilots/{pilot_id}/decision",
    response={200: DecisionStateOut, **errors(404, 422)},
    summary="A pilot's decision",
)
def pilot_decision_get(request: HttpRequest, pilot_id: ObjectId) -> DecisionStateOut:
    return _decision_state(pilot_id, viewer_of(request))


@router.put(
    "/pilots/{pilot_id}/decision",
    response={200: DecisionStateOut, **errors(400, 403, 404, 409, 422)},
    summary="Record or correct the decision",
)
def pilot_decision_record(
    request: HttpRequest, pilot_id: ObjectId, payload: DecisionIn
) -> DecisionStateOut:
    """Go, adjust or stop, with the rationale and who decided. Only for a closed pilot,
    which becomes "decided"; correctable until the results are published (409)."""
    viewer = viewer_of(request)
    deployment.decision_record(actor=viewer, pilot_id=pilot_id, **payload.dict())
    return _decision_state(pilot_id, viewer)


# ---------------------------------------------------------------- waves


def wave_out(wave: DeploymentWave, viewer: User) -> WaveOut:
    ids = [c.pk for c in wave.communities.all()]
    seen = set(Community.objects.visible_to(viewer).filter(pk__in=ids).values_list("pk", flat=True))
    return WaveOut(
        id=wave.pk,
        pilot_id=wave.pilot_id,
        name=wave.name,
        position=wave.position,
        start_date=wave.start_date,
        end_date=wave.end_date,
        support_hours=float(wave.support_hours),
        org_unit_ids=sorted(u.pk for u in wave.org_units.all()),
        community_ids=sorted(pk for pk in ids if pk in seen),
        hidden_communities=len([pk for pk in ids if pk not in seen]),
        notes=wave.notes,
    )


def _visible_wave(viewer: User, wave_id: int) -> DeploymentWave:
    wave = DeploymentWave.objects.filter(pk=wave_id).first()
    if wave is None:
        raise NotFound("deployment wave")
    wave.pilot = policy.access_pilot(user=viewer, pilot_id=wave.pilot_id)
    return wave


@router.get(
    "/pilots/{pilot_id}/deployment/waves",
    response={200: list[WaveOut], **errors(404, 422)},
    summary="A pilot's deployment waves",
)
def pilot_waves_list(request: HttpRequest, pilot_id: ObjectId) -> list[WaveOut]:
    viewer = viewer_of(request)
    pilot = policy.access_pilot(user=viewer, pilot_id=pilot_id)
    return [wave_out(wave, viewer) for wave in deployment.waves_of(pilot)]


@router.post(
    "/pilots/{pilot_id}/deployment/waves",
    response={201: WaveOut, **errors(400, 403, 404, 409, 422)},
    summary="Plan a deployment wave",
)
def pilot_wave_create(request: HttpRequest, pilot_id: ObjectId, payload: WaveIn) -> Status[WaveOut]:
    """Which org units and communities, when, with what support (409 after a "stop")."""
    viewer = viewer_of(request)
    wave = deployment.wave_create(actor=viewer, pilot_id=pilot_id, **payload.dict())
    return Status(201, wave_out(wave, viewer))


@router.patch(
    "/pilots/deployment/waves/{wave_id}",
    response={200: WaveOut, **errors(400, 403, 404, 422)},
    summary="Change a deployment wave",
)
def pilot_wave_update(request: HttpRequest, wave_id: ObjectId, payload: WavePatch) -> WaveOut:
    viewer = viewer_of(request)
    wave = deployment.wave_update(actor=viewer, wave_id=wave_id, **sent_fields(payload))
    return wave_out(wave, viewer)


@router.delete(
    "/pilots/deployment/waves/{wave_id}",
    response={200: DeletedOut, **errors(403, 404, 422)},
    summary="Delete a deployment wave",
)
def pilot_wave_delete(request: HttpRequest, wave_id: ObjectId) -> DeletedOut:
    deployment.wave_delete(actor=viewer_of(request), wave_id=wave_id)
    return DeletedOut(id=wave_id)


@router.get(
    "/pilots/deployment/waves/{wave_id}/measurement",
    response={200: WaveMeasurementOut, **errors(403, 404, 422)},
    summary="A deployment wave measured against the pilot's projection",
)
def pilot_wave_measurement(request: HttpRequest, wave_id: ObjectId) -> WaveMeasurementOut:
    """The pilot's objective KPIs over each part of the wave's scope, as long before its
    start as since, beside the pilot's projected effect at the deployment support level."""
    viewer = viewer_of(request)
    wave = _visible_wave(viewer, wave_id)
    policy.require_results(viewer, wave.pilot)
    result = deployment.wave_measurement(wave, viewer)
    return WaveMeasurementOut(
        wave_id=wave.pk,
        started=result.started,
        before_start=result.before[0] if result.before else None,
        before_end=result.before[1] if result.before else None,
        since_start=result.since[0] if result.since else None,
        since_end=result.since[1] if result.since else None,
        deployment_level=result.deployment_level,
        from_objectives=result.from_objectives,
        notes=[str(note) for note in result.notes],
        measures=[
            MeasureReadingOut(
                key=m.key,
                kpi_key=m.kpi_key,
                label=m.label,
                unit=m.unit,
                window=m.window,
                parts=[
                    PartReadingOut(
                        label=str(p.label), before=p.before, since=p.since, change=p.change
                    )
                    for p in m.parts
                ],
                projection=IntervalOut(
                    estimate=m.projection.estimate,
                    low=m.projection.low,
                    high=m.projection.high,
                    level=m.projection.level,
                )
                if m.projection is not None
                else None,
                projection_reliable=m.projection_reliable,
            )
            for m in result.measures
        ],
    )

"""The pilots API: the support log and the support level planned for deployment.

Reads go through ``policy.access_pilot`` (a pilot one may not see is the 404 of a missing
one); an animator of a pilot community reads only their own communities' entries and rows.
Writes are for the pilot's managers (403 otherwise), through ``pilots.support``.
"""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Status

from rucher.api_schemas import ObjectId, errors
from rucher.pilots import policy, support
from rucher.pilots.api_common import sent_fields, viewer_of
from rucher.pilots.models import SupportEntry
from rucher.pilots.schemas_deployment import (
    DeletedOut,
    DeploymentLevelIn,
    DeploymentLevelOut,
    IntensityOut,
    IntensityRowOut,
    SupportEntryIn,
    SupportEntryOut,
    SupportEntryPatch,
    SupportOut,
)

router = Router(tags=["pilots"])


def entry_out(entry: SupportEntry) -> SupportEntryOut:
    return SupportEntryOut(
        id=entry.pk,
        pilot_id=entry.pilot_id,
        kind=entry.kind,
        kind_label=str(entry.get_kind_display()),
        day=entry.day,
        hours=float(entry.hours),
        people_reached=entry.people_reached,
        community_id=entry.community_id,
        community_name=entry.community.name if entry.community else None,
        description=entry.description,
        recorded_by_id=entry.recorded_by_id,
    )


def _row(row: support.IntensityRow) -> IntensityRowOut:
    return IntensityRowOut(
        community_id=row.community_id,
        name=row.name,
        entries=row.entries,
        hours=float(row.hours),
        shared_hours=float(row.shared_hours),
        people_reached=row.people_reached,
        hours_per_month=None if row.hours_per_month is None else float(row.hours_per_month),
        ratio_to_deployment=row.ratio_to_deployment,
        in_pilot=row.in_pilot,
    )


def intensity_out(intensity: support.Intensity) -> IntensityOut:
    mean = intensity.mean_per_community_month
    return IntensityOut(
        rows=[_row(row) for row in intensity.rows],
        whole_pilot=_row(intensity.whole_pilot) if intensity.whole_pilot else None,
        total_hours=float(intensity.total_hours),
        total_entries=intensity.total_entries,
        total_people=intensity.total_people,
        months=None if intensity.months is None else float(intensity.months),
        communities=intensity.communities,
        mean_per_community_month=None if mean is None else float(mean),
        deployment_level=float(intensity.deployment_level),
        ratio_to_deployment=intensity.ratio_to_deployment,
        partial=intensity.partial,
    )


@router.get(
    "/pilots/{pilot_id}/support",
    response={200: SupportOut, **errors(404, 422)},
    summary="A pilot's support log and intensity",
)
def pilot_support_get(request: HttpRequest, pilot_id: ObjectId) -> SupportOut:
    """The entries (newest first) and the intensity per community against the deployment
    level. An animator of a pilot community sees their own communities' part only."""
    viewer = viewer_of(request)
    pilot = policy.access_pilot(user=viewer, pilot_id=pilot_id)
    return SupportOut(
        entries=[entry_out(entry) for entry in support.entries_visible(pilot, viewer)],
        intensity=intensity_out(support.support_intensity(pilot, viewer)),
    )


@router.post(
    "/pilots/{pilot_id}/support",
    response={201: SupportEntryOut, **errors(400, 403, 404, 409, 422)},
    summary="Log support",
)
def pilot_support_log(
    request: HttpRequest, pilot_id: ObjectId, payload: SupportEntryIn
) -> Status[SupportEntryOut]:
    """Support given to a pilot community, or to the whole pilot (no ``community_id``).
    A decided pilot's log no longer changes (409)."""
    entry = support.support_log(actor=viewer_of(request), pilot_id=pilot_id, **payload.dict())
    return Status(201, entry_out(entry))


@router.patch(
    "/pilots/support/{entry_id}",
    response={200: SupportEntryOut, **errors(400, 403, 404, 409, 422)},
    summary="Change a support entry",
)
def pilot_support_update(
    request: HttpRequest, entry_id: ObjectId, payload: SupportEntryPatch
) -> SupportEntryOut:
    """Fields left out keep their value; ``community_id: null`` makes it whole-pilot support."""
    given = sent_fields(payload)
    entry = support.support_update(actor=viewer_of(request), entry_id=entry_id, **given)
    return entry_out(entry)


@router.delete(
    "/pilots/support/{entry_id}",
    response={200: DeletedOut, **errors(403, 404, 409, 422)},
    summary="Delete a support entry",
)
def pilot_support_delete(request: HttpRequest, entry_id: ObjectId) -> DeletedOut:
    support.support_delete(actor=viewer_of(request), entry_id=entry_id)
    return DeletedOut(id=entry_id)


@router.put(
    "/pilots/{pilot_id}/support/deployment-level",
    response={200: DeploymentLevelOut, **errors(400, 403, 404, 409, 422)},
    summary="Set the support planned for deployment",
)
def pilot_support_level(
    request: HttpRequest, pilot_id: ObjectId, payload: DeploymentLevelIn
) -> DeploymentLevelOut:
    """Hours per community per month that deployment will give: the level the evaluation
    projects results to."""
    pilot = support.pilot_set_deployment_support(
        actor=viewer_of(request), pilot_id=pilot_id, hours=payload.deployment_support_hours
    )
    return DeploymentLevelOut(
        pilot_id=pilot.pk, deployment_support_hours=float(pilot.deployment_support_hours)
    )

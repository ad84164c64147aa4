"""The pilots API, programme part: pilots, their scope, comparison groups and objectives.

Access is the pages' (``pilots.policy``): a pilot one may not see is the 404 of a missing
one; writes are for the project team, the pilot's sponsors and team (403 for the others who
see it). Animators of pilot communities read their part (their communities, objectives with
their communities' figures); beta users read once the results are published. Beta users'
names are for the managers; comparison groups and baseline gaps for those who see results.
"""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Router, Status

from rucher.accounts.models import User
from rucher.accounts.schemas import PersonRef
from rucher.api_schemas import ObjectId, errors
from rucher.core.errors import Forbidden, NotFound
from rucher.pilots import matching, policy, selectors, services
from rucher.pilots.api_common import viewer_of
from rucher.pilots.models import ComparisonGroup, Objective, ObjectiveMeasure, Pilot, PilotCommunity
from rucher.pilots.schemas_deployment import DeletedOut
from rucher.pilots.schemas_programme import (
    BetaUserOut,
    BetaUsersAddedOut,
    BetaUsersIn,
    ComparisonIn,
    ComparisonOut,
    GapRowOut,
    GapsOut,
    MeasureIn,
    MeasureOut,
    MeasurePatch,
    ObjectiveIn,
    ObjectiveOut,
    PilotCommunityIn,
    PilotCommunityOut,
    PilotDetailOut,
    PilotIn,
    PilotOut,
    PilotPatch,
    PublishIn,
    ScopeCountsOut,
    StatusIn,
    SuggestionOut,
)

router = Router(tags=["pilots"])


def _pilot(viewer: User, pilot_id: int) -> Pilot:
    return policy.access_pilot(user=viewer, pilot_id=pilot_id)


def _refs(people: list[User]) -> list[PersonRef]:
    return [PersonRef(id=p.pk, display_name=p.display_name) for p in people]


def _out(viewer: User, pilot: Pilot) -> PilotOut:
    manages = policy.can_manage(viewer, pilot)
    return PilotOut(
        id=pilot.pk,
        slug=pilot.slug,
        name=pilot.name,
        purpose=pilot.purpose,
        status=pilot.status,
        start_date=pilot.start_date,
        end_date=pilot.end_date,
        months=round(selectors.months_between(pilot.start_date, pilot.end_date), 2),
        duration_guidance=selectors.duration_guidance(pilot.start_date, pilot.end_date),
        deployment_support_hours=float(pilot.deployment_support_hours),
        results_published_at=pilot.results_published_at,
        sponsors=_refs(sorted(pilot.sponsors.all(), key=lambda p: p.display_name)),
        team=_refs(sorted(pilot.team.all(), key=lambda p: p.display_name)),
        can_manage=manages,
        can_see_results=manages or policy.can_see_results(viewer, pilot),
        url=reverse("pilots:detail", args=[pilot.slug]),
    )


def _detail(viewer: User, pilot: Pilot) -> PilotDetailOut:
    counts = selectors.scope_counts(pilot)
    manages = policy.can_manage(viewer, pilot)
    return PilotDetailOut(
        **_out(viewer, pilot).model_dump(),
        counts=ScopeCountsOut(**counts.__dict__),
        next_statuses=[status for status, _label in selectors.status_actions(pilot)]
        if manages
        else [],
    )


def _require_manage(viewer: User, pilot: Pilot) -> None:
    policy.require_manage(viewer, pilot)


# ---------------------------------------------------------------- pilots


@router.get("/pilots", response={200: list[PilotOut], **errors()}, summary="Pilots you see")
def pilots_list(request: HttpRequest) -> list[PilotOut]:
    """The pilots you take part in (sponsor, team, animator of a pilot community, beta user
    once results are published); the project team sees them all."""
    viewer = viewer_of(request)
    pilots = policy.pilots_visible_to(viewer).prefetch_related("sponsors", "team")
    return [_out(viewer, pilot) for pilot in pilots]


@router.post(
    "/pilots",
    response={201: PilotDetailOut, **errors(400, 403, 422)},
    summary="Plan a pilot",
)
def pilots_create(request: HttpRequest, payload: PilotIn) -> Status[PilotDetailOut]:
    """The ESN project team plans a pilot (status `planned`). A duration outside 3–6 months
    is accepted with `duration_guidance` set."""
    viewer = viewer_of(request)
    pilot = services.pilot_create(
        actor=viewer,
        name=payload.name,
        purpose=payload.purpose,
        start_date=payload.start_date,
        end_date=payload.end_date,
        deployment_support_hours=payload.deployment_support_hours,
        sponsor_ids=payload.sponsor_ids,
        team_ids=payload.team_ids or [viewer.pk],
    )
    return Status(201, _detail(viewer, pilot))


@router.get(
    "/pilots/{pilot_id}", response={200: PilotDetailOut, **errors(404, 422)}, summary="A pilot"
)
def pilots_get(request: HttpRequest, pilot_id: ObjectId) -> PilotDetailOut:
    viewer = viewer_of(request)
    return _detail(viewer, _pilot(viewer, pilot_id))


@router.patch(
    "/pilots/{pilot_id}",
    response={200: PilotDetailOut, **errors(400, 403, 404, 409, 422)},
    summary="Change a pilot",
)
def pilots_update(request: HttpRequest, pilot_id: ObjectId, payload: PilotPatch) -> PilotDetailOut:
    """Fields left out keep their value; the address (slug) never changes. Moving the start
    moves the default baselines with it. A decided pilot is frozen (409)."""
    viewer = viewer_of(request)
    pilot = services.pilot_update(
        actor=viewer, pilot_id=pilot_id, **payload.model_dump(exclude_unset=True)
    )
    return _detail(viewer, pilot)


@router.post(
    "/pilots/{pilot_id}/status",
    response={200: PilotDetailOut, **errors(400, 403, 404, 409, 422)},
    summary="Start, close or reopen a pilot",
)
def pilots_set_status(
    request: HttpRequest, pilot_id: ObjectId, payload: StatusIn
) -> PilotDetailOut:
    """planned → running (needs a pilot community), running → closed, closed → running."""
    viewer = viewer_of(request)
    pilot = services.pilot_set_status(actor=viewer, pilot_id=pilot_id, status=payload.status)
    return _detail(viewer, pilot)


@router.post(
    "/pilots/{pilot_id}/publication",
    response={200: PilotDetailOut, **errors(403, 404, 409, 422)},
    summary="Publish or hide the results",
)
def pilots_publish(request: HttpRequest, pilot_id: ObjectId, payload: PublishIn) -> PilotDetailOut:
    """Published results are seen by the beta users and the animators of pilot communities."""
    viewer = viewer_of(request)
    pilot = services.pilot_publish_results(
        actor=viewer, pilot_id=pilot_id, published=payload.published
    )
    return _detail(viewer, pilot)


# ---------------------------------------------------------------- pilot communities


def _community_out(entry: PilotCommunity) -> PilotCommunityOut:
    return PilotCommunityOut(
        community_id=entry.community_id,
        name=entry.community.name,
        slug=entry.community.slug,
        reason=entry.reason,
        reason_label=str(entry.get_reason_display()),
        reason_detail=entry.reason_detail,
        added_at=entry.added_at,
    )


@router.get(
    "/pilots/{pilot_id}/communities",
    response={200: list[PilotCommunityOut], **errors(404, 422)},
    summary="Pilot communities and why they were chosen",
)
def pilot_communities_list(request: HttpRequest, pilot_id: ObjectId) -> list[PilotCommunityOut]:
    """Animators get the pilot communities they animate only."""
    viewer = viewer_of(request)
    pilot = _pilot(viewer, pilot_id)
    return [_community_out(entry) for entry in selectors.pilot_communities(pilot, viewer)]


@router.post(
    "/pilots/{pilot_id}/communities",
    response={201: PilotCommunityOut, **errors(400, 403, 404, 409, 422)},
    summary="Add a pilot community",
)
def pilot_communities_add(
    request: HttpRequest, pilot_id: ObjectId, payload: PilotCommunityIn
) -> Status[PilotCommunityOut]:
    """A community you can see, not a comparison group of the same pilot (400), with why it
    was chosen (`reason_detail` required for `other`)."""
    entry = services.pilot_community_add(
        actor=viewer_of(request),
        pilot_id=pilot_id,
        community_id=payload.community_id,
        reason=payload.reason,
        reason_detail=payload.reason_detail,
    )
    return Status(201, _community_out(entry))


@router.delete(
    "/pilots/{pilot_id}/communities/{community_id}",
    response={200: DeletedOut, **errors(403, 404, 409, 422)},
    summary="Take a community out of the pilot",
)
def pilot_communities_remove(
    request: HttpRequest, pilot_id: ObjectId, community_id: ObjectId
) -> DeletedOut:
    """A pilot that has started keeps at least one community (409)."""
    services.pilot_community_remove(
        actor=viewer_of(request), pilot_id=pilot_id, community_id=community_id
    )
    return DeletedOut(id=community_id)


# ---------------------------------------------------------------- beta users


@router.get(
    "/pilots/{pilot_id}/beta-users",
    response={200: list[BetaUserOut], **errors(403, 404, 422)},
    summary="Beta users",
)
def beta_users_list(request: HttpRequest, pilot_id: ObjectId) -> list[BetaUserOut]:
    """For the pilot's managers (others see the count in the pilot)."""
    viewer = viewer_of(request)
    pilot = _pilot(viewer, pilot_id)
    _require_manage(viewer, pilot)
    return [
        BetaUserOut(
            id=beta.user.pk,
            display_name=beta.user.display_name,
            org_unit=beta.user.profile.org_unit.name
            if getattr(beta.user, "profile", None) and beta.user.profile.org_unit
            else None,
            added_at=beta.added_at,
        )
        for beta in selectors.beta_users(pilot)
    ]


@router.post(
    "/pilots/{pilot_id}/beta-users",
    response={200: BetaUsersAddedOut, **errors(400, 403, 404, 409, 422)},
    summary="Add beta users",
)
def beta_users_add(
    request: HttpRequest, pilot_id: ObjectId, payload: BetaUsersIn
) -> BetaUsersAddedOut:
    """Active employees by id, and/or the members of the pilot communities in one go. People
    already beta users are skipped; people of a comparison org unit are refused (400)."""
    viewer = viewer_of(request)
    if not payload.user_ids and not payload.members_of_pilot_communities:
        from rucher.core.errors import Invalid

        raise Invalid(
            _("Give people or ask for the members of the pilot communities."),
            fields={"user_ids": [_("Choose at least one person.")]},
        )
    added: list[User] = []
    left_out = 0
    if payload.user_ids:
        added += services.beta_users_add(actor=viewer, pilot_id=pilot_id, user_ids=payload.user_ids)
    if payload.members_of_pilot_communities:
        members, left_out = services.beta_users_add_members(actor=viewer, pilot_id=pilot_id)
        added += members
    pilot = _pilot(viewer, pilot_id)
    return BetaUsersAddedOut(added=_refs(added), left_out=left_out, total=pilot.beta_users.count())


@router.delete(
    "/pilots/{pilot_id}/beta-users/{user_id}",
    response={200: DeletedOut, **errors(403, 404, 409, 422)},
    summary="Remove a beta user",
)
def beta_users_remove(request: HttpRequest, pilot_id: ObjectId, user_id: ObjectId) -> DeletedOut:
    services.beta_user_remove(actor=viewer_of(request), pilot_id=pilot_id, user_id=user_id)
    return DeletedOut(id=user_id)


# ---------------------------------------------------------------- comparison groups


def _comparison_out(group: ComparisonGroup) -> ComparisonOut:
    return ComparisonOut(
        id=group.pk,
        kind="community" if group.community_id else "org_unit",
        community_id=group.community_id,
        org_unit_id=group.org_unit_id,
        name=group.community.name
        if group.community
        else group.org_unit.name
        if group.org_unit
        else "",
        source=group.source,
        added_at=group.added_at,
    )


def _require_results(viewer: User, pilot: Pilot) -> None:
    if (
        not policy.can_manage(viewer, pilot)
        and policy.visible_community_ids(viewer, pilot) is not None
    ):
        raise Forbidden(
            _(
                "Comparison groups are shown to the pilot team, and with the results once "
                "they are published."
            )
        )


@router.get(
    "/pilots/{pilot_id}/comparisons",
    response={200: list[ComparisonOut], **errors(403, 404, 422)},
    summary="Comparison groups",
)
def comparisons_list(request: HttpRequest, pilot_id: ObjectId) -> list[ComparisonOut]:
    viewer = viewer_of(request)
    pilot = _pilot(viewer, pilot_id)
    _require_results(viewer, pilot)
    return [_comparison_out(group) for group in selectors.comparison_groups(pilot)]


@router.post(
    "/pilots/{pilot_id}/comparisons",
    response={201: ComparisonOut, **errors(400, 403, 404, 409, 422)},
    summary="Add a comparison group",
)
def comparisons_add(
    request: HttpRequest, pilot_id: ObjectId, payload: ComparisonIn
) -> Status[ComparisonOut]:
    """Exactly one of `community_id` (not a pilot community: 400) and `org_unit_id` (no beta
    user in it or below it: 400)."""
    group = services.comparison_add(
        actor=viewer_of(request),
        pilot_id=pilot_id,
        community_id=payload.community_id,
        org_unit_id=payload.org_unit_id,
        source=payload.source,
    )
    return Status(201, _comparison_out(group))


@router.delete(
    "/pilots/{pilot_id}/comparisons/{comparison_id}",
    response={200: DeletedOut, **errors(403, 404, 409, 422)},
    summary="Remove a comparison group",
)
def comparisons_remove(
    request: HttpRequest, pilot_id: ObjectId, comparison_id: ObjectId
) -> DeletedOut:
    services.comparison_remove(
        actor=viewer_of(request), pilot_id=pilot_id, comparison_id=comparison_id
    )
    return DeletedOut(id=comparison_id)


@router.get(
    "/pilots/{pilot_id}/comparison-suggestions",
    response={200: list[SuggestionOut], **errors(403, 404, 422)},
    summary="Suggested comparison communities",
)
def comparisons_suggest(request: HttpRequest, pilot_id: ObjectId) -> list[SuggestionOut]:
    """Communities outside the pilot closest to a pilot community on the members' org units
    and sites, size and contributor rate over the 8 weeks before the start (smaller
    `distance` first). For the pilot's managers."""
    viewer = viewer_of(request)
    pilot = _pilot(viewer, pilot_id)
    _require_manage(viewer, pilot)
    return [
        SuggestionOut(
            community_id=s.community.pk,
            name=s.community.name,
            matched_to_id=s.matched_to.pk,
            matched_to=s.matched_to.name,
            distance=s.distance,
            members=s.members,
            pilot_members=s.pilot_members,
            unit_overlap=round(s.unit_overlap, 3),
            site_overlap=round(s.site_overlap, 3),
            reasons=[str(r) for r in s.reasons],
        )
        for s in matching.suggest_comparisons(pilot, viewer=viewer)
    ]


@router.get(
    "/pilots/{pilot_id}/baseline-gaps",
    response={200: GapsOut, **errors(403, 404, 422)},
    summary="Baseline gaps between the pilot and its comparison",
)
def comparisons_gaps(request: HttpRequest, pilot_id: ObjectId) -> GapsOut:
    """Pilot arm vs comparison arm over the 8 weeks before the start; shares as fractions,
    null when no data or fewer people than the minimum group size."""
    viewer = viewer_of(request)
    pilot = _pilot(viewer, pilot_id)
    _require_results(viewer, pilot)
    table = matching.baseline_gaps(pilot)
    return GapsOut(
        title=str(table.title),
        note=str(table.note),
        rows=[
            GapRowOut(measure=str(row[0]), pilot=row[1], comparison=row[2], gap=row[3])
            for row in table.rows
        ],
    )


# ---------------------------------------------------------------- objectives


def _measure_out(progress: selectors.MeasureProgress) -> MeasureOut:
    measure = progress.measure
    hidden = progress.status == "hidden"
    return MeasureOut(
        id=measure.pk,
        kind=measure.kind,
        kpi_key=measure.kpi_key,
        kpi_window=measure.kpi_window,
        survey_measure=measure.survey_measure,
        label=progress.label,
        unit=progress.unit,
        direction=measure.direction,
        baseline_value=None if hidden else progress.baseline,
        baseline_start=measure.baseline_start,
        baseline_end=measure.baseline_end,
        target_value=measure.target_value,
        target_date=measure.target_date,
        current_value=progress.current,
        share_of_the_way=progress.share,
        progress=progress.status,
        note=str(progress.note),
    )


def _objective_out(item: selectors.ObjectiveProgress) -> ObjectiveOut:
    return ObjectiveOut(
        id=item.objective.pk,
        title=item.objective.title,
        description=item.objective.description,
        position=item.objective.position,
        progress=item.status,
        measures=[_measure_out(m) for m in item.measures],
    )


def _one_objective(viewer: User, objective: Objective) -> ObjectiveOut:
    pilot = _pilot(viewer, objective.pilot_id)
    for item in selectors.objective_progress(pilot, viewer):
        if item.objective.pk == objective.pk:
            return _objective_out(item)
    raise NotFound("objective")  # pragma: no cover - it was just written


@router.get(
    "/pilots/{pilot_id}/objectives",
    response={200: list[ObjectiveOut], **errors(404, 422)},
    summary="Objectives with their progress",
)
def objectives_list(request: HttpRequest, pilot_id: ObjectId) -> list[ObjectiveOut]:
    """Each objective with its measures: baseline, value now, target and how far along.
    Animators get their communities' figures; survey figures wait for publication."""
    viewer = viewer_of(request)
    pilot = _pilot(viewer, pilot_id)
    return [_objective_out(item) for item in selectors.objective_progress(pilot, viewer)]


@router.post(
    "/pilots/{pilot_id}/objectives",
    response={201: ObjectiveOut, **errors(400, 403, 404, 409, 422)},
    summary="Add an objective",
)
def objectives_create(
    request: HttpRequest, pilot_id: ObjectId, payload: ObjectiveIn
) -> Status[ObjectiveOut]:
    viewer = viewer_of(request)
    objective = services.objective_create(
        actor=viewer, pilot_id=pilot_id, title=payload.title, description=payload.description
    )
    return Status(201, _one_objective(viewer, objective))


@router.patch(
    "/pilots/objectives/{objective_id}",
    response={200: ObjectiveOut, **errors(400, 403, 404, 409, 422)},
    summary="Change an objective",
)
def objectives_update(
    request: HttpRequest, objective_id: ObjectId, payload: ObjectiveIn
) -> ObjectiveOut:
    viewer = viewer_of(request)
    objective = services.objective_update(
        actor=viewer,
        objective_id=objective_id,
        title=payload.title,
        description=payload.description,
    )
    return _one_objective(viewer, objective)


@router.delete(
    "/pilots/objectives/{objective_id}",
    response={200: DeletedOut, **errors(403, 404, 409, 422)},
    summary="Delete an objective",
)
def objectives_delete(request: HttpRequest, objective_id: ObjectId) -> DeletedOut:
    services.objective_delete(actor=viewer_of(request), objective_id=objective_id)
    return DeletedOut(id=objective_id)


def _measure_response(viewer: User, measure: ObjectiveMeasure) -> MeasureOut:
    pilot = _pilot(viewer, measure.objective.pilot_id)
    return _measure_out(selectors.measure_progress(pilot, measure, viewer))


@router.post(
    "/pilots/objectives/{objective_id}/measures",
    response={201: MeasureOut, **errors(400, 403, 404, 409, 422)},
    summary="Link a measure to an objective",
)
def measures_add(
    request: HttpRequest, objective_id: ObjectId, payload: MeasureIn
) -> Status[MeasureOut]:
    """A KPI of `GET /analytics/kpis` over the pilot communities, or a survey measure, with
    a target and a date. Unknown KPIs, windows the KPI does not offer, KPIs that need more
    days than the pilot lasts, and KPIs of a pilot without communities are refused (400). The
    baseline is measured now; null when there is no data yet."""
    viewer = viewer_of(request)
    measure = services.measure_add(actor=viewer, objective_id=objective_id, **payload.model_dump())
    return Status(201, _measure_response(viewer, measure))


@router.patch(
    "/pilots/measures/{measure_id}",
    response={200: MeasureOut, **errors(400, 403, 404, 409, 422)},
    summary="Change a measure's target or baseline period",
)
def measures_update(
    request: HttpRequest, measure_id: ObjectId, payload: MeasurePatch
) -> MeasureOut:
    viewer = viewer_of(request)
    measure = services.measure_update(
        actor=viewer, measure_id=measure_id, **payload.model_dump(exclude_unset=True)
    )
    return _measure_response(viewer, measure)


@router.delete(
    "/pilots/measures/{measure_id}",
    response={200: DeletedOut, **errors(403, 404, 409, 422)},
    summary="Remove a measure",
)
def measures_remove(request: HttpRequest, measure_id: ObjectId) -> DeletedOut:
    services.measure_remove(actor=viewer_of(request), measure_id=measure_id)
    return DeletedOut(id=measure_id)


@router.post(
    "/pilots/measures/{measure_id}/baseline",
    response={200: MeasureOut, **errors(403, 404, 409, 422)},
    summary="Measure a baseline again",
)
def measures_refresh_baseline(request: HttpRequest, measure_id: ObjectId) -> MeasureOut:
    viewer = viewer_of(request)
    measure = services.measure_refresh_baseline(actor=viewer, measure_id=measure_id)
    return _measure_response(viewer, measure)

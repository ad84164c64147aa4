"""The pilots API: evaluation part.

``GET /pilots/{pilot_id}/evaluation``: the whole evaluation, as on the evaluation page — the
same computation (cached per pilot and day), the same access: a pilot one may not see is the
404 of a missing one; one whose results one may not see is a 403.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.http import HttpRequest
from ninja import Router

from rucher.api_schemas import ObjectId, errors
from rucher.pilots import evaluation, policy
from rucher.pilots.api_common import viewer_of
from rucher.pilots.schemas_evaluation import (
    EvalBiasOut,
    EvalIntervalOut,
    EvalMeasureOut,
    EvalNoveltyOut,
    EvalOrganicOut,
    EvalPeriodOut,
    EvalProjectionOut,
    EvalSupportCommunityOut,
    EvalSupportOut,
    EvalTrendCheckOut,
    EvaluationOut,
    EvalWeekOut,
)

if TYPE_CHECKING:
    from rucher.pilots.evaluation import Evaluation, MeasureResult
    from rucher.pilots.stats import Interval

router = Router(tags=["pilots"])


def _interval(value: Interval | None) -> EvalIntervalOut | None:
    if value is None:
        return None
    return _interval_of(value)


def _interval_of(value: Interval) -> EvalIntervalOut:
    return EvalIntervalOut(
        estimate=value.estimate,
        low=value.low,
        high=value.high,
        level=value.level,
        method=value.method,
        units=value.units,
        few_units=value.few_units,
        p_value=value.p_value,
    )


def _measure(m: MeasureResult) -> EvalMeasureOut:
    trends = novelty = projection = None
    if m.trends is not None:
        trends = EvalTrendCheckOut(
            slope_gap=m.trends.slope_gap,
            interval=_interval_of(m.trends.interval),
            periods=m.trends.periods,
            holds=m.trends.holds,
        )
    if m.novelty is not None:
        novelty = EvalNoveltyOut(
            weeks=m.novelty.weeks,
            effects=m.novelty.effects,
            early=m.novelty.early,
            late=m.novelty.late,
            fades=m.novelty.fades,
        )
    if m.projection is not None:
        p = m.projection
        projection = EvalProjectionOut(
            slope=p.slope,
            intercept=p.intercept,
            pilot_support=p.pilot_support,
            deployment_support=p.deployment_support,
            at_pilot=_interval_of(p.at_pilot),
            at_deployment=_interval_of(p.at_deployment),
            units=p.units,
            reliable=p.reliable,
            extrapolated=p.extrapolated,
        )
    return EvalMeasureOut(
        key=m.key,
        label=m.label,
        kind=m.kind,
        unit=m.unit,
        direction=m.direction,
        objectives=m.objectives,
        pilot_before=m.pilot_before,
        pilot_after=m.pilot_after,
        comparison_before=m.comparison_before,
        comparison_after=m.comparison_after,
        others_after=m.others_after,
        naive_gap=m.naive_gap,
        effect=_interval(m.effect),
        trends=trends,
        novelty=novelty,
        projection=projection,
        weekly=[EvalWeekOut(week_end=d, pilot=p, comparison=c) for d, p, c in m.weekly],
        pilot_units=m.pilot_units,
        comparison_units=m.comparison_units,
        verdict=m.verdict,
        notes=m.notes,
    )


def evaluation_out(result: Evaluation) -> EvaluationOut:
    support: dict[str, Any] = result.support
    organic: dict[str, Any] = result.organic
    return EvaluationOut(
        pilot_id=result.pilot.pk,
        computed_on=result.computed_on,
        pre=EvalPeriodOut(start=result.pre.start, end=result.pre.end),
        during=EvalPeriodOut(start=result.during.start, end=result.during.end)
        if result.during
        else None,
        has_data=result.has_data,
        warnings=result.warnings,
        measures=[_measure(m) for m in result.measures],
        biases=[
            EvalBiasOut(
                key=b.key, label=b.label, measured=b.measured, handled=b.handled, level=b.level
            )
            for b in result.biases
        ],
        support=EvalSupportOut(
            total_hours=support["total_hours"],
            months=support["months"],
            per_community_month=support["per_community_month"],
            deployment_level=support["deployment_level"],
            ratio=support["ratio"],
            communities=[
                EvalSupportCommunityOut(
                    community_id=row["id"],
                    name=row["name"],
                    hours=row["hours"],
                    per_month=row["per_month"],
                )
                for row in support["communities"]
            ],
        ),
        organic=EvalOrganicOut(**organic),
    )


@router.get(
    "/pilots/{pilot_id}/evaluation",
    response={200: EvaluationOut, **errors(403, 404, 422)},
    summary="A pilot's evaluation",
)
def pilot_evaluation(request: HttpRequest, pilot_id: ObjectId) -> EvaluationOut:
    """For each measure: pilot against comparison, before against during, the difference in
    differences with its bootstrap interval, the parallel-trends and novelty checks, the
    projection at the deployment support level and a verdict in words; the five biases; the
    support-normalised view. For the pilot's managers, and for its beta users and
    pilot-community animators once the results are published."""
    viewer = viewer_of(request)
    pilot = policy.access_pilot(user=viewer, pilot_id=pilot_id)
    policy.require_results(viewer, pilot)
    return evaluation_out(evaluation.evaluate(pilot, viewer=viewer))

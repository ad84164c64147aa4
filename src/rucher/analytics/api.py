"""Analytics in the JSON API: KPI values with their definition, window and the group sizes
behind them; a community's stage history; one's own activity.

Access is the pages' (``selectors``): a community's KPIs for its owners and animators, the
ESN project team, administrators and the internal members of an open community; a secret
community one may not see is the 404 of a missing one. Network KPIs for the project team and
administrators. A figure resting on fewer people than the minimum group size is null with
``suppressed: true``; a figure with no data is null with ``suppressed: false``.
"""

from __future__ import annotations

import datetime
from typing import cast

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router

from rucher.accounts.models import User
from rucher.analytics import selectors
from rucher.analytics.models import StageHistory
from rucher.analytics.periods import Period, scope_for
from rucher.analytics.schemas import (
    KpiDefinitionOut,
    KpiListOut,
    KpiOut,
    MyActivityOut,
    NetworkQuery,
    PeriodQuery,
    StageHistoryOut,
    StageOut,
)
from rucher.analytics.selectors import KpiView
from rucher.api_schemas import ObjectId, errors
from rucher.core.errors import Forbidden, NotFound

router = Router(tags=["analytics"])


def _viewer(request: HttpRequest) -> User:
    return cast(User, request.auth)  # type: ignore[attr-defined]


def _period(query: PeriodQuery) -> Period:
    return Period.parse(preset=query.period, start=query.start, end=query.end)


def _out(view: KpiView) -> KpiOut:
    parts = {
        str(k): (float(v) if isinstance(v, int | float) else None) for k, v in view.extra.items()
    }
    return KpiOut(
        key=view.key,
        label=view.label,
        definition=view.definition,
        unit=view.unit,
        value=view.value,
        numerator=view.numerator,
        denominator=view.denominator,
        window=view.window,
        start=view.start or datetime.date.min,
        end=view.end or datetime.date.min,
        group_size=view.group_size,
        suppressed=view.suppressed,
        parts=parts,
    )


def _community_id(viewer: User, community_id: int) -> int:
    return selectors.insights_community(user=viewer, community_id=community_id).pk


@router.get(
    "/analytics/kpis",
    response={200: list[KpiDefinitionOut], **errors()},
    summary="The indicators and their definitions",
)
def analytics_definitions(request: HttpRequest) -> list[KpiDefinitionOut]:
    """Every indicator Rucher computes, with its exact definition (the same text as on the
    pages and in docs/analytics.md)."""
    result = []
    for key in selectors.kpi_keys():
        _function, label, definition, unit = selectors._entry(key)
        result.append(KpiDefinitionOut(key=key, label=label, definition=definition, unit=unit))
    return result


@router.get(
    "/analytics/communities/{community_id}/kpis",
    response={200: KpiListOut, **errors(400, 403, 404, 422)},
    summary="A community's indicators",
)
def analytics_community_kpis(
    request: HttpRequest, community_id: ObjectId, query: Query[PeriodQuery]
) -> KpiListOut:
    """Every indicator over the community's members for the period (28 complete days ending
    yesterday unless `period` or `start` and `end` say otherwise). A period in the future or
    reversed is a 400 naming the field."""
    viewer = _viewer(request)
    period = _period(query)
    pk = _community_id(viewer, community_id)
    scope = selectors.make_scope([pk])
    views = [selectors.kpi(key, scope, period.start, period.end) for key in selectors.kpi_keys()]
    return KpiListOut(
        scope="community",
        community_id=pk,
        start=period.start,
        end=period.end,
        min_group_size=selectors.min_group_size(),
        kpis=[_out(view) for view in views],
    )


@router.get(
    "/analytics/communities/{community_id}/kpis/{key}",
    response={200: KpiOut, **errors(400, 403, 404, 422)},
    summary="One indicator of a community",
)
def analytics_community_kpi(
    request: HttpRequest, community_id: ObjectId, key: str, query: Query[PeriodQuery]
) -> KpiOut:
    """One indicator (a `key` of `GET /analytics/kpis`); an unknown key is a 404."""
    viewer = _viewer(request)
    period = _period(query)
    pk = _community_id(viewer, community_id)
    if key not in selectors.kpi_keys():
        raise NotFound("kpi", _("Unknown indicator."))
    return _out(selectors.kpi(key, selectors.make_scope([pk]), period.start, period.end))


@router.get(
    "/analytics/communities/{community_id}/stages",
    response={200: StageHistoryOut, **errors(403, 404, 422)},
    summary="A community's lifecycle stage history",
)
def analytics_community_stages(request: HttpRequest, community_id: ObjectId) -> StageHistoryOut:
    """The stage computed each week, oldest first, with the reason in plain words and the
    figures the rules used."""
    viewer = _viewer(request)
    pk = _community_id(viewer, community_id)
    rows = StageHistory.objects.filter(community_id=pk).order_by("week_start")
    return StageHistoryOut(
        community_id=pk,
        stages=[
            StageOut(
                week_start=row.week_start,
                stage=row.stage,
                label=selectors.stage_label(row.stage),
                team_stage=row.overlay,
                changed=row.changed,
                explanation=selectors.explain_stage(row),
                figures=row.explanation if isinstance(row.explanation, dict) else {},
            )
            for row in rows
        ],
    )


@router.get(
    "/analytics/network/kpis",
    response={200: KpiListOut, **errors(400, 403, 404, 422)},
    summary="The organisation's indicators",
)
def analytics_network_kpis(request: HttpRequest, query: Query[NetworkQuery]) -> KpiListOut:
    """Every indicator over the whole organisation, or over an org unit and its subtree.
    For the ESN project team and administrators."""
    viewer = _viewer(request)
    if not selectors.can_see_network(viewer):
        raise Forbidden(_("Only the ESN project team and administrators see network figures."))
    period = _period(query)
    scope = scope_for(viewer, org_unit_id=query.org_unit_id)
    views = [selectors.kpi(key, scope, period.start, period.end) for key in selectors.kpi_keys()]
    return KpiListOut(
        scope="org_unit" if query.org_unit_id else "organisation",
        org_unit_id=query.org_unit_id,
        start=period.start,
        end=period.end,
        min_group_size=selectors.min_group_size(),
        kpis=[_out(view) for view in views],
    )


@router.get(
    "/analytics/me",
    response={200: MyActivityOut, **errors(400, 422)},
    summary="My activity",
)
def analytics_my_activity(request: HttpRequest, query: Query[PeriodQuery]) -> MyActivityOut:
    """Your own activity over the period. Nobody can ask for anyone else's."""
    viewer = _viewer(request)
    period = _period(query)
    report = selectors.my_activity(viewer, period.start, period.end)
    totals = report.context["totals"]
    return MyActivityOut(
        start=period.start,
        end=period.end,
        days_reached=report.context["days_reached"],
        contributions=report.context["contributions"],
        **totals,
    )

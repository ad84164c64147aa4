"""The pilot's "Evaluation" tab: one card per measure (before and after per arm, the
difference in differences with its interval, the verdict, notes, the weekly chart, the
parallel-trends and novelty checks, the projection at the deployment support level), the
support-normalised view and the table of biases.

Access: ``policy.access_pilot`` (404 for a pilot one may not see), then
``policy.can_see_results`` (403 otherwise). An animator of a pilot community sees the
evaluation once the team publishes the results, whole — before that, not even their own
community's part: a before/after of one community without the comparison would be the very
naive reading this page exists to avoid.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from rucher.analytics import charts
from rucher.core.http import request_user
from rucher.pilots import evaluation
from rucher.pilots.context import pilot_context
from rucher.pilots.evaluation import Evaluation, MeasureResult
from rucher.pilots.verdicts import interval_text, signed_text, value_text
from rucher.pilots.views_common import results_or_403


def _check_text(measure: MeasureResult) -> dict[str, str]:
    """The parallel-trends, novelty and projection lines of a card, in words."""
    texts: dict[str, str] = {}
    if not measure.has_data:
        return texts
    trends = measure.trends
    if trends is not None:
        if trends.holds is None:
            texts["trends"] = _("Cannot check: fewer than two figures before the start per group.")
        else:
            gap = _("gap between the groups' trends %(gap)s per four weeks (%(interval)s)") % {
                "gap": signed_text(trends.slope_gap, measure.unit),
                "interval": interval_text(trends.interval, measure.unit),
            }
            texts["trends"] = (
                _("Holds: %(gap)s.") % {"gap": gap}
                if trends.holds
                else _("Does not hold: %(gap)s.") % {"gap": gap}
            )
    novelty = measure.novelty
    if novelty is not None:
        if novelty.early is None or novelty.late is None:
            texts["novelty"] = _("Cannot check: too few weeks with figures.")
        else:
            figures = _("effect in the early weeks %(early)s, in the late weeks %(late)s") % {
                "early": signed_text(novelty.early, measure.unit),
                "late": signed_text(novelty.late, measure.unit),
            }
            if novelty.fades is None:
                texts["novelty"] = _("Too early to tell: %(figures)s.") % {"figures": figures}
            elif novelty.fades:
                texts["novelty"] = _("Fades: %(figures)s.") % {"figures": figures}
            else:
                texts["novelty"] = _("Does not fade: %(figures)s.") % {"figures": figures}
    projection = measure.projection
    if projection is not None and projection.units:
        if projection.at_deployment.estimate is None or not projection.reliable:
            texts["projection"] = _(
                "Not available: needs at least 4 pilot communities that received different "
                "amounts of support."
            )
        else:
            texts["projection"] = _(
                "At %(hours)s hours per community per month: %(value)s (%(interval)s)."
            ) % {
                "hours": value_text(projection.deployment_support, "count"),
                "value": signed_text(projection.at_deployment.estimate, measure.unit),
                "interval": interval_text(projection.at_deployment, measure.unit),
            }
            if projection.extrapolated:
                texts["projection"] += " " + _(
                    "Read beyond the support the pilot communities received."
                )
    return texts


def measure_card(measure: MeasureResult, result: Evaluation, locales: dict[str, Any]) -> dict:
    from rucher.pilots.report_charts import weekly_measure

    card: dict[str, Any] = {
        "measure": measure,
        "values": {
            "pilot_before": value_text(measure.pilot_before, measure.unit),
            "pilot_after": value_text(measure.pilot_after, measure.unit),
            "comparison_before": value_text(measure.comparison_before, measure.unit),
            "comparison_after": value_text(measure.comparison_after, measure.unit),
        },
        "changes": {
            "pilot": _change(measure.pilot_before, measure.pilot_after, measure.unit),
            "comparison": _change(
                measure.comparison_before, measure.comparison_after, measure.unit
            ),
        },
        "effect": (
            signed_text(measure.effect.estimate, measure.unit)
            if measure.effect is not None and measure.effect.estimate is not None
            else None
        ),
        "interval": interval_text(measure.effect, measure.unit)
        if measure.effect is not None
        else None,
        "checks": _check_text(measure),
        "chart": None,
    }
    if any(p is not None or c is not None for _d, p, c in measure.weekly):
        chart = weekly_measure(
            key=measure.dom_id,
            title=measure.label,
            unit=measure.unit,
            weekly=measure.weekly,
            start=result.pilot.start_date,
        )
        card["chart"] = {
            "chart": chart,
            "payload": {"spec": chart.spec, **locales},
            "dom_id": f"chart-{measure.dom_id}",
        }
    return card


def _change(before: float | None, after: float | None, unit: str) -> str | None:
    if before is None or after is None:
        return None
    return signed_text(after - before, unit)


def organic_rows(result: Evaluation) -> list[tuple[str, str, str]]:
    """The support-normalised view: (figure, pilot, comparison)."""
    organic = result.organic
    dash = "—"
    rows = [
        (
            _("Organic share of contributions"),
            value_text(organic.get("organic_share"), "ratio"),
            value_text(organic.get("comparison_organic_share"), "ratio"),
        ),
        (
            _("Staff share of first responses"),
            value_text(organic.get("staff_first_responses"), "ratio"),
            value_text(organic.get("comparison_staff_first_responses"), "ratio"),
        ),
        (
            _("Contributions during the pilot"),
            value_text(organic.get("contributions"), "count"),
            dash,
        ),
        (
            _("Support hours"),
            value_text(organic.get("support_hours"), "count"),
            dash,
        ),
        (
            _("Contributions per support hour"),
            value_text(organic.get("contributions_per_hour"), "count")
            if organic.get("contributions_per_hour") is not None
            else _("no support logged"),
            dash,
        ),
    ]
    return rows


@login_required
@require_GET
def evaluation_page(request: HttpRequest, slug: str) -> HttpResponse:
    viewer = request_user(request)
    pilot = results_or_403(viewer, slug)
    result = evaluation.evaluate(pilot, viewer=viewer)
    locales = charts.locales()
    cards = [measure_card(m, result, locales) for m in result.measures]
    support = result.support
    context = {
        **pilot_context(viewer, pilot, "evaluation"),
        "result": result,
        "cards": cards,
        "chart_blocks": [card["chart"] for card in cards if card["chart"]],
        "organic_rows": organic_rows(result),
        "support_text": {
            "per_month": value_text(support.get("per_community_month"), "count"),
            "deployment": value_text(support.get("deployment_level"), "count"),
            "ratio": value_text(support.get("ratio"), "count")
            if support.get("ratio") is not None
            else None,
            "total": value_text(support.get("total_hours"), "count"),
        },
    }
    return render(request, "pilots/evaluation.html", context)

"""The steering report's page, PDF and data annex.

All three go through the same checks: ``policy.access_pilot`` (a pilot the viewer may not
see is the same 404 as a missing one), then ``policy.require_results`` (403 for someone who
sees the pilot but not its results — an animator before the results are published). Each
builds the same ``Report`` for the viewer, in the viewer's language.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from rucher.analytics import charts, exports
from rucher.core.http import request_user
from rucher.pilots import pdf
from rucher.pilots import report_annex as annex
from rucher.pilots.context import pilot_context
from rucher.pilots.report import Report, build_report
from rucher.pilots.views_common import results_or_403


def _chart_blocks(report: Report) -> list[dict[str, object]]:
    """Each chart with the JSON that static/js/analytics.js hands to vega-embed."""
    locales = charts.locales()
    return [
        {
            "chart": chart,
            "payload": {"spec": chart.spec, **locales},
            "dom_id": f"chart-{chart.key.replace('_', '-')}",
        }
        for chart in report.charts
    ]


@login_required
@require_GET
def report(request: HttpRequest, slug: str) -> HttpResponse:
    viewer = request_user(request)
    pilot = results_or_403(viewer, slug)
    built = build_report(pilot, viewer)
    blocks = _chart_blocks(built)
    context = {
        **pilot_context(viewer, pilot, "report"),
        "report": built,
        "chart_blocks": blocks,
    }
    return render(request, "pilots/report.html", context)


@login_required
@require_GET
def report_pdf(request: HttpRequest, slug: str) -> HttpResponse:
    viewer = request_user(request)
    pilot = results_or_403(viewer, slug)
    built = build_report(pilot, viewer)
    name = exports.filename(pilot.slug, "report", str(built.generated_at.date()), ext="pdf")
    return exports.download(pdf.render_pdf(built), content_type="application/pdf", name=name)


@login_required
@require_GET
def report_annex(request: HttpRequest, slug: str, fmt: str) -> HttpResponse:
    if fmt not in annex.FORMATS:
        raise Http404
    viewer = request_user(request)
    pilot = results_or_403(viewer, slug)
    built = build_report(pilot, viewer)
    return exports.download(
        annex.annex(built, fmt),
        content_type=annex.FORMATS[fmt],
        name=annex.filename(built, fmt),
    )

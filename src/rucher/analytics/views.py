"""The analytics pages: community insights, the network dashboard, my activity, the
measurement charter, the privacy settings and the lifecycle thresholds, with their downloads.

Each page and each of its downloads goes through the same access check (``selectors``) and
builds the same ``Report``: a file holds exactly what the page shows, to exactly the people
who may see the page. A bad period re-renders the page with the message and what was typed
(status 400); downloads answer 400 with the message.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from rucher.accounts.models import User
from rucher.analytics import charts, exports, selectors
from rucher.analytics.exports import Table
from rucher.analytics.forms import LifecycleThresholdsForm, PeriodForm, PrivacySettingsForm
from rucher.analytics.models import AnalyticsConfig
from rucher.analytics.selectors import Report
from rucher.communities.models import Community
from rucher.core.errors import Forbidden, NotFound, RucherError
from rucher.core.forms import add_service_error
from rucher.core.http import request_user

TABLE_FORMATS = set(exports.FORMATS)
CHART_FORMATS = set(charts.FORMATS)


def _period_form(request: HttpRequest) -> PeriodForm:
    return PeriodForm(request.GET if request.GET else {"period": "28"})


def _community(viewer: User, slug: str) -> Community:
    try:
        return selectors.insights_community(user=viewer, slug=slug)
    except NotFound:
        raise Http404 from None
    except Forbidden as error:
        raise PermissionDenied(error.message) from None


def _require_network(viewer: User) -> None:
    if not selectors.can_see_network(viewer):
        raise PermissionDenied(
            _("The network dashboard is for the ESN project team and administrators.")
        )


Links = Callable[[str, str], str]


def _links(name: str, query: str, *args: str) -> Links:
    def link(item: str, fmt: str) -> str:
        return reverse(name, args=[*args, item, fmt]) + "?" + query

    return link


def _chart_blocks(report: Report, link: Links) -> list[dict[str, Any]]:
    """Each chart with the JSON its page block carries (read by static/js/analytics.js) and
    its downloads."""
    locales = charts.locales()
    return [
        {
            "chart": chart,
            "payload": {"spec": chart.spec, **locales},
            "dom_id": f"chart-{chart.key.replace('_', '-')}",
            "table": _table_block(chart.table, link),
            "images": {fmt: link(chart.key, fmt) for fmt in ("png", "svg")},
        }
        for chart in report.charts
    ]


def _table_block(table: Table, link: Links) -> dict[str, Any]:
    return {
        "table": table,
        "percent": table.percent_positions,
        "files": {fmt: link(table.key, fmt) for fmt in ("csv", "xlsx")},
    }


def _render_report(
    request: HttpRequest,
    template: str,
    form: PeriodForm,
    report: Report | None,
    context: dict[str, Any],
    link: Links,
) -> HttpResponse:
    context = {
        "form": form,
        "report": report,
        "chart_blocks": _chart_blocks(report, link) if report else [],
        "table_blocks": [_table_block(t, link) for t in report.tables] if report else [],
        "threshold": report.threshold if report else selectors.min_group_size(),
        "period_query": form.query(),
        **context,
    }
    return render(request, template, context, status=200 if report else 400)


def _download(report: Report, item: str, fmt: str, prefix: str) -> HttpResponse:
    if fmt in TABLE_FORMATS:
        table = report.all_tables().get(item)
        if table is None:
            raise Http404
        return exports.table_response(table, fmt, prefix=prefix)
    if fmt in CHART_FORMATS:
        chart = report.chart(item)
        if chart is None:
            raise Http404
        spec = charts.for_file(chart.spec, chart.title)
        return exports.download(
            charts.render(spec, fmt),
            content_type=charts.FORMATS[fmt],
            name=exports.filename(prefix, chart.key, ext=fmt),
        )
    raise Http404


def _query(request: HttpRequest, form: PeriodForm) -> str:
    query = form.query()
    level = request.GET.get("level", "")
    return f"{query}&level={level}" if level.isdigit() else query


def _bad_period(form: PeriodForm) -> HttpResponse:
    problems = [str(e) for errors in form.errors.values() for e in errors]
    return HttpResponseBadRequest(" ".join(problems), content_type="text/plain; charset=utf-8")


# ---------------------------------------------------------------- pages


@login_required
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    viewer = request_user(request)
    return render(
        request,
        "analytics/index.html",
        {
            "communities": selectors.insights_communities(viewer),
            "network": selectors.can_see_network(viewer),
            "threshold": selectors.min_group_size(),
        },
    )


@login_required
@require_GET
def charter(request: HttpRequest) -> HttpResponse:
    return render(request, "analytics/charter.html", {"threshold": selectors.min_group_size()})


@login_required
@require_GET
def community_insights(request: HttpRequest, slug: str) -> HttpResponse:
    viewer = request_user(request)
    community = _community(viewer, slug)
    form = _period_form(request)
    report = None
    if form.is_valid():
        start, end = form.bounds()
        report = selectors.community_insights(community, start, end)
    link = _links("analytics:community_download", _query(request, form), community.slug)
    return _render_report(
        request, "analytics/community.html", form, report, {"community": community}, link
    )


@login_required
@require_GET
def community_download(request: HttpRequest, slug: str, item: str, fmt: str) -> HttpResponse:
    viewer = request_user(request)
    community = _community(viewer, slug)
    form = _period_form(request)
    if not form.is_valid():
        return _bad_period(form)
    start, end = form.bounds()
    report = selectors.community_insights(community, start, end)
    return _download(report, item, fmt, f"{community.slug}-{start}-{end}")


def _depth(request: HttpRequest) -> int | None:
    try:
        return int(request.GET.get("level", ""))
    except ValueError:
        return None


@login_required
@require_GET
def network(request: HttpRequest) -> HttpResponse:
    viewer = request_user(request)
    _require_network(viewer)
    form = _period_form(request)
    report = None
    if form.is_valid():
        start, end = form.bounds()
        report = selectors.network_dashboard(viewer, start, end, _depth(request))
    link = _links("analytics:network_download", _query(request, form))
    return _render_report(request, "analytics/network.html", form, report, {}, link)


@login_required
@require_GET
def network_download(request: HttpRequest, item: str, fmt: str) -> HttpResponse:
    viewer = request_user(request)
    _require_network(viewer)
    form = _period_form(request)
    if not form.is_valid():
        return _bad_period(form)
    start, end = form.bounds()
    report = selectors.network_dashboard(viewer, start, end, _depth(request))
    return _download(report, item, fmt, f"network-{start}-{end}")


@login_required
@require_GET
def my_activity(request: HttpRequest) -> HttpResponse:
    viewer = request_user(request)
    form = _period_form(request)
    report = None
    if form.is_valid():
        start, end = form.bounds()
        report = selectors.my_activity(viewer, start, end)
    link = _links("analytics:my_download", _query(request, form))
    return _render_report(request, "analytics/my_activity.html", form, report, {}, link)


@login_required
@require_GET
def my_activity_download(request: HttpRequest, item: str, fmt: str) -> HttpResponse:
    viewer = request_user(request)
    form = _period_form(request)
    if not form.is_valid():
        return _bad_period(form)
    start, end = form.bounds()
    report = selectors.my_activity(viewer, start, end)
    return _download(report, item, fmt, f"my-activity-{start}-{end}")


@login_required
@require_http_methods(["GET", "POST"])
def privacy_settings(request: HttpRequest) -> HttpResponse:
    viewer = request_user(request)
    if not viewer.is_admin:
        raise PermissionDenied(_("Only administrators change the analytics privacy settings."))
    config = AnalyticsConfig.current()
    form = PrivacySettingsForm(
        request.POST if request.method == "POST" else None,
        current=config.min_group_size,
        initial={"min_group_size": config.min_group_size},
    )
    if request.method == "POST":
        if form.is_valid():
            try:
                _save_threshold(viewer, form.cleaned_data["min_group_size"])
            except RucherError as error:
                add_service_error(form, error)
            else:
                messages.success(request, _("The minimum group size has been saved."))
                return redirect("analytics:privacy")
        return render(
            request,
            "analytics/privacy.html",
            {"form": form, "threshold": config.min_group_size},
            status=400,
        )
    return render(
        request, "analytics/privacy.html", {"form": form, "threshold": config.min_group_size}
    )


def _save_threshold(viewer: User, value: int) -> None:
    from rucher.analytics.privacy import analytics_config_update

    analytics_config_update(actor=viewer, min_group_size=value)


@login_required
@require_http_methods(["GET", "POST"])
def lifecycle_thresholds(request: HttpRequest) -> HttpResponse:
    """The lifecycle thresholds: edit, or reset every one to its default (administrators)."""
    from rucher.analytics.lifecycle import thresholds
    from rucher.analytics.thresholds import lifecycle_thresholds_update

    viewer = request_user(request)
    if not viewer.is_admin:
        raise PermissionDenied(_("Only administrators change the lifecycle thresholds."))
    current = thresholds()
    if request.method == "GET":
        form = LifecycleThresholdsForm(current=current)
        return render(request, "analytics/thresholds.html", {"form": form})
    reset = request.POST.get("action") == "reset"
    form = LifecycleThresholdsForm(None if reset else request.POST, current=current)
    if reset or form.is_valid():
        try:
            _config, changes = lifecycle_thresholds_update(
                actor=viewer, values=None if reset else form.cleaned_data, reset=reset
            )
        except RucherError as error:
            add_service_error(form, error)
        else:
            if not changes:
                messages.info(request, _("Nothing changed."))
            else:
                messages.success(
                    request,
                    _(
                        "The lifecycle thresholds have been saved. Every community's stages "
                        "are being recomputed with them: the pages show the new stages within "
                        "a few minutes."
                    ),
                )
            return redirect("analytics:thresholds")
    return render(request, "analytics/thresholds.html", {"form": form}, status=400)

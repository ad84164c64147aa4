"""The pilot's "Support" tab: the support log, its form, intensity per community against the
deployment level (a parameter of the pilot, editable here) and its chart.

Access: ``policy.access_pilot`` (404 for a pilot one may not see). Managers see and write
everything; an animator of a pilot community sees that community's entries and intensity
only (``policy.visible_community_ids``), no form. A refused POST re-renders the page with
the reasons and what was typed (400, 403 or 404); a successful one redirects.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from rucher.analytics import charts
from rucher.core.errors import RucherError
from rucher.core.forms import add_service_error
from rucher.core.http import request_user
from rucher.pilots import checks, support
from rucher.pilots.context import pilot_context
from rucher.pilots.forms_deployment import DeploymentLevelForm, SupportEntryForm
from rucher.pilots.models import Pilot, SupportEntry
from rucher.pilots.report_charts import intensity_chart
from rucher.pilots.views_common import managed_or_403, pilot_or_404, status_of


def _communities(pilot: Pilot) -> list[tuple[int, str]]:
    return [
        (pc.community_id, pc.community.name)
        for pc in pilot.pilot_communities.select_related("community").order_by("community__name")
    ]


def _render(
    request: HttpRequest,
    pilot: Pilot,
    *,
    form: SupportEntryForm | None = None,
    level_form: DeploymentLevelForm | None = None,
    status: int = 200,
) -> HttpResponse:
    viewer = request_user(request)
    context = pilot_context(viewer, pilot, "support")
    intensity = support.support_intensity(pilot, viewer)
    chart = intensity_chart(intensity)
    if context["can_manage"]:
        form = form or SupportEntryForm(
            communities=_communities(pilot),
            initial={"day": checks.today(), "kind": "training"},
        )
        level_form = level_form or DeploymentLevelForm(
            initial={"deployment_support_hours": pilot.deployment_support_hours}
        )
    context.update(
        {
            "form": form,
            "level_form": level_form,
            "entries": support.entries_visible(pilot, viewer),
            "intensity": intensity,
            "chart": chart,
            "chart_payload": {"spec": chart.spec, **charts.locales()},
            "decided": pilot.status == "decided",
        }
    )
    return render(request, "pilots/support.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def support_page(request: HttpRequest, slug: str) -> HttpResponse:
    viewer = request_user(request)
    pilot = pilot_or_404(viewer, slug)
    if request.method == "GET":
        return _render(request, pilot)
    pilot = managed_or_403(viewer, slug)
    if request.POST.get("action") == "level":
        level_form = DeploymentLevelForm(request.POST)
        if level_form.is_valid():
            try:
                support.pilot_set_deployment_support(
                    actor=viewer,
                    pilot_id=pilot.pk,
                    hours=level_form.cleaned_data["deployment_support_hours"],
                )
            except RucherError as error:
                add_service_error(level_form, error)
                return _render(request, pilot, level_form=level_form, status=status_of(error))
            messages.success(request, _("The support planned for deployment has been saved."))
            return redirect("pilots:support", slug=pilot.slug)
        return _render(request, pilot, level_form=level_form, status=400)
    form = SupportEntryForm(request.POST, communities=_communities(pilot))
    if form.is_valid():
        try:
            support.support_log(actor=viewer, pilot_id=pilot.pk, **form.values())
        except RucherError as error:
            add_service_error(form, error)
            return _render(request, pilot, form=form, status=status_of(error))
        messages.success(request, _("The support has been logged."))
        return redirect("pilots:support", slug=pilot.slug)
    return _render(request, pilot, form=form, status=400)


def _entry_of(pilot: Pilot, entry_id: int) -> SupportEntry:
    entry = SupportEntry.objects.filter(pilot=pilot, pk=entry_id).first()
    if entry is None:
        raise Http404
    return entry


def _entry_initial(entry: SupportEntry) -> dict[str, Any]:
    return {
        "kind": entry.kind,
        "day": entry.day,
        "hours": entry.hours,
        "people_reached": entry.people_reached,
        "community": entry.community_id or "",
        "description": entry.description,
    }


@login_required
@require_http_methods(["GET", "POST"])
def support_edit(request: HttpRequest, slug: str, entry_id: int) -> HttpResponse:
    viewer = request_user(request)
    pilot = managed_or_403(viewer, slug)
    entry = _entry_of(pilot, entry_id)
    communities = _communities(pilot)
    if entry.community_id and entry.community_id not in dict(communities):
        # A community removed from the pilot since: keep it choosable for this entry's form.
        communities.append((entry.community_id, entry.community.name if entry.community else "?"))
    status = 200
    if request.method == "POST":
        form = SupportEntryForm(request.POST, communities=communities)
        status = 400
        if form.is_valid():
            try:
                support.support_update(actor=viewer, entry_id=entry.pk, **form.values())
            except RucherError as error:
                add_service_error(form, error)
                status = status_of(error)
            else:
                messages.success(request, _("The support entry has been saved."))
                return redirect("pilots:support", slug=pilot.slug)
    else:
        form = SupportEntryForm(communities=communities, initial=_entry_initial(entry))
    context = {**pilot_context(viewer, pilot, "support"), "form": form, "entry": entry}
    return render(request, "pilots/support_edit.html", context, status=status)


@login_required
@require_POST
def support_delete(request: HttpRequest, slug: str, entry_id: int) -> HttpResponse:
    viewer = request_user(request)
    pilot = managed_or_403(viewer, slug)
    entry = _entry_of(pilot, entry_id)
    try:
        support.support_delete(actor=viewer, entry_id=entry.pk)
    except RucherError as error:
        messages.error(request, error.message)
        return redirect("pilots:support", slug=pilot.slug)
    messages.success(request, _("The support entry has been deleted."))
    return redirect("pilots:support", slug=pilot.slug)


@login_required
@require_GET
def support_chart_file(request: HttpRequest, slug: str, fmt: str) -> HttpResponse:
    """The intensity chart as a PNG or SVG file, drawn from the same specification."""
    viewer = request_user(request)
    pilot = pilot_or_404(viewer, slug)
    if fmt not in charts.FORMATS:
        raise Http404
    chart = intensity_chart(support.support_intensity(pilot, viewer))
    if chart.empty:
        raise Http404
    body = charts.render(charts.for_file(chart.spec, chart.title), fmt)
    response = HttpResponse(body, content_type=charts.FORMATS[fmt])
    response["Content-Disposition"] = f'attachment; filename="{pilot.slug}-support.{fmt}"'
    return response

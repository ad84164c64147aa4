"""The pilot's "Lessons" and "Decision and deployment" tabs, and the best-practice library.

Access: pilot pages through ``policy.access_pilot`` (404 for a pilot one may not see);
writes for managers only (403 otherwise). An animator of a pilot community sees the lessons
about the whole pilot and about their own communities, and the deployment plan without the
measurement (which rests on the evaluation: managers and results viewers only). The library
is open to every internal person (not partner guests: 403). A refused POST re-renders the
page with the reasons and what was typed (400, 403, 404, 409 as 400); a success redirects.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from rucher.accounts.models import OrgUnit, User
from rucher.communities.models import Community
from rucher.core.errors import RucherError
from rucher.core.forms import add_service_error
from rucher.core.http import request_user
from rucher.pilots import checks, deployment, lessons, policy
from rucher.pilots.context import pilot_context
from rucher.pilots.forms_deployment import DecisionForm, LessonForm, LibraryFilterForm, WaveForm
from rucher.pilots.models import DeploymentWave, Lesson, LessonKind, Pilot
from rucher.pilots.views_common import managed_or_403, pilot_or_404, status_of

# ---------------------------------------------------------------- lessons


def _kinds() -> list[tuple[str, str]]:
    return [(code, kind.name) for code, kind in lessons.kind_codes().items()]


def _lesson_form(pilot: Pilot, data: Any = None, **kwargs: Any) -> LessonForm:
    return LessonForm(
        data,
        communities=[
            (pc.community_id, pc.community.name)
            for pc in pilot.pilot_communities.select_related("community").order_by(
                "community__name"
            )
        ],
        kinds=_kinds(),
        waves=[(wave.pk, wave.name) for wave in deployment.waves_of(pilot)],
        **kwargs,
    )


def _render_lessons(
    request: HttpRequest, pilot: Pilot, form: LessonForm | None = None, status: int = 200
) -> HttpResponse:
    viewer = request_user(request)
    context = pilot_context(viewer, pilot, "lessons")
    found = list(lessons.lessons_visible(pilot, viewer))
    if context["can_manage"]:
        form = form or _lesson_form(pilot, initial={"kind": LessonKind.SUCCESS})
    known = lessons.kind_codes()
    context.update(
        {
            "form": form,
            "successes": [
                (lesson, [known[c] for c in lesson.community_kinds if c in known])
                for lesson in found
                if lesson.kind == LessonKind.SUCCESS
            ],
            "failures": [lesson for lesson in found if lesson.kind == LessonKind.FAILURE],
        }
    )
    return render(request, "pilots/lessons.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def lessons_page(request: HttpRequest, slug: str) -> HttpResponse:
    viewer = request_user(request)
    pilot = pilot_or_404(viewer, slug)
    if request.method == "GET":
        return _render_lessons(request, pilot)
    pilot = managed_or_403(viewer, slug)
    form = _lesson_form(pilot, request.POST)
    if not form.is_valid():
        return _render_lessons(request, pilot, form, status=400)
    try:
        lessons.lesson_create(actor=viewer, pilot_id=pilot.pk, **form.values())
    except RucherError as error:
        add_service_error(form, error)
        return _render_lessons(request, pilot, form, status=status_of(error))
    messages.success(request, _("The lesson has been recorded."))
    return redirect("pilots:lessons", slug=pilot.slug)


def _lesson_of(pilot: Pilot, lesson_id: int) -> Lesson:
    lesson = Lesson.objects.filter(pilot=pilot, pk=lesson_id).first()
    if lesson is None:
        raise Http404
    return lesson


@login_required
@require_http_methods(["GET", "POST"])
def lesson_edit(request: HttpRequest, slug: str, lesson_id: int) -> HttpResponse:
    viewer = request_user(request)
    pilot = managed_or_403(viewer, slug)
    lesson = _lesson_of(pilot, lesson_id)
    status = 200
    if request.method == "POST":
        form = _lesson_form(pilot, request.POST)
        status = 400
        if form.is_valid():
            try:
                lessons.lesson_update(actor=viewer, lesson_id=lesson.pk, **form.values())
            except RucherError as error:
                add_service_error(form, error)
                status = status_of(error)
            else:
                messages.success(request, _("The lesson has been saved."))
                return redirect("pilots:lessons", slug=pilot.slug)
    else:
        form = _lesson_form(
            pilot,
            initial={
                "kind": lesson.kind,
                "title": lesson.title,
                "body": lesson.body,
                "community": lesson.community_id or "",
                "in_library": lesson.in_library,
                "community_kinds": lesson.community_kinds,
                "adjustment": lesson.adjustment,
                "wave": lesson.wave_id or "",
            },
        )
    context = {**pilot_context(viewer, pilot, "lessons"), "form": form, "lesson": lesson}
    return render(request, "pilots/lesson_edit.html", context, status=status)


@login_required
@require_POST
def lesson_delete(request: HttpRequest, slug: str, lesson_id: int) -> HttpResponse:
    viewer = request_user(request)
    pilot = managed_or_403(viewer, slug)
    lesson = _lesson_of(pilot, lesson_id)
    try:
        lessons.lesson_delete(actor=viewer, lesson_id=lesson.pk)
    except RucherError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The lesson has been deleted."))
    return redirect("pilots:lessons", slug=pilot.slug)


# ---------------------------------------------------------------- library


@login_required
@require_GET
def library(request: HttpRequest) -> HttpResponse:
    viewer = request_user(request)
    if not lessons.may_read_library(viewer):
        raise PermissionDenied(_("The best-practice library is for the organisation's people."))
    form = LibraryFilterForm(request.GET or None, kinds=_kinds())
    kind = ""
    status = 200
    if form.is_bound:
        if form.is_valid():
            kind = form.cleaned_data["kind"]
        else:
            status = 400
    community = None
    slug = request.GET.get("community", "")
    if slug:
        # Coming from a community's page: show what suits its kind (a community one may not
        # see gives no hint of its existence: the filter is simply not applied).
        community = Community.objects.visible_to(viewer).filter(slug=slug).first()
        if community is not None and not kind:
            kind = community.kind.code
            form = LibraryFilterForm({"kind": kind}, kinds=_kinds())
            form.is_valid()
    context = {
        "form": form,
        "items": lessons.library(viewer, kind=kind),
        "kind": lessons.kind_codes().get(kind),
        "community": community,
        "nav_section": "pilots",
    }
    return render(request, "pilots/library.html", context, status=status)


# ---------------------------------------------------------------- decision and deployment


def _wave_form(viewer: User, pilot: Pilot, data: Any = None, **kwargs: Any) -> WaveForm:
    extra: list[tuple[int, str]] = kwargs.pop("kept", [])
    visible = [
        (community.pk, community.name)
        for community in Community.objects.visible_to(viewer)
        .filter(archived_at__isnull=True)
        .order_by("name")
    ]
    known = {pk for pk, _name in visible}
    return WaveForm(
        data,
        org_units=[
            (unit.pk, ("– " * unit.depth) + unit.name) for unit in OrgUnit.objects.order_by("path")
        ],
        communities=visible + [(pk, name) for pk, name in extra if pk not in known],
        **kwargs,
    )


def _measurements(viewer: User, pilot: Pilot, waves: list[DeploymentWave]) -> dict[int, Any]:
    """Each wave's measurement, for the viewers who may see results (it rests on the
    evaluation's projection and on KPIs of whole org units)."""
    if not waves or not policy.can_see_results(viewer, pilot):
        return {}
    projected = deployment.projections(pilot, viewer)
    return {
        wave.pk: deployment.wave_measurement(wave, viewer, projected=projected) for wave in waves
    }


def _render_deployment(
    request: HttpRequest,
    pilot: Pilot,
    *,
    decision_form: DecisionForm | None = None,
    wave_form: WaveForm | None = None,
    status: int = 200,
) -> HttpResponse:
    viewer = request_user(request)
    context = pilot_context(viewer, pilot, "deployment")
    decision = deployment.decision_of(pilot)
    blocker = deployment.decision_blocker(pilot)
    waves = deployment.waves_of(pilot)
    visible_communities = set(Community.objects.visible_to(viewer).values_list("pk", flat=True))
    if context["can_manage"]:
        if decision_form is None and blocker is None:
            decision_form = DecisionForm(
                initial={
                    "outcome": decision.outcome,
                    "rationale": decision.rationale,
                    "decided_by": decision.decided_by,
                    "decided_on": decision.decided_on,
                }
                if decision
                else {"decided_on": checks.today()}
            )
        stopped = decision is not None and decision.outcome == "stop"
        if wave_form is None and not stopped:
            wave_form = _wave_form(
                viewer, pilot, initial={"support_hours": pilot.deployment_support_hours}
            )
    measurements = _measurements(viewer, pilot, waves)
    context.update(
        {
            "decision": decision,
            "decision_blocker": blocker,
            "decision_form": decision_form,
            "wave_form": wave_form,
            "waves": [
                {
                    "wave": wave,
                    "communities": [
                        c for c in wave.communities.all() if c.pk in visible_communities
                    ],
                    "hidden": sum(
                        1 for c in wave.communities.all() if c.pk not in visible_communities
                    ),
                    "measurement": measurements.get(wave.pk),
                }
                for wave in waves
            ],
            "failures": lessons.failures_for_plan(pilot, viewer),
        }
    )
    return render(request, "pilots/deployment.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def deployment_page(request: HttpRequest, slug: str) -> HttpResponse:
    viewer = request_user(request)
    pilot = pilot_or_404(viewer, slug)
    if request.method == "GET":
        return _render_deployment(request, pilot)
    pilot = managed_or_403(viewer, slug)
    if request.POST.get("action") == "decision":
        form = DecisionForm(request.POST)
        if not form.is_valid():
            return _render_deployment(request, pilot, decision_form=form, status=400)
        try:
            deployment.decision_record(actor=viewer, pilot_id=pilot.pk, **form.cleaned_data)
        except RucherError as error:
            add_service_error(form, error)
            return _render_deployment(request, pilot, decision_form=form, status=status_of(error))
        messages.success(request, _("The decision has been recorded: the pilot is decided."))
        return redirect("pilots:deployment", slug=pilot.slug)
    wave_form = _wave_form(viewer, pilot, request.POST)
    if not wave_form.is_valid():
        return _render_deployment(request, pilot, wave_form=wave_form, status=400)
    try:
        deployment.wave_create(actor=viewer, pilot_id=pilot.pk, **wave_form.values())
    except RucherError as error:
        add_service_error(wave_form, error)
        return _render_deployment(request, pilot, wave_form=wave_form, status=status_of(error))
    messages.success(request, _("The deployment wave has been added."))
    return redirect("pilots:deployment", slug=pilot.slug)


def _wave_of(pilot: Pilot, wave_id: int) -> DeploymentWave:
    wave = DeploymentWave.objects.filter(pilot=pilot, pk=wave_id).first()
    if wave is None:
        raise Http404
    return wave


@login_required
@require_http_methods(["GET", "POST"])
def wave_edit(request: HttpRequest, slug: str, wave_id: int) -> HttpResponse:
    viewer = request_user(request)
    pilot = managed_or_403(viewer, slug)
    wave = _wave_of(pilot, wave_id)
    kept = [(c.pk, c.name) for c in wave.communities.all()]
    status = 200
    if request.method == "POST":
        form = _wave_form(viewer, pilot, request.POST, kept=kept)
        status = 400
        if form.is_valid():
            try:
                deployment.wave_update(actor=viewer, wave_id=wave.pk, **form.values())
            except RucherError as error:
                add_service_error(form, error)
                status = status_of(error)
            else:
                messages.success(request, _("The deployment wave has been saved."))
                return redirect("pilots:deployment", slug=pilot.slug)
    else:
        form = _wave_form(
            viewer,
            pilot,
            kept=kept,
            initial={
                "name": wave.name,
                "start_date": wave.start_date,
                "end_date": wave.end_date,
                "support_hours": wave.support_hours,
                "org_units": [u.pk for u in wave.org_units.all()],
                "communities": [pk for pk, _name in kept],
                "notes": wave.notes,
            },
        )
    context = {**pilot_context(viewer, pilot, "deployment"), "form": form, "wave": wave}
    return render(request, "pilots/deployment_wave_edit.html", context, status=status)


@login_required
@require_POST
def wave_delete(request: HttpRequest, slug: str, wave_id: int) -> HttpResponse:
    viewer = request_user(request)
    pilot = managed_or_403(viewer, slug)
    wave = _wave_of(pilot, wave_id)
    try:
        deployment.wave_delete(actor=viewer, wave_id=wave.pk)
    except RucherError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The deployment wave has been deleted."))
    return redirect("pilots:deployment", slug=pilot.slug)

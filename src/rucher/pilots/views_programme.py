"""The programme pages of a pilot: the index, creation and editing, the overview, the scope
(pilot communities, beta users, comparison groups with suggestions and baseline gaps) and the
objectives with their measures and progress.

Access: ``policy.access_pilot`` (404 for a pilot one may not see, exactly like a missing
one); writes need ``policy.can_manage`` (403 otherwise). Animators of pilot communities see
their own communities' part; beta users see the pilot once its results are published. A
refused POST re-renders the page with the reasons and what was typed (400, 403, 404 or 409);
a successful one redirects.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from rucher.accounts.models import OrgUnit, User
from rucher.core.errors import Invalid, NotFound, RucherError
from rucher.core.forms import add_service_error
from rucher.core.http import request_user
from rucher.pilots import matching, policy, selectors, services
from rucher.pilots.context import pilot_context
from rucher.pilots.forms import (
    ComparisonForm,
    MeasureForm,
    ObjectiveForm,
    PilotCommunityForm,
    PilotForm,
    TargetForm,
)
from rucher.pilots.models import ComparisonSource, MeasureKind, Pilot, PilotStatus
from rucher.pilots.views_common import (
    managed_or_403,
    pilot_or_404,
    require_manage_or_403,
    status_of,
)


def int_or_none(raw: object) -> int | None:
    try:
        value = int(str(raw))
    except (TypeError, ValueError):
        return None
    return value if 0 < value < 2**63 else None


# ---------------------------------------------------------------- index and creation


@login_required
@require_GET
def pilot_index(request: HttpRequest) -> HttpResponse:
    viewer = request_user(request)
    groups = selectors.pilot_index(viewer)
    return render(
        request,
        "pilots/index.html",
        {
            "groups": groups,
            "can_create": viewer.is_project_team,
            "nav_section": "pilots",
        },
    )


def _render_form(
    request: HttpRequest,
    form: PilotForm,
    *,
    pilot: Pilot | None = None,
    sponsor: User | None = None,
    status: int = 200,
) -> HttpResponse:
    context: dict[str, Any] = {"form": form, "sponsor": sponsor, "nav_section": "pilots"}
    if pilot is not None:
        context.update(pilot_context(request_user(request), pilot, "overview"))
    guidance = None
    if form.is_bound and not form.errors:
        data = form.cleaned_data
        guidance = selectors.duration_guidance(data["start_date"], data["end_date"])
    context["guidance"] = guidance
    return render(request, "pilots/form.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def pilot_create(request: HttpRequest) -> HttpResponse:
    viewer = request_user(request)
    if not viewer.is_project_team:
        raise PermissionDenied(_("Only the ESN project team may create a pilot."))
    form = PilotForm(request.POST if request.method == "POST" else None)
    sponsor_id = int_or_none(request.POST.get("sponsor_id"))
    sponsor = User.objects.visible_to(viewer).filter(pk=sponsor_id or 0).first()
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            pilot = services.pilot_create(
                actor=viewer,
                name=data["name"],
                purpose=data["purpose"],
                start_date=data["start_date"],
                end_date=data["end_date"],
                deployment_support_hours=data["deployment_support_hours"],
                sponsor_ids=[sponsor_id] if sponsor_id else [],
                # The creator runs the pilot: they join its team.
                team_ids=[viewer.pk],
            )
        except RucherError as error:
            add_service_error(form, error)
            if "sponsor_ids" in error.fields:
                form.add_error(None, error.fields["sponsor_ids"][0])
        else:
            messages.success(
                request,
                _("The pilot is planned. Choose its communities and beta users next."),
            )
            guidance = selectors.duration_guidance(pilot.start_date, pilot.end_date)
            if guidance:
                messages.warning(request, guidance)
            return redirect("pilots:scope", slug=pilot.slug)
    status = 400 if request.method == "POST" else 200
    return _render_form(request, form, sponsor=sponsor, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def pilot_edit(request: HttpRequest, slug: str) -> HttpResponse:
    viewer = request_user(request)
    pilot = managed_or_403(viewer, slug)
    if request.method == "GET":
        form = PilotForm(
            initial={
                "name": pilot.name,
                "purpose": pilot.purpose,
                "start_date": pilot.start_date,
                "end_date": pilot.end_date,
                "deployment_support_hours": pilot.deployment_support_hours,
            }
        )
        return _render_form(request, form, pilot=pilot)
    form = PilotForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.pilot_update(
                actor=viewer,
                pilot_id=pilot.pk,
                name=data["name"],
                purpose=data["purpose"],
                start_date=data["start_date"],
                end_date=data["end_date"],
                deployment_support_hours=data["deployment_support_hours"],
            )
        except RucherError as error:
            add_service_error(form, error)
            return _render_form(request, form, pilot=pilot, status=status_of(error))
        messages.success(request, _("The pilot has been updated."))
        return redirect("pilots:detail", slug=pilot.slug)
    return _render_form(request, form, pilot=pilot, status=400)


# ---------------------------------------------------------------- overview


def _render_detail(
    request: HttpRequest,
    viewer: User,
    pilot: Pilot,
    *,
    error: str = "",
    failed: dict[str, Any] | None = None,
    status: int = 200,
) -> HttpResponse:
    context = pilot_context(viewer, pilot, "overview")
    progress = selectors.objective_progress(pilot, viewer)
    measures = [m for objective in progress for m in objective.measures]
    context.update(
        {
            "guidance": selectors.duration_guidance(pilot.start_date, pilot.end_date),
            "months": selectors.months_between(pilot.start_date, pilot.end_date),
            "sponsors": list(pilot.sponsors.select_related("profile").order_by("display_name")),
            "team": list(pilot.team.select_related("profile").order_by("display_name")),
            "counts": selectors.scope_counts(pilot),
            "progress": progress,
            "progress_summary": {
                state: sum(1 for m in measures if m.status == state)
                for state in ("reached", "on_track", "behind", "no_data", "not_started")
            },
            "actions": selectors.status_actions(pilot) if context["can_manage"] else [],
            "communities": selectors.pilot_communities(pilot, viewer),
            "error": error,
            "failed": failed or {},
            "decided": pilot.status == PilotStatus.DECIDED,
        }
    )
    return render(request, "pilots/detail.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def pilot_detail(request: HttpRequest, slug: str) -> HttpResponse:
    viewer = request_user(request)
    pilot = pilot_or_404(viewer, slug)
    if request.method == "GET":
        return _render_detail(request, viewer, pilot)
    require_manage_or_403(viewer, pilot)
    action = request.POST.get("action", "")
    failed: dict[str, Any] = {"action": action}
    try:
        if action == "status":
            wanted = request.POST.get("status", "")
            services.pilot_set_status(actor=viewer, pilot_id=pilot.pk, status=wanted)
            messages.success(
                request,
                _("The pilot is now %(status)s.")
                % {"status": str(PilotStatus(wanted).label).lower()},
            )
        elif action == "publish":
            published = request.POST.get("published") == "1"
            services.pilot_publish_results(actor=viewer, pilot_id=pilot.pk, published=published)
            messages.success(
                request,
                _("The results are published to the beta users and the animators.")
                if published
                else _("The results are no longer published."),
            )
        elif action in ("add_sponsor", "add_team", "remove_sponsor", "remove_team"):
            _people_action(request, viewer, pilot, action)
        else:
            raise Invalid(_("Unknown action."))
    except RucherError as error:
        pilot.refresh_from_db()
        return _render_detail(
            request,
            viewer,
            pilot,
            error=error.message,
            failed=failed,
            status=status_of(error),
        )
    return redirect("pilots:detail", slug=pilot.slug)


def _people_action(request: HttpRequest, viewer: User, pilot: Pilot, action: str) -> None:
    which = "sponsor" if action.endswith("sponsor") else "team"
    current = set(
        (pilot.sponsors if which == "sponsor" else pilot.team).values_list("pk", flat=True)
    )
    person_id = int_or_none(request.POST.get("person_id"))
    if person_id is None:
        raise Invalid(_("Choose the person in the list."), fields={"person_id": []})
    if action.startswith("add"):
        current.add(person_id)
    else:
        current.discard(person_id)
    kwargs = {"sponsor_ids": current} if which == "sponsor" else {"team_ids": current}
    services.pilot_update(actor=viewer, pilot_id=pilot.pk, **kwargs)  # type: ignore[arg-type]
    messages.success(
        request,
        _("The sponsors have been updated.")
        if which == "sponsor"
        else _("The team has been updated."),
    )


# ---------------------------------------------------------------- scope


def _community_choices(viewer: User, pilot: Pilot) -> list[tuple[int, str]]:
    from rucher.communities.models import Community

    taken = set(pilot.pilot_communities.values_list("community_id", flat=True)) | set(
        pilot.comparison_groups.filter(community__isnull=False).values_list(
            "community_id", flat=True
        )
    )
    return list(
        Community.objects.visible_to(viewer)
        .filter(archived_at__isnull=True)
        .exclude(pk__in=taken)
        .order_by("name")
        .values_list("pk", "name")
    )


def _unit_choices(pilot: Pilot) -> list[tuple[int, str]]:
    taken = set(
        pilot.comparison_groups.filter(org_unit__isnull=False).values_list("org_unit_id", flat=True)
    )
    return [
        (unit.pk, "\u2003" * unit.depth + unit.name)
        for unit in OrgUnit.objects.order_by("path")
        if unit.pk not in taken
    ]


def _render_scope(
    request: HttpRequest,
    viewer: User,
    pilot: Pilot,
    *,
    community_form: PilotCommunityForm | None = None,
    comparison_form: ComparisonForm | None = None,
    beta_chosen: User | None = None,
    error: str = "",
    failed: dict[str, Any] | None = None,
    with_suggestions: bool = False,
    status: int = 200,
) -> HttpResponse:
    context = pilot_context(viewer, pilot, "scope")
    manages = context["can_manage"]
    visible = policy.visible_community_ids(viewer, pilot)
    context.update(
        {
            "communities": selectors.pilot_communities(pilot, viewer),
            "partial": visible is not None,
            "counts": selectors.scope_counts(pilot),
            "error": error,
            "failed": failed or {},
            "decided": pilot.status == PilotStatus.DECIDED,
            "comparisons": None,
        }
    )
    if manages or visible is None:
        context["comparisons"] = selectors.comparison_groups(pilot)
        context["shared_beta"] = selectors.beta_users_in_comparison_communities(pilot)
        context["gaps"] = matching.baseline_gaps(pilot)
    if manages:
        context.update(
            {
                "beta_users": selectors.beta_users(pilot),
                "community_form": community_form
                or PilotCommunityForm(communities=_community_choices(viewer, pilot)),
                "comparison_form": comparison_form
                or ComparisonForm(
                    communities=_community_choices(viewer, pilot), units=_unit_choices(pilot)
                ),
                "beta_chosen": beta_chosen,
                "with_suggestions": with_suggestions,
            }
        )
        if with_suggestions:
            context["suggestions"] = matching.suggest_comparisons(pilot, viewer=viewer)
    return render(request, "pilots/scope.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def pilot_scope(request: HttpRequest, slug: str) -> HttpResponse:
    viewer = request_user(request)
    pilot = pilot_or_404(viewer, slug)
    if request.method == "GET":
        return _render_scope(request, viewer, pilot)
    require_manage_or_403(viewer, pilot)
    return _scope_action(request, viewer, pilot)


@login_required
@require_GET
def pilot_scope_suggestions(request: HttpRequest, slug: str) -> HttpResponse:
    """Comparison suggestions: a fragment for htmx (loaded after the page, matching reads the
    rollups of every community), or the whole scope page with them for a plain request."""
    viewer = request_user(request)
    pilot = managed_or_403(viewer, slug)
    if not request.headers.get("HX-Request"):
        return _render_scope(request, viewer, pilot, with_suggestions=True)
    return render(
        request,
        "pilots/scope_suggestions.html",
        {
            "pilot": pilot,
            "suggestions": matching.suggest_comparisons(pilot, viewer=viewer),
            "decided": pilot.status == PilotStatus.DECIDED,
        },
    )


def _scope_action(request: HttpRequest, viewer: User, pilot: Pilot) -> HttpResponse:
    post = request.POST
    action = post.get("action", "")
    failed: dict[str, Any] = {"action": action}
    community_form: PilotCommunityForm | None = None
    comparison_form: ComparisonForm | None = None
    beta_chosen: User | None = None
    try:
        if action == "add_community":
            community_form = PilotCommunityForm(post, communities=_community_choices(viewer, pilot))
            if not community_form.is_valid():
                return _render_scope(
                    request, viewer, pilot, community_form=community_form, status=400
                )
            data = community_form.cleaned_data
            entry = services.pilot_community_add(
                actor=viewer,
                pilot_id=pilot.pk,
                community_id=data["community_id"],
                reason=data["reason"],
                reason_detail=data["reason_detail"],
            )
            messages.success(
                request, _("“%(name)s” is in the pilot.") % {"name": entry.community.name}
            )
        elif action == "remove_community":
            services.pilot_community_remove(
                actor=viewer,
                pilot_id=pilot.pk,
                community_id=int_or_none(post.get("community_id")) or 0,
            )
            messages.success(request, _("The community has been taken out of the pilot."))
        elif action == "add_beta":
            user_id = int_or_none(post.get("user_id"))
            beta_chosen = User.objects.visible_to(viewer).filter(pk=user_id or 0).first()
            if user_id is None:
                raise Invalid(_("Choose the person in the list."), fields={"user_id": []})
            added = services.beta_users_add(actor=viewer, pilot_id=pilot.pk, user_ids=[user_id])
            if added:
                messages.success(
                    request,
                    _("%(name)s is a beta user.") % {"name": added[0].display_name},
                )
            else:
                messages.info(request, _("This person was already a beta user."))
        elif action == "add_members":
            added, left_out = services.beta_users_add_members(actor=viewer, pilot_id=pilot.pk)
            text = _("%(count)d members of the pilot communities became beta users.") % {
                "count": len(added)
            }
            if left_out:
                text += " " + _(
                    "%(count)d left out: partner guests and people of the comparison org units."
                ) % {"count": left_out}
            messages.success(request, text)
        elif action == "remove_beta":
            services.beta_user_remove(
                actor=viewer, pilot_id=pilot.pk, user_id=int_or_none(post.get("user_id")) or 0
            )
            messages.success(request, _("The person is no longer a beta user."))
        elif action == "add_comparison":
            comparison_form = ComparisonForm(
                post,
                communities=_community_choices(viewer, pilot),
                units=_unit_choices(pilot),
            )
            if not comparison_form.is_valid():
                return _render_scope(
                    request, viewer, pilot, comparison_form=comparison_form, status=400
                )
            community_id, unit_id = comparison_form.target_ids()
            services.comparison_add(
                actor=viewer, pilot_id=pilot.pk, community_id=community_id, org_unit_id=unit_id
            )
            messages.success(request, _("The comparison group has been added."))
        elif action == "add_suggestion":
            services.comparison_add(
                actor=viewer,
                pilot_id=pilot.pk,
                community_id=int_or_none(post.get("community_id")) or 0,
                source=ComparisonSource.SUGGESTED,
            )
            messages.success(request, _("The suggested community is now a comparison group."))
        elif action == "remove_comparison":
            services.comparison_remove(
                actor=viewer,
                pilot_id=pilot.pk,
                comparison_id=int_or_none(post.get("comparison_id")) or 0,
            )
            messages.success(request, _("The comparison group has been removed."))
        else:
            raise Invalid(_("Unknown action."))
    except RucherError as error:
        message = error.message
        if community_form is not None:
            add_service_error(community_form, error)
            message = ""
        elif comparison_form is not None:
            for field_messages in error.fields.values():
                for text in field_messages:
                    comparison_form.add_error("target", text)
            if not error.fields:
                comparison_form.add_error(None, error.message)
            message = ""
        return _render_scope(
            request,
            viewer,
            pilot,
            community_form=community_form,
            comparison_form=comparison_form,
            beta_chosen=beta_chosen,
            error=message,
            failed=failed,
            status=status_of(error),
        )
    return redirect("pilots:scope", slug=pilot.slug)


# ---------------------------------------------------------------- objectives


def _render_objectives(
    request: HttpRequest,
    viewer: User,
    pilot: Pilot,
    *,
    objective_form: ObjectiveForm | None = None,
    measure_forms: dict[int, MeasureForm] | None = None,
    edit_forms: dict[int, ObjectiveForm] | None = None,
    target_forms: dict[int, TargetForm] | None = None,
    error: str = "",
    failed: dict[str, Any] | None = None,
    status: int = 200,
) -> HttpResponse:
    context = pilot_context(viewer, pilot, "objectives")
    progress = selectors.objective_progress(pilot, viewer)
    measure_forms = measure_forms or {}
    edit_forms = edit_forms or {}
    target_forms = target_forms or {}
    if context["can_manage"]:
        # Each objective and measure carries its forms: blank ones, or the refused one with
        # what was typed and the reasons.
        for item in progress:
            objective = item.objective
            item.measure_form = measure_forms.get(objective.pk) or MeasureForm(  # type: ignore[attr-defined]
                initial={"kind": MeasureKind.KPI, "target_date": pilot.end_date, "direction": "up"},
                prefix=f"m{objective.pk}",
            )
            item.edit_form = edit_forms.get(objective.pk) or ObjectiveForm(  # type: ignore[attr-defined]
                initial={"title": objective.title, "description": objective.description},
                prefix=f"o{objective.pk}",
            )
            for measure in item.measures:
                shown = measure.target * 100 if measure.unit == "ratio" else measure.target
                measure.target_form = target_forms.get(measure.measure.pk) or TargetForm(  # type: ignore[attr-defined]
                    initial={"target_value": round(shown, 4), "target_date": measure.target_date},
                    prefix=f"t{measure.measure.pk}",
                )
    context.update(
        {
            "progress": progress,
            "objective_form": objective_form or ObjectiveForm(prefix="new"),
            "error": error,
            "failed": failed or {},
            "decided": pilot.status == PilotStatus.DECIDED,
            "partial": policy.visible_community_ids(viewer, pilot) is not None,
            "kpis": _kpi_definitions(),
            "surveys_available": bool(selectors.survey_measures()),
        }
    )
    return render(request, "pilots/objectives.html", context, status=status)


def _kpi_definitions() -> list[tuple[str, str, str]]:
    from rucher.analytics.kpis import KPIS

    return [(key, str(spec.label), str(spec.definition)) for key, spec in KPIS.items()]


@login_required
@require_http_methods(["GET", "POST"])
def pilot_objectives(request: HttpRequest, slug: str) -> HttpResponse:
    viewer = request_user(request)
    pilot = pilot_or_404(viewer, slug)
    if request.method == "GET":
        return _render_objectives(request, viewer, pilot)
    require_manage_or_403(viewer, pilot)
    return _objectives_action(request, viewer, pilot)


def _objective_of(pilot: Pilot, raw: object) -> int:
    """The id of one of this pilot's objectives (404 for another pilot's)."""
    objective_id = int_or_none(raw)
    if objective_id is None or not pilot.objectives.filter(pk=objective_id).exists():
        raise NotFound("objective", _("This objective no longer exists."))
    return objective_id


def _measure_of(pilot: Pilot, raw: object) -> int:
    from rucher.pilots.models import ObjectiveMeasure

    measure_id = int_or_none(raw)
    if (
        measure_id is None
        or not ObjectiveMeasure.objects.filter(pk=measure_id, objective__pilot=pilot).exists()
    ):
        raise NotFound("measure", _("This measure no longer exists."))
    return measure_id


def _objectives_action(request: HttpRequest, viewer: User, pilot: Pilot) -> HttpResponse:
    post = request.POST
    action = post.get("action", "")
    failed: dict[str, Any] = {"action": action}
    form: Any = None
    kept: dict[str, Any] = {}
    try:
        if action == "add_objective":
            form = ObjectiveForm(post, prefix="new")
            kept["objective_form"] = form
            if not form.is_valid():
                return _render_objectives(request, viewer, pilot, objective_form=form, status=400)
            services.objective_create(
                actor=viewer,
                pilot_id=pilot.pk,
                title=form.cleaned_data["title"],
                description=form.cleaned_data["description"],
            )
            messages.success(request, _("The objective has been added. Link it to a measure."))
        elif action == "edit_objective":
            objective_id = _objective_of(pilot, post.get("objective_id"))
            failed["objective_id"] = objective_id
            form = ObjectiveForm(post, prefix=f"o{objective_id}")
            kept["edit_forms"] = {objective_id: form}
            if not form.is_valid():
                return _render_objectives(
                    request,
                    viewer,
                    pilot,
                    edit_forms={objective_id: form},
                    failed=failed,
                    status=400,
                )
            services.objective_update(
                actor=viewer,
                objective_id=objective_id,
                title=form.cleaned_data["title"],
                description=form.cleaned_data["description"],
            )
            messages.success(request, _("The objective has been updated."))
        elif action == "delete_objective":
            services.objective_delete(
                actor=viewer, objective_id=_objective_of(pilot, post.get("objective_id"))
            )
            messages.success(request, _("The objective has been deleted."))
        elif action == "add_measure":
            objective_id = _objective_of(pilot, post.get("objective_id"))
            failed["objective_id"] = objective_id
            form = MeasureForm(post, prefix=f"m{objective_id}")
            kept["measure_forms"] = {objective_id: form}
            if not form.is_valid():
                return _render_objectives(
                    request,
                    viewer,
                    pilot,
                    measure_forms={objective_id: form},
                    failed=failed,
                    status=400,
                )
            measure = services.measure_add(
                actor=viewer, objective_id=objective_id, **form.service_kwargs()
            )
            if measure.baseline_value is None:
                messages.warning(
                    request,
                    _(
                        "The measure is linked, without a baseline yet: there is no data for "
                        "the baseline period (or it has not passed). It is measured again when "
                        "the pilot starts."
                    ),
                )
            else:
                messages.success(request, _("The measure is linked and its baseline measured."))
        elif action == "update_target":
            measure_id = _measure_of(pilot, post.get("measure_id"))
            failed["measure_id"] = measure_id
            form = TargetForm(post, prefix=f"t{measure_id}")
            kept["target_forms"] = {measure_id: form}
            if not form.is_valid():
                return _render_objectives(
                    request,
                    viewer,
                    pilot,
                    target_forms={measure_id: form},
                    failed=failed,
                    status=400,
                )
            from rucher.pilots.models import ObjectiveMeasure

            measure = ObjectiveMeasure.objects.get(pk=measure_id)
            target = float(form.cleaned_data["target_value"])
            if selectors.measure_unit(measure) == "ratio":
                target /= 100
            services.measure_update(
                actor=viewer,
                measure_id=measure_id,
                target_value=target,
                target_date=form.cleaned_data["target_date"],
            )
            messages.success(request, _("The target has been changed."))
        elif action == "remove_measure":
            services.measure_remove(
                actor=viewer, measure_id=_measure_of(pilot, post.get("measure_id"))
            )
            messages.success(request, _("The measure has been removed."))
        elif action == "refresh_baseline":
            measure = services.measure_refresh_baseline(
                actor=viewer, measure_id=_measure_of(pilot, post.get("measure_id"))
            )
            messages.success(
                request,
                _("The baseline has been measured again.")
                if measure.baseline_value is not None
                else _("Still no data for the baseline period."),
            )
        else:
            raise Invalid(_("Unknown action."))
    except RucherError as error:
        message = error.message
        if form is not None:
            add_service_error(form, error)
            message = ""
        return _render_objectives(
            request,
            viewer,
            pilot,
            error=message,
            failed=failed,
            status=status_of(error),
            **kept,
        )
    return redirect("pilots:objectives", slug=pilot.slug)

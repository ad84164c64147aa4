"""The people directory: search, a person's page, org chart, follows, photos, the picker."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from rucher.accounts import policy, selectors, services
from rucher.accounts.languages import SPOKEN_LANGUAGES, language_name
from rucher.accounts.models import User
from rucher.core.errors import NotFound, RucherError
from rucher.core.http import request_user

PAGE_SIZE = 24
PICKER_LIMIT = 8


def _viewer(request: HttpRequest) -> User:
    return request_user(request)


def _int_or_none(raw: str | None) -> int | None:
    try:
        return int(raw) if raw else None
    except ValueError:
        return None


def _filters_from(request: HttpRequest) -> selectors.DirectoryFilters:
    return selectors.DirectoryFilters(
        query=request.GET.get("q", "").strip()[:200],
        org_unit_id=_int_or_none(request.GET.get("org_unit")),
        site_id=_int_or_none(request.GET.get("site")),
        skill=request.GET.get("skill", "").strip()[:64],
        language=request.GET.get("language", "").strip()[:8],
    )


def _require_directory(viewer: User) -> None:
    if not policy.can_browse_directory(viewer):
        raise PermissionDenied(
            _("Partner guests see only the members of the communities they were invited to.")
        )


@login_required
@require_GET
def people_list(request: HttpRequest) -> HttpResponse:
    viewer = _viewer(request)
    _require_directory(viewer)
    filters = _filters_from(request)
    people = selectors.directory_search(viewer=viewer, filters=filters)
    page = Paginator(people, PAGE_SIZE).get_page(request.GET.get("page"))
    query_without_page = request.GET.copy()
    query_without_page.pop("page", None)
    context: dict[str, object] = {
        "page": page,
        "filters": filters,
        "query_string": query_without_page.urlencode(),
    }
    if request.headers.get("HX-Request") and request.headers.get("HX-Target") == "results":
        # The filter options are already on the page: the fragment only redraws results.
        return render(request, "directory/list.html#results", context)
    context.update(
        org_units=selectors.org_unit_options(),
        sites=selectors.site_options(),
        skills=selectors.popular_skills(),
        languages=SPOKEN_LANGUAGES,
    )
    return render(request, "directory/list.html", context)


@login_required
@require_GET
def person_detail(request: HttpRequest, person_id: int) -> HttpResponse:
    viewer = _viewer(request)
    try:
        person = policy.access_person(viewer=viewer, person_id=person_id)
    except NotFound:
        raise Http404 from None
    profile = person.profile
    context = {
        "person": person,
        "profile": profile,
        "skills": list(profile.skills.order_by("name")),
        "interests": list(profile.interests.order_by("name")),
        "languages": [
            language_name(code) for code in profile.languages.values_list("code", flat=True)
        ],
        "org_path": _org_path(profile.org_unit),
        "show_contact": policy.can_see_contact_details(viewer, person),
        "is_self": viewer.pk == person.pk,
        "following": selectors.follows(follower=viewer, person=person),
        "followers_count": selectors.followers_of(viewer=viewer, person=person).count(),
        "following_count": selectors.following_of(viewer=viewer, person=person).count(),
        "completeness": selectors.profile_completeness(profile) if viewer.pk == person.pk else None,
        "manager": (
            User.objects.visible_to(viewer).filter(pk=profile.manager_id).first()
            if profile.manager_id
            else None
        ),
        "reports_count": User.objects.visible_to(viewer)
        .filter(profile__manager=person, is_active=True)
        .count(),
    }
    return render(request, "directory/person.html", context)


def _org_path(unit: object) -> list[object]:
    from rucher.accounts.models import OrgUnit

    if not isinstance(unit, OrgUnit):
        return []
    ids = [int(part) for part in unit.path.strip("/").split("/") if part]
    by_id = OrgUnit.objects.in_bulk(ids)
    return [by_id[pk] for pk in ids if pk in by_id]


@login_required
@require_GET
def org_chart(request: HttpRequest, person_id: int) -> HttpResponse:
    viewer = _viewer(request)
    _require_directory(viewer)
    try:
        person = policy.access_person(viewer=viewer, person_id=person_id)
    except NotFound:
        raise Http404 from None
    chain, reports = selectors.org_chart(viewer=viewer, person=person)
    return render(
        request,
        "directory/org_chart.html",
        {"person": person, "chain": chain, "reports": reports},
    )


@login_required
@require_GET
def follow_list(request: HttpRequest, person_id: int, direction: str) -> HttpResponse:
    viewer = _viewer(request)
    try:
        person = policy.access_person(viewer=viewer, person_id=person_id)
    except NotFound:
        raise Http404 from None
    if direction == "followers":
        people = selectors.followers_of(viewer=viewer, person=person)
    else:
        people = selectors.following_of(viewer=viewer, person=person)
    page = Paginator(people, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "directory/follow_list.html",
        {"person": person, "page": page, "direction": direction},
    )


@login_required
@require_POST
def follow_toggle(request: HttpRequest, person_id: int) -> HttpResponse:
    viewer = _viewer(request)
    try:
        if request.POST.get("follow") == "1":
            services.person_follow(actor=viewer, person_id=person_id)
        else:
            services.person_unfollow(actor=viewer, person_id=person_id)
    except NotFound:
        raise Http404 from None
    except RucherError as error:
        return render(
            request, "directory/person.html#follow-error", {"message": error.message}, status=400
        )
    if request.headers.get("HX-Request"):
        person = policy.access_person(viewer=viewer, person_id=person_id)
        context = {
            "person": person,
            "following": selectors.follows(follower=viewer, person=person),
            "followers_count": selectors.followers_of(viewer=viewer, person=person).count(),
            "is_self": False,
        }
        return render(request, "directory/person.html#follow", context)
    return redirect("directory:person", person_id=person_id)


@login_required
@require_GET
def photo(request: HttpRequest, person_id: int, size: str) -> HttpResponseBase:
    """Photos are served through the policy: who cannot see the person cannot see the face."""
    try:
        person = policy.access_person(viewer=_viewer(request), person_id=person_id)
    except NotFound:
        raise Http404 from None
    field = person.profile.photo_thumbnail if size == "small" else person.profile.photo
    if not field or size not in ("small", "large"):
        raise Http404
    try:
        handle = field.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(handle, content_type="image/jpeg")
    response["Cache-Control"] = "private, max-age=3600"
    response["Content-Disposition"] = "inline"
    return response


@login_required
@require_GET
def people_picker(request: HttpRequest) -> HttpResponse:
    """Options for a people picker: active people the viewer may see, matching the text."""
    viewer = _viewer(request)
    query = request.GET.get("q", "").strip()[:100]
    target = request.GET.get("target", "")
    people: list[User] = []
    if len(query) >= 2 and policy.can_browse_directory(viewer):
        people = list(
            selectors.directory_search(
                viewer=viewer, filters=selectors.DirectoryFilters(query=query)
            )[:PICKER_LIMIT]
        )
    return render(
        request,
        "directory/picker_options.html",
        {"people": people, "query": query, "target": target},
    )

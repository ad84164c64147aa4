"""People, org units, follows and personal tokens in the JSON API.

Every read goes through the access policy (``policy`` and ``selectors``), every write through
a service; this module only translates between HTTP and those functions.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, cast

from django.db import transaction
from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Status

from rucher.accounts import selectors
from rucher.accounts.languages import language_name
from rucher.accounts.models import ApiToken, OrgUnit, Profile, Site, User
from rucher.accounts.policy import access_person, can_browse_directory, can_see_contact_details
from rucher.accounts.schemas import (
    CompletenessOut,
    DirectoryQuery,
    FollowOut,
    LanguageOut,
    MeIn,
    MeOut,
    OrgChartOut,
    OrgUnitDetailOut,
    OrgUnitOut,
    OrgUnitRef,
    PersonCardOut,
    PersonOut,
    PersonPage,
    PersonRef,
    SiteOut,
    SiteRef,
    TagOut,
    TokenCreatedOut,
    TokenIn,
    TokenOut,
)
from rucher.accounts.services import (
    person_follow,
    person_unfollow,
    profile_update,
    token_create,
    token_revoke,
    user_set_language,
)
from rucher.api_schemas import ObjectId
from rucher.api_schemas import errors as _errors
from rucher.core.errors import Forbidden, Invalid, NotFound
from rucher.core.models import Tag
from rucher.core.pagination import PageParams, paginate

router = Router(tags=["people"])

PERSON_ORDERING = ("display_name",)


def _viewer(request: HttpRequest) -> User:
    # Both authenticators of the API return the active User they recognised.
    return cast(User, request.auth)  # type: ignore[attr-defined]


def _require_directory(viewer: User) -> None:
    if not can_browse_directory(viewer):
        raise Forbidden(_("Partner guests cannot browse the directory."))


# ---------------------------------------------------------------- presenting people


def _photo_url(person: User, size: str) -> str | None:
    # Photos are served by a view that applies the access policy, never from the media root;
    # reversing it keeps the API in step with wherever that view lives.
    try:
        return reverse("directory:photo", kwargs={"person_id": person.pk, "size": size})
    except NoReverseMatch:
        return None


def _photo_urls(person: User) -> dict[str, str | None]:
    has_photo = bool(person.profile.photo)
    return {
        "photo_small_url": _photo_url(person, "small") if has_photo else None,
        "photo_large_url": _photo_url(person, "large") if has_photo else None,
    }


def _tags(tags: Iterable[Tag]) -> list[TagOut]:
    return [TagOut(name=tag.name, slug=tag.slug) for tag in tags]


def _card_fields(person: User, viewer: User) -> dict[str, Any]:
    profile = person.profile
    org_unit, site = profile.org_unit, profile.site
    return {
        "id": person.pk,
        "display_name": person.display_name,
        "email": person.email if can_see_contact_details(viewer, person) else None,
        "job_title": profile.job_title,
        "org_unit": OrgUnitRef(id=org_unit.pk, name=org_unit.name) if org_unit else None,
        "site": SiteRef(id=site.pk, name=site.name) if site else None,
        "skills": _tags(profile.skills.all()),
        "is_active": person.is_active,
        **_photo_urls(person),
    }


def person_card(person: User, viewer: User) -> PersonCardOut:
    """A person as lists show them, with what ``viewer`` may see; other routers use it too.

    Load the person with ``profile``, ``profile__org_unit``, ``profile__site`` and the
    ``profile__skills`` prefetched, or each card costs queries."""
    return PersonCardOut(**_card_fields(person, viewer))


def _visible_manager(viewer: User, profile: Profile) -> PersonRef | None:
    # The manager is a person like any other: shown only if the policy lets the viewer see them.
    if profile.manager_id is None:
        return None
    manager = User.objects.visible_to(viewer).filter(pk=profile.manager_id).first()
    return PersonRef(id=manager.pk, display_name=manager.display_name) if manager else None


def _person_fields(person: User, viewer: User) -> dict[str, Any]:
    profile = person.profile
    return {
        **_card_fields(person, viewer),
        "role": person.role,
        "company": profile.company,
        "phone": profile.phone if can_see_contact_details(viewer, person) else None,
        "bio": profile.bio,
        "manager": _visible_manager(viewer, profile),
        "interests": _tags(profile.interests.all()),
        "languages": [
            LanguageOut(code=code, name=language_name(code))
            for code in profile.languages.order_by("code").values_list("code", flat=True)
        ],
        "date_joined": person.date_joined,
        "following": person.pk != viewer.pk and selectors.follows(follower=viewer, person=person),
    }


def _me(viewer: User) -> MeOut:
    # Reloaded through the policy: services update their own copy of the row, not ours.
    me = access_person(viewer=viewer, person_id=viewer.pk)
    completeness = selectors.profile_completeness(me.profile)
    return MeOut(
        **_person_fields(me, me),
        language=me.language,
        completeness=CompletenessOut(percent=completeness.percent, missing=completeness.missing),
    )


# ---------------------------------------------------------------- me


@router.get("/me", response={200: MeOut, **_errors()}, summary="Your profile")
def me_get(request: HttpRequest) -> MeOut:
    """The caller's own profile, including contact details, interface language and how
    complete the profile is."""
    return _me(_viewer(request))


@router.patch("/me", response={200: MeOut, **_errors(400, 403, 422)}, summary="Update your profile")
def me_update(request: HttpRequest, payload: MeIn) -> MeOut:
    """Change some fields of your profile; fields left out keep their value, null empties one.

    Either every change is saved or none is: a 400 answer lists the problem of each field."""
    viewer = _viewer(request)
    changes = payload.model_dump(exclude_unset=True)
    language_sent = "language" in changes
    language = changes.pop("language", None) or ""
    problems: dict[str, list[str]] = {}
    with transaction.atomic():
        # Skipped when unchanged, so that a form re-sending every field records no event.
        if language_sent and language != viewer.language:
            try:
                user_set_language(actor=viewer, language=language)
            except Invalid as error:
                problems.update(error.fields)
        if changes:
            try:
                profile_update(actor=viewer, person_id=viewer.pk, changes=changes)
            except Invalid as error:
                problems.update(error.fields)
        if problems:
            # Raising inside the block rolls back the language change with the rest.
            raise Invalid(next(iter(problems.values()))[0], fields=problems)
    return _me(viewer)


# ---------------------------------------------------------------- tokens


def _token_out(token: ApiToken) -> dict[str, Any]:
    expired = token.expires_at is not None and token.expires_at <= timezone.now()
    return {
        "id": token.pk,
        "name": token.name,
        "prefix": token.prefix,
        "created_at": token.created_at,
        "last_used_at": token.last_used_at,
        "expires_at": token.expires_at,
        "revoked_at": token.revoked_at,
        "active": token.revoked_at is None and not expired,
    }


@router.get("/me/tokens", response={200: list[TokenOut], **_errors()}, summary="Your API tokens")
def tokens_list(request: HttpRequest) -> list[TokenOut]:
    """Your personal API tokens, newest first, including revoked and expired ones. Secrets
    are never shown again after creation."""
    # A person's own tokens: no one else's are reachable, so no policy beyond ownership.
    tokens = ApiToken.objects.filter(user=_viewer(request)).order_by("-created_at", "-id")
    return [TokenOut(**_token_out(token)) for token in tokens]


@router.post(
    "/me/tokens",
    response={201: TokenCreatedOut, **_errors(400, 403, 422)},
    summary="Create an API token",
)
def tokens_create(request: HttpRequest, payload: TokenIn) -> Status[TokenCreatedOut]:
    """Create a personal token acting as you. The answer holds its secret, shown this once
    only: send it as `Authorization: Bearer <secret>`."""
    expires_at = payload.expires_at
    if expires_at is not None and timezone.is_naive(expires_at):
        expires_at = timezone.make_aware(expires_at)
    token, secret = token_create(actor=_viewer(request), name=payload.name, expires_at=expires_at)
    return Status(201, TokenCreatedOut(**_token_out(token), secret=secret))


@router.delete(
    "/me/tokens/{token_id}",
    response={200: TokenOut, **_errors(403, 404, 422)},
    summary="Revoke an API token",
)
def tokens_revoke(request: HttpRequest, token_id: ObjectId) -> TokenOut:
    """Revoke one of your tokens; it stops working at once. Revoking twice is harmless."""
    return TokenOut(**_token_out(token_revoke(actor=_viewer(request), token_id=token_id)))


# ---------------------------------------------------------------- people


@router.get(
    "/people", response={200: PersonPage, **_errors(400, 403, 422)}, summary="Search the directory"
)
def people_search(
    request: HttpRequest, filters: Query[DirectoryQuery], page: Query[PageParams]
) -> dict[str, Any]:
    """Active people you may see, sorted by name, matching every filter given. Partner
    guests cannot browse the directory (403)."""
    viewer = _viewer(request)
    _require_directory(viewer)
    people = selectors.directory_search(
        viewer=viewer,
        filters=selectors.DirectoryFilters(
            query=filters.q,
            org_unit_id=filters.org_unit,
            site_id=filters.site,
            skill=filters.skill,
            language=filters.language,
        ),
    )
    result = paginate(people, params=page, ordering=PERSON_ORDERING)
    return result.map(lambda person: person_card(person, viewer)).as_dict()


@router.get(
    "/people/{person_id}", response={200: PersonOut, **_errors(404, 422)}, summary="A person"
)
def people_get(request: HttpRequest, person_id: ObjectId) -> PersonOut:
    """A person's profile, with the fields you may see (contact details are null otherwise).
    A deactivated person still answers, with `is_active` false. Missing and not visible are
    the same 404."""
    viewer = _viewer(request)
    return PersonOut(**_person_fields(access_person(viewer=viewer, person_id=person_id), viewer))


@router.get(
    "/people/{person_id}/org-chart",
    response={200: OrgChartOut, **_errors(404, 422)},
    summary="A person's place in the organisation",
)
def people_org_chart(request: HttpRequest, person_id: ObjectId) -> OrgChartOut:
    """The chain of managers above a person, from the top down, and their direct reports."""
    viewer = _viewer(request)
    person = access_person(viewer=viewer, person_id=person_id)
    managers, reports = selectors.org_chart(viewer=viewer, person=person)
    return OrgChartOut(
        person=person_card(person, viewer),
        managers=[person_card(manager, viewer) for manager in managers],
        reports=[person_card(report, viewer) for report in reports],
    )


@router.get(
    "/people/{person_id}/followers",
    response={200: PersonPage, **_errors(400, 404, 422)},
    summary="A person's followers",
)
def people_followers(
    request: HttpRequest, person_id: ObjectId, page: Query[PageParams]
) -> dict[str, Any]:
    """Active people following this person, among those you may see, sorted by name."""
    viewer = _viewer(request)
    person = access_person(viewer=viewer, person_id=person_id)
    people = selectors.followers_of(viewer=viewer, person=person)
    result = paginate(people, params=page, ordering=PERSON_ORDERING)
    return result.map(lambda follower: person_card(follower, viewer)).as_dict()


@router.get(
    "/people/{person_id}/following",
    response={200: PersonPage, **_errors(400, 404, 422)},
    summary="Whom a person follows",
)
def people_following(
    request: HttpRequest, person_id: ObjectId, page: Query[PageParams]
) -> dict[str, Any]:
    """Active people this person follows, among those you may see, sorted by name."""
    viewer = _viewer(request)
    person = access_person(viewer=viewer, person_id=person_id)
    people = selectors.following_of(viewer=viewer, person=person)
    result = paginate(people, params=page, ordering=PERSON_ORDERING)
    return result.map(lambda followed: person_card(followed, viewer)).as_dict()


@router.put(
    "/people/{person_id}/follow",
    response={200: FollowOut, **_errors(400, 403, 404, 409, 422)},
    summary="Follow a person",
)
def people_follow(request: HttpRequest, person_id: ObjectId) -> FollowOut:
    """Follow a person to see their activity. Following twice is harmless; you cannot follow
    yourself (400) nor a deactivated person (409)."""
    person_follow(actor=_viewer(request), person_id=person_id)
    return FollowOut(following=True)


@router.delete(
    "/people/{person_id}/follow",
    response={200: FollowOut, **_errors(403, 404, 422)},
    summary="Stop following a person",
)
def people_unfollow(request: HttpRequest, person_id: ObjectId) -> FollowOut:
    """Stop following a person. Harmless if you did not follow them."""
    person_unfollow(actor=_viewer(request), person_id=person_id)
    return FollowOut(following=False)


# ---------------------------------------------------------------- organisation


@router.get("/org-units", response={200: list[OrgUnitOut], **_errors(403)}, summary="The org units")
def org_units_list(request: HttpRequest) -> list[OrgUnit]:
    """Every org unit as a flat list in tree order (by `path`): a parent comes before its
    children. Not for partner guests (403)."""
    _require_directory(_viewer(request))
    return selectors.org_unit_options()


@router.get(
    "/org-units/{unit_id}",
    response={200: OrgUnitDetailOut, **_errors(403, 404, 422)},
    summary="An org unit",
)
def org_units_get(request: HttpRequest, unit_id: ObjectId) -> OrgUnitDetailOut:
    """An org unit, its direct children, and how many active people you may see work in it
    or in any unit below it. Not for partner guests (403)."""
    viewer = _viewer(request)
    _require_directory(viewer)
    unit = OrgUnit.objects.filter(pk=unit_id).first()
    if unit is None:
        raise NotFound("org_unit")
    children = OrgUnit.objects.filter(parent=unit).order_by("name", "id")
    # The directory's own count, so that the number matches what a filtered search lists.
    people = selectors.directory_search(
        viewer=viewer, filters=selectors.DirectoryFilters(org_unit_id=unit.pk)
    )
    return OrgUnitDetailOut(
        **OrgUnitOut.from_orm(unit).model_dump(),
        children=[OrgUnitOut.from_orm(child) for child in children],
        people_count=people.count(),
    )


@router.get("/sites", response={200: list[SiteOut], **_errors(403)}, summary="The sites")
def sites_list(request: HttpRequest) -> list[Site]:
    """Every site (office, plant), by name. Not for partner guests (403)."""
    _require_directory(_viewer(request))
    return selectors.site_options()

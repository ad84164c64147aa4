"""Who may see whom. The one place that decides; lists, search, pickers and the API use it.

- Employees see every internal person, and the partner guests who share a current community
  with them. The ESN project team and administrators see everyone.
- A partner guest sees themselves and the current members of the communities they are a
  current guest of: nothing else, no directory browsing.
- Deactivated people disappear from lists and pickers, but their page stays reachable for
  those who could see them, so that past content keeps its author.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet

from rucher.core.errors import NotFound

if TYPE_CHECKING:
    from rucher.accounts.models import User


def people_visible_to(viewer: User, people: QuerySet[User]) -> QuerySet[User]:
    from rucher.accounts.models import Role
    from rucher.communities.policy import co_member_ids

    if not viewer.is_authenticated or not viewer.is_active:
        return people.none()
    if viewer.role == Role.GUEST:
        return people.filter(Q(pk=viewer.pk) | Q(pk__in=co_member_ids(viewer)))
    if viewer.role in (Role.ADMIN, Role.PROJECT_TEAM):
        return people
    return people.filter(~Q(role=Role.GUEST) | Q(pk__in=co_member_ids(viewer)))


def people_listable_by(viewer: User, people: QuerySet[User]) -> QuerySet[User]:
    """People to offer in lists and pickers: visible and active."""
    return people_visible_to(viewer, people).filter(is_active=True)


def access_person(*, viewer: User, person_id: int) -> User:
    from rucher.accounts.models import User

    try:
        return (
            User.objects.visible_to(viewer)
            .select_related("profile", "profile__org_unit", "profile__site", "profile__manager")
            .get(pk=person_id)
        )
    except (User.DoesNotExist, ValueError, TypeError):
        raise NotFound("person") from None


def can_see_contact_details(viewer: User, person: User) -> bool:
    """Phone numbers are for colleagues, not for partner guests."""
    return viewer.pk == person.pk or not viewer.is_guest


def can_browse_directory(viewer: User) -> bool:
    return viewer.is_authenticated and viewer.is_active and not viewer.is_guest


def can_manage_people(viewer: User) -> bool:
    return viewer.is_authenticated and viewer.is_active and viewer.is_admin

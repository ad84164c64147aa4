"""Who may see and do what with pilot programmes — the one place that decides it.

- The ESN project team (administrators included) sees and manages every pilot.
- A pilot's sponsors and its team members see and manage it.
- An animator or owner of a pilot community sees that community's part: the pilot's name,
  dates and objectives, its own community's support entries and figures — not the others'.
- A beta user sees the pilot's results once the team publishes them.
- Everybody else: the pilot does not exist (the same "not found" as a missing one).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet

from rucher.core.errors import Forbidden, NotFound
from rucher.pilots.models import Pilot

if TYPE_CHECKING:
    from rucher.accounts.models import User


def _active(user: User) -> bool:
    return bool(user.is_authenticated and user.is_active)


def managed_community_ids(user: User) -> QuerySet:
    """Communities ``user`` animates or owns (the ids)."""
    from rucher.communities.models import Membership

    return (
        Membership.objects.current()
        .filter(user=user, role__in=("owner", "animator"))
        .values("community_id")
    )


def pilots_visible_to(user: User) -> QuerySet[Pilot]:
    if not _active(user):
        return Pilot.objects.none()
    if user.is_project_team:
        return Pilot.objects.all()
    if user.is_guest:
        return Pilot.objects.none()
    return Pilot.objects.filter(
        Q(sponsors=user)
        | Q(team=user)
        | Q(pilot_communities__community_id__in=managed_community_ids(user))
        | Q(beta_users__user=user, results_published_at__isnull=False)
    ).distinct()


def access_pilot(*, user: User, pilot_id: int | None = None, slug: str | None = None) -> Pilot:
    """The pilot, or NotFound for a missing one and for one ``user`` may not see alike."""
    lookup = {"pk": pilot_id} if pilot_id is not None else {"slug": slug}
    try:
        return pilots_visible_to(user).get(**lookup)
    except (Pilot.DoesNotExist, ValueError, TypeError):
        raise NotFound("pilot") from None


def can_manage(user: User, pilot: Pilot) -> bool:
    """Edit the pilot, its scope, objectives, support log, surveys, lessons, decision."""
    if not _active(user) or user.is_guest:
        return False
    if user.is_project_team:
        return True
    return pilot.sponsors.filter(pk=user.pk).exists() or pilot.team.filter(pk=user.pk).exists()


def require_manage(user: User, pilot: Pilot) -> None:
    if not can_manage(user, pilot):
        from django.utils.translation import gettext as _

        raise Forbidden(_("Only the pilot's project team and sponsors may change it."))


def can_see_results(user: User, pilot: Pilot) -> bool:
    """The whole evaluation, survey results and report."""
    if can_manage(user, pilot):
        return True
    if not _active(user) or pilot.results_published_at is None:
        return False
    return (
        pilot.beta_users.filter(user=user).exists()
        or pilot.pilot_communities.filter(community_id__in=managed_community_ids(user)).exists()
    )


def require_results(user: User, pilot: Pilot) -> None:
    if not can_see_results(user, pilot):
        from django.utils.translation import gettext as _

        raise Forbidden(_("The results of this pilot are not published yet."))


def visible_community_ids(user: User, pilot: Pilot) -> set[int] | None:
    """The pilot communities whose own part ``user`` may see: None means all of them."""
    if can_manage(user, pilot) or can_see_results(user, pilot):
        return None
    return set(
        pilot.pilot_communities.filter(community_id__in=managed_community_ids(user)).values_list(
            "community_id", flat=True
        )
    )

"""Who may see, read and manage which community. The one place that decides.

- Open communities: every active internal person sees and reads them, and may join.
- Private communities: every internal person sees their card; members read them.
- Secret communities: members only, and people holding a pending invitation. To anyone else
  a secret community does not exist: same status and body as a missing one.
- Partner guests see only the communities they are a current guest of (and ones they are
  invited to), nothing else, not even open communities.
- Administrators see and manage every community (they govern the platform).
A guest's membership ends at its expiry date: every query below filters on it, so expiry,
removal and revocation take effect on the very next request.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet
from django.utils import timezone

from rucher.core.errors import NotFound

if TYPE_CHECKING:
    from rucher.accounts.models import User
    from rucher.communities.models import Community, Membership


def _is_active(user: User) -> bool:
    return bool(user.is_authenticated and user.is_active)


def current_community_ids(user: User) -> QuerySet:
    """Ids of the communities ``user`` belongs to now (a subquery, not evaluated here)."""
    from rucher.communities.models import Membership

    return Membership.objects.current().filter(user_id=user.pk).values("community_id")


def _invited_community_ids(user: User) -> QuerySet:
    from rucher.communities.models import Invitation, InvitationStatus

    # By account, or by address for an invitation sent before the account existed.
    return Invitation.objects.filter(
        Q(invitee_id=user.pk) | Q(email=user.email),
        status=InvitationStatus.PENDING,
        expires_at__gt=timezone.now(),
    ).values("community_id")


def communities_visible_to(user: User, communities: QuerySet[Community]) -> QuerySet[Community]:
    from rucher.communities.models import Visibility

    if not _is_active(user):
        return communities.none()
    if user.is_admin:
        return communities
    mine = Q(pk__in=current_community_ids(user)) | Q(pk__in=_invited_community_ids(user))
    if user.is_guest:
        return communities.filter(mine)
    return communities.filter(Q(visibility__in=[Visibility.OPEN, Visibility.PRIVATE]) | mine)


def communities_readable_by(user: User, communities: QuerySet[Community]) -> QuerySet[Community]:
    """Communities whose content (posts, members, files) ``user`` may read."""
    from rucher.communities.models import Visibility

    if not _is_active(user):
        return communities.none()
    if user.is_admin:
        return communities
    mine = Q(pk__in=current_community_ids(user))
    if user.is_guest:
        return communities.filter(mine)
    return communities.filter(Q(visibility=Visibility.OPEN) | mine)


def access_community(
    *, user: User, community_id: int | None = None, slug: str | None = None
) -> Community:
    """The community if ``user`` may see it, else the same ``NotFound`` as a missing one."""
    from rucher.communities.models import Community

    lookup = {"pk": community_id} if community_id is not None else {"slug": slug}
    try:
        return Community.objects.visible_to(user).select_related("kind").get(**lookup)
    except (Community.DoesNotExist, ValueError, TypeError):
        raise NotFound("community") from None


def membership_of(user: User, community: Community) -> Membership | None:
    from rucher.communities.models import Membership

    if not _is_active(user):
        return None
    return Membership.objects.current().filter(user_id=user.pk, community=community).first()


def can_read(user: User, community: Community, membership: Membership | None = None) -> bool:
    from rucher.communities.models import Visibility

    if not _is_active(user):
        return False
    if user.is_admin:
        return True
    if community.visibility == Visibility.OPEN and not user.is_guest:
        return True
    return (membership or membership_of(user, community)) is not None


def can_manage(user: User, community: Community, membership: Membership | None = None) -> bool:
    """Owners and animators manage members, requests, invitations and settings."""
    if not _is_active(user):
        return False
    if user.is_admin:
        return True
    membership = membership or membership_of(user, community)
    return membership is not None and membership.manages


def is_owner(user: User, community: Community, membership: Membership | None = None) -> bool:
    from rucher.communities.models import CommunityRole

    if not _is_active(user):
        return False
    if user.is_admin:
        return True
    membership = membership or membership_of(user, community)
    return membership is not None and membership.role == CommunityRole.OWNER


def can_join_directly(user: User, community: Community) -> bool:
    from rucher.communities.models import Visibility

    return (
        _is_active(user)
        and not user.is_guest
        and community.visibility == Visibility.OPEN
        and not community.is_archived
    )


def can_review_creation_requests(user: User) -> bool:
    return _is_active(user) and user.is_project_team


def co_member_ids(user: User) -> QuerySet:
    """People who share a current community with ``user`` (a subquery)."""
    from rucher.communities.models import Membership

    return (
        Membership.objects.current()
        .filter(community_id__in=current_community_ids(user))
        .values("user_id")
    )

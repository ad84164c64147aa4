"""Reads about communities; every list starts from the access policy."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from rucher.accounts.models import User
from rucher.communities import policy
from rucher.communities.models import (
    Community,
    CommunityKind,
    CommunityRole,
    CreationRequest,
    CreationStatus,
    Invitation,
    InvitationStatus,
    JoinRequest,
    Membership,
    RequestStatus,
)
from rucher.core.models import Tag


@dataclass(frozen=True)
class CommunityFilters:
    query: str = ""
    kind: str = ""
    visibility: str = ""
    mine: bool = False
    include_archived: bool = False

    @property
    def active(self) -> bool:
        return bool(self.query or self.kind or self.visibility or self.mine)


def community_directory(*, viewer: User, filters: CommunityFilters) -> QuerySet[Community]:
    """Communities the viewer may see, with member counts and the viewer's own role."""
    communities = Community.objects.visible_to(viewer)
    mine = policy.current_community_ids(viewer)
    if filters.mine:
        communities = communities.filter(pk__in=mine)
    if not filters.include_archived:
        communities = communities.filter(archived_at__isnull=True)
    for word in filters.query.split()[:8]:
        communities = communities.filter(
            Q(name__icontains=word) | Q(description__icontains=word) | Q(tags__name__icontains=word)
        )
    if filters.kind:
        communities = communities.filter(kind__code=filters.kind)
    if filters.visibility:
        communities = communities.filter(visibility=filters.visibility)
    return with_listing_data(communities.distinct(), viewer).order_by("name", "id")


def with_listing_data(communities: QuerySet[Community], viewer: User) -> QuerySet[Community]:
    now = timezone.now()
    current = (Q(memberships__expires_at__isnull=True) | Q(memberships__expires_at__gt=now)) & Q(
        memberships__user__is_active=True
    )
    return (
        communities.select_related("kind")
        .prefetch_related(Prefetch("tags", queryset=Tag.objects.order_by("name")))
        .annotate(
            member_count=Count("memberships", filter=current, distinct=True),
            viewer_is_member=Exists(
                Membership.objects.current().filter(community=OuterRef("pk"), user_id=viewer.pk)
            ),
        )
    )


def members_of(*, viewer: User, community: Community) -> QuerySet[Membership]:
    """Current members, managers first; empty unless the viewer may read the community."""
    if not policy.can_read(viewer, community):
        return Membership.objects.none()
    order = {
        CommunityRole.OWNER: 0,
        CommunityRole.ANIMATOR: 1,
        CommunityRole.MEMBER: 2,
        CommunityRole.GUEST: 3,
    }
    from django.db.models import Case, IntegerField, Value, When

    rank = Case(
        *[When(role=role, then=Value(position)) for role, position in order.items()],
        output_field=IntegerField(),
    )
    return (
        Membership.objects.current()
        .filter(community=community, user__is_active=True)
        .select_related("user", "user__profile", "user__profile__org_unit", "user__profile__site")
        .prefetch_related(Prefetch("user__profile__skills", queryset=Tag.objects.order_by("name")))
        .annotate(rank=rank)
        .order_by("rank", "user__display_name", "user_id")
    )


def pending_join_requests(*, viewer: User, community: Community) -> QuerySet[JoinRequest]:
    if not policy.can_manage(viewer, community):
        return JoinRequest.objects.none()
    return (
        JoinRequest.objects.filter(community=community, status=RequestStatus.PENDING)
        .select_related("user", "user__profile")
        .order_by("created_at")
    )


def pending_invitations(*, viewer: User, community: Community) -> QuerySet[Invitation]:
    if not policy.can_manage(viewer, community):
        return Invitation.objects.none()
    return (
        Invitation.objects.filter(
            community=community, status=InvitationStatus.PENDING, expires_at__gt=timezone.now()
        )
        .select_related("invitee", "invited_by")
        .order_by("-created_at")
    )


def my_pending_request(*, viewer: User, community: Community) -> JoinRequest | None:
    return JoinRequest.objects.filter(
        community=community, user_id=viewer.pk, status=RequestStatus.PENDING
    ).first()


def my_invitations(*, viewer: User) -> QuerySet[Invitation]:
    return (
        Invitation.objects.filter(
            Q(invitee_id=viewer.pk) | Q(email=viewer.email),
            status=InvitationStatus.PENDING,
            expires_at__gt=timezone.now(),
        )
        .select_related("community", "community__kind", "invited_by")
        .order_by("-created_at")
    )


def kinds() -> list[CommunityKind]:
    return list(CommunityKind.objects.all())


def creation_requests_for(*, viewer: User, status: str = "open") -> QuerySet[CreationRequest]:
    """The review queue for the project team; one's own requests for everyone else."""
    requests = CreationRequest.objects.select_related("requester", "animator", "kind", "community")
    if not policy.can_review_creation_requests(viewer):
        requests = requests.filter(requester_id=viewer.pk)
    if status == "open":
        requests = requests.filter(status__in=[CreationStatus.SUBMITTED, CreationStatus.QUESTIONS])
    elif status:
        requests = requests.filter(status=status)
    return requests.order_by("created_at" if status == "open" else "-created_at")


def access_creation_request(*, viewer: User, request_id: int) -> CreationRequest:
    from rucher.core.errors import NotFound

    request = creation_requests_for(viewer=viewer, status="").filter(pk=request_id).first()
    if request is None:
        raise NotFound("creation_request")
    return request


def launch_checklist(community: Community) -> list[tuple[str, bool]]:
    return [
        ("charter_written", community.charter_written_at is not None),
        ("welcome_posted", community.welcome_posted_at is not None),
        ("first_members_invited", community.first_members_invited_at is not None),
        ("animator_briefed", community.animator_briefed_at is not None),
    ]


def guests(*, viewer: User) -> QuerySet[Membership]:
    """Every partner guest's memberships, for administrators."""
    if not (viewer.is_active and viewer.is_admin):
        return Membership.objects.none()
    return (
        Membership.objects.filter(role=CommunityRole.GUEST)
        .select_related("user", "user__profile", "community")
        .order_by("user__display_name", "community__name")
    )


# ---------------------------------------------------------------- read helpers of the pages


def managers_of(*, community: Community) -> QuerySet[Membership]:
    """Owners and animators in force, owners first: shown on the card of any visible community."""
    from rucher.communities.models import MANAGING_ROLES

    return (
        Membership.objects.current()
        .filter(community=community, role__in=MANAGING_ROLES, user__is_active=True)
        .select_related("user", "user__profile")
        .order_by("-role", "user__display_name", "user_id")  # descending: "owner", "animator"
    )


def member_count(*, community: Community) -> int:
    return Membership.objects.current().filter(community=community, user__is_active=True).count()


def my_invitation_to(*, viewer: User, community: Community) -> Invitation | None:
    return my_invitations(viewer=viewer).filter(community=community).first()


def sees_secret_communities(viewer: User) -> bool:
    """Whether offering a "secret" filter reveals nothing: administrators, or members of one."""
    from rucher.communities.models import Visibility

    if viewer.is_admin:
        return True
    return Community.objects.visible_to(viewer).filter(visibility=Visibility.SECRET).exists()


def guest_people(*, viewer: User) -> QuerySet[User]:
    """Every partner guest account with its guest memberships, for administrators."""
    from rucher.accounts.models import Role

    if not (viewer.is_active and viewer.is_admin):
        return User.objects.none()
    memberships = (
        Membership.objects.filter(role=CommunityRole.GUEST)
        .select_related("community")
        .order_by("community__name", "community_id")
    )
    return (
        User.objects.filter(role=Role.GUEST)
        .select_related("profile")
        .prefetch_related(
            Prefetch("memberships", queryset=memberships, to_attr="guest_memberships")
        )
        .order_by("-is_active", "display_name", "id")
    )

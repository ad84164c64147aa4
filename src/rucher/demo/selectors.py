"""Reads for the demo command: is the database empty, which personas exist, what is there."""

from __future__ import annotations

from django.db.models import Count

from rucher.accounts.models import Follow, OrgUnit, Role, Site, User
from rucher.communities.models import (
    Community,
    CreationRequest,
    CreationStatus,
    Invitation,
    InvitationStatus,
    JoinRequest,
    Membership,
    RequestStatus,
    Visibility,
)
from rucher.core.models import Event, Tag
from rucher.demo.activity import activity_counts
from rucher.demo.personas import PERSONAS


def people_count() -> int:
    return User.objects.count()


def personas_present() -> set[str]:
    """E-mail addresses of the demo personas that exist in the database, active or not."""
    emails = [persona.email for persona in PERSONAS]
    return set(User.objects.filter(email__in=emails).values_list("email", flat=True))


def demo_counts() -> dict[str, int]:
    """What the database holds, in the order ``rucher demo status`` prints it."""
    roles = dict(
        User.objects.filter(is_active=True)
        .values_list("role")
        .annotate(n=Count("id"))
        .values_list("role", "n")
    )
    units = dict(
        OrgUnit.objects.values_list("kind").annotate(n=Count("id")).values_list("kind", "n")
    )
    visibilities = dict(
        Community.objects.values_list("visibility")
        .annotate(n=Count("id"))
        .values_list("visibility", "n")
    )
    return {
        "people": User.objects.count(),
        "active employees": roles.get(Role.EMPLOYEE, 0),
        "active project team": roles.get(Role.PROJECT_TEAM, 0),
        "active administrators": roles.get(Role.ADMIN, 0),
        "active partner guests": roles.get(Role.GUEST, 0),
        "deactivated people": User.objects.filter(is_active=False).count(),
        "demo personas": len(personas_present()),
        "org units": sum(units.values()),
        "  divisions": units.get(OrgUnit.Kind.DIVISION, 0),
        "  departments": units.get(OrgUnit.Kind.DEPARTMENT, 0),
        "  teams": units.get(OrgUnit.Kind.TEAM, 0),
        "sites": Site.objects.count(),
        "tags": Tag.objects.count(),
        "follows": Follow.objects.count(),
        "communities": sum(visibilities.values()),
        "  open": visibilities.get(Visibility.OPEN, 0),
        "  private": visibilities.get(Visibility.PRIVATE, 0),
        "  secret": visibilities.get(Visibility.SECRET, 0),
        "  archived": Community.objects.filter(archived_at__isnull=False).count(),
        "memberships": Membership.objects.count(),
        "  of partner guests": Membership.objects.filter(user__role=Role.GUEST).count(),
        "pending join requests": JoinRequest.objects.filter(status=RequestStatus.PENDING).count(),
        "pending invitations": Invitation.objects.filter(status=InvitationStatus.PENDING).count(),
        "creation requests": CreationRequest.objects.count(),
        "  awaiting review": CreationRequest.objects.filter(
            status__in=[CreationStatus.SUBMITTED, CreationStatus.QUESTIONS]
        ).count(),
        **activity_counts(),  # conversations: posts by type, comments, reactions, votes...
        "events": Event.objects.count(),
    }


def persona_communities() -> dict[str, list[str]]:
    """For each persona present, their communities with their role, then pending requests."""
    emails = [persona.email for persona in PERSONAS]
    found: dict[str, list[str]] = {email: [] for email in emails}
    memberships = (
        Membership.objects.current()
        .filter(user__email__in=emails)
        .select_related("user", "community")
        .order_by("community__name")
    )
    for membership in memberships:
        found[membership.user.email].append(f"{membership.community.name} ({membership.role})")
    pending = (
        JoinRequest.objects.filter(user__email__in=emails, status=RequestStatus.PENDING)
        .select_related("user", "community")
        .order_by("community__name")
    )
    for request in pending:
        found[request.user.email].append(f"{request.community.name} (join request pending)")
    return found


def creation_requests_awaiting_review() -> int:
    return CreationRequest.objects.filter(
        status__in=[CreationStatus.SUBMITTED, CreationStatus.QUESTIONS]
    ).count()

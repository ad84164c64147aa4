"""Reads for the demo command: is the database empty, which personas exist, what is there."""

from __future__ import annotations

from django.db.models import Count

from rucher.accounts.models import Follow, OrgUnit, Role, Site, User
from rucher.core.models import Event, Tag
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
        "events": Event.objects.count(),
    }

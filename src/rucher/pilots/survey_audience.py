"""Who a pilot's survey waves go to, and in which arm.

- Pilot arm: the pilot's beta users.
- Comparison arm: the current members of its comparison communities and the people of its
  comparison org units (their subtrees included).

Only active internal people: partner guests do not answer for the organisation. Someone who
is both a beta user and in a comparison group counts in the pilot arm; a member of a pilot
community who is not a beta user is left out of the comparison arm too, because the pilot
reaches them — counting them as "untouched" would shrink the difference being measured.
"""

from __future__ import annotations

from django.db.models import Q

from rucher.accounts.models import Role, User
from rucher.pilots.models import Arm, Pilot


def _eligible() -> Q:
    return Q(is_active=True) & ~Q(role=Role.GUEST)


def wave_audience(pilot: Pilot) -> dict[int, str]:
    """user id → arm ("pilot" or "comparison") for the people a wave of ``pilot`` goes to."""
    from rucher.accounts.models import OrgUnit
    from rucher.communities.models import Membership

    beta = User.objects.filter(_eligible(), beta_of__pilot=pilot).values_list("pk", flat=True)
    audience: dict[int, str] = dict.fromkeys(beta, Arm.PILOT)
    groups = list(pilot.comparison_groups.values_list("community_id", "org_unit_id"))
    community_ids = [community for community, _unit in groups if community]
    unit_ids = [unit for _community, unit in groups if unit]
    reached = Q()
    if community_ids:
        members = Membership.objects.current().filter(community_id__in=community_ids)
        reached |= Q(pk__in=members.values("user_id"))
    if unit_ids:
        for path in OrgUnit.objects.filter(pk__in=unit_ids).values_list("path", flat=True):
            reached |= Q(profile__org_unit__path__startswith=path)
    if not reached:
        return audience
    in_pilot = Membership.objects.current().filter(
        community_id__in=pilot.pilot_communities.values("community_id")
    )
    comparison = (
        User.objects.filter(_eligible())
        .filter(reached)
        .exclude(pk__in=in_pilot.values("user_id"))
        .values_list("pk", flat=True)
        .distinct()
    )
    for pk in comparison:
        audience.setdefault(pk, Arm.COMPARISON)
    return audience

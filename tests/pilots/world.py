"""The pilot part of the permission-matrix world (tests/test_permission_matrix.py).

``build_pilot_world(people, communities, org)`` makes, through the services:

- "pilot": a running pilot whose pilot communities are the open and the private ones (so
  their animator and owner see their part), with the project lead's team managing it,
  member as beta user, org unit team_b as comparison group, an objective with a KPI
  measure, and its results published (so member, a beta user, sees them);
- "pilot_slug", "pilot_community" (the open community's entry), "pilot_comparison",
  "pilot_objective", "pilot_measure", "pilot_beta" (member's beta entry), "pilot_team_b";
- "pilot_planned": a planned pilot nobody but the project team and admins sees (its
  results unpublished, no communities): what others get is the 404 of a missing pilot.

Then it calls, when they exist, ``tests.pilots.world_support.build(world)``,
``world_surveys.build(world)`` and ``world_deployment.build(world)`` (written by the other
parts), each receiving the world so far (people, "communities", "org" and the keys above)
and returning the keys it adds.
"""

from __future__ import annotations

import datetime
import importlib
from typing import Any

from django.utils import timezone

from rucher.core import clock

DAY = datetime.timedelta(days=1)
PARTS = ("world_support", "world_surveys", "world_deployment")


def build_pilot_world(
    people: dict[str, Any], communities: dict[str, Any], org: dict[str, Any]
) -> dict:
    from rucher.pilots import services

    lead = people["project_lead"]
    today = timezone.localdate(clock.now())
    pilot = services.pilot_create(
        actor=lead,
        name="Field know-how pilot",
        purpose="Let maintenance teams share what they learn on the field.",
        start_date=today - 30 * DAY,
        end_date=today + 120 * DAY,
        deployment_support_hours="1.5",
        sponsor_ids=[people["manager"].pk] if "manager" in people else [],
        team_ids=[lead.pk],
    )
    entry = services.pilot_community_add(
        actor=lead,
        pilot_id=pilot.pk,
        community_id=communities["open"].pk,
        reason="need",
        reason_detail="The field teams asked for a place to share fixes.",
    )
    services.pilot_community_add(
        actor=lead, pilot_id=pilot.pk, community_id=communities["private"].pk, reason="mature"
    )
    services.beta_users_add(actor=lead, pilot_id=pilot.pk, user_ids=[people["member"].pk])
    comparison = services.comparison_add(
        actor=lead, pilot_id=pilot.pk, org_unit_id=org["team_b"].pk
    )
    objective = services.objective_create(
        actor=lead,
        pilot_id=pilot.pk,
        title="More people write, not only read",
        description="Field engineers post their fixes.",
    )
    measure = services.measure_add(
        actor=lead,
        objective_id=objective.pk,
        kind="kpi",
        kpi_key="contributor_rate",
        kpi_window=28,
        direction="up",
        target_value=0.4,
        target_date=pilot.end_date,
    )
    pilot = services.pilot_set_status(actor=lead, pilot_id=pilot.pk, status="running")
    pilot = services.pilot_publish_results(actor=lead, pilot_id=pilot.pk, published=True)
    planned = services.pilot_create(
        actor=lead,
        name="Sales pilot",
        purpose="Not started yet.",
        start_date=today + 30 * DAY,
        end_date=today + 150 * DAY,
    )
    world: dict[str, Any] = {
        **people,
        "communities": communities,
        "org": org,
        "pilot": pilot,
        "pilot_slug": pilot.slug,
        "pilot_community": entry,
        "pilot_comparison": comparison,
        "pilot_objective": objective,
        "pilot_measure": measure,
        "pilot_beta": pilot.beta_users.get(user=people["member"]),
        "pilot_team_b": org["team_b"],
        "pilot_planned": planned,
        "pilot_planned_slug": planned.slug,
    }
    added = {key: world[key] for key in world if key.startswith("pilot")}
    for name in PARTS:
        try:
            module = importlib.import_module(f"tests.pilots.{name}")
        except ModuleNotFoundError as error:
            if error.name != f"tests.pilots.{name}":
                raise
            continue  # that part is not written yet
        keys = module.build(world) or {}
        world.update(keys)
        added.update(keys)
    return added

"""The lessons, decision and deployment part of the permission-matrix world (called by
tests/pilots/world.py).

Adds:
- "pilot_wave": a deployment wave of the running pilot (org unit team_b, the open community);
- "pilot_lesson": a success of that pilot put in the best-practice library;
- "pilot_failure": a failure with its adjustment, attached to the wave;
- "pilot_closed" / "pilot_closed_slug": a closed pilot (the open community in it, results
  not published) whose decision can be recorded — the project team, admins and the open
  community's animator and owner see it.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone

from rucher.core import clock

DAY = datetime.timedelta(days=1)


def build(world: dict[str, Any]) -> dict[str, Any]:
    from rucher.pilots import deployment, lessons, services

    lead = world["project_lead"]
    pilot = world["pilot"]
    today = timezone.localdate(clock.now())
    wave = deployment.wave_create(
        actor=lead,
        pilot_id=pilot.pk,
        name="Wave 1: maintenance",
        start_date=today - 7 * DAY,
        support_hours="1.5",
        org_unit_ids=[world["org"]["team_b"].pk],
        community_ids=[world["communities"]["open"].pk],
        notes="The field teams of the second site.",
    )
    lesson = lessons.lesson_create(
        actor=lead,
        pilot_id=pilot.pk,
        kind="success",
        title="A weekly 'fix of the week' post",
        body="The animator posts one fix each Monday; replies doubled within a month.",
        community_id=world["communities"]["open"].pk,
        in_library=True,
        community_kinds=["profession"],
    )
    failure = lessons.lesson_create(
        actor=lead,
        pilot_id=pilot.pk,
        kind="failure",
        title="Trainings during shifts",
        body="Few people could attend trainings held during shifts.",
        adjustment="Hold trainings at shift change, twice.",
        wave_id=wave.pk,
    )
    closed = services.pilot_create(
        actor=lead,
        name="Quality circles pilot",
        purpose="Share quality alerts across sites.",
        start_date=today - 150 * DAY,
        end_date=today - 10 * DAY,
        team_ids=[lead.pk],
    )
    services.pilot_community_add(
        actor=lead,
        pilot_id=closed.pk,
        community_id=world["communities"]["open"].pk,
        reason="volunteers",
    )
    services.pilot_set_status(actor=lead, pilot_id=closed.pk, status="running")
    closed = services.pilot_set_status(actor=lead, pilot_id=closed.pk, status="closed")
    return {
        "pilot_wave": wave,
        "pilot_lesson": lesson,
        "pilot_failure": failure,
        "pilot_closed": closed,
        "pilot_closed_slug": closed.slug,
    }

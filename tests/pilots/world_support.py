"""The support part of the permission-matrix world (called by tests/pilots/world.py).

Adds "pilot_support_entry": a training the project lead logged for the pilot's open
community, ten days ago.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone

from rucher.core import clock


def build(world: dict[str, Any]) -> dict[str, Any]:
    from rucher.pilots import support

    today = timezone.localdate(clock.now())
    entry = support.support_log(
        actor=world["project_lead"],
        pilot_id=world["pilot"].pk,
        kind="training",
        day=today - datetime.timedelta(days=10),
        hours="2.5",
        people_reached=8,
        community_id=world["communities"]["open"].pk,
        description="Getting started with the field know-how community.",
    )
    return {"pilot_support_entry": entry}

"""A small world with real history for the evaluation tests, made through the services.

Six people (p0 owns everything, p1–p5 are members) and four open communities created 150
days ago: A and B are the pilot, C and D the comparison. The pilot started 56 days ago and
ends in 28 days (85 days: 3 four-week blocks before the start, 2 blocks of the pilot so far).
In each block some members post once in a community (``PLAN``), so every contributor rate is
(posters ÷ 6 members), computable by hand:

======  ==================  ===============
        before (3 blocks)   during (2 blocks)
======  ==================  ===============
A       1 poster            3 posters
B       2 posters           4 posters
C       1 poster            2 posters
D       2 posters           2 posters
======  ==================  ===============

Pilot before 1.5/6, after 3.5/6; comparison before 1.5/6, after 2/6;
DiD = (2/6 + 2/6)/2 − (1/6 + 0)/2 = 0.25. The naive view: C and D together have 2
contributors (p1, p2 post in both) of 6 members during the pilot: 3.5/6 − 2/6 = 0.25.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone

from rucher.accounts.models import Role
from rucher.accounts.services import user_create
from rucher.communities.services import (
    community_create,
    membership_join,
    organisation_settings_update,
)
from rucher.content.services import post_create
from rucher.core import clock
from rucher.pilots import services, support

DAY = datetime.timedelta(days=1)

# Posters per block: the 3 blocks before the start, then the 2 blocks of the pilot.
PLAN: dict[str, list[list[int]]] = {
    "A": [[1], [1], [1], [1, 2, 3], [1, 2, 3]],
    "B": [[1, 2], [1, 2], [1, 2], [1, 2, 3, 4], [1, 2, 3, 4]],
    "C": [[1], [1], [1], [1, 2], [1, 2]],
    "D": [[1, 2], [1, 2], [1, 2], [1, 2], [1, 2]],
}


def today() -> datetime.date:
    return timezone.localdate()


def start() -> datetime.date:
    return today() - datetime.timedelta(days=56)


def moment(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, 0)))


def blocks() -> list[tuple[datetime.date, datetime.date]]:
    """The five four-week blocks: 3 before the start, 2 during (ending yesterday)."""
    s = start()
    edges = [s - datetime.timedelta(days=84 - 28 * i) for i in range(6)]
    edges[3] = s  # == s already; kept explicit: block 3 starts on the start day
    return [(edges[i], edges[i] + datetime.timedelta(days=27)) for i in range(5)]


def people(org: dict[str, Any]) -> list[Any]:
    made = []
    with clock.frozen(moment(today() - datetime.timedelta(days=160))):
        for i in range(6):
            made.append(
                user_create(
                    actor=None,
                    email=f"p{i}@eval.example",
                    display_name=f"Person {i}",
                    role=Role.EMPLOYEE,
                    profile={"org_unit_id": org["team_a" if i % 2 else "team_b"].pk},
                )
            )
    return made


def communities(admin, folks: list[Any], names=("A", "B", "C", "D")) -> dict[str, Any]:
    organisation_settings_update(actor=admin, community_creation="direct", guests_allowed=True)
    made = {}
    when = moment(today() - datetime.timedelta(days=150), 9)
    with clock.frozen(when):
        for name in names:
            made[name] = community_create(
                actor=folks[0],
                name=f"Community {name}",
                kind="profession",
                visibility="open",
                occurred_at=when,
            )
    with clock.frozen(moment(today() - datetime.timedelta(days=149))):
        for community in made.values():
            for person in folks[1:]:
                membership_join(actor=person, community_id=community.pk)
    return made


def activity(folks: list[Any], made: dict[str, Any], plan=PLAN) -> None:
    for name, per_block in plan.items():
        for (first, _last), posters in zip(blocks(), per_block, strict=True):
            for n, index in enumerate(posters):
                with clock.frozen(moment(first + datetime.timedelta(days=10 + n))):
                    post_create(
                        actor=folks[index],
                        community_id=made[name].pk,
                        body=f"Block note from person {index} in {name}",
                    )


def pilot(lead, made: dict[str, Any], *, support_hours: bool = True, publish: bool = True):
    s = start()
    created = services.pilot_create(
        actor=lead,
        name="Evaluation pilot",
        purpose="Measure it",
        start_date=s,
        end_date=s + datetime.timedelta(days=84),
        deployment_support_hours=2,
    )
    services.pilot_community_add(
        actor=lead, pilot_id=created.pk, community_id=made["A"].pk, reason="need"
    )
    services.pilot_community_add(
        actor=lead, pilot_id=created.pk, community_id=made["B"].pk, reason="volunteers"
    )
    for name in ("C", "D"):
        if name in made:
            services.comparison_add(actor=lead, pilot_id=created.pk, community_id=made[name].pk)
    services.pilot_set_status(actor=lead, pilot_id=created.pk, status="running")
    if support_hours:
        support.support_log(
            actor=lead,
            pilot_id=created.pk,
            kind="training",
            day=s + DAY,
            hours=10,
            people_reached=5,
            community_id=made["A"].pk,
        )
        support.support_log(
            actor=lead,
            pilot_id=created.pk,
            kind="coaching",
            day=s + DAY,
            hours=4,
            community_id=made["B"].pk,
        )
    if publish:
        services.pilot_publish_results(actor=lead, pilot_id=created.pk, published=True)
    created.refresh_from_db()
    return created


def build(org, admin, lead) -> dict[str, Any]:
    folks = people(org)
    made = communities(admin, folks)
    activity(folks, made)
    return {"people": folks, "communities": made, "pilot": pilot(lead, made)}

"""Hand-built rollup rows for the KPI and lifecycle tests.

The KPIs read only the rollups, so the tests write rollup rows directly: every figure of a
test can be computed by hand from the few rows it makes. ``E`` is the last day of the
periods; ``ago(n)`` is n days before it.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone

from rucher.analytics.models import (
    CommunityDay,
    FirstInteraction,
    Interaction,
    MembershipSpan,
    PersonDay,
    PersonRoleSpan,
    PersonUnit,
    Thread,
)
from rucher.analytics.periods import Period, Scope

E = datetime.date(2025, 3, 30)  # a Sunday
LONG_AGO = datetime.date(2024, 1, 1)
C = 100  # the community most tests look at
OTHER = 200


def ago(days: int) -> datetime.date:
    return E - datetime.timedelta(days=days)


def at(day: datetime.date, hour: int = 9, minute: int = 0) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def period(days: int = 28) -> Period:
    return Period(E - datetime.timedelta(days=days - 1), E)


def community(pk: int = C) -> Scope:
    return Scope.community(pk)


ORG = Scope()


def person(pk: int, role: str = "employee", since=LONG_AGO, until=None) -> None:
    PersonRoleSpan.objects.create(person_id=pk, role=role, since=since, until=until)


def unit(pk: int, org_unit_id: int | None, since=LONG_AGO, manager: int | None = None) -> None:
    PersonUnit.objects.create(
        person_id=pk, org_unit_id=org_unit_id, since=since, manager_id=manager
    )


def member(
    community_id: int, pk: int, role: str = "member", start=datetime.date(2025, 1, 1), end=None
) -> None:
    MembershipSpan.objects.create(
        community_id=community_id, person_id=pk, role=role, start=start, end=end
    )


def act(
    pk: int,
    day: datetime.date,
    community_id: int | None = None,
    *,
    contributions: int = 0,
    reached: bool = True,
    posts: int = 0,
    **counts: Any,
) -> PersonDay:
    return PersonDay.objects.create(
        day=day,
        person_id=pk,
        community_id=community_id,
        reached=reached,
        contributions=contributions,
        posts=posts,
        **counts,
    )


def interact(
    day: datetime.date,
    source: int,
    target: int,
    community_id: int | None = C,
    kind: str = "reply",
    count: int = 1,
) -> None:
    Interaction.objects.create(
        day=day,
        source_id=source,
        target_id=target,
        community_id=community_id,
        kind=kind,
        count=count,
    )


def first(low: int, high: int, day: datetime.date) -> None:
    FirstInteraction.objects.create(person_low_id=low, person_high_id=high, first_day=day)


_post_ids = iter(range(10_000, 1_000_000))


def thread(
    author: int,
    created: datetime.datetime,
    *,
    community_id: int | None = C,
    type: str = "discussion",
    responder: int | None = None,
    after_hours: float | None = None,
    accepted: bool = False,
    deleted: bool = False,
    hidden: bool = False,
) -> Thread:
    responded = created + datetime.timedelta(hours=after_hours) if after_hours is not None else None
    return Thread.objects.create(
        post_id=next(_post_ids),
        community_id=community_id,
        author_id=author,
        created_at=created,
        type=type,
        deleted=deleted,
        hidden=hidden,
        first_response_at=responded,
        first_responder_id=responder if responded else None,
        accepted_at=(responded or created) if accepted else None,
    )


def community_day(community_id: int, day: datetime.date, **counts: int) -> None:
    CommunityDay.objects.create(community_id=community_id, day=day, **counts)


def base_people() -> None:
    """People 1–8 employees, 9 ESN project team, 10 partner guest, 11 deactivated on
    2025-03-01. Community C: 1 owner, 2 animator, 3–8 members, 10 guest, 11 member.
    Community OTHER: 1 and 9."""
    for pk in range(1, 9):
        person(pk)
    person(9, "project_team")
    person(10, "guest")
    person(11, until=datetime.date(2025, 3, 1))
    member(C, 1, "owner")
    member(C, 2, "animator")
    for pk in range(3, 9):
        member(C, pk)
    member(C, 10, "guest")
    member(C, 11)
    member(OTHER, 1)
    member(OTHER, 9)

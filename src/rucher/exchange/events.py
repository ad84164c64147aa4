"""The events an import writes, one function per kind of record.

Each returns, as a plain ``EventRow`` (the columns of ``core.models.Event``, written in bulk by
``write``), the event that the service doing the same thing live
records (same verb, target, community and payload; see ``rucher.content.services``,
``rucher.communities.services`` and ``rucher.accounts.services``), stamped with the original
time. ``tests/exchange/test_events.py`` runs each service and compares, so that an analytics
consumer cannot tell imported history from live activity (decision 0009).
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import Any, NamedTuple

from rucher.core.models import Event
from rucher.exchange.bulk import Table

USER = "accounts.user"
ORG_UNIT = "accounts.orgunit"
COMMUNITY = "communities.community"
POST = "content.post"
COMMENT = "content.comment"
REACTION = "content.reaction"
MENTION = "content.mention"


class EventRow(NamedTuple):
    """One ``core.models.Event`` to write: its columns, in the order of ``COLUMNS``."""

    occurred_at: datetime.datetime
    actor_id: int | None
    verb: str
    target_type: str
    target_id: int | None
    community_id: int | None
    payload: dict[str, Any]


COLUMNS = EventRow._fields


def event(
    verb: str,
    *,
    at: datetime.datetime,
    actor_id: int | None,
    target_type: str,
    target_id: int | None,
    community_id: int | None = None,
    **payload: Any,
) -> EventRow:
    return EventRow(at, actor_id, verb, target_type, target_id, community_id, payload)


def write(rows: Sequence[EventRow], table: Table | None = None) -> list[int]:
    """Insert the events (``recorded_at`` is now) and return their ids, in order."""
    return (table or Table(Event, COLUMNS)).insert(rows)


# ---------------------------------------------------------------- people and organisation


def user_created(*, user_id: int, role: str, at: datetime.datetime) -> EventRow:
    return event(
        "user.created", at=at, actor_id=None, target_type=USER, target_id=user_id, role=role
    )


def profile_updated(
    *,
    user_id: int,
    fields: list[str],
    at: datetime.datetime,
    org_unit_id: int | None = None,
    manager_id: int | None = None,
) -> EventRow:
    payload: dict[str, Any] = {"fields": fields}
    if "org_unit" in fields:
        payload["org_unit_id"] = org_unit_id
    if "manager" in fields:
        payload["manager_id"] = manager_id
    return event(
        "profile.updated", at=at, actor_id=user_id, target_type=USER, target_id=user_id, **payload
    )


def user_deactivated(*, user_id: int, at: datetime.datetime) -> EventRow:
    return event("user.deactivated", at=at, actor_id=None, target_type=USER, target_id=user_id)


def user_present(*, user_id: int, day: datetime.date, at: datetime.datetime) -> EventRow:
    return event(
        "user.present",
        at=at,
        actor_id=user_id,
        target_type=USER,
        target_id=user_id,
        day=day.isoformat(),
    )


def org_unit_created(*, unit_id: int, parent_id: int | None, at: datetime.datetime) -> EventRow:
    return event(
        "org_unit.created",
        at=at,
        actor_id=None,
        target_type=ORG_UNIT,
        target_id=unit_id,
        parent_id=parent_id,
    )


# ---------------------------------------------------------------- communities


def community_created(
    *, community_id: int, actor_id: int | None, visibility: str, kind: str, at: datetime.datetime
) -> EventRow:
    return event(
        "community.created",
        at=at,
        actor_id=actor_id,
        target_type=COMMUNITY,
        target_id=community_id,
        community_id=community_id,
        visibility=visibility,
        kind=kind,
    )


def community_archived(*, community_id: int, at: datetime.datetime) -> EventRow:
    return event(
        "community.archived",
        at=at,
        actor_id=None,
        target_type=COMMUNITY,
        target_id=community_id,
        community_id=community_id,
    )


def membership_joined(
    *, community_id: int, user_id: int, role: str, at: datetime.datetime
) -> EventRow:
    return event(
        "membership.joined",
        at=at,
        actor_id=user_id,
        target_type=USER,
        target_id=user_id,
        community_id=community_id,
        role=role,
        how="imported",
    )


# ---------------------------------------------------------------- conversations


def post_created(
    *, post_id: int, author_id: int, community_id: int | None, type: str, at: datetime.datetime
) -> EventRow:
    return event(
        "post.created",
        at=at,
        actor_id=author_id,
        target_type=POST,
        target_id=post_id,
        community_id=community_id,
        type=type,
    )


def post_deleted(
    *, post_id: int, author_id: int, community_id: int | None, at: datetime.datetime
) -> EventRow:
    return event(
        "post.deleted",
        at=at,
        actor_id=author_id,
        target_type=POST,
        target_id=post_id,
        community_id=community_id,
        author_id=author_id,
        reason="",
    )


def mention_created(
    *,
    mention_id: int,
    actor_id: int,
    community_id: int | None,
    user_id: int,
    post_id: int,
    comment_id: int | None,
    at: datetime.datetime,
) -> EventRow:
    # Imported mentions told nobody anything in Rucher: ``notified`` is False.
    return event(
        "mention.created",
        at=at,
        actor_id=actor_id,
        target_type=MENTION,
        target_id=mention_id,
        community_id=community_id,
        user_id=user_id,
        post_id=post_id,
        comment_id=comment_id,
        notified=False,
    )


def idea_status_changed(
    *,
    post_id: int,
    actor_id: int | None,
    author_id: int,
    community_id: int | None,
    status: str,
    at: datetime.datetime,
) -> EventRow:
    return event(
        "idea.status_changed",
        at=at,
        actor_id=actor_id,
        target_type=POST,
        target_id=post_id,
        community_id=community_id,
        post_id=post_id,
        status=status,
        previous="new",
        author_id=author_id,
    )


def event_cancelled(
    *, post_id: int, author_id: int, community_id: int | None, at: datetime.datetime
) -> EventRow:
    return event(
        "event.cancelled",
        at=at,
        actor_id=author_id,
        target_type=POST,
        target_id=post_id,
        community_id=community_id,
        post_id=post_id,
        reason="",
    )


def comment_created(
    *,
    comment_id: int,
    author_id: int,
    community_id: int | None,
    post_id: int,
    post_author_id: int,
    parent_id: int | None,
    parent_author_id: int | None,
    at: datetime.datetime,
) -> EventRow:
    return event(
        "comment.created",
        at=at,
        actor_id=author_id,
        target_type=COMMENT,
        target_id=comment_id,
        community_id=community_id,
        post_id=post_id,
        post_author_id=post_author_id,
        parent_id=parent_id,
        parent_author_id=parent_author_id,
    )


def comment_deleted(
    *,
    comment_id: int,
    author_id: int,
    community_id: int | None,
    post_id: int,
    at: datetime.datetime,
) -> EventRow:
    return event(
        "comment.deleted",
        at=at,
        actor_id=author_id,
        target_type=COMMENT,
        target_id=comment_id,
        community_id=community_id,
        post_id=post_id,
        author_id=author_id,
    )


def answer_accepted(
    *,
    comment_id: int,
    actor_id: int,
    community_id: int | None,
    post_id: int,
    answer_author_id: int,
    at: datetime.datetime,
) -> EventRow:
    return event(
        "question.answer_accepted",
        at=at,
        actor_id=actor_id,
        target_type=COMMENT,
        target_id=comment_id,
        community_id=community_id,
        post_id=post_id,
        answer_author_id=answer_author_id,
    )


def reaction_added(
    *,
    reaction_id: int,
    user_id: int,
    community_id: int | None,
    kind: str,
    post_id: int,
    comment_id: int | None,
    item_author_id: int,
    at: datetime.datetime,
) -> EventRow:
    return event(
        "reaction.added",
        at=at,
        actor_id=user_id,
        target_type=REACTION,
        target_id=reaction_id,
        community_id=community_id,
        kind=kind,
        post_id=post_id,
        comment_id=comment_id,
        item_author_id=item_author_id,
        item=f"comment:{comment_id}" if comment_id is not None else f"post:{post_id}",
    )


def poll_voted(
    *,
    post_id: int,
    user_id: int,
    community_id: int | None,
    option_ids: list[int],
    at: datetime.datetime,
) -> EventRow:
    return event(
        "poll.voted",
        at=at,
        actor_id=user_id,
        target_type=POST,
        target_id=post_id,
        community_id=community_id,
        post_id=post_id,
        option_ids=option_ids,
    )


def idea_voted(
    *, post_id: int, user_id: int, community_id: int | None, at: datetime.datetime
) -> EventRow:
    return event(
        "idea.voted",
        at=at,
        actor_id=user_id,
        target_type=POST,
        target_id=post_id,
        community_id=community_id,
        post_id=post_id,
    )


def event_rsvp(
    *, post_id: int, user_id: int, community_id: int | None, answer: str, at: datetime.datetime
) -> EventRow:
    return event(
        "event.rsvp",
        at=at,
        actor_id=user_id,
        target_type=POST,
        target_id=post_id,
        community_id=community_id,
        post_id=post_id,
        answer=answer,
        previous=None,
    )


def read_confirmed(
    *, post_id: int, user_id: int, community_id: int | None, at: datetime.datetime
) -> EventRow:
    return event(
        "announcement.read_confirmed",
        at=at,
        actor_id=user_id,
        target_type=POST,
        target_id=post_id,
        community_id=community_id,
        post_id=post_id,
    )

"""The notifications consumer of the event log: who is told about what.

Each event verb maps to the people concerned. A recipient is notified only if, at that
moment, the access policy lets them see the community the event is about; the list checks
again when it is shown.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable

from django.db import transaction

from rucher.accounts.models import Role, User
from rucher.core import events
from rucher.core.models import Event
from rucher.notifications.models import Notification

CONSUMER = "notifications"


def _managers(event: Event) -> Iterable[int]:
    from rucher.communities.models import MANAGING_ROLES, Membership

    return (
        Membership.objects.current()
        .filter(community_id=event.community_id or 0, role__in=MANAGING_ROLES)
        .values_list("user_id", flat=True)
    )


def _target(event: Event) -> Iterable[int]:
    return [event.target_id] if event.target_id and event.target_type == "accounts.user" else []


def _payload(key: str) -> Callable[[Event], Iterable[int]]:
    def recipients(event: Event) -> Iterable[int]:
        value = event.payload.get(key)
        return [value] if isinstance(value, int) else []

    return recipients


def _project_team(event: Event) -> Iterable[int]:
    return User.objects.filter(role=Role.PROJECT_TEAM, is_active=True).values_list("pk", flat=True)


def _creation_requester(event: Event) -> Iterable[int]:
    from rucher.communities.models import CreationRequest

    return CreationRequest.objects.filter(pk=event.target_id or 0).values_list(
        "requester_id", flat=True
    )


def _creation_people(event: Event) -> Iterable[int]:
    from rucher.communities.models import CreationRequest

    row = (
        CreationRequest.objects.filter(pk=event.target_id or 0)
        .values("requester_id", "animator_id")
        .first()
    )
    return [row["requester_id"], row["animator_id"]] if row else []


def _inviter(event: Event) -> Iterable[int]:
    from rucher.communities.models import Invitation

    return Invitation.objects.filter(pk=event.target_id or 0).values_list(
        "invited_by_id", flat=True
    )


def _payload_all(*keys: str) -> Callable[[Event], Iterable[int]]:
    def recipients(event: Event) -> Iterable[int]:
        values = (event.payload.get(key) for key in keys)
        return [value for value in values if isinstance(value, int)]

    return recipients


def _mentioned(event: Event) -> Iterable[int]:
    # The service already decided that someone who could not read the place is not told.
    return _payload("user_id")(event) if event.payload.get("notified") else []


def _post_id(event: Event) -> int:
    value = event.payload.get("post_id")
    return value if isinstance(value, int) else 0


def _idea_voters(event: Event) -> Iterable[int]:
    from rucher.content.models import IdeaVote

    return IdeaVote.objects.filter(idea__post_id=_post_id(event)).values_list("user_id", flat=True)


def _idea_people(event: Event) -> Iterable[int]:
    """An idea's voters and its author."""
    return [*_idea_voters(event), *_payload("author_id")(event)]


def _event_attendees(event: Event) -> Iterable[int]:
    """People who answered "going" or "maybe" to an event."""
    from rucher.content.models import EventRsvp, RsvpAnswer

    return EventRsvp.objects.filter(
        event__post_id=_post_id(event), answer__in=[RsvpAnswer.GOING, RsvpAnswer.MAYBE]
    ).values_list("user_id", flat=True)


def _appointed(event: Event) -> Iterable[int]:
    return _target(event) if event.payload.get("how") == "appointed" else []


RECIPIENTS: dict[str, Callable[[Event], Iterable[int]]] = {
    "join_request.created": _managers,
    "join_request.accepted": _payload("requester_id"),
    "join_request.declined": _payload("requester_id"),
    "invitation.created": _payload("invitee_id"),
    "invitation.accepted": _inviter,
    "invitation.refused": _inviter,
    "membership.removed": _target,
    "membership.role_changed": _target,
    "membership.guest_extended": _target,
    "membership.joined": _appointed,
    "community.ownership_transferred": _target,
    "creation_request.submitted": _project_team,
    "creation_request.answer": _project_team,
    "creation_request.question": _creation_requester,
    "creation_request.approved": _creation_people,
    "creation_request.rejected": _creation_requester,
    # Conversations. Reactions are one notification each; the list shows those about the
    # same item as one line ("Ana and 4 others reacted", notifications.selectors).
    "mention.created": _mentioned,
    "comment.created": _payload_all("post_author_id", "parent_author_id"),
    "reaction.added": _payload("item_author_id"),
    "question.answer_accepted": _payload("answer_author_id"),
    "idea.status_changed": _idea_people,
    "event.changed": _event_attendees,
    "event.cancelled": _event_attendees,
    # Pilot surveys (rucher.pilots.survey_tasks): the invitee only; the event has no actor.
    "survey.invited": _payload("user_id"),
    "survey.reminded": _payload("user_id"),
}

# About what is said inside a place: the recipient must be able to read it, not merely see
# it (a private community's card is visible to every employee, its posts are not). Events
# without a community are about profile posts, which partner guests cannot read.
CONTENT_VERBS = {
    "mention.created",
    "comment.created",
    "reaction.added",
    "question.answer_accepted",
    "idea.status_changed",
    "event.changed",
    "event.cancelled",
}


# Moderation (rucher.content.moderation): a report goes to the community's owners and
# animators, or to administrators for a profile post; the author of a hidden or restored
# post or comment is told why. All are content verbs: nobody is told anything about a place
# they may not read (an author who left the community learns nothing more of it).
def _moderators(event: Event) -> Iterable[int]:
    if event.community_id is None:
        return User.objects.filter(role=Role.ADMIN, is_active=True).values_list("pk", flat=True)
    return _managers(event)


MODERATION_RECIPIENTS: dict[str, Callable[[Event], Iterable[int]]] = {
    "report.created": _moderators,
    "post.hidden": _payload("author_id"),
    "post.restored": _payload("author_id"),
    "comment.hidden": _payload("author_id"),
    "comment.restored": _payload("author_id"),
}
RECIPIENTS.update(MODERATION_RECIPIENTS)
CONTENT_VERBS |= set(MODERATION_RECIPIENTS)

# Being told you were removed is the one case where the recipient no longer sees the place.
NOTIFY_EVEN_WITHOUT_ACCESS = {"membership.removed", "join_request.declined", "invitation.refused"}


def _allowed(recipient: User, event: Event) -> bool:
    if not recipient.is_active:
        return False
    if event.verb in CONTENT_VERBS:
        return _can_read(recipient, event.community_id)
    if event.community_id is None or event.verb in NOTIFY_EVEN_WITHOUT_ACCESS:
        return True
    from rucher.communities.models import Community

    return Community.objects.visible_to(recipient).filter(pk=event.community_id).exists()


def _can_read(recipient: User, community_id: int | None) -> bool:
    from rucher.communities.models import Community
    from rucher.communities.policy import communities_readable_by

    if community_id is None:
        return not recipient.is_guest
    readable = communities_readable_by(recipient, Community.objects.filter(pk=community_id))
    return readable.exists()


# History written after the fact (an import, the demo) is not news: nobody is told today
# about a reaction of last spring. Live events are recorded the instant they occur.
HISTORY_AGE = datetime.timedelta(days=14)


def notifications_for(event: Event) -> list[Notification]:
    find = RECIPIENTS.get(event.verb)
    if find is None:
        return []
    if event.recorded_at and event.recorded_at - event.occurred_at > HISTORY_AGE:
        return []
    ids = {pk for pk in find(event) if pk and pk != event.actor_id}
    recipients = User.objects.filter(pk__in=ids)
    return [
        Notification(
            recipient=recipient,
            event_id=event.pk,
            verb=event.verb,
            actor_id=event.actor_id,
            community_id=event.community_id,
            target_type=event.target_type,
            target_id=event.target_id,
            payload=event.payload,
            created_at=event.occurred_at,
        )
        for recipient in recipients
        if _allowed(recipient, event)
    ]


def consume() -> int:
    """Turn new events into notifications. Returns how many were made. Safe to replay."""
    made = 0
    for batch in events.pending(consumer=CONSUMER):
        with transaction.atomic():
            rows = [row for event in batch for row in notifications_for(event)]
            Notification.objects.bulk_create(rows, ignore_conflicts=True)
            events.advance(consumer=CONSUMER, last_event_id=batch[-1].id)
        made += len(rows)
    return made

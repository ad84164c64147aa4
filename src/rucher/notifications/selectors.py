"""Reading one's notifications, checked against the access policy again when shown."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _

from rucher.accounts.models import User
from rucher.notifications.consumer import CONTENT_VERBS, NOTIFY_EVEN_WITHOUT_ACCESS
from rucher.notifications.models import Notification

if TYPE_CHECKING:
    from rucher.communities.models import Community


def visible_notifications(user: User) -> QuerySet[Notification]:
    from rucher.communities.models import Community
    from rucher.communities.policy import communities_readable_by

    visible = Community.objects.visible_to(user).values("pk")
    readable = communities_readable_by(user, Community.objects.all()).values("pk")
    notifications = Notification.objects.filter(recipient=user).filter(
        Q(community_id__isnull=True)
        | Q(community_id__in=visible)
        | Q(verb__in=NOTIFY_EVEN_WITHOUT_ACCESS)
    )
    # What is said inside a place is shown only to whoever may still read it.
    hidden = Q(verb__in=CONTENT_VERBS, community_id__isnull=False) & ~Q(community_id__in=readable)
    if user.is_guest:
        hidden |= Q(verb__in=CONTENT_VERBS, community_id__isnull=True)
    return notifications.exclude(hidden)


def unread_count(user: User) -> int:
    return visible_notifications(user).filter(read_at__isnull=True).count()


@dataclass(frozen=True)
class ShownNotification:
    notification: Notification
    text: str
    url: str


def _texts() -> dict[str, str]:
    return {
        "join_request.created": _("%(actor)s asked to join %(community)s."),
        "join_request.accepted": _("Your request to join %(community)s was accepted."),
        "join_request.declined": _("Your request to join %(community)s was declined."),
        "invitation.created": _("%(actor)s invited you to join %(community)s."),
        "invitation.accepted": _("%(actor)s accepted your invitation to %(community)s."),
        "invitation.refused": _("%(actor)s declined your invitation to %(community)s."),
        "membership.removed": _("You were removed from %(community)s."),
        "membership.role_changed": _("Your role in %(community)s is now: %(role)s."),
        "membership.guest_extended": _("Your guest access to %(community)s was extended."),
        "membership.joined": _("You were made an animator of %(community)s."),
        "community.ownership_transferred": _("%(actor)s made you an owner of %(community)s."),
        "creation_request.submitted": _("%(actor)s asked to open a community."),
        "creation_request.answer": _("%(actor)s answered about a community creation request."),
        "creation_request.question": _("The project team has a question about your request."),
        "creation_request.approved": _("The community %(community)s has been opened."),
        "creation_request.rejected": _("Your community creation request was not approved."),
        "mention.created": _("%(actor)s mentioned you in %(community)s."),
        "comment.created": _("%(actor)s commented in %(community)s."),
        "reaction.added": _("%(actor)s reacted to what you wrote in %(community)s."),
        "question.answer_accepted": _("%(actor)s accepted your answer in %(community)s."),
    }


def shown(user: User, notifications: list[Notification]) -> list[ShownNotification]:
    """Sentences and links for a page of notifications, in a fixed number of queries."""
    from rucher.communities.models import Community, CommunityRole

    community_ids = {n.community_id for n in notifications if n.community_id}
    communities = Community.objects.in_bulk(community_ids)
    actors = User.objects.in_bulk({n.actor_id for n in notifications if n.actor_id})
    texts = _texts()
    roles = dict(CommunityRole.choices)
    result = []
    for notification in notifications:
        community = communities.get(notification.community_id or 0)
        actor = actors.get(notification.actor_id or 0)
        text = texts.get(notification.verb, notification.verb) % {
            "actor": actor.display_name if actor else _("Someone"),
            "community": community.name if community else _place_fallback(notification),
            "role": roles.get(notification.payload.get("role", ""), ""),
        }
        result.append(ShownNotification(notification, text, _link(notification, community)))
    return result


def _place_fallback(notification: Notification) -> str:
    if notification.verb in CONTENT_VERBS and notification.community_id is None:
        return _("a profile post")
    return _("a community")


def _link(notification: Notification, community: Community | None) -> str:
    if notification.verb.startswith("creation_request."):
        return reverse("communities:creation_request", args=[notification.target_id])
    if notification.verb == "join_request.created" and community is not None:
        return reverse("communities:members", args=[community.slug])
    if notification.verb == "invitation.created":
        return reverse("communities:my_invitations")
    if community is not None and notification.verb not in NOTIFY_EVEN_WITHOUT_ACCESS:
        return reverse("communities:detail", args=[community.slug])
    return reverse("notifications:list")

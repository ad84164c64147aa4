"""Reading one's notifications, checked against the access policy again when shown.

Reactions are grouped when shown: the rows stay one per reaction, but the list (``listing``)
keeps only the newest ``reaction.added`` row per item (payload ``item``, "post:ID" or
"comment:ID"), and ``shown`` turns it into "Ana and 4 others reacted ...", unread while any
row of the group is. The bell counts a group once; marking its line read marks the group.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.urls import NoReverseMatch, reverse
from django.utils.translation import get_language, ngettext
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


REACTION = "reaction.added"


def _newer_in_group(*, unread: bool) -> Exists:
    newer = Notification.objects.filter(
        recipient_id=OuterRef("recipient_id"),
        verb=REACTION,
        payload__item=OuterRef("payload__item"),
        pk__gt=OuterRef("pk"),
    )
    if unread:
        newer = newer.filter(read_at__isnull=True)
    return Exists(newer)


def listing(user: User) -> QuerySet[Notification]:
    """The notifications list: visible ones, a group of reactions as its newest row."""
    return (
        visible_notifications(user)
        .alias(superseded=_newer_in_group(unread=False))
        .exclude(verb=REACTION, superseded=True)
    )


def unread_count(user: User) -> int:
    """Unread lines of the list (a group of reactions counts once)."""
    return (
        visible_notifications(user)
        .filter(read_at__isnull=True)
        .alias(superseded=_newer_in_group(unread=True))
        .exclude(verb=REACTION, superseded=True)
        .count()
    )


@dataclass(frozen=True)
class ShownNotification:
    notification: Notification
    text: str
    url: str
    unread: bool = False
    grouped: int = 1  # how many people the line stands for (reactions)


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
        "idea.status_changed": _(
            "%(actor)s moved an idea in %(community)s to the status: %(status)s."
        ),
        "event.changed": _("%(actor)s changed the date or place of an event in %(community)s."),
        "event.cancelled": _("%(actor)s cancelled an event in %(community)s."),
        # Moderation: the moderator stays "a moderator"; the author learns why.
        "report.created": _("%(actor)s reported something in %(community)s."),
        "post.hidden": _("A moderator hid your post (%(community)s): %(reason)s"),
        "post.restored": _("A moderator restored your post (%(community)s)."),
        "comment.hidden": _("A moderator hid your comment (%(community)s): %(reason)s"),
        "comment.restored": _("A moderator restored your comment (%(community)s)."),
        "survey.invited": _("You are invited to answer a short anonymous survey: %(survey)s."),
        "survey.reminded": _("Reminder: the anonymous survey %(survey)s is waiting for you."),
    }


def shown(user: User, notifications: list[Notification]) -> list[ShownNotification]:
    """Sentences and links for a page of notifications, in a fixed number of queries."""
    from rucher.communities.models import Community, CommunityRole

    community_ids = {n.community_id for n in notifications if n.community_id}
    communities = Community.objects.in_bulk(community_ids)
    actors = User.objects.in_bulk({n.actor_id for n in notifications if n.actor_id})
    texts = _texts()
    roles = dict(CommunityRole.choices)
    statuses = _idea_statuses()
    groups = _reaction_groups(user, notifications)
    result = []
    for notification in notifications:
        community = communities.get(notification.community_id or 0)
        actor = actors.get(notification.actor_id or 0)
        values = {
            "actor": actor.display_name if actor else _("Someone"),
            "community": community.name if community else _place_fallback(notification),
            "role": roles.get(notification.payload.get("role", ""), ""),
            "reason": str(notification.payload.get("reason", "")),
            "status": statuses.get(str(notification.payload.get("status", "")), ""),
            "survey": _survey_title(notification),
        }
        text = texts.get(notification.verb, notification.verb) % values
        unread = notification.read_at is None
        people = 1
        group = groups.get(_item(notification) or "")
        if notification.verb == REACTION and group is not None:
            people, unread = max(group[0], 1), group[1] > 0
            if people > 1:
                text = ngettext(
                    "%(actor)s and %(count)d other person reacted to what you wrote in "
                    "%(community)s.",
                    "%(actor)s and %(count)d others reacted to what you wrote in %(community)s.",
                    people - 1,
                ) % {**values, "count": people - 1}
        result.append(
            ShownNotification(
                notification, text, _link(notification, community), unread=unread, grouped=people
            )
        )
    return result


def _survey_title(notification: Notification) -> str:
    """A pilot survey's title in the reader's language (the payload carries both)."""
    if not notification.verb.startswith("survey."):
        return ""
    first, second = (
        ("title_fr", "title_en")
        if (get_language() or "en").startswith("fr")
        else (
            "title_en",
            "title_fr",
        )
    )
    payload = notification.payload
    return str(payload.get(first) or payload.get(second) or "")


def _idea_statuses() -> dict[str, str]:
    from rucher.content.models import IdeaStatus

    return {str(value): str(label) for value, label in IdeaStatus.choices}


def _item(notification: Notification) -> str | None:
    item = notification.payload.get("item") if notification.verb == REACTION else None
    return item if isinstance(item, str) else None


def _reaction_groups(user: User, notifications: list[Notification]) -> dict[str, tuple[int, int]]:
    """For the reaction items of a page: (people who reacted, unread rows), one query."""
    items = {item for n in notifications if (item := _item(n)) is not None}
    if not items:
        return {}
    rows = (
        Notification.objects.filter(recipient=user, verb=REACTION, payload__item__in=items)
        .values("payload__item")
        .annotate(
            people=Count("actor_id", distinct=True),
            unread=Count("pk", filter=Q(read_at__isnull=True)),
        )
        .order_by()
    )
    return {row["payload__item"]: (row["people"], row["unread"]) for row in rows}


def _place_fallback(notification: Notification) -> str:
    if notification.verb in CONTENT_VERBS and notification.community_id is None:
        return _("a profile post")
    return _("a community")


def _link(notification: Notification, community: Community | None) -> str:
    from rucher.content.moderation import notification_link

    if (moderation := notification_link(notification, community)) is not None:
        return moderation
    if notification.verb in ("survey.invited", "survey.reminded"):
        wave_id = notification.payload.get("wave_id")
        if isinstance(wave_id, int):
            return reverse("pilots:survey_answer", args=[wave_id])
    if notification.verb.startswith("creation_request."):
        return reverse("communities:creation_request", args=[notification.target_id])
    if notification.verb == "join_request.created" and community is not None:
        return reverse("communities:members", args=[community.slug])
    if notification.verb == "invitation.created":
        return reverse("communities:my_invitations")
    if notification.verb in CONTENT_VERBS and (url := _post_link(notification)):
        return url
    if community is not None and notification.verb not in NOTIFY_EVEN_WITHOUT_ACCESS:
        return reverse("communities:detail", args=[community.slug])
    return reverse("notifications:list")


def _post_link(notification: Notification) -> str | None:
    """The post's page, at the comment when there is one; None until post pages exist."""
    post_id = notification.payload.get("post_id")
    if not isinstance(post_id, int):
        return None
    try:
        url = reverse("content:post", args=[post_id])
    except NoReverseMatch:
        return None
    comment_id = notification.payload.get("comment_id")
    if notification.verb == "comment.created" or (notification.verb == "question.answer_accepted"):
        comment_id = notification.target_id
    return f"{url}#comment-{comment_id}" if isinstance(comment_id, int) else url

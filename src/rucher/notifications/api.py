"""One's notifications in the JSON API: the list (reactions grouped as on the page), the
unread count of the bell, and marking read. Every line passes the access policy again when
it is listed (``selectors.listing``), exactly as on the page."""

from __future__ import annotations

import datetime

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from rucher.accounts.schemas import PersonRef
from rucher.api_schemas import InputSchema, ObjectId
from rucher.api_schemas import errors as _errors
from rucher.core.http import request_user
from rucher.core.pagination import Page, PageParams, paginate
from rucher.notifications import selectors
from rucher.notifications.services import notifications_mark_read

router = Router(tags=["notifications"])


class NotificationOut(Schema):
    id: int
    verb: str = Field(description="What happened, such as `mention.created`.")
    text: str = Field(description="The sentence shown on the page, in the caller's language.")
    url: str = Field(description="The page it is about, relative to the site.")
    unread: bool
    grouped: int = Field(description="How many people the line stands for (reactions).")
    actor: PersonRef | None
    community_id: int | None
    created_at: datetime.datetime


class NotificationPage(Page[NotificationOut]):
    pass


class UnreadCountOut(Schema):
    unread: int = Field(description="The number on the bell.")


class MarkReadIn(InputSchema):
    ids: list[ObjectId] | None = Field(
        None, max_length=500, description="The notifications to mark read; null for all."
    )


class MarkedOut(Schema):
    marked: int = Field(description="How many notifications changed to read.")


@router.get(
    "/notifications",
    response={200: NotificationPage, **_errors(400)},
    summary="Your notifications",
)
def notifications_list(request: HttpRequest, page: Query[PageParams]) -> dict[str, object]:
    """Newest first. Reactions to the same item are one line ("Ana and 4 others ...")."""
    user = request_user(request)
    result = paginate(
        selectors.listing(user).select_related("actor"), params=page, ordering=("-created_at",)
    )
    lines = selectors.shown(user, result.items)
    return {
        "items": [
            {
                "id": line.notification.pk,
                "verb": line.notification.verb,
                "text": line.text,
                "url": line.url,
                "unread": line.unread,
                "grouped": line.grouped,
                "actor": line.notification.actor,
                "community_id": line.notification.community_id,
                "created_at": line.notification.created_at,
            }
            for line in lines
        ],
        "next": result.next,
    }


@router.get(
    "/notifications/unread-count",
    response={200: UnreadCountOut, **_errors()},
    summary="Your unread count",
)
def notifications_unread_count(request: HttpRequest) -> dict[str, int]:
    return {"unread": selectors.unread_count(request_user(request))}


@router.post(
    "/notifications/read",
    response={200: MarkedOut, **_errors(422)},
    summary="Mark notifications read",
)
def notifications_read(request: HttpRequest, payload: MarkReadIn) -> dict[str, int]:
    """Mark some notifications (a grouped line marks its whole group) or all of them read."""
    user = request_user(request)
    return {"marked": notifications_mark_read(actor=user, ids=payload.ids)}

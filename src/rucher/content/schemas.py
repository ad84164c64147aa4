"""Shapes of the conversation resources of the JSON API: posts of every type, comments,
reactions, attachments, reports and mention suggestions.

Schemas only describe; what a caller may see is decided in ``api.py`` through the access
policy and the selectors, and a hidden field is sent as null rather than left out (a poll's
counts before the caller voted, the reason a post was hidden to anyone but its author).
Choices are inlined as enums (``json_schema_extra``), as in the other apps' schemas, and
checked by the services, which answer a 400 naming the field.
"""

from __future__ import annotations

import datetime
from typing import Literal

from ninja import Field, Schema
from pydantic import JsonValue
from pydantic.config import JsonDict

from rucher.accounts.schemas import PersonRef
from rucher.api_schemas import InputSchema, ObjectId
from rucher.communities.schemas import CommunityRef
from rucher.content.models import IdeaStatus, PostType, ReactionKind, ReportStatus, RsvpAnswer
from rucher.core.pagination import Page

POST_TYPES = list(PostType.values)
REACTION_KINDS = list(ReactionKind.values)
IDEA_STATUSES = list(IdeaStatus.values)
RSVP_ANSWERS = list(RsvpAnswer.values)
REPORT_STATUSES = list(ReportStatus.values)
# Upper bounds on lists sent in one request: generous for a person, small enough that one
# request cannot ask for thousands of rows. The services apply the real limits.
MAX_OPTIONS = 50
MAX_ATTACHMENTS = 20


def _enum(values: list[str], *, nullable: bool = False) -> JsonDict:
    choices: list[JsonValue] = [*values, None] if nullable else [*values]
    return {"enum": choices}


# ---------------------------------------------------------------- small pieces


class AuthorOut(Schema):
    """Who wrote something, as a post or comment shows them."""

    id: int
    display_name: str
    photo_url: str | None = Field(description="Square thumbnail; null without a photo.")
    is_active: bool = Field(description="False for a deactivated person.")


class ReactionCountsOut(Schema):
    """How many people reacted with each kind."""

    like: int = 0
    thanks: int = 0
    insightful: int = 0
    support: int = 0
    curious: int = 0


class ReactionStateOut(Schema):
    """An item's reactions after a change."""

    reactions: ReactionCountsOut
    reaction_total: int
    my_reaction: str | None = Field(json_schema_extra=_enum(REACTION_KINDS, nullable=True))


class HiddenOut(Schema):
    """Why a moderator hid an item; only its author (and, for a comment, the moderators)
    still see a hidden item."""

    hidden_at: datetime.datetime
    reason: str


class AttachmentOut(Schema):
    id: int
    name: str = Field(description="The file's name, as uploaded (sanitised).")
    content_type: str
    size: int = Field(description="In bytes.")
    is_image: bool
    width: int | None
    height: int | None
    url: str = Field(description="Downloads the file (`GET /attachments/{id}`).")
    thumbnail_url: str | None = Field(description="A small preview of an image; null otherwise.")
    created_at: datetime.datetime


# ---------------------------------------------------------------- post types


class PollOptionOut(Schema):
    id: int
    label: str
    votes: int | None = Field(
        description="Null until the results are visible (after voting or once closed)."
    )
    mine: bool = Field(description="Whether the caller chose it.")


class PollOut(Schema):
    multiple: bool = Field(description="Whether several options may be chosen.")
    closes_at: datetime.datetime | None
    closed: bool
    results_visible: bool = Field(description="The caller voted, or the poll is closed.")
    voter_count: int | None = Field(description="Null until the results are visible.")
    options: list[PollOptionOut] = Field(description="In the order the author gave.")


class IdeaOut(Schema):
    status: str = Field(json_schema_extra=_enum(IDEA_STATUSES))
    response: str = Field(description="The official response, in Markdown.")
    response_html: str
    status_changed_at: datetime.datetime | None
    vote_count: int
    voted: bool = Field(description="Whether the caller voted for it.")


class EventOut(Schema):
    starts_at: datetime.datetime
    ends_at: datetime.datetime | None
    time_zone: str = Field(description="The IANA time zone the event was planned in.")
    place: str
    online_url: str
    cancelled_at: datetime.datetime | None
    is_over: bool
    going_count: int
    maybe_count: int
    not_going_count: int
    my_rsvp: str | None = Field(json_schema_extra=_enum(RSVP_ANSWERS, nullable=True))
    ics_url: str = Field(description="The event as an iCalendar file.")


class AnnouncementOut(Schema):
    asks_read_confirmation: bool
    read_confirmed: bool = Field(description="Whether the caller confirmed reading it.")
    read_count: int = Field(description="How many people confirmed reading it.")


# ---------------------------------------------------------------- posts


class PostPermissionsOut(Schema):
    """What the caller may do with this post, for clients to show the right buttons. The
    server decides again on every request."""

    can_edit: bool
    can_delete: bool
    can_comment: bool
    can_react: bool
    can_report: bool
    can_moderate: bool = Field(description="Hide, restore, lock comments.")
    can_accept_answer: bool
    can_pin: bool
    can_vote: bool = Field(description="Vote on a poll or an idea.")
    can_close_poll: bool
    can_set_idea_status: bool
    can_rsvp: bool
    can_cancel_event: bool
    can_confirm_read: bool


class PostOut(Schema):
    id: int
    type: str = Field(json_schema_extra=_enum(POST_TYPES))
    title: str
    body: str = Field(description="The source, in Markdown; mentions as `@[Name](person:ID)`.")
    body_html: str = Field(description="The safe rendering of the body.")
    community: CommunityRef | None = Field(description="Null for a post on a profile.")
    author: AuthorOut
    hashtags: list[str] = Field(description="Slugs of the hashtags of the body.")
    created_at: datetime.datetime
    edited_at: datetime.datetime | None
    last_activity_at: datetime.datetime
    pinned_at: datetime.datetime | None = Field(description="Pinned on top of the feed.")
    comments_locked: bool
    hidden: HiddenOut | None = Field(description="Set only for its author, when hidden.")
    comment_count: int
    reactions: ReactionCountsOut
    reaction_total: int
    my_reaction: str | None = Field(json_schema_extra=_enum(REACTION_KINDS, nullable=True))
    accepted_answer_id: int | None = Field(description="For a question: the accepted comment.")
    poll: PollOut | None = Field(description="For a poll.")
    idea: IdeaOut | None = Field(description="For an idea.")
    event: EventOut | None = Field(description="For an event.")
    announcement: AnnouncementOut | None = Field(description="For an announcement.")
    attachments: list[AttachmentOut]
    permissions: PostPermissionsOut


class PostPage(Page[PostOut]):
    pass


class FeedPage(Page[PostOut]):
    pinned: list[PostOut] = Field(
        description="Pinned posts, most recently pinned first: on the first page (no "
        "`cursor`) of the community and home feeds only, and never repeated in `items`."
    )


class PollIn(InputSchema):
    options: list[str] = Field(max_length=MAX_OPTIONS, description="From 2 to 20 choices.")
    multiple: bool = False
    closes_at: datetime.datetime | None = Field(
        None, description="When voting ends; without a time zone, the server's. Null: never."
    )


class EventIn(InputSchema):
    starts_at: datetime.datetime = Field(
        description="Without a time zone, read in `time_zone`, else converted."
    )
    ends_at: datetime.datetime | None = None
    time_zone: str = Field("Europe/Paris", description="An IANA time zone name.")
    place: str = ""
    online_url: str = Field("", description="An http(s) link.")


class PostIn(InputSchema):
    """A new post. Give `poll` for a poll, `event` for an event, and only then."""

    community_id: ObjectId | None = Field(
        None, description="The community to post in; null or left out: your profile."
    )
    type: str = Field("discussion", json_schema_extra=_enum(POST_TYPES))
    title: str = Field("", description="Required for questions and events; at most 200.")
    body: str = Field(description="Markdown; at most 20000 characters.")
    poll: PollIn | None = None
    event: EventIn | None = None
    asks_read_confirmation: bool = Field(
        False, description="For an announcement: ask readers to confirm they read it."
    )
    pinned: bool | None = Field(
        None, description="Pin it on top of the community feed (managers); announcements are."
    )
    attachment_ids: list[ObjectId] = Field(
        [], max_length=MAX_ATTACHMENTS, description="Your uploads (`POST /attachments`)."
    )


class PostPatch(InputSchema):
    """Only the fields sent are changed. The previous text is kept in the history."""

    title: str | None = None
    body: str | None = None
    event: EventIn | None = Field(None, description="New time or place of an event.")


class DeleteIn(InputSchema):
    reason: str = Field(
        "", description="Why; required when you delete someone else's post. At most 500."
    )


class DeletedOut(Schema):
    id: int
    deleted: bool


class RevisionOut(Schema):
    id: int
    title: str
    body: str
    edited_by: PersonRef | None
    created_at: datetime.datetime = Field(description="When this version was replaced.")


class RevisionPage(Page[RevisionOut]):
    pass


# ---------------------------------------------------------------- comments


class CommentPermissionsOut(Schema):
    can_edit: bool
    can_delete: bool
    can_react: bool
    can_reply: bool
    can_report: bool
    can_moderate: bool
    can_accept: bool = Field(description="Accept it as the answer to the question.")


class ReplyOut(Schema):
    id: int
    post_id: int
    parent_id: int | None
    author: AuthorOut | None = Field(description="Null for a deleted comment kept for replies.")
    body: str
    body_html: str
    deleted: bool = Field(description="A deleted comment is kept, empty, when it has replies.")
    created_at: datetime.datetime
    edited_at: datetime.datetime | None
    hidden: HiddenOut | None = Field(
        description="Set when hidden: only its author and the moderators see it then."
    )
    reactions: ReactionCountsOut
    reaction_total: int
    my_reaction: str | None = Field(json_schema_extra=_enum(REACTION_KINDS, nullable=True))
    is_accepted_answer: bool
    attachments: list[AttachmentOut]
    permissions: CommentPermissionsOut


class CommentOut(ReplyOut):
    replies: list[ReplyOut] = Field(description="Replies, oldest first (one level only).")


class CommentPage(Page[CommentOut]):
    pass


class CommentIn(InputSchema):
    body: str = Field(description="Markdown; at most 5000 characters.")
    parent_id: ObjectId | None = Field(
        None, description="The comment answered; a reply to a reply joins its thread."
    )
    attachment_ids: list[ObjectId] = Field([], max_length=MAX_ATTACHMENTS)


class CommentPatch(InputSchema):
    body: str


class PostDetailOut(PostOut):
    """A post's page: the post and every comment the caller may see."""

    comments: list[CommentOut] = Field(description="Oldest first, each with its replies.")


class IcsOut(Schema):
    """An event's iCalendar file, for clients that asked for JSON."""

    filename: str
    content: str = Field(description="The text of the `.ics` file.")


# ---------------------------------------------------------------- reactions, types


class ReactionIn(InputSchema):
    kind: str = Field(json_schema_extra=_enum(REACTION_KINDS))


class ReactorOut(Schema):
    person: AuthorOut
    kind: str = Field(json_schema_extra=_enum(REACTION_KINDS))


class AcceptedAnswerIn(InputSchema):
    comment_id: ObjectId


class PollVoteIn(InputSchema):
    option_ids: list[ObjectId] = Field(
        max_length=MAX_OPTIONS, description="One option, or several in a multiple-choice poll."
    )


class IdeaStatusIn(InputSchema):
    status: str = Field(json_schema_extra=_enum(IDEA_STATUSES))
    response: str = Field("", description="The official response, in Markdown.")


class RsvpIn(InputSchema):
    answer: str = Field(json_schema_extra=_enum(RSVP_ANSWERS))


class CommentsLockOut(Schema):
    post_id: int
    comments_locked: bool


# ---------------------------------------------------------------- moderation


class HideIn(InputSchema):
    reason: str = Field(description="Told to the author; at most 500 characters.")


class RestoreIn(InputSchema):
    reason: str = Field("", description="An optional word for the author.")


class HiddenStateOut(Schema):
    id: int
    hidden: bool
    hidden_at: datetime.datetime | None
    reason: str


class ReportIn(InputSchema):
    reason: str = Field(description="What is wrong; at most 1000 characters.")


class ModeratedItemOut(Schema):
    """A reported or hidden post or comment, as its moderators see it."""

    post_id: int
    comment_id: int | None
    community: CommunityRef | None
    title: str = Field(description="The post's title.")
    body: str
    author: AuthorOut
    created_at: datetime.datetime
    hidden_at: datetime.datetime | None
    hidden_reason: str
    comments_locked: bool = Field(description="Of the post.")


class ReportOut(Schema):
    id: int
    post_id: int
    comment_id: int | None
    reporter: PersonRef | None
    reason: str
    status: str = Field(json_schema_extra=_enum(REPORT_STATUSES))
    created_at: datetime.datetime
    resolved_at: datetime.datetime | None
    resolution: str


class QueueItemOut(Schema):
    """One reported item with its open reports, oldest first."""

    item: ModeratedItemOut
    state: str = Field(json_schema_extra=_enum(["visible", "hidden", "locked"]))
    report_count: int
    first_reported_at: datetime.datetime
    reports: list[ReportOut]


class HiddenItemOut(Schema):
    item: ModeratedItemOut
    hidden_at: datetime.datetime
    hidden_by: PersonRef | None
    reason: str


class DismissIn(InputSchema):
    note: str = Field("", description="A note for the other moderators.")


class ModerationQuery(Schema):
    community: ObjectId | None = Field(
        None, description="A community you moderate; left out: every queue you may see."
    )


# ---------------------------------------------------------------- feeds, mentions


class FeedQuery(Schema):
    sort: Literal["newest", "activity"] = Field(
        "newest", description="By creation, or by the latest comment."
    )


class UnansweredQuery(Schema):
    community: ObjectId | None = Field(
        None, description="One community; left out: every community you belong to."
    )


class NewPostsQuery(Schema):
    feed: Literal["home", "community", "profile", "hashtag", "unanswered"] = "home"
    after: int = Field(ge=0, description="The id of the newest post the client shows.")
    community: ObjectId | None = Field(
        None, description="For the community feed (required) and unanswered questions."
    )
    person: ObjectId | None = Field(None, description="For the profile feed (required).")
    hashtag: str = Field("", max_length=64, description="For the hashtag feed (required).")


class NewPostsOut(Schema):
    count: int = Field(description="Posts newer than `after` in that feed, not yours.")


class MentionQuery(Schema):
    q: str = Field(min_length=1, max_length=100, description="The start of a name.")
    community: ObjectId | None = Field(
        None, description="Where the text will be posted; left out: a profile post."
    )
    limit: int = Field(8, ge=1, le=20)


class MentionSuggestionOut(Schema):
    id: int
    display_name: str
    job_title: str
    photo_url: str | None
    mention: str = Field(description="What to write in the text: `@[Name](person:ID)`.")
    notified: bool = Field(
        description="False when this person cannot read the place: the mention will not "
        "notify them."
    )

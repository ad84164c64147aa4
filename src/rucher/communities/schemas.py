"""Shapes of the communities resources of the JSON API.

Schemas only describe; which fields a caller may see is decided in ``api.py`` through the
access policy, and a hidden field is sent as null rather than left out. Choices are inlined
as enums (``json_schema_extra``) rather than named components, so that names such as "Role"
do not clash with other apps' in the one OpenAPI document. Choices sent in a request are
checked by the services, which answer a 400 naming the field.
"""

from __future__ import annotations

import datetime
from typing import Literal

from ninja import Field, Schema
from pydantic import JsonValue
from pydantic.config import JsonDict

from rucher.accounts.schemas import PersonCardOut, PersonRef
from rucher.api_schemas import InputSchema, ObjectId
from rucher.communities.models import (
    CommunityRole,
    CreationStatus,
    InvitationStatus,
    RequestStatus,
    Visibility,
)
from rucher.core.models import OrganisationSettings
from rucher.core.pagination import Page

# An upper bound for the tags sent in one request.
MAX_TAGS = 50

VISIBILITIES = list(Visibility.values)
ROLES = list(CommunityRole.values)
CREATION_MODES = list(OrganisationSettings.CommunityCreation.values)
CHECKLIST_STEPS = ["charter_written", "welcome_posted", "first_members_invited", "animator_briefed"]


def _enum(values: list[str], *, nullable: bool = False) -> JsonDict:
    """The ``json_schema_extra`` documenting a choice; a nullable one lists null too."""
    choices: list[JsonValue] = [*values, None] if nullable else [*values]
    return {"enum": choices}


# ---------------------------------------------------------------- kinds


class CommunityKindRef(Schema):
    code: str
    name: str = Field(description="In the caller's language.")


class CommunityKindOut(CommunityKindRef):
    default_visibility: str = Field(json_schema_extra=_enum(VISIBILITIES))
    description_template: str = Field(
        description="The skeleton a new community's description starts from, in the caller's"
        " language."
    )


# ---------------------------------------------------------------- communities


class CommunityRef(Schema):
    id: int
    slug: str
    name: str


class CommunityOut(Schema):
    """A community as the directory lists it."""

    id: int
    slug: str = Field(description="The community's address, unique.")
    name: str
    kind: CommunityKindRef
    visibility: str = Field(json_schema_extra=_enum(VISIBILITIES))
    description: str
    tags: list[str] = Field(description="Tag names, alphabetically.")
    member_count: int = Field(description="Current members.")
    is_member: bool = Field(description="Whether the caller is a current member.")
    my_role: str | None = Field(
        description="The caller's role; null when not a member.",
        json_schema_extra=_enum(ROLES, nullable=True),
    )
    archived_at: datetime.datetime | None = Field(description="Archived communities are read-only.")
    allows_guests: bool = Field(description="Whether partner guests may be invited.")
    avatar_url: str | None = Field(description="Square image; null without one.")


class ChecklistStepOut(Schema):
    step: str = Field(json_schema_extra=_enum(CHECKLIST_STEPS))
    done: bool
    done_at: datetime.datetime | None


class CommunityDetailOut(CommunityOut):
    """A community's page. The same body whether it was reached by id or by address."""

    created_at: datetime.datetime
    banner_url: str | None = Field(description="Wide image; null without one.")
    charter: str | None = Field(description="Null unless the caller may read the community.")
    checklist: list[ChecklistStepOut] | None = Field(
        description="The launch checklist; null unless the caller manages the community "
        "or belongs to the ESN project team."
    )
    can_read: bool = Field(description="Whether the caller may read its members and content.")
    can_manage: bool = Field(
        description="Whether the caller manages it (owners, animators, administrators)."
    )
    can_join: bool = Field(description="Whether the caller may join it directly.")
    pending_join_request_id: int | None = Field(
        description="The caller's request to join, waiting for an answer."
    )
    pending_invitation_id: int | None = Field(
        description="An invitation to the caller, waiting for an answer."
    )


class CommunityPage(Page[CommunityOut]):
    pass


class CommunityQuery(Schema):
    q: str = Field("", max_length=200, description="Words of the name, description or tags.")
    kind: str = Field("", max_length=40, description="A kind code (see /community-kinds).")
    visibility: Literal["", "open", "private", "secret"] = Field("", description="One visibility.")
    mine: bool = Field(False, description="Only communities the caller belongs to.")
    archived: bool = Field(False, description="Include archived communities.")


class CommunityIn(InputSchema):
    """A new community; fields left out come from the template of its kind."""

    name: str = Field(description="At most 100 characters.")
    kind: str = Field(description="A kind code (see /community-kinds).")
    visibility: str | None = Field(None, json_schema_extra=_enum(VISIBILITIES, nullable=True))
    description: str | None = Field(None, description="At most 5000 characters.")
    charter: str | None = Field(None, description="At most 10000 characters.")
    tags: list[str] = Field([], max_length=MAX_TAGS)
    allows_guests: bool = False
    slug: str | None = Field(
        None, description="The address wanted; made from the name when left out."
    )


class CommunityPatch(InputSchema):
    """Only the fields sent are changed."""

    name: str | None = None
    description: str | None = Field(None, description="Null empties it.")
    charter: str | None = Field(None, description="Null empties it.")
    visibility: str | None = Field(None, json_schema_extra=_enum(VISIBILITIES, nullable=True))
    allows_guests: bool | None = None
    tags: list[str] | None = Field(None, max_length=MAX_TAGS, description="Replaces the tags.")
    slug: str | None = Field(None, description="A new address; it must be free.")


# ---------------------------------------------------------------- members


class MemberOut(Schema):
    person: PersonCardOut
    role: str = Field(json_schema_extra=_enum(ROLES))
    joined_at: datetime.datetime
    expires_at: datetime.datetime | None = Field(
        description="When a partner guest's access ends; shown to managers and to the guest."
    )


class MemberPage(Page[MemberOut]):
    pass


class MemberQuery(Schema):
    role: Literal["", "owner", "animator", "member", "guest"] = Field(
        "", description="Only members with this role."
    )


class MembershipOut(Schema):
    """Where one person stands in a community after a change."""

    community_id: int
    user_id: int
    is_member: bool
    role: str | None = Field(json_schema_extra=_enum(ROLES, nullable=True))
    joined_at: datetime.datetime | None
    expires_at: datetime.datetime | None


class RoleIn(InputSchema):
    role: str = Field(json_schema_extra=_enum(ROLES))


class TransferIn(InputSchema):
    new_owner_id: ObjectId = Field(description="A current internal member of the community.")


class GuestAccessIn(InputSchema):
    until: datetime.datetime = Field(
        description="When the guest's access ends; in the future. Without a time zone, the "
        "server's."
    )


# ---------------------------------------------------------------- join requests


class JoinRequestOut(Schema):
    id: int
    community: CommunityRef
    person: PersonCardOut
    message: str
    status: str = Field(json_schema_extra=_enum(list(RequestStatus.values)))
    reply: str
    created_at: datetime.datetime
    decided_at: datetime.datetime | None


class JoinRequestPage(Page[JoinRequestOut]):
    pass


class JoinRequestIn(InputSchema):
    message: str = Field("", description="Why you want to join; at most 2000 characters.")


class ReplyIn(InputSchema):
    reply: str = Field("", description="A word for the requester; at most 2000 characters.")


# ---------------------------------------------------------------- invitations


class InvitationOut(Schema):
    """An invitation. The secret of its link is never shown."""

    id: int
    community: CommunityRef
    invitee: PersonRef | None = Field(
        description="Null for a partner without an account yet, or someone you may not see."
    )
    email: str = Field(description="The address the invitation was sent to.")
    role: str = Field(json_schema_extra=_enum(ROLES))
    message: str
    status: str = Field(json_schema_extra=_enum(list(InvitationStatus.values)))
    invited_by: PersonRef | None = Field(description="Null when you may not see them.")
    created_at: datetime.datetime
    expires_at: datetime.datetime = Field(description="Until when it may be accepted.")
    access_until: datetime.datetime | None = Field(
        description="For a partner guest: when the access it gives ends."
    )
    answered_at: datetime.datetime | None


class InvitationPage(Page[InvitationOut]):
    pass


class InvitationIn(InputSchema):
    """Invite a colleague by id (or by e-mail), or a partner guest by e-mail."""

    invitee_id: ObjectId | None = None
    email: str | None = Field(None, max_length=254)
    role: str = Field(
        "member",
        description="Partner guests are always invited as guests.",
        json_schema_extra=_enum(["member", "animator"]),
    )
    message: str = Field("", description="At most 2000 characters.")
    access_until: datetime.datetime | None = Field(
        None,
        description="For a partner guest: when their access ends (the organisation's default "
        "when left out).",
    )


# ---------------------------------------------------------------- creation requests


class CreationRequestOut(Schema):
    id: int
    name: str
    kind: CommunityKindRef
    visibility: str = Field(json_schema_extra=_enum(VISIBILITIES))
    purpose: str
    intended_members: str
    expected_activity: str
    requester: PersonRef
    animator: PersonRef
    status: str = Field(json_schema_extra=_enum(list(CreationStatus.values)))
    decision_reason: str
    reviewed_by: PersonRef | None
    community: CommunityRef | None = Field(
        description="The community opened on approval, if the caller may see it."
    )
    created_at: datetime.datetime
    decided_at: datetime.datetime | None


class CreationMessageOut(Schema):
    id: int
    author: PersonRef | None
    from_team: bool = Field(description="Written by the project team rather than the requester.")
    body: str
    created_at: datetime.datetime


class CreationRequestDetailOut(CreationRequestOut):
    messages: list[CreationMessageOut] = Field(description="Oldest first.")


class CreationRequestPage(Page[CreationRequestOut]):
    pass


class CreationRequestQuery(Schema):
    status: Literal[
        "open", "all", "submitted", "questions", "approved", "rejected", "withdrawn"
    ] = Field("open", description="`open`: submitted or waiting on questions; `all`: any.")


class CreationRequestIn(InputSchema):
    name: str
    kind: str = Field(description="A kind code (see /community-kinds).")
    visibility: str = Field("open", json_schema_extra=_enum(VISIBILITIES))
    purpose: str = Field(description="At most 5000 characters.")
    intended_members: str = Field(description="Who should join; at most 5000 characters.")
    animator_id: ObjectId = Field(description="An active colleague who will animate it.")
    expected_activity: str = Field(description="At most 5000 characters.")


class CreationMessageIn(InputSchema):
    body: str = Field(description="At most 5000 characters.")


class ApproveIn(InputSchema):
    reason: str = Field("", description="An optional word for the requester.")


class RejectIn(InputSchema):
    reason: str = Field(description="Why the request is rejected; required.")


# ---------------------------------------------------------------- organisation, guests


class OrganisationSettingsOut(Schema):
    community_creation: str = Field(
        description="`direct`: employees create communities; `request`: through a creation "
        "request reviewed by the project team.",
        json_schema_extra=_enum(CREATION_MODES),
    )
    guests_allowed: bool = Field(description="Whether partner guests may be invited at all.")
    guest_access_days: int = Field(description="Default length of a partner guest's access.")
    updated_at: datetime.datetime


class OrganisationSettingsIn(InputSchema):
    """Only the fields sent (and not null) are changed."""

    community_creation: str | None = Field(
        None, json_schema_extra=_enum(CREATION_MODES, nullable=True)
    )
    guests_allowed: bool | None = None
    guest_access_days: int | None = Field(None, description="1 to 3650.")


class GuestCommunityOut(Schema):
    community: CommunityRef
    expires_at: datetime.datetime | None
    current: bool = Field(description="False once the access has ended.")


class GuestOut(Schema):
    id: int
    display_name: str
    email: str
    company: str
    is_active: bool = Field(description="False once the account is revoked.")
    communities: list[GuestCommunityOut]
    access_ends_at: datetime.datetime | None = Field(
        description="When the last current guest access ends; null when none is current "
        "or the account is revoked."
    )


class GuestPage(Page[GuestOut]):
    pass

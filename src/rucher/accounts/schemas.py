"""Shapes of the people, org unit and token resources of the JSON API.

Schemas only describe; which fields a caller may see is decided in ``api.py`` through the
access policy, and a hidden field is sent as null rather than left out, so that every client
sees one stable shape.
"""

from __future__ import annotations

import datetime

from ninja import Field, Schema

from rucher.accounts.models import OrgUnit, Role
from rucher.api_schemas import InputSchema, ObjectId
from rucher.core.pagination import Page

# Ids, strict input and the error body are shared by every router: see rucher.api_schemas.
# Choices are inlined as enums (not named components): names such as "Role" or "Kind" would
# clash with other apps' choices in the one OpenAPI document.

# An upper bound for lists sent in a request (skills, languages): generous for a person,
# small enough that one request cannot create thousands of tags.
MAX_LIST_ITEMS = 50


# ---------------------------------------------------------------- small references


class OrgUnitRef(Schema):
    id: int
    name: str


class SiteRef(Schema):
    id: int
    name: str


class PersonRef(Schema):
    id: int
    display_name: str


class TagOut(Schema):
    name: str
    slug: str = Field(description="Use it in the `skill` filter of the directory.")


class LanguageOut(Schema):
    code: str = Field(description="ISO 639-1 code.")
    name: str = Field(description="The language's name, in the caller's language.")


# ---------------------------------------------------------------- people


class PersonCardOut(Schema):
    """A person as lists show them."""

    id: int
    display_name: str
    email: str | None = Field(description="Null when the caller may not see it.")
    job_title: str
    org_unit: OrgUnitRef | None
    site: SiteRef | None
    skills: list[TagOut]
    is_active: bool = Field(
        description="False for a deactivated person: still shown as the author of past content."
    )
    photo_small_url: str | None = Field(description="Square thumbnail; null without a photo.")
    photo_large_url: str | None = Field(description="Null without a photo.")


class PersonOut(PersonCardOut):
    """A person's page."""

    role: str = Field(json_schema_extra={"enum": list(Role.values)})
    company: str = Field(description="The company of a partner guest.")
    phone: str | None = Field(description="Null when the caller may not see it.")
    bio: str
    manager: PersonRef | None
    interests: list[TagOut]
    languages: list[LanguageOut] = Field(description="Languages the person speaks.")
    date_joined: datetime.datetime
    following: bool = Field(description="Whether the caller follows this person.")


class CompletenessOut(Schema):
    percent: int = Field(ge=0, le=100)
    missing: list[str] = Field(description="What is left to fill in, as sentences for people.")


class MeOut(PersonOut):
    """The caller's own profile, with what only they see."""

    email: str
    phone: str
    language: str = Field(description="Interface language; empty to follow the browser.")
    completeness: CompletenessOut


class MeIn(InputSchema):
    """Only the fields sent are changed; null empties a field."""

    display_name: str | None = None
    job_title: str | None = None
    phone: str | None = None
    bio: str | None = None
    org_unit_id: ObjectId | None = None
    site_id: ObjectId | None = None
    manager_id: ObjectId | None = None
    languages: list[str] | None = Field(
        None, max_length=MAX_LIST_ITEMS, description="ISO 639-1 codes of languages you speak."
    )
    skills: list[str] | None = Field(None, max_length=MAX_LIST_ITEMS)
    interests: list[str] | None = Field(None, max_length=MAX_LIST_ITEMS)
    language: str | None = Field(
        None, description="Interface language (`en`, `fr`); empty to follow the browser."
    )


class PersonPage(Page[PersonCardOut]):
    pass


class DirectoryQuery(Schema):
    q: str = Field("", max_length=200, description="Words of the name, job title, skill or e-mail.")
    org_unit: ObjectId | None = Field(None, description="An org unit id; includes its subtree.")
    site: ObjectId | None = Field(None, description="A site id.")
    skill: str = Field("", max_length=64, description="A skill slug.")
    language: str = Field("", max_length=8, description="A spoken language code.")


class OrgChartOut(Schema):
    person: PersonCardOut
    managers: list[PersonCardOut] = Field(description="From the top of the chain down.")
    reports: list[PersonCardOut] = Field(description="Active direct reports.")


class FollowOut(Schema):
    following: bool


# ---------------------------------------------------------------- organisation


class OrgUnitOut(Schema):
    id: int
    name: str
    kind: str = Field(json_schema_extra={"enum": list(OrgUnit.Kind.values)})
    parent_id: int | None
    depth: int = Field(description="0 for the top of the tree.")
    path: str = Field(description='Ids from the root, for example "/1/4/9/".')


class OrgUnitDetailOut(OrgUnitOut):
    children: list[OrgUnitOut]
    people_count: int = Field(description="Active people in this unit and all units below it.")


class SiteOut(Schema):
    id: int
    name: str
    city: str
    country: str = Field(description="ISO 3166-1 alpha-2 code, or empty.")


# ---------------------------------------------------------------- API tokens


class TokenOut(Schema):
    id: int
    name: str
    prefix: str = Field(description="The first characters of the secret, to recognise it.")
    created_at: datetime.datetime
    last_used_at: datetime.datetime | None
    expires_at: datetime.datetime | None
    revoked_at: datetime.datetime | None
    active: bool = Field(description="Neither revoked nor expired.")


class TokenCreatedOut(TokenOut):
    secret: str = Field(description="The token itself. It is shown this once only.")


class TokenIn(InputSchema):
    name: str = Field(description="What the token is for, to recognise it later.")
    expires_at: datetime.datetime | None = Field(
        None, description="When it stops working; without a time zone, the server's. Null: never."
    )

"""The permission matrix: every page and API operation × every persona × community visibility.

One declarative table drives the tests. ``test_every_endpoint_has_a_row`` fails when the
project has a URL or API operation without a row, so nobody adds an endpoint without deciding
who may reach it. The world (organisation, personas, communities of each visibility, requests,
invitations, images) is built once per run of the class; each request runs in a savepoint
that is rolled back, so one persona's action never changes what the next one sees.
"""

from __future__ import annotations

import copy
import io
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from http.cookies import SimpleCookie
from typing import Any, ClassVar

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client, TestCase, override_settings
from django.urls import URLResolver, get_resolver, reverse
from PIL import Image

from tests import cast

LOGIN = "login"  # a redirect to the log-in page
NOT_CHECKED_HERE = {"admin"}  # Django's admin site: tests/accounts/test_admin.py

PERSONAS = (
    "anonymous",
    "outsider",
    "member",
    "animator",
    "owner",
    "admin",
    "project_lead",
    "guest",
    "other_guest",
    "former_member",
    "deactivated",
)
INTERNAL = {"outsider", "member", "animator", "owner", "admin", "project_lead", "former_member"}
LOGGED_IN = INTERNAL | {"guest", "other_guest"}
MEMBERS = {"member", "animator", "owner", "guest"}  # of open, private and secret alike
MANAGERS = {"animator", "owner", "admin"}
SEES = {
    "open": INTERNAL | {"guest"},
    "private": INTERNAL | {"guest"},
    "secret": MEMBERS | {"admin"},
}
READS = {
    "open": INTERNAL | {"guest"},
    "private": MEMBERS | {"admin"},
    "secret": MEMBERS | {"admin"},
}
VISIBILITIES = ("open", "private", "secret")

Expect = dict[str, int | str]


@dataclass(frozen=True)
class Row:
    name: str  # "namespace:url_name", as reverse() knows it
    method: str
    path: Callable[[dict[str, Any]], str]
    expect: Expect
    data: dict[str, Any] | None = None
    label: str = ""
    json: bool = False

    @property
    def id(self) -> str:
        return f"{self.method} {self.name}" + (f" ({self.label})" if self.label else "")


# ---------------------------------------------------------------- expectation builders


def everyone(status: int | str) -> Expect:
    return dict.fromkeys(PERSONAS, status)


def page(status: int | str, **overrides: int | str) -> Expect:
    """A page behind log-in: anonymous and deactivated visitors go to the log-in page."""
    return {**everyone(status), "anonymous": LOGIN, "deactivated": LOGIN, **overrides}


def api(status: int | str, **overrides: int | str) -> Expect:
    """An API operation: anonymous and deactivated callers get 401."""
    return {**everyone(status), "anonymous": 401, "deactivated": 401, **overrides}


def only(
    allowed: set[str], ok: int | str, *, others: int | str, base: Callable[..., Expect]
) -> Expect:
    expect = base(others)
    expect.update(dict.fromkeys(allowed, ok))
    return expect


def in_community(
    visibility: str,
    allowed: set[str],
    ok: int | str,
    *,
    denied: int | str = 403,
    base: Callable[..., Expect] = page,
) -> Expect:
    """Who may act gets ``ok``; who sees the community but may not gets ``denied``; who
    does not see it gets the same 404 as for a missing community."""
    expect = base(404)
    expect.update(dict.fromkeys(SEES[visibility], denied))
    expect.update(dict.fromkeys(allowed & LOGGED_IN, ok))
    return expect


def url(name: str, *args: str | int) -> Callable[[dict[str, Any]], str]:
    """reverse() with arguments looked up in the world: "c:private" is a community's id,
    "s:private" its slug, any other string a world key whose pk is taken."""

    def build(world: dict[str, Any]) -> str:
        values: list[Any] = []
        for arg in args:
            if isinstance(arg, str) and arg.startswith("c:"):
                values.append(world["communities"][arg[2:]].pk)
            elif isinstance(arg, str) and arg.startswith("s:"):
                values.append(world["communities"][arg[2:]].slug)
            elif isinstance(arg, str) and arg in world:
                value = world[arg]
                values.append(value if isinstance(value, str) else value.pk)
            else:
                values.append(arg)
        return reverse(name, args=values)

    return build


# ---------------------------------------------------------------- the table

ROWS: list[Row] = [
    Row("home", "GET", url("home"), page(200)),
    Row("healthz", "GET", url("healthz"), everyone(200)),
    Row("set_language", "POST", url("set_language"), everyone(302), {"language": "fr"}),
    Row("javascript-catalog", "GET", url("javascript-catalog"), everyone(200)),
    # Accounts
    Row(
        "accounts:login",
        "GET",
        url("accounts:login"),
        {**everyone(302), "anonymous": 200, "deactivated": 200},
    ),
    Row("accounts:logout", "POST", url("accounts:logout"), everyone(302)),
    Row("accounts:password_reset", "GET", url("accounts:password_reset"), everyone(200)),
    Row("accounts:password_reset_done", "GET", url("accounts:password_reset_done"), everyone(200)),
    Row(
        "accounts:password_reset_confirm",
        "GET",
        url("accounts:password_reset_confirm", "MQ", "bad-token"),
        everyone(200),
    ),
    Row(
        "accounts:password_reset_complete",
        "GET",
        url("accounts:password_reset_complete"),
        everyone(200),
    ),
    Row("accounts:password_change", "GET", url("accounts:password_change"), page(200)),
    Row("accounts:profile_edit", "GET", url("accounts:profile_edit"), page(200)),
    Row("accounts:photo_upload", "POST", url("accounts:photo_upload"), page(302)),
    Row("accounts:photo_remove", "POST", url("accounts:photo_remove"), page(302)),
    Row("accounts:settings", "GET", url("accounts:settings"), page(200)),
    # Directory: partner guests see themselves and their co-members only, and cannot browse
    Row("directory:list", "GET", url("directory:list"), page(200, guest=403, other_guest=403)),
    Row("directory:picker", "GET", url("directory:picker"), page(200), {"q": "Ma"}),
    Row(
        "directory:person",
        "GET",
        url("directory:person", "outsider"),
        page(200, guest=404, other_guest=404),
        label="an employee in no community",
    ),
    Row(
        "directory:person",
        "GET",
        url("directory:person", "member"),
        page(200, other_guest=404),
        label="a co-member of the guest",
    ),
    Row(
        "directory:person",
        "GET",
        url("directory:person", "guest"),
        page(200, outsider=404, former_member=404, other_guest=404),
        label="a partner guest",
    ),
    Row("directory:person", "GET", url("directory:person", 999999), page(404), label="nobody"),
    Row(
        "directory:org_chart",
        "GET",
        url("directory:org_chart", "member"),
        page(200, guest=403, other_guest=403),
    ),
    Row(
        "directory:followers",
        "GET",
        url("directory:followers", "outsider"),
        page(200, guest=404, other_guest=404),
    ),
    Row(
        "directory:following",
        "GET",
        url("directory:following", "outsider"),
        page(200, guest=404, other_guest=404),
    ),
    Row(
        "directory:follow",
        "POST",
        url("directory:follow", "outsider"),
        page(302, guest=404, other_guest=404, outsider=400),
        {"follow": "1"},
    ),
    Row(
        "directory:photo",
        "GET",
        url("directory:photo", "outsider", "small"),
        page(200, guest=404, other_guest=404),
        label="an employee's photo",
    ),
    Row(
        "directory:photo",
        "GET",
        url("directory:photo", "outsider", "huge"),
        page(404),
        label="an unknown size",
    ),
    # Notifications
    Row("notifications:list", "GET", url("notifications:list"), page(200)),
    Row("notifications:mark_read", "POST", url("notifications:mark_read"), page(302)),
    # Communities: pages that address no community
    Row("communities:list", "GET", url("communities:list"), page(200)),
    Row(
        "communities:create",
        "GET",
        url("communities:create"),
        page(200, guest=403, other_guest=403),
    ),
    Row(
        "communities:request_create",
        "GET",
        url("communities:request_create"),
        page(200, guest=403, other_guest=403),
    ),
    Row(
        "communities:creation_requests",
        "GET",
        url("communities:creation_requests"),
        page(200, guest=403, other_guest=403),
    ),
    Row(
        "communities:creation_request",
        "GET",
        url("communities:creation_request", "creation"),
        only({"member", "project_lead", "admin"}, 200, others=404, base=page),
    ),
    Row("communities:my_invitations", "GET", url("communities:my_invitations"), page(200)),
    Row(
        "communities:invitation_link",
        "GET",
        url("communities:invitation_link", "partner_token"),
        everyone(200),
        label="a valid partner link",
    ),
    Row(
        "communities:invitation_link",
        "GET",
        url("communities:invitation_link", "nope"),
        everyone(404),
        label="an unknown link",
    ),
    Row(
        "communities:organisation_settings",
        "GET",
        url("communities:organisation_settings"),
        page(403, admin=200),
    ),
    Row("communities:guests", "GET", url("communities:guests"), page(403, admin=200)),
]

for v in VISIBILITIES:
    ROWS += [
        Row(
            "communities:detail",
            "GET",
            url("communities:detail", f"s:{v}"),
            in_community(v, SEES[v], 200),
            label=v,
        ),
        Row(
            "communities:detail",
            "POST",
            url("communities:detail", f"s:{v}"),
            in_community(
                v,
                MEMBERS
                | (
                    {"outsider", "project_lead", "admin", "former_member"} if v == "open" else set()
                ),
                302,
            ),
            {"action": "join"},
            label=f"join {v}",
        ),
        Row(
            "communities:members",
            "GET",
            url("communities:members", f"s:{v}"),
            in_community(v, READS[v], 200),
            label=v,
        ),
        Row(
            "communities:settings",
            "GET",
            url("communities:settings", f"s:{v}"),
            in_community(v, MANAGERS, 200),
            label=v,
        ),
        Row(
            "communities:image",
            "GET",
            url("communities:image", f"s:{v}", "avatar"),
            in_community(v, SEES[v], 200),
            label=v,
        ),
    ]

ROWS += [
    Row(
        "communities:detail",
        "GET",
        url("communities:detail", "no-such-community"),
        page(404),
        label="missing",
    ),
    # API: people, org, tokens (session authentication; tokens in tests/accounts/test_api.py)
    Row("api:openapi-json", "GET", url("api:openapi-json"), everyone(200)),
    Row("api:openapi-view", "GET", url("api:openapi-view"), everyone(200)),
    Row("api:api-root", "GET", url("api:api-root"), everyone(404)),
    Row("api:api_health", "GET", url("api:api_health"), everyone(200)),
    Row("api:me_get", "GET", url("api:me_get"), api(200)),
    Row(
        "api:me_update", "PATCH", url("api:me_update"), api(200), {"job_title": "Tester"}, json=True
    ),
    Row("api:tokens_list", "GET", url("api:tokens_list"), api(200)),
    Row(
        "api:tokens_create",
        "POST",
        url("api:tokens_create"),
        api(201),
        {"name": "matrix"},
        json=True,
    ),
    Row("api:tokens_revoke", "DELETE", url("api:tokens_revoke", 999999), api(404)),
    Row("api:people_search", "GET", url("api:people_search"), api(200, guest=403, other_guest=403)),
    Row(
        "api:people_get",
        "GET",
        url("api:people_get", "outsider"),
        api(200, guest=404, other_guest=404),
        label="an employee in no community",
    ),
    Row(
        "api:people_get",
        "GET",
        url("api:people_get", "guest"),
        api(200, outsider=404, former_member=404, other_guest=404),
        label="a partner guest",
    ),
    Row(
        "api:people_org_chart",
        "GET",
        url("api:people_org_chart", "outsider"),
        api(200, guest=404, other_guest=404),
    ),
    Row(
        "api:people_followers",
        "GET",
        url("api:people_followers", "outsider"),
        api(200, guest=404, other_guest=404),
    ),
    Row(
        "api:people_following",
        "GET",
        url("api:people_following", "outsider"),
        api(200, guest=404, other_guest=404),
    ),
    Row(
        "api:people_follow",
        "PUT",
        url("api:people_follow", "member"),
        api(200, other_guest=404, member=400),
    ),
    Row(
        "api:people_unfollow",
        "DELETE",
        url("api:people_unfollow", "member"),
        api(200, other_guest=404),
    ),
    Row(
        "api:org_units_list", "GET", url("api:org_units_list"), api(200, guest=403, other_guest=403)
    ),
    Row(
        "api:org_units_get",
        "GET",
        url("api:org_units_get", "unit"),
        api(200, guest=403, other_guest=403),
    ),
    Row("api:sites_list", "GET", url("api:sites_list"), api(200, guest=403, other_guest=403)),
    # API: communities that address no community
    Row("api:communities_list", "GET", url("api:communities_list"), api(200)),
    Row(
        "api:communities_create",
        "POST",
        url("api:communities_create"),
        api(201, guest=403, other_guest=403),
        {"name": "Matrix", "kind": "interest"},
        json=True,
    ),
    Row("api:community_kinds_list", "GET", url("api:community_kinds_list"), api(200)),
    Row("api:my_invitations_list", "GET", url("api:my_invitations_list"), api(200)),
    Row(
        "api:invitations_accept",
        "POST",
        url("api:invitations_accept", "invitation"),
        api(404, outsider=200),
    ),
    Row(
        "api:invitations_refuse",
        "POST",
        url("api:invitations_refuse", "invitation"),
        api(404, outsider=200),
    ),
    Row(
        "api:invitations_revoke",
        "DELETE",
        url("api:invitations_revoke", "invitation"),
        only(MANAGERS, 200, others=404, base=api),
    ),
    Row(
        "api:join_requests_accept",
        "POST",
        url("api:join_requests_accept", "join_request"),
        only(MANAGERS, 200, others=404, base=api),
        {},
        json=True,
    ),
    Row(
        "api:join_requests_decline",
        "POST",
        url("api:join_requests_decline", "join_request"),
        only(MANAGERS, 200, others=404, base=api),
        {"reply": "Not now"},
        json=True,
    ),
    Row(
        "api:join_requests_cancel",
        "DELETE",
        url("api:join_requests_cancel", "join_request"),
        api(404, former_member=200),
    ),
    Row(
        "api:creation_requests_create",
        "POST",
        url("api:creation_requests_create"),
        api(201, guest=403, other_guest=403),
        {
            "name": "Matrix",
            "kind": "project",
            "visibility": "open",
            "purpose": "p",
            "intended_members": "i",
            "animator_id": "ANIMATOR",
            "expected_activity": "e",
        },
        json=True,
    ),
    Row("api:creation_requests_list", "GET", url("api:creation_requests_list"), api(200)),
    Row(
        "api:creation_requests_get",
        "GET",
        url("api:creation_requests_get", "creation"),
        only({"member", "project_lead", "admin"}, 200, others=404, base=api),
    ),
    Row(
        "api:creation_requests_comment",
        "POST",
        url("api:creation_requests_comment", "creation"),
        only({"member", "project_lead", "admin"}, 201, others=404, base=api),
        {"body": "hi"},
        json=True,
    ),
    Row(
        "api:creation_requests_approve",
        "POST",
        url("api:creation_requests_approve", "creation"),
        only({"project_lead", "admin"}, 200, others=404, base=api),
        {},
        json=True,
    ),
    Row(
        "api:creation_requests_reject",
        "POST",
        url("api:creation_requests_reject", "creation"),
        only({"project_lead", "admin"}, 200, others=404, base=api),
        {"reason": "No"},
        json=True,
    ),
    Row(
        "api:creation_requests_withdraw",
        "POST",
        url("api:creation_requests_withdraw", "creation"),
        {**only({"member"}, 200, others=404, base=api), "project_lead": 403, "admin": 403},
    ),
    Row(
        "api:organisation_settings_get",
        "GET",
        url("api:organisation_settings_get"),
        api(403, admin=200),
    ),
    Row(
        "api:organisation_settings_update",
        "PATCH",
        url("api:organisation_settings_update"),
        api(403, admin=200),
        {"guests_allowed": True},
        json=True,
    ),
    Row("api:guests_list", "GET", url("api:guests_list"), api(403, admin=200)),
    Row("api:guests_revoke", "POST", url("api:guests_revoke", "guest"), api(403, admin=200)),
]

for v in VISIBILITIES:
    joiners = MEMBERS | (
        {"outsider", "project_lead", "admin", "former_member"} if v == "open" else set()
    )
    requesters = {"outsider", "project_lead", "admin", "former_member"} if v == "private" else set()
    ROWS += [
        Row(
            "api:communities_get",
            "GET",
            url("api:communities_get", f"c:{v}"),
            in_community(v, SEES[v], 200, base=api),
            label=v,
        ),
        Row(
            "api:communities_get_by_slug",
            "GET",
            url("api:communities_get_by_slug", f"s:{v}"),
            in_community(v, SEES[v], 200, base=api),
            label=v,
        ),
        Row(
            "api:communities_update",
            "PATCH",
            url("api:communities_update", f"c:{v}"),
            in_community(v, MANAGERS, 200, base=api),
            {"description": "Changed"},
            label=v,
            json=True,
        ),
        Row(
            "api:communities_archive",
            "POST",
            url("api:communities_archive", f"c:{v}"),
            in_community(v, {"owner", "admin"}, 200, base=api),
            label=v,
        ),
        Row(
            "api:communities_unarchive",
            "POST",
            url("api:communities_unarchive", f"c:{v}"),
            in_community(v, {"owner", "admin"}, 200, base=api),
            label=v,
        ),
        Row(
            "api:members_list",
            "GET",
            url("api:members_list", f"c:{v}"),
            in_community(v, READS[v], 200, base=api),
            label=v,
        ),
        Row(
            "api:communities_join",
            "POST",
            url("api:communities_join", f"c:{v}"),
            in_community(v, joiners, 200, base=api),
            label=v,
        ),
        Row(
            "api:communities_leave",
            "POST",
            url("api:communities_leave", f"c:{v}"),
            {
                **in_community(v, {"member", "animator", "guest"}, 200, denied=409, base=api),
                "owner": 409,
            },
            label=v,
        ),
        Row(
            "api:members_remove",
            "DELETE",
            url("api:members_remove", f"c:{v}", "member"),
            in_community(v, MANAGERS, 200, base=api),
            label=v,
        ),
        Row(
            "api:members_set_role",
            "PATCH",
            url("api:members_set_role", f"c:{v}", "member"),
            in_community(v, MANAGERS, 200, base=api),
            {"role": "animator"},
            label=v,
            json=True,
        ),
        Row(
            "api:communities_transfer_ownership",
            "POST",
            url("api:communities_transfer_ownership", f"c:{v}"),
            in_community(v, {"owner", "admin"}, 200, base=api),
            {"new_owner_id": "MEMBER"},
            label=v,
            json=True,
        ),
        Row(
            "api:members_set_guest_access",
            "PATCH",
            url("api:members_set_guest_access", f"c:{v}", "guest"),
            in_community(v, MANAGERS, 200, base=api),
            {"until": "2099-01-31T12:00:00Z"},
            label=v,
            json=True,
        ),
        Row(
            "api:join_requests_create",
            "POST",
            url("api:join_requests_create", f"c:{v}"),
            # former_member's request to the private one already waits (see build_world).
            {
                **in_community(v, requesters - {"former_member"}, 201, denied=409, base=api),
                "guest": 403,
            },
            {"message": "Please"},
            label=v,
            json=True,
        ),
        Row(
            "api:join_requests_list",
            "GET",
            url("api:join_requests_list", f"c:{v}"),
            in_community(v, MANAGERS, 200, base=api),
            label=v,
        ),
        Row(
            "api:invitations_create",
            "POST",
            url("api:invitations_create", f"c:{v}"),
            in_community(v, MANAGERS, 201, base=api),
            {"invitee_id": "PROJECT_LEAD"},
            label=v,
            json=True,
        ),
        Row(
            "api:invitations_list",
            "GET",
            url("api:invitations_list", f"c:{v}"),
            in_community(v, MANAGERS, 200, base=api),
            label=v,
        ),
    ]

# Conversations, analytics and the exchange of data: their rows live beside their code.
from tests.matrix_analytics import ROWS as ANALYTICS_ROWS  # noqa: E402
from tests.matrix_content_api import ROWS as CONTENT_API_ROWS  # noqa: E402
from tests.matrix_content_pages import ROWS as CONTENT_PAGE_ROWS  # noqa: E402
from tests.matrix_exchange import ROWS as EXCHANGE_ROWS  # noqa: E402
from tests.matrix_pilots_deployment import ROWS as PILOTS_DEPLOYMENT_ROWS  # noqa: E402
from tests.matrix_pilots_evaluation import ROWS as PILOTS_EVALUATION_ROWS  # noqa: E402
from tests.matrix_pilots_programme import ROWS as PILOTS_PROGRAMME_ROWS  # noqa: E402
from tests.matrix_pilots_report import ROWS as PILOTS_REPORT_ROWS  # noqa: E402
from tests.matrix_pilots_surveys import ROWS as PILOTS_SURVEYS_ROWS  # noqa: E402

PILOTS_ROWS = (
    PILOTS_PROGRAMME_ROWS
    + PILOTS_DEPLOYMENT_ROWS
    + PILOTS_EVALUATION_ROWS
    + PILOTS_REPORT_ROWS
    + PILOTS_SURVEYS_ROWS
)
IMPORTED_ROWS = CONTENT_PAGE_ROWS + CONTENT_API_ROWS + ANALYTICS_ROWS + EXCHANGE_ROWS + PILOTS_ROWS
ROWS += IMPORTED_ROWS
ROWS += [
    Row(
        "content:post_create",
        "POST",
        url("content:post_create"),
        # Members write; readers who are not members are refused; others do not see it.
        in_community(v, MEMBERS, 302, denied=403),
        {"body": "In the community", "type": "discussion", "community": f"C:{v.upper()}"},
        label=f"in the {v} community",
    )
    for v in VISIBILITIES
]
ROWS += [
    Row("api:notifications_list", "GET", url("api:notifications_list"), api(200)),
    Row("api:notifications_unread_count", "GET", url("api:notifications_unread_count"), api(200)),
    Row(
        "api:notifications_read",
        "POST",
        url("api:notifications_read"),
        api(200),
        {"ids": None},
        json=True,
    ),
]


_imported_ids = {id(row) for row in IMPORTED_ROWS}
CORE_ROWS = [row for row in ROWS if id(row) not in _imported_ids]


# ---------------------------------------------------------------- the world


def _png(name: str = "face.png") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 64), (10, 90, 160)).save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


CANARY = "quokka"  # tests/test_canary.py looks for "quokkasecret" where it must not be


def build_world() -> dict[str, Any]:
    from rucher.accounts.services import profile_photo_set
    from rucher.communities import services

    org = cast.build_org()
    people = cast.build_personas(org)
    communities = cast.build_communities(people, people["other_guest"], people["former_member"])
    owner = people["owner"]
    for community in communities.values():
        services.community_set_image(
            actor=owner, community_id=community.pk, which="avatar", upload=_png()
        )
    outsider = people["outsider"]
    profile_photo_set(actor=outsider, person_id=outsider.pk, upload=_png())
    creation = services.creation_request_submit(
        actor=people["member"],
        name="Predictive maintenance",
        kind="project",
        visibility="private",
        purpose="Share analyses",
        intended_members="The rail team",
        animator_id=people["animator"].pk,
        expected_activity="Two posts a week",
    )
    join_request = services.join_request_create(
        actor=people["former_member"], community_id=communities["private"].pk
    )
    invitation, _token = services.invitation_create(
        actor=owner, community_id=communities["private"].pk, invitee_id=outsider.pk
    )
    _partner, partner_token = services.invitation_create(
        actor=owner, community_id=communities["open"].pk, email="new.partner@acme.example"
    )
    conversations = cast.build_conversations(people, communities, word=CANARY, upload=_png)
    from tests.pilots.world import build_pilot_world

    pilots = build_pilot_world(people, communities, org)
    return {
        **people,
        **conversations,
        **pilots,
        "communities": communities,
        "unit": org["team_a"],
        "creation": creation,
        "join_request": join_request,
        "invitation": invitation,
        "partner_token": partner_token,
    }


def _body(row: Row, world: dict[str, Any]) -> dict[str, Any]:
    """Request data with world placeholders replaced by ids: "MEMBER" is a world key,
    "C:OPEN" a community."""

    def resolve(value: Any) -> Any:
        if isinstance(value, str) and value.isupper():
            if value.startswith("C:"):
                return world["communities"][value[2:].lower()].pk
            if value.lower() in world:
                return world[value.lower()].pk
        return value

    return {key: resolve(value) for key, value in (row.data or {}).items()}


def _url_names(resolver: URLResolver, namespace: str = "") -> set[str]:
    names: set[str] = set()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace in NOT_CHECKED_HERE:
                continue
            names |= _url_names(pattern, pattern.namespace or namespace)
        elif pattern.name:
            names.add(f"{namespace}:{pattern.name}" if namespace else pattern.name)
    return names


MEDIA_ROOT = tempfile.mkdtemp(prefix="rucher-matrix-")


@override_settings(MEDIA_ROOT=MEDIA_ROOT)
class PermissionMatrix(TestCase):
    world: ClassVar[dict[str, Any]]

    @classmethod
    def setUpTestData(cls) -> None:
        cls.world = build_world()

    @classmethod
    def tearDownClass(cls) -> None:
        super().tearDownClass()
        shutil.rmtree(MEDIA_ROOT, ignore_errors=True)

    def test_every_endpoint_has_a_row(self) -> None:
        covered = {row.name for row in ROWS}
        assert _url_names(get_resolver()) - covered == set(), "endpoints without a row"
        assert covered - _url_names(get_resolver()) == set(), "rows of no endpoint"

    def test_every_row_names_every_persona(self) -> None:
        for row in ROWS:
            assert set(row.expect) == set(PERSONAS), row.id

    # The rows are checked in four parts so that parallel test workers share the work.
    def test_statuses_of_people_and_communities(self) -> None:
        self._check_rows(CORE_ROWS)

    def test_statuses_of_conversation_pages(self) -> None:
        self._check_rows(CONTENT_PAGE_ROWS)

    def test_statuses_of_conversation_api(self) -> None:
        self._check_rows(CONTENT_API_ROWS)

    def test_statuses_of_analytics_and_exchange(self) -> None:
        self._check_rows(ANALYTICS_ROWS + EXCHANGE_ROWS)

    def test_statuses_of_pilots(self) -> None:
        self._check_rows(PILOTS_ROWS)

    def test_the_parts_cover_every_row(self) -> None:
        parts = (
            CORE_ROWS
            + CONTENT_PAGE_ROWS
            + CONTENT_API_ROWS
            + ANALYTICS_ROWS
            + EXCHANGE_ROWS
            + PILOTS_ROWS
        )
        assert len(parts) == len(ROWS)

    def _check_rows(self, rows: list[Row]) -> None:
        # One log-in per persona: each request starts again from the cookies of that log-in,
        # and rolls back what it changed in the database, the session included.
        logged_in = {persona: self._logged_in(persona) for persona in PERSONAS}
        wrong: list[str] = []
        for row in rows:
            for persona in PERSONAS:
                problem = self._check(row, persona, logged_in[persona])
                if problem:
                    wrong.append(f"{row.id} as {persona}: {problem}")
        assert wrong == [], "\n" + "\n".join(wrong)

    def _logged_in(self, persona: str) -> SimpleCookie:
        client = Client()
        if persona != "anonymous":
            # A deactivated person keeps a cookie from before: it must not work any more.
            client.force_login(self.world[persona])
        return client.cookies

    def _check(self, row: Row, persona: str, cookies: SimpleCookie) -> str:
        client = Client()
        client.cookies = copy.deepcopy(cookies)
        path = row.path(self.world)
        method = getattr(client, row.method.lower())
        with transaction.atomic():
            if row.json:
                response = method(path, _body(row, self.world), content_type="application/json")
            else:
                response = method(path, _body(row, self.world))
            transaction.set_rollback(True)
        expected, status = row.expect[persona], response.status_code
        if expected == LOGIN:
            location = response.get("Location", "")
            if status != 302 or not location.startswith(reverse("accounts:login")):
                return f"{status} instead of a redirect to log-in"
        elif status != expected:
            return f"{status} instead of {expected}"
        if path.startswith("/api/") and status >= 400:
            error = response.json().get("error", {})
            if set(error) != {"code", "message", "fields"}:
                return f"unstructured API error {response.content[:80]!r}"
        return ""

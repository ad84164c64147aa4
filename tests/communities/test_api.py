"""The communities API (/api/v1/communities, /join-requests, /invitations, /creation-requests,
/community-kinds, /organisation/settings, /guests) as clients use it.

Most tests reuse the ``communities`` fixture of tests/conftest.py (one open, one private and
one secret community with the same cast, and "elsewhere" for another partner guest) and loop
over personas inside one test, so that the fixture is built once per test.
"""

from __future__ import annotations

import datetime
import io
import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from rucher.accounts.models import User
from rucher.accounts.services import user_create
from rucher.communities import services
from rucher.communities.models import (
    Community,
    CreationRequest,
    CreationStatus,
    Invitation,
    InvitationStatus,
    JoinRequest,
    Membership,
    RequestStatus,
)
from rucher.core.models import OrganisationSettings
from tests.accounts.test_api import API, Api, assert_error

pytestmark = pytest.mark.usefixtures("shared_cast")

MISSING = 987654321
FUTURE = (timezone.now() + datetime.timedelta(days=60)).isoformat()


class JsonApi(Api):
    """Sends unsafe requests without a body as an empty body, as ``curl -X POST`` does (the
    test client would otherwise send an empty multipart form)."""

    def call(self, method: str, path: str, **kwargs: Any) -> Any:
        if method != "get" and kwargs.get("body") is None and kwargs.get("raw") is None:
            kwargs["raw"] = ""
        return super().call(method, path, **kwargs)


@pytest.fixture
def api(client: Client) -> Api:
    return JsonApi(client)


def ids(page: dict[str, Any]) -> list[int]:
    return [item["id"] for item in page["items"]]


def member_ids(page: dict[str, Any]) -> list[int]:
    return [item["person"]["id"] for item in page["items"]]


def ok(response: Any, status: int = 200) -> Any:
    assert response.status_code == status, response.content
    return response.json()


@contextmanager
def rolled_back() -> Iterator[None]:
    """Whatever a request writes inside is undone, so that the next persona starts afresh."""
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


def submit_creation_request(requester: User, animator: User, **changes: Any) -> CreationRequest:
    fields: dict[str, Any] = {
        "name": "Predictive maintenance",
        "kind": "best_practice",
        "visibility": "open",
        "purpose": "Share what works.",
        "intended_members": "Maintenance engineers.",
        "animator_id": animator.pk,
        "expected_activity": "A post a week.",
    }
    fields.update(changes)
    return services.creation_request_submit(actor=requester, **fields)


# ---------------------------------------------------------------- every operation, every persona


@dataclass(frozen=True)
class Op:
    name: str  # the url name, as reverse("api:<name>") knows it
    method: str
    path: str  # placeholders: {c} community, {slug}, {member}, {guest}, {jr}, {inv}, {cr}
    expect: dict[str, int]
    body: dict[str, Any] | None = None
    addresses_community: bool = False  # answers as for a missing community to strangers


def expect(default: int, **overrides: int) -> dict[str, int]:
    personas = ("member", "guest", "project_lead", "admin", "outsider", "owner", "animator")
    return {**dict.fromkeys(personas, default), **overrides}


MANAGERS_ONLY = expect(403, admin=200, owner=200, animator=200)
ADMINS_ONLY = expect(403, admin=200)

# The statuses designed against the "private" community of the fixture: member, guest (a
# partner guest of it), owner and animator belong to it; project_lead and outsider do not.
# {jr} is a pending request of Mona (the manager) to join it; {inv} a pending invitation of
# outsider to it; {cr} a creation request of member's.
OPS: list[Op] = [
    Op("communities_list", "get", "/communities", expect(200)),
    Op(
        "communities_create",
        "post",
        "/communities",
        expect(201, guest=403),
        {"name": "Matrix", "kind": "interest"},
    ),
    Op("communities_get_by_slug", "get", "/communities/by-slug/{slug}", expect(200), None, True),
    Op("communities_get", "get", "/communities/{c}", expect(200), None, True),
    Op(
        "communities_update",
        "patch",
        "/communities/{c}",
        MANAGERS_ONLY,
        {"description": "New words."},
        True,
    ),
    Op(
        "communities_archive",
        "post",
        "/communities/{c}/archive",
        expect(403, admin=200, owner=200),
        None,
        True,
    ),
    Op(
        "communities_unarchive",
        "post",
        "/communities/{c}/unarchive",
        expect(403, admin=200, owner=200),
        None,
        True,
    ),
    Op(
        "members_list",
        "get",
        "/communities/{c}/members",
        expect(200, project_lead=403, outsider=403),
        None,
        True,
    ),
    Op(
        "communities_join",
        "post",
        "/communities/{c}/join",
        expect(200, project_lead=403, admin=403, outsider=403),
        None,
        True,
    ),
    Op(
        "communities_leave",
        "post",
        "/communities/{c}/leave",
        expect(200, project_lead=409, admin=409, outsider=409, owner=409),
        None,
        True,
    ),
    Op("members_remove", "delete", "/communities/{c}/members/{member}", MANAGERS_ONLY, None, True),
    Op(
        "members_set_role",
        "patch",
        "/communities/{c}/members/{member}",
        MANAGERS_ONLY,
        {"role": "animator"},
        True,
    ),
    Op(
        "communities_transfer_ownership",
        "post",
        "/communities/{c}/transfer-ownership",
        expect(403, admin=200, owner=200),
        {"new_owner_id": "{member}"},
        True,
    ),
    Op(
        "members_set_guest_access",
        "patch",
        "/communities/{c}/members/{guest}/guest-access",
        MANAGERS_ONLY,
        {"until": FUTURE},
        True,
    ),
    Op(
        "join_requests_create",
        "post",
        "/communities/{c}/join-requests",
        expect(409, guest=403, project_lead=201, admin=201, outsider=201),
        {"message": "Let me in."},
        True,
    ),
    Op("join_requests_list", "get", "/communities/{c}/join-requests", MANAGERS_ONLY, None, True),
    Op(
        "join_requests_accept",
        "post",
        "/join-requests/{jr}/accept",
        expect(404, admin=200, owner=200, animator=200),
        {},
        True,
    ),
    Op(
        "join_requests_decline",
        "post",
        "/join-requests/{jr}/decline",
        expect(404, admin=200, owner=200, animator=200),
        {"reply": "Not now."},
        True,
    ),
    Op("join_requests_cancel", "delete", "/join-requests/{jr}", expect(404), None, True),
    Op(
        "invitations_create",
        "post",
        "/communities/{c}/invitations",
        expect(403, admin=201, owner=201, animator=201),
        {"invitee_id": "{project_lead}"},
        True,
    ),
    Op("invitations_list", "get", "/communities/{c}/invitations", MANAGERS_ONLY, None, True),
    Op(
        "invitations_revoke",
        "delete",
        "/invitations/{inv}",
        expect(404, admin=200, owner=200, animator=200),
        None,
        True,
    ),
    Op("my_invitations_list", "get", "/me/invitations", expect(200)),
    Op(
        "invitations_accept",
        "post",
        "/invitations/{inv}/accept",
        expect(404, outsider=200),
        None,
        True,
    ),
    Op(
        "invitations_refuse",
        "post",
        "/invitations/{inv}/refuse",
        expect(404, outsider=200),
        None,
        True,
    ),
    Op(
        "creation_requests_create",
        "post",
        "/creation-requests",
        expect(201, guest=403),
        {
            "name": "Matrix request",
            "kind": "best_practice",
            "purpose": "p",
            "intended_members": "i",
            "animator_id": "{animator}",
            "expected_activity": "e",
        },
    ),
    Op("creation_requests_list", "get", "/creation-requests", expect(200)),
    Op(
        "creation_requests_get",
        "get",
        "/creation-requests/{cr}",
        expect(404, member=200, project_lead=200, admin=200),
    ),
    Op(
        "creation_requests_comment",
        "post",
        "/creation-requests/{cr}/messages",
        expect(404, member=201, project_lead=201, admin=201),
        {"body": "A question."},
    ),
    Op(
        "creation_requests_approve",
        "post",
        "/creation-requests/{cr}/approve",
        expect(404, project_lead=200, admin=200),
        {},
    ),
    Op(
        "creation_requests_reject",
        "post",
        "/creation-requests/{cr}/reject",
        expect(404, project_lead=200, admin=200),
        {"reason": "Too close to an existing community."},
    ),
    Op(
        "creation_requests_withdraw",
        "post",
        "/creation-requests/{cr}/withdraw",
        expect(404, member=200, project_lead=403, admin=403),
    ),
    Op("community_kinds_list", "get", "/community-kinds", expect(200)),
    Op("organisation_settings_get", "get", "/organisation/settings", ADMINS_ONLY),
    Op(
        "organisation_settings_update",
        "patch",
        "/organisation/settings",
        ADMINS_ONLY,
        {"guest_access_days": 30},
    ),
    Op("guests_list", "get", "/guests", ADMINS_ONLY),
    Op("guests_revoke", "post", "/guests/{guest}/revoke", ADMINS_ONLY),
]


@pytest.fixture
def cast(communities, personas):
    """The ``communities`` cast plus the pending objects the operations address."""
    manager, outsider = personas["manager"], personas["outsider"]
    owner, member, animator = personas["owner"], personas["member"], personas["animator"]
    private = communities["private"]
    join_request = services.join_request_create(actor=manager, community_id=private.pk)
    invitation, _token = services.invitation_create(
        actor=owner, community_id=private.pk, invitee_id=outsider.pk
    )
    creation_request = submit_creation_request(member, animator)
    return {
        **personas,
        **communities,
        "jr": join_request,
        "inv": invitation,
        "cr": creation_request,
    }


def fill(text: str, cast: dict[str, Any], community: Community) -> str:
    values = {
        "c": community.pk,
        "slug": community.slug,
        "member": cast["member"].pk,
        "guest": cast["guest"].pk,
        "animator": cast["animator"].pk,
        "project_lead": cast["project_lead"].pk,
        "jr": cast["jr"].pk,
        "inv": cast["inv"].pk,
        "cr": cast["cr"].pk,
    }
    for key, value in values.items():
        text = text.replace("{" + key + "}", str(value))
    return text


def body_of(op: Op, cast: dict[str, Any], community: Community) -> Any:
    if op.body is None:
        return None
    filled = json.loads(fill(json.dumps(op.body), cast, community))
    # Ids in bodies are numbers, not strings.
    return {k: int(v) if isinstance(v, str) and v.isdigit() else v for k, v in filled.items()}


def test_every_operation_of_the_router_is_in_the_table():
    from rucher.communities.api import router

    declared = {
        operation.view_func.__name__
        for path_view in router.path_operations.values()
        for operation in path_view.operations
    }
    assert declared == {op.name for op in OPS}
    for op in OPS:
        assert reverse(f"api:{op.name}", kwargs=_kwargs_for(op)).startswith(API)


def _kwargs_for(op: Op) -> dict[str, Any]:
    names = {
        "{c}": "community_id",
        "{slug}": "slug",
        "{member}": "user_id",
        "{guest}": "user_id",
        "{jr}": "request_id",
        "{inv}": "invitation_id",
        "{cr}": "request_id",
    }
    return {name: ("x" if name == "slug" else 1) for part, name in names.items() if part in op.path}


def test_status_for_each_persona(api, cast):
    """Every operation as every persona against the private community, each in a transaction
    that is rolled back, so that one persona's write does not change the next one's answer."""
    private = cast["private"]
    for persona in expect(0):
        api.token(cast[persona])  # made outside the rolled-back transactions
    wrong: list[str] = []
    for op in OPS:
        path = fill(op.path, cast, private)
        for persona, status in op.expect.items():
            with rolled_back():
                response = api.call(
                    op.method, path, user=cast[persona], body=body_of(op, cast, private)
                )
            if response.status_code != status:
                wrong.append(f"{op.name} as {persona}: {response.status_code} != {status}")
            elif status >= 400:
                assert_error(
                    response, status, {403: "forbidden", 404: "not_found", 409: "conflict"}[status]
                )
    assert not wrong, "\n".join(wrong)


def test_anonymous_and_deactivated_callers_get_401_everywhere(api, cast):
    session = Client()
    session.force_login(cast["deactivated"])
    for op in OPS:
        path = fill(op.path, cast, cast["private"])
        body = body_of(op, cast, cast["private"])
        assert_error(api.call(op.method, path, body=body), 401, "not_authenticated")
        if op.method == "get":
            response = session.get(API + path)
        else:
            response = getattr(session, op.method)(
                API + path, json.dumps(body or {}), content_type="application/json"
            )
        assert_error(response, 401, "not_authenticated")


# ---------------------------------------------------------------- secret = missing


STRANGERS = ("outsider", "project_lead", "other_guest", "former_member")


@pytest.fixture
def secret_cast(communities, personas, other_guest, former_member):
    """A request to join and an invitation addressing the secret community, both Mona's
    (Mona, the manager, is none of the personas looked at)."""
    secret, owner, manager = communities["secret"], personas["owner"], personas["manager"]
    services.community_update(
        actor=owner, community_id=secret.pk, changes={"visibility": "private"}
    )
    join_request = services.join_request_create(actor=manager, community_id=secret.pk)
    services.community_update(actor=owner, community_id=secret.pk, changes={"visibility": "secret"})
    invitation, _token = services.invitation_create(
        actor=owner, community_id=secret.pk, invitee_id=manager.pk
    )
    return {
        **personas,
        **communities,
        "other_guest": other_guest,
        "former_member": former_member,
        "jr": join_request,
        "inv": invitation,
        "cr": submit_creation_request(personas["member"], personas["animator"]),
    }


def test_a_secret_community_answers_byte_for_byte_like_a_missing_one(api, secret_cast):
    secret = secret_cast["secret"]
    missing = Community(pk=MISSING, slug="no-such-community")
    missing_cast = {
        **secret_cast,
        "jr": JoinRequest(pk=MISSING),
        "inv": Invitation(pk=MISSING),
    }
    for persona in STRANGERS:
        api.token(secret_cast[persona])  # made outside the rolled-back transactions
    compared = 0
    for op in OPS:
        if not op.addresses_community:
            continue
        for persona in STRANGERS:
            stranger = secret_cast[persona]
            with rolled_back():
                hidden = api.call(
                    op.method,
                    fill(op.path, secret_cast, secret),
                    user=stranger,
                    body=body_of(op, secret_cast, secret),
                )
            with rolled_back():
                absent = api.call(
                    op.method,
                    fill(op.path, missing_cast, missing),
                    user=stranger,
                    body=body_of(op, missing_cast, missing),
                )
            where = f"{op.method.upper()} {op.path} as {persona}"
            assert absent.status_code == 404, where
            assert hidden.status_code == absent.status_code, where
            assert hidden.content == absent.content, where
            assert hidden["Content-Type"] == absent["Content-Type"], where
            compared += 1
    assert compared == len([op for op in OPS if op.addresses_community]) * len(STRANGERS)
    # Nothing was written on the way.
    assert JoinRequest.objects.get(pk=secret_cast["jr"].pk).status == RequestStatus.PENDING
    assert Invitation.objects.get(pk=secret_cast["inv"].pk).status == InvitationStatus.PENDING


def test_status_for_each_persona_on_the_secret_community(api, secret_cast):
    """As on the private community, except that the secret one does not exist for those who
    do not belong to it, and that nobody asks to join it (409: by invitation only)."""
    secret = secret_cast["secret"]
    for persona in expect(0):
        api.token(secret_cast[persona])
    wrong: list[str] = []
    for op in OPS:
        expected = dict(op.expect)
        if op.addresses_community:
            expected.update(project_lead=404, outsider=404)
        if op.name == "join_requests_create":
            expected.update(admin=409)
        for persona, status in expected.items():
            with rolled_back():
                response = api.call(
                    op.method,
                    fill(op.path, secret_cast, secret),
                    user=secret_cast[persona],
                    body=body_of(op, secret_cast, secret),
                )
            if response.status_code != status:
                wrong.append(f"{op.name} as {persona}: {response.status_code} != {status}")
    assert not wrong, "\n".join(wrong)


def test_a_secret_community_is_left_out_of_the_directory_for_strangers(api, communities, personas):
    secret = communities["secret"]
    for persona in ("outsider", "project_lead"):
        for filters in ({}, {"visibility": "secret"}, {"q": "secret"}, {"archived": "true"}):
            page = ok(api.call("get", "/communities", user=personas[persona], **filters))
            assert secret.pk not in ids(page), (persona, filters)
    member_page = ok(api.call("get", "/communities", user=personas["member"], visibility="secret"))
    assert ids(member_page) == [secret.pk]
    assert secret.pk in ids(ok(api.call("get", "/communities", user=personas["admin"])))


def test_the_members_of_a_private_community_are_closed_to_non_members(api, communities, outsider):
    private, secret = communities["private"], communities["secret"]
    error = assert_error(
        api.call("get", f"/communities/{private.pk}/members", user=outsider), 403, "forbidden"
    )
    assert "members" in error["message"]
    assert_error(
        api.call("get", f"/communities/{secret.pk}/members", user=outsider), 404, "not_found"
    )
    # The card of the private community is visible, without its charter.
    card = ok(api.call("get", f"/communities/{private.pk}", user=outsider))
    assert card["charter"] is None
    assert card["checklist"] is None
    assert (card["can_read"], card["can_manage"], card["can_join"]) == (False, False, False)


# ---------------------------------------------------------------- partner guests


def test_a_guest_lists_only_invited_communities_and_co_members(
    api, communities, personas, other_guest
):
    guest, owner = personas["guest"], personas["owner"]
    # A pending invitation makes a community visible to the guest, nothing more.
    elsewhere = communities["elsewhere"]
    services.invitation_create(actor=owner, community_id=elsewhere.pk, email=guest.email)
    # Paul, who invites them here, shares no community with them: they do not see him.
    leads = services.community_create(
        actor=personas["project_lead"], name="Lead's circle", kind="project", allows_guests=True
    )
    services.invitation_create(
        actor=personas["project_lead"], community_id=leads.pk, email=guest.email
    )
    services.community_create(actor=owner, name="Not for partners", kind="interest")
    theirs = set(
        Membership.objects.current().filter(user=guest).values_list("community_id", flat=True)
    )
    invited = theirs | {elsewhere.pk, leads.pk}
    co_members = set(
        Membership.objects.current()
        .filter(community_id__in=theirs)
        .values_list("user_id", flat=True)
    )

    listed: set[int] = set()
    for filters in ({}, {"mine": "true"}, {"archived": "true"}, {"visibility": "open"}):
        listed |= set(ids(ok(api.call("get", "/communities", user=guest, **filters))))
    assert listed == invited  # open communities are not offered to guests
    invitations = ok(api.call("get", "/me/invitations", user=guest))
    by_community = {item["community"]["id"]: item for item in invitations["items"]}
    assert set(by_community) == {elsewhere.pk, leads.pk}
    assert by_community[elsewhere.pk]["invited_by"]["id"] == owner.pk  # a co-member
    assert by_community[leads.pk]["invited_by"] is None
    assert {item["invitee"]["id"] for item in invitations["items"]} == {guest.pk}

    people: set[int] = set()
    for community_id in listed:
        response = api.call("get", f"/communities/{community_id}/members", user=guest)
        if community_id in theirs:
            people |= set(member_ids(ok(response)))
        else:
            assert_error(response, 403, "forbidden")  # invited, not yet a member
    assert people <= co_members
    assert other_guest.pk not in people

    assert ok(api.call("get", "/creation-requests", user=guest))["items"] == []
    for path in ("/guests", "/organisation/settings"):
        assert_error(api.call("get", path, user=guest), 403, "forbidden")
    for community_id in theirs:
        for path in ("join-requests", "invitations"):
            response = api.call("get", f"/communities/{community_id}/{path}", user=guest)
            assert_error(response, 403, "forbidden")
    # Communities they are not invited to do not exist for them, open ones included.
    outside = Community.objects.exclude(pk__in=invited)
    assert outside.exists()
    for community in outside:
        response = api.call("get", f"/communities/{community.pk}", user=guest)
        assert_error(response, 404, "not_found")


def test_guests_see_co_members_without_contact_details(api, communities, guest, member):
    page = ok(api.call("get", f"/communities/{communities['private'].pk}/members", user=guest))
    cards = {item["person"]["id"]: item for item in page["items"]}
    assert cards[member.pk]["person"]["email"] is None
    assert cards[guest.pk]["person"]["email"] == guest.email
    # Their own access end is shown to them; a colleague's role is plain.
    assert cards[guest.pk]["expires_at"] is not None
    assert cards[member.pk]["role"] == "member"


# ---------------------------------------------------------------- revocation, next request


def test_revocations_take_effect_on_the_very_next_request(api, communities, personas):
    private, secret = communities["private"], communities["secret"]
    owner, member, guest, admin = (
        personas["owner"],
        personas["member"],
        personas["guest"],
        personas["admin"],
    )
    members_path = f"/communities/{private.pk}/members"

    # A member removed from a community.
    ok(api.call("get", members_path, user=member))
    ok(api.call("delete", f"/communities/{private.pk}/members/{member.pk}", user=owner))
    assert_error(api.call("get", members_path, user=member), 403, "forbidden")
    ok(api.call("get", f"/communities/{secret.pk}", user=member))
    ok(api.call("delete", f"/communities/{secret.pk}/members/{member.pk}", user=owner))
    assert_error(api.call("get", f"/communities/{secret.pk}", user=member), 404, "not_found")
    assert member.pk not in member_ids(ok(api.call("get", members_path, user=owner)))

    # A guest whose access to a community has expired.
    ok(api.call("get", members_path, user=guest))
    Membership.objects.filter(community=private, user=guest).update(
        expires_at=timezone.now() - datetime.timedelta(seconds=1)
    )
    assert_error(api.call("get", members_path, user=guest), 404, "not_found")
    assert_error(api.call("get", f"/communities/{private.pk}", user=guest), 404, "not_found")
    assert private.pk not in ids(ok(api.call("get", "/communities", user=guest)))
    assert guest.pk not in member_ids(ok(api.call("get", members_path, user=owner)))
    ok(api.call("get", f"/communities/{secret.pk}/members", user=guest))

    # A guest whose account is revoked by an administrator.
    revoked = ok(api.call("post", f"/guests/{guest.pk}/revoke", user=admin))
    assert revoked["is_active"] is False
    assert revoked["access_ends_at"] is None
    assert_error(api.call("get", "/communities", user=guest), 401, "not_authenticated")
    secret_members = ok(api.call("get", f"/communities/{secret.pk}/members", user=owner))
    assert guest.pk not in member_ids(secret_members)


def test_a_revoked_guests_session_ends_too(communities, guest, admin, api):
    session = Client()
    session.force_login(guest)
    assert session.get(f"{API}/communities").status_code == 200
    ok(api.call("post", f"/guests/{guest.pk}/revoke", user=admin))
    assert_error(session.get(f"{API}/communities"), 401, "not_authenticated")


# ---------------------------------------------------------------- flows


def test_create_join_leave_and_archive(api, personas, communities):
    owner, member, outsider, admin = (
        personas["owner"],
        personas["member"],
        personas["outsider"],
        personas["admin"],
    )
    created = ok(
        api.call(
            "post",
            "/communities",
            user=member,
            body={
                "name": "  Rail   signalling ",
                "kind": "best_practice",
                "visibility": "open",
                "tags": ["ERTMS", "Safety"],
                "description": "Everything about signals.",
            },
        ),
        201,
    )
    assert created["slug"] == "rail-signalling"
    assert created["name"] == "Rail signalling"
    assert created["kind"]["code"] == "best_practice"
    assert created["tags"] == ["ERTMS", "Safety"]
    assert (created["my_role"], created["is_member"], created["member_count"]) == ("owner", True, 1)
    assert created["charter"]  # the kind's default charter
    assert created["can_manage"] is True
    community_id = created["id"]
    for words in ("signal", "ertms", "RAIL everything"):
        assert ids(ok(api.call("get", "/communities", user=outsider, q=words))) == [community_id]
    assert ids(ok(api.call("get", "/communities", user=outsider, kind="best_practice"))) == [
        community_id
    ]
    assert ids(ok(api.call("get", "/communities", user=outsider, mine="true"))) == []
    by_slug = ok(api.call("get", "/communities/by-slug/rail-signalling", user=member))
    assert by_slug == ok(api.call("get", f"/communities/{community_id}", user=member))

    joined = ok(api.call("post", f"/communities/{community_id}/join", user=outsider))
    assert (joined["is_member"], joined["role"]) == (True, "member")
    again = ok(api.call("post", f"/communities/{community_id}/join", user=outsider))
    assert again == joined
    assert ids(ok(api.call("get", "/communities", user=outsider, mine="true"))) == [community_id]
    page = ok(api.call("get", f"/communities/{community_id}/members", user=outsider))
    assert member_ids(page) == [member.pk, outsider.pk]
    assert [item["role"] for item in page["items"]] == ["owner", "member"]
    card = ok(api.call("get", f"/communities/{community_id}", user=outsider))
    assert (card["member_count"], card["my_role"]) == (2, "member")

    left = ok(api.call("post", f"/communities/{community_id}/leave", user=outsider))
    assert (left["is_member"], left["role"]) == (False, None)
    assert_error(
        api.call("post", f"/communities/{community_id}/leave", user=outsider), 409, "conflict"
    )
    error = assert_error(
        api.call("post", f"/communities/{community_id}/leave", user=member), 409, "conflict"
    )
    assert "owner" in error["message"]

    updated = ok(
        api.call(
            "patch",
            f"/communities/{community_id}",
            user=member,
            body={"name": "Signalling", "tags": ["ERTMS"], "allows_guests": True},
        )
    )
    assert (updated["name"], updated["tags"], updated["allows_guests"]) == (
        "Signalling",
        ["ERTMS"],
        True,
    )
    assert updated["slug"] == "rail-signalling"  # the address stays

    archived = ok(api.call("post", f"/communities/{community_id}/archive", user=member))
    assert archived["archived_at"] is not None
    assert community_id not in ids(ok(api.call("get", "/communities", user=outsider)))
    listed = ok(api.call("get", "/communities", user=outsider, archived="true"))
    assert community_id in ids(listed)
    assert_error(
        api.call("post", f"/communities/{community_id}/join", user=outsider), 409, "conflict"
    )
    assert_error(
        api.call("patch", f"/communities/{community_id}", user=member, body={"name": "X"}),
        409,
        "conflict",
    )
    restored = ok(api.call("post", f"/communities/{community_id}/unarchive", user=admin))
    assert restored["archived_at"] is None
    assert owner.pk not in member_ids(
        ok(api.call("get", f"/communities/{community_id}/members", user=admin))
    )


def test_creating_needs_a_request_when_the_organisation_says_so(api, admin, member, project_lead):
    services.organisation_settings_update(actor=admin, community_creation="request")
    error = assert_error(
        api.call(
            "post", "/communities", user=member, body={"name": "Lean", "kind": "best_practice"}
        ),
        403,
        "forbidden",
    )
    assert "creation request" in error["message"]
    # The project team still opens communities directly.
    ok(
        api.call(
            "post",
            "/communities",
            user=project_lead,
            body={"name": "Lean", "kind": "best_practice"},
        ),
        201,
    )


def test_request_to_join_accept_and_decline(api, communities, personas):
    private, animator = communities["private"], personas["animator"]
    outsider, lead = personas["outsider"], personas["project_lead"]
    created = ok(
        api.call(
            "post",
            f"/communities/{private.pk}/join-requests",
            user=outsider,
            body={"message": "I work on this too."},
        ),
        201,
    )
    assert (created["status"], created["message"]) == ("pending", "I work on this too.")
    assert created["community"] == {"id": private.pk, "slug": private.slug, "name": private.name}
    assert created["person"]["id"] == outsider.pk
    card = ok(api.call("get", f"/communities/{private.pk}", user=outsider))
    assert card["pending_join_request_id"] == created["id"]
    assert_error(
        api.call("post", f"/communities/{private.pk}/join-requests", user=outsider),
        409,
        "conflict",
    )
    ok(api.call("post", f"/communities/{private.pk}/join-requests", user=lead), 201)

    pending = ok(api.call("get", f"/communities/{private.pk}/join-requests", user=animator))
    assert [item["person"]["id"] for item in pending["items"]] == [outsider.pk, lead.pk]

    accepted = ok(
        api.call("post", f"/join-requests/{created['id']}/accept", user=animator, body={})
    )
    assert accepted["status"] == "accepted"
    assert_error(
        api.call("post", f"/join-requests/{created['id']}/accept", user=animator),
        409,
        "conflict",
    )
    assert outsider.pk in member_ids(
        ok(api.call("get", f"/communities/{private.pk}/members", user=outsider))
    )

    declined = ok(
        api.call(
            "post",
            f"/join-requests/{pending['items'][1]['id']}/decline",
            user=animator,
            body={"reply": "This one is for the maintenance teams."},
        )
    )
    assert (declined["status"], declined["reply"]) == (
        "declined",
        "This one is for the maintenance teams.",
    )
    assert ok(api.call("get", f"/communities/{private.pk}/join-requests", user=animator)) == {
        "items": [],
        "next": None,
    }


def test_cancel_your_own_request_only(api, communities, outsider, project_lead):
    private = communities["private"]
    created = ok(api.call("post", f"/communities/{private.pk}/join-requests", user=outsider), 201)
    path = f"/join-requests/{created['id']}"
    assert_error(api.call("delete", path, user=project_lead), 404, "not_found")
    assert ok(api.call("delete", path, user=outsider))["status"] == "cancelled"
    assert_error(api.call("delete", path, user=outsider), 409, "conflict")


def test_joining_open_and_private_communities(api, communities, outsider, guest):
    error = assert_error(
        api.call("post", f"/communities/{communities['private'].pk}/join", user=outsider),
        403,
        "forbidden",
    )
    assert "ask to join" in error["message"]
    assert_error(
        api.call("post", f"/communities/{communities['open'].pk}/join-requests", user=outsider),
        409,
        "conflict",
    )
    assert_error(
        api.call("post", f"/communities/{communities['private'].pk}/join-requests", user=guest),
        403,
        "forbidden",
    )


def test_invite_accept_refuse_and_revoke(api, communities, personas):
    private, owner = communities["private"], personas["owner"]
    outsider, lead, manager = personas["outsider"], personas["project_lead"], personas["manager"]
    created = ok(
        api.call(
            "post",
            f"/communities/{private.pk}/invitations",
            user=owner,
            body={"invitee_id": outsider.pk, "role": "animator", "message": "Join us!"},
        ),
        201,
    )
    assert (created["role"], created["status"], created["message"]) == (
        "animator",
        "pending",
        "Join us!",
    )
    assert created["invitee"] == {"id": outsider.pk, "display_name": outsider.display_name}
    assert created["invited_by"]["id"] == owner.pk
    invitation = Invitation.objects.get(pk=created["id"])
    assert not {"token", "token_digest", "link", "url"} & set(created)
    assert invitation.token_digest not in json.dumps(created)

    mine = ok(api.call("get", "/me/invitations", user=outsider))
    assert ids(mine) == [created["id"]]
    card = ok(api.call("get", f"/communities/{private.pk}", user=outsider))
    assert card["pending_invitation_id"] == created["id"]
    listed = ok(api.call("get", f"/communities/{private.pk}/invitations", user=owner))
    assert ids(listed) == [created["id"]]
    assert "token" not in json.dumps(listed)

    # Someone else's invitation does not exist for you.
    assert_error(
        api.call("post", f"/invitations/{created['id']}/accept", user=lead), 404, "not_found"
    )
    membership = ok(api.call("post", f"/invitations/{created['id']}/accept", user=outsider))
    assert (membership["role"], membership["is_member"]) == ("animator", True)
    assert_error(
        api.call("post", f"/invitations/{created['id']}/accept", user=outsider), 404, "not_found"
    )

    # Refusing, and revoking.
    for person in (lead, manager):
        ok(
            api.call(
                "post",
                f"/communities/{private.pk}/invitations",
                user=owner,
                body={"email": person.email},
            ),
            201,
        )
    to_lead, to_manager = (
        Invitation.objects.get(community=private, invitee=person, status="pending")
        for person in (lead, manager)
    )
    refused = ok(api.call("post", f"/invitations/{to_lead.pk}/refuse", user=lead))
    assert refused["status"] == "refused"
    revoked = ok(api.call("delete", f"/invitations/{to_manager.pk}", user=owner))
    assert revoked["status"] == "revoked"
    assert_error(api.call("delete", f"/invitations/{to_manager.pk}", user=owner), 409, "conflict")
    assert_error(
        api.call("post", f"/invitations/{to_manager.pk}/accept", user=manager), 404, "not_found"
    )
    assert ok(api.call("get", f"/communities/{private.pk}/invitations", user=owner))["items"] == []


def test_inviting_a_partner_guest(api, communities, owner):
    private = communities["private"]
    created = ok(
        api.call(
            "post",
            f"/communities/{private.pk}/invitations",
            user=owner,
            body={"email": "new.partner@acme.example", "access_until": FUTURE},
        ),
        201,
    )
    assert (created["role"], created["invitee"], created["email"]) == (
        "guest",
        None,
        "new.partner@acme.example",
    )
    assert created["access_until"] is not None
    services.community_update(
        actor=owner, community_id=private.pk, changes={"allows_guests": False}
    )
    error = assert_error(
        api.call(
            "post",
            f"/communities/{private.pk}/invitations",
            user=owner,
            body={"email": "another.partner@acme.example"},
        ),
        403,
        "forbidden",
    )
    assert "guests" in error["message"]


def test_roles_transfer_and_guest_access(api, communities, personas):
    community = communities["open"]
    owner, animator, member, guest = (
        personas["owner"],
        personas["animator"],
        personas["member"],
        personas["guest"],
    )
    base = f"/communities/{community.pk}"
    promoted = ok(
        api.call("patch", f"{base}/members/{member.pk}", user=animator, body={"role": "animator"})
    )
    assert promoted["role"] == "animator"
    error = assert_error(
        api.call("patch", f"{base}/members/{member.pk}", user=animator, body={"role": "owner"}),
        403,
        "forbidden",
    )
    assert "owner" in error["message"]
    assert_error(
        api.call("patch", f"{base}/members/{guest.pk}", user=owner, body={"role": "member"}),
        409,
        "conflict",
    )
    assert_error(
        api.call("patch", f"{base}/members/{MISSING}", user=owner, body={"role": "member"}),
        404,
        "not_found",
    )

    transferred = ok(
        api.call("post", f"{base}/transfer-ownership", user=owner, body={"new_owner_id": member.pk})
    )
    assert (transferred["user_id"], transferred["role"]) == (member.pk, "owner")
    roles = dict(Membership.objects.filter(community=community).values_list("user_id", "role"))
    assert (roles[member.pk], roles[owner.pk]) == ("owner", "animator")
    error = assert_error(
        api.call(
            "post", f"{base}/transfer-ownership", user=member, body={"new_owner_id": guest.pk}
        ),
        400,
        "invalid",
    )
    assert "new_owner_id" in error["fields"]

    until = timezone.now() + datetime.timedelta(days=200)
    extended = ok(
        api.call(
            "patch",
            f"{base}/members/{guest.pk}/guest-access",
            user=animator,
            body={"until": until.isoformat()},
        )
    )
    returned = datetime.datetime.fromisoformat(extended["expires_at"])
    assert abs(returned - until) < datetime.timedelta(milliseconds=1)
    error = assert_error(
        api.call(
            "patch",
            f"{base}/members/{guest.pk}/guest-access",
            user=animator,
            body={"until": "2001-01-01T00:00:00"},
        ),
        400,
        "invalid",
    )
    assert "until" in error["fields"]
    assert_error(
        api.call(
            "patch",
            f"{base}/members/{member.pk}/guest-access",
            user=animator,
            body={"until": until.isoformat()},
        ),
        404,
        "not_found",
    )

    # Managers see when a guest's access ends; other members do not.
    as_manager = ok(api.call("get", f"{base}/members", user=animator, role="guest"))
    assert [item["person"]["id"] for item in as_manager["items"]] == [guest.pk]
    assert as_manager["items"][0]["expires_at"] is not None
    as_member = ok(api.call("get", f"{base}/members", user=personas["outsider"], role="guest"))
    assert as_member["items"][0]["expires_at"] is None

    removed = ok(api.call("delete", f"{base}/members/{guest.pk}", user=animator))
    assert (removed["is_member"], removed["user_id"]) == (False, guest.pk)
    # Since the transfer, member is the owner: an animator cannot remove an owner.
    assert_error(api.call("delete", f"{base}/members/{member.pk}", user=animator), 403, "forbidden")


def test_creation_request_approved(api, personas, admin):
    member, animator, lead = personas["member"], personas["animator"], personas["project_lead"]
    services.organisation_settings_update(actor=admin, community_creation="request")
    body = {
        "name": "Predictive maintenance",
        "kind": "best_practice",
        "visibility": "private",
        "purpose": "Share what works.",
        "intended_members": "Maintenance engineers, about 40.",
        "animator_id": animator.pk,
        "expected_activity": "A post a week, a meeting a month.",
    }
    created = ok(api.call("post", "/creation-requests", user=member, body=body), 201)
    assert (created["status"], created["messages"], created["community"]) == (
        "submitted",
        [],
        None,
    )
    assert created["requester"]["id"] == member.pk
    request_id = created["id"]

    queue = ok(api.call("get", "/creation-requests", user=lead))
    assert ids(queue) == [request_id]
    assert ok(api.call("get", "/creation-requests", user=personas["outsider"]))["items"] == []
    assert_error(
        api.call("get", f"/creation-requests/{request_id}", user=personas["outsider"]),
        404,
        "not_found",
    )

    question = ok(
        api.call(
            "post",
            f"/creation-requests/{request_id}/messages",
            user=lead,
            body={"body": "Is there an overlap with the Lean community?"},
        ),
        201,
    )
    assert question["from_team"] is True
    assert ok(api.call("get", f"/creation-requests/{request_id}", user=member))["status"] == (
        "questions"
    )
    answer = ok(
        api.call(
            "post",
            f"/creation-requests/{request_id}/messages",
            user=member,
            body={"body": "No: Lean is about the shop floor."},
        ),
        201,
    )
    assert answer["from_team"] is False

    approved = ok(api.call("post", f"/creation-requests/{request_id}/approve", user=lead))
    assert approved["status"] == "approved"
    assert [message["body"] for message in approved["messages"]] == [
        "Is there an overlap with the Lean community?",
        "No: Lean is about the shop floor.",
    ]
    assert approved["reviewed_by"]["id"] == lead.pk
    community_id = approved["community"]["id"]
    card = ok(api.call("get", f"/communities/{community_id}", user=member))
    assert (card["my_role"], card["visibility"]) == ("owner", "private")
    roles = dict(
        Membership.objects.filter(community_id=community_id).values_list("user_id", "role")
    )
    assert roles == {member.pk: "owner", animator.pk: "animator"}
    assert_error(
        api.call("post", f"/creation-requests/{request_id}/withdraw", user=member),
        409,
        "conflict",
    )
    decided = ok(api.call("get", "/creation-requests", user=lead, status="approved"))
    assert ids(decided) == [request_id]
    assert ok(api.call("get", "/creation-requests", user=lead))["items"] == []


def test_creation_request_rejected_and_withdrawn(api, personas):
    member, animator, lead = personas["member"], personas["animator"], personas["project_lead"]
    first = submit_creation_request(member, animator)
    second = submit_creation_request(member, animator, name="Another")
    error = assert_error(
        api.call("post", f"/creation-requests/{first.pk}/reject", user=lead, body={"reason": " "}),
        400,
        "invalid",
    )
    assert "reason" in error["fields"]
    assert_error(
        api.call("post", f"/creation-requests/{first.pk}/reject", user=lead, body={}),
        422,
        "invalid",
    )
    assert_error(
        api.call(
            "post", f"/creation-requests/{first.pk}/reject", user=member, body={"reason": "no"}
        ),
        404,
        "not_found",
    )
    rejected = ok(
        api.call(
            "post",
            f"/creation-requests/{first.pk}/reject",
            user=lead,
            body={"reason": "The Lean community covers it."},
        )
    )
    assert (rejected["status"], rejected["decision_reason"], rejected["community"]) == (
        "rejected",
        "The Lean community covers it.",
        None,
    )
    assert_error(
        api.call("post", f"/creation-requests/{second.pk}/withdraw", user=lead), 403, "forbidden"
    )
    withdrawn = ok(api.call("post", f"/creation-requests/{second.pk}/withdraw", user=member))
    assert withdrawn["status"] == "withdrawn"
    mine = ok(api.call("get", "/creation-requests", user=member, status="all"))
    assert set(ids(mine)) == {first.pk, second.pk}
    assert CreationRequest.objects.filter(status=CreationStatus.SUBMITTED).count() == 0


def test_kinds_settings_and_guests(api, communities, personas, other_guest):
    admin, guest = personas["admin"], personas["guest"]
    kinds = ok(api.call("get", "/community-kinds", user=guest))
    assert {"profession", "project", "best_practice", "interest"} <= {
        kind["code"] for kind in kinds
    }
    assert all(kind["name"] and kind["default_visibility"] for kind in kinds)

    current = ok(api.call("get", "/organisation/settings", user=admin))
    assert (current["community_creation"], current["guests_allowed"]) == ("direct", True)
    changed = ok(
        api.call(
            "patch",
            "/organisation/settings",
            user=admin,
            body={"community_creation": "request", "guest_access_days": 30},
        )
    )
    assert (changed["community_creation"], changed["guest_access_days"]) == ("request", 30)
    assert changed["guests_allowed"] is True  # left out, kept
    assert OrganisationSettings.current().community_creation == "request"
    for body, field in (
        ({"community_creation": "anarchy"}, "community_creation"),
        ({"guest_access_days": 0}, "guest_access_days"),
    ):
        error = assert_error(
            api.call("patch", "/organisation/settings", user=admin, body=body), 400, "invalid"
        )
        assert field in error["fields"]

    page = ok(api.call("get", "/guests", user=admin))
    by_id = {item["id"]: item for item in page["items"]}
    assert set(by_id) == {guest.pk, other_guest.pk}
    assert by_id[guest.pk]["company"] == "Partner SARL"
    assert {item["community"]["name"] for item in by_id[guest.pk]["communities"]} == {
        "Open circle",
        "Private circle",
        "Secret circle",
    }
    assert by_id[guest.pk]["access_ends_at"] is not None
    assert [item["community"]["name"] for item in by_id[other_guest.pk]["communities"]] == [
        "Elsewhere"
    ]
    # Only partner guests are revoked here.
    assert_error(
        api.call("post", f"/guests/{personas['member'].pk}/revoke", user=admin), 404, "not_found"
    )
    assert User.objects.get(pk=personas["member"].pk).is_active
    ok(api.call("post", f"/guests/{other_guest.pk}/revoke", user=admin))
    again = ok(api.call("post", f"/guests/{other_guest.pk}/revoke", user=admin))
    assert again["is_active"] is False
    assert ids(ok(api.call("get", "/guests", user=admin)))[-1] == other_guest.pk


# ---------------------------------------------------------------- bad input


def test_bad_input_answers_structured_errors(api, communities, personas):
    owner, member, lead = personas["owner"], personas["member"], personas["project_lead"]
    open_one, private = communities["open"], communities["private"]

    def refused(response: Any, status: int, field: str) -> None:
        code = {400: "invalid", 409: "conflict", 422: "invalid"}[status]
        error = assert_error(response, status, code)
        assert field in error["fields"], error

    # Communities.
    taken = {"name": "Copy", "kind": "interest", "slug": open_one.slug}
    refused(api.call("post", "/communities", user=member, body=taken), 409, "slug")
    refused(
        api.call("post", "/communities", user=member, body={"name": "X", "kind": "nope"}),
        400,
        "kind",
    )
    refused(
        api.call(
            "post",
            "/communities",
            user=member,
            body={"name": "X", "kind": "interest", "visibility": "public"},
        ),
        400,
        "visibility",
    )
    refused(
        api.call("post", "/communities", user=member, body={"name": " ", "kind": "interest"}),
        400,
        "name",
    )
    for field, size in (("name", 101), ("description", 5001), ("charter", 10001)):
        body = {"name": "X", "kind": "interest", field: "x" * size}
        refused(api.call("post", "/communities", user=member, body=body), 400, field)
    refused(
        api.call(
            "post",
            "/communities",
            user=member,
            body={"name": "X", "kind": "interest", "tags": ["x" * 65]},
        ),
        400,
        "tags",
    )
    refused(
        api.call(
            "post", "/communities", user=member, body={"name": "X", "kind": "interest", "colour": 1}
        ),
        422,
        "colour",
    )
    assert not Community.objects.filter(name="X").exists()
    patch = f"/communities/{private.pk}"
    refused(api.call("patch", patch, user=owner, body={"slug": open_one.slug}), 409, "slug")
    for body, field in (
        ({"description": "x" * 5001}, "description"),
        ({"charter": "x" * 10001}, "charter"),
        ({"name": None}, "name"),
        ({"visibility": "everyone"}, "visibility"),
        ({"name": "Renamed", "visibility": "everyone"}, "visibility"),
    ):
        refused(api.call("patch", patch, user=owner, body=body), 400, field)
    assert Community.objects.get(pk=private.pk).name == "Private circle"  # nothing saved

    # Members.
    members = f"/communities/{private.pk}/members"
    error = assert_error(
        api.call("patch", f"{members}/{owner.pk}", user=owner, body={"role": "member"}),
        409,
        "conflict",
    )
    assert "owner" in error["message"]
    refused(
        api.call("patch", f"{members}/{member.pk}", user=owner, body={"role": "king"}), 400, "role"
    )
    refused(api.call("patch", f"{members}/{member.pk}", user=owner, body={}), 422, "role")

    # Requests to join and invitations.
    refused(
        api.call(
            "post",
            f"/communities/{private.pk}/join-requests",
            user=lead,
            body={"message": "x" * 2001},
        ),
        400,
        "message",
    )
    invitations = f"/communities/{private.pk}/invitations"
    refused(
        api.call("post", invitations, user=owner, body={"invitee_id": member.pk}),
        409,
        "invitee_id",
    )
    refused(
        api.call("post", invitations, user=owner, body={"invitee_id": MISSING}), 400, "invitee_id"
    )
    refused(
        api.call("post", invitations, user=owner, body={"email": "not-an-address"}), 400, "email"
    )
    refused(api.call("post", invitations, user=owner, body={}), 400, "email")
    refused(
        api.call(
            "post", invitations, user=owner, body={"invitee_id": lead.pk, "message": "x" * 2001}
        ),
        400,
        "message",
    )
    refused(
        api.call("post", invitations, user=owner, body={"invitee_id": lead.pk, "role": "owner"}),
        400,
        "role",
    )
    ok(api.call("post", invitations, user=owner, body={"invitee_id": lead.pk}), 201)
    refused(api.call("post", invitations, user=owner, body={"invitee_id": lead.pk}), 409, "email")
    request = services.join_request_create(actor=personas["outsider"], community_id=private.pk)
    refused(
        api.call(
            "post", f"/join-requests/{request.pk}/decline", user=owner, body={"reply": "x" * 2001}
        ),
        400,
        "reply",
    )
    assert JoinRequest.objects.get(pk=request.pk).status == RequestStatus.PENDING

    # Creation requests.
    animator = personas["animator"]
    body = {
        "name": "Y",
        "kind": "best_practice",
        "purpose": "p",
        "intended_members": "i",
        "animator_id": animator.pk,
        "expected_activity": "e",
    }
    for changes, field in (
        ({"kind": "nope"}, "kind"),
        ({"purpose": "x" * 5001}, "purpose"),
        ({"purpose": ""}, "purpose"),
        ({"animator_id": personas["guest"].pk}, "animator_id"),
        ({"animator_id": MISSING}, "animator_id"),
        ({"visibility": "loud"}, "visibility"),
    ):
        refused(
            api.call("post", "/creation-requests", user=member, body={**body, **changes}),
            400,
            field,
        )
    refused(api.call("post", "/creation-requests", user=member, body={"name": "Y"}), 422, "purpose")
    submitted = submit_creation_request(member, animator)
    refused(
        api.call(
            "post",
            f"/creation-requests/{submitted.pk}/messages",
            user=member,
            body={"body": "x" * 5001},
        ),
        400,
        "body",
    )
    refused(
        api.call(
            "post",
            f"/creation-requests/{submitted.pk}/reject",
            user=lead,
            body={"reason": "x" * 5001},
        ),
        400,
        "reason",
    )
    assert CreationRequest.objects.get(pk=submitted.pk).status == CreationStatus.SUBMITTED

    # Query strings, ids and bodies that cannot be read.
    for params in ({"limit": 0}, {"limit": 101}, {"visibility": "loud"}, {"q": "x" * 201}):
        assert_error(api.call("get", "/communities", user=member, **params), 422, "invalid")
    assert_error(
        api.call("get", "/communities", user=member, cursor="!!not a cursor"), 400, "invalid"
    )
    assert_error(api.call("get", "/creation-requests", user=member, status="x"), 422, "invalid")
    for path in ("/communities/0", f"/communities/{2**64}", "/communities/abc/members"):
        assert_error(api.call("get", path, user=member), 422, "invalid")
    assert_error(api.call("post", "/communities", user=member, raw="{not json"), 400, "invalid")


def test_a_missing_slug_and_odd_slugs_are_404(api, member):
    for slug in ("no-such-community", "x" * 300, "%C3%A9t%C3%A9", "1"):
        assert_error(api.call("get", f"/communities/by-slug/{slug}", user=member), 404, "not_found")


def test_an_address_is_made_plain_from_a_name_with_accents(api, project_lead):
    created = ok(
        api.call(
            "post", "/communities", user=project_lead, body={"name": "Été", "kind": "interest"}
        ),
        201,
    )
    assert created["slug"] == "ete"
    found = ok(api.call("get", "/communities/by-slug/ete", user=project_lead))
    assert found == created


def test_bodies_are_optional_where_every_field_is(api, communities, personas, client):
    private, owner = communities["private"], personas["owner"]
    request = services.join_request_create(actor=personas["outsider"], community_id=private.pk)
    # An empty body is accepted; a form body is a structured 400, not a 500.
    token = api.token(owner)
    response = client.post(
        f"{API}/join-requests/{request.pk}/accept", headers={"Authorization": f"Bearer {token}"}
    )
    assert_error(response, 400, "invalid")
    accepted = ok(api.call("post", f"/join-requests/{request.pk}/accept", user=owner, raw=""))
    assert (accepted["status"], accepted["reply"]) == ("accepted", "")


def test_a_community_named_like_a_sub_route_is_found_by_its_address(api, project_lead):
    created = ok(
        api.call(
            "post",
            "/communities",
            user=project_lead,
            body={"name": "Members", "kind": "interest", "slug": "members"},
        ),
        201,
    )
    found = ok(api.call("get", "/communities/by-slug/members", user=project_lead))
    assert found["id"] == created["id"]


# ---------------------------------------------------------------- images


def _image_upload() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (300, 300), (200, 120, 20)).save(buffer, format="PNG")
    return SimpleUploadedFile("logo.png", buffer.getvalue(), content_type="image/png")


def test_avatar_url_only_when_there_is_an_image(api, communities, owner, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    open_one = communities["open"]
    card = ok(api.call("get", f"/communities/{open_one.pk}", user=owner))
    assert (card["avatar_url"], card["banner_url"]) == (None, None)
    services.community_set_image(
        actor=owner, community_id=open_one.pk, which="avatar", upload=_image_upload()
    )
    card = ok(api.call("get", f"/communities/{open_one.pk}", user=owner))
    assert card["avatar_url"] == f"/communities/{open_one.slug}/image/avatar/"
    assert card["banner_url"] is None
    listed = {item["id"]: item for item in ok(api.call("get", "/communities", user=owner))["items"]}
    assert listed[open_one.pk]["avatar_url"] == card["avatar_url"]
    assert listed[communities["private"].pk]["avatar_url"] is None


# ---------------------------------------------------------------- pages and query counts


@pytest.fixture
def crowd(personas, communities):
    """55 more open communities, and 55 more members of the open community."""
    lead = personas["project_lead"]
    open_one = communities["open"]
    for number in range(55):
        services.community_create(
            actor=lead, name=f"Community {number:02d}", kind="interest", visibility="open"
        )
        person = user_create(
            actor=None, email=f"person{number}@exemple.fr", display_name=f"Person {number:02d}"
        )
        services.membership_join(actor=person, community_id=open_one.pk)
    return open_one


def walk(api: Api, user: User, path: str, limit: int, **params: Any) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    cursor = None
    for _page in range(200):
        query = {"limit": limit, **params, **({"cursor": cursor} if cursor else {})}
        page = ok(api.call("get", path, user=user, **query))
        assert len(page["items"]) <= limit
        items.extend(page["items"])
        cursor = page["next"]
        if cursor is None:
            return items
    raise AssertionError("the pages never ended")


def test_pages_give_each_item_once_and_cost_the_same_queries(api, personas, crowd):
    outsider, member = personas["outsider"], personas["member"]
    communities = walk(api, outsider, "/communities", 7)
    expected = Community.objects.visible_to(outsider).filter(archived_at__isnull=True)
    assert [item["id"] for item in communities] == list(
        expected.order_by("name", "id").values_list("pk", flat=True)
    )
    members = walk(api, outsider, f"/communities/{crowd.pk}/members", 9)
    people = [item["person"]["id"] for item in members]
    assert len(people) == len(set(people))
    assert set(people) == set(
        Membership.objects.current()
        .filter(community=crowd, user__is_active=True)
        .values_list("user_id", flat=True)
    )

    for path in ("/communities", f"/communities/{crowd.pk}/members"):
        api.call("get", path, user=member, limit=1)  # token first use, presence of the day

        def count(limit: int) -> int:
            with CaptureQueriesContext(connection) as queries:
                response = api.call("get", path, user=member, limit=limit)  # noqa: B023
            assert len(ok(response)["items"]) == limit
            return len(queries)

        assert count(5) == count(50), path
        assert count(50) <= 10, path


# ---------------------------------------------------------------- the OpenAPI document


def test_communities_operations_document_their_errors():
    from rucher.ops.management.commands.export_openapi import openapi_document

    document = json.loads(openapi_document())
    seen: set[str] = set()
    for path, item in document["paths"].items():
        for method, operation in item.items():
            tags = set(operation.get("tags", []))
            if not tags & {"communities", "creation requests"}:
                continue
            seen.add(operation["operationId"])
            where = f"{method.upper()} {path}"
            assert operation.get("description"), where
            for status in ("401", *[code for code in operation["responses"] if code >= "400"]):
                content = operation["responses"][status]["content"]["application/json"]
                assert content["schema"]["$ref"] == "#/components/schemas/ErrorOut", where
            assert "token" not in json.dumps(operation["responses"].get("201", {})).lower(), where
    assert len(seen) == len(OPS)

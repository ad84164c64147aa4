"""The people API (/api/v1/me, /people, /org-units, /sites, /me/tokens) as clients use it."""

from __future__ import annotations

import base64
import datetime
import io
import json
from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.middleware.csrf import _get_new_csrf_string
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from rucher.accounts.models import Role, User
from rucher.accounts.services import (
    person_follow,
    profile_photo_set,
    profile_update,
    token_create,
    token_revoke,
    user_create,
    user_deactivate,
)
from rucher.communities.services import (
    community_create,
    invitation_accept,
    invitation_create,
    membership_join,
    organisation_settings_update,
)
from rucher.core.models import Event
from tests.conftest import PASSWORD

pytestmark = pytest.mark.usefixtures("shared_personas")

API = "/api/v1"

# Every endpoint, with a method, for the checks that apply to all of them. "{id}" is replaced
# by an existing person's id (or org unit id for /org-units).
ENDPOINTS = [
    ("get", "/me"),
    ("patch", "/me"),
    ("get", "/me/tokens"),
    ("post", "/me/tokens"),
    ("delete", "/me/tokens/987654"),
    ("get", "/people"),
    ("get", "/people/{id}"),
    ("get", "/people/{id}/org-chart"),
    ("get", "/people/{id}/followers"),
    ("get", "/people/{id}/following"),
    ("put", "/people/{id}/follow"),
    ("delete", "/people/{id}/follow"),
    ("get", "/org-units"),
    ("get", "/org-units/{unit}"),
    ("get", "/sites"),
]
SAFE = {"get", "head", "options"}


class Api:
    """A client of the API speaking JSON, authenticated with a bearer token per person."""

    def __init__(self, client: Client):
        self.client = client
        self.tokens: dict[int, str] = {}

    def token(self, user: User) -> str:
        if user.pk not in self.tokens:
            self.tokens[user.pk] = token_create(actor=user, name="tests")[1]
        return self.tokens[user.pk]

    def call(
        self,
        method: str,
        path: str,
        *,
        user: User | None = None,
        token: str | None = None,
        body: Any = None,
        raw: str | None = None,
        **params: Any,
    ) -> Any:
        headers = {}
        if user is not None:
            token = self.token(user)
        if token is not None:
            headers["Authorization"] = f"Bearer {token}"
        kwargs: dict[str, Any] = {"headers": headers}
        if method in SAFE:
            kwargs["data"] = params
        elif raw is not None or body is not None:
            kwargs["data"] = raw if raw is not None else json.dumps(body)
            kwargs["content_type"] = "application/json"
        return getattr(self.client, method)(API + path, **kwargs)


@pytest.fixture
def api(client: Client) -> Api:
    return Api(client)


def assert_error(response: Any, status: int, code: str) -> dict[str, Any]:
    """The structured error shape, with the expected status and code."""
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    error = response.json()["error"]
    assert error["code"] == code
    assert isinstance(error["message"], str)
    assert error["message"]
    assert isinstance(error["fields"], dict)
    return error


def names(page: dict[str, Any]) -> list[str]:
    return [item["display_name"] for item in page["items"]]


def fill(path: str, personas: dict[str, User], org: dict[str, Any]) -> str:
    return path.replace("{id}", str(personas["manager"].pk)).replace(
        "{unit}", str(org["department"].pk)
    )


# ---------------------------------------------------------------- authentication


@pytest.mark.parametrize(("method", "path"), ENDPOINTS)
def test_anonymous_callers_are_asked_to_authenticate(api, personas, org, method, path):
    response = api.call(method, fill(path, personas, org), body={})
    assert_error(response, 401, "not_authenticated")


@pytest.mark.parametrize(("method", "path"), [e for e in ENDPOINTS if e[0] not in SAFE])
def test_anonymous_unsafe_requests_are_401_even_when_csrf_is_enforced(personas, org, method, path):
    api = Api(Client(enforce_csrf_checks=True))
    response = api.call(method, fill(path, personas, org), body={})
    assert_error(response, 401, "not_authenticated")


@pytest.mark.parametrize(("method", "path"), ENDPOINTS)
def test_deactivated_person_is_refused_everywhere(api, personas, org, method, path):
    # The token was made while they were active; deactivation revoked it.
    person = user_create(actor=None, email="leaving@exemple.fr", display_name="Leaving Soon")
    _token, secret = token_create(actor=person, name="laptop")
    user_deactivate(actor=None, person_id=person.pk)
    response = api.call(method, fill(path, personas, org), token=secret, body={})
    assert_error(response, 401, "not_authenticated")


def test_a_bearer_token_authenticates_its_owner(api, member):
    response = api.call("get", "/me", user=member)
    assert response.status_code == 200
    assert response.json()["email"] == "member@exemple.fr"


@pytest.mark.parametrize("header", ["Bearer nonsense", "Bearer rch_forged", "Token abc", ""])
def test_unknown_tokens_are_refused(client, member, header):
    response = client.get(f"{API}/me", headers={"Authorization": header})
    assert_error(response, 401, "not_authenticated")


def test_a_revoked_token_stops_working_at_once(api, member):
    token, secret = token_create(actor=member, name="ci")
    assert api.call("get", "/me", token=secret).status_code == 200
    token_revoke(actor=member, token_id=token.pk)
    assert_error(api.call("get", "/me", token=secret), 401, "not_authenticated")


def test_an_expired_token_is_refused(api, member, monkeypatch):
    expires = timezone.now() + datetime.timedelta(hours=1)
    _token, secret = token_create(actor=member, name="short", expires_at=expires)
    assert api.call("get", "/me", token=secret).status_code == 200
    later = expires + datetime.timedelta(seconds=1)
    monkeypatch.setattr(timezone, "now", lambda: later)
    assert_error(api.call("get", "/me", token=secret), 401, "not_authenticated")


def test_session_log_in_works_for_reads(client, member):
    assert client.login(email=member.email, password=PASSWORD)
    response = client.get(f"{API}/me")
    assert response.status_code == 200
    assert response.json()["id"] == member.pk


def test_a_deactivated_persons_session_ends(client, member):
    assert client.login(email=member.email, password=PASSWORD)
    user_deactivate(actor=None, person_id=member.pk)
    assert_error(client.get(f"{API}/me"), 401, "not_authenticated")


def test_session_writes_need_the_csrf_token(member, manager):
    client = Client(enforce_csrf_checks=True)
    assert client.login(email=member.email, password=PASSWORD)
    follow = f"{API}/people/{manager.pk}/follow"
    assert_error(client.put(follow), 403, "forbidden")
    assert not User.objects.filter(follower_links__follower=member).exists()

    secret = _get_new_csrf_string()
    client.cookies["csrftoken"] = secret
    response = client.put(follow, headers={"X-CSRFToken": secret})
    assert response.status_code == 200
    assert response.json() == {"following": True}


def test_bearer_writes_need_no_csrf_token(member, manager):
    api = Api(Client(enforce_csrf_checks=True))
    response = api.call("put", f"/people/{manager.pk}/follow", user=member)
    assert response.status_code == 200


# ---------------------------------------------------------------- every endpoint, every persona

INTERNAL_STATUS = {"post /me/tokens": 201, "delete /me/tokens/987654": 404}
# Partner guests: their own profile and tokens only; the directory and the organisation are
# closed (403), and other people are indistinguishable from missing ones (404).
GUEST_STATUS = {
    "get /me": 200,
    "patch /me": 200,
    "get /me/tokens": 200,
    "post /me/tokens": 201,
    "get /people": 403,
    "get /org-units": 403,
    "get /org-units/{unit}": 403,
    "get /sites": 403,
}
BODIES = {"patch /me": {}, "post /me/tokens": {"name": "matrix"}}


@pytest.mark.parametrize("persona", ["admin", "project_lead", "member", "outsider", "guest"])
@pytest.mark.parametrize(("method", "path"), ENDPOINTS)
def test_status_for_each_persona(api, personas, org, persona, method, path):
    key = f"{method} {path}"
    statuses, default = (GUEST_STATUS, 404) if persona == "guest" else (INTERNAL_STATUS, 200)
    expected = statuses.get(key, default)
    response = api.call(
        method, fill(path, personas, org), user=personas[persona], body=BODIES.get(key)
    )
    assert response.status_code == expected, response.content
    if expected >= 400:
        assert_error(response, expected, {403: "forbidden", 404: "not_found"}[expected])


# ---------------------------------------------------------------- unknown routes, methods


@pytest.mark.parametrize("path", ["/nope", "/people/1/nope", "/me/", "/"])
def test_unknown_routes_answer_a_structured_404(api, member, path):
    assert_error(api.call("get", path, user=member), 404, "not_found")


@pytest.mark.parametrize(("method", "path"), [("post", "/people"), ("delete", "/me")])
def test_methods_not_allowed_answer_a_structured_405(api, member, method, path):
    assert_error(api.call(method, path, user=member), 405, "method_not_allowed")


def test_methods_not_allowed_keep_the_allow_header(api, member):
    response = api.call("post", "/people", user=member)
    assert response.status_code == 405
    assert "GET" in response["Allow"]


def test_a_logged_in_session_without_csrf_token_is_refused_with_a_reason(member):
    client = Client(enforce_csrf_checks=True)
    client.force_login(member)
    response = client.patch("/api/v1/me", {"job_title": "x"}, content_type="application/json")
    assert_error(response, 403, "forbidden")
    assert "CSRF" in response.json()["error"]["message"]


# ---------------------------------------------------------------- /me


@pytest.mark.parametrize("persona", ["admin", "project_lead", "member", "guest"])
def test_everyone_sees_their_own_full_profile(api, personas, persona):
    person = personas[persona]
    me = api.call("get", "/me", user=person).json()
    assert me["id"] == person.pk
    assert me["email"] == person.email
    assert me["role"] == person.role
    assert isinstance(me["phone"], str)
    assert 0 <= me["completeness"]["percent"] <= 100


def test_me_shows_profile_details_and_what_is_missing(api, member, manager, org):
    me = api.call("get", "/me", user=member).json()
    assert me["display_name"] == "Marie Membre"
    assert me["job_title"] == "Rail engineer"
    assert me["org_unit"] == {"id": org["team_a"].pk, "name": "Rail team"}
    assert me["site"] == {"id": org["lyon"].pk, "name": "Lyon"}
    assert me["manager"] == {"id": manager.pk, "display_name": "Mona Manager"}
    assert [skill["name"] for skill in me["skills"]] == ["Python", "Signalling"]
    assert me["languages"] == [
        {"code": "en", "name": "English"},
        {"code": "fr", "name": "French"},
    ]
    assert me["language"] == ""
    assert me["photo_small_url"] is None
    assert me["is_active"] is True
    assert "a phone number" in me["completeness"]["missing"]
    assert "a photo" in me["completeness"]["missing"]
    assert me["completeness"]["percent"] < 100


def test_updating_my_profile(api, member, org, outsider):
    changes = {
        "display_name": "  Marie   Membre-Dupont ",
        "job_title": "Senior rail engineer",
        "phone": "+33 4 72 00 00 00",
        "bio": "Signalling since 2010.",
        "site_id": org["paris"].pk,
        "manager_id": outsider.pk,
        "skills": ["Python", "ERTMS"],
        "interests": ["Cycling"],
        "languages": ["fr"],
        "language": "fr",
    }
    response = api.call("patch", "/me", user=member, body=changes)
    assert response.status_code == 200, response.content
    me = response.json()
    assert me["display_name"] == "Marie Membre-Dupont"
    assert me["job_title"] == "Senior rail engineer"
    assert me["phone"] == "+33 4 72 00 00 00"
    assert me["site"]["name"] == "Paris"
    assert me["manager"]["id"] == outsider.pk
    assert [skill["name"] for skill in me["skills"]] == ["ERTMS", "Python"]
    assert [tag["name"] for tag in me["interests"]] == ["Cycling"]
    assert [language["code"] for language in me["languages"]] == ["fr"]
    assert me["language"] == "fr"
    assert api.call("get", "/me", user=member).json()["job_title"] == "Senior rail engineer"
    assert Event.objects.filter(verb="profile.updated", target_id=member.pk).exists()
    assert Event.objects.filter(verb="user.language_changed", actor=member).exists()


def test_fields_left_out_keep_their_value_and_null_empties(api, member):
    response = api.call("patch", "/me", user=member, body={"org_unit_id": None})
    me = response.json()
    assert me["org_unit"] is None
    assert me["job_title"] == "Rail engineer"
    assert len(me["skills"]) == 2


def test_resending_unchanged_values_records_nothing(api, member):
    api.call("get", "/me", user=member)  # the day's first request records presence
    before = Event.objects.count()
    body = {"job_title": "Rail engineer", "language": "", "skills": ["Signalling", "Python"]}
    assert api.call("patch", "/me", user=member, body=body).status_code == 200
    assert Event.objects.count() == before


def test_an_invalid_update_saves_nothing_and_names_each_field(api, member):
    body = {"job_title": "Boss", "phone": "call me", "language": "xx", "manager_id": member.pk}
    error = assert_error(api.call("patch", "/me", user=member, body=body), 400, "invalid")
    assert set(error["fields"]) == {"phone", "language", "manager_id"}
    me = api.call("get", "/me", user=member).json()
    assert me["job_title"] == "Rail engineer"
    assert me["language"] == ""


def test_an_unknown_org_unit_is_refused(api, member):
    error = assert_error(
        api.call("patch", "/me", user=member, body={"org_unit_id": 987654}), 400, "invalid"
    )
    assert "org_unit_id" in error["fields"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"skills": "Python"}, "skills"),
        ({"org_unit_id": "abc"}, "org_unit_id"),
        ({"org_unit_id": 2**70}, "org_unit_id"),
        ({"site_id": -1}, "site_id"),
        ({"display_name": 42}, "display_name"),
        ({"languages": [["fr"]]}, "languages.0"),
        ({"skills": [f"skill {n}" for n in range(51)]}, "skills"),
        ({"favourite_colour": "blue"}, "favourite_colour"),
    ],
)
def test_wrong_json_types_are_refused_by_field(api, member, body, field):
    error = assert_error(api.call("patch", "/me", user=member, body=body), 422, "invalid")
    assert field in error["fields"]


@pytest.mark.parametrize("raw", ["{not json", "[1, 2]", '"text"', "null"])
def test_malformed_bodies_are_refused(api, member, raw):
    response = api.call("patch", "/me", user=member, raw=raw)
    assert response.status_code in (400, 422)
    assert_error(response, response.status_code, "invalid")


def test_a_guest_edits_their_own_profile(api, guest):
    response = api.call("patch", "/me", user=guest, body={"job_title": "Consultant"})
    assert response.status_code == 200
    assert response.json()["job_title"] == "Consultant"


# ---------------------------------------------------------------- /people


def test_employees_list_active_internal_people(api, personas):
    page = api.call("get", "/people", user=personas["member"]).json()
    listed = names(page)
    assert listed == sorted(listed)
    assert "Marie Membre" in listed
    assert "Gaston Guest" not in listed  # no community in common with Marie
    assert "Fanny Former" not in listed  # deactivated people leave the directory
    assert page["next"] is None


def test_administrators_also_list_guests(api, personas):
    listed = names(api.call("get", "/people", user=personas["admin"]).json())
    assert "Gaston Guest" in listed
    assert "Fanny Former" not in listed


def test_guests_cannot_browse_the_directory(api, personas):
    assert_error(api.call("get", "/people", user=personas["guest"]), 403, "forbidden")


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"q": "rail"}, ["Marie Membre"]),
        ({"q": "MONA"}, ["Mona Manager"]),
        ({"q": "python"}, ["Marie Membre"]),
        ({"skill": "python"}, ["Marie Membre"]),
        ({"language": "en"}, ["Marie Membre"]),
        ({"site": "paris"}, ["Antoine Animateur", "Oscar Outsider", "Paul Projet"]),
        ({"org_unit": "department"}, ["Antoine Animateur", "Marie Membre", "Mona Manager"]),
        ({"org_unit": "team_a", "skill": "python"}, ["Marie Membre"]),
        ({"q": "nobody-has-this"}, []),
    ],
)
def test_directory_filters(api, personas, org, filters, expected):
    params = {
        key: (org[value].pk if key in ("site", "org_unit") else value)
        for key, value in filters.items()
    }
    page = api.call("get", "/people", user=personas["member"], **params).json()
    assert names(page) == expected


def test_cards_carry_what_lists_show(api, personas, org):
    page = api.call("get", "/people", user=personas["member"], q="marie").json()
    (card,) = page["items"]
    assert card == {
        "id": personas["member"].pk,
        "display_name": "Marie Membre",
        "email": "member@exemple.fr",
        "job_title": "Rail engineer",
        "org_unit": {"id": org["team_a"].pk, "name": "Rail team"},
        "site": {"id": org["lyon"].pk, "name": "Lyon"},
        "skills": [
            {"name": "Python", "slug": "python"},
            {"name": "Signalling", "slug": "signalling"},
        ],
        "is_active": True,
        "photo_small_url": None,
        "photo_large_url": None,
    }


@pytest.fixture
def crowd(org) -> list[User]:
    """Sixty more people; several share a name so that the id must break ties."""
    people = []
    for number in range(60):
        name = "Camille Martin" if number % 6 == 0 else f"Person {number:02d}"
        people.append(
            user_create(
                actor=None,
                email=f"person{number}@exemple.fr",
                display_name=name,
                profile={"skills": ["Python", f"Skill {number % 7}"], "site_id": org["lyon"].pk},
            )
        )
    return people


def walk(api: Api, user: User, path: str, limit: int, **params: Any) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    cursor = None
    for _page in range(100):
        query = {"limit": limit, **params, **({"cursor": cursor} if cursor else {})}
        response = api.call("get", path, user=user, **query)
        assert response.status_code == 200, response.content
        page = response.json()
        assert len(page["items"]) <= limit
        items.extend(page["items"])
        cursor = page["next"]
        if cursor is None:
            return items
        assert len(page["items"]) == limit
    raise AssertionError("the pages never ended")


@pytest.mark.parametrize("limit", [1, 7, 20, 100])
def test_walking_the_pages_gives_each_person_exactly_once(api, personas, crowd, limit):
    viewer = personas["member"]
    items = walk(api, viewer, "/people", limit)
    ids = [item["id"] for item in items]
    assert len(ids) == len(set(ids))
    expected = User.objects.filter(is_active=True).exclude(role=Role.GUEST)
    assert set(ids) == set(expected.values_list("pk", flat=True))
    keys = [(item["display_name"], item["id"]) for item in items]
    assert keys == sorted(keys)


def test_pages_of_a_filtered_search(api, personas, crowd):
    items = walk(api, personas["member"], "/people", 4, skill="python")
    assert len(items) == 61  # the crowd and Marie; not Fanny, who is deactivated


def test_a_person_added_while_paging_does_not_shift_the_next_page(api, personas, crowd):
    viewer = personas["member"]
    first = api.call("get", "/people", user=viewer, limit=10).json()
    user_create(actor=None, email="aaron@exemple.fr", display_name="Aaron Early")
    second = api.call("get", "/people", user=viewer, limit=10, cursor=first["next"]).json()
    seen = {item["id"] for item in first["items"]}
    assert not seen & {item["id"] for item in second["items"]}
    assert names(second)[0] >= names(first)[-1]


def test_a_page_costs_the_same_queries_whatever_its_length(api, personas, crowd):
    viewer = personas["member"]
    api.call("get", "/people", user=viewer, limit=1)  # token first use, presence of the day

    def count(limit: int) -> int:
        with CaptureQueriesContext(connection) as queries:
            response = api.call("get", "/people", user=viewer, limit=limit)
        assert len(response.json()["items"]) == limit
        return len(queries)

    assert count(5) == count(50)
    assert count(50) <= 6


@pytest.mark.parametrize(
    "params",
    [
        {"limit": 0},
        {"limit": 101},
        {"limit": 10**30},
        {"limit": "ten"},
        {"org_unit": "abc"},
        {"site": 2**64},
        {"q": "x" * 201},
    ],
)
def test_bad_query_parameters_are_refused(api, member, params):
    assert_error(api.call("get", "/people", user=member, **params), 422, "invalid")


@pytest.mark.parametrize(
    "cursor",
    [
        "not a cursor!",
        "WyJhIl0",  # a list of one value where two are expected
        "e30",  # {}
        "bnVsbA",  # null
        "WyJBbGljZSIsICJ4Il0",  # ["Alice", "x"]: an id that is not a number
        "WyJBbGljZSIsIG51bGxd",  # ["Alice", null]
        "W1tdLCAxXQ",  # [[], 1]
        "A" * 5000,
        "%%%",
    ],
)
def test_a_bad_cursor_is_a_400_naming_the_cursor(api, member, cursor):
    error = assert_error(api.call("get", "/people", user=member, cursor=cursor), 400, "invalid")
    assert "cursor" in error["fields"]


def test_an_out_of_range_id_in_a_cursor_is_harmless(api, member):
    # Only a tampered cursor holds such an id; it must not reach the driver and crash.
    cursor = base64.urlsafe_b64encode(json.dumps(["Alice Admin", 2**80]).encode()).decode()
    response = api.call("get", "/people", user=member, cursor=cursor)
    assert response.status_code == 200
    assert "Alice Admin" not in names(response.json())


# ---------------------------------------------------------------- /people/{id}


def test_colleagues_see_contact_details(api, member, manager):
    profile_update(actor=manager, person_id=manager.pk, changes={"phone": "+33 4 00 00 00 01"})
    person = api.call("get", f"/people/{manager.pk}", user=member).json()
    assert person["email"] == "manager@exemple.fr"
    assert person["phone"] == "+33 4 00 00 00 01"
    assert person["job_title"] == "Head of maintenance"
    assert person["following"] is False
    assert person["role"] == "employee"


def test_following_shows_on_the_persons_page(api, member, manager):
    person_follow(actor=member, person_id=manager.pk)
    assert api.call("get", f"/people/{manager.pk}", user=member).json()["following"] is True


@pytest.mark.parametrize("persona", ["admin", "project_lead", "member", "outsider"])
def test_internal_people_see_a_deactivated_colleague_as_inactive(api, personas, persona):
    former = personas["deactivated"]
    response = api.call("get", f"/people/{former.pk}", user=personas[persona])
    assert response.status_code == 200
    assert response.json()["is_active"] is False
    assert response.json()["display_name"] == "Fanny Former"


def test_guests_see_only_themselves(api, personas):
    guest = personas["guest"]
    own = api.call("get", f"/people/{guest.pk}", user=guest)
    assert own.status_code == 200
    assert own.json()["email"] == guest.email
    for persona in ("member", "admin", "deactivated"):
        response = api.call("get", f"/people/{personas[persona].pk}", user=guest)
        assert_error(response, 404, "not_found")


def test_a_guest_is_hidden_from_employees_and_shown_to_administrators(api, personas):
    guest = personas["guest"]
    assert_error(api.call("get", f"/people/{guest.pk}", user=personas["member"]), 404, "not_found")
    shown = api.call("get", f"/people/{guest.pk}", user=personas["admin"]).json()
    assert shown["role"] == "guest"
    assert shown["company"] == "Partner SARL"
    assert shown["email"] == guest.email


@pytest.fixture
def shared_community(personas):
    """The guest and Mona (the manager) are members of one community; Marie is not."""
    lead, guest = personas["project_lead"], personas["guest"]
    organisation_settings_update(actor=personas["admin"], guests_allowed=True)
    community = community_create(
        actor=lead, name="Rail partners", kind="project", visibility="open", allows_guests=True
    )
    membership_join(actor=personas["manager"], community_id=community.pk)
    invitation, _secret = invitation_create(
        actor=lead, community_id=community.pk, email=guest.email
    )
    invitation_accept(actor=guest, invitation_id=invitation.pk)
    return community


def test_guests_see_co_members_without_contact_details(api, personas, shared_community):
    guest, manager = personas["guest"], personas["manager"]
    profile_update(actor=manager, person_id=manager.pk, changes={"phone": "+33 4 00 00 00 01"})
    shown = api.call("get", f"/people/{manager.pk}", user=guest)
    assert shown.status_code == 200
    assert shown.json()["display_name"] == "Mona Manager"
    assert shown.json()["phone"] is None
    assert shown.json()["email"] is None
    # Still no directory, and people outside the community stay hidden.
    assert_error(api.call("get", "/people", user=guest), 403, "forbidden")
    member = personas["member"]
    assert_error(api.call("get", f"/people/{member.pk}", user=guest), 404, "not_found")


def test_colleagues_see_a_guest_they_work_with(api, personas, shared_community):
    guest = personas["guest"]
    shown = api.call("get", f"/people/{guest.pk}", user=personas["manager"]).json()
    assert shown["email"] == guest.email
    assert shown["company"] == "Partner SARL"
    member = personas["member"]
    assert_error(api.call("get", f"/people/{guest.pk}", user=member), 404, "not_found")


def test_the_manager_is_shown_only_when_visible(api, personas):
    guest, manager = personas["guest"], personas["manager"]
    profile_update(actor=guest, person_id=guest.pk, changes={"manager_id": manager.pk})
    assert api.call("get", "/me", user=guest).json()["manager"] is None
    shown = api.call("get", f"/people/{guest.pk}", user=personas["admin"]).json()
    assert shown["manager"]["id"] == manager.pk


@pytest.mark.parametrize("person_id", ["0", "-3", "abc", "1.5", str(2**70)])
def test_malformed_person_ids_are_refused(api, member, person_id):
    response = api.call("get", f"/people/{person_id}", user=member)
    assert_error(response, 422, "invalid")


def test_a_missing_person_is_a_404(api, member):
    assert_error(api.call("get", "/people/987654", user=member), 404, "not_found")


@pytest.fixture
def photo_of(settings, tmp_path) -> Callable[[User], None]:
    settings.MEDIA_ROOT = tmp_path

    def give_photo(person: User) -> None:
        buffer = io.BytesIO()
        Image.new("RGB", (40, 30), "orange").save(buffer, format="PNG")
        upload = SimpleUploadedFile("me.png", buffer.getvalue(), content_type="image/png")
        profile_photo_set(actor=person, person_id=person.pk, upload=upload)

    return give_photo


def test_photo_urls_appear_once_there_is_a_photo(api, member, manager, photo_of):
    photo_of(manager)
    person = api.call("get", f"/people/{manager.pk}", user=member).json()
    small = reverse("directory:photo", kwargs={"person_id": manager.pk, "size": "small"})
    large = reverse("directory:photo", kwargs={"person_id": manager.pk, "size": "large"})
    assert person["photo_small_url"] == small
    assert person["photo_large_url"] == large
    card = api.call("get", "/people", user=member, q="mona").json()["items"][0]
    assert card["photo_small_url"] == person["photo_small_url"]
    assert "a photo" not in api.call("get", "/me", user=manager).json()["completeness"]["missing"]


def test_photo_urls_lead_to_the_photo(api, member, manager, photo_of):
    photo_of(manager)
    person = api.call("get", f"/people/{manager.pk}", user=member).json()
    api.client.force_login(member)
    for url in (person["photo_small_url"], person["photo_large_url"]):
        response = api.client.get(url)
        assert response.status_code == 200
        assert response["Content-Type"] == "image/jpeg"


# ---------------------------------------------------------------- org chart


def test_org_chart_shows_the_chain_and_the_reports(api, personas):
    member, manager = personas["member"], personas["manager"]
    chart = api.call("get", f"/people/{member.pk}/org-chart", user=personas["outsider"]).json()
    assert chart["person"]["id"] == member.pk
    assert [card["id"] for card in chart["managers"]] == [manager.pk]
    assert chart["reports"] == []
    chart = api.call("get", f"/people/{manager.pk}/org-chart", user=member).json()
    assert chart["managers"] == []
    assert [card["display_name"] for card in chart["reports"]] == [
        "Antoine Animateur",
        "Marie Membre",
    ]


def test_guests_cannot_see_others_org_chart(api, personas):
    response = api.call("get", f"/people/{personas['member'].pk}/org-chart", user=personas["guest"])
    assert_error(response, 404, "not_found")


# ---------------------------------------------------------------- follows


def test_follow_and_unfollow(api, member, manager):
    path = f"/people/{manager.pk}/follow"
    assert api.call("put", path, user=member).json() == {"following": True}
    assert api.call("put", path, user=member).json() == {"following": True}  # idempotent
    followers = api.call("get", f"/people/{manager.pk}/followers", user=member).json()
    assert names(followers) == ["Marie Membre"]
    following = api.call("get", f"/people/{member.pk}/following", user=manager).json()
    assert names(following) == ["Mona Manager"]
    assert Event.objects.filter(verb="person.followed", actor=member).count() == 1

    assert api.call("delete", path, user=member).json() == {"following": False}
    assert api.call("delete", path, user=member).json() == {"following": False}
    assert api.call("get", f"/people/{manager.pk}/followers", user=member).json()["items"] == []


def test_following_yourself_is_refused(api, member):
    assert_error(api.call("put", f"/people/{member.pk}/follow", user=member), 400, "invalid")


def test_following_a_deactivated_person_is_a_conflict(api, member, deactivated):
    response = api.call("put", f"/people/{deactivated.pk}/follow", user=member)
    assert_error(response, 409, "conflict")


def test_guests_cannot_follow_people_they_cannot_see(api, guest, member):
    assert_error(api.call("put", f"/people/{member.pk}/follow", user=guest), 404, "not_found")
    assert_error(api.call("put", "/people/987654/follow", user=guest), 404, "not_found")


def test_follower_lists_leave_out_deactivated_people(api, personas):
    manager = personas["manager"]
    for persona in ("member", "outsider", "admin"):
        person_follow(actor=personas[persona], person_id=manager.pk)
    path = f"/people/{manager.pk}/followers"
    listed = names(api.call("get", path, user=personas["animator"]).json())
    assert listed == ["Alice Admin", "Marie Membre", "Oscar Outsider"]
    user_deactivate(actor=None, person_id=personas["member"].pk)
    listed = names(api.call("get", path, user=personas["animator"]).json())
    assert listed == ["Alice Admin", "Oscar Outsider"]


def test_a_guest_sees_only_themselves_in_follow_lists(api, personas):
    guest, admin = personas["guest"], personas["admin"]
    person_follow(actor=admin, person_id=guest.pk)
    person_follow(actor=personas["project_lead"], person_id=guest.pk)
    assert len(api.call("get", f"/people/{guest.pk}/followers", user=admin).json()["items"]) == 2
    # The guest may not see the people following them: the list is empty, not an error.
    page = api.call("get", f"/people/{guest.pk}/followers", user=guest).json()
    assert page == {"items": [], "next": None}
    response = api.call("get", f"/people/{admin.pk}/following", user=guest)
    assert_error(response, 404, "not_found")


def test_follower_lists_are_paginated(api, personas, crowd):
    manager = personas["manager"]
    for person in crowd[:25]:
        person_follow(actor=person, person_id=manager.pk)
    items = walk(api, personas["member"], f"/people/{manager.pk}/followers", 10)
    assert sorted(item["id"] for item in items) == sorted(person.pk for person in crowd[:25])
    error = assert_error(
        api.call("get", f"/people/{manager.pk}/followers", user=manager, cursor="bad"),
        400,
        "invalid",
    )
    assert "cursor" in error["fields"]


# ---------------------------------------------------------------- organisation


@pytest.mark.parametrize("persona", ["admin", "member", "project_lead"])
def test_org_units_in_tree_order(api, personas, org, persona):
    units = api.call("get", "/org-units", user=personas[persona]).json()
    assert [unit["name"] for unit in units] == [
        "Exemple SA",
        "Operations",
        "Maintenance",
        "Rail team",
        "Road team",
    ]
    rail = units[3]
    assert rail == {
        "id": org["team_a"].pk,
        "name": "Rail team",
        "kind": "team",
        "parent_id": org["department"].pk,
        "depth": 3,
        "path": org["team_a"].path,
    }


def test_an_org_unit_with_its_children_and_people(api, personas, org):
    unit = api.call("get", f"/org-units/{org['department'].pk}", user=personas["member"]).json()
    assert unit["name"] == "Maintenance"
    assert [child["name"] for child in unit["children"]] == ["Rail team", "Road team"]
    # Mona, Marie and Antoine; Fanny (team A) is deactivated and not counted.
    assert unit["people_count"] == 3


@pytest.mark.parametrize("path", ["/org-units", "/org-units/{unit}", "/sites"])
def test_guests_cannot_see_the_organisation(api, personas, org, path):
    response = api.call("get", fill(path, personas, org), user=personas["guest"])
    assert_error(response, 403, "forbidden")


def test_a_missing_org_unit_is_a_404(api, member):
    assert_error(api.call("get", "/org-units/987654", user=member), 404, "not_found")
    assert_error(api.call("get", "/org-units/zero", user=member), 422, "invalid")


def test_sites(api, member, org):
    assert api.call("get", "/sites", user=member).json() == [
        {"id": org["lyon"].pk, "name": "Lyon", "city": "Lyon", "country": "FR"},
        {"id": org["paris"].pk, "name": "Paris", "city": "Paris", "country": "FR"},
    ]


# ---------------------------------------------------------------- tokens


def test_creating_a_token_shows_its_secret_once(api, member):
    response = api.call("post", "/me/tokens", user=member, body={"name": "Zapier"})
    assert response.status_code == 201
    created = response.json()
    assert created["secret"].startswith("rch_")
    assert created["active"] is True
    assert created["secret"].startswith(created["prefix"])
    assert api.call("get", "/me", token=created["secret"]).json()["id"] == member.pk

    listed = api.call("get", "/me/tokens", user=member).json()
    assert "Zapier" in [token["name"] for token in listed]
    assert all("secret" not in token for token in listed)


def test_revoking_a_token(api, member):
    created = api.call("post", "/me/tokens", user=member, body={"name": "old"}).json()
    response = api.call("delete", f"/me/tokens/{created['id']}", user=member)
    assert response.status_code == 200
    assert response.json()["active"] is False
    assert response.json()["revoked_at"] is not None
    assert_error(api.call("get", "/me", token=created["secret"]), 401, "not_authenticated")
    # Twice is harmless.
    assert api.call("delete", f"/me/tokens/{created['id']}", user=member).status_code == 200


def test_nobody_revokes_someone_elses_token(api, member, admin):
    token, secret = token_create(actor=member, name="mine")
    assert_error(api.call("delete", f"/me/tokens/{token.pk}", user=admin), 404, "not_found")
    assert api.call("get", "/me", token=secret).status_code == 200


def test_token_expiry(api, member):
    soon = (timezone.now() + datetime.timedelta(days=30)).replace(tzinfo=None).isoformat()
    created = api.call(
        "post", "/me/tokens", user=member, body={"name": "month", "expires_at": soon}
    ).json()
    assert created["expires_at"] is not None
    past = (timezone.now() - datetime.timedelta(days=1)).isoformat()
    error = assert_error(
        api.call("post", "/me/tokens", user=member, body={"name": "x", "expires_at": past}),
        400,
        "invalid",
    )
    assert "expires_at" in error["fields"]


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        ({"name": "   "}, 400, "name"),
        ({"name": "x" * 81}, 400, "name"),
        ({}, 422, "name"),
        ({"name": 12}, 422, "name"),
        ({"name": "ok", "expires_at": "next week"}, 422, "expires_at"),
    ],
)
def test_bad_token_requests(api, member, body, status, field):
    error = assert_error(api.call("post", "/me/tokens", user=member, body=body), status, "invalid")
    assert field in error["fields"]


@pytest.mark.parametrize("persona", ["admin", "member", "guest"])
def test_everyone_manages_their_own_tokens(api, personas, persona):
    person = personas[persona]
    created = api.call("post", "/me/tokens", user=person, body={"name": "script"})
    assert created.status_code == 201
    ids = [token["id"] for token in api.call("get", "/me/tokens", user=person).json()]
    assert created.json()["id"] in ids
    revoked = api.call("delete", f"/me/tokens/{created.json()['id']}", user=person)
    assert revoked.json()["active"] is False

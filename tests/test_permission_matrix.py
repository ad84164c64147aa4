"""Every endpoint, for every persona: the status each must get.

The first test makes the matrix complete: a new URL without a row here fails the suite, so
nobody can add a page or an API route without deciding who may reach it.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.urls import URLResolver, get_resolver, reverse
from PIL import Image

from rucher.accounts.services import profile_photo_set

PERSONAS = ("anonymous", "member", "guest", "project_lead", "admin", "deactivated")
LOGIN = "login"  # a redirect to the log-in page
NOT_CHECKED_HERE = {"admin"}  # Django's admin site: tested in tests/accounts/test_admin.py


@dataclass(frozen=True)
class Row:
    name: str  # "namespace:url_name", as reverse() knows it
    method: str
    path: Callable[[dict[str, Any]], str]
    expect: dict[str, int | str]
    data: dict[str, Any] | None = None
    label: str = ""
    json: bool = field(default=False)


def everyone(status: int | str) -> dict[str, int | str]:
    return dict.fromkeys(PERSONAS, status)


def logged_in(status: int | str, **overrides: int | str) -> dict[str, int | str]:
    """Anonymous and deactivated visitors go to the log-in page; the others get ``status``."""
    expect: dict[str, int | str] = {**everyone(status), "anonymous": LOGIN, "deactivated": LOGIN}
    expect.update(overrides)
    return expect


def api(status: int, **overrides: int) -> dict[str, int | str]:
    """The API answers 401 to anonymous and deactivated callers."""
    expect: dict[str, int | str] = {**everyone(status), "anonymous": 401, "deactivated": 401}
    expect.update(overrides)
    return expect


def url(name: str, *args: Any) -> Callable[[dict[str, Any]], str]:
    def build(people: dict[str, Any]) -> str:
        return reverse(name, args=[people[a].pk if a in people else a for a in args])

    return build


ROWS: list[Row] = [
    Row("home", "GET", url("home"), logged_in(200)),
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
    Row("accounts:password_change", "GET", url("accounts:password_change"), logged_in(200)),
    Row("accounts:profile_edit", "GET", url("accounts:profile_edit"), logged_in(200)),
    Row("accounts:photo_upload", "POST", url("accounts:photo_upload"), logged_in(302)),
    Row("accounts:photo_remove", "POST", url("accounts:photo_remove"), logged_in(302)),
    Row("accounts:settings", "GET", url("accounts:settings"), logged_in(200)),
    # Directory: partner guests see themselves only and cannot browse
    Row("directory:list", "GET", url("directory:list"), logged_in(200, guest=403)),
    Row("directory:picker", "GET", url("directory:picker"), logged_in(200), {"q": "Ma"}),
    Row(
        "directory:person",
        "GET",
        url("directory:person", "target"),
        logged_in(200, guest=404),
        label="an employee",
    ),
    Row(
        "directory:person",
        "GET",
        url("directory:person", "guest"),
        logged_in(200, member=404),
        label="a partner guest",
    ),
    Row("directory:person", "GET", url("directory:person", 999999), logged_in(404), label="nobody"),
    Row(
        "directory:org_chart",
        "GET",
        url("directory:org_chart", "target"),
        logged_in(200, guest=403),
    ),
    Row(
        "directory:followers",
        "GET",
        url("directory:followers", "target"),
        logged_in(200, guest=404),
    ),
    Row(
        "directory:following",
        "GET",
        url("directory:following", "target"),
        logged_in(200, guest=404),
    ),
    Row(
        "directory:follow",
        "POST",
        url("directory:follow", "target"),
        logged_in(302, guest=404),
        {"follow": "1"},
    ),
    Row(
        "directory:photo",
        "GET",
        url("directory:photo", "target", "small"),
        logged_in(200, guest=404),
        label="an employee's photo",
    ),
    Row(
        "directory:photo",
        "GET",
        url("directory:photo", "target", "huge"),
        logged_in(404),
        label="an unknown size",
    ),
    # Notifications
    Row("notifications:list", "GET", url("notifications:list"), logged_in(200)),
    Row("notifications:mark_read", "POST", url("notifications:mark_read"), logged_in(302)),
    # API (session authentication; tokens are covered in tests/accounts/test_api.py)
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
    Row("api:people_search", "GET", url("api:people_search"), api(200, guest=403)),
    Row(
        "api:people_get",
        "GET",
        url("api:people_get", "target"),
        api(200, guest=404),
        label="an employee",
    ),
    Row(
        "api:people_get",
        "GET",
        url("api:people_get", "guest"),
        api(200, member=404),
        label="a partner guest",
    ),
    Row("api:people_org_chart", "GET", url("api:people_org_chart", "target"), api(200, guest=404)),
    Row("api:people_followers", "GET", url("api:people_followers", "target"), api(200, guest=404)),
    Row("api:people_following", "GET", url("api:people_following", "target"), api(200, guest=404)),
    Row("api:people_follow", "PUT", url("api:people_follow", "target"), api(200, guest=404)),
    Row("api:people_unfollow", "DELETE", url("api:people_unfollow", "target"), api(200, guest=404)),
    Row("api:org_units_list", "GET", url("api:org_units_list"), api(200, guest=403)),
    Row("api:org_units_get", "GET", url("api:org_units_get", "unit"), api(200, guest=403)),
    Row("api:sites_list", "GET", url("api:sites_list"), api(200, guest=403)),
]


def _url_names(resolver: URLResolver, namespace: str = "") -> set[str]:
    names: set[str] = set()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace in NOT_CHECKED_HERE:
                continue
            inner = pattern.namespace or namespace
            names |= _url_names(pattern, inner)
        elif pattern.name:
            names.add(f"{namespace}:{pattern.name}" if namespace else pattern.name)
    return names


def test_every_endpoint_has_a_row_in_the_matrix():
    assert _url_names(get_resolver()) == {row.name for row in ROWS}


@pytest.fixture
def matrix_people(personas, org, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    target = personas["animator"]
    buffer = io.BytesIO()
    Image.new("RGB", (64, 64), (10, 90, 160)).save(buffer, format="PNG")
    buffer.seek(0)
    from django.core.files.uploadedfile import SimpleUploadedFile

    profile_photo_set(
        actor=target,
        person_id=target.pk,
        upload=SimpleUploadedFile("face.png", buffer.getvalue(), content_type="image/png"),
    )
    return {**personas, "target": target, "unit": org["team_a"]}


def _as(client, persona: str, people: dict[str, Any]) -> None:
    if persona != "anonymous":
        # A deactivated person keeps a session cookie from before; it must not work any more.
        client.force_login(people[persona])


def _request(client, row: Row, path: str):
    method = getattr(client, row.method.lower())
    if row.json:
        return method(path, row.data or {}, content_type="application/json")
    return method(path, row.data or {})


@pytest.mark.parametrize(
    "row",
    ROWS,
    ids=[f"{row.method} {row.name}{' (' + row.label + ')' if row.label else ''}" for row in ROWS],
)
def test_status_for_each_persona(matrix_people, row: Row):
    """One test per endpoint, every persona in turn, so the personas are built once."""
    from django.test import Client

    wrong: list[str] = []
    for persona in PERSONAS:
        client = Client()
        _as(client, persona, matrix_people)
        path = row.path(matrix_people)
        response = _request(client, row, path)
        expected = row.expect[persona]
        status = response.status_code
        if expected == LOGIN:
            went_to_login = status == 302 and response["Location"].startswith(
                reverse("accounts:login")
            )
            if not went_to_login:
                wrong.append(f"{persona}: {status} instead of a redirect to log-in")
        elif status != expected:
            wrong.append(f"{persona}: {status} instead of {expected}")
        if path.startswith("/api/") and status >= 400:
            error = response.json().get("error", {})
            if set(error) != {"code", "message", "fields"}:
                wrong.append(f"{persona}: unstructured API error {response.content[:80]!r}")
    assert not wrong, f"{row.method} {row.name}: " + "; ".join(wrong)

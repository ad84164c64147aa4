"""A file cannot make administrators or project-team members unless the import trusts it."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from django.core.management import call_command

from rucher.accounts.models import User
from rucher.core.models import Event
from rucher.exchange.models import ImportRun
from tests.exchange.helpers import run_import, write_folder

PEOPLE = [
    {"id": "a", "email": "boss@example.org", "role": "admin"},
    {"id": "b", "email": "team@example.org", "role": "project_team"},
    {"id": "c", "email": "partner@example.org", "role": "guest"},
    {"id": "d", "email": "staff@example.org", "role": "employee"},
    {"id": "e", "email": "other.boss@example.org", "role": "admin"},
]


def _roles() -> dict[str, str]:
    return dict(
        User.objects.filter(email__in=[p["email"] for p in PEOPLE]).values_list("email", "role")
    )


@pytest.mark.django_db
def test_by_default_only_employee_and_guest_are_taken(tmp_path):
    run = run_import(write_folder(tmp_path / "in", {"people.jsonl": PEOPLE}))
    assert _roles() == {
        "boss@example.org": "employee",
        "team@example.org": "employee",
        "partner@example.org": "guest",
        "staff@example.org": "employee",
        "other.boss@example.org": "employee",
    }
    # The event log says what was given, not what the file asked for.
    assert set(
        Event.objects.filter(verb="user.created").values_list("payload__role", flat=True)
    ) == {"employee", "guest"}
    messages = {(p["line"], p["message"].split(" (")[0]) for p in run.problems}
    assert (1, "role “admin” not given") in messages
    assert (2, "role “project_team” not given") in messages
    assert any("(2 person(s))" in p["message"] for p in run.problems)


@pytest.mark.django_db
def test_the_dry_run_reports_the_same(tmp_path):
    run = run_import(write_folder(tmp_path / "in", {"people.jsonl": PEOPLE}), dry_run=True)
    assert run.problem_count == 2
    assert not User.objects.filter(email="boss@example.org").exists()


@pytest.mark.django_db
def test_a_trusted_import_gives_the_roles_of_the_file(tmp_path):
    run = run_import(write_folder(tmp_path / "in", {"people.jsonl": PEOPLE}), trust_roles=True)
    assert run.problem_count == 0, run.problems
    assert _roles()["boss@example.org"] == "admin"
    assert _roles()["team@example.org"] == "project_team"


@pytest.mark.django_db
def test_an_existing_account_keeps_its_role(tmp_path, member):
    people = [{"id": "m", "email": member.email, "role": "admin"}]
    run_import(write_folder(tmp_path / "in", {"people.jsonl": people}), trust_roles=True)
    member.refresh_from_db()
    assert member.role == "employee"


@pytest.mark.django_db
def test_the_command_option(tmp_path):
    folder = write_folder(tmp_path / "in", {"people.jsonl": PEOPLE})
    call_command("import", str(folder), stdout=io.StringIO(), stderr=io.StringIO())
    assert _roles()["boss@example.org"] == "employee"
    again = write_folder(
        tmp_path / "again", {"people.jsonl": PEOPLE}, source={"system": "other", "name": "again"}
    )
    User.objects.filter(email__in=[p["email"] for p in PEOPLE]).delete()
    call_command("import", str(again), "--trust-roles", stdout=io.StringIO(), stderr=io.StringIO())
    assert ImportRun.objects.order_by("-pk").first().trust_roles  # type: ignore[union-attr]
    assert _roles()["boss@example.org"] == "admin"


def _zip() -> io.BytesIO:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as bundle:
        bundle.writestr(
            "manifest.json",
            json.dumps(
                {
                    "format": "rucher-exchange",
                    "version": "1.0",
                    "source": {"system": "other", "name": "page"},
                    "exported_at": "2024-01-01T00:00:00Z",
                }
            ),
        )
        bundle.writestr("people.jsonl", json.dumps(PEOPLE[0]) + "\n")
    buffer.seek(0)
    buffer.name = "roles.zip"
    return buffer


@pytest.mark.django_db
def test_the_page_and_the_api_ask_explicitly(client, admin):
    client.force_login(admin)
    client.post("/exchange/imports/", {"file": _zip(), "mode": "check"})
    assert ImportRun.objects.get().trust_roles is False
    client.post("/exchange/imports/", {"file": _zip(), "mode": "check", "trust_roles": "on"})
    assert ImportRun.objects.order_by("-pk").first().trust_roles is True  # type: ignore[union-attr]
    response = client.post("/api/v1/imports", {"file": _zip(), "dry_run": "true"})
    assert response.status_code == 201, response.content
    assert response.json()["trust_roles"] is False
    page = client.get("/exchange/imports/")
    assert b'name="trust_roles"' in page.content


@pytest.mark.django_db
def test_an_error_keeps_what_was_typed(client, admin):
    client.force_login(admin)
    page = client.post(
        "/exchange/imports/", {"source": "my old network", "trust_roles": "on", "mode": "check"}
    )
    assert page.status_code == 200
    assert b'value="my old network"' in page.content
    assert b"checked" in page.content

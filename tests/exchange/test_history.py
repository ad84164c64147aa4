"""Imported history that starts before a person's account counts from its first day
(rucher.exchange.history, and the rollups' handling of ``user.history_imported``)."""

from __future__ import annotations

import datetime

import pytest

from rucher.accounts.models import User
from rucher.analytics import rollups
from rucher.analytics.models import PersonRoleSpan, PersonUnit
from rucher.core import events
from rucher.core.models import Event
from rucher.exchange import history
from tests.cast import make_person
from tests.exchange.helpers import run_import, write_folder

pytestmark = pytest.mark.django_db

UNIT = {"id": "ou1", "name": "Maintenance", "kind": "department"}


def archive(tmp_path, *, first_post: str = "2025-03-04T10:00:00Z"):
    return write_folder(
        tmp_path / "history",
        {
            "org_units.jsonl": [UNIT],
            "people.jsonl": [
                # No created_at: the account would be dated from the import.
                {"id": "u1", "email": "new@helios.example", "org_unit_id": "ou1"},
                # Already has an account, made today.
                {"id": "u2", "email": "known@helios.example"},
                # Arrived before anything they did: nothing to record.
                {
                    "id": "u3",
                    "email": "early@helios.example",
                    "created_at": "2024-01-01T08:00:00Z",
                },
            ],
            "communities.jsonl": [
                {"id": "g1", "name": "Pumps", "visibility": "open", "created_at": first_post}
            ],
            "memberships.jsonl": [
                {
                    "id": f"m{i}",
                    "community_id": "g1",
                    "person_id": f"u{i}",
                    "role": "member",
                    "joined_at": "2025-05-01T09:00:00Z",
                }
                for i in (1, 2, 3)
            ],
            "posts.jsonl": [
                {
                    "id": "p1",
                    "type": "discussion",
                    "author_id": "u1",
                    "community_id": "g1",
                    "created_at": first_post,
                    "body": "The first fix",
                },
                {
                    "id": "p2",
                    "type": "discussion",
                    "author_id": "u2",
                    "community_id": "g1",
                    "created_at": "2025-06-10T10:00:00Z",
                    "body": "Another fix",
                },
            ],
        },
    )


def spans() -> dict[str, tuple]:
    return {
        user.email: (
            list(
                PersonRoleSpan.objects.filter(person_id=user.pk)
                .order_by("since")
                .values_list("since", "role")
            ),
            list(
                PersonUnit.objects.filter(person_id=user.pk)
                .order_by("since")
                .values_list("since", "org_unit_id")
            ),
        )
        for user in User.objects.all()
    }


@pytest.mark.parametrize("people_at_a_time", [history.CHUNK, 1])
def test_history_before_the_account_is_recorded_once_and_reaches_the_rollups(
    tmp_path, monkeypatch, people_at_a_time
):
    monkeypatch.setattr(history, "CHUNK", people_at_a_time)
    make_person("known@helios.example", "Known Person")
    folder = archive(tmp_path)
    run_import(folder)
    recorded = {
        event.target_id: event.occurred_at
        for event in Event.objects.filter(verb="user.history_imported")
    }
    new = User.objects.get(email="new@helios.example")
    known = User.objects.get(email="known@helios.example")
    assert recorded == {
        new.pk: datetime.datetime(2025, 3, 4, 10, tzinfo=datetime.UTC),
        known.pk: datetime.datetime(2025, 5, 1, 9, tzinfo=datetime.UTC),
    }

    events.run_consumers(raise_errors=True)
    incremental = spans()
    role_since, unit_since = incremental["new@helios.example"]
    assert role_since[0] == (datetime.date(2025, 3, 4), "employee")
    assert unit_since[0][0] == datetime.date(2025, 3, 4)
    assert incremental["known@helios.example"][0][0][0] == datetime.date(2025, 5, 1)
    assert incremental["early@helios.example"][0][0][0] == datetime.date(2024, 1, 1)

    # Importing the same file again records nothing more; a rebuild gives the same spans.
    run_import(folder)
    assert Event.objects.filter(verb="user.history_imported").count() == 2
    rollups.rebuild()
    assert spans() == incremental


def test_a_dry_run_records_no_history(tmp_path):
    run_import(archive(tmp_path), dry_run=True)
    assert not Event.objects.filter(verb="user.history_imported").exists()

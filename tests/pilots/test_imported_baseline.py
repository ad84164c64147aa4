"""History brought in by an import gives a pilot its baseline (issue 7's "done when": the
history is seen in the feeds and in the pilot baselines).

An open-format export of a former network: six people in "Old maintenance group" since long
before; in the four weeks before the pilot starts, three of them posted there. Imported, then
chosen as a pilot community, its contributor-rate objective gets the baseline 3/6 from the
imported history alone — nothing was written in Rucher.

Neither the file nor Rucher knows when these people arrived: the file gives no
``created_at``, and one of them already has an account, made today (as single sign-on or
provisioning would have made it before the import). Their history still counts: a person's
first role and org unit reach back to their first imported record.
"""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from rucher.communities.models import Community
from rucher.core import events
from rucher.pilots import services
from tests.cast import make_person
from tests.exchange.helpers import run_import, write_folder

DAY = datetime.timedelta(days=1)


def stamp(day: datetime.date, hour: int = 10) -> str:
    moment = timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))
    return moment.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@pytest.fixture
def imported(db, tmp_path):
    make_person("tech0@helios.example", "Technician 0")  # provisioned before the import
    start = timezone.localdate()  # the baseline ends yesterday: complete days only
    long_ago = stamp(start - 300 * DAY)
    people = [
        {"id": f"u{i}", "email": f"tech{i}@helios.example", "display_name": f"Technician {i}"}
        for i in range(6)
    ]
    posts = [
        {
            "id": f"p{i}",
            "type": "discussion",
            "author_id": f"u{i}",
            "community_id": "g1",
            "created_at": stamp(start - (20 - i) * DAY),
            "body": f"Pump fix number {i}, written on the old network #maintenance",
        }
        for i in range(3)
    ]
    folder = write_folder(
        tmp_path / "former-network",
        {
            "people.jsonl": people,
            "communities.jsonl": [
                {
                    "id": "g1",
                    "name": "Old maintenance group",
                    "visibility": "open",
                    "created_at": long_ago,
                }
            ],
            "memberships.jsonl": [
                {
                    "id": f"m{i}",
                    "community_id": "g1",
                    "person_id": f"u{i}",
                    "role": "member",
                    "joined_at": long_ago,
                }
                for i in range(6)
            ],
            "posts.jsonl": posts,
        },
    )
    run = run_import(folder)
    assert run.counts["posts.jsonl"]["created"] == 3, run.counts
    events.run_consumers(raise_errors=True)
    return start, Community.objects.get(name="Old maintenance group")


def test_an_imported_community_gets_its_baseline_from_the_imported_history(
    imported, project_lead, client
):
    start, community = imported
    pilot = services.pilot_create(
        actor=project_lead,
        name="Maintenance pilot",
        start_date=start,
        end_date=start + 120 * DAY,
    )
    services.pilot_community_add(
        actor=project_lead, pilot_id=pilot.pk, community_id=community.pk, reason="need"
    )
    objective = services.objective_create(
        actor=project_lead, pilot_id=pilot.pk, title="More technicians write"
    )
    measure = services.measure_add(
        actor=project_lead,
        objective_id=objective.pk,
        kind="kpi",
        kpi_key="contributor_rate",
        kpi_window=28,
        target_value=0.7,
        target_date=pilot.end_date,
    )
    assert measure.baseline_value == pytest.approx(3 / 6)

    client.force_login(project_lead)
    feed = client.get(reverse("communities:detail", args=[community.slug])).content.decode()
    assert "Pump fix number 0, written on the old network" in feed

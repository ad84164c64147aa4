"""The support, lessons, library and decision-and-deployment pages and their API.

One world per class (``setUpTestData``): the permission-matrix pilot world, built through
the services, then each test runs in its own transaction.
"""

from __future__ import annotations

import datetime
import json
from decimal import Decimal
from typing import Any, ClassVar

from django.test import Client, TestCase
from django.urls import reverse
from django.utils import timezone

from rucher.core import clock
from rucher.pilots import services, support
from rucher.pilots.models import Decision, DeploymentWave, Lesson, SupportEntry
from tests import cast
from tests.pilots.world import build_pilot_world

DAY = datetime.timedelta(days=1)


def build() -> dict[str, Any]:
    org = cast.build_org()
    personas = cast.build_personas(org)
    communities = cast.build_communities(
        personas, personas["other_guest"], personas["former_member"]
    )
    world = {**personas, "communities": communities, "org": org}
    world.update(build_pilot_world(personas, communities, org))
    return world


class DeploymentPages(TestCase):
    world: ClassVar[dict[str, Any]]

    @classmethod
    def setUpTestData(cls) -> None:
        cls.world = build()

    # -- helpers

    def as_(self, who: str) -> Client:
        client = Client()
        client.force_login(self.world[who])
        return client

    def url(self, name: str, *args: Any) -> str:
        return reverse(name, args=args)

    @property
    def slug(self) -> str:
        return self.world["pilot_slug"]

    @property
    def today(self) -> datetime.date:
        return timezone.localdate(clock.now())

    def api(self, client: Client, method: str, path: str, body: Any = None) -> Any:
        call = getattr(client, method)
        if body is None:
            return call("/api/v1" + path)
        return call("/api/v1" + path, json.dumps(body), content_type="application/json")

    # -- pages

    def test_every_page_renders_for_the_lead(self) -> None:
        client = self.as_("project_lead")
        slug = self.slug
        for name, args in [
            ("pilots:support", [slug]),
            ("pilots:support_edit", [slug, self.world["pilot_support_entry"].pk]),
            ("pilots:lessons", [slug]),
            ("pilots:lesson_edit", [slug, self.world["pilot_lesson"].pk]),
            ("pilots:deployment", [slug]),
            ("pilots:wave_edit", [slug, self.world["pilot_wave"].pk]),
            ("pilots:deployment", [self.world["pilot_closed_slug"]]),
            ("pilots:library", []),
        ]:
            response = client.get(reverse(name, args=args))
            assert response.status_code == 200, (name, response.status_code)

    def test_support_page_shows_intensity_chart_and_forms(self) -> None:
        html = self.as_("project_lead").get(self.url("pilots:support", self.slug)).content.decode()
        assert 'data-testid="intensity-table"' in html
        assert 'id="chart-support-spec"' in html
        assert 'data-testid="support-form"' in html
        assert 'data-testid="level-form"' in html
        assert "Open circle" in html

    def test_support_chart_downloads(self) -> None:
        client = self.as_("project_lead")
        response = client.get(self.url("pilots:support_chart", self.slug, "svg"))
        assert response.status_code == 200
        assert b"<svg" in response.content
        assert client.get(self.url("pilots:support_chart", self.slug, "gif")).status_code == 404

    def test_logging_support_and_bad_input_keeps_what_was_typed(self) -> None:
        client = self.as_("project_lead")
        url = self.url("pilots:support", self.slug)
        open_id = self.world["communities"]["open"].pk
        bad = {
            "action": "log",
            "kind": "coaching",
            "day": self.today.isoformat(),
            "hours": "lots",
            "people_reached": "4",
            "community": str(open_id),
            "description": "Coached the animator on replies",
        }
        response = client.post(url, bad)
        assert response.status_code == 400
        html = response.content.decode()
        assert "Coached the animator on replies" in html
        assert 'value="lots"' in html
        assert "Enter a number of hours" in html
        future = {**bad, "hours": "1,5", "day": (self.today + DAY).isoformat()}
        response = client.post(url, future)
        assert response.status_code == 400
        assert "in the future" in response.content.decode()
        response = client.post(url, {**bad, "hours": "1,5"})
        assert response.status_code == 302
        entry = SupportEntry.objects.get(description="Coached the animator on replies")
        assert entry.hours == Decimal("1.50")

    def test_editing_and_deleting_an_entry(self) -> None:
        client = self.as_("project_lead")
        entry = self.world["pilot_support_entry"]
        url = self.url("pilots:support_edit", self.slug, entry.pk)
        response = client.post(
            url,
            {"kind": "event", "day": entry.day.isoformat(), "hours": "-2", "community": ""},
        )
        assert response.status_code == 400
        assert "cannot be negative" in response.content.decode()
        response = client.post(
            url, {"kind": "event", "day": entry.day.isoformat(), "hours": "3", "community": ""}
        )
        assert response.status_code == 302
        entry.refresh_from_db()
        assert (entry.kind, entry.hours, entry.community_id) == ("event", Decimal("3.00"), None)
        response = client.post(self.url("pilots:support_delete", self.slug, entry.pk))
        assert response.status_code == 302
        assert not SupportEntry.objects.filter(pk=entry.pk).exists()

    def test_deployment_level_is_editable_on_the_support_page(self) -> None:
        client = self.as_("project_lead")
        url = self.url("pilots:support", self.slug)
        response = client.post(url, {"action": "level", "deployment_support_hours": "much"})
        assert response.status_code == 400
        assert 'value="much"' in response.content.decode()
        assert (
            client.post(url, {"action": "level", "deployment_support_hours": "2,5"}).status_code
            == 302
        )
        self.world["pilot"].refresh_from_db()
        assert self.world["pilot"].deployment_support_hours == Decimal("2.50")

    def test_animator_sees_only_own_communities_and_cannot_write(self) -> None:
        lead = self.world["project_lead"]
        pilot = self.world["pilot"]
        elsewhere = self.world["communities"]["elsewhere"]
        services.pilot_community_add(
            actor=lead, pilot_id=pilot.pk, community_id=elsewhere.pk, reason="need"
        )
        support.support_log(
            actor=lead,
            pilot_id=pilot.pk,
            kind="event",
            day=self.today,
            hours=4,
            community_id=elsewhere.pk,
            description="An event elsewhere",
        )
        support.support_log(
            actor=lead,
            pilot_id=pilot.pk,
            kind="event",
            day=self.today,
            hours=1,
            description="For everyone",
        )
        # Results published: the animator sees the whole pilot's support like a beta user.
        client = self.as_("animator")
        html = client.get(self.url("pilots:support", self.slug)).content.decode()
        assert "An event elsewhere" in html
        services.pilot_publish_results(actor=lead, pilot_id=pilot.pk, published=False)
        html = client.get(self.url("pilots:support", self.slug)).content.decode()
        assert "An event elsewhere" not in html
        assert "For everyone" not in html
        assert "Getting started with the field know-how community." in html
        assert 'data-testid="support-partial"' in html
        assert 'data-testid="support-form"' not in html
        response = client.post(
            self.url("pilots:support", self.slug),
            {"action": "log", "kind": "event", "day": self.today.isoformat(), "hours": "1"},
        )
        assert response.status_code == 403
        data = self.api(client, "get", f"/pilots/{pilot.pk}/support").json()
        assert {e["description"] for e in data["entries"]} == {
            "Getting started with the field know-how community."
        }
        assert data["intensity"]["partial"] is True
        assert data["intensity"]["whole_pilot"] is None
        assert self.as_("outsider").get(self.url("pilots:support", self.slug)).status_code == 404

    # -- lessons and library

    def test_recording_lessons(self) -> None:
        client = self.as_("project_lead")
        url = self.url("pilots:lessons", self.slug)
        response = client.post(url, {"kind": "success", "title": "", "body": "Kept body text"})
        assert response.status_code == 400
        assert "Kept body text" in response.content.decode()
        response = client.post(
            url,
            {
                "kind": "success",
                "title": "Welcome each newcomer",
                "body": "A personal welcome brought first posts.",
                "in_library": "on",
                "community_kinds": ["project"],
            },
        )
        assert response.status_code == 302
        lesson = Lesson.objects.get(title="Welcome each newcomer")
        assert lesson.in_library and lesson.community_kinds == ["project"]
        response = client.post(
            url,
            {
                "kind": "failure",
                "title": "No animator",
                "body": "A community without animator stalled.",
                "adjustment": "Name an animator before opening.",
                "wave": str(self.world["pilot_wave"].pk),
            },
        )
        assert response.status_code == 302
        html = client.get(self.url("pilots:deployment", self.slug)).content.decode()
        assert "Name an animator before opening." in html

    def test_library_for_everyone_inside_filtered_by_kind(self) -> None:
        lead = self.world["project_lead"]
        from rucher.pilots import lessons

        lessons.lesson_create(
            actor=lead,
            pilot_id=self.world["pilot"].pk,
            kind="success",
            title="Works for every kind",
            body="Answer within a day.",
            in_library=True,
        )
        client = self.as_("outsider")
        html = client.get(self.url("pilots:library")).content.decode()
        assert "A weekly &#x27;fix of the week&#x27; post" in html
        assert "Works for every kind" in html
        # the outsider may not see the pilot: its name is not given
        assert self.world["pilot"].name not in html
        html = client.get(self.url("pilots:library"), {"kind": "project"}).content.decode()
        assert "fix of the week" not in html
        assert "Works for every kind" in html
        # from a community: its kind is chosen
        html = client.get(
            self.url("pilots:library"), {"community": self.world["communities"]["open"].slug}
        ).content.decode()
        assert "fix of the week" in html
        assert 'data-testid="library-community"' in html
        response = client.get(self.url("pilots:library"), {"kind": "nonsense"})
        assert response.status_code == 400
        assert self.as_("guest").get(self.url("pilots:library")).status_code == 403
        items = self.api(
            self.as_("member"), "get", "/pilots/library/practices?kind=profession"
        ).json()
        assert {item["title"] for item in items} >= {"Works for every kind"}
        assert self.api(self.as_("guest"), "get", "/pilots/library/practices").status_code == 403

    def test_community_settings_link_to_the_library(self) -> None:
        html = (
            self.as_("animator")
            .get(reverse("communities:settings", args=[self.world["communities"]["open"].slug]))
            .content.decode()
        )
        assert self.url("pilots:library") + "?community=" in html

    # -- decision and waves

    def test_decision_only_for_a_closed_pilot(self) -> None:
        client = self.as_("project_lead")
        data = {
            "action": "decision",
            "outcome": "go",
            "rationale": "Contribution rose beyond the comparison group.",
            "decided_by": "Steering committee",
            "decided_on": self.today.isoformat(),
        }
        response = client.post(self.url("pilots:deployment", self.slug), data)
        assert response.status_code == 409
        html = response.content.decode()
        assert "Close the pilot before recording its decision." in html
        assert "Contribution rose beyond the comparison group." in html
        closed = self.world["pilot_closed"]
        url = self.url("pilots:deployment", closed.slug)
        response = client.post(url, {**data, "rationale": ""})
        assert response.status_code == 400
        assert "Steering committee" in response.content.decode()
        assert client.post(url, data).status_code == 302
        closed.refresh_from_db()
        assert closed.status == "decided"
        assert Decision.objects.get(pilot=closed).outcome == "go"
        # corrected while unpublished, frozen once published
        assert client.post(url, {**data, "outcome": "adjust"}).status_code == 302
        services.pilot_publish_results(
            actor=self.world["project_lead"], pilot_id=closed.pk, published=True
        )
        response = client.post(url, {**data, "outcome": "stop"})
        assert response.status_code == 409
        assert Decision.objects.get(pilot=closed).outcome == "adjust"
        assert self.as_("animator").post(url, data).status_code == 403

    def test_waves_planned_and_measured(self) -> None:
        client = self.as_("project_lead")
        url = self.url("pilots:deployment", self.slug)
        base = {
            "action": "wave",
            "name": "Wave 2: sales",
            "start_date": (self.today + 30 * DAY).isoformat(),
            "support_hours": "1",
        }
        response = client.post(url, base)
        assert response.status_code == 400
        assert "at least one org unit or community" in response.content.decode()
        assert 'value="Wave 2: sales"' in response.content.decode()
        response = client.post(
            url,
            {
                **base,
                "end_date": (self.today + DAY).isoformat(),
                "org_units": [str(self.world["org"]["team_a"].pk)],
            },
        )
        assert response.status_code == 400
        assert "must end after it starts" in response.content.decode()
        response = client.post(url, {**base, "org_units": [str(self.world["org"]["team_a"].pk)]})
        assert response.status_code == 302
        assert DeploymentWave.objects.filter(name="Wave 2: sales").exists()
        html = client.get(url).content.decode()
        assert 'data-testid="wave-measurement"' in html
        assert "has not started yet" in html
        # the animator sees the plan, and the measurement once results are published
        assert 'data-testid="wave-measurement"' in self.as_("animator").get(url).content.decode()
        services.pilot_publish_results(
            actor=self.world["project_lead"], pilot_id=self.world["pilot"].pk, published=False
        )
        html = self.as_("animator").get(url).content.decode()
        assert "Wave 2: sales" in html
        assert 'data-testid="wave-measurement"' not in html

    def test_wave_edit_and_delete(self) -> None:
        client = self.as_("project_lead")
        wave = self.world["pilot_wave"]
        url = self.url("pilots:wave_edit", self.slug, wave.pk)
        response = client.post(
            url,
            {
                "name": "Renamed",
                "start_date": wave.start_date.isoformat(),
                "support_hours": "x",
                "communities": [str(self.world["communities"]["open"].pk)],
            },
        )
        assert response.status_code == 400
        assert 'value="Renamed"' in response.content.decode()
        response = client.post(
            url,
            {
                "name": "Renamed",
                "start_date": wave.start_date.isoformat(),
                "support_hours": "2",
                "communities": [str(self.world["communities"]["open"].pk)],
            },
        )
        assert response.status_code == 302
        wave.refresh_from_db()
        assert (wave.name, wave.support_hours, wave.org_units.count()) == (
            "Renamed",
            Decimal("2.00"),
            0,
        )
        assert client.post(self.url("pilots:wave_delete", self.slug, wave.pk)).status_code == 302
        assert not DeploymentWave.objects.filter(pk=wave.pk).exists()
        # the failure attached to it stays, now for the plan as a whole
        self.world["pilot_failure"].refresh_from_db()
        assert self.world["pilot_failure"].wave_id is None

    # -- API

    def test_api_support_round_trip(self) -> None:
        client = self.as_("project_lead")
        pilot = self.world["pilot"]
        response = self.api(
            client,
            "post",
            f"/pilots/{pilot.pk}/support",
            {"kind": "help", "day": self.today.isoformat(), "hours": "0.75", "people_reached": 1},
        )
        assert response.status_code == 201, response.content
        entry_id = response.json()["id"]
        response = self.api(client, "patch", f"/pilots/support/{entry_id}", {"hours": "abc"})
        assert response.status_code == 400
        assert "hours" in response.json()["error"]["fields"]
        response = self.api(
            client,
            "patch",
            f"/pilots/support/{entry_id}",
            {"community_id": self.world["communities"]["open"].pk},
        )
        assert response.json()["community_id"] == self.world["communities"]["open"].pk
        assert response.json()["hours"] == 0.75
        response = self.api(
            client,
            "put",
            f"/pilots/{pilot.pk}/support/deployment-level",
            {"deployment_support_hours": 3},
        )
        assert response.json()["deployment_support_hours"] == 3.0
        data = self.api(client, "get", f"/pilots/{pilot.pk}/support").json()
        assert data["intensity"]["deployment_level"] == 3.0
        assert len(data["entries"]) == 2
        assert self.api(client, "delete", f"/pilots/support/{entry_id}").status_code == 200
        assert (
            self.api(self.as_("outsider"), "get", f"/pilots/{pilot.pk}/support").status_code == 404
        )

    def test_api_lessons_decision_and_waves(self) -> None:
        client = self.as_("project_lead")
        pilot, closed = self.world["pilot"], self.world["pilot_closed"]
        response = self.api(
            client,
            "post",
            f"/pilots/{pilot.pk}/lessons",
            {"kind": "failure", "title": "T", "body": "B", "in_library": True},
        )
        assert response.status_code == 400
        assert "in_library" in response.json()["error"]["fields"]
        response = self.api(
            client,
            "post",
            f"/pilots/{pilot.pk}/lessons",
            {
                "kind": "success",
                "title": "T",
                "body": "B",
                "in_library": True,
                "community_kinds": ["nope"],
            },
        )
        assert response.status_code == 400
        response = self.api(
            client,
            "post",
            f"/pilots/{pilot.pk}/lessons",
            {"kind": "success", "title": "T", "body": "B"},
        )
        assert response.status_code == 201
        lesson_id = response.json()["id"]
        response = self.api(client, "patch", f"/pilots/lessons/{lesson_id}", {"in_library": True})
        assert response.json()["in_library"] is True
        assert self.api(client, "delete", f"/pilots/lessons/{lesson_id}").status_code == 200

        decision = {
            "outcome": "go",
            "rationale": "R",
            "decided_by": "Committee",
            "decided_on": self.today.isoformat(),
        }
        assert self.api(client, "put", f"/pilots/{pilot.pk}/decision", decision).status_code == 409
        response = self.api(client, "put", f"/pilots/{closed.pk}/decision", decision)
        assert response.status_code == 200
        assert response.json()["decision"]["outcome"] == "go"
        assert response.json()["decision"]["editable"] is True

        response = self.api(
            client,
            "post",
            f"/pilots/{pilot.pk}/deployment/waves",
            {
                "name": "W",
                "start_date": self.today.isoformat(),
                "support_hours": 1,
                "community_ids": [999999],
            },
        )
        assert response.status_code == 400
        assert "community_ids" in response.json()["error"]["fields"]
        wave_id = self.world["pilot_wave"].pk
        response = self.api(
            client, "patch", f"/pilots/deployment/waves/{wave_id}", {"end_date": None, "notes": "N"}
        )
        assert response.status_code == 200
        assert response.json()["notes"] == "N"
        response = self.api(client, "get", f"/pilots/deployment/waves/{wave_id}/measurement")
        assert response.status_code == 200, response.content
        data = response.json()
        assert data["started"] is True
        assert [m["kpi_key"] for m in data["measures"]] == ["contributor_rate"]
        labels = [part["label"] for part in data["measures"][0]["parts"]]
        assert len(labels) == 2  # the wave's communities, then team_b
        assert (
            self.api(
                self.as_("outsider"), "get", f"/pilots/deployment/waves/{wave_id}/measurement"
            ).status_code
            == 404
        )
        services.pilot_publish_results(
            actor=self.world["project_lead"], pilot_id=pilot.pk, published=False
        )
        assert (
            self.api(
                self.as_("animator"), "get", f"/pilots/deployment/waves/{wave_id}/measurement"
            ).status_code
            == 403
        )

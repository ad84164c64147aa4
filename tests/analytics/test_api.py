"""The analytics API: KPI values with their window, definition and group sizes; stages;
access like the pages; structured errors; the OpenAPI document."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.test import Client
from django.utils import timezone

from tests.analytics.helpers import activity

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(org, personas, communities):
    return {**activity(personas, communities), "communities": communities, "org": org, **personas}


def get(world, who, path, **query):
    client = Client()
    client.force_login(world[who])
    return client.get("/api/v1" + path, query)


def test_definitions(world):
    response = get(world, "guest", "/analytics/kpis")
    assert response.status_code == 200
    keys = {item["key"]: item for item in response.json()}
    assert {"reach", "contributor_rate", "time_to_first_response"} <= set(keys)
    assert keys["reach"]["definition"]
    assert keys["reach"]["unit"] == "ratio"


def test_community_kpis_carry_value_window_definition_and_group_size(world):
    community = world["communities"]["open"]
    today = str(timezone.localdate())
    response = get(
        world,
        "animator",
        f"/analytics/communities/{community.pk}/kpis",
        start=today,
        end=today,
    )
    assert response.status_code == 200
    body = response.json()
    assert body["scope"] == "community" and body["community_id"] == community.pk
    assert body["min_group_size"] == 5
    by_key = {kpi["key"]: kpi for kpi in body["kpis"]}
    reach = by_key["reach"]
    assert set(reach) >= {"value", "window", "definition", "group_size", "suppressed", "start"}
    assert reach["window"] == 28
    # Four members: below the minimum group size, so hidden, not 0.
    assert reach["group_size"] == 4
    assert reach["value"] is None and reach["suppressed"] is True
    one = get(world, "animator", f"/analytics/communities/{community.pk}/kpis/reach")
    assert one.status_code == 200 and one.json()["key"] == "reach"


def test_unknown_kpi_and_bad_periods_are_structured_errors(world):
    community = world["communities"]["open"]
    missing = get(world, "owner", f"/analytics/communities/{community.pk}/kpis/nothing")
    assert missing.status_code == 404
    assert missing.json()["error"]["code"] == "not_found"
    future = get(
        world,
        "owner",
        f"/analytics/communities/{community.pk}/kpis",
        start="2099-01-01",
        end="2099-01-02",
    )
    assert future.status_code == 400
    assert "end" in future.json()["error"]["fields"]
    reversed_ = get(
        world,
        "owner",
        f"/analytics/communities/{community.pk}/kpis",
        start="2024-03-10",
        end="2024-03-01",
    )
    assert reversed_.status_code == 400
    assert get(world, "owner", "/analytics/me", period=5).status_code == 400


def test_access(world):
    private = world["communities"]["private"]
    secret = world["communities"]["secret"]
    assert get(world, "member", f"/analytics/communities/{private.pk}/kpis").status_code == 403
    assert get(world, "project_lead", f"/analytics/communities/{secret.pk}/kpis").status_code == 404
    assert get(world, "member", "/analytics/communities/99999999/kpis").status_code == 404
    assert get(world, "member", "/analytics/network/kpis").status_code == 403
    network = get(world, "project_lead", "/analytics/network/kpis")
    assert network.status_code == 200
    assert network.json()["scope"] == "organisation"
    unit = world["org"]["department"].pk
    assert (
        get(world, "admin", "/analytics/network/kpis", org_unit_id=unit).json()["scope"]
        == "org_unit"
    )
    assert get(world, "admin", "/analytics/network/kpis", org_unit_id=99999999).status_code == 404


def test_stage_history(world):
    community = world["communities"]["open"]
    body = get(world, "owner", f"/analytics/communities/{community.pk}/stages").json()
    assert [s["stage"] for s in body["stages"]] == ["establishment", "decline"]
    assert "organic share 0.62" in body["stages"][0]["explanation"]
    assert body["stages"][1]["figures"]["rule"] == "decline"


def test_my_activity_is_my_own(world):
    today = str(timezone.localdate())
    body = get(world, "member", "/analytics/me", start=today, end=today).json()
    assert body["posts"] == 1 and body["comments"] == 0
    body = get(world, "animator", "/analytics/me", start=today, end=today).json()
    assert body["comments"] == 1 and body["posts"] == 0


def test_in_the_committed_openapi_document():
    document = json.loads((Path(__file__).resolve().parents[2] / "docs/openapi.json").read_text())
    paths = document["paths"]
    assert "/api/v1/analytics/communities/{community_id}/kpis" in paths
    assert "/api/v1/analytics/network/kpis" in paths
    assert "/api/v1/analytics/communities/{community_id}/stages" in paths

"""The programme part of the pilots API: structured errors, who may read and write."""

from __future__ import annotations

import datetime

import pytest

from rucher.pilots import selectors, services

DAY = datetime.timedelta(days=1)


@pytest.fixture
def today():
    return selectors.today()


@pytest.fixture
def pilot(project_lead, manager, member, communities, today):
    pilot = services.pilot_create(
        actor=project_lead,
        name="Api pilot",
        start_date=today - 10 * DAY,
        end_date=today + 110 * DAY,
        sponsor_ids=[manager.pk],
    )
    services.pilot_community_add(
        actor=project_lead, pilot_id=pilot.pk, community_id=communities["open"].pk, reason="need"
    )
    services.beta_users_add(actor=project_lead, pilot_id=pilot.pk, user_ids=[member.pk])
    return services.pilot_set_status(actor=project_lead, pilot_id=pilot.pk, status="running")


def call(client, user, method, path, body=None):
    client.force_login(user)
    kwargs = {"content_type": "application/json"} if body is not None else {}
    return (
        getattr(client, method)(f"/api/v1{path}", body, **kwargs)
        if body is not None
        else getattr(client, method)(f"/api/v1{path}")
    )


def test_create_and_read(client, project_lead, today):
    body = {
        "name": "From the API",
        "purpose": "Try",
        "start_date": (today + DAY).isoformat(),
        "end_date": (today + 40 * DAY).isoformat(),
    }
    response = call(client, project_lead, "post", "/pilots", body)
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["status"] == "planned" and data["slug"] == "from-the-api"
    assert data["duration_guidance"]  # about 1.3 months
    assert data["team"][0]["id"] == project_lead.pk
    assert data["next_statuses"] == ["running"]
    response = call(client, project_lead, "get", f"/pilots/{data['id']}")
    assert response.status_code == 200


def test_bad_input_is_a_structured_error(client, project_lead, member, today):
    body = {"name": "X", "start_date": "2030-02-01", "end_date": "2030-01-01"}
    response = call(client, project_lead, "post", "/pilots", body)
    assert response.status_code == 400
    assert "end_date" in response.json()["error"]["fields"]
    response = call(client, member, "post", "/pilots", {**body, "end_date": "2030-06-01"})
    assert response.status_code == 403


def test_visibility(client, pilot, outsider, animator, member, project_lead):
    assert call(client, outsider, "get", f"/pilots/{pilot.pk}").status_code == 404
    assert call(client, member, "get", f"/pilots/{pilot.pk}").status_code == 404
    assert call(client, animator, "get", f"/pilots/{pilot.pk}").status_code == 200
    assert [p["id"] for p in call(client, animator, "get", "/pilots").json()] == [pilot.pk]
    assert call(client, outsider, "get", "/pilots").json() == []
    # Animators may read their part but not beta users' names nor comparisons.
    assert call(client, animator, "get", f"/pilots/{pilot.pk}/beta-users").status_code == 403
    assert call(client, animator, "get", f"/pilots/{pilot.pk}/comparisons").status_code == 403
    assert call(client, animator, "get", f"/pilots/{pilot.pk}/communities").status_code == 200
    call(client, project_lead, "post", f"/pilots/{pilot.pk}/publication", {"published": True})
    assert call(client, member, "get", f"/pilots/{pilot.pk}").status_code == 200
    assert call(client, member, "get", f"/pilots/{pilot.pk}/comparisons").status_code == 200
    assert call(client, member, "get", f"/pilots/{pilot.pk}/baseline-gaps").status_code == 200


def test_scope_operations(client, pilot, project_lead, communities, org, owner):
    base = f"/pilots/{pilot.pk}"
    response = call(
        client,
        project_lead,
        "post",
        f"{base}/comparisons",
        {"community_id": communities["open"].pk},
    )
    assert response.status_code == 400  # a pilot community
    response = call(
        client, project_lead, "post", f"{base}/comparisons", {"org_unit_id": org["team_a"].pk}
    )
    assert response.status_code == 400  # member, a beta user, is in team_a
    assert "org_unit_id" in response.json()["error"]["fields"]
    response = call(
        client, project_lead, "post", f"{base}/comparisons", {"org_unit_id": org["team_b"].pk}
    )
    assert response.status_code == 201
    comparison_id = response.json()["id"]
    response = call(
        client, project_lead, "post", f"{base}/beta-users", {"members_of_pilot_communities": True}
    )
    assert response.status_code == 200
    data = response.json()
    assert [p["id"] for p in data["added"]] == [owner.pk] and data["left_out"] == 2
    assert call(client, project_lead, "post", f"{base}/beta-users", {}).status_code == 400
    assert call(client, project_lead, "delete", f"{base}/beta-users/{owner.pk}").status_code == 200
    assert (
        call(client, project_lead, "delete", f"{base}/comparisons/{comparison_id}").status_code
        == 200
    )
    response = call(
        client,
        project_lead,
        "post",
        f"{base}/communities",
        {"community_id": communities["private"].pk, "reason": "bogus"},
    )
    assert response.status_code == 400
    response = call(
        client,
        project_lead,
        "post",
        f"{base}/communities",
        {"community_id": communities["private"].pk, "reason": "mature"},
    )
    assert response.status_code == 201
    assert (
        call(
            client, project_lead, "delete", f"{base}/communities/{communities['private'].pk}"
        ).status_code
        == 200
    )
    assert call(client, project_lead, "get", f"{base}/comparison-suggestions").status_code == 200
    assert (
        call(client, project_lead, "get", f"{base}/baseline-gaps").json()["rows"][0]["pilot"] == 1
    )


def test_objectives_and_measures(client, pilot, project_lead, animator):
    base = f"/pilots/{pilot.pk}"
    response = call(client, project_lead, "post", f"{base}/objectives", {"title": "Writers"})
    assert response.status_code == 201
    objective_id = response.json()["id"]
    bad = {
        "kind": "kpi",
        "kpi_key": "nope",
        "target_value": 0.4,
        "target_date": pilot.end_date.isoformat(),
    }
    response = call(
        client, project_lead, "post", f"/pilots/objectives/{objective_id}/measures", bad
    )
    assert response.status_code == 400 and "kpi_key" in response.json()["error"]["fields"]
    good = {**bad, "kpi_key": "reach", "kpi_window": 7}
    response = call(
        client, project_lead, "post", f"/pilots/objectives/{objective_id}/measures", good
    )
    assert response.status_code == 201, response.content
    measure = response.json()
    assert measure["kpi_window"] == 7 and measure["progress"] in {
        "no_data",
        "behind",
        "on_track",
        "reached",
    }
    response = call(
        client, project_lead, "patch", f"/pilots/measures/{measure['id']}", {"target_value": 0.6}
    )
    assert response.json()["target_value"] == 0.6
    assert (
        call(client, project_lead, "post", f"/pilots/measures/{measure['id']}/baseline").status_code
        == 200
    )
    listed = call(client, animator, "get", f"{base}/objectives").json()
    assert listed[0]["measures"][0]["id"] == measure["id"]
    assert call(client, animator, "delete", f"/pilots/measures/{measure['id']}").status_code == 403
    assert (
        call(client, project_lead, "delete", f"/pilots/measures/{measure['id']}").status_code == 200
    )
    response = call(
        client, project_lead, "patch", f"/pilots/objectives/{objective_id}", {"title": ""}
    )
    assert response.status_code == 400
    assert (
        call(client, project_lead, "delete", f"/pilots/objectives/{objective_id}").status_code
        == 200
    )


def test_status_and_publication(client, pilot, project_lead, manager):
    base = f"/pilots/{pilot.pk}"
    assert call(client, manager, "post", f"{base}/status", {"status": "decided"}).status_code == 400
    response = call(client, manager, "post", f"{base}/status", {"status": "closed"})
    assert response.status_code == 200 and response.json()["next_statuses"] == ["running"]
    response = call(
        client, manager, "patch", base, {"name": "Renamed", "deployment_support_hours": "3.5"}
    )
    assert (
        response.json()["name"] == "Renamed" and response.json()["deployment_support_hours"] == 3.5
    )
    response = call(client, manager, "patch", base, {"unknown": 1})
    assert response.status_code == 422

"""The programme pages: index, creation, overview, scope and objectives — who sees what,
bad input that keeps what was typed, and the actions."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from rucher.pilots import selectors, services
from rucher.pilots.models import BetaUser, ComparisonGroup, Objective, Pilot, PilotCommunity

pytestmark = pytest.mark.usefixtures("shared_cast")

DAY = datetime.timedelta(days=1)


@pytest.fixture
def today():
    return selectors.today()


@pytest.fixture
def pilot(project_lead, manager, member, communities, today):
    """A running pilot: open community in it, member a beta user, manager its sponsor."""
    pilot = services.pilot_create(
        actor=project_lead,
        name="Field pilot",
        purpose="Share fixes.",
        start_date=today - 20 * DAY,
        end_date=today + 100 * DAY,
        sponsor_ids=[manager.pk],
    )
    services.pilot_community_add(
        actor=project_lead, pilot_id=pilot.pk, community_id=communities["open"].pk, reason="need"
    )
    services.beta_users_add(actor=project_lead, pilot_id=pilot.pk, user_ids=[member.pk])
    return services.pilot_set_status(actor=project_lead, pilot_id=pilot.pk, status="running")


def get(client, user, name, *args):
    client.force_login(user)
    return client.get(reverse(name, args=args))


def post(client, user, name, args, data):
    client.force_login(user)
    return client.post(reverse(name, args=args), data)


# ---------------------------------------------------------------- access


@pytest.mark.parametrize("page", ["pilots:detail", "pilots:scope", "pilots:objectives"])
def test_who_sees_the_pages(client, pilot, page, personas):
    expected = {
        "project_lead": 200,
        "admin": 200,
        "manager": 200,  # sponsor
        "animator": 200,  # animates the open community
        "owner": 200,
        "member": 404,  # beta user: not before the results are published
        "outsider": 404,
        "guest": 404,
    }
    for who, status in expected.items():
        assert get(client, personas[who], page, pilot.slug).status_code == status, who
    services.pilot_publish_results(
        actor=personas["project_lead"], pilot_id=pilot.pk, published=True
    )
    assert get(client, personas["member"], page, pilot.slug).status_code == 200


def test_missing_pilot_is_404(client, project_lead):
    assert get(client, project_lead, "pilots:detail", "nothing-here").status_code == 404


def test_index_lists_visible_pilots_by_status(client, pilot, project_lead, outsider, today):
    services.pilot_create(
        actor=project_lead, name="Later", start_date=today + 30 * DAY, end_date=today + 150 * DAY
    )
    response = get(client, project_lead, "pilots:index")
    assert response.status_code == 200
    body = response.content.decode()
    assert "Field pilot" in body and "Later" in body
    assert 'data-testid="pilots-running"' in body and 'data-testid="pilots-planned"' in body
    assert 'data-testid="new-pilot"' in body
    body = get(client, outsider, "pilots:index").content.decode()
    assert "Field pilot" not in body and 'data-testid="new-pilot"' not in body
    assert 'data-testid="no-pilots"' in body


def test_writes_are_403_for_viewers_who_do_not_manage(client, pilot, animator, communities):
    response = post(
        client,
        animator,
        "pilots:scope",
        [pilot.slug],
        {"action": "add_community", "community_id": communities["private"].pk, "reason": "need"},
    )
    assert response.status_code == 403
    response = post(
        client, animator, "pilots:detail", [pilot.slug], {"action": "status", "status": "closed"}
    )
    assert response.status_code == 403
    response = post(
        client,
        animator,
        "pilots:objectives",
        [pilot.slug],
        {"action": "add_objective", "new-title": "X"},
    )
    assert response.status_code == 403
    assert get(client, animator, "pilots:edit", pilot.slug).status_code == 403
    assert get(client, animator, "pilots:scope_suggestions", pilot.slug).status_code == 403


def test_animator_sees_only_their_communities(
    client, pilot, project_lead, animator, owner, communities
):
    # The private community's only manager here is made someone else's: use the elsewhere one.
    services.pilot_community_add(
        actor=project_lead,
        pilot_id=pilot.pk,
        community_id=communities["elsewhere"].pk,
        reason="volunteers",
    )
    body = get(client, animator, "pilots:scope", pilot.slug).content.decode()
    assert "Open circle" in body and "Elsewhere" not in body
    assert "Marie Membre" not in body  # beta users' names are for the team
    assert 'data-testid="baseline-gaps"' not in body
    body = get(client, owner, "pilots:scope", pilot.slug).content.decode()
    assert "Elsewhere" in body  # owns both


# ---------------------------------------------------------------- creation and editing


def test_create_page_only_for_the_project_team(client, project_lead, manager):
    assert get(client, manager, "pilots:create").status_code == 403
    assert get(client, project_lead, "pilots:create").status_code == 200


def test_create_a_pilot(client, project_lead, manager):
    response = post(
        client,
        project_lead,
        "pilots:create",
        [],
        {
            "name": "Sales pilot",
            "purpose": "Why",
            "start_date": "2030-01-01",
            "end_date": "2030-02-15",
            "deployment_support_hours": "2",
            "sponsor_id": manager.pk,
        },
    )
    pilot = Pilot.objects.get(name="Sales pilot")
    assert response.status_code == 302
    assert response["Location"] == reverse("pilots:scope", args=[pilot.slug])
    assert list(pilot.sponsors.all()) == [manager]
    assert list(pilot.team.all()) == [project_lead]
    # 1.5 months: the guidance is shown as a warning, not refused.
    page = client.get(response["Location"]).content.decode()
    assert "Under 3 months" in page


def test_create_keeps_what_was_typed(client, project_lead):
    response = post(
        client,
        project_lead,
        "pilots:create",
        [],
        {
            "name": "Typed name",
            "purpose": "Typed purpose",
            "start_date": "2030-03-01",
            "end_date": "2030-01-01",
            "deployment_support_hours": "-3",
        },
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "Typed name" in body and "Typed purpose" in body
    assert "The pilot must end after it starts." in body
    assert not Pilot.objects.filter(name="Typed name").exists()


def test_edit_page(client, pilot, manager):
    response = post(
        client,
        manager,
        "pilots:edit",
        [pilot.slug],
        {
            "name": "Renamed",
            "purpose": "New purpose",
            "start_date": pilot.start_date.isoformat(),
            "end_date": pilot.end_date.isoformat(),
            "deployment_support_hours": "3",
        },
    )
    assert response.status_code == 302
    pilot.refresh_from_db()
    assert pilot.name == "Renamed" and str(pilot.deployment_support_hours) == "3.00"
    response = post(
        client,
        manager,
        "pilots:edit",
        [pilot.slug],
        {"name": "", "start_date": "x", "end_date": "", "deployment_support_hours": "1"},
    )
    assert response.status_code == 400


# ---------------------------------------------------------------- overview


def test_overview_shows_the_pilot_at_a_glance(client, pilot, project_lead, manager):
    body = get(client, project_lead, "pilots:detail", pilot.slug).content.decode()
    for text in (
        "Share fixes.",
        "Mona Manager",
        "Paul Projet",
        'data-testid="scope-counts"',
        "Open circle",
    ):
        assert text in body
    assert 'data-testid="status-closed"' in body  # the next action of a running pilot
    assert 'data-testid="publish-form"' in body
    body = get(client, pilot_animator(pilot), "pilots:detail", pilot.slug).content.decode()
    assert 'data-testid="publish-form"' not in body and 'data-testid="status-closed"' not in body


def pilot_animator(pilot):
    from rucher.accounts.models import User

    return User.objects.get(email="animator@exemple.fr")


def test_status_and_publish_actions(client, pilot, project_lead):
    response = post(
        client, project_lead, "pilots:detail", [pilot.slug], {"action": "publish", "published": "1"}
    )
    assert response.status_code == 302
    pilot.refresh_from_db()
    assert pilot.results_published_at is not None
    post(client, project_lead, "pilots:detail", [pilot.slug], {"action": "publish"})
    pilot.refresh_from_db()
    assert pilot.results_published_at is None
    response = post(
        client,
        project_lead,
        "pilots:detail",
        [pilot.slug],
        {"action": "status", "status": "closed"},
    )
    assert response.status_code == 302
    pilot.refresh_from_db()
    assert pilot.status == "closed"
    response = post(
        client,
        project_lead,
        "pilots:detail",
        [pilot.slug],
        {"action": "status", "status": "decided"},
    )
    assert response.status_code == 400
    assert "decision" in response.content.decode()
    response = post(client, project_lead, "pilots:detail", [pilot.slug], {"action": "nonsense"})
    assert response.status_code == 400


def test_planned_pilot_without_communities_cannot_start(client, project_lead, today):
    planned = services.pilot_create(
        actor=project_lead, name="Empty", start_date=today + DAY, end_date=today + 120 * DAY
    )
    response = post(
        client,
        project_lead,
        "pilots:detail",
        [planned.slug],
        {"action": "status", "status": "running"},
    )
    assert response.status_code == 400
    assert "without communities cannot start" in response.content.decode()


def test_sponsor_and_team_actions(client, pilot, project_lead, outsider, guest):
    post(
        client,
        project_lead,
        "pilots:detail",
        [pilot.slug],
        {"action": "add_team", "person_id": outsider.pk},
    )
    assert pilot.team.filter(pk=outsider.pk).exists()
    post(
        client,
        project_lead,
        "pilots:detail",
        [pilot.slug],
        {"action": "remove_team", "person_id": outsider.pk},
    )
    assert not pilot.team.filter(pk=outsider.pk).exists()
    response = post(
        client,
        project_lead,
        "pilots:detail",
        [pilot.slug],
        {"action": "add_sponsor", "person_id": guest.pk},
    )
    assert response.status_code == 400
    response = post(client, project_lead, "pilots:detail", [pilot.slug], {"action": "add_sponsor"})
    assert response.status_code == 400


# ---------------------------------------------------------------- scope


def test_add_community_with_a_reason_and_overlap_refusal(client, pilot, project_lead, communities):
    response = post(
        client,
        project_lead,
        "pilots:scope",
        [pilot.slug],
        {
            "action": "add_community",
            "community_id": communities["private"].pk,
            "reason": "other",
            "reason_detail": "",
        },
    )
    assert response.status_code == 400
    assert "Describe the reason." in response.content.decode()
    response = post(
        client,
        project_lead,
        "pilots:scope",
        [pilot.slug],
        {"action": "add_comparison", "target": f"c{communities['private'].pk}"},
    )
    assert response.status_code == 302
    group = ComparisonGroup.objects.get(pilot=pilot)
    assert group.community == communities["private"]
    # member, a beta user, belongs to the private community: the page says so.
    assert (
        'data-testid="shared-beta"'
        in get(client, project_lead, "pilots:scope", pilot.slug).content.decode()
    )
    # The comparison community is no longer offered, and a forged post is refused clearly.
    response = post(
        client,
        project_lead,
        "pilots:scope",
        [pilot.slug],
        {"action": "add_suggestion", "community_id": communities["open"].pk},
    )
    assert response.status_code == 400
    assert "cannot also be its own comparison" in response.content.decode()


def test_beta_users_one_click_and_picker(client, pilot, project_lead, outsider, org):
    post(
        client,
        project_lead,
        "pilots:scope",
        [pilot.slug],
        {"action": "add_comparison", "target": f"u{org['team_b'].pk}"},
    )
    response = post(client, project_lead, "pilots:scope", [pilot.slug], {"action": "add_members"})
    assert response.status_code == 302
    # member was there; owner joins; animator (team_b) and the guest are left out.
    names = set(BetaUser.objects.filter(pilot=pilot).values_list("user__display_name", flat=True))
    assert names == {"Marie Membre", "Olivia Owner"}
    response = post(
        client,
        project_lead,
        "pilots:scope",
        [pilot.slug],
        {"action": "add_beta", "user_id": outsider.pk},
    )
    assert response.status_code == 302
    assert BetaUser.objects.filter(pilot=pilot, user=outsider).exists()
    response = post(
        client, project_lead, "pilots:scope", [pilot.slug], {"action": "add_beta", "user_id": ""}
    )
    assert response.status_code == 400
    response = post(
        client,
        project_lead,
        "pilots:scope",
        [pilot.slug],
        {"action": "remove_beta", "user_id": outsider.pk},
    )
    assert response.status_code == 302
    body = get(client, project_lead, "pilots:scope", pilot.slug).content.decode()
    assert "Olivia Owner" in body and 'data-testid="baseline-gaps"' in body


def test_comparison_org_unit_with_beta_users_refused_and_form_kept(
    client, pilot, project_lead, org
):
    response = post(
        client,
        project_lead,
        "pilots:scope",
        [pilot.slug],
        {"action": "add_comparison", "target": f"u{org['team_a'].pk}"},
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "beta user" in body
    assert f'value="u{org["team_a"].pk}" selected' in body


def test_suggestions_fragment_and_full_page(client, pilot, project_lead):
    client.force_login(project_lead)
    url = reverse("pilots:scope_suggestions", args=[pilot.slug])
    fragment = client.get(url, headers={"HX-Request": "true"})
    assert fragment.status_code == 200
    assert "<html" not in fragment.content.decode()
    page = client.get(url)
    assert page.status_code == 200 and 'data-testid="suggestions"' in page.content.decode()


def test_remove_community_and_comparison(client, pilot, project_lead, communities):
    services.pilot_community_add(
        actor=project_lead,
        pilot_id=pilot.pk,
        community_id=communities["private"].pk,
        reason="mature",
    )
    response = post(
        client,
        project_lead,
        "pilots:scope",
        [pilot.slug],
        {"action": "remove_community", "community_id": communities["private"].pk},
    )
    assert response.status_code == 302
    assert not PilotCommunity.objects.filter(pilot=pilot, community=communities["private"]).exists()
    response = post(
        client,
        project_lead,
        "pilots:scope",
        [pilot.slug],
        {"action": "remove_community", "community_id": communities["open"].pk},
    )
    assert response.status_code == 409  # a running pilot keeps one
    response = post(
        client,
        project_lead,
        "pilots:scope",
        [pilot.slug],
        {"action": "remove_comparison", "comparison_id": "x"},
    )
    assert response.status_code == 404


# ---------------------------------------------------------------- objectives


def test_objective_and_measure_through_the_page(client, pilot, project_lead):
    response = post(
        client,
        project_lead,
        "pilots:objectives",
        [pilot.slug],
        {"action": "add_objective", "new-title": "More writers", "new-description": ""},
    )
    assert response.status_code == 302
    objective = Objective.objects.get(pilot=pilot)
    prefix = f"m{objective.pk}-"
    data = {
        "action": "add_measure",
        "objective_id": objective.pk,
        prefix + "kind": "kpi",
        prefix + "kpi_key": "contributor_rate",
        prefix + "kpi_window": "28",
        prefix + "direction": "up",
        prefix + "target_value": "40",
        prefix + "target_date": pilot.end_date.isoformat(),
    }
    response = post(client, project_lead, "pilots:objectives", [pilot.slug], data)
    assert response.status_code == 302
    measure = objective.measures.get()
    assert measure.target_value == pytest.approx(0.4)  # typed in percent
    body = get(client, project_lead, "pilots:objectives", pilot.slug).content.decode()
    assert "More writers" in body and "Contributor rate" in body and "40.0" in body
    # The overview shows the progress too.
    assert "More writers" in get(client, project_lead, "pilots:detail", pilot.slug).content.decode()
    # Target update in percent, then removal.
    response = post(
        client,
        project_lead,
        "pilots:objectives",
        [pilot.slug],
        {
            "action": "update_target",
            "measure_id": measure.pk,
            f"t{measure.pk}-target_value": "55",
            f"t{measure.pk}-target_date": pilot.end_date.isoformat(),
        },
    )
    assert response.status_code == 302
    measure.refresh_from_db()
    assert measure.target_value == pytest.approx(0.55)
    response = post(
        client,
        project_lead,
        "pilots:objectives",
        [pilot.slug],
        {"action": "refresh_baseline", "measure_id": measure.pk},
    )
    assert response.status_code == 302
    response = post(
        client,
        project_lead,
        "pilots:objectives",
        [pilot.slug],
        {"action": "remove_measure", "measure_id": measure.pk},
    )
    assert response.status_code == 302
    assert not objective.measures.exists()


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"kpi_key": "not_a_kpi"}, "Select a valid choice"),
        ({"kpi_key": ""}, "Choose a KPI."),
        ({"kpi_key": "response_rate", "kpi_window": "28"}, "without a window"),
        ({"target_value": "150"}, "between 0 and 100"),
        ({"target_value": "lots"}, "Enter a number"),
        ({"target_date": "2000-01-01"}, "after the pilot starts"),
        ({"baseline_start": "2000-01-01"}, "Give both ends"),
    ],
)
def test_measure_bad_input_keeps_what_was_typed(client, pilot, project_lead, changes, message):
    objective = services.objective_create(actor=project_lead, pilot_id=pilot.pk, title="Writers")
    prefix = f"m{objective.pk}-"
    values = {
        "kind": "kpi",
        "kpi_key": "contributor_rate",
        "kpi_window": "28",
        "direction": "up",
        "target_value": "40",
        "target_date": pilot.end_date.isoformat(),
        "baseline_start": "",
        "baseline_end": "",
    }
    values.update(changes)
    data = {"action": "add_measure", "objective_id": objective.pk}
    data.update({prefix + key: value for key, value in values.items()})
    response = post(client, project_lead, "pilots:objectives", [pilot.slug], data)
    assert response.status_code == 400
    body = response.content.decode()
    assert message in body, body[
        body.find("invalid-feedback") - 200 : body.find("invalid-feedback") + 300
    ]
    assert f'value="{values["target_value"]}"' in body
    assert not objective.measures.exists()


def test_objective_bad_input(client, pilot, project_lead):
    response = post(
        client,
        project_lead,
        "pilots:objectives",
        [pilot.slug],
        {"action": "add_objective", "new-title": "", "new-description": "Kept text"},
    )
    assert response.status_code == 400
    assert "Kept text" in response.content.decode()
    response = post(
        client,
        project_lead,
        "pilots:objectives",
        [pilot.slug],
        {"action": "delete_objective", "objective_id": "999999"},
    )
    assert response.status_code == 404

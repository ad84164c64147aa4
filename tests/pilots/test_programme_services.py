"""The programme services: the pilot, its scope, comparison groups, objectives and measures."""

from __future__ import annotations

import datetime

import pytest

from rucher.core.errors import Conflict, Forbidden, Invalid, NotFound
from rucher.core.models import Event
from rucher.pilots import selectors, services
from rucher.pilots.models import BetaUser, ComparisonGroup, PilotStatus

pytestmark = pytest.mark.usefixtures("shared_cast")

DAY = datetime.timedelta(days=1)


@pytest.fixture
def today():
    return selectors.today()


@pytest.fixture
def pilot(project_lead, manager, today):
    return services.pilot_create(
        actor=project_lead,
        name="Maintenance pilot",
        purpose="Share field know-how across teams.",
        start_date=today + 10 * DAY,
        end_date=today + 130 * DAY,
        deployment_support_hours="1.5",
        sponsor_ids=[manager.pk],
    )


# ---------------------------------------------------------------- pilot


def test_create_makes_a_planned_pilot_with_a_slug_and_an_event(pilot, project_lead, manager):
    assert pilot.status == PilotStatus.PLANNED
    assert pilot.slug == "maintenance-pilot"
    assert list(pilot.sponsors.all()) == [manager]
    assert str(pilot.deployment_support_hours) == "1.50"
    event = Event.objects.get(verb="pilot.created")
    assert event.actor == project_lead and event.target_id == pilot.pk


def test_slugs_are_unique_and_avoid_fixed_words(project_lead, today):
    def make(name):
        return services.pilot_create(
            actor=project_lead, name=name, start_date=today, end_date=today + 100 * DAY
        )

    assert make("New").slug == "new-2"
    assert make("Library").slug == "library-2"
    assert make("Surveys").slug == "surveys-2"
    assert make("Alpha").slug == "alpha"
    assert make("Alpha").slug == "alpha-2"
    assert make("!!!").slug == "pilot"


@pytest.mark.parametrize("who", ["member", "manager", "animator", "guest"])
def test_only_the_project_team_creates(personas, who, today):
    with pytest.raises(Forbidden):
        services.pilot_create(
            actor=personas[who], name="X", start_date=today, end_date=today + 90 * DAY
        )


def test_admin_creates(admin, today):
    pilot = services.pilot_create(
        actor=admin, name="X", start_date=today, end_date=today + 90 * DAY
    )
    assert pilot.created_by == admin


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"name": "  "}, "name"),
        ({"name": "x" * 161}, "name"),
        ({"start_date": "not a date"}, "start_date"),
        ({"end_date": ""}, "end_date"),
        ({"end_date": "2020-01-01", "start_date": "2020-02-01"}, "end_date"),
        ({"deployment_support_hours": "-1"}, "deployment_support_hours"),
        ({"deployment_support_hours": "lots"}, "deployment_support_hours"),
        ({"deployment_support_hours": "NaN"}, "deployment_support_hours"),
        ({"deployment_support_hours": "1e9"}, "deployment_support_hours"),
        ({"purpose": "x" * 5001}, "purpose"),
    ],
)
def test_create_refuses_bad_input_with_the_field(project_lead, values, field):
    kwargs = {"name": "Ok", "start_date": "2026-01-01", "end_date": "2026-05-01"}
    kwargs.update(values)
    with pytest.raises(Invalid) as error:
        services.pilot_create(actor=project_lead, **kwargs)
    assert field in error.value.fields


def test_sponsors_must_be_active_employees(project_lead, guest, deactivated, today):
    for person in (guest, deactivated):
        with pytest.raises(Invalid) as error:
            services.pilot_create(
                actor=project_lead,
                name="X",
                start_date=today,
                end_date=today + 90 * DAY,
                team_ids=[person.pk],
            )
        assert "team_ids" in error.value.fields
    with pytest.raises(Invalid):
        services.pilot_create(
            actor=project_lead,
            name="X",
            start_date=today,
            end_date=today + 90 * DAY,
            sponsor_ids=[999999],
        )
    with pytest.raises(Invalid):
        services.pilot_create(
            actor=project_lead,
            name="X",
            start_date=today,
            end_date=today + 90 * DAY,
            sponsor_ids=["abc"],
        )


def test_update_by_a_sponsor_keeps_the_address(pilot, manager):
    updated = services.pilot_update(actor=manager, pilot_id=pilot.pk, name="Renamed")
    assert updated.name == "Renamed" and updated.slug == "maintenance-pilot"
    assert Event.objects.filter(verb="pilot.updated").exists()


def test_update_refused_to_others_and_invisible_is_not_found(pilot, member, outsider):
    with pytest.raises(NotFound):
        services.pilot_update(actor=outsider, pilot_id=pilot.pk, name="X")
    with pytest.raises(NotFound):
        services.pilot_update(actor=member, pilot_id=999999, name="X")


def test_duration_guidance(today):
    assert selectors.duration_guidance(today, today + 60 * DAY)  # 2 months: too short
    assert selectors.duration_guidance(today, today + 240 * DAY)  # 8 months: too long
    assert selectors.duration_guidance(today, today + 120 * DAY) is None
    assert selectors.duration_guidance(today, today + 182 * DAY) is None


# ---------------------------------------------------------------- status


def test_a_pilot_without_communities_cannot_start(pilot, project_lead):
    with pytest.raises(Invalid) as error:
        services.pilot_set_status(actor=project_lead, pilot_id=pilot.pk, status="running")
    assert "status" in error.value.fields
    assert "without communities" in error.value.message


def test_status_moves_forward_and_reopens(pilot, project_lead, communities):
    services.pilot_community_add(
        actor=project_lead, pilot_id=pilot.pk, community_id=communities["open"].pk, reason="need"
    )
    with pytest.raises(Conflict):
        services.pilot_set_status(actor=project_lead, pilot_id=pilot.pk, status="closed")
    for status in ("running", "closed", "running", "closed"):
        pilot = services.pilot_set_status(actor=project_lead, pilot_id=pilot.pk, status=status)
        assert pilot.status == status
    with pytest.raises(Invalid):
        services.pilot_set_status(actor=project_lead, pilot_id=pilot.pk, status="decided")
    with pytest.raises(Invalid):
        services.pilot_set_status(actor=project_lead, pilot_id=pilot.pk, status="bogus")
    assert Event.objects.filter(verb="pilot.status_changed").count() == 4


def test_decided_pilot_is_frozen(pilot, project_lead, communities):
    pilot.status = PilotStatus.DECIDED
    pilot.save()
    with pytest.raises(Conflict):
        services.pilot_community_add(
            actor=project_lead,
            pilot_id=pilot.pk,
            community_id=communities["open"].pk,
            reason="need",
        )
    with pytest.raises(Conflict):
        services.objective_create(actor=project_lead, pilot_id=pilot.pk, title="X")


def test_publish_results(pilot, project_lead, communities):
    with pytest.raises(Conflict):
        services.pilot_publish_results(actor=project_lead, pilot_id=pilot.pk, published=True)
    services.pilot_community_add(
        actor=project_lead, pilot_id=pilot.pk, community_id=communities["open"].pk, reason="need"
    )
    services.pilot_set_status(actor=project_lead, pilot_id=pilot.pk, status="running")
    pilot = services.pilot_publish_results(actor=project_lead, pilot_id=pilot.pk, published=True)
    assert pilot.results_published_at is not None
    pilot = services.pilot_publish_results(actor=project_lead, pilot_id=pilot.pk, published=False)
    assert pilot.results_published_at is None
    verbs = list(
        Event.objects.filter(verb__startswith="pilot.results").values_list("verb", flat=True)
    )
    assert verbs == ["pilot.results_published", "pilot.results_unpublished"]


# ---------------------------------------------------------------- scope


def test_community_add_records_the_reason(pilot, project_lead, communities):
    entry = services.pilot_community_add(
        actor=project_lead,
        pilot_id=pilot.pk,
        community_id=communities["open"].pk,
        reason="mature",
        reason_detail="Running for two years.",
    )
    assert entry.reason == "mature"
    event = Event.objects.get(verb="pilot.community_added")
    assert event.community_id == communities["open"].pk
    with pytest.raises(Conflict):
        services.pilot_community_add(
            actor=project_lead,
            pilot_id=pilot.pk,
            community_id=communities["open"].pk,
            reason="need",
        )


def test_community_add_bad_input(pilot, project_lead, manager, communities):
    with pytest.raises(Invalid) as error:
        services.pilot_community_add(
            actor=project_lead, pilot_id=pilot.pk, community_id=communities["open"].pk, reason=""
        )
    assert "reason" in error.value.fields
    with pytest.raises(Invalid) as error:
        services.pilot_community_add(
            actor=project_lead,
            pilot_id=pilot.pk,
            community_id=communities["open"].pk,
            reason="other",
        )
    assert "reason_detail" in error.value.fields
    # A secret community the sponsor cannot see is "not found" to them.
    with pytest.raises(NotFound):
        services.pilot_community_add(
            actor=manager,
            pilot_id=pilot.pk,
            community_id=communities["secret"].pk,
            reason="need",
        )


def test_overlap_between_pilot_and_comparison_is_refused_both_ways(
    pilot, project_lead, communities
):
    services.pilot_community_add(
        actor=project_lead, pilot_id=pilot.pk, community_id=communities["open"].pk, reason="need"
    )
    with pytest.raises(Invalid) as error:
        services.comparison_add(
            actor=project_lead, pilot_id=pilot.pk, community_id=communities["open"].pk
        )
    assert "community_id" in error.value.fields
    services.comparison_add(
        actor=project_lead, pilot_id=pilot.pk, community_id=communities["private"].pk
    )
    with pytest.raises(Invalid) as error:
        services.pilot_community_add(
            actor=project_lead,
            pilot_id=pilot.pk,
            community_id=communities["private"].pk,
            reason="need",
        )
    assert "comparison" in error.value.message
    with pytest.raises(Conflict):
        services.comparison_add(
            actor=project_lead, pilot_id=pilot.pk, community_id=communities["private"].pk
        )


def test_comparison_needs_exactly_one_target(pilot, project_lead, org, communities):
    with pytest.raises(Invalid):
        services.comparison_add(actor=project_lead, pilot_id=pilot.pk)
    with pytest.raises(Invalid):
        services.comparison_add(
            actor=project_lead,
            pilot_id=pilot.pk,
            community_id=communities["open"].pk,
            org_unit_id=org["team_b"].pk,
        )
    with pytest.raises(NotFound):
        services.comparison_add(actor=project_lead, pilot_id=pilot.pk, org_unit_id=999999)


def test_comparison_unit_and_beta_users_exclude_each_other(pilot, project_lead, member, org):
    # member belongs to team_a (under the department).
    services.beta_users_add(actor=project_lead, pilot_id=pilot.pk, user_ids=[member.pk])
    with pytest.raises(Invalid) as error:
        services.comparison_add(
            actor=project_lead, pilot_id=pilot.pk, org_unit_id=org["department"].pk
        )
    assert "org_unit_id" in error.value.fields
    group = services.comparison_add(
        actor=project_lead, pilot_id=pilot.pk, org_unit_id=org["team_b"].pk
    )
    assert group.org_unit == org["team_b"]
    services.beta_user_remove(actor=project_lead, pilot_id=pilot.pk, user_id=member.pk)
    services.comparison_remove(actor=project_lead, pilot_id=pilot.pk, comparison_id=group.pk)
    services.comparison_add(actor=project_lead, pilot_id=pilot.pk, org_unit_id=org["team_a"].pk)
    with pytest.raises(Invalid) as error:
        services.beta_users_add(actor=project_lead, pilot_id=pilot.pk, user_ids=[member.pk])
    assert member.display_name in error.value.message


def test_beta_users_add(pilot, project_lead, member, outsider, guest, deactivated):
    added = services.beta_users_add(
        actor=project_lead, pilot_id=pilot.pk, user_ids=[member.pk, outsider.pk]
    )
    assert {p.pk for p in added} == {member.pk, outsider.pk}
    again = services.beta_users_add(actor=project_lead, pilot_id=pilot.pk, user_ids=[member.pk])
    assert again == []
    for person in (guest, deactivated):
        with pytest.raises(Invalid):
            services.beta_users_add(actor=project_lead, pilot_id=pilot.pk, user_ids=[person.pk])
    with pytest.raises(Invalid):
        services.beta_users_add(actor=project_lead, pilot_id=pilot.pk, user_ids=[])
    with pytest.raises(NotFound):
        services.beta_user_remove(actor=project_lead, pilot_id=pilot.pk, user_id=guest.pk)


def test_beta_users_add_members_leaves_out_guests_and_comparison_people(
    pilot, project_lead, communities, org, personas
):
    with pytest.raises(Conflict):
        services.beta_users_add_members(actor=project_lead, pilot_id=pilot.pk)
    services.pilot_community_add(
        actor=project_lead, pilot_id=pilot.pk, community_id=communities["open"].pk, reason="need"
    )
    services.comparison_add(actor=project_lead, pilot_id=pilot.pk, org_unit_id=org["team_b"].pk)
    added, left_out = services.beta_users_add_members(actor=project_lead, pilot_id=pilot.pk)
    # owner and member join; the guest and the animator (team_b, the comparison) do not.
    assert {p.pk for p in added} == {personas["owner"].pk, personas["member"].pk}
    assert left_out == 2
    assert BetaUser.objects.filter(pilot=pilot).count() == 2


def test_running_pilot_keeps_one_community(pilot, project_lead, communities):
    services.pilot_community_add(
        actor=project_lead, pilot_id=pilot.pk, community_id=communities["open"].pk, reason="need"
    )
    services.pilot_set_status(actor=project_lead, pilot_id=pilot.pk, status="running")
    with pytest.raises(Conflict):
        services.pilot_community_remove(
            actor=project_lead, pilot_id=pilot.pk, community_id=communities["open"].pk
        )
    with pytest.raises(NotFound):
        services.pilot_community_remove(
            actor=project_lead, pilot_id=pilot.pk, community_id=communities["private"].pk
        )


def test_scope_changes_refused_to_animators(pilot, project_lead, animator, communities):
    services.pilot_community_add(
        actor=project_lead, pilot_id=pilot.pk, community_id=communities["open"].pk, reason="need"
    )
    # The animator sees the pilot (their community is in it) but may not change it.
    with pytest.raises(Forbidden):
        services.pilot_community_add(
            actor=animator,
            pilot_id=pilot.pk,
            community_id=communities["private"].pk,
            reason="need",
        )
    with pytest.raises(Forbidden):
        services.comparison_add(
            actor=animator, pilot_id=pilot.pk, community_id=communities["private"].pk
        )


# ---------------------------------------------------------------- objectives and measures


@pytest.fixture
def objective(pilot, project_lead):
    return services.objective_create(
        actor=project_lead, pilot_id=pilot.pk, title="More people take part"
    )


def test_objective_lifecycle(objective, project_lead, outsider):
    assert objective.position == 1
    with pytest.raises(Invalid):
        services.objective_create(actor=project_lead, pilot_id=objective.pilot_id, title=" ")
    updated = services.objective_update(
        actor=project_lead, objective_id=objective.pk, title="Renamed", description="Why"
    )
    assert updated.title == "Renamed"
    with pytest.raises(NotFound):
        services.objective_update(actor=outsider, objective_id=objective.pk, title="X")
    services.objective_delete(actor=project_lead, objective_id=objective.pk)
    with pytest.raises(NotFound):
        services.objective_delete(actor=project_lead, objective_id=objective.pk)


def _with_community(pilot, project_lead, communities):
    services.pilot_community_add(
        actor=project_lead, pilot_id=pilot.pk, community_id=communities["open"].pk, reason="need"
    )


def test_kpi_measure_needs_pilot_communities(objective, project_lead, today):
    with pytest.raises(Invalid) as error:
        services.measure_add(
            actor=project_lead,
            objective_id=objective.pk,
            kind="kpi",
            kpi_key="contributor_rate",
            target_value=0.4,
            target_date=today + 100 * DAY,
        )
    assert "kpi_key" in error.value.fields


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"kpi_key": "no_such_kpi"}, "kpi_key"),
        ({"kpi_key": ""}, "kpi_key"),
        ({"kpi_window": 3}, "kpi_window"),
        ({"kpi_window": "x"}, "kpi_window"),
        ({"kpi_key": "response_rate", "kpi_window": 28}, "kpi_window"),
        ({"kind": "feelings"}, "kind"),
        ({"direction": "sideways"}, "direction"),
        ({"target_value": ""}, "target_value"),
        ({"target_value": "abc"}, "target_value"),
        ({"target_value": "inf"}, "target_value"),
        ({"target_value": 1.5}, "target_value"),  # a share above 100 %
        ({"target_date": "2000-01-01"}, "target_date"),
        ({"target_date": "soon"}, "target_date"),
        ({"baseline_start": "2000-01-01"}, "baseline_end"),
        ({"baseline_start": "2000-02-01", "baseline_end": "2000-01-01"}, "baseline_end"),
        ({"kind": "survey", "survey_measure": "mood"}, "survey_measure"),
        ({"kind": "survey", "survey_measure": "umux_lite", "target_value": 150}, "target_value"),
    ],
)
def test_measure_bad_input(objective, project_lead, communities, today, values, field):
    _with_community(objective.pilot, project_lead, communities)
    kwargs = {
        "kind": "kpi",
        "kpi_key": "contributor_rate",
        "kpi_window": 28,
        "target_value": 0.4,
        "target_date": today + 100 * DAY,
    }
    kwargs.update(values)
    with pytest.raises(Invalid) as error:
        services.measure_add(actor=project_lead, objective_id=objective.pk, **kwargs)
    assert field in error.value.fields, error.value.fields


def test_baseline_must_end_before_the_start(objective, project_lead, communities, today):
    _with_community(objective.pilot, project_lead, communities)
    with pytest.raises(Invalid) as error:
        services.measure_add(
            actor=project_lead,
            objective_id=objective.pk,
            kind="kpi",
            kpi_key="reach",
            target_value=0.5,
            target_date=today + 100 * DAY,
            baseline_start=today,
            baseline_end=today + 20 * DAY,
        )
    assert "baseline_end" in error.value.fields


def test_kpi_needing_more_time_than_the_pilot_is_refused(project_lead, communities, today):
    short = services.pilot_create(
        actor=project_lead, name="Short", start_date=today, end_date=today + 60 * DAY
    )
    _with_community(short, project_lead, communities)
    objective = services.objective_create(actor=project_lead, pilot_id=short.pk, title="Keep")
    with pytest.raises(Invalid) as error:
        services.measure_add(
            actor=project_lead,
            objective_id=objective.pk,
            kind="kpi",
            kpi_key="cohort_retention_12",
            target_value=0.5,
            target_date=today + 60 * DAY,
        )
    assert "kpi_key" in error.value.fields


def test_measure_add_defaults_the_baseline_to_eight_weeks_before(
    objective, project_lead, communities, today
):
    _with_community(objective.pilot, project_lead, communities)
    measure = services.measure_add(
        actor=project_lead,
        objective_id=objective.pk,
        kind="kpi",
        kpi_key="contributor_rate",
        target_value="0.4",
        target_date=today + 100 * DAY,
    )
    start = objective.pilot.start_date
    assert measure.kpi_window == 28  # the KPI's default window
    assert measure.baseline_end == start - DAY
    assert measure.baseline_start == start - 56 * DAY
    # The period is partly in the future (the pilot starts in 10 days): not measured yet.
    assert measure.baseline_value is None
    with pytest.raises(Conflict):
        services.measure_add(
            actor=project_lead,
            objective_id=objective.pk,
            kind="kpi",
            kpi_key="contributor_rate",
            target_value="0.5",
            target_date=today + 100 * DAY,
        )
    assert Event.objects.filter(verb="pilot.measure_added").count() == 1


def test_moving_the_start_moves_default_baselines(objective, project_lead, communities, today):
    _with_community(objective.pilot, project_lead, communities)
    measure = services.measure_add(
        actor=project_lead,
        objective_id=objective.pk,
        kind="kpi",
        kpi_key="reach",
        target_value=0.6,
        target_date=today + 100 * DAY,
    )
    services.pilot_update(
        actor=project_lead, pilot_id=objective.pilot_id, start_date=today + 20 * DAY
    )
    measure.refresh_from_db()
    assert measure.baseline_end == today + 19 * DAY


def test_measure_update_remove_refresh(objective, project_lead, communities, today, outsider):
    _with_community(objective.pilot, project_lead, communities)
    measure = services.measure_add(
        actor=project_lead,
        objective_id=objective.pk,
        kind="kpi",
        kpi_key="response_rate",
        target_value=0.7,
        target_date=today + 100 * DAY,
        baseline_start=today - 40 * DAY,
        baseline_end=today - 10 * DAY,
    )
    assert measure.kpi_window is None  # response rate has no windows
    measure = services.measure_update(actor=project_lead, measure_id=measure.pk, target_value=0.8)
    assert measure.target_value == 0.8
    with pytest.raises(Invalid):
        services.measure_update(actor=project_lead, measure_id=measure.pk, target_value=2)
    services.measure_refresh_baseline(actor=project_lead, measure_id=measure.pk)
    with pytest.raises(NotFound):
        services.measure_remove(actor=outsider, measure_id=measure.pk)
    services.measure_remove(actor=project_lead, measure_id=measure.pk)
    with pytest.raises(NotFound):
        services.measure_refresh_baseline(actor=project_lead, measure_id=measure.pk)


def test_survey_measure(objective, project_lead, today):
    measure = services.measure_add(
        actor=project_lead,
        objective_id=objective.pk,
        kind="survey",
        survey_measure="umux_lite",
        target_value=70,
        target_date=today + 100 * DAY,
    )
    assert measure.baseline_start is None and measure.kpi_key == ""
    assert ComparisonGroup.objects.count() == 0


def test_beta_users_in_comparison_communities_are_counted(pilot, project_lead, member, communities):
    services.beta_users_add(actor=project_lead, pilot_id=pilot.pk, user_ids=[member.pk])
    assert selectors.beta_users_in_comparison_communities(pilot) == 0
    services.comparison_add(
        actor=project_lead, pilot_id=pilot.pk, community_id=communities["private"].pk
    )
    assert selectors.beta_users_in_comparison_communities(pilot) == 1

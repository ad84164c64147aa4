"""The decision and the deployment waves: rules, and each wave's measurement against the
pilot's projection."""

from __future__ import annotations

import datetime
from decimal import Decimal
from types import SimpleNamespace

import pytest

from rucher.core.errors import Conflict, Forbidden, Invalid, NotFound
from rucher.core.models import Event
from rucher.pilots import checks, deployment
from rucher.pilots.models import Decision, DeploymentWave, Objective, ObjectiveMeasure, Pilot
from tests.pilots.test_support import make_pilot

pytestmark = pytest.mark.usefixtures("shared_cast")

DAY = datetime.timedelta(days=1)


@pytest.fixture
def closed(project_lead, communities):
    today = checks.today()
    return make_pilot(
        project_lead,
        [communities["open"]],
        start=today - 150 * DAY,
        end=today - 10 * DAY,
        status="closed",
        name="Closed pilot",
    )


def decide(actor, pilot, **kw):
    values = {
        "outcome": "go",
        "rationale": "Contribution rose beyond the comparison group.",
        "decided_by": "Steering committee",
        "decided_on": checks.today(),
    }
    values.update(kw)
    return deployment.decision_record(actor=actor, pilot_id=pilot.pk, **values)


def test_decision_makes_the_pilot_decided(project_lead, closed):
    decision = decide(project_lead, closed)
    closed.refresh_from_db()
    assert closed.status == "decided"
    assert decision.recorded_by == project_lead
    assert Event.objects.filter(verb="pilot.decided").count() == 1
    decide(project_lead, closed, outcome="adjust", rationale="Adjust the trainings.")
    assert Decision.objects.get(pilot=closed).outcome == "adjust"
    assert Event.objects.filter(verb="pilot.decision_updated").count() == 1


@pytest.mark.parametrize("status", ["planned", "running"])
def test_no_decision_before_the_pilot_is_closed(project_lead, closed, status):
    Pilot.objects.filter(pk=closed.pk).update(status=status)
    with pytest.raises(Conflict):
        decide(project_lead, closed)
    assert not Decision.objects.exists()


def test_published_decision_is_frozen(project_lead, closed):
    decide(project_lead, closed)
    Pilot.objects.filter(pk=closed.pk).update(
        results_published_at=datetime.datetime.now(datetime.UTC)
    )
    with pytest.raises(Conflict):
        decide(project_lead, closed, outcome="stop")


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"outcome": "maybe"}, "outcome"),
        ({"rationale": " "}, "rationale"),
        ({"decided_by": ""}, "decided_by"),
        ({"decided_on": None}, "decided_on"),
        ({"decided_on": "2026-01-01"}, "decided_on"),
        ({"decided_on": lambda: checks.today() + DAY}, "decided_on"),  # at run time: midnight
        ({"decided_on": checks.today() - 400 * DAY}, "decided_on"),
    ],
)
def test_bad_decisions_are_refused(project_lead, closed, values, field):
    values = {name: value() if callable(value) else value for name, value in values.items()}
    with pytest.raises(Invalid) as caught:
        decide(project_lead, closed, **values)
    assert field in caught.value.fields
    closed.refresh_from_db()
    assert closed.status == "closed"


def test_only_managers_decide(closed, personas):
    with pytest.raises(Forbidden):
        decide(personas["animator"], closed)
    with pytest.raises(NotFound):
        decide(personas["outsider"], closed)


def wave(actor, pilot, **kw):
    values = {
        "name": "Wave 1",
        "start_date": checks.today(),
        "support_hours": "1,5",
        "org_unit_ids": [],
        "community_ids": [],
    }
    values.update(kw)
    return deployment.wave_create(actor=actor, pilot_id=pilot.pk, **values)


def test_wave_create_update_delete(project_lead, closed, org, communities):
    first = wave(project_lead, closed, org_unit_ids=[org["team_a"].pk])
    second = wave(project_lead, closed, name="Wave 2", community_ids=[communities["private"].pk])
    assert (first.position, second.position) == (0, 1)
    assert first.support_hours == Decimal("1.50")
    updated = deployment.wave_update(
        actor=project_lead,
        wave_id=first.pk,
        end_date=checks.today() + 30 * DAY,
        notes="Sales first",
    )
    assert updated.notes == "Sales first"
    assert list(updated.org_units.all()) == [org["team_a"]]
    deployment.wave_delete(actor=project_lead, wave_id=second.pk)
    assert list(DeploymentWave.objects.values_list("name", flat=True)) == ["Wave 1"]


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"name": ""}, "name"),
        ({"start_date": None}, "start_date"),
        ({"end_date": checks.today() - DAY}, "end_date"),
        ({"support_hours": "-1"}, "support_hours"),
        ({"support_hours": "a lot"}, "support_hours"),
        ({"org_unit_ids": [987654]}, "org_unit_ids"),
        ({"community_ids": ["x"]}, "community_ids"),
        ({"notes": "n" * 6000}, "notes"),
    ],
)
def test_bad_waves_are_refused(project_lead, closed, org, values, field):
    base = {"org_unit_ids": [org["team_a"].pk]}
    with pytest.raises(Invalid) as caught:
        wave(project_lead, closed, **{**base, **values})
    assert field in caught.value.fields
    assert not DeploymentWave.objects.exists()


def test_a_wave_needs_a_scope_the_actor_sees(project_lead, closed, communities, personas):
    with pytest.raises(Invalid) as caught:
        wave(project_lead, closed)
    assert "org_unit_ids" in caught.value.fields
    # the project lead does not see the secret community: it cannot be put in a wave
    with pytest.raises(Invalid) as caught:
        wave(project_lead, closed, community_ids=[communities["secret"].pk])
    assert "community_ids" in caught.value.fields
    with pytest.raises(Forbidden):
        wave(personas["animator"], closed, community_ids=[communities["open"].pk])


def test_no_wave_after_a_stop(project_lead, closed, org):
    decide(project_lead, closed, outcome="stop")
    with pytest.raises(Conflict):
        wave(project_lead, closed, org_unit_ids=[org["team_a"].pk])


def test_kept_communities_survive_an_update_by_someone_who_cannot_see_them(
    project_lead, admin, closed, communities
):
    first = wave(admin, closed, community_ids=[communities["secret"].pk])
    updated = deployment.wave_update(actor=project_lead, wave_id=first.pk, name="Renamed")
    assert list(updated.communities.all()) == [communities["secret"]]


# ---- measurement ----------------------------------------------------------------------


def test_measurement_reads_kpis_before_and_since_beside_the_projection(
    project_lead, closed, org, communities, monkeypatch
):
    objective = Objective.objects.create(pilot=closed, title="More contributors")
    ObjectiveMeasure.objects.create(
        objective=objective,
        kind="kpi",
        kpi_key="contributor_rate",
        kpi_window=28,
        target_value=0.4,
        target_date=closed.end_date,
    )
    today = checks.today()
    first = wave(
        project_lead,
        closed,
        start_date=today - 20 * DAY,
        support_hours="1",
        org_unit_ids=[org["team_b"].pk],
        community_ids=[communities["open"].pk],
    )
    calls = []

    def reading(key, scope, period, window):
        calls.append((key, scope, period, window))
        before = period.end < first.start_date
        return 0.2 if before else (0.3 if scope.communities else None)

    interval = SimpleNamespace(estimate=0.05, low=0.01, high=0.09, level=0.95)
    result = SimpleNamespace(
        measures=[
            SimpleNamespace(
                key="kpi:contributor_rate:28",
                projection=SimpleNamespace(at_deployment=interval, reliable=False),
            )
        ]
    )
    monkeypatch.setattr("rucher.pilots.evaluation_data.reading", reading)
    monkeypatch.setattr("rucher.pilots.evaluation.evaluate", lambda pilot, **kw: result)
    measured = deployment.wave_measurement(first, project_lead, today=today)
    assert measured.started
    assert measured.since == (first.start_date, today - DAY)
    assert measured.before == (first.start_date - 20 * DAY, first.start_date - DAY)
    (measure,) = measured.measures
    assert measure.key == "kpi:contributor_rate:28"
    assert measure.projection is interval
    assert measure.projection_reliable is False
    communities_part, unit_part = measure.parts
    assert communities_part.change == pytest.approx(0.1)
    assert unit_part.label == org["team_b"].name
    assert unit_part.since is None and unit_part.change is None
    assert {call[3] for call in calls} == {28}
    # the wave's support differs from the pilot's parameter: said
    assert any("projection is read at" in note for note in measured.notes)


def test_measurement_of_a_wave_not_started(project_lead, closed, org):
    later = wave(
        project_lead, closed, start_date=checks.today() + 5 * DAY, org_unit_ids=[org["team_a"].pk]
    )
    measured = deployment.wave_measurement(later, project_lead)
    assert not measured.started
    assert measured.measures == []
    assert not measured.from_objectives  # no objective names a KPI: the default set


def test_a_failing_evaluation_leaves_the_figures(project_lead, closed, org, monkeypatch):
    first = wave(
        project_lead, closed, start_date=checks.today() - 5 * DAY, org_unit_ids=[org["team_a"].pk]
    )

    def broken(pilot, **kw):
        raise RuntimeError("boom")

    monkeypatch.setattr("rucher.pilots.evaluation.evaluate", broken)
    monkeypatch.setattr("rucher.pilots.evaluation_data.reading", lambda *a: None)
    measured = deployment.wave_measurement(first, project_lead)
    assert measured.started
    assert all(m.projection is None for m in measured.measures)
    assert any("could not be computed" in note for note in measured.notes)

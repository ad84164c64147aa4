"""Baselines, objective progress, comparison suggestions and baseline gaps over rollup rows
written by hand (the KPIs read only the rollups)."""

from __future__ import annotations

import datetime

import pytest

from rucher.analytics.kpis import compute
from rucher.analytics.periods import Period, Scope
from rucher.pilots import matching, selectors, services
from tests.analytics.kpi_world import act, member, person

DAY = datetime.timedelta(days=1)
PILOT_PEOPLE = range(5000, 5010)  # ten members of the open community
TWIN_PEOPLE = range(6000, 6010)  # ten members of the private one, as active before
CROWD_PEOPLE = range(7000, 7040)  # forty silent members of "elsewhere"


@pytest.fixture
def today():
    return selectors.today()


@pytest.fixture
def world(project_lead, communities, today):
    start = today - 14 * DAY
    joined = start - 200 * DAY
    for people, community in (
        (PILOT_PEOPLE, communities["open"]),
        (TWIN_PEOPLE, communities["private"]),
        (CROWD_PEOPLE, communities["elsewhere"]),
    ):
        for pk in people:
            person(pk, since=joined)
            member(community.pk, pk, start=joined)
    # Before the start: half of the pilot's and of the twin's members contribute.
    for pk in list(PILOT_PEOPLE)[:5] + list(TWIN_PEOPLE)[:5]:
        community = communities["open"] if pk < 6000 else communities["private"]
        act(pk, start - 5 * DAY, community.pk, contributions=2)
    # During the pilot: eight of the ten pilot members contribute.
    for pk in list(PILOT_PEOPLE)[:8]:
        act(pk, today - 3 * DAY, communities["open"].pk, contributions=1)
    pilot = services.pilot_create(
        actor=project_lead, name="Measured", start_date=start, end_date=start + 120 * DAY
    )
    services.pilot_community_add(
        actor=project_lead, pilot_id=pilot.pk, community_id=communities["open"].pk, reason="need"
    )
    services.pilot_set_status(actor=project_lead, pilot_id=pilot.pk, status="running")
    objective = services.objective_create(actor=project_lead, pilot_id=pilot.pk, title="Writers")
    return {"pilot": pilot, "objective": objective, "start": start}


def test_baseline_is_the_kpi_over_the_eight_weeks_before(world, project_lead, communities):
    start = world["start"]
    measure = services.measure_add(
        actor=project_lead,
        objective_id=world["objective"].pk,
        kind="kpi",
        kpi_key="contributor_rate",
        kpi_window=28,
        target_value=0.9,
        target_date=start + 100 * DAY,
    )
    expected = compute(
        "contributor_rate",
        Scope.community(communities["open"].pk),
        Period(start - 56 * DAY, start - DAY),
        window=28,
    )
    assert expected.value is not None and 0 < expected.value < 1
    assert measure.baseline_value == pytest.approx(expected.value)
    assert measure.baseline_value == pytest.approx(5 / expected.denominator)


def test_progress_goes_from_baseline_towards_target(world, project_lead, communities, animator):
    start = world["start"]
    measure = services.measure_add(
        actor=project_lead,
        objective_id=world["objective"].pk,
        kind="kpi",
        kpi_key="contributor_rate",
        target_value=0.95,
        target_date=start + 100 * DAY,
    )
    [item] = selectors.objective_progress(world["pilot"], project_lead)
    [progress] = item.measures
    assert progress.current is not None and progress.current > measure.baseline_value
    assert progress.share == pytest.approx(
        (progress.current - measure.baseline_value) / (0.95 - measure.baseline_value)
    )
    # 14 days of 100 elapsed, more than half the way done: on track.
    assert progress.status == "on_track" and item.status == "on_track"
    assert 0 < progress.bar_percent <= 100 and progress.expected_step == 15
    # The animator animates the open community: the same figures, their part.
    [animator_item] = selectors.objective_progress(world["pilot"], animator)
    assert animator_item.measures[0].current == pytest.approx(progress.current)
    # Lower is better: the same rise is going the wrong way.
    services.measure_update(
        actor=project_lead, measure_id=measure.pk, direction="down", target_value=0.1
    )
    [item] = selectors.objective_progress(world["pilot"], project_lead)
    assert item.measures[0].status == "behind"


def test_no_data_and_suppressed_figures_say_so(project_lead, communities, today):
    pilot = services.pilot_create(
        actor=project_lead,
        name="Quiet",
        start_date=today - 10 * DAY,
        end_date=today + 100 * DAY,
    )
    services.pilot_community_add(
        actor=project_lead, pilot_id=pilot.pk, community_id=communities["private"].pk, reason="need"
    )
    objective = services.objective_create(actor=project_lead, pilot_id=pilot.pk, title="Quiet")
    measure = services.measure_add(
        actor=project_lead,
        objective_id=objective.pk,
        kind="kpi",
        kpi_key="reach",
        target_value=0.5,
        target_date=today + 90 * DAY,
    )
    assert measure.baseline_value is None  # three or four people: under the minimum group
    progress = selectors.measure_progress(pilot, measure, project_lead)
    assert progress.status == "no_data"
    assert progress.note
    assert progress.baseline_display == "no data"


def test_survey_measure_progress_hidden_from_animators_before_publication(
    world, project_lead, animator
):
    measure = services.measure_add(
        actor=project_lead,
        objective_id=world["objective"].pk,
        kind="survey",
        survey_measure="usefulness",
        target_value=5.5,
        target_date=world["start"] + 100 * DAY,
    )
    progress = selectors.measure_progress(world["pilot"], measure, animator)
    assert progress.status == "hidden"
    progress = selectors.measure_progress(world["pilot"], measure, project_lead)
    assert progress.status == "no_data"  # no wave answered yet


def test_suggestions_rank_the_look_alike_first(world, project_lead, communities):
    suggestions = matching.suggest_comparisons(world["pilot"], viewer=project_lead)
    names = [s.community.name for s in suggestions]
    assert names[0] == communities["private"].name
    assert communities["secret"].name not in names  # the project lead cannot see it
    twin = suggestions[0]
    assert twin.matched_to == communities["open"]
    assert "similar activity before the pilot" in twin.reasons
    assert twin.distance < next(s.distance for s in suggestions if s.community.name == "Elsewhere")
    # Once chosen, it is no longer suggested.
    services.comparison_add(
        actor=project_lead,
        pilot_id=world["pilot"].pk,
        community_id=communities["private"].pk,
        source="suggested",
    )
    names = [s.community.name for s in matching.suggest_comparisons(world["pilot"])]
    assert communities["private"].name not in names


def test_baseline_gaps_compare_the_two_arms(world, project_lead, communities):
    services.comparison_add(
        actor=project_lead, pilot_id=world["pilot"].pk, community_id=communities["private"].pk
    )
    table = matching.baseline_gaps(world["pilot"])
    rows = {str(row[0]): row for row in table.rows}
    assert rows["Groups"][1:3] == [1, 1]
    pilot_rate, comparison_rate, gap = rows["Contributor rate"][1:4]
    assert pilot_rate is not None and comparison_rate is not None
    assert gap == pytest.approx(pilot_rate - comparison_rate)
    assert len(table.display_rows()) == len(table.rows)


def test_no_suggestion_without_pilot_communities(project_lead, today):
    pilot = services.pilot_create(
        actor=project_lead, name="Empty", start_date=today, end_date=today + 100 * DAY
    )
    assert matching.suggest_comparisons(pilot) == []
    table = matching.baseline_gaps(pilot)
    assert table.rows[0][1:3] == [0, 0]

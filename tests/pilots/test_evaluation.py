"""The evaluation of a pilot on a small world with real history (tests/pilots/evaluation_world):
figures checked against hand-computed values, the page and API, who may see them, the "no
data" states, the survey measures and the daily cache.

The world is built once for the class (posts through the services at past dates, rollups
caught up inline); each test runs in a rolled-back transaction. Most tests evaluate the
contributor rate only (``ONE_KPI``): every KPI costs a few queries per unit and block.
"""

from __future__ import annotations

import datetime
from unittest import mock

import pytest
from django.core.cache import cache
from django.test import TestCase
from django.urls import reverse

from rucher.pilots import evaluation, services, support
from rucher.pilots.models import Pilot
from tests import cast
from tests.pilots import evaluation_world as world

ONE_KPI = mock.patch.object(evaluation, "DEFAULT_KPIS", ("contributor_rate",))
RATE = "kpi:contributor_rate:28"
SIXTH = 1 / 6


def approx(value: float) -> object:
    return pytest.approx(value, abs=1e-9)


@ONE_KPI
class EvaluationOfTheWorld(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.org = cast.build_org()
        cls.admin = cast.make_admin(cls.org)
        cls.lead = cast.make_project_lead(cls.org)
        cls.outsider = cast.make_outsider(cls.org)
        built = world.build(cls.org, cls.admin, cls.lead)
        cls.people = built["people"]
        cls.communities = built["communities"]
        cls.pilot = built["pilot"]

    def setUp(self) -> None:
        cache.clear()

    def evaluate(self, pilot: Pilot | None = None) -> evaluation.Evaluation:
        return evaluation.evaluate(pilot or self.pilot, resamples=500, fresh=True)

    # ------------------------------------------------------------ figures

    def test_before_after_per_arm_and_the_difference_in_differences(self) -> None:
        result = self.evaluate()
        rate = result.measure(RATE)
        assert rate is not None
        # Mean over units of the mean of their blocks (see the table of evaluation_world).
        assert rate.pilot_before == approx((1 + 2) / 2 * SIXTH)
        assert rate.pilot_after == approx((3 + 4) / 2 * SIXTH)
        assert rate.comparison_before == approx((1 + 2) / 2 * SIXTH)
        assert rate.comparison_after == approx(2 * SIXTH)
        # (2/6 + 2/6)/2 − (1/6 + 0)/2
        assert rate.effect is not None
        assert rate.effect.estimate == approx(0.25)
        # Both pilot changes are 2/6: resampling moves only the comparison mean, which takes
        # 1/6, 1/12 or 0; the interval spans the DiD values 1/6 to 1/3.
        assert rate.effect.low == approx(SIXTH)
        assert rate.effect.high == approx(2 * SIXTH)
        assert rate.effect.units == 4 and rate.effect.few_units
        # Exact permutation test over the 6 ways to split 4 changes in two: 2 as extreme.
        assert rate.effect.p_value == approx(1 / 3)
        # C and D together: p1 and p2 posted in both during the pilot, 2 of 6 members.
        assert rate.others_after == approx(2 * SIXTH)
        assert rate.naive_gap == approx(3.5 * SIXTH - 2 * SIXTH)
        assert (rate.pilot_units, rate.comparison_units) == (2, 2)

    def test_checks_weekly_series_and_verdict(self) -> None:
        rate = self.evaluate().measure(RATE)
        assert rate is not None and rate.trends is not None and rate.novelty is not None
        # Every unit had the same number of posters in each block before: flat, parallel.
        assert rate.trends.periods == 3
        assert rate.trends.slope_gap == approx(0)
        assert rate.trends.holds is True
        # Eight weeks of the pilot; each point reads the four weeks ending that day.
        assert len(rate.weekly) == 8
        assert rate.weekly[-1][0] == world.today() - datetime.timedelta(days=1)
        assert rate.weekly[-1][1:] == (approx(3.5 * SIXTH), approx(2 * SIXTH))
        # The first week still reads three weeks before the start: no effect yet; from the
        # second week on the four weeks hold the pilot's first posts.
        assert rate.novelty.effects[0] == approx(0)
        assert rate.novelty.effects[-1] == approx(0.25)
        assert rate.novelty.fades is False
        assert "rose by 25.0 percentage points more than in the comparison group" in rate.verdict
        assert "95% interval +16.7 percentage points to +33.3 percentage points" in rate.verdict
        assert any("rests on 4 units" in note for note in rate.notes)
        assert any("permutation test gives p = 0.333" in note for note in rate.notes)

    def test_support_organic_view_and_biases(self) -> None:
        result = self.evaluate()
        months = 56 / 30.4375  # start to yesterday
        assert result.support["total_hours"] == 14.0
        assert result.support["deployment_level"] == 2.0
        assert result.support["per_community_month"] == pytest.approx(7 / months, abs=0.01)
        by_name = {row["name"]: row for row in result.support["communities"]}
        assert by_name["Community A"]["hours"] == 10.0
        assert by_name["Community B"]["per_month"] == pytest.approx(4 / months, abs=0.01)
        # 6 posts in A and 8 in B during the pilot, for 14 hours of support.
        assert result.organic["contributions"] == 14
        assert result.organic["contributions_per_hour"] == approx(1.0)
        # Four contributors at most: under the minimum group size, the shares are not shown.
        assert result.organic["organic_share"] is None
        levels = {bias.key: bias.level for bias in result.biases}
        assert list(levels) == ["selection", "support", "duration", "maturity", "management"]
        # Need and volunteers: reasons that predict success.
        assert levels["selection"] == "medium"
        assert levels["support"] == "medium"  # 1.9 × the deployment level, no projection
        assert levels["duration"] == "medium"  # 85 days, under 3 months
        selection = result.biases[0]
        assert "1 × an expressed need" in selection.measured
        assert "holds for 1 of 1 measure" in selection.handled

    def test_an_objective_names_the_measure_and_its_direction(self) -> None:
        objective = services.objective_create(
            actor=self.lead, pilot_id=self.pilot.pk, title="Fewer silent members"
        )
        services.measure_add(
            actor=self.lead,
            objective_id=objective.pk,
            kind="kpi",
            kpi_key="contributor_rate",
            kpi_window=28,
            direction="down",
            target_value=0.2,
            target_date=self.pilot.end_date,
        )
        rate = self.evaluate().measure(RATE)
        assert rate is not None
        assert rate.objectives == ["Fewer silent members"]
        assert rate.direction == "down"
        assert "against the direction the objective wants" in rate.verdict

    def test_without_comparison_groups_there_is_no_effect(self) -> None:
        for group in self.pilot.comparison_groups.all():
            services.comparison_remove(
                actor=self.lead, pilot_id=self.pilot.pk, comparison_id=group.pk
            )
        result = self.evaluate()
        rate = result.measure(RATE)
        assert rate is not None and rate.effect is None
        assert rate.pilot_after == approx(3.5 * SIXTH)
        assert "no comparison group figures" in rate.verdict
        assert any("no comparison group" in warning for warning in result.warnings)
        assert result.biases[0].level == "high"

    def test_an_org_unit_under_the_minimum_group_size_is_left_out(self) -> None:
        # Road team holds p0, p2 and p4 only: 3 people, under the minimum of 5.
        services.comparison_add(
            actor=self.lead, pilot_id=self.pilot.pk, org_unit_id=self.org["team_b"].pk
        )
        rate = self.evaluate().measure(RATE)
        assert rate is not None and rate.effect is not None
        assert rate.comparison_units == 2 and rate.comparison_units_left_out == 1
        assert rate.effect.estimate == approx(0.25)
        assert any("1 comparison group has no figure" in note for note in rate.notes)

    # ------------------------------------------------------------ survey measures

    def test_survey_measures_come_from_the_anonymous_samples(self) -> None:
        objective = services.objective_create(
            actor=self.lead, pilot_id=self.pilot.pk, title="Useful in the job"
        )
        services.measure_add(
            actor=self.lead,
            objective_id=objective.pk,
            kind="survey",
            survey_measure="usefulness",
            direction="up",
            target_value=5.5,
            target_date=self.pilot.end_date,
        )
        samples = {
            ("baseline", "pilot"): [4.0, 4.0, 4.0, 4.0, 4.0],
            ("end", "pilot"): [6.0, 6.0, 6.0, 6.0, 6.0],
            ("baseline", "comparison"): [4.0, 4.0, 4.0, 4.0, 4.0],
            ("end", "comparison"): [5.0, 5.0, 5.0, 5.0, 5.0],
        }
        with mock.patch(
            "rucher.pilots.surveys.measure_samples",
            side_effect=lambda pilot, key: samples if key == "usefulness" else {},
        ):
            result = self.evaluate()
        useful = result.measure("survey:usefulness")
        assert useful is not None and useful.kind == "survey"
        assert (useful.pilot_before, useful.pilot_after) == (4.0, 6.0)
        assert (useful.comparison_before, useful.comparison_after) == (4.0, 5.0)
        assert useful.effect is not None and useful.effect.estimate == approx(1.0)
        assert useful.effect.units == 20
        assert useful.objectives == ["Useful in the job"]

    def test_no_survey_data_is_said_plainly(self) -> None:
        objective = services.objective_create(
            actor=self.lead, pilot_id=self.pilot.pk, title="Useful in the job"
        )
        services.measure_add(
            actor=self.lead,
            objective_id=objective.pk,
            kind="survey",
            survey_measure="usefulness",
            target_value=5.5,
            target_date=self.pilot.end_date,
        )
        with mock.patch.object(evaluation, "_samples", return_value=None):
            result = self.evaluate()
        assert "No survey data: the survey results are not available." in result.warnings
        assert result.measure("survey:usefulness") is None
        # With the survey module but no answers, the measure says it has no data.
        useful = self.evaluate().measure("survey:usefulness")
        assert useful is not None and not useful.has_data
        assert "no survey answers yet" in useful.verdict

    # ------------------------------------------------------------ cache

    def test_the_evaluation_is_cached_per_pilot_and_day_until_the_pilot_changes(self) -> None:
        first = evaluation.evaluate(self.pilot, resamples=300)
        with mock.patch.object(evaluation, "_compute", side_effect=AssertionError("computed")):
            again = evaluation.evaluate(self.pilot, resamples=300)
        assert again.measure(RATE).effect == first.measure(RATE).effect  # type: ignore[union-attr]
        support.support_log(
            actor=self.lead,
            pilot_id=self.pilot.pk,
            kind="event",
            day=world.start() + datetime.timedelta(days=3),
            hours=6,
        )
        changed = evaluation.evaluate(self.pilot, resamples=300)
        assert changed.support["total_hours"] == 20.0
        key_today = evaluation.cache_key(self.pilot, on=world.today(), resamples=300, seed=0)
        key_tomorrow = evaluation.cache_key(
            self.pilot, on=world.today() + datetime.timedelta(days=1), resamples=300, seed=0
        )
        assert key_today != key_tomorrow
        assert cache.get(key_today) is not None

    def test_the_hourly_job_computes_what_is_not_cached_yet(self) -> None:
        assert evaluation.warm_cache() == 2  # the running pilot, in English and in French
        assert evaluation.warm_cache() == 0
        with mock.patch.object(evaluation, "_compute", side_effect=AssertionError("computed")):
            assert evaluation.evaluate(self.pilot).has_data

    # ------------------------------------------------------------ page and API

    def test_the_page_shows_each_measure_the_support_view_and_the_biases(self) -> None:
        self.client.force_login(self.lead)
        response = self.client.get(reverse("pilots:evaluation", args=[self.pilot.slug]))
        assert response.status_code == 200
        html = response.content.decode()
        assert html.count('data-testid="measure-card"') == 1
        assert "Difference in differences" in html
        assert "rose by 25.0 percentage points" in html
        assert 'data-testid="chart-measure-kpi-contributor-rate-28"' in html
        for key in ("selection", "support", "duration", "maturity", "management"):
            assert f'data-testid="bias-{key}"' in html
        assert 'data-testid="evaluation-no-data"' not in html

    def test_the_api_gives_the_same_figures(self) -> None:
        self.client.force_login(self.lead)
        response = self.client.get(f"/api/v1/pilots/{self.pilot.pk}/evaluation")
        assert response.status_code == 200, response.content
        body = response.json()
        assert body["has_data"] is True
        rate = next(m for m in body["measures"] if m["key"] == RATE)
        assert rate["effect"]["estimate"] == pytest.approx(0.25)
        assert rate["pilot_before"] == pytest.approx(0.25)
        assert rate["weekly"][-1]["pilot"] == pytest.approx(3.5 / 6)
        assert [b["key"] for b in body["biases"]] == [
            "selection",
            "support",
            "duration",
            "maturity",
            "management",
        ]
        assert body["support"]["total_hours"] == 14.0

    def test_who_may_see_it(self) -> None:
        page = reverse("pilots:evaluation", args=[self.pilot.slug])
        api = f"/api/v1/pilots/{self.pilot.pk}/evaluation"
        owner, beta = self.people[0], self.people[1]  # p0 owns the pilot communities
        services.beta_users_add(actor=self.lead, pilot_id=self.pilot.pk, user_ids=[beta.pk])

        def statuses(person) -> tuple[int, int]:
            self.client.force_login(person)
            return self.client.get(page).status_code, self.client.get(api).status_code

        assert statuses(self.outsider) == (404, 404)
        # Published (the world publishes): the animator-owner and the beta user see it.
        assert statuses(owner) == (200, 200)
        assert statuses(beta) == (200, 200)
        services.pilot_publish_results(actor=self.lead, pilot_id=self.pilot.pk, published=False)
        # Not published: the owner of a pilot community sees the pilot, not its results;
        # a beta user does not see the pilot at all.
        assert statuses(owner) == (403, 403)
        assert statuses(beta) == (404, 404)
        assert statuses(self.lead) == (200, 200)
        self.client.logout()
        assert self.client.get(page).status_code == 302
        assert self.client.get(api).status_code == 401


class EvaluationWithoutData(TestCase):
    """Pilots with nothing to measure: the page says so plainly, never a 500."""

    @classmethod
    def setUpTestData(cls) -> None:
        cls.org = cast.build_org()
        cls.admin = cast.make_admin(cls.org)
        cls.lead = cast.make_project_lead(cls.org)
        folks = world.people(cls.org)
        made = world.communities(cls.admin, folks, names=("A", "B", "C"))
        cls.quiet = world.pilot(cls.lead, made, support_hours=False)
        cls.empty = services.pilot_create(
            actor=cls.lead,
            name="Empty pilot",
            start_date=world.today() + datetime.timedelta(days=10),
            end_date=world.today() + datetime.timedelta(days=120),
        )

    def setUp(self) -> None:
        cache.clear()
        self.client.force_login(self.lead)

    def test_a_pilot_without_activity(self) -> None:
        # Members but no post, comment or visit: no figure is made up (not even 0 %).
        result = evaluation.evaluate(self.quiet, resamples=200, fresh=True)
        assert not result.has_data
        assert result.measures == []
        assert any(
            w.startswith("No activity recorded in the pilot communities") for w in result.warnings
        )
        # What would be measured: the default set, in this order.
        wanted = evaluation._wanted(self.quiet, surveys_present=False)
        assert [(w.key, w.window) for w in wanted] == [
            ("contributor_rate", 28),
            ("reach", 28),
            ("response_rate", None),
            ("organic_share", None),
            ("cross_department_share", None),
        ]
        response = self.client.get(reverse("pilots:evaluation", args=[self.quiet.slug]))
        assert response.status_code == 200
        assert b'data-testid="evaluation-no-data"' in response.content
        assert b"No data to evaluate yet" in response.content
        api = self.client.get(f"/api/v1/pilots/{self.quiet.pk}/evaluation")
        assert api.status_code == 200 and api.json()["has_data"] is False

    @ONE_KPI
    def test_a_planned_pilot_without_communities(self) -> None:
        result = evaluation.evaluate(self.empty, resamples=200, fresh=True)
        assert result.during is None and result.measures == [] and not result.has_data
        assert "The pilot has no community yet: there is nothing to evaluate." in result.warnings
        response = self.client.get(reverse("pilots:evaluation", args=[self.empty.slug]))
        assert response.status_code == 200
        assert b"The pilot has no community yet" in response.content
        assert b"The pilot has no complete day yet." in response.content
        api = self.client.get(f"/api/v1/pilots/{self.empty.pk}/evaluation")
        assert api.status_code == 200 and api.json()["during"] is None

"""A KPI read on a window shorter than the four-week block is the mean of the windows that
tile the block, not its last window alone.

In tests/pilots/evaluation_world every poster posts on days 10–13 of a block: a 7-day
contributor rate sees them in the block's second week only (days 7–13 of 0–27). Read on
the last week alone, every block would show 0 and the pilot would seem to change nothing;
read as the mean of four weeks, each block shows (posters ÷ 6) ÷ 4.
"""

from __future__ import annotations

import datetime
from unittest import mock

import pytest
from django.core.cache import cache
from django.test import TestCase

from rucher.analytics.periods import Period
from rucher.pilots import evaluation, services
from rucher.pilots.evaluation_data import window_ends
from tests import cast
from tests.pilots import evaluation_world as world

WEEKLY_RATE = "kpi:contributor_rate:7"
QUARTER_OF_A_SIXTH = 1 / 24


def approx(value: float) -> object:
    return pytest.approx(value, abs=1e-9)


def test_a_block_is_tiled_backwards_from_its_end() -> None:
    block = Period(datetime.date(2026, 3, 1), datetime.date(2026, 3, 28))
    assert window_ends(block, None) == [block.end]
    assert window_ends(block, 28) == [block.end]
    assert window_ends(block, 7) == [datetime.date(2026, 3, d) for d in (28, 21, 14, 7)]
    # A window that does not divide the block: whole windows only, the oldest days unread.
    assert window_ends(block, 10) == [datetime.date(2026, 3, 28), datetime.date(2026, 3, 18)]


@mock.patch.object(evaluation, "DEFAULT_KPIS", ())
class WeeklyWindowOnFourWeekBlocks(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        org = cast.build_org()
        admin = cast.make_admin(org)
        cls.lead = cast.make_project_lead(org)
        cls.pilot = world.build(org, admin, cls.lead)["pilot"]
        objective = services.objective_create(
            actor=cls.lead, pilot_id=cls.pilot.pk, title="More weekly writers"
        )
        services.measure_add(
            actor=cls.lead,
            objective_id=objective.pk,
            kind="kpi",
            kpi_key="contributor_rate",
            kpi_window=7,
            direction="up",
            target_value=0.1,
            target_date=cls.pilot.end_date,
        )

    def setUp(self) -> None:
        cache.clear()

    def test_each_block_is_the_mean_of_its_four_weeks(self) -> None:
        result = evaluation.evaluate(self.pilot, resamples=200, fresh=True)
        rate = result.measure(WEEKLY_RATE)
        assert rate is not None
        # The table of evaluation_world, each figure divided by four.
        assert rate.pilot_before == approx((1 + 2) / 2 * QUARTER_OF_A_SIXTH)
        assert rate.pilot_after == approx((3 + 4) / 2 * QUARTER_OF_A_SIXTH)
        assert rate.comparison_before == approx((1 + 2) / 2 * QUARTER_OF_A_SIXTH)
        assert rate.comparison_after == approx(2 * QUARTER_OF_A_SIXTH)
        assert rate.effect is not None
        assert rate.effect.estimate == approx(0.25 / 4)

"""The evaluation's pure rules: the days it reads, the verdict sentences and the bias levels
(no database: hand-made results)."""

from __future__ import annotations

import datetime
from collections import Counter

import pytest

from rucher.pilots import biases, evaluation_data, verdicts
from rucher.pilots.evaluation import MeasureResult
from rucher.pilots.evaluation_data import timeline
from rucher.pilots.models import Pilot
from rucher.pilots.stats import Interval, NoveltyCheck, Projection, TrendCheck

D = datetime.date
DAY = datetime.timedelta(days=1)


def pilot(start: D, end: D) -> Pilot:
    return Pilot(start_date=start, end_date=end, deployment_support_hours=2)


@pytest.fixture(autouse=True)
def _no_history_bound(monkeypatch: pytest.MonkeyPatch) -> None:
    """``timeline`` clips the pre-period to the first day of analytics history, a database
    read: these rules are about the days alone, so the history has no start here."""
    monkeypatch.setattr(evaluation_data, "history_start", lambda: None)


# ---------------------------------------------------------------- days


def test_a_six_month_pilot_reads_six_blocks_before_and_whole_blocks_during() -> None:
    line = timeline(pilot(D(2025, 1, 6), D(2025, 7, 6)), on=D(2025, 4, 1))
    assert len(line.pre_blocks) == 6  # 182 days / 28 = 6.5 → at most 6
    assert line.pre.end == D(2025, 1, 5) and line.pre.days == 6 * 28
    assert all(b.days == 28 for b in line.pre_blocks)
    assert line.during is not None and line.during.end == D(2025, 3, 31)  # yesterday
    # 85 days run: 3 whole blocks ending yesterday, the first day (the launch) not read.
    assert [b.end for b in line.during_blocks] == [
        D(2025, 3, 31) - 28 * 2 * DAY,
        D(2025, 3, 31) - 28 * DAY,
        D(2025, 3, 31),
    ]
    assert len(line.week_ends) == 12 and line.week_ends[-1] == D(2025, 3, 31)
    assert {b.end for b in line.during_blocks} <= set(line.week_ends)
    assert not line.short


def test_a_short_pilot_still_gets_two_blocks_before_and_says_it_is_short() -> None:
    line = timeline(pilot(D(2025, 3, 1), D(2025, 3, 31)), on=D(2025, 3, 11))
    assert len(line.pre_blocks) == 2
    assert line.during is not None and line.during.days == 10
    assert line.during_blocks == (line.during,) and line.short
    assert len(line.week_ends) == 1


def test_before_the_start_there_is_no_pilot_period() -> None:
    line = timeline(pilot(D(2025, 3, 1), D(2025, 6, 1)), on=D(2025, 3, 1))
    assert line.during is None and line.during_blocks == () and line.week_ends == ()


def test_a_long_run_is_read_every_other_then_every_fourth_week() -> None:
    twenty = timeline(pilot(D(2024, 1, 1), D(2024, 12, 31)), on=D(2024, 1, 1) + 140 * DAY)
    assert len(twenty.week_ends) == 10  # 20 weeks, every other one
    year = timeline(pilot(D(2024, 1, 1), D(2024, 12, 31)), on=D(2025, 1, 1))
    assert year.during is not None and year.during.end == D(2024, 12, 31)
    assert len(year.week_ends) == 13  # 52 weeks, every fourth
    assert {b.end for b in year.during_blocks} <= set(year.week_ends)


# ---------------------------------------------------------------- verdicts


def interval(estimate, low, high, *, units=24, few=False, p=None) -> Interval:
    return Interval(estimate, low, high, units=units, few_units=few, p_value=p)


def measure(**overrides) -> MeasureResult:
    values = {
        "key": "kpi:cross_department_share",
        "label": "Cross-department share",
        "kind": "kpi",
        "unit": "ratio",
        "pilot_before": 0.20,
        "pilot_after": 0.32,
        "comparison_before": 0.18,
        "comparison_after": 0.20,
        "naive_gap": 0.14,
        "effect": interval(0.10, 0.04, 0.16),
        "trends": TrendCheck(0.0, interval(0.0, -0.01, 0.01), 4, True),
        "novelty": NoveltyCheck([1, 2, 3, 4], [0.1, 0.1, 0.1, 0.1], 0.1, 0.1, False),
        "projection": None,
        "weekly": [],
    }
    values.update(overrides)
    return MeasureResult(**values)


def test_a_clear_effect_with_the_support_share_as_in_the_issue() -> None:
    projection = Projection(
        slope=0.0125,
        intercept=0.025,
        pilot_support=6.0,
        deployment_support=2.0,
        at_pilot=interval(0.10, 0.05, 0.15),
        at_deployment=interval(0.05, 0.01, 0.09),
        units=12,
        reliable=True,
    )
    text = verdicts.verdict(measure(projection=projection), deployment_support=2.0)
    assert text.startswith(
        "Cross-department share rose by 10.0 percentage points more than in the comparison "
        "group (95% interval +4.0 percentage points to +16.0 percentage points)."
    )
    assert (
        "About 50% of the effect follows the support level, which deployment will not have." in text
    )
    assert "(2.0 hours per community per month, against 6.0 in the pilot)" in text
    assert "expect about +5.0 percentage points (95% interval +1.0 percentage points" in text


def test_an_unclear_effect_says_it_includes_no_effect() -> None:
    text = verdicts.verdict(measure(effect=interval(0.02, -0.03, 0.07)), deployment_support=2)
    assert "no clear difference from the comparison group" in text
    assert "+2.0 percentage points" in text and "which includes no effect" in text


def test_cautions_for_diverging_trends_and_a_fading_effect() -> None:
    text = verdicts.verdict(
        measure(
            trends=TrendCheck(0.05, interval(0.05, 0.02, 0.08), 4, False),
            novelty=NoveltyCheck([1, 2, 3, 4], [0.2, 0.2, 0.02, 0.0], 0.2, 0.01, True),
        ),
        deployment_support=2,
    )
    assert "already moving apart before the start" in text
    assert "fades over the weeks" in text


def test_a_fall_against_a_lower_is_better_objective_is_good_news() -> None:
    text = verdicts.verdict(
        measure(
            unit="hours",
            label="Time to first response",
            effect=interval(-3.0, -5.0, -1.0),
            direction="down",
            objectives=["Answer faster"],
        ),
        deployment_support=2,
    )
    assert "fell by 3.0 h more than in the comparison group" in text
    assert "That is in the direction the objective wants." in text


def test_notes_on_few_units_and_the_naive_view() -> None:
    notes = verdicts.notes(measure(effect=interval(0.1, 0.0, 0.2, units=6, few=True, p=0.1)))
    assert notes[0] == (
        "The estimate rests on 6 units (communities or org units): the interval may be too narrow."
    )
    assert "permutation test gives p = 0.100" in notes[1]
    assert "gives +14.0 percentage points" in notes[-1]


def test_no_data_and_no_comparison() -> None:
    nothing = measure(
        pilot_before=None,
        pilot_after=None,
        comparison_before=None,
        comparison_after=None,
        naive_gap=None,
        effect=None,
    )
    assert verdicts.verdict(nothing, deployment_support=2) == (
        "Cross-department share: no data for the pilot communities yet."
    )
    assert verdicts.notes(nothing) == []
    alone = measure(effect=None, comparison_before=None, comparison_after=None)
    assert "no comparison group figures" in verdicts.verdict(alone, deployment_support=2)


@pytest.mark.parametrize(
    ("value", "unit", "text"),
    [
        (0.253, "ratio", "25.3%"),
        (4.0, "count", "4"),
        (2.5, "hours", "2.5 h"),
        (None, "ratio", "no data"),
    ],
)
def test_values_in_words(value, unit, text) -> None:
    assert verdicts.value_text(value, unit) == text


# ---------------------------------------------------------------- biases


def test_selection_levels() -> None:
    fine = biases.selection(Counter({"designated": 3}), [measure()], True)
    assert fine.level == "low"
    chosen = biases.selection(Counter({"need": 2, "designated": 1}), [measure()], True)
    assert chosen.level == "medium"
    assert "2 × an expressed need" in chosen.measured
    failed = measure(trends=TrendCheck(0.05, interval(0.05, 0.02, 0.08), 4, False))
    assert biases.selection(Counter({"designated": 3}), [failed], True).level == "high"
    assert biases.selection(Counter({"designated": 3}), [measure()], False).level == "high"


def test_support_levels() -> None:
    def level(ratio, reliable=False):
        projection = Projection(
            0.0, 0.0, 4.0, 2.0, interval(0, 0, 0), interval(0, 0, 0), 6, reliable
        )
        info = {"total_hours": 40.0, "per_community_month": 4.0, "deployment_level": 2.0}
        return biases.support({**info, "ratio": ratio}, [measure(projection=projection)]).level

    assert level(1.1) == "low"
    assert level(1.9) == "medium"
    assert level(3.0) == "high"
    assert level(3.0, reliable=True) == "medium"
    assert biases.support({"total_hours": 0.0, "deployment_level": 2.0}, []).level == "medium"


def test_duration_maturity_and_management_levels() -> None:
    start = D(2025, 1, 1)
    assert biases.duration(start, start + 120 * DAY, 100, [measure()]).level == "low"
    assert biases.duration(start, start + 60 * DAY, 40, [measure()]).level == "medium"
    fading = measure(novelty=NoveltyCheck([1, 2, 3, 4], [0.2, 0.2, 0, 0], 0.2, 0.0, True))
    assert biases.duration(start, start + 120 * DAY, 100, [fading]).level == "high"
    assert biases.maturity(Counter({"maturity": 2}), Counter({"inception": 2}), 0).level == "high"
    assert biases.maturity(Counter({"inception": 2}), Counter({"inception": 2}), 0).level == "low"
    assert biases.maturity(Counter(), Counter(), 0).level == "medium"
    assert biases.management((0.6, 0.3), []).level == "high"
    assert biases.management((0.35, 0.3), []).level == "low"
    assert biases.management((None, None), []).level == "medium"

"""Privacy: the minimum group size, who may change it, and its use on every breakdown."""

from __future__ import annotations

import pytest

from rucher.analytics import privacy
from rucher.analytics.kpis import kpi_reach
from rucher.analytics.models import AnalyticsConfig
from rucher.analytics.privacy import OTHER, Group, suppress_groups, suppress_matrix
from rucher.core.errors import Forbidden, Invalid
from rucher.core.models import Event
from tests.analytics.kpi_world import act, ago, base_people, community, period

pytestmark = pytest.mark.django_db


def test_default_threshold_is_five():
    assert privacy.min_group_size() == 5
    assert privacy.suppress(0.4, 5) == 0.4
    assert privacy.suppress(0.4, 4) is None


def test_only_an_administrator_raises_it_and_never_below_five(personas):
    with pytest.raises(Forbidden):
        privacy.analytics_config_update(actor=personas["project_lead"], min_group_size=8)
    with pytest.raises(Invalid):
        privacy.analytics_config_update(actor=personas["admin"], min_group_size=4)
    config = privacy.analytics_config_update(actor=personas["admin"], min_group_size=8)
    assert config.min_group_size == 8 == privacy.min_group_size()
    event = Event.objects.filter(verb="analytics.config_updated").get()
    assert event.payload == {"min_group_size": {"from": 5, "to": 8}}
    assert event.actor_id == personas["admin"].pk


def test_a_lowered_value_in_the_database_still_reads_as_five(db):
    config = AnalyticsConfig.current()
    config.min_group_size = 2
    config.save()
    assert privacy.min_group_size() == 5


def test_a_kpi_on_a_small_group_is_suppressed(db):
    """C has 9 members: shown at 5, suppressed at 10 (value, numerator and parts removed)."""
    base_people()
    act(1, ago(1))
    result = kpi_reach(community(), period())
    assert privacy.suppress_kpi(result) is result
    hidden = privacy.suppress_kpi(result, threshold=10)
    assert hidden.suppressed is True
    assert (hidden.value, hidden.numerator, hidden.denominator) == (None, None, None)
    assert hidden.group_size == 9


def groups(*sizes: int) -> list[Group]:
    return [
        Group(key=f"g{i}", label=f"G{i}", size=size, numerator=size // 2, denominator=size)
        for i, size in enumerate(sizes)
    ]


def test_small_groups_merge_into_other_groups():
    breakdown = suppress_groups(groups(10, 3, 2, 8), threshold=5)
    assert [g.key for g in breakdown.rows] == ["g0", "g3"]
    assert breakdown.other is not None
    assert (breakdown.other.key, breakdown.other.size) == (OTHER, 5)
    assert (breakdown.other.numerator, breakdown.other.denominator) == (1 + 1, 5)
    assert breakdown.hidden == 2
    assert "2 groups" in breakdown.note


def test_secondary_suppression_when_the_small_groups_are_too_few_together():
    """One group of 2 alone would be recoverable from a total: the smallest shown group
    joins it."""
    breakdown = suppress_groups(groups(10, 2, 6), threshold=5)
    assert [g.key for g in breakdown.rows] == ["g0"]
    assert breakdown.other is not None and breakdown.other.size == 8
    assert breakdown.hidden == 2


def test_hiding_instead_of_merging_and_nothing_left():
    breakdown = suppress_groups(groups(10, 3, 2), threshold=5, merge=False)
    assert [g.key for g in breakdown.rows] == ["g0"]
    assert breakdown.other is None and breakdown.hidden == 2
    alone = suppress_groups(groups(3), threshold=5)
    assert alone.rows == [] and alone.other is None and alone.hidden == 1
    assert suppress_groups(groups(5, 6), threshold=5).hidden == 0


def test_matrix_merges_small_groups_on_both_axes():
    cells = {("a", "a"): 4, ("a", "b"): 2, ("b", "c"): 1, ("c", "a"): 3}
    matrix = suppress_matrix(cells, {"a": 7, "b": 3, "c": 2}, threshold=5)
    assert matrix.keys == ["a", OTHER]
    assert matrix.cells == {("a", "a"): 4, ("a", OTHER): 2, (OTHER, OTHER): 1, (OTHER, "a"): 3}
    assert matrix.hidden == 2
    lonely = suppress_matrix(cells, {"a": 7, "b": 3, "c": 9}, threshold=5)
    # b alone (3) is too small; the smallest shown group (a, 7) joins it.
    assert lonely.keys == ["c", OTHER]

"""The network KPIs' array helpers give exactly what numpy's ``unique`` and ``isin`` give."""

from __future__ import annotations

import numpy as np
import pytest

from rucher.analytics import arrays

SHAPES = [(0,), (1,), (2,), (7,), (1000,), (0, 2), (1, 2), (500, 2)]


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("high", [1, 5, 10**9])
def test_distinct_values_and_positions_are_numpys(shape, high):
    values = np.random.default_rng(sum(shape) + high).integers(-1, high, shape)
    expected, inverse = np.unique(values, return_inverse=True)
    assert arrays.distinct(values).tolist() == expected.tolist()
    assert arrays.count_distinct(values) == len(expected)
    found, positions = arrays.distinct_with_positions(values)
    assert found.tolist() == expected.tolist()
    assert positions.reshape(-1).tolist() == inverse.reshape(-1).tolist()
    assert positions.shape == values.shape


@pytest.mark.parametrize("sizes", [(0, 0), (5, 0), (0, 5), (1, 1), (300, 40), (40, 300)])
def test_membership_is_numpys(sizes):
    rng = np.random.default_rng(sizes[0] * 1000 + sizes[1])
    values, pool = rng.integers(-1, 60, sizes[0]), rng.integers(-1, 60, sizes[1])
    assert arrays.contained(values, pool).tolist() == np.isin(values, pool).tolist()

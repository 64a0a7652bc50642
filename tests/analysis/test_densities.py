"""Tests for deephys.analysis.density.

The hand cases are mirrored in viewer/test/analysis/density.test.ts; keep them in sync.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from analysis_helpers import FAST, inf, nan, same, scipy_stats
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from deephys import analysis as A


def oracle_density(scores, grid):
    x = [float(s) for s in scores if math.isfinite(s)]
    n = len(x)
    if n < 2:
        return [0.0] * len(grid)
    total = 0.0
    for v in x:
        total += v
    mean = total / n
    sq = 0.0
    for v in x:
        sq += (v - mean) * (v - mean)
    std = math.sqrt(sq / (n - 1))
    h = std * n ** (-0.2)
    if h == 0:
        return [0.0] * len(grid)
    return [sum(math.exp(-0.5 * ((g - v) / h) ** 2) for v in x) / (n * h * math.sqrt(2 * math.pi)) for g in grid]


def test_density_hand():
    h = math.sqrt(0.5) * 2 ** (-0.2)
    norm = 2 * h * math.sqrt(2 * math.pi)
    got = A.density([0.0, nan, 1.0, inf], [0.0, 0.5])
    expected = [(1 + math.exp(-0.5 / h**2)) / norm, 2 * math.exp(-0.125 / h**2) / norm]
    np.testing.assert_allclose(got, expected, rtol=1e-14)
    same(A.density([1.0], [0.0, 1.0]), [0.0, 0.0])
    same(A.density([2.0, 2.0, nan], [0.0, 2.0]), [0.0, 0.0])
    assert A.density([0.0, 1.0], np.zeros((0,))).shape == (0,)


@FAST
@given(
    hnp.arrays(np.float64, st.integers(0, 30), elements=st.one_of(st.floats(-5, 5), st.just(nan))),
    hnp.arrays(np.float64, st.integers(1, 8), elements=st.floats(-6, 6)),
)
def test_density_matches_oracle(scores, grid):
    got = A.density(scores, grid)
    expected = oracle_density(list(scores), list(grid))
    np.testing.assert_allclose(got, expected, rtol=1e-10, atol=1e-300)
    finite = scores[np.isfinite(scores)]
    if scipy_stats is not None and finite.size >= 2 and np.std(finite) > 1e-3:
        kde = scipy_stats.gaussian_kde(finite)
        np.testing.assert_allclose(got, kde(grid), rtol=1e-9, atol=1e-300)


def test_density_integrates_to_one():
    rng = np.random.default_rng(0)
    scores = rng.normal(size=500)
    grid = np.linspace(-8, 8, 4001)
    f = A.density(scores, grid)
    trapezoid = getattr(np, "trapezoid", None) or np.trapz
    assert trapezoid(f, grid) == pytest.approx(1.0, abs=1e-6)


def test_bounded_density_hand():
    """Mirrors viewer/test/analysis/density.test.ts ("bounded density")."""
    h = math.sqrt(0.125) * 2 ** (-0.2)
    norm = 2 * h * math.sqrt(2 * math.pi)

    def k(d: float) -> float:
        return math.exp(-0.5 * (d / h) ** 2)

    def at(g: float) -> float:
        return sum(k(g - x) + k(g + x) + k(g - (2 - x)) for x in (0.25, 0.75)) / norm

    got = A.bounded_density([0.25, nan, 0.75, 3.0, -1.0], [0.0, 0.5, 1.0], 0.0, 1.0)
    np.testing.assert_allclose(got, [at(0.0), at(0.5), at(1.0)], rtol=1e-14)
    same(A.bounded_density([0.25, 0.75], [-0.2, 1.2], 0.0, 1.0), [0.0, 0.0])
    same(A.bounded_density([0.5], [0.5], 0.0, 1.0), [0.0])
    with pytest.raises(ValueError):
        A.bounded_density([0.5], [0.5], 1.0, 1.0)

"""Unit matching between two models: streamed correlations equal the direct ones, best matches, and the
one-to-one matching recovers a permutation (twins in viewer/test/analysis/matching.test.ts)."""

from __future__ import annotations

import numpy as np
import pytest

from deephys import UsageError, analysis


def test_streamed_correlations_equal_numpy() -> None:
    rng = np.random.default_rng(0)
    a = rng.random((500, 6)) * 50 + 1000  # far from zero: the shift keeps float64 exact enough
    b = np.hstack([a[:, :3] * 2 + rng.random((500, 3)), rng.random((500, 2))])
    accumulator = analysis.CorrelationAccumulator(6, 5)
    for start in range(0, 500, 37):
        accumulator.add(a[start : start + 37], b[start : start + 37])
    expected = np.corrcoef(a.T, b.T)[:6, 6:]
    np.testing.assert_allclose(accumulator.result(), expected, atol=1e-10)
    np.testing.assert_allclose(analysis.unit_correlations(a, b), expected, atol=1e-10)


def test_dead_units_and_too_few_images_are_undefined() -> None:
    a = np.array([[1.0, 5.0], [2.0, 5.0], [3.0, 5.0]])  # unit 1 is constant
    corr = analysis.unit_correlations(a, a)
    assert corr[0, 0] == pytest.approx(1.0) and np.isnan(corr[1]).all() and np.isnan(corr[:, 1]).all()
    assert np.isnan(analysis.unit_correlations(a[:1], a[:1])).all()
    best, value = analysis.best_matches(corr)
    assert best.tolist() == [0, -1] and value[0] == pytest.approx(1.0) and np.isnan(value[1])
    with pytest.raises(UsageError, match="do not fit"):
        analysis.CorrelationAccumulator(2, 2).add(a, a[:2])


def test_one_to_one_recovers_a_permutation_and_finds_unique_units() -> None:
    rng = np.random.default_rng(1)
    a = rng.random((300, 8))
    permutation = rng.permutation(8)
    b = a[:, permutation] + rng.random((300, 8)) * 0.01
    b[:, 2] = rng.random(300)  # B's unit 2 is new: A's unit permutation[2] has no partner
    matching = analysis.one_to_one(analysis.unit_correlations(a, b), threshold=0.5)
    inverse = np.argsort(permutation)
    lost = permutation[2]
    for unit in range(8):
        if unit != lost:
            assert matching.partner[unit] == inverse[unit] and matching.correlation[unit] > 0.99
    assert matching.unique_a.tolist() == [lost] and matching.unique_b.tolist() == [2]
    best, _ = analysis.best_matches(analysis.unit_correlations(a, b))
    assert [best[u] for u in range(8) if u != lost] == [inverse[u] for u in range(8) if u != lost]

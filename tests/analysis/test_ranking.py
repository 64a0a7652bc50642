"""Tests for deephys.analysis.ranking.

The hand cases are mirrored in viewer/test/analysis/ranking.test.ts; keep them in sync.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from analysis_helpers import FAST, acts_and_labels, any32, inf, nan, oracle_class_means, rank_values, same
from hypothesis import given
from hypothesis import strategies as st

from deephys import analysis as A


def oracle_rank_desc(values, keep):
    idx = [i for i in range(len(values)) if keep(values[i])]
    return sorted(idx, key=lambda i: (-values[i], i))


def test_top_units_hand():
    idx, val = A.top_units(np.array([0.5, 2, nan, 2, -1, inf], dtype=np.float32), n=4)
    same(idx, [5, 1, 3, 0])
    same(val, [inf, 2, 2, 0.5])
    idx, val = A.top_units(np.array([[1, 4, nan], [3, 0, 1]], dtype=np.float32))
    same(idx, [0, 1])
    same(val, [2, 2])
    assert A.top_units(np.zeros((0, 3)))[0].size == 0
    assert A.top_units([1.0, 2.0], n=0)[0].size == 0


def test_top_images_hand():
    col = np.array([0, 3, nan, inf, -2, 3, -0.0, 1, -inf], dtype=np.float32)
    idx, val = A.top_images(col)
    same(idx, [1, 5, 7, 4])
    same(val, [3, 3, 1, -2])
    same(A.top_images(col, k=2)[0], [1, 5])
    assert A.top_images(np.zeros(5))[0].size == 0


def test_top_classes_hand():
    idx, val = A.top_classes([0.2, nan, 0.7, 0.2, 0.1, 0.9], n=5)
    same(idx, [5, 2, 0, 3, 4])
    same(val, [0.9, 0.7, 0.2, 0.2, 0.1])
    same(A.top_classes([nan, nan])[0], [])


def test_most_shifted_units_hand():
    spurious = np.array([0.2, nan, 0.5, 0.2, nan])
    novelty = np.array([-0.1, 0.3, nan, 0.3, -inf])
    same(A.most_shifted_units(spurious, novelty), [2, 0, 3, 1, 4])
    same(A.most_shifted_units(spurious, novelty, by="novelty"), [1, 3, 0, 4, 2])
    same(A.most_shifted_units(spurious, novelty, n=2), [2, 0])
    with pytest.raises(ValueError):
        A.most_shifted_units(spurious, novelty, by="other")  # type: ignore[arg-type]


@FAST
@given(rank_values, st.integers(0, 60))
def test_rankings_match_oracle(col, k):
    vals = [float(v) for v in col]
    idx, got = A.top_images(col, k)
    expected = oracle_rank_desc(vals, lambda v: math.isfinite(v) and v != 0)[:k]
    same(idx, expected)
    assert np.isfinite(got).all() and (got != 0).all()
    same(got, [vals[i] for i in expected])
    same(A.top_units(col, k)[0], oracle_rank_desc(vals, lambda v: not math.isnan(v))[:k])
    same(A.top_classes(col, k)[0], oracle_rank_desc(vals, lambda v: not math.isnan(v))[:k])
    nan_last = sorted(
        range(len(vals)),
        key=lambda i: (math.isnan(vals[i]), 0 if math.isnan(vals[i]) else -vals[i], i),
    )
    same(A.most_shifted_units(col, col, n=k), nan_last[:k])


@FAST
@given(acts_and_labels(elements=any32, max_units=30))
def test_top_units_of_rows_is_sequential_mean(data):
    acts, _, _ = data
    idx, val = A.top_units(acts, n=1000)
    means = oracle_class_means(acts, np.zeros(len(acts), dtype=int), 1)[0]
    same(idx, oracle_rank_desc(list(means), lambda v: not math.isnan(v)))
    same(val, means[idx])

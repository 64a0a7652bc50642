"""Tests for deephys.analysis.histogram.

The hand cases are mirrored in viewer/test/analysis/histogram.test.ts; keep them in sync.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from analysis_helpers import FAST, inf, nan, rank_values, same
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from deephys import analysis as A


def oracle_histogram(values, bins):
    x = [float(v) for v in values if math.isfinite(v)]
    counts = [0] * bins
    if not x:
        return counts, nan, nan
    lo, hi = min(x), max(x)
    halve = math.isinf(hi - lo)
    for v in x:
        if halve:
            v, lo_, hi_ = v / 2, lo / 2, hi / 2
        else:
            lo_, hi_ = lo, hi
        b = 0 if hi == lo else min(math.floor(((v - lo_) / (hi_ - lo_)) * bins), bins - 1)
        counts[b] += 1
    return counts, lo, hi


def test_histogram_hand():
    col = np.array([0, 1, 2, 3, 4, nan, inf, -inf], dtype=np.float32)
    counts, lo, hi = A.histogram(col, bins=4)
    same(counts, [1, 1, 1, 2])
    assert (lo, hi) == (0.0, 4.0)
    assert counts.dtype == np.int64
    counts, lo, hi = A.histogram([5.0, 5.0, nan], bins=3)
    same(counts, [2, 0, 0])
    assert (lo, hi) == (5.0, 5.0)
    counts, lo, hi = A.histogram([nan, inf], bins=2)
    same(counts, [0, 0])
    assert math.isnan(lo) and math.isnan(hi)
    same(A.histogram([0.0, 0.1, 0.2, 0.3], bins=3)[0], [1, 1, 2])  # hi goes to the last bin
    # Order of operations matters: (0.15 / 0.45) * 3 == 1.0 -> bin 1, whereas
    # 0.15 * 3 / 0.45 == 0.9999999999999999 would give bin 0.
    same(A.histogram([0.0, 0.15, 0.45], bins=3)[0], [1, 1, 1])
    same(A.histogram([-1.0, 7.0], bins=1)[0], [2])
    # hi - lo overflows: computed on halved numbers.
    same(A.histogram([-1e308, 0.0, 1e308], bins=2)[0], [1, 2])
    same(A.histogram([-1e308, -0.5e308, 1.6e308], bins=4)[0], [2, 0, 0, 1])
    with pytest.raises(ValueError):
        A.histogram([1.0], bins=0)


@FAST
@given(
    st.one_of(
        rank_values,
        hnp.arrays(np.float64, st.integers(0, 20), elements=st.floats(allow_subnormal=False)),
    ),
    st.integers(1, 70),
)
def test_histogram_matches_oracle(col, bins):
    counts, lo, hi = A.histogram(col, bins)
    e_counts, e_lo, e_hi = oracle_histogram([float(v) for v in col], bins)
    same(counts, e_counts)
    same([lo, hi], [e_lo, e_hi])
    assert counts.sum() == np.isfinite(col).sum()

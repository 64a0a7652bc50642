"""Tests for deephys.analysis.normalize.

The hand cases are mirrored in viewer/test/analysis/normalize.test.ts; keep them in sync.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from analysis_helpers import FAST, acts_and_labels, any32, inf, nan, same
from hypothesis import given

from deephys import analysis as A


def test_reference_max_hand():
    acts = np.array([[1, nan, nan, 0], [3, -1, inf, 0], [inf, -2, -inf, 0]], dtype=np.float32)
    same(A.reference_max(acts), [3, -1, nan, 0])
    same(A.reference_max(np.zeros((0, 3))), [nan, nan, nan])
    same(A.reference_max(np.array([[1, 5], [2, 4]], dtype=np.int32)), [2, 5])
    assert A.reference_max(acts).dtype == np.float64


@FAST
@given(acts_and_labels(elements=any32))
def test_reference_max_oracle(data):
    acts, _, _ = data
    expected = []
    for j in range(acts.shape[1]):
        fin = [float(v) for v in acts[:, j] if math.isfinite(v)]
        expected.append(max(fin) if fin else nan)
    same(A.reference_max(acts), np.array(expected).reshape(acts.shape[1]))


def test_normalize_hand():
    acts = np.array([[2, 0, 5, 1, 3], [4, 1, nan, 2, inf]], dtype=np.float32)
    ref = np.array([4, 0, nan, -1, 2])
    same(A.normalize(acts, ref), [[0.5, nan, nan, nan, 1.5], [1.0, nan, nan, nan, inf]])
    same(A.normalize(acts[0], ref), [0.5, nan, nan, nan, 1.5])
    same(A.normalize(np.array([1.0, 2.0]), np.array([inf, 4.0])), [nan, 0.5])
    with pytest.raises(ValueError):
        A.normalize(acts, ref[:3])


def test_normalize_float32_is_exact_float64_division():
    acts = np.array([[0.1, 0.7]], dtype=np.float32)
    ref = np.array([0.3, 0.9])
    out = A.normalize(acts, ref)
    assert out.dtype == np.float64
    assert out[0, 0] == float(np.float32(0.1)) / 0.3
    assert out[0, 1] == float(np.float32(0.7)) / 0.9

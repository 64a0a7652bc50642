"""Tests for deephys.analysis.softmax.

The hand cases are mirrored in viewer/test/analysis/softmax.test.ts; keep them in sync.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from analysis_helpers import FAST, inf, nan, same
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from deephys import analysis as A


def test_softmax_hand():
    same(A.softmax([1.0, 1.0]), [0.5, 0.5])
    np.testing.assert_allclose(A.softmax([0.0, math.log(3.0)]), [0.25, 0.75], rtol=1e-15)
    same(A.softmax([1e4, 0.0]), [1.0, 0.0])
    same(A.softmax([1e4, 1e4, -1e4]), [0.5, 0.5, 0.0])
    same(A.softmax([0.0, -inf]), [1.0, 0.0])
    same(A.softmax([nan, 1.0]), [nan, nan])
    same(A.softmax([inf, 0.0]), [nan, nan])
    same(A.softmax([-inf, -inf]), [nan, nan])
    same(A.softmax([[1.0, 2.0], [1.0, 2.0]], axis=0), [[0.5, 0.5], [0.5, 0.5]])
    assert A.softmax(np.zeros((3, 0))).shape == (3, 0)
    e = math.exp(1.0)
    np.testing.assert_allclose(A.softmax([[0.0, 1.0]]), [[1 / (1 + e), e / (1 + e)]], rtol=1e-15)


logit_rows = hnp.arrays(
    np.float64,
    st.tuples(st.integers(1, 6), st.integers(1, 12)),
    elements=st.floats(-50, 50, allow_nan=False),
)


@FAST
@given(logit_rows)
def test_softmax_sums_to_one_and_matches_longdouble(x):
    p = A.softmax(x)
    np.testing.assert_allclose(p.sum(axis=-1), 1.0, rtol=1e-14)
    xl = x.astype(np.longdouble)
    naive = np.exp(xl) / np.exp(xl).sum(axis=-1, keepdims=True)
    np.testing.assert_allclose(p, naive.astype(np.float64), rtol=1e-13, atol=1e-300)
    # Shift invariance (stable implementation).
    np.testing.assert_allclose(A.softmax(x + 1e4), p, rtol=1e-9, atol=1e-300)
    assert np.isfinite(A.softmax(x * 1e4)).all()


def test_predictions_and_confidence_hand():
    logits = np.array([[1.0, 3.0, 3.0], [nan, 2.0, 1.0], [nan, nan, nan], [-inf, -inf, 5.0]])
    same(A.predictions(logits), [1, 1, 0, 2])
    e = math.exp
    conf = A.confidence(logits)
    assert conf[0] == pytest.approx(1 / (e(-2) + 2), rel=1e-15)
    same(conf[1:], [nan, nan, 1.0])
    assert A.predictions([0.0, 2.0, 1.0]) == 1
    assert A.confidence([1e4, 0.0]) == 1.0
    with pytest.raises(ValueError):
        A.predictions(np.zeros((2, 0)))


@FAST
@given(logit_rows)
def test_confidence_is_probability_of_prediction(x):
    p = A.softmax(x)
    pred = A.predictions(x)
    same(A.confidence(x), p[np.arange(len(x)), pred])
    same(pred, np.argmax(x, axis=-1))


def test_top_predictions_hand():
    idx, prob = A.top_predictions([1.0, 3.0, 3.0, 0.0], k=3)
    same(idx, [1, 2, 0])
    np.testing.assert_allclose(prob, A.softmax([1.0, 3.0, 3.0, 0.0])[[1, 2, 0]], rtol=0)
    idx, prob = A.top_predictions([[0.0, 1.0], [2.0, 2.0]], k=5)
    same(idx, [[1, 0], [0, 1]])
    assert prob.shape == (2, 2)
    idx, prob = A.top_predictions([nan, 0.0, 1.0], k=2)
    same(idx, [0, 1])
    same(prob, [nan, nan])
    idx, _ = A.top_predictions([0.0, -800.0, -900.0, -1000.0])  # underflow ties by index
    same(idx, [0, 1, 2, 3])
    with pytest.raises(ValueError):
        A.top_predictions([1.0], k=-1)


@FAST
@given(
    hnp.arrays(
        np.float64,
        st.tuples(st.integers(1, 5), st.integers(1, 40)),
        elements=st.one_of(st.integers(-3, 3).map(float), st.just(nan), st.just(-800.0)),
    ),
    st.integers(0, 40),
)
def test_top_predictions_matches_sort_oracle(x, k):
    # k <= 16 takes the repeated-argmax path, larger k the full sort.
    idx, prob = A.top_predictions(x, k)
    p = A.softmax(x)
    kk = min(k, x.shape[1])
    for r in range(x.shape[0]):
        row = [float(v) for v in p[r]]
        order = sorted(range(len(row)), key=lambda j: (math.isnan(row[j]), 0 if math.isnan(row[j]) else -row[j], j))
        same(idx[r], order[:kk])
        same(prob[r], p[r, order[:kk]])

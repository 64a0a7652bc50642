"""Tests for deephys.analysis.tuning.

The hand cases are mirrored in viewer/test/analysis/tuning.test.ts; keep them in sync.
"""

from __future__ import annotations

import numpy as np
import pytest
from analysis_helpers import FAST, acts_and_labels, any32, inf, nan, oracle_class_means, same
from hypothesis import given
from hypothesis import strategies as st

from deephys import analysis as A


def test_class_means_hand():
    acts = np.array([[1, 2], [3, 4], [5, 6]], dtype=np.float32)
    labels = np.array([0, 0, 2])
    same(A.class_means(acts, labels, 3), [[2, 3], [nan, nan], [5, 6]])
    same(A.class_counts(labels, 4), [2, 0, 1, 0])
    # NaN and inf propagate like a plain sum.
    acts = np.array([[nan, inf], [1, -inf], [inf, 1]])
    same(A.class_means(acts, [0, 0, 1], 2), [[nan, nan], [inf, 1]])
    # No images at all.
    same(A.class_means(np.zeros((0, 2)), np.zeros(0, dtype=int), 2), [[nan, nan], [nan, nan]])


def test_class_means_bad_labels():
    acts = np.ones((2, 2))
    with pytest.raises(ValueError):
        A.class_means(acts, [0, 2], 2)
    with pytest.raises(ValueError):
        A.class_means(acts, [-1, 0], 2)
    with pytest.raises(TypeError):
        A.class_means(acts, [0.0, 1.0], 2)
    with pytest.raises(ValueError):
        A.class_means(acts, [0, 1, 1], 2)


def test_class_means_is_sequential_sum():
    # 1e16 + 1 + 1 + ... : sequential addition loses every 1 (pairwise would not).
    col = np.array([1e16] + [1.0] * 40 + [-1e16])
    acts = np.stack([col] * 20, axis=1)  # wide enough for the row-loop path
    labels = np.zeros(col.size, dtype=int)
    assert A.class_means(acts, labels, 1)[0, 0] == 0.0
    assert A.class_means(acts[:, :1], labels, 1)[0, 0] == 0.0  # accumulate path
    assert A.top_units(acts)[1][0] == 0.0


@FAST
@given(acts_and_labels(elements=any32))
def test_class_means_matches_python_loop_bit_for_bit(data):
    acts, labels, c = data
    same(A.class_means(acts, labels, c), oracle_class_means(acts, labels, c))


@FAST
@given(acts_and_labels(max_units=40), st.randoms(use_true_random=False))
def test_class_means_permutation_invariant(data, rnd):
    acts, labels, c = data
    acts = np.round(acts).astype(np.float32) / 4  # exact sums in any order
    perm = list(range(len(labels)))
    rnd.shuffle(perm)
    same(A.class_means(acts[perm], labels[perm], c), A.class_means(acts, labels, c))


def test_tuning_matrix_hand():
    acts = np.array([[1, 2], [3, 4], [5, 6]], dtype=np.float32)
    t = A.tuning_matrix(acts, [0, 0, 2], 3, np.array([5.0, 0.0]))
    same(t, [[0.4, nan], [nan, nan], [1.0, nan]])


@FAST
@given(acts_and_labels())
def test_tuning_matrix_is_class_means_over_ref(data):
    acts, labels, c = data
    acts = np.abs(acts)
    ref = A.reference_max(acts)
    t = A.tuning_matrix(acts, labels, c, ref)
    m = A.class_means(acts, labels, c)
    dead = ~(np.isfinite(ref) & (ref > 0))
    same(t[:, ~dead], m[:, ~dead] / ref[~dead])
    assert np.isnan(t[:, dead]).all()
    # Mean of normalised activations, up to rounding; peak class is <= 1.
    np.testing.assert_allclose(t, oracle_class_means(A.normalize(acts, ref), labels, c), rtol=1e-12)
    assert not (t > 1 + 1e-12).any()

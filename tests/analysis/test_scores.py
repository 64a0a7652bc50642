"""Tests for deephys.analysis.scores.

The hand cases are mirrored in viewer/test/analysis/scores.test.ts; keep them in sync.
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


def oracle_ranks(xs):
    order = sorted(range(len(xs)), key=lambda i: xs[i])
    ranks = [0.0] * len(xs)
    i = 0
    while i < len(order):
        j = i
        while j + 1 < len(order) and xs[order[j + 1]] == xs[order[i]]:
            j += 1
        for t in range(i, j + 1):
            ranks[order[t]] = (i + j) / 2 + 1
        i = j + 1
    return ranks


def oracle_spearman(a, b):
    pairs = [(x, y) for x, y in zip(a, b) if not (math.isnan(x) or math.isnan(y))]
    k = len(pairs)
    if k < 2:
        return nan
    ra = oracle_ranks([p[0] for p in pairs])
    rb = oracle_ranks([p[1] for p in pairs])
    m = (k + 1) / 2
    cov = sum((x - m) * (y - m) for x, y in zip(ra, rb))
    va = sum((x - m) ** 2 for x in ra)
    vb = sum((y - m) ** 2 for y in rb)
    if va == 0 or vb == 0:
        return nan
    return max(-1.0, min(1.0, cov / math.sqrt(va * vb)))


def test_spearman_hand():
    a = np.array([[1, 1, 1, 1, 1], [2, 2, 2, nan, 1], [3, 3, 2, 3, 1], [4, 4, 3, 2, 1]])
    b = np.array([[1, 4, 1, 2, 1], [2, 3, 3, 5, 2], [3, 2, 2, nan, 3], [4, 1, 4, 1, 4]])
    # col 2: ranks a = [1, 2.5, 2.5, 4], b = [1, 3, 2, 4] -> 4.5 / sqrt(4.5 * 5)
    # col 3: rows 1, 2 dropped -> a = [1, 2], b = [2, 1] -> -1
    # col 4: a constant -> NaN
    same(A.spearman_columns(a, b), [1.0, -1.0, 4.5 / math.sqrt(22.5), -1.0, nan])
    assert A.spearman_columns(a, b)[2] == pytest.approx(0.9486832980505138, rel=1e-15)
    # Fewer than two usable rows; no rows at all.
    same(A.spearman_columns([[1.0], [nan]], [[2.0], [3.0]]), [nan])
    same(A.spearman_columns(np.zeros((0, 2)), np.zeros((0, 2))), [nan, nan])
    # inf is kept and ranked as the extreme.
    same(A.spearman_columns([[inf], [0.0], [-inf]], [[3.0], [2.0], [1.0]]), [1.0])
    # -0.0 and 0.0 tie.
    same(A.spearman_columns([[-0.0], [0.0], [1.0]], [[1.0], [2.0], [3.0]]), [1.5 / math.sqrt(3.0)])
    with pytest.raises(ValueError):
        A.spearman_columns(np.zeros((3, 2)), np.zeros((3, 3)))


matrix_elements = st.one_of(st.integers(-3, 3).map(float), st.floats(-10, 10, allow_nan=False), st.just(nan))


@st.composite
def matrix_pair(draw):
    c = draw(st.integers(0, 12))
    u = draw(st.integers(1, 8))
    a = draw(hnp.arrays(np.float64, (c, u), elements=matrix_elements))
    b = draw(hnp.arrays(np.float64, (c, u), elements=matrix_elements))
    return a, b


@FAST
@given(matrix_pair())
def test_spearman_matches_oracle(pair):
    a, b = pair
    got = A.spearman_columns(a, b)
    expected = [oracle_spearman(list(a[:, j]), list(b[:, j])) for j in range(a.shape[1])]
    same(got, expected)  # bit for bit: the sums are exact
    same(A.spearman_columns(b, a), got)  # symmetric
    assert np.all(np.isnan(got) | (np.abs(got) <= 1))
    if scipy_stats is not None:
        for j in range(a.shape[1]):
            keep = ~(np.isnan(a[:, j]) | np.isnan(b[:, j]))
            x, y = a[keep, j], b[keep, j]
            if keep.sum() >= 2 and np.ptp(x) > 0 and np.ptp(y) > 0:
                assert got[j] == pytest.approx(scipy_stats.spearmanr(x, y).statistic, abs=1e-12)


@FAST
@given(matrix_pair())
def test_spearman_with_itself_is_one(pair):
    a, _ = pair
    got = A.spearman_columns(a, a)
    for j in range(a.shape[1]):
        x = a[~np.isnan(a[:, j]), j]
        if x.size >= 2 and np.ptp(x) > 0:
            assert got[j] == 1.0
        else:
            assert math.isnan(got[j])
    # Invariant under a strictly increasing transform.
    same(A.spearman_columns(a, 4 * a), got)


def test_spurious_and_novelty_hand():
    t_id = np.array([[0.2, nan, 0.1], [0.9, nan, 0.5], [0.4, nan, 0.3]])
    t_ood = np.array([[0.5, 1.0, 0.3], [0.1, 2.0, nan], [0.3, 0.0, 0.1]])
    # col 0: id ranks [1, 3, 2], ood ranks [3, 1, 2] -> -1
    # col 2: row 1 dropped (NaN in OOD): [0.1, 0.3] vs [0.3, 0.1] -> -1
    same(A.spearman_columns(t_id, t_ood), [-1.0, nan, -1.0])
    same(A.spurious_scores(t_id, t_ood), [0.0, nan, 0.0])
    same(A.novelty_scores(t_id, t_ood), [0.9 - 0.5, nan, 0.5 - 0.3])
    t_a = np.array([[0.1, 0.1], [0.3, 0.2], [0.2, 0.3]])
    t_b = np.array([[0.3, 0.1], [0.1, 0.2], [0.2, 0.3]])  # col 0 reversed (rho -1), col 1 same
    same(A.spurious_scores(t_a, t_b), [0.0, 0.0])
    t_c = np.array([[0.1, 0.2], [0.3, 0.1], [0.2, 0.3]])  # col 1: ranks [1,2,3] vs [2,1,3]
    same(A.spearman_columns(t_a, t_c), [1.0, 0.5])
    same(A.spurious_scores(t_a, t_c), [0.0, 0.5])
    # novelty with inf and with no rows
    same(A.novelty_scores([[inf]], [[inf]]), [nan])
    same(A.novelty_scores(np.zeros((0, 2)), np.zeros((0, 2))), [nan, nan])


@FAST
@given(matrix_pair())
def test_novelty_matches_nanmax(pair):
    a, b = pair
    got = A.novelty_scores(a, b)
    for j in range(a.shape[1]):
        x, y = a[~np.isnan(a[:, j]), j], b[~np.isnan(b[:, j]), j]
        expected = x.max() - y.max() if x.size and y.size else nan
        same(got[j], expected)
    sp = A.spurious_scores(a, b)
    assert np.all(np.isnan(sp) | ((sp >= 0) & (sp <= 1)))


def test_shift_reference_equals_the_scores_it_caches() -> None:
    rng = np.random.default_rng(5)
    t_id = np.round(rng.random((30, 12)), 2)  # rounded: ties
    t_id[3] = np.nan  # a class absent from the reference
    reference = A.ShiftReference(t_id)
    for nan_rows in ([], [3], [7], [3, 7, 8]):
        t_ood = np.round(rng.random((30, 12)), 2)
        t_ood[nan_rows] = np.nan
        np.testing.assert_array_equal(reference.spurious(t_ood), A.spurious_scores(t_id, t_ood))
        np.testing.assert_array_equal(reference.novelty(t_ood), A.novelty_scores(t_id, t_ood))

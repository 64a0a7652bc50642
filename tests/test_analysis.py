"""Tests for deephys.analysis: hand-computed cases, oracles and properties.

The hand cases here are mirrored in viewer/src/analysis/*.test.ts; keep them
in sync. Oracles are written out in plain Python (scipy is used in addition
when it happens to be installed).
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from deephys import analysis as A

try:  # optional, independent oracle
    import scipy.stats as scipy_stats
except ImportError:  # pragma: no cover - depends on the environment
    scipy_stats = None

nan = math.nan
inf = math.inf

FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def same(actual, expected) -> None:
    """Exact equality, NaN equal to NaN, dtype-agnostic."""
    np.testing.assert_array_equal(
        np.asarray(actual, dtype=np.float64), np.asarray(expected, dtype=np.float64)
    )


# --------------------------------------------------------------------------
# Strategies
# --------------------------------------------------------------------------

finite32 = st.floats(-1e6, 1e6, allow_nan=False, allow_infinity=False, width=32)
any32 = st.one_of(
    finite32, st.sampled_from([0.0, -0.0, nan, inf, -inf, 1.0, 2.0]), st.floats(width=32)
)


@st.composite
def acts_and_labels(draw, elements=finite32, max_rows=40, max_units=20, max_classes=6):
    c = draw(st.integers(1, max_classes))
    n = draw(st.integers(0, max_rows))
    u = draw(st.integers(1, max_units))
    acts = draw(hnp.arrays(np.float32, (n, u), elements=elements))
    labels = draw(hnp.arrays(np.int64, (n,), elements=st.integers(0, c - 1)))
    return acts, labels, c


# --------------------------------------------------------------------------
# Plain-Python oracles
# --------------------------------------------------------------------------


def oracle_class_means(acts, labels, c):
    n, u = acts.shape
    out = [[nan] * u for _ in range(c)]
    for k in range(c):
        rows = [i for i in range(n) if labels[i] == k]
        if not rows:
            continue
        for j in range(u):
            s = 0.0
            for i in rows:
                s += float(acts[i, j])
            out[k][j] = s / len(rows)
    return np.array(out, dtype=np.float64).reshape(c, u)


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


def oracle_rank_desc(values, keep):
    idx = [i for i in range(len(values)) if keep(values[i])]
    return sorted(idx, key=lambda i: (-values[i], i))


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
    return [
        sum(math.exp(-0.5 * ((g - v) / h) ** 2) for v in x) / (n * h * math.sqrt(2 * math.pi))
        for g in grid
    ]


# --------------------------------------------------------------------------
# reference_max / normalize
# --------------------------------------------------------------------------


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


# --------------------------------------------------------------------------
# class means / tuning
# --------------------------------------------------------------------------


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


# --------------------------------------------------------------------------
# Spearman / spurious / novelty
# --------------------------------------------------------------------------


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


matrix_elements = st.one_of(
    st.integers(-3, 3).map(float), st.floats(-10, 10, allow_nan=False), st.just(nan)
)


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


# --------------------------------------------------------------------------
# softmax / predictions
# --------------------------------------------------------------------------


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
        order = sorted(
            range(len(row)), key=lambda j: (math.isnan(row[j]), 0 if math.isnan(row[j]) else -row[j], j)
        )
        same(idx[r], order[:kk])
        same(prob[r], p[r, order[:kk]])


# --------------------------------------------------------------------------
# accuracy / confusion / false positives and negatives
# --------------------------------------------------------------------------

LABELS = np.array([0, 0, 1, 1, 1, 2])
PREDS = np.array([0, 1, 1, 1, 0, 1])
CONF = np.array([0.9, 0.6, 0.8, 0.7, 0.6, 0.6])


def test_accuracy_and_confusion_hand():
    assert A.accuracy(LABELS, PREDS) == 0.5
    assert math.isnan(A.accuracy([], []))
    same(A.class_accuracy(LABELS, PREDS, 4), [0.5, 2 / 3, 0.0, nan])
    cm = A.confusion_matrix(LABELS, PREDS, 4)
    assert cm.dtype == np.int64
    same(cm, [[1, 1, 0, 0], [1, 2, 0, 0], [0, 1, 0, 0], [0, 0, 0, 0]])
    with pytest.raises(ValueError):
        A.confusion_matrix(LABELS, PREDS + 3, 4)
    with pytest.raises(ValueError):
        A.accuracy([0, 1], [0])


def test_false_positives_negatives_hand():
    assert A.false_positives(LABELS, PREDS, 1) == [(0, 1, 0.5), (2, 1, 0.5)]
    assert A.false_negatives(LABELS, PREDS, 1) == [(0, 1, 1.0)]
    assert A.false_positives(LABELS, PREDS, 2) == []
    assert A.false_negatives(LABELS, PREDS, 2) == [(1, 1, 1.0)]
    labels = np.array([2, 2, 0, 1, 0, 0, 3])
    preds = np.array([3, 3, 3, 3, 3, 3, 3])
    assert A.false_positives(labels, preds, 3) == [(0, 3, 0.5), (2, 2, 2 / 6), (1, 1, 1 / 6)]


def test_false_positive_negative_images_hand():
    same(A.false_positive_images(LABELS, PREDS, CONF, 1), [1, 5])  # tie 0.6: index order
    same(A.false_positive_images(LABELS, PREDS, CONF, 1, true_class=2), [5])
    same(A.false_positive_images(LABELS, PREDS, CONF, 1, true_class=1), [])
    same(A.false_negative_images(LABELS, PREDS, CONF, 0), [1])
    same(A.false_negative_images(LABELS, PREDS, CONF, 1, predicted_class=0), [4])
    conf = np.array([0.1, 0.5, 0.2, nan, 0.5, 0.9])
    labels = np.array([1, 1, 1, 1, 1, 0])
    preds = np.array([0, 0, 0, 0, 0, 0])
    same(A.false_positive_images(labels, preds, conf, 0), [1, 4, 2, 0, 3])
    same(A.false_negative_images(labels, preds, conf, 1), [1, 4, 2, 0, 3])
    with pytest.raises(ValueError):
        A.false_positive_images(labels, preds, conf[:3], 0)


def test_confusion_cell_images_hand():
    same(A.confusion_cell_images(LABELS, PREDS, CONF, 1, 1), [2, 3])
    same(A.confusion_cell_images(LABELS, PREDS, CONF, 0, 0), [0])
    same(A.confusion_cell_images(LABELS, PREDS, CONF, 1, 0), [4])
    same(A.confusion_cell_images(LABELS, PREDS, CONF, 2, 2), [])
    conf = np.array([0.1, 0.5, 0.2, nan, 0.5, 0.9])
    labels = np.array([1, 1, 1, 1, 1, 0])
    preds = np.array([1, 1, 1, 1, 1, 0])
    same(A.confusion_cell_images(labels, preds, conf, 1, 1), [1, 4, 2, 0, 3])
    with pytest.raises(ValueError):
        A.confusion_cell_images(labels, preds, conf[:3], 1, 1)


@st.composite
def labels_preds(draw):
    c = draw(st.integers(1, 6))
    n = draw(st.integers(0, 60))
    ints = hnp.arrays(np.int64, (n,), elements=st.integers(0, c - 1))
    return draw(ints), draw(ints), c


@FAST
@given(labels_preds())
def test_confusion_properties(data):
    labels, preds, c = data
    cm = A.confusion_matrix(labels, preds, c)
    assert cm.sum() == len(labels)
    rows = cm.sum(axis=1)
    expected = np.where(rows > 0, np.diag(cm) / np.maximum(rows, 1), nan)
    same(A.class_accuracy(labels, preds, c), expected)
    same(rows, A.class_counts(labels, c))
    if len(labels):
        assert A.accuracy(labels, preds) == np.trace(cm) / len(labels)
    for k in range(c):
        fp = A.false_positives(labels, preds, k)
        fn = A.false_negatives(labels, preds, k)
        off = [j for j in range(c) if j != k]
        assert {t: n for t, n, _ in fp} == {t: int(cm[t, k]) for t in off if cm[t, k]}
        assert {p: n for p, n, _ in fn} == {p: int(cm[k, p]) for p in off if cm[k, p]}
        for group in (fp, fn):
            keys = [(-n, cls) for cls, n, _ in group]
            assert keys == sorted(keys)
            if group:
                assert sum(f for _, _, f in group) == pytest.approx(1.0)
        for p in range(c):
            cell = A.confusion_cell_images(labels, preds, np.ones(len(labels)), k, p)
            assert len(cell) == cm[k, p]
            if p != k:
                same(cell, A.false_negative_images(labels, preds, np.ones(len(labels)), k, p))
        n_fp = len(A.false_positive_images(labels, preds, np.ones(len(labels)), k))
        n_fn = len(A.false_negative_images(labels, preds, np.ones(len(labels)), k))
        assert (n_fp, n_fn) == (cm[:, k].sum() - cm[k, k], cm[k, :].sum() - cm[k, k])


# --------------------------------------------------------------------------
# rankings
# --------------------------------------------------------------------------


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


rank_values = hnp.arrays(
    np.float32,
    st.integers(0, 50),
    elements=st.one_of(st.sampled_from([0.0, -0.0, 1.0, nan, inf, -inf]), finite32),
)


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


# --------------------------------------------------------------------------
# histogram / density
# --------------------------------------------------------------------------


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


# --------------------------------------------------------------------------
# Blocking does not change any bit; larger inputs
# --------------------------------------------------------------------------


def test_blocked_paths_are_bit_identical(monkeypatch):
    rng = np.random.default_rng(1)
    acts = rng.standard_normal((300, 40)).astype(np.float32)
    acts[acts < -1] = 0
    acts[5, 3] = nan
    labels = rng.integers(0, 7, 300)
    logits = rng.standard_normal((50, 30)) * 10
    scores = rng.random(200)
    grid = np.linspace(-0.5, 1.5, 33)

    def run():
        ref = A.reference_max(acts)
        return [
            ref,
            A.class_means(acts, labels, 7),
            A.class_means(acts[:, :3], labels, 7),
            A.tuning_matrix(acts, labels, 7, ref),
            A.top_units(acts)[1],
            A.top_units(acts[:, :5])[1],
            A.softmax(logits),
            A.confidence(logits),
            A.density(scores, grid),
        ]

    before = run()
    monkeypatch.setattr(A, "_BLOCK_ELEMENTS", 7)
    after = run()
    for x, y in zip(before, after):
        same(x, y)


def test_realistic_sizes_smoke():
    rng = np.random.default_rng(2)
    n, u, c = 5000, 256, 100
    acts = np.maximum(rng.standard_normal((n, u)), 0).astype(np.float32)
    acts[:, 7] = 0  # dead unit
    labels = rng.integers(0, c, n)
    ood = acts * rng.random(u).astype(np.float32)
    ref = A.reference_max(acts)
    t_id = A.tuning_matrix(acts, labels, c, ref)
    t_ood = A.tuning_matrix(ood, labels, c, ref)
    sp = A.spurious_scores(t_id, t_ood)
    nv = A.novelty_scores(t_id, t_ood)
    assert math.isnan(sp[7]) and math.isnan(nv[7])
    assert np.nanmax(sp) < 1e-3  # per-unit scaling keeps class orderings (up to rounding ties)
    assert (nv[np.arange(u) != 7] >= 0).all()
    order = A.most_shifted_units(sp, nv, by="novelty")
    assert order[-1] == 7
    logits = rng.standard_normal((n, c)) * 5
    preds = A.predictions(logits)
    cm = A.confusion_matrix(labels, preds, c)
    assert cm.sum() == n
    idx, prob = A.top_predictions(logits)
    same(idx[:, 0], preds)
    np.testing.assert_allclose(prob[:, 0], A.confidence(logits), rtol=1e-15)


def test_inputs_are_not_modified():
    rng = np.random.default_rng(3)
    acts = rng.standard_normal((40, 20))
    acts[0, 0] = nan
    labels = rng.integers(0, 4, 40)
    logits = rng.standard_normal((40, 4))
    scores = rng.random(20)
    keep = [x.copy() for x in (acts, labels, logits, scores)]
    ref = A.reference_max(acts)
    A.normalize(acts, ref)
    t = A.tuning_matrix(acts, labels, 4, ref)
    A.spurious_scores(t, t)
    A.novelty_scores(t, t)
    A.softmax(logits)
    A.confidence(logits)
    A.predictions(logits)
    A.top_predictions(logits)
    A.top_units(acts)
    A.top_images(acts[:, 1])
    A.histogram(acts[:, 0])
    A.density(scores, scores)
    for before, after in zip(keep, (acts, labels, logits, scores)):
        same(after, before)

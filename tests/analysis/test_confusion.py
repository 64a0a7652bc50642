"""Tests for deephys.analysis.confusion.

The hand cases are mirrored in viewer/test/analysis/confusion.test.ts; keep them in sync.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from analysis_helpers import FAST, nan, same
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from deephys import analysis as A

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

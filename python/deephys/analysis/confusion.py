"""Accuracy, per-class accuracy, confusion matrix, false positives and negatives and their images.

Twin of viewer/src/analysis/confusion.ts.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ..errors import UsageError
from ._arrays import F64, I64, class_labels, int_array, real_array
from .ranking import rank_desc_nan_last


def _pair(labels: ArrayLike, preds: ArrayLike) -> tuple[I64, I64]:
    lab = int_array(labels, "labels")
    pre = int_array(preds, "preds")
    if lab.shape != pre.shape:
        raise UsageError(f"labels and preds differ in length: {lab.shape} vs {pre.shape}")
    return lab, pre


def accuracy(labels: ArrayLike, preds: ArrayLike) -> float:
    """Fraction of images with ``preds == labels`` (``correct / N``); NaN if ``N == 0``."""
    lab, pre = _pair(labels, preds)
    if lab.size == 0:
        return math.nan
    return int(np.count_nonzero(lab == pre)) / lab.size


def class_accuracy(labels: ArrayLike, preds: ArrayLike, num_classes: int) -> F64:
    """Per true class ``c``: ``correct_c / count_c``; NaN for classes with no images.

    ``labels`` must lie in ``[0, C)``; ``preds`` may be any integers.
    """
    lab, pre = _pair(labels, preds)
    lab = class_labels(lab, num_classes)
    counts = np.bincount(lab, minlength=num_classes)
    correct = np.bincount(lab[lab == pre], minlength=num_classes)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(counts > 0, correct / np.maximum(counts, 1), np.nan)


def confusion_matrix(labels: ArrayLike, preds: ArrayLike, num_classes: int) -> I64:
    """``M[t, p]`` = number of images of true class ``t`` predicted ``p``, int64 ``(C, C)``.

    Both ``labels`` and ``preds`` must lie in ``[0, C)``.
    """
    lab, pre = _pair(labels, preds)
    lab = class_labels(lab, num_classes)
    pre = class_labels(pre, num_classes, "preds")
    flat = np.bincount(lab * num_classes + pre, minlength=num_classes * num_classes)
    return flat.astype(np.int64).reshape(num_classes, num_classes)


def _grouped(keys: I64) -> list[tuple[int, int, float]]:
    """(key, count, count / total) sorted by count desc, then key asc."""
    if keys.size == 0:
        return []
    values, counts = np.unique(keys, return_counts=True)
    order = np.lexsort((values, -counts))
    total = int(keys.size)
    return [(int(values[i]), int(counts[i]), int(counts[i]) / total) for i in order]


def false_positives(labels: ArrayLike, preds: ArrayLike, c: int) -> list[tuple[int, int, float]]:
    """False positives of class ``c`` grouped by their TRUE class.

    Images with ``preds == c`` and ``labels != c``. Returns a list of
    ``(true_class, count, count / total_false_positives)`` sorted by count
    descending, then class ascending; ``[]`` when there are none.
    """
    lab, pre = _pair(labels, preds)
    return _grouped(lab[(pre == c) & (lab != c)])


def false_negatives(labels: ArrayLike, preds: ArrayLike, c: int) -> list[tuple[int, int, float]]:
    """False negatives of class ``c`` grouped by their PREDICTED class.

    Images with ``labels == c`` and ``preds != c``. Same shape and order as
    :func:`false_positives`.
    """
    lab, pre = _pair(labels, preds)
    return _grouped(pre[(lab == c) & (pre != c)])


def _by_confidence(mask: NDArray[np.bool_], conf: ArrayLike) -> I64:
    cf = real_array(conf, "conf", 1).astype(np.float64)
    if cf.shape != mask.shape:
        raise UsageError(f"conf has shape {cf.shape}, expected {mask.shape}")
    idx = np.flatnonzero(mask)
    order = rank_desc_nan_last(cf[idx])
    return idx[order].astype(np.int64)


def false_positive_images(
    labels: ArrayLike, preds: ArrayLike, conf: ArrayLike, c: int, true_class: int | None = None
) -> I64:
    """Indices of false-positive images of ``c`` (``preds == c != labels``).

    If ``true_class`` is given, only those with ``labels == true_class`` (the
    pair confusion view). Sorted by ``conf`` descending, ties by index
    ascending, NaN confidences last (by index).
    """
    lab, pre = _pair(labels, preds)
    mask = (pre == c) & (lab != c)
    if true_class is not None:
        mask &= lab == true_class
    return _by_confidence(mask, conf)


def false_negative_images(
    labels: ArrayLike, preds: ArrayLike, conf: ArrayLike, c: int, predicted_class: int | None = None
) -> I64:
    """Indices of false-negative images of ``c`` (``labels == c != preds``).

    If ``predicted_class`` is given, only those with ``preds ==
    predicted_class``. Sorted like :func:`false_positive_images`.
    """
    lab, pre = _pair(labels, preds)
    mask = (lab == c) & (pre != c)
    if predicted_class is not None:
        mask &= pre == predicted_class
    return _by_confidence(mask, conf)


def confusion_cell_images(
    labels: ArrayLike, preds: ArrayLike, conf: ArrayLike, true_class: int, predicted_class: int
) -> I64:
    """Indices of the images in one confusion-matrix cell: ``labels == true_class``
    and ``preds == predicted_class``.

    The diagonal (``true_class == predicted_class``) gives the correctly
    classified images of that class; off the diagonal this equals
    ``false_negative_images(labels, preds, conf, true_class, predicted_class)``.
    Sorted like :func:`false_positive_images` (``conf`` descending, ties by
    index ascending, NaN confidences last).
    """
    lab, pre = _pair(labels, preds)
    return _by_confidence((lab == true_class) & (pre == predicted_class), conf)


def confusion_rates(labels: ArrayLike, preds: ArrayLike, num_classes: int) -> F64:
    """``R[t, p]``: the share of class ``t``'s images predicted ``p`` (``M[t, p] / count_t``), ``(C, C)``.

    A class with no images is a row of NaN.
    """
    lab, pre = _pair(labels, preds)
    lab = class_labels(lab, num_classes)
    counts = np.bincount(lab, minlength=num_classes)
    cells = confusion_matrix(lab, pre, num_classes)
    with np.errstate(divide="ignore", invalid="ignore"):
        rates: F64 = np.where(counts[:, None] > 0, cells / np.maximum(counts, 1)[:, None], np.nan)
    return rates


def growing_confusions(rates: ArrayLike, id_rates: ArrayLike, n: int) -> tuple[I64, I64]:
    """The ``n`` wrong cells (``t != p``) that grow most from ``id_rates`` to ``rates``.

    Candidates are the off-diagonal cells with ``rates[t, p] > 0``; they rank by ``rates - id_rates``
    descending, NaN (class ``t`` absent from the reference) last, ties by lower ``t``, then lower ``p``.
    Returns ``(true, predicted)`` int64 arrays.
    """
    if n < 0:
        raise UsageError(f"n must be >= 0, got {n}")
    r = real_array(rates, "rates", 2).astype(np.float64)
    ref = real_array(id_rates, "id_rates", 2).astype(np.float64)
    if r.shape != ref.shape or r.shape[0] != r.shape[1]:
        raise UsageError(f"rates and id_rates must be the same (C, C); got {r.shape} and {ref.shape}")
    candidates = np.flatnonzero((r > 0) & ~np.eye(r.shape[0], dtype=bool))  # row-major: (t, p) order
    growth = (r - ref).ravel()[candidates]
    chosen = candidates[rank_desc_nan_last(growth)[:n]]
    true, predicted = np.divmod(chosen, r.shape[0])
    return true.astype(np.int64), predicted.astype(np.int64)


def losing_classes(accuracy: ArrayLike, id_accuracy: ArrayLike, n: int) -> I64:
    """The ``n`` classes whose accuracy drops most from ``id_accuracy`` to ``accuracy`` (both ``(C,)``).

    Ranked by ``id_accuracy - accuracy`` descending, ties by lower class; classes with NaN on either
    side (no images there) are left out.
    """
    if n < 0:
        raise UsageError(f"n must be >= 0, got {n}")
    a = real_array(accuracy, "accuracy", 1).astype(np.float64)
    ref = real_array(id_accuracy, "id_accuracy", 1).astype(np.float64)
    if a.shape != ref.shape:
        raise UsageError(f"accuracy and id_accuracy differ in shape: {a.shape} vs {ref.shape}")
    drop = ref - a
    order = rank_desc_nan_last(drop)
    return order[~np.isnan(drop[order])][:n]

"""Reference implementation of every Deephys analysis (pure NumPy, float64).

This module is the *specification* of the numbers Deephys shows. The browser
viewer (TypeScript, ``viewer/src/analysis/``) is tested number-for-number
against it, so every definition below is precise about order, ties, NaN and
empty inputs.

Notation: ``acts`` is an ``(N, U)`` array of activations (N images, U units of
one layer), ``labels`` an ``(N,)`` integer array of ground-truth classes in
``[0, C)``, ``logits`` an ``(N, K)`` (or ``(K,)``) array of classification
layer outputs.

Conventions shared by all functions
-----------------------------------
* **Arithmetic.** Inputs of any real dtype are converted to float64 before any
  arithmetic; every result is float64 (or int64 for counts and indices).
* **Sums** are accumulated in float64 *sequentially in ascending index order*
  (``s = 0; for i in 0..n-1: s += x[i]``), never pairwise, so a plain loop in
  another language reproduces them bit for bit. A mean is ``sum / count``
  (a true division, not a multiplication by ``1 / count``).
* **Bit-exactness.** Everything that uses only ``+ - * /``, ``sqrt``,
  ``floor`` and comparisons (class means, tuning, Spearman, novelty, histogram,
  accuracies, every ranking) is reproducible bit for bit. Functions that call
  ``exp`` (``softmax``, ``top_predictions``, ``confidence``, ``density``)
  depend on the platform's ``exp`` and agree to about 1e-15 relative.
* **Rankings** ("desc, ties by lower index") sort by value descending; equal
  values (numerically equal: ``-0.0 == 0.0``) keep ascending index order.
* **NaN** is never silently turned into a number. Each function documents
  whether NaN propagates, is excluded, or is sorted last.
"""

from __future__ import annotations

import math
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray

__all__ = [
    "reference_max",
    "normalize",
    "class_counts",
    "class_means",
    "tuning_matrix",
    "spearman_columns",
    "spurious_scores",
    "novelty_scores",
    "softmax",
    "top_predictions",
    "predictions",
    "confidence",
    "accuracy",
    "class_accuracy",
    "confusion_matrix",
    "false_positives",
    "false_negatives",
    "false_positive_images",
    "false_negative_images",
    "confusion_cell_images",
    "top_units",
    "top_images",
    "top_classes",
    "histogram",
    "density",
    "most_shifted_units",
]

F64 = NDArray[np.float64]
I64 = NDArray[np.int64]

# Target size (elements) of float64 temporaries in blocked loops (32 MiB).
_BLOCK_ELEMENTS = 1 << 22

_SQRT_2PI = math.sqrt(2.0 * math.pi)


# --------------------------------------------------------------------------
# Input helpers
# --------------------------------------------------------------------------


def _real_array(x: ArrayLike, name: str, ndim: int | tuple[int, ...]) -> NDArray[np.generic]:
    """``x`` as an array of a real numeric dtype with the allowed ``ndim``."""
    arr = np.asarray(x)
    if arr.dtype.kind not in "biuf":
        raise TypeError(f"{name} must be real numbers, got dtype {arr.dtype}")
    allowed = (ndim,) if isinstance(ndim, int) else ndim
    if arr.ndim not in allowed:
        raise ValueError(f"{name} must have ndim in {allowed}, got shape {arr.shape}")
    return arr


def _int_array(x: ArrayLike, name: str) -> I64:
    """``x`` as a 1-D int64 array (integer or bool dtype only)."""
    arr = np.asarray(x)
    if arr.ndim != 1:
        raise ValueError(f"{name} must be 1-D, got shape {arr.shape}")
    if arr.size and arr.dtype.kind not in "biu":
        raise TypeError(f"{name} must be integers, got dtype {arr.dtype}")
    return arr.astype(np.int64, copy=False)


def _class_labels(labels: ArrayLike, num_classes: int, name: str = "labels") -> I64:
    """Validate integer labels in ``[0, num_classes)``."""
    if num_classes < 0:
        raise ValueError(f"num_classes must be >= 0, got {num_classes}")
    arr = _int_array(labels, name)
    if arr.size and (arr.min() < 0 or arr.max() >= num_classes):
        raise ValueError(f"{name} must lie in [0, {num_classes})")
    return arr


def _pair(labels: ArrayLike, preds: ArrayLike) -> tuple[I64, I64]:
    lab = _int_array(labels, "labels")
    pre = _int_array(preds, "preds")
    if lab.shape != pre.shape:
        raise ValueError(f"labels and preds differ in length: {lab.shape} vs {pre.shape}")
    return lab, pre


def _rows_per_block(width: int) -> int:
    return max(1, _BLOCK_ELEMENTS // max(1, width))


# Below this width, rows are summed with np.add.accumulate (vectorised down a
# column); at or above it, with a loop over rows (vectorised along the row,
# cache friendly). Both are strictly sequential; only speed differs.
_LOOP_MIN_WIDTH = 16


def _seq_add_rows(acc: F64, x: NDArray[np.generic]) -> None:
    """``for r in x: acc += float64(r)`` (in place, strictly sequential).

    NumPy's ``sum`` may add pairwise; ``np.add.accumulate`` and an explicit
    row loop are sequential by definition, so a plain loop in another
    language gives the same bits.
    """
    if x.shape[0] == 0:
        return
    with np.errstate(invalid="ignore", over="ignore"):  # inf + -inf is NaN, by definition
        if x.shape[1] >= _LOOP_MIN_WIDTH:
            for row in x:
                np.add(acc, row, out=acc)
            return
        step = _rows_per_block(x.shape[1])
        for start in range(0, x.shape[0], step):
            blk = x[start : start + step].astype(np.float64)
            blk[0] = acc + blk[0]
            acc[:] = np.add.accumulate(blk, axis=0)[-1]


def _seq_sum_rows(x: NDArray[np.generic]) -> F64:
    """Sequential float64 sum over axis 0 of a 2-D array."""
    acc = np.zeros(x.shape[1], dtype=np.float64)
    _seq_add_rows(acc, x)
    return acc


def _seq_sum_1d(x: F64) -> float:
    """Sequential sum of a 1-D float64 array (0.0 when empty)."""
    return float(np.add.accumulate(x)[-1]) if x.size else 0.0


def _seq_sum_last(x: F64) -> F64:
    """Sequential sum over the last axis (float64 input), in row blocks."""
    width = x.shape[-1]
    if width == 0:
        return np.zeros(x.shape[:-1], dtype=np.float64)
    flat = x.reshape(-1, width)
    out = np.empty(flat.shape[0], dtype=np.float64)
    step = _rows_per_block(width)
    for start in range(0, flat.shape[0], step):
        out[start : start + step] = np.add.accumulate(flat[start : start + step], axis=-1)[:, -1]
    return out.reshape(x.shape[:-1])


def _rank_desc(values: F64, keep: NDArray[np.bool_]) -> I64:
    """Indices of ``values[keep]`` by value descending, ties by lower index."""
    idx = np.flatnonzero(keep)
    # Stable ascending sort of the negated values == descending, ties by index.
    order = np.argsort(-values[idx], kind="stable")
    return idx[order].astype(np.int64)


def _rank_desc_nan_last(values: F64) -> I64:
    """All indices by value descending, NaN last; ties (and NaNs) by index."""
    nan = np.isnan(values)
    key = np.where(nan, 0.0, -values)
    # np.lexsort: last key is primary; the sort is stable, so ties keep index order.
    return np.lexsort((key, nan)).astype(np.int64)


def _ref_denominator(ref_max: ArrayLike) -> F64:
    """``ref_max`` as float64 with dead units (not finite or <= 0) set to NaN."""
    ref = _real_array(ref_max, "ref_max", 1).astype(np.float64)
    ok = np.isfinite(ref) & (ref > 0)
    return np.where(ok, ref, np.nan)


# --------------------------------------------------------------------------
# Normalisation and tuning
# --------------------------------------------------------------------------


def reference_max(acts: ArrayLike) -> F64:
    """Per-unit maximum over the *finite* activations of a reference dataset.

    ``acts``: ``(N, U)``. Returns ``(U,)`` float64: ``max{acts[i, n] : finite}``.
    NaN and +/-inf are ignored; a unit with no finite value (including
    ``N == 0``) gets NaN. Computed in row blocks, so memory stays small for
    50,000 x 2,048 inputs.
    """
    arr = _real_array(acts, "acts", 2)
    width = arr.shape[1]
    best = np.full(width, -np.inf)
    step = _rows_per_block(width)
    for start in range(0, arr.shape[0], step):
        blk = arr[start : start + step].astype(np.float64)
        blk[~np.isfinite(blk)] = -np.inf
        np.maximum(best, blk.max(axis=0), out=best)
    best[best == -np.inf] = np.nan
    return best


def normalize(acts: ArrayLike, ref_max: ArrayLike) -> F64:
    """Activations as a fraction of the reference maximum: ``acts / ref_max``.

    Works for ``(N, U)`` and ``(U,)`` ``acts``; ``ref_max`` is ``(U,)``.
    Guard: a unit whose ``ref_max`` is not finite or ``<= 0`` (it never fires
    in the reference set) gets NaN everywhere instead of dividing by zero.
    Otherwise this is the IEEE division ``float64(a) / ref_max`` (NaN stays
    NaN, +/-inf stays +/-inf). Multiply by 100 for the viewer's percentage.
    """
    arr = _real_array(acts, "acts", (1, 2))
    den = _ref_denominator(ref_max)
    if arr.shape[-1] != den.shape[0]:
        raise ValueError(f"acts has {arr.shape[-1]} units but ref_max has {den.shape[0]}")
    out = arr.astype(np.float64)
    out /= den
    return out


def class_counts(labels: ArrayLike, num_classes: int) -> I64:
    """Number of images per class, ``(C,)`` int64."""
    lab = _class_labels(labels, num_classes)
    return np.bincount(lab, minlength=num_classes).astype(np.int64)


def class_means(acts: ArrayLike, labels: ArrayLike, num_classes: int) -> F64:
    """Plain per-class mean of raw activations, ``(C, U)`` float64.

    ``M[c, n] = (sum of float64(acts[i, n]) over images i with labels[i] == c,
    accumulated sequentially in ascending i) / count_c``.
    NaN/inf propagate exactly as in a plain sum (``inf + -inf = NaN``).
    A class with no images gets a row of NaN.
    """
    arr = _real_array(acts, "acts", 2)
    lab = _class_labels(labels, num_classes)
    if lab.shape[0] != arr.shape[0]:
        raise ValueError(f"acts has {arr.shape[0]} rows but labels has {lab.shape[0]}")
    width = arr.shape[1]
    counts = np.bincount(lab, minlength=num_classes)
    order = np.argsort(lab, kind="stable")  # images grouped by class, ascending index
    ends = np.cumsum(counts)
    out = np.full((num_classes, width), np.nan)
    rows = _rows_per_block(width)
    for c in np.flatnonzero(counts):
        members = order[ends[c] - counts[c] : ends[c]]
        acc = np.zeros(width, dtype=np.float64)
        for start in range(0, members.size, rows):
            _seq_add_rows(acc, arr[members[start : start + rows]])
        out[c] = acc / counts[c]
    return out


def tuning_matrix(acts: ArrayLike, labels: ArrayLike, num_classes: int, ref_max: ArrayLike) -> F64:
    """Category tuning matrix ``T[c, n]``, ``(C, U)`` float64.

    Defined as ``class_means(acts, labels, C)[c, n] / ref_max[n]`` (the mean of
    normalised activations, with one division per entry), with the
    :func:`normalize` guard: units whose ``ref_max`` is not finite or ``<= 0``
    are NaN columns. Empty classes are NaN rows.
    """
    den = _ref_denominator(ref_max)
    means = class_means(acts, labels, num_classes)
    if means.shape[1] != den.shape[0]:
        raise ValueError(f"acts has {means.shape[1]} units but ref_max has {den.shape[0]}")
    return means / den


# --------------------------------------------------------------------------
# Shift scores
# --------------------------------------------------------------------------


def _average_ranks(x: F64) -> F64:
    """1-based average ranks down each column; NaN entries get NaN.

    Ties (equal values, compared numerically) share the mean of the ranks they
    span. NaN entries are not ranked (they sort after every number).
    """
    rows = x.shape[0]
    order = np.argsort(x, axis=0, kind="stable")  # NaN sorts last
    s = np.take_along_axis(x, order, axis=0)
    pos = np.arange(rows)[:, None]
    first = np.ones(s.shape, dtype=bool)
    first[1:] = s[1:] != s[:-1]
    last = np.ones(s.shape, dtype=bool)
    last[:-1] = first[1:]
    start = np.maximum.accumulate(np.where(first, pos, 0), axis=0)
    end = np.minimum.accumulate(np.where(last, pos, rows)[::-1], axis=0)[::-1]
    avg = (start + end) / 2.0 + 1.0
    ranks = np.empty(x.shape, dtype=np.float64)
    np.put_along_axis(ranks, order, avg, axis=0)
    ranks[np.isnan(x)] = np.nan
    return ranks


def spearman_columns(a: ArrayLike, b: ArrayLike) -> F64:
    """Spearman rank correlation of ``a[:, n]`` and ``b[:, n]`` for each column.

    ``a``, ``b``: ``(C, U)``. Per column: drop every row where ``a`` or ``b``
    is NaN (pairwise deletion; +/-inf are kept and ranked as extremes); rank
    the ``k`` remaining values of each side with 1-based *average* ranks for
    ties; with ``da = rank_a - (k + 1) / 2`` and ``db`` likewise,
    ``rho = sum(da * db) / sqrt(sum(da**2) * sum(db**2))``, clipped to
    ``[-1, 1]``. (All these sums are exact multiples of 1/4, so the result is
    order independent.) NaN when ``k < 2`` or either side is constant over the
    kept rows. Returns ``(U,)`` float64.
    """
    x = _real_array(a, "a", 2).astype(np.float64)
    y = _real_array(b, "b", 2).astype(np.float64)
    if x.shape != y.shape:
        raise ValueError(f"a and b differ in shape: {x.shape} vs {y.shape}")
    valid = ~(np.isnan(x) | np.isnan(y))
    x[~valid] = np.nan
    y[~valid] = np.nan
    k = valid.sum(axis=0)
    centre = (k + 1) / 2.0
    dx = np.where(valid, _average_ranks(x) - centre, 0.0)
    dy = np.where(valid, _average_ranks(y) - centre, 0.0)
    cov = (dx * dy).sum(axis=0)
    vx = (dx * dx).sum(axis=0)
    vy = (dy * dy).sum(axis=0)
    ok = (k >= 2) & (vx > 0) & (vy > 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        rho = cov / np.sqrt(vx * vy)
    return np.where(ok, np.clip(rho, -1.0, 1.0), np.nan)


def spurious_scores(t_id: ArrayLike, t_ood: ArrayLike) -> F64:
    """Spurious score per unit: ``1 - |spearman_columns(t_id, t_ood)|``.

    In ``[0, 1]``; high when the shift reorders which classes the unit
    prefers. NaN wherever the correlation is NaN.
    """
    return 1.0 - np.abs(spearman_columns(t_id, t_ood))


def _nanmax_columns(t: F64) -> F64:
    """Max over rows ignoring NaN; NaN for all-NaN (or empty) columns."""
    nan = np.isnan(t)
    best = np.where(nan, -np.inf, t).max(axis=0, initial=-np.inf)
    return np.where(nan.all(axis=0), np.nan, best)


def novelty_scores(t_id: ArrayLike, t_ood: ArrayLike) -> F64:
    """Novelty score per unit: ``nanmax_c t_id[c, n] - nanmax_c t_ood[c, n]``.

    The drop in the unit's peak class response under the shift. The maxima
    ignore NaN rows (empty classes); a column that is all NaN (or has no rows)
    gives NaN. inf is kept (``inf - inf = NaN``). Returns ``(U,)`` float64.
    """
    x = _real_array(t_id, "t_id", 2).astype(np.float64)
    y = _real_array(t_ood, "t_ood", 2).astype(np.float64)
    if x.shape[1] != y.shape[1]:
        raise ValueError(f"t_id has {x.shape[1]} units but t_ood has {y.shape[1]}")
    with np.errstate(invalid="ignore"):
        return _nanmax_columns(x) - _nanmax_columns(y)


# --------------------------------------------------------------------------
# Predictions
# --------------------------------------------------------------------------


def _softmax_last(x: F64) -> tuple[F64, F64]:
    """In place on a float64 array: ``x := exp(x - max)``; returns ``(x, S)``.

    ``S`` is the sequential sum of the exponentials over the last axis.
    """
    with np.errstate(invalid="ignore"):
        x -= x.max(axis=-1, keepdims=True)  # max is NaN if any NaN
        np.exp(x, out=x)
    return x, _seq_sum_last(x)


def softmax(logits: ArrayLike, axis: int = -1) -> F64:
    """Numerically stable softmax along ``axis`` (float64).

    ``p_j = exp(x_j - m) / S`` with ``m = max_j x_j`` and ``S`` the sequential
    sum of ``exp(x_j - m)`` in ascending ``j``. Never overflows (e.g. logits of
    1e4). A ``-inf`` logit gets probability 0 when the maximum is finite. Any
    slice containing NaN or ``+inf``, or consisting only of ``-inf``, is all
    NaN. An empty axis gives an empty result.
    """
    arr = np.asarray(logits)
    if arr.dtype.kind not in "biuf" or arr.ndim == 0:
        raise ValueError(f"logits must be a real array with ndim >= 1, got {arr.dtype} {arr.shape}")
    x = np.moveaxis(arr.astype(np.float64), axis, -1)
    if x.shape[-1] == 0:
        return np.moveaxis(x, -1, axis)
    e, total = _softmax_last(x)
    with np.errstate(invalid="ignore"):
        e /= total[..., None]
    return np.moveaxis(e, -1, axis)


def _logits(logits: ArrayLike) -> F64:
    """Validated ``(K,)`` or ``(N, K)`` float64 logits (not copied if already float64)."""
    return np.asarray(_real_array(logits, "logits", (1, 2)), dtype=np.float64)


def predictions(logits: ArrayLike) -> I64:
    """Predicted class: argmax over the last axis, the first maximum wins.

    NaN logits are ignored (treated as ``-inf``); a row that is all NaN/-inf
    therefore predicts class 0. ``(K,)`` -> 0-d array, ``(N, K)`` -> ``(N,)``.
    """
    x = _logits(logits)
    if x.shape[-1] == 0:
        raise ValueError("logits have no classes")
    return np.argmax(np.where(np.isnan(x), -np.inf, x), axis=-1).astype(np.int64)


def confidence(logits: ArrayLike) -> F64:
    """Softmax probability of the predicted class (see :func:`predictions`).

    Equals ``1 / S`` (the predicted logit is the maximum, so its exponential
    is exactly 1). NaN for rows whose softmax is NaN (any NaN or +inf logit,
    or all -inf). ``(K,)`` -> 0-d array, ``(N, K)`` -> ``(N,)``.
    """
    x = _logits(logits)
    if x.shape[-1] == 0:
        raise ValueError("logits have no classes")
    _, total = _softmax_last(x.copy())
    with np.errstate(invalid="ignore", divide="ignore"):
        return 1.0 / total


# Up to this k, top_predictions selects by repeated argmax instead of a full sort.
_ARGMAX_MAX_K = 16


def top_predictions(logits: ArrayLike, k: int = 5) -> tuple[I64, F64]:
    """The ``k`` most probable classes and their softmax probabilities.

    Sorted by probability descending, ties broken by lower class index (a NaN
    softmax row keeps index order). ``k`` is capped at the number of classes.
    ``(K,)`` -> ``(k,)`` arrays; ``(N, K)`` -> ``(N, k)`` arrays.
    """
    if k < 0:
        raise ValueError(f"k must be >= 0, got {k}")
    p = softmax(_logits(logits), axis=-1)
    k = min(k, p.shape[-1])
    if k > _ARGMAX_MAX_K:
        order = np.argsort(-p, axis=-1, kind="stable")[..., :k].astype(np.int64)
        return order, np.take_along_axis(p, order, axis=-1)
    # Repeated argmax: the first maximum (lowest index) wins, so ties go to the
    # lower index; a NaN row is all NaN and argmax takes its first NaN each time.
    flat = p.reshape(-1, p.shape[-1])
    rows = np.arange(flat.shape[0])
    idx = np.empty((flat.shape[0], k), dtype=np.int64)
    val = np.empty((flat.shape[0], k), dtype=np.float64)
    for j in range(k):
        pick = np.argmax(flat, axis=-1)
        idx[:, j] = pick
        val[:, j] = flat[rows, pick]
        flat[rows, pick] = -np.inf
    shape = p.shape[:-1] + (k,)
    return idx.reshape(shape), val.reshape(shape)


# --------------------------------------------------------------------------
# Accuracy and confusion
# --------------------------------------------------------------------------


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
    lab = _class_labels(lab, num_classes)
    counts = np.bincount(lab, minlength=num_classes)
    correct = np.bincount(lab[lab == pre], minlength=num_classes)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(counts > 0, correct / np.maximum(counts, 1), np.nan)


def confusion_matrix(labels: ArrayLike, preds: ArrayLike, num_classes: int) -> I64:
    """``M[t, p]`` = number of images of true class ``t`` predicted ``p``, int64 ``(C, C)``.

    Both ``labels`` and ``preds`` must lie in ``[0, C)``.
    """
    lab, pre = _pair(labels, preds)
    lab = _class_labels(lab, num_classes)
    pre = _class_labels(pre, num_classes, "preds")
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
    cf = _real_array(conf, "conf", 1).astype(np.float64)
    if cf.shape != mask.shape:
        raise ValueError(f"conf has shape {cf.shape}, expected {mask.shape}")
    idx = np.flatnonzero(mask)
    order = _rank_desc_nan_last(cf[idx])
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


# --------------------------------------------------------------------------
# Rankings
# --------------------------------------------------------------------------


def top_units(acts_row_or_rows: ArrayLike, n: int = 25) -> tuple[I64, F64]:
    """The ``n`` most active units of one image or of a set of images.

    ``(U,)``: that image's activations. ``(M, U)``: the per-unit mean over the
    ``M`` rows (sequential float64 sum / M; NaN/inf propagate; ``M == 0``
    gives all NaN). Units are ranked by value descending, ties by lower index;
    NaN units are excluded (+/-inf are kept). Returns ``(indices, values)``
    with at most ``n`` entries.
    """
    if n < 0:
        raise ValueError(f"n must be >= 0, got {n}")
    arr = _real_array(acts_row_or_rows, "acts", (1, 2))
    if arr.ndim == 1:
        values = arr.astype(np.float64)
    elif arr.shape[0] == 0:
        values = np.full(arr.shape[1], np.nan)
    else:
        values = _seq_sum_rows(arr) / arr.shape[0]
    idx = _rank_desc(values, ~np.isnan(values))[:n]
    return idx, values[idx]


def top_images(column: ArrayLike, k: int = 100) -> tuple[I64, F64]:
    """The ``k`` images that excite one unit most.

    ``column``: ``(N,)`` activations of one unit. Images whose activation is
    NaN, +/-inf or exactly zero (either sign) are left out, as in the original
    viewer. Sorted by activation descending, ties by lower image index.
    Returns ``(indices, float64 values)`` with at most ``k`` entries.
    """
    if k < 0:
        raise ValueError(f"k must be >= 0, got {k}")
    values = _real_array(column, "column", 1).astype(np.float64)
    idx = _rank_desc(values, np.isfinite(values) & (values != 0))[:k]
    return idx, values[idx]


def top_classes(class_means_column: ArrayLike, n: int = 5) -> tuple[I64, F64]:
    """The ``n`` classes with the highest mean activation for one unit.

    ``class_means_column``: ``(C,)``, e.g. ``class_means(...)[:, unit]``.
    NaN (empty classes) excluded; descending, ties by lower class index.
    Returns ``(classes, values)``.
    """
    if n < 0:
        raise ValueError(f"n must be >= 0, got {n}")
    values = _real_array(class_means_column, "class_means_column", 1).astype(np.float64)
    idx = _rank_desc(values, ~np.isnan(values))[:n]
    return idx, values[idx]


def most_shifted_units(
    spurious: ArrayLike,
    novelty: ArrayLike,
    by: Literal["spurious", "novelty"] = "spurious",
    n: int | None = None,
) -> I64:
    """Unit indices ranked by the chosen score, descending.

    NaN scores come last (in index order); ties by lower index. ``n`` keeps
    the first ``n`` (``None``: all units). Returns int64 indices.
    """
    s = _real_array(spurious, "spurious", 1).astype(np.float64)
    v = _real_array(novelty, "novelty", 1).astype(np.float64)
    if s.shape != v.shape:
        raise ValueError(f"spurious and novelty differ in shape: {s.shape} vs {v.shape}")
    if by == "spurious":
        score = s
    elif by == "novelty":
        score = v
    else:
        raise ValueError(f"by must be 'spurious' or 'novelty', got {by!r}")
    if n is not None and n < 0:
        raise ValueError(f"n must be >= 0, got {n}")
    return _rank_desc_nan_last(score)[:n]


# --------------------------------------------------------------------------
# Distributions
# --------------------------------------------------------------------------


def histogram(column: ArrayLike, bins: int = 64) -> tuple[I64, float, float]:
    """Histogram of the finite values of one unit over their own range.

    Let ``x`` be the finite values (as float64), ``lo = min(x)``,
    ``hi = max(x)``. Each value goes to bin
    ``min(floor(((v - lo) / (hi - lo)) * bins), bins - 1)`` (evaluated in
    exactly that order, in float64), so ``hi`` lands in the last bin; if
    ``hi == lo`` every value is in bin 0. NaN and +/-inf are not counted.
    Returns ``(counts (bins,) int64, lo, hi)``; with no finite value the
    counts are all zero and ``lo = hi = NaN``. If ``hi - lo`` overflows to
    inf (float64 inputs beyond about 1e307), the same formula is applied to
    halved numbers: ``((v/2 - lo/2) / (hi/2 - lo/2)) * bins``.
    """
    if bins < 1:
        raise ValueError(f"bins must be >= 1, got {bins}")
    values = _real_array(column, "column", 1).astype(np.float64)
    x = values[np.isfinite(values)]
    if x.size == 0:
        return np.zeros(bins, dtype=np.int64), math.nan, math.nan
    lo, hi = float(x.min()), float(x.max())
    if hi == lo:
        idx = np.zeros(x.size, dtype=np.int64)
    else:
        v, a, b = (x, lo, hi) if math.isfinite(hi - lo) else (x / 2, lo / 2, hi / 2)
        idx = np.floor(((v - a) / (b - a)) * bins).astype(np.int64)
        np.minimum(idx, bins - 1, out=idx)
    return np.bincount(idx, minlength=bins).astype(np.int64), lo, hi


def density(scores: ArrayLike, grid: ArrayLike) -> F64:
    """Gaussian kernel density estimate of ``scores`` evaluated at ``grid``.

    ``x`` = the finite scores (NaN/inf dropped), ``n = len(x)``;
    ``mean = sum(x) / n``, ``std = sqrt(sum((x - mean)**2) / (n - 1))``,
    bandwidth (Scott) ``h = std * n**(-1/5)``. For each grid point ``g``:
    ``f(g) = sum_i exp(-0.5 * z_i * z_i) / ((n * h) * sqrt(2 * pi))`` with
    ``z_i = (g - x_i) / h``; all sums sequential over ``i`` in input order.
    Same as ``scipy.stats.gaussian_kde(x)(grid)``. Returns zeros (grid shape)
    if ``n < 2`` or ``h`` is zero or not finite.
    """
    s = _real_array(scores, "scores", (0, 1)).astype(np.float64).reshape(-1)
    g = _real_array(grid, "grid", (0, 1)).astype(np.float64)
    shape = g.shape
    g = g.reshape(-1)
    x = s[np.isfinite(s)]
    n = x.size
    if n < 2:
        return np.zeros(shape)
    with np.errstate(over="ignore", invalid="ignore"):
        mean = _seq_sum_1d(x) / n
        dev = x - mean
        std = math.sqrt(_seq_sum_1d(dev * dev) / (n - 1))
        h = std * n ** (-1.0 / 5.0)
    if not (math.isfinite(h) and h > 0):
        return np.zeros(shape)
    acc = np.zeros(g.size, dtype=np.float64)
    step = _rows_per_block(g.size)
    for start in range(0, n, step):
        # (G, b): one row per grid point, summed along the contiguous last axis.
        with np.errstate(over="ignore", invalid="ignore"):
            z = (g[:, None] - x[None, start : start + step]) / h
            terms = np.exp(-0.5 * z * z)
        terms[:, 0] += acc
        acc = _seq_sum_last(terms)
    return (acc / ((n * h) * _SQRT_2PI)).reshape(shape)

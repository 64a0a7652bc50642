"""Softmax, predictions, confidence and top predictions (twin of viewer/src/analysis/softmax.ts)."""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from ..errors import UsageError
from ._arrays import F64, I64, real_array, seq_sum_last


def _softmax_last(x: F64) -> tuple[F64, F64]:
    """In place on a float64 array: ``x := exp(x - max)``; returns ``(x, S)``.

    ``S`` is the sequential sum of the exponentials over the last axis.
    """
    with np.errstate(invalid="ignore"):
        x -= x.max(axis=-1, keepdims=True)  # max is NaN if any NaN
        np.exp(x, out=x)
    return x, seq_sum_last(x)


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
        raise UsageError(f"logits must be a real array with ndim >= 1, got {arr.dtype} {arr.shape}")
    x = np.moveaxis(arr.astype(np.float64), axis, -1)
    if x.shape[-1] == 0:
        return np.moveaxis(x, -1, axis)
    e, total = _softmax_last(x)
    with np.errstate(invalid="ignore"):
        e /= total[..., None]
    return np.moveaxis(e, -1, axis)


def _logits(logits: ArrayLike) -> F64:
    """Validated ``(K,)`` or ``(N, K)`` float64 logits (not copied if already float64)."""
    return np.asarray(real_array(logits, "logits", (1, 2)), dtype=np.float64)


def predictions(logits: ArrayLike) -> I64:
    """Predicted class: argmax over the last axis, the first maximum wins.

    NaN logits are ignored (treated as ``-inf``); a row that is all NaN/-inf
    therefore predicts class 0. ``(K,)`` -> 0-d array, ``(N, K)`` -> ``(N,)``.
    """
    x = _logits(logits)
    if x.shape[-1] == 0:
        raise UsageError("logits have no classes")
    best: I64 = np.argmax(np.where(np.isnan(x), -np.inf, x), axis=-1).astype(np.int64)
    return best


def confidence(logits: ArrayLike) -> F64:
    """Softmax probability of the predicted class (see :func:`predictions`).

    Equals ``1 / S`` (the predicted logit is the maximum, so its exponential
    is exactly 1). NaN for rows whose softmax is NaN (any NaN or +inf logit,
    or all -inf). ``(K,)`` -> 0-d array, ``(N, K)`` -> ``(N,)``.
    """
    x = _logits(logits)
    if x.shape[-1] == 0:
        raise UsageError("logits have no classes")
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
        raise UsageError(f"k must be >= 0, got {k}")
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

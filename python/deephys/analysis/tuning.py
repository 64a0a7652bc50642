"""Per-class counts and means, and the category tuning matrix (twin of viewer/src/analysis/tuning.ts)."""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from ..errors import UsageError
from ._arrays import F64, I64, class_labels, real_array, rows_per_block, seq_add_rows
from .normalization import ref_denominator


def class_counts(labels: ArrayLike, num_classes: int) -> I64:
    """Number of images per class, ``(C,)`` int64."""
    lab = class_labels(labels, num_classes)
    return np.bincount(lab, minlength=num_classes).astype(np.int64)


def class_means(acts: ArrayLike, labels: ArrayLike, num_classes: int) -> F64:
    """Plain per-class mean of raw activations, ``(C, U)`` float64.

    ``M[c, n] = (sum of float64(acts[i, n]) over images i with labels[i] == c,
    accumulated sequentially in ascending i) / count_c``.
    NaN/inf propagate exactly as in a plain sum (``inf + -inf = NaN``).
    A class with no images gets a row of NaN.
    """
    arr = real_array(acts, "acts", 2)
    lab = class_labels(labels, num_classes)
    if lab.shape[0] != arr.shape[0]:
        raise UsageError(f"acts has {arr.shape[0]} rows but labels has {lab.shape[0]}")
    width = arr.shape[1]
    counts = np.bincount(lab, minlength=num_classes)
    order = np.argsort(lab, kind="stable")  # images grouped by class, ascending index
    ends = np.cumsum(counts)
    out = np.full((num_classes, width), np.nan)
    rows = rows_per_block(width)
    for c in np.flatnonzero(counts):
        members = order[ends[c] - counts[c] : ends[c]]
        acc = np.zeros(width, dtype=np.float64)
        for start in range(0, members.size, rows):
            seq_add_rows(acc, arr[members[start : start + rows]])
        out[c] = acc / counts[c]
    return out


def tuning_matrix(acts: ArrayLike, labels: ArrayLike, num_classes: int, ref_max: ArrayLike) -> F64:
    """Category tuning matrix ``T[c, n]``, ``(C, U)`` float64.

    Defined as ``class_means(acts, labels, C)[c, n] / ref_max[n]`` (the mean of
    normalised activations, with one division per entry), with the
    :func:`normalize` guard: units whose ``ref_max`` is not finite or ``<= 0``
    are NaN columns. Empty classes are NaN rows.
    """
    den = ref_denominator(ref_max)
    means = class_means(acts, labels, num_classes)
    if means.shape[1] != den.shape[0]:
        raise UsageError(f"acts has {means.shape[1]} units but ref_max has {den.shape[0]}")
    return means / den

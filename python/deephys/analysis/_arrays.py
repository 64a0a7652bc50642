"""Shared input checks and strictly sequential float64 sums (private to deephys.analysis).

Every sum in the package goes through these helpers, so a plain
``for i in 0..n-1: s += x[i]`` loop in another language (the viewer's
``viewer/src/analysis/``) reproduces it bit for bit. Large inputs are processed
in row blocks of about ``_BLOCK_ELEMENTS`` float64 values; blocking never
changes a bit.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ..errors import UsageError, WrongTypeError

F64 = NDArray[np.float64]
I64 = NDArray[np.int64]

# Target size (elements) of float64 temporaries in blocked loops (32 MiB).
_BLOCK_ELEMENTS = 1 << 22


def real_array(x: ArrayLike, name: str, ndim: int | tuple[int, ...]) -> NDArray[np.generic]:
    """``x`` as an array of a real numeric dtype with the allowed ``ndim``."""
    arr = np.asarray(x)
    if arr.dtype.kind not in "biuf":
        raise WrongTypeError(f"{name} must be real numbers, got dtype {arr.dtype}")
    allowed = (ndim,) if isinstance(ndim, int) else ndim
    if arr.ndim not in allowed:
        raise UsageError(f"{name} must have ndim in {allowed}, got shape {arr.shape}")
    return arr


def int_array(x: ArrayLike, name: str) -> I64:
    """``x`` as a 1-D int64 array (integer or bool dtype only)."""
    arr = np.asarray(x)
    if arr.ndim != 1:
        raise UsageError(f"{name} must be 1-D, got shape {arr.shape}")
    if arr.size and arr.dtype.kind not in "biu":
        raise WrongTypeError(f"{name} must be integers, got dtype {arr.dtype}")
    return arr.astype(np.int64, copy=False)


def class_labels(labels: ArrayLike, num_classes: int, name: str = "labels") -> I64:
    """Validate integer labels in ``[0, num_classes)``."""
    if num_classes < 0:
        raise UsageError(f"num_classes must be >= 0, got {num_classes}")
    arr = int_array(labels, name)
    if arr.size and (arr.min() < 0 or arr.max() >= num_classes):
        raise UsageError(f"{name} must lie in [0, {num_classes})")
    return arr


def rows_per_block(width: int) -> int:
    return max(1, _BLOCK_ELEMENTS // max(1, width))


# Below this width, rows are summed with np.add.accumulate (vectorised down a
# column); at or above it, with a loop over rows (vectorised along the row,
# cache friendly). Both are strictly sequential; only speed differs.
_LOOP_MIN_WIDTH = 16


def seq_add_rows(acc: F64, x: NDArray[np.generic]) -> None:
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
        step = rows_per_block(x.shape[1])
        for start in range(0, x.shape[0], step):
            blk = x[start : start + step].astype(np.float64)
            blk[0] = acc + blk[0]
            acc[:] = np.add.accumulate(blk, axis=0)[-1]


def seq_sum_rows(x: NDArray[np.generic]) -> F64:
    """Sequential float64 sum over axis 0 of a 2-D array."""
    acc = np.zeros(x.shape[1], dtype=np.float64)
    seq_add_rows(acc, x)
    return acc


def seq_sum_1d(x: F64) -> float:
    """Sequential sum of a 1-D float64 array (0.0 when empty)."""
    return float(np.add.accumulate(x)[-1]) if x.size else 0.0


def seq_sum_last(x: F64) -> F64:
    """Sequential sum over the last axis (float64 input), in row blocks."""
    width = x.shape[-1]
    if width == 0:
        return np.zeros(x.shape[:-1], dtype=np.float64)
    flat = x.reshape(-1, width)
    out = np.empty(flat.shape[0], dtype=np.float64)
    step = rows_per_block(width)
    for start in range(0, flat.shape[0], step):
        out[start : start + step] = np.add.accumulate(flat[start : start + step], axis=-1)[:, -1]
    return out.reshape(x.shape[:-1])

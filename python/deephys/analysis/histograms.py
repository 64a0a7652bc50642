"""Per-unit histogram over the range of its finite values (twin of viewer/src/analysis/histogram.ts)."""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import ArrayLike

from ..errors import UsageError
from ._arrays import I64, real_array


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
        raise UsageError(f"bins must be >= 1, got {bins}")
    values = real_array(column, "column", 1).astype(np.float64)
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

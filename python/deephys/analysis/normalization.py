"""Reference maxima and normalised activations (twin of viewer/src/analysis/normalize.ts)."""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from ..errors import UsageError
from ._arrays import F64, real_array, rows_per_block


def ref_denominator(ref_max: ArrayLike) -> F64:
    """``ref_max`` as float64 with dead units (not finite or <= 0) set to NaN."""
    ref = real_array(ref_max, "ref_max", 1).astype(np.float64)
    ok = np.isfinite(ref) & (ref > 0)
    return np.where(ok, ref, np.nan)


def reference_max(acts: ArrayLike) -> F64:
    """Per-unit maximum over the *finite* activations of a reference dataset.

    ``acts``: ``(N, U)``. Returns ``(U,)`` float64: ``max{acts[i, n] : finite}``.
    NaN and +/-inf are ignored; a unit with no finite value (including
    ``N == 0``) gets NaN. Computed in row blocks, so memory stays small for
    50,000 x 2,048 inputs.
    """
    arr = real_array(acts, "acts", 2)
    width = arr.shape[1]
    best = np.full(width, -np.inf)
    step = rows_per_block(width)
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
    arr = real_array(acts, "acts", (1, 2))
    den = ref_denominator(ref_max)
    if arr.shape[-1] != den.shape[0]:
        raise UsageError(f"acts has {arr.shape[-1]} units but ref_max has {den.shape[0]}")
    out = arr.astype(np.float64)
    out /= den
    return out

"""Rankings: top units, images and classes, and most shifted units.

Twin of viewer/src/analysis/ranking.ts.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ..errors import UsageError
from ._arrays import F64, I64, real_array, seq_sum_rows


def _rank_desc(values: F64, keep: NDArray[np.bool_]) -> I64:
    """Indices of ``values[keep]`` by value descending, ties by lower index."""
    idx = np.flatnonzero(keep)
    # Stable ascending sort of the negated values == descending, ties by index.
    order = np.argsort(-values[idx], kind="stable")
    return idx[order].astype(np.int64)


def rank_desc_nan_last(values: F64) -> I64:
    """All indices by value descending, NaN last; ties (and NaNs) by index."""
    nan = np.isnan(values)
    key = np.where(nan, 0.0, -values)
    # np.lexsort: last key is primary; the sort is stable, so ties keep index order.
    return np.lexsort((key, nan)).astype(np.int64)


def top_units(acts_row_or_rows: ArrayLike, n: int = 25) -> tuple[I64, F64]:
    """The ``n`` most active units of one image or of a set of images.

    ``(U,)``: that image's activations. ``(M, U)``: the per-unit mean over the
    ``M`` rows (sequential float64 sum / M; NaN/inf propagate; ``M == 0``
    gives all NaN). Units are ranked by value descending, ties by lower index;
    NaN units are excluded (+/-inf are kept). Returns ``(indices, values)``
    with at most ``n`` entries.
    """
    if n < 0:
        raise UsageError(f"n must be >= 0, got {n}")
    arr = real_array(acts_row_or_rows, "acts", (1, 2))
    if arr.ndim == 1:
        values = arr.astype(np.float64)
    elif arr.shape[0] == 0:
        values = np.full(arr.shape[1], np.nan)
    else:
        values = seq_sum_rows(arr) / arr.shape[0]
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
        raise UsageError(f"k must be >= 0, got {k}")
    values = real_array(column, "column", 1).astype(np.float64)
    idx = _rank_desc(values, np.isfinite(values) & (values != 0))[:k]
    return idx, values[idx]


def top_classes(class_means_column: ArrayLike, n: int = 5) -> tuple[I64, F64]:
    """The ``n`` classes with the highest mean activation for one unit.

    ``class_means_column``: ``(C,)``, e.g. ``class_means(...)[:, unit]``.
    NaN (empty classes) excluded; descending, ties by lower class index.
    Returns ``(classes, values)``.
    """
    if n < 0:
        raise UsageError(f"n must be >= 0, got {n}")
    values = real_array(class_means_column, "class_means_column", 1).astype(np.float64)
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
    s = real_array(spurious, "spurious", 1).astype(np.float64)
    v = real_array(novelty, "novelty", 1).astype(np.float64)
    if s.shape != v.shape:
        raise UsageError(f"spurious and novelty differ in shape: {s.shape} vs {v.shape}")
    if by == "spurious":
        score = s
    elif by == "novelty":
        score = v
    else:
        raise UsageError(f"by must be 'spurious' or 'novelty', got {by!r}")
    if n is not None and n < 0:
        raise UsageError(f"n must be >= 0, got {n}")
    return rank_desc_nan_last(score)[:n]

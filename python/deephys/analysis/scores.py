"""Shift scores between two tuning matrices: Spearman, spurious and novelty.

Twin of viewer/src/analysis/scores.ts.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from ..errors import UsageError
from ._arrays import F64, real_array


def _average_ranks(x: F64) -> F64:
    """1-based average ranks down each column; NaN entries get NaN.

    Ties (equal values, compared numerically) share the mean of the ranks they
    span. NaN entries are not ranked (they sort after every number).
    """
    # Worked on the transpose, one contiguous row per column: sorting along rows is several times faster.
    rows_first = np.ascontiguousarray(x.T)
    count = rows_first.shape[1]
    # NaN sorts last. Not a stable sort (five times slower): equal values share one average rank whatever
    # their order.
    order = np.argsort(rows_first, axis=1)
    s = np.take_along_axis(rows_first, order, axis=1)
    ranks = np.empty(rows_first.shape, dtype=np.float64)
    # Rank i + 1 at sorted position i, then the ties (rare in real data) share their average rank.
    np.put_along_axis(ranks, order, np.arange(1.0, count + 1.0), axis=1)
    equal = s[:, 1:] == s[:, :-1]
    tied = np.flatnonzero(equal.any(axis=1))
    if tied.size:
        first = np.ones((tied.size, count), dtype=bool)
        first[:, 1:] = ~equal[tied]
        last = np.ones((tied.size, count), dtype=bool)
        last[:, :-1] = first[:, 1:]
        pos = np.arange(count)
        start = np.maximum.accumulate(np.where(first, pos, 0), axis=1)
        end = np.minimum.accumulate(np.where(last, pos, count)[:, ::-1], axis=1)[:, ::-1]
        tied_ranks = ranks[tied]
        np.put_along_axis(tied_ranks, order[tied], (start + end) / 2.0 + 1.0, axis=1)
        ranks[tied] = tied_ranks
    ranks = ranks.T
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
    x = real_array(a, "a", 2).astype(np.float64)
    y = real_array(b, "b", 2).astype(np.float64)
    if x.shape != y.shape:
        raise UsageError(f"a and b differ in shape: {x.shape} vs {y.shape}")
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
    x = real_array(t_id, "t_id", 2).astype(np.float64)
    y = real_array(t_ood, "t_ood", 2).astype(np.float64)
    if x.shape[1] != y.shape[1]:
        raise UsageError(f"t_id has {x.shape[1]} units but t_ood has {y.shape[1]}")
    with np.errstate(invalid="ignore"):
        return _nanmax_columns(x) - _nanmax_columns(y)

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
    # Runs of equal neighbours in the sorted rows: each run of positions [j0, j1] shares (j0 + j1) / 2 + 1.
    row, col = np.nonzero(s[:, 1:] == s[:, :-1])  # s[row, col] == s[row, col + 1]
    if row.size:
        new = np.ones(row.size, dtype=bool)
        new[1:] = (row[1:] != row[:-1]) | (col[1:] != col[:-1] + 1)
        last = np.ones(row.size, dtype=bool)
        last[:-1] = new[1:]
        first_pos, last_pos = col[new], col[last] + 1
        members = last_pos - first_pos + 1
        offsets = np.arange(members.sum()) - np.repeat(np.cumsum(members) - members, members)
        member_row = np.repeat(row[new], members)
        member_pos = np.repeat(first_pos, members) + offsets
        ranks[member_row, order[member_row, member_pos]] = np.repeat((first_pos + last_pos) / 2.0 + 1.0, members)
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
    return _spearman(x, y, None)


def _spearman(x: F64, y: F64, x_ranks: F64 | None) -> F64:
    """`spearman_columns` of float64 copies (changed in place); `x_ranks`: the ranks of `x` as it is,
    used when no row of `x` is dropped (`y` is NaN only where `x` is)."""
    if x.shape != y.shape:
        raise UsageError(f"a and b differ in shape: {x.shape} vs {y.shape}")
    x_nan, y_nan = np.isnan(x), np.isnan(y)
    valid = ~(x_nan | y_nan)
    if x_ranks is None or (y_nan & ~x_nan).any():
        x[~valid] = np.nan
        x_ranks = _average_ranks(x)
    y[~valid] = np.nan
    k = valid.sum(axis=0)
    centre = (k + 1) / 2.0
    dx = np.where(valid, x_ranks - centre, 0.0)
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


class ShiftReference:
    """The reference tuning matrix of many shift-score comparisons (one layer, several shifts), ranked once:
    `spurious(t_ood)` and `novelty(t_ood)` equal `spurious_scores(t_id, t_ood)` and `novelty_scores(t_id, t_ood)`."""

    def __init__(self, t_id: ArrayLike):
        self.tuning = real_array(t_id, "t_id", 2).astype(np.float64)
        self.ranks = _average_ranks(self.tuning.copy())

    def spurious(self, t_ood: ArrayLike) -> F64:
        y = real_array(t_ood, "t_ood", 2).astype(np.float64)
        return 1.0 - np.abs(_spearman(self.tuning.copy(), y, self.ranks))

    def novelty(self, t_ood: ArrayLike) -> F64:
        return novelty_scores(self.tuning, t_ood)

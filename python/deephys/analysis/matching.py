"""Matching the units of two models recorded on the same images: correlations, best matches, one-to-one.

Twin of viewer/src/analysis/matching.ts (`unit_correlations` and `best_matches`; the one-to-one
assignment needs scipy and has no twin). Correlations are Pearson's, over the images both models saw,
accumulated chunk by chunk so that memory grows with units_a x units_b, never with the images.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from ..errors import UsageError
from ._arrays import F64, I64, real_array


class CorrelationAccumulator:
    """Pearson correlations of every unit of A with every unit of B, fed rows in any number of chunks.

    Sums are taken around a shift (the first chunk's means), which keeps float64 accurate for activations
    far from zero. `result()` is ``(units_a, units_b)``; NaN for a unit that is constant (dead) on the
    images seen, or when fewer than 2 images were seen.
    """

    def __init__(self, units_a: int, units_b: int):
        self.n = 0
        self._shift_a: F64 | None = None
        self._shift_b: F64 | None = None
        self._sum_a, self._sum_b = np.zeros(units_a), np.zeros(units_b)
        self._sq_a, self._sq_b = np.zeros(units_a), np.zeros(units_b)
        self._cross = np.zeros((units_a, units_b))

    def add(self, acts_a: ArrayLike, acts_b: ArrayLike) -> None:
        a = real_array(acts_a, "acts_a", 2).astype(np.float64)
        b = real_array(acts_b, "acts_b", 2).astype(np.float64)
        if a.shape[0] != b.shape[0] or a.shape[1] != self._sum_a.size or b.shape[1] != self._sum_b.size:
            raise UsageError(
                f"chunks of {a.shape} and {b.shape} do not fit ({self._sum_a.size} and {self._sum_b.size} units, "
                "the same images)"
            )
        if a.shape[0] == 0:
            return
        if self._shift_a is None or self._shift_b is None:
            self._shift_a, self._shift_b = a.mean(axis=0), b.mean(axis=0)
        a -= self._shift_a
        b -= self._shift_b
        self.n += a.shape[0]
        self._sum_a += a.sum(axis=0)
        self._sum_b += b.sum(axis=0)
        self._sq_a += (a * a).sum(axis=0)
        self._sq_b += (b * b).sum(axis=0)
        self._cross += a.T @ b

    def result(self) -> F64:
        n = self.n
        if n < 2:
            return np.full(self._cross.shape, np.nan)
        var_a = self._sq_a - self._sum_a**2 / n
        var_b = self._sq_b - self._sum_b**2 / n
        cov = self._cross - np.outer(self._sum_a, self._sum_b) / n
        # A unit whose variance is lost in rounding is constant: its correlation is undefined.
        dead_a = var_a <= 1e-12 * np.maximum(self._sq_a, 1e-300)
        dead_b = var_b <= 1e-12 * np.maximum(self._sq_b, 1e-300)
        with np.errstate(divide="ignore", invalid="ignore"):
            corr = cov / np.sqrt(np.outer(var_a, var_b))
        corr[dead_a, :] = np.nan
        corr[:, dead_b] = np.nan
        result: F64 = np.clip(corr, -1.0, 1.0)
        return result


def unit_correlations(acts_a: ArrayLike, acts_b: ArrayLike) -> F64:
    """Pearson correlation of each unit of ``acts_a`` ``(N, Ua)`` with each of ``acts_b`` ``(N, Ub)``."""
    a = real_array(acts_a, "acts_a", 2)
    b = real_array(acts_b, "acts_b", 2)
    accumulator = CorrelationAccumulator(a.shape[1], b.shape[1])
    accumulator.add(a, b)
    return accumulator.result()


def best_matches(correlations: ArrayLike) -> tuple[I64, F64]:
    """Each A unit's best B unit (highest correlation, ties by lower index) and that correlation.

    A unit whose correlations are all NaN gets index -1 and NaN."""
    corr = real_array(correlations, "correlations", 2).astype(np.float64)
    if corr.shape[1] == 0:
        return np.full(corr.shape[0], -1, np.int64), np.full(corr.shape[0], np.nan)
    defined = ~np.isnan(corr)
    best = np.argmax(np.where(defined, corr, -np.inf), axis=1).astype(np.int64)
    value = corr[np.arange(corr.shape[0]), best]
    none = ~defined.any(axis=1)
    best[none] = -1
    value[none] = np.nan
    return best, value


@dataclass(frozen=True)
class Matching:
    """The one-to-one matching of A's units with B's that maximises the total correlation.

    ``partner[i]``: the B unit matched to A unit ``i`` (-1 when unmatched: more A units than B units, or
    none defined), ``correlation[i]`` its correlation. Units whose match is below the threshold are
    "unique" to their model: ``unique_a`` and ``unique_b`` list them."""

    partner: I64
    correlation: F64
    unique_a: I64
    unique_b: I64


def one_to_one(correlations: ArrayLike, threshold: float = 0.5) -> Matching:
    """Hungarian matching (`scipy.optimize.linear_sum_assignment`) on the correlations; NaN counts as -1."""
    try:
        from scipy.optimize import linear_sum_assignment
    except ImportError:
        raise UsageError("the one-to-one matching needs scipy: pip install 'deephys[compare]'") from None
    corr = real_array(correlations, "correlations", 2).astype(np.float64)
    rows, cols = linear_sum_assignment(np.where(np.isnan(corr), -1.0, corr), maximize=True)
    partner = np.full(corr.shape[0], -1, np.int64)
    value = np.full(corr.shape[0], np.nan)
    partner[rows] = cols
    value[rows] = corr[rows, cols]
    matched_a = ~np.isnan(value) & (value >= threshold)
    matched_b = np.zeros(corr.shape[1], dtype=bool)
    matched_b[partner[matched_a]] = True
    return Matching(
        partner, value, np.flatnonzero(~matched_a).astype(np.int64), np.flatnonzero(~matched_b).astype(np.int64)
    )

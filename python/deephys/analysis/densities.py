"""Gaussian kernel density estimates of a score distribution (twin of viewer/src/analysis/density.ts)."""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import ArrayLike

from ..errors import UsageError
from ._arrays import F64, real_array, rows_per_block, seq_sum_1d, seq_sum_last

_SQRT_2PI = math.sqrt(2.0 * math.pi)


def _scott(x: F64) -> float:
    """Scott's bandwidth of ``x``: ``std(ddof=1) * n**(-1/5)``, sums sequential; NaN for fewer than 2 values."""
    n = x.size
    if n < 2:
        return math.nan
    with np.errstate(over="ignore", invalid="ignore"):
        mean = seq_sum_1d(x) / n
        dev = x - mean
        std = math.sqrt(seq_sum_1d(dev * dev) / (n - 1))
        return float(std * n ** (-1.0 / 5.0))


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
    s = real_array(scores, "scores", (0, 1)).astype(np.float64).reshape(-1)
    g = real_array(grid, "grid", (0, 1)).astype(np.float64)
    shape = g.shape
    g = g.reshape(-1)
    x = s[np.isfinite(s)]
    n = x.size
    h = _scott(x)
    if not (math.isfinite(h) and h > 0):
        return np.zeros(shape)
    acc = np.zeros(g.size, dtype=np.float64)
    step = rows_per_block(g.size)
    for start in range(0, n, step):
        # (G, b): one row per grid point, summed along the contiguous last axis.
        with np.errstate(over="ignore", invalid="ignore"):
            z = (g[:, None] - x[None, start : start + step]) / h
            terms = np.exp(-0.5 * z * z)
        terms[:, 0] += acc
        acc = seq_sum_last(terms)
    density: F64 = (acc / ((n * h) * _SQRT_2PI)).reshape(shape)
    return density


def bounded_density(scores: ArrayLike, grid: ArrayLike, lo: float, hi: float) -> F64:
    """Density of scores that lie in ``[lo, hi]`` (e.g. spurious scores in ``[0, 1]``), drawn within it.

    The Gaussian kernel estimate reflected at both bounds, so that no mass leaks outside the score's
    domain. ``x`` = the finite scores within ``[lo, hi]``, ``n = len(x)``, ``h`` = Scott's bandwidth of
    ``x`` (as :func:`density`). For each grid point ``g`` in ``[lo, hi]``:
    ``f(g) = sum_i (k(g - x_i) + k(g - (2*lo - x_i)) + k(g - (2*hi - x_i))) / ((n * h) * sqrt(2 * pi))``
    with ``k(d) = exp(-0.5 * z * z)``, ``z = d / h``; the three terms added in that order, then summed
    sequentially over ``i`` in input order. ``f(g) = 0`` outside ``[lo, hi]``. Returns zeros (grid
    shape) if ``n < 2`` or ``h`` is zero or not finite.
    """
    if not lo < hi:
        raise UsageError(f"bounds must satisfy lo < hi, got {lo} and {hi}")
    s = real_array(scores, "scores", (0, 1)).astype(np.float64).reshape(-1)
    g = real_array(grid, "grid", (0, 1)).astype(np.float64)
    shape = g.shape
    g = g.reshape(-1)
    with np.errstate(invalid="ignore"):
        x = s[np.isfinite(s) & (s >= lo) & (s <= hi)]
    n = x.size
    h = _scott(x)
    if not (math.isfinite(h) and h > 0):
        return np.zeros(shape)
    inside = (g >= lo) & (g <= hi)
    gi = g[inside]
    acc = np.zeros(gi.size, dtype=np.float64)
    step = rows_per_block(3 * gi.size)
    for start in range(0, n, step):
        xb = x[None, start : start + step]
        with np.errstate(over="ignore", invalid="ignore"):
            z0 = (gi[:, None] - xb) / h
            z1 = (gi[:, None] - (2 * lo - xb)) / h
            z2 = (gi[:, None] - (2 * hi - xb)) / h
            terms = np.exp(-0.5 * z0 * z0) + np.exp(-0.5 * z1 * z1) + np.exp(-0.5 * z2 * z2)
        terms[:, 0] += acc
        acc = seq_sum_last(terms)
    out = np.zeros(g.size, dtype=np.float64)
    out[inside] = acc / ((n * h) * _SQRT_2PI)
    density: F64 = out.reshape(shape)
    return density

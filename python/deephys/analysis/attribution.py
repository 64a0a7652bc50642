"""Direct attribution of wrong answers through a linear readout, and fitting a readout from data.

Twin of viewer/src/analysis/attribution.ts (the fit has no twin: the viewer has no linear algebra).

A readout gives ``logits = W a + b``. For images of true class ``t`` predicted as ``p``, unit ``i``
adds ``(W[p, i] - W[t, i]) * a_i`` to the margin of ``p`` over ``t``: its contribution to the wrong
answer. Comparing the shifted images' contributions with the in-distribution images of class ``t``
says which units make the shifted images of ``t`` look like ``p``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from ..errors import UsageError
from ._arrays import F64, I64, real_array, seq_sum_rows
from .ranking import rank_desc_nan_last


def contributions(weights: ArrayLike, acts: ArrayLike, true_class: int, predicted_class: int) -> F64:
    """Mean contribution of each unit to ``p``'s margin over ``t`` on the images ``acts``.

    ``weights``: ``(C, U)``; ``acts``: ``(N, U)`` activations of the readout's input layer. With
    ``d_i = W[p, i] - W[t, i]`` (float64), unit ``i`` gets ``sum_n (d_i * a[n, i]) / N``, the sum
    sequential in image order. ``(U,)`` float64; all NaN when ``N == 0``.
    """
    w = real_array(weights, "weights", 2).astype(np.float64)
    a = real_array(acts, "acts", 2)
    classes, units = w.shape
    if a.shape[1] != units:
        raise UsageError(f"acts has {a.shape[1]} units but weights has {units}")
    for name, c in (("true_class", true_class), ("predicted_class", predicted_class)):
        if not 0 <= c < classes:
            raise UsageError(f"{name} {c} is outside the {classes} classes of the readout")
    if a.shape[0] == 0:
        return np.full(units, np.nan)
    d = w[predicted_class] - w[true_class]
    total: F64 = seq_sum_rows(a.astype(np.float64) * d) / a.shape[0]
    return total


@dataclass(frozen=True)
class Attribution:
    """Units ranked by how much more they push ``p`` above ``t`` on the shifted images than on the
    in-distribution images of ``t``: ``units`` (indices), and for each its ``contribution`` (shifted),
    ``id_contribution`` and their ``difference``."""

    units: I64
    contribution: F64
    id_contribution: F64
    difference: F64


def confusion_attribution(
    weights: ArrayLike,
    cell_acts: ArrayLike,
    id_acts: ArrayLike,
    true_class: int,
    predicted_class: int,
    n: int | None = None,
) -> Attribution:
    """The units behind a confusion cell (true ``t`` predicted as ``p``).

    ``cell_acts``: ``(N, U)`` the cell's images (e.g. the OOD images of ``t`` predicted ``p``);
    ``id_acts``: ``(M, U)`` the in-distribution images of class ``t`` (whatever they were predicted).
    ``difference = contribution - id_contribution``; units ranked by it descending, NaN last, ties
    by lower index (when there are no ID images of ``t``, ``id_contribution`` is NaN and so is
    every difference: the ranking then follows the index). ``n`` keeps the first ``n``.
    """
    shifted = contributions(weights, cell_acts, true_class, predicted_class)
    reference = contributions(weights, id_acts, true_class, predicted_class)
    difference = shifted - reference
    order = rank_desc_nan_last(difference)
    if n is not None:
        if n < 0:
            raise UsageError(f"n must be >= 0, got {n}")
        order = order[:n]
    return Attribution(order, shifted[order], reference[order], difference[order])


@dataclass(frozen=True)
class ReadoutFit:
    """A least-squares readout ``logits ~ acts @ weights.T + bias``, or why there is none.

    ``ok`` when the fit is determined (the activations, with a column of ones, have full column rank on
    the images used) and exact (``residual``, the largest absolute error, at most ``tolerance``, a share
    of the logits' range). Otherwise ``weights`` and ``bias`` are None and ``reason`` says why.
    """

    weights: F64 | None
    bias: F64 | None
    residual: float
    tolerance: float
    images: int
    reason: str

    @property
    def ok(self) -> bool:
        return self.weights is not None


def fit_readout(acts: ArrayLike, logits: ArrayLike, sixteen_bit: bool = False) -> ReadoutFit:
    """Fit ``W`` and ``b`` by least squares in float64, and keep them only where determined and exact.

    ``acts``: ``(N, U)`` of the layer before the classifier; ``logits``: ``(N, C)`` as stored. The fit is
    refused when the images do not determine it (fewer images than ``U + 1``, or rank-deficient
    activations: dead or duplicate units make ``W`` arbitrary) or when it does not reproduce the logits to
    within 1e-3 of their range (1e-2 when ``sixteen_bit``, activations stored in 16 bits).
    """
    a = real_array(acts, "acts", 2).astype(np.float64)
    y = real_array(logits, "logits", 2).astype(np.float64)
    if a.shape[0] != y.shape[0]:
        raise UsageError(f"acts has {a.shape[0]} rows but logits {y.shape[0]}")
    images, units = a.shape
    span = float(np.nanmax(y) - np.nanmin(y)) if y.size else 0.0
    tolerance = (1e-2 if sixteen_bit else 1e-3) * span
    if not (np.isfinite(a).all() and np.isfinite(y).all()):
        return ReadoutFit(None, None, np.nan, tolerance, images, "the activations or logits hold NaN or inf")
    design = np.hstack([a, np.ones((images, 1))])
    if images < units + 1:
        reason = f"{images} images cannot determine {units} weights and a bias per class"
        return ReadoutFit(None, None, np.nan, tolerance, images, reason)
    solution, _, rank, _ = np.linalg.lstsq(design, y, rcond=None)
    if rank < units + 1:
        reason = (
            f"the activations have rank {rank} for {units} units and a bias: dead or duplicate units "
            "leave the weights undetermined"
        )
        return ReadoutFit(None, None, np.nan, tolerance, images, reason)
    residual = float(np.max(np.abs(design @ solution - y))) if y.size else 0.0
    if residual > tolerance:
        reason = f"the best linear fit misses the logits by {residual:.3g} (> {tolerance:.3g}): the head is not linear"
        return ReadoutFit(None, None, residual, tolerance, images, reason)
    weights: F64 = np.ascontiguousarray(solution[:units].T)
    bias: F64 = np.ascontiguousarray(solution[units])
    return ReadoutFit(weights, bias, residual, tolerance, images, "")

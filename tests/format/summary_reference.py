"""The direct (non-streaming) definition of a layer summary, built on `deephys.analysis`: what the
writer's streaming `SummaryBuilder` must equal."""

from __future__ import annotations

import numpy as np

from deephys import analysis
from deephys.format.limits import ABSENT_INDEX
from deephys.format.summaries import LayerSummary


def compute_summary(values: np.ndarray, labels: np.ndarray, classes: int, top_k: int, bins: int) -> LayerSummary:
    """Direct (non-streaming) definition of a layer summary, from `deephys.analysis`."""
    values = np.asarray(values, dtype=np.float64)
    labels = np.asarray(labels, dtype=np.int64)
    n, units = values.shape
    finite = np.isfinite(values)
    nan = np.isnan(values)
    top_indices = np.full((units, top_k), ABSENT_INDEX, np.int64)
    top_values = np.zeros((units, top_k))
    histogram = np.zeros((units, bins), np.int64)
    lo, hi = np.full(units, np.nan), np.full(units, np.nan)
    for u in range(units):
        indices, top = analysis.top_images(values[:, u], k=top_k)
        top_indices[u, : indices.size] = indices
        top_values[u, : indices.size] = top
        histogram[u], lo[u], hi[u] = analysis.histogram(values[:, u], bins)
    with np.errstate(invalid="ignore"):
        mean = values.mean(axis=0) if n else np.full(units, np.nan)
    return LayerSummary(
        images=n,
        min=lo,
        max=hi,
        mean=mean,
        nan_count=nan.sum(axis=0).astype(np.uint32),
        inf_count=(~finite & ~nan).sum(axis=0).astype(np.uint32),
        top_indices=top_indices.astype(np.uint32),
        top_values=top_values,
        class_means=analysis.class_means(values, labels, classes).astype(np.float32),
        class_counts=np.bincount(labels, minlength=classes)[:classes].astype(np.uint32),
        histogram=histogram.astype(np.uint32),
    )

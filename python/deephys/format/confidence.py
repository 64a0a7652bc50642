"""The per-image confidence the writer stores: softmax probability of the predicted class."""

from __future__ import annotations

import numpy as np


def prediction_confidence(logits: np.ndarray, predictions: np.ndarray) -> np.ndarray:
    """Softmax probability of `predictions` (one class per row) under `logits` (N, classes), in float64.

    Computed stably (the largest finite logit subtracted first); what `Dataset.confidences` reads back
    (as float32) for a file written by `deephys.Writer`.
    """
    if logits.shape[0] == 0:
        return np.zeros(0)
    finite_max = np.max(np.where(np.isfinite(logits), logits, -np.inf), axis=1, keepdims=True)
    finite_max = np.where(np.isfinite(finite_max), finite_max, 0.0)
    with np.errstate(over="ignore", invalid="ignore"):
        exp = np.exp(logits - finite_max)
        probs = exp / exp.sum(axis=1, keepdims=True)
    chosen: np.ndarray = probs[np.arange(logits.shape[0]), predictions]
    return chosen

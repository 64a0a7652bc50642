"""A framework-free `Capture` for the export core's tests: a two-layer NumPy 'model', and its batches."""

from __future__ import annotations

import numpy as np

from deephys.export import Capture


class LinearCapture(Capture):
    """A two-layer NumPy 'model': flattened inputs -> hidden (12) -> logits (4)."""

    def __init__(self) -> None:
        rng = np.random.default_rng(0)
        self.w1 = rng.standard_normal((48, 12)).astype(np.float32)
        self.w2 = rng.standard_normal((12, 4)).astype(np.float32)

    def __call__(self, inputs: np.ndarray) -> dict[str, np.ndarray]:
        hidden = inputs.reshape(len(inputs), -1)[:, :48] @ self.w1
        return {"hidden": hidden, "logits": hidden @ self.w2}


def batches(n: int, seed: int, size: int = 4) -> list[tuple[np.ndarray, np.ndarray]]:
    """`n` random (3, size, size) images in [0, 1] with labels 0..3, in batches of 5."""
    rng = np.random.default_rng(seed)
    x, y = rng.random((n, 3, size, size), np.float32), rng.integers(0, 4, n)
    return [(x[i : i + 5], y[i : i + 5]) for i in range(0, n, 5)]

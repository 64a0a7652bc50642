"""A small synthetic run (no download, no framework) to try the format and the viewer.

Ten classes of coloured discs and squares; a fixed random two-layer network in
NumPy; an OOD set where every class gets another class's colour.
"""

from __future__ import annotations

import os

import numpy as np

from .format import Writer
from .model import Layer, Model

CLASSES = ("red", "green", "blue", "yellow", "cyan", "magenta", "orange", "purple", "grey", "white")
_COLOURS = np.array(
    [
        [1, 0, 0],
        [0, 1, 0],
        [0, 0, 1],
        [1, 1, 0],
        [0, 1, 1],
        [1, 0, 1],
        [1, 0.5, 0],
        [0.5, 0, 1],
        [0.5, 0.5, 0.5],
        [1, 1, 1],
    ]
)


def _images(labels: np.ndarray, colours: np.ndarray, rng: np.random.Generator, size: int = 32) -> np.ndarray:
    yy, xx = np.mgrid[:size, :size] / size
    out = np.zeros((labels.size, size, size, 3))
    for i, label in enumerate(labels):
        cx, cy, r = rng.uniform(0.3, 0.7), rng.uniform(0.3, 0.7), rng.uniform(0.15, 0.3)
        mask = (xx - cx) ** 2 + (yy - cy) ** 2 < r**2 if label % 2 == 0 else (abs(xx - cx) < r) & (abs(yy - cy) < r)
        out[i][mask] = colours[label] * rng.uniform(0.7, 1.0)
    return out


def write_sample(path: str | os.PathLike[str], images_per_set: int = 500, seed: int = 0) -> str:
    rng = np.random.default_rng(seed)
    w1 = rng.standard_normal((3 * 4 * 4, 32))
    w2 = np.zeros((32, len(CLASSES)))
    model = Model(
        "sample-colour-net",
        [Layer("features", 32, pooling="spatial_mean", relu=True), Layer("logits", len(CLASSES))],
        classifier="logits",
        classes=CLASSES,
    )

    def forward(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        pooled = x.reshape(x.shape[0], 4, 8, 4, 8, 3).mean(axis=(2, 4)).reshape(x.shape[0], -1)
        features = np.maximum(pooled @ w1, 0)
        return features, features @ w2

    train_labels = rng.integers(0, len(CLASSES), 2000)
    features, _ = forward(_images(train_labels, _COLOURS, rng))
    # Least-squares readout: accurate on the colours it saw, fooled by a colour shift.
    w2[:] = np.linalg.lstsq(features, np.eye(len(CLASSES))[train_labels] * 10, rcond=None)[0]
    with Writer(path, model=model) as writer:
        for name, role, colours in (("colours", "id", _COLOURS), ("permuted colours", "ood", np.roll(_COLOURS, 1, 0))):
            labels = rng.integers(0, len(CLASSES), images_per_set)
            images = _images(labels, colours, rng)
            features, logits = forward(images)
            writer.add_dataset(
                name,
                images=images,
                labels=labels,
                role=role,
                activations={"features": features.astype(np.float32), "logits": logits.astype(np.float32)},
            )
    return os.fspath(path)

"""What the two trainers share: settings, the shuffled batch order, the progress bar, the result."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from tqdm.auto import tqdm

__all__ = [
    "AUGMENTED",
    "TrainConfig",
    "TrainStats",
    "batch_order",
    "colour_stream",
    "progress_bar",
    "recoloured",
    "steps_per_epoch",
]


@dataclass(frozen=True)
class TrainConfig:
    """Short on purpose: as in the paper, the network learns the colour, the easy cue, and stops there."""

    epochs: int = 4
    batch_size: int = 64
    learning_rate: float = 3e-3
    seed: int = 0
    threads: int = 1  # torch intra-op threads (train and export): on a net this small more only add overhead
    # Colour augmentation: every training image gets a random colour at every step (`recoloured`), so the colour
    # says nothing about the class and the network has to read the digit's shape (`deephys demo --compare`).
    recolour: bool = False


#: The colour-augmented model of `deephys demo --compare`: shapes take longer to learn than colours.
AUGMENTED = TrainConfig(epochs=8, recolour=True)


@dataclass(frozen=True)
class TrainStats:
    seconds: float
    steps: int
    final_loss: float  # mean over the last epoch
    train_accuracy: float  # over the last epoch, as the batches went by


def steps_per_epoch(n: int, config: TrainConfig) -> int:
    return max(1, n // config.batch_size)


def batch_order(n: int, config: TrainConfig) -> Iterator[NDArray[np.int64]]:
    """Index batches for every epoch, reshuffled each epoch from `config.seed` (the same for both frameworks).

    Every batch is full (the few images left over change from epoch to epoch), so a jitted step compiles once.
    """
    rng = np.random.default_rng(config.seed)
    size = min(config.batch_size, n)
    for _ in range(config.epochs):
        order = rng.permutation(n)
        for step in range(steps_per_epoch(n, config)):
            yield order[step * size : (step + 1) * size]


def recoloured(images: NDArray[np.float32], rng: np.random.Generator) -> NDArray[np.float32]:
    """The coloured digits `images` (N, H, W, 3), each tinted anew with one random colour (channels in 0.2..1)."""
    digit = images.max(axis=-1, keepdims=True) > 0
    colours = rng.uniform(0.2, 1.0, (len(images), 1, 1, 3)).astype(np.float32)
    return (digit * colours).astype(np.float32)


def colour_stream(config: TrainConfig) -> np.random.Generator | None:
    """The random colours of an augmented training (`recolour`), seeded apart from the batch order; else None."""
    return np.random.default_rng([config.seed, 1]) if config.recolour else None


def progress_bar(n: int, config: TrainConfig, framework: str, enabled: bool) -> tqdm:
    steps = config.epochs * steps_per_epoch(n, config)
    return tqdm(
        total=steps,
        desc=f"training ({framework}, {config.epochs} epochs)",
        unit="step",
        disable=not enabled,
        leave=True,
    )

"""The demo's data: Colored MNIST (the Deephys paper, section 3) rebuilt from data that ships offline.

scikit-learn's bundled handwritten digits (1,797 images of 8x8 pixels, no download) are upscaled
bilinearly to 20x20 and centred in 28x28 (as MNIST digits are), scaled to 0..255 and binarized at
150, then tinted with one RGB colour per class on a black background. The colour alone identifies
the class in training, so a short training run learns colour; the three shifts tell the story:

- "permuted colours": the same colours, each given to another class (a derangement);
- "arbitrary colours": ten colours the network never saw;
- "drifted colours": every colour minus 0.2726747, clipped to [0, 1].

Images are float32 NHWC in [0, 1].
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

__all__ = [
    "ARBITRARY_COLOURS",
    "PERMUTED_FROM",
    "CLASSES",
    "COLOURS",
    "DRIFT",
    "ID_NAME",
    "IMAGE_SIZE",
    "SHIFTS",
    "DemoData",
    "colourize",
    "digit_masks",
    "load_demo_data",
    "shift_palettes",
]

CLASSES: tuple[str, ...] = tuple(str(digit) for digit in range(10))
ID_NAME = "coloured digits"
SHIFTS: tuple[str, ...] = ("permuted colours", "arbitrary colours", "drifted colours")
DRIFT = 0.2726747
IMAGE_SIZE = 28
_DIGIT_SIZE = 20  # as MNIST: the digit fills 20x20, centred in 28x28
_THRESHOLD = 150.0  # on 0..255, as the paper

#: One colour per class (red, green, blue, yellow, cyan, magenta, orange, purple, grey, white).
COLOURS = np.array(
    [
        [0.90, 0.10, 0.10],
        [0.10, 0.75, 0.20],
        [0.15, 0.35, 0.95],
        [0.95, 0.85, 0.10],
        [0.10, 0.85, 0.85],
        [0.85, 0.15, 0.85],
        [1.00, 0.55, 0.05],
        [0.55, 0.25, 0.90],
        [0.60, 0.60, 0.60],
        [1.00, 1.00, 1.00],
    ],
    dtype=np.float32,
)
#: Ten colours unlike any of COLOURS (pink, brown, olive, teal, navy, maroon, lime, sky, peach, charcoal).
ARBITRARY_COLOURS = np.array(
    [
        [1.00, 0.60, 0.75],
        [0.55, 0.35, 0.15],
        [0.50, 0.50, 0.00],
        [0.00, 0.50, 0.50],
        [0.00, 0.00, 0.50],
        [0.50, 0.00, 0.00],
        [0.75, 1.00, 0.40],
        [0.60, 0.80, 1.00],
        [1.00, 0.85, 0.70],
        [0.30, 0.30, 0.30],
    ],
    dtype=np.float32,
)

#: Under "permuted colours", class c wears the colour of class PERMUTED_FROM[c] (no class keeps its own).
PERMUTED_FROM: NDArray[np.int64] = (np.arange(10) + 1) % 10

Images = NDArray[np.float32]
Labels = NDArray[np.int64]


def shift_palettes() -> dict[str, NDArray[np.float32]]:
    """The colour of each class under each shift, keyed by the shift's dataset name."""
    permuted = COLOURS[PERMUTED_FROM]
    drifted = np.clip(COLOURS - np.float32(DRIFT), 0.0, 1.0).astype(np.float32)
    return dict(zip(SHIFTS, (permuted, ARBITRARY_COLOURS.copy(), drifted), strict=True))


def _bilinear_matrix(src: int, dst: int) -> NDArray[np.float64]:
    """(dst, src) matrix of bilinear weights (pixel centres aligned, edges clamped)."""
    pos = np.clip((np.arange(dst) + 0.5) * src / dst - 0.5, 0, src - 1)
    low = np.floor(pos).astype(int)
    high = np.minimum(low + 1, src - 1)
    frac = pos - low
    weights = np.zeros((dst, src))
    np.add.at(weights, (np.arange(dst), low), 1 - frac)
    np.add.at(weights, (np.arange(dst), high), frac)
    return weights


def digit_masks() -> tuple[NDArray[np.bool_], Labels]:
    """All 1,797 bundled digits as binary 28x28 masks, and their labels."""
    from sklearn.datasets import load_digits  # ships with scikit-learn: nothing is downloaded

    digits = load_digits()
    small = digits.images.astype(np.float64) * (255.0 / 16.0)  # 0..16 -> 0..255
    resize = _bilinear_matrix(small.shape[1], _DIGIT_SIZE)
    big = resize @ small @ resize.T  # (N, 20, 20), separable bilinear upscaling
    pad = (IMAGE_SIZE - _DIGIT_SIZE) // 2
    masks = np.zeros((len(big), IMAGE_SIZE, IMAGE_SIZE), dtype=bool)
    masks[:, pad : pad + _DIGIT_SIZE, pad : pad + _DIGIT_SIZE] = big > _THRESHOLD
    return masks, digits.target.astype(np.int64)


def colourize(masks: NDArray[np.bool_], labels: Labels, palette: NDArray[np.float32]) -> Images:
    """Tint each mask with its class's colour: (N, 28, 28, 3) float32, black background."""
    return (masks[..., None] * palette[labels][:, None, None, :]).astype(np.float32)


@dataclass(frozen=True)
class DemoData:
    """The coloured training set, and the test set (ID) with its three shifts."""

    train_images: Images
    train_labels: Labels
    test: dict[str, tuple[Images, Labels]]  # ID_NAME first, then SHIFTS in order


def load_demo_data(seed: int = 0, test_fraction: float = 0.3) -> DemoData:
    """A stratified train/test split (fixed by `seed`), coloured; the test set also under each shift."""
    masks, labels = digit_masks()
    rng = np.random.default_rng(seed)
    test_index: list[NDArray[np.int64]] = []
    for digit in range(len(CLASSES)):
        members = rng.permutation(np.flatnonzero(labels == digit))
        test_index.append(members[: round(len(members) * test_fraction)])
    is_test = np.zeros(len(labels), dtype=bool)
    is_test[np.concatenate(test_index)] = True
    train = rng.permutation(np.flatnonzero(~is_test))
    test = np.flatnonzero(is_test)  # in the original order: classes interleaved

    test_sets = {ID_NAME: (colourize(masks[test], labels[test], COLOURS), labels[test])}
    for name, palette in shift_palettes().items():
        test_sets[name] = (colourize(masks[test], labels[test], palette), labels[test])
    return DemoData(colourize(masks[train], labels[train], COLOURS), labels[train], test_sets)

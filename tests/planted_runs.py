"""Runs built so that the answer is known: unit c of "features" fires for class c, and a readout reads
class c from unit c; under the shift, classes move onto other units (a model that learned a shortcut)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

import deephys

CLASSES = ["zero", "one", "two"]
# The readout reads class c from unit c; unit 3 is noise the readout ignores.
WEIGHTS = np.array([[4.0, 0, 0, 0], [0, 4.0, 0, 0], [0, 0, 4.0, 0]])
BIAS = np.zeros(3)


def planted_acts(labels: np.ndarray, rng: np.random.Generator, moved: dict[int, int] | None = None) -> np.ndarray:
    """Unit c fires for class c; under the shift, class k fires unit moved[k] instead."""
    acts = rng.random((labels.size, 4)) * 0.1
    for i, label in enumerate(labels):
        acts[i, (moved or {}).get(int(label), int(label))] += 1.0
    return acts


def write_run(
    path: Path,
    *,
    readout: bool = True,
    roles: tuple[str, ...] = ("id", "ood"),
    moved: dict[int, int] | None = None,
    permutation: np.ndarray | None = None,
    images: bool = False,
    seed: int = 0,
) -> Path:
    """A run of a "clean" ID set and a "shifted" OOD set (where class 0 fires unit 1, unless `moved` says
    otherwise). `permutation` reorders the feature units (a copy of the same model with its units shuffled)."""
    rng = np.random.default_rng(seed)
    order = np.arange(4) if permutation is None else permutation
    model = deephys.Model("planted", layers={"features": 4, "logits": 3}, classifier="logits")
    weights = WEIGHTS[:, order]
    given = deephys.Readout("features", weights, BIAS) if readout else None
    with deephys.Writer(path, model=model, classes=CLASSES, readout=given) as w:
        sets = (("clean", roles[0], None), ("shifted", roles[-1], {0: 1} if moved is None else moved))[: len(roles)]
        for name, role, shift in sets:
            labels = np.repeat(np.arange(3), 20)
            acts = planted_acts(labels, np.random.default_rng(rng.integers(1 << 31)), shift)[:, order]
            pictures = np.repeat(labels[:, None, None] * 100, 8 * 8, axis=1).reshape(-1, 8, 8).astype(np.uint8)
            w.add_dataset(
                name,
                role=role,
                labels=labels,
                activations={"features": acts, "logits": acts @ weights.T},
                images=pictures if images else None,
            )
    return path

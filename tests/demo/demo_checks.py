"""The paper's Colored MNIST finding, checked from the numbers stored in a demo file with deephys.analysis.

Thresholds come from measurements (seeds 0-2, both frameworks) with a wide margin:
ID accuracy 0.991-0.998, permuted 0.089-0.126, share of permuted images classified by their colour
0.59-0.82, median spurious score of the live fc1 units under "permuted colours" 0.62-0.78, and between
the two halves of the ID set (the control: no shift at all) 0.003-0.012.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

import deephys
from deephys import analysis

ID = "coloured digits"
SHIFTS = ("permuted colours", "arbitrary colours", "drifted colours")
LAYERS = {"conv1": 10, "conv2": 20, "fc1": 50, "fc2": 10}


def check_finding(path: Path, framework: str) -> dict[str, float]:
    """Assert the file's structure and the finding; returns the measured numbers (for failure messages)."""
    run = deephys.open(path)
    try:
        assert run.classes == tuple(str(d) for d in range(10))
        assert {layer.name: layer.units for layer in run.model.layers} == LAYERS
        assert run.model.classifier == "fc2"
        readout = run.readout  # fc2 is an nn.Linear / nnx.Linear over fc1 after its ReLU
        assert readout is not None and readout.layer == "fc1" and readout.source == "model"
        for layer, grid in (("conv1", (12, 12)), ("conv2", (8, 8))):  # where the conv units fire, per image
            maps = run.datasets[ID].all_top_maps(layer)
            assert maps is not None and maps.shape == (LAYERS[layer], 16, *grid), (layer, maps.shape)
        assert run.datasets[ID].all_top_maps("fc1") is None
        assert run.model.producer.framework == ("flax" if framework == "jax" else "torch")
        assert list(run.datasets) == [ID, *SHIFTS]
        assert [d.role for d in run.datasets.values()] == ["id", "ood", "ood", "ood"]
        reference = run.datasets[ID]
        labels = reference.labels
        for dataset in run.datasets.values():  # the shifts recolour the same test images
            assert np.array_equal(dataset.labels, labels)

        acts = reference.activations("fc1")
        ref_max = analysis.reference_max(acts)
        t_id = analysis.tuning_matrix(acts, labels, 10, ref_max)
        permuted = run.datasets["permuted colours"]
        t_perm = analysis.tuning_matrix(permuted.activations("fc1"), labels, 10, ref_max)
        halves = [np.arange(len(labels))[parity::2] for parity in (0, 1)]
        t_a, t_b = (analysis.tuning_matrix(acts[h], labels[h], 10, ref_max) for h in halves)

        spurious = analysis.spurious_scores(t_id, t_perm)
        control = analysis.spurious_scores(t_a, t_b)
        numbers = {
            "id_accuracy": analysis.accuracy(labels, reference.predictions),
            "permuted_accuracy": analysis.accuracy(labels, permuted.predictions),
            # under "permuted colours" digit c wears digit (c + 1) % 10's colour
            "follows_colour": analysis.accuracy((labels + 1) % 10, permuted.predictions),
            "live_units": int(np.count_nonzero(np.isfinite(spurious))),
            "permuted_spurious_median": float(np.nanmedian(spurious)),
            "control_spurious_median": float(np.nanmedian(control)),
        }
    finally:
        run.close()

    assert numbers["id_accuracy"] >= 0.95, numbers
    assert numbers["permuted_accuracy"] <= 0.3, numbers
    assert numbers["follows_colour"] >= 0.4, numbers  # the network reads the colour, not the shape
    assert numbers["live_units"] >= 25, numbers
    assert numbers["permuted_spurious_median"] >= 0.45, numbers
    assert numbers["control_spurious_median"] <= 0.1, numbers
    assert numbers["permuted_spurious_median"] - numbers["control_spurious_median"] >= 0.35, numbers
    return numbers

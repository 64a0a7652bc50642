"""The classifier's linear readout, taken from the model and checked on the first batch (docs/format.md,
"Readout").

When the classifier is a linear map over a recorded layer -- the classifier layer is a PyTorch `nn.Linear`,
a Flax `nnx.Linear` or a Linen `Dense`, or holds one with an output per class -- the file stores its weights
and bias as `deephys.Readout(layer, W, b, source="model")`, and `deephys.findings` attributes the logits to
units without fitting anything. The frameworks find the module and hand over its parameters as `LinearHead`s
(`FrameworkAdapter.linear_heads`); `model_readout` checks them here, once for every framework: on the first
batch, W a + b must give the recorded logits for `a` one of the recorded layers. Otherwise no readout is
stored, and a `NoReadoutWarning` says why.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from ..format.readout import Readout

#: Unit roundoff (half the machine epsilon) of the arithmetic a model may compute its logits in.
ROUNDING_UNIT = {
    "float64": 2.0**-53,
    "float32": 2.0**-24,
    "tf32": 2.0**-11,  # NVIDIA's TensorFloat-32 matmuls: float32 range, 10-bit mantissa
    "float16": 2.0**-11,
    "bfloat16": 2.0**-8,
}
#: The least relative tolerance of the check, whatever the precision (see `tolerance`).
MIN_TOLERANCE = 1e-4


@dataclass(frozen=True, eq=False)
class LinearHead:
    """A linear module that may compute the logits: `logits = weights @ x + bias`.

    `module` names it for messages ("fc", "head.2 (nn.Linear)"); `weights` is (outputs, inputs) and `bias`
    (outputs,), on the host; `unit` is the rounding unit of the arithmetic it runs in on its device
    (`ROUNDING_UNIT`: bfloat16 under autocast, TF32 on a GPU...).
    """

    module: str
    weights: np.ndarray
    bias: np.ndarray
    unit: float = ROUNDING_UNIT["float32"]

    @property
    def outputs(self) -> int:
        return int(self.weights.shape[0])

    @property
    def inputs(self) -> int:
        return int(self.weights.shape[1])


def tolerance(unit: float) -> float:
    """The largest error of W a + b against the logits, relative to the size of its terms |W| |a| + |b|.

    The model computes the sum in its own precision. Where that is narrow (autocast's bfloat16 or float16,
    TF32 on GPUs, bfloat16 passes on TPUs) the rounding of `a`, of `W` and of the logits themselves, each
    within the rounding unit `u` of the terms' size, bounds the error: 4u. In float32 and wider, 1e-4, which
    also covers float32 accumulation over thousands of units and a pooled mean the model computes in
    another order than the exporter. A non-linearity between the linear map and the logits (a ReLU, tanh,
    softmax) changes them by a large fraction of that size, far above either.
    """
    return max(4 * unit, MIN_TOLERANCE)


@dataclass(frozen=True)
class Mismatch:
    """How far W a + b of one head over one layer is from the logits (the worst element)."""

    head: LinearHead
    layer: str
    error: float  # largest |W a + b - logits|
    relative: float  # largest |W a + b - logits| / (|W| |a| + |b|)
    limit: float  # the tolerance it was held to


def model_readout(
    heads: Sequence[LinearHead] | str,
    classifier: str,
    recorded: Mapping[str, np.ndarray],
    logits_unit: float = ROUNDING_UNIT["float32"],
) -> Readout | str:
    """The readout of the first of `heads` whose W a + b reproduces the recorded logits of `classifier` on
    the first batch for a recorded layer a (the nearest to the classifier first), or why there is none.

    `heads` is what the framework found (or its reason for finding none); `recorded` the first batch's
    layers, (N, units) on the host, in the model's order; `logits_unit` the rounding unit of the dtype the
    logits were recorded in (bfloat16 outputs).
    """
    if isinstance(heads, str):
        return heads
    logits = np.asarray(recorded[classifier], np.float64)
    classes = logits.shape[1]
    if not np.isfinite(logits).all():
        return f"the first batch's logits of {classifier!r} are not all finite, so the readout cannot be checked"
    heads = [head for head in heads if head.outputs == classes]
    if not heads:
        return f"the classifier {classifier!r} holds no linear module with {classes} outputs, one per class"
    names = [name for name in recorded if name != classifier][::-1]  # the nearest to the classifier first
    mismatches: list[Mismatch] = []
    for head in heads:
        if not (np.isfinite(head.weights).all() and np.isfinite(head.bias).all()):
            continue
        weights = np.asarray(head.weights, np.float64)
        bias = np.asarray(head.bias, np.float64)
        limit = tolerance(max(head.unit, logits_unit))
        for name in names:
            if recorded[name].shape[1] != head.inputs:
                continue
            a = np.asarray(recorded[name], np.float64)
            if not np.isfinite(a).all():
                continue
            error = np.abs(a @ weights.T + bias - logits)
            size = np.abs(a) @ np.abs(weights).T + np.abs(bias)
            with np.errstate(divide="ignore", invalid="ignore"):
                relative = np.where(error == 0, 0.0, error / size)
            worst = float(relative.max()) if relative.size else 0.0
            if worst <= limit:
                return Readout(name, head.weights, head.bias, source="model")
            mismatches.append(Mismatch(head, name, float(error.max()), worst, limit))
    return _no_match(heads, classifier, mismatches)


def _no_match(heads: Sequence[LinearHead], classifier: str, mismatches: list[Mismatch]) -> str:
    if not mismatches:
        features = " or ".join(str(width) for width in sorted({head.inputs for head in heads}))
        return (
            f"the classifier's linear module {heads[0].module} takes {features} features, and no other recorded "
            "layer has that many units; record the layer that feeds it (its input) in layers= as well"
        )
    best = min(mismatches, key=lambda m: m.relative)
    return (
        f"W a + b of {best.head.module} over the recorded layer {best.layer!r} differs from the logits of "
        f"{classifier!r} by up to {best.error:.3g} ({best.relative:.2g} of the terms' size; the tolerance is "
        f"{best.limit:.2g}) on the first batch: something that is not linear (an activation, a "
        f"normalization) lies between {best.layer!r} and the logits, so they are not a linear readout of a "
        "recorded layer; record the module's input itself if it is not recorded"
    )

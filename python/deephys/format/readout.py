"""The classifier's linear readout: logits = W a + b, with `a` a recorded layer (docs/format.md, "Readout")."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .._generated.deephys.v1 import deephys_pb2 as pb
from ..errors import UsageError
from ..model import Model

#: How a readout was obtained (ReadoutInfo.source).
SOURCES = ("model", "fit")
#: The dtypes a readout is stored in.
READOUT_DTYPES = {"float32": pb.DTYPE_FLOAT32, "float64": pb.DTYPE_FLOAT64}
READOUT_NAMES = {int(value): name for name, value in READOUT_DTYPES.items()}


@dataclass(frozen=True, eq=False)
class Readout:
    """`logits = weights @ a + bias` for `a` the activations of the recorded layer `layer`.

    `weights` is (classes, units) and `bias` (classes,), float32 or float64 (others become float32).
    `source` says how they were obtained: "model" (the classifier's own parameters) or "fit" (least
    squares from the layer to the stored logits, whose largest error on the images fitted is `residual`).
    """

    layer: str
    weights: np.ndarray
    bias: np.ndarray
    source: str = "model"
    residual: float = 0.0
    dtype: str = field(init=False)

    def __post_init__(self) -> None:
        weights, bias = np.asarray(self.weights), np.asarray(self.bias)
        if weights.dtype.kind not in "biuf" or bias.dtype.kind not in "biuf":
            raise UsageError(f"readout of {self.layer!r}: weights and bias must be real numbers")
        dtype = np.float64 if weights.dtype == np.float64 else np.float32
        weights = np.ascontiguousarray(weights, dtype=dtype)
        bias = np.ascontiguousarray(bias, dtype=dtype)
        if weights.ndim != 2 or bias.shape != (weights.shape[0],):
            raise UsageError(
                f"readout of {self.layer!r}: weights must be (classes, units) and bias (classes,); "
                f"got {weights.shape} and {bias.shape}"
            )
        if not (np.isfinite(weights).all() and np.isfinite(bias).all()):
            raise UsageError(f"readout of {self.layer!r}: weights and bias must be finite")
        if self.source not in SOURCES:
            raise UsageError(f"readout of {self.layer!r}: source must be one of {SOURCES}, not {self.source!r}")
        object.__setattr__(self, "weights", weights)
        object.__setattr__(self, "bias", bias)
        object.__setattr__(self, "dtype", np.dtype(dtype).name)

    @property
    def classes(self) -> int:
        return int(self.weights.shape[0])

    @property
    def units(self) -> int:
        return int(self.weights.shape[1])

    def check(self, model: Model, where: str = "") -> None:
        """Refuse a readout whose shapes disagree with the model's layer and classes."""
        prefix = f"{where}: " if where else ""
        if self.layer not in model.layer_names:
            raise UsageError(f"{prefix}the readout's layer {self.layer!r} is not one of the layers {model.layer_names}")
        units = model.layers[model.layer_index(self.layer)].units
        classes = len(model.classes or ())
        if (self.classes, self.units) != (classes, units):
            raise UsageError(
                f"{prefix}the readout's weights are {self.classes} x {self.units}; the model has {classes} classes "
                f"and layer {self.layer!r} {units} units: give weights of shape ({classes}, {units})"
            )

    def logits(self, activations: np.ndarray) -> np.ndarray:
        """W a + b for activations (N, units), in float64."""
        a = np.asarray(activations, dtype=np.float64)
        result: np.ndarray = a @ self.weights.T.astype(np.float64) + self.bias.astype(np.float64)
        return result

    def __eq__(self, other: Any) -> bool:
        if not isinstance(other, Readout):
            return NotImplemented
        return (
            (self.layer, self.source, self.residual, self.dtype)
            == (other.layer, other.source, other.residual, other.dtype)
            and np.array_equal(self.weights, other.weights)
            and np.array_equal(self.bias, other.bias)
        )

    def __repr__(self) -> str:
        return f"<deephys.Readout of {self.layer!r}: {self.classes} classes x {self.units} units, {self.source}>"


def readout_chunks(readout: Readout, chunk_bytes: int, max_record: int) -> list[pb.ReadoutChunk]:
    """The readout cut into chunk records of about `chunk_bytes` (never more than a record may hold)."""
    itemsize = readout.weights.dtype.itemsize
    row_bytes = (readout.units + 1) * itemsize
    if row_bytes > max_record - 1024:
        raise UsageError(f"readout of {readout.layer!r}: one class row of {row_bytes:,} bytes is over the record limit")
    rows = max(1, min(chunk_bytes // row_bytes, (max_record - 1024) // row_bytes))
    dtype = READOUT_DTYPES[readout.dtype]
    return [
        pb.ReadoutChunk(
            first_class=first,
            classes=min(rows, readout.classes - first),
            units=readout.units,
            dtype=dtype,
            weights=readout.weights[first : first + rows].astype(f"<{readout.weights.dtype.str[1:]}").tobytes(),
            bias=readout.bias[first : first + rows].astype(f"<{readout.bias.dtype.str[1:]}").tobytes(),
        )
        for first in range(0, readout.classes, rows)
    ]

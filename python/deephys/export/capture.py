"""What a framework's capture implements: `Capture`, or `PooledCapture` for one that pools by a `PoolingPlan`."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Literal

import numpy as np

from ..model import Layer
from .outputs import Selector
from .pooling import PoolingPlan, describe


class Capture:
    """Runs the model on a batch of inputs and returns the recorded layers, pooled, on the host.

    Subclass it per framework:

    - `__call__(inputs)` -> {layer name: (N, units) NumPy array}, one entry per recorded layer, in the
      model's order; floating dtypes (bfloat16 as float32, see `stored_dtype`).
    - `to_numpy(value)` -> host NumPy copy of a framework array (labels, images for thumbnails).
    - `layer(name, units)` -> the `deephys.Layer` describing a recorded layer (pooling, ReLU), asked once
      after the first batch.
    - `stored_dtype(name)` -> file dtype of a layer ("bfloat16" for bf16 outputs) or None for the
      dtype of the arrays returned.
    - `framework`, `framework_version` go into the file's producer; `layout` is the layout of image
      batches ("NCHW" in PyTorch, "NHWC" in JAX) for thumbnails.

    Optional: `prefetch(batches)` -> the batches, handed out as the framework likes (JAX starts the next
    batch's forward before handing out the current one); `thumbnails(inputs, size, mean, std)` -> uint8
    thumbnails made by the framework (e.g. on the accelerator), or None for the NumPy path;
    `model_output()` and `module_outputs(inputs)`, for the first batch's check that the classifier layer
    gives the model's output (see loop.py); `map_layers()` and `batch_maps(wanted)`, for the spatial maps of
    the layers with conv or token maps, reduced to at most `map_size` cells a side (maps.py).
    """

    framework: str = "numpy"
    framework_version: str = ""
    layout: Literal["NCHW", "NHWC"] = "NCHW"
    map_size: int | None = None  # set by the exporter before the first batch; None: no maps

    def __call__(self, inputs: Any) -> Mapping[str, np.ndarray]:
        raise NotImplementedError

    def to_numpy(self, value: Any) -> np.ndarray:
        return np.asarray(value)

    def layer(self, name: str, units: int) -> Layer:
        return Layer(name, units)

    def stored_dtype(self, name: str) -> str | None:
        return None

    def prefetch(self, batches: Iterable[Any]) -> Iterable[Any]:
        return batches

    def thumbnails(
        self, inputs: Any, size: int, mean: Sequence[float] | None, std: Sequence[float] | None
    ) -> np.ndarray | None:
        return None

    def model_output(self) -> np.ndarray | None:
        """The model's own output at the first batch, on the host, when it is one array of logits (the
        output, or its `logits`); None otherwise (nothing is checked then)."""
        return None

    def module_outputs(self, inputs: Any) -> Mapping[str, np.ndarray]:
        """Every module's output for `inputs`, on the host, by layer name: asked only when the classifier
        layer's output is not the model's, to name the layer that gives it. Default: none known."""
        return {}

    def map_layers(self) -> list[str]:
        """The layers whose maps the batch just run holds (conv and token maps, when `map_size` is set), in
        the model's order; the same at every batch. Default: none."""
        return []

    def batch_maps(self, wanted: Mapping[str, tuple[np.ndarray, np.ndarray]]) -> dict[str, np.ndarray]:
        """For the batch just run: layer -> (rows, units) wanted, both (k,) -> their reduced maps (k, h, w)
        float32 on the host (only these leave the device)."""
        return {name: np.zeros((0, 1, 1), np.float32) for name in wanted}


class PooledCapture(Capture):
    """A `Capture` that pools each layer as `pooling` decides, passes the `relu` layers through ReLU and
    records what `select` picks from outputs that are not arrays (both exporters' captures).

    `layer()` records the pooling and ReLU in the file. Subclasses call `note_dtype` with each layer's
    output dtype as they hand it over: a layer that is bfloat16 at its first batch (handed over as
    float32) is stored as bfloat16 (`stored_dtype`).
    """

    def __init__(self, pooling: PoolingPlan, relu: set[str], select: Mapping[str, Selector]):
        self.pooling, self.relu, self.select = pooling, relu, dict(select)
        self.bfloat16: dict[str, bool] = {}  # layer -> whether its output was bfloat16 at the first batch

    def note_dtype(self, name: str, bfloat16: bool) -> None:
        self.bfloat16.setdefault(name, bfloat16)

    def layer(self, name: str, units: int) -> Layer:
        plan = self.pooling.layers[name]
        return Layer(name, units, pooling=plan.name, pooling_description=describe(plan), relu=name in self.relu)

    def stored_dtype(self, name: str) -> str | None:
        return "bfloat16" if self.bfloat16.get(name) else None

"""Export a Flax model's activations on ID and OOD datasets to a .deephys file in one call.

>>> import deephys.flax
>>> deephys.flax.export(model, datasets={"CIFAR-10": id_batches, "CIFAR-10.2": ood_batches},
...                     layers=["blocks.3.conv", "head"], classes=class_names, path="run.deephys")

`model` is a Flax NNX module, or a Linen module with `variables=` (or bound to its variables).
Layers are module paths joined with "." (NNX: attribute names and list indices, "blocks.3.mlp";
Linen: scope names, "Conv_0", "block1.Dense_0"); the model itself is "output". Images are NHWC;
conv maps (N, H, W, C) are pooled over H and W.

Multi-process (`jax.distributed.initialize()`, several hosts or processes): every process calls `export`
with its own share of each dataset (`process_share` cuts a dataset held whole) and writes
`run.rank<process index>.deephys`; `merge=True` makes process 0 join them into `run.deephys`.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from flax import linen, nnx

from ._flax.adapter import FlaxAdapter
from ._flax.capture import Selector
from ._flax.distributed import process_share
from .export import DistributedExportError, ExportError, ExportResult
from .export.exporter import ExportSettings, export_model

__all__ = ["DistributedExportError", "ExportError", "ExportResult", "export", "process_share"]


def export(
    model: nnx.Module | linen.Module,
    datasets: Mapping[str, Any],
    layers: Sequence[str | nnx.Module],
    classes: Sequence[str] | None = None,
    path: str | os.PathLike[str] = "run.deephys",
    *,
    variables: Mapping[str, Any] | None = None,
    call_kwargs: Mapping[str, Any] | None = None,
    classifier: str | nnx.Module | None = None,
    label_map: Sequence[int] | Mapping[Any, Any] | None = None,
    restrict_predictions: bool = False,
    roles: Mapping[str, str] | Sequence[str] | None = None,
    pooling: str | Callable[[Any], Any] | Mapping[str, str | Callable[[Any], Any]] = "mean",
    relu: bool | Sequence[str] = False,
    select: Selector | Mapping[str, Selector] | None = None,
    thumbnails: bool | Callable[[Any], Any] = True,
    thumbnail_size: int = 64,
    mean: Sequence[float] | None = None,
    std: Sequence[float] | None = None,
    display: Mapping[str, Any] | None = None,
    batch_size: int = 128,
    activation_dtype: str | Mapping[str, str] | None = None,
    spatial_maps: bool = True,
    map_size: int = 16,
    map_images: int = 32,
    model_name: str | None = None,
    distributed: bool | None = None,
    merge: bool = False,
    progress: bool = True,
    writer_options: Mapping[str, Any] | None = None,
) -> ExportResult:
    """Record `layers` of `model` on every dataset and write them, with labels, predictions and thumbnails.

    Args:
        model: an `nnx.Module` (not changed: a private copy runs, in eval mode), or a `linen.Module`
            with `variables=` (or bound with `module.bind(variables)`).
        datasets: name -> an iterable of `(images, labels)` batches (a list, a generator, a tf.data or
            grain NumPy iterator; tuples or dicts with "image"/"label" keys) of NumPy or JAX arrays, or a
            pair `(images, labels)` of whole-dataset arrays, cut into `batch_size` batches. The first
            dataset is the in-distribution set (role "id"), the others "ood", unless `roles=` says otherwise.
        layers: module paths ("conv1", "blocks.3.mlp"; NNX submodule objects too); the model itself is
            "output". The classifier is the last one unless `classifier=` says otherwise; it must have one
            unit per class.
        classes: the model's class names, one per classifier output (default: a Hugging Face model's
            `config.id2label`, else the first dataset's `.classes` if it has one per output, else "0", "1", ...).
            On the first batch the classifier must give the model's output (same argmax), unless `classifier=`
            names it: a layer list in the wrong order is refused with the layer to use.
            When the classifier is (or ends in) an `nnx.Linear` or a Linen `Dense` whose input is a recorded
            layer, its weights and bias are stored as the file's readout (W a + b checked against the logits
            on the first batch); otherwise a `NoReadoutWarning` says why.
        label_map: for datasets whose labels are not the model's class indices (a 10-class subset under a
            1000-way model): a list of model class indices, one per dataset class, or a mapping dataset label
            -> model class; one for every dataset, or a mapping dataset name -> map. Labels are stored as model
            classes; `restrict_predictions=True` predicts such a dataset among its mapped classes only. The
            file's metadata records both (see the PyTorch exporter).
        call_kwargs: extra keyword arguments of the forward pass, e.g. `{"train": False}` for a Linen
            model whose BatchNorm/Dropout follow a `train` argument. Inputs that are a tuple or dict are
            passed as several arguments.
        pooling: for conv maps (N, H, W, C) "mean" (default) or "max" over H and W; for token maps
            (N, T, D) "mean" or "first" (or "max"); a JAX function (N, ...) -> (N, units); or a mapping
            layer -> one of these.
        relu: apply ReLU before pooling: True for every layer but the classifier, or a list of layers.
        select: for modules whose output is not an array, which element to record: an index, a key or a
            function, per layer as a mapping (`{"encoder": 0}`).
        thumbnails: True to make them from the images (in [0, 1] or uint8, or normalized with `mean`/`std`,
            which are undone), a function images -> displayable images, or False. `display=` maps dataset
            names to separate datasets of displayable images in the same order (batches, or one array of
            all the images). Thumbnails are at most `thumbnail_size` px.
        activation_dtype: file dtype ("float32", "float16", "bfloat16", "float64") for all or per layer;
            default: the layer's own (bf16 outputs are stored as bfloat16, means in float32).
        spatial_maps: for layers with conv maps or token maps (on their patch grid), also store where each
            unit fires on its `map_images` top images: its unpooled map, reduced on the device to at most
            `map_size` x `map_size` cells by exact area weights (so under mean pooling each map averages to
            the activation), in the same pass over the data; only the maps of images that can be among the
            top ones leave the device. `spatial_maps=False` stores none (docs/format.md, "Maps").
        distributed: write one shard per process (`run.rank0.deephys`, ...; the number is
            `jax.process_index()`): True, or by default when `jax.process_count() > 1`. The datasets given
            are this process's share: cut each dataset held whole with `deephys.flax.process_share(...)`
            (contiguous parts, in process order), or pass each process its own batches (e.g. tf.data
            `.shard(jax.process_count(), jax.process_index())`). A process whose share is empty still writes
            a valid shard, if its share came from `process_share`. Progress bars show on process 0 only.
            `merge=True` makes process 0 join the shards into `path` once every process has written its
            own (a barrier: `multihost_utils.sync_global_devices`, then the processes' success flags are
            gathered); if any failed, nothing is merged and every process raises `DistributedExportError`
            naming the failed ones. Otherwise run `deephys merge run.rank*.deephys -o run.deephys`.
        writer_options: more `deephys.Writer` options (image_encoding, top_k, histogram_bins, ...).

    The forward pass is jitted once per input shape (a short last batch is padded to the batch size,
    and the padding dropped) and returns only the recorded layers, pooled on the device.

    Returns:
        An `ExportResult` (usable as a path) naming the file written and its datasets. Ctrl-C leaves a
        valid file holding the finished datasets, or nothing, and raises `ExportInterrupted` saying which.
    """
    adapter = FlaxAdapter(model, layers, variables, call_kwargs)
    return export_model(adapter, ExportSettings.of(locals()))

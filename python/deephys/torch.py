"""Export a PyTorch model's activations on ID and OOD datasets to a .deephys file in one call.

>>> import deephys.torch
>>> deephys.torch.export(model, datasets={"CIFAR-10": id_loader, "CIFAR-10.2": ood_loader},
...                      layers=["layer4", "fc"], classes=class_names, path="run.deephys")
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import torch
from torch import nn

from ._torch.adapter import TorchAdapter
from ._torch.pooling import Selector
from .export import DistributedExportError, ExportError, ExportResult
from .export.exporter import ExportSettings, export_model

__all__ = ["DistributedExportError", "ExportError", "ExportResult", "export"]


def export(
    model: nn.Module,
    datasets: Mapping[str, Any],
    layers: Sequence[str | nn.Module],
    classes: Sequence[str] | None = None,
    path: str | os.PathLike[str] = "run.deephys",
    *,
    classifier: str | nn.Module | None = None,
    label_map: Sequence[int] | Mapping[Any, Any] | None = None,
    restrict_predictions: bool = False,
    roles: Mapping[str, str] | Sequence[str] | None = None,
    pooling: str | Callable[[torch.Tensor], torch.Tensor] | Mapping[str, str | Callable] = "mean",
    relu: bool | Sequence[str] = False,
    select: Selector | Mapping[str, Selector] | None = None,
    thumbnails: bool | Callable[[Any], Any] = True,
    thumbnail_size: int = 64,
    mean: Sequence[float] | None = None,
    std: Sequence[float] | None = None,
    display: Mapping[str, Any] | None = None,
    device: str | torch.device | None = None,
    autocast: torch.dtype | None = None,
    batch_size: int = 128,
    num_workers: int = 0,
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
        model: any `nn.Module`; it is not changed (hooks are removed, train/eval flags restored).
        datasets: name -> DataLoader, map-style Dataset (batched with `batch_size`) or iterable of
            `(inputs, labels)` batches, or of dicts with "pixel_values" (or "image") and "labels" (or
            "label") keys as Hugging Face collators give them. The first is the in-distribution set (role
            "id"), the others "ood", unless `roles=` says otherwise.
        layers: module names as in `model.named_modules()` (or the modules); the model itself is "output".
            The classifier is the last one unless `classifier=` says otherwise; it must have one unit per class.
        classes: the model's class names, one per classifier output (default: a Hugging Face model's
            `config.id2label`, else the first dataset's `.classes` if it has one per output, else "0", "1", ...).
            A dataset whose `.classes` count differs from the classifier's outputs is refused unless it has a
            `label_map`. On the first batch the classifier must give the model's output (same argmax), unless
            `classifier=` names it: a layer list in the wrong order is refused with the layer to use.
            When the classifier is (or ends in) an `nn.Linear` whose input is a recorded layer, its weights
            and bias are stored as the file's readout (W a + b checked against the logits on the first
            batch); otherwise a `NoReadoutWarning` says why.
        label_map: for datasets whose labels are not the model's class indices (ImageNet-R's 200 classes
            under an ImageNet model): a list of model class indices, one per dataset class (dataset label i ->
            model class label_map[i]), or a mapping dataset label -> model class; one for every dataset, or a
            mapping dataset name -> map (datasets left out use the model's classes). Labels are stored as
            model classes. `restrict_predictions=True` predicts such a dataset among its mapped classes only
            (as ImageNet-R/A evaluations do); the file's metadata records the maps and which was done.
        pooling: for conv maps (N, C, H, W) "mean" (default) or "max"; for token maps (N, T, D) "mean" or
            "first" (or "max"); a function (N, ...) -> (N, units); or a mapping layer -> one of these.
        relu: apply ReLU before pooling: True for every layer but the classifier, or a list of layers.
        select: for modules whose output is not a tensor, which element to record: an index or a key (of a
            tuple/list/dict output; tensor outputs are recorded as they are) or a function of the output;
            one for every layer or per layer as a mapping (`{"encoder": 0}`).
        thumbnails: True to make them from the inputs (in [0, 1], or normalized with `mean`/`std`, which
            are undone), a function inputs -> images, or False. `display=` maps dataset names to separate
            datasets of displayable images in the same order. Thumbnails are at most `thumbnail_size` px.
        device: where inputs go (default: the model's device). `autocast`: e.g. `torch.bfloat16` to run
            under `torch.autocast`; a model already in bf16/fp16 gets its inputs cast to its dtype.
        activation_dtype: file dtype ("float32", "float16", "bfloat16", "float64") for all or per layer;
            default: the layer's own (bf16 outputs are stored as bfloat16, means in float32).
        spatial_maps: for layers with conv maps or token maps (on their patch grid), also store where each
            unit fires on its `map_images` top images: its unpooled map, reduced on the device to at most
            `map_size` x `map_size` cells by exact area weights (so under mean pooling each map averages to
            the activation), in the same pass over the data; only the maps of images that can be among the
            top ones leave the device. `spatial_maps=False` stores none (docs/format.md, "Maps").
        distributed: write one shard per rank (`run.rank0.deephys`, ...): True, or by default when a
            process group of several ranks is initialized. DataLoaders with a DistributedSampler are used
            as they are; sequential DataLoaders and Datasets are split into contiguous shares; other
            iterables are taken to be this rank's share already. A rank whose share is empty (more ranks
            than images) still writes a valid shard with empty datasets. `merge=True` joins the shards into
            `path` on rank 0 once every rank has written its shard (otherwise run `deephys merge
            run.rank*.deephys -o run.deephys`); if any rank failed, nothing is merged and every rank raises
            `DistributedExportError` naming the failed ranks (the ranks exchange success flags with an
            all_reduce, so none waits forever).
        writer_options: more `deephys.Writer` options (image_encoding, top_k, histogram_bins, ...).

    Returns:
        An `ExportResult` (usable as a path) naming the file written and its datasets. Ctrl-C leaves a
        valid file holding the finished datasets, or nothing, and raises `ExportInterrupted` saying which.
    """
    adapter = TorchAdapter(model, layers, device, autocast, num_workers)
    return export_model(adapter, ExportSettings.of(locals()))

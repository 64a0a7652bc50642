"""Export a PyTorch model's activations on ID and OOD datasets to a .deephys file in one call.

>>> import deephys.torch
>>> deephys.torch.export(model, datasets={"CIFAR-10": id_loader, "CIFAR-10.2": ood_loader},
...                      layers=["layer4", "fc"], classes=class_names, path="run.deephys")
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import torch
from torch import nn

from ._torch.capture import TorchCapture, eval_mode, model_device
from ._torch.data import classes_of, count_images, first_batch, to_batches
from ._torch.distributed import failed_ranks, rank_and_world
from ._torch.modules import resolve_layers, resolve_one
from ._torch.pooling import Selector
from .export import (
    DistributedExportError,
    ExportError,
    ExportOptions,
    ExportResult,
    PoolingPlan,
    Thumbnailer,
    make_sources,
    run_export,
    write_shards,
)
from .export.options import per_layer, relu_layers

__all__ = ["DistributedExportError", "ExportError", "ExportResult", "export"]


def export(
    model: nn.Module,
    datasets: Mapping[str, Any],
    layers: Sequence[str | nn.Module],
    classes: Sequence[str] | None = None,
    path: str | os.PathLike[str] = "run.deephys",
    *,
    classifier: str | nn.Module | None = None,
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
            `(inputs, labels)` batches. The first is the in-distribution set (role "id"), the others "ood",
            unless `roles=` says otherwise.
        layers: module names as in `model.named_modules()` (or the modules); the model itself is "output".
            The classifier is the last one unless `classifier=` says otherwise; it must have one unit per class.
        classes: class names (default: the first dataset's `.classes` if it has one per classifier unit,
            else "0", "1", ...).
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
    if not isinstance(model, nn.Module):
        raise ExportError(f"model must be a torch.nn.Module, not {type(model).__name__}")
    recorded = resolve_layers(model, layers)
    names = list(recorded)
    classifier_name = resolve_one(model, classifier, names, "classifier") or names[-1]
    plan = PoolingPlan(pooling)
    plan.check_choices(names)
    selectors = per_layer(select, names, "select")
    shard = rank_and_world(distributed)

    def write(out_path: Path) -> ExportResult:
        sources = make_sources(
            datasets,
            roles=roles,
            display=display,
            batches_of=lambda value: to_batches(value, batch_size, num_workers, shard),
        )
        sources = [
            replace(
                source, total=count_images(source.batches), first_batch=first_batch(value) if shard else None
            )  # for an empty share
            for source, value in zip(sources, datasets.values(), strict=True)
        ]
        run_device = torch.device(device) if device is not None else model_device(model)
        capture = TorchCapture(
            model, recorded, plan, relu_layers(relu, names, classifier_name), selectors, run_device, autocast
        )
        thumbnailer = _thumbnailer(capture, thumbnails, thumbnail_size, mean, std)
        options = ExportOptions(
            model_name=model_name or type(model).__name__,
            classifier=classifier_name,
            classes=classes,
            classes_hint=classes_of(next(iter(datasets.values()))) if classes is None else None,
            writer_options=_writer_options(writer_options, activation_dtype, run_device),
            metadata={"exporter": "deephys.torch", **({"shard": f"{shard[0]}/{shard[1]}"} if shard else {})},
            progress=progress and (shard is None or shard[0] == 0),
        )
        with eval_mode(model), capture:
            return run_export(out_path, sources, capture, thumbnailer, options)

    if shard is None:
        return write(Path(path))
    return write_shards(path, *shard, write, merge=merge, failed_ranks=failed_ranks)


def _writer_options(
    given: Mapping[str, Any] | None, activation_dtype: str | Mapping[str, str] | None, device: torch.device
) -> dict[str, Any]:
    options = dict(given or {})
    if activation_dtype:
        options["activation_dtype"] = activation_dtype
    if device.type == "cpu":
        # PyTorch already keeps every core busy: one encoding thread (thousands of thumbnails a second)
        # keeps up with CPU inference, and more would only preempt PyTorch's threads.
        options.setdefault("encode_threads", 1)
    return options


def _thumbnailer(
    capture: TorchCapture,
    thumbnails: bool | Callable[[Any], Any],
    size: int,
    mean: Sequence[float] | None,
    std: Sequence[float] | None,
) -> Thumbnailer | None:
    if thumbnails is False or thumbnails is None:
        return None
    fn = None if thumbnails is True else thumbnails
    if fn is not None and not callable(fn):
        raise ExportError(f"thumbnails= takes True, False or a function inputs -> images, not {thumbnails!r}")
    return Thumbnailer(
        capture.to_numpy, layout="NCHW", size=size, mean=mean, std=std, fn=fn, fast_path=capture.thumbnails
    )

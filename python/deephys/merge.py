"""Join shard files (one per rank of a multi-process export) into one file, dataset by dataset.

Streaming (`deephys.format.copying`): activations are read chunk by chunk, per-image tables chunk by
chunk, and encoded images are copied byte for byte (no decoding, no re-encoding). Summaries are
recomputed by the writer as it streams. Memory stays bounded whatever the size of the shards. A shard's
empty dataset (a rank whose share was empty) adds nothing.

Spatial maps (docs/format.md, "Maps") are re-ranked: each shard keeps the maps of its units' top images,
and a unit's top images in the merged file are among its shards' top images (the same stored values,
ranked by the same rule), so each shard's stored maps are handed to the writer with the rows they belong
to (`with_maps`) and the writer keeps those of its global top list. A layer keeps its maps when every
shard that has images has them.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Sequence
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from .errors import MergeError
from .format.copying import copy_blocks
from .format.limits import ABSENT_INDEX
from .format.maps import SparseMaps
from .format.reader import Dataset, Run, open_run
from .format.writer import Writer

ONE = "only the shards of one export can be merged (run.rank0.deephys, run.rank1.deephys, ... of one run)"


@dataclass(frozen=True)
class MergeResult(os.PathLike):
    """The file `merge` wrote: `os.fspath(result)` is its path; `result.open()` reads it.

    `datasets` maps each dataset in the file to its number of images, `layers` each layer to its units.
    """

    path: Path
    datasets: dict[str, int]
    layers: dict[str, int]

    def __fspath__(self) -> str:
        return os.fspath(self.path)

    __str__ = __fspath__

    def open(self) -> Run:
        return open_run(self.path)

    def describe(self) -> str:
        """One line saying what the file holds."""
        held = ", ".join(f"{name!r} ({n} images)" for name, n in self.datasets.items()) or "no dataset"
        return f"{self.path} holds {held}"


def merge(
    shards: Sequence[str | os.PathLike[str]], output: str | os.PathLike[str], *, progress: bool = False
) -> MergeResult:
    """Write `output` holding each dataset of the shards, the shards' rows joined in the order given."""
    paths = [Path(p) for p in shards]
    out = Path(output)
    if not paths:
        raise MergeError("nothing to merge: give at least one shard")
    for path in paths:
        if out.exists() and path.exists() and os.path.samefile(path, out):
            raise MergeError(f"the output {out} is also one of the shards; write the merged file elsewhere")
    with ExitStack() as stack:
        runs = [stack.enter_context(open_run(path)) for path in paths]
        _check_compatible(runs)
        first = runs[0]
        metadata = {k: v for k, v in first.metadata.items() if k not in ("shard", "created")}
        metadata["merged_from"] = ", ".join(path.name for path in paths)
        counts: dict[str, int] = {}
        with Writer(out, model=first.model, metadata=metadata, progress=progress, readout=first.readout) as writer:
            for name, dataset in first.datasets.items():
                parts = [run.datasets[name] for run in runs]
                writer.top_k = dataset.top_k
                writer.histogram_bins = dataset.histogram_bins
                counts[name] = _merge_dataset(writer, parts)
    layers = {layer.name: layer.units for layer in first.model.layers}
    return MergeResult(out, counts, layers)


def _merge_dataset(writer: Writer, parts: list[Dataset]) -> int:
    head = next((part for part in parts if len(part)), parts[0])  # an empty shard's dtypes do not count
    layers = head.run.model.layers
    dtypes = {layer.name: head.dtype(layer.name) for layer in layers}
    total = sum(len(part) for part in parts)
    filled = [part for part in parts if len(part)]
    mapped = [name for name in map_layers(head) if all(name in map_layers(part) for part in filled)]
    if mapped:
        writer.map_size, writer.map_images = maps_grid(filled, mapped)
    with writer.dataset(
        head.name,
        role=head.role,
        description=head.description,
        activation_dtype=dtypes,
        total=total,
    ) as out:
        for part in parts:
            stored = stored_maps(part, mapped) if len(part) else {}
            for block in with_maps(part, copy_blocks(part), stored):
                out.append(**block)
        if total == 0:
            out.append(
                labels=np.zeros(0, np.int64),
                activations={layer.name: np.zeros((0, layer.units), np.float32) for layer in layers},
            )
    return total


def map_layers(dataset: Dataset) -> list[str]:
    """The layers of `dataset` stored with maps of their units' top images."""
    if not len(dataset):
        return []
    model = dataset.run.model
    return [layer.name for layer in model.layers if layer.units and dataset.top_maps(layer.name, 0) is not None]


#: Per layer: the images (ascending), units and maps (k, h, w) of the units' stored top maps.
StoredMaps = dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]]


def stored_maps(dataset: Dataset, layers: Sequence[str]) -> StoredMaps:
    """The stored maps of `layers`, each with the image and unit it belongs to, by image."""
    stored = {}
    for layer in layers:
        maps = dataset.all_top_maps(layer)
        assert maps is not None
        top = dataset.summary(layer).top_indices[:, : maps.shape[1]].astype(np.int64)
        units, slots = np.nonzero(top != ABSENT_INDEX)
        order = np.argsort(top[units, slots], kind="stable")
        units, slots = units[order], slots[order]
        stored[layer] = (top[units, slots], units, maps[units, slots])
    return stored


def maps_grid(datasets: Sequence[Dataset], layers: Sequence[str]) -> tuple[int, int]:
    """(map_size, map_images) of a writer that keeps the maps of `layers` of `datasets` as they are stored: the
    grids must agree (else `MergeError`); maps per unit, the fewest any of them keeps."""
    size, images = 1, None
    grids: dict[str, tuple[tuple[int, ...], Dataset]] = {}
    for dataset in datasets:
        for layer in layers:
            maps = dataset.all_top_maps(layer)
            assert maps is not None
            grid, first = grids.setdefault(layer, (maps.shape[2:], dataset))
            if maps.shape[2:] != grid:
                raise MergeError(
                    f"dataset {dataset.name!r}, layer {layer!r}: its maps are {maps.shape[2]} x {maps.shape[3]} cells "
                    f"in {dataset.run.path} but {grid[0]} x {grid[1]} in {first.run.path}; {ONE}"
                )
            size = max(size, *grid)
            images = maps.shape[1] if images is None else min(images, maps.shape[1])
    return size, images or 1


def with_maps(dataset: Dataset, blocks: Iterable[dict[str, Any]], stored: StoredMaps) -> Iterator[dict[str, Any]]:
    """`blocks` (`copy_blocks(dataset)`, in order) with the `stored` maps of the rows each block holds, as
    `SparseMaps`: the writer keeps those of its own top lists."""
    model = dataset.run.model
    units_of = {layer: model.layers[model.layer_index(layer)].units for layer in stored}
    first = 0
    for block in blocks:
        n = len(block["labels"])
        if stored:
            maps = {}
            for layer, (images, units, values) in stored.items():
                lo, hi = np.searchsorted(images, [first, first + n])
                maps[layer] = SparseMaps((n, units_of[layer]), images[lo:hi] - first, units[lo:hi], values[lo:hi])
            block = {**block, "maps": maps}
        first += n
        yield block


def _check_compatible(runs: list[Run]) -> None:
    head = runs[0]
    for run in runs[1:]:
        where = f"{run.path} and {head.path}"
        if run.model.layers != head.model.layers or run.model.classifier != head.model.classifier:
            raise MergeError(
                f"{where} hold different models (layers {run.model.layer_names} vs {head.model.layer_names}); {ONE}"
            )
        if run.classes != head.classes:
            raise MergeError(
                f"{where} have different class names ({_first_difference(run.classes, head.classes)}); {ONE}"
            )
        if list(run.datasets) != list(head.datasets):
            raise MergeError(f"{where} hold different datasets: {list(run.datasets)} vs {list(head.datasets)}; {ONE}")
        for name, dataset in run.datasets.items():
            other = head.datasets[name]
            if dataset.role != other.role:
                raise MergeError(
                    f"dataset {name!r} is {dataset.role} in {run.path} but {other.role} in {head.path}; {ONE}"
                )
    for name in head.datasets:
        filled = [run.datasets[name] for run in runs if len(run.datasets[name])]  # empty ones hold nothing
        for dataset in filled[1:]:
            other, where = filled[0], f"{dataset.run.path} and {filled[0].run.path}"
            if dataset.has_images != other.has_images:
                raise MergeError(f"dataset {name!r} has images in one of {where} and not in the other; {ONE}")
            for layer in head.model.layer_names:
                if dataset.dtype(layer) != other.dtype(layer):
                    raise MergeError(
                        f"dataset {name!r}, layer {layer!r}: stored as {dataset.dtype(layer)} in "
                        f"{dataset.run.path} but {other.dtype(layer)} in {other.run.path}; {ONE}"
                    )


def _first_difference(classes: Sequence[str], reference: Sequence[str]) -> str:
    if len(classes) != len(reference):
        return f"{len(classes)} vs {len(reference)} classes"
    i = next(i for i, (a, b) in enumerate(zip(classes, reference, strict=True)) if a != b)
    return f"class {i} is {classes[i]!r} vs {reference[i]!r}"

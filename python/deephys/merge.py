"""Join shard files (one per rank of a multi-process export) into one file, dataset by dataset.

Streaming (`deephys.format.copying`): activations are read chunk by chunk, per-image tables chunk by
chunk, and encoded images are copied byte for byte (no decoding, no re-encoding). Summaries are
recomputed by the writer as it streams. Memory stays bounded whatever the size of the shards. A shard's
empty dataset (a rank whose share was empty) adds nothing.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .errors import MergeError
from .format.copying import copy_blocks
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
    with writer.dataset(
        head.name,
        role=head.role,
        description=head.description,
        activation_dtype=dtypes,
        total=total,
    ) as out:
        for part in parts:
            for block in copy_blocks(part):
                out.append(**block)
        if total == 0:
            out.append(
                labels=np.zeros(0, np.int64),
                activations={layer.name: np.zeros((0, layer.units), np.float32) for layer in layers},
            )
    return total


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

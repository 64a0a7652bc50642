"""Join shard files (one per rank of a multi-process export) into one file, dataset by dataset.

Streaming: activations are read chunk by chunk, per-image tables chunk by chunk, and encoded images are
copied byte for byte (no decoding, no re-encoding). Summaries are recomputed by the writer as it
streams. Memory stays bounded whatever the size of the shards.
"""

from __future__ import annotations

import os
from collections.abc import Container, Iterator, Sequence
from contextlib import ExitStack
from pathlib import Path

import numpy as np

from ._generated.deephys.v1 import deephys_pb2 as pb
from .errors import DeephysError
from .export.result import ExportResult
from .format.dataset_writer import EncodedImage
from .format.limits import DEFAULT_CHUNK_BYTES
from .format.reader import Dataset, Run, open_run
from .format.writer import Writer

_BLOCK_BYTES = 4 * DEFAULT_CHUNK_BYTES  # activations (as float64) or encoded images per appended block, about


class MergeError(DeephysError, ValueError):
    """The shards cannot be merged: they differ in model, datasets or layout."""


def merge(shards: Sequence[str | os.PathLike[str]], output: str | os.PathLike[str], *,
          progress: bool = False) -> ExportResult:
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
        with Writer(out, model=first.model, metadata=metadata, progress=progress) as writer:
            for name, dataset in first.datasets.items():
                parts = [run.datasets[name] for run in runs]
                writer.top_k = dataset.top_k
                writer.histogram_bins = dataset._info.histogram_bins
                counts[name] = _merge_dataset(writer, parts)
    layers = {layer.name: layer.units for layer in first.model.layers}
    return ExportResult(out, counts, layers)


def _merge_dataset(writer: Writer, parts: list[Dataset]) -> int:
    head = parts[0]
    dtypes = {layer.name: head.dtype(layer.name) for layer in head._run.model.layers}
    total = sum(len(part) for part in parts)
    with writer.dataset(head.name, role=head.role, description=head.description,  # type: ignore[arg-type]
                        activation_dtype=dtypes, total=total) as out:
        for part in parts:
            for batch in _blocks(part):
                out.append(**batch)
        if total == 0:
            out.append(labels=np.zeros(0, np.int64),
                       activations={name: np.zeros((0, layer.units), np.float32)
                                    for name, layer in zip(dtypes, head._run.model.layers, strict=True)})
    return total


def _blocks(dataset: Dataset, keep: Container[int] | None = None) -> Iterator[dict]:
    """`append` arguments covering the dataset in order, in blocks of bounded size.

    With `keep`, only the images whose index it contains are copied; the others are left out (absent).
    """
    model = dataset._run.model
    readers = {layer.name: _RowReader(dataset, layer.name) for layer in model.layers}
    row_bytes = sum(layer.units * 8 for layer in model.layers)
    block_rows = max(1, _BLOCK_BYTES // row_bytes)
    for first, chunk in _table_chunks(dataset):
        start = 0
        while start < chunk.rows:
            stop = min(chunk.rows, start + block_rows)
            images = None
            if dataset.has_images:
                images = _images(dataset, chunk, first, start, stop, keep)
                stop = start + len(images)  # fewer rows when their images are large
            yield {
                "labels": np.asarray(chunk.labels[start:stop], np.int64),
                "predictions": np.asarray(chunk.predictions[start:stop], np.int64),
                "activations": {name: reader.take(stop - start) for name, reader in readers.items()},
                "images": images,
                "metadata": [{e.key: e.value for e in m.entries} for m in chunk.metadata[start:stop]]
                if chunk.metadata else None,
            }
            start = stop


def _table_chunks(dataset: Dataset) -> Iterator[tuple[int, pb.ImageTableChunk]]:
    for ref in dataset._info.table:
        yield ref.first_row, dataset._run._record(ref.record, "table")


def _images(dataset: Dataset, chunk: pb.ImageTableChunk, first: int, start: int, stop: int,
            keep: Container[int] | None = None) -> list[EncodedImage]:
    """Encoded images of rows [start, stop) of a table chunk, or of the first rows holding _BLOCK_BYTES."""
    refs = np.frombuffer(chunk.images, dtype=[("offset", "<u8"), ("length", "<u4"), ("crc", "<u4")])
    images: list[EncodedImage] = []
    held = 0
    for i in range(start, stop):
        if held >= _BLOCK_BYTES:
            break
        offset, length, crc = refs[i]
        held += int(length)
        if (keep is not None and first + i not in keep) or offset == length == crc == 0:
            images.append(EncodedImage.absent())
            continue
        record = dataset._run._record(pb.RecordRef(offset=int(offset), length=int(length), crc32=int(crc)), "image")
        if record.index != first + i or record.dataset != dataset.index:
            raise MergeError(f"{dataset._run.path}: image record at byte {offset} is not image {first + i} "
                             f"of dataset {dataset.name!r}")
        images.append(EncodedImage(record.data, record.width, record.height, record.channels, record.encoding))
    return images


class _RowReader:
    """Rows of one layer handed out in any block sizes, one stored chunk in memory at a time."""

    def __init__(self, dataset: Dataset, layer: str):
        self._chunks = dataset.iter_activations(layer)
        self._block: np.ndarray | None = None
        self._position = 0

    def take(self, rows: int) -> np.ndarray:
        parts = []
        while rows:
            if self._block is None or self._position == self._block.shape[0]:
                _, self._block = next(self._chunks)
                self._position = 0
            n = min(rows, self._block.shape[0] - self._position)
            parts.append(self._block[self._position : self._position + n])
            self._position += n
            rows -= n
        return parts[0] if len(parts) == 1 else np.concatenate(parts)


def _check_compatible(runs: list[Run]) -> None:
    head = runs[0]
    for run in runs[1:]:
        where = f"{run.path} and {head.path}"
        if run.model.layers != head.model.layers or run.model.classifier != head.model.classifier:
            raise MergeError(f"{where} hold different models (layers {run.model.layer_names} vs "
                             f"{head.model.layer_names}); only shards of one export can be merged")
        if run.classes != head.classes:
            raise MergeError(f"{where} have different class names")
        if list(run.datasets) != list(head.datasets):
            raise MergeError(f"{where} hold different datasets: {list(run.datasets)} vs {list(head.datasets)}")
        for name, dataset in run.datasets.items():
            other = head.datasets[name]
            if dataset.role != other.role:
                raise MergeError(f"dataset {name!r} is {dataset.role} in {run.path} but {other.role} in {head.path}")
            if dataset.has_images != other.has_images and len(dataset) and len(other):
                raise MergeError(f"dataset {name!r} has images in one of {where} and not in the other")
            for layer in head.model.layer_names:
                if dataset.dtype(layer) != other.dtype(layer):
                    raise MergeError(f"dataset {name!r}, layer {layer!r}: stored as {dataset.dtype(layer)} in "
                                     f"{run.path} but {other.dtype(layer)} in {head.path}")

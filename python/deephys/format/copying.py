"""Copying a dataset into a writer without holding it whole: what `deephys merge` and `deephys bundle --slim` do.

    with writer.dataset(name, role=..., activation_dtype=..., total=...) as out:
        for block in copy_blocks(dataset):
            out.append(**block)

Activations are read chunk by chunk, the per-image table chunk by chunk, and encoded images are copied
byte for byte (no decoding, no re-encoding). Only the public reader API is used.
"""

from __future__ import annotations

from collections.abc import Container, Iterator
from typing import Any

import numpy as np

from .limits import DEFAULT_CHUNK_BYTES
from .reader import Dataset, TableChunk
from .records import EncodedImage

#: Activations (as float64) or encoded images per block, about.
BLOCK_BYTES = 4 * DEFAULT_CHUNK_BYTES


def copy_blocks(
    dataset: Dataset, keep: Container[int] | None = None, *, block_bytes: int | None = None
) -> Iterator[dict[str, Any]]:
    """`DatasetWriter.append` arguments covering `dataset` in order, in blocks of about `block_bytes`.

    With `keep`, only the images whose index it contains are copied; the others are left out (absent).
    """
    block_bytes = block_bytes or BLOCK_BYTES
    layers = dataset.run.model.layers
    readers = {layer.name: _RowReader(dataset, layer.name) for layer in layers}
    block_rows = max(1, block_bytes // sum(layer.units * 8 for layer in layers))
    for chunk in dataset.iter_table():
        start = 0
        while start < chunk.rows:
            stop = min(chunk.rows, start + block_rows)
            images = None
            if dataset.has_images:
                images = _images(dataset, chunk, start, stop, keep, block_bytes)
                stop = start + len(images)  # fewer rows when their images are large
            yield {
                "labels": chunk.labels[start:stop],
                "predictions": chunk.predictions[start:stop],
                "activations": {name: reader.take(stop - start) for name, reader in readers.items()},
                "images": images,
                "metadata": chunk.metadata[start:stop] if chunk.metadata is not None else None,
            }
            start = stop


def _images(
    dataset: Dataset, chunk: TableChunk, start: int, stop: int, keep: Container[int] | None, block_bytes: int
) -> list[EncodedImage]:
    """Encoded images of rows [start, stop) of a table chunk, or of its first rows holding `block_bytes`."""
    images: list[EncodedImage] = []
    held = 0
    for i in range(start, stop):
        if held >= block_bytes:
            break
        held += int(chunk.image_refs["length"][i])
        index = chunk.first_row + i
        if (keep is not None and index not in keep) or not dataset.has_image(index):
            images.append(EncodedImage.absent())
        else:
            images.append(dataset.encoded_image(index))
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

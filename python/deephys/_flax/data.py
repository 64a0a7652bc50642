"""What users pass as Flax datasets: iterables of (images, labels) batches, or whole arrays in memory."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import jax
import numpy as np

from ..errors import ExportError
from ..export.sources import split_batch


def is_array(value: Any) -> bool:
    return isinstance(value, (np.ndarray, jax.Array))


@dataclass(frozen=True)
class ArrayBatches:
    """Batches of `batch_size` rows of a dataset held in memory as arrays (images, labels)."""

    images: Any
    labels: Any
    batch_size: int

    def __iter__(self) -> Iterator[tuple[Any, Any]]:
        for start in range(0, len(self.labels), self.batch_size):
            stop = start + self.batch_size
            yield self.images[start:stop], self.labels[start:stop]

    def __len__(self) -> int:
        return -(-len(self.labels) // self.batch_size)


@dataclass(frozen=True)
class ProcessShare:
    """One process's part of a dataset (see `deephys.flax.process_share`): exported as `share` is; `whole`
    (the dataset it was cut from) gives the first batch from which an empty share learns the layers' shapes."""

    share: Any
    whole: Any


def in_memory(value: Any) -> bool:
    """A pair (images, labels) of whole-dataset arrays, as opposed to a sequence of batches."""
    return (
        isinstance(value, tuple)
        and len(value) == 2
        and all(is_array(v) for v in value)
        and np.ndim(value[0]) >= 2
        and np.ndim(value[1]) >= 1
        and np.shape(value[0])[0] == np.shape(value[1])[0]
    )


def to_batches(value: Any, batch_size: int) -> Iterable[Any]:
    """Batches of `value`: an (images, labels) pair of arrays is cut into `batch_size` rows."""
    if isinstance(value, ProcessShare):
        return to_batches(value.share, batch_size)
    if in_memory(value):
        if batch_size < 1:
            raise ExportError(f"batch_size must be a positive number of images (e.g. 128), not {batch_size}")
        return ArrayBatches(value[0], value[1], batch_size)
    if isinstance(value, Iterable) and not isinstance(value, (str, bytes)):
        return value
    raise ExportError(
        "a dataset must be an iterable of (images, labels) batches (a list, a generator, a tf.data or "
        f"grain iterator...) or a pair (images, labels) of arrays, not {type(value).__name__}"
    )


def first_batch(value: Any, batch_size: int) -> Callable[[], Any] | None:
    """For a process's share: the whole dataset's first batch (see `DatasetSource.first_batch`)."""
    if not isinstance(value, ProcessShare):
        return None
    return lambda: next(iter(to_batches(value.whole, batch_size)), None)


def display_batches(value: Any, batch_size: int) -> Iterable[Any]:
    """Batches of a display dataset: a whole array of images is cut into `batch_size` rows."""
    if is_array(value):
        return (value[start : start + batch_size] for start in range(0, len(value), batch_size))
    return to_batches(value, batch_size)


def count_images(batches: Iterable[Any]) -> int | None:
    """Number of images, when known without consuming anything: arrays in memory, or a list of batches."""
    if isinstance(batches, ArrayBatches):
        return len(batches.labels)
    if isinstance(batches, (list, tuple)):
        try:
            return sum(int(np.shape(split_batch(batch, "", i)[1])[0]) for i, batch in enumerate(batches))
        except (ExportError, IndexError, TypeError):
            return None
    return None

"""Multi-process exports on JAX (`jax.distributed`): one shard per process, optionally merged by process 0.

Each process exports the batches it is given: its own share of each dataset. `process_share` cuts a
dataset held whole (a sequence of batches, or arrays) into contiguous shares, the way `deephys.torch`
splits a Dataset: merging the shards in process order gives the dataset in its own order, each image once.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import jax
import numpy as np

from ..errors import ExportError
from .data import ProcessShare, in_memory, is_array


def process_and_count(distributed: bool | None) -> tuple[int, int] | None:
    """(process index, process count) when exporting in shards: `distributed=True`, or None and several processes."""
    count = jax.process_count()
    if distributed is None:
        distributed = count > 1
    return (jax.process_index(), count) if distributed else None


def failed_processes(failed: bool) -> list[int]:
    """Every process's failure flag, gathered on all of them (after a barrier); the processes that failed."""
    from jax.experimental import multihost_utils

    if hasattr(multihost_utils, "sync_global_devices"):
        multihost_utils.sync_global_devices("deephys.flax.export: shards written")
    flags = multihost_utils.process_allgather(np.array([jax.process_index(), int(failed)], np.int32))
    return sorted(int(index) for index, flag in np.asarray(flags).reshape(-1, 2) if flag)


def process_share(data: Any, process_index: int | None = None, process_count: int | None = None) -> Any:
    """This process's contiguous share of `data`, for `deephys.flax.export` in a multi-process run.

    `data`: a pair `(images, labels)` of whole-dataset arrays (cut into rows), one array (e.g. a
    `display=` dataset; cut into rows), a sequence of batches (a list; cut into runs of whole batches),
    or a mapping name -> any of these (each cut). Process i of n gets the part [size * i // n,
    size * (i + 1) // n), so a share may be empty (it still writes a valid shard). The index and count
    default to `jax.process_index()` and `jax.process_count()`. Iterators and generators cannot be cut
    without reading them: give each process its own (e.g. tf.data `.shard(n, i)`, grain `ShardByJaxProcess`).
    """
    index = jax.process_index() if process_index is None else process_index
    count = jax.process_count() if process_count is None else process_count
    if not 0 <= index < count:
        raise ExportError(
            f"process index {index} is not in [0, {count}): pass process_index= in [0, process_count), or "
            "neither (jax.process_index() and jax.process_count())"
        )
    if isinstance(data, Mapping):
        return {name: process_share(value, index, count) for name, value in data.items()}
    if in_memory(data):
        images, labels = data
        part = _part(len(labels), index, count)
        return ProcessShare((images[part], labels[part]), data)
    if is_array(data):
        return data[_part(len(data), index, count)]
    if isinstance(data, Sequence) and not isinstance(data, (str, bytes)):
        return ProcessShare(list(data[_part(len(data), index, count)]), data)
    raise ExportError(
        f"process_share cannot cut a {type(data).__name__}: give a pair (images, labels) of arrays, an array, "
        "a sequence of batches or a mapping of these; an iterator must be sharded where it is made "
        "(e.g. tf.data .shard(jax.process_count(), jax.process_index()))"
    )


def _part(size: int, index: int, count: int) -> slice:
    return slice(size * index // count, size * (index + 1) // count)

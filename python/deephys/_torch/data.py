"""Turning what users pass as datasets (DataLoader, Dataset, iterable) into batches, sizes and shards."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any

from torch.utils.data import (
    DataLoader,
    Dataset,
    DistributedSampler,
    IterableDataset,
    Sampler,
    SequentialSampler,
    Subset,
)

from ..errors import ExportError


class ContiguousShard(Sampler[int]):
    """Indices [start, stop) of rank `rank` out of `world` equal-as-possible contiguous parts.

    Unlike DistributedSampler it neither pads nor interleaves, so merging the shards in rank order gives
    the dataset in its own order, each image once.
    """

    def __init__(self, size: int, rank: int, world: int):
        self.start = size * rank // world
        self.stop = size * (rank + 1) // world

    def __iter__(self) -> Iterator[int]:
        return iter(range(self.start, self.stop))

    def __len__(self) -> int:
        return self.stop - self.start


def is_map_dataset(value: Any) -> bool:
    return isinstance(value, Dataset) and not isinstance(value, IterableDataset) and hasattr(value, "__len__")


def to_batches(value: Any, batch_size: int, num_workers: int, shard: tuple[int, int] | None) -> Iterable[Any]:
    """Batches of `value`; with `shard=(rank, world)` only this rank's share (see `shard_loader`)."""
    if isinstance(value, DataLoader):
        return shard_loader(value, shard) if shard else value
    if is_map_dataset(value):
        sampler = ContiguousShard(len(value), *shard) if shard else None
        return DataLoader(value, batch_size=batch_size, shuffle=False, sampler=sampler, num_workers=num_workers)
    if isinstance(value, Iterable):
        return value  # already batches; under distributed=True each rank must pass its own share
    raise ExportError(
        f"a dataset must be a DataLoader, a Dataset or an iterable of (inputs, labels) batches, "
        f"not {type(value).__name__}"
    )


def shard_loader(loader: DataLoader, shard: tuple[int, int]) -> DataLoader:
    """This rank's share of `loader`: as is with a DistributedSampler, else re-made over a contiguous shard."""
    if isinstance(loader.sampler, DistributedSampler):
        return loader
    if not isinstance(loader.sampler, SequentialSampler) or loader.batch_sampler is None or loader.batch_size is None:
        raise ExportError(
            "distributed export: a DataLoader must either use a DistributedSampler (each rank reads its share) "
            "or read in order (shuffle=False, default sampler) so deephys can split it; this one uses "
            f"{type(loader.sampler).__name__}"
        )
    return DataLoader(
        loader.dataset,
        batch_size=loader.batch_size,
        sampler=ContiguousShard(len(loader.dataset), *shard),  # type: ignore[arg-type]
        num_workers=loader.num_workers,
        collate_fn=loader.collate_fn,
        pin_memory=loader.pin_memory,
        drop_last=loader.drop_last,
        worker_init_fn=loader.worker_init_fn,
        persistent_workers=loader.persistent_workers if loader.num_workers else False,
    )


def first_batch(value: Any) -> Callable[[], Any] | None:
    """The whole dataset's first image as a batch, for a rank whose share is empty (it learns the layers'
    shapes from it); None when `value` is not a map-style dataset (or a DataLoader of one) with images."""
    dataset: Any = value.dataset if isinstance(value, DataLoader) else value
    if not is_map_dataset(dataset) or len(dataset) == 0:
        return None
    collate = value.collate_fn if isinstance(value, DataLoader) else None
    return lambda: next(iter(DataLoader(Subset(dataset, [0]), batch_size=1, collate_fn=collate)))


def count_images(batches: Iterable[Any]) -> int | None:
    """Number of images `batches` yields, when it can be known without iterating."""
    if isinstance(batches, DataLoader):
        if isinstance(batches.dataset, IterableDataset):
            return None
        try:
            if batches.batch_size is not None and batches.drop_last:
                return len(batches) * batches.batch_size
            return len(batches.sampler)  # type: ignore[arg-type]
        except TypeError:
            return None
    return None

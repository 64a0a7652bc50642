"""Multi-process exports on torch.distributed: one shard per rank, optionally merged by rank 0."""

from __future__ import annotations

import os
from pathlib import Path

import torch.distributed as dist

from ..export.errors import ExportError
from ..export.sharding import shard_path


def rank_and_world(distributed: bool | None) -> tuple[int, int] | None:
    """(rank, world size) when exporting in shards: `distributed=True`, or None and a process group is up."""
    initialized = dist.is_available() and dist.is_initialized()
    if distributed is None:
        distributed = initialized and dist.get_world_size() > 1
    if not distributed:
        return None
    if not initialized:
        raise ExportError(
            "distributed=True needs an initialized process group: call torch.distributed.init_process_group() "
            "first (torchrun sets up the environment for it)"
        )
    return dist.get_rank(), dist.get_world_size()


def shard_paths(path: str | os.PathLike[str], world: int) -> list[Path]:
    return [shard_path(path, rank) for rank in range(world)]


def merge_shards(path: Path, world: int, keep_shards: bool) -> None:
    """On rank 0, once every rank is done: join the shards into `path` (others wait)."""
    dist.barrier()
    if dist.get_rank() != 0:
        dist.barrier()
        return
    try:
        from ..merge import merge

        shards = shard_paths(path, world)
        merge(shards, path)
        if not keep_shards:
            for shard in shards:
                shard.unlink(missing_ok=True)
    finally:
        dist.barrier()  # release the other ranks even if the merge failed

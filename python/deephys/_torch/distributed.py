"""Multi-process exports on torch.distributed: one shard per rank, optionally merged by rank 0."""

from __future__ import annotations

import torch
import torch.distributed as dist

from ..errors import ExportError


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


def failed_ranks(failed: bool) -> list[int]:
    """Every rank's failure flag, exchanged with one all_reduce (a barrier too); the ranks that failed."""
    # NCCL reduces CUDA tensors only; gloo (and a "cpu:gloo,cuda:nccl" group) CPU ones.
    device = torch.device("cuda", torch.cuda.current_device()) if dist.get_backend() == "nccl" else torch.device("cpu")
    flags = torch.zeros(dist.get_world_size(), dtype=torch.int32, device=device)
    flags[dist.get_rank()] = int(failed)
    dist.all_reduce(flags)
    return [rank for rank, flag in enumerate(flags.tolist()) if flag]

"""Shard files of multi-process exports: one file per rank, joined by `deephys merge`.

`write_shards` is the part shared by `deephys.torch` (torch.distributed) and `deephys.flax` (JAX
multi-process): each rank writes `shard_path(path, rank)`; with `merge=True` the ranks then exchange
whether they succeeded (`failed_ranks`, a collective: every rank must call it the same number of times),
rank 0 joins the shards into `path` only if all did, and every rank raises `DistributedExportError`
naming the failed ranks otherwise, so no rank waits forever for one that failed.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from ..errors import DistributedExportError
from ..merge import merge as merge_files
from .result import ExportResult

#: Collective: this rank's failure flag in, the sorted ranks whose flag is set out (on every rank).
FailedRanks = Callable[[bool], list[int]]


def shard_path(path: str | os.PathLike[str], rank: int) -> Path:
    """`run.deephys` -> `run.rank0.deephys` (the suffix stays last so the file type is still clear)."""
    path = Path(path)
    suffix = path.suffix or ".deephys"
    stem = path.name[: -len(path.suffix)] if path.suffix else path.name
    return path.with_name(f"{stem}.rank{rank}{suffix}")


def write_shards(
    path: str | os.PathLike[str],
    rank: int,
    world: int,
    write: Callable[[Path], ExportResult],
    *,
    merge: bool,
    failed_ranks: FailedRanks,
) -> ExportResult:
    """`write(shard_path(path, rank))` on this rank; with `merge`, rank 0 then joins all shards into `path`.

    Without `merge` no rank waits for another. With it, every rank returns once the merged file is
    written (an `ExportResult` naming `path`, with this rank's counts), or raises `DistributedExportError`.
    """
    target = Path(path)
    if not merge:
        return write(shard_path(target, rank))
    try:
        result = write(shard_path(target, rank))
    except BaseException as exc:
        failed = failed_ranks(True)
        if isinstance(exc, KeyboardInterrupt):
            raise  # Ctrl-C stays Ctrl-C (ExportInterrupted says what the shard holds)
        raise DistributedExportError(
            f"rank {rank} failed ({type(exc).__name__}: {exc}); {_not_merged(failed)}", failed
        ) from exc
    failed = failed_ranks(False)
    if failed:
        raise DistributedExportError(_not_merged(failed), failed)
    error = _merge_on_rank_zero(target, rank, world)
    failed = failed_ranks(error is not None)  # the other ranks wait here while rank 0 merges
    if error is not None:
        raise DistributedExportError(
            f"rank 0 could not merge the shards into {target} ({error}); the shards are "
            f"kept: merge them with `deephys merge`",
            failed,
        ) from error
    if failed:
        raise DistributedExportError(
            f"rank 0 could not merge the shards into {target} (see its error); the shards are kept", failed
        )
    return ExportResult(target, result.datasets, result.layers, result.nonfinite)


def _not_merged(failed: list[int]) -> str:
    ranks = ", ".join(map(str, failed))
    return (
        f"the distributed export failed on rank{'s' if len(failed) > 1 else ''} {ranks} (see "
        f"{'their errors' if len(failed) > 1 else 'its error'}), so the shards were not merged"
    )


def _merge_on_rank_zero(target: Path, rank: int, world: int) -> Exception | None:
    if rank != 0:
        return None
    shards = [shard_path(target, r) for r in range(world)]
    try:
        merge_files(shards, target)
    except Exception as exc:  # noqa: BLE001 - every rank is told, then it is raised
        return exc
    for shard in shards:
        shard.unlink(missing_ok=True)
    return None

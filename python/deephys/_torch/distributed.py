"""Multi-process exports on torch.distributed: one shard per rank, optionally merged by rank 0.

With `merge=True` the ranks exchange success flags after writing their shards (`failed_ranks`). A rank
that was killed (SIGKILL, out of memory) would leave the others waiting until the process group's
timeout, often 30 minutes or more; so while an export runs every rank beats a heartbeat into the process
group's store (`alive`), and a rank waiting for the flags gives up on a rank whose heartbeat stopped for
`DEAD_AFTER` seconds, raising `DistributedExportError` that names it. A rank that is slow but alive is
waited for as long as it takes.
"""

from __future__ import annotations

import contextlib
import itertools
import threading
import time
from collections.abc import Iterator

import torch
import torch.distributed as dist

from ..errors import DistributedExportError, ExportError

HEARTBEAT = 1.0  # seconds between a rank's heartbeats
DEAD_AFTER = 30.0  # seconds without a heartbeat after which a rank is taken to be dead
_POLL = 0.1
_exports = itertools.count()  # the same sequence on every rank: exports are collective
_current: list[tuple[str, itertools.count]] = []  # (this export's store prefix, its exchange steps)


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


def _store() -> dist.Store | None:
    """The default process group's key-value store (every backend has one), or None if torch hides it."""
    get = getattr(dist.distributed_c10d, "_get_default_store", None)
    try:
        return get() if get is not None else None
    except (RuntimeError, ValueError):
        return None


@contextlib.contextmanager
def alive() -> Iterator[None]:
    """While the block runs, a thread writes this rank's heartbeat into the store every `HEARTBEAT` s."""
    store = _store()
    if store is None:
        yield
        return
    prefix = f"deephys/export{next(_exports)}"
    key = f"{prefix}/beat{dist.get_rank()}"
    beating = store.clone() if hasattr(store, "clone") else store  # a client of its own for the thread
    stop = threading.Event()

    def beat() -> None:
        for count in itertools.count():
            try:
                beating.set(key, str(count))
            except Exception:  # noqa: BLE001 - the store is gone (rank 0 stopped): the waiters say so
                return
            if stop.wait(HEARTBEAT):
                return

    thread = threading.Thread(target=beat, name="deephys-heartbeat", daemon=True)
    thread.start()
    _current.append((prefix, itertools.count()))
    try:
        yield
    finally:
        _current.pop()
        stop.set()
        thread.join(timeout=5)


def failed_ranks(failed: bool) -> list[int]:
    """Every rank's failure flag, exchanged through the store (a barrier too); the ranks that failed.

    Raises `DistributedExportError` naming the ranks whose heartbeat stopped while this one waited.
    """
    store = _store()
    if store is None or not _current:
        return _all_reduce_flags(failed)
    prefix, steps = _current[-1]
    step, rank, world = next(steps), dist.get_rank(), dist.get_world_size()
    flag = f"{prefix}/step{step}/rank{{}}"
    try:
        store.set(flag.format(rank), "1" if failed else "0")
        flags = _wait_for_flags(store, prefix, flag, rank, world)
        store.set(f"{prefix}/step{step}/read{rank}", "1")
        if rank == 0:  # the store's usual host: it stays until every rank has read the flags
            _wait_for_readers(store, f"{prefix}/step{step}/read{{}}", world)
    except DistributedExportError:
        raise
    except Exception as exc:  # noqa: BLE001 - a store that stopped answering: its host, rank 0, is gone
        raise DistributedExportError(
            f"rank {rank} lost the process group's store, which rank 0 hosts ({type(exc).__name__}: {exc}): rank 0 "
            "stopped (killed, or out of memory), so the shards were not merged; merge the shards that were "
            "written with `deephys merge`, or export again",
            [0],
        ) from exc
    return [r for r in range(world) if flags[r]]


def _wait_for_flags(store: dist.Store, prefix: str, flag: str, rank: int, world: int) -> dict[int, bool]:
    flags: dict[int, bool] = {}
    beats: dict[int, tuple[bytes | None, float]] = {r: (None, time.monotonic()) for r in range(world)}
    while len(flags) < world:
        now = time.monotonic()
        dead = []
        for other in range(world):
            if other in flags:
                continue
            if store.check([flag.format(other)]):
                flags[other] = store.get(flag.format(other)) == b"1"
                continue
            beat_key = f"{prefix}/beat{other}"
            value = store.get(beat_key) if store.check([beat_key]) else None
            if value != beats[other][0]:
                beats[other] = (value, now)
            elif now - beats[other][1] > DEAD_AFTER:
                dead.append(other)
        if dead:
            ranks = ", ".join(map(str, dead))
            plural = "s" if len(dead) > 1 else ""
            raise DistributedExportError(
                f"rank{plural} {ranks} stopped: no heartbeat for {DEAD_AFTER:.0f} s (killed, out of memory, or hung) "
                f"while rank {rank} waited for every rank to finish its shard, so the shards were not merged; "
                f"the shards that were written are kept (merge them with `deephys merge`, or export again)",
                dead,
            )
        if len(flags) < world:
            time.sleep(_POLL)
    return flags


def _wait_for_readers(store: dist.Store, read: str, world: int) -> None:
    """Until every rank has read the flags, or `DEAD_AFTER` seconds (a rank that died meanwhile is not waited for)."""
    deadline = time.monotonic() + DEAD_AFTER
    while not store.check([read.format(r) for r in range(world)]) and time.monotonic() < deadline:
        time.sleep(_POLL)


def _all_reduce_flags(failed: bool) -> list[int]:
    """The flags exchanged with one all_reduce, when the store is not reachable (no dead-rank detection)."""
    # NCCL reduces CUDA tensors only; gloo (and a "cpu:gloo,cuda:nccl" group) CPU ones.
    device = torch.device("cuda", torch.cuda.current_device()) if dist.get_backend() == "nccl" else torch.device("cpu")
    flags = torch.zeros(dist.get_world_size(), dtype=torch.int32, device=device)
    flags[dist.get_rank()] = int(failed)
    dist.all_reduce(flags)
    return [rank for rank, flag in enumerate(flags.tolist()) if flag]

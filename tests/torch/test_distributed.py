"""Multi-process exports (gloo, CPU, localhost) write one shard per rank; merging them gives the
single-process file: same activations, labels, predictions, images and summaries."""

from __future__ import annotations

import os
import signal
import socket
import time
from datetime import timedelta
from pathlib import Path

import numpy as np
import pytest
import torch
import torch.distributed as dist
import torch.multiprocessing as mp
from click.testing import CliRunner
from torch.utils.data import DataLoader, TensorDataset
from torch_models import CLASSES, ResNet, randomize_batch_norm

import deephys
import deephys.torch
from deephys.cli import main
from deephys.format.validate import validate
from deephys.merge import MergeError, merge

LAYERS = ["layers.0", "layers.1", "fc"]


def make_model() -> ResNet:
    torch.manual_seed(0)
    return randomize_batch_norm(ResNet())


def make_data(sizes: tuple[int, int]) -> dict:
    generator = torch.Generator().manual_seed(1)

    def tensors(n: int) -> TensorDataset:
        images = torch.rand(n, 3, 12, 12, generator=generator)
        return TensorDataset(images, torch.randint(0, 10, (n,), generator=generator))

    return {"ID": tensors(sizes[0]), "OOD": DataLoader(tensors(sizes[1]), batch_size=5)}


# Shards that split at batch boundaries run the very same batches as one process, so even the float
# results are bit-identical; other splits run other batch sizes (BLAS may round differently).
ALIGNED = (48, 30)  # batches of 8 and 5; 2 ranks: 24 and 15 each
UNEVEN = (37, 22)


def export(path: Path, sizes: tuple[int, int], **options) -> deephys.export.ExportResult:
    return deephys.torch.export(
        make_model(),
        make_data(sizes),
        layers=LAYERS,
        classes=CLASSES,
        path=path,
        batch_size=8,
        progress=False,
        **options,
    )


def worker(rank: int, world: int, port: int, path: str, sizes: tuple[int, int], merge_shards: bool) -> None:
    os.environ.update(MASTER_ADDR="127.0.0.1", MASTER_PORT=str(port))
    torch.set_num_threads(1)
    dist.init_process_group("gloo", rank=rank, world_size=world)
    try:
        export(Path(path), sizes, merge=merge_shards)  # distributed is on by default with a process group
    finally:
        dist.destroy_process_group()


def scenario_worker(rank: int, world: int, port: int, folder: str, scenario: str) -> None:
    """Run one export under a process group; write what happened to `outcome<rank>.txt` (never raise)."""
    os.environ.update(MASTER_ADDR="127.0.0.1", MASTER_PORT=str(port))
    torch.set_num_threads(1)
    dist.init_process_group("gloo", rank=rank, world_size=world, timeout=timedelta(seconds=60))
    outcome = "ok"
    try:
        if scenario == "tiny":  # 3 ranks, 2 + 1 images: rank 0's share of both datasets is empty
            export(Path(folder, "run.deephys"), (2, 1))
        elif scenario == "bad label on rank 1":
            data = make_data(ALIGNED)
            images, labels = data["ID"].tensors
            data["ID"] = TensorDataset(images, torch.cat([labels[:-1], torch.tensor([99])]))  # in rank 1's half
            deephys.torch.export(
                make_model(),
                data,
                layers=LAYERS,
                classes=CLASSES,
                path=Path(folder, "run.deephys"),
                batch_size=8,
                progress=False,
                merge=True,
            )
    except Exception as exc:  # noqa: BLE001 - reported to the test
        outcome = f"{type(exc).__name__}: {exc}"
    finally:
        dist.destroy_process_group()
    Path(folder, f"outcome{rank}.txt").write_text(outcome)


def killed_rank_worker(rank: int, world: int, port: int, folder: str) -> None:
    """Rank 1 is killed (SIGKILL) during its export; rank 0 writes what it was told to `outcome0.txt`."""
    import deephys._torch.distributed as ranks

    ranks.DEAD_AFTER, ranks.HEARTBEAT = 5.0, 0.2  # the test's clock: 30 s by default
    os.environ.update(MASTER_ADDR="127.0.0.1", MASTER_PORT=str(port))
    torch.set_num_threads(1)
    dist.init_process_group("gloo", rank=rank, world_size=world, timeout=timedelta(minutes=30))

    def batches():
        generator = torch.Generator().manual_seed(rank)
        for _ in range(3):
            yield torch.rand(4, 3, 12, 12, generator=generator), torch.randint(0, 10, (4,), generator=generator)
            if rank == 1:
                os.kill(os.getpid(), signal.SIGKILL)

    outcome = "ok"
    try:
        deephys.torch.export(
            make_model(),
            {"ID": batches()},
            layers=LAYERS,
            classes=CLASSES,
            path=Path(folder, "run.deephys"),
            progress=False,
            merge=True,
        )
    except Exception as exc:  # noqa: BLE001 - reported to the test
        outcome = f"{type(exc).__name__}: {exc}"
    Path(folder, f"outcome{rank}.txt").write_text(outcome)
    os._exit(0)  # a process group with a dead rank cannot be destroyed cleanly


def test_a_killed_rank_is_named_instead_of_a_wait_for_the_timeout(tmp_path: Path) -> None:
    context = mp.get_context("spawn")
    port = free_port()
    processes = [context.Process(target=killed_rank_worker, args=(r, 2, port, str(tmp_path))) for r in range(2)]
    for process in processes:
        process.start()
    for process in processes:
        process.join(timeout=120)  # the process group's timeout is 30 minutes
    alive = [process for process in processes if process.is_alive()]
    for process in alive:
        process.kill()
    assert not alive, "rank 0 still waits for the killed rank"
    assert processes[1].exitcode == -signal.SIGKILL
    outcome = (tmp_path / "outcome0.txt").read_text()
    assert outcome.startswith("DistributedExportError: rank 1 stopped: no heartbeat for 5 s"), outcome
    assert "the shards were not merged" in outcome
    assert sorted(p.name for p in tmp_path.glob("*.deephys")) == ["run.rank0.deephys"]


def run_scenario(world: int, folder: Path, scenario: str, limit_s: float = 120) -> list[str]:
    """Each rank's outcome; fails (and kills the ranks) if they have not all finished within `limit_s`."""
    context = mp.spawn(scenario_worker, args=(world, free_port(), str(folder), scenario), nprocs=world, join=False)
    deadline = time.monotonic() + limit_s
    while not context.join(timeout=1):
        if time.monotonic() > deadline:
            for process in context.processes:
                process.kill()
            pytest.fail(f"the ranks of {scenario!r} did not finish within {limit_s} s")
    return [(folder / f"outcome{rank}.txt").read_text() for rank in range(world)]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run_ranks(world: int, path: Path, sizes: tuple[int, int], merge_shards: bool) -> None:
    mp.spawn(worker, args=(world, free_port(), str(path), sizes, merge_shards), nprocs=world, join=True)


def assert_same_files(a: Path, b: Path, exact: bool = True) -> None:
    same = (
        np.testing.assert_array_equal
        if exact
        else (lambda x, y, err_msg="": np.testing.assert_allclose(x, y, rtol=1e-5, atol=1e-6, err_msg=err_msg))
    )
    with deephys.open(a) as left, deephys.open(b) as right:
        assert left.model.layers == right.model.layers and left.classes == right.classes
        assert left.readout == right.readout  # the classifier's readout, kept by the merge
        assert list(left.datasets) == list(right.datasets)
        for name, x in left.datasets.items():
            y = right.datasets[name]
            assert (len(x), x.role, x.has_images) == (len(y), y.role, y.has_images)
            np.testing.assert_array_equal(x.labels, y.labels)
            np.testing.assert_array_equal(x.predictions, y.predictions)
            same(x.confidences, y.confidences)
            for i in range(len(x)):
                assert x.image_bytes(i) == y.image_bytes(i)
            for layer in left.model.layer_names:
                same(x.activations(layer), y.activations(layer))
                sx, sy = x.summary(layer), y.summary(layer)
                for field in ("nan_count", "inf_count", "class_counts"):
                    np.testing.assert_array_equal(getattr(sx, field), getattr(sy, field), err_msg=field)
                for field in ("min", "max", "top_values"):
                    same(getattr(sx, field), getattr(sy, field), err_msg=field)
                if exact:  # near-ties may swap places, and values on bin edges change bins, otherwise
                    for field in ("top_indices", "histogram"):
                        np.testing.assert_array_equal(getattr(sx, field), getattr(sy, field), err_msg=field)
                np.testing.assert_allclose(sx.mean, sy.mean, rtol=1e-6 if not exact else 1e-12)
                mx, my = x.all_top_maps(layer), y.all_top_maps(layer)  # spatial maps, re-ranked by the merge
                assert (mx is None) == (my is None) == (layer == "fc") or len(x) == 0, layer
                if exact and mx is not None and my is not None:
                    np.testing.assert_allclose(mx, my, rtol=1e-6, atol=1e-6, err_msg=f"{name}/{layer} maps")
                np.testing.assert_allclose(sx.class_means, sy.class_means, rtol=1e-5 if not exact else 1e-6)


def test_two_ranks_then_deephys_merge_equals_one_process(tmp_path: Path) -> None:
    single = export(tmp_path / "single.deephys", ALIGNED)
    run_ranks(2, tmp_path / "run.deephys", ALIGNED, merge_shards=False)
    shards = [tmp_path / "run.rank0.deephys", tmp_path / "run.rank1.deephys"]
    with deephys.open(shards[0]) as first, deephys.open(shards[1]) as second:
        assert len(first.datasets["ID"]) == len(second.datasets["ID"]) == 24
        assert first.metadata["shard"] == "0/2"
    out = CliRunner().invoke(
        main, ["merge", *map(str, shards), "-o", str(tmp_path / "merged.deephys"), "--no-progress"]
    )
    assert out.exit_code == 0, out.output
    assert "'ID' (48 images), 'OOD' (30 images)" in out.output
    assert_same_files(single, tmp_path / "merged.deephys")
    again = CliRunner().invoke(main, ["merge", *map(str, shards), "-o", str(tmp_path / "merged.deephys")])
    assert again.exit_code != 0 and "pass --force" in again.output


def test_three_ranks_merged_by_rank_zero(tmp_path: Path) -> None:
    single = export(tmp_path / "single.deephys", UNEVEN)
    run_ranks(3, tmp_path / "run.deephys", UNEVEN, merge_shards=True)
    assert sorted(os.listdir(tmp_path)) == ["run.deephys", "single.deephys"]
    assert_same_files(single, tmp_path / "run.deephys", exact=False)


def test_ranks_with_empty_shares_write_valid_shards_that_merge(tmp_path: Path) -> None:
    single = export(tmp_path / "single.deephys", (2, 1))
    assert run_scenario(3, tmp_path, "tiny") == ["ok"] * 3
    shards = [tmp_path / f"run.rank{rank}.deephys" for rank in range(3)]
    sizes = []
    for shard in shards:
        assert validate(shard).problems == [], shard
        with deephys.open(shard) as run, deephys.open(single) as whole:
            assert run.model.layers == whole.model.layers and run.classes == whole.classes
            sizes.append([len(d) for d in run.datasets.values()])
            assert all(
                run.datasets[name].dtype(layer) == whole.datasets[name].dtype(layer)
                for name in run.datasets
                for layer in LAYERS
            )
    assert sizes == [[0, 0], [1, 0], [1, 1]]
    merged = merge(shards, tmp_path / "merged.deephys")
    assert merged.datasets == {"ID": 2, "OOD": 1}
    assert_same_files(single, merged, exact=False)
    empty_first = merge([shards[0], shards[0]], tmp_path / "empty.deephys")  # nothing but empty datasets
    assert empty_first.datasets == {"ID": 0, "OOD": 0}


def test_a_failed_rank_stops_the_merge_on_every_rank(tmp_path: Path) -> None:
    outcomes = run_scenario(2, tmp_path, "bad label on rank 1")
    assert outcomes[0].startswith("DistributedExportError: the distributed export failed on rank 1 ")
    assert "not merged" in outcomes[0]
    assert outcomes[1].startswith("DistributedExportError: rank 1 failed (ExportError: ")
    assert "99" in outcomes[1] and "failed on rank 1 " in outcomes[1]
    assert sorted(p.name for p in tmp_path.glob("*.deephys")) == ["run.rank0.deephys"]  # rank 0's shard is kept


def test_merge_refuses_different_models(tmp_path: Path) -> None:
    a = export(tmp_path / "a.deephys", UNEVEN)
    b = deephys.torch.export(
        make_model(),
        make_data(UNEVEN),
        layers=["layers.1", "fc"],
        classes=CLASSES,
        path=tmp_path / "b.deephys",
        progress=False,
    )
    with pytest.raises(MergeError, match="hold different models"):
        merge([a, b], tmp_path / "c.deephys")
    assert not (tmp_path / "c.deephys").exists()


def test_distributed_without_process_group_is_explained(tmp_path: Path) -> None:
    with pytest.raises(deephys.export.ExportError, match="init_process_group"):
        export(tmp_path / "x.deephys", UNEVEN, distributed=True)


def test_merge_in_small_blocks_keeps_every_row_in_order(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import deephys.format.copying

    monkeypatch.setattr(deephys.format.copying, "BLOCK_BYTES", 3000)  # a few rows per block, images cut blocks short
    a = export(tmp_path / "a.deephys", (9, 4))
    b = deephys.torch.export(
        make_model(),
        {"ID": make_data((6, 3))["ID"], "OOD": []},
        layers=LAYERS,
        classes=CLASSES,
        path=tmp_path / "b.deephys",
        progress=False,
    )
    with_empty = merge([a, b], tmp_path / "e.deephys")  # a shard's empty dataset adds nothing
    assert with_empty.datasets == {"ID": 15, "OOD": 4}
    c = export(tmp_path / "c.deephys", (6, 3))
    merged = merge([a, c], tmp_path / "m.deephys")
    assert merged.datasets == {"ID": 15, "OOD": 7}
    with deephys.open(a) as x, deephys.open(c) as y, deephys.open(merged) as m:
        for name in ("ID", "OOD"):
            parts, joined = (x.datasets[name], y.datasets[name]), m.datasets[name]
            np.testing.assert_array_equal(joined.labels, np.concatenate([p.labels for p in parts]))
            for layer in LAYERS:
                np.testing.assert_array_equal(
                    joined.activations(layer), np.concatenate([p.activations(layer) for p in parts])
                )
            images = [p.image_bytes(i) for p in parts for i in range(len(p))]
            assert [joined.image_bytes(i) for i in range(len(joined))] == images

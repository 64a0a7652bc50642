"""JAX multi-process exports: two real JAX CPU processes (`jax.distributed` on 127.0.0.1) write one shard
each; `deephys merge` of the shards, and merge=True, give the single-process file. A failed process stops
the merge on both. `process_share` cuts datasets contiguously, like deephys.torch."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner
from jax_process import export, make_data

import deephys
import deephys.flax
from deephys._flax.data import first_batch
from deephys.cli import main
from deephys.export import ExportError

HERE = Path(__file__).parent
LIMIT_S = 180


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run_processes(folder: Path) -> list[dict]:
    """Start both processes, wait for them (killed after LIMIT_S), and return their outcomes."""
    port = free_port()
    env = {
        **os.environ,
        "JAX_PLATFORMS": "cpu",
        "PYTHONPATH": os.pathsep.join([str(HERE), *filter(None, [os.environ.get("PYTHONPATH")])]),
    }
    logs = [open(folder / f"log{i}.txt", "w") for i in range(2)]  # noqa: SIM115 - closed below
    processes = [
        subprocess.Popen(
            [sys.executable, str(HERE / "jax_process.py"), str(i), str(port), str(folder)],
            env=env,
            stdout=logs[i],
            stderr=subprocess.STDOUT,
        )
        for i in range(2)
    ]
    try:
        codes = [p.wait(timeout=LIMIT_S) for p in processes]
    except subprocess.TimeoutExpired:
        codes = None
    finally:
        for p in processes:
            p.kill()
        for log in logs:
            log.close()
    output = "\n".join((folder / f"log{i}.txt").read_text()[-3000:] for i in range(2))
    assert codes == [0, 0], f"the JAX processes ended with {codes}:\n{output}"
    return [
        {**json.loads((folder / f"outcome{i}.json").read_text()), "log": (folder / f"log{i}.txt").read_text()}
        for i in range(2)
    ]


def assert_same_files(a: Path, b: Path) -> None:
    with deephys.open(a) as left, deephys.open(b) as right:
        assert left.model.layers == right.model.layers and left.classes == right.classes
        assert list(left.datasets) == list(right.datasets)
        for name, x in left.datasets.items():
            y = right.datasets[name]
            assert (len(x), x.role) == (len(y), y.role)
            np.testing.assert_array_equal(x.labels, y.labels)
            np.testing.assert_array_equal(x.predictions, y.predictions)
            np.testing.assert_array_equal(x.confidences, y.confidences)
            assert [x.image_bytes(i) for i in range(len(x))] == [y.image_bytes(i) for i in range(len(y))]
            for layer in left.model.layer_names:
                # the same batches ran through the same compiled program: bit-identical
                np.testing.assert_array_equal(x.activations(layer), y.activations(layer))
                sx, sy = x.summary(layer), y.summary(layer)
                for field in (
                    "min",
                    "max",
                    "nan_count",
                    "inf_count",
                    "top_indices",
                    "top_values",
                    "class_counts",
                    "histogram",
                ):
                    np.testing.assert_array_equal(getattr(sx, field), getattr(sy, field), err_msg=field)
                np.testing.assert_allclose(sx.mean, sy.mean, rtol=1e-12)
                np.testing.assert_allclose(sx.class_means, sy.class_means, rtol=1e-6)


def test_two_jax_processes_write_shards_that_merge_into_the_single_process_file(tmp_path: Path) -> None:
    outcomes = run_processes(tmp_path)
    assert [(o["process_index"], o["process_count"]) for o in outcomes] == [(0, 2), (1, 2)]
    assert outcomes[0]["run"] == {"ID": 8, "OOD": 8, "tiny": 0}  # OOD: 2 of 5 batches; tiny: 0 of 1
    assert outcomes[1]["run"] == {"ID": 8, "OOD": 10, "tiny": 3}
    assert "OOD: 100%" in outcomes[0]["log"] and "OOD:" not in outcomes[1]["log"]  # progress on process 0 only
    single = export(make_data(), tmp_path / "single.deephys")
    assert single.datasets == {"ID": 16, "OOD": 18, "tiny": 3}

    shards = [tmp_path / "run.rank0.deephys", tmp_path / "run.rank1.deephys"]
    with deephys.open(shards[1]) as shard:
        assert shard.metadata["shard"] == "1/2"
    out = CliRunner().invoke(main, ["merge", *map(str, shards), "-o", str(tmp_path / "cli.deephys"), "--no-progress"])
    assert out.exit_code == 0, out.output
    assert_same_files(single, tmp_path / "cli.deephys")

    # merge=True: process 0 merged after both wrote their shards, and removed them
    assert outcomes[0]["merged"] == outcomes[1]["merged"] == str(tmp_path / "merged.deephys")
    assert not list(tmp_path.glob("merged.rank*"))
    assert_same_files(single, tmp_path / "merged.deephys")

    # process 1 failed (labels out of range): both processes raise, naming it; nothing merged
    assert outcomes[0]["failed"].startswith("DistributedExportError: the distributed export failed on rank 1 ")
    assert outcomes[1]["failed"].startswith("DistributedExportError: rank 1 failed (ExportError: ")
    assert outcomes[0]["failed_ranks"] == outcomes[1]["failed_ranks"] == [1]
    assert sorted(p.name for p in tmp_path.glob("failed*")) == ["failed.rank0.deephys"]


def test_process_share_cuts_contiguously_like_torch() -> None:
    images, labels = np.arange(10 * 2).reshape(10, 2), np.arange(10)
    parts = [deephys.flax.process_share((images, labels), i, 3) for i in range(3)]
    assert [p.share[1].tolist() for p in parts] == [[0, 1, 2], [3, 4, 5], [6, 7, 8, 9]]  # rows 10*i//3 ...
    assert all(p.share[0].shape == (len(p.share[1]), 2) for p in parts)
    batch_list = [(images[i : i + 4], labels[i : i + 4]) for i in range(0, 10, 4)]  # 3 batches
    shares = deephys.flax.process_share({"ID": batch_list, "display": images}, 1, 2)
    assert [b[1].tolist() for b in shares["ID"].share] == [[4, 5, 6, 7], [8, 9]]
    assert shares["display"].tolist() == images[5:].tolist()

    empty = deephys.flax.process_share(batch_list[:1], 0, 2)  # one batch, two processes
    assert empty.share == [] and first_batch(empty, 4)()[1].tolist() == [0, 1, 2, 3]  # the whole set's first
    assert first_batch(deephys.flax.process_share((images[:0], labels[:0]), 0, 2), 4)() is None
    assert deephys.flax.process_share((images, labels)).share[1].shape == (10,)  # one process: all of it
    with pytest.raises(ExportError, match="must be sharded where it is made"):
        deephys.flax.process_share(iter(batch_list), 0, 2)
    with pytest.raises(ExportError, match=r"process index 2 is not in \[0, 2\)"):
        deephys.flax.process_share(batch_list, 2, 2)

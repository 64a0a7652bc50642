"""The framework-neutral export core, driven by a NumPy capture (no deep-learning framework needed)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from numpy_capture import LinearCapture, batches

import deephys
from deephys.errors import MergeError
from deephys.export import (
    DistributedExportError,
    ExportError,
    ExportInterrupted,
    ExportOptions,
    PoolingPlan,
    Thumbnailer,
    make_sources,
    pool_numpy,
    resolve_layer_names,
    run_export,
    shard_path,
    split_batch,
    write_shards,
)
from deephys.merge import merge


def test_run_export_writes_every_dataset(tmp_path: Path) -> None:
    capture = LinearCapture()
    data = {"ID": batches(12, 1), "OOD": batches(7, 2)}
    result = run_export(
        tmp_path / "r.deephys",
        make_sources(data),
        capture,
        Thumbnailer(np.asarray),
        ExportOptions(model_name="linear", classes=list("abcd"), progress=False),
    )
    assert os.fspath(result) == str(tmp_path / "r.deephys") and result.layers == {"hidden": 12, "logits": 4}
    with deephys.open(result) as run:
        assert run.model.name == "linear" and run.model.producer.framework == "numpy"
        for name, parts in data.items():
            x = np.concatenate([b[0] for b in parts])
            np.testing.assert_allclose(run.datasets[name].activations("logits"), capture(x)["logits"], rtol=1e-6)
            np.testing.assert_array_equal(run.datasets[name].labels, np.concatenate([b[1] for b in parts]))
            assert run.datasets[name].image(0).shape == (4, 4, 3)


def test_interrupt_keeps_finished_datasets(tmp_path: Path) -> None:
    def stopped() -> Iterator:
        yield batches(5, 3)[0]
        raise KeyboardInterrupt

    with pytest.raises(ExportInterrupted) as caught:
        run_export(
            tmp_path / "r.deephys",
            make_sources({"ID": batches(10, 1), "OOD": stopped()}),
            LinearCapture(),
            None,
            ExportOptions(progress=False),
        )
    assert caught.value.result is not None and caught.value.result.datasets == {"ID": 10}
    assert os.listdir(tmp_path) == ["r.deephys"]


def test_first_dataset_must_not_be_empty_but_others_may(tmp_path: Path) -> None:
    with pytest.raises(ExportError, match="'ID' is empty"):
        run_export(
            tmp_path / "a.deephys", make_sources({"ID": []}), LinearCapture(), None, ExportOptions(progress=False)
        )
    result = run_export(
        tmp_path / "b.deephys",
        make_sources({"ID": batches(5, 1), "OOD": []}),
        LinearCapture(),
        None,
        ExportOptions(progress=False),
    )
    assert result.datasets == {"ID": 5, "OOD": 0}


def test_an_empty_share_learns_the_layers_from_the_whole_datasets_first_batch(tmp_path: Path) -> None:
    whole = {"ID": batches(5, 1), "OOD": batches(4, 2)}
    sources = [
        replace(source, first_batch=lambda data=data: data[0])
        for source, data in zip(make_sources({"ID": [], "OOD": []}), whole.values(), strict=True)
    ]
    result = run_export(
        tmp_path / "r.rank0.deephys",
        sources,
        LinearCapture(),
        Thumbnailer(np.asarray),
        ExportOptions(classes=list("abcd"), progress=False),
    )
    assert result.datasets == {"ID": 0, "OOD": 0} and result.layers == {"hidden": 12, "logits": 4}
    with deephys.open(result) as run:
        assert [len(d) for d in run.datasets.values()] == [0, 0]
        assert run.datasets["ID"].activations("hidden").shape == (0, 12)


def shard_writer(seed: int):
    return lambda path: run_export(
        path,
        make_sources({"ID": batches(6, seed)}),
        LinearCapture(),
        None,
        ExportOptions(classes=list("abcd"), progress=False),
    )


def test_write_shards_merges_only_when_every_rank_succeeded(tmp_path: Path) -> None:
    """`write_shards` with a stand-in for the collective (the gloo and JAX ones are tested in tests/torch and
    tests/flax): what each rank raises, and when rank 0 merges."""
    flags: list[bool] = []

    def none_failed(failed: bool) -> list[int]:
        flags.append(failed)
        return []

    write_shards(tmp_path / "run.deephys", 1, 2, shard_writer(2), merge=False, failed_ranks=none_failed)
    assert flags == [] and (tmp_path / "run.rank1.deephys").exists()  # no merge: no collective
    result = write_shards(tmp_path / "run.deephys", 0, 2, shard_writer(1), merge=True, failed_ranks=none_failed)
    assert flags == [False, False] and os.fspath(result) == str(tmp_path / "run.deephys")
    assert sorted(os.listdir(tmp_path)) == ["run.deephys"]  # merged, shards removed
    with deephys.open(result) as run:
        assert len(run.datasets["ID"]) == 12

    def fails(path: Path):
        raise ValueError("boom")

    with pytest.raises(DistributedExportError, match=r"rank 1 failed \(ValueError: boom\).* ranks 1, 2 ") as info:
        write_shards(tmp_path / "x.deephys", 1, 3, fails, merge=True, failed_ranks=lambda failed: [1, 2])
    assert info.value.failed_ranks == [1, 2] and isinstance(info.value.__cause__, ValueError)
    with pytest.raises(DistributedExportError, match=r"^the distributed export failed on rank 2 \(see its error\)"):
        write_shards(tmp_path / "y.deephys", 0, 3, shard_writer(1), merge=True, failed_ranks=lambda failed: [2])
    assert (tmp_path / "y.rank0.deephys").exists() and not (tmp_path / "y.deephys").exists()
    with pytest.raises(DistributedExportError, match="rank 0 could not merge") as info:  # rank 1's shard is missing
        write_shards(
            tmp_path / "z.deephys", 0, 2, shard_writer(1), merge=True, failed_ranks=lambda failed: [0] if failed else []
        )
    assert info.value.failed_ranks == [0] and (tmp_path / "z.rank0.deephys").exists()

    def interrupted(path: Path):
        raise KeyboardInterrupt

    told: list[bool] = []
    with pytest.raises(KeyboardInterrupt):  # Ctrl-C stays Ctrl-C, once the other ranks are told
        write_shards(
            tmp_path / "w.deephys",
            0,
            2,
            interrupted,
            merge=True,
            failed_ranks=lambda failed: told.append(failed) or [0],
        )
    assert told == [True]


def test_roles_and_sources() -> None:
    sources = make_sources({"a": [], "b": [], "c": []}, roles={"b": "id"})
    assert [s.role for s in sources] == ["id", "id", "ood"]
    with pytest.raises(ExportError, match="roles= names 'z'"):
        make_sources({"a": []}, roles={"z": "id"})
    with pytest.raises(ExportError, match="non-empty mapping"):
        make_sources([])  # type: ignore[arg-type]


def test_split_batch_forms() -> None:
    assert split_batch((1, 2, 3), "d", 0) == (1, 2)
    assert split_batch({"image": 1, "label": 2}, "d", 0) == (1, 2)
    with pytest.raises(ExportError, match=r"dataset 'd', batch 4: expected \(inputs, labels\), got a int"):
        split_batch(7, "d", 4)


def test_thumbnails_normalized_resized_greyscale() -> None:
    rng = np.random.default_rng(0)
    raw = rng.random((2, 3, 30, 90), np.float32)
    mean, std = np.array([0.4, 0.5, 0.6], np.float32), np.array([0.2, 0.3, 0.25], np.float32)
    normalized = (raw - mean[:, None, None]) / std[:, None, None]
    thumbs = Thumbnailer(np.asarray, size=45, mean=mean, std=std).from_inputs(normalized)
    assert [t.shape for t in thumbs] == [(15, 45, 3)] * 2
    same = Thumbnailer(np.asarray, size=90, mean=mean, std=std).from_inputs(normalized)
    assert np.abs(same[0].astype(int) - np.rint(raw[0].transpose(1, 2, 0) * 255)).max() <= 1
    grey = Thumbnailer(np.asarray, layout="NHWC").from_inputs(rng.random((3, 8, 8, 1), np.float32))
    assert grey[0].shape == (8, 8) and grey[0].flags.c_contiguous
    with pytest.raises(ExportError, match="pass mean= and std="):
        Thumbnailer(np.asarray).from_inputs(normalized)
    with pytest.raises(ExportError, match="1 or 3 channels"):
        Thumbnailer(np.asarray).from_inputs(rng.random((2, 5), np.float32))


def test_pooling_plan_and_reference() -> None:
    plan = PoolingPlan({"conv": "max", "tokens": "first"})
    assert plan.for_layer("conv", (2, 3, 4, 4)).name == "spatial_max"
    assert plan.for_layer("tokens", (2, 5, 8)).name == "token_first"
    assert plan.for_layer("other", (2, 5, 8)).name == "token_mean"
    with pytest.raises(ExportError, match="changed from a conv map"):
        plan.for_layer("conv", (2, 3, 4))
    x = np.arange(2 * 3 * 2 * 2, dtype=np.float32).reshape(2, 3, 2, 2)
    np.testing.assert_array_equal(pool_numpy(x, "spatial_max"), x.max(axis=(2, 3)))
    np.testing.assert_array_equal(
        pool_numpy(x.transpose(0, 2, 3, 1), "spatial_mean", channels_last=True), x.mean(axis=(2, 3))
    )
    with pytest.raises(ExportError, match="pooling= names 'nope'"):
        PoolingPlan({"nope": "mean"}).check_choices(["conv"])
    with pytest.raises(ExportError, match=r"pool_numpy\(x, 'mean'\): 'mean' is not a pooling name.*'spatial_mean'"):
        pool_numpy(x, "mean")


def test_layer_names_and_shards() -> None:
    with pytest.raises(ExportError, match=r"did you mean 'layer4'"):
        resolve_layer_names(["layer5"], ["layer3", "layer4", "fc"])
    with pytest.raises(ExportError, match="more than once"):
        resolve_layer_names(["fc", "fc"], ["fc"])
    assert shard_path("out/run.deephys", 3) == Path("out/run.rank3.deephys")


def test_merge_errors_name_the_difference_and_the_fix(tmp_path: Path) -> None:
    model = deephys.Model("m", layers={"logits": 2}, classifier="logits")
    paths = []
    for name, classes in (("a", ["cat", "dog"]), ("b", ["cat", "cow"])):
        paths.append(tmp_path / f"{name}.deephys")
        with deephys.Writer(paths[-1], model=model, classes=classes) as writer:
            writer.add_dataset("d", labels=[0, 1], activations={"logits": np.eye(2, dtype=np.float32)})
    with pytest.raises(
        MergeError, match=r"different class names \(class 1 is 'dog' vs 'cow'\); only the shards of one"
    ):
        merge(paths[::-1], tmp_path / "m.deephys")
    with pytest.raises(ExportError, match=r"roles= gives 1 roles for 2 datasets \['a', 'b'\]: give one role"):
        make_sources({"a": [], "b": []}, roles=["id"])

"""Errors and warnings of the Flax exporter: unknown layers, outputs that are not arrays, NaN, Ctrl-C."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from flax import nnx
from flax_models import NNXCNN, LinenCNN, LogNet, PairNet, batches, linen_cnn_variables, pixels

import deephys
import deephys.flax
from deephys.export import ExportError, ExportInterrupted, NonFiniteActivationWarning, UnknownLayerError


def small_data(n: int = 6, size: int = 4, seed: int = 0) -> list[tuple[np.ndarray, np.ndarray]]:
    images, labels = pixels(n, size, seed)
    return batches(images.astype(np.float32) / 255, labels, 4)


def test_unknown_nnx_layer_lists_close_matches(tmp_path: Path) -> None:
    with pytest.raises(UnknownLayerError, match=r"'blocks\.1\.conv3' is not a module.*did you mean 'blocks\.1\.conv2'"):
        deephys.flax.export(
            NNXCNN(nnx.Rngs(0)),
            {"ID": small_data()},
            layers=["blocks.1.conv2", "blocks.1.conv3"],
            path=tmp_path / "x.deephys",
        )
    with pytest.raises(UnknownLayerError, match=r"did you mean 'head'"):
        deephys.flax.export(NNXCNN(nnx.Rngs(0)), {"ID": small_data()}, layers=["haed"], path=tmp_path / "x.deephys")
    assert os.listdir(tmp_path) == []


def test_unknown_linen_layer_lists_close_matches(tmp_path: Path) -> None:
    with pytest.raises(UnknownLayerError, match=r"'block\.conv_0' is not a module.*did you mean 'block\.Conv_0'"):
        deephys.flax.export(
            LinenCNN(),
            {"ID": small_data(size=8)},
            variables=linen_cnn_variables(),
            call_kwargs={"train": False},
            layers=["block.conv_0", "head"],
            path=tmp_path / "x.deephys",
            progress=False,
        )
    with pytest.raises(ExportError, match=r"(?s)immutable.*training mode.*call_kwargs=\{'train': False\}"):
        deephys.flax.export(
            LinenCNN(),
            {"ID": small_data(size=8)},
            variables=linen_cnn_variables(),
            layers=["head"],
            path=tmp_path / "x.deephys",
            progress=False,
        )
    with pytest.raises(ExportError, match="needs its variables"):
        deephys.flax.export(LinenCNN(), {"ID": small_data(size=8)}, layers=["head"], path=tmp_path / "x.deephys")
    assert os.listdir(tmp_path) == []


def test_container_reused_module_and_tuple_output(tmp_path: Path) -> None:
    model = NNXCNN(nnx.Rngs(0))
    # a container: nnx.List is a module that is never called (a plain list, in older Flax, is no module)
    with pytest.raises(ExportError, match=r"layer 'blocks' (did not run|is not a module)"):
        deephys.flax.export(
            model, {"ID": small_data()}, layers=["blocks", "head"], path=tmp_path / "x.deephys", progress=False
        )
    assert type(model.head) is nnx.Linear
    pair = PairNet(nnx.Rngs(0))
    with pytest.raises(ExportError, match=r"layer 'act' ran 2 times"):
        deephys.flax.export(
            pair, {"ID": small_data()}, layers=["act", "head"], path=tmp_path / "x.deephys", progress=False
        )
    with pytest.raises(ExportError, match=r"returned a tuple \(Array\[4, 6\], Array\[4\]\).*select=\{'pair': 0\}"):
        deephys.flax.export(
            pair, {"ID": small_data()}, layers=["pair", "head"], path=tmp_path / "x.deephys", progress=False
        )
    assert os.listdir(tmp_path) == []
    result = deephys.flax.export(
        pair,
        {"ID": small_data()},
        layers=["pair", "head"],
        select={"pair": 0},
        path=tmp_path / "x.deephys",
        progress=False,
        thumbnails=False,
    )
    with deephys.open(result) as run:
        assert run.model.layer("pair").units == 6


def test_nan_activations_warn_and_are_kept(tmp_path: Path) -> None:
    with pytest.warns(NonFiniteActivationWarning, match=r"dataset 'ID' has non-finite activations \('log'"):
        result = deephys.flax.export(
            LogNet(nnx.Rngs(0)),
            {"ID": small_data(9)},
            layers=["log", "head"],
            path=tmp_path / "nan.deephys",
            progress=False,
        )
    counts = result.nonfinite["ID"]["log"]
    assert counts.nan > 0 and counts.images > 0 and "head" not in result.nonfinite["ID"]
    with deephys.open(result) as run:
        values = run.datasets["ID"].activations("log")
        assert np.isnan(values).sum() == counts.nan
        assert run.datasets["ID"].summary("log").nan_count.sum() == counts.nan


def interrupted_after(batch_list: list, count: int) -> Iterator:
    yield from batch_list[:count]
    raise KeyboardInterrupt


def test_ctrl_c_keeps_the_finished_datasets(tmp_path: Path) -> None:
    path = tmp_path / "run.deephys"
    # the exporter reads one batch ahead (its forward runs while the previous batch is written)
    datasets = {"ID": small_data(6), "OOD": interrupted_after(small_data(12, seed=1), 2)}
    with pytest.raises(ExportInterrupted, match=r"during dataset 'OOD' \(4 images done\).*'ID' \(6 images\)"):
        deephys.flax.export(LogNet(nnx.Rngs(0)), datasets, layers=["fc", "head"], path=path, progress=False)
    assert os.listdir(tmp_path) == ["run.deephys"]
    with deephys.open(path) as run:
        assert list(run.datasets) == ["ID"] and len(run.datasets["ID"]) == 6

"""The one exporter body (`export_model`), driven by a NumPy adapter: what every framework's `export()` does."""

from __future__ import annotations

import importlib
import inspect
import json
import os
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import MISSING, fields
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from numpy_capture import LinearCapture, batches

import deephys
from deephys.export import ExportError, ExportResult, PoolingPlan, split_batch
from deephys.export.exporter import ExportSettings, FrameworkAdapter, Shard, export_model


class LinearModel:
    """What the user passes as the model; its capture is `LinearCapture`."""


class NumpyAdapter(FrameworkAdapter[LinearCapture]):
    """A framework whose datasets are lists of batches and whose layers are "hidden" and "logits"."""

    exporter = "deephys.numpy"

    def __init__(
        self,
        layers: Sequence[str] = ("hidden", "logits"),
        shard: Shard | None = None,
        dataset_classes: Sequence[str] | None = ("w", "x", "y", "z"),
    ):
        self.model, self.names, self.sharded = LinearModel(), list(layers), shard
        self.dataset_classes = dataset_classes
        self.ran_inside: list[str] = []
        self.flags: list[bool] = []

    def layer_name(self, layer: Any) -> str:
        return str(layer)

    def shard(self, distributed: bool | None) -> Shard | None:
        return self.sharded if distributed is not False else None

    def failed_ranks(self, failed: bool) -> list[int]:
        self.flags.append(failed)
        return []

    def capture(self, pooling: PoolingPlan, relu: set[str], select: dict[str, Any]) -> LinearCapture:
        return LinearCapture()

    def batches(self, value: Any, batch_size: int, shard: Shard | None) -> Iterable[Any]:
        return value

    def count_images(self, batches: Iterable[Any]) -> int | None:
        return sum(len(split_batch(b, "", 0)[1]) for b in batches) if isinstance(batches, list) else None

    def classes_of(self, value: Any) -> Sequence[str] | None:
        return None if self.dataset_classes is None else list(self.dataset_classes)

    def writer_defaults(self, capture: LinearCapture) -> Mapping[str, Any]:
        return {"top_k": 3, "histogram_bins": 8}

    @contextmanager
    def running(self, capture: LinearCapture) -> Iterator[None]:
        self.ran_inside.append("enter")
        yield
        self.ran_inside.append("exit")


def export(adapter: NumpyAdapter, datasets: Mapping[str, Any], **options: Any) -> ExportResult:
    """What a framework's `export()` does (they pass `ExportSettings.of(locals())`), without progress bars."""
    return export_model(adapter, ExportSettings(datasets, **{"progress": False, **options}))


def test_export_model_checks_builds_and_writes_one_file(tmp_path: Path) -> None:
    adapter = NumpyAdapter()
    result = export(adapter, {"ID": batches(7, 1), "OOD": batches(3, 2)}, path=tmp_path / "r.deephys")
    assert result.datasets == {"ID": 7, "OOD": 3} and result.layers == {"hidden": 12, "logits": 4}
    assert adapter.ran_inside == ["enter", "exit"] and adapter.flags == []
    with deephys.open(result) as run:
        assert run.model.name == "LinearModel" and run.model.classifier == "logits"  # the last layer
        assert list(run.classes) == ["w", "x", "y", "z"]  # the dataset's classes fit the classifier
        assert run.metadata["exporter"] == "deephys.numpy" and "shard" not in run.metadata
        assert run.datasets["ID"].top_k == 3 and run.datasets["ID"].image(0).shape == (4, 4, 3)
    again = export(
        adapter,
        {"ID": batches(5, 1)},
        classes=["a", "b", "c", "d"],
        path=tmp_path / "s.deephys",
        writer_options={"top_k": 2},
    )
    with deephys.open(again) as run:
        assert list(run.classes) == ["a", "b", "c", "d"] and run.datasets["ID"].top_k == 2  # the user's options win


def test_export_model_checks_the_shared_arguments_before_reading_data(tmp_path: Path) -> None:
    def untouched() -> Iterator[Any]:
        raise AssertionError("read")
        yield

    data = {"ID": untouched()}
    with pytest.raises(ExportError, match=r"classifier='fc' is not one of the recorded layers \['hidden', 'logits'\]"):
        export(NumpyAdapter(), data, classifier="fc")
    with pytest.raises(ExportError, match="pooling= names 'fc'"):
        export(NumpyAdapter(), data, pooling={"fc": "max"})
    with pytest.raises(ExportError, match="relu= names 'fc'"):
        export(NumpyAdapter(), data, relu=["fc"])
    with pytest.raises(ExportError, match="select= names 'fc'"):
        export(NumpyAdapter(), data, select={"fc": 0})
    with pytest.raises(ExportError, match="thumbnails= takes True, False or a function inputs -> images, not 'yes'"):
        export(NumpyAdapter(), {"ID": batches(5, 1)}, path=tmp_path / "r.deephys", thumbnails="yes")
    assert not os.listdir(tmp_path)


def test_export_model_writes_this_ranks_shard_and_merges(tmp_path: Path) -> None:
    adapter = NumpyAdapter(shard=(0, 1))
    shard = export(adapter, {"ID": batches(6, 1)}, path=tmp_path / "r.deephys")
    assert os.fspath(shard) == str(tmp_path / "r.rank0.deephys") and adapter.flags == []
    with deephys.open(shard) as run:
        assert run.metadata["shard"] == "0/1"
    merged = export(adapter, {"ID": batches(6, 1)}, path=tmp_path / "m.deephys", merge=True)
    assert os.fspath(merged) == str(tmp_path / "m.deephys") and adapter.flags == [False, False]
    assert sorted(os.listdir(tmp_path)) == ["m.deephys", "r.rank0.deephys"]
    with deephys.open(merged) as run:
        assert len(run.datasets["ID"]) == 6 and "shard" not in run.metadata


@pytest.mark.parametrize("framework", ["torch", "flax"])
def test_every_export_signature_has_the_shared_settings(framework: str) -> None:
    """`ExportSettings.of(locals())` picks the settings by name from each framework's `export()`, whose
    defaults are the settings' own."""
    pytest.importorskip(framework)
    parameters = inspect.signature(importlib.import_module(f"deephys.{framework}").export).parameters
    for field in fields(ExportSettings):
        assert field.name in parameters
        if field.default is not MISSING:
            assert parameters[field.name].default == field.default, field.name


def test_label_map_forms_and_their_errors(tmp_path: Path) -> None:
    data = {"ID": batches(6, 1), "two": [(x, y % 2) for x, y in batches(6, 2)]}
    with pytest.raises(ExportError, match=r"label_map= names 'three', which are not in datasets=\['ID', 'two'\]"):
        export(NumpyAdapter(dataset_classes=None), data, label_map={"three": [0, 1]})
    with pytest.raises(ExportError, match=r"label_map\['two'\] maps 0 to 'a': dataset labels and model classes"):
        export(NumpyAdapter(dataset_classes=None), data, label_map={"two": ["a", "b"]})
    with pytest.raises(ExportError, match=r"restrict_predictions=True .* but no label_map= was given"):
        export(NumpyAdapter(dataset_classes=None), data, restrict_predictions=True)
    with pytest.raises(
        ExportError, match=r"dataset 'ID', batch 0: label \d of image 0 .* is not in its label_map, which"
    ):
        export(
            NumpyAdapter(dataset_classes=None), data, path=tmp_path / "r.deephys", label_map={0: 3, 1: 2}
        )  # one map for both
    assert not os.listdir(tmp_path)
    result = export(
        NumpyAdapter(dataset_classes=None), data, path=tmp_path / "r.deephys", label_map={"two": {0: 3, 1: 2}}
    )
    with deephys.open(result) as run:
        two = run.datasets["two"]
        np.testing.assert_array_equal(two.labels, np.where(np.concatenate([y for _, y in data["two"]]) % 2, 2, 3))
        np.testing.assert_array_equal(two.predictions, two.activations("logits").argmax(1))  # not restricted
        assert json.loads(run.metadata["label_map"]) == {"two": {"0": 3, "1": 2}}
        assert json.loads(run.metadata["predictions"]) == {"two": "all classes"}


def test_restricted_predictions_and_their_confidences(tmp_path: Path) -> None:
    data = {"ID": batches(6, 1), "two": [(x, y % 2) for x, y in batches(9, 2)]}
    result = export(
        NumpyAdapter(dataset_classes=None),
        data,
        path=tmp_path / "r.deephys",
        label_map={"two": [3, 0]},
        restrict_predictions=True,
    )
    with deephys.open(result) as run:
        two = run.datasets["two"]
        logits = two.activations("logits").astype(np.float64)
        chosen = np.where(logits[:, 3] >= logits[:, 0], 3, 0)
        np.testing.assert_array_equal(two.predictions, chosen)
        pair = np.exp(logits[:, [0, 3]] - logits[:, [0, 3]].max(1, keepdims=True))
        expected = (pair / pair.sum(1, keepdims=True)).max(1)  # softmax over the two mapped classes only
        np.testing.assert_allclose(two.confidences, expected, rtol=1e-6)


def test_dict_batches_name_the_keys_they_lack(tmp_path: Path) -> None:
    x, y = batches(5, 1)[0]
    ok = export(NumpyAdapter(), {"ID": [{"pixel_values": x, "labels": y}]}, path=tmp_path / "r.deephys")
    assert ok.datasets == {"ID": 5}
    with pytest.raises(ExportError, match=r"this one has the keys 'img_tensor', 'cls'. Rename them"):
        export(NumpyAdapter(), {"ID": [{"img_tensor": x, "cls": y}]}, path=tmp_path / "s.deephys")


@pytest.mark.parametrize(
    ("scale", "options", "message"),
    [
        (255.0, {}, r"lie in \[[\d.]+, 25[\d.]+\]: they look like 0..255 pixel values stored as floats. .* x / 255"),
        (4.0, {}, r"they look normalized, so pass mean= and std="),
        (1.0, {"mean": (0.0,), "std": (255.0,)}, r"after undoing mean= and std=: .* given in 0..255 units"),
    ],
)
def test_thumbnail_ranges_say_what_was_seen_and_the_fix(
    scale: float, options: dict[str, Any], message: str, tmp_path: Path
) -> None:
    x, y = batches(5, 1)[0]
    with pytest.raises(ExportError, match=message):
        export(
            NumpyAdapter(),
            {"ID": [(x * scale - (2.0 if scale == 4.0 else 0.0), y)]},
            path=tmp_path / "r.deephys",
            **options,
        )

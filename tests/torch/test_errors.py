"""Clear errors and warnings, hooks removed and modes restored whatever happens."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest
import torch
from torch import nn
from torch_hooks import ForwardHooks
from torch_models import MLP, ResNet, image_batches

import deephys.torch
from deephys.export import ExportError, NonFiniteActivationWarning, UnknownLayerError


def export(model: nn.Module, datasets: dict, layers: list, path: Path, **options):
    return deephys.torch.export(model, datasets, layers=layers, path=path, progress=False, **options)


def test_unknown_layer_lists_close_matches(tmp_path: Path) -> None:
    with pytest.raises(UnknownLayerError, match=r"'layer.1' is not a module.*did you mean 'layers.1'"):
        export(ResNet(), {"ID": image_batches(4, 8, 4)}, ["layer.1", "fc"], tmp_path / "r.deephys")
    assert not os.listdir(tmp_path)


class TupleOut(nn.Module):
    """A module returning (features, attention) like many attention layers."""

    def __init__(self) -> None:
        super().__init__()
        self.inner = nn.Linear(192, 6)

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        h = self.inner(x.flatten(1))
        return h, h.softmax(-1)


class WithTuple(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.encoder = TupleOut()
        self.head = nn.Linear(6, 10)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.head(self.encoder(x)[0])


def test_tuple_output_needs_select(tmp_path: Path, forward_hooks: ForwardHooks) -> None:
    model = WithTuple()
    with pytest.raises(ExportError, match=r"'encoder' returned a tuple \(Tensor\[4, 6\], Tensor\[4, 6\]\).*select="):
        export(model, {"ID": image_batches(4, 8, 4)}, ["encoder", "head"], tmp_path / "r.deephys")
    assert forward_hooks.handles and forward_hooks.live == 0 and not os.listdir(tmp_path)
    result = export(
        model, {"ID": image_batches(4, 8, 4)}, ["encoder", "head"], tmp_path / "r.deephys", select={"encoder": 1}
    )
    with result.open() as run:
        np.testing.assert_allclose(run.datasets["ID"].activations("encoder").sum(1), 1, rtol=1e-5)


def test_labels_out_of_range_name_the_batch(tmp_path: Path) -> None:
    batches = image_batches(12, 8, 4)
    batches[2][1][3] = 10
    with pytest.raises(
        ExportError,
        match=r"dataset 'ID', batch 2: label 10 of image 3 in the batch "
        r"\(image 11 of the dataset\) is out of range: the model has 10 classes",
    ):
        export(MLP(), {"ID": batches}, ["fc1", "fc2"], tmp_path / "r.deephys")
    assert not os.listdir(tmp_path)


def test_nan_activations_warn_with_counts_and_go_on(tmp_path: Path) -> None:
    batches = image_batches(8, 8, 4)
    batches[1][0][2, 0, 0, 0] = float("nan")  # one image: NaN through every unit of both layers (ReLU too)
    with pytest.warns(NonFiniteActivationWarning, match=r"'fc1': 24 NaN.*'fc2': 10 NaN and 0 inf values in 1 of 8"):
        result = export(MLP(hidden=24), {"ID": batches}, ["fc1", "fc2"], tmp_path / "r.deephys", relu=["fc1"])
    counts = result.nonfinite["ID"]
    assert counts["fc2"].nan == 10 and counts["fc2"].images == 1
    with result.open() as run:
        summary = run.datasets["ID"].summary("fc2")
        assert summary.nan_count.sum() == 10 and len(run.datasets["ID"]) == 8


def test_nan_and_inf_counting() -> None:
    from deephys.export.loop import count_nonfinite

    counts: dict = {}
    count_nonfinite({"a": np.array([[np.nan, np.inf], [1.0, -np.inf]], np.float32)}, counts)
    assert (counts["a"].nan, counts["a"].inf, counts["a"].images) == (1, 2, 2)


class Flexible(nn.Module):
    """Output width depends on the input width: a shape change between batches."""

    def __init__(self) -> None:
        super().__init__()
        self.head = nn.Identity()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.head(x.flatten(1)[:, : x.shape[-1]])


def test_shape_change_between_batches(tmp_path: Path) -> None:
    batches = [
        (torch.rand(2, 3, 4, 10), torch.zeros(2, dtype=torch.long)),
        (torch.rand(2, 3, 4, 12), torch.zeros(2, dtype=torch.long)),
    ]
    with pytest.raises(ExportError, match=r"batch 1: layer 'head' gave 12 units after pooling, but 10"):
        export(Flexible(), {"ID": batches}, ["head"], tmp_path / "r.deephys", thumbnails=False)
    assert not os.listdir(tmp_path)


def test_hooks_removed_and_modes_restored_after_an_exception(tmp_path: Path, forward_hooks: ForwardHooks) -> None:
    model = ResNet()
    model.train()
    model.layers[0].eval()  # mixed states must come back as they were

    def batches():
        yield image_batches(4, 8, 4)[0]
        raise RuntimeError("loader failed")

    with pytest.raises(RuntimeError, match="loader failed"):
        export(model, {"ID": batches()}, ["layers.1", "fc"], tmp_path / "r.deephys")
    assert forward_hooks.handles and forward_hooks.live == 0
    assert model.training and not model.layers[0].training and not model.layers[0][0].bn1.training
    assert model.layers[1].training
    assert not os.listdir(tmp_path)


def test_layer_that_does_not_run(tmp_path: Path) -> None:
    model = MLP()
    model.unused = nn.Linear(3, 3)
    with pytest.raises(ExportError, match=r"'unused' did not run in the model's forward pass"):
        export(model, {"ID": image_batches(4, 8, 4)}, ["unused", "fc2"], tmp_path / "r.deephys")


def test_pooling_that_does_not_fit(tmp_path: Path) -> None:
    with pytest.raises(ExportError, match=r"pooling 'first' does not apply to conv maps"):
        export(ResNet(), {"ID": image_batches(4, 8, 4)}, ["layers.1", "fc"], tmp_path / "r.deephys", pooling="first")


def test_classifier_width_must_match_classes(tmp_path: Path) -> None:
    with pytest.raises(ExportError, match=r"classes= has 3 names but the classifier 'fc2' has 10 outputs"):
        export(MLP(), {"ID": image_batches(4, 8, 4)}, ["fc1", "fc2"], tmp_path / "r.deephys", classes=["a", "b", "c"])


def test_normalized_inputs_without_mean_std(tmp_path: Path) -> None:
    batches = [((x - 0.5) / 0.25, y) for x, y in image_batches(4, 8, 4)]
    with pytest.raises(ExportError, match=r"float images must lie in \[0, 1\].*pass mean= and std="):
        export(MLP(), {"ID": batches}, ["fc1", "fc2"], tmp_path / "r.deephys")


def test_one_select_for_every_layer_leaves_tensor_outputs_alone(tmp_path: Path) -> None:
    result = export(WithTuple(), {"ID": image_batches(4, 8, 4)}, ["encoder", "head"], tmp_path / "r.deephys", select=0)
    with result.open() as run:
        assert len(run.datasets["ID"]) == 4 and run.model.layer("head").units == 10


def test_dataset_classes_that_do_not_fit_the_classifier_are_refused(tmp_path: Path) -> None:
    from torch.utils.data import TensorDataset

    dataset = TensorDataset(torch.rand(4, 3, 8, 8), torch.zeros(4, dtype=torch.long))
    dataset.classes = ["a", "b"]  # 2 classes under a 10-way classifier: its labels are not the model's
    with pytest.raises(
        ExportError, match=r"dataset 'ID' has 2 classes \(its .classes\) but the classifier 'fc2' has 10"
    ):
        export(MLP(), {"ID": dataset}, ["fc1", "fc2"], tmp_path / "r.deephys")
    assert not os.listdir(tmp_path)


def test_a_classifier_that_is_not_the_models_output_is_refused(tmp_path: Path) -> None:
    data = {"ID": image_batches(8, 8, 4)}
    with pytest.raises(
        ExportError, match=r"taken to be 'fc1' \(the last of layers=\), but its output \(24 units\) is not"
    ):
        export(MLP(), data, ["fc2", "fc1"], tmp_path / "r.deephys")
    with pytest.raises(ExportError, match=r"The model's output is 'fc2''s: put 'fc2' last in layers=, or pass"):
        export(MLP(), data, ["fc1"], tmp_path / "r.deephys")  # found among all the modules, not only those recorded
    assert not os.listdir(tmp_path)
    result = export(MLP(), data, ["fc2", "fc1"], tmp_path / "r.deephys", classifier="fc1")  # on purpose: allowed
    with result.open() as run:
        assert run.model.classifier == "fc1" and len(run.classes) == 24
